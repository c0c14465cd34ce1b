// SPDX-License-Identifier: GPL-2.0
/*
 * The status line (INFO, TABLE and IMA); messages are in message.c.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include "daxmirror.h"

#define DXM_ACTION_NAME(id, name) \
	[DXM_##id] = name,
static const char *const dxm_action_names[] = {
	DXM_ACTION_LIST(DXM_ACTION_NAME)
};

#undef DXM_ACTION_NAME

static char dxm_health(struct dxm_c *dc, int leg, int primary)
{
	if (!dxm_leg_alive(dc, leg))
		return 'D';
	if (dc->legs[leg].stale)
		return 'a';
	if (leg != primary &&
	    (READ_ONCE(dc->sweep.action) == DXM_RESYNC ||
	     READ_ONCE(dc->rs.nr_dirty)))
		return 'a';
	return 'A';
}

/* Data sectors before the running sweep's cursor. */
static sector_t dxm_cursor_sectors(struct dxm_c *dc)
{
	return min_t(sector_t, dc->data_sectors,
		     (sector_t)READ_ONCE(dc->sweep.cursor) << dc->region_shift);
}

static sector_t dxm_in_sync(struct dxm_c *dc)
{
	sector_t out;

	if (READ_ONCE(dc->sweep.action) == DXM_REBUILD)
		return dxm_cursor_sectors(dc);
	if (dxm_primary(dc) < 0 ||
	    !dxm_leg_alive(dc, dxm_other(dc, dxm_primary(dc))))
		return 0;
	out = (sector_t)dxm_out_of_sync_regions(dc) << dc->region_shift;
	return out >= dc->data_sectors ? 0 : dc->data_sectors - out;
}

/* Sectors the running action has gone past (its cursor), or -1: none. */
static s64 dxm_swept(struct dxm_c *dc)
{
	enum dxm_action act = READ_ONCE(dc->sweep.action);

	if (act == DXM_IDLE)
		return -1;
	return dxm_cursor_sectors(dc);
}

/*
 * One field of the INFO line (include/daxmirror_status.h has them in
 * order): no default case, so a field listed there but not emitted here
 * does not build.
 */
static void dxm_emit_field(struct dxm_c *dc, enum dxm_status_field f,
			   int primary, char *result, unsigned int maxlen,
			   unsigned int *szp)
{
	unsigned int sz = *szp;
	struct dm_dev *dev;
	s64 swept;

	if (f)
		DMEMIT(" ");
	switch (f) {
	case DXM_ST_NR_LEGS:
		DMEMIT("%d", DXM_NR_LEGS);
		break;
	case DXM_ST_LEG0:
	case DXM_ST_LEG1:
		dev = dc->legs[f - DXM_ST_LEG0].dev;
		DMEMIT("%s", dev ? dev->name : "-");
		break;
	case DXM_ST_HEALTH:
		DMEMIT("%c%c", dxm_health(dc, 0, primary),
		       dxm_health(dc, 1, primary));
		break;
	case DXM_ST_IN_SYNC:
		DMEMIT("%llu/%llu", (unsigned long long)dxm_in_sync(dc),
		       (unsigned long long)dc->data_sectors);
		break;
	case DXM_ST_ACTION:
		DMEMIT("%s", dxm_action_names[READ_ONCE(dc->sweep.action)]);
		break;
	case DXM_ST_MISMATCHES:
		DMEMIT("%llu",
		       (unsigned long long)atomic64_read(&dc->sweep.mismatches));
		break;
	case DXM_ST_REMAPPED:
		DMEMIT("%u/%u", READ_ONCE(dc->legs[0].nr_remapped),
		       READ_ONCE(dc->legs[1].nr_remapped));
		break;
	case DXM_ST_SPARE_FREE:
		DMEMIT("%u/%u", dxm_spare_free(&dc->legs[0]),
		       dxm_spare_free(&dc->legs[1]));
		break;
	case DXM_ST_LOST_PAGES:
		DMEMIT("%llu",
		       (unsigned long long)atomic64_read(&dc->lost.count));
		break;
	case DXM_ST_HOT_REGIONS:
		DMEMIT("%lu", dxm_hot_regions(dc));
		break;
	case DXM_ST_DATA_OFFSET:
		DMEMIT("0");	/* the data start at each leg's sector 0 */
		break;
	case DXM_ST_DAX:
		DMEMIT("%s", dc->dax ? "dax" : "nodax");
		break;
	case DXM_ST_ERROR:
		DMEMIT("%d", atomic_read(&dc->first_error));
		break;
	case DXM_ST_SWEPT:
		/* target 1.1: the progress of the running action */
		swept = dxm_swept(dc);
		if (swept < 0)
			DMEMIT("-");
		else
			DMEMIT("%lld/%llu", swept,
			       (unsigned long long)dc->data_sectors);
		break;
	case DXM_ST_IO_ERRORS:
		/* target 1.3: I/O errors of each leg since the table loaded */
		DMEMIT("%u/%u", (unsigned int)atomic_read(&dc->legs[0].errors),
		       (unsigned int)atomic_read(&dc->legs[1].errors));
		break;
	case DXM_ST_NR:
		break;
	}
	*szp = sz;
}

void dxm_status(struct dm_target *ti, status_type_t type,
		unsigned int status_flags, char *result, unsigned int maxlen)
{
	struct dxm_c *dc = ti->private;
	struct dxm_args *a = &dc->args;
	unsigned int sz = 0, nr_opt;
	int primary = dxm_primary(dc);
	enum dxm_status_field f;
	int i;

	switch (type) {
	case STATUSTYPE_INFO:
		for (f = 0; f < DXM_ST_NR; f++)
			dxm_emit_field(dc, f, primary, result, maxlen, &sz);
		break;
	case STATUSTYPE_TABLE:
		for (i = 0; i < DXM_NR_LEGS; i++) {
			if (i)
				DMEMIT(" ");
			DMEMIT("%s", a->leg_path[i] && dc->legs[i].dev ?
			       dc->legs[i].dev->name : "-");
		}
		nr_opt = 2 * (a->region_given + a->spare_given +
			      a->interval_given + a->sweep_given) +
			 a->no_dax + a->nosync + a->pmd_always + a->grow;
		if (!nr_opt)
			break;
		DMEMIT(" %u", nr_opt);
		if (a->region_given)
			DMEMIT(" " DXM_ARG_REGION_SIZE " %u", a->region_sectors);
		if (a->spare_given)
			DMEMIT(" " DXM_ARG_SPARE_PAGES " %u", a->spare_pages);
		if (a->interval_given)
			DMEMIT(" " DXM_ARG_SYNC_INTERVAL " %u", a->sync_interval_ms);
		if (a->sweep_given)
			DMEMIT(" " DXM_ARG_SWEEP_MAX_KBPS " %u",
			       READ_ONCE(a->sweep_max_kbps));
		if (a->no_dax)
			DMEMIT(" " DXM_ARG_NO_DAX);
		if (a->nosync)
			DMEMIT(" " DXM_ARG_NOSYNC);
		if (a->pmd_always)
			DMEMIT(" " DXM_ARG_PMD_ALWAYS);
		if (a->grow)
			DMEMIT(" " DXM_ARG_GROW);
		break;
	case STATUSTYPE_IMA:
		DMEMIT_TARGET_NAME_VERSION(ti->type);
		DMEMIT(",health=%c%c;", dxm_health(dc, 0, primary),
		       dxm_health(dc, 1, primary));
		break;
	}
}
