// SPDX-License-Identifier: GPL-2.0
/* daxmirror scrub NAME [--repair] [--wait] */
#include "commands.h"
#include "options.h"

namespace dxm {

int cmd_scrub(const Args &args)
{
	CommandLine cl("scrub", "NAME",
		       "Compare both legs and count mismatched sectors; with "
		       "--repair, also make them identical.");

	cl.flag("repair", "fix mismatches (copy from the primary leg)")
		.wait()
		.operands(1, 1);
	if (!cl.parse(args))
		return 0;
	const std::string &name = cl.args()[0];
	check_device_name(name);
	send_message(name, cl.has("repair") ? "repair" : "check");
	if (!cl.has("wait"))
		return 0;
	int code = wait_idle(name, cl.has("repair") ? "repair" : "check",
			     false);
	MirrorStatus s = read_state(name).status;
	out(name + ": " + std::to_string(s.mismatches) +
	    " mismatched sectors\n");
	return code;
}

} // namespace dxm
