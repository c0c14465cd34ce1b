// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <cstring>
#include <random>

#include "crc32c.h"
#include "superblock.h"

using namespace dxm;

namespace {

constexpr uint64_t LEG = 256ULL << 11;	/* 256 MiB in sectors */

Superblock sample(uint32_t leg)
{
	Uuid u;

	for (size_t i = 0; i < u.size(); i++)
		u[i] = (uint8_t)(0x10 + i);
	struct dxm_geometry g;
	REQUIRE(dxm_compute_geometry(LEG, 128, 256, &g) == 0);
	return make_superblock(u, leg, LEG, g.data_sectors, 128, 256);
}

} // namespace

TEST_CASE("superblock position is the last 4 KiB-aligned block")
{
	CHECK(superblock_sector(LEG) == LEG - 8);
	CHECK(superblock_sector(LEG + 5) == LEG - 8);
}

TEST_CASE("superblock encode/decode round trip")
{
	Superblock sb = sample(1);
	sb.events = 77;
	sb.leg_state = { DXM_LEG_OK, DXM_LEG_STALE };
	auto block = encode_superblock(sb);
	SbDecode d = decode_superblock(block.data(), block.size());

	REQUIRE(d.kind == SbKind::Valid);
	CHECK(d.sb.leg_index == 1);
	CHECK(d.sb.events == 77);
	CHECK(d.sb.set_uuid == sb.set_uuid);
	CHECK(d.sb.data_sectors == sb.data_sectors);
	CHECK(d.sb.leg_state[1] == DXM_LEG_STALE);
	CHECK(validate_superblock(d.sb, LEG, 1) == "");
	CHECK(validate_superblock(d.sb, LEG, 0) != "");
	CHECK(validate_superblock(d.sb, LEG * 2, -1) != "");
}

TEST_CASE("superblock checksum is the kernel's crc32c with csum zeroed")
{
	auto block = encode_superblock(sample(0));
	uint32_t stored;

	memcpy(&stored, block.data() + 8, 4);
	memset(block.data() + 8, 0, 4);
	CHECK(stored == crc32c(block.data(), block.size()));
	CHECK(~crc32c_update(~0U, block.data(), block.size()) == stored);
}

TEST_CASE("blank and foreign blocks")
{
	SuperblockBlock zero{};
	CHECK(decode_superblock(zero.data(), zero.size()).kind == SbKind::Blank);
	zero[100] = 1;
	CHECK(decode_superblock(zero.data(), zero.size()).kind ==
	      SbKind::Foreign);
	CHECK(decode_superblock(zero.data(), 100).kind == SbKind::Corrupt);
}

TEST_CASE("random byte flips are refused")
{
	auto good = encode_superblock(sample(0));
	std::mt19937 rng(1234);

	for (int i = 0; i < 2000; i++) {
		auto b = good;
		size_t pos = rng() % b.size();
		uint8_t x = (uint8_t)(1 + rng() % 255);

		b[pos] ^= x;
		SbDecode d = decode_superblock(b.data(), b.size());
		CAPTURE(pos);
		CHECK(d.kind != SbKind::Valid);
		CHECK(d.kind != SbKind::Blank);
	}
}

TEST_CASE("validation catches bad geometry with a good checksum")
{
	Superblock sb = sample(0);
	sb.region_sectors = 100;
	CHECK(validate_superblock(sb, LEG, 0) != "");
	sb = sample(0);
	sb.data_sectors += DXM_DATA_ALIGN_SECTORS;
	CHECK(validate_superblock(sb, LEG, 0) != "");
	sb = sample(0);
	sb.bitmap_offset += 8;
	CHECK(validate_superblock(sb, LEG, 0) != "");
	sb = sample(0);
	sb.leg_index = 2;
	CHECK(validate_superblock(sb, LEG, -1) != "");
	sb = sample(0);
	sb.version = 2;
	auto b = encode_superblock(sb);
	CHECK(decode_superblock(b.data(), b.size()).kind == SbKind::Corrupt);
}

TEST_CASE("uuid text")
{
	Uuid u = sample(0).set_uuid, back{};
	std::string s = format_uuid(u);
	CHECK(s == "10111213-1415-1617-1819-1a1b1c1d1e1f");
	CHECK(parse_uuid(s, &back));
	CHECK(back == u);
	CHECK_FALSE(parse_uuid("zz", &back));
	CHECK(leg_state_name(DXM_LEG_STALE) == "stale");
}
