// SPDX-License-Identifier: GPL-2.0
/*
 * The data model of "detail NAME": the live table, the state (as status
 * shows it) and each leg's metadata (as examine shows it) with its
 * failure domain, and its JSON (docs/daxmirror.schema.json, detail).
 */
#ifndef DAXMIRROR_DETAIL_REPORT_H
#define DAXMIRROR_DETAIL_REPORT_H

#include <array>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "faildomain.h"
#include "legmeta.h"
#include "mirror_table.h"
#include "report.h"

namespace dxm {

struct LegDetail {
	std::optional<std::string> device;	/* none: the leg has no device */
	std::optional<LegMeta> meta;		/* none: unreadable, see problem */
	std::string problem;
	std::optional<FailureDomain> domain;
};

struct DetailReport {
	std::string name;
	TableArgs table;
	DeviceReport status;
	std::array<LegDetail, 2> legs;
	std::string shared;	/* what the legs' domains share; "" nothing */
};

/* {legs, region_sectors, ...}: null where the table leaves the default */
nlohmann::json to_json(const TableArgs &t);
nlohmann::json to_json(const DetailReport &d);

} // namespace dxm

#endif
