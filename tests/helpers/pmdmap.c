// SPDX-License-Identifier: GPL-2.0
/*
 * pmdmap FILE [MiB]
 *
 * Creates FILE (default 8 MiB, fallocated), maps it MAP_SHARED at a
 * 2 MiB-aligned address, writes a pattern to every 4 KiB page through the
 * mapping, msyncs, reads it back, and says whether the file is DAX
 * (STATX_ATTR_DAX).  The test counts the fs_dax tracepoint
 * dax_pmd_fault_done (NOPAGE vs FALLBACK) around it: with DAX, an aligned
 * file extent and an aligned mapping, every fault should be a 2 MiB one.
 *
 * pmdmap --isdax FILE: exit 0 if FILE is accessed with DAX, 1 if not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif
#define PMD_SIZE (2UL << 20)

static int is_dax(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx)) {
		perror("statx");
		exit(2);
	}
	if (!(stx.stx_attributes_mask & STATX_ATTR_DAX))
		return -1;	/* kernel does not report it */
	return !!(stx.stx_attributes & STATX_ATTR_DAX);
}

int main(int argc, char **argv)
{
	size_t len, off;
	char *resv, *map;
	uintptr_t aligned;
	int fd, dax;

	if (argc == 3 && !strcmp(argv[1], "--isdax"))
		return is_dax(argv[2]) == 1 ? 0 : 1;
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s FILE [MiB] | --isdax FILE\n", argv[0]);
		return 2;
	}
	len = (argc == 3 ? strtoul(argv[2], NULL, 0) : 8) << 20;
	if (!len || len % PMD_SIZE) {
		fprintf(stderr, "pmdmap: size must be a multiple of 2 MiB\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CREAT, 0644);
	if (fd < 0 || fallocate(fd, 0, 0, len)) {
		perror(argv[1]);
		return 1;
	}
	/* reserve len + 2 MiB of address space, then map over an aligned part */
	resv = mmap(NULL, len + PMD_SIZE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED) {
		perror("mmap reserve");
		return 1;
	}
	aligned = ((uintptr_t)resv + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
	map = mmap((void *)aligned, len, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap file");
		return 1;
	}
	for (off = 0; off < len; off += 4096)
		memset(map + off, (int)(off >> 12) & 0xff, 4096);
	if (msync(map, len, MS_SYNC)) {
		perror("msync");
		return 1;
	}
	for (off = 0; off < len; off += 4096) {
		if ((unsigned char)map[off + 4095] != ((off >> 12) & 0xff)) {
			fprintf(stderr, "pmdmap: wrong data at offset %zu\n", off);
			return 1;
		}
	}
	dax = is_dax(argv[1]);
	printf("pmdmap: %s: %zu MiB mapped at %p, dax=%d\n", argv[1], len >> 20,
	       (void *)map, dax);
	munmap(map, len);
	close(fd);
	return 0;
}
