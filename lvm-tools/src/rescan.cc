// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror rescan NAME [--ars]
 * --ars first runs an address-range scrub on the NVDIMM bus of each leg
 * (libndctl) so that the kernel's bad-block lists are current; where the
 * platform cannot scrub, a warning says so and the rescan goes on.
 */
#include <cstdio>
#include <set>

#include "blockdev.h"
#include "commands.h"
#include "errors.h"
#include "ndctl.h"
#include "options.h"

namespace dxm {

static void ars(const std::string &name)
{
	MirrorStatus s = read_state(name).status;
	nd::Context ctx;
	std::set<std::string> buses;

	for (const auto &d : s.dev) {
		if (!d)
			continue;
		auto id = parse_dev_id(*d);
		auto kname = id ? kernel_name(*id) : std::nullopt;
		auto ns = kname ? ctx.find_by_blockdev(*kname) : std::nullopt;
		if (ns)
			buses.insert(ns->bus);
	}
	if (buses.empty())
		fprintf(stderr, "daxmirror rescan: warning: no NVDIMM bus "
				"found behind the legs; no address-range "
				"scrub\n");
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

	cl.flag("ars", "run an address-range scrub on the NVDIMM bus first")
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
