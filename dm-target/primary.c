// SPDX-License-Identifier: GPL-2.0
/*
 * Which leg is the primary: the leg whose pages direct_access hands out
 * and block reads go to.
 *
 * A filesystem mounted on the mirror remembers the physical page behind
 * each file page it has mapped (its DAX entries); a new primary gives
 * every mirror page a new physical address under it.  So the primary
 * changes only when it must: when it fails or is declared out of date
 * (through the failover protocol of flush.c).  It does not switch back
 * when the other leg becomes good again (after a rebuild), and a table
 * loaded in place of a live one keeps the primary of the table before it
 * (remembered per mirror set while the module is loaded).
 */
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include "daxmirror.h"

/* The primary of each set at the last suspend of a table of it. */
struct dxm_primary_rec {
	struct list_head list;
	u8 uuid[16];
	dev_t dev;		/* the primary leg's device */
};

static LIST_HEAD(dxm_primary_recs);
static DEFINE_MUTEX(dxm_primary_lock);

/* The set's UUID, from the superblock of a leg that has one. */
static const u8 *dxm_set_uuid(struct dxm_c *dc)
{
	int i;

	for (i = 0; i < DXM_NR_LEGS; i++)
		if (dc->legs[i].dev && !dc->legs[i].blank && dc->legs[i].sb)
			return dc->legs[i].sb->set_uuid;
	return NULL;
}

static struct dxm_primary_rec *dxm_primary_find(const u8 *uuid)
{
	struct dxm_primary_rec *rec;

	list_for_each_entry(rec, &dxm_primary_recs, list)
		if (!memcmp(rec->uuid, uuid, 16))
			return rec;
	return NULL;
}

/*
 * At the first activation: the primary of the set's previous table if
 * that leg is in this table and good, else the first good leg.
 */
void dxm_primary_restore(struct dxm_c *dc)
{
	const u8 *uuid = dxm_set_uuid(dc);
	struct dxm_primary_rec *rec;
	int i, p = -1;

	mutex_lock(&dxm_primary_lock);
	rec = uuid ? dxm_primary_find(uuid) : NULL;
	for (i = 0; rec && i < DXM_NR_LEGS; i++)
		if (dc->legs[i].dev && dc->legs[i].dev->bdev->bd_dev == rec->dev &&
		    dxm_leg_good(dc, i))
			p = i;
	mutex_unlock(&dxm_primary_lock);
	WRITE_ONCE(dc->primary, p);
	p = dxm_primary(dc);
	if (rec && p >= 0)
		DMINFO("%s: primary: leg %d", dxm_name(dc), p);
}

/* Whether an earlier table of this set was live since the module loaded. */
bool dxm_primary_known(struct dxm_c *dc)
{
	const u8 *uuid = dxm_set_uuid(dc);
	bool known;

	mutex_lock(&dxm_primary_lock);
	known = uuid && dxm_primary_find(uuid);
	mutex_unlock(&dxm_primary_lock);
	return known;
}

/* At a suspend: remember the primary for a table loaded next. */
void dxm_primary_save(struct dxm_c *dc)
{
	const u8 *uuid = dxm_set_uuid(dc);
	struct dxm_primary_rec *rec;
	int p = dxm_primary(dc);

	if (!uuid || p < 0)
		return;
	mutex_lock(&dxm_primary_lock);
	rec = dxm_primary_find(uuid);
	if (!rec) {
		rec = kzalloc(sizeof(*rec), GFP_KERNEL);
		if (rec) {
			memcpy(rec->uuid, uuid, 16);
			list_add(&rec->list, &dxm_primary_recs);
		}
	}
	if (rec)	/* without memory the next table picks the first leg */
		rec->dev = dc->legs[p].dev->bdev->bd_dev;
	mutex_unlock(&dxm_primary_lock);
}

void dxm_primary_exit(void)
{
	struct dxm_primary_rec *rec, *next;

	list_for_each_entry_safe(rec, next, &dxm_primary_recs, list) {
		list_del(&rec->list);
		kfree(rec);
	}
}
