// SPDX-License-Identifier: GPL-2.0
/*
 * Constructor argument parsing:
 *   <leg0> <leg1> [<#opt_args> <opt_arg>...]
 * Every refusal sets ti->error to a one-line reason; nothing is touched
 * on the legs here.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include "daxmirror.h"

static int dxm_parse_u32(const char *s, u32 min, u32 max, u32 *out)
{
	unsigned long long v;

	/* kstrtoull refuses junk, signs other than '+', and overflow */
	if (!s || kstrtoull(s, 10, &v))
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* A sweep rate limit in KiB/s (table argument and message). */
int dxm_parse_sweep_kbps(const char *s, u32 *out)
{
	return dxm_parse_u32(s, 0, DXM_MAX_SWEEP_KBPS, out);
}

static int dxm_parse_leg(struct dm_target *ti, const char *s,
			 struct dxm_args *args, int leg)
{
	if (!s || !*s) {
		ti->error = "Missing leg device";
		return -EINVAL;
	}
	if (!strcmp(s, "-")) {
		args->leg_path[leg] = NULL;
		return 0;
	}
	args->leg_path[leg] = kstrdup(s, GFP_KERNEL);
	return args->leg_path[leg] ? 0 : -ENOMEM;
}

static int dxm_parse_opt(struct dm_target *ti, struct dm_arg_set *as,
			 struct dxm_args *args, unsigned int *left)
{
	const char *key = dm_shift_arg(as);
	const char *val;
	u32 v;
	int r;

	(*left)--;
	if (!strcasecmp(key, DXM_ARG_NO_DAX)) {
		if (args->no_dax)
			goto dup;
		args->no_dax = true;
		return 0;
	}
	if (!strcasecmp(key, DXM_ARG_NOSYNC)) {
		if (args->nosync)
			goto dup;
		args->nosync = true;
		return 0;
	}
	if (!strcasecmp(key, DXM_ARG_PMD_ALWAYS)) {
		if (args->pmd_always)
			goto dup;
		args->pmd_always = true;
		return 0;
	}
	if (!strcasecmp(key, DXM_ARG_GROW)) {
		if (args->grow)
			goto dup;
		args->grow = true;
		return 0;
	}
	if (strcasecmp(key, DXM_ARG_REGION_SIZE) && strcasecmp(key, DXM_ARG_SPARE_PAGES) &&
	    strcasecmp(key, DXM_ARG_SYNC_INTERVAL) && strcasecmp(key, DXM_ARG_REBUILD) &&
	    strcasecmp(key, DXM_ARG_SWEEP_MAX_KBPS)) {
		ti->error = "Unknown optional argument";
		return -EINVAL;
	}
	if (!*left) {
		ti->error = "Optional argument is missing its value";
		return -EINVAL;
	}
	val = dm_shift_arg(as);
	(*left)--;

	if (!strcasecmp(key, DXM_ARG_REGION_SIZE)) {
		if (args->region_given)
			goto dup;
		r = dxm_parse_u32(val, DXM_MIN_REGION_SECTORS,
				  DXM_MAX_REGION_SECTORS, &v);
		if (r || !is_power_of_2(v)) {
			ti->error = "Invalid region_size: power of two from "
				__stringify(DXM_MIN_REGION_SECTORS) " to "
				__stringify(DXM_MAX_REGION_SECTORS_NR) " sectors";
			return -EINVAL;
		}
		args->region_sectors = v;
		args->region_given = true;
	} else if (!strcasecmp(key, DXM_ARG_SPARE_PAGES)) {
		if (args->spare_given)
			goto dup;
		if (dxm_parse_u32(val, 0, DXM_MAX_SPARE_PAGES, &v)) {
			ti->error = "Invalid spare_pages: 0 to "
				__stringify(DXM_MAX_SPARE_PAGES_NR);
			return -EINVAL;
		}
		args->spare_pages = v;
		args->spare_given = true;
	} else if (!strcasecmp(key, DXM_ARG_SYNC_INTERVAL)) {
		if (args->interval_given)
			goto dup;
		if (dxm_parse_u32(val, 0, DXM_MAX_SYNC_INTERVAL_MS, &v)) {
			ti->error = "Invalid sync_interval_ms: 0 to "
				__stringify(DXM_MAX_SYNC_INTERVAL_MS_NR);
			return -EINVAL;
		}
		args->sync_interval_ms = v;
		args->interval_given = true;
	} else if (!strcasecmp(key, DXM_ARG_SWEEP_MAX_KBPS)) {
		if (args->sweep_given)
			goto dup;
		if (dxm_parse_sweep_kbps(val, &v)) {
			ti->error = "Invalid sweep_max_kbps: 0 (no limit) to "
				__stringify(DXM_MAX_SWEEP_KBPS_NR) " KiB/s";
			return -EINVAL;
		}
		args->sweep_max_kbps = v;
		args->sweep_given = true;
	} else {
		if (args->rebuild_leg >= 0)
			goto dup;
		if (dxm_parse_u32(val, 0, DXM_NR_LEGS - 1, &v)) {
			ti->error = "Invalid rebuild leg: 0 or 1";
			return -EINVAL;
		}
		args->rebuild_leg = v;
	}
	return 0;
dup:
	ti->error = "Optional argument given twice";
	return -EINVAL;
}

int dxm_parse_args(struct dm_target *ti, unsigned int argc, char **argv,
		   struct dxm_args *args)
{
	static const struct dm_arg opt_count = {
		0, DXM_MAX_OPT_ARGS, "Invalid number of optional arguments (0 to "
		__stringify(DXM_MAX_OPT_ARGS) ")"
	};
	struct dm_arg_set as = { .argc = argc, .argv = argv };
	unsigned int nr_opt;
	int r;

	memset(args, 0, sizeof(*args));
	args->region_sectors = DXM_DEFAULT_REGION_SECTORS;
	args->spare_pages = DXM_DEFAULT_SPARE_PAGES;
	args->sync_interval_ms = DXM_DEFAULT_SYNC_INTERVAL_MS;
	args->rebuild_leg = -1;

	if (argc < 2) {
		ti->error = "Need two legs: <leg0> <leg1> [<#opt_args> <opt_arg>...]";
		return -EINVAL;
	}
	r = dxm_parse_leg(ti, dm_shift_arg(&as), args, 0);
	if (!r)
		r = dxm_parse_leg(ti, dm_shift_arg(&as), args, 1);
	if (r)
		goto fail;
	if (!args->leg_path[0] && !args->leg_path[1]) {
		ti->error = "At least one leg must be given";
		r = -EINVAL;
		goto fail;
	}
	if (args->leg_path[0] && args->leg_path[1] &&
	    !strcmp(args->leg_path[0], args->leg_path[1])) {
		ti->error = "The two legs must be different devices";
		r = -EINVAL;
		goto fail;
	}
	if (!as.argc)
		return 0;

	r = dm_read_arg_group(&opt_count, &as, &nr_opt, &ti->error);
	if (r)
		goto fail;
	while (nr_opt) {
		r = dxm_parse_opt(ti, &as, args, &nr_opt);
		if (r)
			goto fail;
	}
	if (as.argc) {
		ti->error = "Trailing arguments after the optional arguments";
		r = -EINVAL;
		goto fail;
	}
	if (args->rebuild_leg >= 0 && !args->leg_path[args->rebuild_leg]) {
		ti->error = "Cannot rebuild a leg given as '-'";
		r = -EINVAL;
		goto fail;
	}
	if (args->rebuild_leg >= 0 &&
	    !args->leg_path[DXM_NR_LEGS - 1 - args->rebuild_leg]) {
		ti->error = "Cannot rebuild: the other leg is missing";
		r = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	dxm_free_args(args);
	return r;
}

void dxm_free_args(struct dxm_args *args)
{
	int i;

	for (i = 0; i < DXM_NR_LEGS; i++) {
		kfree(args->leg_path[i]);
		args->leg_path[i] = NULL;
	}
}
