// SPDX-License-Identifier: GPL-2.0
/*
 * The block I/O path.
 *
 * Writes are split at 1 MiB boundaries (or at region boundaries, for
 * regions larger than that), counted in flight in the bucket of every
 * region they touch (so that a region copy can wait for them to drain),
 * marked in the write-intent bitmap before they are issued, and sent to
 * every live leg as a bio clone per leg; they complete when every live
 * leg has them.  A first version split writes at every region boundary:
 * a 1 MiB write became 16 pieces of 64 KiB, each mapped, marked and
 * cloned on its own (docs/performance.md).  A leg that fails a write is
 * failed (recorded on the survivor before the write is acknowledged).
 *
 * Reads go to the primary leg.  A read error is retried on the other leg
 * when that leg holds the region in sync; the primary is then rewritten
 * with the good data (write-to-clear repair of poison).
 */
#include <linux/bio.h>
#include <linux/kernel.h>
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/dax.h>
#include <linux/libnvdimm.h>
#include "daxmirror.h"

void dxm_write_done_region(struct dxm_c *dc, unsigned int bucket)
{
	if (atomic_dec_and_test(&dc->bk.writes[bucket]))
		wake_up_all(&dc->bk.wait);
}

/* The last region of @nr sectors from @sector (of @sector if nr is 0). */
static unsigned long dxm_last_region(struct dxm_c *dc, sector_t sector,
				     sector_t nr)
{
	return dxm_region(dc, sector + max_t(sector_t, nr, 1) - 1);
}

/* The last region a write piece touches (the first: its sector's). */
static unsigned long dxm_write_last_region(struct dxm_c *dc,
					   struct dxm_bio *pb)
{
	return dxm_last_region(dc, pb->saved_iter.bi_sector,
			       pb->saved_iter.bi_size >> SECTOR_SHIFT);
}

/* A write piece is over: its regions' buckets no longer count it. */
static void dxm_write_done(struct dxm_c *dc, struct dxm_bio *pb)
{
	unsigned long r = dxm_region(dc, pb->saved_iter.bi_sector);
	unsigned long last = dxm_write_last_region(dc, pb);

	for (; r <= last; r++)
		dxm_write_done_region(dc, dxm_bucket(r));
}

static void dxm_queue_bio(struct dxm_c *dc, struct bio_list *list,
			  struct bio *bio)
{
	unsigned long flags;

	spin_lock_irqsave(&dc->lock, flags);
	bio_list_add(list, bio);
	spin_unlock_irqrestore(&dc->lock, flags);
	queue_work(dc->wq, &dc->bios.work);
}

static void dxm_write_endio(unsigned long error_bits, void *context)
{
	struct bio *bio = context;
	struct dxm_c *dc = bio->bi_private;
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	unsigned long flags;

	if (error_bits || pb->lost) {
		/*
		 * Fail the leg durably before acknowledging the write; a
		 * write that makes a lost page good again is recorded first.
		 */
		pb->leg = (int)error_bits;	/* bit mask of failed legs */
		spin_lock_irqsave(&dc->lock, flags);
		bio_list_add(&dc->bios.failed, bio);
		spin_unlock_irqrestore(&dc->lock, flags);
		queue_work(dc->wq, &dc->bios.work);
		return;
	}
	dxm_write_done(dc, pb);
	bio_endio(bio);
}

static void dxm_clone_endio(struct bio *clone)
{
	struct dxm_clone *c = container_of(clone, struct dxm_clone, bio);
	struct bio *bio = clone->bi_private;
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));

	if (clone->bi_status)
		set_bit(c->leg, &pb->write_err);
	bio_put(clone);
	if (atomic_dec_and_test(&pb->writes))
		dxm_write_endio(READ_ONCE(pb->write_err), bio);
}

/* The direct copies of a write piece shared with legpar.c are done. */
static void dxm_copy_done(struct bio *bio, unsigned long err)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	unsigned int i;

	for (i = 0; i < DXM_NR_LEGS; i++)
		if (err & BIT(i))
			set_bit(i, &pb->write_err);
	if (atomic_dec_and_test(&pb->writes))
		dxm_write_endio(READ_ONCE(pb->write_err), bio);
}

/*
 * Copy @bio's piece straight into the @nd legs of pb->copy.dst and .leg
 * from two CPUs (legpar.c; each CPU fences its copies, which a REQ_FUA
 * write needs); false when no other CPU is online.
 */
static bool dxm_issue_copy(struct dxm_c *dc, struct bio *bio, unsigned int nd)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	struct dxm_legcopy *c = &pb->copy;

	c->bio = bio;
	c->iter = pb->saved_iter;
	c->nr_dst = nd;
	c->done = dxm_copy_done;
	return dxm_legpar_copy(dc, c);
}

/*
 * Send a write to every live leg: copied straight into a pmem leg
 * (pmemwrite.c), else a clone per leg from write_bs, which has a rescuer
 * (this runs in the map function, where the clones are issued only when
 * it returns: an allocation must never wait for them).  Completion
 * reports the failed legs as a bit mask (dxm_write_endio()); the direct
 * copies count as one more part of the write, done when they are.
 */
static void dxm_issue_write(struct dxm_c *dc, struct bio *bio)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	struct bio *clones[DXM_NR_LEGS];
	void **direct = pb->copy.dst;	/* the legs copied straight into */
	unsigned int i, n = 0, nd = 0, live = 0;
	bool par;
	int id;

	for (i = 0; i < DXM_NR_LEGS; i++)
		live += dxm_leg_alive(dc, i);
	/* a large piece: its legs written from two CPUs (legpar.c) */
	par = live > 1 && dxm_legpar_wanted(dc, pb->write_left);
	id = dax_read_lock();
	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct bio *clone;

		if (!dxm_leg_alive(dc, i))
			continue;
		direct[nd] = dxm_write_kaddr(dc, i, pb->saved_iter.bi_sector,
					     pb->saved_iter.bi_size);
		if (direct[nd]) {
			pb->copy.leg[nd++] = i;
			continue;
		}
		clone = bio_alloc_clone(dc->legs[i].dev->bdev, bio, GFP_NOIO,
					&dc->write_bs);
		container_of(clone, struct dxm_clone, bio)->leg = i;
		clone->bi_iter.bi_sector =
			dxm_leg_sector(dc, i, pb->saved_iter.bi_sector);
		clone->bi_end_io = dxm_clone_endio;
		clone->bi_private = bio;
		clones[n++] = clone;
	}
	if (!n && !nd) {
		dax_read_unlock(id);
		dxm_write_done(dc, pb);
		bio_io_error(bio);
		return;
	}
	bio->bi_private = dc;
	pb->write_err = 0;
	atomic_set(&pb->writes, n + !!nd);
	if (par && n && dxm_legpar_submit(dc, clones[n - 1]))
		n--;
	for (i = 0; i < n; i++)
		submit_bio_noacct(clones[i]);
	if (par && nd > 1 && dxm_issue_copy(dc, bio, nd)) {
		dax_read_unlock(id);
		return;
	}
	for (i = 0; i < nd; i++)
		dxm_write_copy(bio, pb->saved_iter, direct[i]);
	dax_read_unlock(id);
	if (!nd)
		return;
	if (bio->bi_opf & REQ_FUA)
		pmem_wmb();	/* all the driver's nvdimm_flush() would do */
	if (atomic_dec_and_test(&pb->writes))
		dxm_write_endio(READ_ONCE(pb->write_err), bio);
}

/*
 * Admit a write: returns true when it may be issued now; otherwise the
 * bio was parked (region being copied, or bitmap write-back needed) and
 * the worker issues it later.
 */
static bool dxm_admit_write(struct dxm_c *dc, struct bio *bio)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	unsigned long first = dxm_region(dc, pb->saved_iter.bi_sector), r;
	unsigned long last = dxm_write_last_region(dc, pb);
	unsigned long flags;
	bool now = true;

	spin_lock_irqsave(&dc->lock, flags);
	for (r = first; r <= last; r++) {
		if (dc->bk.busy[dxm_bucket(r)]) {
			bio_list_add(&dc->bios.deferred, bio);
			spin_unlock_irqrestore(&dc->lock, flags);
			return false;
		}
	}
	for (r = first; r <= last; r++)
		atomic_inc(&dc->bk.writes[dxm_bucket(r)]);
	if (dxm_bitmap_mark(dc, first, last)) {
		bio_list_add(&dc->bios.need_mark, bio);
		now = false;
	}
	spin_unlock_irqrestore(&dc->lock, flags);
	if (!now)
		queue_work(dc->wq, &dc->bios.work);
	return now;
}

int dxm_map(struct dm_target *ti, struct bio *bio)
{
	struct dxm_c *dc = ti->private;
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	sector_t sector = dm_target_offset(ti, bio->bi_iter.bi_sector);
	sector_t run;
	bool lost;
	int leg;

	pb->lost = false;
	pb->leg = -1;
	if (bio->bi_opf & REQ_PREFLUSH) {
		unsigned long flags;

		if (dxm_flush_fast(dc, bio))
			return DM_MAPIO_SUBMITTED;
		spin_lock_irqsave(&dc->lock, flags);
		bio_list_add(&dc->bios.flushes, bio);
		spin_unlock_irqrestore(&dc->lock, flags);
		queue_work(dc->sync_wq, &dc->bios.flush_work);
		return DM_MAPIO_SUBMITTED;
	}

	bio->bi_iter.bi_sector = sector;
	pb->write_left = bio->bi_iter.bi_size;	/* this piece and the rest */
	/* one translation per bio: split where a leg's page is remapped */
	run = dxm_remap_run(dc, sector, bio_sectors(bio));
	lost = dxm_range_lost(dc, sector, run, &run);
	if (run < bio_sectors(bio))
		dm_accept_partial_bio(bio, run);

	if (bio_data_dir(bio) == WRITE) {
		sector_t span = max_t(sector_t, dc->region_sectors,
				      DXM_WRITE_SPAN_SECTORS);
		sector_t left = round_down(sector, span) + span - sector;

		if (bio_sectors(bio) > left)
			dm_accept_partial_bio(bio, left);
		pb->saved_iter = bio->bi_iter;
		pb->lost = lost;
		if (dxm_admit_write(dc, bio))
			dxm_issue_write(dc, bio);
		return DM_MAPIO_SUBMITTED;
	}

	pb->saved_iter = bio->bi_iter;
	leg = dxm_primary(dc);
	if (leg < 0 || lost)
		return DM_MAPIO_KILL;	/* data lost: EIO for this page only */
	pb->leg = leg;
	bio_set_dev(bio, dc->legs[leg].dev->bdev);
	bio->bi_iter.bi_sector = dxm_leg_sector(dc, leg, sector);
	return DM_MAPIO_REMAPPED;
}

static bool dxm_range_in_sync(struct dxm_c *dc, sector_t sector,
			      unsigned int nr)
{
	unsigned long first = dxm_region(dc, sector);
	unsigned long last = dxm_last_region(dc, sector, nr);
	unsigned long r;

	for (r = first; r <= last; r++)
		if (dxm_region_unsettled(dc, r) || test_bit(r, dc->rs.dirty) ||
		    test_bit(r, dc->rs.copying))
			return false;
	return true;
}

int dxm_end_io(struct dm_target *ti, struct bio *bio, blk_status_t *error)
{
	struct dxm_c *dc = ti->private;
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	int other;

	if (bio_data_dir(bio) == WRITE || pb->leg < 0 || !*error ||
	    *error == BLK_STS_AGAIN || *error == BLK_STS_NOTSUPP)
		return DM_ENDIO_DONE;

	atomic_inc(&dc->legs[pb->leg].errors);
	other = dxm_other(dc, pb->leg);
	if (!dxm_leg_alive(dc, other) || dc->legs[other].stale ||
	    !dxm_range_in_sync(dc, pb->saved_iter.bi_sector,
			       pb->saved_iter.bi_size >> SECTOR_SHIFT))
		return DM_ENDIO_DONE;

	bio->bi_iter = pb->saved_iter;
	dxm_queue_bio(dc, &dc->failover.reads, bio);
	return DM_ENDIO_INCOMPLETE;
}

/* Copy @len bytes into the data of @bio at byte @off of its range @it. */
static void dxm_bio_copy_to(struct bio *bio, struct bvec_iter it,
			    unsigned int off, const void *buf, unsigned int len)
{
	bio_advance_iter(bio, &it, off);
	while (len) {
		struct bio_vec bv = bio_iter_iovec(bio, it);
		unsigned int n = min(bv.bv_len, len);

		memcpy_to_page(bv.bv_page, bv.bv_offset, buf, n);
		buf += n;
		len -= n;
		bio_advance_iter(bio, &it, n);
	}
}

/*
 * Both legs have bad pages in the range of a read: take each page from
 * whichever leg can read it.  Fails only if a page is bad on both.
 */
static int dxm_read_piecewise(struct dxm_c *dc, struct bio *bio, int bad,
			      int good)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	sector_t start = pb->saved_iter.bi_sector, s = start;
	sector_t end = start + (pb->saved_iter.bi_size >> SECTOR_SHIFT);
	void *buf = kmalloc(PAGE_SIZE, GFP_NOIO);
	int r = 0;

	if (!buf)
		return -ENOMEM;
	while (s < end && !r) {
		sector_t n = min_t(sector_t, end - s, 8 - (s & 7));

		r = dxm_data_rw(dc, good, REQ_OP_READ, s, buf, n);
		if (r && dxm_leg_alive(dc, bad))
			r = dxm_data_rw(dc, bad, REQ_OP_READ, s, buf, n);
		if (!r)
			dxm_bio_copy_to(bio, pb->saved_iter,
					(s - start) << SECTOR_SHIFT, buf,
					n << SECTOR_SHIFT);
		s += n;
	}
	kfree(buf);
	return r;
}

/*
 * Retry a failed read on the other leg.  Poison on the bad leg is
 * repaired by the rescan this requests; any other read error fails it.
 */
static void dxm_failover_read(struct dxm_c *dc, struct bio *bio)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	int bad = pb->leg, good = dxm_other(dc, bad);
	sector_t sector = pb->saved_iter.bi_sector;
	sector_t nr = pb->saved_iter.bi_size >> SECTOR_SHIFT;
	sector_t done = 0, run;
	struct dm_io_region where = {
		.bdev = dc->legs[good].dev->bdev,
	};
	struct dm_io_request req = {
		.bi_opf = REQ_OP_READ,
		.mem.type = DM_IO_BIO,
		.mem.ptr.bio = bio,
		.client = dc->io_client,
	};
	unsigned long error_bits = 0;
	int r = 0;

	pb->leg = -1;	/* the next end_io call completes the bio */
	if (dxm_leg_has_badblocks(dc, bad, sector, nr))
		dxm_request_rescan(dc);
	else
		dxm_fail_leg(dc, bad, -EIO, "read error");

	/* one translation per remap run: pages may have moved since map */
	while (done < nr && !r && !error_bits) {
		run = dxm_remap_run(dc, sector + done, nr - done);
		where.sector = dxm_leg_sector(dc, good, sector + done);
		where.count = run;
		bio->bi_iter = pb->saved_iter;
		bio_advance_iter(bio, &bio->bi_iter, done << SECTOR_SHIFT);
		bio->bi_iter.bi_size = run << SECTOR_SHIFT;
		r = dxm_dm_io(&req, 1, &where, &error_bits);
		done += run;
	}
	bio->bi_iter = pb->saved_iter;
	if ((r || error_bits) && !dxm_read_piecewise(dc, bio, bad, good))
		r = error_bits = 0;	/* each page came from one leg or the other */
	if (r || error_bits) {
		DMERR_LIMIT("%s: read of sector %llu (+%llu) failed on both legs",
			    dxm_name(dc), (unsigned long long)sector,
			    (unsigned long long)nr);
		if (dxm_leg_has_badblocks(dc, good, sector, nr))
			dxm_request_rescan(dc);	/* finds and counts lost pages */
		bio->bi_status = BLK_STS_IOERR;
		bio_endio(bio);
		return;
	}
	DMWARN_LIMIT("%s: leg %d: read error at sector %llu (+%llu) served from leg %d",
		     dxm_name(dc), bad, (unsigned long long)sector,
		     (unsigned long long)nr, good);
	bio->bi_status = BLK_STS_OK;
	bio->bi_iter = pb->saved_iter;
	bio_endio(bio);
}

/* Copy @len bytes at byte @off of the range @it of @bio into @buf. */
static void dxm_bio_copy_from(struct bio *bio, struct bvec_iter it,
			      unsigned int off, void *buf, unsigned int len)
{
	bio_advance_iter(bio, &it, off);
	while (len) {
		struct bio_vec bv = bio_iter_iovec(bio, it);
		unsigned int n = min(bv.bv_len, len);

		memcpy_from_page(buf, bv.bv_page, bv.bv_offset, n);
		buf += n;
		len -= n;
		bio_advance_iter(bio, &it, n);
	}
}

/*
 * Write every page the write @bio touches onto the legs in @legs, page by
 * page, clearing poison or remapping.  A page the bio covers whole comes
 * from the bio; a partial one from leg @src, which took the whole write
 * (@src < 0: no leg did, a partial page cannot be rebuilt).  A leg that
 * cannot take a page is failed.  Returns the legs that took every page.
 */
static unsigned long dxm_rewrite_pages(struct dxm_c *dc, struct bio *bio,
				       unsigned long legs, int src)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	sector_t start = pb->saved_iter.bi_sector;
	sector_t end = start + (pb->saved_iter.bi_size >> SECTOR_SHIFT);
	sector_t p;
	void *page;
	int i, r;

	page = kmalloc(PAGE_SIZE, GFP_NOIO);
	if (!page)
		return 0;
	for (p = round_down(start, DXM_PAGE_SECTORS); p < end && legs;
	     p += DXM_PAGE_SECTORS) {
		bool whole = p >= start && p + DXM_PAGE_SECTORS <= end;

		if (whole)
			dxm_bio_copy_from(bio, pb->saved_iter,
					  (p - start) << SECTOR_SHIFT, page,
					  PAGE_SIZE);
		else if (src < 0 || dxm_data_rw(dc, src, REQ_OP_READ, p, page,
						DXM_PAGE_SECTORS))
			break;
		for_each_set_bit(i, &legs, DXM_NR_LEGS) {
			r = dxm_leg_alive(dc, i) ?
			    dxm_write_page_remap(dc, i, p, page) : -EIO;
			if (!r)
				continue;
			clear_bit(i, &legs);
			dxm_fail_leg(dc, i, r, "cannot rewrite a page after poison");
		}
		if (legs && whole)
			dxm_lost_set(dc, dxm_sect_to_pages(p), false);
	}
	kfree(page);
	return p < end ? 0 : legs;
}

/*
 * A write failed on at least one leg.  The pmem driver stops a bio at its
 * first bad page, so a leg that met poison lacks every page after it:
 * such a leg is rewritten page by page (clear or remap) before the write
 * is acknowledged.  Any other error fails the leg, durably, before the
 * write is acknowledged.
 */
static void dxm_finish_failed_write(struct dxm_c *dc, struct bio *bio)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	unsigned long bits = (unsigned long)pb->leg;
	unsigned long ok = 0, poisoned = 0;
	sector_t sector = pb->saved_iter.bi_sector;
	sector_t nr = pb->saved_iter.bi_size >> SECTOR_SHIFT;
	int i;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		if (test_bit(i, &bits))
			atomic_inc(&dc->legs[i].errors);
		if (!dxm_leg_alive(dc, i))
			continue;
		if (!test_bit(i, &bits))
			__set_bit(i, &ok);
		else if (dxm_leg_has_badblocks(dc, i, sector, nr))
			__set_bit(i, &poisoned);
		else
			dxm_fail_leg(dc, i, -EIO, "write error");
	}
	pb->leg = -1;
	if (poisoned) {
		for_each_set_bit(i, &poisoned, DXM_NR_LEGS)
			DMWARN_LIMIT("%s: leg %d: write to sector %llu (+%llu) hit poison: rewriting it page by page",
				     dxm_name(dc), i, (unsigned long long)sector,
				     (unsigned long long)nr);
		ok |= dxm_rewrite_pages(dc, bio, poisoned,
					ok ? (int)__ffs(ok) : -1);
		/* other pages the lists name */
		dxm_request_rescan(dc);
	}
	/* whole pages written on every live leg have a good copy again */
	if (pb->lost && ok) {
		sector_t p = round_up(sector, DXM_PAGE_SECTORS);

		for (; p + DXM_PAGE_SECTORS <= sector + nr;
		     p += DXM_PAGE_SECTORS)
			dxm_lost_set(dc, dxm_sect_to_pages(p), false);
	}
	dxm_write_done(dc, pb);
	if (!ok)
		bio->bi_status = BLK_STS_IOERR;
	bio_endio(bio);
}

void dxm_bio_work(struct work_struct *work)
{
	struct dxm_c *dc = container_of(work, struct dxm_c, bios.work);
	struct bio_list marks, deferred, failover, failed;
	struct bio *bio;

	spin_lock_irq(&dc->lock);
	marks = dc->bios.need_mark;
	bio_list_init(&dc->bios.need_mark);
	failover = dc->failover.reads;
	bio_list_init(&dc->failover.reads);
	failed = dc->bios.failed;
	bio_list_init(&dc->bios.failed);
	spin_unlock_irq(&dc->lock);

	while ((bio = bio_list_pop(&failed)))
		dxm_finish_failed_write(dc, bio);

	/* a write whose mark is not durable is never issued */
	if (!bio_list_empty(&marks) && dxm_bitmap_writeback(dc)) {
		while ((bio = bio_list_pop(&marks))) {
			struct dxm_bio *pb = dm_per_bio_data(bio,
						sizeof(struct dxm_bio));

			dxm_write_done(dc, pb);
			bio_io_error(bio);
		}
	}
	while ((bio = bio_list_pop(&marks)))
		dxm_issue_write(dc, bio);

	while ((bio = bio_list_pop(&failover)))
		dxm_failover_read(dc, bio);

	/* writes that waited for a region copy to finish */
	spin_lock_irq(&dc->lock);
	deferred = dc->bios.deferred;
	bio_list_init(&dc->bios.deferred);
	spin_unlock_irq(&dc->lock);
	while ((bio = bio_list_pop(&deferred)))
		if (dxm_admit_write(dc, bio))
			dxm_issue_write(dc, bio);
}

/* Process context only: marks the leg dead, records it, raises an event. */
void dxm_fail_leg(struct dxm_c *dc, int leg, int err, const char *why)
{
	struct dxm_leg *l = &dc->legs[leg];
	bool was_primary = leg == dxm_primary(dc);

	unsigned int gen = 0;

	if (!dxm_leg_alive(dc, leg))
		return;
	if (dc->dax && was_primary && dxm_leg_alive(dc, dxm_other(dc, leg)))
		gen = dxm_hold_walk_start(dc);	/* before the switch */
	WRITE_ONCE(l->dead, true);
	if (dc->dax && was_primary && dxm_primary(dc) >= 0) {
		/* its mapped pages must go (see dxm_failover_work) */
		WRITE_ONCE(dc->failover.gen, gen);
		WRITE_ONCE(dc->failover.primary, leg);
		queue_work(dc->failover.wq, &dc->failover.work);
	} else {
		dxm_hold_walk_end(dc, gen);	/* no new primary: no walk */
	}
	atomic_cmpxchg(&dc->first_error, 0, err);
	DMERR("%s: leg %d (%s) failed: %s (%d)", dxm_name(dc), leg,
	      l->dev->name, why, err);
	if (dc->sweep.leg == leg)
		dxm_stop_action(dc);
	dxm_write_superblocks(dc);
	dxm_raise_event(dc);
}
