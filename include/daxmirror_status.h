/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daxmirror target's INFO status line, shared by the kernel target
 * (dm-target/status.c emits it) and the admin tool (lvm-tools/lib/
 * status.cc parses it): its fields in order, each with the name that the
 * tool's parse errors and the documentation use, and the names of the
 * action field.  Plain C, no types: included by the module and by C++.
 *
 * Fields are only ever appended, one target minor version each, so that
 * an older tool reads a newer target's line.  The kernel emits the
 * fields in a switch over enum dxm_status_field, so a field added here
 * but not emitted is a -Wswitch warning (which fails the module-warnings
 * step of scripts/run-tests); the tool asserts at compile time that it
 * parses every field listed here.
 */
#ifndef DXM_INCLUDE_STATUS_H
#define DXM_INCLUDE_STATUS_H

/* X(identifier, name): every INFO field, in the order of the line */
#define DXM_STATUS_FIELD_LIST(X)			\
	X(NR_LEGS, "number of legs")			\
	X(LEG0, "leg 0 device")				\
	X(LEG1, "leg 1 device")				\
	X(HEALTH, "health")				\
	X(IN_SYNC, "in_sync/total")			\
	X(ACTION, "action")				\
	X(MISMATCHES, "mismatches")			\
	X(REMAPPED, "remapped")				\
	X(SPARE_FREE, "spare_free")			\
	X(LOST_PAGES, "lost_pages")			\
	X(HOT_REGIONS, "hot_regions")			\
	X(DATA_OFFSET, "data_offset")			\
	X(DAX, "dax")					\
	X(ERROR, "error")				\
	X(SWEPT, "swept/total")		/* target 1.1 */	\
	X(IO_ERRORS, "io_errors")	/* target 1.3 */

#define DXM_STATUS_ENUM(id, ...) DXM_ST_##id,
enum dxm_status_field {
	DXM_STATUS_FIELD_LIST(DXM_STATUS_ENUM)
	DXM_ST_NR
};

#undef DXM_STATUS_ENUM

/* the fields of target 1.0: a line has at least these */
#define DXM_STATUS_FIELDS_1_0	DXM_ST_SWEPT

/* X(identifier, name): the values of the action field */
#define DXM_ACTION_LIST(X)	\
	X(IDLE, "idle")		\
	X(RESYNC, "resync")	\
	X(REBUILD, "rebuild")	\
	X(CHECK, "check")	\
	X(REPAIR, "repair")

#endif
