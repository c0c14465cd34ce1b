// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include "events.h"

using namespace dxm;

TEST_CASE("changed fields and event JSON")
{
	MirrorStatus a = parse_status(
		"2 1:0 1:1 AA 8/8 idle 0 0/0 256/256 0 0 0 dax 0");
	MirrorStatus b = parse_status(
		"2 1:0 1:1 AA 8/8 idle 0 1/0 255/256 0 5 0 dax 0");
	MirrorStatus c = parse_status(
		"2 - 1:1 DA 8/8 idle 0 1/0 255/256 0 0 0 dax 0");
	CHECK(changed_fields(a, a).empty());
	auto ch = changed_fields(a, b);
	CHECK(ch == std::vector<std::string>{ "remapped", "spare_free" });
	ch = changed_fields(b, c);
	CHECK(ch == std::vector<std::string>{ "state", "health", "legs" });
	auto j = make_event("t", "m0", "change", 7, ch, b, c);
	CHECK(j["device"] == "m0");
	CHECK(j["event_nr"] == 7);
	CHECK(j["new"]["state"] == "degraded");
	CHECK(j["old"]["legs"][0] == "1:0");
	CHECK(j["new"]["legs"][0].is_null());
	CHECK(utc_timestamp().size() == 24);
}
