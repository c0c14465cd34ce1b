// SPDX-License-Identifier: GPL-2.0
/*
 * Poison: knowing each leg's bad pages and repairing them.
 *
 * A leg's bad-block list is its pmem gendisk's badblocks (512-byte
 * sectors relative to the whole disk).  There is no change notifier: the
 * list is rescanned at activation, on "rescan", when an I/O error shows
 * new poison, and when the list changed (checked by the background
 * worker: the sequence of the list's seqlock, which every change moves;
 * the number of ranges does not, e.g. when a new range merges with one
 * already listed, or one is cleared and another added).
 *
 * Repair of a bad page: read the good page from the other leg, write it
 * over the bad one (the pmem driver clears poison on write where the
 * media allows it); if that write fails the page is remapped to a spare
 * page (remap.c).  A page bad on both legs is lost: reads of it fail with
 * EIO until a full-page write makes it good again.
 */
#include <linux/badblocks.h>
#include <linux/blkdev.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "daxmirror.h"

bool dxm_leg_has_badblocks(struct dxm_c *dc, int leg, sector_t sector,
			   sector_t nr)
{
	struct block_device *bdev = dc->legs[leg].dev->bdev;
	struct badblocks *bb = bdev->bd_disk->bb;
	sector_t first, bad;

	if (!bb || !nr)
		return false;
	sector = dxm_leg_sector(dc, leg, sector);
	return dxm_badblocks_check(bb, get_start_sect(bdev) + sector,
				   min_t(sector_t, nr, 1U << 30), &first,
				   &bad) != 0;
}

void dxm_request_rescan(struct dxm_c *dc)
{
	WRITE_ONCE(dc->rescan_pending, true);
	if (!dc->suspended)
		mod_delayed_work(dc->sync_wq, &dc->sweep.work, 0);
}

/*
 * Record page @page as lost (@lost) or good again.  Returns whether the
 * page is recorded as lost now (false: good, or no memory to record it).
 */
bool dxm_lost_set(struct dxm_c *dc, u64 page, bool lost)
{
	int r;

	if (lost) {
		r = xa_insert(&dc->lost.pages, page, xa_mk_value(1), GFP_NOIO);
		if (r)	/* -EBUSY: already lost; -ENOMEM: not recorded */
			return r == -EBUSY;
		atomic64_inc(&dc->lost.count);
		DMERR_LIMIT("%s: data lost: page at sector %llu has no good copy",
			    dxm_name(dc), (unsigned long long)dxm_pages_to_sect(page));
		dxm_raise_event(dc);
		dxm_notify_lost(dc, page);
	} else if (xa_erase(&dc->lost.pages, page)) {
		atomic64_dec(&dc->lost.count);
		DMINFO_LIMIT("%s: lost page at sector %llu is good again",
			     dxm_name(dc), (unsigned long long)dxm_pages_to_sect(page));
		dxm_raise_event(dc);
	}
	return lost;
}

/*
 * Whether [sector, sector + nr) starts on a lost page; *run gets the
 * number of sectors up to the next change of that answer.
 */
bool dxm_range_lost(struct dxm_c *dc, sector_t sector, sector_t nr,
		    sector_t *run)
{
	unsigned long idx = dxm_sect_to_pages(sector);

	*run = nr;
	if (!atomic64_read(&dc->lost.count))
		return false;
	if (xa_load(&dc->lost.pages, idx)) {
		*run = min_t(sector_t, nr, 8 - (sector & 7));
		return true;
	}
	if (xa_find(&dc->lost.pages, &idx, dxm_sect_to_pages(sector + nr - 1), XA_PRESENT))
		*run = dxm_pages_to_sect(idx) - sector;
	return false;
}

/*
 * Write one full page of @leg, clearing poison or remapping the page.
 * On -ENOSPC the leg is failed.
 */
int dxm_write_page_remap(struct dxm_c *dc, int leg, sector_t page_sector,
			 void *data)
{
	sector_t old = dxm_leg_sector(dc, leg, page_sector);
	int r;

	r = dxm_data_rw(dc, leg, REQ_OP_WRITE | REQ_FUA, page_sector, data,
			DXM_PAGE_SECTORS);
	if (!r)
		return 0;
	r = dxm_remap_page(dc, leg, dxm_sect_to_pages(page_sector), data);
	/*
	 * User mappings of the retired page must fault onto the spare, and
	 * files must forget it (they name it in their DAX entries).
	 */
	if (!r && dc->dax) {
		dxm_zap_page(dc, leg, old);
		dxm_forget_later(dc, leg, old, dxm_sect_to_pages(page_sector));
	}
	if (r == -ENOSPC) {
		dxm_fail_leg(dc, leg, -ENOSPC, "spare pool exhausted");
		return r;
	}
	if (!r && dxm_spare_free(&dc->legs[leg]) * 10 <
	    dc->legs[leg].nr_spare) {
		DMWARN_LIMIT("%s: leg %d: fewer than 10%% spare pages left",
			     dxm_name(dc), leg);
		dxm_raise_event(dc);
	}
	return r;
}

/*
 * Read a page that a DAX leg's bad-block list names through the CPU with a
 * machine-check-safe copy.  On emulated or falsely reported poison this
 * rescues the newest data (DAX stores not yet on the other leg); on real
 * poison it fails cleanly.
 */
int dxm_rescue_page(struct dxm_c *dc, int leg, sector_t s, void *buf)
{
	void *kaddr;
	long n;
	int id, r = -EIO;

	if (!dc->dax || !dxm_leg_alive(dc, leg))
		return -EIO;
	id = dax_read_lock();
	n = dax_direct_access(dc->legs[leg].dev->dax_dev,
			      dxm_leg_pgoff(dc, leg, dxm_leg_sector(dc, leg, s)),
			      1, DAX_RECOVERY_WRITE, &kaddr, NULL);
	if (n >= 1 && !copy_mc_to_kernel(buf, kaddr, PAGE_SIZE))
		r = 0;
	dax_read_unlock(id);
	return r;
}

/* Whether DAX stores to page @s may not have reached the other leg yet. */
static bool dxm_page_unsynced(struct dxm_c *dc, sector_t s)
{
	bool r;

	spin_lock_irq(&dc->lock);
	r = dxm_page_unsettled(dc, dxm_sect_to_pages(s)) ||
	    test_bit(dxm_region(dc, s), dc->rs.dirty);
	spin_unlock_irq(&dc->lock);
	return r;
}

/*
 * Repair the pages of [sector, sector + nr) that leg @bad's bad-block list
 * names from leg @good, page by page.
 */
int dxm_repair_range(struct dxm_c *dc, int bad, int good, sector_t sector,
		     sector_t nr)
{
	sector_t s = round_down(sector, DXM_PAGE_SECTORS);
	sector_t end = min_t(sector_t, round_up(sector + nr, DXM_PAGE_SECTORS),
			     dc->data_sectors);
	void *page = kmalloc(PAGE_SIZE, GFP_NOIO);
	int r, failed = 0;

	if (!page)
		return -ENOMEM;
	for (; s < end; s += DXM_PAGE_SECTORS) {
		unsigned long reg = dxm_region(dc, s);

		if (!dxm_leg_alive(dc, bad))
			break;
		if (!dxm_leg_alive(dc, good) || dc->legs[good].stale) {
			failed++;
			continue;
		}
		/*
		 * Only the pages the bad-block list names: pmem refuses a
		 * whole direct_access range for one bad page, and rewriting
		 * healthy (possibly unsettled) pages could undo a concurrent
		 * store.  A leg without a list (a dm device) cannot tell:
		 * every page of the range is repaired.
		 */
		if (dc->legs[bad].dev->bdev->bd_disk->bb &&
		    !dxm_leg_has_badblocks(dc, bad, s, DXM_PAGE_SECTORS))
			continue;
		/* lost: the good leg's copy is not good data either */
		if (xa_load(&dc->lost.pages, dxm_sect_to_pages(s))) {
			failed++;
			continue;
		}
		dxm_region_lock(dc, reg);
		if (bad == dxm_primary(dc) && dxm_page_unsynced(dc, s)) {
			/*
			 * The good leg is behind: remove the page's mappings,
			 * then rescue its newest data.  A store after the zap
			 * faults the page in again and lands in the rescue if
			 * it comes first; the remap removes the mappings once
			 * more.
			 */
			if (dc->dax)
				dxm_zap_page(dc, bad, dxm_leg_sector(dc, bad, s));
			r = dxm_rescue_page(dc, bad, s, page);
			if (!r)
				r = dxm_write_page_remap(dc, good, s, page);
			if (r)
				DMERR_LIMIT("%s: leg %d: page at sector %llu lost its unflushed DAX stores",
					    dxm_name(dc), bad,
					    (unsigned long long)s);
		}
		r = dxm_data_rw(dc, good, REQ_OP_READ, s, page,
				DXM_PAGE_SECTORS);
		if (r) {
			dxm_region_unlock(dc, reg);
			dxm_lost_set(dc, dxm_sect_to_pages(s), true);
			failed++;
			continue;
		}
		r = dxm_write_page_remap(dc, bad, s, page);
		dxm_region_unlock(dc, reg);
		if (r) {
			failed++;
			continue;
		}
		dxm_lost_set(dc, dxm_sect_to_pages(s), false);
		DMINFO_LIMIT("%s: leg %d: repaired page at sector %llu from leg %d",
			     dxm_name(dc), bad, (unsigned long long)s, good);
	}
	kfree(page);
	return failed ? -EIO : 0;
}

/* Pages of the data area that a leg's bad-block list names, unremapped. */
static int dxm_rescan_leg(struct dxm_c *dc, int leg)
{
	struct block_device *bdev = dc->legs[leg].dev->bdev;
	struct badblocks *bb = bdev->bd_disk->bb;
	sector_t off = get_start_sect(bdev), s = 0, first, nr;
	int r, err = 0;

	if (!bb)
		return 0;
	while (s < dc->data_sectors && dxm_leg_alive(dc, leg)) {
		sector_t span = min_t(sector_t, dc->data_sectors - s, 1U << 30);
		sector_t page;

		if (!dxm_badblocks_check(bb, off + s, span, &first, &nr))
			break;
		if (first < off + s) {
			nr -= off + s - first;
			first = off + s;
		}
		first -= off;
		for (page = round_down(first, 8); page < first + nr &&
		     page < dc->data_sectors; page += 8) {
			if (dxm_leg_sector(dc, leg, page) != page)
				continue;	/* already remapped */
			r = dxm_repair_range(dc, leg, dxm_other(dc, leg), page,
					     DXM_PAGE_SECTORS);
			if (r && !err)
				err = r;
		}
		s = round_up(first + max_t(sector_t, nr, 1), 8);
	}
	return err;
}

/*
 * A change indicator of a bad-block list: even, moves by 2 with every
 * change (badblocks_set, badblocks_clear, ack_all_badblocks all take the
 * list's seqlock for writing).  Waits only for a writer inside it.
 */
static unsigned int dxm_badblocks_seq(struct badblocks *bb)
{
	return read_seqbegin(&bb->lock);
}

int dxm_rescan(struct dxm_c *dc)
{
	int leg, err = 0, r;

	WRITE_ONCE(dc->rescan_pending, false);
	mutex_lock(&dc->sync_mutex);
	for (leg = 0; leg < DXM_NR_LEGS; leg++) {
		struct badblocks *bb;

		if (!dxm_leg_alive(dc, leg))
			continue;
		bb = dc->legs[leg].dev->bdev->bd_disk->bb;
		/* before the scan: a change during it is seen by the next poll */
		if (bb)
			dc->legs[leg].bb_seen = dxm_badblocks_seq(bb);
		r = dxm_rescan_leg(dc, leg);
		if (r && !err)
			err = r;
	}
	mutex_unlock(&dc->sync_mutex);
	return err;
}

/* Cheap poll for new entries in a leg's bad-block list. */
bool dxm_badblocks_changed(struct dxm_c *dc)
{
	int leg;

	for (leg = 0; leg < DXM_NR_LEGS; leg++) {
		struct badblocks *bb;

		if (!dxm_leg_alive(dc, leg))
			continue;
		bb = dc->legs[leg].dev->bdev->bd_disk->bb;
		if (bb && dxm_badblocks_seq(bb) != dc->legs[leg].bb_seen)
			return true;
	}
	return false;
}
