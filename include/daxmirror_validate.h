/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The metadata rules of include/daxmirror_format.h, written once: the
 * superblock and remap table checks (and their encoders) used by the
 * kernel target, the admin tool and the fuzz targets alike.
 *
 * Freestanding C: no libc and no kernel API beyond <linux/types.h>; all
 * on-media values are read byte by byte in little-endian order, so the
 * same code runs in both worlds and on either byte order.  The one
 * outside function is dxm_crc32c(), provided per world: the kernel's
 * crc32c() (dm-target/validate.c), Boost.CRC in userspace
 * (lvm-tools/lib/crc32c.cc).
 *
 * Each rule has a reason code; dxm_reason_text() is the text the kernel
 * logs (or puts in ti->error) for it, dxm_reason_name() a stable name for
 * machine output.  The checks run in one fixed order, so every user of
 * this file reports the same first broken rule for the same bytes.
 */
#ifndef DAXMIRROR_VALIDATE_H
#define DAXMIRROR_VALIDATE_H

#include "daxmirror_format.h"

#ifdef __KERNEL__
#include <linux/stddef.h>
#else
#include <stddef.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

enum dxm_reason {
	DXM_R_OK = 0,
	/* superblock: the device and the block */
	DXM_R_SB_BLANK,		/* all zero: a leg to format, not an error */
	DXM_R_SB_TOO_SMALL,	/* device under 4 MiB */
	DXM_R_SB_MAGIC,
	DXM_R_SB_CSUM,
	DXM_R_SB_VERSION,
	/* superblock: its fields */
	DXM_R_SB_LEG_INDEX,	/* not 0 or 1 (position not known) */
	DXM_R_SB_OTHER_LEG,	/* not the position it was offered at */
	DXM_R_SB_FLAGS,
	DXM_R_SB_REGION,
	DXM_R_SB_SPARE,
	DXM_R_SB_LEG_SIZE,
	DXM_R_SB_GEOMETRY,
	DXM_R_SB_DATA,
	DXM_R_SB_OFFSETS,
	DXM_R_SB_LEG_STATE,
	DXM_R_SB_REBUILD,
	DXM_R_SB_NAME,		/* version 2: not a NUL-padded string */
	DXM_R_SB_SETTINGS,	/* version 2: a setting out of range */
	DXM_R_SB_READD,		/* version 2: re-add record newer than events */
	DXM_R_SB_PAD,		/* reserved area (v1: and the v2 fields) */
	/* one remap table copy */
	DXM_R_REMAP_MAGIC,
	DXM_R_REMAP_COUNT,
	DXM_R_REMAP_CSUM,
	DXM_R_REMAP_RANGE,
	/* the table: both copies */
	DXM_R_REMAP_CORRUPT,	/* no valid copy, not both all zero */
	DXM_R_REMAP_TWICE,	/* the copy in use maps a data page twice */
	DXM_R_NR_REASONS
};

/* The text the kernel gives for @r ("" for DXM_R_OK). */
const char *dxm_reason_text(enum dxm_reason r);
/* A stable lower-case name for @r ("ok", "sb_csum", "remap_twice", ...). */
const char *dxm_reason_name(enum dxm_reason r);

/*
 * The kernel's crc32c(): @crc is the running value, no inversion before
 * or after.  The stored checksums are ~dxm_crc32c(~0, ...).
 */
__u32 dxm_crc32c(__u32 crc, const void *buf, size_t len);

/* A superblock in host byte order. */
struct dxm_sb_info {
	__u64 magic;
	__u32 csum;
	__u32 version;
	__u8 set_uuid[16];
	__u32 leg_index;
	__u32 flags;
	__u64 events;
	__u64 ctime;
	__u64 leg_sectors;
	__u64 data_offset;
	__u64 data_sectors;
	__u32 region_sectors;
	__u32 spare_pages;
	__u64 spare_offset;
	__u64 remap_offset;
	__u64 remap_sectors;
	__u64 bitmap_offset;
	__u64 bitmap_sectors;
	__u64 sb_offset;
	__u32 leg_state[2];
	__u64 rebuild_offset;
	/* version 2 */
	__u8 name[DXM_NAME_BYTES];
	__u32 sync_interval_ms;
	__u32 sweep_max_kbps;
	__u32 options;
	__u64 readd_events[2];
};

/* The checksum a superblock block must carry (its csum field as zero). */
__u32 dxm_sb_csum(const struct dxm_superblock *sb);

/* Decodes the fields of a superblock block (no checks). */
void dxm_sb_decode(const struct dxm_superblock *sb, struct dxm_sb_info *out);

/*
 * A superblock as a format writes it: magic, version DXM_VERSION, @leg_index, the
 * sizes and the layout dxm_compute_geometry() gives; the rest zero (the
 * caller sets the set UUID, events and ctime).  0, or -1 when the leg
 * cannot hold the metadata or @data_sectors.
 */
int dxm_sb_format(struct dxm_sb_info *s, __u32 leg_index, __u64 leg_sectors,
		  __u64 data_sectors, __u32 region_sectors, __u32 spare_pages);

/*
 * Encodes @in into @sb: reserved area zero, checksum computed (in->csum
 * is ignored).
 */
void dxm_sb_encode(const struct dxm_sb_info *in, struct dxm_superblock *sb);

/*
 * Whether leg @leg, whose own superblock is @mine, may come back into its
 * set by copying only the regions the write-intent bitmap marks (a
 * re-add, like md's): @fresh, the superblock of the leg that stayed,
 * recorded the events of the last update @leg had while in sync and
 * @mine is that update (a leg that ran on its own since, or missed an
 * update, does not match); or both say a re-add of @leg was under way
 * and they are at most one update apart.  Anything else needs a full
 * rebuild.
 */
bool dxm_readd_ok(const struct dxm_sb_info *fresh,
		  const struct dxm_sb_info *mine, unsigned int leg);

/* Recomputes the checksum of @sb after fields were changed in place. */
void dxm_sb_seal(struct dxm_superblock *sb);

/* Is the block all zero (a blank leg)? */
bool dxm_sb_blank(const struct dxm_superblock *sb);

/* DXM_R_SB_TOO_SMALL for a device the kernel refuses as a leg, else DXM_R_OK. */
enum dxm_reason dxm_leg_size_check(__u64 dev_sectors);

/*
 * The superblock rules, from the magic to the reserved area: @sb as read
 * from the last 4 KiB-aligned block of a device of @dev_sectors sectors
 * (0: not known, the rule that needs it is skipped), offered at leg
 * position @leg (0 or 1; -1: not known, then only 0 or 1 is required).
 * Fills @info (may be NULL) once the magic is right, and @g (may be NULL)
 * with the geometry the superblock implies (complete on DXM_R_OK only).
 */
enum dxm_reason dxm_sb_validate(const struct dxm_superblock *sb,
				__u64 dev_sectors, int leg,
				struct dxm_sb_info *info,
				struct dxm_geometry *g);

/*
 * What the constructor concludes from a device and its superblock block:
 * DXM_R_SB_TOO_SMALL (with @dev_sectors known), DXM_R_SB_BLANK, or the result
 * of dxm_sb_validate().
 */
enum dxm_reason dxm_sb_check(const struct dxm_superblock *sb,
			     __u64 dev_sectors, int leg,
			     struct dxm_sb_info *info, struct dxm_geometry *g);

/* Bytes of one remap table copy for @spare_pages slots (the geometry's). */
static inline __u64 dxm_remap_copy_bytes(__u32 spare_pages)
{
	return DXM_ROUND_UP(DXM_REMAP_HEADER_SIZE + (__u64)spare_pages * 8,
			    DXM_BLOCK_SIZE);
}

/* The checksum a remap copy with @nr entries must carry. */
__u32 dxm_remap_csum(const void *copy, __u32 nr);

/* Entry @i of a remap copy. */
__u64 dxm_remap_entry(const void *copy, __u32 i);

/* The sequence number of a remap copy. */
__u64 dxm_remap_seq(const void *copy);

/*
 * Writes a whole remap copy of @copy_bytes: header with @seq, @nr entries
 * from @slots, zero after them, checksum.
 */
void dxm_remap_encode(void *copy, __u64 copy_bytes, __u64 seq,
		      const __u64 *slots, __u32 nr);

/*
 * The rules of one remap copy (at least header + @spare_pages entries
 * long) of a leg with @spare_pages slots and @data_sectors of data.
 */
enum dxm_reason dxm_remap_check_copy(const void *copy, __u32 spare_pages,
				     __u64 data_sectors);

struct dxm_remap_verdict {
	int copy;		/* 0 (A) or 1 (B) in use; -1: none */
	__u64 seq;		/* its sequence number */
	__u32 nr_remapped;	/* its entries that name a data page */
	enum dxm_reason why[2];	/* each copy's first broken rule */
};

/*
 * The constructor's choice between copies @a and @b (each @copy_bytes,
 * from dxm_remap_copy_bytes()): the valid copy with the higher sequence
 * number is used; both all zero is an empty table (copy -1, DXM_R_OK);
 * otherwise no valid copy is DXM_R_REMAP_CORRUPT.  The copy in use must not
 * map a data page twice (DXM_R_REMAP_TWICE); @scratch holds @spare_pages
 * values for that check.  Fills @v in every case.
 */
enum dxm_reason dxm_remap_check(const void *a, const void *b,
				__u64 copy_bytes, __u32 spare_pages,
				__u64 data_sectors, __u64 *scratch,
				struct dxm_remap_verdict *v);

#ifdef __cplusplus
}
#endif

#endif /* DAXMIRROR_VALIDATE_H */
