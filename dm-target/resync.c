// SPDX-License-Identifier: GPL-2.0
/*
 * The background worker: one sweep at a time over the regions
 *   resync   copy the regions marked in the write-intent bitmap
 *            (after a crash, or the initial sync of a new mirror)
 *   rebuild  copy every region onto a stale leg, checkpointed on media
 *   check    compare both legs, count differing sectors
 *   repair   compare and fix from the primary
 * plus housekeeping when idle: the interval sync of hot regions and the
 * lazy clearing of write-intent marks of regions known to be in sync.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/string.h>
#include "daxmirror.h"

#define DXM_SWEEP_BATCH		32	/* regions per worker run */

/*
 * Bandwidth limit of resync, rebuild and check/repair sweeps, in KiB/s
 * per mirror; 0 (the default) means unthrottled.  Writable at run time.
 * The default of every mirror whose table (or a message) sets no
 * sweep_max_kbps of its own.
 */
static unsigned int sweep_max_kbps;
module_param(sweep_max_kbps, uint, 0644);
MODULE_PARM_DESC(sweep_max_kbps,
		 "Resync/rebuild/scrub bandwidth limit per mirror in KiB/s (0: none)");
#define DXM_HOUSEKEEP_MS	1000
/* Clearing passes over marks written by bios (see dxm_clear_marks()). */
#define DXM_LAZY_CLEAR_MS	5000
#define DXM_CHECKPOINT_MS	1000

static void dxm_event_fn(struct work_struct *work)
{
	struct dxm_c *dc = container_of(work, struct dxm_c, event_work);

	dm_table_event(dc->ti->table);
}

void dxm_raise_event(struct dxm_c *dc)
{
	queue_work(dc->wq, &dc->event_work);
}

/* Regions dirty or with a hot page (kept as a count: pagebits.c). */
unsigned long dxm_out_of_sync_regions(struct dxm_c *dc)
{
	return READ_ONCE(dc->rs.nr_out_of_sync);
}

unsigned long dxm_hot_regions(struct dxm_c *dc)
{
	return READ_ONCE(dc->rs.nr_hot);
}

void dxm_start_action(struct dxm_c *dc, enum dxm_action action, int target)
{
	spin_lock_irq(&dc->lock);
	dc->sweep.action = action;
	dc->sweep.leg = target;
	if (action != DXM_REBUILD)
		dc->sweep.cursor = 0;
	if (action == DXM_CHECK || action == DXM_REPAIR)
		atomic64_set(&dc->sweep.mismatches, 0);
	spin_unlock_irq(&dc->lock);
	if (dxm_sweep_sparse(dc))
		DMINFO("%s: rebuild of leg %d started (re-add): %lu marked regions",
		       dxm_name(dc), target,
		       (unsigned long)bitmap_weight(dc->bm.marked,
						    dc->nr_regions));
	else
		DMINFO("%s: %s started", dxm_name(dc),
		       action == DXM_RESYNC ? "resync" :
		       action == DXM_REBUILD ? "rebuild" :
		       action == DXM_CHECK ? "check" : "repair");
	dxm_raise_event(dc);
	if (!dc->suspended)
		mod_delayed_work(dc->sync_wq, &dc->sweep.work, 0);
}

void dxm_stop_action(struct dxm_c *dc)
{
	spin_lock_irq(&dc->lock);
	dc->sweep.action = DXM_IDLE;
	dc->sweep.leg = -1;
	dc->sweep.cursor = 0;
	spin_unlock_irq(&dc->lock);
	dxm_raise_event(dc);
}

/* Compare one region of both legs; optionally fix the other leg. */
static int dxm_check_region(struct dxm_c *dc, unsigned long reg, int from,
			    int to, bool fix)
{
	sector_t len = dxm_region_len(dc, reg);
	sector_t start = dxm_region_start(dc, reg), s, diff = 0;
	int r;

	r = dxm_data_rw(dc, from, REQ_OP_READ, start, dc->copy_buf, len);
	if (!r)
		r = dxm_data_rw(dc, to, REQ_OP_READ, start, dc->cmp_buf, len);
	if (r)	/* poison: repair it the copy way, then compare again later */
		return dxm_copy_region(dc, reg, from, to) ? r : 0;
	for (s = 0; s < len; s++)
		if (memcmp(dc->copy_buf + (s << SECTOR_SHIFT),
			   dc->cmp_buf + (s << SECTOR_SHIFT), 1 << SECTOR_SHIFT))
			diff++;
	if (!diff)
		return 0;
	atomic64_add(diff, &dc->sweep.mismatches);
	if (fix)
		r = dxm_data_rw(dc, to, REQ_OP_WRITE, start, dc->copy_buf, len);
	return r;
}

/* Process one batch of the running sweep; returns true when it ended. */
static bool dxm_sweep(struct dxm_c *dc)
{
	enum dxm_action act = READ_ONCE(dc->sweep.action);
	bool sparse = dxm_sweep_sparse(dc);
	int from = dxm_primary(dc), to;
	unsigned long reg, end, n = 0;
	int r = 0;

	if (from < 0)
		return true;
	to = act == DXM_REBUILD ? dc->sweep.leg : dxm_other(dc, from);
	if (to < 0 || to == from || !dxm_leg_alive(dc, to))
		return true;

	mutex_lock(&dc->sync_mutex);
	reg = dc->sweep.cursor;
	end = dc->nr_regions;
	while (reg < end && n < DXM_SWEEP_BATCH && !r) {
		if (act == DXM_RESYNC || sparse) {
			/* a re-add: marks are only added while it runs */
			reg = find_next_bit(act == DXM_RESYNC ? dc->rs.dirty :
					    dc->bm.marked, end, reg);
			if (reg >= end)
				break;
		}
		if ((act == DXM_CHECK || act == DXM_REPAIR) &&
		    dxm_region_unsettled(dc, reg)) {
			reg++;	/* DAX stores pending: not comparable yet */
			continue;
		}
		dxm_region_lock(dc, reg);
		if (act == DXM_RESYNC || act == DXM_REBUILD)
			r = dxm_copy_region(dc, reg, from, to);
		else
			r = dxm_check_region(dc, reg, from, to,
					     act == DXM_REPAIR);
		if (!r && act != DXM_CHECK) {
			spin_lock_irq(&dc->lock);
			dxm_clear_dirty(dc, reg);
			spin_unlock_irq(&dc->lock);
		}
		dxm_region_unlock(dc, reg);
		reg++;
		n++;
	}
	dc->sweep.cursor = reg;
	mutex_unlock(&dc->sync_mutex);

	if (r) {
		DMERR("%s: sweep stopped at region %lu: %d", dxm_name(dc),
		      reg, r);
		return true;
	}
	if (act == DXM_RESYNC)
		return !READ_ONCE(dc->rs.nr_dirty);
	if (act == DXM_REBUILD &&
	    time_after(jiffies, dc->sweep.last_checkpoint +
		       msecs_to_jiffies(DXM_CHECKPOINT_MS))) {
		dc->sweep.last_checkpoint = jiffies;
		dxm_write_superblocks(dc);
	}
	return reg >= end;
}

static void dxm_sweep_done(struct dxm_c *dc, enum dxm_action act)
{
	if (act == DXM_REBUILD && dc->sweep.cursor >= dc->nr_regions) {
		/* DAX stores behind the cursor were copied by the flushes */
		dxm_sync_hot(dc, 0, dc->nr_regions - 1, false);
		dxm_flush_legs(dc);
		dc->legs[dc->sweep.leg].stale = false;
		dc->legs[dc->sweep.leg].readd = false;
		dc->sweep.cursor = 0;
		dxm_write_superblocks(dc);
	}
	DMINFO("%s: %s finished", dxm_name(dc),
	       act == DXM_RESYNC ? "resync" : act == DXM_REBUILD ?
	       "rebuild" : act == DXM_CHECK ? "check" : "repair");
	dxm_stop_action(dc);
	if (act == DXM_REBUILD && dxm_primary(dc) >= 0 &&
	    READ_ONCE(dc->rs.nr_dirty))
		dxm_start_action(dc, DXM_RESYNC,
				 dxm_other(dc, dxm_primary(dc)));
}

/* Regions whose marks dxm_clear_marks() looks at per hold of dc->lock. */
#define DXM_CLEAR_BATCH	(64UL * BITS_PER_LONG)

/*
 * Clear write-intent marks of regions that cannot differ, a batch at a
 * time (the bitmap has 16 million bits per TiB at 64 KiB regions).
 */
static void dxm_clear_marks(struct dxm_c *dc)
{
	unsigned long r, end, next;
	bool changed = false;

	/*
	 * Marks written by bios cost a write (and a flush) each: cleared
	 * every DXM_LAZY_CLEAR_MS only, so that a region written again soon
	 * keeps its mark.
	 */
	if (!dxm_bitmap_mark_is_sync(dc)) {
		if (time_before(jiffies, dc->bm.next_clear))
			return;
		dc->bm.next_clear = jiffies + msecs_to_jiffies(DXM_LAZY_CLEAR_MS);
	}

	for (next = 0; next < dc->nr_regions; next = end) {
		end = min(next + DXM_CLEAR_BATCH, dc->nr_regions);
		spin_lock_irq(&dc->lock);
		/*
		 * While a leg is out (failed, missing) or rebuilt, the marks
		 * are the record of what it misses: a re-add copies only
		 * those.  Checked per batch: a region cleared before a leg
		 * died was the same on both, and a write to it since marked
		 * it again.
		 */
		if (!dxm_all_legs_in_sync(dc)) {
			spin_unlock_irq(&dc->lock);
			break;
		}
		for (r = find_next_bit(dc->bm.marked, end, next); r < end;
		     r = find_next_bit(dc->bm.marked, end, r + 1)) {
			if (dxm_region_unsettled(dc, r) ||
			    test_bit(r, dc->rs.dirty) ||
			    test_bit(r, dc->rs.copying) ||
			    atomic_read(&dc->bk.writes[dxm_bucket(r)]))
				continue;
			__clear_bit(r, dc->bm.marked);
			changed = true;
		}
		if (changed) {
			dc->bm.clears++;
			if (!dxm_bitmap_mark_is_sync(dc))
				dc->bm.writeback_due = true;
		}
		spin_unlock_irq(&dc->lock);
		cond_resched();
	}
	if (changed)
		dxm_bitmap_writeback(dc);
}

/* Delay before the next batch so that a sweep keeps to sweep_max_kbps. */
static unsigned long dxm_throttle_delay(struct dxm_c *dc)
{
	unsigned int kbps = READ_ONCE(dc->args.sweep_given) ?
			    READ_ONCE(dc->args.sweep_max_kbps) :
			    READ_ONCE(sweep_max_kbps);
	u64 kib;

	if (!kbps)
		return 0;
	kib = ((u64)DXM_SWEEP_BATCH * dc->region_sectors) >> 1;
	return msecs_to_jiffies(div_u64(kib * 1000, kbps));
}

void dxm_sync_work(struct work_struct *work)
{
	struct dxm_c *dc = container_of(to_delayed_work(work), struct dxm_c,
					sweep.work);
	enum dxm_action act = READ_ONCE(dc->sweep.action);
	unsigned long delay = msecs_to_jiffies(DXM_HOUSEKEEP_MS);
	u32 interval = dc->args.sync_interval_ms;

	if (dc->suspended)
		return;
	if (act != DXM_IDLE) {
		if (dxm_sweep(dc))
			dxm_sweep_done(dc, act);
		else
			delay = dxm_throttle_delay(dc);
	}
	if (interval && time_after_eq(jiffies, dc->sweep.last_interval_sync +
				      msecs_to_jiffies(interval))) {
		dc->sweep.last_interval_sync = jiffies;
		if (dxm_any_warm(dc) || dxm_acc_any(dc)) {
			dxm_sync_hot(dc, 0, dc->nr_regions - 1, false);
			dxm_flush_legs(dc);
		}
	}
	if (dc->dax)
		dxm_holder_register(dc);	/* a replaced table released it */
	if (READ_ONCE(dc->rescan_pending) || dxm_badblocks_changed(dc))
		dxm_rescan(dc);
	if (READ_ONCE(dc->sweep.action) == DXM_IDLE)
		dxm_clear_marks(dc);
	dxm_pb_reclaim(dc);
	if (interval)
		delay = min(delay, msecs_to_jiffies(interval));
	if (!dc->suspended)
		mod_delayed_work(dc->sync_wq, &dc->sweep.work, delay);
}

void dxm_workers_init(struct dxm_c *dc)
{
	INIT_WORK(&dc->event_work, dxm_event_fn);
	INIT_WORK(&dc->bios.work, dxm_bio_work);
	INIT_WORK(&dc->bios.flush_work, dxm_flush_work);
	INIT_WORK(&dc->failover.work, dxm_failover_work);
	INIT_WORK(&dc->forget.work, dxm_forget_work);
	INIT_WORK(&dc->lost.notify_work, dxm_notify_work);
	INIT_WORK(&dc->forget.iput_work, dxm_iput_work);
	init_llist_head(&dc->forget.iputs);
	INIT_DELAYED_WORK(&dc->sweep.work, dxm_sync_work);
}
