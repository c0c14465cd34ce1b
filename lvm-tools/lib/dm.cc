// SPDX-License-Identifier: GPL-2.0
#include "dm.h"

#include <libdevmapper.h>
#include <linux/dm-ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <memory>
#include <mutex>

namespace dxm::dm {

namespace {

/* libdevmapper log levels (libdevmapper.h keeps them private) */
constexpr int LOG_LEVEL_MASK = 7;
constexpr int LOG_LEVEL_ERR = 3;

/* messages of the current task, per thread */
thread_local std::vector<std::string> captured;

void capture_log(int level, const char *, int, int, const char *f, ...)
	__attribute__((format(printf, 5, 6)));

void capture_log(int level, const char *, int, int, const char *f, ...)
{
	char buf[1024];
	va_list ap;

	if ((level & LOG_LEVEL_MASK) > LOG_LEVEL_ERR)
		return;
	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	captured.emplace_back(buf);
}

std::mutex lock;	/* serialises libdevmapper calls */
bool udev_ok;

void setup_once()
{
	static std::once_flag once;

	std::call_once(once, [] {
		dm_log_with_errno_init(capture_log);
		if (access("/run/udev/control", F_OK))
			dm_udev_set_sync_support(0);
		udev_ok = dm_udev_get_sync_support() == 1;
	});
}

struct TaskFree {
	void operator()(struct dm_task *t) const { dm_task_destroy(t); }
};

class Task {
public:
	Task(int type, std::string verb) : verb_(std::move(verb))
	{
		setup_once();
		captured.clear();
		t_.reset(dm_task_create(type));
		if (!t_)
			throw DmError("device-mapper", verb_ +
					      ": cannot create a task", ENOMEM);
	}

	struct dm_task *get() { return t_.get(); }

	void name(const std::string &n)
	{
		name_ = n;
		if (!dm_task_set_name(t_.get(), n.c_str()))
			fail();
	}

	void add(const std::vector<Target> &table)
	{
		for (const auto &t : table)
			if (!dm_task_add_target(t_.get(), t.start, t.length,
						t.type.c_str(),
						t.params.c_str()))
				fail();
	}

	bool run()
	{
		captured.clear();
		return dm_task_run(t_.get()) == 1;
	}

	int err() { return dm_task_get_errno(t_.get()); }

	[[noreturn]] void fail()
	{
		int e = err();
		std::string why = e ? errno_string(e)
				    : captured.empty() ? "failed"
						       : captured.front();

		if (e == ENXIO && !name_.empty())
			why = "no such device-mapper device";
		throw DmError(name_.empty() ? "device-mapper" : name_,
			      verb_ + ": " + why, e);
	}

	void run_or_fail()
	{
		if (!run())
			fail();
	}

	Info get_info()
	{
		struct dm_info i;
		Info out;
		const char *uuid, *nm;

		if (!dm_task_get_info(t_.get(), &i))
			fail();
		out.exists = i.exists;
		if (!i.exists)
			return out;
		out.suspended = i.suspended;
		out.live_table = i.live_table;
		out.inactive_table = i.inactive_table;
		out.read_only = i.read_only;
		out.open_count = i.open_count;
		out.target_count = i.target_count;
		out.event_nr = i.event_nr;
		out.dev = { i.major, i.minor };
		nm = dm_task_get_name(t_.get());
		uuid = dm_task_get_uuid(t_.get());
		out.name = nm ? nm : name_;
		out.uuid = uuid ? uuid : "";
		return out;
	}

private:
	std::unique_ptr<struct dm_task, TaskFree> t_;
	std::string verb_;
	std::string name_;
};

/* A udev cookie, only when udev sync is on; waited for exactly once. */
class UdevCookie {
public:
	void attach(Task &t)
	{
		if (!udev_ok)
			return;
		if (!dm_task_set_cookie(t.get(), &cookie_, 0))
			t.fail();
		armed_ = true;
	}

	void wait()
	{
		if (armed_) {
			armed_ = false;
			dm_udev_wait(cookie_);
		}
	}

	~UdevCookie() { wait(); }

private:
	uint32_t cookie_ = 0;
	bool armed_ = false;
};

/* Runs @t and waits until udev has handled its event; whether it ran. */
static bool run_synced(Task &t)
{
	UdevCookie c;

	c.attach(t);
	bool ok = t.run();
	c.wait();
	return ok;
}

/* Without udev, libdevmapper makes or removes the /dev/mapper node. */
void update_nodes(const std::string &name)
{
	if (udev_ok)
		return;
	if (name.empty())
		dm_task_update_nodes();
	else
		dm_mknodes(name.c_str());
	captured.clear();
}

std::vector<Target> targets(Task &t)
{
	std::vector<Target> out;
	void *next = nullptr;

	do {
		uint64_t start = 0, length = 0;
		char *type = nullptr, *params = nullptr;

		next = dm_get_next_target(t.get(), next, &start, &length, &type,
					  &params);
		if (type)
			out.push_back({ start, length, type,
					params ? params : "" });
	} while (next);
	return out;
}

std::vector<Target> query(const std::string &name, int type, const char *verb)
{
	std::lock_guard<std::mutex> g(lock);
	Task t(type, verb);

	t.name(name);
	dm_task_no_open_count(t.get());
	t.run_or_fail();
	if (!t.get_info().exists)
		throw DmError(name, std::string(verb) +
				    ": no such device-mapper device", ENXIO);
	return targets(t);
}

std::optional<Version> find_version(Task &t, const std::string &type)
{
	struct dm_versions *v = dm_task_get_versions(t.get());
	uint32_t next;

	if (!v)
		return std::nullopt;
	do {
		if (type == v->name)
			return Version{ v->version[0], v->version[1],
					v->version[2] };
		next = v->next;
		v = reinterpret_cast<struct dm_versions *>(
			reinterpret_cast<char *>(v) + next);
	} while (next);
	return std::nullopt;
}

} // namespace

std::string Version::str() const
{
	return std::to_string(major) + "." + std::to_string(minor) + "." +
	       std::to_string(patch);
}

bool udev_sync()
{
	setup_once();
	return udev_ok;
}

void require_driver()
{
	static bool ok;
	std::lock_guard<std::mutex> g(lock);
	char buf[64];

	if (ok)
		return;
	setup_once();
	captured.clear();
	if (dm_driver_version(buf, sizeof(buf)) == 1) {
		ok = true;
		return;
	}
	std::string why = "the kernel driver is not available";
	if (!captured.empty())
		why += " (" + captured.front() + ")";
	throw DmError("device-mapper", why + "; is dm-mod loaded?", ENODEV);
}

std::optional<Version> target_version(const std::string &type)
{
	require_driver();
	std::lock_guard<std::mutex> g(lock);
	{
		Task t(DM_DEVICE_LIST_VERSIONS, "listing target versions");

		t.run_or_fail();
		if (auto v = find_version(t, type))
			return v;
	}
	/* not loaded yet: this ioctl makes the kernel load the module */
	Task t(DM_DEVICE_GET_TARGET_VERSION, "getting the target version");
	if (!dm_task_set_name(t.get(), type.c_str()) || !t.run())
		return std::nullopt;
	return find_version(t, type);
}

Version require_target(const std::string &type, uint32_t major)
{
	auto v = target_version(type);

	if (!v)
		throw DmError("target " + type,
			      "not available in this kernel; load it with "
			      "'modprobe dm-" + type + "'", ENOENT);
	if (v->major != major)
		throw DmError("target " + type,
			      "version " + v->str() + " is not supported (this "
			      "tool speaks version " + std::to_string(major) +
			      ".x)", ENOTSUP);
	return *v;
}

Info info(const std::string &name)
{
	require_driver();
	std::lock_guard<std::mutex> g(lock);
	Task t(DM_DEVICE_INFO, "getting device info");

	t.name(name);
	t.run_or_fail();
	return t.get_info();
}

/* Remove a device create() made (lock held); whether it is gone. */
static bool remove_created(const std::string &name)
{
	Task rm(DM_DEVICE_REMOVE, "removing the device");

	rm.name(name);
	bool ok = run_synced(rm);
	update_nodes("");
	return ok;
}

void create(const std::string &name, const std::vector<Target> &table,
	    const std::string &uuid)
{
	require_driver();
	std::lock_guard<std::mutex> g(lock);
	{
		Task t(DM_DEVICE_CREATE, "creating the device");

		t.name(name);
		if (!uuid.empty() && !dm_task_set_uuid(t.get(), uuid.c_str()))
			t.fail();
		t.run_or_fail();
	}
	try {
		Task t(DM_DEVICE_RELOAD, "loading the table");

		t.name(name);
		t.add(table);
		t.run_or_fail();
	} catch (...) {
		remove_created(name);
		throw;
	}
	Task t(DM_DEVICE_RESUME, "activating the device");

	t.name(name);
	if (!run_synced(t)) {
		try {
			t.fail();
		} catch (const DmError &e) {
			/* never leave a device that was never activated */
			throw ActivationError(e, remove_created(name));
		}
	}
	update_nodes(name);
}

void reload(const std::string &name, const std::vector<Target> &table)
{
	require_driver();
	std::lock_guard<std::mutex> g(lock);
	Task t(DM_DEVICE_RELOAD, "loading the table");

	t.name(name);
	t.add(table);
	t.run_or_fail();
}

/* A task on one device with nothing to add and nothing to read back. */
static void run_on(const std::string &name, int type, const char *what)
{
	require_driver();
	std::lock_guard<std::mutex> g(lock);
	Task t(type, what);

	t.name(name);
	t.run_or_fail();
}

void clear_inactive(const std::string &name)
{
	run_on(name, DM_DEVICE_CLEAR, "clearing the inactive table");
}

void suspend(const std::string &name)
{
	run_on(name, DM_DEVICE_SUSPEND, "suspending the device");
}

void resume(const std::string &name)
{
	require_driver();
	std::lock_guard<std::mutex> g(lock);
	Task t(DM_DEVICE_RESUME, "resuming the device");

	t.name(name);
	if (!run_synced(t))
		t.fail();
	update_nodes(name);
}

void set_uuid(const std::string &name, const std::string &uuid)
{
	require_driver();
	std::lock_guard<std::mutex> g(lock);
	Task t(DM_DEVICE_RENAME, "setting the device's UUID");

	t.name(name);
	if (!dm_task_set_newuuid(t.get(), uuid.c_str()))
		t.fail();
	if (!run_synced(t))
		t.fail();
	update_nodes("");
}

void remove(const std::string &name)
{
	require_driver();
	std::lock_guard<std::mutex> g(lock);
	Task t(DM_DEVICE_REMOVE, "removing the device");

	t.name(name);
	dm_task_retry_remove(t.get());
	if (!run_synced(t)) {
		if (t.err() == EBUSY)
			throw DmError(name, "removing the device: it is in use "
					    "(mounted or open)", EBUSY);
		t.fail();
	}
	update_nodes("");
}

std::vector<Target> status(const std::string &name)
{
	require_driver();
	return query(name, DM_DEVICE_STATUS, "reading the status");
}

std::vector<Target> table(const std::string &name)
{
	require_driver();
	return query(name, DM_DEVICE_TABLE, "reading the table");
}

std::string message(const std::string &name, uint64_t sector,
		    const std::string &msg)
{
	require_driver();
	std::lock_guard<std::mutex> g(lock);
	Task t(DM_DEVICE_TARGET_MSG, "message '" + msg + "'");
	const char *resp;

	t.name(name);
	if (!dm_task_set_sector(t.get(), sector) ||
	    !dm_task_set_message(t.get(), msg.c_str()))
		t.fail();
	t.run_or_fail();
	resp = dm_task_get_message_response(t.get());
	return resp ? resp : "";
}

std::vector<std::string> list_devices()
{
	require_driver();
	std::lock_guard<std::mutex> g(lock);
	Task t(DM_DEVICE_LIST, "listing devices");
	std::vector<std::string> out;
	struct dm_names *n;
	uint32_t next;

	t.run_or_fail();
	n = dm_task_get_names(t.get());
	if (!n || !n->dev)
		return out;
	do {
		out.emplace_back(n->name);
		next = n->next;
		n = reinterpret_cast<struct dm_names *>(
			reinterpret_cast<char *>(n) + next);
	} while (next);
	return out;
}

std::vector<std::string> list_devices_of_type(const std::string &type)
{
	std::vector<std::string> out;

	for (const auto &name : list_devices()) {
		std::vector<Target> tt;

		try {
			tt = table(name);
		} catch (const DmError &e) {
			if (e.err() == ENXIO)	/* removed meanwhile */
				continue;
			throw;
		}
		for (const auto &t : tt)
			if (t.type == type) {
				out.push_back(name);
				break;
			}
	}
	return out;
}

std::string check_name(const std::string &name)
{
	if (name.empty())
		return "device name is empty";
	if (name.size() >= DM_NAME_LEN)
		return "device name is longer than " +
		       std::to_string(DM_NAME_LEN - 1) + " characters";
	if (name == "." || name == "..")
		return "not a valid device name";
	for (unsigned char c : name)
		if (c == '/' || c <= ' ' || c >= 0x7f)
			return "device name must not contain '/', spaces or "
			       "control characters";
	return "";
}

} // namespace dxm::dm
