// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror replace NAME --leg N NEWDEV [--wait] [--force]
 * Reloads the live table with NEWDEV in place of leg N (suspend, load,
 * resume).  NEWDEV is blank in its last 4 KiB, so the kernel takes it as
 * a replacement and rebuilds it from the other leg.  Warns when NEWDEV
 * shares a failure domain with that leg.
 */
#include "blkid.h"
#include "blockdev.h"
#include "commands.h"
#include "dm.h"
#include "errors.h"
#include "faildomain.h"
#include "kmsg.h"
#include "legcheck.h"
#include "mirror_table.h"
#include "options.h"

namespace dxm {

/*
 * A resume whose new table failed leaves the device suspended with that
 * table (the previous one is gone): a filesystem on it would hang.  Load
 * the previous table again and resume it; says how that went.
 */
static std::string restore_table(const std::string &name, uint64_t len,
				 const std::string &params)
{
	try {
		dm::reload(name, { { 0, len, TARGET_NAME, params } });
		dm::resume(name);
	} catch (const Error &e) {
		return "; restoring the previous table failed too (" +
		       e.reason() + "): the device is suspended";
	}
	return "; the previous table is live again";
}

/* Warns when NEWDEV shares hardware with the leg it is rebuilt from. */
static void warn_new_leg_domain(const MirrorState &st, int leg,
				const BlockDevice &newdev)
{
	std::optional<std::string> kname =
		majmin_kernel_name(st.status.dev[1 - leg]);
	std::array<FailureDomain, 2> dom;

	if (!kname)
		return;
	dom[leg] = failure_domain(newdev.kname);
	dom[1 - leg] = failure_domain(*kname);
	warn_shared_domain("replace", dom[0], dom[1]);
}

int cmd_replace(const Args &args)
{
	CommandLine cl("replace", "NAME NEWDEV",
		       "Put NEWDEV in place of leg N and rebuild it from the "
		       "other leg.  NEWDEV must not be in use, and hold no "
		       "signature unless --force (which wipes them and "
		       "zeroes its last 4 KiB).  Warns when NEWDEV shares a "
		       "failure domain with the other leg.");

	cl.leg().wait()
		.force("use a device that holds signatures or a superblock; "
		       "wipes them")
		.operands(2, 2);
	if (!cl.parse(args))
		return 0;
	const std::string &name = cl.args()[0];
	const std::string &given = cl.args()[1];
	int leg = cl.leg_number();
	bool force = cl.has("force");
	check_device_name(name);

	LiveTable lt = read_live_table(name);
	const MirrorState &st = lt.st;
	const std::string &old_params = lt.params;
	TableArgs &ta = lt.ta;
	if (ta.legs[1 - leg] == MISSING_LEG || st.status.health[1 - leg] != 'A')
		throw Error(name, "leg " + std::to_string(1 - leg) +
				  " is not alive and in sync; nothing to "
				  "rebuild leg " + std::to_string(leg) + " from");

	LegFacts f = gather_leg_facts(blkid::resolve_device(given), false);
	LegPolicy pol;
	pol.force = force;
	pol.require_dax = !ta.no_dax;
	pol.no_dax_option = false;	/* the mirror's mode is its table's */
	LegVerdict v = judge_leg(f, pol);
	v.refuse_blocked(given, force);
	for (const auto &d : st.status.dev)
		if (d && *d == f.dev.id.str())
			throw Error(given, "is already a leg of " + name);
	warn_new_leg_domain(st, leg, f.dev);
	if (force && !f.signatures.empty())
		blkid::wipe_signatures(f.dev.path);
	if (force || f.sb_kind != SbKind::Blank)
		zero_superblock_block(f.dev.path, f.dev.sectors);

	ta.legs[leg] = table_token(f.dev);
	reload_live_table(name, st, old_params, ta, st.len);
	return cl.has("wait") ? wait_idle(name, "rebuild", true) : 0;
}

void reload_live_table(const std::string &name, const MirrorState &st,
		       const std::string &old_params, TableArgs ta,
		       uint64_t len)
{
	ta.nosync = false;
	ta.rebuild_leg.reset();
	KernelLog log;
	try {
		dm::reload(name, { { 0, len, TARGET_NAME, table_params(ta) } });
	} catch (const dm::DmError &) {
		std::string why = log.last({ "daxmirror" });
		if (why.empty())
			throw;
		throw Error(name, "the kernel refused the new table: " + why);
	}
	try {
		dm::suspend(name);
	} catch (...) {
		try {
			dm::clear_inactive(name);
		} catch (...) {
		}
		throw;
	}
	try {
		dm::resume(name);
	} catch (const dm::DmError &e) {
		std::string why = log.reason({ "daxmirror" });

		if (why.empty())
			why = e.reason();
		throw Error(name, "activating the new table failed: " + why +
				  restore_table(name, st.len, old_params));
	}
}

} // namespace dxm
