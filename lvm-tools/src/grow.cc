// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror grow NAME [--wait]
 * After both legs were replaced by larger devices (one at a time, each
 * rebuilt), the data area grows to what the smaller leg can hold: each
 * leg's metadata already sits at its own end, so nothing moves.  The live
 * table is reloaded with the new length and the option "grow"; the kernel
 * marks the new regions on both legs, writes the new size into both
 * superblocks and resyncs the new area.  The filesystem is grown after,
 * as after lvextend (resize2fs, xfs_growfs).
 */
#include <algorithm>
#include <cstdio>

#include "commands.h"
#include "errors.h"
#include "mirror_table.h"
#include "options.h"
#include "scan.h"
#include "size.h"

namespace dxm {

namespace {

/* The most data leg LEG of the mirror can hold, from its device size. */
uint64_t leg_room(const MirrorState &st, int leg, const std::string &name)
{
	FoundLeg f = live_leg(st, leg, name);
	struct dxm_geometry g;

	if (dxm_compute_geometry(f.sectors, f.sb.region_sectors,
				 f.sb.spare_pages, &g))
		throw Error(name, "leg " + std::to_string(leg) +
				  " is too small for its metadata");
	return g.data_sectors;
}

} // namespace

int cmd_grow(const Args &args)
{
	CommandLine cl("grow", "NAME",
		       "Grow the mirror to what its legs can hold, after both "
		       "were replaced by larger devices; the new area is "
		       "resynced.  Grow the filesystem afterwards (resize2fs, "
		       "xfs_growfs).");

	cl.wait().operands(1, 1);
	if (!cl.parse(args))
		return 0;
	const std::string &name = cl.args()[0];
	check_device_name(name);

	LiveTable lt = read_live_table(name);
	const MirrorState &st = lt.st;
	const std::string &old_params = lt.params;
	TableArgs &ta = lt.ta;
	for (int i = 0; i < 2; i++)
		if (ta.legs[i] == MISSING_LEG || st.status.leg_health(i) != 'A')
			throw Error(name, "both legs must be present and in "
					  "sync to grow (leg " +
					  std::to_string(i) + " is not)");
	uint64_t room = std::min(leg_room(st, 0, name), leg_room(st, 1, name));
	if (room <= st.len) {
		printf("%s: nothing to grow: %s, and its legs hold no more\n",
		       name.c_str(), format_size(st.len << 9).c_str());
		return 0;
	}
	ta.grow = true;
	reload_live_table(name, st, old_params, ta, room);
	printf("%s: grown from %s to %s; the new area is being resynced; "
	       "now grow the filesystem (resize2fs /dev/mapper/%s, or "
	       "xfs_growfs on its mount point)\n", name.c_str(),
	       format_size(st.len << 9).c_str(),
	       format_size(room << 9).c_str(), name.c_str());
	fflush(stdout);
	return cl.has("wait") ? wait_idle(name, "resync", true) : 0;
}

} // namespace dxm
