// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include "report.h"

using namespace dxm;

TEST_CASE("JSON has every field of the spec schema")
{
	MirrorStatus s = parse_status(
		"2 259:0 - AD 4096/4096 idle 8 1/0 255/256 0 3 0 dax 0");
	DeviceReport r = make_report("m0", 4096, s);
	r.uuid = "abc";
	r.legs[0].device = "/dev/pmem0";
	set_leg_badblocks(r.legs[0], { { 16, 8 }, { 64, 1 } });
	nlohmann::json j = to_json(r);

	for (const char *k : { "name", "uuid", "size_bytes", "dax", "health",
			       "action", "sync", "mismatches", "lost_pages",
			       "hot_regions", "data_offset_sectors", "legs" })
		CHECK_MESSAGE(j.contains(k), k);
	CHECK(j["name"] == "m0");
	CHECK(j["size_bytes"] == 4096 * 512);
	CHECK(j["dax"] == true);
	CHECK(j["health"] == "AD");
	CHECK(j["sync"]["in_sync_sectors"] == 4096);
	CHECK(j["sync"]["total_sectors"] == 4096);
	CHECK(j["mismatches"] == 8);
	CHECK(j["hot_regions"] == 3);
	REQUIRE(j["legs"].size() == 2);
	for (const auto &l : j["legs"])
		for (const char *k : { "index", "device", "maj_min", "state",
				       "remapped_pages", "spare_free_pages",
				       "badblocks", "errors" })
			CHECK_MESSAGE(l.contains(k), k);
	CHECK(j["legs"][0]["device"] == "/dev/pmem0");
	CHECK(j["legs"][0]["maj_min"] == "259:0");
	CHECK(j["legs"][0]["state"] == "in_sync");
	CHECK(j["legs"][0]["remapped_pages"] == 1);
	CHECK(j["legs"][0]["badblocks"][1]["sector"] == 64);
	CHECK(j["legs"][0]["errors"] == 9);
	CHECK(j["legs"][1]["maj_min"].is_null());
	CHECK(j["legs"][1]["state"] == "missing");
}

TEST_CASE("health assessment and exit codes")
{
	auto st = [](const char *l) { return assess(parse_status(l)).health; };

	CHECK(st("2 1:0 1:1 AA 8/8 idle 0 0/0 256/256 0 0 0 dax 0") ==
	      Health::Healthy);
	CHECK(st("2 1:0 1:1 Aa 0/8 rebuild 0 0/0 256/256 0 0 0 dax 0") ==
	      Health::Degraded);
	CHECK(st("2 1:0 - AD 8/8 idle 0 0/0 256/256 0 0 0 dax 0") ==
	      Health::Degraded);
	CHECK(st("2 1:0 1:1 AA 8/8 idle 0 250/0 6/256 0 0 0 dax 0") ==
	      Health::Degraded); /* spares low */
	CHECK(st("2 1:0 1:1 AA 8/8 idle 0 0/0 256/256 1 0 0 dax 0") ==
	      Health::Failed);
	CHECK(st("2 1:0 1:1 AA 8/8 idle 0 0/0 256/256 0 0 0 dax -5") ==
	      Health::Failed);
	CHECK(st("2 1:0 1:1 Da 8/8 idle 0 0/0 256/256 0 0 0 dax 0") ==
	      Health::Failed);
	CHECK(exit_code(Health::Healthy) == 0);
	CHECK(exit_code(Health::Degraded) == 1);
	CHECK(exit_code(Health::Failed) == 2);
	CHECK(spares_low(10, 1));
	CHECK_FALSE(spares_low(0, 0));
	CHECK_FALSE(spares_low(9, 1));
}

TEST_CASE("text rendering")
{
	MirrorStatus s = parse_status(
		"2 259:0 259:1 AA 4096/4096 idle 0 0/0 256/256 0 0 0 dax 0");
	std::string t = render_text(make_report("m0", 4096, s));
	CHECK(t.find("m0: healthy") == 0);
	CHECK(t.find("leg 1:") != std::string::npos);
}

TEST_CASE("a running scrub shows how far it went")
{
	MirrorStatus s = parse_status(
		"2 259:0 259:1 AA 4096/4096 check 0 0/0 256/256 0 0 0 dax 0 "
		"1024/4096");
	DeviceReport r = make_report("m0", 4096, s);
	nlohmann::json j = to_json(r);

	CHECK(j["sweep"]["done_sectors"] == 1024);
	CHECK(j["sweep"]["total_sectors"] == 4096);
	CHECK(render_text(r).find("check, 25.0% done") != std::string::npos);
	s = parse_status("2 259:0 259:1 AA 4096/4096 idle 0 0/0 256/256 0 0 0 "
			 "dax 0 -");
	CHECK(to_json(make_report("m0", 4096, s))["sweep"].is_null());
}
