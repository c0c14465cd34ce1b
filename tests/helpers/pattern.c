// SPDX-License-Identifier: GPL-2.0
/*
 * pattern SEED BYTES [OFFSET]
 *
 * Writes BYTES pseudo-random bytes to stdout, a pure function of SEED and
 * of the absolute byte position (OFFSET + i, 8-byte granular), so any
 * sub-range of a pattern can be regenerated on its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t x)
{
	/* splitmix64 finaliser */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

int main(int argc, char **argv)
{
	static uint64_t buf[8192];
	unsigned long long seed, bytes, off, pos, n, i;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s SEED BYTES [OFFSET]\n", argv[0]);
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	bytes = strtoull(argv[2], NULL, 0);
	off = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;
	if (off % 8) {
		fprintf(stderr, "pattern: OFFSET must be a multiple of 8\n");
		return 2;
	}
	seed = mix(seed);
	for (pos = 0; pos < bytes; pos += n) {
		n = bytes - pos < sizeof(buf) ? bytes - pos : sizeof(buf);
		for (i = 0; i < (n + 7) / 8; i++)
			buf[i] = mix(seed ^ ((off + pos) / 8 + i));
		if (fwrite(buf, 1, n, stdout) != n)
			return 1;
	}
	return fflush(stdout) ? 1 : 0;
}
