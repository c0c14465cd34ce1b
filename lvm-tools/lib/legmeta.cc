// SPDX-License-Identifier: GPL-2.0
#include "legmeta.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "errors.h"
#include "size.h"

namespace dxm {

RemapSummary decode_remap(const uint8_t *a, const uint8_t *b,
			  size_t copy_bytes, uint32_t spare_pages,
			  uint64_t data_sectors)
{
	const uint8_t *c[2] = { a, b };
	struct dxm_remap_verdict v;
	std::vector<__u64> scratch(spare_pages);
	RemapSummary s;

	if (copy_bytes < DXM_REMAP_HEADER_SIZE + (size_t)spare_pages * 8)
		throw std::invalid_argument("remap copy shorter than its "
					    "entries");
	s.reason = dxm_remap_check(a, b, copy_bytes, spare_pages,
				   data_sectors, scratch.data(), &v);
	for (int k = 0; k < 2; k++) {
		s.copy_reason[k] = v.why[k];
		if (v.why[k] == DXM_R_REMAP_MAGIC &&
		    std::all_of(c[k], c[k] + DXM_REMAP_HEADER_SIZE,
				[](uint8_t x) { return !x; }))
			s.copy_problem[k] = "not written yet";
		else
			s.copy_problem[k] = dxm_reason_text(v.why[k]);
	}
	if (s.reason != DXM_R_OK)
		s.problem = dxm_reason_text(s.reason);
	s.copy = v.copy;
	s.seq = v.seq;
	if (s.reason == DXM_R_REMAP_CORRUPT)
		return s;
	if (s.copy < 0) {
		s.free = spare_pages;	/* formatted, never written */
		return s;
	}
	for (uint32_t i = 0; i < spare_pages; i++) {
		uint64_t p = dxm_remap_entry(c[s.copy], i);

		if (p == DXM_NO_PAGE) {
			s.free++;
		} else if (p == DXM_RETIRED_PAGE) {
			s.retired++;
		} else {
			s.remapped++;
			s.pages.emplace_back(i, p);
		}
	}
	return s;
}

BitmapSummary summarize_bitmap(const uint8_t *bits, size_t bytes,
			       uint64_t regions)
{
	BitmapSummary s;

	s.regions = regions;
	regions = std::min<uint64_t>(regions, (uint64_t)bytes * 8);
	for (uint64_t r = 0; r < regions; r++) {
		if (!(bits[r / 8] & (1U << (r % 8))))
			continue;
		if (!s.marked++)
			s.first_marked = r;
	}
	return s;
}

LegMeta read_leg_meta(const BlockDevice &dev)
{
	LegMeta m;
	SuperblockBlock block;
	SbDecode d;

	m.device = dev.path;
	if (dev.is_block)
		m.maj_min = dev.id.str();
	m.sectors = dev.sectors;
	block = read_superblock_block(dev.path, dev.sectors);
	d = check_superblock(block, dev.sectors, -1);
	m.kind = d.kind;
	m.reason = d.reason;
	m.sb = d.sb;
	m.problem = d.problem;
	if (d.kind != SbKind::Valid)
		return m;
	const Superblock &sb = m.sb;
	auto remap = read_sectors(dev.path, sb.remap_offset,
				  2 * sb.remap_sectors);
	size_t copy = sb.remap_sectors << DXM_SECTOR_SHIFT;
	m.remap = decode_remap(remap.data(), remap.data() + copy, copy,
			       sb.spare_pages, sb.data_sectors);
	auto bm = read_sectors(dev.path, sb.bitmap_offset, sb.bitmap_sectors);
	m.bitmap = summarize_bitmap(bm.data(), bm.size(),
				    (sb.data_sectors + sb.region_sectors - 1) /
				    sb.region_sectors);
	return m;
}

namespace {

const char *kind_name(SbKind k)
{
	switch (k) {
	case SbKind::Blank: return "blank";
	case SbKind::Valid: return "valid";
	case SbKind::Foreign: return "foreign";
	case SbKind::Corrupt: return "corrupt";
	}
	return "?";
}

nlohmann::json null_or(const std::string &s)
{
	return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

/* the stable name of a broken rule; null for none (or a plain blank) */
nlohmann::json reason_json(enum dxm_reason r)
{
	return r == DXM_R_OK || r == DXM_R_SB_BLANK ?
	       nlohmann::json(nullptr) : nlohmann::json(dxm_reason_name(r));
}

/* How the set last ran (format version 2), or null (version 1). */
nlohmann::json last_ran_json(const Superblock &sb)
{
	if (!sb.records_settings())
		return nullptr;
	return {
		{ "name", sb.name },
		{ "sync_interval_ms", sb.sync_interval_ms },
		{ "sweep_max_kbps", sb.options & DXM_SB_O_SWEEP_KBPS ?
		  nlohmann::json(sb.sweep_max_kbps) : nlohmann::json(nullptr) },
		{ "no_dax", (sb.options & DXM_SB_O_NO_DAX) != 0 },
		{ "pmd_always", (sb.options & DXM_SB_O_PMD_ALWAYS) != 0 },
	};
}

/* "as NAME, sync_interval_ms N[, sweep_max_kbps N][, no_dax]..." */
std::string last_ran_text(const Superblock &sb)
{
	std::string t = fmt::format("as {}, sync_interval_ms {}",
				    sb.name.empty() ? "(no name)" : sb.name,
				    sb.sync_interval_ms);

	if (sb.options & DXM_SB_O_SWEEP_KBPS)
		t += fmt::format(", sweep_max_kbps {}", sb.sweep_max_kbps);
	if (sb.options & DXM_SB_O_NO_DAX)
		t += ", no_dax";
	if (sb.options & DXM_SB_O_PMD_ALWAYS)
		t += ", pmd_always";
	return t;
}

} // namespace

nlohmann::json to_json(const LegMeta &m)
{
	nlohmann::json j = {
		{ "device", m.device },
		{ "maj_min", m.maj_min ? nlohmann::json(*m.maj_min)
				       : nlohmann::json(nullptr) },
		{ "size_bytes", m.sectors << DXM_SECTOR_SHIFT },
		{ "superblock", kind_name(m.kind) },
		{ "problem", null_or(m.problem) },
		{ "reason", reason_json(m.reason) },
	};
	if (m.kind != SbKind::Valid && m.kind != SbKind::Corrupt)
		return j;
	const Superblock &sb = m.sb;
	j["sb_version"] = sb.version;
	j["set_uuid"] = format_uuid(sb.set_uuid);
	j["leg_index"] = sb.leg_index;
	j["events"] = sb.events;
	j["ctime"] = sb.ctime;
	j["leg_state"] = { leg_state_name(sb.leg_state[0]),
			   leg_state_name(sb.leg_state[1]) };
	j["rebuild_offset"] = sb.flags & DXM_SB_F_REBUILDING ?
			      nlohmann::json(sb.rebuild_offset) :
			      nlohmann::json(nullptr);
	j["data_sectors"] = sb.data_sectors;
	j["region_sectors"] = sb.region_sectors;
	j["spare_pages"] = sb.spare_pages;
	j["last_ran"] = last_ran_json(sb);
	j["layout"] = {
		{ "data_offset", sb.data_offset },
		{ "spare_offset", sb.spare_offset },
		{ "remap_offset", sb.remap_offset },
		{ "remap_sectors", sb.remap_sectors },
		{ "bitmap_offset", sb.bitmap_offset },
		{ "bitmap_sectors", sb.bitmap_sectors },
		{ "sb_offset", sb.sb_offset },
	};
	if (m.remap) {
		const RemapSummary &r = *m.remap;
		nlohmann::json pages = nlohmann::json::array();

		for (const auto &p : r.pages)
			pages.push_back({ { "spare", p.first },
					  { "data_sector",
					    p.second * DXM_PAGE_SECTORS } });
		j["remap"] = {
			{ "copy", r.copy < 0 ? nlohmann::json(nullptr) :
			  nlohmann::json(r.copy ? "B" : "A") },
			{ "seq", r.seq },
			{ "copy_problems", { null_or(r.copy_problem[0]),
					     null_or(r.copy_problem[1]) } },
			{ "copy_reasons", { reason_json(r.copy_reason[0]),
					    reason_json(r.copy_reason[1]) } },
			{ "remapped", r.remapped },
			{ "retired", r.retired },
			{ "free", r.free },
			{ "pages", pages },
			{ "problem", null_or(r.problem) },
			{ "reason", reason_json(r.reason) },
		};
	}
	if (m.bitmap)
		j["bitmap"] = {
			{ "regions", m.bitmap->regions },
			{ "marked", m.bitmap->marked },
			{ "first_marked", m.bitmap->first_marked ?
			  nlohmann::json(*m.bitmap->first_marked) :
			  nlohmann::json(nullptr) },
		};
	return j;
}

std::string render_export(const LegMeta &m)
{
	if (m.kind != SbKind::Valid && m.kind != SbKind::Corrupt)
		return "";
	bool valid = m.problem.empty();

	return fmt::format("DAXMIRROR_LEG=1\nDAXMIRROR_SUPERBLOCK={}\n"
			   "DAXMIRROR_SET_UUID={}\nDAXMIRROR_LEG_INDEX={}\n"
			   "DAXMIRROR_EVENTS={}\n",
			   valid ? "valid" : "corrupt",
			   format_uuid(m.sb.set_uuid), m.sb.leg_index,
			   m.sb.events);
}

std::string render_text(const LegMeta &m)
{
	std::string t = fmt::format("{}{}: {} ({})\n", m.device,
				    m.maj_min ? " [" + *m.maj_min + "]" : "",
				    format_size(m.sectors << DXM_SECTOR_SHIFT),
				    m.kind == SbKind::Valid ? "daxmirror leg" :
				    kind_name(m.kind));
	if (!m.problem.empty())
		t += "  problem:    " + m.problem + "\n";
	if (m.kind != SbKind::Valid && m.kind != SbKind::Corrupt)
		return t;
	const Superblock &sb = m.sb;
	t += fmt::format("  set uuid:   {}\n  leg index:  {}, format version {}\n"
			 "  events:     {}\n  leg states: {}/{}\n",
			 format_uuid(sb.set_uuid), sb.leg_index, sb.version,
			 sb.events, leg_state_name(sb.leg_state[0]),
			 leg_state_name(sb.leg_state[1]));
	if (sb.flags & DXM_SB_F_REBUILDING)
		t += fmt::format("  rebuilding: from sector {} on\n",
				 sb.rebuild_offset);
	if (sb.records_settings())
		t += "  last ran:   " + last_ran_text(sb) + "\n";
	t += fmt::format("  data:       {} ({} sectors), regions of {}\n",
			 format_size(sb.data_sectors << DXM_SECTOR_SHIFT),
			 sb.data_sectors,
			 format_size((uint64_t)sb.region_sectors <<
				     DXM_SECTOR_SHIFT));
	if (m.remap) {
		const RemapSummary &r = *m.remap;

		t += fmt::format("  spares:     {} pages: {} remapped, {} "
				 "retired, {} free",
				 sb.spare_pages, r.remapped, r.retired, r.free);
		if (r.copy >= 0)
			t += fmt::format(" (copy {}, seq {})",
					 r.copy ? 'B' : 'A', r.seq);
		t += "\n";
		for (int k = 0; k < 2; k++)
			if (r.copy >= 0 && !r.copy_problem[k].empty())
				t += fmt::format("  remap copy {}: {}\n",
						 k ? 'B' : 'A',
						 r.copy_problem[k]);
		for (const auto &p : r.pages)
			t += fmt::format("    data sector {} -> spare {}\n",
					 p.second * DXM_PAGE_SECTORS, p.first);
		if (!r.problem.empty())
			t += "  remap:      " + r.problem + "\n";
	}
	if (m.bitmap)
		t += fmt::format("  bitmap:     {} of {} regions marked{}\n",
				 m.bitmap->marked, m.bitmap->regions,
				 m.bitmap->first_marked ?
				 fmt::format(" (first: {})",
					     *m.bitmap->first_marked) : "");
	return t;
}

} // namespace dxm
