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
#include "errors.h"
#include "faildomain.h"
#include "legmeta.h"
#include "mirror_table.h"
#include "options.h"

namespace dxm {

namespace {

nlohmann::json opt_json(const std::optional<uint32_t> &v)
{
	return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json table_json(const TableArgs &t)
{
	return {
		{ "legs", { t.legs[0], t.legs[1] } },
		{ "region_sectors", opt_json(t.region_sectors) },
		{ "spare_pages", opt_json(t.spare_pages) },
		{ "sync_interval_ms", opt_json(t.sync_interval_ms) },
		{ "no_dax", t.no_dax },
		{ "nosync", t.nosync },
		{ "rebuild_leg", t.rebuild_leg ? nlohmann::json(*t.rebuild_leg)
					       : nlohmann::json(nullptr) },
	};
}

/* The failure domain of a leg's device, if sysfs knows it. */
std::optional<FailureDomain> leg_domain(const LegReport &leg)
{
	std::optional<DevId> id = leg.maj_min ? parse_dev_id(*leg.maj_min)
					      : std::nullopt;
	std::optional<std::string> kname = id ? kernel_name(*id)
					      : std::nullopt;

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
		a.no_dax = t.no_dax;
		out(array_line(a) + "\n");
		return 0;
	}
	nlohmann::json legs = nlohmann::json::array();
	std::string text = render_text(r);

	text += fmt::format("  table:       {}\n  settings:    region_sectors {}, "
			    "spare_pages {}, sync_interval_ms {}{}{}\n",
			    params, or_default(t.region_sectors),
			    or_default(t.spare_pages),
			    or_default(t.sync_interval_ms),
			    t.no_dax ? ", no_dax" : "",
			    t.nosync ? ", nosync" : "");
	std::array<std::optional<FailureDomain>, 2> dom;
	for (const auto &leg : r.legs) {
		if (!leg.device) {
			legs.push_back(nullptr);
			text += fmt::format("leg {}: no device\n", leg.index);
			continue;
		}
		dom[leg.index] = leg_domain(leg);
		try {
			LegMeta m = read_leg_meta(inspect_device(*leg.device,
								 false));
			legs.push_back(to_json(m));
			text += fmt::format("leg {}: ", leg.index) +
				render_text(m);
		} catch (const Error &e) {
			legs.push_back({ { "device", *leg.device },
					 { "problem", e.reason() } });
			text += fmt::format("leg {}: {}: {}\n", leg.index,
					    *leg.device, e.reason());
		}
		if (dom[leg.index]) {
			legs.back()["failure_domain"] = to_json(*dom[leg.index]);
			text += "  failure domain: " + dom[leg.index]->text +
				"\n";
		}
	}
	std::string shared = dom[0] && dom[1] ?
			     shared_part(*dom[0], *dom[1]) : "";
	if (!shared.empty())
		text += "legs 0 and 1 share " + shared + ": one hardware "
			"failure loses both copies\n";
	if (cl.has("json"))
		out(nlohmann::json{ { "name", name },
				    { "table", table_json(t) },
				    { "status", to_json(r) },
				    { "legs", legs },
				    { "shared_failure_domain",
				      shared.empty() ? nlohmann::json(nullptr)
						     : nlohmann::json(shared) } }
			    .dump(2) + "\n");
	else
		out(text);
	return status_exit_code(r.status);
}

} // namespace dxm
