// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the remap table rules and the A/B copy choice of
 * dm-daxmirror, the module's own code (include/daxmirror_validate.c).
 * Input: flags (1 byte; bit 0/1: recompute the checksum of copy A/B after
 * mutation), spare pages (2 bytes LE, taken modulo 4097), data sectors
 * (8 bytes LE), then copy A and copy B (the rest split in two halves,
 * each zero padded to the size the geometry gives one copy).  An accepted
 * table must name the valid copy with the highest sequence number, hold
 * only entries inside the data area (or free/retired) and no data page
 * twice.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daxmirror_validate.h"

#define HDR 11

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "invariant violated: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
	abort(); } } while (0)

static void fix_csum(uint8_t *copy, uint32_t nr)
{
	uint32_t c = dxm_remap_csum(copy, nr);
	int i;

	for (i = 0; i < 4; i++)
		copy[offsetof(struct dxm_remap_header, csum) + i] = (uint8_t)(c >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dxm_remap_verdict v;
	enum dxm_reason why;
	uint8_t *c[2];
	uint32_t spare, i, j, n;
	uint64_t dsec = 0, pages, p;
	__u64 *scratch;
	size_t bytes, half, k;
	int b;

	if (size < HDR)
		return 0;
	spare = (data[1] | (uint32_t)data[2] << 8) % 4097;
	for (b = 7; b >= 0; b--)
		dsec = dsec << 8 | data[3 + b];
	dsec &= (1ULL << 50) - 1;
	/* one copy, as dxm_compute_geometry sizes it */
	bytes = dxm_remap_copy_bytes(spare);
	c[0] = calloc(1, bytes);
	c[1] = calloc(1, bytes);
	scratch = calloc(spare + 1, sizeof(*scratch));
	if (!c[0] || !c[1] || !scratch)
		abort();
	half = (size - HDR) / 2;
	for (k = 0; k < 2; k++) {
		memcpy(c[k], data + HDR + k * half, half < bytes ? half : bytes);
		if (data[0] & (1 << k))
			fix_csum(c[k], spare);
	}
	why = dxm_remap_check(c[0], c[1], bytes, spare, dsec, scratch, &v);
	CHECK(why == DXM_R_OK || why == DXM_R_REMAP_CORRUPT ||
	      why == DXM_R_REMAP_TWICE);
	for (k = 0; k < 2; k++)
		CHECK(v.why[k] == dxm_remap_check_copy(c[k], spare, dsec));
	/* refused as corrupted exactly when no copy is valid (and not both zero) */
	if (why == DXM_R_REMAP_CORRUPT)
		CHECK(v.why[0] && v.why[1] && v.copy < 0);
	if (!v.why[0] || !v.why[1])
		CHECK(v.copy >= 0 && why != DXM_R_REMAP_CORRUPT);
	if (!why && v.copy >= 0) {
		int o = !v.copy;

		pages = dsec / DXM_PAGE_SECTORS;
		CHECK(v.why[v.copy] == DXM_R_OK);
		CHECK(v.seq == dxm_remap_seq(c[v.copy]));
		if (!v.why[o])
			CHECK(v.seq >= dxm_remap_seq(c[o]));
		for (i = 0, n = 0; i < spare; i++) {
			p = dxm_remap_entry(c[v.copy], i);
			if (p == DXM_NO_PAGE || p == DXM_RETIRED_PAGE)
				continue;
			CHECK(p < pages);
			n++;
			/* quadratic, independent of the implementation's sort */
			if (spare <= 512)
				for (j = i + 1; j < spare; j++)
					CHECK(dxm_remap_entry(c[v.copy], j) != p);
		}
		CHECK(n == v.nr_remapped && n <= spare);
	}
	if (!why && v.copy < 0) {
		/* only an all-zero pair is an empty table */
		for (k = 0; k < bytes; k++)
			CHECK(!c[0][k] && !c[1][k]);
	}
	free(scratch);
	free(c[0]);
	free(c[1]);
	return 0;
}
