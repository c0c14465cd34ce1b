/* SPDX-License-Identifier: GPL-2.0 */
/*
 * repl.h: code shared by the replication test helpers (fiemap, twofile,
 * daxstore, pcwriter): the byte pattern of pattern.c, file-to-physical
 * mapping with FIEMAP, O_DIRECT reads of a leg, 2 MiB-aligned mappings.
 */
#ifndef DXM_TEST_REPL_H
#define DXM_TEST_REPL_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#define PMD_SIZE	(2UL << 20)
#define MAX_SEGS	64

static const char *prog = "helper";

static void __attribute__((noreturn, unused, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (fmt[strlen(fmt) - 1] == ':')
		fprintf(stderr, " %s", strerror(e));
	fputc('\n', stderr);
	exit(2);
}

static inline unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		die("not a number: '%s'", s);
	return v;
}

static inline uint64_t mix(uint64_t x)
{
	/* splitmix64 finaliser, as in pattern.c */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * The bytes [off, off + len) of pattern SEED: the same bytes as
 * "pattern SEED BYTES" prints from position off (off and len multiples
 * of 8).
 */
static inline void fill_pattern(void *buf, size_t len, uint64_t seed, uint64_t off)
{
	uint64_t *p = buf, s = mix(seed);
	size_t i;

	for (i = 0; i < len / 8; i++)
		p[i] = mix(s ^ (off / 8 + i));
}

static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One piece of a file range on the device: file offset, device offset. */
struct seg {
	uint64_t logical, physical, len;
};

/*
 * Physical placement of [off, off + len) of the file (bytes on the
 * filesystem's device), after syncing delayed allocations.  Dies if a
 * part is unmapped, unwritten-only placement is fine (it is allocated).
 */
static inline int file_segments(int fd, uint64_t off, uint64_t len, struct seg *segs,
			 int max)
{
	size_t sz = sizeof(struct fiemap) + 256 * sizeof(struct fiemap_extent);
	struct fiemap *fm = calloc(1, sz);
	uint64_t pos = off, end = off + len;
	unsigned int i;
	int n = 0;

	if (!fm)
		die("out of memory");
	fm->fm_start = off;
	fm->fm_length = len;
	fm->fm_flags = FIEMAP_FLAG_SYNC;
	fm->fm_extent_count = 256;
	if (ioctl(fd, FS_IOC_FIEMAP, fm))
		die("FS_IOC_FIEMAP:");
	for (i = 0; i < fm->fm_mapped_extents && pos < end; i++) {
		struct fiemap_extent *e = &fm->fm_extents[i];
		uint64_t a, b;

		if (e->fe_flags & (FIEMAP_EXTENT_UNKNOWN |
				   FIEMAP_EXTENT_ENCODED |
				   FIEMAP_EXTENT_DATA_INLINE))
			die("extent at %llu has no plain physical address (flags %#x)",
			    (unsigned long long)e->fe_logical, e->fe_flags);
		if (e->fe_logical + e->fe_length <= pos)
			continue;
		if (e->fe_logical > pos)
			die("file range at %llu is not allocated",
			    (unsigned long long)pos);
		a = pos;
		b = e->fe_logical + e->fe_length;
		if (b > end)
			b = end;
		if (n == max)
			die("file range has more than %d extents", max);
		segs[n].logical = a;
		segs[n].physical = e->fe_physical + (a - e->fe_logical);
		segs[n].len = b - a;
		n++;
		pos = b;
	}
	if (pos < end)
		die("file range at %llu is not allocated", (unsigned long long)pos);
	free(fm);
	return n;
}

static inline void *aligned_buf(size_t len)
{
	void *p;

	if (posix_memalign(&p, 4096, len ? len : 4096))
		die("out of memory");
	return p;
}

/* O_DIRECT read of [off, off + len) of a device (4 KiB aligned). */
static inline void dev_read(int fd, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t r;

	while (done < len) {
		r = pread(fd, (char *)buf + done, len - done, off + done);
		if (r <= 0)
			die("reading the device at %llu:",
			    (unsigned long long)(off + done));
		done += r;
	}
}

/*
 * Does the leg hold the file range's bytes [off, off + len) equal to
 * pattern SEED (at file offset off)?  Returns the number of 4 KiB pages
 * that differ (0: all equal), and with @same_as_dev set, compares with
 * another device at the same places instead of the pattern.
 */
static inline long leg_diff_pages(int leg_fd, uint64_t leg_base, const struct seg *segs,
			   int nsegs, uint64_t seed, int other_fd)
{
	char *got = aligned_buf(PMD_SIZE), *want = aligned_buf(PMD_SIZE);
	long bad = 0;
	int i;

	for (i = 0; i < nsegs; i++) {
		uint64_t done, n, p;

		for (done = 0; done < segs[i].len; done += n) {
			n = segs[i].len - done;
			if (n > PMD_SIZE)
				n = PMD_SIZE;
			dev_read(leg_fd, leg_base + segs[i].physical + done, got, n);
			if (other_fd >= 0)
				dev_read(other_fd, leg_base + segs[i].physical + done,
					 want, n);
			else
				fill_pattern(want, n, seed, segs[i].logical + done);
			for (p = 0; p < n; p += 4096)
				if (memcmp(got + p, want + p, 4096))
					bad++;
		}
	}
	free(got);
	free(want);
	return bad;
}

/* Map len bytes of fd MAP_SHARED (plus @extra flags) at a 2 MiB-aligned address. */
static inline char *map_aligned(int fd, size_t len, int extra)
{
	char *resv, *map;
	uintptr_t a;

	resv = mmap(NULL, len + PMD_SIZE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		die("mmap reserve:");
	a = ((uintptr_t)resv + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
	map = mmap((void *)a, len, PROT_READ | PROT_WRITE,
		   (extra & MAP_SYNC ? MAP_SHARED_VALIDATE : MAP_SHARED) |
		   MAP_FIXED | extra, fd, 0);
	if (map == MAP_FAILED)
		die("mmap of the file%s:", extra & MAP_SYNC ? " with MAP_SYNC" : "");
	return map;
}

/* Load one byte of every page of [map, map + len): read faults. */
static inline unsigned long load_pages(volatile const char *map, size_t len)
{
	unsigned long sum = 0;
	size_t o;

	for (o = 0; o < len; o += 4096)
		sum += map[o];
	return sum;
}

/* Store pattern SEED to [off, off + len) of a mapping, page by page. */
static inline void store_pattern(char *map, uint64_t off, size_t len, uint64_t seed)
{
	char page[4096] __attribute__((aligned(64)));
	uint64_t p;

	for (p = 0; p < len; p += 4096) {
		size_t n = len - p < 4096 ? len - p : 4096;

		fill_pattern(page, 4096, seed, off + p);
		memcpy(map + off + p, page, n);
	}
}

/* pwrite pattern SEED to [off, off + len) of a file. */
static inline void write_pattern(int fd, uint64_t off, size_t len, uint64_t seed)
{
	char *buf = aligned_buf(len);
	size_t done = 0;
	ssize_t r;

	fill_pattern(buf, len, seed, off);
	while (done < len) {
		r = pwrite(fd, buf + done, len - done, off + done);
		if (r <= 0)
			die("pwrite:");
		done += r;
	}
	free(buf);
}

#endif
