// SPDX-License-Identifier: GPL-2.0
/*
 * The metadata rules shared with the admin tool and the fuzz targets
 * (include/daxmirror_validate.c), compiled into the module, with the
 * kernel's crc32c() as their checksum.
 */
#include <linux/crc32c.h>
#include "daxmirror_validate.c"

__u32 dxm_crc32c(__u32 crc, const void *buf, size_t len)
{
	return crc32c(crc, buf, len);
}
