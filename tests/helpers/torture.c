// SPDX-License-Identifier: GPL-2.0
/*
 * torture KIND NAME DIR PATH SLOTS SEED
 * torture verify KIND PATH STATEFILE
 * torture legdiff DEV0 DEV1 SECTORS
 *
 * A worker of the torture test (tests/vm/80-torture.sh).  It writes
 * checksummed 4 KiB records to SLOTS page-sized slots of PATH and keeps,
 * for each slot, the record it must hold: a record counts only once the
 * call that makes it durable returned (msync, fsync, fdatasync).  KIND:
 *
 *   mmap    PATH is a file on a DAX filesystem, created and allocated;
 *           one writable and one read-only MAP_SHARED mapping are kept
 *           for the worker's whole life (across every flush, failover,
 *           remap, reload).  Records are stored through the writable one
 *           and msynced (one page, or a batch and the whole file);
 *           fallocate ZERO_RANGE and PUNCH_HOLE (+ fsync) zero slots;
 *           random slots are read back through both mappings.  When
 *           DIR/hwpoison.NAME appears, a memory failure is reported on a
 *           mapped page holding a record (madvise MADV_HWPOISON), the page
 *           is read back through both mappings and pread, and the result
 *           goes to DIR/hwpoison.NAME.done ("ok ..." or "bad ...").
 *   write   PATH is a file (DAX filesystem): pwrite + fsync/fdatasync of
 *           one or several records, fallocate zero/punch + fsync, reads
 *           by pread and through a read-only mapping kept for good.
 *   direct  PATH is a block device: O_DIRECT pwrite of one or several
 *           records + fdatasync (or O_DSYNC), O_DIRECT reads.
 *
 * Control through DIR: while DIR/pause holds a generation G not answered
 * yet, the worker finishes its operation, verifies every slot through
 * every path it has, writes DIR/NAME.state and DIR/NAME.paused.G
 * ("ok|bad ops N acked N checked N bad N") and waits until DIR/pause
 * changes.  DIR/stop: state written, exit.  Every bad record is reported
 * on stderr as a line starting "TORTURE-BAD" (with the seed), with the
 * slot's last durability calls (S/B single/batch store + msync, W pwrite +
 * sync, D O_DSYNC pwrite, Z/P zero range/punch hole + fsync, H memory
 * failure; times since boot, as in the kernel log) and when it was last
 * read intact.
 *
 * verify: read every slot of STATEFILE (as written by a worker) back from
 * PATH (pread; for files also through a fresh mapping): after a remount.
 *
 * legdiff: the pages of [0, SECTORS) that differ between two devices (the
 * legs), with the record each holds (worker seed, slot, seq): for the
 * report of a check scrub that found mismatches.
 *
 * Exit: 0 no bad record seen; 1 bad records; 2 setup errors.
 */
#include "repl.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/stat.h>
#include <linux/falloc.h>

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

#define PG		4096
#define HDR		64
#define MAGIC		0x31524f54524d5844ULL	/* "DXMTORT1" */
#define UNKNOWN		UINT64_MAX

struct rec_hdr {
	uint64_t magic, seed, slot, seq, csum;
};

enum kind { K_MMAP, K_WRITE, K_DIRECT };

static enum kind kind;
static const char *name = "verify", *dir, *path;
static uint64_t seed, nslots, *exp, gseq, rng;
static unsigned long long n_ops, n_acked, n_checked, n_bad;
static int fd, dsync_fd = -1;
static char *rw, *ro;
static char *pagebuf, *want;

/*
 * What happened to each slot lately, for the report of a bad record: the
 * last NHIST durability calls (op, seq, time since boot like the kernel
 * log's, acknowledged or not) and when the slot was last read intact.
 */
#define NHIST		4
struct hist {
	double t;
	uint64_t seq;
	char op, ok;
};
static struct hist (*hist)[NHIST];
static double *seen_ok;
static char cur_op = '?';

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void note_op(uint64_t k, uint64_t seq, int ok)
{
	struct hist *h;

	if (!hist)
		return;
	h = hist[k];
	memmove(h + 1, h, (NHIST - 1) * sizeof(*h));
	h->t = now();
	h->seq = seq;
	h->op = cur_op;
	h->ok = ok;
}

/* "history: S 9089 ok [361.204]; Z 0 ok [350.112]; ..., last read intact [..]" */
static void history(uint64_t k, char *out, size_t n)
{
	size_t used = 0;
	int i;

	out[0] = 0;
	if (!hist)
		return;
	used += snprintf(out, n, "; history (newest first):");
	for (i = 0; i < NHIST && hist[k][i].op && used < n; i++)
		used += snprintf(out + used, n - used, " %c seq %llu %s [%.3f];",
				 hist[k][i].op, (unsigned long long)hist[k][i].seq,
				 hist[k][i].ok ? "acked" : "NOT acked", hist[k][i].t);
	if (used < n)
		snprintf(out + used, n - used, " last read intact [%.3f]", seen_ok[k]);
}

static sigjmp_buf jb;
static volatile sig_atomic_t guarded;

static void on_bus(int sig)
{
	if (guarded)
		siglongjmp(jb, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* memcpy that returns -1 instead of dying from SIGBUS */
static int safe_copy(void *dst, const void *src, size_t n)
{
	if (sigsetjmp(jb, 1)) {
		guarded = 0;
		return -1;
	}
	guarded = 1;
	memcpy(dst, src, n);
	guarded = 0;
	return 0;
}

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t csum_of(const char *page)
{
	const uint64_t *w = (const uint64_t *)page;
	uint64_t c = 0;
	size_t i;

	for (i = 0; i < PG / 8; i++)
		if (i != 4)	/* the csum field itself */
			c = mix(c ^ w[i]);
	return c;
}

/* the record of (slot, seq): header + payload; seq 0 is the zero page */
static void make_rec(char *page, uint64_t slot, uint64_t seq)
{
	struct rec_hdr *h = (struct rec_hdr *)page;

	memset(page, 0, PG);
	if (!seq)
		return;
	fill_pattern(page + HDR, PG - HDR, mix(seed ^ (seq << 24) ^ slot), 0);
	h->magic = MAGIC;
	h->seed = seed;
	h->slot = slot;
	h->seq = seq;
	h->csum = csum_of(page);
}

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
	va_list ap;

	n_bad++;
	if (n_bad > 40)
		return;
	fprintf(stderr, "TORTURE-BAD: seed %llu worker %s (%s): ",
		(unsigned long long)seed, name, path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* what a page holds, for the report */
static void describe(const char *got, char *out, size_t n)
{
	const struct rec_hdr *h = (const struct rec_hdr *)got;
	size_t i;

	for (i = 0; i < PG && !got[i]; i++)
		;
	if (i == PG)
		snprintf(out, n, "a zero page");
	else if (h->magic != MAGIC)
		snprintf(out, n, "no record (first nonzero byte at %zu)", i);
	else
		snprintf(out, n, "record seed %llu slot %llu seq %llu, checksum %s",
			 (unsigned long long)h->seed, (unsigned long long)h->slot,
			 (unsigned long long)h->seq,
			 csum_of(got) == h->csum ? "ok" : "WRONG");
}

/* compare got with the expected record of slot k; via names the path */
static int check_page(const char *got, uint64_t k, const char *via)
{
	char d[160], hs[400];

	n_checked++;
	make_rec(want, k, exp[k]);
	if (!memcmp(got, want, PG)) {
		if (seen_ok)
			seen_ok[k] = now();
		return 0;
	}
	describe(got, d, sizeof(d));
	history(k, hs, sizeof(hs));
	bad("slot %llu (file/device offset %llu) read by %s: expected %s%llu, found %s%s",
	    (unsigned long long)k, (unsigned long long)k * PG, via,
	    exp[k] ? "record seq " : "zero page, seq ",
	    (unsigned long long)exp[k], d, hs);
	return -1;
}

static int read_slot(uint64_t k, char *buf)
{
	ssize_t r = pread(fd, buf, PG, k * PG);

	if (r != PG) {
		bad("slot %llu: pread returned %zd (%s)", (unsigned long long)k, r,
		    r < 0 ? strerror(errno) : "short");
		return -1;
	}
	return 0;
}

static void verify_slot(uint64_t k)
{
	if (exp[k] == UNKNOWN)
		return;
	if (!read_slot(k, pagebuf))
		check_page(pagebuf, k, kind == K_DIRECT ? "O_DIRECT pread" : "pread");
	if (rw) {
		if (safe_copy(pagebuf, rw + k * PG, PG))
			bad("slot %llu: SIGBUS reading the writable mapping",
			    (unsigned long long)k);
		else
			check_page(pagebuf, k, "the writable mapping");
	}
	if (ro) {
		if (safe_copy(pagebuf, ro + k * PG, PG))
			bad("slot %llu: SIGBUS reading the read-only mapping",
			    (unsigned long long)k);
		else
			check_page(pagebuf, k, "the read-only mapping kept across flushes");
	}
}

static void dsync(const char *what, int data_only)
{
	if (data_only ? fdatasync(fd) : fsync(fd))
		bad("%s: %s failed: %s", what, data_only ? "fdatasync" : "fsync",
		    strerror(errno));
}

/* a failed durability call: the slots' contents are unknown now */
static int settle(uint64_t k, uint64_t n, uint64_t seq, int ok)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		exp[k + i] = ok ? seq + i * (seq != 0) : UNKNOWN;
		note_op(k + i, seq + i * (seq != 0), ok);
	}
	if (ok)
		n_acked += n;
	return ok;
}

/* ------------------------------------------------------------ ops --- */

static void op_store_mmap(void)
{
	uint64_t k = rnd() % nslots, n = 1, i, b = n_bad;
	int batch = rnd() % 4 == 0;

	if (batch) {
		n = 1 + rnd() % 8;
		if (k + n > nslots)
			k = nslots - n;
	}
	for (i = 0; i < n; i++) {
		make_rec(pagebuf, k + i, gseq + 1 + i);
		if (safe_copy(rw + (k + i) * PG, pagebuf, PG))
			bad("slot %llu: SIGBUS storing through the mapping",
			    (unsigned long long)(k + i));
	}
	cur_op = batch ? 'B' : 'S';	/* batch or single store + msync */
	if (batch ? msync(rw, nslots * PG, MS_SYNC) : msync(rw + k * PG, PG, MS_SYNC))
		bad("msync of slot %llu+%llu failed: %s", (unsigned long long)k,
		    (unsigned long long)n, strerror(errno));
	settle(k, n, gseq + 1, n_bad == b);
	gseq += n;
}

static void op_write(int multi)
{
	uint64_t k = rnd() % nslots, n = 1, i, b = n_bad;
	int data_only = rnd() % 2, use_dsync = 0;
	char *buf;
	ssize_t r;

	if (multi) {
		n = 2 + rnd() % (kind == K_DIRECT ? 15 : 7);
		if (k + n > nslots)
			k = nslots - n;
	}
	buf = aligned_buf(n * PG);
	for (i = 0; i < n; i++)
		make_rec(buf + i * PG, k + i, gseq + 1 + i);
	if (kind == K_DIRECT && dsync_fd >= 0 && rnd() % 2)
		use_dsync = 1;
	r = pwrite(use_dsync ? dsync_fd : fd, buf, n * PG, k * PG);
	if (r != (ssize_t)(n * PG))
		bad("pwrite of slot %llu+%llu returned %zd (%s)", (unsigned long long)k,
		    (unsigned long long)n, r, r < 0 ? strerror(errno) : "short");
	if (!use_dsync)
		dsync("pwrite", data_only);
	cur_op = use_dsync ? 'D' : 'W';	/* O_DSYNC, or pwrite + f(data)sync */
	settle(k, n, gseq + 1, n_bad == b);
	gseq += n;
	free(buf);
}

static void op_zero(void)
{
	uint64_t n = 1 + rnd() % 8, k = rnd() % (nslots - n), b = n_bad;
	int mode = rnd() % 2 ? FALLOC_FL_ZERO_RANGE
			     : FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;

	if (fallocate(fd, mode, k * PG, n * PG))
		bad("fallocate(%s) of slot %llu+%llu failed: %s",
		    mode == FALLOC_FL_ZERO_RANGE ? "ZERO_RANGE" : "PUNCH_HOLE",
		    (unsigned long long)k, (unsigned long long)n, strerror(errno));
	dsync("fallocate", 0);
	cur_op = mode == FALLOC_FL_ZERO_RANGE ? 'Z' : 'P';
	settle(k, n, 0, n_bad == b);
}

static void op_read(void)
{
	uint64_t k = rnd() % nslots, n = 1 + rnd() % 4, i;

	for (i = 0; i < n && k + i < nslots; i++)
		verify_slot(k + i);
}

static int exists(const char *f)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, f);
	return access(p, F_OK) == 0;
}

static void put(const char *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Files of the control folder are replaced whole: written aside, renamed. */
static FILE *open_aside(const char *p, char *t, size_t tlen)
{
	FILE *o;

	snprintf(t, tlen, "%s.tmp", p);
	o = fopen(t, "w");
	if (!o)
		die("%s:", t);
	return o;
}

static void close_aside(FILE *o, const char *t, const char *p)
{
	if (fclose(o) || rename(t, p))
		die("%s:", p);
}

static void put(const char *f, const char *fmt, ...)
{
	char p[512], t[520];
	va_list ap;
	FILE *o;

	snprintf(p, sizeof(p), "%s/%s", dir, f);
	o = open_aside(p, t, sizeof(t));
	va_start(ap, fmt);
	vfprintf(o, fmt, ap);
	va_end(ap);
	close_aside(o, t, p);
}

static long pause_gen(void)
{
	char p[512];
	long g = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/pause", dir);
	f = fopen(p, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &g) != 1)
		g = -1;		/* being written: ask again */
	fclose(f);
	return g;
}

static void write_state(void)
{
	char p[512], t[520];
	uint64_t k;
	FILE *o;

	snprintf(p, sizeof(p), "%s/%s.state", dir, name);
	o = open_aside(p, t, sizeof(t));
	fprintf(o, "%d %llu %llu\n", kind, (unsigned long long)nslots,
		(unsigned long long)seed);
	for (k = 0; k < nslots; k++)
		if (exp[k])
			fprintf(o, "%llu %lld\n", (unsigned long long)k,
				exp[k] == UNKNOWN ? -1LL : (long long)exp[k]);
	close_aside(o, t, p);
}

static void verify_all(void)
{
	uint64_t k;

	for (k = 0; k < nslots; k++)
		verify_slot(k);
}

static void do_hwpoison(void)
{
	uint64_t s = rnd() % nslots, k, i, b = n_bad;
	char f[256];

	snprintf(f, sizeof(f), "hwpoison.%s.done", name);
	for (i = 0; i < nslots; i++) {
		k = (s + i) % nslots;
		if (exp[k] && exp[k] != UNKNOWN)
			break;
	}
	if (i == nslots) {
		put(f, "none no slot holds a record\n");
		goto out;
	}
	verify_slot(k);		/* maps the page in */
	if (madvise(rw + k * PG, PG, MADV_HWPOISON)) {
		put(f, "error madvise(MADV_HWPOISON) of slot %llu: %s\n",
		    (unsigned long long)k, strerror(errno));
		goto out;
	}
	cur_op = 'H';
	note_op(k, exp[k], 1);
	verify_slot(k);
	if (n_bad == b)
		put(f, "ok slot %llu seq %llu: intact after the memory failure, no SIGBUS\n",
		    (unsigned long long)k, (unsigned long long)exp[k]);
	else
		put(f, "bad slot %llu seq %llu: see TORTURE-BAD lines\n",
		    (unsigned long long)k, (unsigned long long)exp[k]);
out:
	snprintf(f, sizeof(f), "%s/hwpoison.%s", dir, name);
	unlink(f);
}

static void setup(const char *p, int create)
{
	struct stat st;
	int flags = O_RDWR;

	if (kind == K_DIRECT)
		flags |= O_DIRECT;
	else if (create)
		flags |= O_CREAT;
	fd = open(p, flags, 0644);
	if (fd < 0)
		die("%s:", p);
	if (kind == K_DIRECT) {
		if (create) {
			dsync_fd = open(p, O_RDWR | O_DIRECT | O_DSYNC);
			if (dsync_fd < 0)
				die("%s:", p);
		}
		return;
	}
	if (create) {
		if (fstat(fd, &st))
			die("fstat:");
		if (ftruncate(fd, nslots * PG) || fallocate(fd, 0, 0, nslots * PG) || fsync(fd))
			die("allocating %s:", p);
	}
	ro = mmap(NULL, nslots * PG, PROT_READ, MAP_SHARED, fd, 0);
	if (ro == MAP_FAILED)
		die("mmap read-only:");
	if (kind == K_MMAP)
		rw = map_aligned(fd, nslots * PG, 0);
}

static int usage(void)
{
	fprintf(stderr, "usage: torture mmap|write|direct NAME DIR PATH SLOTS SEED\n"
			"       torture verify mmap|write|direct PATH STATEFILE\n"
			"       torture legdiff DEV0 DEV1 SECTORS\n");
	return 2;
}

static int parse_kind(const char *k)
{
	if (!strcmp(k, "mmap"))
		kind = K_MMAP;
	else if (!strcmp(k, "write"))
		kind = K_WRITE;
	else if (!strcmp(k, "direct"))
		kind = K_DIRECT;
	else
		return -1;
	return 0;
}

static int verify_main(int argc, char **argv)
{
	unsigned long long k, n, s;
	long long q;
	int kd;
	FILE *f;

	if (argc != 5 || parse_kind(argv[2]))
		return usage();
	path = argv[3];
	f = fopen(argv[4], "r");
	if (!f)
		die("%s:", argv[4]);
	if (fscanf(f, "%d %llu %llu", &kd, &n, &s) != 3 || kd != (int)kind)
		die("%s: not a %s state file", argv[4], argv[2]);
	nslots = n;
	seed = s;
	exp = calloc(nslots, sizeof(*exp));
	if (!exp)
		die("out of memory");
	while (fscanf(f, "%llu %lld", &k, &q) == 2 && k < nslots)
		exp[k] = q < 0 ? UNKNOWN : (uint64_t)q;
	fclose(f);
	setup(path, 0);
	verify_all();
	printf("# verify %s %s: %llu pages checked, %llu bad\n", argv[2], path,
	       n_checked, n_bad);
	return n_bad ? 1 : 0;
}

/*
 * legdiff DEV0 DEV1 SECTORS: the pages of [0, SECTORS) that differ between
 * two devices (the legs, read directly), each with what both hold; pages
 * one of them cannot read (poison) are listed as such.  For the report
 * when a check scrub found mismatches.
 */
static int legdiff_main(int argc, char **argv)
{
	unsigned long long n, p, ndiff = 0, nbad = 0;
	char *a = aligned_buf(PG), *b = aligned_buf(PG), da[160], db[160];
	int f0, f1;

	if (argc != 5)
		return usage();
	f0 = open(argv[2], O_RDONLY | O_DIRECT);
	f1 = open(argv[3], O_RDONLY | O_DIRECT);
	if (f0 < 0 || f1 < 0)
		die("opening the legs:");
	n = num(argv[4]) / 8;
	for (p = 0; p < n; p++) {
		int r0 = pread(f0, a, PG, p * PG) == PG, r1 = pread(f1, b, PG, p * PG) == PG;

		if (!r0 || !r1) {
			if (nbad++ < 40)
				printf("unreadable sector %llu:%s%s\n", p * 8,
				       r0 ? "" : " leg0", r1 ? "" : " leg1");
			continue;
		}
		if (!memcmp(a, b, PG))
			continue;
		if (ndiff++ >= 40)
			continue;
		describe(a, da, sizeof(da));
		describe(b, db, sizeof(db));
		printf("differ sector %llu: leg0 %s; leg1 %s\n", p * 8, da, db);
	}
	printf("%llu pages differ, %llu unreadable\n", ndiff, nbad);
	return ndiff ? 1 : 0;
}

int main(int argc, char **argv)
{
	long answered = 0, g;
	char f[64];
	int r;

	prog = "torture";
	signal(SIGBUS, on_bus);
	pagebuf = aligned_buf(PG);
	want = aligned_buf(PG);
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return verify_main(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "legdiff"))
		return legdiff_main(argc, argv);
	if (argc != 7 || parse_kind(argv[1]))
		return usage();
	name = argv[2];
	dir = argv[3];
	path = argv[4];
	nslots = num(argv[5]);
	seed = num(argv[6]);
	if (nslots < 16)
		die("SLOTS must be at least 16");
	rng = mix(seed) | 1;
	exp = calloc(nslots, sizeof(*exp));
	hist = calloc(nslots, sizeof(*hist));
	seen_ok = calloc(nslots, sizeof(*seen_ok));
	if (!exp || !hist || !seen_ok)
		die("out of memory");
	setup(path, 1);
	if (kind == K_DIRECT) {
		/* a known start: zeros, durable */
		char *z = aligned_buf(PMD_SIZE);
		uint64_t o, len = nslots * PG;

		memset(z, 0, PMD_SIZE);
		for (o = 0; o < len; o += PMD_SIZE)
			if (pwrite(fd, z, len - o < PMD_SIZE ? len - o : PMD_SIZE, o) < 0)
				die("zeroing %s:", path);
		if (fdatasync(fd))
			die("fdatasync:");
		free(z);
	}
	snprintf(f, sizeof(f), "%s.ready", name);
	put(f, "ready\n");

	while (!exists("stop")) {
		g = pause_gen();
		if (g > 0 && g != answered) {
			verify_all();
			write_state();
			snprintf(f, sizeof(f), "%s.paused.%ld", name, g);
			put(f, "%s ops %llu acked %llu checked %llu bad %llu\n",
			    n_bad ? "bad" : "ok", n_ops, n_acked, n_checked, n_bad);
			answered = g;
			while (pause_gen() == g && !exists("stop"))
				usleep(20000);
			continue;
		}
		if (g)
			usleep(20000);
		if (g)
			continue;
		if (kind == K_MMAP && rw && exists((snprintf(f, sizeof(f), "hwpoison.%s", name), f)))
			do_hwpoison();
		n_ops++;
		r = rnd() % 100;
		switch (kind) {
		case K_MMAP:
			if (r < 70)
				op_store_mmap();
			else if (r < 80)
				op_zero();
			else
				op_read();
			break;
		case K_WRITE:
			if (r < 60)
				op_write(0);
			else if (r < 70)
				op_write(1);
			else if (r < 82)
				op_zero();
			else
				op_read();
			break;
		case K_DIRECT:
			if (r < 65)
				op_write(0);
			else if (r < 82)
				op_write(1);
			else
				op_read();
			break;
		}
	}
	write_state();
	fprintf(stderr, "# torture %s: %llu ops, %llu records acknowledged, %llu pages checked, %llu bad\n",
		name, n_ops, n_acked, n_checked, n_bad);
	return n_bad ? 1 : 0;
}
