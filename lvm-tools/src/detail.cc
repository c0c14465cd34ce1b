// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror detail NAME [--json]: the configuration of a running mirror
 * (its table), its state (as status shows it) and what each leg's
 * metadata says (as examine shows it), with each leg's failure domain.
 * Exit code as status.
 */
#include <fmt/format.h>

#include "commands.h"
#include "config.h"
#include "detail_report.h"
#include "errors.h"
#include "jsondoc.h"
#include "faildomain.h"
#include "legmeta.h"
#include "mirror_table.h"
#include "options.h"

namespace dxm {

namespace {

/* The failure domain of a leg's device, if sysfs knows it. */
std::optional<FailureDomain> leg_domain(const LegReport &leg)
{
	std::optional<std::string> kname = majmin_kernel_name(leg.maj_min);

	if (!kname)
		return std::nullopt;
	return failure_domain(*kname);
}

std::string or_default(const std::optional<uint32_t> &v)
{
	return v ? std::to_string(*v) : "default";
}

} // namespace

int cmd_detail(const Args &args)
{
	CommandLine cl("detail", "NAME",
		       "Show a daxmirror device in full: its table (legs and "
		       "settings), its state, and the metadata and failure "
		       "domain of each leg.  "
		       "Exit code as status: 0 healthy, 1 degraded, 2 data "
		       "lost or failed.");

	cl.json()
		.flag("conf", "print the set's ARRAY line for "
			      "/etc/daxmirror.conf (its name and settings)")
		.operands(1, 1);
	if (!cl.parse(args))
		return 0;
	const std::string &name = cl.args()[0];
	check_device_name(name);
	DeviceReport r = read_report(name);
	std::string params = read_table_params(name);
	TableArgs t;
	try {
		t = parse_table_params(params);
	} catch (const std::invalid_argument &e) {
		throw Error(name, std::string("cannot read its table: ") +
				  e.what() + " (" + params + ")");
	}
	if (cl.has("conf")) {
		ArrayConf a;

		if (!r.uuid || !parse_uuid(*r.uuid, &a.uuid))
			throw Error(name, "its set UUID cannot be read");
		a.name = name;
		a.sync_interval_ms = t.sync_interval_ms;
		a.sweep_max_kbps = t.sweep_max_kbps;
		a.no_dax = t.no_dax;
		out(array_line(a) + "\n");
		return 0;
	}
	DetailReport d;
	std::string text = render_text(r);

	d.name = name;
	d.table = t;
	d.status = r;
	text += fmt::format("  table:       {}\n  settings:    region_sectors {}, "
			    "spare_pages {}, sync_interval_ms {}, "
			    "sweep_max_kbps {}{}{}{}{}\n",
			    params, or_default(t.region_sectors),
			    or_default(t.spare_pages),
			    or_default(t.sync_interval_ms),
			    or_default(t.sweep_max_kbps),
			    t.no_dax ? ", no_dax" : "",
			    t.nosync ? ", nosync" : "",
			    t.pmd_always ? ", pmd_always" : "",
			    t.grow ? ", grow" : "");
	for (const auto &leg : r.legs) {
		LegDetail &ld = d.legs[leg.index];

		if (!leg.device) {
			text += fmt::format("leg {}: no device\n", leg.index);
			continue;
		}
		ld.device = leg.device;
		ld.domain = leg_domain(leg);
		try {
			ld.meta = read_leg_meta(inspect_device(*leg.device,
								  false));
			text += fmt::format("leg {}: ", leg.index) +
				render_text(*ld.meta);
		} catch (const Error &e) {
			ld.problem = e.reason();
			text += fmt::format("leg {}: {}: {}\n", leg.index,
					    *leg.device, e.reason());
		}
		if (ld.domain)
			text += "  failure domain: " + ld.domain->text + "\n";
	}
	if (d.legs[0].domain && d.legs[1].domain)
		d.shared = shared_part(*d.legs[0].domain, *d.legs[1].domain);
	if (!d.shared.empty())
		text += "legs 0 and 1 share " + d.shared + ": one hardware "
			"failure loses both copies\n";
	if (cl.has("json"))
		out(json_document("detail", to_json(d)).dump(2) + "\n");
	else
		out(text);
	return status_exit_code(r.status);
}

} // namespace dxm
