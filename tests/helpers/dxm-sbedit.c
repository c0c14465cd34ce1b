// SPDX-License-Identifier: GPL-2.0
/*
 * dxm-sbedit LEG EDIT...: rewrites the valid superblock of LEG with the
 * edits applied, checksum included, so that the VM tests can make the
 * states an older release or a crash leaves:
 *   v1                 format version 1 as the previous release wrote it
 *                      (no name, settings or re-add record: zero)
 *   data_sectors=N     the data size (a grow stopped between the two
 *                      superblock writes leaves one leg with the old one)
 *   events=N           the event counter
 * The result must pass the format's own rules.  Exit 0 done, 1 not a
 * valid superblock (or an edit that breaks a rule), 2 usage or I/O error.
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

static int edit(struct dxm_sb_info *info, const char *e)
{
	unsigned long long v;
	char *end;

	if (!strcmp(e, "v1")) {
		info->version = 1;
		memset(info->name, 0, sizeof(info->name));
		info->sync_interval_ms = 0;
		info->sweep_max_kbps = 0;
		info->options = 0;
		info->readd_events[0] = info->readd_events[1] = 0;
		info->flags &= ~DXM_SB_F_READD;
		return 0;
	}
	if (!strncmp(e, "data_sectors=", 13) || !strncmp(e, "events=", 7)) {
		v = strtoull(strchr(e, '=') + 1, &end, 0);
		if (*end || end == strchr(e, '=') + 1)
			return -1;
		if (e[0] == 'd')
			info->data_sectors = v;
		else
			info->events = v;
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct dxm_superblock *sb;
	struct dxm_sb_info info;
	unsigned long long bytes;
	enum dxm_reason r;
	off_t at;
	int fd, i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s LEG v1|data_sectors=N|events=N...\n",
			argv[0]);
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
	if (r != DXM_R_OK) {
		fprintf(stderr, "%s: not a valid superblock (%s)\n", argv[1],
			dxm_reason_name(r));
		return 1;
	}
	for (i = 2; i < argc; i++)
		if (edit(&info, argv[i])) {
			fprintf(stderr, "%s: unknown edit '%s'\n", argv[0],
				argv[i]);
			return 2;
		}
	dxm_sb_encode(&info, sb);
	r = dxm_sb_validate(sb, bytes >> DXM_SECTOR_SHIFT, -1, NULL, NULL);
	if (r != DXM_R_OK) {
		fprintf(stderr, "%s: the edited superblock breaks a rule (%s)\n",
			argv[1], dxm_reason_name(r));
		return 1;
	}
	if (pwrite(fd, sb, sizeof(*sb), at) != (ssize_t)sizeof(*sb) ||
	    fsync(fd)) {
		perror("write");
		return 2;
	}
	printf("%s: superblock rewritten\n", argv[1]);
	return 0;
}
