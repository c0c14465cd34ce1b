// SPDX-License-Identifier: GPL-2.0
/*
 * A made-up sysfs for the unit tests of code that reads /sys under a
 * root directory (faildomain, cxlpoison), and the CXL topology pieces
 * both lay out.
 */
#ifndef DAXMIRROR_TEST_FAKESYS_H
#define DAXMIRROR_TEST_FAKESYS_H

#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace dxm_test {

namespace fs = std::filesystem;

/* A made-up /sys in a temporary directory, laid out as the kernel lays
 * it out (the links are absolute into the tree, not relative). */
class FakeSys {
public:
	FakeSys()
	{
		char tmpl[] = "/tmp/dxm-fakesys-XXXXXX";

		REQUIRE(mkdtemp(tmpl));
		root = tmpl;
	}
	~FakeSys() { fs::remove_all(root); }

	void file(const std::string &p, const std::string &text)
	{
		fs::create_directories(fs::path(root + p).parent_path());
		std::ofstream(root + p) << text << "\n";
	}
	void link(const std::string &p, const std::string &target)
	{
		fs::create_directories(root + target);
		fs::create_directories(fs::path(root + p).parent_path());
		fs::create_symlink(root + target, root + p);
	}
	/* a block device whose sysfs directory is dir */
	void blockdev(const std::string &name, const std::string &dir)
	{
		link("/sys/class/block/" + name, dir);
	}

	std::string root;
};

inline const std::string CXLBUS =
	"/sys/devices/platform/ACPI0017:00/root0/nvdimm-bridge0/ndbus1";

/* memdev memN under host bridge hb at root port rp, endpoint port N */
inline std::string memdev(FakeSys &s, int n, const std::string &hb,
			  const std::string &rp)
{
	std::string md = "/sys/devices/" + hb + "/" + rp + "/0000:" +
			 std::to_string(20 + n) + ":00.0/mem" +
			 std::to_string(n);
	std::string ep = "/sys/devices/platform/ACPI0017:00/root0/port1/endpoint" +
			 std::to_string(n);

	s.link("/sys/bus/cxl/devices/mem" + std::to_string(n), md);
	s.link(ep + "/uport", md);
	s.link("/sys/bus/cxl/devices/decoder" + std::to_string(n) + ".0",
	       ep + "/decoder" + std::to_string(n) + ".0");
	return md;
}

/* CXL region R over memdev N, found through the cxl/provider of the
 * nvdimm nmemK (via_nmem; the kernel numbers nmems in probe order, so K
 * need not be N) or through the region's target0 (its endpoint decoder) */
inline void cxl_region(FakeSys &s, int r, int n, const std::string &md,
		       bool via_nmem, int k)
{
	std::string region = "region" + std::to_string(r);
	std::string nmem = "nmem" + std::to_string(k);

	s.file(CXLBUS + "/provider", "CXL");
	s.file(CXLBUS + "/" + region + "/mapping0", nmem + ",0,268435456,0");
	s.file("/sys/bus/cxl/devices/" + region + "/target0",
	       "decoder" + std::to_string(n) + ".0");
	if (via_nmem) {
		s.file(CXLBUS + "/" + nmem + "/cxl/provider",
		       "pmem" + std::to_string(n));
		s.link("/sys/bus/cxl/devices/pmem" + std::to_string(n),
		       md + "/pmem" + std::to_string(n));
	}
	s.blockdev("pmem" + std::to_string(r + 10),
		   CXLBUS + "/" + region + "/namespace" + std::to_string(r) +
		   ".0/block/pmem" + std::to_string(r + 10));
}

} // namespace dxm_test

#endif
