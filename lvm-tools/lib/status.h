// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's INFO status line of a daxmirror device:
 *
 *   2 <maj:min0> <maj:min1> <health> <in_sync>/<total> <action>
 *   <mismatches> <remapped0>/<remapped1> <spare_free0>/<spare_free1>
 *   <lost_pages> <hot_regions> <data_offset> <dax|nodax> <error>
 *   [<swept>/<sweep_total> | -] [<io_errors0>/<io_errors1>]
 *
 * A dead or missing leg may show as "-" in place of maj:min.  The sweep
 * progress (target 1.1) and the legs' I/O error counts (target 1.3) are
 * optional, for older targets; fields appended by later target versions
 * are accepted and ignored; anything malformed is refused with
 * StatusParseError naming the field.
 */
#ifndef DAXMIRROR_STATUS_H
#define DAXMIRROR_STATUS_H

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "daxmirror_status.h"

namespace dxm {

class StatusParseError : public std::invalid_argument {
public:
	using std::invalid_argument::invalid_argument;
};

/* the fields of every target version (1.0 on) */
inline constexpr size_t STATUS_FIELDS = DXM_STATUS_FIELDS_1_0;

struct MirrorStatus {
	std::array<std::optional<std::string>, 2> dev; /* maj:min, or none */
	std::string health;			/* e.g. "AA", "Aa", "AD" */
	uint64_t in_sync = 0;			/* sectors */
	uint64_t total = 0;			/* sectors */
	std::string action;			/* idle, resync, ... */
	uint64_t mismatches = 0;		/* sectors */
	std::array<uint64_t, 2> remapped{};	/* pages */
	std::array<uint64_t, 2> spare_free{};	/* pages */
	uint64_t lost_pages = 0;
	uint64_t hot_regions = 0;
	uint64_t data_offset = 0;		/* sectors */
	bool dax = false;
	int error = 0;				/* 0 or -errno */
	/* sectors the running action went past / data sectors; none when
	 * idle or from a target 1.0 */
	std::optional<std::pair<uint64_t, uint64_t>> sweep;
	/* failed I/O requests of each leg since the table was loaded; none
	 * from a target before 1.3 */
	std::optional<std::array<uint64_t, 2>> io_errors;
	size_t extra_fields = 0;		/* ignored trailing fields */

	char leg_health(int leg) const { return health[leg]; }
};

MirrorStatus parse_status(const std::string &line);

/* Known values of the action field. */
bool is_known_action(const std::string &action);

} // namespace dxm

#endif
