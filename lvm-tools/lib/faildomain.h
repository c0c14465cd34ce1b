// SPDX-License-Identifier: GPL-2.0
/*
 * The failure domain of a leg, read from sysfs: the hardware whose loss
 * loses the leg.  A pmem namespace lives in an NVDIMM region (an
 * interleave set over DIMMs nmemN) or a CXL region (over memdevs memN,
 * each behind a host bridge pciDDDD:BB); a device-mapper or md device
 * lives wherever its slaves live; anything else is its own domain, named
 * by its device.  A mirror protects against one failure only when its
 * two legs share none of that.
 */
#ifndef DAXMIRROR_FAILDOMAIN_H
#define DAXMIRROR_FAILDOMAIN_H

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace dxm {

struct FailureDomain {
	std::string device;	/* kernel name: pmem0, dm-3 */
	std::string text;	/* "NVDIMM region0 (nmem0)" */
	/*
	 * What the leg depends on, by level, from the broadest to the
	 * narrowest; each maps a kernel name to how a message names it.
	 */
	std::map<std::string, std::string> regions;	/* "NVDIMM region0" */
	std::map<std::string, std::string> dimms;	/* "DIMM nmem0", "CXL memdev mem1" */
	std::map<std::string, std::string> bridges;	/* "CXL host bridge pci0000:0d" */
	std::map<std::string, std::string> devices;	/* "device loop0" */
};

/*
 * The failure domain of the block device kname ("pmem0", "dm-3"), read
 * from the sysfs under root ("" for the running system's /sys; a tree
 * made up by a test otherwise).  Never throws: what cannot be read makes
 * a domain named by the device.
 */
FailureDomain failure_domain(const std::string &kname,
			     const std::string &root = "");

/*
 * What two domains share, named for a message ("NVDIMM region0", "CXL
 * host bridge pci0000:0d"): the shared regions if any, else the shared
 * DIMMs or memdevs, else host bridges, else devices; "" when nothing.
 */
std::string shared_part(const FailureDomain &a, const FailureDomain &b);

/* {text, regions, dimms, host_bridges, devices}: lists of kernel names */
nlohmann::json to_json(const FailureDomain &d);

} // namespace dxm

#endif
