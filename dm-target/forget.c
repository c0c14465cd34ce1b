// SPDX-License-Identifier: GPL-2.0
/*
 * Making the filesystem forget a leg's pages when they stop backing the
 * mirror (issue 15 point 1).
 *
 * A filesystem on the mirror keeps, per file page it has mapped, a DAX
 * entry that names the physical page direct_access returned, and that page
 * (its folio since 6.15: dxm_dax_page_file()) names the file.  When the
 * primary changes, the mirror page is backed by another leg's page;
 * unmapping the old page (zap.c) is not enough: a new fault keeps the
 * existing entry (dax_insert_entry() leaves it) and only maps the new page,
 * so msync write-protects and flushes the old page and the flush path's
 * unmapping finds no file behind the new one.  So after the switch, each
 * page of the old leg that a file may still name is written back (which
 * cleans its entry) and invalidated, with the file's invalidate_lock held
 * as truncate and hole punching do: the next fault makes a new entry for
 * the new page.
 *
 * Runs without any lock of the target (a fault holds the file's
 * invalidate_lock while it calls direct_access), after the failover
 * protocol of flush.c has made direct_access hand out the new leg's
 * pages, and a cooling period later than the switch so that a fault that
 * got an old page before it has made its entry.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/dax.h>
#include <linux/delay.h>
#include "daxmirror.h"

/*
 * The file and index that fsdax page @page backs (@mapping NULL: none);
 * an error for a page shared by reflinked files, not known here.
 */
static int dxm_forget_lookup(struct page *page,
			     struct address_space **mapping, pgoff_t *index)
{
	int r, tries = 0;

	do {
		r = dxm_dax_page_file(page, mapping, index);
	} while (r == -EAGAIN && ++tries < 3);
	return r;
}

/*
 * Pages of a leg that one file names at consecutive indexes: forgotten
 * with one write-back and one invalidation of the file range (which
 * unmaps the range from every process once), instead of one per page.
 */
#define DXM_FORGET_RUN	16

struct dxm_forget_run {
	struct address_space *mapping;
	pgoff_t first;
	unsigned int nr;
	struct page *pages[DXM_FORGET_RUN];
};

/* Whether every page of @run still names its index of the run's file. */
static bool dxm_forget_run_named(struct dxm_forget_run *run)
{
	struct address_space *m;
	pgoff_t index;
	unsigned int i;

	for (i = 0; i < run->nr; i++)
		if (dxm_dax_page_file(run->pages[i], &m, &index) ||
		    m != run->mapping || index != run->first + i)
			return false;
	return true;
}

/*
 * Write back and invalidate the file range that @run's pages back, with
 * the file's invalidate_lock held as truncate does.  0 when done (or the
 * file is being evicted: its entries go with it), -EAGAIN when a page no
 * longer names its index, else the error of the write-back or the
 * invalidation.
 */
static int dxm_forget_range(struct dxm_forget_run *run)
{
	pgoff_t last = run->first + run->nr - 1;
	loff_t pos = (loff_t)run->first << PAGE_SHIFT;
	loff_t end = ((loff_t)last << PAGE_SHIFT) + PAGE_SIZE - 1;
	struct address_space *mapping;
	struct inode *inode = NULL;
	bool named;
	int r = -EAGAIN;

	rcu_read_lock();
	named = dxm_forget_run_named(run);
	if (named)
		inode = igrab(run->mapping->host);
	rcu_read_unlock();
	if (!named)
		return -EAGAIN;
	if (!inode)
		return 0;
	mapping = inode->i_mapping;
	filemap_invalidate_lock(mapping);
	if (mapping == run->mapping && dxm_forget_run_named(run)) {
		r = filemap_write_and_wait_range(mapping, pos, end);
		if (!r)
			r = invalidate_inode_pages2_range(mapping, run->first,
							  last);
	}
	filemap_invalidate_unlock(mapping);
	iput(inode);
	return r;
}

/* Forget the file page that fsdax page @page backs, if any. */
static int dxm_forget_one(struct page *page)
{
	struct dxm_forget_run run = { .nr = 1, .pages = { page } };
	int r, tries = 0;

	do {
		r = dxm_forget_lookup(page, &run.mapping, &run.first);
		if (r || !run.mapping)
			return r;	/* no file, or reflinked */
		r = dxm_forget_range(&run);
	} while (r == -EAGAIN && ++tries < 3);
	return r;
}

/*
 * The page of leg @leg at @leg_sector (recovery mode: a poisoned page has
 * a struct page too), or NULL; under dax_read_lock().
 */
static struct page *dxm_forget_leg_page(struct dxm_c *dc, int leg,
					sector_t leg_sector)
{
	struct dax_device *dax_dev = dc->legs[leg].dev->dax_dev;
	void *kaddr;
	dxm_pfn_t pfn;

	if (dax_direct_access(dax_dev, dxm_leg_pgoff(dc, leg, leg_sector), 1,
			      DAX_RECOVERY_WRITE, &kaddr, &pfn) < 1)
		return NULL;
	return dxm_pfn_page(pfn, 0);
}

/* Forget the file page behind leg @leg's page at @leg_sector. */
static int dxm_forget_page(struct dxm_c *dc, int leg, sector_t leg_sector)
{
	struct page *page;
	int id, r = 0;

	id = dax_read_lock();
	page = dxm_forget_leg_page(dc, leg, leg_sector);
	if (page)
		r = dxm_forget_one(page);
	dax_read_unlock(id);
	return r;
}

/*
 * Forget the pages of @run and empty it; returns how many could not be
 * forgotten.  A run whose file changed meanwhile, or whose write-back or
 * invalidation failed, is forgotten page by page (which also counts the
 * failures page by page).
 */
static unsigned int dxm_forget_run(struct dxm_forget_run *run)
{
	unsigned int i, failed = 0;

	if (run->nr > 1 && !dxm_forget_range(run))
		run->nr = 0;
	for (i = 0; i < run->nr; i++)
		if (dxm_forget_one(run->pages[i]))
			failed++;
	run->nr = 0;
	return failed;
}

/*
 * Add leg page @page to @run, forgetting the run first when @page does not
 * continue it; returns how many pages could not be forgotten.
 */
static unsigned int dxm_forget_add(struct dxm_forget_run *run,
				   struct page *page)
{
	struct address_space *m;
	unsigned int failed = 0;
	pgoff_t index;
	int r;

	r = dxm_forget_lookup(page, &m, &index);
	if (r || !m)
		return r ? 1 : 0;	/* reflinked: not known here */
	if (run->nr && (m != run->mapping || index != run->first + run->nr ||
			run->nr == DXM_FORGET_RUN))
		failed = dxm_forget_run(run);
	if (!run->nr) {
		run->mapping = m;
		run->first = index;
	}
	run->pages[run->nr++] = page;
	return failed;
}

/*
 * Leg @leg's pages stopped backing the mirror (it was the primary): make
 * files forget every one a fault was ever given (the regions set in
 * dc->rs.faulted: a file's entry outlives the mapping that made it), a
 * region at a time, a file's consecutive pages at once.  Process context,
 * no lock of the target held.  @hold_gen: the walk the caller started for
 * hold.c before it switched the primary, or 0.
 */
void dxm_forget_leg(struct dxm_c *dc, int leg, unsigned int hold_gen)
{
	struct dxm_forget_run run = { .nr = 0 };
	unsigned long reg, p, end, failed = 0;
	struct page *page;
	sector_t sector;
	int id;

	if (!dc->dax || !dc->legs[leg].dev || !dc->legs[leg].dev->dax_dev)
		goto out;
	msleep(DXM_COOL_MS + 10);	/* faults that got an old page */
	for_each_set_bit(reg, dc->rs.faulted, dc->nr_regions) {
		p = reg << dc->pages_shift;
		end = min_t(unsigned long, dc->nr_pages,
			    p + (1UL << dc->pages_shift));
		/* the pages stay valid while the leg's DAX device is read-locked */
		id = dax_read_lock();
		for (; p < end; p++) {
			sector = dxm_leg_sector(dc, leg, dxm_pages_to_sect(p));
			page = dxm_forget_leg_page(dc, leg, sector);
			if (page)
				failed += dxm_forget_add(&run, page);
		}
		failed += dxm_forget_run(&run);
		dax_read_unlock(id);
		dxm_hold_walk_pass(dc, hold_gen, end);
		cond_resched();
	}
out:
	dxm_hold_walk_end(dc, hold_gen);
	if (failed)
		DMWARN("%s: leg %d: %lu file pages could not be made to forget the leg's pages",
		       dxm_name(dc), leg, failed);
}

/*
 * One page of leg @leg moved (remapped to a spare after poison, or after
 * a memory failure): the page at @leg_sector, which backed mirror page
 * @page, is forgotten by the forget worker (the caller may hold locks a
 * fault holds too).  Until then a fault on @page may have mapped the new
 * page under the file's old entry, which the flush cannot see through:
 * dxm_forget_pending() keeps such a page hot (copied at every flush).
 */
void dxm_forget_later(struct dxm_c *dc, int leg, sector_t leg_sector,
		      unsigned long page)
{
	unsigned long key = ((unsigned long)dxm_sect_to_pages(leg_sector) << 1) | leg;
	void *old;

	if (!dc->dax)
		return;
	/* the value: the data page << 1 | whether a forget was tried */
	old = xa_store(&dc->forget.pages, key, xa_mk_value(page << 1), GFP_NOIO);
	if (xa_is_err(old)) {
		dxm_hold_moved(dc, page);	/* no forget will run */
		return;		/* no memory: the entry stays (a warning) */
	}
	if (old && !(xa_to_value(old) & 1))
		dxm_hold_moved(dc, xa_to_value(old) >> 1);	/* merged */
	queue_work(dc->failover.wq, &dc->forget.work);
}

/*
 * Whether some page of mirror pages [@first, @first + @nr) moved and a
 * file may still name its old page (any context: RCU walk).
 */
bool dxm_forget_pending(struct dxm_c *dc, unsigned long first,
			unsigned long nr)
{
	unsigned long key;
	void *v;

	xa_for_each(&dc->forget.pages, key, v)
		if ((xa_to_value(v) >> 1) - first < nr)
			return true;
	return false;
}

/*
 * A page stays listed until its file forgot it: one that could not be
 * forgotten stays hot for good (it is copied at every flush).
 */
void dxm_forget_work(struct work_struct *work)
{
	struct dxm_c *dc = container_of(work, struct dxm_c, forget.work);
	unsigned long key, val;
	void *v;
	int r;

	msleep(DXM_COOL_MS + 10);	/* faults that got the old page */
	xa_for_each(&dc->forget.pages, key, v) {
		val = xa_to_value(v);
		r = dxm_forget_page(dc, key & 1, dxm_pages_to_sect(key >> 1));
		/*
		 * Forgotten or not, the new page's hold (hold.c) ends after
		 * the first try: a page a file keeps naming (reflinked) would
		 * be held for good.  A note made again meanwhile is untried.
		 */
		if (!(val & 1) && xa_cmpxchg(&dc->forget.pages, key, v,
					     xa_mk_value(val | 1),
					     GFP_NOIO) == v) {
			dxm_hold_moved(dc, val >> 1);
			v = xa_mk_value(val | 1);
		}
		if (r) {
			DMWARN_LIMIT("%s: leg %lu: a file still names the page at sector %llu",
				     dxm_name(dc), key & 1,
				     (unsigned long long)dxm_pages_to_sect(key >> 1));
			continue;
		}
		xa_cmpxchg(&dc->forget.pages, key, v, NULL, GFP_NOIO);
	}
}
