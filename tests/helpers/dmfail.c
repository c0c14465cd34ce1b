// SPDX-License-Identifier: GPL-2.0
/*
 * dmfail: one device-mapper operation with the N-th fault-injection point
 * of this thread armed, for tests/vm/75-faultinject.sh.
 *
 *   dmfail N create NAME TABLE
 *   dmfail N reload NAME TABLE       (load the inactive table)
 *   dmfail N suspend NAME
 *   dmfail N resume NAME
 *   dmfail N message NAME WORD...
 *
 * N is written to /proc/thread-self/fail-nth (the kernel's per-task
 * fault injection, lib/fault-inject.c): the N-th allocation this thread
 * makes inside the kernel that passes the failslab/fail_page_alloc
 * filters fails.  A child process would not inherit it (fork clears it),
 * which is why the operation is done here with libdevmapper instead of
 * by running dmsetup.  TABLE is one "START LEN TARGET PARAMS" line.
 *
 * Prints "injected" when the N-th point was reached (that allocation
 * failed), "clean K" when the operation finished before it, having
 * passed K points (so "dmfail 1000000 ..." counts them); exits 0 when
 * the operation succeeded, 1 when it failed, 2 on a usage or setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libdevmapper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FAIL_NTH "/proc/thread-self/fail-nth"

static void usage(void)
{
	fprintf(stderr, "usage: dmfail N create|reload NAME TABLE\n"
			"       dmfail N suspend|resume NAME\n"
			"       dmfail N message NAME WORD...\n");
	exit(2);
}

static void set_fail_nth(unsigned int n)
{
	char buf[16];
	int fd, len;

	fd = open(FAIL_NTH, O_WRONLY);
	if (fd < 0) {
		perror("dmfail: " FAIL_NTH " (a kernel with FAULT_INJECTION)");
		exit(2);
	}
	len = snprintf(buf, sizeof(buf), "%u", n);
	if (write(fd, buf, len) != len) {
		perror("dmfail: write " FAIL_NTH);
		exit(2);
	}
	close(fd);
}

/* 0: the armed point was reached (and failed); otherwise what is left */
static unsigned int get_fail_nth(void)
{
	char buf[16] = "";
	int fd;

	fd = open(FAIL_NTH, O_RDWR);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0) {
		perror("dmfail: read " FAIL_NTH);
		exit(2);
	}
	/* disarm, so that nothing after the operation fails */
	if (lseek(fd, 0, SEEK_SET) == 0 && write(fd, "0", 1) != 1) {
		perror("dmfail: disarm " FAIL_NTH);
		exit(2);
	}
	close(fd);
	return (unsigned int)strtoul(buf, NULL, 10);
}

static int add_table(struct dm_task *dmt, const char *table)
{
	uint64_t start, len;
	char target[64];
	int off = 0;

	if (sscanf(table, "%" SCNu64 " %" SCNu64 " %63s %n", &start, &len,
		   target, &off) != 3 || !off) {
		fprintf(stderr, "dmfail: bad table line: %s\n", table);
		exit(2);
	}
	return dm_task_add_target(dmt, start, len, target, table + off);
}

int main(int argc, char **argv)
{
	static const struct { const char *name; int type; int argc; } ops[] = {
		{ "create", DM_DEVICE_CREATE, 5 },
		{ "reload", DM_DEVICE_RELOAD, 5 },
		{ "suspend", DM_DEVICE_SUSPEND, 4 },
		{ "resume", DM_DEVICE_RESUME, 4 },
		{ "message", DM_DEVICE_TARGET_MSG, -5 },
	};
	struct dm_task *dmt;
	unsigned int n, left;
	char msg[4096] = "";
	size_t i, op;
	int ok;

	if (argc < 4)
		usage();
	n = (unsigned int)strtoul(argv[1], NULL, 10);
	for (op = 0; op < sizeof(ops) / sizeof(ops[0]); op++)
		if (!strcmp(argv[2], ops[op].name))
			break;
	if (op == sizeof(ops) / sizeof(ops[0]) ||
	    (ops[op].argc > 0 && argc != ops[op].argc) ||
	    (ops[op].argc < 0 && argc < -ops[op].argc))
		usage();

	dm_udev_set_sync_support(0);
	dmt = dm_task_create(ops[op].type);
	if (!dmt || !dm_task_set_name(dmt, argv[3]))
		return 2;
	if (ops[op].type == DM_DEVICE_CREATE || ops[op].type == DM_DEVICE_RELOAD) {
		if (!add_table(dmt, argv[4]))
			return 2;
	} else if (ops[op].type == DM_DEVICE_TARGET_MSG) {
		for (i = 4; i < (size_t)argc; i++) {
			if (strlen(msg) + strlen(argv[i]) + 2 > sizeof(msg))
				usage();
			if (i > 4)
				strcat(msg, " ");
			strcat(msg, argv[i]);
		}
		if (!dm_task_set_sector(dmt, 0) || !dm_task_set_message(dmt, msg))
			return 2;
	}

	set_fail_nth(n);
	ok = dm_task_run(dmt);
	left = get_fail_nth();
	dm_task_destroy(dmt);
	if (left)
		printf("clean %u\n", n - left);
	else
		printf("injected\n");
	return ok ? 0 : 1;
}
