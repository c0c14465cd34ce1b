// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include "errors.h"
#include "mirror_table.h"

using namespace dxm;

TEST_CASE("table line without options")
{
	TableArgs a;
	a.legs = { "/dev/pmem0", "/dev/pmem1" };
	CHECK(table_line(4096, a) == "0 4096 daxmirror /dev/pmem0 /dev/pmem1");
}

TEST_CASE("table line with every option and its parse back")
{
	TableArgs a;
	a.legs = { "259:0", "-" };
	a.region_sectors = 256;
	a.spare_pages = 512;
	a.sync_interval_ms = 100;
	a.sweep_max_kbps = 2048;
	a.no_dax = true;
	a.nosync = true;
	a.pmd_always = true;
	a.grow = true;
	std::string p = table_params(a);
	CHECK(p == "259:0 - 12 region_size 256 spare_pages 512 "
		   "sync_interval_ms 100 sweep_max_kbps 2048 no_dax nosync "
		   "pmd_always grow");
	TableArgs b = parse_table_params(p);
	CHECK(b.legs == a.legs);
	CHECK(*b.region_sectors == 256);
	CHECK(*b.spare_pages == 512);
	CHECK(*b.sync_interval_ms == 100);
	CHECK(*b.sweep_max_kbps == 2048);
	CHECK(b.no_dax);
	CHECK(b.nosync);
	CHECK(b.pmd_always);
	CHECK(b.grow);
	CHECK_FALSE(parse_table_params("259:0 259:1 1 no_dax").pmd_always);
	CHECK_FALSE(parse_table_params("259:0 259:1 1 no_dax").grow);

	TableArgs r;
	r.legs = { "259:0", "259:1" };
	r.rebuild_leg = 1;
	CHECK(table_params(r) == "259:0 259:1 2 rebuild 1");
	CHECK(*parse_table_params("259:0 259:1 2 rebuild 1").rebuild_leg == 1);

	/* the longest table the kernel accepts: 14 optional arguments */
	a.legs = { "259:0", "259:1" };
	a.rebuild_leg = 0;
	CHECK(parse_table_params(table_params(a)).rebuild_leg == 0);
	CHECK(table_params(a).find(" 14 region_size") != std::string::npos);
	CHECK(DXM_MAX_OPT_ARGS == 14);
}

TEST_CASE("table building refuses bad input")
{
	TableArgs a;
	a.legs = { "-", "-" };
	CHECK_THROWS(table_params(a));
	a.legs = { "/dev/x", "/dev/x" };
	CHECK_THROWS(table_params(a));
	a.legs = { "/dev/a b", "/dev/x" };
	CHECK_THROWS(table_params(a));
	a.legs = { "/dev/a", "/dev/b" };
	a.region_sectors = 100;
	CHECK_THROWS(table_params(a));
	a.region_sectors.reset();
	CHECK_THROWS(table_line(0, a));
	for (const char *bad : { "a", "a b 1", "a b 1 foo", "a b 2 region_size",
				 "a b 1 no_dax junk", "a b 2 no_dax no_dax",
				 "a b 2 pmd_always pmd_always",
				 "a b 2 grow grow",
				 "a b 2 rebuild 2", "a b x",
				 "a b 2 sweep_max_kbps 100000001",
				 "a b 2 sweep_max_kbps -1",
				 "a b 4 sweep_max_kbps 1 sweep_max_kbps 2" })
		CHECK_THROWS(parse_table_params(bad));
}

TEST_CASE("size of a new mirror is the smaller leg's data area")
{
	CreateOptions o;
	std::array<uint64_t, 2> legs = { 256ULL << 11, 300ULL << 11 };
	CreatePlan p = plan_create({ "/dev/pmem0", "/dev/pmem1" }, legs, o);
	struct dxm_geometry g0, g1;

	REQUIRE(dxm_compute_geometry(legs[0], 128, 256, &g0) == 0);
	REQUIRE(dxm_compute_geometry(legs[1], 128, 256, &g1) == 0);
	CHECK(p.len == std::min(g0.data_sectors, g1.data_sectors));
	CHECK(p.len == g0.data_sectors);
	CHECK(p.len % DXM_DATA_ALIGN_SECTORS == 0);
	CHECK(p.spare_pages == DXM_DEFAULT_SPARE_PAGES);
	CHECK(p.region_sectors == DXM_DEFAULT_REGION_SECTORS);
	CHECK(table_line(p.len, p.args) ==
	      "0 " + std::to_string(p.len) +
		      " daxmirror /dev/pmem0 /dev/pmem1 4 region_size 128 "
		      "spare_pages 256");
}

TEST_CASE("spare pool as a percentage, and legs too small")
{
	SpareSpec s;
	s.kind = SpareSpec::Kind::Percent;
	s.value = 10000; /* 1 % */
	CHECK(resolve_spare_pages(s, 1ULL << 21) == 2621);
	CreateOptions o;
	CHECK_THROWS_AS(plan_create({ "a", "b" }, { 4096, 1ULL << 21 }, o),
			Error);
	CHECK_FALSE(leg_data_sectors(1000, 128, 256));
}
