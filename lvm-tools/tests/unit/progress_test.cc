// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include "progress.h"

using namespace dxm;

TEST_CASE("progress formatting")
{
	CHECK(format_duration(5) == "5s");
	CHECK(format_duration(123) == "2:03");
	CHECK(format_duration(3723) == "1:02:03");
	std::string l = progress_line("rebuild", 50, 100, 2048, 10.0, 80);
	CHECK(l.find("50.0%") != std::string::npos);
	CHECK(l.find("1 MiB/s") != std::string::npos);
	CHECK(l.find("ETA 10s") != std::string::npos);
	CHECK(l.size() <= 80);
	/* the bar shrinks to the width; rate and ETA stay whole */
	l = progress_line("rebuild", 123456, 1048576, 1e6, 3723.0, 79);
	CHECK(l.size() <= 79);
	CHECK(l.find("[#") != std::string::npos);
	CHECK(l.find("/s  ETA 1:02:03") != std::string::npos);
	RateMeter m;
	m.sample(0, 0);
	m.sample(1, 100);
	CHECK(m.rate() == doctest::Approx(100));
	CHECK(*m.eta(100, 300) == doctest::Approx(2));
}
