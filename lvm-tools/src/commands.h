// SPDX-License-Identifier: GPL-2.0
/*
 * The command table and what commands share: reading a mirror's state
 * into the report model, waiting for a running action, printing output.
 */
#ifndef DAXMIRROR_COMMANDS_H
#define DAXMIRROR_COMMANDS_H

#include <optional>
#include <string>
#include <vector>

#include "mirror_table.h"
#include "report.h"
#include "scan.h"
#include "status.h"
#include "superblock.h"

namespace dxm {

using Args = std::vector<std::string>;

struct Command {
	const char *name;
	const char *summary;
	int (*run)(const Args &args);
};

int cmd_create(const Args &);
int cmd_convert(const Args &);
int cmd_assemble(const Args &);
int cmd_table(const Args &);
int cmd_status(const Args &);
int cmd_list(const Args &);
int cmd_examine(const Args &);
int cmd_detail(const Args &);
int cmd_zero_superblock(const Args &);
int cmd_flush(const Args &);
int cmd_rescan(const Args &);
int cmd_scrub(const Args &);
int cmd_rebuild(const Args &);
int cmd_replace(const Args &);
int cmd_readd(const Args &);
int cmd_grow(const Args &);
int cmd_fail(const Args &);
int cmd_monitor(const Args &);
int cmd_remove(const Args &);

/* Throws UsageError for an invalid device-mapper name. */
void check_device_name(const std::string &name);

/* The single daxmirror target of a device: its status line and length;
 * throws Error when the device does not exist or is no daxmirror. */
struct MirrorState {
	uint64_t len = 0;
	MirrorStatus status;
	uint32_t event_nr = 0;
};
MirrorState read_state(const std::string &name);

/* The table parameters of the live daxmirror target. */
std::string read_table_params(const std::string &name);

/* The full model: status plus leg paths, bad blocks and set UUID. */
DeviceReport read_report(const std::string &name);

/* Names of all daxmirror devices. */
std::vector<std::string> mirror_devices();

/*
 * Creates and activates device NAME with one daxmirror target of LEN
 * sectors.  A refused table or a failed activation is reported with the
 * kernel's reason, and no device is left behind.
 */
void create_mirror(const std::string &name, uint64_t len,
		   const std::string &params, const std::string &dm_uuid = "");

/* The device-mapper UUID of a mirror: DAXMIRROR-<set uuid>, so that
 * /dev/disk/by-id/dm-uuid-DAXMIRROR-<set uuid> names the set. */
std::string mirror_dm_uuid(const Uuid &set);

/* The live daxmirror table of a device: its state, parameters, parse. */
struct LiveTable {
	MirrorState st;
	std::string params;
	TableArgs ta;
};
LiveTable read_live_table(const std::string &name);

/* The device and superblock of leg LEG of a running mirror (throws). */
FoundLeg live_leg(const MirrorState &st, int leg, const std::string &name);

/*
 * Loads TA (the live table's arguments, changed) of LEN sectors in place
 * of the live table of NAME (OLD_PARAMS) and resumes it; nosync and
 * rebuild are dropped.  A refusal is reported with the kernel's reason,
 * and a failed resume puts the previous table back live.  Used by
 * replace, re-add and grow.
 */
void reload_live_table(const std::string &name, const MirrorState &st,
		       const std::string &old_params, TableArgs ta,
		       uint64_t len);

/* Sends a message; a refusal is reported with the kernel's reason. */
void send_message(const std::string &name, const std::string &msg);

/*
 * Polls until the device's action is idle (and, with legs_in_sync,
 * no leg is 'a'); draws a progress bar on a terminal.  Returns the exit
 * code of the final state.
 */
int wait_idle(const std::string &name, const std::string &label,
	      bool legs_in_sync);

/* Exit code of a status line (0 healthy, 1 degraded, 2 failed). */
int status_exit_code(const MirrorStatus &s);

/* Plan of a new mirror from the operands NAME LEG0 LEG1. */
struct CreatePlan;
struct CreateOptions;
CreatePlan plan_new_mirror(const std::string &leg0, const std::string &leg1,
			   const CreateOptions &opts, bool allow_file);

/*
 * Warns on stderr ("daxmirror CMD: warning: legs 0 and 1 share NVDIMM
 * region0: ...") when the two legs' failure domains share hardware.
 */
struct FailureDomain;
void warn_shared_domain(const char *cmd, const FailureDomain &leg0,
			const FailureDomain &leg1);

/* Writes to stdout. */
void out(const std::string &text);

} // namespace dxm

#endif
