// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror monitor [NAME...] [--once] [--exec PROGRAM]
 * Watches the event counters of the devices (all daxmirror devices when
 * no NAME is given, including ones that appear later) and prints one
 * JSON object per line per event.  --exec runs PROGRAM DEVICE EVENT per
 * event with the JSON on its stdin.  --once prints the current state of
 * each device as one "state" event and exits with the worst health.
 * The loop polls every 500 ms and also wakes at once on a device-mapper
 * event (one thread per device waits in DM_DEV_WAIT), so that a change
 * shows before the next one can fold it into a single event.
 */
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <system_error>
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

/*
 * Wakes the monitor loop on device-mapper events: one detached thread
 * per device blocks in dm::wait_event and sets the flag; it ends when
 * the device goes away (the kernel wakes waiters on removal).  Shared,
 * so that the threads never outlive what they touch.
 */
struct Wakeup {
	std::mutex lock;
	std::condition_variable cv;
	bool pending = false;
	std::set<std::string> waiting;

	void ring()
	{
		{
			std::lock_guard<std::mutex> g(lock);
			pending = true;
		}
		cv.notify_one();
	}

	/* Sleeps until an event or the timeout. */
	void sleep(std::chrono::milliseconds timeout)
	{
		std::unique_lock<std::mutex> g(lock);
		cv.wait_for(g, timeout, [this] { return pending; });
		pending = false;
	}
};

void watch_events(const std::shared_ptr<Wakeup> &w, const std::string &name,
		  uint32_t event_nr)
{
	{
		std::lock_guard<std::mutex> g(w->lock);
		if (!w->waiting.insert(name).second)
			return;
	}
	try {
		std::thread([w, name, event_nr]() mutable {
			try {
				for (;;) {
					event_nr = dm::wait_event(name, event_nr)
							   .event_nr;
					w->ring();
				}
			} catch (...) {
				/* gone: the poll reports it */
			}
			{
				std::lock_guard<std::mutex> g(w->lock);
				w->waiting.erase(name);
			}
			w->ring();
		}).detach();
	} catch (const std::system_error &) {
		/* no thread: polling alone still works */
		std::lock_guard<std::mutex> g(w->lock);
		w->waiting.erase(name);
	}
}

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
	auto wakeup = std::make_shared<Wakeup>();
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
		for (const auto &[n, w] : now)
			watch_events(wakeup, n, w.event_nr);
		seen = std::move(now);
		first = false;
		wakeup->sleep(std::chrono::milliseconds(500));
	}
}

} // namespace dxm
