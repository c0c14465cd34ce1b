// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the superblock checks of dm-daxmirror (userspace twin
 * in dxm_validate.c).  Input: flags (1 byte; bit 0: recompute the
 * checksum after mutation, so the semantic checks get explored), leg
 * index (1 byte), device size in sectors (8 bytes LE), then the 4 KiB
 * superblock (zero padded).  An accepted superblock must describe
 * metadata that lies inside the device, in order, without overlap, with
 * room for the bitmap and remap table it implies: any violation aborts.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dxm_validate.h"

#define HDR 10

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "invariant violated: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
	abort(); } } while (0)

static void check_accepted(const struct dxm_superblock *sb, uint64_t dev,
			   const struct dxm_geometry *g)
{
	uint64_t data = le64toh(sb->data_sectors);
	uint32_t region = le32toh(sb->region_sectors);
	uint32_t spare = le32toh(sb->spare_pages);
	uint64_t nr_regions;

	/* the superblock is where the kernel reads it */
	CHECK(g->sb_offset == DXM_ROUND_DOWN(dev, DXM_PAGE_SECTORS) - DXM_PAGE_SECTORS);
	CHECK(g->sb_offset + DXM_PAGE_SECTORS <= dev);
	/* layout order, no overlap */
	CHECK(g->bitmap_offset + g->bitmap_sectors == g->sb_offset);
	CHECK(g->remap_offset + 2 * g->remap_sectors == g->bitmap_offset);
	CHECK(g->spare_offset + (uint64_t)spare * DXM_PAGE_SECTORS == g->remap_offset);
	CHECK(g->spare_offset < g->remap_offset || spare == 0);
	CHECK(g->remap_offset < g->bitmap_offset);
	/* the data area */
	CHECK(data > 0 && data % DXM_DATA_ALIGN_SECTORS == 0);
	CHECK(data <= g->data_sectors && g->data_sectors <= g->spare_offset);
	CHECK(le64toh(sb->data_offset) == 0);
	/* room for what the geometry implies */
	nr_regions = DXM_DIV_ROUND_UP(data, region);
	CHECK(g->bitmap_sectors * 512 * 8 >= nr_regions);
	CHECK(g->remap_sectors * 512 >= DXM_REMAP_HEADER_SIZE + (uint64_t)spare * 8);
	CHECK(g->remap_sectors % DXM_PAGE_SECTORS == 0);
	CHECK(g->bitmap_sectors % DXM_PAGE_SECTORS == 0);
	/* values the kernel then relies on */
	CHECK(region >= DXM_MIN_REGION_SECTORS && region <= DXM_MAX_REGION_SECTORS);
	CHECK((region & (region - 1)) == 0);
	CHECK(spare <= DXM_MAX_SPARE_PAGES);
	CHECK(le64toh(sb->rebuild_offset) <= data);
	CHECK(le32toh(sb->leg_state[0]) <= DXM_LEG_STATE_MAX);
	CHECK(le32toh(sb->leg_state[1]) <= DXM_LEG_STATE_MAX);
	CHECK(le32toh(sb->csum) == dxm_sb_csum(sb));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dxm_superblock sb;
	struct dxm_geometry g;
	uint64_t dev = 0;
	uint32_t leg;
	uint8_t flags;
	const char *why, *why2;

	if (size < HDR)
		return 0;
	flags = data[0];
	leg = data[1] & 1;
	memcpy(&dev, data + 2, 8);
	/* a block device holds at most 2^63 bytes */
	dev = le64toh(dev) & ((1ULL << 54) - 1);
	memset(&sb, 0, sizeof(sb));
	memcpy(&sb, data + HDR, size - HDR < sizeof(sb) ? size - HDR : sizeof(sb));
	if (flags & 1)
		sb.csum = htole32(dxm_sb_csum(&sb));
	/* the kernel refuses legs under 4 MiB before reading anything */
	if (dev < 2 * DXM_DATA_ALIGN_SECTORS)
		return 0;
	if (dxm_sb_blank(&sb))
		return 0;
	why = dxm_check_sb(&sb, leg, dev, &g);
	/* deterministic, and a pure function of the block */
	why2 = dxm_check_sb(&sb, leg, dev, &g);
	CHECK(why == why2);
	if (!why)
		check_accepted(&sb, dev, &g);
	/* the same block at the other leg position is refused */
	if (!why)
		CHECK(dxm_check_sb(&sb, !leg, dev, &g) != NULL);
	return 0;
}
