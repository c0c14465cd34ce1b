// SPDX-License-Identifier: GPL-2.0
/*
 * libndctl wrapper: describes the pmem namespace behind a block device
 * (mode, size, region, bus, bad blocks) and runs an address-range scrub
 * on its NVDIMM bus.  Where the platform cannot scrub (QEMU, e820 legacy
 * pmem) the scrub reports "not supported on this platform".
 */
#ifndef DAXMIRROR_NDCTL_H
#define DAXMIRROR_NDCTL_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "types.h"

struct ndctl_ctx;

namespace dxm::nd {

struct Namespace {
	std::string name;	/* namespace0.0 */
	std::string mode;	/* fsdax, raw, sector, devdax, unknown */
	uint64_t size = 0;	/* bytes */
	std::string blockdev;	/* pmem0, or "" (devdax) */
	std::string region;	/* region0 */
	std::string bus;	/* ndbus0 */
	std::string provider;	/* ACPI.NFIT, e820, ... */
	std::vector<Badblock> badblocks; /* namespace-relative, raw mode */
};

class Context {
public:
	/* Throws Error when libndctl cannot start. */
	Context();
	~Context();
	Context(const Context &) = delete;
	Context &operator=(const Context &) = delete;

	std::vector<Namespace> namespaces() const;

	/* The namespace whose block device is that kernel name ("pmem0"). */
	std::optional<Namespace> find_by_blockdev(const std::string &kname) const;

	/*
	 * Starts an address-range scrub on the bus and, with wait, waits for
	 * it to finish.  Throws Error(bus, "address-range scrub: not
	 * supported on this platform") when the bus cannot scrub, Error with
	 * the errno otherwise.
	 */
	void scrub(const std::string &bus, bool wait);

private:
	struct ndctl_ctx *ctx_ = nullptr;
};

/* Errno values meaning "this bus cannot scrub". */
bool scrub_unsupported(int err);

} // namespace dxm::nd

#endif
