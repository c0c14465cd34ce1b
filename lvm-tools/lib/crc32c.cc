// SPDX-License-Identifier: GPL-2.0
#include "crc32c.h"

#include <array>

namespace dxm {

namespace {

constexpr uint32_t POLY = 0x82F63B78U;	/* reflected Castagnoli */

/* 8 tables for slicing-by-8: table[k][b] = CRC of byte b then k zeros */
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables make_tables()
{
	Tables t{};

	for (uint32_t b = 0; b < 256; b++) {
		uint32_t c = b;

		for (int i = 0; i < 8; i++)
			c = (c >> 1) ^ ((c & 1) ? POLY : 0);
		t[0][b] = c;
	}
	for (uint32_t b = 0; b < 256; b++)
		for (int k = 1; k < 8; k++)
			t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
	return t;
}

constexpr Tables tables = make_tables();

} // namespace

uint32_t crc32c_update(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = static_cast<const unsigned char *>(buf);

	while (len >= 8) {
		uint32_t lo = crc ^ (uint32_t(p[0]) | uint32_t(p[1]) << 8 |
				     uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24);

		crc = tables[7][lo & 0xff] ^ tables[6][(lo >> 8) & 0xff] ^
		      tables[5][(lo >> 16) & 0xff] ^ tables[4][lo >> 24] ^
		      tables[3][p[4]] ^ tables[2][p[5]] ^ tables[1][p[6]] ^
		      tables[0][p[7]];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ tables[0][(crc ^ *p++) & 0xff];
	return crc;
}

} // namespace dxm
