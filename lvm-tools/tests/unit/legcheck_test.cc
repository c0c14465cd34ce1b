// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <cerrno>

#include "legcheck.h"

using namespace dxm;

namespace {

LegFacts no_dax_leg(std::optional<bool> dax)
{
	LegFacts f;
	f.dev.dax = dax;
	return f;
}

std::string dax_problem(const LegFacts &f, const LegPolicy &p)
{
	LegVerdict v = judge_leg(f, p);
	REQUIRE(v.problems.size() == 1);
	CHECK_FALSE(v.problems[0].forceable);
	return v.problems[0].why;
}

} // namespace

TEST_CASE("a leg without DAX: create suggests --no-dax")
{
	LegPolicy create;
	for (auto dax : { std::optional<bool>(false), std::optional<bool>() }) {
		std::string why = dax_problem(no_dax_leg(dax), create);
		CHECK(why.find("--no-dax") != std::string::npos);
	}
}

TEST_CASE("a leg without DAX: replace names the mirror's DAX, not --no-dax")
{
	// replace takes no --no-dax: the mirror's mode is its table's
	LegPolicy replace;
	replace.no_dax_option = false;
	for (auto dax : { std::optional<bool>(false), std::optional<bool>() }) {
		std::string why = dax_problem(no_dax_leg(dax), replace);
		CHECK(why.find("--no-dax") == std::string::npos);
		CHECK(why.find("the mirror offers DAX") != std::string::npos);
	}
}

TEST_CASE("a mirror without DAX takes a leg without DAX")
{
	LegPolicy p;
	p.require_dax = false;
	CHECK(judge_leg(no_dax_leg(false), p).problems.empty());
}

TEST_CASE("a leg in use is refused even with --force, saying what to do")
{
	LegFacts f;
	LegPolicy p;
	f.dev.dax = true;
	f.busy_errno = EBUSY;
	f.busy_reason = "mounted on /mnt; unmount it first";
	p.force = true;
	LegVerdict v = judge_leg(f, p);
	auto b = v.blocking(true);
	REQUIRE(b);
	CHECK(b->why == "is in use: mounted on /mnt; unmount it first");
	CHECK_FALSE(b->forceable);
}
