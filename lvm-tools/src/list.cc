// SPDX-License-Identifier: GPL-2.0
/* daxmirror list [--json]: legs found by their superblocks. */
#include <fmt/format.h>

#include "commands.h"
#include "errors.h"
#include "jsondoc.h"
#include "options.h"
#include "scan.h"
#include "size.h"

namespace dxm {

int cmd_list(const Args &args)
{
	CommandLine cl("list", "",
		       "List the block devices that carry a daxmirror "
		       "superblock: set UUID, leg position, event counter, "
		       "data size and the state each leg records.");

	cl.json().operands(0, 0);
	if (!cl.parse(args))
		return 0;
	std::vector<std::string> denied;
	auto legs = scan_legs({}, &denied);
	nlohmann::ordered_json j = nlohmann::ordered_json::array();
	std::string text;

	for (const auto &l : legs) {
		std::string uuid = format_uuid(l.sb.set_uuid);
		j.push_back(json_document("list_entry", to_json(l)));
		text += fmt::format("{} set {} leg {} events {} data {} legs "
				    "{}/{}{}\n",
				    l.device, uuid, l.sb.leg_index, l.sb.events,
				    format_size(l.sb.data_sectors << 9),
				    leg_state_name(l.sb.leg_state[0]),
				    leg_state_name(l.sb.leg_state[1]),
				    l.problem.empty() ? "" : " PROBLEM: " +
							       l.problem);
	}
	out(cl.has("json") ? j.dump(2) + "\n" : text);
	/* an empty list must never stand for "cannot look" */
	if (!denied.empty())
		throw Error(denied.size() == 1 ? denied[0] :
			    std::to_string(denied.size()) + " block devices",
			    "permission denied: their superblocks cannot be "
			    "read (run as root)");
	return 0;
}

} // namespace dxm
