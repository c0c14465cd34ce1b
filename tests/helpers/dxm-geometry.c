// SPDX-License-Identifier: GPL-2.0
/*
 * dxm-geometry LEG_SECTORS [REGION_SECTORS [SPARE_PAGES]]
 *
 * Prints the leg geometry that include/daxmirror_format.h computes (and
 * the superblock magic as 16 hex digits, and the format version), as
 * shell assignments (data_sectors=... sb_offset=...), so that the VM tests
 * size tables and locate metadata exactly as the target does.  Exit 1 when
 * the leg is too small.
 */
#include <stdio.h>
#include <stdlib.h>
#include "daxmirror_format.h"

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (!*s || *end) {
		fprintf(stderr, "dxm-geometry: not a number: '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct dxm_geometry g;
	__u64 leg;
	__u32 region = DXM_DEFAULT_REGION_SECTORS, spare = DXM_DEFAULT_SPARE_PAGES;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s LEG_SECTORS [REGION_SECTORS [SPARE_PAGES]]\n",
			argv[0]);
		return 2;
	}
	leg = num(argv[1]);
	if (argc > 2)
		region = num(argv[2]);
	if (argc > 3)
		spare = num(argv[3]);
	if (dxm_compute_geometry(leg, region, spare, &g)) {
		fprintf(stderr, "dxm-geometry: a leg of %llu sectors is too small\n",
			(unsigned long long)leg);
		return 1;
	}
	printf("data_sectors=%llu\nspare_offset=%llu\nremap_offset=%llu\n"
	       "remap_sectors=%llu\nbitmap_offset=%llu\nbitmap_sectors=%llu\n"
	       "sb_offset=%llu\nmagic=%016llx\nversion=%u\n",
	       (unsigned long long)g.data_sectors, (unsigned long long)g.spare_offset,
	       (unsigned long long)g.remap_offset, (unsigned long long)g.remap_sectors,
	       (unsigned long long)g.bitmap_offset, (unsigned long long)g.bitmap_sectors,
	       (unsigned long long)g.sb_offset, (unsigned long long)DXM_MAGIC,
	       (unsigned int)DXM_VERSION);
	return 0;
}
