// SPDX-License-Identifier: GPL-2.0
#include "scan.h"

#include <algorithm>
#include <cerrno>

#include <unistd.h>

#include "errors.h"

namespace dxm {

std::optional<FoundLeg> examine_leg(const BlockDevice &dev)
{
	SuperblockBlock block;
	SbDecode d;
	FoundLeg f;

	if (dxm_leg_size_check(dev.sectors) != DXM_R_OK)
		return std::nullopt;
	block = read_superblock_block(dev.path, dev.sectors);
	d = check_superblock(block, dev.sectors, -1);
	if (d.kind == SbKind::Blank || d.kind == SbKind::Foreign)
		return std::nullopt;
	f.device = dev.path;
	f.id = dev.id;
	f.sectors = dev.sectors;
	f.sb = d.sb;
	f.problem = d.problem;
	return f;
}

std::vector<FoundLeg> scan_legs(const std::vector<DevId> &skip,
				std::vector<std::string> *denied)
{
	std::vector<FoundLeg> out;

	for (const auto &name : list_block_devices()) {
		const std::string path = "/dev/" + name;
		BlockDevice dev;

		if (denied && access(path.c_str(), R_OK) && errno == EACCES) {
			denied->push_back(path);
			continue;
		}
		try {
			dev = inspect_device(path, false);
			if (std::find(skip.begin(), skip.end(), dev.id) !=
			    skip.end())
				continue;
			if (auto f = examine_leg(dev))
				out.push_back(std::move(*f));
		} catch (const Error &) {
			/* unreadable, vanished or no node: not a leg we use */
		}
	}
	return out;
}

std::vector<MirrorSet> group_sets(const std::vector<FoundLeg> &legs)
{
	std::vector<MirrorSet> sets;

	for (const auto &leg : legs) {
		if (!leg.problem.empty())
			continue;
		auto it = std::find_if(sets.begin(), sets.end(),
				       [&](const MirrorSet &s) {
					       return s.uuid == leg.sb.set_uuid;
				       });
		if (it == sets.end()) {
			sets.emplace_back();
			it = sets.end() - 1;
			it->uuid = leg.sb.set_uuid;
		}
		auto &slot = it->legs[leg.sb.leg_index];
		if (slot) {
			const FoundLeg &keep = slot->sb.events >= leg.sb.events ?
					       *slot : leg;
			const FoundLeg &drop = &keep == &leg ? *slot : leg;

			it->notes.push_back(drop.device + " also claims leg " +
					    std::to_string(leg.sb.leg_index) +
					    "; using " + keep.device +
					    " (more events)");
			slot = FoundLeg(keep);
		} else {
			slot = leg;
		}
	}
	for (auto &s : sets) {
		uint64_t events = 0;

		for (const auto &l : s.legs)
			if (l && l->sb.events >= events) {
				events = l->sb.events;
				s.data_sectors = l->sb.data_sectors;
			}
	}
	return sets;
}

nlohmann::json to_json(const FoundLeg &l)
{
	return {
		{ "device", l.device },
		{ "maj_min", l.id.str() },
		{ "set_uuid", format_uuid(l.sb.set_uuid) },
		{ "leg_index", l.sb.leg_index },
		{ "events", l.sb.events },
		{ "data_sectors", l.sb.data_sectors },
		{ "region_sectors", l.sb.region_sectors },
		{ "spare_pages", l.sb.spare_pages },
		{ "leg_state", { leg_state_name(l.sb.leg_state[0]),
				 leg_state_name(l.sb.leg_state[1]) } },
		{ "problem", l.problem.empty() ? nlohmann::json(nullptr)
					       : nlohmann::json(l.problem) },
	};
}

} // namespace dxm
