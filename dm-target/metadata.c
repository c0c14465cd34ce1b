// SPDX-License-Identifier: GPL-2.0
/*
 * On-leg metadata: superblocks (read, validate, format, write back) and
 * the persistent write-intent bitmap.
 *
 * Every value read from a leg is checked against the real size of that
 * leg before it is used.  Nothing is written to a leg before the
 * constructor has accepted the whole table.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/random.h>
#include <linux/blkdev.h>
#include <linux/ktime.h>
#include <linux/string.h>
#include <linux/dm-ioctl.h>
#include "daxmirror.h"

int dxm_leg_rw(struct dxm_c *dc, int leg, blk_opf_t op, sector_t sector,
	       void *buf, sector_t count)
{
	struct dm_io_region where = {
		.bdev = dc->legs[leg].dev->bdev,
		.sector = sector,
		.count = count,
	};
	struct dm_io_request req = {
		.bi_opf = op,
		.client = dc->io_client,
	};
	unsigned long error_bits = 0;
	int r;

	if (is_vmalloc_addr(buf)) {
		req.mem.type = DM_IO_VMA;
		req.mem.ptr.vma = buf;
	} else {
		req.mem.type = DM_IO_KMEM;
		req.mem.ptr.addr = buf;
	}
	r = dxm_dm_io(&req, 1, &where, &error_bits);
	if (!r && error_bits)
		r = -EIO;
	return r;
}

/*
 * Checks one superblock against itself and the leg it was read from with
 * the rules shared with the tool (include/daxmirror_validate.c); fills
 * the leg's geometry.
 */
static const char *dxm_check_sb(struct dxm_leg *leg)
{
	enum dxm_reason r;

	r = dxm_sb_validate(leg->sb, leg->nr_sectors, leg->index, NULL,
			    &leg->geo);
	return r ? dxm_reason_text(r) : NULL;
}

static int dxm_read_one(struct dxm_c *dc, int i)
{
	struct dxm_leg *leg = &dc->legs[i];
	sector_t where;
	const char *why;
	int r;

	leg->nr_sectors = bdev_nr_sectors(leg->dev->bdev);
	if (dxm_leg_size_check(leg->nr_sectors)) {
		dc->ti->error = (char *)dxm_reason_text(DXM_R_SB_TOO_SMALL);
		return -EINVAL;
	}
	leg->sb = kzalloc(DXM_SB_SIZE, GFP_KERNEL);
	if (!leg->sb)
		return -ENOMEM;
	where = DXM_ROUND_DOWN(leg->nr_sectors, DXM_PAGE_SECTORS) -
		DXM_PAGE_SECTORS;
	r = dxm_leg_rw(dc, i, REQ_OP_READ, where, leg->sb, DXM_PAGE_SECTORS);
	if (r) {
		dc->ti->error = "Cannot read the superblock of a leg";
		return r;
	}
	if (dxm_sb_blank(leg->sb)) {
		leg->blank = true;
		return 0;
	}
	why = dxm_check_sb(leg);
	if (why) {
		DMERR("%s: leg %d (%s): %s", dxm_name(dc), i,
		      leg->dev->name, why);
		dc->ti->error = i ? "Leg 1 superblock is invalid" :
				    "Leg 0 superblock is invalid";
		return -EINVAL;
	}
	return 0;
}

/*
 * Whether stale leg @l needs only the regions the bitmap marks, copied
 * from @good (a re-add: dxm_readd_ok()); never when a full rebuild of
 * it was asked for.
 */
static bool dxm_may_readd(struct dxm_c *dc, struct dxm_leg *l,
			  struct dxm_leg *good)
{
	struct dxm_sb_info *mine, *fresh;
	bool ok;

	if (dc->args.rebuild_leg == l->index)
		return false;
	mine = kmalloc_array(2, sizeof(*mine), GFP_KERNEL);
	if (!mine)
		return false;	/* a full rebuild is always right */
	fresh = mine + 1;
	dxm_sb_decode(l->sb, mine);
	dxm_sb_decode(good->sb, fresh);
	ok = dxm_readd_ok(fresh, mine, l->index);
	kfree(mine);
	return ok;
}

/*
 * The legs' data sizes pair when equal, or when a grow stopped between
 * the two superblock writes: the fresher superblock has the larger size
 * and both legs have room for it (the grown regions were marked on both
 * before either superblock said so).
 */
static bool dxm_sizes_pair(struct dxm_leg *a, struct dxm_leg *b,
			   struct dxm_superblock *fresh)
{
	u64 sa = le64_to_cpu(a->sb->data_sectors);
	u64 sb = le64_to_cpu(b->sb->data_sectors);
	u64 big = max(sa, sb);

	if (sa == sb)
		return true;
	return le64_to_cpu(fresh->data_sectors) == big &&
	       big <= a->geo.data_sectors && big <= b->geo.data_sectors;
}

/* Both legs valid: same set, same geometry; pick the stale one if any. */
static int dxm_pair(struct dxm_c *dc, struct dxm_leg *a, struct dxm_leg *b)
{
	struct dxm_superblock *fresh;
	u64 ea, eb;

	if (memcmp(a->sb->set_uuid, b->sb->set_uuid, 16)) {
		dc->ti->error = "Legs belong to different mirror sets";
		return -EINVAL;
	}
	if (a->sb->version != b->sb->version) {
		dc->ti->error = "Legs disagree on the superblock version";
		return -EINVAL;
	}
	ea = le64_to_cpu(a->sb->events);
	eb = le64_to_cpu(b->sb->events);
	fresh = ea >= eb ? a->sb : b->sb;
	if (a->sb->region_sectors != b->sb->region_sectors ||
	    !dxm_sizes_pair(a, b, fresh)) {
		dc->ti->error = "Legs disagree on data size or region size";
		return -EINVAL;
	}
	/*
	 * Live legs get every superblock update, so their counters differ by
	 * at most one (a crash between the two writes).  A leg further behind
	 * missed updates: it was failed or replaced meanwhile.
	 */
	if (ea > eb + 1)
		b->stale = true;
	if (eb > ea + 1)
		a->stale = true;
	if (le32_to_cpu(fresh->leg_state[a->index]) != DXM_LEG_OK)
		a->stale = true;
	if (le32_to_cpu(fresh->leg_state[b->index]) != DXM_LEG_OK)
		b->stale = true;
	if (a->stale && b->stale) {
		dc->ti->error = "Both legs are marked stale: no good copy";
		return -EINVAL;
	}
	a->readd = a->stale && dxm_may_readd(dc, a, b);
	b->readd = b->stale && dxm_may_readd(dc, b, a);
	return 0;
}

/*
 * Which legs are stale, from what the superblocks on the media say (legs
 * formatted by this instance are stale already).  A leg that is the only
 * one with a superblock must not be stale in its own record: it is an
 * unfinished rebuild target, and its data may be incomplete.
 */
int dxm_derive_stale(struct dxm_c *dc)
{
	struct dxm_leg *on_media[DXM_NR_LEGS], *l;
	int i, n = 0;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		l = &dc->legs[i];
		if (l->dev && l->sb && !l->blank && !l->formatted)
			on_media[n++] = l;
	}
	if (n == DXM_NR_LEGS)
		return dxm_pair(dc, on_media[0], on_media[1]);
	if (!n)
		return 0;
	l = on_media[0];
	if (le32_to_cpu(l->sb->leg_state[l->index]) == DXM_LEG_OK)
		return 0;
	DMERR("%s: leg %d (%s) is the only leg with a superblock and its own record says it is %s (an unfinished rebuild): its data may be incomplete",
	      dxm_name(dc), l->index, l->dev->name,
	      le32_to_cpu(l->sb->leg_state[l->index]) == DXM_LEG_STALE ?
	      "stale" : "failed");
	dc->ti->error = "The only valid leg is stale (unfinished rebuild)";
	return -EINVAL;
}

/* Geometry of a leg about to be formatted (blank leg). */
static int dxm_plan_blank(struct dxm_c *dc, struct dxm_leg *leg, u32 region,
			  u32 spare)
{
	if (dxm_compute_geometry(leg->nr_sectors, region, spare, &leg->geo)) {
		dc->ti->error = "Leg is too small for the metadata and spare pool";
		return -EINVAL;
	}
	return 0;
}

int dxm_read_superblocks(struct dxm_c *dc)
{
	struct dxm_args *a = &dc->args;
	struct dxm_leg *valid = NULL;
	int i, r, nr_present = 0, nr_valid = 0;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		if (!dc->legs[i].dev)
			continue;
		nr_present++;
		r = dxm_read_one(dc, i);
		if (r)
			return r;
		if (!dc->legs[i].blank) {
			nr_valid++;
			valid = &dc->legs[i];
		}
	}

	if (!nr_valid) {
		if (nr_present < DXM_NR_LEGS) {
			dc->ti->error = "Cannot format a mirror with a missing leg";
			return -EINVAL;
		}
		for (i = 0; i < DXM_NR_LEGS; i++) {
			r = dxm_plan_blank(dc, &dc->legs[i], a->region_sectors,
					   a->spare_pages);
			if (r)
				return r;
		}
		dc->need_format = true;
		dc->region_sectors = a->region_sectors;
		dc->data_sectors = min(dc->legs[0].geo.data_sectors,
				       dc->legs[1].geo.data_sectors);
		return 0;
	}

	r = dxm_derive_stale(dc);
	if (r)
		return r;
	dc->region_sectors = le32_to_cpu(valid->sb->region_sectors);
	/* the larger size of two that pair is the fresher one's */
	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct dxm_leg *l = &dc->legs[i];

		if (l->dev && !l->blank)
			dc->data_sectors = max_t(sector_t, dc->data_sectors,
						 le64_to_cpu(l->sb->data_sectors));
	}
	if (a->region_given && a->region_sectors != dc->region_sectors) {
		dc->ti->error = "region_size does not match the superblock";
		return -EINVAL;
	}
	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct dxm_leg *leg = &dc->legs[i];

		if (!leg->dev)
			continue;
		if (leg->blank) {
			/* a replacement next to a valid leg */
			r = dxm_plan_blank(dc, leg, dc->region_sectors,
					   le32_to_cpu(valid->sb->spare_pages));
			if (r)
				return r;
			if (leg->geo.data_sectors < dc->data_sectors) {
				dc->ti->error = "Replacement leg is too small";
				return -EINVAL;
			}
			leg->stale = true;
			continue;
		}
		if (a->spare_given &&
		    a->spare_pages != le32_to_cpu(leg->sb->spare_pages)) {
			dc->ti->error = "spare_pages does not match the superblock";
			return -EINVAL;
		}
	}
	return 0;
}

/* The superblock of a blank leg, in memory (written by the next update). */
static int dxm_fill_sb(struct dxm_c *dc, struct dxm_leg *leg,
		       const struct dxm_superblock *model, u64 events, u64 ctime,
		       u32 spare)
{
	struct dxm_sb_info sb;

	/* the layout of leg->geo: dxm_plan_blank() had the same inputs */
	if (dxm_sb_format(&sb, leg->index, leg->nr_sectors, dc->data_sectors,
			  dc->region_sectors, spare))
		return -EINVAL;
	if (model) {
		/* a replacement: the set's UUID and format version */
		memcpy(sb.set_uuid, model->set_uuid, 16);
		sb.version = le32_to_cpu(model->version);
	} else {
		generate_random_uuid(sb.set_uuid);
	}
	sb.events = events;
	sb.ctime = ctime;
	dxm_sb_encode(&sb, leg->sb);
	return 0;
}

/* Zero (or fill) a metadata range of a leg. */
static int dxm_fill_range(struct dxm_c *dc, int leg, sector_t start,
			  sector_t count, int byte)
{
	sector_t chunk = dc->region_sectors;
	int r = 0;

	memset(dc->copy_buf, byte, (size_t)chunk << SECTOR_SHIFT);
	while (count && !r) {
		sector_t n = min(count, chunk);

		r = dxm_leg_rw(dc, leg, REQ_OP_WRITE, start, dc->copy_buf, n);
		start += n;
		count -= n;
	}
	return r;
}

/*
 * Format every blank leg: metadata areas cleared, bitmap all set when a
 * full copy is pending (so a crash during the initial sync resumes it),
 * superblock written last.
 */
int dxm_format(struct dxm_c *dc)
{
	struct dxm_leg *valid = NULL, *formatted = NULL;
	u64 events = 1, now = ktime_get_real_seconds();
	u32 spare = dc->args.spare_pages;
	int i, r;

	for (i = 0; i < DXM_NR_LEGS; i++)
		if (dc->legs[i].dev && !dc->legs[i].blank)
			valid = &dc->legs[i];
	if (valid) {
		events = le64_to_cpu(valid->sb->events);
		spare = le32_to_cpu(valid->sb->spare_pages);
	}

	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct dxm_leg *leg = &dc->legs[i];
		struct dxm_geometry *g = &leg->geo;
		bool full = !valid && !dc->args.nosync;

		if (!leg->dev || !leg->blank)
			continue;
		r = dxm_fill_range(dc, i, g->remap_offset, 2 * g->remap_sectors, 0);
		if (!r)
			r = dxm_fill_range(dc, i, g->bitmap_offset,
					   g->bitmap_sectors, full ? 0xff : 0);
		if (!r)
			r = dxm_fill_sb(dc, leg, valid ? valid->sb :
					formatted ? formatted->sb : NULL,
					events, now, spare);
		if (r)
			return r;
		leg->blank = false;
		leg->formatted = true;
		formatted = leg;
	}
	dc->need_format = false;
	return 0;
}

/*
 * Superblock version 2 keeps how the set runs: its device-mapper name
 * (@name; NULL once the name is gone, at removal: the last one stays)
 * and the table's settings, so that a scan brings it back as itself.
 */
static void dxm_sb_record(struct dxm_c *dc, struct dxm_superblock *sb,
			  const char *name)
{
	const struct dxm_args *a = &dc->args;
	u32 opts = 0;

	if (le32_to_cpu(sb->version) < 2)
		return;
	if (name)
		strscpy_pad(sb->name, name, sizeof(sb->name));
	if (a->no_dax)
		opts |= DXM_SB_O_NO_DAX;
	if (a->pmd_always)
		opts |= DXM_SB_O_PMD_ALWAYS;
	if (a->sweep_given)
		opts |= DXM_SB_O_SWEEP_KBPS;
	sb->options = cpu_to_le32(opts);
	sb->sync_interval_ms = cpu_to_le32(a->sync_interval_ms);
	sb->sweep_max_kbps = cpu_to_le32(a->sweep_given ? a->sweep_max_kbps : 0);
}

/*
 * The re-add record of each leg (version 2), the same in every superblock
 * written, from the superblock of a leg in sync as it was before this
 * update: a leg that drops out while in sync (@st: its new state) gets
 * the events of the last update it had (sent to it as a live leg; if
 * that write failed, its own counter is older and will not match); a
 * leg in sync again, or rebuilt in full, needs none.  While a leg is out
 * or re-added the record stays, and so do the marks (dxm_clear_marks()).
 */
static void dxm_readd_records(struct dxm_c *dc, const u32 *st, u64 *rec)
{
	const struct dxm_superblock *src = NULL;
	int i, j;

	for (i = 0; i < DXM_NR_LEGS && !src; i++)
		if (dxm_leg_good(dc, i) && dc->legs[i].sb &&
		    !dc->legs[i].blank)
			src = dc->legs[i].sb;
	for (j = 0; j < DXM_NR_LEGS; j++) {
		rec[j] = src ? le64_to_cpu(src->readd_events[j]) : 0;
		if (!src || st[j] == DXM_LEG_OK ||
		    (st[j] == DXM_LEG_STALE && !dc->legs[j].readd))
			rec[j] = 0;
		else if (st[j] == DXM_LEG_FAILED &&
			 le32_to_cpu(src->leg_state[j]) == DXM_LEG_OK)
			rec[j] = le64_to_cpu(src->events);
	}
}

static int dxm_write_superblocks_locked(struct dxm_c *dc)
{
	char name[DM_NAME_LEN];
	bool named;
	u64 events = 0, rec[DXM_NR_LEGS];
	u32 st[DXM_NR_LEGS];
	int i, j, r, written = 0, first_err = 0;

	BUILD_BUG_ON(DM_NAME_LEN > DXM_NAME_BYTES);
	named = !dm_copy_name_and_uuid(dm_table_get_md(dc->ti->table), name,
				       NULL);
	for (i = 0; i < DXM_NR_LEGS; i++)
		if (dc->legs[i].sb)
			events = max(events, le64_to_cpu(dc->legs[i].sb->events));
	events++;
	for (j = 0; j < DXM_NR_LEGS; j++) {
		st[j] = DXM_LEG_OK;
		if (!dxm_leg_alive(dc, j))
			st[j] = DXM_LEG_FAILED;
		else if (dc->legs[j].stale)
			st[j] = DXM_LEG_STALE;
	}
	dxm_readd_records(dc, st, rec);

	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct dxm_leg *leg = &dc->legs[i];
		struct dxm_superblock *sb = leg->sb;

		if (!dxm_leg_alive(dc, i) || !sb || leg->blank)
			continue;
		sb->events = cpu_to_le64(events);
		sb->data_sectors = cpu_to_le64(dc->data_sectors);	/* grow */
		sb->flags &= ~cpu_to_le32(DXM_SB_F_REBUILDING | DXM_SB_F_READD);
		sb->rebuild_offset = 0;
		if (READ_ONCE(dc->sweep.action) == DXM_REBUILD && dc->sweep.leg >= 0) {
			sb->flags |= cpu_to_le32(DXM_SB_F_REBUILDING);
			if (dxm_sweep_sparse(dc) && le32_to_cpu(sb->version) >= 2)
				sb->flags |= cpu_to_le32(DXM_SB_F_READD);
			sb->rebuild_offset = cpu_to_le64(min_t(u64, dc->data_sectors,
				(u64)dc->sweep.cursor << dc->region_shift));
		}
		for (j = 0; j < DXM_NR_LEGS; j++) {
			sb->leg_state[j] = cpu_to_le32(st[j]);
			if (le32_to_cpu(sb->version) >= 2)
				sb->readd_events[j] = cpu_to_le64(rec[j]);
		}
		dxm_sb_record(dc, sb, named ? name : NULL);
		dxm_sb_seal(sb);
		r = dxm_leg_rw(dc, i, REQ_OP_WRITE | REQ_PREFLUSH | REQ_FUA,
			       le64_to_cpu(sb->sb_offset), sb, DXM_PAGE_SECTORS);
		if (r) {
			if (!first_err)
				first_err = r;
			continue;
		}
		written++;
	}
	return written ? 0 : (first_err ? first_err : -EIO);
}

/*
 * The one writer of the superblocks: every change of a leg's state goes
 * through here, serialised by sb_mutex (callers: leg failure, messages,
 * rebuild checkpoints, activation, suspend, destruction), so that an
 * image is never changed while another caller checksums or writes it.
 */
int dxm_write_superblocks(struct dxm_c *dc)
{
	int r;

	mutex_lock(&dc->sb_mutex);
	r = dxm_write_superblocks_locked(dc);
	mutex_unlock(&dc->sb_mutex);
	return r;
}

/*
 * Re-read the superblocks of formatted legs at activation: a table
 * reloaded over a live mirror was constructed while the old instance was
 * still updating them.
 */
int dxm_refresh_superblocks(struct dxm_c *dc)
{
	struct dxm_superblock *old;
	const char *why;
	int i, r;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct dxm_leg *leg = &dc->legs[i];

		if (!leg->dev || !leg->sb || leg->formatted)
			continue;
		old = kmemdup(leg->sb, DXM_SB_SIZE, GFP_KERNEL);
		if (!old)
			return -ENOMEM;
		r = dxm_leg_rw(dc, i, REQ_OP_READ, leg->geo.sb_offset, leg->sb,
			       DXM_PAGE_SECTORS);
		why = r ? "cannot be read" : dxm_check_sb(leg);
		if (!why && memcmp(leg->sb->set_uuid, old->set_uuid, 16))
			why = "changed to another set";
		if (why) {
			memcpy(leg->sb, old, DXM_SB_SIZE);
			kfree(old);
			DMERR("%s: leg %d: superblock %s since the table was loaded",
			      dxm_name(dc), i, why);
			return -EINVAL;
		}
		kfree(old);
	}
	/*
	 * The live table may have failed a leg or started a rebuild since
	 * this one was loaded: stale is only ever added here, never cleared.
	 */
	r = dxm_derive_stale(dc);
	if (r)
		DMERR("%s: %s", dxm_name(dc), dc->ti->error);
	return r;
}

/*
 * The table is longer than the data area: with the option "grow", an
 * existing set whose legs are both present and in sync grows to the
 * table's length (rounded up to 2 MiB) when both legs have room for it
 * (replaced by larger ones); the new regions are marked and resynced at
 * activation (dxm_grow_mark()).  Anything else is refused.
 */
int dxm_plan_grow(struct dxm_c *dc)
{
	sector_t want = round_up(dc->ti->len, DXM_DATA_ALIGN_SECTORS);
	int i;

	if (!dc->args.grow || dc->need_format) {
		dc->ti->error = "Device length exceeds the mirror's usable data size";
		return -EINVAL;
	}
	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct dxm_leg *leg = &dc->legs[i];

		if (!leg->dev || leg->blank || leg->stale) {
			dc->ti->error = "grow: both legs must be present and in sync";
			return -EINVAL;
		}
		if (want > leg->geo.data_sectors) {
			dc->ti->error = "grow: a leg has no room for the new size";
			return -EINVAL;
		}
	}
	dc->grow_from = dc->data_sectors;
	dc->data_sectors = want;
	return 0;
}

/*
 * The regions a grow added are marked, on both legs' media, before a
 * superblock says the new size; the resync makes them equal.
 */
int dxm_grow_mark(struct dxm_c *dc)
{
	unsigned long first = dc->grow_from >> dc->region_shift;
	int r;

	if (!dc->grow_from)
		return 0;
	spin_lock_irq(&dc->lock);
	bitmap_set(dc->bm.marked, first, dc->nr_regions - first);
	bitmap_set(dc->rs.dirty, first, dc->nr_regions - first);
	spin_unlock_irq(&dc->lock);
	r = dxm_bitmap_writeback(dc);
	if (r) {
		DMERR("%s: grow: cannot write the marks of the new regions: %d",
		      dxm_name(dc), r);
		return r;
	}
	DMINFO("%s: data area grown from %llu to %llu sectors",
	       dxm_name(dc), (unsigned long long)dc->grow_from,
	       (unsigned long long)dc->data_sectors);
	return 0;
}

/* Where an interrupted rebuild of @leg may resume (a region index). */
unsigned long dxm_rebuild_checkpoint(struct dxm_c *dc, int leg)
{
	int other = DXM_NR_LEGS - 1 - leg;
	struct dxm_superblock *sb = dc->legs[other].sb;

	/* a blank replacement has no checkpoint; neither has a forced one */
	if (!sb || dc->args.rebuild_leg == leg || dc->legs[leg].formatted ||
	    !(le32_to_cpu(sb->flags) & DXM_SB_F_REBUILDING))
		return 0;
	return le64_to_cpu(sb->rebuild_offset) >> dc->region_shift;
}

/* ---- persistent write-intent bitmap ---- */

static size_t dxm_bitmap_bytes(struct dxm_c *dc)
{
	return BITS_TO_LONGS(dc->nr_regions) * sizeof(long);
}

/* In-memory bitmap words to and from their media form, in place. */
static void dxm_bm_media_order(unsigned long *words, unsigned long n)
{
	if (IS_ENABLED(CONFIG_CPU_BIG_ENDIAN))
		while (n--)
			words[n] = dxm_bm_word_le(words[n]);
}

/* Load the on-leg bitmaps of the in-sync legs into dc->rs.dirty. */
int dxm_bitmap_init(struct dxm_c *dc)
{
	size_t bytes = dxm_bitmap_bytes(dc);
	size_t rounded = round_up(bytes, DXM_BLOCK_SIZE);
	void *buf;
	int i, r;

	/* kept as the write-back snapshot: a write-back never allocates */
	if (!dc->bm.snap)
		dc->bm.snap = kvzalloc(rounded, GFP_KERNEL);
	buf = dc->bm.snap;
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct dxm_leg *leg = &dc->legs[i];
		sector_t count = DIV_ROUND_UP(bytes, DXM_BLOCK_SIZE) *
				 DXM_PAGE_SECTORS;

		if (!dxm_leg_alive(dc, i) || leg->stale)
			continue;
		r = dxm_leg_rw(dc, i, REQ_OP_READ, leg->geo.bitmap_offset,
			       buf, count);
		if (r) {
			DMERR("%s: leg %d: cannot read the write-intent bitmap: %d",
			      dxm_name(dc), i, r);
			return r;
		}
		dxm_bm_media_order(buf, BITS_TO_LONGS(dc->nr_regions));
		bitmap_or(dc->rs.dirty, dc->rs.dirty, buf, dc->nr_regions);
	}
	bitmap_copy(dc->bm.marked, dc->rs.dirty, dc->nr_regions);
	memset(buf, 0, rounded);
	return 0;
}

static void dxm_persist_word(struct dxm_c *dc, unsigned long word_idx)
{
	unsigned long word = dxm_bm_word_le(dc->bm.marked[word_idx]);
	int i;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		unsigned long *kaddr = dc->legs[i].bitmap_kaddr;

		if (!kaddr || !dxm_leg_alive(dc, i))
			continue;
		memcpy_flushcache(&kaddr[word_idx], &word, sizeof(long));
	}
}

bool dxm_bitmap_mark_is_sync(struct dxm_c *dc)
{
	int i;

	for (i = 0; i < DXM_NR_LEGS; i++)
		if (dxm_leg_alive(dc, i) && !dc->legs[i].bitmap_kaddr)
			return false;
	return true;
}

/*
 * Marks regions [first, last] in the write-intent bitmap.  Called with
 * dc->lock held.  With DAX-mapped bitmaps on every live leg the mark is
 * durable on return (returns 0); otherwise the bitmap must be written back
 * by dxm_bitmap_writeback() from process context (returns 1), also when
 * the regions were marked already by a write whose write-back has not
 * ended yet (bm.mark_gen: a second write to the region must not pass
 * the first one's mark on its way to the media).
 */
int dxm_bitmap_mark(struct dxm_c *dc, unsigned long first, unsigned long last)
{
	unsigned long r, w, prev_w = ULONG_MAX;
	bool sync = dxm_bitmap_mark_is_sync(dc);
	bool changed = false;

	if (!sync) {
		/*
		 * A mark costs a bitmap write (on virtio-pmem a host flush
		 * too): a missing one marks the rest of its bitmap words
		 * with it, so that neighbouring writes need none.
		 */
		r = find_next_zero_bit(dc->bm.marked, last + 1, first);
		if (r > last)	/* marked: durable once the write-backs are */
			return dc->bm.durable_gen != dc->bm.mark_gen;
		first = round_down(first, BITS_PER_LONG);
		last = min(round_up(last + 1, BITS_PER_LONG),
			   dc->nr_regions) - 1;
		bitmap_set(dc->bm.marked, first, last - first + 1);
		dc->bm.mark_gen++;
		dc->bm.writeback_due = true;
		return 1;
	}
	for (r = first; r <= last; r++) {
		if (test_bit(r, dc->bm.marked))
			continue;
		__set_bit(r, dc->bm.marked);
		changed = true;
		w = BIT_WORD(r);
		if (w != prev_w) {
			if (prev_w != ULONG_MAX)
				dxm_persist_word(dc, prev_w);
			prev_w = w;
		}
	}
	if (!changed)
		return 0;
	dxm_persist_word(dc, prev_w);
	wmb();	/* make the marks durable before any store to the data */
	return 0;
}

/* Bitmap words copied per hold of dc->lock by a write-back (32 KiB). */
#define DXM_BM_WORDS	4096

/*
 * Writes the whole in-memory bitmap to every live leg (process context).
 * It is copied a slice at a time under dc->lock (a bitmap is up to 16 MiB
 * at 8 TiB; interrupts stay off for one slice only).  DAX-mapped copies
 * are written slice by slice under dc->lock too, so that they can never
 * overwrite a newer word persisted by dxm_bitmap_mark(); the others are
 * written from the snapshot, serialised by bm.mutex so that an older
 * snapshot never lands after a newer one.  A mark made in a slice already
 * copied sets bm.writeback_due again and its writer writes back after this.
 */
int dxm_bitmap_writeback(struct dxm_c *dc)
{
	size_t bytes = round_up(dxm_bitmap_bytes(dc), DXM_BLOCK_SIZE);
	unsigned long words = BITS_TO_LONGS(dc->nr_regions), w, n;
	unsigned long *snap = dc->bm.snap;
	blk_opf_t op = REQ_OP_WRITE | REQ_FUA;
	unsigned long clears, gen;
	int i, r;

	if (!snap)
		return -ENODEV;	/* not activated: no bitmap loaded */
	mutex_lock(&dc->bm.mutex);
	spin_lock_irq(&dc->lock);
	dc->bm.writeback_due = false;
	gen = dc->bm.mark_gen;	/* every mark made so far is in the snapshot */
	spin_unlock_irq(&dc->lock);
	for (w = 0; w < words; w += n) {
		n = min_t(unsigned long, words - w, DXM_BM_WORDS);
		spin_lock_irq(&dc->lock);
		memcpy(&snap[w], &dc->bm.marked[w], n * sizeof(long));
		dxm_bm_media_order(&snap[w], n);	/* to the media form */
		for (i = 0; i < DXM_NR_LEGS; i++)
			if (dxm_leg_alive(dc, i) && dc->legs[i].bitmap_kaddr)
				memcpy_flushcache((unsigned long *)
						  dc->legs[i].bitmap_kaddr + w,
						  &snap[w], n * sizeof(long));
		/* durable before a later mark can persist a word of it */
		wmb();
		spin_unlock_irq(&dc->lock);
		cond_resched();
	}
	/* every clear in the snapshot was counted by now */
	spin_lock_irq(&dc->lock);
	clears = dc->bm.clears;
	spin_unlock_irq(&dc->lock);
	/*
	 * A cleared mark says that its region cannot differ: the data
	 * written there before must be durable before the clear is, so a
	 * snapshot with clears not yet covered flushes the legs first.
	 */
	if (clears != dc->bm.clears_flushed)
		op |= REQ_PREFLUSH;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		struct dxm_leg *leg = &dc->legs[i];

		if (!dxm_leg_alive(dc, i) || leg->bitmap_kaddr)
			continue;
		r = dxm_leg_rw(dc, i, op, leg->geo.bitmap_offset, snap,
			       bytes >> SECTOR_SHIFT);
		if (r)
			dxm_fail_leg(dc, i, r, "write-intent bitmap write failed");
	}
	if (op & REQ_PREFLUSH)
		dc->bm.clears_flushed = clears;
	spin_lock_irq(&dc->lock);
	dc->bm.durable_gen = gen;
	spin_unlock_irq(&dc->lock);
	mutex_unlock(&dc->bm.mutex);
	return 0;
}

void dxm_bitmap_exit(struct dxm_c *dc)
{
	dxm_pb_exit(dc);
	dxm_pmd_exit(dc);
	kvfree(dc->rs.dirty);
	kvfree(dc->bm.marked);
	kvfree(dc->rs.copying);
	kvfree(dc->warm.map);
	kvfree(dc->rs.faulted);
	kvfree(dc->warm.list);
	kvfree(dc->warm.flush_list);
	kvfree(dc->bm.snap);
}
