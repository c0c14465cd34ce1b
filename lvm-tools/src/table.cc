// SPDX-License-Identifier: GPL-2.0
/* daxmirror table NAME LEG0 LEG1 [create options]: print, load nothing. */
#include "blkid.h"
#include "blockdev.h"
#include "commands.h"
#include "errors.h"
#include "legcheck.h"
#include "mirror_table.h"
#include "options.h"

namespace dxm {

CreatePlan plan_new_mirror(const std::string &leg0, const std::string &leg1,
			   const CreateOptions &opts, bool allow_file)
{
	std::array<std::string, 2> paths;
	std::array<uint64_t, 2> sectors;
	const std::string given[2] = { leg0, leg1 };

	for (int i = 0; i < 2; i++) {
		BlockDevice d = inspect_device(blkid::resolve_device(given[i]),
					       allow_file);
		/* the DAX rule of create; a regular file is a plan only */
		if (d.is_block && !opts.no_dax)
			if (auto why = dax_refusal(d, true))
				throw Error(given[i], *why);
		paths[i] = table_token(d);
		sectors[i] = d.sectors;
	}
	if (paths[0] == paths[1])
		throw UsageError(leg0 + " " + leg1,
				 "the two legs must be different devices");
	return plan_create(paths, sectors, opts);
}

int cmd_table(const Args &args)
{
	CommandLine cl("table", "NAME LEG0 LEG1",
		       "Print the device-mapper table line of a new mirror of "
		       "LEG0 and LEG1, as create would load it.  Loads "
		       "nothing and writes nothing.");

	cl.create_options().operands(3, 3);
	if (!cl.parse(args))
		return 0;
	check_device_name(cl.args()[0]);
	CreateOptions o = cl.create();
	CreatePlan p = plan_new_mirror(cl.args()[1], cl.args()[2], o, true);
	out(table_line(p.len, p.args) + "\n");
	return 0;
}

} // namespace dxm
