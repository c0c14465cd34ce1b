// SPDX-License-Identifier: GPL-2.0
/*
 * daxstore [--map-sync] [--no-store] [--hold] FILE OFFSET LENGTH SEED [LEG DATA_OFFSET TIMEOUT_MS]
 *
 * Stores pattern SEED (the bytes "pattern SEED" prints, taken at the file
 * offsets) to [OFFSET, OFFSET+LENGTH) of FILE through a MAP_SHARED mapping
 * (--map-sync: MAP_SHARED_VALIDATE|MAP_SYNC), with no msync/fsync, and
 * unmaps it.  FILE must exist and cover the range.  --hold: after the
 * stores, keep the mapping and wait for a signal (a live process whose
 * latest DAX access is that fault).
 *
 * With LEG: then polls LEG (a leg of the daxmirror device under FILE's
 * filesystem, DATA_OFFSET = status field data_offset) until it holds
 * those bytes at the file's physical placement; a poll that starts
 * within TIMEOUT_MS after the stores counts; prints when it started.  --no-store: only poll (or check once with
 * TIMEOUT_MS 0).
 *
 * Exit: 0 stored (and the leg holds it); 3 the leg does not hold it
 * within TIMEOUT_MS; 2 errors.
 */
#include "repl.h"

int main(int argc, char **argv)
{
	struct seg segs[MAX_SEGS];
	uint64_t off, len, seed, pages;
	int map_sync = 0, store = 1, hold = 0, a = 1, fd, leg = -1, nsegs = 0;
	double t0, t1, timeout;
	long bad;
	char *map;

	prog = "daxstore";
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--map-sync"))
			map_sync = 1;
		else if (!strcmp(argv[a], "--no-store"))
			store = 0;
		else if (!strcmp(argv[a], "--hold"))
			hold = 1;
		else
			die("unknown option %s", argv[a]);
	}
	if (argc - a != 4 && argc - a != 7) {
		fprintf(stderr, "usage: daxstore [--map-sync] [--no-store] [--hold] FILE OFFSET LENGTH SEED [LEG DATA_OFFSET TIMEOUT_MS]\n");
		return 2;
	}
	off = num(argv[a + 1]);
	len = num(argv[a + 2]);
	seed = num(argv[a + 3]);
	if (!len || (off | len) % 4096)
		die("OFFSET and LENGTH must be multiples of 4096");
	fd = open(argv[a], O_RDWR);
	if (fd < 0)
		die("%s:", argv[a]);
	if (argc - a == 7) {
		/* placement first: FIEMAP (it syncs) must not count as waiting */
		leg = open(argv[a + 4], O_RDONLY | O_DIRECT);
		if (leg < 0)
			die("%s:", argv[a + 4]);
		nsegs = file_segments(fd, off, len, segs, MAX_SEGS);
	}
	if (store) {
		/* map the whole range from file offset 0 (keeps 2 MiB alignment) */
		map = map_aligned(fd, off + len, map_sync ? MAP_SYNC : 0);
		store_pattern(map, off, len, seed);
		if (hold) {
			printf("# stored, holding the mapping\n");
			fflush(stdout);
			pause();
		}
		if (munmap(map, off + len))
			die("munmap:");
		printf("# stored pattern %llu to %s bytes %llu+%llu%s\n",
		       (unsigned long long)seed, argv[a], (unsigned long long)off,
		       (unsigned long long)len, map_sync ? " (MAP_SYNC)" : "");
	}
	if (argc - a == 4)
		return 0;

	timeout = num(argv[a + 6]);
	pages = len / 4096;
	t0 = now_ms();
	for (;;) {
		/* a poll that starts within the time limit counts */
		t1 = now_ms() - t0;
		bad = leg_diff_pages(leg, num(argv[a + 5]) * 512, segs, nsegs, seed, -1);
		if (!bad) {
			printf("# %s holds the stores: seen by a poll started %.0f ms after them (ended at %.0f ms)\n",
			       argv[a + 4], t1, now_ms() - t0);
			return 0;
		}
		if (now_ms() - t0 >= timeout)
			break;
		usleep(10000);
	}
	printf("# %s does not hold the stores after %.0f ms: %ld of %llu pages differ\n",
	       argv[a + 4], now_ms() - t0, bad, (unsigned long long)pages);
	return 3;
}
