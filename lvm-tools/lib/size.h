// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes on the command line and in output.
 *
 * SIZE is a number with an optional unit: none or B = bytes, s = 512-byte
 * sectors, K/M/G/T = KiB/MiB/GiB/TiB (binary; "KiB" and "KB" are accepted
 * and mean the same).  A fraction is allowed with a unit ("1.5G") as long
 * as the result is a whole number of bytes.
 */
#ifndef DAXMIRROR_SIZE_H
#define DAXMIRROR_SIZE_H

#include <cstdint>
#include <string>

namespace dxm {

/* Returns bytes; throws std::invalid_argument with a reason. */
uint64_t parse_size(const std::string &text);

/*
 * "PCT%" with up to four decimals; returns parts per million (so 100 %
 * is 1000000).  Throws std::invalid_argument.
 */
uint64_t parse_percent(const std::string &text);

/* A plain unsigned decimal number, no sign, no unit, no junk. */
uint64_t parse_u64(const std::string &text);

/* "512 B", "64 KiB", "1.50 GiB" */
std::string format_size(uint64_t bytes);

} // namespace dxm

#endif
