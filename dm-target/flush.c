// SPDX-License-Identifier: GPL-2.0
/*
 * The flush path: bringing the other leg up to date with DAX stores.
 *
 * DAX stores never reach the target.  direct_access() marks every region
 * it hands out "hot".  A flush (REQ_PREFLUSH bio, "flush" message,
 * interval sync, suspend, destruction) copies the hot regions from the
 * primary to the other leg and then flushes both legs.
 *
 * A region handed out before a flush may still be mapped writable in some
 * process after it (a file nobody fsynced).  Before a hot page is copied
 * its writable user mappings are therefore removed (zap.c): the next
 * store faults and calls direct_access() again, which makes the page hot
 * again.  Read-only mappings stay (a store to them faults too).  Pages
 * whose mappings cannot be known (reflink-shared pages) stay hot.  A
 * kernel user can still be between direct_access() and its store (a
 * write(2) chunk, a fault not yet installed); inflight.c keeps each
 * task's latest hand-out and every flush copies those again.  See
 * docs/design.md for the guarantee and its residual window.
 *
 * A flush normally runs in the context of the task that submits it
 * (dxm_flush_fast(): CPU copies only, no waiting, leg flushes sent
 * asynchronously, or only a fence for legs whose flush is one); whatever
 * needs block I/O or would wait is done by the flush worker instead.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/dax.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/jiffies.h>
#include <linux/vmalloc.h>
#include <linux/uaccess.h>
#include <linux/libnvdimm.h>
#include "daxmirror.h"

/* Region copies exclude writes to the regions of the same bucket. */
void dxm_region_lock(struct dxm_c *dc, unsigned long region)
{
	unsigned int b = dxm_bucket(region);

	spin_lock_irq(&dc->lock);
	__set_bit(region, dc->rs.copying);
	dc->bk.busy[b]++;
	spin_unlock_irq(&dc->lock);
	wait_event(dc->bk.wait, !atomic_read(&dc->bk.writes[b]));
}

/* The same without waiting: false when writes of the bucket are in flight. */
static bool dxm_region_trylock(struct dxm_c *dc, unsigned long region)
{
	unsigned int b = dxm_bucket(region);
	bool ok;

	spin_lock_irq(&dc->lock);
	ok = !atomic_read(&dc->bk.writes[b]);
	if (ok) {
		__set_bit(region, dc->rs.copying);
		dc->bk.busy[b]++;
	}
	spin_unlock_irq(&dc->lock);
	return ok;
}

void dxm_region_unlock(struct dxm_c *dc, unsigned long region)
{
	bool kick, idle;

	spin_lock_irq(&dc->lock);
	__clear_bit(region, dc->rs.copying);
	idle = !--dc->bk.busy[dxm_bucket(region)];
	kick = !bio_list_empty(&dc->bios.deferred);
	spin_unlock_irq(&dc->lock);
	if (kick)
		queue_work(dc->wq, &dc->bios.work);
	if (idle)
		wake_up_all(&dc->bk.wait);	/* dxm_dax_begin() */
}

/*
 * Whether leg @leg's copy of page @s is good data: a leg being rebuilt
 * holds it only behind the rebuild's cursor, and a re-added one also
 * where the bitmap has no mark (the caller holds sync_mutex).
 */
static bool dxm_copy_valid(struct dxm_c *dc, int leg, sector_t s)
{
	unsigned long reg = dxm_region(dc, s);

	if (!dc->legs[leg].stale)
		return true;
	if (READ_ONCE(dc->sweep.action) != DXM_REBUILD || leg != dc->sweep.leg)
		return false;
	return reg < dc->sweep.cursor ||
	       (dxm_sweep_sparse(dc) && !test_bit(reg, dc->bm.marked));
}

/*
 * Page-by-page copy, repairing poison on either side.  A page that no
 * leg has (bad on the source, bad or out of date on the destination) is
 * lost: counted, read as EIO, and skipped, so that a rebuild or scrub
 * goes on past it.  Only a lost page that could not be recorded fails
 * the copy.
 */
static int dxm_copy_pages(struct dxm_c *dc, sector_t start, sector_t len,
			  int from, int to)
{
	void *page = dc->copy_buf;
	sector_t s;
	int r, err = 0;

	for (s = start; s < start + len; s += DXM_PAGE_SECTORS) {
		r = dxm_data_rw(dc, from, REQ_OP_READ, s, page,
				DXM_PAGE_SECTORS);
		if (r && !dxm_rescue_page(dc, from, s, page)) {
			/* poisoned source, data still readable by the CPU */
			dxm_write_page_remap(dc, to, s, page);
			dxm_write_page_remap(dc, from, s, page);
			continue;
		}
		if (r) {
			/* poisoned source: the other copy is all there is */
			if (!dxm_copy_valid(dc, to, s) ||
			    dxm_data_rw(dc, to, REQ_OP_READ, s, page,
					DXM_PAGE_SECTORS)) {
				if (!dxm_lost_set(dc, dxm_sect_to_pages(s), true) && !err)
					err = -EIO;
				continue;
			}
			dxm_write_page_remap(dc, from, s, page);
			continue;
		}
		r = dxm_write_page_remap(dc, to, s, page);
		if (r && !err)
			err = r;
	}
	return err;
}

/*
 * Copy with the CPU between the legs' DAX mappings (callers hold
 * sync_mutex, which owns dc->copy_buf): machine-check-safe loads,
 * non-temporal stores (pmemcopy.c), fenced.  Only for runs whose remap
 * state is the same throughout (no remap, or one remapped page: each
 * leg's address is translated, a spare page lies anywhere) and without
 * known poison on the destination; returns -EAGAIN when the slow path
 * must be used (it also finds out which page of the source is poisoned).
 */
static int dxm_copy_dax(struct dxm_c *dc, sector_t start, sector_t len,
			int from, int to)
{
	long pages = dxm_sect_to_pages(len);
	size_t bytes = len << SECTOR_SHIFT;
	void *src, *dst;
	long n1, n2;
	int id, r = 0;

	if (!dc->dax || (start & 7) || (len & 7) ||
	    dxm_remap_run(dc, start, len) != len ||
	    dxm_leg_has_badblocks(dc, to, start, len))
		return -EAGAIN;
	id = dax_read_lock();
	n1 = dax_direct_access(dc->legs[from].dev->dax_dev,
			       dxm_leg_pgoff(dc, from,
					     dxm_leg_sector(dc, from, start)),
			       pages, DAX_ACCESS, &src, NULL);
	n2 = dax_direct_access(dc->legs[to].dev->dax_dev,
			       dxm_leg_pgoff(dc, to,
					     dxm_leg_sector(dc, to, start)),
			       pages, DAX_ACCESS, &dst, NULL);
	if (n1 < pages || n2 < pages)
		r = -EAGAIN;
	if (!r && dxm_copy_to_pmem(dst, src, bytes, dc->copy_buf))
		r = -EAGAIN;
	wmb();	/* the non-temporal stores are durable (ADR) */
	dax_read_unlock(id);
	return r;
}

/* Copy a data-area range between legs; the caller holds the region lock. */
int dxm_copy_range(struct dxm_c *dc, sector_t start, sector_t len, int from,
		   int to)
{
	int r;

	if (!dxm_copy_dax(dc, start, len, from, to))
		return 0;
	r = dxm_data_rw(dc, from, REQ_OP_READ, start, dc->copy_buf, len);
	if (!r)
		r = dxm_data_rw(dc, to, REQ_OP_WRITE, start, dc->copy_buf, len);
	if (!r)
		return 0;
	r = dxm_copy_pages(dc, round_down(start, 8), round_up(len, 8), from, to);
	if (r)
		DMERR_LIMIT("%s: copying sectors %llu+%llu from leg %d to leg %d: %d",
			    dxm_name(dc), (unsigned long long)start,
			    (unsigned long long)len, from, to, r);
	return r;
}

int dxm_copy_region(struct dxm_c *dc, unsigned long region, int from, int to)
{
	return dxm_copy_range(dc, dxm_region_start(dc, region),
			      dxm_region_len(dc, region), from, to);
}

/*
 * Unmap the writable mappings of the pages set in @zap (a run-length
 * walk); pages that may stay mapped are set in @kept.  False when some
 * page's mappings cannot be known.
 */
static bool dxm_zap_pages(struct dxm_c *dc, unsigned long reg,
			  const unsigned long *zap, unsigned long *kept,
			  unsigned int nr, int from)
{
	sector_t base = dxm_region_start(dc, reg), s, end, run;
	unsigned int p = 0, e;
	bool ok = true;

	while ((p = find_next_bit(zap, nr, p)) < nr) {
		e = find_next_zero_bit(zap, nr, p);
		s = base + dxm_pages_to_sect(p);
		end = base + dxm_pages_to_sect(e);
		for (; s < end; s += run) {
			run = dxm_remap_run(dc, s, end - s);
			if (!dxm_zap_writable(dc, from,
					      dxm_leg_sector(dc, from, s),
					      dxm_sect_to_pages(run), kept,
					      dxm_sect_to_pages(s - base)))
				ok = false;
			/* a file may map the page under its old identity */
			if (dxm_forget_pending(dc, dxm_sect_to_pages(s),
					       dxm_sect_to_pages(run)))
				ok = false;
		}
		p = e;
	}
	return ok;
}

/*
 * Unmap the pages set in @zap where mapped writable (those that may stay
 * mapped are set in @kept), then copy the pages set in @todo.  With
 * @nowait only CPU copies are made; -EAGAIN when one is not possible.
 */
static int dxm_sync_pages(struct dxm_c *dc, unsigned long reg,
			  const unsigned long *todo, const unsigned long *zap,
			  unsigned long *kept, unsigned int nr, int from,
			  int to, bool nowait, bool *keep_hot)
{
	sector_t base = dxm_region_start(dc, reg);
	unsigned int p = 0, e;
	int r, err = 0;

	if (dc->dax && !dxm_zap_pages(dc, reg, zap, kept, nr, from))
		*keep_hot = true;
	while ((p = find_next_bit(todo, nr, p)) < nr) {
		sector_t start = base + dxm_pages_to_sect(p);

		e = find_next_zero_bit(todo, nr, p);
		if (to >= 0) {
			if (nowait)
				r = dxm_copy_dax(dc, start, dxm_pages_to_sect(e - p),
						 from, to);
			else
				r = dxm_copy_range(dc, start,
						   dxm_pages_to_sect(e - p), from,
						   to);
			if (r && nowait)
				return r;
			if (r && !err)
				err = r;
		}
		p = e;
	}
	return err;
}

/*
 * The warm list: the regions whose warm bit was set since the last full
 * flush, so that a full flush visits those instead of scanning a bitmap
 * as large as the device (24 million bits for 1.5 TiB of pmem).  A
 * region whose warm bit is set is on the list or dc->warm.overflow is
 * set, except while a full flush that took the list runs (under
 * sync_mutex).  An entry may be stale (its warm bit was cleared by a
 * ranged flush) or repeat; a full list sets the overflow flag and the
 * next full flush scans the bitmap.  Called with dc->lock held.
 */
void dxm_warm_list_add(struct dxm_c *dc, unsigned long reg)
{
	lockdep_assert_held(&dc->lock);
	if (dc->warm.nr_list < DXM_WARM_LIST)
		dc->warm.list[dc->warm.nr_list++] = reg;
	else
		dc->warm.overflow = true;
}

/* Whether some region may be warm (cheap, without dc->lock). */
bool dxm_any_warm(struct dxm_c *dc)
{
	return READ_ONCE(dc->warm.nr_list) || READ_ONCE(dc->warm.overflow);
}

/*
 * Take the pages of region @reg to copy now into @todo: hot pages (their
 * hot bit is cleared), cooling ones (cleared once due) and, with @dirty,
 * all.  Those that may be mapped go into @zap: hot pages a fault was
 * given (their mapped bit is cleared; set again if a mapping may remain)
 * and every cooling page.  Clears the region's warm bit when nothing is
 * left in it; with @relist (a full flush that took the warm list) a
 * region left warm goes back on the list.
 */
static unsigned int dxm_take_pages(struct dxm_c *dc, unsigned long reg,
				   unsigned long *todo, unsigned long *zap,
				   bool dirty, bool relist, unsigned long now)
{
	unsigned long p0 = reg << dc->pages_shift;
	unsigned int nr = dxm_sect_to_pages(dxm_region_len(dc, reg)), i;
	unsigned int np = min_t(unsigned long, nr, dc->nr_pages - p0);
	unsigned int slot = reg % DXM_NR_BUCKETS;
	bool due;

	bitmap_zero(todo, 1U << (11 - 3));
	bitmap_zero(zap, 1U << (11 - 3));
	spin_lock_irq(&dc->lock);
	dxm_pb_pin(dc);		/* the caller may put pages back */
	due = !time_before(now, dc->warm.cool_since[slot] +
			   msecs_to_jiffies(DXM_COOL_MS));
	/* only the set bits are visited: a flush usually finds one page */
	for (i = dxm_pb_next(dc, DXM_PB_HOT, p0, p0 + np) - p0; i < np;
	     i = dxm_pb_next(dc, DXM_PB_HOT, p0 + i + 1, p0 + np) - p0) {
		dxm_pb_test_and_clear(dc, DXM_PB_HOT, p0 + i);
		__set_bit(i, todo);
		if (dxm_pb_test_and_clear(dc, DXM_PB_MAPPED, p0 + i))
			__set_bit(i, zap);
		if (dxm_pb_test(dc, DXM_PB_COOLING, p0 + i)) {
			__set_bit(i, zap);
			dc->warm.cool_since[slot] = now;
		}
	}
	for (i = dxm_pb_next(dc, DXM_PB_COOLING, p0, p0 + np) - p0; i < np;
	     i = dxm_pb_next(dc, DXM_PB_COOLING, p0 + i + 1, p0 + np) - p0) {
		if (__test_and_set_bit(i, todo))
			continue;	/* hot as well: stays cooling */
		__set_bit(i, zap);
		if (due)
			dxm_pb_test_and_clear(dc, DXM_PB_COOLING, p0 + i);
	}
	/* every hot bit of the region was cleared above */
	if (!dxm_pb_region_any(dc, DXM_PB_COOLING, reg))
		__clear_bit(reg, dc->warm.map);
	else if (relist)
		dxm_warm_list_add(dc, reg);
	spin_unlock_irq(&dc->lock);
	if (dirty)
		bitmap_fill(todo, np);
	return np;
}

/*
 * Copy what region @reg holds for the other leg (see dxm_sync_hot_locked);
 * @to < 0: no leg to copy to, the pages are only taken.
 */
static int dxm_sync_region(struct dxm_c *dc, unsigned long reg, int from,
			   int to, bool dirty, bool relist, bool nowait,
			   unsigned long now)
{
	DECLARE_BITMAP(todo, 1U << (11 - 3));	/* pages of the largest region */
	DECLARE_BITMAP(zap, 1U << (11 - 3));
	DECLARE_BITMAP(kept, 1U << (11 - 3));
	unsigned long p0 = reg << dc->pages_shift;
	bool keep_hot = false, locked = false;
	unsigned int np, i;
	int r = 0;

	/* pages of a dirty region may go back hot: it needs page state */
	if (dirty && dxm_pb_prepare(dc, p0, 1, GFP_NOIO))
		return -ENOMEM;
	np = dxm_take_pages(dc, reg, todo, zap, dirty, relist, now);
	if (bitmap_empty(todo, np))
		goto out;
	bitmap_zero(kept, np);
	if (to >= 0 && !nowait) {
		dxm_region_lock(dc, reg);
		locked = true;
	} else if (to >= 0) {
		locked = dxm_region_trylock(dc, reg);
		if (!locked)
			r = -EAGAIN;
	}
	if (!r)
		r = dxm_sync_pages(dc, reg, todo, zap, kept, np, from, to,
				   nowait, &keep_hot);
	if (!r && dirty && to >= 0) {
		spin_lock_irq(&dc->lock);
		dxm_clear_dirty(dc, reg);
		spin_unlock_irq(&dc->lock);
	}
	if (locked)
		dxm_region_unlock(dc, reg);
	if (!r && !keep_hot && bitmap_empty(kept, np))
		goto out;
	if (r || keep_hot)
		bitmap_or(kept, kept, zap, np);
	spin_lock_irq(&dc->lock);
	for_each_set_bit(i, kept, np)
		dxm_set_mapped(dc, p0 + i, 1);
	if (r || keep_hot)
		for_each_set_bit(i, todo, np)
			dxm_set_hot(dc, p0 + i, 1);
	spin_unlock_irq(&dc->lock);
out:
	dxm_pb_unpin(dc);	/* after the pages went back */
	if (dirty)
		dxm_pb_unpin(dc);
	return r;
}

/*
 * Copy the hot pages (and the cooling ones, the latest hand-out of every
 * task, and with @include_dirty the resync-pending regions) of regions
 * [first, last] to the other leg; the caller holds sync_mutex.  Cost
 * follows the hot data, not the device size: a full flush visits the
 * regions of the warm list.  Returns 0 or the first copy error (the pages
 * concerned stay hot); with @nowait, -EAGAIN as soon as something would
 * need block I/O or a wait (the rest stays hot).
 */
static int dxm_sync_hot_locked(struct dxm_c *dc, unsigned long first,
			       unsigned long last, bool include_dirty,
			       bool nowait)
{
	int from = dxm_primary(dc), to, err = 0, r = 0;
	unsigned long reg, now = jiffies, n1, n3, end;
	unsigned int i, n = 0;
	bool dirty, full, scan = true;

	lockdep_assert_held(&dc->sync_mutex);
	if (from < 0)
		return -EIO;
	to = dxm_other(dc, from);
	if (!dxm_leg_alive(dc, to))
		to = -1;	/* a stale leg being rebuilt does get copies */
	end = min(last + 1, dc->nr_regions);
	full = !first && end == dc->nr_regions && !include_dirty;

	if (dc->dax)	/* faults over now: this flush's copy is their last */
		dxm_acc_see_faults(dc, first << dc->pages_shift,
				   end << dc->pages_shift);
	spin_lock_irq(&dc->lock);
	dxm_acc_flush_begin(dc, first << dc->pages_shift,
			    end << dc->pages_shift, nowait ? current : NULL);
	if (full) {
		/* take the list; a region left warm goes back on it */
		scan = dc->warm.overflow;
		n = scan ? 0 : dc->warm.nr_list;
		swap(dc->warm.list, dc->warm.flush_list);
		dc->warm.nr_list = 0;
		dc->warm.overflow = false;
	}
	spin_unlock_irq(&dc->lock);

	for (i = 0; !scan && i < n; i++) {
		reg = dc->warm.flush_list[i];
		if (!test_bit(reg, dc->warm.map))
			continue;	/* stale: a ranged flush took it */
		r = dxm_sync_region(dc, reg, from, to, false, true, nowait,
				    now);
		if (r && !err)
			err = r;
		if (r == -EAGAIN)
			break;
	}
	for (reg = first; scan && reg < end; reg++) {
		n1 = find_next_bit(dc->warm.map, end, reg);
		n3 = include_dirty ? find_next_bit(dc->rs.dirty, end, reg) : end;
		reg = min(n1, n3);
		if (reg >= end)
			break;
		dirty = include_dirty && test_bit(reg, dc->rs.dirty);
		r = dxm_sync_region(dc, reg, from, to, dirty, full, nowait,
				    now);
		if (r && !err)
			err = r;
		if (r == -EAGAIN)
			break;
	}

	spin_lock_irq(&dc->lock);
	if (full && r == -EAGAIN) {
		/* the regions not visited are warm and off the list */
		if (scan)
			dc->warm.overflow = true;
		for (i++; !scan && i < n; i++)
			if (test_bit(dc->warm.flush_list[i], dc->warm.map))
				dxm_warm_list_add(dc, dc->warm.flush_list[i]);
	}
	dxm_acc_flush_end(dc);
	spin_unlock_irq(&dc->lock);
	return err;
}

int dxm_sync_hot(struct dxm_c *dc, unsigned long first, unsigned long last,
		 bool include_dirty)
{
	int r;

	mutex_lock(&dc->sync_mutex);
	r = dxm_sync_hot_locked(dc, first, last, include_dirty, false);
	mutex_unlock(&dc->sync_mutex);
	return r;
}

/*
 * Whether a cache flush of @leg is nothing but a store fence: a pmem
 * namespace (driver nd_pmem) of a synchronous region without flush hints.
 * That driver answers REQ_PREFLUSH with nvdimm_flush(), which for such a
 * region writes no flush hint and only fences (generic_nvdimm_flush()).
 * Its queue offers FUA exactly when the region has flush hints or a flush
 * function of its own (virtio-pmem), and only synchronous regions allow
 * MAP_SYNC.  Other legs (dm devices over pmem among them) get bios.
 *
 * The capabilities alone (a synchronous DAX device, no FUA, the arch's
 * flushcache) are not enough: device mapper marks its DAX device
 * synchronous whatever its targets' devices are, and a freed dax_device
 * hands that flag to the next one (asyncleg.c), so a dm device over
 * virtio-pmem can look synchronous.  The driver name is what tells a
 * pmem namespace; CXL pmem regions are nd_pmem namespaces too.
 */
bool dxm_leg_flush_is_fence(struct dxm_leg *leg)
{
	struct block_device *bdev = leg->dev->bdev;
	struct device *parent = disk_to_dev(bdev->bd_disk)->parent;
	struct device_driver *drv = parent ? READ_ONCE(parent->driver) : NULL;

	if (!IS_ENABLED(CONFIG_ARCH_HAS_PMEM_API) ||
	    !IS_ENABLED(CONFIG_ARCH_HAS_UACCESS_FLUSHCACHE))
		return false;
	if (!leg->dev->dax_dev || !dax_synchronous(leg->dev->dax_dev) ||
	    bdev_fua(bdev))
		return false;
	return drv && drv->name && !strcmp(drv->name, "nd_pmem");
}

/* Send a cache flush to every live leg; a leg whose flush fails is failed. */
int dxm_flush_legs(struct dxm_c *dc)
{
	int i, r, ok = 0;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		if (!dxm_leg_alive(dc, i))
			continue;
		if (dc->legs[i].flush_is_fence) {
			pmem_wmb();	/* all its driver would do */
			ok++;
			continue;
		}
		r = dxm_leg_rw(dc, i, REQ_OP_WRITE | REQ_PREFLUSH | REQ_SYNC, 0,
			       dc->cmp_buf, 0);
		if (r)
			dxm_fail_leg(dc, i, r, "flush failed");
		else
			ok++;
	}
	return ok ? 0 : -EIO;
}

static void dxm_leg_flush_endio(struct bio *lb)
{
	struct bio *bio = lb->bi_private;
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	struct dxm_c *dc = bio->bi_private;
	unsigned long flags;

	if (lb->bi_status)
		WRITE_ONCE(pb->flush_failed, true);
	bio_put(lb);
	if (!atomic_dec_and_test(&pb->flushes))
		return;
	if (READ_ONCE(pb->flush_failed)) {
		/* the worker flushes again and fails the leg that refuses */
		spin_lock_irqsave(&dc->lock, flags);
		bio_list_add(&dc->bios.flushes, bio);
		spin_unlock_irqrestore(&dc->lock, flags);
		queue_work(dc->sync_wq, &dc->bios.flush_work);
		return;
	}
	bio_endio(bio);
}

/*
 * Handle a flush in the submitter's context when no block I/O and no
 * wait is needed: copy what is hot with the CPU, then send a cache flush
 * to every live leg that needs more than a fence and complete @bio when
 * they are done (the bios are issued once the map function returns; with
 * none, @bio is complete on return).  Returns false (nothing pending,
 * part may be copied) when the flush worker must do it.
 */
bool dxm_flush_fast(struct dxm_c *dc, struct bio *bio)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	struct bio *lbs[DXM_NR_LEGS];
	unsigned int i, n = 0, live = 0;
	int r;

	if (!mutex_trylock(&dc->sync_mutex))
		return false;
	r = dxm_sync_hot_locked(dc, 0, dc->nr_regions - 1, false, true);
	mutex_unlock(&dc->sync_mutex);
	if (r)
		return false;
	for (i = 0; i < DXM_NR_LEGS; i++) {
		if (!dxm_leg_alive(dc, i))
			continue;
		live++;
		if (dc->legs[i].flush_is_fence)
			continue;
		lbs[n] = bio_alloc_bioset(dc->legs[i].dev->bdev, 0,
					  REQ_OP_WRITE | REQ_PREFLUSH |
					  REQ_SYNC, GFP_NOIO, &dc->flush_bs);
		lbs[n]->bi_private = bio;
		lbs[n]->bi_end_io = dxm_leg_flush_endio;
		n++;
	}
	if (!live)
		return false;
	if (n < live)
		pmem_wmb();	/* the whole flush of the fence-only legs */
	if (!n) {
		bio_endio(bio);
		return true;
	}
	bio->bi_private = dc;
	atomic_set(&pb->flushes, n);
	pb->flush_failed = false;
	for (i = 0; i < n; i++)
		submit_bio_noacct(lbs[i]);
	return true;
}

void dxm_flush_work(struct work_struct *work)
{
	struct dxm_c *dc = container_of(work, struct dxm_c, bios.flush_work);
	struct bio_list batch;
	struct bio *bio;
	blk_status_t st = BLK_STS_OK;

	spin_lock_irq(&dc->lock);
	batch = dc->bios.flushes;
	bio_list_init(&dc->bios.flushes);
	spin_unlock_irq(&dc->lock);
	if (bio_list_empty(&batch))
		return;

	/*
	 * A copy error leaves the region hot; the flush fails only when no
	 * leg can take the data at all.
	 */
	dxm_sync_hot(dc, 0, dc->nr_regions - 1, false);
	if (dxm_flush_legs(dc))
		st = BLK_STS_IOERR;
	while ((bio = bio_list_pop(&batch))) {
		bio->bi_status = st;
		bio_endio(bio);
	}
}
