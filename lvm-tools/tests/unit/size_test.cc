// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <stdexcept>

#include "size.h"

using namespace dxm;

TEST_CASE("parse_size units")
{
	CHECK(parse_size("0") == 0);
	CHECK(parse_size("512") == 512);
	CHECK(parse_size("4K") == 4096);
	CHECK(parse_size("4KiB") == 4096);
	CHECK(parse_size("1M") == 1048576);
	CHECK(parse_size("2G") == 2ULL << 30);
	CHECK(parse_size("1T") == 1ULL << 40);
	CHECK(parse_size("8s") == 4096);
	CHECK(parse_size("1.5K") == 1536);
}

TEST_CASE("parse_size refuses junk")
{
	for (const char *bad : { "", "K", "-1", "1X", "1.5", "1.0001K", "4 K",
				 "99999999999999999999", "1..5K", "16777216T" })
		CHECK_THROWS_AS(parse_size(bad), std::invalid_argument);
}

TEST_CASE("parse_percent and parse_u64")
{
	CHECK(parse_percent("1%") == 10000);
	CHECK(parse_percent("0.5%") == 5000);
	CHECK(parse_percent("100%") == 1000000);
	CHECK_THROWS_AS(parse_percent("101%"), std::invalid_argument);
	CHECK_THROWS_AS(parse_percent("5"), std::invalid_argument);
	CHECK(parse_u64("42") == 42);
	CHECK_THROWS_AS(parse_u64("42x"), std::invalid_argument);
	CHECK_THROWS_AS(parse_u64(" 42"), std::invalid_argument);
}

TEST_CASE("format_size")
{
	CHECK(format_size(512) == "512 B");
	CHECK(format_size(65536) == "64 KiB");
	CHECK(format_size(3ULL << 29) == "1.50 GiB");
}
