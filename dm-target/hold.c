// SPDX-License-Identifier: GPL-2.0
/*
 * References on moved pages until files forgot the old ones (kernels whose
 * fsdax folios are refcounted by their mappings: 6.15 and later).
 *
 * When a mirror page moves to another physical page (a failover, a remap to
 * a spare, a memory-failure repair), a file's DAX entry still names the old
 * page until forget.c has made the file drop it.  A fault in that window
 * keeps the entry and inserts the page direct_access returns; since 6.15
 * fs/dax takes its reference on the entry's folio, and the new page, which
 * no entry names, has a refcount of 0: the insert is refused and the
 * process gets SIGBUS.  So while a page is pending (its mirror page moved
 * and the forget has not passed it), direct_access hands it out alone and
 * holds a reference on it, which makes the insert valid; the reference is
 * dropped once the forget has passed the page (the file's old entry is
 * gone, and with it every mapping of the index).  Only pages that no file
 * names are held, so an old page is never held when its entry goes.
 * A 2 MiB request that covers a pending page is cut short of it: the
 * fault falls back to 4 KiB pages, and no 2 MiB folio is ever made over a
 * held page.
 *
 * Pending: pages at or after the cursor of a running leg walk
 * (dxm_forget_leg()), and the pages counted in dc->hold.pending (single
 * pages, from the moment their new translation is published until their
 * forget ran).  Held pages are always pending; both change under
 * dc->hold.mutex.
 */
#include <linux/mm.h>
#include <linux/xarray.h>
#include "daxmirror.h"

#ifdef DXM_FSDAX_REFCOUNTED

void dxm_hold_init(struct dxm_c *dc)
{
	mutex_init(&dc->hold.mutex);
	xa_init(&dc->hold.held);
	xa_init(&dc->hold.pending);
}

static void dxm_hold_put(struct dxm_c *dc, unsigned long page)
{
	struct page *pg = xa_erase(&dc->hold.held, page);

	if (pg)
		folio_put(page_folio(pg));
}

static bool dxm_hold_pending(struct dxm_c *dc, unsigned long page)
{
	return (dc->hold.walking && page >= dc->hold.cursor) ||
	       xa_load(&dc->hold.pending, page);
}

/* Drop every held page that is no longer pending. */
static void dxm_hold_put_idle(struct dxm_c *dc)
{
	unsigned long page;
	void *v;

	xa_for_each(&dc->hold.held, page, v)
		if (!dxm_hold_pending(dc, page))
			dxm_hold_put(dc, page);
}

void dxm_hold_destroy(struct dxm_c *dc)
{
	unsigned long page;
	void *v;

	xa_for_each(&dc->hold.held, page, v)
		dxm_hold_put(dc, page);
	xa_destroy(&dc->hold.held);
	xa_destroy(&dc->hold.pending);
}

/* Hold @pg, the page now backing mirror page @page, unless a file names it. */
static void dxm_hold_page(struct dxm_c *dc, unsigned long page,
			  struct page *pg)
{
	struct address_space *mapping;
	struct page *was;
	pgoff_t index;

	was = xa_load(&dc->hold.held, page);
	if (!pg || was == pg)
		return;
	if (was)
		dxm_hold_put(dc, page);		/* it moved again */
	if (folio_test_large(page_folio(pg)) ||
	    dxm_dax_page_file(pg, &mapping, &index) || mapping)
		return;		/* an entry names it: not the page to hold */
	if (xa_err(xa_store(&dc->hold.held, page, pg, GFP_NOIO)))
		return;		/* no memory: the fault may fail (SIGBUS) */
	folio_ref_inc(page_folio(pg));
}

/*
 * direct_access of mirror pages [@page, @page + @nr) for a caller that
 * wants the pfn, which @pfn is: how many pages to hand out.  A run up to
 * the first pending page, or the first page alone, held, if it is pending.
 */
long dxm_hold_clip(struct dxm_c *dc, unsigned long page, long nr,
		   dxm_pfn_t pfn)
{
	unsigned long idx = page;

	if (!READ_ONCE(dc->hold.walking) && xa_empty(&dc->hold.pending))
		return nr;
	mutex_lock(&dc->hold.mutex);
	if (dc->hold.walking)
		nr = dc->hold.cursor <= page ? 0 :
			min_t(long, nr, dc->hold.cursor - page);
	if (nr && xa_find(&dc->hold.pending, &idx, page + nr - 1, XA_PRESENT))
		nr = idx - page;
	if (!nr) {
		nr = 1;
		dxm_hold_page(dc, page, dxm_pfn_page(pfn, 0));
	}
	mutex_unlock(&dc->hold.mutex);
	return nr;
}

/* Mirror page @page is about to be backed by another page of its leg. */
void dxm_hold_moving(struct dxm_c *dc, unsigned long page)
{
	void *v;

	if (!dc->dax)
		return;
	mutex_lock(&dc->hold.mutex);
	v = xa_load(&dc->hold.pending, page);
	/* no memory: faults in the window may fail, as before this file */
	xa_store(&dc->hold.pending, page,
		 xa_mk_value((v ? xa_to_value(v) : 0) + 1), GFP_NOIO);
	mutex_unlock(&dc->hold.mutex);
}

/* The forget of a move of @page ran (or the move did not happen). */
void dxm_hold_moved(struct dxm_c *dc, unsigned long page)
{
	void *v;

	mutex_lock(&dc->hold.mutex);
	v = xa_load(&dc->hold.pending, page);
	if (v && xa_to_value(v) > 1)
		xa_store(&dc->hold.pending, page,
			 xa_mk_value(xa_to_value(v) - 1), GFP_NOIO);
	else if (v)
		xa_erase(&dc->hold.pending, page);
	if (!dxm_hold_pending(dc, page))
		dxm_hold_put(dc, page);
	mutex_unlock(&dc->hold.mutex);
}

/*
 * The primary is about to change: every page is pending until a leg walk
 * of dxm_forget_leg() passed it.  Called before the new primary's pages
 * can be handed out; returns the walk's generation for dxm_forget_leg()
 * (0: nothing to hold).  Only the walk of the newest generation moves the
 * cursor and ends the pending state: it started after the newest switch.
 */
unsigned int dxm_hold_walk_start(struct dxm_c *dc)
{
	unsigned int gen;

	if (!dc->dax)
		return 0;
	mutex_lock(&dc->hold.mutex);
	gen = ++dc->hold.gen ?: ++dc->hold.gen;
	dc->hold.cursor = 0;
	WRITE_ONCE(dc->hold.walking, true);
	mutex_unlock(&dc->hold.mutex);
	return gen;
}

/* The walk of generation @gen forgot every page before @page. */
void dxm_hold_walk_pass(struct dxm_c *dc, unsigned int gen,
			unsigned long page)
{
	unsigned long p, from;
	void *v;

	if (!gen)
		return;
	mutex_lock(&dc->hold.mutex);
	if (gen == dc->hold.gen && page > dc->hold.cursor) {
		from = dc->hold.cursor;
		dc->hold.cursor = page;
		xa_for_each_range(&dc->hold.held, p, v, from, page - 1)
			if (!xa_load(&dc->hold.pending, p))
				dxm_hold_put(dc, p);
	}
	mutex_unlock(&dc->hold.mutex);
}

void dxm_hold_walk_end(struct dxm_c *dc, unsigned int gen)
{
	if (!gen)
		return;
	mutex_lock(&dc->hold.mutex);
	if (gen == dc->hold.gen) {
		WRITE_ONCE(dc->hold.walking, false);
		dxm_hold_put_idle(dc);
	}
	mutex_unlock(&dc->hold.mutex);
}

#endif /* DXM_FSDAX_REFCOUNTED */
