// SPDX-License-Identifier: GPL-2.0
/*
 * Errors and exit codes.  Every failure is an exception carrying the
 * object it concerns ("what"), the reason ("why") and the exit code;
 * describe_exception() is the one place that turns any exception into the
 * message "daxmirror <command>: <what>: <why>" and an exit code.
 */
#ifndef DAXMIRROR_ERRORS_H
#define DAXMIRROR_ERRORS_H

#include <exception>
#include <stdexcept>
#include <string>

namespace dxm {

/* mdadm convention, see docs/interface.md */
enum ExitCode : int {
	EXIT_HEALTHY = 0,
	EXIT_DEGRADED = 1,
	EXIT_FAILED = 2,	/* data lost or device failed */
	EXIT_USAGE = 3,		/* bad command line */
	EXIT_ERROR = 4,		/* any other error */
};

class Error : public std::runtime_error {
public:
	Error(std::string what, std::string why, int exit_code = EXIT_ERROR);
	const std::string &subject() const { return subject_; }
	const std::string &reason() const { return reason_; }
	int exit_code() const { return code_; }

private:
	std::string subject_;
	std::string reason_;
	int code_;
};

/* A bad command line: exit code 3. */
class UsageError : public Error {
public:
	UsageError(std::string what, std::string why)
		: Error(std::move(what), std::move(why), EXIT_USAGE) {}
};

/* strerror() of a positive or negative errno value, thread-safe. */
std::string errno_string(int err);

/* Throws Error(what, action + ": " + strerror(err)). */
[[noreturn]] void throw_errno(const std::string &what,
			      const std::string &action, int err);

struct ErrorReport {
	int exit_code;
	std::string message;	/* one line, no trailing newline */
};

/* Maps the exception to a message and an exit code; never throws. */
ErrorReport describe_exception(const std::string &command,
			       std::exception_ptr e) noexcept;

/* "daxmirror <command>: <what>: <why>" (what may be empty). */
std::string format_message(const std::string &command, const std::string &what,
			   const std::string &why);

} // namespace dxm

#endif
