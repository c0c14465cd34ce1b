// SPDX-License-Identifier: GPL-2.0
#include "sysfs.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "blockdev.h"

namespace fs = std::filesystem;

namespace dxm {

Sysfs::Sysfs(const std::string &root)
{
	std::error_code ec;

	if (!root.empty())
		root_ = fs::canonical(root, ec).string();
	if (ec)
		root_ = root;
}

std::string Sysfs::resolve(const std::string &p) const
{
	std::error_code ec;
	std::string s = fs::canonical(root_ + p, ec).string();

	if (ec || s.compare(0, root_.size(), root_) != 0)
		return "";
	s = s.substr(root_.size());
	return s.empty() ? "/" : s;
}

std::optional<std::string> Sysfs::read(const std::string &p) const
{
	return read_sysfs(root_ + p);
}

bool Sysfs::exists(const std::string &p) const
{
	std::error_code ec;

	return fs::exists(root_ + p, ec);
}

std::vector<std::string> Sysfs::list(const std::string &p,
				     const std::regex &re) const
{
	std::vector<std::string> names;
	std::error_code ec;

	for (fs::directory_iterator it(root_ + p, ec), end;
	     !ec && it != end; it.increment(ec)) {
		std::string n = it->path().filename().string();

		if (std::regex_match(n, re))
			names.push_back(n);
	}
	std::sort(names.begin(), names.end(),
		  [](const std::string &a, const std::string &b) {
			  return a.size() != b.size() ? a.size() < b.size() :
							a < b;
		  });
	return names;
}

std::vector<std::string> components(const std::string &path)
{
	std::vector<std::string> c;
	size_t pos = 0;

	while (pos < path.size()) {
		size_t slash = path.find('/', pos);

		if (slash == std::string::npos)
			slash = path.size();
		if (slash > pos)
			c.push_back(path.substr(pos, slash - pos));
		pos = slash + 1;
	}
	return c;
}

std::string join_path(const std::vector<std::string> &c, size_t n)
{
	std::string p;

	for (size_t i = 0; i < n && i < c.size(); i++)
		p += "/" + c[i];
	return p;
}

std::string parent_of(const std::string &path)
{
	size_t slash = path.rfind('/');

	return slash == std::string::npos || slash == 0 ? "/" :
	       path.substr(0, slash);
}

std::string base_of(const std::string &path)
{
	return path.substr(path.rfind('/') + 1);
}

} // namespace dxm
