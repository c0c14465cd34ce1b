// SPDX-License-Identifier: GPL-2.0
#include "ndctl.h"

#include <ndctl/libndctl.h>

#include <cerrno>
#include <cstdarg>

#include "errors.h"

namespace dxm::nd {

namespace {

/* libndctl logs through us so that it never writes to our stderr */
void quiet_log(struct ndctl_ctx *, int, const char *, int, const char *,
	       const char *, va_list)
{
}

std::string str(const char *s)
{
	return s ? s : "";
}

std::string mode_name(enum ndctl_namespace_mode m)
{
	switch (m) {
	case NDCTL_NS_MODE_FSDAX: return "fsdax";
	case NDCTL_NS_MODE_SECTOR: return "sector";
	case NDCTL_NS_MODE_RAW: return "raw";
	case NDCTL_NS_MODE_DEVDAX: return "devdax";
	default: return "unknown";
	}
}

std::string block_device(struct ndctl_namespace *ndns)
{
	struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(ndns);
	struct ndctl_btt *btt = ndctl_namespace_get_btt(ndns);

	if (pfn)
		return str(ndctl_pfn_get_block_device(pfn));
	if (btt)
		return str(ndctl_btt_get_block_device(btt));
	if (ndctl_namespace_get_dax(ndns))
		return "";
	return str(ndctl_namespace_get_block_device(ndns));
}

Namespace describe(struct ndctl_bus *bus, struct ndctl_region *region,
		   struct ndctl_namespace *ndns)
{
	Namespace n;
	struct badblock *bb;

	n.name = str(ndctl_namespace_get_devname(ndns));
	n.mode = mode_name(ndctl_namespace_get_mode(ndns));
	n.size = ndctl_namespace_get_size(ndns);
	n.blockdev = block_device(ndns);
	n.region = str(ndctl_region_get_devname(region));
	n.bus = str(ndctl_bus_get_devname(bus));
	n.provider = str(ndctl_bus_get_provider(bus));
	if (n.mode == "raw")
		ndctl_namespace_badblock_foreach(ndns, bb)
			n.badblocks.push_back({ bb->offset, bb->len });
	return n;
}

} // namespace

bool scrub_unsupported(int err)
{
	if (err < 0)
		err = -err;
	return err == EOPNOTSUPP || err == ENOTTY || err == ENOSYS ||
	       err == ENOENT || err == ENXIO || err == EINVAL || err == EACCES;
}

Context::Context()
{
	int r = ndctl_new(&ctx_);

	if (r < 0 || !ctx_)
		throw_errno("libndctl", "cannot start", r ? r : ENOMEM);
	ndctl_set_log_fn(ctx_, quiet_log);
	ndctl_set_log_priority(ctx_, 0);
}

Context::~Context()
{
	ndctl_unref(ctx_);
}

std::vector<Namespace> Context::namespaces() const
{
	std::vector<Namespace> out;
	struct ndctl_bus *bus;
	struct ndctl_region *region;
	struct ndctl_namespace *ndns;

	ndctl_bus_foreach(ctx_, bus)
		ndctl_region_foreach(bus, region)
			ndctl_namespace_foreach(region, ndns)
				out.push_back(describe(bus, region, ndns));
	return out;
}

std::optional<Namespace> Context::find_by_blockdev(const std::string &kname) const
{
	if (kname.empty())
		return std::nullopt;
	for (auto &n : namespaces())
		if (n.blockdev == kname)
			return n;
	return std::nullopt;
}

void Context::scrub(const std::string &name, bool wait)
{
	struct ndctl_bus *bus, *found = nullptr;
	int r;

	ndctl_bus_foreach(ctx_, bus)
		if (name == str(ndctl_bus_get_devname(bus)))
			found = bus;
	if (!found)
		throw Error(name, "no such NVDIMM bus");
	if (!ndctl_bus_has_nfit(found))
		throw Error(name, "address-range scrub: not supported on this "
				  "platform (the bus has no NFIT)");
	r = ndctl_bus_start_scrub(found);
	if (r < 0 && r != -EBUSY) {
		if (scrub_unsupported(r))
			throw Error(name, "address-range scrub: not supported "
					  "on this platform (" +
					  errno_string(r) + ")");
		throw_errno(name, "address-range scrub", r);
	}
	if (!wait)
		return;
	r = ndctl_bus_wait_for_scrub_completion(found);
	if (r < 0) {
		if (scrub_unsupported(r))
			throw Error(name, "address-range scrub: not supported "
					  "on this platform (" +
					  errno_string(r) + ")");
		throw_errno(name, "waiting for the address-range scrub", r);
	}
}

} // namespace dxm::nd
