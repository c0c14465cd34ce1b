// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "crc32c.h"
#include "legmeta.h"

using namespace dxm;

namespace {

void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A remap copy as the kernel writes it: header, entries, checksum. */
std::vector<uint8_t> remap_copy(size_t bytes, uint64_t seq,
				const std::vector<uint64_t> &entries)
{
	std::vector<uint8_t> c(bytes, 0);
	std::vector<__u64> e(entries.begin(), entries.end());

	dxm_remap_encode(c.data(), bytes, seq, e.data(), (uint32_t)e.size());
	return c;
}

/* The same bytes written by hand: the encoder follows the format. */
std::vector<uint8_t> remap_copy_by_hand(size_t bytes, uint64_t seq,
					const std::vector<uint64_t> &entries)
{
	std::vector<uint8_t> c(bytes, 0);
	uint32_t crc;

	put64(c.data(), DXM_REMAP_MAGIC);
	uint32_t n = (uint32_t)entries.size();
	std::memcpy(c.data() + 12, &n, 4);	/* little-endian host */
	put64(c.data() + 16, seq);
	for (size_t i = 0; i < entries.size(); i++)
		put64(c.data() + DXM_REMAP_HEADER_SIZE + 8 * i, entries[i]);
	crc = ~crc32c_update(~0U, c.data(),
			     DXM_REMAP_HEADER_SIZE + 8 * entries.size());
	std::memcpy(c.data() + 8, &crc, 4);
	return c;
}

} // namespace

TEST_CASE("remap: the encoder writes the format")
{
	std::vector<uint64_t> e = { 12, DXM_NO_PAGE, DXM_RETIRED_PAGE, 40 };

	CHECK(remap_copy(4096, 7, e) == remap_copy_by_hand(4096, 7, e));
}

TEST_CASE("remap: the valid copy with the higher sequence number is used")
{
	const uint64_t data = 4096 * 8;		/* 4096 pages */
	auto a = remap_copy(4096, 7, { 12, DXM_NO_PAGE, DXM_RETIRED_PAGE, 40 });
	auto b = remap_copy(4096, 8, { 12, 99, DXM_RETIRED_PAGE, 40 });
	RemapSummary s = decode_remap(a.data(), b.data(), 4096, 4, data);

	CHECK(s.problem == "");
	CHECK(s.copy == 1);
	CHECK(s.seq == 8);
	CHECK(s.remapped == 3);
	CHECK(s.retired == 1);
	CHECK(s.free == 0);
	REQUIRE(s.pages.size() == 3);
	CHECK(s.pages[1] == std::make_pair(1u, (uint64_t)99));

	b[DXM_REMAP_HEADER_SIZE + 8] ^= 1;	/* torn write of copy B */
	s = decode_remap(a.data(), b.data(), 4096, 4, data);
	CHECK(s.copy == 0);
	CHECK(s.copy_problem[1] == "checksum mismatch");
	CHECK(s.free == 1);
	CHECK(s.problem == "");
}

TEST_CASE("remap: what the kernel refuses is named")
{
	const uint64_t data = 64 * 8;
	std::vector<uint8_t> zero(4096, 0);
	auto beyond = remap_copy(4096, 1, { 64, DXM_NO_PAGE });
	auto twice = remap_copy(4096, 1, { 5, 5 });

	RemapSummary s = decode_remap(zero.data(), zero.data(), 4096, 2, data);
	CHECK(s.problem == "");
	CHECK(s.copy == -1);
	CHECK(s.free == 2);

	s = decode_remap(beyond.data(), zero.data(), 4096, 2, data);
	CHECK(s.copy_problem[0] == "entry points beyond the data area");
	CHECK(s.copy_reason[0] == DXM_R_REMAP_RANGE);
	CHECK(s.copy_problem[1] == "not written yet");
	CHECK(s.copy_reason[1] == DXM_R_REMAP_MAGIC);
	CHECK(s.problem == "Leg remap table is corrupted");
	CHECK(s.reason == DXM_R_REMAP_CORRUPT);

	s = decode_remap(twice.data(), zero.data(), 4096, 2, data);
	CHECK(s.problem == "Leg remap table maps a page twice");
	CHECK(s.reason == DXM_R_REMAP_TWICE);

	beyond[0] ^= 1;
	s = decode_remap(zero.data(), beyond.data(), 4096, 2, data);
	CHECK(s.copy_problem[1] == "bad magic");

	s = decode_remap(twice.data(), zero.data(), 4096, 3, data);
	CHECK(s.copy_problem[0] == "entry count does not match the spare pool");

	CHECK_THROWS_AS(decode_remap(twice.data(), zero.data(), 64, 2, data),
			std::invalid_argument);
}

TEST_CASE("bitmap: marks are counted up to the last region only")
{
	std::vector<uint8_t> bits(16, 0);

	bits[0] = 0x80;		/* region 7 */
	bits[1] = 0x01;		/* region 8 */
	bits[15] = 0xff;	/* past the last region: not counted */
	BitmapSummary s = summarize_bitmap(bits.data(), bits.size(), 100);
	CHECK(s.regions == 100);
	CHECK(s.marked == 2);
	REQUIRE(s.first_marked);
	CHECK(*s.first_marked == 7);

	s = summarize_bitmap(bits.data(), bits.size(), 7);
	CHECK(s.marked == 0);
	CHECK(!s.first_marked);
}

TEST_CASE("udev export: the leg's identity, nothing for other devices")
{
	LegMeta m;

	m.kind = SbKind::Blank;
	CHECK(render_export(m) == "");
	m.kind = SbKind::Foreign;
	CHECK(render_export(m) == "");
	m.kind = SbKind::Valid;
	m.sb.set_uuid[0] = 0xab;
	m.sb.leg_index = 1;
	m.sb.events = 42;
	CHECK(render_export(m) ==
	      "DAXMIRROR_LEG=1\nDAXMIRROR_SUPERBLOCK=valid\n"
	      "DAXMIRROR_SET_UUID=ab000000-0000-0000-0000-000000000000\n"
	      "DAXMIRROR_LEG_INDEX=1\nDAXMIRROR_EVENTS=42\n");
	m.problem = "superblock checksum mismatch";
	CHECK(render_export(m).find("DAXMIRROR_SUPERBLOCK=corrupt\n") !=
	      std::string::npos);
}
