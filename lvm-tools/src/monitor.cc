// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror monitor [NAME...] [--once] [--exec PROGRAM]
 * Watches the event counters of the devices (all daxmirror devices when
 * no NAME is given, including ones that appear later) and prints one
 * JSON object per line per event.  --exec runs PROGRAM DEVICE EVENT per
 * event with the JSON on its stdin.  --once prints the current state of
 * each device as one "state" event and exits with the worst health.
 */
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "commands.h"
#include "dm.h"
#include "errors.h"
#include "events.h"
#include "options.h"

namespace dxm {

namespace {

void run_program(const std::string &prog, const nlohmann::json &ev)
{
	std::string text = ev.dump() + "\n";
	int fds[2];
	pid_t pid;

	if (access(prog.c_str(), X_OK))
		return;	/* like mdadm: no handler, no action */
	if (pipe(fds))
		throw_errno(prog, "pipe", errno);
	pid = fork();
	if (pid < 0)
		throw_errno(prog, "fork", errno);
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		std::string dev = ev["device"], e = ev["event"];
		execl(prog.c_str(), prog.c_str(), dev.c_str(), e.c_str(),
		      (char *)nullptr);
		_exit(127);
	}
	close(fds[0]);
	ssize_t n = write(fds[1], text.data(), text.size());
	(void)n;
	close(fds[1]);
	int st;
	waitpid(pid, &st, 0);
}

struct Watched {
	uint32_t event_nr = 0;
	MirrorStatus status;
};

} // namespace

int cmd_monitor(const Args &args)
{
	CommandLine cl("monitor", "[NAME...]",
		       "Print one JSON object per line for every event of the "
		       "named daxmirror devices (all of them without a NAME).");

	cl.flag("once", "print the current state of each device and exit")
		.value("exec", "PROGRAM",
		       "run PROGRAM DEVICE EVENT for each event, the JSON on "
		       "its stdin")
		.operands(0, 1024);
	if (!cl.parse(args))
		return 0;
	for (const auto &n : cl.args())
		check_device_name(n);
	auto prog = cl.get("exec");
	auto names = [&] {
		return cl.args().empty() ? mirror_devices() : cl.args();
	};
	auto emit = [&](const nlohmann::json &ev) {
		out(ev.dump() + "\n");
		fflush(stdout);
		if (ferror(stdout))
			throw Error("standard output", "write failed");
		if (prog)
			run_program(*prog, ev);
	};

	if (cl.has("once")) {
		int code = 0;
		for (const auto &n : names()) {
			MirrorState st = read_state(n);
			code = std::max(code, status_exit_code(st.status));
			emit(make_event(utc_timestamp(), n, "state",
					st.event_nr, {}, std::nullopt,
					st.status));
		}
		return code;
	}

	std::map<std::string, Watched> seen;
	bool first = true;
	for (;;) {
		std::map<std::string, Watched> now;
		for (const auto &n : names()) {
			try {
				MirrorState st = read_state(n);
				now[n] = { st.event_nr, st.status };
			} catch (const Error &) {
				/* gone, or not (yet) a daxmirror device */
			}
		}
		for (const auto &[n, w] : now) {
			auto it = seen.find(n);
			if (it == seen.end()) {
				if (!first)
					emit(make_event(utc_timestamp(), n,
							"added", w.event_nr, {},
							std::nullopt, w.status));
				continue;
			}
			auto ch = changed_fields(it->second.status, w.status);
			if (w.event_nr != it->second.event_nr || !ch.empty())
				emit(make_event(utc_timestamp(), n, "change",
						w.event_nr, ch,
						it->second.status, w.status));
		}
		for (const auto &[n, w] : seen)
			if (!now.count(n))
				emit(make_event(utc_timestamp(), n, "removed",
						w.event_nr, {}, w.status,
						std::nullopt));
		seen = std::move(now);
		first = false;
		std::this_thread::sleep_for(std::chrono::milliseconds(500));
	}
}

} // namespace dxm
