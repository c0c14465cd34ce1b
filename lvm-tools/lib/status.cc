// SPDX-License-Identifier: GPL-2.0
#include "status.h"

#include <cctype>
#include <sstream>
#include <tuple>
#include <vector>

#include "size.h"

namespace dxm {

namespace {

#define DXM_STATUS_NAME(id, name) name,
const char *const field_names[DXM_ST_NR] = {
	DXM_STATUS_FIELD_LIST(DXM_STATUS_NAME)
};
#undef DXM_STATUS_NAME

/* parse_status() below reads each field of the shared list */
static_assert(DXM_ST_NR == 16,
	      "a status field was added to include/daxmirror_status.h: "
	      "parse it in parse_status() and count it here");

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
#define DXM_ACTION_IS(id, name) a == name ||
	/* "frozen": targets before 1.2 */
	return DXM_ACTION_LIST(DXM_ACTION_IS) a == "frozen";
#undef DXM_ACTION_IS
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
	/* field i of the line, and that field rejected */
	auto field = [&f](dxm_status_field i) -> const std::string & {
		return f[i];
	};
	auto reject = [&f](dxm_status_field i, const std::string &expected) {
		bad(i, f[i], expected);
	};

	if (field(DXM_ST_NR_LEGS) != "2")
		reject(DXM_ST_NR_LEGS, "2");
	s.dev[0] = device(DXM_ST_LEG0, field(DXM_ST_LEG0));
	s.dev[1] = device(DXM_ST_LEG1, field(DXM_ST_LEG1));

	s.health = field(DXM_ST_HEALTH);
	if (s.health.size() != 2 ||
	    s.health.find_first_not_of("AaD") != std::string::npos)
		reject(DXM_ST_HEALTH, "one of A, a, D per leg");

	std::tie(s.in_sync, s.total) = pair(DXM_ST_IN_SYNC,
					    field(DXM_ST_IN_SYNC));
	if (s.in_sync > s.total)
		reject(DXM_ST_IN_SYNC, "in_sync not above total");

	s.action = field(DXM_ST_ACTION);
	if (!is_known_action(s.action))
		reject(DXM_ST_ACTION,
		       "idle, resync, rebuild, check, repair or frozen");

	s.mismatches = number(DXM_ST_MISMATCHES, field(DXM_ST_MISMATCHES));
	std::tie(s.remapped[0], s.remapped[1]) =
		pair(DXM_ST_REMAPPED, field(DXM_ST_REMAPPED));
	std::tie(s.spare_free[0], s.spare_free[1]) =
		pair(DXM_ST_SPARE_FREE, field(DXM_ST_SPARE_FREE));
	s.lost_pages = number(DXM_ST_LOST_PAGES, field(DXM_ST_LOST_PAGES));
	s.hot_regions = number(DXM_ST_HOT_REGIONS, field(DXM_ST_HOT_REGIONS));
	s.data_offset = number(DXM_ST_DATA_OFFSET, field(DXM_ST_DATA_OFFSET));

	if (field(DXM_ST_DAX) == "dax")
		s.dax = true;
	else if (field(DXM_ST_DAX) != "nodax")
		reject(DXM_ST_DAX, "dax or nodax");

	const std::string &err = field(DXM_ST_ERROR);
	if (err == "0") {
		s.error = 0;
	} else {
		uint64_t e = 0;

		if (err.size() < 2 || err[0] != '-')
			reject(DXM_ST_ERROR, "0 or a negative errno");
		try {
			e = parse_u64(err.substr(1));
		} catch (const std::invalid_argument &) {
			reject(DXM_ST_ERROR, "0 or a negative errno");
		}
		if (!e || e > 4095)
			reject(DXM_ST_ERROR, "0 or a negative errno");
		s.error = -static_cast<int>(e);
	}
	/* fields of later target versions, when the line has them */
	s.extra_fields = f.size() - STATUS_FIELDS;
	if (f.size() > DXM_ST_SWEPT) {
		if (field(DXM_ST_SWEPT) != "-") {
			s.sweep = pair(DXM_ST_SWEPT, field(DXM_ST_SWEPT));
			if (s.sweep->first > s.sweep->second)
				reject(DXM_ST_SWEPT, "swept not above total");
		}
		s.extra_fields--;
	}
	if (f.size() > DXM_ST_IO_ERRORS) {
		auto e = pair(DXM_ST_IO_ERRORS, field(DXM_ST_IO_ERRORS));

		s.io_errors = std::array<uint64_t, 2>{ e.first, e.second };
		s.extra_fields--;
	}
	return s;
}

} // namespace dxm
