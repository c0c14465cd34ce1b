// SPDX-License-Identifier: GPL-2.0
/*
 * /etc/daxmirror.conf, in the spirit of mdadm.conf: which name and
 * settings a set gets when it is assembled, by set UUID.
 *
 *   # comment
 *   ARRAY <name> uuid=<set uuid> [sync_interval_ms=<ms>]
 *         [sweep_max_kbps=<KiB/s>] [no_dax]
 *
 * Unknown words, a missing uuid=, a UUID or name given twice are errors
 * naming the file and line.
 */
#ifndef DAXMIRROR_CONFIG_H
#define DAXMIRROR_CONFIG_H

#include <optional>
#include <string>
#include <vector>

#include "superblock.h"

namespace dxm {

inline constexpr const char *DEFAULT_CONFIG = "/etc/daxmirror.conf";

struct ArrayConf {
	std::string name;
	Uuid uuid{};
	std::optional<uint32_t> sync_interval_ms;
	std::optional<uint32_t> sweep_max_kbps;
	bool no_dax = false;
	int line = 0;
};

struct Config {
	std::vector<ArrayConf> arrays;

	/* The entry of a set, or nullptr. */
	const ArrayConf *find(const Uuid &uuid) const;
};

/* Throws Error("PATH:LINE", why). */
Config parse_config(const std::string &text, const std::string &path);

/* A missing file is an empty configuration unless must_exist. */
Config read_config(const std::string &path, bool must_exist);

/* The ARRAY line that gives a set this name and these settings. */
std::string array_line(const ArrayConf &a);

} // namespace dxm

#endif
