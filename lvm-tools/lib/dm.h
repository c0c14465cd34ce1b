// SPDX-License-Identifier: GPL-2.0
/*
 * libdevmapper wrapper.  Every call throws DmError (the device, what
 * failed, errno) instead of returning libdevmapper's 1/0; libdevmapper's
 * own log messages are captured and used as reasons, never printed.
 *
 * udev: when /run/udev/control is absent (minimal guests), udev sync
 * support is switched off and /dev/mapper nodes are made by
 * dm_mknodes(); with udev, tasks carry a cookie and we wait for it.
 * dm_udev_wait() is only ever called for a cookie that was set.
 *
 * Calls are serialised by one lock.
 */
#ifndef DAXMIRROR_DM_H
#define DAXMIRROR_DM_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "errors.h"
#include "types.h"

namespace dxm::dm {

class DmError : public Error {
public:
	DmError(std::string what, std::string why, int err)
		: Error(std::move(what), std::move(why)), err_(err) {}
	int err() const { return err_; }	/* positive errno or 0 */

private:
	int err_;
};

/*
 * create(): the table was loaded but activating it (resume) failed; the
 * device was removed again (removed() is false if removing it failed).
 */
class ActivationError : public DmError {
public:
	ActivationError(const DmError &e, bool removed)
		: DmError(e), removed_(removed) {}
	bool removed() const { return removed_; }

private:
	bool removed_;
};

struct Version {
	uint32_t major = 0, minor = 0, patch = 0;
	std::string str() const;
};

struct Info {
	bool exists = false;
	bool suspended = false;
	bool live_table = false;
	bool inactive_table = false;
	bool read_only = false;
	int open_count = 0;
	int target_count = 0;
	uint32_t event_nr = 0;
	DevId dev;
	std::string name;
	std::string uuid;
};

struct Target {
	uint64_t start = 0;
	uint64_t length = 0;
	std::string type;
	std::string params;
};

/* Whether tasks synchronise with udev (after the one-time setup). */
bool udev_sync();

/* Throws DmError("device-mapper", ...) when the kernel has no driver. */
void require_driver();

/* Version of a loaded target type (LIST_VERSIONS, then
 * GET_TARGET_VERSION which makes the kernel load the module). */
std::optional<Version> target_version(const std::string &type);

/* The target's version; throws unless it is loaded with that major. */
Version require_target(const std::string &type, uint32_t major);

Info info(const std::string &name);

/* create + load + resume; the device is removed again if loading fails */
void create(const std::string &name, const std::vector<Target> &table,
	    const std::string &uuid);
void reload(const std::string &name, const std::vector<Target> &table);
void clear_inactive(const std::string &name);
void suspend(const std::string &name);
void resume(const std::string &name);
void remove(const std::string &name);
/* Gives a device without a UUID one (DM_DEVICE_RENAME with a new UUID:
 * the kernel allows it once). */
void set_uuid(const std::string &name, const std::string &uuid);

std::vector<Target> status(const std::string &name);
std::vector<Target> table(const std::string &name);

/* Sends a target message; returns the response (maybe empty). */
std::string message(const std::string &name, uint64_t sector,
		    const std::string &msg);


std::vector<std::string> list_devices();

/* Devices with at least one target of that type. */
std::vector<std::string> list_devices_of_type(const std::string &type);

/* Device-mapper names: 1..127 characters, no '/', no whitespace. */
std::string check_name(const std::string &name);

} // namespace dxm::dm

#endif
