// SPDX-License-Identifier: GPL-2.0
/*
 * dxm-validate DEVICE 0|1|any: what dm-daxmirror's constructor says about
 * the metadata of one leg offered at that position (any: position not
 * known, as the tool reads a leg), with the module's own rules
 * (include/daxmirror_validate.c).  Reads the superblock from the last
 * 4 KiB-aligned block and, when it is valid, both remap table copies,
 * with O_DIRECT.  Prints one line ending in the reason names in brackets
 * and exits with:
 *   0 "OK copy=<-1|0|1> seq=N remapped=N events=N [ok A=<r> B=<r>]"
 *   1 "REFUSE sb: <text> [<r>]" or
 *     "REFUSE remap: <text> (A: <text>, B: <text>) [<r> A=<r> B=<r>]"
 *   2 "BLANK [sb_blank]"                    superblock area all zero
 *   3 usage or I/O error
 * dxm-validate --reasons: every reason, "name<TAB>text" per line.
 * Tests use it to predict the kernel's verdict on corrupted images.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include "daxmirror_validate.h"

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

static const char *copy_text(enum dxm_reason r)
{
	return r ? dxm_reason_text(r) : "valid";
}

int main(int argc, char **argv)
{
	struct dxm_remap_verdict v;
	struct dxm_superblock *sb;
	struct dxm_sb_info info;
	struct dxm_geometry g;
	uint64_t bytes = 0, dev;
	__u64 *scratch;
	enum dxm_reason why;
	unsigned char *a, *b;
	struct stat st;
	int fd, leg, i;

	if (argc == 2 && !strcmp(argv[1], "--reasons")) {
		for (i = 0; i < DXM_R_NR_REASONS; i++)
			printf("%s\t%s\n", dxm_reason_name(i), dxm_reason_text(i));
		return 0;
	}
	if (argc != 3 || (strcmp(argv[2], "0") && strcmp(argv[2], "1") &&
			  strcmp(argv[2], "any"))) {
		fprintf(stderr, "usage: dxm-validate DEVICE 0|1|any | --reasons\n");
		return 3;
	}
	leg = strcmp(argv[2], "any") ? atoi(argv[2]) : -1;
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
	/* the kernel refuses a small leg before reading anything */
	why = dxm_leg_size_check(dev);
	if (why) {
		printf("REFUSE sb: %s [%s]\n", dxm_reason_text(why), dxm_reason_name(why));
		return 1;
	}
	sb = read_at(fd, DXM_ROUND_DOWN(dev, DXM_PAGE_SECTORS) - DXM_PAGE_SECTORS,
		     DXM_SB_SIZE);
	if (!sb) {
		perror("reading the superblock");
		return 3;
	}
	why = dxm_sb_check(sb, dev, leg, &info, &g);
	if (why == DXM_R_SB_BLANK) {
		printf("BLANK [%s]\n", dxm_reason_name(why));
		return 2;
	}
	if (why) {
		printf("REFUSE sb: %s [%s]\n", dxm_reason_text(why), dxm_reason_name(why));
		return 1;
	}
	a = read_at(fd, g.remap_offset, g.remap_sectors << 9);
	b = read_at(fd, g.remap_offset + g.remap_sectors, g.remap_sectors << 9);
	scratch = calloc(info.spare_pages + 1, sizeof(*scratch));
	if (!a || !b || !scratch) {
		perror("reading the remap table");
		return 3;
	}
	why = dxm_remap_check(a, b, g.remap_sectors << 9, info.spare_pages,
			      info.data_sectors, scratch, &v);
	if (why) {
		printf("REFUSE remap: %s (A: %s, B: %s) [%s A=%s B=%s]\n",
		       dxm_reason_text(why), copy_text(v.why[0]),
		       copy_text(v.why[1]), dxm_reason_name(why),
		       dxm_reason_name(v.why[0]), dxm_reason_name(v.why[1]));
		return 1;
	}
	printf("OK copy=%d seq=%llu remapped=%u events=%llu [ok A=%s B=%s]\n",
	       v.copy, (unsigned long long)v.seq, v.nr_remapped,
	       (unsigned long long)info.events, dxm_reason_name(v.why[0]),
	       dxm_reason_name(v.why[1]));
	return 0;
}
