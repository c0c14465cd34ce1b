// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror convert NAME DEV NEWLEG [options] [--shrink] [--force]
 * An ext4 or xfs filesystem on DEV becomes leg 0 of a new mirror without
 * being copied off: the on-disk layout keeps the data area at offset 0
 * and the metadata at the end of each leg, so DEV's filesystem stays
 * where it is as long as it leaves that end free.  That is checked from
 * the filesystem's own superblock; an ext4 that reaches into it is
 * shrunk offline with --shrink (e2fsck -f, then resize2fs), an xfs is
 * refused (xfs cannot shrink).  The table then starts the mirror with
 * NEWLEG rebuilding from DEV ("rebuild 1"): NEWLEG is stale, never read
 * as good, until the copy completed.  Nothing is written to DEV but its
 * last 4 KiB (outside the filesystem) before the kernel formats the
 * metadata area; a power cut before the superblock is written leaves DEV
 * mountable on its own, after it the set assembles and the rebuild goes
 * on from its checkpoint.  Warns, as create does, when DEV and NEWLEG
 * share a failure domain.
 */

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "blkid.h"
#include "commands.h"
#include "dm.h"
#include "errors.h"
#include "faildomain.h"
#include "fsgeom.h"
#include "legcheck.h"
#include "mirror_table.h"
#include "options.h"
#include "process.h"
#include "size.h"

namespace dxm {

namespace {

/* The one filesystem signature of DEV, ext2/3/4 or xfs; throws. */
void check_signatures(const std::string &given, const LegFacts &f)
{
	if (f.sb_kind == SbKind::Valid || f.sb_kind == SbKind::Corrupt)
		throw Error(given, "holds a daxmirror superblock: it is a leg "
				   "already (daxmirror examine " + given + ")");
	if (f.signatures.empty())
		throw Error(given, "holds no filesystem to convert (use "
				   "daxmirror create for blank legs)");
	for (const auto &s : f.signatures)
		if (s.usage != "filesystem" ||
		    (s.type != "ext2" && s.type != "ext3" && s.type != "ext4" &&
		     s.type != "xfs"))
			throw Error(given, "holds " + s.describe() + ": only an "
					   "ext4 or xfs filesystem alone on "
					   "the device can be converted");
}

/* Shrinks an ext4 filesystem offline to at most @bytes. */
void shrink_ext4(const std::string &dev, const FsGeometry &g, uint64_t bytes)
{
	uint64_t kib = bytes / g.block_size * g.block_size / 1024;
	int r;

	fprintf(stderr, "daxmirror convert: %s: shrinking the ext4 "
		"filesystem from %s to %s\n", dev.c_str(),
		format_size(g.bytes).c_str(), format_size(kib * 1024).c_str());
	r = run_program({ "e2fsck", "-f", "-p", dev });
	if (r > 1)
		throw Error(dev, "e2fsck -f -p found problems it did not "
				 "repair (exit " + std::to_string(r) + "): "
				 "nothing was converted");
	r = run_program({ "resize2fs", dev, std::to_string(kib) + "K" });
	if (r)
		throw Error(dev, "resize2fs failed (exit " + std::to_string(r) +
				 "): nothing was converted");
}

/* Makes sure the filesystem leaves the metadata area of DEV free. */
void fit_filesystem(const std::string &given, const std::string &dev,
		    uint64_t limit, bool shrink)
{
	auto g = read_fs_geometry(dev);

	if (!g)
		throw Error(given, "no ext4 or xfs superblock found");
	if (g->bytes <= limit)
		return;
	std::string sizes = g->type + " filesystem is " +
			    format_size(g->bytes) + ", the mirror holds " +
			    format_size(limit) + " (the rest of the device "
			    "takes the mirror's metadata)";
	if (g->type == "xfs")
		throw Error(given, sizes + ": xfs cannot shrink; copy the "
				   "files to a new mirror instead");
	if (!shrink)
		throw Error(given, sizes + ": shrink it first (resize2fs " +
				   dev + " " + std::to_string(limit / 1024) +
				   "K) or use --shrink");
	shrink_ext4(dev, *g, limit);
	g = read_fs_geometry(dev);
	if (!g || g->bytes > limit)
		throw Error(given, "the filesystem is still too large after "
				   "resize2fs");
}

} // namespace

int cmd_convert(const Args &args)
{
	CommandLine cl("convert", "NAME DEV NEWLEG",
		       "Make the ext4 or xfs filesystem on DEV (not mounted) "
		       "leg 0 of a new mirror NAME without copying it off; "
		       "NEWLEG becomes leg 1 and is rebuilt from DEV.  The "
		       "filesystem must leave the end of DEV free for the "
		       "mirror's metadata.");

	cl.create_options()
		.flag("shrink", "shrink an ext4 filesystem that reaches into "
				"the metadata area (e2fsck -f -p, then "
				"resize2fs); xfs cannot shrink")
		.force("use a NEWLEG that holds signatures or an old "
		       "superblock; wipes them")
		.operands(3, 3);
	if (!cl.parse(args))
		return 0;
	const std::string &name = cl.args()[0];
	const std::string &given_dev = cl.args()[1];
	const std::string &given_new = cl.args()[2];
	check_device_name(name);
	CreateOptions o = cl.create();
	if (o.nosync)
		throw UsageError("--nosync", "convert always copies DEV to "
					     "NEWLEG");

	dm::require_driver();
	if (dm::info(name).exists)
		throw Error(name, "a device-mapper device of this name exists");

	std::array<LegFacts, 2> facts;
	facts[0] = gather_leg_facts(blkid::resolve_device(given_dev), false);
	check_signatures(given_dev, facts[0]);
	LegPolicy keep;		/* DEV keeps its filesystem */
	keep.force = true;
	keep.require_dax = !o.no_dax;
	judge_leg(facts[0], keep).refuse_blocked(given_dev, true);

	facts[1] = gather_leg_facts(blkid::resolve_device(given_new), false);
	LegPolicy pol;
	pol.force = o.force;
	pol.require_dax = !o.no_dax;
	judge_leg(facts[1], pol).refuse_blocked(given_new, o.force);
	if (facts[0].dev.id == facts[1].dev.id)
		throw UsageError(given_dev + " " + given_new,
				 "DEV and NEWLEG must be different devices");
	warn_shared_domain("convert", failure_domain(facts[0].dev.kname),
			   failure_domain(facts[1].dev.kname));

	CreatePlan p = plan_create({ table_token(facts[0].dev),
				     table_token(facts[1].dev) },
				   { facts[0].dev.sectors,
				     facts[1].dev.sectors }, o);
	dm::require_target(TARGET_NAME, 1);
	fit_filesystem(given_dev, facts[0].dev.path, p.len << 9,
		       cl.has("shrink"));

	/* DEV's last 4 KiB lies past the filesystem: the kernel formats a
	 * leg only when that block is blank */
	zero_superblock_block(facts[0].dev.path, facts[0].dev.sectors);
	if (o.force && !facts[1].signatures.empty())
		blkid::wipe_signatures(facts[1].dev.path);
	zero_superblock_block(facts[1].dev.path, facts[1].dev.sectors);

	p.args.rebuild_leg = 1;
	create_mirror(name, p.len, table_params(p.args));
	try {
		auto b = read_superblock_block(facts[0].dev.path,
					       facts[0].dev.sectors);
		SbDecode dec = decode_superblock(b);
		if (dec.kind != SbKind::Valid)
			throw Error(facts[0].dev.path, "no valid superblock "
						       "after the convert");
		dm::set_uuid(name, mirror_dm_uuid(dec.sb.set_uuid));
	} catch (const Error &e) {
		fprintf(stderr, "daxmirror convert: warning: %s: no "
			"device-mapper UUID: %s\n", name.c_str(), e.what());
	}
	printf("%s: converted %s into a %s mirror; %s is being rebuilt from "
	       "it (daxmirror status %s)\n", name.c_str(),
	       facts[0].dev.path.c_str(), format_size(p.len << 9).c_str(),
	       facts[1].dev.path.c_str(), name.c_str());
	return 0;
}

} // namespace dxm
