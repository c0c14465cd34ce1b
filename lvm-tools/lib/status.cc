// SPDX-License-Identifier: GPL-2.0
#include "status.h"

#include <cctype>
#include <sstream>
#include <tuple>
#include <vector>

#include "size.h"

namespace dxm {

namespace {

const char *const field_names[STATUS_FIELDS + 2] = {
	"number of legs", "leg 0 device", "leg 1 device", "health",
	"in_sync/total", "action", "mismatches", "remapped",
	"spare_free", "lost_pages", "hot_regions", "data_offset",
	"dax", "error", "swept/total", "io_errors",
};

[[noreturn]] void bad(size_t idx, const std::string &tok,
		      const std::string &expected)
{
	throw StatusParseError("status field " + std::to_string(idx + 1) +
			       " (" + field_names[idx] + ") '" + tok +
			       "': expected " + expected);
}

uint64_t number(size_t idx, const std::string &tok)
{
	try {
		return parse_u64(tok);
	} catch (const std::invalid_argument &) {
		bad(idx, tok, "an unsigned number");
	}
}

std::pair<uint64_t, uint64_t> pair(size_t idx, const std::string &tok)
{
	size_t slash = tok.find('/');

	if (slash == std::string::npos || tok.find('/', slash + 1) !=
	    std::string::npos)
		bad(idx, tok, "two numbers as N/M");
	try {
		return { parse_u64(tok.substr(0, slash)),
			 parse_u64(tok.substr(slash + 1)) };
	} catch (const std::invalid_argument &) {
		bad(idx, tok, "two numbers as N/M");
	}
}

std::optional<std::string> device(size_t idx, const std::string &tok)
{
	size_t colon = tok.find(':');

	if (tok == "-")
		return std::nullopt;
	if (colon == std::string::npos)
		bad(idx, tok, "major:minor or -");
	try {
		parse_u64(tok.substr(0, colon));
		parse_u64(tok.substr(colon + 1));
	} catch (const std::invalid_argument &) {
		bad(idx, tok, "major:minor or -");
	}
	return tok;
}

} // namespace

bool is_known_action(const std::string &a)
{
	return a == "idle" || a == "resync" || a == "rebuild" ||
	       a == "check" || a == "repair" || a == "frozen";
}

MirrorStatus parse_status(const std::string &line)
{
	std::istringstream in(line);
	std::vector<std::string> f;
	std::string t;
	MirrorStatus s;

	while (in >> t)
		f.push_back(t);
	if (f.size() < STATUS_FIELDS)
		throw StatusParseError("status line has " +
				       std::to_string(f.size()) +
				       " fields, expected at least " +
				       std::to_string(STATUS_FIELDS) + ": '" +
				       line + "'");
	if (f[0] != "2")
		bad(0, f[0], "2");
	s.dev[0] = device(1, f[1]);
	s.dev[1] = device(2, f[2]);

	s.health = f[3];
	if (s.health.size() != 2 ||
	    s.health.find_first_not_of("AaD") != std::string::npos)
		bad(3, f[3], "one of A, a, D per leg");

	std::tie(s.in_sync, s.total) = pair(4, f[4]);
	if (s.in_sync > s.total)
		bad(4, f[4], "in_sync not above total");

	s.action = f[5];
	if (!is_known_action(s.action))
		bad(5, f[5], "idle, resync, rebuild, check, repair or frozen");

	s.mismatches = number(6, f[6]);
	std::tie(s.remapped[0], s.remapped[1]) = pair(7, f[7]);
	std::tie(s.spare_free[0], s.spare_free[1]) = pair(8, f[8]);
	s.lost_pages = number(9, f[9]);
	s.hot_regions = number(10, f[10]);
	s.data_offset = number(11, f[11]);

	if (f[12] == "dax")
		s.dax = true;
	else if (f[12] != "nodax")
		bad(12, f[12], "dax or nodax");

	if (f[13] == "0") {
		s.error = 0;
	} else {
		uint64_t e = 0;

		if (f[13].size() < 2 || f[13][0] != '-')
			bad(13, f[13], "0 or a negative errno");
		try {
			e = parse_u64(f[13].substr(1));
		} catch (const std::invalid_argument &) {
			bad(13, f[13], "0 or a negative errno");
		}
		if (!e || e > 4095)
			bad(13, f[13], "0 or a negative errno");
		s.error = -static_cast<int>(e);
	}
	s.extra_fields = f.size() - STATUS_FIELDS;
	if (f.size() > STATUS_FIELDS) {
		if (f[14] != "-") {
			s.sweep = pair(14, f[14]);
			if (s.sweep->first > s.sweep->second)
				bad(14, f[14], "swept not above total");
		}
		s.extra_fields--;
	}
	if (f.size() > STATUS_FIELDS + 1) {
		auto e = pair(15, f[15]);

		s.io_errors = std::array<uint64_t, 2>{ e.first, e.second };
		s.extra_fields--;
	}
	return s;
}

} // namespace dxm
