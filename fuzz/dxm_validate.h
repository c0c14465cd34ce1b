/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace copy of dm-daxmirror's metadata validation (superblock and
 * remap table), written against include/daxmirror_format.h so that it can
 * be fuzzed with libFuzzer and used by tests to predict what the kernel
 * accepts.  Keep it in step with dm-target/metadata.c (dxm_check_sb) and
 * dm-target/remap.c (dxm_remap_check, dxm_remap_load): every check there
 * has its twin here, with the same reason string.
 */
#ifndef DXM_VALIDATE_H
#define DXM_VALIDATE_H

#include <stddef.h>
#include <stdint.h>
#include "daxmirror_format.h"

/* crc32c (Castagnoli), the standard form: init ~0, final xor ~0 */
uint32_t dxm_crc32c(const void *buf, size_t len);

/* the checksum a superblock must carry (crc32c with csum = 0) */
uint32_t dxm_sb_csum(const struct dxm_superblock *sb);
/* the checksum of a remap copy with @nr entries (header csum = 0) */
uint32_t dxm_remap_csum(const void *copy, uint32_t nr);

/*
 * dxm_check_sb: NULL if @sb (read from the last 4 KiB-aligned block of a
 * leg of @dev_sectors sectors at position @leg_index) is acceptable, else
 * the kernel's reason.  Fills @g with the geometry the superblock implies
 * (valid only on success).
 */
const char *dxm_check_sb(const struct dxm_superblock *sb, uint32_t leg_index,
			 uint64_t dev_sectors, struct dxm_geometry *g);

/* is the 4 KiB block all zero (a blank leg) */
int dxm_sb_blank(const void *block);

/*
 * dxm_remap_check: NULL if one remap copy (@copy, at least
 * DXM_REMAP_HEADER_SIZE + 8 * @spare_pages bytes) is valid for a leg with
 * @spare_pages spare slots and a data area of @data_sectors, else the
 * reason.
 */
const char *dxm_remap_check(const void *copy, uint32_t spare_pages,
			    uint64_t data_sectors);

/* result of loading both copies as the constructor does */
struct dxm_remap_result {
	int copy;		/* 0 (A) or 1 (B) used; -1: none (empty table) */
	uint64_t seq;		/* its sequence number */
	uint32_t nr_remapped;	/* entries that name a data page */
	const char *why[2];	/* per-copy reason, NULL if valid */
};

/*
 * dxm_remap_load: the constructor's choice between copies A and B (each
 * @copy_bytes long, >= header + entries): the valid copy with the higher
 * seq wins; both all zero is an empty table; neither valid is refused
 * ("Leg remap table is corrupted"), a page mapped twice too.  Returns NULL
 * on success (fills @res), else the reason the constructor gives.
 */
const char *dxm_remap_load(const void *a, const void *b, size_t copy_bytes,
			   uint32_t spare_pages, uint64_t data_sectors,
			   struct dxm_remap_result *res);

#endif /* DXM_VALIDATE_H */
