// SPDX-License-Identifier: GPL-2.0
/*
 * DAX: direct_access hands out the primary leg's pages.  Every page range
 * handed out is marked hot (it may be stored to behind our back) and
 * marked durably in the write-intent bitmap before its address is
 * returned, so that the flush path copies it to the other leg and a crash
 * resyncs it.  zero_page_range and recovery_write act on both legs, and
 * like bio writes never while a region copy of their bucket runs.
 */
#include <linux/blkdev.h>
#include <linux/dax.h>
#include <linux/uio.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include "daxmirror.h"

/*
 * Test hook, off by default: a fault's hand-out of data page
 * test_delay_page (in 4 KiB pages of the mirror) is held test_delay_ms
 * after it is marked, as a fault preempted between direct_access() and
 * installing its page table entry would be.  tests/vm/20-replication.sh
 * (inflight_fault) uses it to run flushes inside that window.
 */
static unsigned long test_delay_page = ULONG_MAX;
module_param(test_delay_page, ulong, 0600);
MODULE_PARM_DESC(test_delay_page, "Testing only: data page whose faults test_delay_ms holds");
static unsigned int test_delay_ms;
module_param(test_delay_ms, uint, 0600);
MODULE_PARM_DESC(test_delay_ms, "Testing only: hold faults of test_delay_page this long (0: off)");

static void dxm_test_delay(sector_t sector, long pages)
{
	unsigned long page = READ_ONCE(test_delay_page);
	unsigned int ms = READ_ONCE(test_delay_ms);

	if (unlikely(ms) && page >= dxm_sect_to_pages(sector) &&
	    page < dxm_sect_to_pages(sector) + pages)
		msleep(ms);
}

/*
 * Mark [sector, sector + nr_sectors) durable in the bitmap, with @hot also
 * hot, and with @handout >= 0 also as the current task's latest hand-out
 * (inflight.c; 1: for a mapping, 0: for a kernel copy).
 */
static int dxm_mark_hot(struct dxm_c *dc, sector_t sector,
			sector_t nr_sectors, bool hot, int handout)
{
	unsigned long first = dxm_region(dc, sector);
	unsigned long last = dxm_region(dc, sector + nr_sectors - 1);
	unsigned long page = dxm_sect_to_pages(sector);
	unsigned long nr = dxm_sect_to_pages(sector + nr_sectors - 1) - page + 1;
	bool state = hot || handout >= 0;
	unsigned long flags;
	int wb;

	if (handout >= 0)
		dxm_acc_make_room(dc, handout > 0);

	/*
	 * The pages' state must exist before dc->lock is taken.  A hand-out
	 * can fail (the caller gets an error); a leg's failed write cannot:
	 * its pages must become hot.
	 */
	if (state && dxm_pb_prepare(dc, page, nr, handout >= 0 ? GFP_NOIO :
				    GFP_NOIO | __GFP_NOFAIL))
		return -ENOMEM;
	spin_lock_irqsave(&dc->lock, flags);
	if (hot)
		dxm_set_hot(dc, page, nr);
	if (hot && handout > 0)
		dxm_set_mapped(dc, page, nr);
	if (handout >= 0)
		dxm_note_handout(dc, page, nr, handout);
	wb = dxm_bitmap_mark(dc, first, last);
	spin_unlock_irqrestore(&dc->lock, flags);
	if (state)
		dxm_pb_unpin(dc);
	/* a leg without a mapped bitmap: write the mark before the hand-out */
	return wb ? dxm_bitmap_writeback(dc) : 0;
}

/*
 * Hand out the primary leg's pages, at most up to the next page whose
 * translation differs (a remapped page is handed out alone, from the
 * spare pool).  A poisoned page is repaired from the other leg first.
 */
static long dxm_direct_access(struct dxm_c *dc, sector_t sector, long nr_pages,
			      enum dax_access_mode mode, void **kaddr,
			      dxm_pfn_t *pfn)
{
	sector_t run, left;
	long avail;
	int leg = dxm_primary(dc), tries;

	if (leg < 0 || !dc->dax)
		return -EIO;
	left = (dc->data_sectors - sector) >> (PAGE_SHIFT - SECTOR_SHIFT);
	nr_pages = min_t(long, nr_pages, left);
	if (nr_pages <= 0)
		return -ERANGE;
	if (pfn)	/* a range faulted in 2 MiB lately: 4 KiB (pmd.c) */
		nr_pages = dxm_pmd_clamp(dc, dxm_sect_to_pages(sector),
					 nr_pages);
	for (tries = 0; tries < 2; tries++) {
		run = dxm_remap_run(dc, sector, (sector_t)nr_pages <<
				    (PAGE_SHIFT - SECTOR_SHIFT));
		if (dxm_range_lost(dc, sector, run, &run) &&
		    mode == DAX_ACCESS)
			return DXM_DAX_POISON_ERR;	/* bad on both legs */
		avail = dax_direct_access(dc->legs[leg].dev->dax_dev,
					  dxm_leg_pgoff(dc, leg,
						dxm_leg_sector(dc, leg, sector)),
					  run >> (PAGE_SHIFT - SECTOR_SHIFT),
					  mode, kaddr, pfn);
		if (!dxm_dax_is_poison(avail) || mode != DAX_ACCESS ||
		    !dxm_leg_alive(dc, dxm_other(dc, leg)))
			break;
		/* poison on the primary: repair (clear or remap), then map */
		if (dxm_repair_range(dc, leg, dxm_other(dc, leg), sector, run))
			break;
	}
	if (avail <= 0)
		return avail;
	if (pfn)	/* a moved page a file may still name (hold.c) */
		avail = dxm_hold_clip(dc, dxm_sect_to_pages(sector), avail, *pfn);
	/* a caller that wants the pfn installs a mapping (a fault) */
	if (dxm_mark_hot(dc, sector, (sector_t)avail <<
			 (PAGE_SHIFT - SECTOR_SHIFT), true, pfn != NULL))
		return -EIO;	/* never hand out an unmarked region */
	if (pfn)
		dxm_test_delay(sector, avail);
	return avail;
}

/*
 * A failover of the primary (dxm_failover_sync) holds failover.sem for
 * writing: no page of the leg being failed is handed out meanwhile.
 */
long dxm_dax_direct_access(struct dm_target *ti, pgoff_t pgoff, long nr_pages,
			   enum dax_access_mode mode, void **kaddr,
			   dxm_pfn_t *pfn)
{
	struct dxm_c *dc = ti->private;
	sector_t sector = dm_target_offset(ti, (sector_t)pgoff <<
					   (PAGE_SHIFT - SECTOR_SHIFT));
	long r;

	down_read(&dc->failover.sem);
	r = dxm_direct_access(dc, sector, nr_pages, mode, kaddr, pfn);
	up_read(&dc->failover.sem);
	return r;
}

/*
 * In-flight accounting for DAX paths that write both legs themselves.
 * Like a bio write (dxm_admit_write()), the write waits while a region of
 * its bucket is being copied: a copy that read the old data would write
 * it over this write on the other leg.
 */
static unsigned int dxm_dax_begin(struct dxm_c *dc, sector_t sector,
				  sector_t nr)
{
	unsigned int b = dxm_bucket(dxm_region(dc, sector));

	spin_lock_irq(&dc->lock);
	wait_event_lock_irq(dc->bk.wait, !dc->bk.busy[b], dc->lock);
	atomic_inc(&dc->bk.writes[b]);
	spin_unlock_irq(&dc->lock);
	dxm_mark_hot(dc, sector, nr, false, -1);
	return b;
}

int dxm_dax_zero_page_range(struct dm_target *ti, pgoff_t pgoff,
			    size_t nr_pages)
{
	struct dxm_c *dc = ti->private;
	sector_t sector = dm_target_offset(ti, (sector_t)pgoff <<
					   (PAGE_SHIFT - SECTOR_SHIFT));
	sector_t nr = (sector_t)nr_pages << (PAGE_SHIFT - SECTOR_SHIFT);
	unsigned int b;
	int i, r, ok = 0, err = -EIO;

	if (!nr || sector + nr > dc->data_sectors)
		return -EINVAL;
	/* zeroing a range larger than a region: do it region by region */
	if (dxm_region(dc, sector) != dxm_region(dc, sector + nr - 1)) {
		sector_t step;

		while (nr) {
			step = min_t(sector_t, nr, dxm_region_start(dc,
				     dxm_region(dc, sector)) +
				     dc->region_sectors - sector);
			r = dxm_dax_zero_page_range(ti, pgoff, step >>
					(PAGE_SHIFT - SECTOR_SHIFT));
			if (r)
				return r;
			pgoff += step >> (PAGE_SHIFT - SECTOR_SHIFT);
			sector += step;
			nr -= step;
		}
		return 0;
	}
	b = dxm_dax_begin(dc, sector, nr);
	for (i = 0; i < DXM_NR_LEGS; i++) {
		sector_t s = sector, run;

		if (!dxm_leg_alive(dc, i))
			continue;
		for (r = 0; s < sector + nr && !r; s += run) {
			run = dxm_remap_run(dc, s, sector + nr - s);
			r = dax_zero_page_range(dc->legs[i].dev->dax_dev,
						dxm_leg_pgoff(dc, i,
							dxm_leg_sector(dc, i, s)),
						run >> (PAGE_SHIFT - SECTOR_SHIFT));
		}
		if (r) {
			err = r;
			/* let the flush path copy it once the leg recovers */
			dxm_mark_hot(dc, sector, nr, true, -1);
			continue;
		}
		ok++;
	}
	dxm_write_done_region(dc, b);
	return ok ? 0 : err;
}

/*
 * A full-page recovery write the media could not take (sticky poison, or
 * a lost page): write the page on every live leg with remapping.
 */
static size_t dxm_recovery_write_remap(struct dxm_c *dc, sector_t sector,
				       struct iov_iter *i)
{
	void *page = kmalloc(PAGE_SIZE, GFP_KERNEL);
	int leg, ok = 0;

	if (!page)
		return 0;
	if (copy_from_iter(page, PAGE_SIZE, i) != PAGE_SIZE) {
		kfree(page);
		return 0;
	}
	for (leg = 0; leg < DXM_NR_LEGS; leg++)
		if (dxm_leg_alive(dc, leg) &&
		    !dxm_write_page_remap(dc, leg, sector, page))
			ok++;
	kfree(page);
	if (!ok)
		return 0;
	dxm_lost_set(dc, dxm_sect_to_pages(sector), false);
	return PAGE_SIZE;
}

/*
 * fs/dax calls this after direct_access(DAX_RECOVERY_WRITE) returned an
 * address on the primary leg.  The primary is written (clearing poison),
 * then the same bytes are written to the other leg.
 */
size_t dxm_dax_recovery_write(struct dm_target *ti, pgoff_t pgoff, void *addr,
			      size_t bytes, struct iov_iter *i)
{
	struct dxm_c *dc = ti->private;
	sector_t sector = dm_target_offset(ti, (sector_t)pgoff <<
					   (PAGE_SHIFT - SECTOR_SHIFT));
	int leg = dxm_primary(dc), other;
	size_t done, off = offset_in_page(addr);
	unsigned int b;

	if (leg < 0 || sector >= dc->data_sectors)
		return 0;
	b = dxm_dax_begin(dc, sector, max_t(sector_t, 1,
			  (off + bytes) >> SECTOR_SHIFT));
	done = dax_recovery_write(dc->legs[leg].dev->dax_dev,
				  dxm_leg_pgoff(dc, leg,
						dxm_leg_sector(dc, leg, sector)),
				  addr, bytes, i);
	if (!done && !off && bytes == PAGE_SIZE) {
		/* the media cannot clear it: write the page with remapping */
		done = dxm_recovery_write_remap(dc, sector, i);
		dxm_write_done_region(dc, b);
		return done;
	}
	other = dxm_other(dc, leg);
	if (done)
		dxm_lost_set(dc, dxm_sect_to_pages(sector), false);
	if (done && dxm_leg_alive(dc, other)) {
		long pages = DIV_ROUND_UP(off + done, PAGE_SIZE);
		struct kvec kv = { .iov_base = addr, .iov_len = done };
		struct iov_iter src;
		void *k2;
		long n;

		pgoff_t opg = dxm_leg_pgoff(dc, other,
					    dxm_leg_sector(dc, other, sector));

		n = dax_direct_access(dc->legs[other].dev->dax_dev, opg, pages,
				      DAX_RECOVERY_WRITE, &k2, NULL);
		iov_iter_kvec(&src, WRITE, &kv, 1, done);
		if (n < pages ||
		    dax_recovery_write(dc->legs[other].dev->dax_dev, opg,
				       k2 + off, done, &src) != done)
			dxm_mark_hot(dc, sector, 1, true, -1);
	}
	dxm_write_done_region(dc, b);
	return done;
}

/*
 * Map the on-leg write-intent bitmap for cheap, synchronous marking.  Only
 * a synchronous DAX device makes a store durable by itself: on an
 * asynchronous one (virtio-pmem) a store reaches the media only when a
 * flush follows, so its marks are written by bios with REQ_FUA.
 */
int dxm_dax_map_bitmap(struct dxm_c *dc, int leg)
{
	struct dxm_leg *l = &dc->legs[leg];
	long pages = l->geo.bitmap_sectors >> (PAGE_SHIFT - SECTOR_SHIFT);
	void *kaddr;
	long n;
	int id;

	l->bitmap_kaddr = NULL;
	if (!l->dev || !l->dev->dax_dev || !dax_synchronous(l->dev->dax_dev) ||
	    get_start_sect(l->dev->bdev) % (PAGE_SIZE >> SECTOR_SHIFT))
		return 0;
	id = dax_read_lock();
	n = dax_direct_access(l->dev->dax_dev,
			      dxm_leg_pgoff(dc, leg, l->geo.bitmap_offset),
			      pages, DAX_ACCESS, &kaddr, NULL);
	dax_read_unlock(id);
	if (n >= pages)
		l->bitmap_kaddr = kaddr;
	return 0;
}
