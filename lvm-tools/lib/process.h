// SPDX-License-Identifier: GPL-2.0
/* Running another program (posix_spawn: the tool may have threads). */
#ifndef DAXMIRROR_PROCESS_H
#define DAXMIRROR_PROCESS_H

#include <string>
#include <vector>

namespace dxm {

/*
 * Runs argv[0] (searched in PATH) with the tool's stdin, stdout and
 * stderr and waits for it; returns its exit status (128 + the signal
 * that killed it).  Throws Error when it cannot be started.
 */
int run_program(const std::vector<std::string> &argv);

} // namespace dxm

#endif
