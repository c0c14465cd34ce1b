// SPDX-License-Identifier: GPL-2.0
#include "detail_report.h"

namespace dxm {

namespace {

template <typename T> nlohmann::json opt_json(const std::optional<T> &v)
{
	return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json leg_json(const LegDetail &l)
{
	nlohmann::json j;

	if (!l.device)
		return nullptr;
	if (l.meta)
		j = to_json(*l.meta);
	else
		j = { { "device", *l.device }, { "problem", l.problem } };
	if (l.domain)
		j["failure_domain"] = to_json(*l.domain);
	return j;
}

} // namespace

nlohmann::json to_json(const TableArgs &t)
{
	return {
		{ "legs", { t.legs[0], t.legs[1] } },
		{ "region_sectors", opt_json(t.region_sectors) },
		{ "spare_pages", opt_json(t.spare_pages) },
		{ "sync_interval_ms", opt_json(t.sync_interval_ms) },
		{ "sweep_max_kbps", opt_json(t.sweep_max_kbps) },
		{ "no_dax", t.no_dax },
		{ "nosync", t.nosync },
		{ "pmd_always", t.pmd_always },
		{ "grow", t.grow },
		{ "rebuild_leg", opt_json(t.rebuild_leg) },
	};
}

nlohmann::json to_json(const DetailReport &d)
{
	return {
		{ "name", d.name },
		{ "table", to_json(d.table) },
		{ "status", to_json(d.status) },
		{ "legs", nlohmann::json::array({ leg_json(d.legs[0]),
						  leg_json(d.legs[1]) }) },
		{ "shared_failure_domain", d.shared.empty() ?
			nlohmann::json(nullptr) : nlohmann::json(d.shared) },
	};
}

} // namespace dxm
