// SPDX-License-Identifier: GPL-2.0
/*
 * readmap FILE SIZE COMMAND
 *
 * Whether a flush leaves read-only DAX mappings in place.  Maps the first
 * SIZE bytes of FILE (MAP_SHARED, 2 MiB-aligned address), then:
 *  1. loads every page (read faults), runs COMMAND (sh -c; a flush),
 *     loads every page again: "read_refaults N", the minor faults of the
 *     second pass;
 *  2. stores to every page, runs COMMAND, loads every page again:
 *     "store_refaults N" (pages that were mapped writable must have been
 *     unmapped by the flush, so this is about SIZE / 4096).
 * Prints both lines; the caller judges them.
 *
 * Exit: 0 measured; 2 errors.
 */
#include <sys/resource.h>
#include "repl.h"

static long minflt(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		die("getrusage:");
	return ru.ru_minflt;
}

static void run(const char *cmd)
{
	if (system(cmd))
		die("command failed: %s", cmd);
}

int main(int argc, char **argv)
{
	unsigned long sum;
	size_t size, o;
	long f0;
	char *map;
	int fd;

	prog = "readmap";
	if (argc != 4) {
		fprintf(stderr, "usage: readmap FILE SIZE COMMAND\n");
		return 2;
	}
	size = num(argv[2]);
	if (!size || size % 4096)
		die("SIZE must be a multiple of 4096");
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		die("%s:", argv[1]);
	map = map_aligned(fd, size, 0);

	sum = load_pages(map, size);
	run(argv[3]);
	f0 = minflt();
	sum += load_pages(map, size);
	printf("read_refaults %ld\n", minflt() - f0);

	for (o = 0; o < size; o += 4096)
		map[o] = (char)(o >> 12 | 1);
	run(argv[3]);
	f0 = minflt();
	sum += load_pages(map, size);
	printf("store_refaults %ld\n", minflt() - f0);
	printf("# checksum %lu\n", sum);
	munmap(map, size);
	close(fd);
	return 0;
}
