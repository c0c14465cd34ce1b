// SPDX-License-Identifier: GPL-2.0
/*
 * Which 2 MiB faults to decline (issue 20).
 *
 * A PMD fault asks direct_access() for the 512 pages of a 2 MiB range at
 * once; all of them are handed out, so all of them become hot and the
 * next flush copies 2 MiB, even when a single 4 KiB store followed.  And
 * fsync write-protects the 2 MiB mapping (dax_writeback_one()), or the
 * flush path unmaps it (zap.c), so the next store faults and asks for
 * the 512 pages again: a store + fsync loop through a 2 MiB-aligned
 * mapping copies 2 MiB per fsync (docs/performance.md).
 *
 * So a 2 MiB range asked for again and again gets a single page: each
 * 2 MiB hand-out of a range counts, the count halves every second, and
 * a request while it is DXM_PMD_BURST or more (a ninth 2 MiB request
 * within about a second, or more than about four a second for longer)
 * is answered with one page.  fs/dax takes a
 * short answer as "no 2 MiB here" (dax_iomap_direct_access() returns
 * -EINVAL, the PMD fault VM_FAULT_FALLBACK; a write fault on a
 * write-protected 2 MiB mapping splits it first, wp_huge_pmd()) and
 * faults 4 KiB pages, the same on 6.1, 6.12 and 7.3: later stores through
 * that mapping hand out, and flushes copy, 4 KiB at a time.  What is not
 * declined:
 *  - a range faulted once and then only read: it is not asked for again
 *    (a read fault leaves the entry clean on 6.2+, and zap.c leaves clean
 *    or read-only mappings alone);
 *  - re-faults after the interval sync (stores through MAP_SYNC or
 *    never-fsynced mappings): one per sync_interval_ms (1000 by
 *    default), so each range costs at most one 2 MiB copy per interval
 *    while the stores in between take no fault at all, which beats a
 *    fault (for MAP_SYNC a fault and an fsync) per 4 KiB page when
 *    stores are dense.
 * Only the first hand-out of a range after each flush counts: a flush
 * unmaps page by page, region by region, and a store on another CPU
 * re-faults the 2 MiB mapping between those unmaps, several times in
 * one flush (the interval sync of 8 MiB of dense stores on two vCPUs
 * declined ranges that way).  What the policy weighs is how often a
 * range is asked for again after being written back, not how the unmaps
 * of one flush interleave with a store loop.  A store + fsync loop pays
 * eight 2 MiB copies, then 4 KiB ones.  With sync_interval_ms of 250 or
 * less dense stores may be declined too.
 *
 * Per 2 MiB range three bytes (1.5 MiB per TiB): the count, the second
 * (modulo 255, 0 = never) it was last updated and the flush (low byte of
 * half dc->warm.flush_gen: a flush and the time after it until the next one
 * share a number) of that update.  Races between faults of
 * one range lose a count at worst: this is a cost policy, never a matter
 * of correctness (whatever direct_access() answers is marked hot).  The
 * table option pmd_always turns it off.
 */
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "daxmirror.h"

#define DXM_PMD_BURST	8

int dxm_pmd_init(struct dxm_c *dc)
{
	dc->pmd.nr = DIV_ROUND_UP(dc->nr_pages, DXM_PMD_PAGES);
	dc->pmd.range = kvcalloc(dc->pmd.nr, sizeof(*dc->pmd.range),
				 GFP_KERNEL);
	return dc->pmd.range ? 0 : -ENOMEM;
}

void dxm_pmd_exit(struct dxm_c *dc)
{
	kvfree(dc->pmd.range);
	dc->pmd.range = NULL;
}

/*
 * How many of @nr_pages pages from data page @page a fault's hand-out
 * may give: a 2 MiB request for a range handed out in 2 MiB again and
 * again gets one page, anything else all it asked for (and a 2 MiB
 * answer is counted).
 */
long dxm_pmd_clamp(struct dxm_c *dc, unsigned long page, long nr_pages)
{
	unsigned long i = page / DXM_PMD_PAGES;
	unsigned int now, last, count, age;
	struct dxm_pmd_range *r;
	u8 flush;

	if (nr_pages != DXM_PMD_PAGES || page % DXM_PMD_PAGES ||
	    i >= dc->pmd.nr || dc->args.pmd_always)
		return nr_pages;
	r = &dc->pmd.range[i];
	now = jiffies_to_msecs(jiffies) / MSEC_PER_SEC % 255 + 1;
	flush = (READ_ONCE(dc->warm.flush_gen) + 1) / 2;
	last = READ_ONCE(r->sec);
	count = READ_ONCE(r->count);
	age = last ? (now + 255 - last) % 255 : 8;
	count = age >= 8 ? 0 : count >> age;
	if (count >= DXM_PMD_BURST)
		return 1;
	if (last && count && READ_ONCE(r->flush) == flush)
		return nr_pages;	/* asked again within one flush */
	WRITE_ONCE(r->count, count + 1);
	WRITE_ONCE(r->sec, now);
	WRITE_ONCE(r->flush, flush);
	return nr_pages;
}
