// SPDX-License-Identifier: GPL-2.0
#include "events.h"

#include <sys/time.h>

#include <ctime>

#include <fmt/format.h>

#include "report.h"

namespace dxm {

nlohmann::json state_summary(const MirrorStatus &s)
{
	nlohmann::json legs = nlohmann::json::array();

	for (const auto &d : s.dev)
		legs.push_back(d ? nlohmann::json(*d) : nlohmann::json(nullptr));
	return {
		{ "state", health_name(assess(s).health) },
		{ "health", s.health },
		{ "action", s.action },
		{ "legs", legs },
		{ "in_sync_sectors", s.in_sync },
		{ "total_sectors", s.total },
		{ "mismatches", s.mismatches },
		{ "remapped_pages", { s.remapped[0], s.remapped[1] } },
		{ "spare_free_pages", { s.spare_free[0], s.spare_free[1] } },
		{ "lost_pages", s.lost_pages },
		{ "hot_regions", s.hot_regions },
		{ "dax", s.dax },
		{ "error", s.error },
	};
}

std::vector<std::string> changed_fields(const MirrorStatus &o,
					const MirrorStatus &n)
{
	std::vector<std::string> c;
	auto low = [](const MirrorStatus &s) {
		return std::make_pair(spares_low(s.remapped[0], s.spare_free[0]),
				      spares_low(s.remapped[1], s.spare_free[1]));
	};

	if (assess(o).health != assess(n).health)
		c.emplace_back("state");
	if (o.health != n.health)
		c.emplace_back("health");
	if (o.action != n.action)
		c.emplace_back("action");
	if (o.dev != n.dev)
		c.emplace_back("legs");
	if (o.remapped != n.remapped)
		c.emplace_back("remapped");
	if (o.spare_free != n.spare_free)
		c.emplace_back("spare_free");
	if (low(o) != low(n))
		c.emplace_back("spares_low");
	if (o.lost_pages != n.lost_pages)
		c.emplace_back("lost_pages");
	if (o.mismatches != n.mismatches)
		c.emplace_back("mismatches");
	if (o.dax != n.dax)
		c.emplace_back("dax");
	if (o.error != n.error)
		c.emplace_back("error");
	return c;
}

namespace {

bool sweeping(const std::string &a, bool rebuild)
{
	return rebuild ? a == "rebuild" || a == "resync" :
			 a == "check" || a == "repair";
}

} // namespace

std::vector<std::string> event_kinds(const std::optional<MirrorStatus> &old,
				     const std::optional<MirrorStatus> &now)
{
	std::vector<std::string> k;

	if (!now)
		return { "DeviceDisappeared" };
	Health h = assess(*now).health;
	if (!old) {
		k.emplace_back("NewArray");
		if (h != Health::Healthy)
			k.emplace_back("DegradedArray");
		return k;
	}
	const MirrorStatus &o = *old, &n = *now;
	for (int i = 0; i < 2; i++)
		if (o.health[i] != 'D' && n.health[i] == 'D') {
			k.emplace_back("Fail");
			break;
		}
	Health oh = assess(o).health;
	if (oh == Health::Healthy && h != Health::Healthy)
		k.emplace_back("DegradedArray");
	if (oh != Health::Healthy && h == Health::Healthy)
		k.emplace_back("Healthy");
	for (bool rebuild : { true, false }) {
		bool was = sweeping(o.action, rebuild);
		bool is = sweeping(n.action, rebuild);

		if (was && (!is || o.action != n.action))
			k.emplace_back(rebuild ? "RebuildFinished" :
						 "ScrubFinished");
		if (is && (!was || o.action != n.action))
			k.emplace_back(rebuild ? "RebuildStarted" :
						 "ScrubStarted");
	}
	if (sweeping(o.action, false) && !sweeping(n.action, false) &&
	    n.mismatches)
		k.emplace_back("Mismatches");
	if (n.remapped[0] > o.remapped[0] || n.remapped[1] > o.remapped[1])
		k.emplace_back("PageRemapped");
	for (int i = 0; i < 2; i++)
		if (!spares_low(o.remapped[i], o.spare_free[i]) &&
		    spares_low(n.remapped[i], n.spare_free[i])) {
			k.emplace_back("SparesLow");
			break;
		}
	if (n.lost_pages > o.lost_pages)
		k.emplace_back("LostPages");
	if (!o.error && n.error)
		k.emplace_back("Error");
	return k;
}

nlohmann::json make_event(const std::string &time, const std::string &device,
			  const std::string &event, uint32_t event_nr,
			  const std::vector<std::string> &changes,
			  const std::optional<MirrorStatus> &old,
			  const std::optional<MirrorStatus> &now)
{
	return {
		{ "time", time },
		{ "device", device },
		{ "event", event },
		{ "kinds", event == "test" ?
			   std::vector<std::string>{ "TestMessage" } :
			   event == "state" ?
			   (now && assess(*now).health != Health::Healthy ?
			    std::vector<std::string>{ "DegradedArray" } :
			    std::vector<std::string>{}) :
			   event_kinds(old, now) },
		{ "event_nr", event_nr },
		{ "changes", changes },
		{ "old", old ? state_summary(*old) : nlohmann::json(nullptr) },
		{ "new", now ? state_summary(*now) : nlohmann::json(nullptr) },
	};
}

std::string utc_timestamp()
{
	struct timeval tv;
	struct tm tm;
	char buf[32];

	gettimeofday(&tv, nullptr);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return fmt::format("{}.{:03d}Z", buf, (int)(tv.tv_usec / 1000));
}

} // namespace dxm
