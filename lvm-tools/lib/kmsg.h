// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log since a point in time, to show why the kernel refused
 * a table or a message: a constructor puts its one-line reason in
 * ti->error, which reaches the kernel log, while the ioctl only returns
 * EINVAL.  Opened before the operation, read after it.  Best effort:
 * without /dev/kmsg access it yields nothing.
 */
#ifndef DAXMIRROR_KMSG_H
#define DAXMIRROR_KMSG_H

#include <string>
#include <vector>

#include "blockdev.h"

namespace dxm {

class KernelLog {
public:
	KernelLog();	/* positions at the end of the log */

	/* New records whose text contains one of the needles. */
	std::vector<std::string> read_new(const std::vector<std::string> &needles);

	/* The last matching new record, or "". */
	std::string last(const std::vector<std::string> &needles);

	/*
	 * Why an activation failed: the last matching new record that is
	 * not device-mapper's own "preresume failed" summary (the target's
	 * reason comes before it), else that summary, or "".
	 */
	std::string reason(const std::vector<std::string> &needles);

private:
	Fd fd_;
};

/* The text of a /dev/kmsg record "pri,seq,ts,flags;text\n..." */
std::string kmsg_record_text(const std::string &record);

} // namespace dxm

#endif
