// SPDX-License-Identifier: GPL-2.0
/*
 * mkcorpus DIR: writes the seed corpus of the fuzz targets, made with the
 * module's encoders (include/daxmirror_validate.c) the way the kernel
 * formats a leg:
 *   DIR/superblock/<name>  (fuzz_superblock input format)
 *   DIR/remap/<name>       (fuzz_remap input format)
 * mkcorpus --check: only verify that every seed is accepted by the
 * validator (and that simple corruptions of it are refused); exit 1 if
 * not.  scripts/fuzz runs the check before fuzzing.
 * mkcorpus --images DIR: writes leg images (sparse files), good ones and
 * one or more per broken rule, and DIR/MANIFEST with one line per image:
 * "name<TAB>position<TAB>reason" (position 0, 1 or any: where the leg is
 * offered; reason: the name of the first rule the kernel finds broken
 * there, "ok" when it accepts the leg).  fuzz/reasons_test.sh checks the
 * tool and dxm-validate against it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "daxmirror_validate.h"

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

static void put_le64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* a superblock as dxm_fill_sb() + dxm_write_superblocks() write it */
static int mk_info(struct dxm_sb_info *s, uint64_t dev, uint32_t region,
		   uint32_t spare, uint32_t leg, uint64_t events, int rebuilding)
{
	struct dxm_geometry g;

	if (dxm_compute_geometry(dev, region, spare, &g) ||
	    dxm_sb_format(s, leg, dev, g.data_sectors, region, spare))
		return -1;
	memcpy(s->set_uuid, "daxmirror-corpus", 16);
	memcpy(s->name, "corpus-set", 10);
	s->sync_interval_ms = DXM_DEFAULT_SYNC_INTERVAL_MS;
	s->events = events;
	s->ctime = 1700000000;
	if (rebuilding) {
		/* a re-add of the other leg, which dropped out at events 2 */
		s->flags = DXM_SB_F_REBUILDING | DXM_SB_F_READD;
		s->rebuild_offset = g.data_sectors / 2;
		s->leg_state[!leg] = DXM_LEG_STALE;
		s->readd_events[!leg] = 2;
	}
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
	struct dxm_sb_info s;
	unsigned char hdr[10];
	char name[128];
	size_t i;
	int leg, reb;

	for (i = 0; i < sizeof(geo) / sizeof(geo[0]); i++) {
		for (leg = 0; leg < 2; leg++) {
			for (reb = 0; reb < 2; reb++) {
				if (mk_info(&s, geo[i].dev, geo[i].region, geo[i].spare,
					    leg, 5 + reb, reb)) {
					fprintf(stderr, "mkcorpus: geometry %zu does not fit\n", i);
					failures++;
					continue;
				}
				dxm_sb_encode(&s, &sb);
				expect(dxm_sb_check(&sb, geo[i].dev, leg, NULL, NULL) == DXM_R_OK,
				       "a formatted superblock is accepted");
				expect(dxm_sb_check(&sb, geo[i].dev, !leg, NULL, NULL) ==
				       DXM_R_SB_OTHER_LEG, "the other leg position is refused");
				expect(dxm_sb_check(&sb, geo[i].dev + 8, leg, NULL, NULL) ==
				       DXM_R_SB_LEG_SIZE, "a grown device is refused");
				sb.pad[100] ^= 1;
				expect(dxm_sb_check(&sb, geo[i].dev, leg, NULL, NULL) ==
				       DXM_R_SB_CSUM, "a flipped bit is refused");
				sb.pad[100] ^= 1;
				/* bit 0: the harness recomputes the checksum after mutation */
				hdr[0] = reb;
				hdr[1] = leg;
				put_le64(hdr + 2, geo[i].dev);
				snprintf(name, sizeof(name), "sb-%llu-r%u-s%u-leg%d%s",
					 (unsigned long long)geo[i].dev, geo[i].region,
					 geo[i].spare, leg, reb ? "-rebuilding" : "");
				put(dir, "superblock", name, hdr, sizeof(hdr), &sb, sizeof(sb));
			}
		}
	}
	/* format version 1: no name and no settings, still read */
	if (mk_info(&s, geo[0].dev, geo[0].region, geo[0].spare, 0, 5, 0))
		return;
	s.version = 1;
	s.sync_interval_ms = 0;
	memset(s.name, 0, sizeof(s.name));
	dxm_sb_encode(&s, &sb);
	expect(dxm_sb_check(&sb, geo[0].dev, 0, NULL, NULL) == DXM_R_OK,
	       "a version-1 superblock is accepted");
	memset(hdr, 0, sizeof(hdr));
	put_le64(hdr + 2, geo[0].dev);
	put(dir, "superblock", "sb-524288-r128-s256-leg0-v1", hdr, sizeof(hdr),
	    &sb, sizeof(sb));
}

/* one remap copy: header + entries (the rest free), checksummed */
static void mk_remap(unsigned char *copy, size_t bytes, uint32_t spare,
		     uint64_t seq, const uint64_t *map, uint32_t nmap)
{
	__u64 *slots = calloc(spare + 1, sizeof(*slots));
	uint32_t i;

	if (!slots)
		exit(2);
	for (i = 0; i < spare; i++)
		slots[i] = i < nmap ? map[i] : DXM_NO_PAGE;
	dxm_remap_encode(copy, bytes, seq, slots, spare);
	free(slots);
}

static enum dxm_reason load(const void *a, const void *b, size_t bytes,
			    uint32_t spare, uint64_t data_sectors,
			    struct dxm_remap_verdict *v)
{
	__u64 *scratch = calloc(spare + 1, sizeof(*scratch));
	enum dxm_reason r;

	if (!scratch)
		exit(2);
	r = dxm_remap_check(a, b, bytes, spare, data_sectors, scratch, v);
	free(scratch);
	return r;
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
	struct dxm_remap_verdict v;
	unsigned char hdr[11], *a, *b;
	size_t i, bytes;
	char name[64];

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bytes = dxm_remap_copy_bytes(t[i].spare);
		a = calloc(2, bytes);
		if (!a)
			exit(2);
		b = a + bytes;
		if (t[i].seq_a)
			mk_remap(a, bytes, t[i].spare, t[i].seq_a, t[i].ma, t[i].na);
		if (t[i].seq_b)
			mk_remap(b, bytes, t[i].spare, t[i].seq_b, t[i].mb, t[i].nb);
		expect(load(a, b, bytes, t[i].spare, data_sectors, &v) == DXM_R_OK,
		       "a written remap table is accepted");
		expect(v.copy == (!t[i].seq_a && !t[i].seq_b ? -1 :
				  t[i].seq_b > t[i].seq_a),
		       "the copy with the higher seq wins");
		if (t[i].seq_a && t[i].seq_b) {
			/* a torn newer copy: the older one wins */
			unsigned char *newer = t[i].seq_b > t[i].seq_a ? b : a;

			newer[8] ^= 0x10;	/* its checksum */
			expect(load(a, b, bytes, t[i].spare, data_sectors, &v) == DXM_R_OK &&
			       v.copy == (newer == a),
			       "a corrupted newer copy falls back to the older");
			newer[8] ^= 0x10;	/* its checksum */
		}
		hdr[0] = 0;
		hdr[1] = (unsigned char)t[i].spare;
		hdr[2] = (unsigned char)(t[i].spare >> 8);
		put_le64(hdr + 3, data_sectors);
		snprintf(name, sizeof(name), "remap-%s", t[i].name);
		put(dir, "remap", name, hdr, sizeof(hdr), a, 2 * bytes);
		free(a);
	}
}

/* ---- leg images for fuzz/reasons_test.sh ---- */

#define IMG_SECTORS	16384ULL	/* 8 MiB */
#define IMG_REGION	128
#define IMG_SPARE	16

enum img_sb {
	SB_GOOD, SB_NONE, SB_GARBAGE, SB_UNSEALED, SB_VERSION, SB_LEG2,
	SB_FLAGS, SB_REGION, SB_SPARE, SB_GEOMETRY, SB_DATA, SB_OFFSETS,
	SB_LEG_STATE, SB_REBUILD, SB_PAD, SB_FLAGS_PAD,
	SB_V1, SB_V1_NAME, SB_VERSION0, SB_NAME, SB_SETTINGS, SB_SWEEP,
	SB_READD_GOOD, SB_READD, SB_READD_FLAG, SB_V1_READD_FLAG,
};

enum img_copy {
	C_ZERO, C_GOOD, C_GARBAGE, C_COUNT, C_CSUM, C_RANGE, C_TWICE,
};

static const struct img {
	const char *name;
	const char *position;	/* 0, 1 or any */
	const char *reason;	/* the kernel's verdict there */
	uint64_t sectors;	/* image size */
	uint64_t leg_sectors;	/* the size the superblock was made for */
	uint32_t leg;		/* leg_index of the superblock */
	enum img_sb sb;
	enum img_copy a, b;
	uint64_t seq_a, seq_b;
} images[] = {
	{ "good-empty", "0", "ok", IMG_SECTORS, IMG_SECTORS, 0, SB_GOOD, C_ZERO, C_ZERO, 0, 0 },
	{ "good-a", "1", "ok", IMG_SECTORS, IMG_SECTORS, 1, SB_GOOD, C_GOOD, C_ZERO, 1, 0 },
	{ "good-b-newer", "0", "ok", IMG_SECTORS, IMG_SECTORS, 0, SB_GOOD, C_GOOD, C_GOOD, 1, 2 },
	{ "good-torn-b", "any", "ok", IMG_SECTORS, IMG_SECTORS, 0, SB_GOOD, C_GOOD, C_CSUM, 3, 4 },
	{ "good-bad-a", "any", "ok", IMG_SECTORS, IMG_SECTORS, 0, SB_GOOD, C_RANGE, C_GOOD, 5, 4 },
	{ "good-odd-size", "1", "ok", IMG_SECTORS + 5, IMG_SECTORS + 5, 1, SB_GOOD, C_ZERO, C_ZERO, 0, 0 },
	{ "blank", "0", "sb_blank", IMG_SECTORS, IMG_SECTORS, 0, SB_NONE, C_ZERO, C_ZERO, 0, 0 },
	{ "too-small", "0", "sb_too_small", 6144, 6144, 0, SB_GOOD, C_ZERO, C_ZERO, 0, 0 },
	{ "too-small-blank", "any", "sb_too_small", 4096, 4096, 0, SB_NONE, C_ZERO, C_ZERO, 0, 0 },
	{ "foreign", "0", "sb_magic", IMG_SECTORS, IMG_SECTORS, 0, SB_GARBAGE, C_ZERO, C_ZERO, 0, 0 },
	{ "csum", "0", "sb_csum", IMG_SECTORS, IMG_SECTORS, 0, SB_UNSEALED, C_ZERO, C_ZERO, 0, 0 },
	{ "version", "0", "sb_version", IMG_SECTORS, IMG_SECTORS, 0, SB_VERSION, C_ZERO, C_ZERO, 0, 0 },
	{ "leg-index", "any", "sb_leg_index", IMG_SECTORS, IMG_SECTORS, 0, SB_LEG2, C_ZERO, C_ZERO, 0, 0 },
	{ "leg-index-at-0", "0", "sb_other_leg", IMG_SECTORS, IMG_SECTORS, 0, SB_LEG2, C_ZERO, C_ZERO, 0, 0 },
	{ "other-leg", "0", "sb_other_leg", IMG_SECTORS, IMG_SECTORS, 1, SB_GOOD, C_ZERO, C_ZERO, 0, 0 },
	{ "flags", "0", "sb_flags", IMG_SECTORS, IMG_SECTORS, 0, SB_FLAGS, C_ZERO, C_ZERO, 0, 0 },
	{ "region", "0", "sb_region", IMG_SECTORS, IMG_SECTORS, 0, SB_REGION, C_ZERO, C_ZERO, 0, 0 },
	{ "spare", "0", "sb_spare", IMG_SECTORS, IMG_SECTORS, 0, SB_SPARE, C_ZERO, C_ZERO, 0, 0 },
	{ "leg-size", "0", "sb_leg_size", IMG_SECTORS + 4096, IMG_SECTORS, 0, SB_GOOD, C_ZERO, C_ZERO, 0, 0 },
	{ "geometry", "0", "sb_geometry", IMG_SECTORS, IMG_SECTORS, 0, SB_GEOMETRY, C_ZERO, C_ZERO, 0, 0 },
	{ "data", "0", "sb_data", IMG_SECTORS, IMG_SECTORS, 0, SB_DATA, C_ZERO, C_ZERO, 0, 0 },
	{ "offsets", "0", "sb_offsets", IMG_SECTORS, IMG_SECTORS, 0, SB_OFFSETS, C_ZERO, C_ZERO, 0, 0 },
	{ "leg-state", "0", "sb_leg_state", IMG_SECTORS, IMG_SECTORS, 0, SB_LEG_STATE, C_ZERO, C_ZERO, 0, 0 },
	{ "rebuild", "0", "sb_rebuild", IMG_SECTORS, IMG_SECTORS, 0, SB_REBUILD, C_ZERO, C_ZERO, 0, 0 },
	{ "pad", "0", "sb_pad", IMG_SECTORS, IMG_SECTORS, 0, SB_PAD, C_ZERO, C_ZERO, 0, 0 },
	/* format version 1 (no name, no settings) is still read */
	{ "good-v1", "0", "ok", IMG_SECTORS, IMG_SECTORS, 0, SB_V1, C_GOOD, C_ZERO, 1, 0 },
	{ "v1-with-name", "0", "sb_pad", IMG_SECTORS, IMG_SECTORS, 0, SB_V1_NAME, C_ZERO, C_ZERO, 0, 0 },
	{ "version-0", "0", "sb_version", IMG_SECTORS, IMG_SECTORS, 0, SB_VERSION0, C_ZERO, C_ZERO, 0, 0 },
	{ "name", "0", "sb_name", IMG_SECTORS, IMG_SECTORS, 0, SB_NAME, C_ZERO, C_ZERO, 0, 0 },
	{ "settings", "0", "sb_settings", IMG_SECTORS, IMG_SECTORS, 0, SB_SETTINGS, C_ZERO, C_ZERO, 0, 0 },
	{ "sweep-not-given", "0", "sb_settings", IMG_SECTORS, IMG_SECTORS, 0, SB_SWEEP, C_ZERO, C_ZERO, 0, 0 },
	/* the re-add record: leg 1 dropped out at events 8, a re-add under way */
	{ "good-readd", "0", "ok", IMG_SECTORS, IMG_SECTORS, 0, SB_READD_GOOD, C_ZERO, C_ZERO, 0, 0 },
	{ "readd-newer", "0", "sb_readd", IMG_SECTORS, IMG_SECTORS, 0, SB_READD, C_ZERO, C_ZERO, 0, 0 },
	{ "readd-flag-alone", "0", "sb_flags", IMG_SECTORS, IMG_SECTORS, 0, SB_READD_FLAG, C_ZERO, C_ZERO, 0, 0 },
	{ "v1-readd-flag", "0", "sb_flags", IMG_SECTORS, IMG_SECTORS, 0, SB_V1_READD_FLAG, C_ZERO, C_ZERO, 0, 0 },
	/* two broken rules: the kernel names the one it checks first */
	{ "flags-and-pad", "0", "sb_flags", IMG_SECTORS, IMG_SECTORS, 0, SB_FLAGS_PAD, C_ZERO, C_ZERO, 0, 0 },
	{ "remap-magic", "0", "remap_corrupt", IMG_SECTORS, IMG_SECTORS, 0, SB_GOOD, C_GARBAGE, C_ZERO, 1, 0 },
	{ "remap-count", "0", "remap_corrupt", IMG_SECTORS, IMG_SECTORS, 0, SB_GOOD, C_COUNT, C_ZERO, 1, 0 },
	{ "remap-csum", "0", "remap_corrupt", IMG_SECTORS, IMG_SECTORS, 0, SB_GOOD, C_ZERO, C_CSUM, 0, 1 },
	{ "remap-range", "0", "remap_corrupt", IMG_SECTORS, IMG_SECTORS, 0, SB_GOOD, C_RANGE, C_CSUM, 2, 3 },
	{ "remap-twice", "0", "remap_twice", IMG_SECTORS, IMG_SECTORS, 0, SB_GOOD, C_TWICE, C_GOOD, 2, 1 },
};

static void img_sb(const struct img *m, struct dxm_superblock *sb)
{
	struct dxm_sb_info s;
	int i;

	memset(sb, 0, sizeof(*sb));
	if (m->sb == SB_NONE)
		return;
	if (m->sb == SB_GARBAGE) {
		for (i = 0; i < (int)sizeof(*sb); i++)
			((unsigned char *)sb)[i] = (unsigned char)(i * 37 + 11);
		return;
	}
	if (mk_info(&s, m->leg_sectors, IMG_REGION, IMG_SPARE, m->leg, 9, 0)) {
		fprintf(stderr, "mkcorpus: image %s: geometry does not fit\n", m->name);
		exit(2);
	}
	switch (m->sb) {
	case SB_VERSION:
		s.version = DXM_VERSION + 1;
		break;
	case SB_LEG2:
		s.leg_index = 2;
		break;
	case SB_FLAGS:
	case SB_FLAGS_PAD:
		s.flags = 1U << 7;
		break;
	case SB_REGION:
		s.region_sectors = 100;
		break;
	case SB_SPARE:
		s.spare_pages = DXM_MAX_SPARE_PAGES + 1;
		break;
	case SB_GEOMETRY:
		s.spare_pages = DXM_MAX_SPARE_PAGES;
		break;
	case SB_DATA:
		s.data_sectors = 0;
		break;
	case SB_OFFSETS:
		s.bitmap_offset += DXM_PAGE_SECTORS;
		break;
	case SB_LEG_STATE:
		s.leg_state[1] = DXM_LEG_STATE_MAX + 1;
		break;
	case SB_REBUILD:
		s.flags = DXM_SB_F_REBUILDING;
		s.rebuild_offset = s.data_sectors + DXM_PAGE_SECTORS;
		break;
	case SB_V1:
	case SB_V1_NAME:
		s.version = 1;
		s.sync_interval_ms = 0;
		memset(s.name, 0, sizeof(s.name));
		if (m->sb == SB_V1_NAME)
			memcpy(s.name, "v1", 2);
		break;
	case SB_VERSION0:
		s.version = 0;
		break;
	case SB_NAME:
		s.name[40] = 'x';	/* after the terminating NUL */
		break;
	case SB_SETTINGS:
		s.sync_interval_ms = DXM_MAX_SYNC_INTERVAL_MS + 1;
		break;
	case SB_SWEEP:
		s.sweep_max_kbps = 100;	/* without DXM_SB_O_SWEEP_KBPS */
		break;
	case SB_READD_GOOD:
		s.flags = DXM_SB_F_REBUILDING | DXM_SB_F_READD;
		s.leg_state[1] = DXM_LEG_STALE;
		s.readd_events[1] = 8;
		break;
	case SB_READD:
		s.readd_events[1] = s.events + 1;
		break;
	case SB_READD_FLAG:
		s.flags = DXM_SB_F_READD;
		break;
	case SB_V1_READD_FLAG:
		s.version = 1;
		s.sync_interval_ms = 0;
		memset(s.name, 0, sizeof(s.name));
		s.flags = DXM_SB_F_REBUILDING | DXM_SB_F_READD;
		break;
	default:
		break;
	}
	dxm_sb_encode(&s, sb);
	if (m->sb == SB_PAD || m->sb == SB_FLAGS_PAD) {
		sb->pad[17] = 0x5a;
		dxm_sb_seal(sb);
	}
	if (m->sb == SB_UNSEALED)
		sb->ctime ^= 1;		/* written after the checksum */
}

static void img_copy(enum img_copy kind, unsigned char *c, size_t bytes,
		     uint64_t seq, uint64_t data_pages)
{
	const uint64_t good[] = { 7, DXM_RETIRED_PAGE, 100 };
	const uint64_t twice[] = { 7, 100, 7 };
	const uint64_t beyond[] = { 7, 0 };
	uint64_t map[2];
	size_t i;

	switch (kind) {
	case C_ZERO:
		memset(c, 0, bytes);
		break;
	case C_GOOD:
		mk_remap(c, bytes, IMG_SPARE, seq, good, 3);
		break;
	case C_GARBAGE:
		for (i = 0; i < bytes; i++)
			c[i] = (unsigned char)(i * 13 + 5);
		break;
	case C_COUNT:
		mk_remap(c, bytes, IMG_SPARE - 1, seq, good, 3);
		break;
	case C_CSUM:
		mk_remap(c, bytes, IMG_SPARE, seq, good, 3);
		c[DXM_REMAP_HEADER_SIZE + 3] ^= 0x40;	/* after the checksum */
		break;
	case C_RANGE:
		memcpy(map, beyond, sizeof(map));
		map[1] = data_pages;	/* one past the last data page */
		mk_remap(c, bytes, IMG_SPARE, seq, map, 2);
		break;
	case C_TWICE:
		mk_remap(c, bytes, IMG_SPARE, seq, twice, 3);
		break;
	}
}

static void write_at(int fd, const char *path, const void *buf, size_t len,
		     uint64_t sector)
{
	if (pwrite(fd, buf, len, (off_t)(sector << 9)) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
}

static void write_images(const char *dir)
{
	char path[4096];
	struct dxm_superblock sb;
	struct dxm_geometry g;
	unsigned char *copy;
	size_t i, bytes = dxm_remap_copy_bytes(IMG_SPARE);
	FILE *manifest;
	int fd;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		perror(dir);
		exit(2);
	}
	snprintf(path, sizeof(path), "%s/MANIFEST", dir);
	manifest = fopen(path, "w");
	copy = malloc(bytes);
	if (!manifest || !copy) {
		perror(path);
		exit(2);
	}
	for (i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
		const struct img *m = &images[i];

		snprintf(path, sizeof(path), "%s/%s.img", dir, m->name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || ftruncate(fd, (off_t)(m->sectors << 9))) {
			perror(path);
			exit(2);
		}
		img_sb(m, &sb);
		write_at(fd, path, &sb, sizeof(sb),
			 DXM_ROUND_DOWN(m->sectors, DXM_PAGE_SECTORS) - DXM_PAGE_SECTORS);
		/* the remap copies where a good superblock of that leg puts them */
		if (!dxm_compute_geometry(m->leg_sectors, IMG_REGION, IMG_SPARE, &g) &&
		    g.remap_sectors << 9 == bytes) {
			img_copy(m->a, copy, bytes, m->seq_a, g.data_sectors / DXM_PAGE_SECTORS);
			write_at(fd, path, copy, bytes, g.remap_offset);
			img_copy(m->b, copy, bytes, m->seq_b, g.data_sectors / DXM_PAGE_SECTORS);
			write_at(fd, path, copy, bytes, g.remap_offset + g.remap_sectors);
		}
		if (close(fd)) {
			perror(path);
			exit(2);
		}
		fprintf(manifest, "%s\t%s\t%s\n", m->name, m->position, m->reason);
	}
	free(copy);
	if (fclose(manifest)) {
		perror("MANIFEST");
		exit(2);
	}
	printf("mkcorpus: %zu images written\n", i);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--images")) {
		write_images(argv[2]);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus DIR | --check | --images DIR\n");
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
