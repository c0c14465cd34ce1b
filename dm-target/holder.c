// SPDX-License-Identifier: GPL-2.0
/*
 * Memory failure on a mapped page: daxmirror registers itself as the DAX
 * holder of each leg, so a memory failure the platform reports on a leg's
 * page (a machine check, or madvise(MADV_HWPOISON) in tests) reaches
 * dxm_notify_failure() instead of killing every process that maps the
 * page.  The page is repaired from the other leg into a spare page and
 * its user mappings are removed, so the next access faults and maps the
 * good copy.  Returning -EOPNOTSUPP lets the kernel fall back to SIGBUS
 * when no good copy exists.
 *
 * A table reload puts a new instance of the target over the same legs.
 * Only the live instance may repair: a replaced one would remap a page
 * the live one does not know of, and write its own remap table over the
 * live one's.  So the holder moves with the table: the instance going
 * live takes each leg's holder from the one it replaces when its
 * activation has read the legs' metadata (dxm_holder_activate()), and
 * dxm_holder_sem keeps a notification from using an instance while the
 * holder moves or the instance goes away: notifications hold it for
 * reading, registration, take-over and release for writing.
 */
#include <linux/dax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "daxmirror.h"

/*
 * The whole leg is going away (kill_dax() on unbind or hot-remove tells
 * the holder first: offset 0, length U64_MAX, MF_MEM_PRE_REMOVE from 6.6
 * on, no flags on 6.1).  Its memory is still there: copy what only it
 * holds if it is the primary and the other leg is good, stop using its
 * mapped bitmap, fail it and unmap its pages, before it is unmapped.
 */
static int dxm_leg_going_away(struct dxm_c *dc, int leg)
{
	int other = dxm_other(dc, leg);

	DMERR("%s: leg %d (%s) is being removed", dxm_name(dc), leg,
	      dc->legs[leg].dev->name);
	down_write(&dc->failover.sem);
	if (leg == dxm_primary(dc) && dxm_leg_alive(dc, other) &&
	    !dc->legs[other].stale)
		dxm_failover_sync(dc);
	mutex_lock(&dc->sync_mutex);
	spin_lock_irq(&dc->lock);
	dc->legs[leg].bitmap_kaddr = NULL;	/* marks go through bios now */
	spin_unlock_irq(&dc->lock);
	dxm_fail_leg(dc, leg, -ENODEV, "device is being removed");
	if (dc->dax)
		dxm_unmap_all(dc, leg);
	mutex_unlock(&dc->sync_mutex);
	up_write(&dc->failover.sem);
	/* files must not name its pages once they are gone */
	dxm_forget_leg(dc, leg, 0);	/* dxm_fail_leg() started a hold walk */
	return 0;
}

/*
 * Repair data page @s of leg @leg, whose memory failed, from leg @good
 * into a spare page; @leg_sector is where the failed page is on the leg.
 */
static int dxm_mf_repair(struct dxm_c *dc, int leg, int good, sector_t s,
			 sector_t leg_sector, void *page)
{
	unsigned long reg = dxm_region(dc, s);
	int r;

	dxm_region_lock(dc, reg);
	r = dxm_data_rw(dc, good, REQ_OP_READ, s, page, 8);
	if (!r)
		r = dxm_remap_page(dc, leg, dxm_sect_to_pages(s), page);
	dxm_region_unlock(dc, reg);
	if (r)
		return -EOPNOTSUPP;
	/* mappings of the failed page fault again and get the spare */
	if (leg == dxm_primary(dc) || dc->dax) {
		dxm_zap_page(dc, leg, leg_sector);
		dxm_forget_later(dc, leg, leg_sector, dxm_sect_to_pages(s));
	}
	DMWARN_LIMIT("%s: leg %d: memory failure at sector %llu repaired from leg %d",
		     dxm_name(dc), leg, (unsigned long long)s, good);
	return 0;
}

/*
 * A memory failure in leg @leg's spare area, sectors [first, end) of the
 * leg: each spare page in use holds a remapped data page, which is
 * repaired into another spare (the failed one is retired).  Free spare
 * pages are left alone: a later remap that cannot write one retires it.
 */
static int dxm_spare_failure(struct dxm_c *dc, int leg, int good,
			     sector_t first, sector_t end, void *page)
{
	struct dxm_leg *l = &dc->legs[leg];
	sector_t so = l->geo.spare_offset, ls;
	int err = 0;

	if (first < so || first >= so + dxm_pages_to_sect(l->nr_spare))
		return -EOPNOTSUPP;	/* other metadata */
	end = min_t(sector_t, end, so + dxm_pages_to_sect(l->nr_spare));
	for (ls = round_down(first, 8); ls < end; ls += 8) {
		u64 data;

		mutex_lock(&l->remap_mutex);
		data = l->slots[dxm_sect_to_pages(ls - so)];
		mutex_unlock(&l->remap_mutex);
		if (data == DXM_NO_PAGE || data == DXM_RETIRED_PAGE)
			continue;
		/* DAX stores not yet on the other leg: copy what can be read */
		dxm_sync_hot(dc, dxm_region(dc, dxm_pages_to_sect(data)),
			     dxm_region(dc, dxm_pages_to_sect(data)), true);
		if (dxm_mf_repair(dc, leg, good, dxm_pages_to_sect(data), ls, page))
			err = -EOPNOTSUPP;
	}
	return err;
}

static DECLARE_RWSEM(dxm_holder_sem);
static LIST_HEAD(dxm_instances);	/* every instance (for the take-over) */

static int dxm_notify_failure_locked(struct dxm_c *dc,
				     struct dax_device *dax_dev, u64 offset,
				     u64 len)
{
	sector_t first, end, s;
	int leg, good, err = 0;
	void *page;

	if (!dc || !dc->activated)
		return -EOPNOTSUPP;
	for (leg = 0; leg < DXM_NR_LEGS; leg++)
		if (dc->legs[leg].holder == dax_dev)
			break;
	if (leg == DXM_NR_LEGS || !dxm_leg_alive(dc, leg))
		return -EOPNOTSUPP;
	if (len == U64_MAX || offset + len < offset)
		return dxm_leg_going_away(dc, leg);
	good = dxm_other(dc, leg);
	first = (offset >> SECTOR_SHIFT);
	end = (offset + len + SECTOR_SIZE - 1) >> SECTOR_SHIFT;
	if (first < get_start_sect(dc->legs[leg].dev->bdev))
		return -EOPNOTSUPP;
	first -= get_start_sect(dc->legs[leg].dev->bdev);
	end -= get_start_sect(dc->legs[leg].dev->bdev);
	if (!dxm_leg_alive(dc, good) || dc->legs[good].stale)
		return -EOPNOTSUPP;
	page = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	if (first >= dc->data_sectors) {
		err = dxm_spare_failure(dc, leg, good, first, end, page);
		kfree(page);
		return err;
	}
	end = min_t(sector_t, end, dc->data_sectors);

	/* DAX stores not yet on the other leg: copy what can be read */
	dxm_sync_hot(dc, dxm_region(dc, first), dxm_region(dc, end - 1), true);

	for (s = round_down(first, 8); s < end; s += 8) {
		sector_t ls = dxm_leg_sector(dc, leg, s);

		/* a page remapped before: the failed memory is not in use */
		if (ls != s)
			continue;
		if (dxm_mf_repair(dc, leg, good, s, ls, page))
			err = -EOPNOTSUPP;
	}
	kfree(page);
	return err;
}

static int dxm_notify_failure(struct dax_device *dax_dev, u64 offset, u64 len,
			      int mf_flags)
{
	int r;

	down_read(&dxm_holder_sem);
	r = dxm_notify_failure_locked(dax_holder(dax_dev), dax_dev, offset,
				      len);
	up_read(&dxm_holder_sem);
	return r;
}

static const struct dax_holder_operations dxm_holder_ops = {
	.notify_failure = dxm_notify_failure,
};

/* The instance of ours that holds @dax_dev, and its leg (NULL: none). */
static struct dxm_c *dxm_holding(struct dax_device *dax_dev, int *leg)
{
	void *h = dax_holder(dax_dev);
	struct dxm_c *dc;
	int i;

	list_for_each_entry(dc, &dxm_instances, instances) {
		if (dc != h)
			continue;
		for (i = 0; i < DXM_NR_LEGS; i++) {
			if (dc->legs[i].holder == dax_dev) {
				*leg = i;
				return dc;
			}
		}
	}
	return NULL;
}

/* Whether leg @i is a live DAX leg that this instance does not hold. */
static bool dxm_holder_missing(struct dxm_c *dc, int i)
{
	struct dxm_leg *l = &dc->legs[i];

	return !l->holder && dxm_leg_alive(dc, i) && l->dev->dax_dev;
}

/*
 * Become the holder of each DAX leg that has none; with @take also of
 * those another instance of ours holds (a replaced table).  Called with
 * dxm_holder_sem held for writing.
 */
static void dxm_holder_get(struct dxm_c *dc, bool take)
{
	struct dxm_c *old;
	u64 start;
	int i, j;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct dxm_leg *l = &dc->legs[i];

		if (!dxm_holder_missing(dc, i))
			continue;
		old = take ? dxm_holding(l->dev->dax_dev, &j) : NULL;
		if (old) {
			fs_put_dax(old->legs[j].holder, old);
			old->legs[j].holder = NULL;
		}
		if (dax_holder(l->dev->dax_dev))
			continue;	/* taken: asking would leak a ref on 6.1 */
		l->holder = fs_dax_get_by_bdev(l->dev->bdev, &start, dc,
					       &dxm_holder_ops);
		if (IS_ERR(l->holder))
			l->holder = NULL;
	}
}

/* A new instance (constructor): known for take-overs. */
void dxm_holder_init(struct dxm_c *dc)
{
	down_write(&dxm_holder_sem);
	list_add(&dc->instances, &dxm_instances);
	up_write(&dxm_holder_sem);
}

/*
 * Activation of an instance going live (preresume): no notification runs
 * while @activate reads the legs' metadata, and on success the instance
 * takes the holder of its legs from the table it replaces.
 */
int dxm_holder_activate(struct dxm_c *dc, int (*activate)(struct dxm_c *))
{
	int r;

	down_write(&dxm_holder_sem);
	r = activate(dc);
	if (!r && dc->dax)
		dxm_holder_get(dc, true);
	up_write(&dxm_holder_sem);
	return r;
}

/* Hold the legs nobody holds (a replaced table released them). */
void dxm_holder_register(struct dxm_c *dc)
{
	int i;

	for (i = 0; i < DXM_NR_LEGS; i++)
		if (dxm_holder_missing(dc, i) &&
		    !dax_holder(dc->legs[i].dev->dax_dev))
			break;
	if (i == DXM_NR_LEGS)
		return;		/* nothing to do: the common case */
	down_write(&dxm_holder_sem);
	dxm_holder_get(dc, false);
	up_write(&dxm_holder_sem);
}

/*
 * Release the legs and forget the instance; when this returns, no
 * notification uses it any more.
 */
void dxm_holder_unregister(struct dxm_c *dc)
{
	int i;

	down_write(&dxm_holder_sem);
	for (i = 0; i < DXM_NR_LEGS; i++) {
		if (!dc->legs[i].holder)
			continue;
		fs_put_dax(dc->legs[i].holder, dc);
		dc->legs[i].holder = NULL;
	}
	list_del_init(&dc->instances);
	up_write(&dxm_holder_sem);
}
