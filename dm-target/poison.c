// SPDX-License-Identifier: GPL-2.0
/*
 * Poison: each leg's bad-block list (the pmem gendisk's badblocks) is
 * scanned and every bad range inside the data area is repaired from the
 * other leg by a write, which clears poison where the media allows it.
 */
#include <linux/badblocks.h>
#include <linux/blkdev.h>
#include "daxmirror.h"

/* Repair [sector, sector + nr) of leg @bad from leg @good, page by page. */
static int dxm_repair_range(struct dxm_c *dc, int bad, int good,
			    sector_t sector, sector_t nr)
{
	sector_t s = round_down(sector, DXM_PAGE_SECTORS);
	sector_t end = min_t(sector_t, round_up(sector + nr, DXM_PAGE_SECTORS),
			     dc->data_sectors);
	int r, failed = 0;

	for (; s < end; s += DXM_PAGE_SECTORS) {
		if (!dxm_leg_alive(dc, good) || dc->legs[good].stale)
			return -EIO;
		r = dxm_leg_rw(dc, good, REQ_OP_READ, s, dc->cmp_buf,
			       DXM_PAGE_SECTORS);
		if (r) {
			DMERR_LIMIT("%s: page at sector %llu is bad on both legs",
				    dxm_name(dc), (unsigned long long)s);
			failed++;
			continue;
		}
		r = dxm_leg_rw(dc, bad, REQ_OP_WRITE | REQ_FUA, s, dc->cmp_buf,
			       DXM_PAGE_SECTORS);
		if (r) {
			DMERR_LIMIT("%s: leg %d: poison at sector %llu cannot be cleared",
				    dxm_name(dc), bad, (unsigned long long)s);
			failed++;
			continue;
		}
		DMINFO("%s: leg %d: repaired page at sector %llu from leg %d",
		       dxm_name(dc), bad, (unsigned long long)s, good);
	}
	return failed ? -EIO : 0;
}

int dxm_rescan(struct dxm_c *dc)
{
	int leg, err = 0, r;

	mutex_lock(&dc->sync_mutex);
	for (leg = 0; leg < DXM_NR_LEGS; leg++) {
		struct block_device *bdev;
		struct badblocks *bb;
		sector_t off, s = 0, first;
		int nr;

		if (!dxm_leg_alive(dc, leg))
			continue;
		bdev = dc->legs[leg].dev->bdev;
		bb = bdev->bd_disk->bb;
		if (!bb)
			continue;
		off = get_start_sect(bdev);
		while (s < dc->data_sectors) {
			sector_t span = min_t(sector_t, dc->data_sectors - s,
					      1U << 30);

			if (!badblocks_check(bb, off + s, span, &first, &nr))
				break;
			if (first < off + s) {
				nr -= off + s - first;
				first = off + s;
			}
			first -= off;
			r = dxm_repair_range(dc, leg, dxm_other(dc, leg),
					     first, nr);
			if (r && !err)
				err = r;
			s = first + max(nr, 1);
		}
	}
	mutex_unlock(&dc->sync_mutex);
	return err;
}
