// SPDX-License-Identifier: GPL-2.0
/*
 * The per-page state of the flush path (hot, cooling, mapped), kept
 * sparse.
 *
 * A bit per 4 KiB page and kind would be 96 MiB of kernel memory per TiB
 * of mirror, nearly all of it zero: only pages stored to since the last
 * flush, and pages a process may still have mapped, have a bit set.  The
 * data area is cut into chunks of DXM_CHUNK_PAGES pages; a chunk's bits
 * (all three kinds, with a count of the set bits of each) exist only
 * while one of them may be set.  The table of chunk pointers costs
 * 8 bytes per 16 MiB of data (512 KiB per TiB).
 *
 * A chunk is allocated before a bit of it is set, from process context
 * (dxm_pb_prepare(), which pins every chunk until dxm_pb_unpin()), and
 * freed only by dxm_pb_reclaim() from the housekeeping worker once it is
 * empty and nothing can set a bit of it without allocating first: no pin
 * is held (a hand-out between its preparation and its marks, a flush
 * between taking a region's pages and putting back those it could not
 * finish) and no task's latest hand-out lies in it (inflight.c marks
 * those hot again later).  So the setters, which run under dc->lock
 * (interrupts off), never allocate.
 *
 * Two counters serve the status line without a scan: regions with a hot
 * page, and regions out of sync (dirty, or with a hot page).
 * Everything here runs under dc->lock, except where a comment says not.
 */
#include <linux/slab.h>
#include <linux/sched.h>
#include "daxmirror.h"

static struct dxm_chunk *dxm_chunk_of(struct dxm_c *dc, unsigned long page)
{
	return dc->rs.chunks[page >> DXM_CHUNK_SHIFT];
}

static unsigned long dxm_chunk_off(unsigned long page)
{
	return page & (DXM_CHUNK_PAGES - 1);
}

int dxm_pb_init(struct dxm_c *dc)
{
	dc->rs.nr_chunks = DIV_ROUND_UP(dc->nr_pages, DXM_CHUNK_PAGES);
	dc->rs.chunks = kvcalloc(max(dc->rs.nr_chunks, 1UL),
				 sizeof(*dc->rs.chunks), GFP_KERNEL);
	atomic_set(&dc->rs.pins, 0);
	return dc->rs.chunks ? 0 : -ENOMEM;
}

void dxm_pb_exit(struct dxm_c *dc)
{
	unsigned long i;

	for (i = 0; dc->rs.chunks && i < dc->rs.nr_chunks; i++)
		kfree(dc->rs.chunks[i]);
	kvfree(dc->rs.chunks);
	dc->rs.chunks = NULL;
}

/*
 * Make sure every chunk of [page, page + nr) exists and pin them all
 * (process context, dc->lock not held).  On success the caller sets its
 * bits under dc->lock and then calls dxm_pb_unpin().
 */
int dxm_pb_prepare(struct dxm_c *dc, unsigned long page, unsigned long nr,
		   gfp_t gfp)
{
	unsigned long c, last = (page + max(nr, 1UL) - 1) >> DXM_CHUNK_SHIFT;
	struct dxm_chunk *new;

	atomic_inc(&dc->rs.pins);
	for (c = page >> DXM_CHUNK_SHIFT; c <= last && c < dc->rs.nr_chunks; c++) {
		if (READ_ONCE(dc->rs.chunks[c]))
			continue;
		new = kzalloc(sizeof(*new), gfp | __GFP_NOWARN);
		if (!new) {
			atomic_dec(&dc->rs.pins);
			return -ENOMEM;
		}
		spin_lock_irq(&dc->lock);
		if (!dc->rs.chunks[c]) {
			WRITE_ONCE(dc->rs.chunks[c], new);
			new = NULL;
		}
		spin_unlock_irq(&dc->lock);
		kfree(new);
	}
	return 0;
}

void dxm_pb_unpin(struct dxm_c *dc)
{
	atomic_dec(&dc->rs.pins);
}

/* A flush that took pages holds off reclaim until it put back the rest. */
void dxm_pb_pin(struct dxm_c *dc)
{
	atomic_inc(&dc->rs.pins);
}

bool dxm_pb_test(struct dxm_c *dc, enum dxm_pb kind, unsigned long page)
{
	struct dxm_chunk *ch;

	if (page >= dc->nr_pages)
		return false;
	ch = dxm_chunk_of(dc, page);
	return ch && test_bit(dxm_chunk_off(page), ch->bits[kind]);
}

/* Whether any page of region @r has a bit of @kind (a region is within
 * one chunk: regions are at most 256 pages, chunks a multiple of that).
 */
bool dxm_pb_region_any(struct dxm_c *dc, enum dxm_pb kind, unsigned long r)
{
	unsigned long first = r << dc->pages_shift;
	unsigned long end = min(first + (1UL << dc->pages_shift), dc->nr_pages);
	struct dxm_chunk *ch;

	if (first >= end)
		return false;
	ch = dxm_chunk_of(dc, first);
	if (!ch || !ch->nr[kind])
		return false;
	return find_next_bit(ch->bits[kind], dxm_chunk_off(end - 1) + 1,
			     dxm_chunk_off(first)) <= dxm_chunk_off(end - 1);
}

static void dxm_hot_region_gone(struct dxm_c *dc, unsigned long r)
{
	dc->rs.nr_hot--;
	if (!test_bit(r, dc->rs.dirty))
		dc->rs.nr_out_of_sync--;
}

/*
 * Set @kind for [page, page + nr): the chunks exist (prepared, or kept by
 * a pin or a hand-out).  A missing chunk is a bug; its region is then
 * resynced as a whole rather than dropped.
 */
void dxm_pb_set(struct dxm_c *dc, enum dxm_pb kind, unsigned long page,
		unsigned long nr)
{
	unsigned long end = min(page + nr, dc->nr_pages), p, r, stop;
	struct dxm_chunk *ch;
	bool was_hot;

	lockdep_assert_held(&dc->lock);
	for (p = page; p < end; p = stop) {
		r = p >> dc->pages_shift;
		stop = min((r + 1) << dc->pages_shift, end);
		ch = dxm_chunk_of(dc, p);
		if (WARN_ON_ONCE(!ch)) {
			if (!__test_and_set_bit(r, dc->rs.dirty)) {
				dc->rs.nr_dirty++;
				if (!dxm_pb_region_any(dc, DXM_PB_HOT, r))
					dc->rs.nr_out_of_sync++;
			}
			continue;
		}
		was_hot = kind == DXM_PB_HOT && dxm_pb_region_any(dc, kind, r);
		for (; p < stop; p++)
			if (!__test_and_set_bit(dxm_chunk_off(p),
						ch->bits[kind]))
				ch->nr[kind]++;
		if (kind == DXM_PB_HOT && !was_hot) {
			dc->rs.nr_hot++;
			if (!test_bit(r, dc->rs.dirty))
				dc->rs.nr_out_of_sync++;
		}
	}
}

/* Clear @kind of one page; returns whether it was set. */
bool dxm_pb_test_and_clear(struct dxm_c *dc, enum dxm_pb kind,
			   unsigned long page)
{
	struct dxm_chunk *ch;

	lockdep_assert_held(&dc->lock);
	if (page >= dc->nr_pages)
		return false;
	ch = dxm_chunk_of(dc, page);
	if (!ch || !__test_and_clear_bit(dxm_chunk_off(page), ch->bits[kind]))
		return false;
	ch->nr[kind]--;
	if (kind == DXM_PB_HOT &&
	    !dxm_pb_region_any(dc, kind, page >> dc->pages_shift))
		dxm_hot_region_gone(dc, page >> dc->pages_shift);
	return true;
}

/* The first page in [from, end) with @kind set, or @end. */
unsigned long dxm_pb_next(struct dxm_c *dc, enum dxm_pb kind,
			  unsigned long from, unsigned long end)
{
	unsigned long c, off, stop;
	struct dxm_chunk *ch;

	end = min(end, dc->nr_pages);
	while (from < end) {
		c = from >> DXM_CHUNK_SHIFT;
		ch = READ_ONCE(dc->rs.chunks[c]);
		stop = min((c + 1) << DXM_CHUNK_SHIFT, end);
		if (ch && ch->nr[kind]) {
			off = find_next_bit(ch->bits[kind],
					    dxm_chunk_off(stop - 1) + 1,
					    dxm_chunk_off(from));
			if (off <= dxm_chunk_off(stop - 1))
				return (c << DXM_CHUNK_SHIFT) + off;
		}
		from = stop;
	}
	return end;
}

/* The first region from @r on with a page of @kind set, or nr_regions. */
unsigned long dxm_pb_next_region(struct dxm_c *dc, enum dxm_pb kind,
				 unsigned long r)
{
	unsigned long p = dxm_pb_next(dc, kind, r << dc->pages_shift,
				      dc->nr_pages);

	return p < dc->nr_pages ? p >> dc->pages_shift : dc->nr_regions;
}

/* Clear the dirty bit of region @r (it was resynced). */
void dxm_clear_dirty(struct dxm_c *dc, unsigned long r)
{
	lockdep_assert_held(&dc->lock);
	if (!__test_and_clear_bit(r, dc->rs.dirty))
		return;
	dc->rs.nr_dirty--;
	if (!dxm_pb_region_any(dc, DXM_PB_HOT, r))
		dc->rs.nr_out_of_sync--;
}

/* Count the dirty regions again after the bitmap was loaded. */
void dxm_pb_recount(struct dxm_c *dc)
{
	unsigned long r, n = 0;

	lockdep_assert_held(&dc->lock);
	dc->rs.nr_dirty = bitmap_weight(dc->rs.dirty, dc->nr_regions);
	for (r = dxm_pb_next_region(dc, DXM_PB_HOT, 0); r < dc->nr_regions;
	     r = dxm_pb_next_region(dc, DXM_PB_HOT, r + 1))
		n += !test_bit(r, dc->rs.dirty);
	dc->rs.nr_out_of_sync = dc->rs.nr_dirty + n;
}

static bool dxm_chunk_empty(struct dxm_chunk *ch)
{
	int k;

	for (k = 0; k < DXM_PB_NR; k++)
		if (ch->nr[k])
			return false;
	return true;
}

/*
 * Free the chunks that are empty and that nothing can set a bit of
 * without preparing it first (housekeeping worker, dc->lock not held).
 */
void dxm_pb_reclaim(struct dxm_c *dc)
{
	unsigned long c, batch;
	struct dxm_chunk *ch;

	for (c = 0; c < dc->rs.nr_chunks; c = batch) {
		batch = min(c + 256, dc->rs.nr_chunks);
		spin_lock_irq(&dc->lock);
		for (; c < batch; c++) {
			ch = dc->rs.chunks[c];
			if (!ch || !dxm_chunk_empty(ch))
				continue;
			if (atomic_read(&dc->rs.pins))
				break;
			if (dxm_acc_overlaps(dc, c << DXM_CHUNK_SHIFT,
					     (c + 1) << DXM_CHUNK_SHIFT))
				continue;
			WRITE_ONCE(dc->rs.chunks[c], NULL);
			kfree(ch);
		}
		spin_unlock_irq(&dc->lock);
		if (c < batch)
			return;		/* pinned: next time */
		cond_resched();
	}
}
