// SPDX-License-Identifier: GPL-2.0
/*
 * The device-mapper table of a daxmirror device:
 *   <start> <len> daxmirror <leg0> <leg1> [<#opt_args> <opt_arg>...]
 * building it, parsing it back (as the kernel prints it for TABLE), and
 * computing the usable size of a new mirror from its legs.
 */
#ifndef DAXMIRROR_MIRROR_TABLE_H
#define DAXMIRROR_MIRROR_TABLE_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "daxmirror_format.h"

namespace dxm {

inline constexpr const char *TARGET_NAME = "daxmirror";
inline constexpr const char *MISSING_LEG = "-";

struct TableArgs {
	std::array<std::string, 2> legs;	/* path, maj:min or "-" */
	std::optional<uint32_t> region_sectors;
	std::optional<uint32_t> spare_pages;
	std::optional<uint32_t> sync_interval_ms;
	std::optional<uint32_t> sweep_max_kbps;	/* target 1.2 */
	bool no_dax = false;
	bool nosync = false;
	bool pmd_always = false;		/* target 1.4 */
	bool grow = false;			/* target 1.5: len may grow */
	std::optional<int> rebuild_leg;
};

/* "<leg0> <leg1> [<#opt> ...]"; throws std::invalid_argument. */
std::string table_params(const TableArgs &args);

/* "0 <len> daxmirror <params>" */
std::string table_line(uint64_t len, const TableArgs &args);

/* Strict inverse of table_params(); throws std::invalid_argument. */
TableArgs parse_table_params(const std::string &params);

/* How the spare pool of a new mirror is given: pages, or a share of
 * the smaller leg in parts per million. */
struct SpareSpec {
	enum class Kind { Pages, Percent } kind = Kind::Pages;
	uint64_t value = DXM_DEFAULT_SPARE_PAGES;
};

/* Options shared by create and table. */
struct CreateOptions {
	uint32_t region_sectors = DXM_DEFAULT_REGION_SECTORS;
	SpareSpec spare;
	std::optional<uint32_t> sync_interval_ms;
	std::optional<uint32_t> sweep_max_kbps;
	bool no_dax = false;
	bool nosync = false;
	bool pmd_always = false;
	bool force = false;
};

struct CreatePlan {
	TableArgs args;
	uint64_t len = 0;			/* sectors */
	uint32_t region_sectors = 0;
	uint32_t spare_pages = 0;
	std::array<uint64_t, 2> leg_sectors{};
	std::array<uint64_t, 2> leg_data_sectors{}; /* per-leg maximum */
};

/*
 * Spare pages for a spec, given the size of the smaller leg; throws
 * std::invalid_argument when out of range.
 */
uint32_t resolve_spare_pages(const SpareSpec &spec, uint64_t min_leg_sectors);

/* Data sectors a leg of that size can hold, or nullopt if too small. */
std::optional<uint64_t> leg_data_sectors(uint64_t leg_sectors,
					 uint32_t region_sectors,
					 uint32_t spare_pages);

/*
 * Table and size of a new mirror: usable size = min over legs of
 * dxm_compute_geometry(...).data_sectors.  Throws Error naming the leg
 * that is too small.
 */
CreatePlan plan_create(const std::array<std::string, 2> &legs,
		       const std::array<uint64_t, 2> &leg_sectors,
		       const CreateOptions &opts);

} // namespace dxm

#endif
