// SPDX-License-Identifier: GPL-2.0
/*
 * twofile [--write] [--pmd] [--msync] [--read-first] DIR LEG0 LEG1 DATA_OFFSET
 *
 * The two-file property of DAX replication, checked on the legs
 * themselves.  DIR is on a DAX filesystem on a daxmirror device over LEG0
 * and LEG1 whose table has sync_interval_ms 0 (so only flushes copy);
 * DATA_OFFSET is the status field data_offset (sectors).
 *
 *  1. create DIR/twofile.1 and DIR/twofile.2 (fallocated, fsynced), map
 *     both MAP_SHARED at 2 MiB-aligned addresses; --read-first: write
 *     zeros first (written extents), load every page of both mappings
 *     (read faults map the media read-only), then
 *     fsync file 1 (a flush copies them and may leave them mapped
 *     read-only), so that the stores of step 2 upgrade read-only entries
 *     instead of faulting on empty ones;
 *  2. store pattern A1 to file 1 and A2 to file 2 (--write: pwrite);
 *     LEG0 must hold them (this checks the FIEMAP placement); LEG1 must
 *     not hold either yet (negative control: no flush, no copy);
 *  3. fsync file 1: LEG1 holds A1 and A2 (a flush covers every store);
 *     then, 100 ms later, fsync file 1 again: a second flush after the
 *     module's cooling window (DXM_COOL_MS, 50 ms), so that pages copied
 *     by the first flush are not simply copied again by the last one:
 *     only a store that faults anew (the flush path removed the stale
 *     mapping) makes file 2's pages hot again;
 *  4. store pattern B to file 2 through the SAME mapping (no new mmap;
 *     --write: pwrite); LEG1 must still hold A2, not B (negative control);
 *  5. fsync file 2 (--msync: msync(MS_SYNC) of its mapping): LEG1 holds
 *     A1 for file 1 and B for file 2.
 *
 * Files are 256 KiB; --pmd: 4 MiB, extents and mappings 2 MiB aligned
 * (the caller counts the 2 MiB faults).  The mappings stay in place for
 * the whole run.
 *
 * Exit: 0 property holds; 1 a leg lacks data a flush must have copied;
 * 4 a negative control failed (data on LEG1 without a flush: either the
 * module copied early or something else flushed); 2 setup error.
 */
#include "repl.h"

enum { A1 = 0x1a1, A2 = 0x1a2, B2 = 0x2b2 };

struct file {
	const char *name;
	char path[4096];
	int fd;
	char *map;
	struct seg segs[MAX_SEGS];
	int nsegs;
};

static int leg_fd[2];
static uint64_t leg_base;
static size_t size;
static int failed;

/* pages of @f on @leg that differ from pattern @seed */
static long diff(struct file *f, int leg, uint64_t seed)
{
	return leg_diff_pages(leg_fd[leg], leg_base, f->segs, f->nsegs, seed, -1);
}

/* the leg must hold pattern @seed for file @f */
static void expect_holds(struct file *f, int leg, uint64_t seed, const char *what)
{
	long d = diff(f, leg, seed);

	if (d) {
		printf("FAILED: %s: leg %d: %ld of %zu pages of %s lack pattern %#llx\n",
		       what, leg, d, size / 4096, f->name, (unsigned long long)seed);
		failed = 1;
	} else {
		printf("# ok: %s: leg %d holds pattern %#llx of %s\n", what, leg,
		       (unsigned long long)seed, f->name);
	}
}

/* negative control: not a single page of the pattern is on the leg yet */
static void expect_lacks(struct file *f, int leg, uint64_t seed, const char *what)
{
	long d = diff(f, leg, seed);

	if (d != (long)(size / 4096)) {
		printf("NEGATIVE CONTROL FAILED: %s: leg %d already holds %ld of %zu pages of pattern %#llx of %s without a flush\n",
		       what, leg, size / 4096 - d, size / 4096,
		       (unsigned long long)seed, f->name);
		exit(4);
	}
	printf("# ok: %s: leg %d does not hold pattern %#llx of %s yet\n", what,
	       leg, (unsigned long long)seed, f->name);
}

static void put(struct file *f, uint64_t seed, int use_write)
{
	if (use_write)
		write_pattern(f->fd, 0, size, seed);
	else
		store_pattern(f->map, 0, size, seed);
}

static void write_zeros(int fd, size_t len)
{
	static char zero[65536];
	size_t o;

	for (o = 0; o < len; o += sizeof(zero))
		if (pwrite(fd, zero, sizeof(zero), o) != (ssize_t)sizeof(zero))
			die("pwrite:");
}

int main(int argc, char **argv)
{
	struct file files[2] = { { .name = "file 1" }, { .name = "file 2" } };
	int use_write = 0, pmd = 0, use_msync = 0, read_first = 0, a = 1, i, j;

	prog = "twofile";
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--write"))
			use_write = 1;
		else if (!strcmp(argv[a], "--pmd"))
			pmd = 1;
		else if (!strcmp(argv[a], "--msync"))
			use_msync = 1;
		else if (!strcmp(argv[a], "--read-first"))
			read_first = 1;
		else
			die("unknown option %s", argv[a]);
	}
	if (argc - a != 4 || (use_write && (use_msync || read_first))) {
		fprintf(stderr, "usage: twofile [--write] [--pmd] [--msync] [--read-first] DIR LEG0 LEG1 DATA_OFFSET\n");
		return 2;
	}
	size = pmd ? 2 * PMD_SIZE : 256 << 10;
	leg_base = num(argv[a + 3]) * 512;
	for (i = 0; i < 2; i++) {
		leg_fd[i] = open(argv[a + 1 + i], O_RDONLY | O_DIRECT);
		if (leg_fd[i] < 0)
			die("%s:", argv[a + 1 + i]);
	}

	/* 1. two files, allocated and committed, both mapped */
	for (i = 0; i < 2; i++) {
		struct file *f = &files[i];

		snprintf(f->path, sizeof(f->path), "%s/twofile.%d", argv[a], i + 1);
		unlink(f->path);
		f->fd = open(f->path, O_RDWR | O_CREAT, 0644);
		if (f->fd < 0)
			die("%s:", f->path);
		if (fallocate(f->fd, 0, 0, size))
			die("fallocate %s:", f->path);
		/* written extents: reads then map media, not the zero page */
		if (read_first)
			write_zeros(f->fd, size);
		if (fsync(f->fd))
			die("fsync %s:", f->path);
		f->nsegs = file_segments(f->fd, 0, size, f->segs, MAX_SEGS);
		for (j = 0; j < f->nsegs; j++) {
			printf("# %s: bytes %llu+%llu at device byte %llu\n", f->name,
			       (unsigned long long)f->segs[j].logical,
			       (unsigned long long)f->segs[j].len,
			       (unsigned long long)f->segs[j].physical);
			if (pmd && ((f->segs[j].physical | f->segs[j].len) % PMD_SIZE))
				printf("# warning: %s: extent not 2 MiB aligned: no 2 MiB faults there\n",
				       f->name);
		}
		if (!use_write)
			f->map = map_aligned(f->fd, size, 0);
	}

	if (read_first) {
		if (load_pages(files[0].map, size) || load_pages(files[1].map, size))
			die("files written with zeros read back non-zero");
		if (fsync(files[0].fd))
			die("fsync file 1:");
		printf("# read every page of both mappings, then fsync file 1\n");
	}

	/* 2. pattern A to both files; only leg 0 has it */
	put(&files[0], A1, use_write);
	put(&files[1], A2, use_write);
	if (diff(&files[0], 0, A1) || diff(&files[1], 0, A2))
		die("leg 0 does not hold the data just stored at the FIEMAP places: placement wrong?");
	expect_lacks(&files[0], 1, A1, "after storing A, before any fsync");
	expect_lacks(&files[1], 1, A2, "after storing A, before any fsync");

	/* 3. fsync file 1: a flush request, so both files reach leg 1 */
	if (fsync(files[0].fd))
		die("fsync file 1:");
	expect_holds(&files[0], 1, A1, "after fsync of file 1");
	expect_holds(&files[1], 1, A2, "after fsync of file 1");
	usleep(100000);
	if (fsync(files[0].fd))
		die("fsync file 1:");

	/* 4. pattern B to file 2 through the same mapping */
	put(&files[1], B2, use_write);
	if (diff(&files[1], 0, B2))
		die("leg 0 does not hold B just stored to file 2");
	expect_lacks(&files[1], 1, B2, "after storing B, before the second sync");

	/* 5. sync file 2 */
	if (use_msync) {
		if (msync(files[1].map, size, MS_SYNC))
			die("msync file 2:");
	} else if (fsync(files[1].fd)) {
		die("fsync file 2:");
	}
	expect_holds(&files[0], 1, A1, use_msync ? "after msync of file 2" :
		     "after fsync of file 2");
	expect_holds(&files[1], 1, B2, use_msync ? "after msync of file 2" :
		     "after fsync of file 2");

	for (i = 0; i < 2; i++) {
		if (files[i].map)
			munmap(files[i].map, size);
		close(files[i].fd);
	}
	return failed;
}
