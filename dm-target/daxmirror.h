/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-daxmirror: internal definitions shared by the target's files.
 *
 * daxmirror.c  target glue: ctr/dtr, suspend/resume, module init
 * table.c      constructor argument parsing
 * metadata.c   superblocks and the persistent write-intent bitmap
 * io.c         the block I/O path (mirrored writes, read failover)
 * dax.c        direct_access, zero_page_range, recovery_write
 * flush.c      the flush path: hot-region tracking and replica sync
 * failover.c   the primary's pages unmapped when it stops being primary
 * inflight.c   DAX hand-outs that may still be in flight
 * zap.c        unmapping the primary's pages from processes
 * pmemcopy.c   the machine-check-safe CPU copy between the legs
 * resync.c     the background worker: resync, rebuild, check/repair
 * poison.c     bad-block scanning and repair from the good leg
 * remap.c      remapping of unrepairable pages to the spare pool
 * holder.c     memory-failure notifications from the legs (no SIGBUS)
 * status.c     the status line
 * message.c    target messages
 * primary.c    which leg is the primary (sticky, kept across reloads)
 * forget.c     files forget a leg's pages when the primary changes
 * pagebits.c   the sparse per-page state: hot, cooling, mapped
 * notify.c     lost pages reported to the filesystem above
 * hold.c       references on moved pages until files forgot the old ones
 * pmd.c        which 2 MiB faults get 4 KiB pages instead
 * legpar.c     large writes: the second leg written from another CPU
 * pmemwrite.c  bio writes copied straight into pmem legs
 */
#ifndef DM_DAXMIRROR_H
#define DM_DAXMIRROR_H

#include <linux/device-mapper.h>
#include <linux/dm-io.h>
#include <linux/spinlock.h>
#include <linux/llist.h>
#include <linux/workqueue.h>
#include <linux/wait.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/dax.h>
#include <linux/xarray.h>
#include <linux/blkdev.h>
#include "compat.h"
#include "../include/daxmirror_format.h"
#include "../include/daxmirror_validate.h"
#include "../include/daxmirror_status.h"

#define DM_MSG_PREFIX "daxmirror"

#define DXM_NR_LEGS	2
#define DXM_WARM_LIST	4096	/* warm regions a full flush visits */
#define DXM_NR_BUCKETS	256	/* in-flight write counters, hashed by region */
/* write pieces end at multiples of this (or of the region size, if larger) */
#define DXM_WRITE_SPAN_SECTORS	2048	/* 1 MiB */

/* Per-page state of the flush path, kept per chunk of pages (pagebits.c). */
enum dxm_pb {
	DXM_PB_HOT,			/* DAX may have made the page differ */
	DXM_PB_COOLING,			/* to copy until a time */
	DXM_PB_MAPPED,			/* may be mapped by a process */
	DXM_PB_NR,
};

#define DXM_CHUNK_SHIFT	12		/* 4096 pages: 16 MiB of data */
#define DXM_CHUNK_PAGES	(1UL << DXM_CHUNK_SHIFT)

struct dxm_chunk {
	unsigned int nr[DXM_PB_NR];	/* set bits of each kind */
	unsigned long bits[DXM_PB_NR][BITS_TO_LONGS(DXM_CHUNK_PAGES)];
};

struct dxm_args {
	char *leg_path[DXM_NR_LEGS];	/* NULL for "-" */
	u32 region_sectors;
	u32 spare_pages;
	u32 sync_interval_ms;
	u32 sweep_max_kbps;		/* sweep_given: else the module's */
	bool region_given;
	bool spare_given;
	bool interval_given;
	bool sweep_given;
	bool no_dax;
	bool nosync;
	bool pmd_always;		/* never decline 2 MiB faults (pmd.c) */
	bool grow;			/* len may grow the data area */
	int rebuild_leg;		/* -1: none */
};

struct dxm_leg {
	struct dm_dev *dev;		/* NULL when given as "-" */
	struct dm_dev nodax;		/* copy of *dev without dax_dev */
	int index;
	bool dead;			/* no I/O is sent to it */
	bool blank;			/* no superblock at ctr time */
	bool formatted;			/* formatted by this instance */
	bool stale;			/* out of date: must be rebuilt */
	bool readd;			/* stale only where the bitmap marks */
	bool flush_is_fence;		/* its cache flush only fences */
	sector_t nr_sectors;		/* size of the leg device */
	struct dxm_superblock *sb;	/* in-memory copy */
	struct dxm_geometry geo;
	void *bitmap_kaddr;		/* DAX address of the on-leg bitmap */
	struct xarray remaps;		/* data page -> spare slot */
	u64 *slots;			/* spare slot -> data page */
	void *remap_img;		/* table image for writes */
	struct mutex remap_mutex;	/* slots and table updates */
	u32 nr_spare;
	u32 nr_remapped;
	int remap_cur;			/* current table copy (0 = A) */
	u64 remap_seq;
	unsigned int bb_seen;		/* badblocks sequence at the last scan */
	struct dax_device *holder;	/* we are its DAX holder (holder.c) */
	atomic_t errors;		/* failed bios since the table was loaded */
};

/* The latest DAX hand-out of a task (inflight.c). */
#define DXM_ACC_BITS	6
#define DXM_NR_ACC	(1U << DXM_ACC_BITS)
#define DXM_COOL_MS	50

struct dxm_accessor {
	struct task_struct *task;	/* NULL: free slot */
	struct pid *pid;		/* the task's (referenced) */
	u64 syscalls;			/* its read/write calls at the hand-out */
	u32 seq;			/* which hand-out (dc->acc.seq) */
	bool over;			/* a mapping's fault seen over */
	bool mapped;			/* for a mapping, not a kernel copy */
	unsigned long page;		/* first data page handed out */
	unsigned long nr;		/* pages */
	unsigned int gen;		/* dc->warm.flush_gen at the hand-out */
	unsigned long copied;		/* jiffies of the first flush since */
};

/* DXM_IDLE, DXM_RESYNC, ...: the status line's action names */
#define DXM_ACTION_ENUM(id, ...) DXM_##id,
enum dxm_action {
	DXM_ACTION_LIST(DXM_ACTION_ENUM)
};

#undef DXM_ACTION_ENUM

/* inflight.c: each task's latest DAX hand-out, while it may be in flight */
struct dxm_acc_table {
	struct dxm_accessor slot[DXM_NR_ACC];
	DECLARE_BITMAP(used, DXM_NR_ACC);	/* slots with a task */
	u32 seq;				/* hand-outs so far */
};

/* metadata.c: the write-intent bitmap as the legs hold it (dc->lock) */
struct dxm_wib {
	unsigned long *marked;		/* set in the on-leg bitmap */
	bool writeback_due;		/* the on-leg copies need a write-back */
	struct mutex mutex;		/* orders the write-backs */
	void *snap;			/* write-back snapshot (@mutex) */
	unsigned long clears;		/* clearing passes */
	unsigned long clears_flushed;	/* ...whose data a flush covered */
	unsigned long next_clear;	/* jiffies: next lazy clearing pass */
	unsigned long mark_gen;		/* marks set for write-back */
	unsigned long durable_gen;	/* ...of them on the media */
};

/* pmd.c: 2 MiB ranges whose PMD faults are declined for a while */
#define DXM_PMD_PAGES	(PMD_SIZE >> PAGE_SHIFT)
struct dxm_pmd_range {
	u8 count;			/* recent 2 MiB hand-outs, decaying */
	u8 sec;				/* second of the last (mod 255, 0: none) */
	u8 flush;			/* flush it followed (pmd.c) */
};
struct dxm_pmd {
	unsigned long nr;		/* 2 MiB ranges of the data area */
	struct dxm_pmd_range *range;
};

/*
 * pagebits.c: the sparse per-page state (a chunk of bits per 16 MiB with
 * a page that has state) and the region bitmaps, with the counters the
 * status line reads without a scan; under dc->lock.
 */
struct dxm_regions {
	struct dxm_chunk **chunks;	/* per-page state; NULL: all clear */
	unsigned long nr_chunks;
	atomic_t pins;			/* chunks must not be freed */
	unsigned long *dirty;		/* must be resynced (crash, initial) */
	unsigned long *copying;		/* being copied/compared right now */
	/* regions a fault was given pages of: files may name them */
	unsigned long *faulted;
	unsigned long nr_dirty;		/* set bits of @dirty */
	unsigned long nr_hot;		/* regions with a hot page */
	unsigned long nr_out_of_sync;	/* regions dirty or with a hot page */
};

/*
 * flush.c, io.c, dax.c: a region copy and a write of the same bucket of
 * regions exclude each other; @busy under dc->lock.
 */
struct dxm_buckets {
	u8 busy[DXM_NR_BUCKETS];	/* region copies running */
	atomic_t writes[DXM_NR_BUCKETS];	/* bio writes, DAX hand-outs */
	wait_queue_head_t wait;		/* writes[] or busy[] went to 0 */
};

/*
 * io.c, flush.c: bios the map function leaves to a worker; the lists
 * under dc->lock.
 */
struct dxm_bioq {
	struct bio_list deferred;	/* writes waiting for a region copy */
	struct bio_list need_mark;	/* writes waiting for a bitmap write */
	struct bio_list failed;		/* writes that failed on a leg */
	struct work_struct work;	/* the three lists, on dc->wq */
	struct bio_list flushes;	/* REQ_PREFLUSH bios to process */
	struct work_struct flush_work;	/* @flushes, on dc->sync_wq */
};

/*
 * forget.c, zap.c: leg pages that files must forget before they are
 * reused (a failover or a remap moved their data), and the last inode
 * references a zap could not drop in its own context.
 */
struct dxm_forget {
	struct xarray pages;		/* (leg page << 1 | leg) -> data page */
	struct work_struct work;	/* walks @pages */
	struct work_struct iput_work;	/* drops the references in @iputs */
	struct llist_head iputs;
};

/*
 * resync.c: the background worker and the sweep it runs (resync, rebuild,
 * check, repair), the interval sync and the rebuild checkpoints
 */
struct dxm_sweep {
	struct delayed_work work;
	enum dxm_action action;
	int leg;			/* leg being resynced/rebuilt */
	unsigned long cursor;		/* next region of the sweep */
	atomic64_t mismatches;		/* of the last check/repair */
	unsigned long last_interval_sync;	/* jiffies */
	unsigned long last_checkpoint;	/* jiffies, rebuild progress */
};

/*
 * failover.c, io.c: a read that failed on one leg is retried on the
 * other; a primary that fails or is rebuilt hands over to the other leg
 * (its pages unmapped by the work, on its own workqueue).
 */
struct dxm_failover {
	struct bio_list reads;		/* reads to retry on the other leg */
	struct workqueue_struct *wq;	/* unmaps after a failover */
	struct work_struct work;	/* after the primary failed */
	int primary;			/* the primary that failed */
	unsigned int gen;		/* its hold walk (hold.c) */
	/* held for reading by direct_access, for writing by a failover */
	struct rw_semaphore sem;
};

/*
 * flush.c, inflight.c: which regions have hot or cooling DAX pages, so
 * that a flush visits only those, and the flush generation hand-outs are
 * checked against; under dc->lock.
 */
struct dxm_warm {
	unsigned long *map;		/* regions with hot or cooling pages */
	/* regions warmed since the last full flush (dxm_warm_list_add()) */
	unsigned long *list;
	unsigned int nr_list;
	bool overflow;			/* a warm region is not on the list */
	unsigned long *flush_list;	/* taken by a full flush (swapped) */
	unsigned long cool_since[DXM_NR_BUCKETS];
	unsigned int flush_gen;		/* odd while a flush clears pages */
};

/*
 * poison.c: data pages bad on both legs (EIO for them, counted in the
 * status line); notify.c reports them to the filesystem above
 */
struct dxm_lost {
	struct xarray pages;		/* data page -> 1 */
	atomic64_t count;		/* entries of @pages */
	struct work_struct notify_work;	/* reports the pages in @notify */
	struct xarray notify;		/* data pages to report lost */
};

/* legpar.c: second clones of large write pieces, sent from another CPU */
struct dxm_legpar {
	spinlock_t lock;		/* @bios, @copies, @active */
	struct bio_list bios;
	struct list_head copies;	/* dxm_legcopy the worker may join */
	struct work_struct work;
	struct workqueue_struct *wq;
	bool active;			/* @work queued or running (@lock) */
	struct task_struct *writer;	/* the latest submitter seen */
	unsigned long writer_seen;	/* jiffies, when another one was */
};

/* hold.c: references on moved pages until files forgot the old ones */
struct dxm_hold {
	struct mutex mutex;		/* the fields below */
	struct xarray held;		/* data page -> page we hold a ref on */
	struct xarray pending;		/* data page -> moves not forgotten */
	unsigned int gen;		/* of the newest leg walk */
	bool walking;			/* it has not ended */
	unsigned long cursor;		/* data pages below: it passed */
};

struct dxm_c {
	struct dm_target *ti;
	struct list_head instances;	/* holder.c's list of instances */
	struct dxm_args args;
	struct dxm_leg legs[DXM_NR_LEGS];
	struct dm_io_client *io_client;
	struct bio_set flush_bs;	/* leg flushes of the fast path */
	struct bio_set write_bs;	/* a write's clone per leg (io.c) */

	sector_t data_sectors;		/* mirrored data area */
	sector_t grow_from;		/* grown by this table: the old size */
	u32 region_sectors;
	unsigned int region_shift;
	unsigned long nr_regions;
	bool dax;			/* offer DAX (both legs DAX, !no_dax) */
	bool need_format;

	spinlock_t lock;		/* protects the bitmaps and lists below */
	unsigned long nr_pages;		/* 4 KiB pages of the data area */
	unsigned int pages_shift;	/* log2(pages per region) */
	struct dxm_regions rs;		/* page and region state (pagebits.c) */
	struct dxm_warm warm;		/* regions with DAX pages out (flush.c) */
	struct dxm_acc_table acc;	/* in-flight DAX hand-outs */
	struct dxm_buckets bk;		/* region copies against writes */
	struct dxm_bioq bios;		/* bios for the workers (io.c) */
	struct dxm_wib bm;		/* the on-leg write-intent bitmap */
	struct mutex sb_mutex;		/* the one superblock writer */

	struct workqueue_struct *wq;	/* bio work, events */
	struct workqueue_struct *sync_wq;	/* flushes, sweeps */
	bool activated;			/* first resume done */
	struct dxm_forget forget;	/* old pages files forget (forget.c) */
	struct dxm_hold hold;		/* references on moved pages */
	struct dxm_pmd pmd;		/* declined 2 MiB faults (pmd.c) */
	struct dxm_legpar legpar;	/* legs written from two CPUs */
	int primary;			/* see primary.c; -1: not chosen */
	struct work_struct event_work;
	struct mutex sync_mutex;	/* serialises region copies */
	struct dxm_failover failover;	/* the primary's replacement */

	struct dxm_sweep sweep;		/* the background worker (resync.c) */
	struct dxm_lost lost;		/* pages bad on both legs */
	bool rescan_pending;		/* a leg reported new poison */
	atomic_t first_error;
	bool suspended;

	void *copy_buf;			/* one region, for copies */
	void *cmp_buf;			/* one region, for compares */
};

/*
 * A write piece copied straight into every live leg by its submitter and
 * the legpar worker together, in chunks either takes (legpar.c).
 */
#define DXM_LEGCOPY_CHUNK	(64U << 10)

struct dxm_legcopy {
	struct list_head node;		/* on legpar.copies until taken */
	struct bio *bio;
	struct bvec_iter iter;		/* the piece */
	void *dst[DXM_NR_LEGS];		/* the piece in each leg's memory */
	int leg[DXM_NR_LEGS];
	unsigned int nr_dst;
	unsigned int chunks;		/* of the piece, per leg */
	atomic_t next;			/* chunks claimed */
	atomic_t parties;		/* copiers not done: 2, 1, 0 */
	unsigned long err;		/* bit per leg that went away */
	void (*done)(struct bio *bio, unsigned long err);
};

/* per-bio data */
struct dxm_bio {
	struct bvec_iter saved_iter;
	int leg;			/* leg a read was sent to */
	bool lost;			/* a write to a lost page */
	atomic_t flushes;		/* leg flushes still running */
	bool flush_failed;
	atomic_t writes;		/* leg clones of a write still running */
	unsigned long write_err;	/* bit per leg whose clone failed */
	unsigned int write_left;	/* bytes from this piece to the end */
	struct dxm_legcopy copy;	/* legpar.c */
};

/* A write's clone for one leg (write_bs front pad). */
struct dxm_clone {
	int leg;
	struct bio bio;
};

/* legpar.c */
int dxm_legpar_init(struct dxm_c *dc);
void dxm_legpar_exit(struct dxm_c *dc);
bool dxm_legpar_wanted(struct dxm_c *dc, unsigned int left);
bool dxm_legpar_submit(struct dxm_c *dc, struct bio *clone);
bool dxm_legpar_copy(struct dxm_c *dc, struct dxm_legcopy *c);

/* pmemwrite.c */
void *dxm_write_kaddr(struct dxm_c *dc, int leg, sector_t sector,
		      unsigned int bytes);
void dxm_write_copy(struct bio *bio, struct bvec_iter it, void *dst);

/* primary.c */
void dxm_primary_restore(struct dxm_c *dc);
void dxm_primary_save(struct dxm_c *dc);
bool dxm_primary_known(struct dxm_c *dc);
void dxm_primary_exit(void);

/* table.c */
int dxm_parse_args(struct dm_target *ti, unsigned int argc, char **argv,
		   struct dxm_args *args);
void dxm_free_args(struct dxm_args *args);
int dxm_parse_sweep_kbps(const char *s, u32 *out);

/* metadata.c */
int dxm_leg_rw(struct dxm_c *dc, int leg, blk_opf_t op, sector_t sector,
	       void *buf, sector_t count);
int dxm_read_superblocks(struct dxm_c *dc);
int dxm_format(struct dxm_c *dc);
int dxm_write_superblocks(struct dxm_c *dc);
int dxm_derive_stale(struct dxm_c *dc);
int dxm_plan_grow(struct dxm_c *dc);
int dxm_grow_mark(struct dxm_c *dc);
int dxm_refresh_superblocks(struct dxm_c *dc);
unsigned long dxm_rebuild_checkpoint(struct dxm_c *dc, int leg);
int dxm_bitmap_init(struct dxm_c *dc);
void dxm_bitmap_exit(struct dxm_c *dc);
int dxm_bitmap_mark(struct dxm_c *dc, unsigned long first, unsigned long last);
int dxm_bitmap_writeback(struct dxm_c *dc);
bool dxm_bitmap_mark_is_sync(struct dxm_c *dc);

/* io.c */
int dxm_map(struct dm_target *ti, struct bio *bio);
int dxm_end_io(struct dm_target *ti, struct bio *bio, blk_status_t *error);
void dxm_bio_work(struct work_struct *work);
void dxm_write_done_region(struct dxm_c *dc, unsigned int bucket);
void dxm_fail_leg(struct dxm_c *dc, int leg, int err, const char *why);

/* dax.c */
long dxm_dax_direct_access(struct dm_target *ti, pgoff_t pgoff, long nr_pages,
			   enum dax_access_mode mode, void **kaddr,
			   dxm_pfn_t *pfn);
int dxm_dax_zero_page_range(struct dm_target *ti, pgoff_t pgoff,
			    size_t nr_pages);
size_t dxm_dax_recovery_write(struct dm_target *ti, pgoff_t pgoff, void *addr,
			      size_t bytes, struct iov_iter *i);
int dxm_dax_map_bitmap(struct dxm_c *dc, int leg);

/* flush.c */
void dxm_flush_work(struct work_struct *work);
int dxm_sync_hot(struct dxm_c *dc, unsigned long first, unsigned long last,
		 bool all_hot);
int dxm_copy_region(struct dxm_c *dc, unsigned long region, int from, int to);
int dxm_copy_range(struct dxm_c *dc, sector_t start, sector_t len, int from,
		   int to);
bool dxm_flush_fast(struct dxm_c *dc, struct bio *bio);
bool dxm_leg_flush_is_fence(struct dxm_leg *leg);
void dxm_warm_list_add(struct dxm_c *dc, unsigned long reg);
bool dxm_any_warm(struct dxm_c *dc);
int dxm_flush_legs(struct dxm_c *dc);
void dxm_region_lock(struct dxm_c *dc, unsigned long region);
void dxm_region_unlock(struct dxm_c *dc, unsigned long region);

/* inflight.c */
void dxm_set_hot(struct dxm_c *dc, unsigned long page, unsigned long nr);
void dxm_set_cooling(struct dxm_c *dc, unsigned long page, unsigned long nr);
void dxm_set_mapped(struct dxm_c *dc, unsigned long page, unsigned long nr);
void dxm_note_handout(struct dxm_c *dc, unsigned long page, unsigned long nr,
		      bool mapped);
void dxm_acc_flush_begin(struct dxm_c *dc, unsigned long first,
			 unsigned long end, struct task_struct *flusher);
void dxm_acc_flush_end(struct dxm_c *dc);
void dxm_acc_exit(struct dxm_c *dc);
void dxm_acc_see_faults(struct dxm_c *dc, unsigned long first,
			unsigned long end);
void dxm_acc_make_room(struct dxm_c *dc, bool mapped);
bool dxm_acc_overlaps(struct dxm_c *dc, unsigned long first,
		      unsigned long end);
bool dxm_acc_any(struct dxm_c *dc);
bool dxm_region_unsettled(struct dxm_c *dc, unsigned long r);
bool dxm_page_unsettled(struct dxm_c *dc, unsigned long page);

/* failover.c */
void dxm_failover_sync(struct dxm_c *dc);
void dxm_failover_work(struct work_struct *work);
void dxm_unmap_all(struct dxm_c *dc, int leg);

/* pagebits.c */
int dxm_pb_init(struct dxm_c *dc);
void dxm_pb_exit(struct dxm_c *dc);
int dxm_pb_prepare(struct dxm_c *dc, unsigned long page, unsigned long nr,
		   gfp_t gfp);
void dxm_pb_pin(struct dxm_c *dc);
void dxm_pb_unpin(struct dxm_c *dc);
bool dxm_pb_test(struct dxm_c *dc, enum dxm_pb kind, unsigned long page);
bool dxm_pb_region_any(struct dxm_c *dc, enum dxm_pb kind, unsigned long r);
void dxm_pb_set(struct dxm_c *dc, enum dxm_pb kind, unsigned long page,
		unsigned long nr);
bool dxm_pb_test_and_clear(struct dxm_c *dc, enum dxm_pb kind,
			   unsigned long page);
unsigned long dxm_pb_next(struct dxm_c *dc, enum dxm_pb kind,
			  unsigned long from, unsigned long end);
unsigned long dxm_pb_next_region(struct dxm_c *dc, enum dxm_pb kind,
				 unsigned long r);
void dxm_clear_dirty(struct dxm_c *dc, unsigned long r);
void dxm_pb_recount(struct dxm_c *dc);
void dxm_pb_reclaim(struct dxm_c *dc);

/* notify.c */
void dxm_notify_lost(struct dxm_c *dc, u64 page);
void dxm_notify_work(struct work_struct *work);
struct dax_device *dxm_own_dax(struct dxm_c *dc);

/* asyncleg.c */
int dxm_check_async_legs(struct dxm_c *dc, bool first_resume);
void dxm_async_legs_exit(void);

/* forget.c */
void dxm_forget_leg(struct dxm_c *dc, int leg, unsigned int hold_gen);
void dxm_forget_later(struct dxm_c *dc, int leg, sector_t leg_sector,
		      unsigned long page);
bool dxm_forget_pending(struct dxm_c *dc, unsigned long first,
			unsigned long nr);
void dxm_forget_work(struct work_struct *work);

/* hold.c */
#ifdef DXM_FSDAX_REFCOUNTED
void dxm_hold_init(struct dxm_c *dc);
void dxm_hold_destroy(struct dxm_c *dc);
long dxm_hold_clip(struct dxm_c *dc, unsigned long page, long nr,
		   dxm_pfn_t pfn);
void dxm_hold_moving(struct dxm_c *dc, unsigned long page);
void dxm_hold_moved(struct dxm_c *dc, unsigned long page);
unsigned int dxm_hold_walk_start(struct dxm_c *dc);
void dxm_hold_walk_pass(struct dxm_c *dc, unsigned int gen,
			unsigned long page);
void dxm_hold_walk_end(struct dxm_c *dc, unsigned int gen);
#else
/* before 6.15 a fault maps any page direct_access returns: nothing held */
static inline void dxm_hold_init(struct dxm_c *dc) {}
static inline void dxm_hold_destroy(struct dxm_c *dc) {}
static inline long dxm_hold_clip(struct dxm_c *dc, unsigned long page,
				 long nr, dxm_pfn_t pfn)
{
	return nr;
}

static inline void dxm_hold_moving(struct dxm_c *dc, unsigned long page) {}
static inline void dxm_hold_moved(struct dxm_c *dc, unsigned long page) {}
static inline unsigned int dxm_hold_walk_start(struct dxm_c *dc)
{
	return 0;
}

static inline void dxm_hold_walk_pass(struct dxm_c *dc, unsigned int gen,
				      unsigned long page) {}
static inline void dxm_hold_walk_end(struct dxm_c *dc, unsigned int gen) {}
#endif

/* zap.c */
void dxm_iput_work(struct work_struct *work);
void dxm_zap_page(struct dxm_c *dc, int leg, sector_t leg_sector);
bool dxm_zap_writable(struct dxm_c *dc, int leg, sector_t leg_sector,
		      long pages, unsigned long *kept, unsigned int bit);
bool dxm_fault_over(struct dxm_c *dc, unsigned long page, bool clean_ok);

/* pmd.c */
int dxm_pmd_init(struct dxm_c *dc);
void dxm_pmd_exit(struct dxm_c *dc);
long dxm_pmd_clamp(struct dxm_c *dc, unsigned long page, long nr_pages);

/* pmemcopy.c */
int dxm_copy_to_pmem(void *dst, const void *src, size_t len, void *bounce);
int dxm_pmemcopy_selftest(void);

/* holder.c */
void dxm_holder_init(struct dxm_c *dc);
int dxm_holder_activate(struct dxm_c *dc, int (*activate)(struct dxm_c *));
void dxm_holder_register(struct dxm_c *dc);
void dxm_holder_unregister(struct dxm_c *dc);

/* resync.c */
void dxm_sync_work(struct work_struct *work);
void dxm_start_action(struct dxm_c *dc, enum dxm_action action, int target);
void dxm_stop_action(struct dxm_c *dc);
void dxm_raise_event(struct dxm_c *dc);
unsigned long dxm_out_of_sync_regions(struct dxm_c *dc);
unsigned long dxm_hot_regions(struct dxm_c *dc);
void dxm_workers_init(struct dxm_c *dc);

/* poison.c */
int dxm_rescan(struct dxm_c *dc);
int dxm_repair_range(struct dxm_c *dc, int bad, int good, sector_t sector,
		     sector_t nr);
bool dxm_leg_has_badblocks(struct dxm_c *dc, int leg, sector_t sector,
			   sector_t nr);
void dxm_request_rescan(struct dxm_c *dc);
int dxm_rescue_page(struct dxm_c *dc, int leg, sector_t s, void *buf);
bool dxm_badblocks_changed(struct dxm_c *dc);
int dxm_write_page_remap(struct dxm_c *dc, int leg, sector_t page_sector,
			 void *data);
bool dxm_lost_set(struct dxm_c *dc, u64 page, bool lost);
bool dxm_range_lost(struct dxm_c *dc, sector_t sector, sector_t nr,
		    sector_t *run);

/* remap.c */
int dxm_remap_load(struct dxm_c *dc, int leg);
void dxm_remap_free(struct dxm_leg *leg);
sector_t dxm_leg_sector(struct dxm_c *dc, int leg, sector_t sector);
sector_t dxm_remap_run(struct dxm_c *dc, sector_t sector, sector_t max);
int dxm_data_rw(struct dxm_c *dc, int leg, blk_opf_t op, sector_t sector,
		void *buf, sector_t count);
int dxm_remap_page(struct dxm_c *dc, int leg, u64 page, void *data);
u32 dxm_spare_free(struct dxm_leg *leg);

/* status.c */
void dxm_status(struct dm_target *ti, status_type_t type,
		unsigned int status_flags, char *result, unsigned int maxlen);

/* message.c */
int dxm_message(struct dm_target *ti, unsigned int argc, char **argv,
		char *result, unsigned int maxlen);

static inline unsigned long dxm_region(struct dxm_c *dc, sector_t sector)
{
	return sector >> dc->region_shift;
}

static inline sector_t dxm_region_start(struct dxm_c *dc, unsigned long r)
{
	return (sector_t)r << dc->region_shift;
}

static inline sector_t dxm_region_len(struct dxm_c *dc, unsigned long r)
{
	sector_t start = dxm_region_start(dc, r);

	return min_t(sector_t, dc->region_sectors, dc->data_sectors - start);
}

static inline unsigned int dxm_bucket(unsigned long region)
{
	return hash_long(region, 8) & (DXM_NR_BUCKETS - 1);
}

static inline bool dxm_leg_alive(struct dxm_c *dc, int leg)
{
	return dc->legs[leg].dev && !dc->legs[leg].dead;
}

/* A leg alive and in sync (@leg may be -1: none). */
static inline bool dxm_leg_good(struct dxm_c *dc, int leg)
{
	return leg >= 0 && dxm_leg_alive(dc, leg) && !dc->legs[leg].stale;
}

/* Both legs alive and in sync: none out, none being rebuilt. */
static inline bool dxm_all_legs_in_sync(struct dxm_c *dc)
{
	int i;

	for (i = 0; i < DXM_NR_LEGS; i++)
		if (!dxm_leg_good(dc, i))
			return false;
	return true;
}

/* The other leg of a two-leg mirror. */
static inline int dxm_other(struct dxm_c *dc, int leg)
{
	return DXM_NR_LEGS - 1 - leg;
}

/*
 * The current primary (primary.c), or -1 when no leg is alive and in
 * sync.  When the primary is no longer good, the first good leg becomes
 * the primary.
 */
static inline int dxm_primary(struct dxm_c *dc)
{
	int p = READ_ONCE(dc->primary), i;

	if (dxm_leg_good(dc, p))
		return p;
	for (i = 0; i < DXM_NR_LEGS; i++) {
		if (!dxm_leg_good(dc, i))
			continue;
		/* racing callers see the same legs and pick the same one */
		cmpxchg(&dc->primary, p, i);
		return i;
	}
	return -1;
}

/*
 * Whether the running sweep is a re-add: a rebuild of a leg that needs
 * only the marked regions (dxm_readd_ok()).
 */
static inline bool dxm_sweep_sparse(struct dxm_c *dc)
{
	int leg = READ_ONCE(dc->sweep.leg);

	return READ_ONCE(dc->sweep.action) == DXM_REBUILD && leg >= 0 &&
	       READ_ONCE(dc->legs[leg].readd);
}

/*
 * Data pages and sectors.  The format counts 4 KiB pages of 8 sectors
 * (DXM_PAGE_SECTORS); dxm_init() refuses to build where PAGE_SIZE is not
 * 4 KiB.
 */
static inline sector_t dxm_sect_to_pages(sector_t sectors)
{
	return sectors >> DXM_PAGE_SECTORS_SHIFT;
}

static inline sector_t dxm_pages_to_sect(sector_t pages)
{
	return pages << DXM_PAGE_SECTORS_SHIFT;
}

/*
 * The write-intent bitmap on the media is little-endian: region r is
 * bit r % 8 of byte r / 8 (what the admin tool reads), whatever the
 * CPU.  A word of the in-memory bitmap to or from its media form (the
 * same swap both ways; nothing on little-endian machines).
 */
static inline unsigned long dxm_bm_word_le(unsigned long word)
{
#if BITS_PER_LONG == 64
	return (__force unsigned long)cpu_to_le64(word);
#else
	return (__force unsigned long)cpu_to_le32(word);
#endif
}

/* A leg's DAX page offset for a leg sector (partition offset included). */
static inline pgoff_t dxm_leg_pgoff(struct dxm_c *dc, int leg, sector_t sector)
{
	return (get_start_sect(dc->legs[leg].dev->bdev) + sector) >>
	       (PAGE_SHIFT - SECTOR_SHIFT);
}

static inline const char *dxm_name(struct dxm_c *dc)
{
	return dm_table_device_name(dc->ti->table);
}

#endif /* DM_DAXMIRROR_H */
