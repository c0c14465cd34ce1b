// SPDX-License-Identifier: GPL-2.0
#include "faildomain.h"

#include <regex>
#include <vector>

#include "blockdev.h"
#include "sysfs.h"

namespace dxm {

namespace {

/* dm over dm over ...: deeper than this is a loop or nonsense */
const int MAX_DEPTH = 8;

const std::regex RE_NDBUS("ndbus[0-9]+");
const std::regex RE_REGION("region[0-9]+");
const std::regex RE_MAPPING("mapping[0-9]+");
const std::regex RE_TARGET("target[0-9]+");
const std::regex RE_VIRTIO("virtio[0-9]+");
const std::regex RE_NVDIMM_BRIDGE("nvdimm-bridge[0-9]+");
const std::regex RE_HOST_BRIDGE("pci[0-9a-f]{4}:[0-9a-f]{2}");
const std::regex RE_ANY(".+");

std::string join(const std::vector<std::string> &v, const std::string &sep)
{
	std::string s;

	for (const auto &x : v)
		s += (s.empty() ? "" : sep) + x;
	return s;
}

FailureDomain own_device(FailureDomain d, const std::string &name)
{
	d.devices[name] = "device " + name;
	d.text = "device " + name;
	return d;
}

/* The DIMMs of a region: "nmem0" from its mappingN files
 * ("nmem0,<start>,<size>,<position>"). */
std::vector<std::string> region_dimms(const Sysfs &s, const std::string &region)
{
	std::vector<std::string> dimms;

	for (const auto &m : s.list(region, RE_MAPPING)) {
		std::string v = s.read(region + "/" + m).value_or("");
		std::string nmem = v.substr(0, v.find(','));

		if (!nmem.empty())
			dimms.push_back(nmem);
	}
	return dimms;
}

/* The memdevs (their sysfs directories) of a CXL region: through the
 * nvdimm of each mapping (its cxl/provider names the memdev's pmemN,
 * whose parent is the memdev), else through the region's targets (the
 * endpoint decoders, whose port's uport is the memdev). */
std::vector<std::string> cxl_memdevs(const Sysfs &s, const std::string &bus,
				     const std::string &region,
				     const std::vector<std::string> &nmems)
{
	const std::string cxl = "/sys/bus/cxl/devices/";
	std::vector<std::string> mds;

	for (const auto &n : nmems) {
		auto prov = s.read(bus + "/" + n + "/cxl/provider");
		std::string p = prov ? s.resolve(cxl + *prov) : "";

		if (!p.empty())
			mds.push_back(parent_of(p));
	}
	if (!mds.empty())
		return mds;
	for (const auto &t : s.list(cxl + region, RE_TARGET)) {
		std::string dec = s.read(cxl + region + "/" + t).value_or("");
		std::string p = dec.empty() ? "" : s.resolve(cxl + dec);
		std::string md = p.empty() ? "" :
				 s.resolve(parent_of(p) + "/uport");

		if (!md.empty())
			mds.push_back(md);
	}
	return mds;
}

FailureDomain cxl_region(const Sysfs &s, FailureDomain d,
			 const std::string &bus, const std::string &region,
			 const std::vector<std::string> &nmems)
{
	std::vector<std::string> parts;

	d.regions[region] = "CXL " + region;
	for (const auto &md : cxl_memdevs(s, bus, region, nmems)) {
		std::string name = base_of(md), bridge;

		if (d.dimms.count(name))
			continue;
		for (const auto &c : components(md))
			if (std::regex_match(c, RE_HOST_BRIDGE)) {
				bridge = c;
				break;
			}
		d.dimms[name] = "CXL memdev " + name;
		if (bridge.empty()) {
			parts.push_back(name);
			continue;
		}
		d.bridges[bridge] = "CXL host bridge " + bridge;
		parts.push_back(name + " behind host bridge " + bridge);
	}
	d.text = "CXL " + region;
	if (!parts.empty())
		d.text += " (" + join(parts, ", ") + ")";
	return d;
}

/* A namespace of region c[i + 1] on the nvdimm bus c[i]. */
FailureDomain nd_region(const Sysfs &s, FailureDomain d,
			const std::vector<std::string> &c, size_t i)
{
	std::string bus = join_path(c, i + 1);
	const std::string &region = c[i + 1];
	std::string provider = s.read(bus + "/provider").value_or("");
	std::vector<std::string> nmems = region_dimms(s, bus + "/" + region);
	bool cxl = provider == "CXL";
	std::string virtio;

	for (size_t j = 0; j < i; j++) {
		if (std::regex_match(c[j], RE_NVDIMM_BRIDGE))
			cxl = true;
		if (std::regex_match(c[j], RE_VIRTIO))
			virtio = c[j];
	}
	if (cxl)
		return cxl_region(s, d, bus, region, nmems);
	if (!virtio.empty()) {
		/* its memory is whatever backs it on the host */
		d.devices[virtio] = "virtio-pmem " + virtio;
		d.regions[region] = "virtio-pmem " + region;
		d.text = "virtio-pmem " + virtio + " (" + region + ")";
		return d;
	}
	std::string kind = provider == "e820" ? "e820 pmem" : "NVDIMM";

	d.regions[region] = kind + " " + region;
	for (const auto &n : nmems)
		d.dimms[n] = "DIMM " + n;
	d.text = kind + " " + region;
	if (!nmems.empty())
		d.text += " (" + join(nmems, ", ") + ")";
	return d;
}

FailureDomain domain_of(const Sysfs &s, const std::string &kname, int depth)
{
	FailureDomain d;
	std::string dir = s.resolve("/sys/class/block/" + kname);

	d.device = kname;
	if (dir.empty())
		return own_device(d, kname);

	/* device-mapper, md: wherever the devices below live */
	std::vector<std::string> slaves = s.list(dir + "/slaves", RE_ANY);
	if (!slaves.empty() && depth < MAX_DEPTH) {
		std::vector<std::string> texts;

		for (const auto &sl : slaves) {
			FailureDomain sub = domain_of(s, sl, depth + 1);

			d.regions.insert(sub.regions.begin(), sub.regions.end());
			d.dimms.insert(sub.dimms.begin(), sub.dimms.end());
			d.bridges.insert(sub.bridges.begin(), sub.bridges.end());
			d.devices.insert(sub.devices.begin(), sub.devices.end());
			texts.push_back(sub.text);
		}
		d.text = kname + " on " + join(texts, " + ");
		return d;
	}

	std::vector<std::string> c = components(dir);
	for (size_t i = 0; i + 1 < c.size(); i++)
		if (std::regex_match(c[i], RE_NDBUS) &&
		    std::regex_match(c[i + 1], RE_REGION))
			return nd_region(s, d, c, i);

	/* a partition fails with its disk */
	if (s.exists(dir + "/partition") && c.size() >= 2)
		return own_device(d, c[c.size() - 2]);
	return own_device(d, kname);
}

std::vector<std::string> keys(const std::map<std::string, std::string> &m)
{
	std::vector<std::string> k;

	for (const auto &e : m)
		k.push_back(e.first);
	return k;
}

} // namespace

FailureDomain failure_domain(const std::string &kname, const std::string &root)
{
	return domain_of(Sysfs(root), kname, 0);
}

std::string shared_part(const FailureDomain &a, const FailureDomain &b)
{
	using Level = std::map<std::string, std::string> FailureDomain::*;
	const Level levels[] = { &FailureDomain::regions, &FailureDomain::dimms,
				 &FailureDomain::bridges,
				 &FailureDomain::devices };

	for (Level l : levels) {
		std::vector<std::string> both;

		for (const auto &e : a.*l)
			if ((b.*l).count(e.first))
				both.push_back(e.second);
		if (!both.empty())
			return join(both, " and ");
	}
	return "";
}

nlohmann::json to_json(const FailureDomain &d)
{
	return {
		{ "text", d.text },
		{ "regions", keys(d.regions) },
		{ "dimms", keys(d.dimms) },
		{ "host_bridges", keys(d.bridges) },
		{ "devices", keys(d.devices) },
	};
}

} // namespace dxm
