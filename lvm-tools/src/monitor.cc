// SPDX-License-Identifier: GPL-2.0
/*
 * daxmirror monitor [NAME...] [--once] [--test] [--exec PROGRAM]
 * Watches the event counters of the devices (all daxmirror devices when
 * no NAME is given, including ones that appear later) and prints one
 * JSON object per line per event.  --exec runs PROGRAM DEVICE KIND per
 * kind of each event with the JSON on its stdin.  --once prints the
 * current state of each device as one "state" event and exits with the
 * worst health; --test adds one "test" event (TestMessage) per device.
 * One loop: it wakes at once on any device-mapper event (DM_DEV_ARM_POLL
 * and poll() on a control file) and looks at every device, so that a
 * change shows before the next one can fold it into a single event; a
 * one-second timeout is the safety net (500 ms polling without the
 * control file).  Each event names its kinds (events.h); handlers run
 * once per kind through posix_spawn, with a time limit.
 */
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <thread>

#include "commands.h"
#include "errors.h"
#include "events.h"
#include "jsondoc.h"
#include "options.h"

extern char **environ;

namespace dxm {

namespace {

/* A handler that has not finished after this long is killed. */
constexpr auto HANDLER_LIMIT = std::chrono::seconds(30);

void warn(const std::string &what)
{
	fflush(stdout);
	fprintf(stderr, "daxmirror monitor: warning: %s\n", what.c_str());
}

/*
 * Runs PROGRAM DEVICE KIND with the event JSON on its stdin (posix_spawn:
 * no fork of this process), killed after HANDLER_LIMIT.
 */
void run_handler(const std::string &prog, const std::string &kind,
		 const nlohmann::ordered_json &ev)
{
	std::string text = ev.dump() + "\n", dev = ev["device"];
	posix_spawn_file_actions_t fa;
	int fds[2], st, r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return warn(prog + ": pipe: " + strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	const char *argv[] = { prog.c_str(), dev.c_str(), kind.c_str(),
			       nullptr };
	r = posix_spawn(&pid, prog.c_str(), &fa, nullptr,
			const_cast<char *const *>(argv), environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (r) {
		close(fds[1]);
		return warn(prog + ": cannot run it: " + strerror(r));
	}
	/* a handler that does not read its stdin must not block us */
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	ssize_t n = write(fds[1], text.data(), text.size());
	(void)n;
	close(fds[1]);
	auto until = std::chrono::steady_clock::now() + HANDLER_LIMIT;
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (std::chrono::steady_clock::now() > until) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return warn(prog + " " + dev + " " + kind +
				    ": still running after 30 s, killed");
		}
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
}

/*
 * Wakes on any device-mapper event (DM_DEV_ARM_POLL on a control file:
 * poll() reports POLLIN once the global event counter moved past the
 * armed value): one wait for every device, no thread per device.
 */
class DmEvents {
public:
	DmEvents() : fd_(open("/dev/mapper/control", O_RDWR | O_CLOEXEC))
	{
		if (fd_ >= 0 && !arm()) {
			close(fd_);
			fd_ = -1;
		}
	}
	~DmEvents()
	{
		if (fd_ >= 0)
			close(fd_);
	}
	DmEvents(const DmEvents &) = delete;
	DmEvents &operator=(const DmEvents &) = delete;

	/* Before looking at the devices: events from now on wake us. */
	bool arm()
	{
		struct dm_ioctl io;

		memset(&io, 0, sizeof(io));
		io.version[0] = DM_VERSION_MAJOR;
		io.data_size = sizeof(io);
		io.data_start = sizeof(io);
		return fd_ >= 0 && !ioctl(fd_, DM_DEV_ARM_POLL, &io);
	}

	/* Sleeps until an event or the timeout. */
	void wait(int timeout_ms)
	{
		struct pollfd p = { fd_, POLLIN, 0 };

		if (fd_ < 0 || poll(&p, 1, timeout_ms) < 0)
			std::this_thread::sleep_for(
				std::chrono::milliseconds(timeout_ms));
	}

	bool armed() const { return fd_ >= 0; }

private:
	int fd_;
};

} // namespace

int cmd_monitor(const Args &args)
{
	CommandLine cl("monitor", "[NAME...]",
		       "Print one JSON object per line for every event of the "
		       "named daxmirror devices (all of them without a NAME), "
		       "with the kinds a handler can switch on (Fail, "
		       "DegradedArray, RebuildStarted, ...).  Devices already "
		       "degraded are reported at start-up.");

	cl.flag("once", "print the current state of each device and exit")
		.flag("test", "report one TestMessage event per device at "
			      "start-up")
		.value("exec", "PROGRAM",
		       "run PROGRAM DEVICE KIND for each kind of each event "
		       "(killed after 30 s), the JSON on its stdin")
		.operands(0, 1024);
	if (!cl.parse(args))
		return 0;
	for (const auto &n : cl.args())
		check_device_name(n);
	auto prog = cl.get("exec");
	if (prog && access(prog->c_str(), X_OK)) {
		warn(*prog + " is not executable (" + strerror(errno) +
		     "); events are printed only");
		prog.reset();
	}
	auto names = [&] {
		return cl.args().empty() ? mirror_devices() : cl.args();
	};
	auto emit = [&](const nlohmann::json &body) {
		nlohmann::ordered_json ev = json_document("event", body);

		out(ev.dump() + "\n");
		fflush(stdout);
		if (ferror(stdout))
			throw Error("standard output", "write failed");
		if (!prog)
			return;
		if (ev["kinds"].empty())
			run_handler(*prog, ev["event"], ev);
		for (const auto &k : ev["kinds"])
			run_handler(*prog, k, ev);
	};
	auto read_all = [&](bool first) {
		std::map<std::string, MirrorState> now;

		for (const auto &n : names()) {
			try {
				now[n] = read_state(n);
			} catch (const Error &e) {
				/* gone, or not (yet) a daxmirror device */
				if (first && !cl.args().empty())
					warn(n + ": " + e.reason() +
					     "; watching for it");
			}
		}
		return now;
	};

	if (cl.has("once")) {
		int code = 0;
		for (const auto &[n, st] : read_all(false)) {
			code = std::max(code, status_exit_code(st.status));
			if (cl.has("test"))
				emit(make_event(utc_timestamp(), n, "test",
						st.event_nr, {}, std::nullopt,
						st.status));
			emit(make_event(utc_timestamp(), n, "state",
					st.event_nr, {}, std::nullopt,
					st.status));
		}
		return code;
	}

	DmEvents dm_events;
	std::map<std::string, MirrorState> seen;
	bool first = true;
	for (;;) {
		dm_events.arm();
		auto now = read_all(first);
		for (const auto &[n, w] : now) {
			auto it = seen.find(n);
			if (first && cl.has("test"))
				emit(make_event(utc_timestamp(), n, "test",
						w.event_nr, {}, std::nullopt,
						w.status));
			if (first) {
				/* like mdadm: a set degraded already */
				if (status_exit_code(w.status))
					emit(make_event(utc_timestamp(), n,
							"state", w.event_nr,
							{}, std::nullopt,
							w.status));
				continue;
			}
			if (it == seen.end()) {
				emit(make_event(utc_timestamp(), n, "added",
						w.event_nr, {}, std::nullopt,
						w.status));
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
		/* device-mapper events wake us; the timeout is a safety net */
		dm_events.wait(dm_events.armed() ? 1000 : 500);
	}
}

} // namespace dxm
