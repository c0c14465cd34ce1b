// SPDX-License-Identifier: GPL-2.0
/*
 * Lost pages reach the filesystem above the mirror.
 *
 * A page bad on both legs has no good copy.  Block reads of it fail with
 * EIO (poison.c), but a filesystem mounted with DAX learns of media
 * errors through the failure notice of its DAX device, like on a single
 * pmem device: XFS (with the reverse-mapping btree) finds the files that
 * own the page, unmaps it from every process and sends SIGBUS to the
 * processes that mapped it (mf_dax_kill_procs()), or shuts down when the
 * page is metadata.  Other filesystems (ext4) register no holder: their
 * processes meet the loss when they access the page.
 *
 * The notice is sent from a work item outside every lock of the target:
 * the filesystem reads its metadata through the mirror.  It is not
 * flushed at suspend (those reads wait for the resume); the destructor
 * waits for it.  A page that is good again before its turn (rewritten)
 * is not reported.
 */
#include <linux/dax.h>
#include <linux/mm.h>
#include "daxmirror.h"

/* Queue data page @page for a failure notice (it was just found lost). */
void dxm_notify_lost(struct dxm_c *dc, u64 page)
{
	if (!dc->dax)
		return;		/* no DAX device above: nobody to notify */
	if (xa_err(xa_store(&dc->lost.notify, page, xa_mk_value(1), GFP_NOIO))) {
		DMERR_LIMIT("%s: lost page at sector %llu: no memory to notify the filesystem",
			    dxm_name(dc), (unsigned long long)dxm_pages_to_sect(page));
		return;
	}
	queue_work(dxm_unbound_wq, &dc->lost.notify_work);
}

/* The mirror's own DAX device (a reference), or NULL. */
struct dax_device *dxm_own_dax(struct dxm_c *dc)
{
	struct mapped_device *md = dm_table_get_md(dc->ti->table);
	u64 start;

	return fs_dax_get_by_bdev(dm_disk(md)->part0, &start, NULL, NULL);
}

void dxm_notify_work(struct work_struct *work)
{
	struct dxm_c *dc = container_of(work, struct dxm_c, lost.notify_work);
	struct dax_device *dax_dev = NULL;
	unsigned long page;
	u64 off;
	void *e;
	int r;

	xa_for_each(&dc->lost.notify, page, e) {
		xa_erase(&dc->lost.notify, page);
		if (!xa_load(&dc->lost.pages, page))
			continue;	/* good again */
		if (!dax_dev)
			dax_dev = dxm_own_dax(dc);
		if (!dax_dev) {
			DMWARN_LIMIT("%s: lost page at sector %llu: the mirror has no DAX device to notify",
				     dxm_name(dc),
				     (unsigned long long)dxm_pages_to_sect(page));
			continue;
		}
		off = (u64)(dc->ti->begin + dxm_pages_to_sect(page)) << SECTOR_SHIFT;
		r = dax_holder_notify_failure(dax_dev, off, PAGE_SIZE, 0);
		if (r == -EOPNOTSUPP)
			DMINFO_LIMIT("%s: lost page at sector %llu: the filesystem takes no failure notices",
				     dxm_name(dc), (unsigned long long)dxm_pages_to_sect(page));
		else
			DMINFO_LIMIT("%s: lost page at sector %llu reported to the filesystem: %d",
				     dxm_name(dc), (unsigned long long)dxm_pages_to_sect(page), r);
	}
	if (dax_dev)
		fs_put_dax(dax_dev, NULL);
}
