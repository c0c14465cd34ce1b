// SPDX-License-Identifier: GPL-2.0
/*
 * storeloop FILE OFFSET STOPFILE STATEFILE
 *
 * Stores a whole 4 KiB record (pattern of its sequence number) to the
 * page at OFFSET of FILE through a MAP_SHARED mapping, msyncs the page,
 * then reads the page back with pread and compares: a process that
 * stored and msynced a page reads what it stored, whatever the device
 * under the filesystem did meanwhile (a repair, a remap).  Loops until
 * STOPFILE exists; after every acknowledged record STATEFILE holds
 * "SEQ" (the last record msync acknowledged; written aside + renamed
 * every 64 records and at the end).
 *
 * Prints "storeloop: N records, last acked SEQ" and exits 0, or reports
 * the first record read back wrong ("storeloop: record SEQ acknowledged
 * by msync, read back as ...") and exits 1; 2 on setup errors.
 */
#include "repl.h"
#include <sys/mman.h>

#define PG 4096

static void rec(char *page, uint64_t seq)
{
	fill_pattern(page, PG, mix(seq) ^ 0x73746f72ULL, 0);
	memcpy(page, &seq, sizeof(seq));
}

static uint64_t seq_of(const char *page)
{
	uint64_t s;

	memcpy(&s, page, sizeof(s));
	return s;
}

static void put_state(const char *path, uint64_t seq)
{
	char tmp[512];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%llu\n", (unsigned long long)seq) < 0 ||
	    fclose(f) || rename(tmp, path))
		die("%s:", path);
}

int main(int argc, char **argv)
{
	char *want = aligned_buf(PG), *got = aligned_buf(PG), *map;
	uint64_t off, seq, acked = 0;
	int fd;

	prog = "storeloop";
	if (argc != 5) {
		fprintf(stderr, "usage: storeloop FILE OFFSET STOPFILE STATEFILE\n");
		return 2;
	}
	off = num(argv[2]);
	if (off % PG)
		die("OFFSET must be a multiple of 4096");
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		die("%s:", argv[1]);
	map = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
	if (map == MAP_FAILED)
		die("mmap:");
	for (seq = 1; access(argv[3], F_OK); seq++) {
		rec(want, seq);
		memcpy(map, want, PG);
		if (msync(map, PG, MS_SYNC))
			die("msync of record %llu:", (unsigned long long)seq);
		acked = seq;
		if (pread(fd, got, PG, off) != PG)
			die("pread of record %llu:", (unsigned long long)seq);
		if (memcmp(got, want, PG)) {
			uint64_t g = seq_of(got);

			put_state(argv[4], acked);
			rec(want, g);
			printf("storeloop: record %llu acknowledged by msync, read back as %s %llu\n",
			       (unsigned long long)seq,
			       memcmp(got, want, PG) ? "no record, first word" : "record",
			       (unsigned long long)g);
			return 1;
		}
		if (!(seq % 64))
			put_state(argv[4], acked);
	}
	put_state(argv[4], acked);
	printf("storeloop: %llu records, last acked %llu\n",
	       (unsigned long long)seq - 1, (unsigned long long)acked);
	return 0;
}
