// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <cstring>
#include <vector>

#include "crc32c.h"

using namespace dxm;

TEST_CASE("crc32c check value")
{
	CHECK(crc32c("123456789", 9) == 0xE3069283U);
	CHECK(crc32c("", 0) == 0);
}

TEST_CASE("crc32c chained byte by byte equals one call, over odd lengths")
{
	std::vector<unsigned char> buf(1000);

	for (size_t i = 0; i < buf.size(); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	for (size_t len : { 1, 7, 8, 9, 63, 1000 }) {
		uint32_t a = crc32c_update(~0U, buf.data(), len);
		uint32_t b = ~0U;

		for (size_t i = 0; i < len; i++)
			b = crc32c_update(b, &buf[i], 1);
		CHECK(a == b);
	}
}
