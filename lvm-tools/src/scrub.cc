// SPDX-License-Identifier: GPL-2.0
/* daxmirror scrub NAME [--repair] [--wait] | --stop */
#include "commands.h"
#include "errors.h"
#include "options.h"

namespace dxm {

int cmd_scrub(const Args &args)
{
	CommandLine cl("scrub", "NAME",
		       "Compare both legs and count mismatched sectors; with "
		       "--repair, also make them identical; --stop ends a "
		       "running scrub (its mismatches so far stay in the "
		       "status).");

	cl.flag("repair", "fix mismatches (copy from the primary leg)")
		.flag("stop", "stop the running check or repair")
		.wait()
		.operands(1, 1);
	if (!cl.parse(args))
		return 0;
	const std::string &name = cl.args()[0];
	check_device_name(name);
	if (cl.has("stop")) {
		if (cl.has("repair") || cl.has("wait"))
			throw UsageError("--stop", "takes no --repair or "
						   "--wait");
		std::string act = read_state(name).status.action;
		if (act != "check" && act != "repair")
			throw Error(name, "no scrub is running (action: " +
					  act + ")");
		send_message(name, "idle");
		return 0;
	}
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
