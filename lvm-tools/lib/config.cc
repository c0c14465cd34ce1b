// SPDX-License-Identifier: GPL-2.0
#include "config.h"

#include <cerrno>
#include <fstream>
#include <sstream>

#include "daxmirror_format.h"
#include "errors.h"
#include "size.h"

namespace dxm {

const ArrayConf *Config::find(const Uuid &uuid) const
{
	for (const auto &a : arrays)
		if (a.uuid == uuid)
			return &a;
	return nullptr;
}

namespace {

/* KEY=VAL of an ARRAY line: a number from 0 to @max. */
uint32_t setting(const std::string &where, const std::string &key,
		 const std::string &val, uint32_t max)
{
	uint64_t v = UINT64_MAX;

	try {
		v = parse_u64(val);
	} catch (const std::invalid_argument &) {
	}
	if (v > max)
		throw Error(where, "bad " + key + " '" + val + "' (0 to " +
				   std::to_string(max) + ")");
	return static_cast<uint32_t>(v);
}

} // namespace

Config parse_config(const std::string &text, const std::string &path)
{
	std::istringstream in(text);
	std::string line;
	Config c;
	int n = 0;

	while (std::getline(in, line)) {
		std::string where = path + ":" + std::to_string(++n);
		std::istringstream words(line.substr(0, line.find('#')));
		std::string w;
		ArrayConf a;
		bool have_uuid = false;

		if (!(words >> w))
			continue;
		if (w != "ARRAY")
			throw Error(where, "unknown keyword '" + w +
					   "' (expected ARRAY)");
		if (!(words >> a.name) || a.name.find('=') != std::string::npos)
			throw Error(where, "ARRAY needs a name first");
		a.line = n;
		while (words >> w) {
			size_t eq = w.find('=');
			std::string key = w.substr(0, eq);
			std::string val = eq == std::string::npos ? "" :
				w.substr(eq + 1);

			if (key == "uuid" && eq != std::string::npos) {
				if (!parse_uuid(val, &a.uuid))
					throw Error(where, "bad uuid '" + val +
							   "'");
				have_uuid = true;
			} else if (key == "sync_interval_ms" &&
				   eq != std::string::npos) {
				a.sync_interval_ms = setting(where, key, val,
							     DXM_MAX_SYNC_INTERVAL_MS);
			} else if (key == "sweep_max_kbps" &&
				   eq != std::string::npos) {
				a.sweep_max_kbps = setting(where, key, val,
							   DXM_MAX_SWEEP_KBPS);
			} else if (w == "no_dax") {
				a.no_dax = true;
			} else {
				throw Error(where, "unknown setting '" + w + "'");
			}
		}
		if (!have_uuid)
			throw Error(where, "ARRAY " + a.name + " has no uuid=");
		for (const auto &o : c.arrays) {
			if (o.uuid == a.uuid)
				throw Error(where, "set " + format_uuid(a.uuid) +
						   " is configured on line " +
						   std::to_string(o.line) + " too");
			if (o.name == a.name)
				throw Error(where, "name " + a.name +
						   " is used on line " +
						   std::to_string(o.line) + " too");
		}
		c.arrays.push_back(a);
	}
	return c;
}

Config read_config(const std::string &path, bool must_exist)
{
	std::ifstream f(path);
	std::stringstream ss;

	if (!f) {
		if (!must_exist && errno == ENOENT)
			return {};
		throw_errno(path, "cannot read the configuration",
			    errno ? errno : EIO);
	}
	ss << f.rdbuf();
	return parse_config(ss.str(), path);
}

std::string array_line(const ArrayConf &a)
{
	std::string s = "ARRAY " + a.name + " uuid=" + format_uuid(a.uuid);

	if (a.sync_interval_ms)
		s += " sync_interval_ms=" + std::to_string(*a.sync_interval_ms);
	if (a.sweep_max_kbps)
		s += " sweep_max_kbps=" + std::to_string(*a.sweep_max_kbps);
	if (a.no_dax)
		s += " no_dax";
	return s;
}

} // namespace dxm
