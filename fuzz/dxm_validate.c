// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace twin of dm-daxmirror's metadata validation; see
 * dxm_validate.h.  Mirrors dm-target/metadata.c dxm_check_sb() and
 * dm-target/remap.c dxm_remap_check()/dxm_remap_load() check by check.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include "dxm_validate.h"

/* what the kernel's bitops and string helpers do */
static int is_power_of_2(uint64_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static int all_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78U : c >> 1;
		crc_table[i] = c;
	}
}

/* the kernel's crc32c(seed, p, len): no final inversion */
static uint32_t crc32c_raw(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (!crc_table[1])
		crc_init();
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

uint32_t dxm_crc32c(const void *buf, size_t len)
{
	return ~crc32c_raw(~0U, buf, len);
}

uint32_t dxm_sb_csum(const struct dxm_superblock *sb)
{
	struct dxm_superblock tmp;

	memcpy(&tmp, sb, sizeof(tmp));
	tmp.csum = 0;
	return dxm_crc32c(&tmp, sizeof(tmp));
}

uint32_t dxm_remap_csum(const void *copy, uint32_t nr)
{
	struct dxm_remap_header h;
	uint32_t c;

	memcpy(&h, copy, sizeof(h));
	h.csum = 0;
	c = crc32c_raw(~0U, &h, sizeof(h));
	c = crc32c_raw(c, (const char *)copy + sizeof(h), (size_t)nr * 8);
	return ~c;
}

int dxm_sb_blank(const void *block)
{
	return all_zero(block, DXM_SB_SIZE);
}

const char *dxm_check_sb(const struct dxm_superblock *sb, uint32_t leg_index,
			 uint64_t dev_sectors, struct dxm_geometry *g)
{
	uint64_t leg_sectors = le64toh(sb->leg_sectors);
	uint64_t data = le64toh(sb->data_sectors);
	uint32_t region = le32toh(sb->region_sectors);
	uint32_t spare = le32toh(sb->spare_pages);
	int i;

	if (le64toh(sb->magic) != DXM_MAGIC)
		return "not blank and holds no daxmirror superblock";
	if (le32toh(sb->csum) != dxm_sb_csum(sb))
		return "superblock checksum mismatch";
	if (le32toh(sb->version) != DXM_VERSION)
		return "unsupported superblock version";
	if (le32toh(sb->leg_index) != leg_index)
		return "superblock belongs to the other leg position";
	if (le32toh(sb->flags) & ~DXM_SB_F_ALL)
		return "superblock has unknown flags";
	if (region < DXM_MIN_REGION_SECTORS || region > DXM_MAX_REGION_SECTORS ||
	    !is_power_of_2(region))
		return "superblock region size is invalid";
	if (spare > DXM_MAX_SPARE_PAGES)
		return "superblock spare pool is invalid";
	if (leg_sectors > dev_sectors ||
	    DXM_ROUND_DOWN(leg_sectors, DXM_PAGE_SECTORS) !=
	    DXM_ROUND_DOWN(dev_sectors, DXM_PAGE_SECTORS))
		return "superblock leg size does not match the device";
	if (dxm_compute_geometry(leg_sectors, region, spare, g))
		return "superblock geometry does not fit the device";
	if (le64toh(sb->data_offset) != 0 || !data ||
	    data > g->data_sectors || data % DXM_DATA_ALIGN_SECTORS)
		return "superblock data area is invalid or misaligned";
	if (le64toh(sb->spare_offset) != g->spare_offset ||
	    le64toh(sb->remap_offset) != g->remap_offset ||
	    le64toh(sb->remap_sectors) != g->remap_sectors ||
	    le64toh(sb->bitmap_offset) != g->bitmap_offset ||
	    le64toh(sb->bitmap_sectors) != g->bitmap_sectors ||
	    le64toh(sb->sb_offset) != g->sb_offset)
		return "superblock metadata offsets are inconsistent";
	for (i = 0; i < 2; i++)
		if (le32toh(sb->leg_state[i]) > DXM_LEG_STATE_MAX)
			return "superblock leg state is invalid";
	if (le64toh(sb->rebuild_offset) > data)
		return "superblock rebuild checkpoint is beyond the data area";
	if (!all_zero(sb->pad, sizeof(sb->pad)))
		return "superblock reserved area is not zero";
	return NULL;
}

const char *dxm_remap_check(const void *copy, uint32_t spare_pages,
			    uint64_t data_sectors)
{
	const struct dxm_remap_header *h = copy;
	const unsigned char *e = (const unsigned char *)copy + sizeof(*h);
	uint64_t pages = data_sectors >> 3, p;
	uint32_t i;

	if (le64toh(h->magic) != DXM_REMAP_MAGIC)
		return "bad magic";
	if (le32toh(h->nr_entries) != spare_pages)
		return "entry count does not match the spare pool";
	if (le32toh(h->csum) != dxm_remap_csum(copy, spare_pages))
		return "checksum mismatch";
	for (i = 0; i < spare_pages; i++) {
		memcpy(&p, e + (size_t)i * 8, 8);
		p = le64toh(p);
		if (p != DXM_NO_PAGE && p != DXM_RETIRED_PAGE && p >= pages)
			return "entry points beyond the data area";
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

const char *dxm_remap_load(const void *a, const void *b, size_t copy_bytes,
			   uint32_t spare_pages, uint64_t data_sectors,
			   struct dxm_remap_result *res)
{
	const void *c[2] = { a, b };
	const unsigned char *e;
	uint64_t seq[2] = { 0, 0 }, *pages, p;
	uint32_t i, n = 0;
	int k, best = -1;
	const char *why = NULL;

	memset(res, 0, sizeof(*res));
	res->copy = -1;
	if (copy_bytes < DXM_REMAP_HEADER_SIZE + (size_t)spare_pages * 8)
		return "remap copy shorter than its entries";
	for (k = 0; k < 2; k++) {
		res->why[k] = dxm_remap_check(c[k], spare_pages, data_sectors);
		seq[k] = le64toh(((const struct dxm_remap_header *)c[k])->seq);
		if (!res->why[k] && (best < 0 || seq[k] > seq[best]))
			best = k;
	}
	if (best < 0) {
		if (all_zero(a, copy_bytes) && all_zero(b, copy_bytes))
			return NULL;	/* fresh format: empty table */
		return "Leg remap table is corrupted";
	}
	res->copy = best;
	res->seq = seq[best];
	pages = malloc(((size_t)spare_pages + 1) * sizeof(*pages));
	if (!pages)
		return "out of memory";
	e = (const unsigned char *)c[best] + DXM_REMAP_HEADER_SIZE;
	for (i = 0; i < spare_pages; i++) {
		memcpy(&p, e + (size_t)i * 8, 8);
		p = le64toh(p);
		if (p == DXM_NO_PAGE || p == DXM_RETIRED_PAGE)
			continue;
		pages[n++] = p;
	}
	qsort(pages, n, sizeof(*pages), cmp_u64);
	for (i = 1; i < n; i++)
		if (pages[i] == pages[i - 1])
			why = "Leg remap table maps a page twice";
	free(pages);
	if (why) {
		res->copy = -1;
		return why;
	}
	res->nr_remapped = n;
	return NULL;
}
