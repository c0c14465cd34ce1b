// SPDX-License-Identifier: GPL-2.0
/* daxmirror rebuild NAME --leg N [--wait] */
#include "commands.h"
#include "options.h"

namespace dxm {

int cmd_rebuild(const Args &args)
{
	CommandLine cl("rebuild", "NAME",
		       "Copy everything onto leg N from the other leg.");

	cl.leg().wait().operands(1, 1);
	if (!cl.parse(args))
		return 0;
	const std::string &name = cl.args()[0];
	check_device_name(name);
	send_message(name, "rebuild " + std::to_string(cl.leg_number()));
	return cl.has("wait") ? wait_idle(name, "rebuild", true) : 0;
}

} // namespace dxm
