// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs tree under a root directory ("" for the running system's
 * /sys; a tree made up by a unit test otherwise), read with paths as on
 * a running system ("/sys/class/block/pmem0"), and path helpers.
 */
#ifndef DAXMIRROR_SYSFS_H
#define DAXMIRROR_SYSFS_H

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace dxm {

class Sysfs {
public:
	explicit Sysfs(const std::string &root);

	/* Where p leads once every symlink is followed (a path as on a
	 * running system), "" when it leads nowhere or out of the tree. */
	std::string resolve(const std::string &p) const;
	/* An attribute's text without its trailing newline, or nullopt. */
	std::optional<std::string> read(const std::string &p) const;
	bool exists(const std::string &p) const;
	/* Names in directory p that match re, mapping2 before mapping10. */
	std::vector<std::string> list(const std::string &p,
				      const std::regex &re) const;

private:
	std::string root_;
};

/* "/a/b/c" -> {"a", "b", "c"} */
std::vector<std::string> components(const std::string &path);
/* The first n components as a path ("/a/b") */
std::string join_path(const std::vector<std::string> &c, size_t n);
/* "/a/b/c" -> "/a/b"; "/" for "/a" */
std::string parent_of(const std::string &path);
/* "/a/b/c" -> "c" */
std::string base_of(const std::string &path);

} // namespace dxm

#endif
