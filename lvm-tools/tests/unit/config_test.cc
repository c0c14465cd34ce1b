// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include "config.h"
#include "errors.h"

using namespace dxm;

namespace {

std::string error_of(const std::string &text)
{
	try {
		parse_config(text, "c");
	} catch (const Error &e) {
		return e.what();
	}
	return "";
}

} // namespace

TEST_CASE("config: ARRAY lines give a set its name and settings")
{
	Config c = parse_config(
		"# sets of this host\n"
		"\n"
		"ARRAY db uuid=0a000000-0000-0000-0000-00000000000b "
		"sync_interval_ms=250 sweep_max_kbps=4096 # the database\n"
		"ARRAY scratch uuid=0c000000-0000-0000-0000-00000000000d no_dax\n",
		"c");
	REQUIRE(c.arrays.size() == 2);
	Uuid u{};
	u[0] = 0x0a;
	u[15] = 0x0b;
	const ArrayConf *a = c.find(u);
	REQUIRE(a);
	CHECK(a->name == "db");
	CHECK(a->sync_interval_ms == 250u);
	CHECK(a->sweep_max_kbps == 4096u);
	CHECK_FALSE(a->no_dax);
	CHECK(a->line == 3);
	CHECK(c.arrays[1].no_dax);
	CHECK_FALSE(c.arrays[1].sync_interval_ms);
	u[0] = 1;
	CHECK(c.find(u) == nullptr);
	CHECK(array_line(*a) == "ARRAY db uuid=0a000000-0000-0000-0000-"
				"00000000000b sync_interval_ms=250 "
				"sweep_max_kbps=4096");
	CHECK(parse_config(array_line(c.arrays[1]), "c").arrays[0].no_dax);
}

TEST_CASE("config: mistakes name the line")
{
	const std::string u = " uuid=0a000000-0000-0000-0000-00000000000b";

	CHECK(error_of("DEVICE /dev/pmem0\n") ==
	      "c:1: unknown keyword 'DEVICE' (expected ARRAY)");
	CHECK(error_of("ARRAY\n") == "c:1: ARRAY needs a name first");
	CHECK(error_of("ARRAY db\n") == "c:1: ARRAY db has no uuid=");
	CHECK(error_of("ARRAY db uuid=xyz\n") == "c:1: bad uuid 'xyz'");
	CHECK(error_of("ARRAY db" + u + " sync_interval_ms=9999999\n") ==
	      "c:1: bad sync_interval_ms '9999999' (0 to 3600000)");
	CHECK(error_of("ARRAY db" + u + " sweep_max_kbps=fast\n") ==
	      "c:1: bad sweep_max_kbps 'fast' (0 to 100000000)");
	CHECK(error_of("ARRAY db" + u + " fast\n") ==
	      "c:1: unknown setting 'fast'");
	CHECK(error_of("ARRAY a" + u + "\nARRAY b" + u + "\n") ==
	      "c:2: set 0a000000-0000-0000-0000-00000000000b is configured "
	      "on line 1 too");
	CHECK(error_of("ARRAY a" + u + "\n#\nARRAY a uuid=" +
		       "0c000000-0000-0000-0000-00000000000d\n") ==
	      "c:3: name a is used on line 1 too");
}
