// SPDX-License-Identifier: GPL-2.0
#include "fsgeom.h"

#include "blockdev.h"

namespace dxm {

namespace {

constexpr size_t EXT_SB = 1024;		/* byte offset of the ext superblock */
constexpr uint16_t EXT_MAGIC = 0xef53;
constexpr uint32_t EXT_INCOMPAT_64BIT = 0x80;
constexpr uint32_t XFS_MAGIC = 0x58465342; /* "XFSB" */

uint32_t le32(const std::vector<uint8_t> &b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 |
	       (uint32_t)b[off + 2] << 16 | (uint32_t)b[off + 3] << 24;
}

uint32_t be32(const std::vector<uint8_t> &b, size_t off)
{
	return (uint32_t)b[off] << 24 | (uint32_t)b[off + 1] << 16 |
	       (uint32_t)b[off + 2] << 8 | (uint32_t)b[off + 3];
}

uint64_t be64(const std::vector<uint8_t> &b, size_t off)
{
	return (uint64_t)be32(b, off) << 32 | be32(b, off + 4);
}

} // namespace

std::optional<FsGeometry> parse_ext_geometry(const std::vector<uint8_t> &head)
{
	if (head.size() < EXT_SB + 1024)
		return std::nullopt;
	uint16_t magic = (uint16_t)(head[EXT_SB + 0x38] |
				    head[EXT_SB + 0x39] << 8);
	uint32_t log = le32(head, EXT_SB + 0x18);

	if (magic != EXT_MAGIC || log > 6)	/* 1 KiB .. 64 KiB blocks */
		return std::nullopt;
	uint64_t blocks = le32(head, EXT_SB + 0x04);

	if (le32(head, EXT_SB + 0x60) & EXT_INCOMPAT_64BIT)
		blocks |= (uint64_t)le32(head, EXT_SB + 0x150) << 32;
	FsGeometry g;

	g.type = "ext4";
	g.block_size = 1024u << log;
	g.bytes = blocks * g.block_size;
	return g;
}

std::optional<FsGeometry> parse_xfs_geometry(const std::vector<uint8_t> &head)
{
	if (head.size() < 512 || be32(head, 0) != XFS_MAGIC)
		return std::nullopt;
	uint32_t bs = be32(head, 4);

	if (bs < 512 || bs > 65536 || (bs & (bs - 1)))
		return std::nullopt;
	FsGeometry g;

	g.type = "xfs";
	g.block_size = bs;
	g.bytes = be64(head, 8) * bs;
	return g;
}

std::optional<FsGeometry> read_fs_geometry(const std::string &path)
{
	auto head = read_sectors(path, 0, 128);	/* 64 KiB */

	if (auto g = parse_ext_geometry(head))
		return g;
	return parse_xfs_geometry(head);
}

} // namespace dxm
