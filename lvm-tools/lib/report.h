// SPDX-License-Identifier: GPL-2.0
/*
 * The data model of one mirror as the tool shows it, its health verdict
 * (which also gives the exit code of status), and its two renderings:
 * JSON with exactly the fields of docs/interface.md, and text.
 */
#ifndef DAXMIRROR_REPORT_H
#define DAXMIRROR_REPORT_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "status.h"
#include "types.h"

namespace dxm {

struct LegReport {
	int index = 0;
	std::optional<std::string> device;	/* /dev/pmem0 */
	std::optional<std::string> maj_min;
	std::string state;	/* in_sync, out_of_sync, dead, missing */
	uint64_t remapped_pages = 0;
	uint64_t spare_free_pages = 0;
	std::vector<Badblock> badblocks;
	uint64_t errors = 0;	/* bad sectors currently known on the leg */
	/* failed I/O requests since the table was loaded (target 1.3) */
	std::optional<uint64_t> io_errors;
};

struct DeviceReport {
	std::string name;
	std::optional<std::string> uuid;	/* set UUID from a superblock */
	uint64_t size_bytes = 0;
	MirrorStatus status;
	std::array<LegReport, 2> legs;
};

enum class Health { Healthy, Degraded, Failed };

struct Assessment {
	Health health = Health::Healthy;
	std::vector<std::string> reasons;	/* empty when healthy */
};

/* Spares are low below 10 % of the pool (remapped + free). */
bool spares_low(uint64_t remapped, uint64_t spare_free);

Assessment assess(const MirrorStatus &s);
int exit_code(Health h);
std::string health_name(Health h);

/* in_sync, out_of_sync, dead or missing */
std::string leg_state(const MirrorStatus &s, int leg);

/* The model from a status line; device paths and bad blocks are left
 * for the caller to fill in. */
DeviceReport make_report(const std::string &name, uint64_t len_sectors,
			 const MirrorStatus &s);

void set_leg_badblocks(LegReport &leg, std::vector<Badblock> bb);

nlohmann::json to_json(const DeviceReport &r);
std::string render_text(const DeviceReport &r);

} // namespace dxm

#endif
