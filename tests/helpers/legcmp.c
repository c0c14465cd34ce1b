// SPDX-License-Identifier: GPL-2.0
/*
 * legcmp DEV0 DEV1 SECTOR COUNT
 *
 * Compares sectors [SECTOR, SECTOR+COUNT) of two devices with O_DIRECT
 * reads in 1 MiB chunks (far faster than cmp under TCG).  Prints
 *
 *   same <count>                           when equal, exit 0
 *   differ <n> first <sector> last <sector> otherwise (n: differing
 *                                          sectors), exit 1
 *
 * Exit 2 on errors.  SECTOR and COUNT need not be page aligned.
 */
#include "repl.h"

#define CHUNK	(1UL << 20)

int main(int argc, char **argv)
{
	unsigned long long start, count, pos, end, first = 0, last = 0, ndiff = 0;
	char *a, *b;
	int fd0, fd1;

	prog = "legcmp";
	if (argc != 5) {
		fprintf(stderr, "usage: legcmp DEV0 DEV1 SECTOR COUNT\n");
		return 2;
	}
	fd0 = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd0 < 0)
		die("%s:", argv[1]);
	fd1 = open(argv[2], O_RDONLY | O_DIRECT);
	if (fd1 < 0)
		die("%s:", argv[2]);
	start = num(argv[3]);
	count = num(argv[4]);
	a = aligned_buf(CHUNK);
	b = aligned_buf(CHUNK);
	end = start + count;
	for (pos = start; pos < end;) {
		/* chunk boundaries on 4 KiB for O_DIRECT: read from a page start */
		unsigned long long p0 = pos & ~7ULL, n = CHUNK / 512, s, lo, hi;

		if (p0 + n > ((end + 7) & ~7ULL))
			n = ((end + 7) & ~7ULL) - p0;
		dev_read(fd0, p0 * 512, a, n * 512);
		dev_read(fd1, p0 * 512, b, n * 512);
		lo = pos - p0;
		hi = end - p0 < n ? end - p0 : n;
		if (memcmp(a + lo * 512, b + lo * 512, (hi - lo) * 512)) {
			for (s = lo; s < hi; s++) {
				if (!memcmp(a + s * 512, b + s * 512, 512))
					continue;
				if (!ndiff)
					first = p0 + s;
				last = p0 + s;
				ndiff++;
			}
		}
		pos = p0 + hi;
	}
	if (!ndiff) {
		printf("same %llu\n", count);
		return 0;
	}
	printf("differ %llu first %llu last %llu\n", ndiff, first, last);
	return 1;
}
