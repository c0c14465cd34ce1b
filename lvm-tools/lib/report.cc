// SPDX-License-Identifier: GPL-2.0
#include "report.h"

#include <fmt/format.h>

#include "size.h"

namespace dxm {

bool spares_low(uint64_t remapped, uint64_t spare_free)
{
	uint64_t pool = remapped + spare_free;

	return pool && spare_free * 10 < pool;
}

std::string leg_state(const MirrorStatus &s, int leg)
{
	switch (s.leg_health(leg)) {
	case 'A':
		return "in_sync";
	case 'a':
		return "out_of_sync";
	default:
		return s.dev[leg] ? "dead" : "missing";
	}
}

Assessment assess(const MirrorStatus &s)
{
	Assessment a;
	int good = 0;

	for (int i = 0; i < 2; i++) {
		char h = s.leg_health(i);

		if (h == 'A')
			good++;
		else
			a.reasons.push_back(fmt::format("leg {} is {}", i,
							leg_state(s, i)));
		if (h != 'D' && spares_low(s.remapped[i], s.spare_free[i]))
			a.reasons.push_back(fmt::format(
				"leg {} spares low: {} of {} pages free", i,
				s.spare_free[i],
				s.remapped[i] + s.spare_free[i]));
	}
	if (!a.reasons.empty())
		a.health = Health::Degraded;
	if (s.lost_pages) {
		a.reasons.push_back(fmt::format("{} pages lost on both legs",
						s.lost_pages));
		a.health = Health::Failed;
	}
	if (s.error) {
		a.reasons.push_back(fmt::format("device error {}", s.error));
		a.health = Health::Failed;
	}
	if (!good) {
		a.reasons.push_back("no leg is in sync");
		a.health = Health::Failed;
	}
	return a;
}

int exit_code(Health h)
{
	switch (h) {
	case Health::Healthy:
		return 0;
	case Health::Degraded:
		return 1;
	default:
		return 2;
	}
}

std::string health_name(Health h)
{
	switch (h) {
	case Health::Healthy:
		return "healthy";
	case Health::Degraded:
		return "degraded";
	default:
		return "failed";
	}
}

DeviceReport make_report(const std::string &name, uint64_t len_sectors,
			 const MirrorStatus &s)
{
	DeviceReport r;

	r.name = name;
	r.size_bytes = len_sectors << 9;
	r.status = s;
	for (int i = 0; i < 2; i++) {
		LegReport &l = r.legs[i];

		l.index = i;
		l.maj_min = s.dev[i];
		l.state = leg_state(s, i);
		l.remapped_pages = s.remapped[i];
		l.spare_free_pages = s.spare_free[i];
		if (s.io_errors)
			l.io_errors = (*s.io_errors)[i];
	}
	return r;
}

void set_leg_badblocks(LegReport &leg, std::vector<Badblock> bb)
{
	leg.errors = 0;
	for (const auto &b : bb)
		leg.errors += b.count;
	leg.badblocks = std::move(bb);
}

static nlohmann::json opt(const std::optional<std::string> &v)
{
	return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json to_json(const DeviceReport &r)
{
	const MirrorStatus &s = r.status;
	nlohmann::json legs = nlohmann::json::array();

	for (const auto &l : r.legs) {
		nlohmann::json bb = nlohmann::json::array();

		for (const auto &b : l.badblocks)
			bb.push_back({ { "sector", b.sector },
				       { "count", b.count } });
		legs.push_back({
			{ "index", l.index },
			{ "device", opt(l.device) },
			{ "maj_min", opt(l.maj_min) },
			{ "state", l.state },
			{ "remapped_pages", l.remapped_pages },
			{ "spare_free_pages", l.spare_free_pages },
			{ "badblocks", bb },
			{ "errors", l.errors },
			{ "io_errors", l.io_errors ? nlohmann::json(*l.io_errors) :
				nlohmann::json(nullptr) },
		});
	}
	return {
		{ "name", r.name },
		{ "uuid", opt(r.uuid) },
		{ "size_bytes", r.size_bytes },
		{ "dax", s.dax },
		{ "health", s.health },
		{ "action", s.action },
		{ "sync", { { "in_sync_sectors", s.in_sync },
			    { "total_sectors", s.total } } },
		{ "mismatches", s.mismatches },
		{ "sweep", s.sweep ? nlohmann::json{
				{ "done_sectors", s.sweep->first },
				{ "total_sectors", s.sweep->second } } :
			nlohmann::json(nullptr) },
		{ "lost_pages", s.lost_pages },
		{ "hot_regions", s.hot_regions },
		{ "data_offset_sectors", s.data_offset },
		{ "legs", legs },
	};
}

std::string render_text(const DeviceReport &r)
{
	const MirrorStatus &s = r.status;
	Assessment a = assess(s);
	std::string out;
	auto line = [&out](const char *key, const std::string &value) {
		out += fmt::format("  {:<13}{}\n", key, value);
	};

	out += fmt::format("{}: {}\n", r.name, health_name(a.health));
	line("size:", fmt::format("{} ({} sectors), {}",
				  format_size(r.size_bytes), r.size_bytes >> 9,
				  s.dax ? "dax" : "no dax"));
	line("uuid:", r.uuid.value_or("unknown"));
	line("health:", s.health);
	line("action:", s.sweep && s.sweep->second ?
		 fmt::format("{}, {:.1f}% done", s.action,
			     100.0 * (double)s.sweep->first /
			     (double)s.sweep->second) : s.action);
	line("in sync:", fmt::format("{}/{} sectors ({:.2f}%)", s.in_sync,
				     s.total,
				     s.total ? 100.0 * (double)s.in_sync /
						       (double)s.total
					     : 100.0));
	line("mismatches:", fmt::format("{} sectors", s.mismatches));
	line("lost pages:", std::to_string(s.lost_pages));
	line("hot regions:", std::to_string(s.hot_regions));
	line("data offset:", fmt::format("{} sectors", s.data_offset));
	if (s.error)
		line("error:", std::to_string(s.error));
	for (const auto &l : r.legs) {
		std::string key = fmt::format("leg {}:", l.index);

		line(key.c_str(),
		     fmt::format("{} ({}) {}, remapped {} pages, spare free {} "
				 "pages, {} bad sectors{}",
				 l.device.value_or("-"), l.maj_min.value_or("-"),
				 l.state, l.remapped_pages, l.spare_free_pages,
				 l.errors, l.io_errors ?
				 fmt::format(", {} I/O errors", *l.io_errors) :
				 std::string()));
	}
	for (const auto &why : a.reasons)
		line("problem:", why);
	return out;
}

} // namespace dxm
