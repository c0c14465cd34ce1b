// SPDX-License-Identifier: GPL-2.0
/* daxmirror flush NAME [--offset BYTES --length BYTES] */
#include "commands.h"
#include "errors.h"
#include "options.h"

namespace dxm {

int cmd_flush(const Args &args)
{
	CommandLine cl("flush", "NAME",
		       "Make every hot region (or only the given byte range) "
		       "identical on both legs and durable.");

	cl.value("offset", "BYTES", "start of the range (multiple of 512)")
		.value("length", "BYTES", "length of the range (multiple of 512)")
		.operands(1, 1);
	if (!cl.parse(args))
		return 0;
	check_device_name(cl.args()[0]);
	auto off = cl.get("offset"), len = cl.get("length");
	if (off.has_value() != len.has_value())
		throw UsageError("", "--offset and --length go together");
	std::string msg = "flush";
	if (off) {
		uint64_t o = parse_byte_count("--offset", *off);
		uint64_t l = parse_byte_count("--length", *len);
		if (!l)
			throw UsageError("--length " + *len, "must not be zero");
		uint64_t size = read_state(cl.args()[0]).len << 9;
		if (o >= size || l > size - o)
			throw UsageError("--offset " + *off + " --length " + *len,
					 "the range ends past the end of " +
					 cl.args()[0] + " (" +
					 std::to_string(size) + " bytes)");
		msg += " " + std::to_string(o >> 9) + " " +
		       std::to_string(l >> 9);
	}
	send_message(cl.args()[0], msg);
	return 0;
}

} // namespace dxm
