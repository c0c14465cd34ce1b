// SPDX-License-Identifier: GPL-2.0
#include "superblock.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>

static_assert(sizeof(struct dxm_superblock) == DXM_SB_SIZE,
	      "struct dxm_superblock must be one 4 KiB block");
static_assert(sizeof(struct dxm_remap_header) == DXM_REMAP_HEADER_SIZE,
	      "struct dxm_remap_header size");
static_assert(sizeof(struct dxm_remap_entry) == 8, "remap entry size");

namespace dxm {

namespace {

struct dxm_sb_info to_info(const Superblock &sb)
{
	struct dxm_sb_info i = {};

	i.magic = sb.magic;
	i.csum = sb.csum;
	i.version = sb.version;
	memcpy(i.set_uuid, sb.set_uuid.data(), sizeof(i.set_uuid));
	i.leg_index = sb.leg_index;
	i.flags = sb.flags;
	i.events = sb.events;
	i.ctime = sb.ctime;
	i.leg_sectors = sb.leg_sectors;
	i.data_offset = sb.data_offset;
	i.data_sectors = sb.data_sectors;
	i.region_sectors = sb.region_sectors;
	i.spare_pages = sb.spare_pages;
	i.spare_offset = sb.spare_offset;
	i.remap_offset = sb.remap_offset;
	i.remap_sectors = sb.remap_sectors;
	i.bitmap_offset = sb.bitmap_offset;
	i.bitmap_sectors = sb.bitmap_sectors;
	i.sb_offset = sb.sb_offset;
	i.leg_state[0] = sb.leg_state[0];
	i.leg_state[1] = sb.leg_state[1];
	i.rebuild_offset = sb.rebuild_offset;
	memcpy(i.name, sb.name.data(),
	       std::min(sb.name.size(), sizeof(i.name)));
	i.sync_interval_ms = sb.sync_interval_ms;
	i.sweep_max_kbps = sb.sweep_max_kbps;
	i.options = sb.options;
	i.readd_events[0] = sb.readd_events[0];
	i.readd_events[1] = sb.readd_events[1];
	return i;
}

Superblock from_info(const struct dxm_sb_info &i)
{
	Superblock sb;

	sb.magic = i.magic;
	sb.csum = i.csum;
	sb.version = i.version;
	memcpy(sb.set_uuid.data(), i.set_uuid, sb.set_uuid.size());
	sb.leg_index = i.leg_index;
	sb.flags = i.flags;
	sb.events = i.events;
	sb.ctime = i.ctime;
	sb.leg_sectors = i.leg_sectors;
	sb.data_offset = i.data_offset;
	sb.data_sectors = i.data_sectors;
	sb.region_sectors = i.region_sectors;
	sb.spare_pages = i.spare_pages;
	sb.spare_offset = i.spare_offset;
	sb.remap_offset = i.remap_offset;
	sb.remap_sectors = i.remap_sectors;
	sb.bitmap_offset = i.bitmap_offset;
	sb.bitmap_sectors = i.bitmap_sectors;
	sb.sb_offset = i.sb_offset;
	sb.leg_state = { i.leg_state[0], i.leg_state[1] };
	sb.rebuild_offset = i.rebuild_offset;
	sb.name.assign(reinterpret_cast<const char *>(i.name),
		       strnlen(reinterpret_cast<const char *>(i.name),
			       sizeof(i.name)));
	sb.sync_interval_ms = i.sync_interval_ms;
	sb.sweep_max_kbps = i.sweep_max_kbps;
	sb.options = i.options;
	sb.readd_events = { i.readd_events[0], i.readd_events[1] };
	return sb;
}

} // namespace

uint64_t superblock_sector(uint64_t leg_sectors)
{
	uint64_t end = DXM_ROUND_DOWN(leg_sectors, DXM_PAGE_SECTORS);

	return end >= DXM_PAGE_SECTORS ? end - DXM_PAGE_SECTORS : 0;
}

SuperblockBlock encode_superblock(const Superblock &sb)
{
	struct dxm_sb_info info = to_info(sb);
	struct dxm_superblock raw;
	SuperblockBlock out;

	dxm_sb_encode(&info, &raw);
	memcpy(out.data(), &raw, sizeof(raw));
	return out;
}

SbDecode check_superblock(const SuperblockBlock &block,
			  uint64_t device_sectors, int expected_leg)
{
	struct dxm_superblock raw;
	struct dxm_sb_info info;
	SbDecode d;

	memcpy(&raw, block.data(), sizeof(raw));
	d.reason = dxm_sb_check(&raw, device_sectors, expected_leg, nullptr,
				nullptr);
	dxm_sb_decode(&raw, &info);
	if (dxm_sb_blank(&raw)) {
		d.kind = SbKind::Blank;
	} else if (info.magic != DXM_MAGIC) {
		d.kind = SbKind::Foreign;
	} else {
		d.kind = d.reason == DXM_R_OK ? SbKind::Valid : SbKind::Corrupt;
		d.sb = from_info(info);
	}
	if (d.reason != DXM_R_OK && d.reason != DXM_R_SB_BLANK)
		d.problem = dxm_reason_text(d.reason);
	return d;
}

SbDecode decode_superblock(const SuperblockBlock &block)
{
	return check_superblock(block, 0, -1);
}

Superblock make_superblock(const Uuid &uuid, uint32_t leg_index,
			   uint64_t leg_sectors, uint64_t data_sectors,
			   uint32_t region_sectors, uint32_t spare_pages)
{
	struct dxm_sb_info info;
	Superblock sb;

	if (dxm_sb_format(&info, leg_index, leg_sectors, data_sectors,
			  region_sectors, spare_pages))
		throw std::invalid_argument("leg too small for the metadata "
					    "or the data area");
	sb = from_info(info);
	sb.set_uuid = uuid;
	sb.events = 1;
	return sb;
}

bool readd_possible(const Superblock &fresh, const Superblock &mine,
		    uint32_t leg)
{
	struct dxm_sb_info f = to_info(fresh), m = to_info(mine);

	return dxm_readd_ok(&f, &m, leg);
}

std::string format_uuid(const Uuid &u)
{
	char buf[40];

	snprintf(buf, sizeof(buf),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
	return buf;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 32 hex digits, dashes allowed only at the canonical 8-4-4-4-12 places */
bool parse_uuid(const std::string &s, Uuid *out)
{
	Uuid u{};
	size_t n = 0, i = 0;

	if (s.size() != 32 && s.size() != 36)
		return false;
	while (i < s.size()) {
		int hi, lo;

		if (s.size() == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i++] != '-')
				return false;
			continue;
		}
		if (i + 1 >= s.size() || n >= u.size())
			return false;
		hi = hex_value(s[i]);
		lo = hex_value(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		u[n++] = static_cast<uint8_t>(hi << 4 | lo);
		i += 2;
	}
	if (n != u.size())
		return false;
	*out = u;
	return true;
}

std::string leg_state_name(uint32_t state)
{
	switch (state) {
	case DXM_LEG_OK: return "ok";
	case DXM_LEG_STALE: return "stale";
	case DXM_LEG_FAILED: return "failed";
	default: return "unknown(" + std::to_string(state) + ")";
	}
}

} // namespace dxm
