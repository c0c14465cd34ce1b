// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror assemble NAME LEG0 LEG1 | --scan [NAME] [--run] | --incremental LEG
 *	| --last-resort UUID [--config FILE]
 * Starts an existing mirror from legs that carry its superblocks.  A
 * leg may be given as '-' (or be missing from the scan); the mirror
 * then only starts with --run, degraded.  --incremental (udev) starts a
 * configured set once both legs are there; while one waits, it arms
 * daxmirror-last-resort@UUID.timer where systemd runs, whose service
 * (--last-resort) starts the set degraded 30 s later if it still is not
 * running: a mirror that lost a leg comes up at boot, as md's arrays do
 * with mdadm-last-resort@.timer.
 */
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "blkid.h"
#include "blockdev.h"
#include "commands.h"
#include "config.h"
#include "dm.h"
#include "errors.h"
#include "mirror_table.h"
#include "options.h"
#include "process.h"
#include "scan.h"
#include "size.h"

namespace dxm {

namespace {

/* The superblock with the most events of a set's legs found. */
const Superblock *freshest(const MirrorSet &set)
{
	const Superblock *sb = nullptr;

	for (const auto &l : set.legs)
		if (l && (!sb || l->sb.events > sb->events))
			sb = &l->sb;
	return sb;
}

/*
 * The name a scan gives a set: the configuration's, else the one its
 * superblock recorded (version 2), else daxmirror-<uuid prefix>.
 */
std::string scan_name(const MirrorSet &set, const ArrayConf *conf)
{
	const Superblock *sb = freshest(set);

	if (conf)
		return conf->name;
	if (sb && sb->records_settings() && !sb->name.empty() &&
	    dm::check_name(sb->name).empty())
		return sb->name;
	return "daxmirror-" + format_uuid(set.uuid).substr(0, 8);
}

/*
 * The table's settings: an ARRAY line gives them all; without one, the
 * superblock's record of how the set last ran (version 2) does.
 */
void settings(TableArgs *ta, const Superblock &sb, const ArrayConf *conf)
{
	if (conf) {
		ta->sync_interval_ms = conf->sync_interval_ms;
		ta->sweep_max_kbps = conf->sweep_max_kbps;
		ta->no_dax = conf->no_dax;
		return;
	}
	if (!sb.records_settings())
		return;
	if (sb.sync_interval_ms != DXM_DEFAULT_SYNC_INTERVAL_MS)
		ta->sync_interval_ms = sb.sync_interval_ms;
	if (sb.options & DXM_SB_O_SWEEP_KBPS)
		ta->sweep_max_kbps = sb.sweep_max_kbps;
	ta->no_dax = sb.options & DXM_SB_O_NO_DAX;
	ta->pmd_always = sb.options & DXM_SB_O_PMD_ALWAYS;
}

/* conf: the set's ARRAY line, whose settings go into the table */
void start(const std::string &name, const MirrorSet &set, bool run,
	   const ArrayConf *conf)
{
	TableArgs ta;
	const Superblock *sb = freshest(set);

	for (int i = 0; i < 2; i++)
		ta.legs[i] = set.legs[i] ? set.legs[i]->device : MISSING_LEG;
	if (!sb)
		throw Error(name, "no leg found");
	if (!set.complete() && !run)
		throw Error(name, "only one leg of set " + format_uuid(set.uuid) +
				  " found; use --run to start degraded");
	if (dm::info(name).exists)
		throw Error(name, "a device-mapper device of this name exists");
	ta.region_sectors = sb->region_sectors;
	ta.spare_pages = sb->spare_pages;
	settings(&ta, *sb, conf);
	dm::require_target(TARGET_NAME, 1);
	create_mirror(name, set.data_sectors, table_params(ta),
		      mirror_dm_uuid(set.uuid));
	for (const auto &n : set.notes)
		fprintf(stderr, "daxmirror assemble: %s: %s\n", name.c_str(),
			n.c_str());
	printf("%s: assembled set %s (%s)%s\n", name.c_str(),
	       format_uuid(set.uuid).c_str(),
	       format_size(set.data_sectors << 9).c_str(),
	       set.complete() ? "" : ", degraded");
}

std::vector<DevId> active_legs()
{
	std::vector<DevId> out;

	for (const auto &n : mirror_devices()) {
		try {
			for (const auto &d : read_state(n).status.dev)
				if (d)
					if (auto id = parse_dev_id(*d))
						out.push_back(*id);
		} catch (const Error &) {
		}
	}
	return out;
}

/* The set uuid as the scan of the legs not in @active finds it, if it does */
std::optional<MirrorSet> inactive_set(const Uuid &uuid,
				      const std::vector<DevId> &active)
{
	for (auto &s : group_sets(scan_legs(active)))
		if (s.uuid == uuid)
			return s;
	return std::nullopt;
}

/*
 * Where systemd runs: start daxmirror-last-resort@UUID.timer (without
 * waiting; starting it again while it runs changes nothing).  Its
 * service runs "assemble --last-resort UUID".
 */
void arm_last_resort(const std::string &uuid)
{
	std::string unit = "daxmirror-last-resort@" + uuid + ".timer";
	struct stat st;
	int r;

	if (stat("/run/systemd/system", &st) || !S_ISDIR(st.st_mode))
		return;		/* systemd is not the init system */
	try {
		r = run_program({ "systemctl", "--no-block", "start", unit });
	} catch (const Error &) {
		r = -1;
	}
	if (r) {
		fprintf(stderr, "daxmirror assemble: warning: cannot start "
			"%s: the set will not start degraded by itself\n",
			unit.c_str());
		return;
	}
	printf("set %s: %s starts it degraded in 30 s unless its other "
	       "leg comes\n", uuid.c_str(), unit.c_str());
}

/*
 * The last resort (daxmirror-last-resort@UUID.service): start the set
 * degraded if the configuration names it, it is not running and a leg
 * of it is there.  Nothing to do is no error.
 */
int last_resort(const Uuid &uuid, const Config &conf)
{
	std::string text = format_uuid(uuid);
	const ArrayConf *a = conf.find(uuid);
	if (!a) {
		printf("set %s is not configured: not started\n",
		       text.c_str());
		return 0;
	}
	if (dm::info(a->name).exists) {
		printf("%s: active already\n", a->name.c_str());
		return 0;
	}
	auto s = inactive_set(uuid, active_legs());
	if (!s) {
		printf("set %s: no inactive leg found: not started\n",
		       text.c_str());
		return 0;
	}
	start(a->name, *s, true, a);
	return 0;
}

/*
 * A leg appeared (udev): start its set once both legs are there, if the
 * configuration names the set (only configured sets start by themselves).
 */
int incremental(const std::string &given, const Config &conf)
{
	BlockDevice d = inspect_device(blkid::resolve_device(given), false);
	auto f = examine_leg(d);

	if (!f || !f->problem.empty())
		throw Error(given, f ? f->problem :
				       "holds no daxmirror superblock");
	std::string uuid = format_uuid(f->sb.set_uuid);
	const ArrayConf *a = conf.find(f->sb.set_uuid);
	if (!a) {
		printf("%s: set %s is not configured: not started\n",
		       given.c_str(), uuid.c_str());
		return 0;
	}
	auto active = active_legs();
	if (std::find(active.begin(), active.end(), d.id) != active.end()) {
		printf("%s: already a leg of an active mirror\n",
		       given.c_str());
		return 0;
	}
	auto s = inactive_set(f->sb.set_uuid, active);
	if (!s)
		throw Error(given, "its set was not found by the scan");
	if (!s->complete()) {
		printf("%s: set %s waits for its other leg\n", given.c_str(),
		       uuid.c_str());
		arm_last_resort(uuid);
		return 0;
	}
	if (dm::info(a->name).exists) {
		printf("%s: %s is active already\n", given.c_str(),
		       a->name.c_str());
		return 0;
	}
	start(a->name, *s, false, a);
	return 0;
}

} // namespace

int cmd_assemble(const Args &args)
{
	CommandLine cl("assemble", "NAME LEG0 LEG1 | --scan [NAME]",
		       "Start an existing mirror from its legs, given or found "
		       "by their superblocks (--scan; each set found is named "
		       "as its ARRAY line in the configuration says, else as "
		       "its superblocks recorded when it last ran, else "
		       "daxmirror-<uuid prefix>, unless one NAME is given).  "
		       "The set's settings (sync_interval_ms, sweep_max_kbps, "
		       "no_dax, pmd_always) go into its table: the ARRAY "
		       "line's if there is one, else those it last ran with.");

	cl.flag("scan", "find the legs by their superblocks")
		.flag("run", "start even if a leg is missing (degraded)")
		.value("incremental", "LEG",
		       "a leg appeared (udev): start its set when both legs "
		       "are there and the configuration names it")
		.value("last-resort", "UUID",
		       "start the configured set UUID degraded unless it "
		       "runs (its systemd timer does this when a leg is "
		       "missing at boot)")
		.value("config", "FILE",
		       "names and settings of sets by UUID (ARRAY lines; "
		       "default /etc/daxmirror.conf)")
		.operands(0, 3);
	if (!cl.parse(args))
		return 0;
	bool run = cl.has("run");
	const Args &ops = cl.args();
	for (size_t i = 0; i < ops.size() && i < 1; i++)
		check_device_name(ops[0]);
	if (cl.has("scan") && ops.size() > 1)
		throw UsageError("'" + ops[1] + "'",
				 "--scan takes at most a NAME");
	auto leg = cl.get("incremental");
	if (leg && (cl.has("scan") || cl.has("run") || !ops.empty()))
		throw UsageError("--incremental",
				 "takes no NAME, --scan or --run");
	auto lr = cl.get("last-resort");
	if (lr && (leg || cl.has("scan") || cl.has("run") || !ops.empty()))
		throw UsageError("--last-resort",
				 "takes no NAME, --scan, --run or "
				 "--incremental");
	Uuid lr_uuid{};
	if (lr && !parse_uuid(*lr, &lr_uuid))
		throw UsageError("--last-resort", "'" + *lr +
				 "' is not a set UUID");
	if (!leg && !lr && !cl.has("scan") && ops.size() != 3)
		throw UsageError("", "expected NAME LEG0 LEG1, or --scan");
	auto conf_path = cl.get("config");
	Config conf = read_config(conf_path.value_or(DEFAULT_CONFIG),
				  conf_path.has_value());
	for (const auto &a : conf.arrays)
		check_device_name(a.name);
	dm::require_driver();
	if (leg)
		return incremental(*leg, conf);
	if (lr)
		return last_resort(lr_uuid, conf);

	if (cl.has("scan")) {
		auto sets = group_sets(scan_legs(active_legs()));
		if (sets.empty())
			throw Error("--scan", "no inactive daxmirror legs found");
		if (!ops.empty() && sets.size() > 1)
			throw Error("--scan", "found " +
					      std::to_string(sets.size()) +
					      " sets; a NAME fits only one");
		int code = 0;
		for (const auto &s : sets) {
			const ArrayConf *a = conf.find(s.uuid);
			std::string name = !ops.empty() ? ops[0] :
							 scan_name(s, a);
			try {
				start(name, s, run, a);
				if (!s.complete())
					code = std::max(code, 1);
			} catch (const Error &e) {
				fprintf(stderr, "daxmirror assemble: %s\n",
					e.what());
				code = EXIT_ERROR;
			}
		}
		return code;
	}
	if (ops.size() != 3)
		throw UsageError("", "expected NAME LEG0 LEG1, or --scan");

	std::vector<FoundLeg> found;
	for (int i = 0; i < 2; i++) {
		const std::string &given = ops[1 + i];
		if (given == MISSING_LEG)
			continue;
		BlockDevice d = inspect_device(blkid::resolve_device(given),
					       false);
		auto f = examine_leg(d);
		if (!f)
			throw Error(given, "holds no daxmirror superblock");
		if (!f->problem.empty())
			throw Error(given, f->problem);
		/* the superblocks say which leg is which, not the order */
		if (f->sb.leg_index != (uint32_t)i)
			fprintf(stderr, "daxmirror assemble: %s: %s is leg %u "
				"of its set, given as leg %d; following its "
				"superblock\n", ops[0].c_str(), given.c_str(),
				f->sb.leg_index, i);
		found.push_back(*f);
	}
	auto sets = group_sets(found);
	if (sets.size() != 1)
		throw Error(ops[1] + " " + ops[2],
			    sets.empty() ? "no leg given" :
					   "the legs belong to different sets");
	start(ops[0], sets[0], run, conf.find(sets[0].uuid));
	return sets[0].complete() ? 0 : 1;
}

} // namespace dxm
