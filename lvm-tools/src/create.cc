// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror create NAME LEG0 LEG1 [options] [--force]
 * Checks both legs (signatures, in use, DAX, superblock area), then
 * loads the table; the kernel formats two blank legs.  Nothing is
 * written to a leg unless --force, which wipes the signatures found
 * (like wipefs -a) and zeroes the superblock block (the last 4 KiB) of
 * both legs so that the kernel formats them.  A leg in use is refused,
 * --force or not.  Prints each leg's failure domain, and warns when the
 * two legs share hardware (a region, a DIMM or memdev, a host bridge).
 */
#include <cstdio>

#include "blkid.h"
#include "commands.h"
#include "dm.h"
#include "errors.h"
#include "faildomain.h"
#include "legcheck.h"
#include "mirror_table.h"
#include "options.h"
#include "size.h"

namespace dxm {

int cmd_create(const Args &args)
{
	CommandLine cl("create", "NAME LEG0 LEG1",
		       "Create a mirror of LEG0 and LEG1 (pmem block devices). "
		       "Both legs must be blank in their last 4 KiB; a leg "
		       "with a filesystem or other signature is refused "
		       "unless --force; one in use is refused.  Prints the "
		       "failure domain of each leg (NVDIMM region and DIMMs, "
		       "CXL region, memdevs and host bridges) and warns when "
		       "the two legs share one.");

	cl.create_options()
		.force("use legs that hold signatures or old superblocks; "
		       "wipes those signatures and zeroes the last 4 KiB of "
		       "both legs")
		.operands(3, 3);
	if (!cl.parse(args))
		return 0;
	const std::string &name = cl.args()[0];
	check_device_name(name);
	CreateOptions o = cl.create();

	dm::require_driver();
	if (dm::info(name).exists)
		throw Error(name, "a device-mapper device of this name exists");

	std::array<LegFacts, 2> facts;
	LegPolicy pol;
	pol.force = o.force;
	pol.require_dax = !o.no_dax;
	for (int i = 0; i < 2; i++) {
		const std::string &given = cl.args()[1 + i];
		facts[i] = gather_leg_facts(blkid::resolve_device(given), false);
		judge_leg(facts[i], pol).refuse_blocked(given, o.force);
	}
	if (facts[0].dev.id == facts[1].dev.id)
		throw UsageError(cl.args()[1] + " " + cl.args()[2],
				 "the two legs must be different devices");
	std::array<FailureDomain, 2> dom;
	for (int i = 0; i < 2; i++) {
		dom[i] = failure_domain(facts[i].dev.kname);
		printf("leg %d %s: %s\n", i, facts[i].dev.path.c_str(),
		       dom[i].text.c_str());
	}
	fflush(stdout);
	warn_shared_domain("create", dom[0], dom[1]);

	CreatePlan p = plan_create({ table_token(facts[0].dev),
				     table_token(facts[1].dev) },
				   { facts[0].dev.sectors,
				     facts[1].dev.sectors }, o);
	dm::require_target(TARGET_NAME, 1);
	if (o.force)
		for (const auto &f : facts) {
			if (!f.signatures.empty())
				blkid::wipe_signatures(f.dev.path);
			zero_superblock_block(f.dev.path, f.dev.sectors);
		}

	create_mirror(name, p.len, table_params(p.args));
	/* the kernel made the set UUID when it formatted the legs */
	try {
		BlockDevice d = inspect_device(facts[0].dev.path, false);
		auto b = read_superblock_block(d.path, d.sectors);
		SbDecode dec = decode_superblock(b);
		if (dec.kind != SbKind::Valid)
			throw Error(d.path, "no valid superblock after the "
					    "create");
		dm::set_uuid(name, mirror_dm_uuid(dec.sb.set_uuid));
	} catch (const Error &e) {
		fprintf(stderr, "daxmirror create: warning: %s: no "
			"device-mapper UUID: %s\n", name.c_str(), e.what());
	}
	printf("%s: created, %s mirror of %s and %s\n", name.c_str(),
	       format_size(p.len << 9).c_str(), facts[0].dev.path.c_str(),
	       facts[1].dev.path.c_str());
	return 0;
}

} // namespace dxm
