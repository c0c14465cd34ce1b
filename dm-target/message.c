// SPDX-License-Identifier: GPL-2.0
/*
 * Target messages ("dmsetup message"): flush [sector count], fail,
 * rebuild, check, repair, idle, rescan, sweep_max_kbps; the syntax is
 * in docs/dm-daxmirror.rst.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include "daxmirror.h"

static int dxm_parse_sector(const char *s, sector_t *out)
{
	unsigned long long v;

	if (kstrtoull(s, 10, &v))	/* junk and overflow refused */
		return -EINVAL;
	*out = v;
	return 0;
}

static int dxm_parse_leg_arg(struct dxm_c *dc, const char *s, int *leg)
{
	unsigned int v;

	if (kstrtouint(s, 10, &v) || v >= DXM_NR_LEGS) {
		DMERR("%s: invalid leg number '%s' (0 or 1)", dxm_name(dc), s);
		return -EINVAL;
	}
	*leg = v;
	return 0;
}

static int dxm_msg_flush(struct dxm_c *dc, unsigned int argc, char **argv)
{
	sector_t start = 0, nr = dc->data_sectors;
	int r;

	if (argc != 1 && argc != 3) {
		DMERR("%s: usage: flush [<sector> <nr_sectors>]", dxm_name(dc));
		return -EINVAL;
	}
	if (argc == 3) {
		if (dxm_parse_sector(argv[1], &start) ||
		    dxm_parse_sector(argv[2], &nr) || !nr ||
		    start >= dc->ti->len || nr > dc->ti->len - start) {
			DMERR("%s: flush: range %s+%s is invalid or beyond the device",
			      dxm_name(dc), argv[1], argv[2]);
			return -EINVAL;
		}
	}
	r = dxm_sync_hot(dc, dxm_region(dc, start),
			 dxm_region(dc, start + nr - 1), argc == 3);
	if (!r)
		r = dxm_flush_legs(dc);
	return r;
}

static int dxm_msg_rebuild(struct dxm_c *dc, int leg)
{
	int other = dxm_other(dc, leg);
	bool was_primary;
	unsigned int gen = 0;

	if (!dxm_leg_alive(dc, leg) || !dxm_leg_alive(dc, other) ||
	    dc->legs[other].stale) {
		DMERR("%s: rebuild %d: needs both legs alive and leg %d in sync",
		      dxm_name(dc), leg, other);
		return -EINVAL;
	}
	if (READ_ONCE(dc->sweep.action) != DXM_IDLE) {
		DMERR("%s: rebuild: another action is running", dxm_name(dc));
		return -EBUSY;
	}
	/*
	 * The primary stops being the primary: like "fail", copy what only
	 * it holds (unflushed DAX stores) while no page of it is handed
	 * out, then unmap its pages so that processes fault in the other
	 * leg's, before the rebuild starts overwriting it.
	 */
	down_write(&dc->failover.sem);
	was_primary = leg == dxm_primary(dc);
	if (was_primary)
		dxm_failover_sync(dc);
	mutex_lock(&dc->sync_mutex);
	if (dc->dax && was_primary)
		gen = dxm_hold_walk_start(dc);	/* before the switch */
	dc->legs[leg].stale = true;
	dc->legs[leg].readd = false;	/* asked for in full */
	dc->sweep.cursor = 0;
	if (dc->dax && was_primary)
		dxm_unmap_all(dc, leg);
	dxm_write_superblocks(dc);
	dxm_start_action(dc, DXM_REBUILD, leg);
	mutex_unlock(&dc->sync_mutex);
	up_write(&dc->failover.sem);
	if (was_primary)
		dxm_forget_leg(dc, leg, gen);
	return 0;
}

static int dxm_msg_fail(struct dxm_c *dc, int leg)
{
	int other = dxm_other(dc, leg);
	bool was_primary;

	if (!dxm_leg_alive(dc, leg))
		return 0;
	if (!dxm_leg_alive(dc, other) || dc->legs[other].stale) {
		DMERR("%s: fail %d: refused, leg %d holds the only good copy",
		      dxm_name(dc), leg, leg);
		return -EINVAL;
	}
	down_write(&dc->failover.sem);
	was_primary = leg == dxm_primary(dc);
	if (was_primary)
		dxm_failover_sync(dc);	/* what only the primary holds */
	mutex_lock(&dc->sync_mutex);
	dxm_fail_leg(dc, leg, 0, "failed by message");
	/*
	 * Unmap its pages before the other leg's are handed out: a write
	 * fault on a read-only mapping of one (msync made it so) would get
	 * the other leg's page for a PTE that maps this one, which the fault
	 * refuses (a WARN in insert_pfn()/insert_page(), then SIGBUS).
	 */
	if (dc->dax && was_primary)
		dxm_unmap_all(dc, leg);
	mutex_unlock(&dc->sync_mutex);
	up_write(&dc->failover.sem);
	return 0;
}

static int dxm_msg_scrub(struct dxm_c *dc, enum dxm_action act)
{
	int p = dxm_primary(dc);

	if (p < 0 || !dxm_leg_alive(dc, dxm_other(dc, p)) ||
	    dc->legs[dxm_other(dc, p)].stale) {
		DMERR("%s: check/repair needs two in-sync legs", dxm_name(dc));
		return -EINVAL;
	}
	if (READ_ONCE(dc->sweep.action) != DXM_IDLE) {
		DMERR("%s: check/repair: another action is running",
		      dxm_name(dc));
		return -EBUSY;
	}
	dxm_start_action(dc, act, dxm_other(dc, p));
	return 0;
}

/*
 * "sweep_max_kbps N": the sweeps' rate limit of this mirror from now on
 * (0: none), shown in the table line so that a reload keeps it.  A sweep
 * waiting out the old limit goes on at once.
 */
static int dxm_msg_sweep_rate(struct dxm_c *dc, const char *val)
{
	u32 v;

	if (dxm_parse_sweep_kbps(val, &v)) {
		DMERR("%s: sweep_max_kbps '%s' refused: 0 (no limit) to %u KiB/s",
		      dxm_name(dc), val, DXM_MAX_SWEEP_KBPS);
		return -EINVAL;
	}
	WRITE_ONCE(dc->args.sweep_max_kbps, v);
	WRITE_ONCE(dc->args.sweep_given, true);
	if (!dc->suspended)
		mod_delayed_work(dc->sync_wq, &dc->sweep.work, 0);
	return 0;
}

int dxm_message(struct dm_target *ti, unsigned int argc, char **argv,
		char *result, unsigned int maxlen)
{
	struct dxm_c *dc = ti->private;
	enum dxm_action act;
	int leg;

	if (!argc)
		return -EINVAL;
	if (!dc->activated) {
		/* its legs may be unformatted, its state is not loaded */
		DMERR("%s: message '%s' refused: the table was never activated",
		      dxm_name(dc), argv[0]);
		return -EINVAL;
	}
	if (!strcasecmp(argv[0], "flush"))
		return dxm_msg_flush(dc, argc, argv);
	if (!strcasecmp(argv[0], "rescan") && argc == 1)
		return dxm_rescan(dc);
	if ((!strcasecmp(argv[0], "check") || !strcasecmp(argv[0], "repair")) &&
	    argc == 1)
		return dxm_msg_scrub(dc, !strcasecmp(argv[0], "check") ?
				     DXM_CHECK : DXM_REPAIR);
	if (!strcasecmp(argv[0], "sweep_max_kbps") && argc == 2)
		return dxm_msg_sweep_rate(dc, argv[1]);
	if (!strcasecmp(argv[0], "idle") && argc == 1) {
		act = READ_ONCE(dc->sweep.action);
		if (act == DXM_CHECK || act == DXM_REPAIR)
			dxm_stop_action(dc);
		return 0;
	}
	if ((!strcasecmp(argv[0], "rebuild") || !strcasecmp(argv[0], "fail")) &&
	    argc == 2) {
		if (dxm_parse_leg_arg(dc, argv[1], &leg))
			return -EINVAL;
		return argv[0][0] == 'r' || argv[0][0] == 'R' ?
		       dxm_msg_rebuild(dc, leg) : dxm_msg_fail(dc, leg);
	}
	DMERR("%s: unknown or malformed message '%s' (%u argument%s)",
	      dxm_name(dc), argv[0], argc, argc == 1 ? "" : "s");
	return -EINVAL;
}
