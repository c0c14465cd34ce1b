// SPDX-License-Identifier: GPL-2.0
#include "legcheck.h"

#include <cerrno>

#include "errors.h"

namespace dxm {

std::optional<LegFinding> LegVerdict::blocking(bool force) const
{
	for (const auto &p : problems)
		if (!p.forceable || !force)
			return p;
	return std::nullopt;
}

void LegVerdict::refuse_blocked(const std::string &given, bool force) const
{
	if (auto b = blocking(force))
		throw Error(given, b->why + (b->forceable && !force ?
					     " (use --force to overwrite)" :
					     ""));
}

LegFacts gather_leg_facts(const std::string &path, bool allow_file)
{
	LegFacts f;
	SuperblockBlock block;
	SbDecode d;

	f.dev = inspect_device(path, allow_file);
	f.busy_errno = exclusive_open_error(f.dev.path);
	if (f.busy_errno && f.busy_errno != EBUSY)
		throw_errno(path, "cannot open", f.busy_errno);
	if (f.busy_errno == EBUSY)
		f.busy_reason = in_use_reason(f.dev);
	f.signatures = blkid::probe_signatures(f.dev.path);
	block = read_superblock_block(f.dev.path, f.dev.sectors);
	d = check_superblock(block, f.dev.sectors, -1);
	f.sb_kind = d.kind;
	f.sb = d.sb;
	f.sb_problem = d.problem;
	return f;
}

LegVerdict judge_leg(const LegFacts &f, const LegPolicy &p)
{
	LegVerdict v;

	/* never forceable: writing under a user of the device ruins both */
	if (f.busy_errno == EBUSY)
		v.problems.push_back({ "is in use: " +
				       (f.busy_reason.empty() ?
					std::string("close it first") :
					f.busy_reason), false });
	for (const auto &s : f.signatures) {
		std::string what = s.describe();
		bool vowel = std::string("aeiouAEIOU").find(what[0]) !=
			     std::string::npos;

		v.problems.push_back({ (vowel ? "holds an " : "holds a ") +
					       what, true });
	}

	switch (f.sb_kind) {
	case SbKind::Blank:
		break;
	case SbKind::Foreign:
		v.problems.push_back({ "holds data in its last 4 KiB, where "
				       "the daxmirror superblock goes", true });
		v.clear_superblock = true;
		break;
	case SbKind::Corrupt:
		v.problems.push_back({ "holds a damaged daxmirror superblock (" +
				       f.sb_problem + ")", true });
		v.clear_superblock = true;
		break;
	case SbKind::Valid:
		if (p.own_set && *p.own_set == f.sb.set_uuid &&
		    (int)f.sb.leg_index == p.position) {
			v.readd = true;
			break;
		}
		v.problems.push_back({ "is leg " +
				       std::to_string(f.sb.leg_index) +
				       " of mirror set " +
				       format_uuid(f.sb.set_uuid), true });
		v.clear_superblock = true;
		break;
	}

	if (p.require_dax)
		if (auto why = dax_refusal(f.dev, p.no_dax_option))
			v.problems.push_back({ *why, false });
	return v;
}

std::optional<std::string> dax_refusal(const BlockDevice &dev,
				       bool no_dax_option)
{
	if (dev.dax == true)
		return std::nullopt;
	std::string why = dev.dax ? "does not support DAX (queue/dax is 0)" :
				    "cannot tell whether it supports DAX";
	return why + (no_dax_option ?
		      "; use --no-dax for a mirror without DAX" :
		      "; the mirror offers DAX, so every leg must support it");
}

} // namespace dxm
