// SPDX-License-Identifier: GPL-2.0
#include <doctest/doctest.h>

#include <vector>

#include "fsgeom.h"

using namespace dxm;

namespace {

void put_le32(std::vector<uint8_t> &b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

void put_be32(std::vector<uint8_t> &b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[off + i] = (uint8_t)(v >> (24 - 8 * i));
}

/* The fields of an ext4 superblock that the geometry reads. */
std::vector<uint8_t> ext_head(uint32_t log_block, uint32_t lo, uint32_t hi,
			      bool has_64bit)
{
	std::vector<uint8_t> b(65536, 0);

	b[1024 + 0x38] = 0x53;
	b[1024 + 0x39] = 0xef;
	put_le32(b, 1024 + 0x04, lo);
	put_le32(b, 1024 + 0x18, log_block);
	put_le32(b, 1024 + 0x60, has_64bit ? 0x80 : 0);
	put_le32(b, 1024 + 0x150, hi);
	return b;
}

std::vector<uint8_t> xfs_head(uint32_t bs, uint64_t dblocks)
{
	std::vector<uint8_t> b(65536, 0);

	put_be32(b, 0, 0x58465342);
	put_be32(b, 4, bs);
	put_be32(b, 8, (uint32_t)(dblocks >> 32));
	put_be32(b, 12, (uint32_t)dblocks);
	return b;
}

} // namespace

TEST_CASE("ext4 geometry: block count times block size")
{
	auto g = parse_ext_geometry(ext_head(2, 65536, 0, false));
	REQUIRE(g);
	CHECK(g->type == "ext4");
	CHECK(g->block_size == 4096);
	CHECK(g->bytes == 65536ull * 4096);
}

TEST_CASE("ext4 geometry: the high word counts only with the 64bit feature")
{
	auto with = parse_ext_geometry(ext_head(2, 16, 1, true));
	auto without = parse_ext_geometry(ext_head(2, 16, 1, false));
	REQUIRE(with);
	REQUIRE(without);
	CHECK(with->bytes == ((1ull << 32) + 16) * 4096);
	CHECK(without->bytes == 16ull * 4096);
}

TEST_CASE("ext4 geometry: no magic or an absurd block size is not ext")
{
	auto b = ext_head(2, 100, 0, false);
	b[1024 + 0x38] = 0;
	CHECK_FALSE(parse_ext_geometry(b));
	CHECK_FALSE(parse_ext_geometry(ext_head(20, 100, 0, false)));
	CHECK_FALSE(parse_ext_geometry(std::vector<uint8_t>(1500, 0)));
}

TEST_CASE("xfs geometry: data blocks times block size, big-endian")
{
	auto g = parse_xfs_geometry(xfs_head(4096, 0x100000001ull));
	REQUIRE(g);
	CHECK(g->type == "xfs");
	CHECK(g->block_size == 4096);
	CHECK(g->bytes == 0x100000001ull * 4096);
}

TEST_CASE("xfs geometry: a block size that is no power of two is refused")
{
	CHECK_FALSE(parse_xfs_geometry(xfs_head(3000, 10)));
	CHECK_FALSE(parse_xfs_geometry(xfs_head(0, 10)));
	auto b = xfs_head(4096, 10);
	b[0] = 0;
	CHECK_FALSE(parse_xfs_geometry(b));
}
