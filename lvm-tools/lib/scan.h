// SPDX-License-Identifier: GPL-2.0
/*
 * Finding legs by their superblocks among the block devices of the
 * system, and grouping them into mirror sets by set UUID.
 */
#ifndef DAXMIRROR_SCAN_H
#define DAXMIRROR_SCAN_H

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "blockdev.h"
#include "superblock.h"
#include "types.h"

namespace dxm {

struct FoundLeg {
	std::string device;	/* /dev/pmem0 (or the file given) */
	DevId id;
	uint64_t sectors = 0;
	Superblock sb;
	std::string problem;	/* "" when the superblock is valid */
};

/*
 * The superblock found on one device: nullopt for a blank or foreign
 * block; a FoundLeg with problem set for a corrupt or unfitting one.
 * Throws Error when the device cannot be read.
 */
std::optional<FoundLeg> examine_leg(const BlockDevice &dev);

/*
 * Scans /sys/class/block; devices in skip (active mirrors) are left out;
 * with denied, devices this user may not read are listed there.
 */
std::vector<FoundLeg> scan_legs(const std::vector<DevId> &skip,
				std::vector<std::string> *denied = nullptr);

struct MirrorSet {
	Uuid uuid{};
	std::array<std::optional<FoundLeg>, 2> legs;
	std::vector<std::string> notes;	/* conflicts seen while grouping */
	uint64_t data_sectors = 0;	/* from the freshest superblock */

	bool complete() const { return legs[0] && legs[1]; }
};

/* One entry of list --json (docs/daxmirror.schema.json, list_entry). */
nlohmann::json to_json(const FoundLeg &l);

/* Valid legs grouped by set UUID; for a leg position claimed twice, the
 * superblock with more events wins and a note says so. */
std::vector<MirrorSet> group_sets(const std::vector<FoundLeg> &legs);

} // namespace dxm

#endif
