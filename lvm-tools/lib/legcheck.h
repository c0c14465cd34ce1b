// SPDX-License-Identifier: GPL-2.0
/*
 * May this device become a leg?  The facts are gathered from the system
 * (blkid signatures, an O_EXCL open, queue/dax, the block where our
 * superblock goes); judge_leg() is the pure policy on them, shared by
 * create and replace:
 *  - a signature (filesystem, RAID, partition table) or a daxmirror
 *    superblock of another set or position: refused unless --force
 *    (which wipes them);
 *  - a device in use (mounted, held by another device, opened with
 *    O_EXCL): refused, --force or not, with what to do about it;
 *  - a device without DAX: refused unless the mirror is made without DAX;
 *  - anything but zeros in the superblock block is cleared before the
 *    table is loaded, since the kernel only formats a blank leg.
 */
#ifndef DAXMIRROR_LEGCHECK_H
#define DAXMIRROR_LEGCHECK_H

#include <optional>
#include <string>
#include <vector>

#include "blkid.h"
#include "blockdev.h"
#include "superblock.h"

namespace dxm {

struct LegFacts {
	BlockDevice dev;
	std::vector<blkid::Signature> signatures;
	int busy_errno = 0;		/* errno of the O_EXCL open, 0 if free */
	std::string busy_reason;	/* by what, and what to do (EBUSY) */
	SbKind sb_kind = SbKind::Blank;
	Superblock sb;			/* when sb_kind is Valid or Corrupt */
	std::string sb_problem;
};

struct LegPolicy {
	bool force = false;
	bool require_dax = true;
	bool no_dax_option = true;	/* the command takes --no-dax (create) */
	/* replace: a superblock of this set at this position is a re-add */
	std::optional<Uuid> own_set;
	int position = -1;
};

struct LegFinding {
	std::string why;
	bool forceable;
};

struct LegVerdict {
	std::vector<LegFinding> problems;	/* refused unless all forced */
	bool clear_superblock = false;		/* zero the block before load */
	bool readd = false;			/* same set, same position */

	/* first problem that stops us, given --force */
	std::optional<LegFinding> blocking(bool force) const;

	/* Throws Error(given, why) for that problem, pointing to --force
	 * when --force would let it pass. */
	void refuse_blocked(const std::string &given, bool force) const;
};

/* Gathers the facts; a regular file is accepted when allow_file. */
LegFacts gather_leg_facts(const std::string &path, bool allow_file);

LegVerdict judge_leg(const LegFacts &f, const LegPolicy &p);

/* Why a device cannot be a leg of a DAX mirror (nullopt: it can);
 * with no_dax_option the reason points to --no-dax. */
std::optional<std::string> dax_refusal(const BlockDevice &dev,
				       bool no_dax_option);

} // namespace dxm

#endif
