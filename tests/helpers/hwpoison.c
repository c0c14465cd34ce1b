// SPDX-License-Identifier: GPL-2.0
/*
 * hwpoison FILE: map FILE (on a DAX filesystem) shared, fill 4 pages with
 * a pattern, msync, report a memory failure on page 1 with
 * madvise(MADV_HWPOISON), then read every page back through the same
 * mapping.  Exit 0 when the data is intact and no SIGBUS arrived, 1 on a
 * data mismatch, 2 on SIGBUS, 3 on setup errors.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

static sigjmp_buf env;

static void on_bus(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

int main(int argc, char **argv)
{
	const size_t pg = 4096, len = 4 * 4096;
	unsigned char *p;
	size_t i;
	int fd;

	if (argc != 2)
		return 3;
	fd = open(argv[1], O_RDWR | O_CREAT, 0644);
	if (fd < 0 || ftruncate(fd, len)) {
		perror("open");
		return 3;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 3;
	}
	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + 3);
	if (msync(p, len, MS_SYNC)) {
		perror("msync");
		return 3;
	}
	signal(SIGBUS, on_bus);
	if (sigsetjmp(env, 1)) {
		printf("SIGBUS\n");
		return 2;
	}
	if (madvise(p + pg, pg, MADV_HWPOISON)) {
		perror("madvise(MADV_HWPOISON)");
		return 3;
	}
	for (i = 0; i < len; i++)
		if (p[i] != (unsigned char)(i * 7 + 3)) {
			printf("mismatch at byte %zu\n", i);
			return 1;
		}
	printf("data intact after memory failure, no SIGBUS\n");
	return 0;
}
