// SPDX-License-Identifier: GPL-2.0
/*
 * json_samples DIR: the JSON documents the tool prints, made by the
 * tool's own converters (and json_document) from fixed reports, one per
 * line as "<schema def>\t<document>", for json_schema_test.py to check
 * against docs/daxmirror.schema.json.  Also writes leg images into DIR
 * (blank.img, foreign.img, corrupt.img, valid.img, remapped.img,
 * unfit.img) that the test gives to "daxmirror examine --json".
 */
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "crc32c.h"
#include "detail_report.h"
#include "events.h"
#include "jsondoc.h"
#include "scan.h"

using namespace dxm;

namespace {

constexpr uint64_t LEG_SECTORS = 16384;	/* 8 MiB */

void emit(const char *def, const nlohmann::ordered_json &doc)
{
	std::cout << def << "\t" << doc.dump() << "\n";
}

void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void write_at(const std::string &path, uint64_t off, const void *p,
	      size_t n)
{
	std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);

	f.seekp((std::streamoff)off);
	f.write((const char *)p, (std::streamsize)n);
	if (!f)
		throw std::runtime_error("cannot write " + path);
}

std::string image(const std::string &dir, const char *name, uint64_t sectors)
{
	std::string path = dir + "/" + name;
	std::ofstream f(path, std::ios::binary | std::ios::trunc);
	std::vector<char> zero(512, 0);

	for (uint64_t i = 0; i < sectors; i++)
		f.write(zero.data(), (std::streamsize)zero.size());
	if (!f)
		throw std::runtime_error("cannot create " + path);
	return path;
}

Superblock superblock(uint32_t leg)
{
	Uuid u{};
	uint32_t spare = 8, region = 1024;

	for (size_t i = 0; i < u.size(); i++)
		u[i] = (uint8_t)(0x11 * (i + 1));
	auto data = leg_data_sectors(LEG_SECTORS, region, spare);
	if (!data)
		throw std::runtime_error("image too small");
	return make_superblock(u, leg, LEG_SECTORS, *data, region, spare);
}

void put_superblock(const std::string &path, const Superblock &sb,
		    uint64_t leg_sectors)
{
	SuperblockBlock b = encode_superblock(sb);

	write_at(path, superblock_sector(leg_sectors) << 9, b.data(),
		 b.size());
}

/* copy A of the remap table with spare slot 0 holding data page 5, and
 * region 3 marked in the bitmap */
void put_remap(const std::string &path, const Superblock &sb)
{
	std::vector<uint8_t> c(sb.remap_sectors << 9, 0);
	uint8_t bits = 1 << 3;

	put64(c.data(), DXM_REMAP_MAGIC);
	put32(c.data() + 12, sb.spare_pages);
	put64(c.data() + 16, 1);
	for (uint32_t i = 0; i < sb.spare_pages; i++)
		put64(c.data() + DXM_REMAP_HEADER_SIZE + 8 * i,
		      i ? DXM_NO_PAGE : 5);
	put32(c.data() + 8, ~crc32c_update(~0U, c.data(),
					   DXM_REMAP_HEADER_SIZE +
					   8 * sb.spare_pages));
	write_at(path, sb.remap_offset << 9, c.data(), c.size());
	write_at(path, sb.bitmap_offset << 9, &bits, 1);
}

LegMeta examined(const std::string &path)
{
	return read_leg_meta(inspect_device(path, true));
}

FailureDomain domain(const char *region, const char *dimm)
{
	FailureDomain d;

	d.device = "pmem0";
	d.text = std::string("NVDIMM ") + region + " (" + dimm + ")";
	d.regions[region] = std::string("NVDIMM ") + region;
	d.dimms[dimm] = std::string("DIMM ") + dimm;
	return d;
}

DeviceReport report(const char *line)
{
	DeviceReport r = make_report("m0", 12288, parse_status(line));

	r.uuid = "11223344-5566-7788-99aa-bbccddeeff00";
	for (auto &l : r.legs)
		if (l.maj_min)
			l.device = "/dev/pmem" + std::to_string(l.index);
	return r;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: json_samples DIR\n");
		return 2;
	}
	std::string dir = argv[1];

	/* status: healthy; degraded with bad blocks; a rebuild under way */
	DeviceReport healthy = report(
		"2 259:0 259:1 AA 12288/12288 idle 0 0/0 8/8 0 0 0 dax 0");
	DeviceReport degraded = report(
		"2 259:0 - AD 12288/12288 idle 8 1/0 7/8 2 3 0 dax -5");
	set_leg_badblocks(degraded.legs[0], { { 16, 8 }, { 64, 1 } });
	DeviceReport rebuilding = report(
		"2 259:0 259:2 Aa 4096/12288 rebuild 0 0/0 8/8 0 1 0 "
		"nodax 0 4096/12288");
	for (const auto *r : { &healthy, &degraded, &rebuilding })
		emit("status_document", json_document("status", to_json(*r)));

	/* examine (and list) of leg images */
	image(dir, "blank.img", LEG_SECTORS);
	std::string foreign = image(dir, "foreign.img", LEG_SECTORS);
	std::vector<uint8_t> junk(4096, 0xa5);
	write_at(foreign, superblock_sector(LEG_SECTORS) << 9, junk.data(),
		 junk.size());
	std::string corrupt = image(dir, "corrupt.img", LEG_SECTORS);
	Superblock sb0 = superblock(0);
	put_superblock(corrupt, sb0, LEG_SECTORS);
	uint8_t flip = 0xff;
	write_at(corrupt, (superblock_sector(LEG_SECTORS) << 9) + 2048, &flip,
		 1);
	std::string valid = image(dir, "valid.img", LEG_SECTORS);
	put_superblock(valid, sb0, LEG_SECTORS);
	std::string remapped = image(dir, "remapped.img", LEG_SECTORS);
	Superblock sb1 = superblock(1);
	put_superblock(remapped, sb1, LEG_SECTORS);
	put_remap(remapped, sb1);
	/* a valid superblock on a device of another size */
	std::string unfit = image(dir, "unfit.img", LEG_SECTORS + 2048);
	put_superblock(unfit, sb0, LEG_SECTORS + 2048);

	std::vector<LegMeta> metas;
	for (const char *n : { "blank.img", "foreign.img", "corrupt.img",
			       "valid.img", "remapped.img", "unfit.img" }) {
		metas.push_back(examined(dir + "/" + n));
		emit("examine_document",
		     json_document("leg_metadata", to_json(metas.back())));
	}
	for (const auto &p : { valid, remapped, corrupt, unfit }) {
		auto l = examine_leg(inspect_device(p, true));
		if (l)
			emit("list_entry", json_document("list_entry",
							 to_json(*l)));
	}

	/* detail: both legs read; one unreadable, one without a device */
	DetailReport d;
	d.name = "m0";
	d.table.legs = { "259:0", "259:1" };
	d.table.sync_interval_ms = 0;
	d.table.sweep_max_kbps = 4096;
	d.table.rebuild_leg = 1;
	d.status = healthy;
	d.legs[0].device = valid;
	d.legs[0].meta = metas[3];
	d.legs[0].domain = domain("region0", "nmem0");
	d.legs[1].device = remapped;
	d.legs[1].meta = metas[4];
	d.legs[1].domain = domain("region0", "nmem1");
	d.shared = "NVDIMM region0";
	emit("detail_document", json_document("detail", to_json(d)));
	d.status = degraded;
	d.legs[1] = LegDetail();
	d.legs[0].meta.reset();
	d.legs[0].problem = "cannot open it: Permission denied";
	d.shared.clear();
	emit("detail_document", json_document("detail", to_json(d)));

	/* monitor events */
	const MirrorStatus &a = healthy.status, &b = degraded.status,
			   &c = rebuilding.status;
	emit("event_document", json_document("event", make_event(
		"2026-01-02T03:04:05.678Z", "m0", "change", 7,
		changed_fields(a, b), a, b)));
	emit("event_document", json_document("event", make_event(
		"2026-01-02T03:04:05.678Z", "m0", "change", 8,
		changed_fields(b, c), b, c)));
	emit("event_document", json_document("event", make_event(
		"2026-01-02T03:04:05.678Z", "m0", "added", 1, {},
		std::nullopt, a)));
	emit("event_document", json_document("event", make_event(
		"2026-01-02T03:04:05.678Z", "m0", "removed", 9, {}, c,
		std::nullopt)));
	for (const char *ev : { "state", "test" })
		emit("event_document", json_document("event", make_event(
			utc_timestamp(), "m0", ev, 3, {}, std::nullopt, b)));
	return 0;
}
