// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <cerrno>
#include <stdexcept>

#include "errors.h"

using namespace dxm;

TEST_CASE("exceptions map to messages and exit codes")
{
	auto d = [](auto e) {
		return describe_exception("status", std::make_exception_ptr(e));
	};
	ErrorReport r = d(UsageError("--leg 2", "leg number must be 0 or 1"));
	CHECK(r.exit_code == EXIT_USAGE);
	CHECK(r.message == "daxmirror status: --leg 2: leg number must be 0 or 1");
	r = d(Error("m0", "no such device"));
	CHECK(r.exit_code == EXIT_ERROR);
	CHECK(r.message == "daxmirror status: m0: no such device");
	r = d(std::runtime_error("boom"));
	CHECK(r.exit_code == 4);
	CHECK(r.message == "daxmirror status: internal error: boom");
	r = d(std::bad_alloc());
	CHECK(r.exit_code == 4);
	r = d(Error("", "why"));
	CHECK(r.message == "daxmirror status: why");
	CHECK(EXIT_HEALTHY == 0);
	CHECK(EXIT_DEGRADED == 1);
	CHECK(EXIT_FAILED == 2);
	CHECK(EXIT_USAGE == 3);
	CHECK(EXIT_ERROR == 4);
	CHECK(format_message("", "a", "b") == "daxmirror: a: b");
	CHECK_THROWS_WITH(throw_errno("x", "open", ENOENT),
			  "x: open: No such file or directory");
}
