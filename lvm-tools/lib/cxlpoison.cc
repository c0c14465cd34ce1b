// SPDX-License-Identifier: GPL-2.0
#include "cxlpoison.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "blockdev.h"
#include "errors.h"
#include "faildomain.h"
#include "sysfs.h"

namespace dxm {

namespace {

const uint64_t SECTOR = 512;
const uint64_t POISON_LIST = 0;	/* trace_type of a list entry (not an
				 * injection or a clear) */
const uint64_t NO_HPA = ~0ULL;	/* the event's hpa outside any region */
const uint64_t MAX_BB_LEN = 512; /* sectors per bad-block entry */

std::optional<uint64_t> number(const std::string &v, int base)
{
	size_t used = 0;
	uint64_t n;

	try {
		n = std::stoull(v, &used, base);
	} catch (const std::exception &) {
		return std::nullopt;
	}
	if (used != v.size())
		return std::nullopt;
	return n;
}

/* Writes text to a sysfs attribute; throws Error(what, ...). */
void write_attr(const std::string &path, const std::string &text,
		const std::string &what)
{
	int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		throw_errno(what, "open " + path, errno);
	n = write(fd, text.data(), text.size());
	if (n < 0) {
		int err = errno;

		close(fd);
		throw_errno(what, "write " + path, err);
	}
	close(fd);
}

} // namespace

std::optional<PoisonRecord> poison_record(const EventFields &ev)
{
	auto type = ev.number("trace_type");
	auto memdev = ev.text("memdev");
	auto hpa = ev.number("hpa");
	auto dpa = ev.number("dpa");
	auto len = ev.number("dpa_length");
	PoisonRecord r;

	if (!len)
		len = ev.number("dpa_len");
	if (!type || *type != POISON_LIST || !memdev || memdev->empty() ||
	    !hpa || !dpa || !len || !*len)
		return std::nullopt;
	r.memdev = *memdev;
	r.region = ev.text("region").value_or("");
	if (*hpa != NO_HPA)
		r.hpa = *hpa;
	r.dpa = *dpa;
	r.length = *len;
	return r;
}

std::optional<CxlLeg> cxl_leg(const std::string &kname, const std::string &root)
{
	Sysfs s(root);
	std::string dir = s.resolve("/sys/class/block/" + kname), disk_dir;
	CxlLeg leg;

	if (dir.empty())
		return std::nullopt;
	if (s.exists(dir + "/partition")) {
		auto start = number(s.read(dir + "/start").value_or(""), 10);

		if (!start)
			return std::nullopt;
		leg.first = *start;
		disk_dir = parent_of(dir);
	} else {
		disk_dir = dir;
	}
	auto size = number(s.read(dir + "/size").value_or(""), 10);
	/* .../pfn0.0/block/pmem0 (fsdax) or .../namespace0.0/block/pmem0 */
	auto phys = number(s.read(parent_of(parent_of(disk_dir)) + "/resource")
			   .value_or(""), 16);
	if (!size || !phys)
		return std::nullopt;
	leg.sectors = *size;
	leg.phys = *phys;
	leg.disk = base_of(disk_dir);

	FailureDomain d = failure_domain(kname, root);
	for (const auto &m : d.dimms)
		if (m.second.rfind("CXL memdev ", 0) == 0)
			leg.memdevs.push_back(m.first);
	if (leg.memdevs.empty())
		return std::nullopt;
	return leg;
}

std::vector<Badblock> poison_sectors(const std::vector<PoisonRecord> &recs,
				     const CxlLeg &leg)
{
	std::vector<Badblock> out, merged;
	uint64_t end = leg.first + leg.sectors;

	for (const auto &r : recs) {
		uint64_t s0, s1;

		if (!r.hpa || *r.hpa < leg.phys ||
		    std::find(leg.memdevs.begin(), leg.memdevs.end(),
			      r.memdev) == leg.memdevs.end())
			continue;
		s0 = (*r.hpa - leg.phys) / SECTOR;
		s1 = (*r.hpa - leg.phys + r.length + SECTOR - 1) / SECTOR;
		s0 = std::max(s0, leg.first);
		s1 = std::min(s1, end);
		if (s0 < s1)
			out.push_back({ s0, s1 - s0 });
	}
	std::sort(out.begin(), out.end(),
		  [](const Badblock &a, const Badblock &b) {
			  return a.sector < b.sector;
		  });
	for (const auto &b : out) {
		if (!merged.empty() &&
		    b.sector <= merged.back().sector + merged.back().count) {
			uint64_t e = std::max(merged.back().sector +
					      merged.back().count,
					      b.sector + b.count);

			merged.back().count = e - merged.back().sector;
			continue;
		}
		merged.push_back(b);
	}
	return merged;
}

std::vector<PoisonRecord> read_poison_lists(
	const std::vector<std::string> &memdevs)
{
	std::vector<PoisonRecord> recs;
	std::vector<std::string> trigs;

	for (const auto &md : memdevs) {
		std::string t = "/sys/bus/cxl/devices/" + md +
				"/trigger_poison_list";

		if (access(t.c_str(), W_OK))
			throw Error(md, "the kernel cannot read its poison list "
				    "(no trigger_poison_list: Linux 6.4 or "
				    "later)");
		trigs.push_back(t);
	}
	EventTrace trace("cxl", "cxl_poison");
	/* the kernel reports the entries while the write runs */
	for (size_t i = 0; i < trigs.size(); i++)
		write_attr(trigs[i], "1", memdevs[i]);
	trace.stop();
	trace.for_each([&recs](const EventFields &ev) {
		auto r = poison_record(ev);

		if (r)
			recs.push_back(*r);
	});
	return recs;
}

void add_badblocks(const std::string &disk, const std::vector<Badblock> &bbs)
{
	std::string path = "/sys/block/" + disk + "/badblocks";

	for (const auto &b : bbs)
		for (uint64_t done = 0; done < b.count; done += MAX_BB_LEN) {
			uint64_t n = std::min(MAX_BB_LEN, b.count - done);

			write_attr(path, std::to_string(b.sector + done) + " " +
				   std::to_string(n) + "\n", disk);
		}
}

} // namespace dxm
