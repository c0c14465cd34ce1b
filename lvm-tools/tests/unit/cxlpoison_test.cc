// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "cxlpoison.h"
#include "fakesys.h"

using namespace dxm;
using namespace dxm_test;

namespace {

/* A recorded event's fields as a map (what libtraceevent reads) */
class Fields : public EventFields {
public:
	std::map<std::string, uint64_t> num;
	std::map<std::string, std::string> str;

	std::optional<uint64_t> number(const std::string &n) const override
	{
		auto it = num.find(n);

		return it == num.end() ? std::nullopt :
					 std::optional<uint64_t>(it->second);
	}
	std::optional<std::string> text(const std::string &n) const override
	{
		auto it = str.find(n);

		return it == str.end() ? std::nullopt :
					 std::optional<std::string>(it->second);
	}
};

/* a cxl_poison event as Linux 6.12 records a list entry */
Fields list_entry()
{
	Fields f;

	f.str = { { "memdev", "mem0" }, { "host", "0000:0d:00.0" },
		  { "region", "region0" } };
	f.num = { { "serial", 1 }, { "trace_type", 0 },
		  { "hpa", 0x110200000ULL }, { "dpa", 0x200000 },
		  { "dpa_length", 0x40 }, { "source", 3 }, { "flags", 0 } };
	return f;
}

/* region0 over mem0 behind pci0000:0d: raw namespace pmem10 whose sector
 * 0 is at 0x110000000, 2 GiB, with a partition pmem10p2 at sector 2048 */
void fake_topology(FakeSys &s)
{
	std::string md = memdev(s, 0, "pci0000:0d", "0000:0d:00.0");
	std::string ns = CXLBUS + "/region0/namespace0.0";

	cxl_region(s, 0, 0, md, false, 0);
	s.file(ns + "/resource", "0x110000000");
	s.file(ns + "/block/pmem10/size", "4194304");
	s.file(ns + "/block/pmem10/pmem10p2/partition", "2");
	s.file(ns + "/block/pmem10/pmem10p2/start", "2048");
	s.file(ns + "/block/pmem10/pmem10p2/size", "8192");
	s.blockdev("pmem10p2", ns + "/block/pmem10/pmem10p2");
}

CxlLeg leg_of(FakeSys &s, const std::string &kname)
{
	auto leg = cxl_leg(kname, s.root);

	REQUIRE(leg);
	return *leg;
}

PoisonRecord rec(const std::string &md, uint64_t hpa, uint64_t len)
{
	PoisonRecord r;

	r.memdev = md;
	r.hpa = hpa;
	r.length = len;
	return r;
}

} // namespace

TEST_CASE("cxl_poison: a poison list entry is read, other events are not")
{
	auto r = poison_record(list_entry());

	REQUIRE(r);
	CHECK(r->memdev == "mem0");
	CHECK(r->region == "region0");
	REQUIRE(r->hpa);
	CHECK(*r->hpa == 0x110200000ULL);
	CHECK(r->dpa == 0x200000);
	CHECK(r->length == 0x40);

	/* injections (1) and clears (2) are no list entries */
	Fields inject = list_entry();
	inject.num["trace_type"] = 1;
	CHECK_FALSE(poison_record(inject));
	Fields clear = list_entry();
	clear.num["trace_type"] = 2;
	CHECK_FALSE(poison_record(clear));
	/* an event without a field the entry needs */
	for (const char *f : { "hpa", "dpa", "dpa_length", "trace_type" }) {
		Fields e = list_entry();

		e.num.erase(f);
		CHECK_FALSE(poison_record(e));
	}
	Fields nomd = list_entry();
	nomd.str.erase("memdev");
	CHECK_FALSE(poison_record(nomd));
	/* a length of 0 is nothing */
	Fields zero = list_entry();
	zero.num["dpa_length"] = 0;
	CHECK_FALSE(poison_record(zero));
	/* the field's other name */
	Fields alt = list_entry();
	alt.num.erase("dpa_length");
	alt.num["dpa_len"] = 0x1000;
	REQUIRE(poison_record(alt));
	CHECK(poison_record(alt)->length == 0x1000);
	/* an entry outside every region has no host address */
	Fields unmapped = list_entry();
	unmapped.num["hpa"] = ~0ULL;
	unmapped.str["region"] = "";
	auto u = poison_record(unmapped);
	REQUIRE(u);
	CHECK_FALSE(u->hpa);
}

TEST_CASE("cxl_poison: a CXL pmem disk and its partition as legs")
{
	FakeSys s;
	fake_topology(s);
	CxlLeg disk = leg_of(s, "pmem10");

	CHECK(disk.disk == "pmem10");
	CHECK(disk.phys == 0x110000000ULL);
	CHECK(disk.first == 0);
	CHECK(disk.sectors == 4194304);
	CHECK(disk.memdevs == std::vector<std::string>{ "mem0" });

	CxlLeg part = leg_of(s, "pmem10p2");
	CHECK(part.disk == "pmem10");
	CHECK(part.phys == 0x110000000ULL);
	CHECK(part.first == 2048);
	CHECK(part.sectors == 8192);
}

TEST_CASE("cxl_poison: no CXL leg behind an NVDIMM or unknown device")
{
	FakeSys s;
	const std::string nfit = "/sys/devices/LNXSYSTM:00/ACPI0012:00/ndbus0";

	s.file(nfit + "/provider", "ACPI.NFIT");
	s.file(nfit + "/region0/mapping0", "nmem0,0,268435456,0");
	s.file(nfit + "/region0/pfn0.1/resource", "0x140000000");
	s.file(nfit + "/region0/pfn0.1/block/pmem0/size", "1024");
	s.blockdev("pmem0", nfit + "/region0/pfn0.1/block/pmem0");
	CHECK_FALSE(cxl_leg("pmem0", s.root));
	CHECK_FALSE(cxl_leg("sdz", s.root));
}

TEST_CASE("cxl_poison: entries become the leg's disk sectors")
{
	FakeSys s;
	fake_topology(s);
	CxlLeg part = leg_of(s, "pmem10p2");
	const uint64_t base = 0x110000000ULL;
	std::vector<PoisonRecord> recs = {
		/* 64 bytes in disk sector 4100: one sector */
		rec("mem0", base + 4100 * 512 + 128, 64),
		/* 4 KiB from sector 5000: 8 sectors, merged with the next */
		rec("mem0", base + 5000 * 512, 4096),
		rec("mem0", base + 5004 * 512, 4096),
		/* across the partition's end (sector 10240): clipped */
		rec("mem0", base + 10238 * 512, 2048),
		/* before the partition, and below the disk: left out */
		rec("mem0", base + 100 * 512, 512),
		rec("mem0", base - 4096, 512),
		/* another memdev's entry */
		rec("mem1", base + 6000 * 512, 512),
	};
	PoisonRecord nohpa = rec("mem0", 0, 512);

	nohpa.hpa.reset();
	recs.push_back(nohpa);
	auto bbs = poison_sectors(recs, part);
	REQUIRE(bbs.size() == 3);
	CHECK(bbs[0] == Badblock{ 4100, 1 });
	CHECK(bbs[1] == Badblock{ 5000, 12 });
	CHECK(bbs[2] == Badblock{ 10238, 2 });
}
