// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <string>

#include "faildomain.h"
#include "fakesys.h"

using namespace dxm;
using namespace dxm_test;

namespace {

const std::string NFIT = "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0";

/* ndbus0 (ACPI.NFIT): region0 on nmem0, region1 on nmem1, region2 on
 * nmem1 and nmem2; namespaces pmem0 and pmem0.1 in region0, pmem1 in
 * region1, pmem2 in region2 */
void nfit(FakeSys &s)
{
	s.file(NFIT + "/provider", "ACPI.NFIT");
	s.file(NFIT + "/region0/mapping0", "nmem0,0,268435456,0");
	s.file(NFIT + "/region1/mapping0", "nmem1,0,134217728,0");
	s.file(NFIT + "/region2/mapping0", "nmem1,134217728,134217728,0");
	s.file(NFIT + "/region2/mapping1", "nmem2,0,134217728,1");
	s.blockdev("pmem0", NFIT + "/region0/pfn0.1/block/pmem0");
	s.blockdev("pmem0.1", NFIT + "/region0/pfn0.2/block/pmem0.1");
	s.blockdev("pmem1", NFIT + "/region1/namespace1.0/block/pmem1");
	s.blockdev("pmem2", NFIT + "/region2/pfn2.0/block/pmem2");
}

} // namespace

TEST_CASE("NVDIMM: legs in two regions on two DIMMs share nothing")
{
	FakeSys s;
	nfit(s);
	FailureDomain a = failure_domain("pmem0", s.root);
	FailureDomain b = failure_domain("pmem1", s.root);

	CHECK(a.text == "NVDIMM region0 (nmem0)");
	CHECK(b.text == "NVDIMM region1 (nmem1)");
	CHECK(shared_part(a, b) == "");
	CHECK(to_json(a)["regions"] == nlohmann::json{ "region0" });
	CHECK(to_json(a)["dimms"] == nlohmann::json{ "nmem0" });
}

TEST_CASE("NVDIMM: two namespaces of one region share it")
{
	FakeSys s;
	nfit(s);
	FailureDomain a = failure_domain("pmem0", s.root);
	FailureDomain b = failure_domain("pmem0.1", s.root);

	CHECK(b.text == "NVDIMM region0 (nmem0)");
	CHECK(shared_part(a, b) == "NVDIMM region0");
}

TEST_CASE("NVDIMM: two regions on one DIMM share the DIMM")
{
	FakeSys s;
	nfit(s);
	FailureDomain a = failure_domain("pmem1", s.root);
	FailureDomain b = failure_domain("pmem2", s.root);

	CHECK(b.text == "NVDIMM region2 (nmem1, nmem2)");
	CHECK(shared_part(a, b) == "DIMM nmem1");
	CHECK(shared_part(failure_domain("pmem0", s.root), b) == "");
}

TEST_CASE("CXL: memdevs behind two host bridges share nothing")
{
	FakeSys s;
	/* as in a QEMU guest: nmem0 is mem1's, nmem1 mem0's */
	cxl_region(s, 0, 0, memdev(s, 0, "pci0000:0c", "0000:0c:00.0"), true, 1);
	cxl_region(s, 1, 1, memdev(s, 1, "pci0000:2c", "0000:2c:00.0"), true, 0);
	FailureDomain a = failure_domain("pmem10", s.root);
	FailureDomain b = failure_domain("pmem11", s.root);

	CHECK(a.text == "CXL region0 (mem0 behind host bridge pci0000:0c)");
	CHECK(b.text == "CXL region1 (mem1 behind host bridge pci0000:2c)");
	CHECK(shared_part(a, b) == "");
	CHECK(to_json(b)["host_bridges"] == nlohmann::json{ "pci0000:2c" });
}

TEST_CASE("CXL: memdevs behind one host bridge share the bridge")
{
	FakeSys s;
	/* two root ports of one host bridge; memdevs found by the targets */
	cxl_region(s, 0, 0, memdev(s, 0, "pci0000:0c", "0000:0c:00.0"), false, 0);
	cxl_region(s, 1, 1, memdev(s, 1, "pci0000:0c", "0000:0c:01.0"), false, 1);
	FailureDomain a = failure_domain("pmem10", s.root);
	FailureDomain b = failure_domain("pmem11", s.root);

	CHECK(a.text == "CXL region0 (mem0 behind host bridge pci0000:0c)");
	CHECK(b.text == "CXL region1 (mem1 behind host bridge pci0000:0c)");
	CHECK(shared_part(a, b) == "CXL host bridge pci0000:0c");
}

TEST_CASE("dm-linear over pmem: the domain of its slaves")
{
	FakeSys s;
	nfit(s);
	s.blockdev("dm-0", "/sys/devices/virtual/block/dm-0");
	s.link("/sys/devices/virtual/block/dm-0/slaves/pmem0",
	       NFIT + "/region0/pfn0.1/block/pmem0");
	s.blockdev("dm-1", "/sys/devices/virtual/block/dm-1");
	s.link("/sys/devices/virtual/block/dm-1/slaves/dm-0",
	       "/sys/devices/virtual/block/dm-0");
	FailureDomain d = failure_domain("dm-0", s.root);

	CHECK(d.text == "dm-0 on NVDIMM region0 (nmem0)");
	CHECK(shared_part(d, failure_domain("pmem0.1", s.root)) ==
	      "NVDIMM region0");
	CHECK(shared_part(d, failure_domain("pmem1", s.root)) == "");
	CHECK(failure_domain("dm-1", s.root).text ==
	      "dm-1 on dm-0 on NVDIMM region0 (nmem0)");
}

TEST_CASE("other devices: named by their device")
{
	FakeSys s;
	s.blockdev("loop0", "/sys/devices/virtual/block/loop0");
	s.blockdev("loop1", "/sys/devices/virtual/block/loop1");
	s.blockdev("sda1", "/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/"
			   "target0:0:0/0:0:0:0/block/sda/sda1");
	s.file("/sys/class/block/sda1/partition", "1");
	s.blockdev("sda2", "/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/"
			   "target0:0:0/0:0:0:0/block/sda/sda2");
	s.file("/sys/class/block/sda2/partition", "2");
	s.blockdev("pmem5", "/sys/devices/pci0000:00/0000:00:05.0/virtio3/"
			    "ndbus2/region5/namespace5.0/block/pmem5");
	FailureDomain a = failure_domain("loop0", s.root);

	CHECK(a.text == "device loop0");
	CHECK(shared_part(a, failure_domain("loop1", s.root)) == "");
	CHECK(failure_domain("nosuch", s.root).text == "device nosuch");
	CHECK(failure_domain("sda1", s.root).text == "device sda");
	CHECK(shared_part(failure_domain("sda1", s.root),
			  failure_domain("sda2", s.root)) == "device sda");
	CHECK(failure_domain("pmem5", s.root).text ==
	      "virtio-pmem virtio3 (region5)");
}
