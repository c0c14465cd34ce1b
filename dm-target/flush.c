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
 * process after it (a file nobody fsynced).  Before a hot region is copied
 * its user mappings are therefore removed (each fsdax page records its
 * mapping and index): the next store faults and calls direct_access()
 * again, which makes the region hot again.  Pages whose mapping cannot be
 * removed (reflink-shared pages) keep their region hot.  A kernel user can
 * still be between direct_access() and its store (a write(2) chunk, a
 * fault not yet installed); to cover that window a copied region stays
 * "cooling" and is copied once more at the first flush that comes at least
 * DXM_COOL_MS after it was cleared.  See docs/design.md.
 */
#include <linux/bio.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pfn_t.h>
#include <linux/jiffies.h>
#include <linux/vmalloc.h>
#include "daxmirror.h"

#define DXM_COOL_MS	1000

/* Region copies exclude writes to the regions of the same bucket. */
void dxm_region_lock(struct dxm_c *dc, unsigned long region)
{
	unsigned int b = dxm_bucket(region);

	spin_lock_irq(&dc->lock);
	__set_bit(region, dc->copying);
	dc->bucket_busy[b]++;
	spin_unlock_irq(&dc->lock);
	wait_event(dc->inflight_wait, !atomic_read(&dc->inflight[b]));
}

void dxm_region_unlock(struct dxm_c *dc, unsigned long region)
{
	bool kick;

	spin_lock_irq(&dc->lock);
	__clear_bit(region, dc->copying);
	dc->bucket_busy[dxm_bucket(region)]--;
	kick = !bio_list_empty(&dc->deferred);
	spin_unlock_irq(&dc->lock);
	if (kick)
		queue_work(dc->wq, &dc->bio_work);
}

/* Page-by-page copy, repairing poison on either side. */
static int dxm_copy_pages(struct dxm_c *dc, sector_t start, sector_t len,
			  int from, int to)
{
	void *page = dc->copy_buf;
	sector_t s;
	int r, err = 0;

	for (s = start; s < start + len; s += DXM_PAGE_SECTORS) {
		r = dxm_data_rw(dc, from, REQ_OP_READ, s, page,
				DXM_PAGE_SECTORS);
		if (r) {
			/* poisoned source: the other copy is all there is */
			if (dxm_data_rw(dc, to, REQ_OP_READ, s, page,
					DXM_PAGE_SECTORS)) {
				dxm_lost_set(dc, s >> 3, true);
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

/* Copy one region between legs; the caller holds the region lock. */
int dxm_copy_region(struct dxm_c *dc, unsigned long region, int from, int to)
{
	sector_t start = dxm_region_start(dc, region);
	sector_t len = dxm_region_len(dc, region);
	int r;

	r = dxm_data_rw(dc, from, REQ_OP_READ, start, dc->copy_buf, len);
	if (!r)
		r = dxm_data_rw(dc, to, REQ_OP_WRITE, start, dc->copy_buf, len);
	if (!r)
		return 0;
	r = dxm_copy_pages(dc, start, len, from, to);
	if (r)
		DMERR_LIMIT("%s: copying region %lu from leg %d to leg %d: %d",
			    dxm_name(dc), region, from, to, r);
	return r;
}

static void dxm_put_inode(struct inode *inode)
{
	/* never drop the last reference from the flush path */
	if (atomic_add_unless(&inode->i_count, -1, 1))
		return;
	iput(inode);
}

/*
 * Remove user mappings of the primary leg's pages in a region.  Returns
 * false when some page's mappings could not be removed.
 */
/* Remove the user mappings of @pages pages of a leg from @leg_sector. */
static bool dxm_zap_run(struct dxm_c *dc, int leg, sector_t leg_sector,
			long pages)
{
	struct address_space *mapping;
	struct inode *inode;
	pgoff_t index;
	pfn_t pfn;
	void *kaddr;
	long i, n;
	int id;
	bool ok = true;

	id = dax_read_lock();
	n = dax_direct_access(dc->legs[leg].dev->dax_dev,
			      (get_start_sect(dc->legs[leg].dev->bdev) +
			       leg_sector) >> (PAGE_SHIFT - SECTOR_SHIFT),
			      pages, DAX_ACCESS, &kaddr, &pfn);
	dax_read_unlock(id);
	if (n < pages || !pfn_t_has_page(pfn))
		return false;	/* cannot see its pages: keep it hot */

	for (i = 0; i < pages; i++) {
		struct page *page = pfn_to_page(pfn_t_to_pfn(pfn) + i);

		rcu_read_lock();
		mapping = READ_ONCE(page->mapping);
		if (!mapping) {
			rcu_read_unlock();
			continue;
		}
		if ((unsigned long)mapping & PAGE_MAPPING_FLAGS) {
			/* shared (reflinked) DAX page: owners unknown */
			rcu_read_unlock();
			ok = false;
			continue;
		}
		inode = igrab(mapping->host);
		index = READ_ONCE(page->index);
		rcu_read_unlock();
		if (!inode)
			continue;	/* being evicted: no mapping remains */
		if (READ_ONCE(page->mapping) == inode->i_mapping)
			unmap_mapping_pages(inode->i_mapping, index, 1, false);
		dxm_put_inode(inode);
	}
	return ok;
}

/*
 * Remove user mappings of the primary leg's pages in a region.  Returns
 * false when some page's mappings could not be removed.
 */
static bool dxm_zap_region(struct dxm_c *dc, unsigned long region, int leg)
{
	sector_t s = dxm_region_start(dc, region);
	sector_t end = s + dxm_region_len(dc, region);
	bool ok = true;

	while (s < end) {
		sector_t run = dxm_remap_run(dc, s, end - s);

		if (!dxm_zap_run(dc, leg, dxm_leg_sector(dc, leg, s),
				 run >> (PAGE_SHIFT - SECTOR_SHIFT)))
			ok = false;
		s += run;
	}
	return ok;
}

/*
 * Copy hot (and cooling, and resync-pending) regions in [first, last] to
 * the other leg.  Returns 0 or the first copy error.
 */
int dxm_sync_hot(struct dxm_c *dc, unsigned long first, unsigned long last,
		 bool include_dirty)
{
	int from = dxm_primary(dc), to, err = 0, r;
	unsigned long reg = first;
	unsigned long now = jiffies;
	bool hot, cool, dirty;

	if (from < 0)
		return -EIO;
	to = dxm_other(dc, from);
	if (!dxm_leg_alive(dc, to) || dc->legs[to].stale)
		to = -1;

	mutex_lock(&dc->sync_mutex);
	while (reg <= last) {
		unsigned long n1 = find_next_bit(dc->hot, last + 1, reg);
		unsigned long n2 = find_next_bit(dc->cooling, last + 1, reg);
		unsigned long n3 = include_dirty ?
			find_next_bit(dc->dirty, last + 1, reg) : last + 1;

		reg = min(n1, min(n2, n3));
		if (reg > last)
			break;

		spin_lock_irq(&dc->lock);
		hot = __test_and_clear_bit(reg, dc->hot);
		cool = test_bit(reg, dc->cooling);
		dirty = test_bit(reg, dc->dirty);
		if (hot) {
			__set_bit(reg, dc->cooling);
			dc->cool_since[reg % DXM_NR_BUCKETS] = now;
		} else if (cool && !dirty &&
			   time_before(now, dc->cool_since[reg % DXM_NR_BUCKETS] +
				       msecs_to_jiffies(DXM_COOL_MS))) {
			/* cooling, not due yet: copy it again anyway */
		} else if (cool) {
			__clear_bit(reg, dc->cooling);
		}
		spin_unlock_irq(&dc->lock);

		if (dc->dax && !dxm_zap_region(dc, reg, from)) {
			spin_lock_irq(&dc->lock);
			__set_bit(reg, dc->hot);
			spin_unlock_irq(&dc->lock);
		}
		if (to >= 0) {
			dxm_region_lock(dc, reg);
			r = dxm_copy_region(dc, reg, from, to);
			if (!r) {
				spin_lock_irq(&dc->lock);
				__clear_bit(reg, dc->dirty);
				spin_unlock_irq(&dc->lock);
			}
			dxm_region_unlock(dc, reg);
			if (r) {
				spin_lock_irq(&dc->lock);
				__set_bit(reg, dc->hot);
				spin_unlock_irq(&dc->lock);
				if (!err)
					err = r;
			}
		}
		reg++;
	}
	mutex_unlock(&dc->sync_mutex);
	return err;
}

/* Send a cache flush to every live leg; a leg whose flush fails is failed. */
int dxm_flush_legs(struct dxm_c *dc)
{
	int i, r, ok = 0;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		if (!dxm_leg_alive(dc, i))
			continue;
		r = dxm_leg_rw(dc, i, REQ_OP_WRITE | REQ_PREFLUSH | REQ_SYNC, 0,
			       dc->cmp_buf, 0);
		if (r)
			dxm_fail_leg(dc, i, r, "flush failed");
		else
			ok++;
	}
	return ok ? 0 : -EIO;
}

void dxm_flush_work(struct work_struct *work)
{
	struct dxm_c *dc = container_of(work, struct dxm_c, flush_work);
	struct bio_list batch;
	struct bio *bio;
	blk_status_t st = BLK_STS_OK;

	spin_lock_irq(&dc->lock);
	batch = dc->flushes;
	bio_list_init(&dc->flushes);
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
