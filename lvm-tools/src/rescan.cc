// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror rescan NAME [--ars]
 * --ars first brings the kernel's bad-block lists up to date: an
 * address-range scrub on the NVDIMM bus of each NVDIMM leg (libndctl),
 * and for a CXL leg its memdevs' poison lists, added to the bad-block
 * list of the leg's disk (cxlpoison.h).  Where the platform or the
 * kernel cannot, a warning says so and the rescan goes on.
 */
#include <cstdio>
#include <set>

#include "blockdev.h"
#include "commands.h"
#include "cxlpoison.h"
#include "errors.h"
#include "ndctl.h"
#include "options.h"

namespace dxm {

/* A CXL leg's poison list into its disk's bad-block list. */
static void cxl_poison(int index, const CxlLeg &leg)
{
	std::vector<PoisonRecord> recs;
	std::vector<Badblock> bbs;
	uint64_t sectors = 0;
	std::string mds;

	for (const auto &m : leg.memdevs)
		mds += (mds.empty() ? "" : ", ") + m;
	try {
		recs = read_poison_lists(leg.memdevs);
		bbs = poison_sectors(recs, leg);
		add_badblocks(leg.disk, bbs);
	} catch (const Error &e) {
		fprintf(stderr, "daxmirror rescan: warning: leg %d: %s: %s\n",
			index, e.subject().c_str(), e.reason().c_str());
		return;
	}
	for (const auto &b : bbs)
		sectors += b.count;
	printf("leg %d: CXL poison list of %s: %zu %s, %llu %s in the leg "
	       "added to the bad-block list of %s\n", index, mds.c_str(),
	       recs.size(), recs.size() == 1 ? "entry" : "entries",
	       (unsigned long long)sectors, sectors == 1 ? "sector" : "sectors",
	       leg.disk.c_str());
}

static void ars(const std::string &name)
{
	MirrorStatus s = read_state(name).status;
	nd::Context ctx;
	std::set<std::string> buses;
	bool cxl = false;

	for (size_t i = 0; i < s.dev.size(); i++) {
		if (!s.dev[i])
			continue;
		auto kname = majmin_kernel_name(s.dev[i]);
		auto leg = kname ? cxl_leg(*kname) : std::nullopt;

		if (leg) {
			cxl_poison(static_cast<int>(i), *leg);
			cxl = true;
			continue;
		}
		auto ns = kname ? ctx.find_by_blockdev(*kname) : std::nullopt;
		if (ns)
			buses.insert(ns->bus);
	}
	if (buses.empty() && !cxl)
		fprintf(stderr, "daxmirror rescan: warning: no NVDIMM bus "
				"or CXL memdev found behind the legs; no "
				"address-range scrub\n");
	for (const auto &b : buses) {
		try {
			ctx.scrub(b, true);
		} catch (const Error &e) {
			fprintf(stderr, "daxmirror rescan: warning: %s\n",
				e.what());
		}
	}
}

int cmd_rescan(const Args &args)
{
	CommandLine cl("rescan", "NAME",
		       "Re-read both legs' bad-block lists and repair every "
		       "bad page from the good copy.");

	cl.flag("ars", "first update the bad-block lists: address-range "
		"scrub of NVDIMM legs, poison list of CXL legs")
		.operands(1, 1);
	if (!cl.parse(args))
		return 0;
	check_device_name(cl.args()[0]);
	if (cl.has("ars"))
		ars(cl.args()[0]);
	send_message(cl.args()[0], "rescan");
	return 0;
}

} // namespace dxm
