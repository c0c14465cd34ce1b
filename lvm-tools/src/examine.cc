// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror examine LEG... [--json|--export]: the metadata of legs, read
 * without activating anything (like mdadm --examine; --export for udev).  Exit code: 0 when every
 * LEG holds metadata the kernel would accept, 1 when one holds no
 * daxmirror superblock (blank or foreign), 2 when one holds corrupt
 * metadata (the worst wins).
 */
#include <algorithm>

#include "commands.h"
#include "errors.h"
#include "jsondoc.h"
#include "legmeta.h"
#include "options.h"

namespace dxm {

int cmd_examine(const Args &args)
{
	CommandLine cl("examine", "LEG...",
		       "Show what the daxmirror metadata on each LEG (a block "
		       "device or an image file) says: superblock, remap "
		       "table and write-intent bitmap, without activating "
		       "anything.  Exit code: 0 valid, 1 no daxmirror "
		       "superblock, 2 corrupt metadata.");

	cl.json()
		.flag("export", "print KEY=VALUE lines for udev "
				"(IMPORT{program}); nothing for a device that "
				"is not a leg")
		.operands(1, 1024);
	if (!cl.parse(args))
		return 0;
	if (cl.has("json") && cl.has("export"))
		throw UsageError("--json --export", "choose one output");
	nlohmann::ordered_json all = nlohmann::ordered_json::array();
	std::string text, exported;
	int code = 0;

	for (const auto &leg : cl.args()) {
		LegMeta m = read_leg_meta(inspect_device(leg, true));

		if (m.kind == SbKind::Blank || m.kind == SbKind::Foreign)
			code = std::max(code, 1);
		else if (!m.problem.empty() ||
			 (m.remap && !m.remap->problem.empty()))
			code = 2;
		all.push_back(json_document("leg_metadata", to_json(m)));
		text += render_text(m);
		exported += render_export(m);
	}
	if (cl.has("export")) {
		/* udev imports the lines only on exit 0 */
		out(exported);
		return code == 1 ? 1 : 0;
	}
	else if (cl.has("json"))
		out((cl.args().size() == 1 ? all[0] : all).dump(2) + "\n");
	else
		out(text);
	return code;
}

} // namespace dxm
