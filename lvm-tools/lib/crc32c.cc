// SPDX-License-Identifier: GPL-2.0
/*
 * dxm_crc32c() for userspace, with Boost.CRC.  Linked into the tool and
 * into the fuzz targets, so that both use the same implementation.
 */
#include "crc32c.h"

#include <boost/crc.hpp>

/*
 * The kernel's crc32c(crc, buf, len): the running value in and out, no
 * inversion.  Boost keeps a reflected CRC's running value reflected and
 * takes its initial value unreflected, so the value passed in is
 * bit-reversed first; chained calls then equal one call over the
 * concatenation.
 */
extern "C" __u32 dxm_crc32c(__u32 crc, const void *buf, size_t len)
{
	uint32_t unreflected = 0;

	for (int i = 0; i < 32; i++)
		if (crc & (1U << i))
			unreflected |= 1U << (31 - i);
	boost::crc_optimal<32, 0x1EDC6F41, 0, 0, true, true> c(unreflected);

	c.process_bytes(buf, len);
	return c.checksum();
}
