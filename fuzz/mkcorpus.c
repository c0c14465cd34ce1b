// SPDX-License-Identifier: GPL-2.0
/*
 * mkcorpus DIR: writes the seed corpus of the fuzz targets, built from
 * include/daxmirror_format.h the way the kernel formats a leg:
 *   DIR/superblock/<name>  (fuzz_superblock input format)
 *   DIR/remap/<name>       (fuzz_remap input format)
 * mkcorpus --check: only verify that every seed is accepted by the
 * validator (and that simple corruptions of it are refused); exit 1 if
 * not.  scripts/fuzz runs the check before fuzzing.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "dxm_validate.h"

static int check_only;
static int failures;

static void put(const char *dir, const char *sub, const char *name,
		const void *hdr, size_t hlen, const void *body, size_t blen)
{
	char path[4096];
	FILE *f;

	if (check_only)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(2);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(hdr, 1, hlen, f) != hlen ||
	    (blen && fwrite(body, 1, blen, f) != blen) || fclose(f)) {
		perror(path);
		exit(2);
	}
}

static void expect(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "mkcorpus: FAILED: %s\n", what);
		failures++;
	}
}

/* a superblock as dxm_fill_sb() + dxm_write_superblocks() write it */
static int mk_sb(struct dxm_superblock *sb, uint64_t dev, uint32_t region,
		 uint32_t spare, uint32_t leg, uint64_t events, int rebuilding)
{
	struct dxm_geometry g;

	if (dxm_compute_geometry(dev, region, spare, &g))
		return -1;
	memset(sb, 0, sizeof(*sb));
	sb->magic = htole64(DXM_MAGIC);
	sb->version = htole32(DXM_VERSION);
	memcpy(sb->set_uuid, "daxmirror-corpus", 16);
	sb->leg_index = htole32(leg);
	sb->events = htole64(events);
	sb->ctime = htole64(1700000000);
	sb->leg_sectors = htole64(dev);
	sb->data_sectors = htole64(g.data_sectors);
	sb->region_sectors = htole32(region);
	sb->spare_pages = htole32(spare);
	sb->spare_offset = htole64(g.spare_offset);
	sb->remap_offset = htole64(g.remap_offset);
	sb->remap_sectors = htole64(g.remap_sectors);
	sb->bitmap_offset = htole64(g.bitmap_offset);
	sb->bitmap_sectors = htole64(g.bitmap_sectors);
	sb->sb_offset = htole64(g.sb_offset);
	if (rebuilding) {
		sb->flags = htole32(DXM_SB_F_REBUILDING);
		sb->rebuild_offset = htole64(g.data_sectors / 2);
		sb->leg_state[!leg] = htole32(DXM_LEG_STALE);
	}
	sb->csum = htole32(dxm_sb_csum(sb));
	return 0;
}

static void sb_seeds(const char *dir)
{
	static const struct { uint64_t dev; uint32_t region, spare; } geo[] = {
		{ 524288, 128, 256 },		/* 256 MiB NVDIMM, defaults */
		{ 1048576, 128, 256 },		/* 512 MiB */
		{ 1048576 + 7, 64, 128 },	/* odd size */
		{ 2097152, 2048, 4096 },	/* 1 GiB, largest regions */
		{ 8388608, 8, 0 },		/* 4 GiB, smallest regions, no spares */
		{ 16384, 8, 1 },		/* 8 MiB, tiny */
	};
	struct dxm_superblock sb;
	struct dxm_geometry g;
	unsigned char hdr[10];
	char name[128];
	size_t i;
	uint64_t dev;
	int leg, reb;

	for (i = 0; i < sizeof(geo) / sizeof(geo[0]); i++) {
		for (leg = 0; leg < 2; leg++) {
			for (reb = 0; reb < 2; reb++) {
				if (mk_sb(&sb, geo[i].dev, geo[i].region, geo[i].spare,
					  leg, 5 + reb, reb)) {
					fprintf(stderr, "mkcorpus: geometry %zu does not fit\n", i);
					failures++;
					continue;
				}
				expect(dxm_check_sb(&sb, leg, geo[i].dev, &g) == NULL,
				       "a formatted superblock is accepted");
				expect(dxm_check_sb(&sb, !leg, geo[i].dev, &g) != NULL,
				       "the other leg position is refused");
				expect(dxm_check_sb(&sb, leg, geo[i].dev + 8, &g) != NULL,
				       "a grown device is refused");
				sb.pad[100] ^= 1;
				expect(dxm_check_sb(&sb, leg, geo[i].dev, &g) != NULL,
				       "a flipped bit is refused");
				sb.pad[100] ^= 1;
				/* bit 0: the harness recomputes the checksum after mutation */
				hdr[0] = reb;
				hdr[1] = leg;
				dev = htole64(geo[i].dev);
				memcpy(hdr + 2, &dev, 8);
				snprintf(name, sizeof(name), "sb-%llu-r%u-s%u-leg%d%s",
					 (unsigned long long)geo[i].dev, geo[i].region,
					 geo[i].spare, leg, reb ? "-rebuilding" : "");
				put(dir, "superblock", name, hdr, sizeof(hdr), &sb, sizeof(sb));
			}
		}
	}
}

/* one remap copy: header + entries, checksummed */
static void mk_remap(unsigned char *copy, size_t bytes, uint32_t spare,
		     uint64_t seq, const uint64_t *map, uint32_t nmap)
{
	struct dxm_remap_header *h = (void *)copy;
	uint64_t e;
	uint32_t i;

	memset(copy, 0, bytes);
	h->magic = htole64(DXM_REMAP_MAGIC);
	h->nr_entries = htole32(spare);
	h->seq = htole64(seq);
	for (i = 0; i < spare; i++) {
		e = htole64(i < nmap ? map[i] : DXM_NO_PAGE);
		memcpy(copy + DXM_REMAP_HEADER_SIZE + (size_t)i * 8, &e, 8);
	}
	h->csum = htole32(dxm_remap_csum(copy, spare));
}

static void remap_seeds(const char *dir)
{
	static const uint64_t map1[] = { 1234, 57 };
	static const uint64_t map2[] = { 1234, 57, DXM_RETIRED_PAGE, 9000 };
	static const struct {
		const char *name;
		uint32_t spare;
		uint64_t seq_a, seq_b;	/* 0: copy left zero */
		const uint64_t *ma, *mb;
		uint32_t na, nb;
	} t[] = {
		{ "empty", 256, 0, 0, NULL, NULL, 0, 0 },
		{ "a1", 256, 1, 0, map1, NULL, 2, 0 },
		{ "a1-b2", 256, 1, 2, map1, map2, 2, 4 },
		{ "a3-b2", 256, 3, 2, map2, map1, 4, 2 },
		{ "small", 8, 4, 5, map1, map2, 2, 4 },
		{ "nospare", 0, 1, 2, NULL, NULL, 0, 0 },
		{ "big", 1024, 7, 6, map2, map1, 4, 2 },
	};
	const uint64_t data_sectors = 507904;	/* a 256 MiB leg */
	struct dxm_remap_result res;
	unsigned char hdr[11], *a, *b;
	uint64_t d = htole64(data_sectors);
	uint16_t sp;
	size_t i, bytes;
	char name[64];

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bytes = DXM_ROUND_UP(DXM_REMAP_HEADER_SIZE + (uint64_t)t[i].spare * 8,
				     DXM_BLOCK_SIZE);
		a = calloc(2, bytes);
		if (!a)
			exit(2);
		b = a + bytes;
		if (t[i].seq_a)
			mk_remap(a, bytes, t[i].spare, t[i].seq_a, t[i].ma, t[i].na);
		if (t[i].seq_b)
			mk_remap(b, bytes, t[i].spare, t[i].seq_b, t[i].mb, t[i].nb);
		expect(dxm_remap_load(a, b, bytes, t[i].spare, data_sectors, &res) == NULL,
		       "a written remap table is accepted");
		expect(res.copy == (!t[i].seq_a && !t[i].seq_b ? -1 :
				    t[i].seq_b > t[i].seq_a),
		       "the copy with the higher seq wins");
		if (t[i].seq_a && t[i].seq_b) {
			/* a torn newer copy: the older one wins */
			unsigned char *newer = t[i].seq_b > t[i].seq_a ? b : a;

			newer[8] ^= 0x10;	/* its checksum */
			expect(dxm_remap_load(a, b, bytes, t[i].spare, data_sectors,
					      &res) == NULL && res.copy == (newer == a),
			       "a corrupted newer copy falls back to the older");
			newer[8] ^= 0x10;	/* its checksum */
		}
		hdr[0] = 0;
		sp = htole16(t[i].spare);
		memcpy(hdr + 1, &sp, 2);
		memcpy(hdr + 3, &d, 8);
		snprintf(name, sizeof(name), "remap-%s", t[i].name);
		put(dir, "remap", name, hdr, sizeof(hdr), a, 2 * bytes);
		free(a);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus DIR | --check\n");
		return 2;
	}
	check_only = !strcmp(argv[1], "--check");
	if (!check_only && mkdir(argv[1], 0755) && errno != EEXIST) {
		perror(argv[1]);
		return 2;
	}
	sb_seeds(argv[1]);
	remap_seeds(argv[1]);
	if (failures) {
		fprintf(stderr, "mkcorpus: %d check(s) failed\n", failures);
		return 1;
	}
	printf("mkcorpus: seeds %s\n", check_only ? "checked" : "written and checked");
	return 0;
}
