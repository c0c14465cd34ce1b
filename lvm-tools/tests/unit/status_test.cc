// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include "status.h"

using namespace dxm;

static const char *LINE =
	"2 259:0 259:1 Aa 1024/4096 rebuild 16 3/5 253/251 2 7 0 dax 0";

TEST_CASE("every status field")
{
	MirrorStatus s = parse_status(LINE);

	CHECK(*s.dev[0] == "259:0");
	CHECK(*s.dev[1] == "259:1");
	CHECK(s.health == "Aa");
	CHECK(s.leg_health(1) == 'a');
	CHECK(s.in_sync == 1024);
	CHECK(s.total == 4096);
	CHECK(s.action == "rebuild");
	CHECK(s.mismatches == 16);
	CHECK(s.remapped[0] == 3);
	CHECK(s.remapped[1] == 5);
	CHECK(s.spare_free[0] == 253);
	CHECK(s.spare_free[1] == 251);
	CHECK(s.lost_pages == 2);
	CHECK(s.hot_regions == 7);
	CHECK(s.data_offset == 0);
	CHECK(s.dax);
	CHECK(s.error == 0);
	CHECK(s.extra_fields == 0);
}

TEST_CASE("dead legs given as -, nodax, an error")
{
	MirrorStatus s = parse_status(
		"2 - 259:1 DA 4096/4096 idle 0 0/0 256/256 0 0 0 nodax -5");
	CHECK_FALSE(s.dev[0]);
	CHECK(s.health == "DA");
	CHECK_FALSE(s.dax);
	CHECK(s.error == -5);
}

TEST_CASE("extra trailing fields are accepted")
{
	MirrorStatus s = parse_status(std::string(LINE) + " - 0/0 future 42");
	CHECK(s.extra_fields == 2);
	CHECK(s.hot_regions == 7);
	CHECK_FALSE(s.sweep);
	REQUIRE(s.io_errors);
}

TEST_CASE("the legs' I/O error counts of target 1.3")
{
	MirrorStatus s = parse_status(std::string(LINE) + " - 3/0");
	REQUIRE(s.io_errors);
	CHECK((*s.io_errors)[0] == 3);
	CHECK((*s.io_errors)[1] == 0);
	CHECK(s.extra_fields == 0);
	s = parse_status(std::string(LINE) + " 10/4096 0/12");
	REQUIRE(s.sweep);
	CHECK((*s.io_errors)[1] == 12);
	/* targets 1.1 and 1.2 */
	CHECK_FALSE(parse_status(std::string(LINE) + " -").io_errors);
	CHECK_THROWS_AS(parse_status(std::string(LINE) + " - 3"),
			StatusParseError);
	CHECK_THROWS_AS(parse_status(std::string(LINE) + " - x/1"),
			StatusParseError);
}

TEST_CASE("the sweep progress of target 1.1")
{
	MirrorStatus s = parse_status(std::string(LINE) + " 1024/4096");
	REQUIRE(s.sweep);
	CHECK(s.sweep->first == 1024);
	CHECK(s.sweep->second == 4096);
	CHECK(s.extra_fields == 0);
	CHECK_FALSE(parse_status(LINE).sweep);		/* target 1.0 */
	CHECK_THROWS_AS(parse_status(std::string(LINE) + " 5000/4096"),
			StatusParseError);
	CHECK_THROWS_AS(parse_status(std::string(LINE) + " soon"),
			StatusParseError);
}

TEST_CASE("every action is known")
{
	for (const char *a : { "idle", "resync", "rebuild", "check", "repair",
			       "frozen" }) {
		std::string l = std::string("2 1:1 1:2 AA 8/8 ") + a +
				" 0 0/0 1/1 0 0 0 dax 0";
		CHECK(parse_status(l).action == a);
	}
}

TEST_CASE("malformed lines are rejected")
{
	for (const char *bad : {
		     "",
		     "2 259:0 259:1 AA 8/8 idle 0 0/0 1/1 0 0 0 dax",
		     "3 259:0 259:1 AA 8/8 idle 0 0/0 1/1 0 0 0 dax 0",
		     "2 259 259:1 AA 8/8 idle 0 0/0 1/1 0 0 0 dax 0",
		     "2 259:0 x:1 AA 8/8 idle 0 0/0 1/1 0 0 0 dax 0",
		     "2 259:0 259:1 AX 8/8 idle 0 0/0 1/1 0 0 0 dax 0",
		     "2 259:0 259:1 AAA 8/8 idle 0 0/0 1/1 0 0 0 dax 0",
		     "2 259:0 259:1 AA 9/8 idle 0 0/0 1/1 0 0 0 dax 0",
		     "2 259:0 259:1 AA 8 idle 0 0/0 1/1 0 0 0 dax 0",
		     "2 259:0 259:1 AA 8/8/8 idle 0 0/0 1/1 0 0 0 dax 0",
		     "2 259:0 259:1 AA 8/8 busy 0 0/0 1/1 0 0 0 dax 0",
		     "2 259:0 259:1 AA 8/8 idle -1 0/0 1/1 0 0 0 dax 0",
		     "2 259:0 259:1 AA 8/8 idle 0 0 1/1 0 0 0 dax 0",
		     "2 259:0 259:1 AA 8/8 idle 0 0/0 1/x 0 0 0 dax 0",
		     "2 259:0 259:1 AA 8/8 idle 0 0/0 1/1 z 0 0 dax 0",
		     "2 259:0 259:1 AA 8/8 idle 0 0/0 1/1 0 z 0 dax 0",
		     "2 259:0 259:1 AA 8/8 idle 0 0/0 1/1 0 0 z dax 0",
		     "2 259:0 259:1 AA 8/8 idle 0 0/0 1/1 0 0 0 DAX 0",
		     "2 259:0 259:1 AA 8/8 idle 0 0/0 1/1 0 0 0 dax 5",
		     "2 259:0 259:1 AA 8/8 idle 0 0/0 1/1 0 0 0 dax -0",
		     "2 259:0 259:1 AA 8/8 idle 0 0/0 1/1 0 0 0 dax -99999",
	     }) {
		CAPTURE(bad);
		CHECK_THROWS_AS(parse_status(bad), StatusParseError);
	}
}
