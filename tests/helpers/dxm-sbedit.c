// SPDX-License-Identifier: GPL-2.0
/*
 * dxm-sbv1 LEG: rewrites the valid version-2 superblock of LEG as the
 * previous release wrote it (format version 1: no name, no settings,
 * those bytes zero), checksum included, so that the VM tests can check
 * that sets formatted before version 2 still assemble and stay version 1.
 * Exit 0 done, 1 not a valid version-2 superblock, 2 usage or I/O error.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include "daxmirror_validate.h"

/* the kernel's crc32c(): no inversion before or after (bitwise) */
__u32 dxm_crc32c(__u32 crc, const void *buf, size_t len)
{
	const __u8 *p = buf;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78U : crc >> 1;
	}
	return crc;
}

int main(int argc, char **argv)
{
	struct dxm_superblock *sb;
	struct dxm_sb_info info;
	unsigned long long bytes;
	enum dxm_reason r;
	off_t at;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s LEG\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes) ||
	    posix_memalign((void **)&sb, 4096, sizeof(*sb))) {
		perror(argv[1]);
		return 2;
	}
	at = (off_t)DXM_ROUND_DOWN(bytes, DXM_BLOCK_SIZE) - DXM_BLOCK_SIZE;
	if (pread(fd, sb, sizeof(*sb), at) != (ssize_t)sizeof(*sb)) {
		perror("read");
		return 2;
	}
	r = dxm_sb_validate(sb, bytes >> DXM_SECTOR_SHIFT, -1, &info, NULL);
	if (r != DXM_R_OK || info.version != 2) {
		fprintf(stderr, "%s: not a valid version-2 superblock (%s)\n",
			argv[1], r ? dxm_reason_name(r) : "version");
		return 1;
	}
	info.version = 1;
	memset(info.name, 0, sizeof(info.name));
	info.sync_interval_ms = 0;
	info.sweep_max_kbps = 0;
	info.options = 0;
	dxm_sb_encode(&info, sb);
	if (dxm_sb_validate(sb, bytes >> DXM_SECTOR_SHIFT, -1, NULL, NULL)) {
		fprintf(stderr, "%s: the version-1 image is not valid\n",
			argv[1]);
		return 2;
	}
	if (pwrite(fd, sb, sizeof(*sb), at) != (ssize_t)sizeof(*sb) ||
	    fsync(fd)) {
		perror("write");
		return 2;
	}
	printf("%s: superblock rewritten as format version 1\n", argv[1]);
	return 0;
}
