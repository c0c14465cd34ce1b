// SPDX-License-Identifier: GPL-2.0
/*
 * libblkid wrapper: the signatures on a device (filesystems, RAID
 * members, partition tables; every one, like wipefs) and resolution of
 * UUID=/LABEL= tags to device paths.
 */
#ifndef DAXMIRROR_BLKID_H
#define DAXMIRROR_BLKID_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dxm::blkid {

struct Signature {
	std::string type;	/* "ext4", "xfs", "gpt", ... */
	std::string usage;	/* "filesystem", "raid", "partition table" */
	std::string label;
	std::string uuid;
	uint64_t offset = 0;	/* of the magic, in bytes */

	std::string describe() const; /* "ext4 filesystem (LABEL=x)" */
};

/* Every signature found; throws Error(path, ...) when it cannot probe. */
std::vector<Signature> probe_signatures(const std::string &path);

/*
 * Erases every signature probe_signatures() reports (like wipefs -a),
 * opening the device exclusively; throws Error(path, ...).
 */
void wipe_signatures(const std::string &path);

/* True for "UUID=...", "LABEL=...", "PARTUUID=...", "PARTLABEL=..." */
bool is_tag(const std::string &spec);

/* The device with that tag; throws Error when none matches. */
std::string resolve_tag(const std::string &spec);

/* A tag is resolved, anything else returned as it is. */
std::string resolve_device(const std::string &spec);

} // namespace dxm::blkid

#endif
