// SPDX-License-Identifier: GPL-2.0
/*
 * Codec for the on-disk superblock of include/daxmirror_format.h: one
 * 4 KiB block in the last 4 KiB-aligned block of each leg, little endian,
 * protected by CRC-32C.  decode_superblock() checks the block on its own
 * (magic, checksum, version, reserved area); validate_superblock() checks
 * it against the device it was read from, with the same rules as the
 * kernel target, so that the tool never trusts what the kernel refuses.
 */
#ifndef DAXMIRROR_SUPERBLOCK_H
#define DAXMIRROR_SUPERBLOCK_H

#include <array>
#include <cstdint>
#include <string>

#include "daxmirror_format.h"

namespace dxm {

using Uuid = std::array<uint8_t, 16>;
using SuperblockBlock = std::array<uint8_t, DXM_SB_SIZE>;

/* The superblock in host byte order. */
struct Superblock {
	uint64_t magic = DXM_MAGIC;
	uint32_t csum = 0;		/* as read; recomputed by encode */
	uint32_t version = DXM_VERSION;
	Uuid set_uuid{};
	uint32_t leg_index = 0;
	uint32_t flags = 0;
	uint64_t events = 0;
	uint64_t ctime = 0;
	uint64_t leg_sectors = 0;
	uint64_t data_offset = 0;
	uint64_t data_sectors = 0;
	uint32_t region_sectors = 0;
	uint32_t spare_pages = 0;
	uint64_t spare_offset = 0;
	uint64_t remap_offset = 0;
	uint64_t remap_sectors = 0;
	uint64_t bitmap_offset = 0;
	uint64_t bitmap_sectors = 0;
	uint64_t sb_offset = 0;
	std::array<uint32_t, 2> leg_state{};
	uint64_t rebuild_offset = 0;
};

enum class SbKind {
	Blank,		/* all zero: a leg the kernel would format */
	Valid,		/* magic, checksum, version and reserved area good */
	Foreign,	/* not zero and no daxmirror magic */
	Corrupt,	/* daxmirror magic but something is wrong */
};

struct SbDecode {
	SbKind kind = SbKind::Blank;
	Superblock sb;		/* filled for Valid and Corrupt */
	std::string problem;	/* why Foreign or Corrupt */
};

/* Sector of the superblock on a leg of that many sectors. */
uint64_t superblock_sector(uint64_t leg_sectors);

/* Serialises with the checksum computed; sb.csum is ignored. */
SuperblockBlock encode_superblock(const Superblock &sb);

SbDecode decode_superblock(const uint8_t *block, size_t len);

/*
 * "" when the superblock fits a leg of device_sectors sectors at position
 * expected_leg (0 or 1, or -1 for either), else the reason.
 */
std::string validate_superblock(const Superblock &sb, uint64_t device_sectors,
				int expected_leg);

/* A fresh superblock with the geometry computed for the leg; throws. */
Superblock make_superblock(const Uuid &uuid, uint32_t leg_index,
			   uint64_t leg_sectors, uint64_t data_sectors,
			   uint32_t region_sectors, uint32_t spare_pages);

std::string format_uuid(const Uuid &u);
bool parse_uuid(const std::string &s, Uuid *out);

/* "ok", "stale", "failed", or "unknown(N)" */
std::string leg_state_name(uint32_t state);

} // namespace dxm

#endif
