// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include "scan.h"

using namespace dxm;

TEST_CASE("legs group into sets, the fresher claim wins")
{
	FoundLeg a, b, c, d;
	Uuid u1{}, u2{};
	u1[0] = 1;
	u2[0] = 2;
	a.device = "/dev/pmem0"; a.sb.set_uuid = u1; a.sb.leg_index = 0;
	a.sb.events = 5; a.sb.data_sectors = 4096;
	b.device = "/dev/pmem1"; b.sb.set_uuid = u1; b.sb.leg_index = 1;
	b.sb.events = 6; b.sb.data_sectors = 8192;
	c.device = "/dev/pmem2"; c.sb.set_uuid = u1; c.sb.leg_index = 1;
	c.sb.events = 3;
	d.device = "/dev/pmem3"; d.sb.set_uuid = u2; d.problem = "bad";
	auto sets = group_sets({ a, b, c, d });
	REQUIRE(sets.size() == 1);
	CHECK(sets[0].complete());
	CHECK(sets[0].legs[1]->device == "/dev/pmem1");
	CHECK(sets[0].notes.size() == 1);
	CHECK(sets[0].data_sectors == 8192);
}
