// SPDX-License-Identifier: GPL-2.0
/*
 * How much of a device a filesystem claims, read from its own
 * superblock: ext2/3/4 (block count x block size) and xfs (data blocks x
 * block size).  convert needs it to know whether the end of the device,
 * where the mirror's metadata goes, is free.
 */
#ifndef DAXMIRROR_FSGEOM_H
#define DAXMIRROR_FSGEOM_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dxm {

struct FsGeometry {
	std::string type;	/* "ext4" (any ext2/3/4) or "xfs" */
	uint64_t bytes = 0;	/* the device bytes the filesystem claims */
	uint32_t block_size = 0;
};

/* From the first 64 KiB of a device; nullopt when neither is there or
 * the fields are out of range. */
std::optional<FsGeometry> parse_ext_geometry(const std::vector<uint8_t> &head);
std::optional<FsGeometry> parse_xfs_geometry(const std::vector<uint8_t> &head);

/* Reads the head of the device and tries both; throws Error on I/O. */
std::optional<FsGeometry> read_fs_geometry(const std::string &path);

} // namespace dxm

#endif
