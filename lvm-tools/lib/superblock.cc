// SPDX-License-Identifier: GPL-2.0
#include "superblock.h"

#include <endian.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "crc32c.h"

static_assert(sizeof(struct dxm_superblock) == DXM_SB_SIZE,
	      "struct dxm_superblock must be one 4 KiB block");
static_assert(sizeof(struct dxm_remap_header) == DXM_REMAP_HEADER_SIZE,
	      "struct dxm_remap_header size");
static_assert(sizeof(struct dxm_remap_entry) == 8, "remap entry size");

namespace dxm {

namespace {

bool is_power_of_2(uint64_t v)
{
	return v && !(v & (v - 1));
}

bool all_zero(const uint8_t *p, size_t len)
{
	return std::all_of(p, p + len, [](uint8_t b) { return b == 0; });
}

uint32_t block_csum(const struct dxm_superblock &raw)
{
	struct dxm_superblock copy;

	memcpy(&copy, &raw, sizeof(copy));
	copy.csum = 0;
	return crc32c(&copy, sizeof(copy));
}

} // namespace

uint64_t superblock_sector(uint64_t leg_sectors)
{
	uint64_t end = DXM_ROUND_DOWN(leg_sectors, DXM_PAGE_SECTORS);

	return end >= DXM_PAGE_SECTORS ? end - DXM_PAGE_SECTORS : 0;
}

SuperblockBlock encode_superblock(const Superblock &sb)
{
	struct dxm_superblock raw;
	SuperblockBlock out;

	memset(&raw, 0, sizeof(raw));
	raw.magic = htole64(sb.magic);
	raw.version = htole32(sb.version);
	memcpy(raw.set_uuid, sb.set_uuid.data(), sizeof(raw.set_uuid));
	raw.leg_index = htole32(sb.leg_index);
	raw.flags = htole32(sb.flags);
	raw.events = htole64(sb.events);
	raw.ctime = htole64(sb.ctime);
	raw.leg_sectors = htole64(sb.leg_sectors);
	raw.data_offset = htole64(sb.data_offset);
	raw.data_sectors = htole64(sb.data_sectors);
	raw.region_sectors = htole32(sb.region_sectors);
	raw.spare_pages = htole32(sb.spare_pages);
	raw.spare_offset = htole64(sb.spare_offset);
	raw.remap_offset = htole64(sb.remap_offset);
	raw.remap_sectors = htole64(sb.remap_sectors);
	raw.bitmap_offset = htole64(sb.bitmap_offset);
	raw.bitmap_sectors = htole64(sb.bitmap_sectors);
	raw.sb_offset = htole64(sb.sb_offset);
	raw.leg_state[0] = htole32(sb.leg_state[0]);
	raw.leg_state[1] = htole32(sb.leg_state[1]);
	raw.rebuild_offset = htole64(sb.rebuild_offset);
	raw.csum = htole32(block_csum(raw));
	memcpy(out.data(), &raw, sizeof(raw));
	return out;
}

SbDecode decode_superblock(const uint8_t *block, size_t len)
{
	struct dxm_superblock raw;
	SbDecode d;
	Superblock &sb = d.sb;

	if (len < sizeof(raw)) {
		d.kind = SbKind::Corrupt;
		d.problem = "superblock is truncated";
		return d;
	}
	if (all_zero(block, sizeof(raw))) {
		d.kind = SbKind::Blank;
		return d;
	}
	memcpy(&raw, block, sizeof(raw));
	if (le64toh(raw.magic) != DXM_MAGIC) {
		d.kind = SbKind::Foreign;
		d.problem = "not blank and holds no daxmirror superblock";
		return d;
	}
	sb.magic = le64toh(raw.magic);
	sb.csum = le32toh(raw.csum);
	sb.version = le32toh(raw.version);
	memcpy(sb.set_uuid.data(), raw.set_uuid, sb.set_uuid.size());
	sb.leg_index = le32toh(raw.leg_index);
	sb.flags = le32toh(raw.flags);
	sb.events = le64toh(raw.events);
	sb.ctime = le64toh(raw.ctime);
	sb.leg_sectors = le64toh(raw.leg_sectors);
	sb.data_offset = le64toh(raw.data_offset);
	sb.data_sectors = le64toh(raw.data_sectors);
	sb.region_sectors = le32toh(raw.region_sectors);
	sb.spare_pages = le32toh(raw.spare_pages);
	sb.spare_offset = le64toh(raw.spare_offset);
	sb.remap_offset = le64toh(raw.remap_offset);
	sb.remap_sectors = le64toh(raw.remap_sectors);
	sb.bitmap_offset = le64toh(raw.bitmap_offset);
	sb.bitmap_sectors = le64toh(raw.bitmap_sectors);
	sb.sb_offset = le64toh(raw.sb_offset);
	sb.leg_state[0] = le32toh(raw.leg_state[0]);
	sb.leg_state[1] = le32toh(raw.leg_state[1]);
	sb.rebuild_offset = le64toh(raw.rebuild_offset);

	d.kind = SbKind::Corrupt;
	if (sb.csum != block_csum(raw))
		d.problem = "superblock checksum mismatch";
	else if (sb.version != DXM_VERSION)
		d.problem = "unsupported superblock version " +
			    std::to_string(sb.version);
	else if (!all_zero(raw.pad, sizeof(raw.pad)))
		d.problem = "superblock reserved area is not zero";
	else
		d.kind = SbKind::Valid;
	return d;
}

std::string validate_superblock(const Superblock &sb, uint64_t device_sectors,
				int expected_leg)
{
	struct dxm_geometry g;

	if (sb.magic != DXM_MAGIC)
		return "not a daxmirror superblock";
	if (sb.version != DXM_VERSION)
		return "unsupported superblock version " +
		       std::to_string(sb.version);
	if (sb.leg_index > 1)
		return "superblock leg index " + std::to_string(sb.leg_index) +
		       " is not 0 or 1";
	if (expected_leg >= 0 && sb.leg_index != (uint32_t)expected_leg)
		return "superblock belongs to the other leg position";
	if (sb.flags & ~DXM_SB_F_ALL)
		return "superblock has unknown flags";
	if (sb.region_sectors < DXM_MIN_REGION_SECTORS ||
	    sb.region_sectors > DXM_MAX_REGION_SECTORS ||
	    !is_power_of_2(sb.region_sectors))
		return "superblock region size is invalid";
	if (sb.spare_pages > DXM_MAX_SPARE_PAGES)
		return "superblock spare pool is invalid";
	if (sb.leg_sectors > device_sectors ||
	    DXM_ROUND_DOWN(sb.leg_sectors, DXM_PAGE_SECTORS) !=
		    DXM_ROUND_DOWN(device_sectors, DXM_PAGE_SECTORS))
		return "superblock leg size does not match the device";
	if (dxm_compute_geometry(sb.leg_sectors, sb.region_sectors,
				 sb.spare_pages, &g))
		return "superblock geometry does not fit the device";
	if (sb.data_offset != 0 || !sb.data_sectors ||
	    sb.data_sectors > g.data_sectors ||
	    sb.data_sectors % DXM_DATA_ALIGN_SECTORS)
		return "superblock data area is invalid or misaligned";
	if (sb.spare_offset != g.spare_offset ||
	    sb.remap_offset != g.remap_offset ||
	    sb.remap_sectors != g.remap_sectors ||
	    sb.bitmap_offset != g.bitmap_offset ||
	    sb.bitmap_sectors != g.bitmap_sectors ||
	    sb.sb_offset != g.sb_offset)
		return "superblock metadata offsets are inconsistent";
	for (uint32_t s : sb.leg_state)
		if (s > DXM_LEG_STATE_MAX)
			return "superblock leg state is invalid";
	if (sb.rebuild_offset > sb.data_sectors)
		return "superblock rebuild checkpoint is beyond the data area";
	return "";
}

Superblock make_superblock(const Uuid &uuid, uint32_t leg_index,
			   uint64_t leg_sectors, uint64_t data_sectors,
			   uint32_t region_sectors, uint32_t spare_pages)
{
	struct dxm_geometry g;
	Superblock sb;

	if (dxm_compute_geometry(leg_sectors, region_sectors, spare_pages, &g))
		throw std::invalid_argument("leg too small for the metadata");
	if (data_sectors > g.data_sectors)
		throw std::invalid_argument("data area larger than the leg");
	sb.set_uuid = uuid;
	sb.leg_index = leg_index;
	sb.events = 1;
	sb.leg_sectors = leg_sectors;
	sb.data_sectors = data_sectors;
	sb.region_sectors = region_sectors;
	sb.spare_pages = spare_pages;
	sb.spare_offset = g.spare_offset;
	sb.remap_offset = g.remap_offset;
	sb.remap_sectors = g.remap_sectors;
	sb.bitmap_offset = g.bitmap_offset;
	sb.bitmap_sectors = g.bitmap_sectors;
	sb.sb_offset = g.sb_offset;
	return sb;
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
