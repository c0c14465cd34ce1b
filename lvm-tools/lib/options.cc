// SPDX-License-Identifier: GPL-2.0
#include "options.h"

#include <cstdio>
#include <sstream>

#include "errors.h"
#include "size.h"

namespace po = boost::program_options;

namespace dxm {

namespace {

bool is_power_of_2(uint64_t v)
{
	return v && !(v & (v - 1));
}

uint64_t size_or_usage(const std::string &option, const std::string &text)
{
	try {
		return parse_size(text);
	} catch (const std::invalid_argument &e) {
		throw UsageError(option + " " + text, e.what());
	}
}

} // namespace

uint32_t parse_region_size(const std::string &text)
{
	uint64_t bytes = size_or_usage("--region-size", text);
	uint64_t sectors = bytes >> DXM_SECTOR_SHIFT;

	if (bytes % 512 || !is_power_of_2(sectors) ||
	    sectors < DXM_MIN_REGION_SECTORS ||
	    sectors > DXM_MAX_REGION_SECTORS)
		throw UsageError("--region-size " + text,
				 "must be a power of two from 4 KiB to 1 MiB");
	return static_cast<uint32_t>(sectors);
}

SpareSpec parse_spare(const std::string &text)
{
	SpareSpec s;

	if (!text.empty() && text.back() == '%') {
		s.kind = SpareSpec::Kind::Percent;
		try {
			s.value = parse_percent(text);
		} catch (const std::invalid_argument &e) {
			throw UsageError("--spare " + text, e.what());
		}
		if (s.value >= 1000000)
			throw UsageError("--spare " + text,
					 "must be less than 100%");
		return s;
	}
	uint64_t bytes = size_or_usage("--spare", text);

	if (bytes % DXM_BLOCK_SIZE)
		throw UsageError("--spare " + text,
				 "must be a multiple of 4 KiB (one page)");
	s.kind = SpareSpec::Kind::Pages;
	s.value = bytes / DXM_BLOCK_SIZE;
	if (s.value > DXM_MAX_SPARE_PAGES)
		throw UsageError("--spare " + text,
				 "more than the maximum of 4 GiB");
	return s;
}

/* the limit of include/daxmirror_format.h, as the kernel's error says it */
const std::string SYNC_INTERVAL_RANGE =
	"must be milliseconds from 0 to " +
	std::to_string(DXM_MAX_SYNC_INTERVAL_MS);

uint32_t parse_sync_interval(const std::string &text)
{
	uint64_t v;

	try {
		v = parse_u64(text);
	} catch (const std::invalid_argument &e) {
		throw UsageError("--sync-interval " + text, SYNC_INTERVAL_RANGE);
	}
	if (v > DXM_MAX_SYNC_INTERVAL_MS)
		throw UsageError("--sync-interval " + text, SYNC_INTERVAL_RANGE);
	return static_cast<uint32_t>(v);
}

uint32_t parse_sweep_rate(const std::string &text)
{
	uint64_t v = DXM_MAX_SWEEP_KBPS + 1ULL;

	try {
		v = parse_u64(text);
	} catch (const std::invalid_argument &) {
	}
	if (v > DXM_MAX_SWEEP_KBPS)
		throw UsageError("--sweep-max-kbps " + text,
				 "must be KiB/s from 0 (no limit) to " +
				 std::to_string(DXM_MAX_SWEEP_KBPS));
	return static_cast<uint32_t>(v);
}

int parse_leg_number(const std::string &text)
{
	if (text != "0" && text != "1")
		throw UsageError("--leg " + text, "leg number must be 0 or 1");
	return text[0] - '0';
}

uint64_t parse_byte_count(const std::string &option, const std::string &text)
{
	uint64_t v = size_or_usage(option, text);

	if (v % 512)
		throw UsageError(option + " " + text,
				 "must be a multiple of 512 bytes");
	return v;
}

CommandLine::CommandLine(std::string command, std::string synopsis,
			 std::string summary)
	: command_(std::move(command)), synopsis_(std::move(synopsis)),
	  summary_(std::move(summary)), desc_("Options")
{
	desc_.add_options()("help,h", po::bool_switch(), "show this help");
}

CommandLine &CommandLine::json()
{
	return flag("json", "print JSON instead of text");
}

CommandLine &CommandLine::wait()
{
	return flag("wait", "wait until done; on a terminal show progress, "
			    "rate and ETA");
}

CommandLine &CommandLine::leg()
{
	leg_required_ = true;
	return value("leg", "N", "leg number: 0 or 1");
}

CommandLine &CommandLine::force(const char *help)
{
	return flag("force", help);
}

CommandLine &CommandLine::create_options()
{
	value("region-size", "SIZE",
	      "granularity of dirty tracking: power of two from 4K to 1M "
	      "(default 64K)");
	value("spare", "SIZE|PCT%",
	      "spare pool per leg for remapping bad pages, as a size or a "
	      "share of the smaller leg (default 1M)");
	value("sync-interval", "MS",
	      "longest time a DAX store may stay on one leg without a flush "
	      "(default 1000, 0: only on flush)");
	value("sweep-max-kbps", "KBPS",
	      "rate limit of resync, rebuild and scrubs in KiB/s (default: "
	      "the module parameter sweep_max_kbps, 0: no limit)");
	flag("no-dax", "never offer DAX; allows legs without DAX");
	flag("nosync", "skip the initial copy (legs known identical, e.g. "
		       "both zeroed)");
	flag("pmd-always", "always give 2 MiB DAX faults (default: 4 KiB "
			   "faults for 2 MiB ranges faulted again and again, "
			   "which flushes then copy in 4 KiB)");
	return *this;
}

CommandLine &CommandLine::flag(const char *name, const char *help)
{
	desc_.add_options()(name, po::bool_switch(), help);
	return *this;
}

CommandLine &CommandLine::value(const char *name, const char *arg,
				const char *help)
{
	desc_.add_options()(name, po::value<std::string>()->value_name(arg),
			    help);
	return *this;
}

CommandLine &CommandLine::operands(size_t min, size_t max)
{
	min_ = min;
	max_ = max;
	return *this;
}

std::string CommandLine::help() const
{
	std::ostringstream out;

	out << "Usage: daxmirror " << command_;
	if (!synopsis_.empty())
		out << " " << synopsis_;
	if (leg_required_)
		out << " --leg N";
	out << "\n\n" << summary_ << "\n\n" << desc_;
	return out.str();
}

bool CommandLine::parse(const std::vector<std::string> &args)
{
	po::options_description all;
	po::positional_options_description pos;

	all.add(desc_);
	all.add_options()("operands", po::value<std::vector<std::string>>(),
			  "");
	pos.add("operands", -1);
	try {
		po::store(po::command_line_parser(args)
				  .options(all)
				  .positional(pos)
				  .style(po::command_line_style::unix_style ^
					 po::command_line_style::allow_guessing)
				  .run(),
			  vm_);
		po::notify(vm_);
	} catch (const po::error &e) {
		throw UsageError("", e.what());
	}
	if (vm_["help"].as<bool>()) {
		fputs(help().c_str(), stdout);
		return false;
	}
	if (vm_.count("operands"))
		args_ = vm_["operands"].as<std::vector<std::string>>();
	if (args_.size() < min_)
		throw UsageError("", "missing operand; expected " + synopsis_);
	if (args_.size() > max_)
		throw UsageError("'" + args_[max_] + "'",
				 "unexpected operand; " +
				 (synopsis_.empty() ?
				  command_ + " takes no operands" :
				  "expected " + synopsis_));
	if (leg_required_ && !vm_.count("leg"))
		throw UsageError("", "--leg N is required");
	if (leg_required_)
		parse_leg_number(*get("leg"));
	return true;
}

bool CommandLine::has(const std::string &name) const
{
	auto it = vm_.find(name);

	if (it == vm_.end() || it->second.empty())
		return false;
	if (const bool *b = boost::any_cast<bool>(&it->second.value()))
		return *b;
	return true;
}

std::optional<std::string> CommandLine::get(const std::string &name) const
{
	auto it = vm_.find(name);

	if (it == vm_.end() || it->second.empty())
		return std::nullopt;
	if (const std::string *s =
		    boost::any_cast<std::string>(&it->second.value()))
		return *s;
	return std::nullopt;
}

int CommandLine::leg_number() const
{
	return parse_leg_number(get("leg").value_or(""));
}

CreateOptions CommandLine::create() const
{
	CreateOptions o;

	if (auto v = get("region-size"))
		o.region_sectors = parse_region_size(*v);
	if (auto v = get("spare"))
		o.spare = parse_spare(*v);
	if (auto v = get("sync-interval"))
		o.sync_interval_ms = parse_sync_interval(*v);
	if (auto v = get("sweep-max-kbps"))
		o.sweep_max_kbps = parse_sweep_rate(*v);
	o.no_dax = has("no-dax");
	o.nosync = has("nosync");
	o.pmd_always = has("pmd-always");
	o.force = has("force");
	return o;
}

} // namespace dxm
