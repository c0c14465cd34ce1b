// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror status [NAME...] [--json]
 * One JSON object for one NAME, else a JSON array; the exit code is the
 * worst health of the devices shown (0 healthy, 1 degraded, 2 failed).
 */
#include <algorithm>
#include <cstdio>
#include <exception>

#include "commands.h"
#include "errors.h"
#include "jsondoc.h"
#include "options.h"

namespace dxm {

int cmd_status(const Args &args)
{
	CommandLine cl("status", "[NAME...]",
		       "Show the state of the named daxmirror devices (all of "
		       "them without a NAME).  Exit code: 0 healthy, 1 "
		       "degraded, 2 data lost or failed.");

	cl.json().operands(0, 1024);
	if (!cl.parse(args))
		return 0;
	for (const auto &n : cl.args())
		check_device_name(n);
	std::vector<std::string> names = cl.args();
	bool single = names.size() == 1;
	if (names.empty())
		names = mirror_devices();

	/*
	 * One name alone: its error is the command's.  Several: a name that
	 * cannot be read gets its error line after the others are shown,
	 * and the exit code is the error's.
	 */
	nlohmann::ordered_json all = nlohmann::ordered_json::array();
	std::string text;
	std::vector<ErrorReport> errors;
	int code = 0;
	for (const auto &n : names) {
		DeviceReport r;

		try {
			r = read_report(n);
		} catch (...) {
			if (single)
				throw;
			errors.push_back(describe_exception(
				"status", std::current_exception()));
			continue;
		}
		code = std::max(code, status_exit_code(r.status));
		if (cl.has("json"))
			all.push_back(json_document("status", to_json(r)));
		else
			text += render_text(r);
	}
	if (cl.has("json"))
		out((single ? all[0] : all).dump(2) + "\n");
	else
		out(text);
	for (const auto &e : errors) {
		fflush(stdout);
		fprintf(stderr, "%s\n", e.message.c_str());
		code = std::max(code, e.exit_code);
	}
	return code;
}

} // namespace dxm
