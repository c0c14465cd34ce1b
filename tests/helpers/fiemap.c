// SPDX-License-Identifier: GPL-2.0
/*
 * fiemap [-s] FILE [OFFSET LENGTH]
 *
 * Prints where the bytes of FILE (all of it, or [OFFSET, OFFSET+LENGTH))
 * lie on the filesystem's device, one line per piece:
 *
 *   <file offset> <device offset> <length>
 *
 * in bytes, or with -s in 512-byte sectors (every value must then be a
 * multiple of 512).  Delayed allocations are synced first (FIEMAP_FLAG_SYNC).
 * A hole in the range is an error.  Sector S of a daxmirror device is
 * sector data_offset + S of each leg (unless remapped), so the second
 * column plus the status field data_offset locates the bytes on a leg.
 */
#include "repl.h"
#include <sys/stat.h>

int main(int argc, char **argv)
{
	struct seg segs[MAX_SEGS];
	uint64_t off = 0, len, div = 1;
	struct stat st;
	int fd, n, i, a = 1;

	prog = "fiemap";
	if (argc > 1 && !strcmp(argv[1], "-s")) {
		div = 512;
		a++;
	}
	if (argc - a != 1 && argc - a != 3) {
		fprintf(stderr, "usage: fiemap [-s] FILE [OFFSET LENGTH]\n");
		return 2;
	}
	fd = open(argv[a], O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die("%s:", argv[a]);
	len = st.st_size;
	if (argc - a == 3) {
		off = num(argv[a + 1]);
		len = num(argv[a + 2]);
	}
	if (!len)
		die("empty range");
	n = file_segments(fd, off, len, segs, MAX_SEGS);
	for (i = 0; i < n; i++) {
		if (div > 1 && ((segs[i].logical | segs[i].physical | segs[i].len) % div))
			die("piece %llu+%llu at %llu is not sector aligned",
			    (unsigned long long)segs[i].logical,
			    (unsigned long long)segs[i].len,
			    (unsigned long long)segs[i].physical);
		printf("%llu %llu %llu\n", (unsigned long long)(segs[i].logical / div),
		       (unsigned long long)(segs[i].physical / div),
		       (unsigned long long)(segs[i].len / div));
	}
	return 0;
}
