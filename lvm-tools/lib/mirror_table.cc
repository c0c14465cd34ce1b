// SPDX-License-Identifier: GPL-2.0
#include "mirror_table.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "errors.h"
#include "size.h"

namespace dxm {

namespace {

bool is_power_of_2(uint64_t v)
{
	return v && !(v & (v - 1));
}

bool valid_leg_token(const std::string &s)
{
	return !s.empty() &&
	       std::none_of(s.begin(), s.end(), [](char c) {
		       return c == ' ' || c == '\t' || c == '\n' || c == '\r';
	       });
}

void check_region(uint32_t r)
{
	if (r < DXM_MIN_REGION_SECTORS || r > DXM_MAX_REGION_SECTORS ||
	    !is_power_of_2(r))
		throw std::invalid_argument(
			"region_size must be a power of two from 8 to 2048 sectors");
}

uint32_t parse_u32_arg(const std::string &key, const std::string &val,
		       uint32_t max)
{
	uint64_t v;

	try {
		v = parse_u64(val);
	} catch (const std::invalid_argument &) {
		throw std::invalid_argument(key + " '" + val +
					    "' is not a number");
	}
	if (v > max)
		throw std::invalid_argument(key + " " + val + " is out of range");
	return static_cast<uint32_t>(v);
}

} // namespace

std::string table_params(const TableArgs &a)
{
	std::vector<std::string> opt;
	std::ostringstream out;

	for (const auto &leg : a.legs)
		if (!valid_leg_token(leg))
			throw std::invalid_argument("invalid leg device '" + leg +
						    "'");
	if (a.legs[0] == MISSING_LEG && a.legs[1] == MISSING_LEG)
		throw std::invalid_argument("at least one leg must be given");
	if (a.legs[0] == a.legs[1])
		throw std::invalid_argument("the two legs must be different");
	if (a.region_sectors) {
		check_region(*a.region_sectors);
		opt.insert(opt.end(), { DXM_ARG_REGION_SIZE,
					std::to_string(*a.region_sectors) });
	}
	if (a.spare_pages) {
		if (*a.spare_pages > DXM_MAX_SPARE_PAGES)
			throw std::invalid_argument("spare_pages out of range");
		opt.insert(opt.end(), { DXM_ARG_SPARE_PAGES,
					std::to_string(*a.spare_pages) });
	}
	if (a.sync_interval_ms) {
		if (*a.sync_interval_ms > DXM_MAX_SYNC_INTERVAL_MS)
			throw std::invalid_argument(
				"sync_interval_ms out of range");
		opt.insert(opt.end(), { DXM_ARG_SYNC_INTERVAL,
					std::to_string(*a.sync_interval_ms) });
	}
	if (a.sweep_max_kbps) {
		if (*a.sweep_max_kbps > DXM_MAX_SWEEP_KBPS)
			throw std::invalid_argument(
				"sweep_max_kbps out of range");
		opt.insert(opt.end(), { DXM_ARG_SWEEP_MAX_KBPS,
					std::to_string(*a.sweep_max_kbps) });
	}
	if (a.no_dax)
		opt.emplace_back(DXM_ARG_NO_DAX);
	if (a.nosync)
		opt.emplace_back(DXM_ARG_NOSYNC);
	if (a.pmd_always)
		opt.emplace_back(DXM_ARG_PMD_ALWAYS);
	if (a.grow)
		opt.emplace_back(DXM_ARG_GROW);
	if (a.rebuild_leg) {
		if (*a.rebuild_leg != 0 && *a.rebuild_leg != 1)
			throw std::invalid_argument("rebuild leg must be 0 or 1");
		if (a.legs[*a.rebuild_leg] == MISSING_LEG ||
		    a.legs[1 - *a.rebuild_leg] == MISSING_LEG)
			throw std::invalid_argument(
				"rebuild needs both legs present");
		opt.insert(opt.end(), { DXM_ARG_REBUILD,
					std::to_string(*a.rebuild_leg) });
	}
	out << a.legs[0] << ' ' << a.legs[1];
	if (!opt.empty()) {
		out << ' ' << opt.size();
		for (const auto &o : opt)
			out << ' ' << o;
	}
	return out.str();
}

std::string table_line(uint64_t len, const TableArgs &args)
{
	if (!len)
		throw std::invalid_argument("device length must not be zero");
	return "0 " + std::to_string(len) + " " + TARGET_NAME + " " +
	       table_params(args);
}

TableArgs parse_table_params(const std::string &params)
{
	std::istringstream in(params);
	std::vector<std::string> tok;
	std::string t;
	TableArgs a;
	size_t i = 2, nr_opt, end;

	while (in >> t)
		tok.push_back(t);
	if (tok.size() < 2)
		throw std::invalid_argument("table needs two legs");
	a.legs = { tok[0], tok[1] };
	if (tok.size() == 2)
		return a;
	try {
		nr_opt = parse_u64(tok[2]);
	} catch (const std::invalid_argument &) {
		throw std::invalid_argument("bad optional argument count '" +
					    tok[2] + "'");
	}
	if (nr_opt > DXM_MAX_OPT_ARGS || nr_opt > tok.size() - 3)
		throw std::invalid_argument("bad optional argument count '" +
					    tok[2] + "'");
	end = 3 + nr_opt;
	if (end != tok.size())
		throw std::invalid_argument("trailing arguments after the "
					    "optional arguments");
	for (i = 3; i < end; i++) {
		const std::string key = tok[i];
		auto value = [&]() -> const std::string & {
			if (i + 1 >= end)
				throw std::invalid_argument(key +
							    " is missing its value");
			return tok[++i];
		};
		auto once = [&](bool given) {
			if (given)
				throw std::invalid_argument(key + " given twice");
		};

		if (key == DXM_ARG_NO_DAX) {
			once(a.no_dax);
			a.no_dax = true;
		} else if (key == DXM_ARG_NOSYNC) {
			once(a.nosync);
			a.nosync = true;
		} else if (key == DXM_ARG_PMD_ALWAYS) {
			once(a.pmd_always);
			a.pmd_always = true;
		} else if (key == DXM_ARG_GROW) {
			once(a.grow);
			a.grow = true;
		} else if (key == DXM_ARG_REGION_SIZE) {
			once(a.region_sectors.has_value());
			a.region_sectors = parse_u32_arg(key, value(),
							 DXM_MAX_REGION_SECTORS);
			check_region(*a.region_sectors);
		} else if (key == DXM_ARG_SPARE_PAGES) {
			once(a.spare_pages.has_value());
			a.spare_pages = parse_u32_arg(key, value(),
						      DXM_MAX_SPARE_PAGES);
		} else if (key == DXM_ARG_SYNC_INTERVAL) {
			once(a.sync_interval_ms.has_value());
			a.sync_interval_ms = parse_u32_arg(
				key, value(), DXM_MAX_SYNC_INTERVAL_MS);
		} else if (key == DXM_ARG_SWEEP_MAX_KBPS) {
			once(a.sweep_max_kbps.has_value());
			a.sweep_max_kbps = parse_u32_arg(key, value(),
							 DXM_MAX_SWEEP_KBPS);
		} else if (key == DXM_ARG_REBUILD) {
			once(a.rebuild_leg.has_value());
			a.rebuild_leg = parse_u32_arg(key, value(), 1);
		} else {
			throw std::invalid_argument("unknown optional argument '" +
						    key + "'");
		}
	}
	return a;
}

uint32_t resolve_spare_pages(const SpareSpec &spec, uint64_t min_leg_sectors)
{
	uint64_t pages = spec.value;

	if (spec.kind == SpareSpec::Kind::Percent) {
		unsigned __int128 p = (unsigned __int128)(min_leg_sectors /
							  DXM_PAGE_SECTORS) *
				      spec.value / 1000000;
		pages = p > DXM_MAX_SPARE_PAGES ? DXM_MAX_SPARE_PAGES + 1ULL
						: (uint64_t)p;
	}
	if (pages > DXM_MAX_SPARE_PAGES)
		throw std::invalid_argument(
			"spare pool of " + std::to_string(pages) +
			" pages is more than the maximum " +
			std::to_string(DXM_MAX_SPARE_PAGES) + " pages (" +
			format_size((uint64_t)DXM_MAX_SPARE_PAGES *
				    DXM_BLOCK_SIZE) + ")");
	return static_cast<uint32_t>(pages);
}

std::optional<uint64_t> leg_data_sectors(uint64_t leg_sectors,
					 uint32_t region_sectors,
					 uint32_t spare_pages)
{
	struct dxm_geometry g;

	if (dxm_compute_geometry(leg_sectors, region_sectors, spare_pages, &g))
		return std::nullopt;
	return g.data_sectors;
}

CreatePlan plan_create(const std::array<std::string, 2> &legs,
		       const std::array<uint64_t, 2> &leg_sectors,
		       const CreateOptions &opts)
{
	CreatePlan p;
	uint64_t min_leg = std::min(leg_sectors[0], leg_sectors[1]);

	check_region(opts.region_sectors);
	p.region_sectors = opts.region_sectors;
	try {
		p.spare_pages = resolve_spare_pages(opts.spare, min_leg);
	} catch (const std::invalid_argument &e) {
		throw UsageError("--spare", e.what());
	}
	p.leg_sectors = leg_sectors;
	for (int i = 0; i < 2; i++) {
		auto d = leg_data_sectors(leg_sectors[i], p.region_sectors,
					  p.spare_pages);

		if (!d)
			throw Error(legs[i],
				    "too small for the metadata, " +
				    std::to_string(p.spare_pages) +
				    " spare pages and one 2 MiB data chunk (" +
				    format_size(leg_sectors[i] << 9) + ")");
		p.leg_data_sectors[i] = *d;
	}
	p.len = std::min(p.leg_data_sectors[0], p.leg_data_sectors[1]);
	p.args.legs = legs;
	p.args.region_sectors = p.region_sectors;
	p.args.spare_pages = p.spare_pages;
	p.args.sync_interval_ms = opts.sync_interval_ms;
	p.args.sweep_max_kbps = opts.sweep_max_kbps;
	p.args.no_dax = opts.no_dax;
	p.args.nosync = opts.nosync;
	p.args.pmd_always = opts.pmd_always;
	return p;
}

} // namespace dxm
