// SPDX-License-Identifier: GPL-2.0
/*
 * Monitor events: what changed between two status lines of a mirror, and
 * the JSON object printed for it (one per line).
 */
#ifndef DAXMIRROR_EVENTS_H
#define DAXMIRROR_EVENTS_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "status.h"

namespace dxm {

/* The state fields monitor compares and prints. */
nlohmann::json state_summary(const MirrorStatus &s);

/*
 * Names of the tracked fields that differ: state, health, action, legs,
 * remapped, spare_free, spares_low, lost_pages, mismatches, dax, error.
 * Sync progress and hot regions change all the time and are not events.
 */
std::vector<std::string> changed_fields(const MirrorStatus &old,
					const MirrorStatus &now);

/*
 * The named kinds of an event, for handlers to switch on (mdadm's names
 * where one fits): NewArray, DeviceDisappeared, Fail (a leg went dead),
 * DegradedArray (degraded or failed now; also at start-up and for
 * --once), Healthy (healthy again), RebuildStarted/RebuildFinished
 * (rebuild or resync), ScrubStarted/ScrubFinished (check or repair),
 * Mismatches (a scrub found differences), PageRemapped, SparesLow,
 * LostPages, Error.  old/now: the state before and after (none for a
 * device that appeared or went away).
 */
std::vector<std::string> event_kinds(const std::optional<MirrorStatus> &old,
				     const std::optional<MirrorStatus> &now);

/*
 * { "time", "device", "event" (change, added, removed, state, test),
 *   "kinds": [...], "event_nr", "changes": [...], "old": summary|null,
 *   "new": summary|null }
 */
nlohmann::json make_event(const std::string &time, const std::string &device,
			  const std::string &event, uint32_t event_nr,
			  const std::vector<std::string> &changes,
			  const std::optional<MirrorStatus> &old,
			  const std::optional<MirrorStatus> &now);

/* UTC now as 2024-01-02T03:04:05.678Z */
std::string utc_timestamp();

} // namespace dxm

#endif
