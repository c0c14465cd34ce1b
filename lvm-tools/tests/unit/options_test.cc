// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include "errors.h"
#include "options.h"

using namespace dxm;

TEST_CASE("option value validation")
{
	CHECK(parse_region_size("64K") == 128);
	CHECK(parse_region_size("4K") == 8);
	CHECK(parse_region_size("1M") == 2048);
	CHECK_THROWS_AS(parse_region_size("2K"), UsageError);
	CHECK_THROWS_AS(parse_region_size("2M"), UsageError);
	CHECK_THROWS_AS(parse_region_size("48K"), UsageError);
	CHECK_THROWS_AS(parse_region_size("x"), UsageError);

	SpareSpec s = parse_spare("1M");
	CHECK(s.kind == SpareSpec::Kind::Pages);
	CHECK(s.value == 256);
	s = parse_spare("2%");
	CHECK(s.kind == SpareSpec::Kind::Percent);
	CHECK(s.value == 20000);
	CHECK_THROWS_AS(parse_spare("1000"), UsageError);
	CHECK_THROWS_AS(parse_spare("100%"), UsageError);
	CHECK_THROWS_AS(parse_spare("8G"), UsageError);

	CHECK(parse_sync_interval("0") == 0);
	CHECK(parse_sync_interval("3600000") == 3600000);
	CHECK_THROWS_AS(parse_sync_interval("3600001"), UsageError);
	CHECK_THROWS_AS(parse_sync_interval("1s"), UsageError);

	CHECK(parse_leg_number("0") == 0);
	CHECK(parse_leg_number("1") == 1);
	CHECK_THROWS_AS(parse_leg_number("2"), UsageError);
	CHECK_THROWS_AS(parse_leg_number("01"), UsageError);

	CHECK(parse_byte_count("--offset", "1M") == 1048576);
	CHECK_THROWS_AS(parse_byte_count("--offset", "100"), UsageError);
}

TEST_CASE("command lines")
{
	CommandLine c("create", "NAME LEG0 LEG1", "Create a mirror.");
	c.create_options().force("x").operands(3, 3);
	REQUIRE(c.parse({ "m", "/dev/a", "/dev/b", "--region-size", "8K",
			  "--no-dax", "--force" }));
	CHECK(c.args().size() == 3);
	CreateOptions o = c.create();
	CHECK(o.region_sectors == 16);
	CHECK(o.no_dax);
	CHECK(o.force);
	CHECK_FALSE(o.nosync);
	CHECK_FALSE(o.pmd_always);
	CommandLine p("create", "NAME LEG0 LEG1", "x");
	p.create_options().operands(3, 3);
	REQUIRE(p.parse({ "m", "/dev/a", "/dev/b", "--pmd-always" }));
	CHECK(p.create().pmd_always);

	CommandLine d("create", "NAME LEG0 LEG1", "x");
	d.create_options().operands(3, 3);
	CHECK_THROWS_AS(d.parse({ "m", "a" }), UsageError);
	CommandLine e("create", "NAME LEG0 LEG1", "x");
	e.create_options().operands(3, 3);
	CHECK_THROWS_AS(e.parse({ "m", "a", "b", "c" }), UsageError);
	CommandLine f("create", "NAME LEG0 LEG1", "x");
	f.create_options().operands(3, 3);
	CHECK_THROWS_AS(f.parse({ "m", "a", "b", "--bogus" }), UsageError);
	CommandLine g("fail", "NAME", "x");
	g.leg().operands(1, 1);
	CHECK_THROWS_AS(g.parse({ "m" }), UsageError);
	CommandLine h("fail", "NAME", "x");
	h.leg().operands(1, 1);
	CHECK_THROWS_AS(h.parse({ "m", "--leg", "3" }), UsageError);
	CommandLine i("fail", "NAME", "x");
	i.leg().operands(1, 1);
	REQUIRE(i.parse({ "m", "--leg", "1" }));
	CHECK(i.leg_number() == 1);
}
