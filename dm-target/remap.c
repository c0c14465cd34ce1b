// SPDX-License-Identifier: GPL-2.0
/*
 * The remap path: pages of a leg whose poison cannot be cleared are
 * remapped to that leg's spare pool.
 *
 * The remap table lives on the leg in two copies (A and B); each holds a
 * header (magic, crc32c, sequence number) and one entry per spare slot.
 * An update writes the whole table, with the next sequence number, over
 * the copy that is NOT current, with FUA; only then is it current.  A
 * crash during the update leaves a copy with a bad checksum and the
 * other, older copy wins: either the old or the new mapping, never a
 * torn one.  The good data is written to the spare page before the table
 * names it.
 *
 * Every path that touches the data area of a leg goes through
 * dxm_leg_sector() (or dxm_data_rw()), so remaps are honoured by bio I/O,
 * DAX, flushes, resync, rebuild and scrub.
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include "daxmirror.h"

static size_t dxm_remap_bytes(struct dxm_leg *leg)
{
	return (size_t)leg->geo.remap_sectors << SECTOR_SHIFT;
}

/*
 * Load the current remap table of a formatted leg (constructor time:
 * read only).  Both copies zero means an empty table (fresh format).
 */
int dxm_remap_load(struct dxm_c *dc, int i)
{
	struct dxm_leg *leg = &dc->legs[i];
	size_t bytes = dxm_remap_bytes(leg);
	u32 nr = le32_to_cpu(leg->sb->spare_pages), s;
	struct dxm_remap_verdict v;
	struct dxm_remap_header *h[2];
	enum dxm_reason why;
	int c, r = 0;

	/* an activation retried after a failed one loads it again */
	dxm_remap_free(leg);
	xa_init(&leg->remaps);
	leg->slots = kvmalloc_array(max(nr, 1U), sizeof(u64), GFP_KERNEL);
	leg->remap_img = kvzalloc(bytes, GFP_KERNEL);
	h[0] = kvzalloc(bytes, GFP_KERNEL);
	h[1] = kvzalloc(bytes, GFP_KERNEL);
	if (!leg->slots || !leg->remap_img || !h[0] || !h[1]) {
		r = -ENOMEM;
		goto out;
	}
	for (s = 0; s < nr; s++)
		leg->slots[s] = DXM_NO_PAGE;
	leg->nr_spare = nr;
	leg->remap_cur = 1;	/* the first update goes to copy A */
	leg->remap_seq = 0;
	if (leg->formatted)
		goto out;

	for (c = 0; c < 2; c++) {
		r = dxm_leg_rw(dc, i, REQ_OP_READ, leg->geo.remap_offset +
			       c * leg->geo.remap_sectors, h[c],
			       leg->geo.remap_sectors);
		if (r) {
			dc->ti->error = "Cannot read a leg's remap table";
			goto out;
		}
	}
	/* the rules shared with the tool; leg->slots is the scratch space */
	why = dxm_remap_check(h[0], h[1], bytes, nr, dc->data_sectors,
			      leg->slots, &v);
	if (why == DXM_R_REMAP_CORRUPT)
		DMERR("%s: leg %d: remap table copies invalid: A: %s, B: %s",
		      dxm_name(dc), i, dxm_reason_text(v.why[0]),
		      dxm_reason_text(v.why[1]));
	if (why) {
		dc->ti->error = (char *)dxm_reason_text(why);
		r = -EINVAL;
		goto out;
	}
	for (s = 0; s < nr; s++)
		leg->slots[s] = DXM_NO_PAGE;
	if (v.copy < 0)
		goto out;	/* both copies zero: an empty table */
	leg->remap_cur = v.copy;
	leg->remap_seq = v.seq;
	for (s = 0; s < nr; s++) {
		u64 p = dxm_remap_entry(h[v.copy], s);

		leg->slots[s] = p;
		if (p == DXM_NO_PAGE || p == DXM_RETIRED_PAGE)
			continue;
		r = xa_err(xa_store(&leg->remaps, p, xa_mk_value(s),
				    GFP_KERNEL));
		if (r)
			goto out;
		leg->nr_remapped++;
	}
out:
	kvfree(h[0]);
	kvfree(h[1]);
	return r;
}

void dxm_remap_free(struct dxm_leg *leg)
{
	if (leg->slots)
		xa_destroy(&leg->remaps);
	kvfree(leg->slots);
	kvfree(leg->remap_img);
	leg->slots = NULL;
	leg->remap_img = NULL;
	leg->nr_remapped = 0;
}

/* The sector of @leg that holds data-area sector @sector. */
sector_t dxm_leg_sector(struct dxm_c *dc, int leg, sector_t sector)
{
	struct dxm_leg *l = &dc->legs[leg];
	void *e;

	if (!READ_ONCE(l->nr_remapped))
		return sector;
	e = xa_load(&l->remaps, dxm_sect_to_pages(sector));
	if (!e)
		return sector;
	return l->geo.spare_offset + dxm_pages_to_sect(xa_to_value(e)) +
	       (sector & 7);
}

/*
 * Sectors from @sector up to the next page boundary where the
 * translation of any live leg changes (or @max).
 */
sector_t dxm_remap_run(struct dxm_c *dc, sector_t sector, sector_t max)
{
	unsigned long first = dxm_sect_to_pages(sector), idx;
	sector_t run = max;
	int i;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct dxm_leg *l = &dc->legs[i];

		if (!l->dev || !READ_ONCE(l->nr_remapped))
			continue;
		if (xa_load(&l->remaps, first))
			return min_t(sector_t, max, 8 - (sector & 7));
		idx = first;
		if (xa_find(&l->remaps, &idx, dxm_sect_to_pages(sector + max - 1),
			    XA_PRESENT))
			run = min_t(sector_t, run, dxm_pages_to_sect(idx) - sector);
	}
	return run;
}

/* Read or write a data-area range of one leg, honouring its remaps. */
int dxm_data_rw(struct dxm_c *dc, int leg, blk_opf_t op, sector_t sector,
		void *buf, sector_t count)
{
	int r;

	while (count) {
		sector_t n = dxm_remap_run(dc, sector, count);

		r = dxm_leg_rw(dc, leg, op, dxm_leg_sector(dc, leg, sector),
			       buf, n);
		if (r)
			return r;
		buf += n << SECTOR_SHIFT;
		sector += n;
		count -= n;
	}
	return 0;
}

static int dxm_remap_persist(struct dxm_c *dc, int i)
{
	struct dxm_leg *leg = &dc->legs[i];
	void *h = leg->remap_img;
	int next = !leg->remap_cur, r;

	dxm_remap_encode(h, dxm_remap_bytes(leg), leg->remap_seq + 1,
			 leg->slots, leg->nr_spare);
	r = dxm_leg_rw(dc, i, REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA,
		       leg->geo.remap_offset + next * leg->geo.remap_sectors,
		       h, leg->geo.remap_sectors);
	if (r)
		return r;
	leg->remap_cur = next;
	leg->remap_seq++;
	return 0;
}

static int dxm_remap_page_locked(struct dxm_c *dc, int i, u64 page,
				 void *data);

/*
 * Remap data page @page of leg @i to a free spare page holding @data
 * (one page).  The caller keeps other writers of the page away (region
 * lock, or it is the writer).  Returns -ENOSPC when the pool is
 * exhausted.
 */
int dxm_remap_page(struct dxm_c *dc, int i, u64 page, void *data)
{
	struct dxm_leg *leg = &dc->legs[i];
	int r;

	mutex_lock(&leg->remap_mutex);
	r = dxm_remap_page_locked(dc, i, page, data);
	mutex_unlock(&leg->remap_mutex);
	return r;
}

static int dxm_remap_page_locked(struct dxm_c *dc, int i, u64 page, void *data)
{
	struct dxm_leg *leg = &dc->legs[i];
	void *old = xa_load(&leg->remaps, page);
	u32 s, prev = old ? xa_to_value(old) : U32_MAX;
	int r;

	for (s = 0; s < leg->nr_spare; s++) {
		if (leg->slots[s] != DXM_NO_PAGE)
			continue;
		r = dxm_leg_rw(dc, i, REQ_OP_WRITE | REQ_FUA,
			       leg->geo.spare_offset + dxm_pages_to_sect(s),
			       data, DXM_PAGE_SECTORS);
		if (r) {
			/* a bad spare page: take it out of the pool */
			leg->slots[s] = DXM_RETIRED_PAGE;
			continue;
		}
		leg->slots[s] = page;
		if (prev != U32_MAX)
			leg->slots[prev] = DXM_RETIRED_PAGE;	/* retired */
		r = dxm_remap_persist(dc, i);
		if (r) {
			leg->slots[s] = DXM_NO_PAGE;
			if (prev != U32_MAX)
				leg->slots[prev] = page;
			return r;
		}
		dxm_hold_moving(dc, page);	/* before faults can see it */
		r = xa_err(xa_store(&leg->remaps, page, xa_mk_value(s),
				    GFP_NOIO));
		if (r) {
			dxm_hold_moved(dc, page);
			return r;
		}
		if (prev == U32_MAX)
			WRITE_ONCE(leg->nr_remapped, leg->nr_remapped + 1);
		DMINFO_LIMIT("%s: leg %d: page at sector %llu remapped to spare %u",
			     dxm_name(dc), i, (unsigned long long)dxm_pages_to_sect(page), s);
		dxm_raise_event(dc);
		return 0;
	}
	return -ENOSPC;
}

u32 dxm_spare_free(struct dxm_leg *leg)
{
	u32 s, n = 0;

	if (!leg->slots)
		return 0;
	for (s = 0; s < leg->nr_spare; s++)
		if (leg->slots[s] == DXM_NO_PAGE)
			n++;
	return n;
}
