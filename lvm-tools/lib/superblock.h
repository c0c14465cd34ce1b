// SPDX-License-Identifier: GPL-2.0
/*
 * The on-disk superblock of include/daxmirror_format.h (one 4 KiB block
 * in the last 4 KiB-aligned block of each leg) as a C++ value.  Encoding,
 * decoding and every check are the kernel target's own code
 * (include/daxmirror_validate.c), so that the tool never trusts what the
 * kernel refuses and names the same first broken rule.
 */
#ifndef DAXMIRROR_SUPERBLOCK_H
#define DAXMIRROR_SUPERBLOCK_H

#include <array>
#include <cstdint>
#include <string>

#include "daxmirror_format.h"
#include "daxmirror_validate.h"

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
	/* version 2: how the set last ran (empty and zero in version 1) */
	std::string name;		/* its device-mapper name */
	uint32_t sync_interval_ms = 0;
	uint32_t sweep_max_kbps = 0;	/* with DXM_SB_O_SWEEP_KBPS */
	uint32_t options = 0;		/* DXM_SB_O_* */
	/* per leg: events of its last update in sync before it dropped
	 * out (0: none; a re-add needs this record) */
	std::array<uint64_t, 2> readd_events{};

	/* Does the superblock say how the set ran (version 2 and up)? */
	bool records_settings() const { return version >= 2; }
};

enum class SbKind {
	Blank,		/* all zero: a leg the kernel would format */
	Valid,		/* every rule holds */
	Foreign,	/* not zero and no daxmirror magic */
	Corrupt,	/* daxmirror magic but a rule is broken */
};

struct SbDecode {
	SbKind kind = SbKind::Blank;
	enum dxm_reason reason = DXM_R_SB_BLANK; /* the first broken rule */
	Superblock sb;		/* filled for Valid and Corrupt */
	std::string problem;	/* its text; "" for Valid and a plain Blank */
};

/* Sector of the superblock on a leg of that many sectors. */
uint64_t superblock_sector(uint64_t leg_sectors);

/* Serialises with the checksum computed; sb.csum is ignored. */
SuperblockBlock encode_superblock(const Superblock &sb);

/*
 * The kernel's verdict on a block read from a device of device_sectors
 * sectors (0: not known; the rules that need it are skipped) offered at
 * position expected_leg (0 or 1, or -1 for either): dxm_sb_check().
 * A device too small to be a leg keeps its kind (Blank, Foreign) with
 * that problem.
 */
SbDecode check_superblock(const SuperblockBlock &block,
			  uint64_t device_sectors, int expected_leg);

/* check_superblock() without a device: the block's own rules only. */
SbDecode decode_superblock(const SuperblockBlock &block);

/* A fresh superblock with the geometry computed for the leg; throws. */
Superblock make_superblock(const Uuid &uuid, uint32_t leg_index,
			   uint64_t leg_sectors, uint64_t data_sectors,
			   uint32_t region_sectors, uint32_t spare_pages);

/*
 * Whether leg LEG with superblock MINE comes back into its set by a copy
 * of the regions the bitmap marks (a re-add) rather than a full rebuild,
 * FRESH being the superblock of the leg that stayed: the kernel's rule,
 * dxm_readd_ok().
 */
bool readd_possible(const Superblock &fresh, const Superblock &mine,
		    uint32_t leg);

std::string format_uuid(const Uuid &u);
bool parse_uuid(const std::string &s, Uuid *out);

/* "ok", "stale", "failed", or "unknown(N)" */
std::string leg_state_name(uint32_t state);

} // namespace dxm

#endif
