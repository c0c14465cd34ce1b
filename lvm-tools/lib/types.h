// SPDX-License-Identifier: GPL-2.0
/* Small value types shared by the library modules. */
#ifndef DAXMIRROR_TYPES_H
#define DAXMIRROR_TYPES_H

#include <cstdint>
#include <optional>
#include <string>

namespace dxm {

/* A block device number. */
struct DevId {
	unsigned major = 0;
	unsigned minor = 0;

	std::string str() const
	{
		return std::to_string(major) + ":" + std::to_string(minor);
	}
	bool operator==(const DevId &o) const
	{
		return major == o.major && minor == o.minor;
	}
	bool operator!=(const DevId &o) const { return !(*this == o); }
};

/* "259:0" -> DevId; nullopt when malformed. */
std::optional<DevId> parse_dev_id(const std::string &s);

/* A range of bad 512-byte sectors on one device. */
struct Badblock {
	uint64_t sector;
	uint64_t count;
	bool operator==(const Badblock &o) const
	{
		return sector == o.sector && count == o.count;
	}
};

} // namespace dxm

#endif
