/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxmirror on-disk format, shared by the kernel target (dm-daxmirror.ko)
 * and the admin tool.  Only <linux/types.h> types; every structure has a
 * fixed size that both sides assert.  Bump DXM_VERSION on any change.
 *
 * Leg layout (md 1.0 style, metadata at the end so that an existing DAX
 * filesystem can become leg 0 in place):
 *
 *   0                  data_sectors         spare   remap A/B  bitmap  sb
 *   |<---- mirrored data area ---->|gap|<-spare->|<--->|<--->|<----->|<4K>|
 *                                                                 leg end
 *
 * All offsets are in 512-byte sectors from the start of the leg device.
 * data_offset is 0 (2 MiB aligned by construction) and data_sectors is a
 * multiple of 2 MiB, identical on both legs.  Each leg's metadata sits at
 * that leg's own end, so legs of different sizes can be paired.
 */
#ifndef DAXMIRROR_FORMAT_H
#define DAXMIRROR_FORMAT_H

#include <linux/types.h>

#define DXM_MAGIC		0x524f5249584d4144ULL	/* "DAXMIROR" (LE bytes) */
#define DXM_REMAP_MAGIC		0x50414d45524d5844ULL	/* "DXMREMAP" */
#define DXM_VERSION		2	/* written by this release */
#define DXM_VERSION_MIN		1	/* the oldest still read and kept */

#define DXM_SECTOR_SHIFT	9
#define DXM_PAGE_SECTORS	8			/* 4 KiB pages */
#define DXM_PAGE_SECTORS_SHIFT	3
#define DXM_BLOCK_SIZE		4096
#define DXM_DATA_ALIGN_SECTORS	4096			/* 2 MiB */
/*
 * The table arguments' limits, each written once as a decimal number
 * (DXM_..._NR): the module's refusal texts spell them from the same
 * digits (__stringify), the code uses the unsigned constants.
 */
#define DXM_UNSIGNED_(n)	n##U
#define DXM_UNSIGNED(n)		DXM_UNSIGNED_(n)
#define DXM_MIN_REGION_SECTORS	8
#define DXM_MAX_REGION_SECTORS_NR 2048			/* 1 MiB */
#define DXM_MAX_REGION_SECTORS	DXM_UNSIGNED(DXM_MAX_REGION_SECTORS_NR)
#define DXM_DEFAULT_REGION_SECTORS 128			/* 64 KiB */
#define DXM_MAX_SPARE_PAGES_NR	1048576			/* 4 GiB of spares */
#define DXM_MAX_SPARE_PAGES	DXM_UNSIGNED(DXM_MAX_SPARE_PAGES_NR)
#define DXM_DEFAULT_SPARE_PAGES	256			/* 1 MiB */
#define DXM_MAX_SYNC_INTERVAL_MS_NR 3600000
#define DXM_MAX_SYNC_INTERVAL_MS DXM_UNSIGNED(DXM_MAX_SYNC_INTERVAL_MS_NR)
#define DXM_DEFAULT_SYNC_INTERVAL_MS 1000U
#define DXM_MAX_SWEEP_KBPS_NR	100000000		/* 100 GB/s; 0: no limit */
#define DXM_MAX_SWEEP_KBPS	DXM_UNSIGNED(DXM_MAX_SWEEP_KBPS_NR)

/*
 * The table line's optional arguments (docs/interface.md): their names,
 * as the kernel parses and prints them and the tool writes and reads
 * them, and how many words they may take at most.
 */
#define DXM_ARG_REGION_SIZE	"region_size"
#define DXM_ARG_SPARE_PAGES	"spare_pages"
#define DXM_ARG_SYNC_INTERVAL	"sync_interval_ms"
#define DXM_ARG_SWEEP_MAX_KBPS	"sweep_max_kbps"
#define DXM_ARG_REBUILD		"rebuild"
#define DXM_ARG_NO_DAX		"no_dax"
#define DXM_ARG_NOSYNC		"nosync"
#define DXM_ARG_PMD_ALWAYS	"pmd_always"
#define DXM_ARG_GROW		"grow"
#define DXM_MAX_OPT_ARGS	14

/* per-leg state as recorded in a superblock (leg_state[]) */
#define DXM_LEG_OK		0	/* in sync as far as this leg knows */
#define DXM_LEG_STALE		1	/* needs a rebuild from the other leg */
#define DXM_LEG_FAILED		2	/* failed; its data is out of date */
#define DXM_LEG_STATE_MAX	2

/*
 * How the set last ran (superblock version 2): options[] bits.  The
 * kernel records its table's settings and device-mapper name at every
 * superblock update, so that a scan brings the set back as itself.
 */
#define DXM_SB_O_NO_DAX		(1U << 0)
#define DXM_SB_O_PMD_ALWAYS	(1U << 1)
#define DXM_SB_O_SWEEP_KBPS	(1U << 2)	/* sweep_max_kbps was given */
#define DXM_SB_O_ALL		(DXM_SB_O_NO_DAX | DXM_SB_O_PMD_ALWAYS | \
				 DXM_SB_O_SWEEP_KBPS)
#define DXM_NAME_BYTES		128		/* DM_NAME_LEN */

/* superblock flags */
#define DXM_SB_F_REBUILDING	(1U << 0)	/* rebuild_offset is valid */
/* version 2: the rebuild copies only the marked regions (a re-add) */
#define DXM_SB_F_READD		(1U << 1)
#define DXM_SB_F_ALL_V1		DXM_SB_F_REBUILDING
#define DXM_SB_F_ALL		(DXM_SB_F_REBUILDING | DXM_SB_F_READD)

#define DXM_NO_PAGE		0xffffffffffffffffULL	/* free remap slot */
#define DXM_RETIRED_PAGE	0xfffffffffffffffeULL	/* bad spare slot */

/* One 4 KiB block at the last 4 KiB-aligned block of each leg. */
struct dxm_superblock {
	__le64 magic;
	__le32 csum;		/* crc32c of the block with csum = 0 */
	__le32 version;
	__u8   set_uuid[16];
	__le32 leg_index;	/* 0 or 1 */
	__le32 flags;		/* DXM_SB_F_* */
	__le64 events;		/* bumped on every state change; fresher wins */
	__le64 ctime;		/* seconds since the epoch, at format */
	__le64 leg_sectors;	/* size of this leg when formatted */
	__le64 data_offset;	/* always 0 in version 1 */
	__le64 data_sectors;	/* mirrored data area, same on both legs */
	__le32 region_sectors;	/* write-intent bitmap granularity */
	__le32 spare_pages;	/* 4 KiB spare pages on this leg */
	__le64 spare_offset;
	__le64 remap_offset;	/* copy A; copy B follows at + remap_sectors */
	__le64 remap_sectors;	/* size of one copy */
	/* write-intent bitmap: region r is bit r % 8 of byte r / 8 */
	__le64 bitmap_offset;
	__le64 bitmap_sectors;
	__le64 sb_offset;
	__le32 leg_state[2];	/* DXM_LEG_* of each leg, as this leg knows */
	__le64 rebuild_offset;	/* rebuild checkpoint (sectors done) */
	/* version 2; all zero in version 1 */
	__u8   name[DXM_NAME_BYTES];	/* device-mapper name, NUL-padded */
	__le32 sync_interval_ms;
	__le32 sweep_max_kbps;	/* with DXM_SB_O_SWEEP_KBPS only */
	__le32 options;		/* DXM_SB_O_* */
	/*
	 * Re-add: for each leg that dropped out while in sync, the events
	 * of the last update it had; the write-intent bitmap of the legs
	 * that stayed marks every region written since (marks are not
	 * cleared while a leg is out).  0: no such record (full rebuild).
	 */
	__le64 readd_events[2];
	__u8   pad[3788];
} __attribute__((packed));

/* Remap table copy: header then one entry per spare slot. */
struct dxm_remap_header {
	__le64 magic;
	__le32 csum;		/* crc32c over header (csum = 0) + entries */
	__le32 nr_entries;	/* == spare_pages */
	__le64 seq;		/* the valid copy with the higher seq wins */
	__u8   pad[40];
} __attribute__((packed));

struct dxm_remap_entry {
	__le64 data_page;	/* data-area page remapped here, DXM_NO_PAGE
				 * (free) or DXM_RETIRED_PAGE (unusable) */
} __attribute__((packed));

#define DXM_SB_SIZE		4096
#define DXM_REMAP_HEADER_SIZE	64

#define DXM_DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define DXM_ROUND_UP(n, a)	(DXM_DIV_ROUND_UP(n, a) * (a))
#define DXM_ROUND_DOWN(n, a)	(((n) / (a)) * (a))

/* Per-leg metadata geometry, computed from the leg size alone. */
struct dxm_geometry {
	__u64 data_sectors;	/* the most data this leg can hold */
	__u64 spare_offset;
	__u64 remap_offset;
	__u64 remap_sectors;
	__u64 bitmap_offset;
	__u64 bitmap_sectors;
	__u64 sb_offset;
};

/*
 * Returns 0 and fills @g, or -1 when the leg is too small to hold the
 * metadata and at least one 2 MiB data chunk.
 */
static inline int dxm_compute_geometry(__u64 leg_sectors, __u32 region_sectors,
				       __u32 spare_pages, struct dxm_geometry *g)
{
	__u64 end, nr_regions, meta;

	if (!region_sectors || !leg_sectors)
		return -1;
	end = DXM_ROUND_DOWN(leg_sectors, DXM_PAGE_SECTORS);
	if (end < DXM_DATA_ALIGN_SECTORS)
		return -1;
	/* size the bitmap for the whole leg: a slight overestimate */
	nr_regions = DXM_DIV_ROUND_UP(end, region_sectors);
	g->bitmap_sectors = DXM_ROUND_UP(DXM_DIV_ROUND_UP(nr_regions, 8),
					 DXM_BLOCK_SIZE) >> DXM_SECTOR_SHIFT;
	g->remap_sectors = DXM_ROUND_UP(DXM_REMAP_HEADER_SIZE +
					(__u64)spare_pages * 8,
					DXM_BLOCK_SIZE) >> DXM_SECTOR_SHIFT;
	meta = DXM_PAGE_SECTORS + g->bitmap_sectors + 2 * g->remap_sectors +
	       (__u64)spare_pages * DXM_PAGE_SECTORS;
	if (meta + DXM_DATA_ALIGN_SECTORS > end)
		return -1;
	g->sb_offset = end - DXM_PAGE_SECTORS;
	g->bitmap_offset = g->sb_offset - g->bitmap_sectors;
	g->remap_offset = g->bitmap_offset - 2 * g->remap_sectors;
	g->spare_offset = g->remap_offset -
			  (__u64)spare_pages * DXM_PAGE_SECTORS;
	g->data_sectors = DXM_ROUND_DOWN(g->spare_offset,
					 DXM_DATA_ALIGN_SECTORS);
	return 0;
}

#endif /* DAXMIRROR_FORMAT_H */
