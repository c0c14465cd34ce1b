// SPDX-License-Identifier: GPL-2.0
/*
 * pcwriter: the writer and the checker of the power-cut test.
 *
 *   pcwriter write|mmap|raw TARGET BASE SLOTS SEED START LOG
 *   pcwriter check write|mmap|raw TARGET BASE SLOTS SEED LOG
 *   pcwriter next LOG
 *
 * Records are 4 KiB: a header (magic, seed, record number, slot) and
 * bytes derived from SEED and the record number.  Record r goes to slot
 * r % SLOTS at byte BASE + slot * 4096 of TARGET.  After a record is
 * acknowledged durable, its number is appended to LOG (a line "r\n",
 * one write(2); LOG lives in a host-visible folder, so it survives a
 * power cut).  The writer starts at record START and runs until killed.
 *
 *   write: TARGET is a file (on ext4 -o dax): pwrite + fsync;
 *   mmap:  TARGET is a file: stores through a MAP_SHARED mapping + msync(MS_SYNC);
 *   raw:   TARGET is a block device: pwrite with O_DIRECT|O_DSYNC.
 *
 * The file writers create TARGET (BASE + SLOTS * 4096 bytes, allocated
 * and fsynced) when it does not exist.
 *
 * check reads LOG, and for every slot with an acknowledged record, that
 * the slot holds the newest acknowledged record of that slot, except the
 * slot of record max+1 (it may have been in flight at the cut: old, new
 * or torn is fine there).  Prints a summary; exit 0 all intact, 1 a
 * record lost or damaged, 2 errors.  check reads files with O_DIRECT where
 * possible (a DAX file has no page cache anyway).
 *
 * next prints the record number to restart with: the newest record in LOG
 * plus one (0 for none).
 */
#include "repl.h"
#include <signal.h>
#include <sys/stat.h>

#define REC		4096
#define MAGIC		0x434552435058440aULL	/* "\nDXPCREC" */

struct rec_hdr {
	uint64_t magic, seed, recno, slot;
};

static void make_record(void *buf, uint64_t seed, uint64_t r, uint64_t slots)
{
	struct rec_hdr *h = buf;

	fill_pattern(buf, REC, mix(seed) ^ mix(r + 1), 0);
	h->magic = MAGIC;
	h->seed = seed;
	h->recno = r;
	h->slot = r % slots;
}

static void full_pwrite(int fd, const void *buf, size_t n, uint64_t off)
{
	size_t done = 0;
	ssize_t w;

	while (done < n) {
		w = pwrite(fd, (const char *)buf + done, n - done, off + done);
		if (w <= 0)
			die("pwrite at %llu:", (unsigned long long)(off + done));
		done += w;
	}
}

static int open_target(const char *mode, const char *target, uint64_t base,
		       uint64_t slots, int writer)
{
	uint64_t size = base + slots * REC;
	int fd;

	if (!strcmp(mode, "raw"))
		return open(target, (writer ? O_WRONLY | O_DSYNC : O_RDONLY) | O_DIRECT);
	if (writer && access(target, F_OK)) {
		fd = open(target, O_RDWR | O_CREAT, 0644);
		if (fd < 0 || fallocate(fd, 0, 0, size) || fsync(fd))
			die("creating %s:", target);
		close(fd);
	}
	fd = open(target, writer ? O_RDWR : O_RDONLY);
	if (fd >= 0) {
		struct stat st;

		if (fstat(fd, &st) || (uint64_t)st.st_size < size)
			die("%s is smaller than %llu bytes", target,
			    (unsigned long long)size);
	}
	return fd;
}

static int writer(const char *mode, const char *target, uint64_t base,
		  uint64_t slots, uint64_t seed, uint64_t start, const char *log)
{
	char *buf = aligned_buf(REC), line[32], *map = NULL;
	int fd, lfd, n;
	uint64_t r, off;

	fd = open_target(mode, target, base, slots, 1);
	if (fd < 0)
		die("%s:", target);
	lfd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (lfd < 0)
		die("%s:", log);
	if (!strcmp(mode, "mmap"))
		map = map_aligned(fd, base + slots * REC, 0);
	printf("# pcwriter %s: %s from record %llu\n", mode, target,
	       (unsigned long long)start);
	fflush(stdout);
	for (r = start;; r++) {
		off = base + (r % slots) * REC;
		make_record(buf, seed, r, slots);
		if (!strcmp(mode, "write")) {
			full_pwrite(fd, buf, REC, off);
			if (fsync(fd))
				die("fsync:");
		} else if (map) {
			memcpy(map + off, buf, REC);
			if (msync(map + (off & ~4095ULL), REC, MS_SYNC))
				die("msync:");
		} else {
			full_pwrite(fd, buf, REC, off);
		}
		/* acknowledged: log it */
		n = snprintf(line, sizeof(line), "%llu\n", (unsigned long long)r);
		if (write(lfd, line, n) != n)
			die("writing %s:", log);
	}
	return 0;
}

/*
 * Read the acknowledgement log: newest record per slot (+1, 0: none) into
 * @latest if not NULL, the newest overall into @max; returns whether
 * there was any.
 */
static int read_log(const char *log, uint64_t *latest, uint64_t slots,
		    uint64_t *max, uint64_t *nacks)
{
	unsigned long long v;
	char line[64];
	int have = 0;
	FILE *f;

	*max = *nacks = 0;
	f = fopen(log, "r");
	if (!f) {
		if (errno != ENOENT)
			die("%s:", log);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		/* a line without its newline was cut mid-write: ignore it */
		if (!strchr(line, '\n'))
			break;
		if (sscanf(line, "%llu", &v) != 1)
			die("%s: bad line '%s'", log, line);
		if (latest)
			latest[v % slots] = v + 1;
		if (!have || v > *max)
			*max = v;
		have = 1;
		(*nacks)++;
	}
	fclose(f);
	return have;
}

static int check(const char *mode, const char *target, uint64_t base,
		 uint64_t slots, uint64_t seed, const char *log)
{
	uint64_t *latest = calloc(slots, sizeof(*latest)), max = 0, nacks = 0;
	uint64_t s, inflight_slot, checked = 0, bad = 0;
	char *want = aligned_buf(REC), *got = aligned_buf(REC);
	struct rec_hdr *h = (struct rec_hdr *)got;
	int fd, c, have;

	if (!latest)
		die("out of memory");
	have = read_log(log, latest, slots, &max, &nacks);
	if (!have) {
		printf("# check %s: no acknowledged record\n", mode);
		return 0;
	}
	fd = open_target(mode, target, base, slots, 0);
	if (fd < 0)
		die("%s:", target);
	inflight_slot = (max + 1) % slots;
	for (s = 0; s < slots; s++) {
		if (!latest[s])
			continue;
		dev_read(fd, base + s * REC, got, REC);
		if (s == inflight_slot) {
			make_record(want, seed, max + 1, slots);
			c = !memcmp(got, want, REC);
			make_record(want, seed, latest[s] - 1, slots);
			printf("# check %s: slot %llu (in flight at the cut) holds %s\n",
			       mode, (unsigned long long)s,
			       c ? "the unacknowledged record" :
			       !memcmp(got, want, REC) ? "the acknowledged record" :
			       "a torn record");
			continue;
		}
		make_record(want, seed, latest[s] - 1, slots);
		checked++;
		if (memcmp(got, want, REC)) {
			if (bad++ < 10)
				printf("LOST: %s: slot %llu should hold acknowledged record %llu, holds %s (magic %#llx recno %llu)\n",
				       mode, (unsigned long long)s,
				       (unsigned long long)(latest[s] - 1),
				       h->magic == MAGIC ? "another record" : "no record",
				       (unsigned long long)h->magic,
				       (unsigned long long)h->recno);
		}
	}
	printf("# check %s: %llu acknowledgements, newest record %llu, %llu slots checked, %llu bad\n",
	       mode, (unsigned long long)nacks, (unsigned long long)max,
	       (unsigned long long)checked, (unsigned long long)bad);
	return bad ? 1 : 0;
}

static int valid_mode(const char *m)
{
	return !strcmp(m, "write") || !strcmp(m, "mmap") || !strcmp(m, "raw");
}

int main(int argc, char **argv)
{
	prog = "pcwriter";
	if (argc == 8 && !valid_mode(argv[1]) && !valid_mode(argv[2]))
		die("unknown mode");
	if (argc == 8 && valid_mode(argv[1]))
		return writer(argv[1], argv[2], num(argv[3]), num(argv[4]),
			      num(argv[5]), num(argv[6]), argv[7]);
	if (argc == 3 && !strcmp(argv[1], "next")) {
		uint64_t max, n;

		printf("%llu\n", read_log(argv[2], NULL, 1, &max, &n) ?
		       (unsigned long long)max + 1 : 0ULL);
		return 0;
	}
	if (argc == 8 && !strcmp(argv[1], "check") && valid_mode(argv[2]))
		return check(argv[2], argv[3], num(argv[4]), num(argv[5]),
			     num(argv[6]), argv[7]);
	fprintf(stderr, "usage: pcwriter write|mmap|raw TARGET BASE SLOTS SEED START LOG\n"
		"       pcwriter check write|mmap|raw TARGET BASE SLOTS SEED LOG\n"
		"       pcwriter next LOG\n");
	return 2;
}
