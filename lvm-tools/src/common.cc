// SPDX-License-Identifier: GPL-2.0
/* What the commands share; see commands.h. */
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "blockdev.h"
#include "commands.h"
#include "dm.h"
#include "errors.h"
#include "faildomain.h"
#include "kmsg.h"
#include "mirror_table.h"
#include "progress.h"
#include "scan.h"
#include "superblock.h"

namespace dxm {

std::string mirror_dm_uuid(const Uuid &set)
{
	return "DAXMIRROR-" + format_uuid(set);
}

void create_mirror(const std::string &name, uint64_t len,
		   const std::string &params, const std::string &dm_uuid)
{
	KernelLog log;

	try {
		dm::create(name, { { 0, len, TARGET_NAME, params } }, dm_uuid);
	} catch (const dm::ActivationError &e) {
		std::string why = log.reason({ "daxmirror" });

		throw Error(name, "activating the mirror failed: " +
				  (why.empty() ? e.reason() : why) +
				  (e.removed() ? "; the device was removed" :
				   "; removing the device failed too (dmsetup "
				   "remove " + name + ")"));
	} catch (const dm::DmError &) {
		std::string why = log.last({ "daxmirror" });

		if (why.empty())
			throw;
		throw Error(name, "the kernel refused the table: " + why);
	}
}

void warn_shared_domain(const char *cmd, const FailureDomain &leg0,
			const FailureDomain &leg1)
{
	std::string what = shared_part(leg0, leg1);

	if (!what.empty())
		fprintf(stderr, "daxmirror %s: warning: legs 0 and 1 share %s: "
			"one hardware failure loses both copies\n", cmd,
			what.c_str());
}

void check_device_name(const std::string &name)
{
	std::string why = dm::check_name(name);

	if (!why.empty())
		throw UsageError("'" + name + "'", why);
}

static dm::Target mirror_target(const std::vector<dm::Target> &tt,
				const std::string &name)
{
	if (tt.size() != 1 || tt[0].type != TARGET_NAME)
		throw Error(name, "not a daxmirror device");
	return tt[0];
}

MirrorState read_state(const std::string &name)
{
	MirrorState st;
	dm::Info i = dm::info(name);

	if (!i.exists)
		throw Error(name, "no such device-mapper device");
	if (!i.live_table)
		throw Error(name, "has no active table");
	dm::Target t = mirror_target(dm::status(name), name);
	st.len = t.length;
	st.event_nr = i.event_nr;
	try {
		st.status = parse_status(t.params);
	} catch (const StatusParseError &e) {
		throw Error(name, std::string("unexpected status from the "
					      "kernel: ") + e.what());
	}
	return st;
}

std::string read_table_params(const std::string &name)
{
	return mirror_target(dm::table(name), name).params;
}

DeviceReport read_report(const std::string &name)
{
	MirrorState st = read_state(name);
	DeviceReport r = make_report(name, st.len, st.status);

	for (auto &leg : r.legs) {
		if (!leg.maj_min)
			continue;
		auto id = parse_dev_id(*leg.maj_min);
		if (!id)
			continue;
		leg.device = device_path(*id);
		set_leg_badblocks(leg, read_badblocks(*id));
		if (r.uuid || !leg.device)
			continue;
		try {
			BlockDevice d = inspect_device(*leg.device, false);
			auto b = read_superblock_block(d.path, d.sectors);
			SbDecode dec = decode_superblock(b);
			if (dec.kind == SbKind::Valid)
				r.uuid = format_uuid(dec.sb.set_uuid);
		} catch (const Error &) {
			/* the UUID is optional */
		}
	}
	return r;
}

std::vector<std::string> mirror_devices()
{
	return dm::list_devices_of_type(TARGET_NAME);
}

void send_message(const std::string &name, const std::string &msg)
{
	KernelLog log;

	read_state(name);
	try {
		dm::message(name, 0, msg);
	} catch (const dm::DmError &e) {
		std::string why = log.last({ "daxmirror" });

		if (why.empty())
			throw;
		throw Error(name, "message '" + msg + "' refused: " + why);
	}
}

int status_exit_code(const MirrorStatus &s)
{
	return exit_code(assess(s).health);
}

int wait_idle(const std::string &name, const std::string &label,
	      bool legs_in_sync)
{
	using clock = std::chrono::steady_clock;
	ProgressDisplay bar(stdout);
	RateMeter meter;
	auto start = clock::now();
	unsigned tick = 0;

	for (;;) {
		MirrorStatus s = read_state(name).status;
		double t = std::chrono::duration<double>(clock::now() - start)
				   .count();
		bool syncing = s.health.find('a') != std::string::npos;
		bool dead = s.health.find('D') != std::string::npos;

		if (s.action == "idle" &&
		    (!legs_in_sync || !syncing || dead)) {
			bar.finish();
			return status_exit_code(s);
		}
		if (s.action == "resync" || s.action == "rebuild") {
			meter.sample(t, s.in_sync);
			bar.draw(progress_line(label, s.in_sync, s.total,
					       meter.rate(),
					       meter.eta(s.in_sync, s.total),
					       bar.width()));
		} else if (s.sweep) {
			/* a scrub: how far it went (target 1.1) */
			uint64_t done = s.sweep->first, all = s.sweep->second;

			meter.sample(t, done);
			bar.draw(progress_line(label + " (" +
					       std::to_string(s.mismatches) +
					       " mismatched sectors)",
					       done, all, meter.rate(),
					       meter.eta(done, all),
					       bar.width()));
		} else {
			bar.draw(spinner_line(label, tick++, t,
					      s.action + ", " +
						      std::to_string(s.mismatches) +
						      " mismatched sectors",
					      bar.width()));
		}
		std::this_thread::sleep_for(std::chrono::milliseconds(250));
	}
}

void out(const std::string &text)
{
	fputs(text.c_str(), stdout);
}

LiveTable read_live_table(const std::string &name)
{
	LiveTable lt;

	lt.st = read_state(name);
	lt.params = read_table_params(name);
	try {
		lt.ta = parse_table_params(lt.params);
	} catch (const std::invalid_argument &e) {
		throw Error(name, std::string("unexpected table from the "
					      "kernel: ") + e.what());
	}
	return lt;
}

FoundLeg live_leg(const MirrorState &st, int leg, const std::string &name)
{
	auto kname = majmin_kernel_name(st.status.dev[leg]);

	if (!kname)
		throw Error(name, "cannot find the device of leg " +
				  std::to_string(leg));
	auto f = examine_leg(inspect_device("/dev/" + *kname, false));
	if (!f || !f->problem.empty())
		throw Error(name, "leg " + std::to_string(leg) +
				  " holds no valid superblock");
	return *f;
}

} // namespace dxm
