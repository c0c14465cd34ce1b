// SPDX-License-Identifier: GPL-2.0
/*
 * inflight DIR LEG0 LEG1 DATA_OFFSET [FLUSHES]
 *
 * A flush that runs while a DAX write(2) is between direct_access() and
 * its copy (dm-target/inflight.c), made deterministic with userfaultfd.
 * DIR is on a DAX filesystem on a daxmirror device over LEG0 and LEG1
 * whose table has sync_interval_ms 0; DATA_OFFSET is the status field
 * data_offset (sectors).
 *
 *  1. DIR/inflight.1 (one page, pattern A, fsynced) and DIR/inflight.2;
 *  2. the source buffer of the write is an anonymous page registered with
 *     userfaultfd, so pwrite() of it to inflight.1 gets its DAX address
 *     (direct_access) and then faults copying from the buffer;
 *  3. while it waits, a second thread writes inflight.2 and fsyncs it: a
 *     flush while the write is in flight (FLUSHES times, default 1, 100 ms
 *     apart: a copy held longer than the target's 50 ms cooling time);
 *     then it fills the buffer with pattern B (UFFDIO_COPY), and the
 *     write stores B;
 *  4. LEG1 must not hold B yet (negative control: no flush since);
 *  5. fsync inflight.1: LEG1 must hold B.  A flush path that treats the
 *     page as copied by the flush of step 3 leaves A there.
 *
 * Exit: 0 the property holds; 1 LEG1 lacks B after the fsync; 4 a
 * negative control failed; 2 setup error; 77 no userfaultfd here.
 */
#include "repl.h"
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>

enum { PA = 0x1f1a, PB = 0x1f1b, PC = 0x1f1c };

static long page_size;
static int uffd, fd2;
static char *buf;
static uint64_t source_faults;
static long flushes = 1;

static void *resolver(void *arg)
{
	struct uffd_msg msg;
	struct uffdio_copy copy;
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	char *page = aligned_buf(page_size);
	long i;

	(void)arg;
	if (poll(&pfd, 1, 30000) != 1)
		die("no fault on the source buffer within 30 s");
	if (read(uffd, &msg, sizeof(msg)) != sizeof(msg))
		die("read userfaultfd:");
	if (msg.event != UFFD_EVENT_PAGEFAULT)
		die("unexpected userfaultfd event %u", msg.event);
	source_faults++;
	/* the write is in flight: flush the device through another file */
	for (i = 0; i < flushes; i++) {
		if (i)
			usleep(100000);
		write_pattern(fd2, 0, page_size, PC + i);
		if (fsync(fd2))
			die("fsync inflight.2:");
	}
	fill_pattern(page, page_size, PB, 0);
	copy.dst = (uintptr_t)buf;
	copy.src = (uintptr_t)page;
	copy.len = page_size;
	copy.mode = 0;
	copy.copy = 0;
	if (ioctl(uffd, UFFDIO_COPY, &copy))
		die("UFFDIO_COPY:");
	return NULL;
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct seg segs[MAX_SEGS];
	int fd1, leg1, nsegs;
	char path[4096];
	pthread_t t;
	long bad;

	prog = "inflight";
	if (argc != 5 && argc != 6)
		die("usage: inflight DIR LEG0 LEG1 DATA_OFFSET [FLUSHES]");
	if (argc == 6)
		flushes = num(argv[5]);
	page_size = sysconf(_SC_PAGESIZE);
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0) {
		fprintf(stderr, "inflight: no userfaultfd: %s\n", strerror(errno));
		return 77;
	}
	if (ioctl(uffd, UFFDIO_API, &api))
		die("UFFDIO_API:");

	snprintf(path, sizeof(path), "%s/inflight.1", argv[1]);
	fd1 = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd1 < 0)
		die("open %s:", path);
	snprintf(path, sizeof(path), "%s/inflight.2", argv[1]);
	fd2 = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd2 < 0)
		die("open %s:", path);
	if (fallocate(fd1, 0, 0, page_size) || fallocate(fd2, 0, 0, page_size))
		die("fallocate:");
	write_pattern(fd1, 0, page_size, PA);
	if (fsync(fd1) || fsync(fd2))
		die("fsync:");
	nsegs = file_segments(fd1, 0, page_size, segs, MAX_SEGS);
	leg1 = open(argv[3], O_RDONLY | O_DIRECT);
	if (leg1 < 0)
		die("open %s:", argv[3]);
	if (leg_diff_pages(leg1, num(argv[4]) << 9, segs, nsegs, PA, -1))
		die("leg 1 does not hold pattern A after fsync (setup)");

	buf = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap:");
	reg.range.start = (uintptr_t)buf;
	reg.range.len = page_size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER:");
	if (pthread_create(&t, NULL, resolver, NULL))
		die("pthread_create");
	if (pwrite(fd1, buf, page_size, 0) != page_size)
		die("pwrite inflight.1:");
	pthread_join(t, NULL);
	if (source_faults != 1)
		die("the write did not fault on its source buffer");

	bad = leg_diff_pages(leg1, num(argv[4]) << 9, segs, nsegs, PB, -1);
	if (!bad) {
		fprintf(stderr, "inflight: leg 1 holds B before the fsync\n");
		return 4;
	}
	if (fsync(fd1))
		die("fsync inflight.1:");
	bad = leg_diff_pages(leg1, num(argv[4]) << 9, segs, nsegs, PB, -1);
	if (bad) {
		fprintf(stderr, "inflight: leg 1 lacks the write made during a flush (%ld page)\n",
			bad);
		return 1;
	}
	printf("inflight: a write in flight during a flush reached leg 1 at the next fsync\n");
	return 0;
}
