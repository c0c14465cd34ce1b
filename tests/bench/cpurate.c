// SPDX-License-Identifier: GPL-2.0
/*
 * cpurate: how fast the (emulated) CPU runs right now.
 *
 *   cpurate [SECONDS]     (default 0.2)
 *
 * Spins a fixed integer loop for SECONDS of wall-clock time and prints
 * the number of loop iterations per second (in millions).  Under QEMU TCG
 * on a shared host this follows the CPU share the VM gets, which changes
 * from minute to minute; guest-bench.sh records it before and after each
 * measurement so that the report can show ratios corrected for it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? strtod(argv[1], NULL) : 0.2, t0, t;
	volatile uint64_t x = 1;
	uint64_t n = 0;
	int i;

	t0 = now();
	do {
		for (i = 0; i < 10000; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		n += 10000;
		t = now() - t0;
	} while (t < seconds);
	printf("%.2f\n", n / t / 1e6);
	return 0;
}
