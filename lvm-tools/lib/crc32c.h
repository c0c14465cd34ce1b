// SPDX-License-Identifier: GPL-2.0
/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the standard
 * form: initial value ~0, final inversion.  Equal to the kernel's
 * ~crc32c(~0, buf, len); the check value of "123456789" is 0xE3069283.
 *
 * The one userspace implementation (Boost.CRC), for the tool and the
 * fuzz targets: crc32c.cc also defines dxm_crc32c(), the checksum of the
 * shared metadata rules (include/daxmirror_validate.h).
 */
#ifndef DAXMIRROR_CRC32C_H
#define DAXMIRROR_CRC32C_H

#include <cstddef>
#include <cstdint>

#include "daxmirror_validate.h"

namespace dxm {

/* Raw update without pre/post inversion, like the kernel's crc32c(). */
inline uint32_t crc32c_update(uint32_t crc, const void *buf, size_t len)
{
	return dxm_crc32c(crc, buf, len);
}

/* Standard CRC-32C of one buffer. */
inline uint32_t crc32c(const void *buf, size_t len)
{
	return ~crc32c_update(~0U, buf, len);
}

} // namespace dxm

#endif
