// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the remap table checks and the A/B copy choice of
 * dm-daxmirror (userspace twin in dxm_validate.c).  Input: flags (1 byte;
 * bit 0/1: recompute the checksum of copy A/B after mutation), spare
 * pages (2 bytes LE, taken modulo 4097), data sectors (8 bytes LE), then
 * copy A and copy B (the rest split in two halves, each zero padded to
 * the size the geometry gives one copy).  An accepted table must name the
 * valid copy with the highest sequence number, hold only entries inside
 * the data area (or free/retired) and no data page twice.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dxm_validate.h"

#define HDR 11

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "invariant violated: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
	abort(); } } while (0)

static uint64_t entry(const uint8_t *copy, uint32_t i)
{
	uint64_t p;

	memcpy(&p, copy + DXM_REMAP_HEADER_SIZE + (size_t)i * 8, 8);
	return le64toh(p);
}

static void fix_csum(uint8_t *copy, uint32_t nr)
{
	struct dxm_remap_header *h = (struct dxm_remap_header *)copy;

	h->csum = htole32(dxm_remap_csum(copy, nr));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dxm_remap_result res;
	uint8_t *c[2];
	uint16_t sp;
	uint32_t spare, i, j, n;
	uint64_t dsec, pages, p;
	size_t bytes, half, k;
	const char *why;

	if (size < HDR)
		return 0;
	memcpy(&sp, data + 1, 2);
	spare = le16toh(sp) % 4097;
	memcpy(&dsec, data + 3, 8);
	dsec = le64toh(dsec) & ((1ULL << 50) - 1);
	/* one copy, as dxm_compute_geometry sizes it */
	bytes = DXM_ROUND_UP(DXM_REMAP_HEADER_SIZE + (uint64_t)spare * 8, DXM_BLOCK_SIZE);
	c[0] = calloc(1, bytes);
	c[1] = calloc(1, bytes);
	if (!c[0] || !c[1])
		abort();
	half = (size - HDR) / 2;
	for (k = 0; k < 2; k++) {
		memcpy(c[k], data + HDR + k * half, half < bytes ? half : bytes);
		if (data[0] & (1 << k))
			fix_csum(c[k], spare);
	}
	why = dxm_remap_load(c[0], c[1], bytes, spare, dsec, &res);
	if (!why && res.copy >= 0) {
		int o = !res.copy;

		pages = dsec >> 3;
		CHECK(res.why[res.copy] == NULL);
		CHECK(dxm_remap_check(c[res.copy], spare, dsec) == NULL);
		if (!res.why[o])
			CHECK(res.seq >= le64toh(((struct dxm_remap_header *)c[o])->seq));
		for (i = 0, n = 0; i < spare; i++) {
			p = entry(c[res.copy], i);
			if (p == DXM_NO_PAGE || p == DXM_RETIRED_PAGE)
				continue;
			CHECK(p < pages);
			n++;
			/* quadratic, independent of the implementation's sort */
			if (spare <= 512)
				for (j = i + 1; j < spare; j++)
					CHECK(entry(c[res.copy], j) != p);
		}
		CHECK(n == res.nr_remapped && n <= spare);
	}
	if (!why && res.copy < 0) {
		/* only an all-zero pair is an empty table */
		for (k = 0; k < bytes; k++)
			CHECK(!c[0][k] && !c[1][k]);
	}
	free(c[0]);
	free(c[1]);
	return 0;
}
