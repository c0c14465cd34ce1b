// SPDX-License-Identifier: GPL-2.0
/*
 * dm-daxmirror: a device-mapper target that mirrors two persistent memory
 * legs and offers DAX over the mirror.
 *
 * This file is the glue: constructor/destructor, suspend/resume and the
 * target type.  See daxmirror.h for the map of the other files.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/blkdev.h>
#include "daxmirror.h"

static void dxm_free(struct dxm_c *dc)
{
	int i;

	/* no memory-failure notification may queue work from here on */
	dxm_holder_unregister(dc);
	if (dc->lost.notify_work.func)	/* lost-page notices (notify.c) */
		flush_work(&dc->lost.notify_work);
	if (dc->forget.iput_work.func)		/* last inode references (zap.c) */
		flush_work(&dc->forget.iput_work);
	if (dc->failover.wq)
		destroy_workqueue(dc->failover.wq);
	if (dc->sync_wq)
		destroy_workqueue(dc->sync_wq);
	if (dc->wq)
		destroy_workqueue(dc->wq);
	dxm_legpar_exit(dc);
	dxm_bitmap_exit(dc);
	dxm_acc_exit(dc);
	xa_destroy(&dc->lost.pages);
	xa_destroy(&dc->forget.pages);
	dxm_hold_destroy(dc);
	xa_destroy(&dc->lost.notify);
	for (i = 0; i < DXM_NR_LEGS; i++) {
		dxm_remap_free(&dc->legs[i]);
		kfree(dc->legs[i].sb);
		if (dc->legs[i].dev)
			dm_put_device(dc->ti, dc->legs[i].dev);
	}
	vfree(dc->copy_buf);
	vfree(dc->cmp_buf);
	if (dc->io_client)
		dm_io_client_destroy(dc->io_client);
	bioset_exit(&dc->flush_bs);
	bioset_exit(&dc->write_bs);
	dxm_free_args(&dc->args);
	kfree(dc);
}

static bool dxm_leg_dax_capable(struct dxm_leg *leg)
{
	return leg->dev && leg->dev->dax_dev &&
	       !(get_start_sect(leg->dev->bdev) % (PAGE_SIZE >> SECTOR_SHIFT));
}

/*
 * Region bitmaps (a bit per 64 KiB region by default: 2 MiB per TiB)
 * exceed what kmalloc gives above 2 TiB: vmalloc'd then.  The per-page
 * state is sparse (pagebits.c).
 */
static unsigned long *dxm_bitmap_alloc(unsigned long bits)
{
	return kvcalloc(BITS_TO_LONGS(bits), sizeof(unsigned long),
			GFP_KERNEL);
}

static int dxm_alloc_state(struct dxm_c *dc)
{
	size_t buf = (size_t)dc->region_sectors << SECTOR_SHIFT;

	dc->region_shift = ilog2(dc->region_sectors);
	dc->nr_regions = DIV_ROUND_UP(dc->data_sectors, dc->region_sectors);
	dc->nr_pages = dxm_sect_to_pages(dc->data_sectors);
	dc->pages_shift = dc->region_shift - DXM_PAGE_SECTORS_SHIFT;
	if (dxm_pb_init(dc) || dxm_pmd_init(dc))
		return -ENOMEM;
	dc->rs.dirty = dxm_bitmap_alloc(dc->nr_regions);
	dc->bm.marked = dxm_bitmap_alloc(dc->nr_regions);
	dc->rs.copying = dxm_bitmap_alloc(dc->nr_regions);
	dc->warm.map = dxm_bitmap_alloc(dc->nr_regions);
	dc->rs.faulted = dxm_bitmap_alloc(dc->nr_regions);
	dc->warm.list = kvmalloc_array(DXM_WARM_LIST, sizeof(long), GFP_KERNEL);
	dc->warm.flush_list = kvmalloc_array(DXM_WARM_LIST, sizeof(long),
					     GFP_KERNEL);
	if (!dc->rs.dirty || !dc->bm.marked || !dc->rs.copying ||
	    !dc->warm.map || !dc->rs.faulted ||
	    !dc->warm.list || !dc->warm.flush_list)
		return -ENOMEM;
	if (buf > (size_t)DXM_DEFAULT_REGION_SECTORS << SECTOR_SHIFT) {
		vfree(dc->copy_buf);
		vfree(dc->cmp_buf);
		dc->copy_buf = vmalloc(buf);
		dc->cmp_buf = vmalloc(buf);
		if (!dc->copy_buf || !dc->cmp_buf)
			return -ENOMEM;
	}
	return 0;
}

/*
 * Construct a mirror: <leg0> <leg1> [<#opt_args> <opt_arg>...]
 * Reads and validates the legs' superblocks; writes nothing (formatting
 * and superblock updates happen at the first resume).
 */
static int dxm_ctr(struct dm_target *ti, unsigned int argc, char **argv)
{
	struct dxm_c *dc;
	int i, r;

	dc = kzalloc(sizeof(*dc), GFP_KERNEL);
	if (!dc) {
		ti->error = "Cannot allocate the mirror context";
		return -ENOMEM;
	}
	dc->ti = ti;
	ti->private = dc;
	spin_lock_init(&dc->lock);
	INIT_LIST_HEAD(&dc->instances);	/* holder.c: not listed yet */
	mutex_init(&dc->sync_mutex);
	init_rwsem(&dc->failover.sem);
	mutex_init(&dc->bm.mutex);
	mutex_init(&dc->sb_mutex);
	init_waitqueue_head(&dc->bk.wait);
	bio_list_init(&dc->bios.deferred);
	bio_list_init(&dc->bios.need_mark);
	bio_list_init(&dc->bios.failed);
	bio_list_init(&dc->failover.reads);
	bio_list_init(&dc->bios.flushes);
	dxm_workers_init(dc);
	xa_init(&dc->lost.pages);
	xa_init(&dc->forget.pages);
	dxm_hold_init(dc);
	xa_init(&dc->lost.notify);
	dc->sweep.leg = -1;
	dc->primary = -1;

	r = dxm_parse_args(ti, argc, argv, &dc->args);
	if (r)
		goto bad;
	for (i = 0; i < DXM_NR_LEGS; i++) {
		dc->legs[i].index = i;
		atomic_set(&dc->legs[i].errors, 0);
		mutex_init(&dc->legs[i].remap_mutex);
		if (!dc->args.leg_path[i]) {
			dc->legs[i].dead = true;
			continue;
		}
		r = dm_get_device(ti, dc->args.leg_path[i],
				  dm_table_get_mode(ti->table),
				  &dc->legs[i].dev);
		if (r) {
			ti->error = i ? "Cannot open leg 1" : "Cannot open leg 0";
			goto bad;
		}
		dc->legs[i].nodax = *dc->legs[i].dev;
		dc->legs[i].nodax.dax_dev = NULL;
		dc->legs[i].flush_is_fence =
			dxm_leg_flush_is_fence(&dc->legs[i]);
	}
	if (dc->legs[0].dev && dc->legs[1].dev &&
	    dc->legs[0].dev->bdev == dc->legs[1].dev->bdev) {
		ti->error = "The two legs must be different devices";
		r = -EINVAL;
		goto bad;
	}

	dc->io_client = dm_io_client_create();
	if (IS_ERR(dc->io_client)) {
		r = PTR_ERR(dc->io_client);
		dc->io_client = NULL;
		ti->error = "Cannot create a dm-io client";
		goto bad;
	}
	r = bioset_init(&dc->flush_bs, 2 * DXM_NR_LEGS, 0, BIOSET_NEED_RESCUER);
	if (!r)
		r = bioset_init(&dc->write_bs, BIO_POOL_SIZE * DXM_NR_LEGS,
				offsetof(struct dxm_clone, bio),
				BIOSET_NEED_RESCUER);
	if (r) {
		ti->error = "Cannot create a bio set";
		goto bad;
	}
	dc->copy_buf = vmalloc(DXM_DEFAULT_REGION_SECTORS << SECTOR_SHIFT);
	dc->cmp_buf = vmalloc(DXM_DEFAULT_REGION_SECTORS << SECTOR_SHIFT);
	if (!dc->copy_buf || !dc->cmp_buf) {
		r = -ENOMEM;
		ti->error = "Cannot allocate copy buffers";
		goto bad;
	}
	dc->region_sectors = DXM_DEFAULT_REGION_SECTORS;

	r = dxm_read_superblocks(dc);
	if (r)
		goto bad;
	i = dc->args.rebuild_leg;
	if (i >= 0 && dc->legs[dxm_other(dc, i)].stale) {
		ti->error = "rebuild: the other leg is not in sync (stale or blank)";
		DMERR("%s: rebuild %d refused: leg %d is not in sync", dxm_name(dc),
		      i, dxm_other(dc, i));
		r = -EINVAL;
		goto bad;
	}
	if (ti->len > dc->data_sectors) {
		r = dxm_plan_grow(dc);
		if (r)
			goto bad;
	}
	r = dxm_alloc_state(dc);
	if (r) {
		ti->error = "Cannot allocate region bitmaps";
		goto bad;
	}
	for (i = 0; i < DXM_NR_LEGS; i++) {
		if (!dc->legs[i].dev || dc->legs[i].blank)
			continue;
		r = dxm_remap_load(dc, i);
		if (r)
			goto bad;
	}

	dc->dax = !dc->args.no_dax;
	for (i = 0; i < DXM_NR_LEGS; i++)
		if (dc->legs[i].dev && !dxm_leg_dax_capable(&dc->legs[i]))
			dc->dax = false;

	r = dxm_check_async_legs(dc, false);
	if (r)
		goto bad;

	dc->wq = alloc_workqueue("dxm_io", WQ_MEM_RECLAIM | DXM_WQ_PERCPU, 0);
	dc->sync_wq = alloc_workqueue("dxm_sync",
				      WQ_MEM_RECLAIM | DXM_WQ_PERCPU, 0);
	/*
	 * The failover work takes sync_mutex, whose holder may wait for
	 * parked writes that bio_work resubmits: never on dxm_io, whose
	 * rescuer alone runs under memory pressure.
	 */
	dc->failover.wq = alloc_workqueue("dxm_failover",
					  WQ_MEM_RECLAIM | DXM_WQ_PERCPU, 0);
	if (!dc->wq || !dc->sync_wq || !dc->failover.wq ||
	    dxm_legpar_init(dc)) {
		r = -ENOMEM;
		ti->error = "Cannot allocate workqueues";
		goto bad;
	}

	ti->num_flush_bios = 1;
	ti->flush_supported = true;
	ti->per_io_data_size = sizeof(struct dxm_bio);
	dc->suspended = true;
	dxm_holder_init(dc);
	return 0;
bad:
	dxm_free(dc);
	ti->private = NULL;
	return r;
}

/*
 * Copy everything that may differ and make both legs durable.  Then
 * unmap every page processes may still have mapped (flushes leave
 * read-only mappings in place): a table loaded next may put other media
 * under these sectors.
 */
static void dxm_quiesce(struct dxm_c *dc)
{
	int leg = dxm_primary(dc);

	if (leg < 0)
		return;
	dxm_sync_hot(dc, 0, dc->nr_regions - 1, false);
	dxm_flush_legs(dc);
	if (!dc->dax)
		return;
	down_write(&dc->failover.sem);
	mutex_lock(&dc->sync_mutex);
	dxm_unmap_all(dc, leg);
	mutex_unlock(&dc->sync_mutex);
	up_write(&dc->failover.sem);
}

static void dxm_stop_workers(struct dxm_c *dc)
{
	dc->suspended = true;
	cancel_delayed_work_sync(&dc->sweep.work);
	flush_workqueue(dc->sync_wq);
	flush_workqueue(dc->wq);
	flush_workqueue(dc->failover.wq);
}

/*
 * Destruction.  On removal the device is still suspended (postsuspend has
 * copied the hot pages and no mapping can remain): leave marks only for
 * regions still out of sync.  When a reloaded table has replaced this one
 * the device is live again under the new instance, which owns the
 * metadata now: write nothing.
 */
static void dxm_dtr(struct dm_target *ti)
{
	struct dxm_c *dc = ti->private;
	unsigned long r;

	dxm_stop_workers(dc);
	if (dc->activated && dm_suspended(ti)) {
		/*
		 * Nothing else runs now: the workers are stopped and the
		 * table is no longer live (no I/O, no direct_access).
		 */
		/* a leg out or rebuilt: the marks are its re-add record */
		if (dxm_all_legs_in_sync(dc))
			bitmap_copy(dc->bm.marked, dc->rs.dirty, dc->nr_regions);
		else
			bitmap_or(dc->bm.marked, dc->bm.marked, dc->rs.dirty,
				  dc->nr_regions);
		for (r = dxm_pb_next_region(dc, DXM_PB_HOT, 0);
		     r < dc->nr_regions;
		     r = dxm_pb_next_region(dc, DXM_PB_HOT, r + 1))
			__set_bit(r, dc->bm.marked);
		dxm_bitmap_writeback(dc);
		dxm_write_superblocks(dc);
	}
	dxm_free(dc);
}

/*
 * Marks from an earlier run are resynced.  When an earlier table of this
 * set was live in this boot (a reload), processes may still map pages of
 * the marked regions: those are treated as cooling too, so that flushes
 * unmap and copy them.  After a boot nothing can map them, and a fresh
 * mirror (every region marked) needs no per-page state at all.
 */
static int dxm_cool_marked(struct dxm_c *dc)
{
	unsigned long reg, page, nr;
	int r;

	spin_lock_irq(&dc->lock);
	dxm_pb_recount(dc);
	spin_unlock_irq(&dc->lock);
	if (!dc->dax || !dxm_primary_known(dc))
		return 0;
	for_each_set_bit(reg, dc->rs.dirty, dc->nr_regions) {
		page = reg << dc->pages_shift;
		nr = dxm_sect_to_pages(dxm_region_len(dc, reg));
		r = dxm_pb_prepare(dc, page, nr, GFP_KERNEL);
		if (r)
			return r;
		spin_lock_irq(&dc->lock);
		dxm_set_cooling(dc, page, nr);
		spin_unlock_irq(&dc->lock);
		dxm_pb_unpin(dc);
		cond_resched();
	}
	return 0;
}

/*
 * First activation: format blank legs, load the write-intent bitmap and
 * decide what must be copied.
 */
static int dxm_activate(struct dxm_c *dc)
{
	int i, r, stale = -1;

	if (dc->need_format || dc->legs[0].blank || dc->legs[1].blank) {
		r = dxm_format(dc);
		if (r) {
			DMERR("%s: formatting the legs failed: %d",
			      dxm_name(dc), r);
			return r;
		}
	}
	r = dxm_refresh_superblocks(dc);
	if (r)
		return r;
	/*
	 * The remap tables again, like the superblocks: a table still live
	 * when this one was loaded may have remapped pages since (a memory
	 * failure, poison), and a remap this instance does not know would be
	 * read and written at its old place, and its spare page handed out
	 * twice.  Formatted legs get an empty table.
	 */
	for (i = 0; i < DXM_NR_LEGS; i++) {
		if (!dc->legs[i].dev || dc->legs[i].blank)
			continue;
		r = dxm_remap_load(dc, i);
		if (r)
			return r;
	}
	if (dc->args.rebuild_leg >= 0)
		dc->legs[dc->args.rebuild_leg].stale = true;
	for (i = 0; i < DXM_NR_LEGS; i++) {
		if (!dxm_leg_alive(dc, i))
			continue;
		if (dc->legs[i].stale)
			stale = i;
		if (dc->dax)
			dxm_dax_map_bitmap(dc, i);
	}
	r = dxm_bitmap_init(dc);
	if (r)
		return r;
	r = dxm_grow_mark(dc);
	if (r)
		return r;
	r = dxm_cool_marked(dc);
	if (r)
		return r;
	if (stale >= 0)
		dc->sweep.cursor = dxm_rebuild_checkpoint(dc, stale);
	r = dxm_write_superblocks(dc);
	if (r) {
		DMERR("%s: cannot write the superblocks: %d", dxm_name(dc), r);
		return r;
	}
	dxm_primary_restore(dc);
	dc->activated = true;
	dc->rescan_pending = true;	/* poison found while we were down */
	if (stale >= 0)
		dxm_start_action(dc, DXM_REBUILD, stale);
	else if (dxm_primary(dc) >= 0 &&
		 dxm_leg_alive(dc, dxm_other(dc, dxm_primary(dc))) &&
		 READ_ONCE(dc->rs.nr_dirty))
		dxm_start_action(dc, DXM_RESYNC, dxm_other(dc, dxm_primary(dc)));
	return 0;
}

static int dxm_preresume(struct dm_target *ti)
{
	struct dxm_c *dc = ti->private;

	int r;

	if (dc->activated)
		return 0;
	r = dxm_check_async_legs(dc, true);
	/* the legs' holder moves to us with the activation (holder.c) */
	return r ? r : dxm_holder_activate(dc, dxm_activate);
}

static void dxm_resume(struct dm_target *ti)
{
	struct dxm_c *dc = ti->private;

	dc->suspended = false;
	dc->sweep.last_interval_sync = jiffies;
	mod_delayed_work(dc->sync_wq, &dc->sweep.work, 0);
}

static void dxm_postsuspend(struct dm_target *ti)
{
	struct dxm_c *dc = ti->private;

	dxm_stop_workers(dc);
	if (!dc->activated)
		return;
	/* a table loaded next reads what we leave here */
	dxm_quiesce(dc);
	dxm_bitmap_writeback(dc);
	dxm_write_superblocks(dc);
	dxm_primary_save(dc);
}

static int dxm_iterate_devices(struct dm_target *ti,
			       iterate_devices_callout_fn fn, void *data)
{
	struct dxm_c *dc = ti->private;
	int i, r = 0;

	for (i = 0; i < DXM_NR_LEGS && !r; i++) {
		if (!dc->legs[i].dev)
			continue;
		/*
		 * no_dax: dm core makes the device DAX when every leg it is
		 * shown has a dax_dev; show a copy of the leg without one.
		 */
		r = fn(ti, dc->args.no_dax ? &dc->legs[i].nodax :
		       dc->legs[i].dev, 0, ti->len, data);
	}
	return r;
}

static void dxm_io_hints(struct dm_target *ti, struct queue_limits *limits)
{
	limits->logical_block_size = max_t(unsigned int,
					   limits->logical_block_size, 512);
}

static struct target_type dxm_target = {
	.name = "daxmirror",
	.version = {1, 5, 0},
	.features = 0,
	.module = THIS_MODULE,
	.ctr = dxm_ctr,
	.dtr = dxm_dtr,
	.map = dxm_map,
	.end_io = dxm_end_io,
	.status = dxm_status,
	.message = dxm_message,
	.postsuspend = dxm_postsuspend,
	.preresume = dxm_preresume,
	.resume = dxm_resume,
	.iterate_devices = dxm_iterate_devices,
	.io_hints = dxm_io_hints,
	.direct_access = dxm_dax_direct_access,
	.dax_zero_page_range = dxm_dax_zero_page_range,
	.dax_recovery_write = dxm_dax_recovery_write,
};

/*
 * Holds the slab cache of write_bs's bios (its size is ours alone) from
 * load to unload, so that a constructor finds it instead of creating a
 * kmem cache: kmem_cache_create() failing under memory pressure prints
 * a stack dump and, on 6.12, leaks the cache's sysfs name.
 */
static struct bio_set dxm_clone_slab;

static int __init dxm_init(void)
{
	int r;

	BUILD_BUG_ON(sizeof(struct dxm_superblock) != DXM_SB_SIZE);
	BUILD_BUG_ON(sizeof(struct dxm_remap_header) != DXM_REMAP_HEADER_SIZE);
	BUILD_BUG_ON(sizeof(struct dxm_remap_entry) != 8);
	/* the format's pages are 4 KiB: page <-> sector shifts, DAX pfns */
	BUILD_BUG_ON(PAGE_SIZE != DXM_BLOCK_SIZE);
	BUILD_BUG_ON((PAGE_SHIFT - SECTOR_SHIFT) != DXM_PAGE_SECTORS_SHIFT);
	r = dxm_pmemcopy_selftest();
	if (r) {
		DMERR("self-test of the machine-check-safe copy failed (%d): not loading",
		      r);
		return r;
	}
	r = bioset_init(&dxm_clone_slab, 1, offsetof(struct dxm_clone, bio), 0);
	if (r)
		return r;
	r = dm_register_target(&dxm_target);
	if (r)
		bioset_exit(&dxm_clone_slab);
	return r;
}

static void __exit dxm_exit(void)
{
	dm_unregister_target(&dxm_target);
	dxm_async_legs_exit();
	dxm_primary_exit();
	bioset_exit(&dxm_clone_slab);
}

module_init(dxm_init);
module_exit(dxm_exit);

MODULE_DESCRIPTION(DM_NAME " mirror of persistent memory legs with DAX");
MODULE_AUTHOR("daxmirror developers");
MODULE_LICENSE("GPL");
