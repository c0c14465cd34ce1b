// SPDX-License-Identifier: GPL-2.0
/* daxmirror fail NAME --leg N */
#include "commands.h"
#include "options.h"

namespace dxm {

int cmd_fail(const Args &args)
{
	CommandLine cl("fail", "NAME",
		       "Mark leg N dead: no more I/O is sent to it (for "
		       "maintenance and tests).");

	cl.leg().operands(1, 1);
	if (!cl.parse(args))
		return 0;
	check_device_name(cl.args()[0]);
	send_message(cl.args()[0], "fail " + std::to_string(cl.leg_number()));
	return 0;
}

} // namespace dxm
