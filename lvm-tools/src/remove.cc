// SPDX-License-Identifier: GPL-2.0
/* daxmirror remove NAME */
#include "commands.h"
#include "dm.h"
#include "options.h"

namespace dxm {

int cmd_remove(const Args &args)
{
	CommandLine cl("remove", "NAME",
		       "Stop the mirror and remove its device; the legs keep "
		       "their superblocks and can be assembled again.");

	cl.operands(1, 1);
	if (!cl.parse(args))
		return 0;
	const std::string &name = cl.args()[0];
	check_device_name(name);
	read_state(name);	/* refuses anything but a daxmirror device */
	dm::remove(name);
	return 0;
}

} // namespace dxm
