// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the superblock rules of dm-daxmirror, the module's own
 * code (include/daxmirror_validate.c).  Input: flags (1 byte; bit 0:
 * recompute the checksum after mutation, so the semantic checks get
 * explored), leg index (1 byte), device size in sectors (8 bytes LE),
 * then the 4 KiB superblock (zero padded).  An accepted superblock must
 * describe metadata that lies inside the device, in order, without
 * overlap, with room for the bitmap and remap table it implies, and
 * survive a decode/encode round trip: any violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daxmirror_validate.h"

#define HDR 10

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "invariant violated: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
	abort(); } } while (0)

static void check_accepted(const struct dxm_superblock *sb,
			   const struct dxm_sb_info *s, uint64_t dev,
			   const struct dxm_geometry *g)
{
	struct dxm_superblock again;
	uint64_t nr_regions;

	/* the superblock is where the kernel reads it */
	CHECK(g->sb_offset == DXM_ROUND_DOWN(dev, DXM_PAGE_SECTORS) - DXM_PAGE_SECTORS);
	CHECK(g->sb_offset + DXM_PAGE_SECTORS <= dev);
	/* layout order, no overlap */
	CHECK(g->bitmap_offset + g->bitmap_sectors == g->sb_offset);
	CHECK(g->remap_offset + 2 * g->remap_sectors == g->bitmap_offset);
	CHECK(g->spare_offset + (uint64_t)s->spare_pages * DXM_PAGE_SECTORS == g->remap_offset);
	CHECK(g->spare_offset < g->remap_offset || s->spare_pages == 0);
	CHECK(g->remap_offset < g->bitmap_offset);
	/* the data area */
	CHECK(s->data_sectors > 0 && s->data_sectors % DXM_DATA_ALIGN_SECTORS == 0);
	CHECK(s->data_sectors <= g->data_sectors && g->data_sectors <= g->spare_offset);
	CHECK(s->data_offset == 0);
	/* room for what the geometry implies */
	nr_regions = DXM_DIV_ROUND_UP(s->data_sectors, s->region_sectors);
	CHECK(g->bitmap_sectors * 512 * 8 >= nr_regions);
	CHECK(g->remap_sectors * 512 >= DXM_REMAP_HEADER_SIZE + (uint64_t)s->spare_pages * 8);
	CHECK(g->remap_sectors * 512 == dxm_remap_copy_bytes(s->spare_pages));
	CHECK(g->remap_sectors % DXM_PAGE_SECTORS == 0);
	CHECK(g->bitmap_sectors % DXM_PAGE_SECTORS == 0);
	/* values the kernel then relies on */
	CHECK(s->region_sectors >= DXM_MIN_REGION_SECTORS &&
	      s->region_sectors <= DXM_MAX_REGION_SECTORS);
	CHECK((s->region_sectors & (s->region_sectors - 1)) == 0);
	CHECK(s->spare_pages <= DXM_MAX_SPARE_PAGES);
	CHECK(s->rebuild_offset <= s->data_sectors);
	CHECK(s->leg_state[0] <= DXM_LEG_STATE_MAX);
	CHECK(s->leg_state[1] <= DXM_LEG_STATE_MAX);
	CHECK(s->csum == dxm_sb_csum(sb));
	/* the encoder writes back the same block */
	dxm_sb_encode(s, &again);
	CHECK(!memcmp(&again, sb, sizeof(again)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dxm_superblock sb;
	struct dxm_sb_info s;
	struct dxm_geometry g;
	uint64_t dev = 0;
	enum dxm_reason why, why2;
	uint8_t flags;
	int leg, i;

	if (size < HDR)
		return 0;
	flags = data[0];
	leg = data[1] & 1;
	for (i = 7; i >= 0; i--)
		dev = dev << 8 | data[2 + i];
	/* a block device holds at most 2^63 bytes */
	dev &= (1ULL << 54) - 1;
	memset(&sb, 0, sizeof(sb));
	memcpy(&sb, data + HDR, size - HDR < sizeof(sb) ? size - HDR : sizeof(sb));
	if (flags & 1)
		dxm_sb_seal(&sb);
	why = dxm_sb_check(&sb, dev, leg, &s, &g);
	CHECK(why < DXM_R_NR_REASONS);
	CHECK(why == DXM_R_OK || dxm_reason_text(why)[0]);
	/* deterministic, and a pure function of the block */
	why2 = dxm_sb_check(&sb, dev, leg, NULL, NULL);
	CHECK(why == why2);
	/* the kernel refuses a small leg (0 would be "size not known") */
	if (dev < 2 * DXM_DATA_ALIGN_SECTORS) {
		if (dev)
			CHECK(why == DXM_R_SB_TOO_SMALL);
		return 0;
	}
	if (why == DXM_R_SB_BLANK)
		CHECK(dxm_sb_blank(&sb));
	if (why)
		return 0;
	check_accepted(&sb, &s, dev, &g);
	/* the same block at the other leg position is refused, for that */
	CHECK(dxm_sb_check(&sb, dev, !leg, NULL, NULL) == DXM_R_SB_OTHER_LEG);
	/* and accepted where the position is not known */
	CHECK(dxm_sb_check(&sb, dev, -1, NULL, NULL) == DXM_R_OK);
	return 0;
}
