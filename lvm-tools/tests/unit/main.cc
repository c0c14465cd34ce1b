// SPDX-License-Identifier: GPL-2.0
//
// The unit tests' main: doctest's, plus a check that a run selected at
// least one test case.  ctest runs one entry per test case by name
// (doctest_discover_tests); a name that ctest splits (a ';' in it) or
// that no longer exists would otherwise match nothing and pass.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

namespace {

int cases_started = 0;

// Counts the test cases that ran; reports nothing.
struct RunCounter : doctest::IReporter {
	explicit RunCounter(const doctest::ContextOptions &) {}
	void report_query(const doctest::QueryData &) override {}
	void test_run_start() override {}
	void test_run_end(const doctest::TestRunStats &) override {}
	void test_case_start(const doctest::TestCaseData &) override
	{
		++cases_started;
	}
	void test_case_reenter(const doctest::TestCaseData &) override {}
	void test_case_end(const doctest::CurrentTestCaseStats &) override {}
	void test_case_exception(const doctest::TestCaseException &) override {}
	void subcase_start(const doctest::SubcaseSignature &) override {}
	void subcase_end() override {}
	void log_assert(const doctest::AssertData &) override {}
	void log_message(const doctest::MessageData &) override {}
	void test_case_skipped(const doctest::TestCaseData &) override {}
};

REGISTER_LISTENER("run_counter", 1, RunCounter);

} // namespace

int main(int argc, char **argv)
{
	doctest::Context context(argc, argv);
	const int result = context.run();

	if (context.shouldExit())
		return result; // a query (--list-test-cases, --help, ...)
	if (result == 0 && cases_started == 0) {
		std::fprintf(stderr, "daxmirror_unit: no test case matched the filters\n");
		return 1;
	}
	return result;
}
