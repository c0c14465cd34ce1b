// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror re-add NAME --leg N LEG [--wait]
 * Puts LEG back as leg N of the mirror it dropped out of (failed, or
 * missing when the mirror was assembled), keeping its superblock.  The
 * kernel then copies onto it only the regions the other leg's bitmap
 * marked since it dropped out, when the superblocks allow it (it dropped
 * out in sync and was not used since: dxm_readd_ok()), and rebuilds it in
 * full otherwise.  The tool says which before it loads the table, from
 * the same rule.
 */
#include <cstdio>

#include "blkid.h"
#include "blockdev.h"
#include "commands.h"
#include "errors.h"
#include "legcheck.h"
#include "mirror_table.h"
#include "options.h"
#include "scan.h"

namespace dxm {

int cmd_readd(const Args &args)
{
	CommandLine cl("re-add", "NAME LEG",
		       "Put LEG back as leg N of the mirror it dropped out of "
		       "(failed or missing), keeping its superblock: only the "
		       "regions written since are copied onto it when its "
		       "superblock shows it dropped out in sync and was not "
		       "used since, else it is rebuilt in full.  For a new "
		       "device use replace.");

	cl.leg().wait().operands(2, 2);
	if (!cl.parse(args))
		return 0;
	const std::string &name = cl.args()[0];
	const std::string &given = cl.args()[1];
	int leg = cl.leg_number(), other = 1 - leg;
	check_device_name(name);

	LiveTable lt = read_live_table(name);
	const MirrorState &st = lt.st;
	const std::string &old_params = lt.params;
	TableArgs &ta = lt.ta;
	if (st.status.leg_health(leg) != 'D')
		throw Error(name, "leg " + std::to_string(leg) + " is in the "
				  "mirror; fail it first, or use rebuild");
	if (ta.legs[other] == MISSING_LEG || st.status.leg_health(other) != 'A')
		throw Error(name, "leg " + std::to_string(other) +
				  " is not alive and in sync; nothing to "
				  "copy leg " + std::to_string(leg) + " from");
	Superblock fresh = live_leg(st, other, name).sb;

	LegFacts f = gather_leg_facts(blkid::resolve_device(given), false);
	/* a leg failed at run time is still held, as leg N, by this table */
	const auto &held = st.status.dev[leg];
	if (held && *held == f.dev.id.str()) {
		f.busy_errno = 0;
		f.busy_reason.clear();
	}
	LegPolicy pol;
	pol.require_dax = !ta.no_dax;
	pol.no_dax_option = false;
	pol.own_set = fresh.set_uuid;
	pol.position = leg;
	LegVerdict v = judge_leg(f, pol);
	if (!v.readd)
		throw Error(given, "is not leg " + std::to_string(leg) +
				   " of set " + format_uuid(fresh.set_uuid) +
				   " (" + (f.sb_kind == SbKind::Valid ?
				   "leg " + std::to_string(f.sb.leg_index) +
				   " of set " + format_uuid(f.sb.set_uuid) :
				   f.sb_problem.empty() ? "no superblock" :
				   f.sb_problem) +
				   "); for a new device use replace");
	/* the mirror's own filesystem signature is expected on a leg */
	for (const auto &p : v.problems)
		if (!p.forceable)
			throw Error(given, p.why);
	if (st.status.dev[other] && *st.status.dev[other] == f.dev.id.str())
		throw Error(given, "is already a leg of " + name);

	if (readd_possible(fresh, f.sb, leg))
		printf("%s: re-adding %s as leg %d: only the regions written "
		       "since it dropped out are copied\n", name.c_str(),
		       given.c_str(), leg);
	else
		printf("%s: re-adding %s as leg %d: its superblock (events "
		       "%llu) is not the one leg %d recorded when it dropped "
		       "out (%s): rebuilt in full\n", name.c_str(),
		       given.c_str(), leg, (unsigned long long)f.sb.events,
		       other, fresh.readd_events[leg] ?
		       ("events " + std::to_string(fresh.readd_events[leg]))
		       .c_str() : "no record");
	fflush(stdout);
	ta.legs[leg] = table_token(f.dev);
	reload_live_table(name, st, old_params, ta, st.len);
	return cl.has("wait") ? wait_idle(name, "rebuild", true) : 0;
}

} // namespace dxm
