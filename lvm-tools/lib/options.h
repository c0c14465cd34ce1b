// SPDX-License-Identifier: GPL-2.0
/*
 * The shared option vocabulary: every command spells and validates
 * --leg, --json, --wait, --force and sizes the same way.  A command
 * declares what it takes on a CommandLine, then parses; any problem is
 * a UsageError (exit code 3).
 */
#ifndef DAXMIRROR_OPTIONS_H
#define DAXMIRROR_OPTIONS_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "mirror_table.h"

namespace dxm {

/* --region-size SIZE -> sectors (power of two, 4 KiB .. 1 MiB) */
uint32_t parse_region_size(const std::string &text);

/* --spare SIZE|PCT% -> pages or parts per million */
SpareSpec parse_spare(const std::string &text);

/* --sync-interval MS -> 0 .. 3600000 */
uint32_t parse_sync_interval(const std::string &text);

/* --sweep-max-kbps KBPS -> 0 .. 100000000 */
uint32_t parse_sweep_rate(const std::string &text);

/* --leg N -> 0 or 1 */
int parse_leg_number(const std::string &text);

/* --offset/--length BYTES -> bytes, a multiple of 512 */
uint64_t parse_byte_count(const std::string &option, const std::string &text);

class CommandLine {
public:
	/* synopsis: the operands, e.g. "NAME LEG0 LEG1" */
	CommandLine(std::string command, std::string synopsis,
		    std::string summary);

	CommandLine &json();
	CommandLine &wait();
	CommandLine &leg();
	CommandLine &force(const char *help);
	CommandLine &create_options();
	CommandLine &flag(const char *name, const char *help);
	CommandLine &value(const char *name, const char *arg,
			   const char *help);
	CommandLine &operands(size_t min, size_t max);

	/* false when --help was given (and printed to stdout) */
	bool parse(const std::vector<std::string> &args);

	const std::vector<std::string> &args() const { return args_; }
	bool has(const std::string &name) const;
	std::optional<std::string> get(const std::string &name) const;

	int leg_number() const;		/* requires leg() */
	CreateOptions create() const;	/* requires create_options() */
	std::string help() const;

private:
	std::string command_, synopsis_, summary_;
	boost::program_options::options_description desc_;
	boost::program_options::variables_map vm_;
	std::vector<std::string> args_;
	size_t min_ = 0, max_ = 0;
	bool leg_required_ = false;
};

} // namespace dxm

#endif
