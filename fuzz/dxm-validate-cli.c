// SPDX-License-Identifier: GPL-2.0
/*
 * dxm-validate DEVICE LEG_INDEX: what dm-daxmirror's constructor would
 * say about the metadata of one leg, using the userspace twin of its
 * checks (dxm_validate.c).  Reads the superblock from the last 4 KiB-
 * aligned block and, when it is valid, both remap table copies, with
 * O_DIRECT.  Prints one line and exits with:
 *   0 "OK copy=<-1|0|1> seq=N remapped=N"   the leg would be accepted
 *   1 "REFUSE sb: <reason>" or "REFUSE remap: <reason>"
 *   2 "BLANK"                               superblock area all zero
 *   3 usage or I/O error
 * Tests use it to predict the kernel's verdict on corrupted images.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include "dxm_validate.h"

static void *read_at(int fd, uint64_t sector, size_t bytes)
{
	void *buf;

	if (posix_memalign(&buf, 4096, bytes ? bytes : 4096))
		return NULL;
	if (pread(fd, buf, bytes, (off_t)(sector << 9)) != (ssize_t)bytes) {
		free(buf);
		return NULL;
	}
	return buf;
}

int main(int argc, char **argv)
{
	struct dxm_remap_result res;
	struct dxm_superblock *sb;
	struct dxm_geometry g;
	uint64_t bytes = 0, dev;
	unsigned char *a, *b;
	const char *why;
	struct stat st;
	int fd, leg;

	if (argc != 3 || (strcmp(argv[2], "0") && strcmp(argv[2], "1"))) {
		fprintf(stderr, "usage: dxm-validate DEVICE 0|1\n");
		return 3;
	}
	leg = atoi(argv[2]);
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0 || fstat(fd, &st)) {
		perror(argv[1]);
		return 3;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &bytes)) {
			perror("BLKGETSIZE64");
			return 3;
		}
	} else {
		bytes = st.st_size;
	}
	dev = bytes >> 9;
	if (dev < 2 * DXM_DATA_ALIGN_SECTORS) {
		printf("REFUSE sb: Leg is too small (at least 4 MiB)\n");
		return 1;
	}
	sb = read_at(fd, DXM_ROUND_DOWN(dev, DXM_PAGE_SECTORS) - DXM_PAGE_SECTORS,
		     DXM_SB_SIZE);
	if (!sb) {
		perror("reading the superblock");
		return 3;
	}
	if (dxm_sb_blank(sb)) {
		printf("BLANK\n");
		return 2;
	}
	why = dxm_check_sb(sb, leg, dev, &g);
	if (why) {
		printf("REFUSE sb: %s\n", why);
		return 1;
	}
	a = read_at(fd, g.remap_offset, g.remap_sectors << 9);
	b = read_at(fd, g.remap_offset + g.remap_sectors, g.remap_sectors << 9);
	if (!a || !b) {
		perror("reading the remap table");
		return 3;
	}
	why = dxm_remap_load(a, b, g.remap_sectors << 9, le32toh(sb->spare_pages),
			     le64toh(sb->data_sectors), &res);
	if (why) {
		printf("REFUSE remap: %s (A: %s, B: %s)\n", why,
		       res.why[0] ? res.why[0] : "valid", res.why[1] ? res.why[1] : "valid");
		return 1;
	}
	printf("OK copy=%d seq=%llu remapped=%u events=%llu\n", res.copy,
	       (unsigned long long)res.seq, res.nr_remapped,
	       (unsigned long long)le64toh(sb->events));
	return 0;
}
