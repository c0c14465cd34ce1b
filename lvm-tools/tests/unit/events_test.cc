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

TEST_CASE("named event kinds")
{
	auto st = [](const char *l) { return parse_status(l); };
	MirrorStatus ok = st("2 1:0 1:1 AA 8/8 idle 0 0/0 256/256 0 0 0 dax 0");
	MirrorStatus dead = st("2 - 1:1 DA 8/8 idle 0 0/0 256/256 0 0 0 dax -5");
	MirrorStatus rebuilding =
		st("2 1:2 1:1 aA 2/8 rebuild 0 0/0 256/256 0 0 0 dax 0");
	MirrorStatus back = st("2 1:2 1:1 AA 8/8 idle 0 0/0 256/256 0 0 0 dax 0");
	MirrorStatus scrub = st("2 1:0 1:1 AA 8/8 check 0 0/0 256/256 0 0 0 dax 0");
	MirrorStatus found = st("2 1:0 1:1 AA 8/8 idle 16 0/0 256/256 0 0 0 dax 0");
	MirrorStatus low = st("2 1:0 1:1 AA 8/8 idle 0 240/0 16/256 3 0 0 dax 0");
	using V = std::vector<std::string>;

	CHECK(event_kinds(ok, ok).empty());
	CHECK(event_kinds(ok, dead) == V{ "Fail", "DegradedArray", "Error" });
	CHECK(event_kinds(dead, rebuilding) == V{ "RebuildStarted" });
	CHECK(event_kinds(rebuilding, back) == V{ "Healthy", "RebuildFinished" });
	CHECK(event_kinds(ok, scrub) == V{ "ScrubStarted" });
	CHECK(event_kinds(scrub, found) == V{ "ScrubFinished", "Mismatches" });
	CHECK(event_kinds(ok, low) ==
	      V{ "DegradedArray", "PageRemapped", "SparesLow", "LostPages" });
	CHECK(event_kinds(std::nullopt, dead) == V{ "NewArray", "DegradedArray" });
	CHECK(event_kinds(ok, std::nullopt) == V{ "DeviceDisappeared" });
	CHECK(make_event("t", "m0", "test", 1, {}, std::nullopt, ok)["kinds"] ==
	      V{ "TestMessage" });
	CHECK(make_event("t", "m0", "state", 1, {}, std::nullopt, dead)["kinds"] ==
	      V{ "DegradedArray" });
}
