// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <cstddef>
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
	SbDecode d = decode_superblock(block);

	REQUIRE(d.kind == SbKind::Valid);
	CHECK(d.sb.leg_index == 1);
	CHECK(d.sb.events == 77);
	CHECK(d.sb.set_uuid == sb.set_uuid);
	CHECK(d.sb.data_sectors == sb.data_sectors);
	CHECK(d.sb.leg_state[1] == DXM_LEG_STALE);
	CHECK(check_superblock(block, LEG, 1).reason == DXM_R_OK);
	CHECK(check_superblock(block, LEG, 0).reason == DXM_R_SB_OTHER_LEG);
	CHECK(check_superblock(block, LEG, 0).problem ==
	      "superblock belongs to the other leg position");
	CHECK(check_superblock(block, LEG * 2, -1).reason ==
	      DXM_R_SB_LEG_SIZE);
}

TEST_CASE("version 2 records the name and the settings")
{
	Superblock sb = sample(0);
	sb.name = "pmem-mirror.0";
	sb.sync_interval_ms = 250;
	sb.sweep_max_kbps = 4096;
	sb.options = DXM_SB_O_NO_DAX | DXM_SB_O_SWEEP_KBPS;
	auto block = encode_superblock(sb);
	SbDecode d = decode_superblock(block);

	REQUIRE(d.kind == SbKind::Valid);
	CHECK(d.sb.version == 2);
	CHECK(d.sb.records_settings());
	CHECK(d.sb.name == "pmem-mirror.0");
	CHECK(d.sb.sync_interval_ms == 250);
	CHECK(d.sb.sweep_max_kbps == 4096);
	CHECK(d.sb.options == (DXM_SB_O_NO_DAX | DXM_SB_O_SWEEP_KBPS));
	/* at the byte offsets of the format, NUL-padded */
	CHECK(memcmp(block.data() + offsetof(struct dxm_superblock, name),
		     "pmem-mirror.0\0\0", 15) == 0);
	sb.name = std::string(DXM_NAME_BYTES - 1, 'a');	/* the longest */
	CHECK(decode_superblock(encode_superblock(sb)).sb.name == sb.name);
	sb.version = 1;
	sb.name.clear();
	sb.sync_interval_ms = sb.sweep_max_kbps = sb.options = 0;
	d = decode_superblock(encode_superblock(sb));
	REQUIRE(d.kind == SbKind::Valid);
	CHECK_FALSE(d.sb.records_settings());
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
	CHECK(decode_superblock(zero).kind == SbKind::Blank);
	CHECK(decode_superblock(zero).problem == "");
	/* the kernel refuses a small device before reading it */
	CHECK(check_superblock(zero, 4095, -1).kind == SbKind::Blank);
	CHECK(check_superblock(zero, 4095, -1).reason == DXM_R_SB_TOO_SMALL);
	zero[100] = 1;
	CHECK(decode_superblock(zero).kind == SbKind::Foreign);
	CHECK(decode_superblock(zero).reason == DXM_R_SB_MAGIC);
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
		SbDecode d = decode_superblock(b);
		CAPTURE(pos);
		CHECK(d.kind != SbKind::Valid);
		CHECK(d.kind != SbKind::Blank);
	}
}

TEST_CASE("each broken rule is named, with a good checksum")
{
	auto reason = [](const Superblock &sb, int leg) {
		return check_superblock(encode_superblock(sb), LEG, leg).reason;
	};
	Superblock sb = sample(0);

	sb.region_sectors = 100;
	CHECK(reason(sb, 0) == DXM_R_SB_REGION);
	sb = sample(0);
	sb.data_sectors += DXM_DATA_ALIGN_SECTORS;
	CHECK(reason(sb, 0) == DXM_R_SB_DATA);
	sb = sample(0);
	sb.bitmap_offset += 8;
	CHECK(reason(sb, 0) == DXM_R_SB_OFFSETS);
	sb = sample(0);
	sb.leg_index = 2;
	CHECK(reason(sb, -1) == DXM_R_SB_LEG_INDEX);
	CHECK(reason(sb, 1) == DXM_R_SB_OTHER_LEG);
	sb = sample(0);
	sb.version = DXM_VERSION + 1;
	CHECK(reason(sb, 0) == DXM_R_SB_VERSION);
	CHECK(decode_superblock(encode_superblock(sb)).kind ==
	      SbKind::Corrupt);
	sb.version = 0;
	CHECK(reason(sb, 0) == DXM_R_SB_VERSION);
	sb = sample(0);
	sb.name = std::string(DXM_NAME_BYTES, 'n');	/* no NUL left */
	CHECK(reason(sb, 0) == DXM_R_SB_NAME);
	sb = sample(0);
	sb.sync_interval_ms = DXM_MAX_SYNC_INTERVAL_MS + 1;
	CHECK(reason(sb, 0) == DXM_R_SB_SETTINGS);
	sb = sample(0);
	sb.options = 1U << 9;
	CHECK(reason(sb, 0) == DXM_R_SB_SETTINGS);
	sb = sample(0);
	sb.sweep_max_kbps = 5;		/* without DXM_SB_O_SWEEP_KBPS */
	CHECK(reason(sb, 0) == DXM_R_SB_SETTINGS);
	sb.options = DXM_SB_O_SWEEP_KBPS;
	CHECK(reason(sb, 0) == DXM_R_OK);
	/* version 1 had no name and settings: those bytes were reserved */
	sb = sample(0);
	sb.version = 1;
	CHECK(reason(sb, 0) == DXM_R_OK);
	sb.name = "m0";
	CHECK(reason(sb, 0) == DXM_R_SB_PAD);
	sb.name.clear();
	sb.options = DXM_SB_O_NO_DAX;
	CHECK(reason(sb, 0) == DXM_R_SB_PAD);
	sb = sample(0);
	sb.flags = 2;
	CHECK(reason(sb, 0) == DXM_R_SB_FLAGS);
	sb = sample(0);
	sb.leg_state[1] = 3;
	CHECK(reason(sb, 0) == DXM_R_SB_LEG_STATE);
	sb = sample(0);
	sb.rebuild_offset = sb.data_sectors + 1;
	CHECK(reason(sb, 0) == DXM_R_SB_REBUILD);
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

TEST_CASE("re-add: only a leg that dropped out in sync and was not used since")
{
	Superblock fresh = sample(0), mine = sample(1);

	fresh.events = 12;
	fresh.leg_state = { DXM_LEG_OK, DXM_LEG_FAILED };
	fresh.readd_events = { 0, 10 };
	mine.events = 10;
	mine.leg_state = { DXM_LEG_OK, DXM_LEG_OK };
	CHECK(readd_possible(fresh, mine, 1));
	CHECK_FALSE(readd_possible(fresh, mine, 0));	/* other position */
	mine.events = 9;		/* missed the update it dropped out at */
	CHECK_FALSE(readd_possible(fresh, mine, 1));
	mine.events = 11;		/* ran on its own since */
	CHECK_FALSE(readd_possible(fresh, mine, 1));
	mine.events = 10;
	mine.leg_state[1] = DXM_LEG_STALE;	/* it was being rebuilt */
	CHECK_FALSE(readd_possible(fresh, mine, 1));
	mine.leg_state[1] = DXM_LEG_OK;
	fresh.readd_events[1] = 0;	/* no record: replaced meanwhile */
	CHECK_FALSE(readd_possible(fresh, mine, 1));
	fresh.readd_events[1] = 10;
	mine.set_uuid[0] ^= 1;
	CHECK_FALSE(readd_possible(fresh, mine, 1));
	mine.set_uuid[0] ^= 1;
	fresh.version = mine.version = 1;	/* version 1 has no record */
	CHECK_FALSE(readd_possible(fresh, mine, 1));
	fresh.version = mine.version = 2;
	CHECK(readd_possible(fresh, mine, 1));

	/* a re-add under way when the set stopped: both say so */
	fresh.events = 20;
	fresh.flags = DXM_SB_F_REBUILDING | DXM_SB_F_READD;
	fresh.leg_state[1] = DXM_LEG_STALE;
	mine.flags = fresh.flags;
	mine.leg_state[1] = DXM_LEG_STALE;
	mine.readd_events = fresh.readd_events;
	for (uint64_t e : { 19, 20, 21 }) {
		mine.events = e;
		CHECK(readd_possible(fresh, mine, 1));
	}
	mine.events = 18;
	CHECK_FALSE(readd_possible(fresh, mine, 1));
	mine.events = 20;
	mine.flags = DXM_SB_F_REBUILDING;	/* a full rebuild on its side */
	CHECK_FALSE(readd_possible(fresh, mine, 1));
	mine.flags = fresh.flags;
	mine.readd_events[1] = 9;
	CHECK_FALSE(readd_possible(fresh, mine, 1));
}
