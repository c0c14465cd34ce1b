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
 * pmdmap --rounds N FILE [MiB]: the same, then N rounds of: store a
 * whole page of the first 2 MiB (page 37 * round modulo 512, pattern of
 * the round), msync; then the file read back with pread (every page as
 * last stored) and fsynced (the reads' hand-outs leave nothing hot); then
 * one last store to page 1, without msync.  msync write-protects the
 * mapping, so each round's store faults again.  The test reads the
 * mirror's hot_regions after it: the pages handed out by the last
 * store's fault (1 with 4 KiB faults, 512 with a 2 MiB fault).
 *
 * pmdmap --dense S FILE [MiB]: the first pass, then S seconds of stores
 * to every page, over and over, without msync (the mirror's interval
 * sync is what unmaps the file between passes); then the file read back
 * with pread (every page holds the last pass's pattern).
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
#include <time.h>
#include <unistd.h>

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif
#define PMD_SIZE (2UL << 20)
#define ROUND_PAGES (PMD_SIZE / 4096)	/* --rounds store to the first 2 MiB */

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

/* whether page @pg of @fd, read with pread, begins and ends with @want */
static int page_holds(int fd, size_t pg, unsigned char want)
{
	unsigned char buf[4096];

	if (pread(fd, buf, sizeof(buf), (off_t)(pg * 4096)) !=
	    (ssize_t)sizeof(buf)) {
		perror("pread");
		return 0;
	}
	if (buf[0] != want || buf[4095] != want) {
		fprintf(stderr, "pmdmap: page %zu holds %#x, expected %#x\n",
			pg, buf[0], want);
		return 0;
	}
	return 1;
}

/* the byte every page holds after @rounds rounds (before the last store) */
static unsigned char expected(size_t pg, long rounds)
{
	unsigned char v = (unsigned char)(pg & 0xff);
	long r;

	for (r = 1; r <= rounds; r++)
		if ((size_t)(37 * r) % ROUND_PAGES == pg)
			v = (unsigned char)(0x40 + r);
	return v;
}

static int store_rounds(int fd, char *map, size_t len, long rounds)
{
	size_t npages = len / 4096, pg;
	long r;

	for (r = 1; r <= rounds; r++) {
		pg = (size_t)(37 * r) % ROUND_PAGES;
		memset(map + pg * 4096, 0x40 + (int)r, 4096);
		if (msync(map, len, MS_SYNC)) {
			perror("msync");
			return 1;
		}
	}
	for (pg = 0; pg < npages; pg++)
		if (!page_holds(fd, pg, expected(pg, rounds)))
			return 1;
	if (fsync(fd)) {
		perror("fsync");
		return 1;
	}
	memset(map + 4096, 0xee, 4096);	/* no msync: the test counts hot */
	return 0;
}

static int store_dense(int fd, char *map, size_t len, long seconds)
{
	time_t end = time(NULL) + seconds;
	unsigned char v = 0x80;
	size_t off;

	while (time(NULL) < end) {
		v = v == 0xfe ? 0x80 : v + 1;
		for (off = 0; off < len; off += 4096)
			memset(map + off, v, 4096);
	}
	for (off = 0; off < len; off += 4096)
		if (!page_holds(fd, off / 4096, v))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	size_t len, off;
	char *resv, *map;
	uintptr_t aligned;
	long rounds = 0, dense = 0;
	int fd, dax;

	if (argc == 3 && !strcmp(argv[1], "--isdax"))
		return is_dax(argv[2]) == 1 ? 0 : 1;
	if (argc >= 3 && !strcmp(argv[1], "--rounds")) {
		rounds = strtol(argv[2], NULL, 0);
		argc -= 2;
		argv += 2;
	} else if (argc >= 3 && !strcmp(argv[1], "--dense")) {
		dense = strtol(argv[2], NULL, 0);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || argc > 3 || rounds < 0 || dense < 0) {
		fprintf(stderr, "usage: %s [--rounds N | --dense S] FILE [MiB] | --isdax FILE\n",
			argv[0]);
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
	if (rounds && store_rounds(fd, map, len, rounds))
		return 1;
	if (dense && store_dense(fd, map, len, dense))
		return 1;
	dax = is_dax(argv[1]);
	printf("pmdmap: %s: %zu MiB mapped at %p, dax=%d\n", argv[1], len >> 20,
	       (void *)map, dax);
	munmap(map, len);
	close(fd);
	return 0;
}
