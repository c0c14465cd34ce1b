// SPDX-License-Identifier: GPL-2.0
/*
 * Media errors of CXL persistent memory legs.  A CXL memory device keeps
 * a poison list (the addresses it knows to be bad); the kernel reads it
 * when "1" is written to /sys/bus/cxl/devices/memN/trigger_poison_list
 * (Linux 6.4 and later) and reports each entry as a cxl_poison trace
 * event, with the host physical address when the entry lies in a
 * committed region.  Unlike an NVDIMM's address-range scrub, nothing
 * puts these entries into the pmem disk's bad-block list, which is what
 * dm-daxmirror repairs from.  The tool reads the list through a trace
 * instance of its own (tracing.h; the system's tracing is left as it
 * is), maps each entry to sectors of the leg's disk and adds them to
 * that list.
 */
#ifndef DAXMIRROR_CXLPOISON_H
#define DAXMIRROR_CXLPOISON_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tracing.h"
#include "types.h"

namespace dxm {

/* One entry of a memdev's poison list (a cxl_poison event of type List) */
struct PoisonRecord {
	std::string memdev;		/* "mem0" */
	std::string region;		/* "region0", "" outside any region */
	std::optional<uint64_t> hpa;	/* host physical address, if mapped */
	uint64_t dpa = 0;		/* device physical address */
	uint64_t length = 0;		/* bytes */
};

/*
 * The poison list entry a cxl_poison event reports, or nullopt for the
 * event's other kinds (an injection, a clear) and for an event without
 * the fields (memdev, trace_type, hpa, dpa, dpa_length).
 */
std::optional<PoisonRecord> poison_record(const EventFields &ev);

/* A CXL pmem leg: its disk, where its sectors lie and its memdevs */
struct CxlLeg {
	std::string disk;		/* "pmem0" (the whole disk) */
	uint64_t phys = 0;		/* host physical address of disk sector 0 */
	uint64_t first = 0;		/* the leg's first disk sector */
	uint64_t sectors = 0;		/* the leg's size */
	std::vector<std::string> memdevs; /* "mem0" */
};

/*
 * The CXL side of the block device kname ("pmem0", "pmem0p3"), read from
 * the sysfs under root ("" for the running system): nullopt when it is
 * not a pmem disk (or a partition of one) in a CXL region.
 */
std::optional<CxlLeg> cxl_leg(const std::string &kname,
			      const std::string &root = "");

/*
 * The disk sectors of the records that lie in the leg, rounded out to
 * whole sectors, sorted, overlaps merged; records without a host
 * physical address are left out.
 */
std::vector<Badblock> poison_sectors(const std::vector<PoisonRecord> &recs,
				     const CxlLeg &leg);

/*
 * Reads the poison lists of the memdevs.  Throws Error when the kernel
 * cannot (no trigger_poison_list: before Linux 6.4; no cxl_poison trace
 * event; tracefs not mounted).
 */
std::vector<PoisonRecord> read_poison_lists(
	const std::vector<std::string> &memdevs);

/* Adds the ranges to the disk's bad-block list (sysfs badblocks). */
void add_badblocks(const std::string &disk, const std::vector<Badblock> &bbs);

} // namespace dxm

#endif
