// SPDX-License-Identifier: GPL-2.0
#include "errors.h"

#include <cstring>
#include <new>

namespace dxm {

static std::string join(const std::string &what, const std::string &why)
{
	return what.empty() ? why : what + ": " + why;
}

Error::Error(std::string what, std::string why, int exit_code)
	: std::runtime_error(join(what, why)), subject_(std::move(what)),
	  reason_(std::move(why)), code_(exit_code)
{
}

std::string errno_string(int err)
{
	char buf[256];

	if (err < 0)
		err = -err;
	/* GNU strerror_r returns the message, maybe not in buf */
	return strerror_r(err, buf, sizeof(buf));
}

void throw_errno(const std::string &what, const std::string &action, int err)
{
	throw Error(what, action.empty() ? errno_string(err) :
			  action + ": " + errno_string(err));
}

std::string format_message(const std::string &command, const std::string &what,
			   const std::string &why)
{
	std::string m = "daxmirror";

	if (!command.empty())
		m += " " + command;
	m += ": ";
	return m + join(what, why);
}

ErrorReport describe_exception(const std::string &command,
			       std::exception_ptr e) noexcept
{
	try {
		try {
			std::rethrow_exception(e);
		} catch (const Error &err) {
			return { err.exit_code(),
				 format_message(command, err.subject(),
						err.reason()) };
		} catch (const std::bad_alloc &) {
			return { EXIT_ERROR,
				 format_message(command, "", "out of memory") };
		} catch (const std::exception &err) {
			return { EXIT_ERROR,
				 format_message(command, "internal error",
						err.what()) };
		} catch (...) {
			return { EXIT_ERROR,
				 format_message(command, "internal error",
						"unknown exception") };
		}
	} catch (...) {
		/* building the message itself failed (no memory) */
		return { EXIT_ERROR, "daxmirror: out of memory" };
	}
}

} // namespace dxm
