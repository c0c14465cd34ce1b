// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror zero-superblock LEG... [--force]: erase the daxmirror
 * superblock of legs no longer wanted (like mdadm --zero-superblock), so
 * that list, assemble --scan and udev stop taking them for legs.  A leg
 * in use (an active mirror holds it) is refused; a device without a
 * daxmirror superblock too, unless --force.  Only the superblock block
 * is written: the data area is left as it is.
 */
#include <cerrno>

#include "commands.h"
#include "errors.h"
#include "legmeta.h"
#include "options.h"

namespace dxm {

int cmd_zero_superblock(const Args &args)
{
	CommandLine cl("zero-superblock", "LEG...",
		       "Erase the daxmirror superblock of each LEG (the last "
		       "4 KiB) so that it is no longer taken for a leg.  A "
		       "LEG in use is refused; one without a daxmirror "
		       "superblock too, unless --force.");

	cl.force("zero the last 4 KiB of a device that holds no daxmirror "
		 "superblock")
		.operands(1, 1024);
	if (!cl.parse(args))
		return 0;
	/* check every LEG before writing any */
	std::vector<BlockDevice> devs;
	for (const auto &leg : cl.args()) {
		BlockDevice d = inspect_device(leg, false);
		int busy = exclusive_open_error(d.path);

		if (busy == EBUSY)
			throw Error(leg, "is in use: " + in_use_reason(d));
		if (busy)
			throw_errno(leg, "cannot open", busy);
		LegMeta m = read_leg_meta(d);
		if (m.kind != SbKind::Valid && m.kind != SbKind::Corrupt &&
		    !cl.has("force"))
			throw Error(leg, "holds no daxmirror superblock (use "
					 "--force to zero its last 4 KiB "
					 "anyway)");
		devs.push_back(d);
	}
	for (const auto &d : devs) {
		zero_superblock_block(d.path, d.sectors);
		out(d.path + ": superblock erased\n");
	}
	return 0;
}

} // namespace dxm
