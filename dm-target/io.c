// SPDX-License-Identifier: GPL-2.0
/*
 * The block I/O path.
 *
 * Writes are split at region boundaries, counted in flight per region
 * bucket (so that a region copy can wait for them to drain), marked in
 * the write-intent bitmap before they are issued, and sent to every live
 * leg with one asynchronous dm_io; they complete when every live leg has
 * them.  A leg that fails a write is failed (recorded on the survivor
 * before the write is acknowledged).
 *
 * Reads go to the primary leg.  A read error is retried on the other leg
 * when that leg holds the region in sync; the primary is then rewritten
 * with the good data (write-to-clear repair of poison).
 */
#include <linux/bio.h>
#include <linux/kernel.h>
#include "daxmirror.h"

int dxm_primary(struct dxm_c *dc)
{
	int i;

	for (i = 0; i < DXM_NR_LEGS; i++)
		if (dxm_leg_alive(dc, i) && !dc->legs[i].stale)
			return i;
	return -1;
}

int dxm_other(struct dxm_c *dc, int leg)
{
	return DXM_NR_LEGS - 1 - leg;
}

void dxm_write_done_region(struct dxm_c *dc, unsigned int bucket)
{
	if (atomic_dec_and_test(&dc->inflight[bucket]))
		wake_up_all(&dc->inflight_wait);
}

static void dxm_queue_bio(struct dxm_c *dc, struct bio_list *list,
			  struct bio *bio)
{
	unsigned long flags;

	spin_lock_irqsave(&dc->lock, flags);
	bio_list_add(list, bio);
	spin_unlock_irqrestore(&dc->lock, flags);
	queue_work(dc->wq, &dc->bio_work);
}

static void dxm_write_endio(unsigned long error_bits, void *context)
{
	struct bio *bio = context;
	struct dxm_c *dc = bio->bi_private;
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	unsigned long flags;

	if (error_bits) {
		/* fail the leg durably before acknowledging the write */
		pb->leg = (int)error_bits;	/* bit mask of failed legs */
		spin_lock_irqsave(&dc->lock, flags);
		bio_list_add(&dc->failed_writes, bio);
		spin_unlock_irqrestore(&dc->lock, flags);
		queue_work(dc->wq, &dc->bio_work);
		return;
	}
	dxm_write_done_region(dc, pb->bucket);
	bio_endio(bio);
}

static void dxm_issue_write(struct dxm_c *dc, struct bio *bio)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	struct dm_io_region where[DXM_NR_LEGS];
	struct dm_io_request req = {
		.bi_opf = bio->bi_opf,
		.mem.type = DM_IO_BIO,
		.mem.ptr.bio = bio,
		.notify.fn = dxm_write_endio,
		.notify.context = bio,
		.client = dc->io_client,
	};
	unsigned int i, n = 0;

	/* dm_io reports errors by region index: keep index == leg */
	for (i = 0; i < DXM_NR_LEGS; i++) {
		where[i].bdev = dc->legs[i].dev ? dc->legs[i].dev->bdev : NULL;
		where[i].sector = pb->saved_iter.bi_sector;
		where[i].count = 0;
		if (!dxm_leg_alive(dc, i))
			continue;
		where[i].count = bio_sectors(bio);
		n++;
	}
	if (!n) {
		dxm_write_done_region(dc, pb->bucket);
		bio_io_error(bio);
		return;
	}
	/* a dead leg's region has count 0: dm_io skips it */
	if (!where[0].bdev)
		where[0].bdev = where[1].bdev;
	if (!where[1].bdev)
		where[1].bdev = where[0].bdev;
	bio->bi_private = dc;
	dxm_dm_io(&req, DXM_NR_LEGS, where, NULL);
}

/*
 * Admit a write: returns true when it may be issued now; otherwise the
 * bio was parked (region being copied, or bitmap write-back needed) and
 * the worker issues it later.
 */
static bool dxm_admit_write(struct dxm_c *dc, struct bio *bio)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	unsigned long r = dxm_region(dc, pb->saved_iter.bi_sector);
	unsigned long flags;
	bool now = true;

	spin_lock_irqsave(&dc->lock, flags);
	if (dc->bucket_busy[dxm_bucket(r)]) {
		bio_list_add(&dc->deferred, bio);
		spin_unlock_irqrestore(&dc->lock, flags);
		return false;
	}
	pb->bucket = dxm_bucket(r);
	pb->counted = true;
	atomic_inc(&dc->inflight[pb->bucket]);
	if (dxm_bitmap_mark(dc, r, r)) {
		bio_list_add(&dc->need_mark, bio);
		now = false;
	}
	spin_unlock_irqrestore(&dc->lock, flags);
	if (!now)
		queue_work(dc->wq, &dc->bio_work);
	return now;
}

int dxm_map(struct dm_target *ti, struct bio *bio)
{
	struct dxm_c *dc = ti->private;
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	sector_t sector = dm_target_offset(ti, bio->bi_iter.bi_sector);
	int leg;

	pb->counted = false;
	pb->leg = -1;
	if (bio->bi_opf & REQ_PREFLUSH) {
		unsigned long flags;

		spin_lock_irqsave(&dc->lock, flags);
		bio_list_add(&dc->flushes, bio);
		spin_unlock_irqrestore(&dc->lock, flags);
		queue_work(dc->sync_wq, &dc->flush_work);
		return DM_MAPIO_SUBMITTED;
	}

	bio->bi_iter.bi_sector = sector;
	pb->saved_iter = bio->bi_iter;

	if (bio_data_dir(bio) == WRITE) {
		unsigned long r = dxm_region(dc, sector);
		sector_t left = dxm_region_start(dc, r) + dc->region_sectors -
				sector;

		if (bio_sectors(bio) > left)
			dm_accept_partial_bio(bio, left);
		pb->saved_iter = bio->bi_iter;
		if (dxm_admit_write(dc, bio))
			dxm_issue_write(dc, bio);
		return DM_MAPIO_SUBMITTED;
	}

	leg = dxm_primary(dc);
	if (leg < 0)
		return DM_MAPIO_KILL;
	pb->leg = leg;
	bio_set_dev(bio, dc->legs[leg].dev->bdev);
	return DM_MAPIO_REMAPPED;
}

static bool dxm_range_in_sync(struct dxm_c *dc, sector_t sector,
			      unsigned int nr)
{
	unsigned long first = dxm_region(dc, sector);
	unsigned long last = dxm_region(dc, sector + max(nr, 1U) - 1);
	unsigned long r;

	for (r = first; r <= last; r++)
		if (test_bit(r, dc->hot) || test_bit(r, dc->dirty) ||
		    test_bit(r, dc->copying))
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
	dxm_queue_bio(dc, &dc->failover, bio);
	return DM_ENDIO_INCOMPLETE;
}

/* Retry a failed read on the other leg, then repair the bad leg. */
static void dxm_failover_read(struct dxm_c *dc, struct bio *bio)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	int bad = pb->leg, good = dxm_other(dc, bad);
	struct dm_io_region where = {
		.bdev = dc->legs[good].dev->bdev,
		.sector = pb->saved_iter.bi_sector,
		.count = pb->saved_iter.bi_size >> SECTOR_SHIFT,
	};
	struct dm_io_request req = {
		.bi_opf = REQ_OP_READ,
		.mem.type = DM_IO_BIO,
		.mem.ptr.bio = bio,
		.client = dc->io_client,
	};
	unsigned long error_bits = 0;
	int r;

	pb->leg = -1;	/* the next end_io call completes the bio */
	r = dxm_dm_io(&req, 1, &where, &error_bits);
	if (r || error_bits) {
		DMERR_LIMIT("%s: read of sector %llu failed on both legs",
			    dxm_name(dc),
			    (unsigned long long)where.sector);
		bio->bi_status = BLK_STS_IOERR;
		bio_endio(bio);
		return;
	}
	DMWARN_LIMIT("%s: leg %d: read error at sector %llu (+%llu) served from leg %d",
		     dxm_name(dc), bad, (unsigned long long)where.sector,
		     (unsigned long long)where.count, good);
	bio->bi_status = BLK_STS_OK;
	bio->bi_iter = pb->saved_iter;

	/* write-to-clear repair of the bad leg from the data just read */
	if (dxm_leg_alive(dc, bad)) {
		where.bdev = dc->legs[bad].dev->bdev;
		req.bi_opf = REQ_OP_WRITE | REQ_FUA;
		error_bits = 0;
		r = dxm_dm_io(&req, 1, &where, &error_bits);
		if (r || error_bits)
			DMWARN_LIMIT("%s: leg %d: repair write at sector %llu failed",
				     dxm_name(dc), bad,
				     (unsigned long long)where.sector);
		bio->bi_iter = pb->saved_iter;
	}
	bio_endio(bio);
}

static void dxm_finish_failed_write(struct dxm_c *dc, struct bio *bio)
{
	struct dxm_bio *pb = dm_per_bio_data(bio, sizeof(struct dxm_bio));
	unsigned long bits = (unsigned long)pb->leg;
	int i, alive_ok = 0;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		if (!dxm_leg_alive(dc, i))
			continue;
		if (test_bit(i, &bits))
			dxm_fail_leg(dc, i, -EIO, "write error");
		else
			alive_ok++;
	}
	pb->leg = -1;
	dxm_write_done_region(dc, pb->bucket);
	if (!alive_ok)
		bio->bi_status = BLK_STS_IOERR;
	bio_endio(bio);
}

void dxm_bio_work(struct work_struct *work)
{
	struct dxm_c *dc = container_of(work, struct dxm_c, bio_work);
	struct bio_list marks, deferred, failover, failed;
	struct bio *bio;

	spin_lock_irq(&dc->lock);
	marks = dc->need_mark;
	bio_list_init(&dc->need_mark);
	failover = dc->failover;
	bio_list_init(&dc->failover);
	failed = dc->failed_writes;
	bio_list_init(&dc->failed_writes);
	spin_unlock_irq(&dc->lock);

	while ((bio = bio_list_pop(&failed)))
		dxm_finish_failed_write(dc, bio);

	if (!bio_list_empty(&marks))
		dxm_bitmap_writeback(dc);
	while ((bio = bio_list_pop(&marks)))
		dxm_issue_write(dc, bio);

	while ((bio = bio_list_pop(&failover)))
		dxm_failover_read(dc, bio);

	/* writes that waited for a region copy to finish */
	spin_lock_irq(&dc->lock);
	deferred = dc->deferred;
	bio_list_init(&dc->deferred);
	spin_unlock_irq(&dc->lock);
	while ((bio = bio_list_pop(&deferred)))
		if (dxm_admit_write(dc, bio))
			dxm_issue_write(dc, bio);
}

/* Process context only: marks the leg dead, records it, raises an event. */
void dxm_fail_leg(struct dxm_c *dc, int leg, int err, const char *why)
{
	struct dxm_leg *l = &dc->legs[leg];

	if (!dxm_leg_alive(dc, leg))
		return;
	WRITE_ONCE(l->dead, true);
	atomic_cmpxchg(&dc->first_error, 0, err);
	DMERR("%s: leg %d (%s) failed: %s (%d)", dxm_name(dc), leg,
	      l->dev->name, why, err);
	if (dc->target_leg == leg)
		dxm_stop_action(dc);
	dxm_write_superblocks(dc);
	dxm_raise_event(dc);
}
