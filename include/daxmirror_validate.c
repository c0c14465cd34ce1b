// SPDX-License-Identifier: GPL-2.0
/*
 * The metadata rules and encoders; see daxmirror_validate.h.  Compiled
 * into the kernel module (dm-target/validate.c), the admin tool
 * (lvm-tools/CMakeLists.txt) and the fuzz targets (scripts/fuzz).
 */
#include "daxmirror_validate.h"

static const char * const dxm_reason_texts[DXM_R_NR_REASONS] = {
	[DXM_R_OK] = "",
	[DXM_R_SB_BLANK] = "superblock area is blank",
	[DXM_R_SB_TOO_SMALL] = "Leg is too small (at least 4 MiB)",
	[DXM_R_SB_MAGIC] = "not blank and holds no daxmirror superblock",
	[DXM_R_SB_CSUM] = "superblock checksum mismatch",
	[DXM_R_SB_VERSION] = "unsupported superblock version",
	[DXM_R_SB_LEG_INDEX] = "superblock leg index is not 0 or 1",
	[DXM_R_SB_OTHER_LEG] = "superblock belongs to the other leg position",
	[DXM_R_SB_FLAGS] = "superblock has unknown flags",
	[DXM_R_SB_REGION] = "superblock region size is invalid",
	[DXM_R_SB_SPARE] = "superblock spare pool is invalid",
	[DXM_R_SB_LEG_SIZE] = "superblock leg size does not match the device",
	[DXM_R_SB_GEOMETRY] = "superblock geometry does not fit the device",
	[DXM_R_SB_DATA] = "superblock data area is invalid or misaligned",
	[DXM_R_SB_OFFSETS] = "superblock metadata offsets are inconsistent",
	[DXM_R_SB_LEG_STATE] = "superblock leg state is invalid",
	[DXM_R_SB_REBUILD] = "superblock rebuild checkpoint is beyond the data area",
	[DXM_R_SB_NAME] = "superblock set name is not a NUL-padded string",
	[DXM_R_SB_SETTINGS] = "superblock settings are out of range",
	[DXM_R_SB_READD] = "superblock re-add record is newer than the superblock",
	[DXM_R_SB_PAD] = "superblock reserved area is not zero",
	[DXM_R_REMAP_MAGIC] = "bad magic",
	[DXM_R_REMAP_COUNT] = "entry count does not match the spare pool",
	[DXM_R_REMAP_CSUM] = "checksum mismatch",
	[DXM_R_REMAP_RANGE] = "entry points beyond the data area",
	[DXM_R_REMAP_CORRUPT] = "Leg remap table is corrupted",
	[DXM_R_REMAP_TWICE] = "Leg remap table maps a page twice",
};

static const char * const dxm_reason_names[DXM_R_NR_REASONS] = {
	[DXM_R_OK] = "ok",
	[DXM_R_SB_BLANK] = "sb_blank",
	[DXM_R_SB_TOO_SMALL] = "sb_too_small",
	[DXM_R_SB_MAGIC] = "sb_magic",
	[DXM_R_SB_CSUM] = "sb_csum",
	[DXM_R_SB_VERSION] = "sb_version",
	[DXM_R_SB_LEG_INDEX] = "sb_leg_index",
	[DXM_R_SB_OTHER_LEG] = "sb_other_leg",
	[DXM_R_SB_FLAGS] = "sb_flags",
	[DXM_R_SB_REGION] = "sb_region",
	[DXM_R_SB_SPARE] = "sb_spare",
	[DXM_R_SB_LEG_SIZE] = "sb_leg_size",
	[DXM_R_SB_GEOMETRY] = "sb_geometry",
	[DXM_R_SB_DATA] = "sb_data",
	[DXM_R_SB_OFFSETS] = "sb_offsets",
	[DXM_R_SB_LEG_STATE] = "sb_leg_state",
	[DXM_R_SB_REBUILD] = "sb_rebuild",
	[DXM_R_SB_NAME] = "sb_name",
	[DXM_R_SB_SETTINGS] = "sb_settings",
	[DXM_R_SB_READD] = "sb_readd",
	[DXM_R_SB_PAD] = "sb_pad",
	[DXM_R_REMAP_MAGIC] = "remap_magic",
	[DXM_R_REMAP_COUNT] = "remap_count",
	[DXM_R_REMAP_CSUM] = "remap_csum",
	[DXM_R_REMAP_RANGE] = "remap_range",
	[DXM_R_REMAP_CORRUPT] = "remap_corrupt",
	[DXM_R_REMAP_TWICE] = "remap_twice",
};

const char *dxm_reason_text(enum dxm_reason r)
{
	return (unsigned int)r < DXM_R_NR_REASONS ? dxm_reason_texts[r] : "?";
}

const char *dxm_reason_name(enum dxm_reason r)
{
	return (unsigned int)r < DXM_R_NR_REASONS ? dxm_reason_names[r] : "?";
}

/* ---- little-endian access, independent of the host's byte order ---- */

static __u32 dxm_get_le32(const void *p)
{
	const __u8 *b = p;

	return (__u32)b[0] | (__u32)b[1] << 8 | (__u32)b[2] << 16 |
	       (__u32)b[3] << 24;
}

static __u64 dxm_get_le64(const void *p)
{
	const __u8 *b = p;

	return (__u64)dxm_get_le32(b) | (__u64)dxm_get_le32(b + 4) << 32;
}

static void dxm_put_le32(void *p, __u32 v)
{
	__u8 *b = p;
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (__u8)(v >> (8 * i));
}

static void dxm_put_le64(void *p, __u64 v)
{
	dxm_put_le32(p, (__u32)v);
	dxm_put_le32((__u8 *)p + 4, (__u32)(v >> 32));
}

static bool dxm_all_zero(const void *buf, __u64 len)
{
	const __u8 *p = buf;
	__u64 i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void dxm_zero(void *buf, __u64 len)
{
	__u8 *p = buf;
	__u64 i;

	for (i = 0; i < len; i++)
		p[i] = 0;
}

static bool dxm_is_power_of_2(__u64 n)
{
	return n && !(n & (n - 1));
}

/* crc32c of @len bytes at @buf whose 4 bytes at @csum_at count as zero */
static __u32 dxm_csum_skip(const void *buf, size_t len, size_t csum_at)
{
	static const __u8 zero[4];
	const __u8 *p = buf;
	__u32 c;

	c = dxm_crc32c(~0U, p, csum_at);
	c = dxm_crc32c(c, zero, sizeof(zero));
	c = dxm_crc32c(c, p + csum_at + 4, len - csum_at - 4);
	return ~c;
}

/* ---- superblock ---- */

#define DXM_SB_AT(field)	offsetof(struct dxm_superblock, field)

__u32 dxm_sb_csum(const struct dxm_superblock *sb)
{
	return dxm_csum_skip(sb, sizeof(*sb), DXM_SB_AT(csum));
}

void dxm_sb_decode(const struct dxm_superblock *sb, struct dxm_sb_info *out)
{
	int i;

	out->magic = dxm_get_le64(&sb->magic);
	out->csum = dxm_get_le32(&sb->csum);
	out->version = dxm_get_le32(&sb->version);
	for (i = 0; i < 16; i++)
		out->set_uuid[i] = sb->set_uuid[i];
	out->leg_index = dxm_get_le32(&sb->leg_index);
	out->flags = dxm_get_le32(&sb->flags);
	out->events = dxm_get_le64(&sb->events);
	out->ctime = dxm_get_le64(&sb->ctime);
	out->leg_sectors = dxm_get_le64(&sb->leg_sectors);
	out->data_offset = dxm_get_le64(&sb->data_offset);
	out->data_sectors = dxm_get_le64(&sb->data_sectors);
	out->region_sectors = dxm_get_le32(&sb->region_sectors);
	out->spare_pages = dxm_get_le32(&sb->spare_pages);
	out->spare_offset = dxm_get_le64(&sb->spare_offset);
	out->remap_offset = dxm_get_le64(&sb->remap_offset);
	out->remap_sectors = dxm_get_le64(&sb->remap_sectors);
	out->bitmap_offset = dxm_get_le64(&sb->bitmap_offset);
	out->bitmap_sectors = dxm_get_le64(&sb->bitmap_sectors);
	out->sb_offset = dxm_get_le64(&sb->sb_offset);
	for (i = 0; i < 2; i++)
		out->leg_state[i] = dxm_get_le32(&sb->leg_state[i]);
	out->rebuild_offset = dxm_get_le64(&sb->rebuild_offset);
	for (i = 0; i < DXM_NAME_BYTES; i++)
		out->name[i] = sb->name[i];
	out->sync_interval_ms = dxm_get_le32(&sb->sync_interval_ms);
	out->sweep_max_kbps = dxm_get_le32(&sb->sweep_max_kbps);
	out->options = dxm_get_le32(&sb->options);
	for (i = 0; i < 2; i++)
		out->readd_events[i] = dxm_get_le64(&sb->readd_events[i]);
}

int dxm_sb_format(struct dxm_sb_info *s, __u32 leg_index, __u64 leg_sectors,
		  __u64 data_sectors, __u32 region_sectors, __u32 spare_pages)
{
	struct dxm_geometry g;

	dxm_zero(s, sizeof(*s));
	if (dxm_compute_geometry(leg_sectors, region_sectors, spare_pages, &g) ||
	    data_sectors > g.data_sectors)
		return -1;
	s->magic = DXM_MAGIC;
	s->version = DXM_VERSION;
	s->leg_index = leg_index;
	s->leg_sectors = leg_sectors;
	s->data_sectors = data_sectors;
	s->region_sectors = region_sectors;
	s->spare_pages = spare_pages;
	s->spare_offset = g.spare_offset;
	s->remap_offset = g.remap_offset;
	s->remap_sectors = g.remap_sectors;
	s->bitmap_offset = g.bitmap_offset;
	s->bitmap_sectors = g.bitmap_sectors;
	s->sb_offset = g.sb_offset;
	return 0;
}

void dxm_sb_encode(const struct dxm_sb_info *in, struct dxm_superblock *sb)
{
	int i;

	dxm_zero(sb, sizeof(*sb));
	dxm_put_le64(&sb->magic, in->magic);
	dxm_put_le32(&sb->version, in->version);
	for (i = 0; i < 16; i++)
		sb->set_uuid[i] = in->set_uuid[i];
	dxm_put_le32(&sb->leg_index, in->leg_index);
	dxm_put_le32(&sb->flags, in->flags);
	dxm_put_le64(&sb->events, in->events);
	dxm_put_le64(&sb->ctime, in->ctime);
	dxm_put_le64(&sb->leg_sectors, in->leg_sectors);
	dxm_put_le64(&sb->data_offset, in->data_offset);
	dxm_put_le64(&sb->data_sectors, in->data_sectors);
	dxm_put_le32(&sb->region_sectors, in->region_sectors);
	dxm_put_le32(&sb->spare_pages, in->spare_pages);
	dxm_put_le64(&sb->spare_offset, in->spare_offset);
	dxm_put_le64(&sb->remap_offset, in->remap_offset);
	dxm_put_le64(&sb->remap_sectors, in->remap_sectors);
	dxm_put_le64(&sb->bitmap_offset, in->bitmap_offset);
	dxm_put_le64(&sb->bitmap_sectors, in->bitmap_sectors);
	dxm_put_le64(&sb->sb_offset, in->sb_offset);
	for (i = 0; i < 2; i++)
		dxm_put_le32(&sb->leg_state[i], in->leg_state[i]);
	dxm_put_le64(&sb->rebuild_offset, in->rebuild_offset);
	for (i = 0; i < DXM_NAME_BYTES; i++)
		sb->name[i] = in->name[i];
	dxm_put_le32(&sb->sync_interval_ms, in->sync_interval_ms);
	dxm_put_le32(&sb->sweep_max_kbps, in->sweep_max_kbps);
	dxm_put_le32(&sb->options, in->options);
	for (i = 0; i < 2; i++)
		dxm_put_le64(&sb->readd_events[i], in->readd_events[i]);
	dxm_sb_seal(sb);
}

bool dxm_readd_ok(const struct dxm_sb_info *fresh,
		  const struct dxm_sb_info *mine, unsigned int leg)
{
	int i;

	if (leg > 1 || fresh->version < 2 || mine->version != fresh->version ||
	    mine->leg_index != leg || !fresh->readd_events[leg])
		return false;
	for (i = 0; i < 16; i++)
		if (mine->set_uuid[i] != fresh->set_uuid[i])
			return false;
	/* it dropped out in sync, and has not been used since */
	if (mine->events == fresh->readd_events[leg] &&
	    mine->leg_state[leg] == DXM_LEG_OK)
		return true;
	/* a re-add of it was under way; it had every update of it */
	return (fresh->flags & DXM_SB_F_READD) &&
	       fresh->leg_state[leg] == DXM_LEG_STALE &&
	       mine->leg_state[leg] == DXM_LEG_STALE &&
	       (mine->flags & DXM_SB_F_READD) &&
	       mine->readd_events[leg] == fresh->readd_events[leg] &&
	       mine->events + 1 >= fresh->events &&
	       fresh->events + 1 >= mine->events;
}

void dxm_sb_seal(struct dxm_superblock *sb)
{
	dxm_put_le32(&sb->csum, dxm_sb_csum(sb));
}

bool dxm_sb_blank(const struct dxm_superblock *sb)
{
	return dxm_all_zero(sb, sizeof(*sb));
}

enum dxm_reason dxm_leg_size_check(__u64 dev_sectors)
{
	return dev_sectors < 2 * DXM_DATA_ALIGN_SECTORS ? DXM_R_SB_TOO_SMALL :
							 DXM_R_OK;
}

/* a name is NUL-padded: a NUL in the last byte, nothing after the first */
static bool dxm_name_padded(const __u8 *name)
{
	int i = 0;

	while (i < DXM_NAME_BYTES && name[i])
		i++;
	return i < DXM_NAME_BYTES &&
	       dxm_all_zero(name + i, DXM_NAME_BYTES - i);
}

/* the version 2 fields: how the set last ran */
static enum dxm_reason dxm_sb_v2_fields(const struct dxm_sb_info *s)
{
	if (!dxm_name_padded(s->name))
		return DXM_R_SB_NAME;
	if (s->options & ~DXM_SB_O_ALL ||
	    s->sync_interval_ms > DXM_MAX_SYNC_INTERVAL_MS ||
	    s->sweep_max_kbps > DXM_MAX_SWEEP_KBPS ||
	    (!(s->options & DXM_SB_O_SWEEP_KBPS) && s->sweep_max_kbps))
		return DXM_R_SB_SETTINGS;
	if (s->readd_events[0] > s->events || s->readd_events[1] > s->events)
		return DXM_R_SB_READD;
	return DXM_R_OK;
}

/* the rules on the fields, in the kernel's order */
static enum dxm_reason dxm_sb_fields(const struct dxm_sb_info *s,
				     __u64 dev_sectors, int leg,
				     struct dxm_geometry *g)
{
	int i;

	if (leg < 0 && s->leg_index > 1)
		return DXM_R_SB_LEG_INDEX;
	if (leg >= 0 && s->leg_index != (__u32)leg)
		return DXM_R_SB_OTHER_LEG;
	if (s->flags & ~(s->version < 2 ? DXM_SB_F_ALL_V1 : DXM_SB_F_ALL) ||
	    (s->flags & DXM_SB_F_READD && !(s->flags & DXM_SB_F_REBUILDING)))
		return DXM_R_SB_FLAGS;
	if (s->region_sectors < DXM_MIN_REGION_SECTORS ||
	    s->region_sectors > DXM_MAX_REGION_SECTORS ||
	    !dxm_is_power_of_2(s->region_sectors))
		return DXM_R_SB_REGION;
	if (s->spare_pages > DXM_MAX_SPARE_PAGES)
		return DXM_R_SB_SPARE;
	if (dev_sectors && (s->leg_sectors > dev_sectors ||
			    DXM_ROUND_DOWN(s->leg_sectors, DXM_PAGE_SECTORS) !=
			    DXM_ROUND_DOWN(dev_sectors, DXM_PAGE_SECTORS)))
		return DXM_R_SB_LEG_SIZE;
	if (dxm_compute_geometry(s->leg_sectors, s->region_sectors,
				 s->spare_pages, g))
		return DXM_R_SB_GEOMETRY;
	if (s->data_offset != 0 || !s->data_sectors ||
	    s->data_sectors > g->data_sectors ||
	    s->data_sectors % DXM_DATA_ALIGN_SECTORS)
		return DXM_R_SB_DATA;
	if (s->spare_offset != g->spare_offset ||
	    s->remap_offset != g->remap_offset ||
	    s->remap_sectors != g->remap_sectors ||
	    s->bitmap_offset != g->bitmap_offset ||
	    s->bitmap_sectors != g->bitmap_sectors ||
	    s->sb_offset != g->sb_offset)
		return DXM_R_SB_OFFSETS;
	for (i = 0; i < 2; i++)
		if (s->leg_state[i] > DXM_LEG_STATE_MAX)
			return DXM_R_SB_LEG_STATE;
	if (s->rebuild_offset > s->data_sectors)
		return DXM_R_SB_REBUILD;
	return s->version >= 2 ? dxm_sb_v2_fields(s) : DXM_R_OK;
}

enum dxm_reason dxm_sb_validate(const struct dxm_superblock *sb,
				__u64 dev_sectors, int leg,
				struct dxm_sb_info *info,
				struct dxm_geometry *g)
{
	struct dxm_sb_info local;
	struct dxm_geometry g_local;
	enum dxm_reason r;

	if (!info)
		info = &local;
	if (!g)
		g = &g_local;
	if (dxm_get_le64(&sb->magic) != DXM_MAGIC)
		return DXM_R_SB_MAGIC;
	dxm_sb_decode(sb, info);
	if (info->csum != dxm_sb_csum(sb))
		return DXM_R_SB_CSUM;
	if (info->version < DXM_VERSION_MIN || info->version > DXM_VERSION)
		return DXM_R_SB_VERSION;
	r = dxm_sb_fields(info, dev_sectors, leg, g);
	if (r)
		return r;
	/* version 1 had no name and settings: their bytes were reserved */
	if (info->version < 2 &&
	    !dxm_all_zero(sb->name, DXM_SB_AT(pad) - DXM_SB_AT(name)))
		return DXM_R_SB_PAD;
	if (!dxm_all_zero(sb->pad, sizeof(sb->pad)))
		return DXM_R_SB_PAD;
	return DXM_R_OK;
}

enum dxm_reason dxm_sb_check(const struct dxm_superblock *sb,
			     __u64 dev_sectors, int leg,
			     struct dxm_sb_info *info, struct dxm_geometry *g)
{
	if (dev_sectors && dxm_leg_size_check(dev_sectors))
		return DXM_R_SB_TOO_SMALL;
	if (dxm_sb_blank(sb))
		return DXM_R_SB_BLANK;
	return dxm_sb_validate(sb, dev_sectors, leg, info, g);
}

/* ---- remap table ---- */

#define DXM_RH_AT(field)	offsetof(struct dxm_remap_header, field)

__u32 dxm_remap_csum(const void *copy, __u32 nr)
{
	return dxm_csum_skip(copy, DXM_REMAP_HEADER_SIZE + (size_t)nr * 8,
			     DXM_RH_AT(csum));
}

__u64 dxm_remap_entry(const void *copy, __u32 i)
{
	return dxm_get_le64((const __u8 *)copy + DXM_REMAP_HEADER_SIZE +
			    (size_t)i * 8);
}

__u64 dxm_remap_seq(const void *copy)
{
	return dxm_get_le64((const __u8 *)copy + DXM_RH_AT(seq));
}

void dxm_remap_encode(void *copy, __u64 copy_bytes, __u64 seq,
		      const __u64 *slots, __u32 nr)
{
	__u8 *c = copy;
	__u32 i;

	dxm_zero(c, copy_bytes);
	dxm_put_le64(c + DXM_RH_AT(magic), DXM_REMAP_MAGIC);
	dxm_put_le32(c + DXM_RH_AT(nr_entries), nr);
	dxm_put_le64(c + DXM_RH_AT(seq), seq);
	for (i = 0; i < nr; i++)
		dxm_put_le64(c + DXM_REMAP_HEADER_SIZE + (size_t)i * 8,
			     slots[i]);
	dxm_put_le32(c + DXM_RH_AT(csum), dxm_remap_csum(c, nr));
}

enum dxm_reason dxm_remap_check_copy(const void *copy, __u32 spare_pages,
				     __u64 data_sectors)
{
	const __u8 *c = copy;
	__u64 pages = data_sectors / DXM_PAGE_SECTORS, p;
	__u32 i;

	if (dxm_get_le64(c + DXM_RH_AT(magic)) != DXM_REMAP_MAGIC)
		return DXM_R_REMAP_MAGIC;
	if (dxm_get_le32(c + DXM_RH_AT(nr_entries)) != spare_pages)
		return DXM_R_REMAP_COUNT;
	if (dxm_get_le32(c + DXM_RH_AT(csum)) !=
	    dxm_remap_csum(c, spare_pages))
		return DXM_R_REMAP_CSUM;
	for (i = 0; i < spare_pages; i++) {
		p = dxm_remap_entry(c, i);
		if (p != DXM_NO_PAGE && p != DXM_RETIRED_PAGE && p >= pages)
			return DXM_R_REMAP_RANGE;
	}
	return DXM_R_OK;
}

/* heap sort of @n values (no allocation, bounded stack) */
static void dxm_sift_down(__u64 *v, __u32 root, __u32 n)
{
	__u32 child;
	__u64 t;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && v[child + 1] > v[child])
			child++;
		if (v[root] >= v[child])
			return;
		t = v[root];
		v[root] = v[child];
		v[child] = t;
		root = child;
	}
}

static void dxm_sort_u64(__u64 *v, __u32 n)
{
	__u32 i;
	__u64 t;

	for (i = n / 2; i-- > 0;)
		dxm_sift_down(v, i, n);
	for (i = n; i-- > 1;) {
		t = v[0];
		v[0] = v[i];
		v[i] = t;
		dxm_sift_down(v, 0, i);
	}
}

enum dxm_reason dxm_remap_check(const void *a, const void *b,
				__u64 copy_bytes, __u32 spare_pages,
				__u64 data_sectors, __u64 *scratch,
				struct dxm_remap_verdict *v)
{
	const void *c[2] = { a, b };
	__u32 i, n = 0;
	__u64 p;
	int k;

	v->copy = -1;
	v->seq = 0;
	v->nr_remapped = 0;
	for (k = 0; k < 2; k++) {
		v->why[k] = dxm_remap_check_copy(c[k], spare_pages,
						 data_sectors);
		if (!v->why[k] && (v->copy < 0 || dxm_remap_seq(c[k]) > v->seq)) {
			v->copy = k;
			v->seq = dxm_remap_seq(c[k]);
		}
	}
	if (v->copy < 0) {
		if (dxm_all_zero(a, copy_bytes) && dxm_all_zero(b, copy_bytes))
			return DXM_R_OK;	/* formatted, never remapped */
		return DXM_R_REMAP_CORRUPT;
	}
	for (i = 0; i < spare_pages; i++) {
		p = dxm_remap_entry(c[v->copy], i);
		if (p != DXM_NO_PAGE && p != DXM_RETIRED_PAGE)
			scratch[n++] = p;
	}
	v->nr_remapped = n;
	dxm_sort_u64(scratch, n);
	for (i = 1; i < n; i++)
		if (scratch[i] == scratch[i - 1])
			return DXM_R_REMAP_TWICE;
	return DXM_R_OK;
}
