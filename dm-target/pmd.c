// SPDX-License-Identifier: GPL-2.0
/*
 * Which 2 MiB faults to decline (issue 20).
 *
 * A PMD fault asks direct_access() for the 512 pages of a 2 MiB range at
 * once; all of them are handed out, so all of them become hot and the
 * next flush copies 2 MiB, even when a single 4 KiB store followed.  And
 * fsync write-protects the 2 MiB mapping (dax_writeback_one()), so the
 * next store takes a write fault on it, which asks for the 512 pages
 * again: a store + fsync loop through a 2 MiB-aligned mapping copies
 * 2 MiB per fsync (21 times dm-linear's time in docs/performance.md).
 *
 * A range that is only read is faulted once and stays mapped: a read
 * fault leaves the file's entry clean on 6.2 and later, so neither the
 * kernel's writeback nor the flush path's unmapping (zap.c) touches it.
 * A range asked for again soon is being written (or was unmapped for
 * another reason: munmap, truncate, a leg switch).  So the first PMD
 * request of a range is answered in full and noted, and a second one
 * within one to two epochs (DXM_PMD_EPOCH_MS) gets a single page: fs/dax
 * takes a short answer as "no 2 MiB here" (dax_iomap_direct_access()
 * returns -EINVAL, the PMD fault VM_FAULT_FALLBACK; a write fault on a
 * 2 MiB mapping splits it first, wp_huge_pmd()) and faults 4 KiB pages:
 * later stores hand out, and flushes copy, 4 KiB at a time.  The same on
 * 6.1, 6.12 and 7.3.  6.1 tags read faults dirty, so there the flush path
 * unmaps read 2 MiB mappings too and their re-faults are declined as
 * well (4 KiB faults: more faults, far less copying).
 *
 * Two bitmaps of a bit per 2 MiB of data (64 KiB per TiB each): notes go
 * to the current one, a request is declined while its range is noted in
 * either, and the housekeeping worker clears the older one every epoch.
 * A lost race between a note and the clearing costs one more 2 MiB
 * hand-out at worst: this is a cost policy, never a matter of
 * correctness (whatever direct_access() answers is marked hot).  The
 * table option pmd_always turns it off.
 */
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "daxmirror.h"

#define DXM_PMD_EPOCH_MS	10000

int dxm_pmd_init(struct dxm_c *dc)
{
	int i;

	dc->pmd.nr = DIV_ROUND_UP(dc->nr_pages, DXM_PMD_PAGES);
	for (i = 0; i < 2; i++) {
		dc->pmd.faulted[i] = kvcalloc(BITS_TO_LONGS(dc->pmd.nr),
					      sizeof(unsigned long),
					      GFP_KERNEL);
		if (!dc->pmd.faulted[i])
			return -ENOMEM;
	}
	dc->pmd.epoch_start = jiffies;
	return 0;
}

void dxm_pmd_exit(struct dxm_c *dc)
{
	kvfree(dc->pmd.faulted[0]);
	kvfree(dc->pmd.faulted[1]);
	dc->pmd.faulted[0] = NULL;
	dc->pmd.faulted[1] = NULL;
}

/*
 * How many of @nr_pages pages from data page @page a fault's hand-out
 * may give: a 2 MiB request for a range handed out in 2 MiB lately gets
 * one page, anything else all it asked for.
 */
long dxm_pmd_clamp(struct dxm_c *dc, unsigned long page, long nr_pages)
{
	unsigned long i = page / DXM_PMD_PAGES;

	if (nr_pages != DXM_PMD_PAGES || page % DXM_PMD_PAGES ||
	    i >= dc->pmd.nr || dc->args.pmd_always)
		return nr_pages;
	if (test_bit(i, dc->pmd.faulted[0]) ||
	    test_bit(i, dc->pmd.faulted[1]))
		return 1;
	set_bit(i, dc->pmd.faulted[READ_ONCE(dc->pmd.cur)]);
	return nr_pages;
}

/* Housekeeping: forget notes older than one to two epochs. */
void dxm_pmd_age(struct dxm_c *dc)
{
	unsigned int old = READ_ONCE(dc->pmd.cur) ^ 1;

	if (time_before(jiffies, dc->pmd.epoch_start +
			msecs_to_jiffies(DXM_PMD_EPOCH_MS)))
		return;
	dc->pmd.epoch_start = jiffies;
	bitmap_zero(dc->pmd.faulted[old], dc->pmd.nr);
	WRITE_ONCE(dc->pmd.cur, old);
}
