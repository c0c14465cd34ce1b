// SPDX-License-Identifier: GPL-2.0
/*
 * What one leg's metadata says, read without activating anything: its
 * superblock, the remap table (copies A and B, chosen as the kernel
 * chooses: the valid copy with the higher sequence number), and how many
 * regions its write-intent bitmap marks.  For "examine" and "detail".
 */
#ifndef DAXMIRROR_LEGMETA_H
#define DAXMIRROR_LEGMETA_H

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "blockdev.h"
#include "superblock.h"

namespace dxm {

struct RemapSummary {
	int copy = -1;			/* 0 (A), 1 (B); -1: none */
	uint64_t seq = 0;
	/* each copy's first broken rule, and its text ("" when valid) */
	std::array<enum dxm_reason, 2> copy_reason{ DXM_R_OK, DXM_R_OK };
	std::array<std::string, 2> copy_problem;
	uint32_t remapped = 0, retired = 0, free = 0;
	/* (spare slot, data page) of each remapped page, by slot */
	std::vector<std::pair<uint32_t, uint64_t>> pages;
	enum dxm_reason reason = DXM_R_OK; /* why the kernel refuses it */
	std::string problem;		/* "" when the kernel would load it */
};

/*
 * Decodes the two copies (each copy_bytes long, at least the header and
 * spare_pages entries) of a leg with that many spare slots and data
 * sectors, with the kernel's checks (dxm_remap_check()).  Both copies all
 * zero is an empty table (a leg formatted, never remapped).  A copy whose
 * header is all zero is described as "not written yet" (the kernel says
 * "bad magic").
 */
RemapSummary decode_remap(const uint8_t *a, const uint8_t *b,
			  size_t copy_bytes, uint32_t spare_pages,
			  uint64_t data_sectors);

struct BitmapSummary {
	uint64_t regions = 0;
	uint64_t marked = 0;
	std::optional<uint64_t> first_marked;
};

/* Counts the marks of the first `regions` bits (little-endian words). */
BitmapSummary summarize_bitmap(const uint8_t *bits, size_t bytes,
			       uint64_t regions);

struct LegMeta {
	std::string device;
	std::optional<std::string> maj_min;
	uint64_t sectors = 0;
	SbKind kind = SbKind::Blank;
	Superblock sb;
	enum dxm_reason reason = DXM_R_SB_BLANK; /* dxm_sb_check() */
	std::string problem;		/* superblock; "" when valid */
	std::optional<RemapSummary> remap;	/* valid superblocks only */
	std::optional<BitmapSummary> bitmap;
};

/* Reads a leg (or an image file); throws Error when it cannot be read. */
LegMeta read_leg_meta(const BlockDevice &dev);

nlohmann::json to_json(const LegMeta &m);

/*
 * KEY=VALUE lines for udev (IMPORT{program}), like mdadm --examine
 * --export: DAXMIRROR_LEG=1, DAXMIRROR_SUPERBLOCK (valid|corrupt),
 * DAXMIRROR_SET_UUID, DAXMIRROR_LEG_INDEX, DAXMIRROR_EVENTS; nothing for
 * a device that holds no daxmirror superblock.
 */
std::string render_export(const LegMeta &m);
std::string render_text(const LegMeta &m);

} // namespace dxm

#endif
