// SPDX-License-Identifier: GPL-2.0
/*
 * flushbench: cost of one flush as a function of the hot set.
 *
 *   flushbench FILE PAGES SECONDS [pte|pmd [MAX_ITERS]]
 *
 * Maps FILE (an existing, fully written file on a DAX filesystem) shared
 * and repeats: store to PAGES pages spread evenly over the file (stride
 * file_pages / PAGES), then fsync(FILE).  Runs for at least SECONDS and 3
 * iterations (at most MAX_ITERS, default 100000) and prints one line
 *
 *   iters=N iter_med_us=.. iter_p90_us=.. fsync_med_us=.. fsync_p90_us=..
 *
 * "iter" is the time of the stores (their write faults included: fsync
 * write-protects the pages) plus the fsync; "fsync" is the fsync alone.
 * "pte" (default) maps the file 4 KiB away from a 2 MiB boundary, so that
 * the kernel can only use 4 KiB DAX faults; "pmd" maps it 2 MiB-aligned,
 * so 2 MiB faults are possible where the file's blocks are aligned.
 * Only ratios between devices measured in the same VM mean anything.
 */
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

#define PAGE 4096UL
#define PMD (2UL << 20)

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, long n, double p)
{
	long i = (long)(p * (n - 1) + 0.5);

	qsort(v, n, sizeof(*v), cmp_double);
	return v[i];
}

int main(int argc, char **argv)
{
	unsigned long pages, file_pages, stride, j;
	long iters = 0, max_iters = 100000;
	double seconds, t0, t1, t2, *it, *fs;
	volatile uint64_t *w;
	struct stat st;
	char *map;
	int fd;

	unsigned long skew = PAGE;
	char *area;

	if (argc < 4) {
		fprintf(stderr, "usage: %s FILE PAGES SECONDS [pte|pmd [MAX_ITERS]]\n",
			argv[0]);
		return 2;
	}
	pages = strtoul(argv[2], NULL, 0);
	seconds = strtod(argv[3], NULL);
	if (argc > 4 && !strcmp(argv[4], "pmd"))
		skew = 0;
	else if (argc > 4 && strcmp(argv[4], "pte"))
		return fprintf(stderr, "flushbench: mode is pte or pmd\n"), 2;
	if (argc > 5)
		max_iters = strtol(argv[5], NULL, 0);
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "flushbench: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	file_pages = st.st_size / PAGE;
	if (!pages || pages > file_pages || max_iters < 3) {
		fprintf(stderr, "flushbench: PAGES must be 1..%lu\n", file_pages);
		return 2;
	}
	stride = file_pages / pages;
	/* reserve, then map at a 2 MiB boundary (+ skew) inside */
	area = mmap(NULL, file_pages * PAGE + 2 * PMD, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		fprintf(stderr, "flushbench: mmap: %s\n", strerror(errno));
		return 1;
	}
	map = (char *)(((uintptr_t)area + PMD - 1) & ~(PMD - 1)) + skew;
	map = mmap(map, file_pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, "flushbench: mmap: %s\n", strerror(errno));
		return 1;
	}
	it = calloc(max_iters, sizeof(*it));
	fs = calloc(max_iters, sizeof(*fs));
	if (!it || !fs)
		return 1;

	/* one untimed round: map the pages, start from a clean state */
	for (j = 0; j < pages; j++)
		((volatile char *)map)[j * stride * PAGE] += 1;
	if (fsync(fd)) {
		perror("flushbench: fsync");
		return 1;
	}

	t0 = now_us();
	while (iters < max_iters &&
	       (iters < 3 || now_us() - t0 < seconds * 1e6)) {
		t1 = now_us();
		for (j = 0; j < pages; j++) {
			/* a different cache line each round */
			w = (volatile uint64_t *)(map + j * stride * PAGE +
						  (iters % 64) * 64);
			*w = *w + 1;
		}
		t2 = now_us();
		if (fsync(fd)) {
			perror("flushbench: fsync");
			return 1;
		}
		fs[iters] = now_us() - t2;
		it[iters] = now_us() - t1;
		iters++;
	}
	printf("iters=%ld iter_med_us=%.1f iter_p90_us=%.1f fsync_med_us=%.1f fsync_p90_us=%.1f\n",
	       iters, pct(it, iters, 0.5), pct(it, iters, 0.9),
	       pct(fs, iters, 0.5), pct(fs, iters, 0.9));
	munmap(map, file_pages * PAGE);
	close(fd);
	return 0;
}
