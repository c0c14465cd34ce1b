#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 42-poison-rebuild: poison met by the slower paths of the mirror.
#   A read that fails over to the other leg after a page of that leg was
#   remapped (since the read was mapped) returns the right data: the
#   failover read follows the remap runs of the good leg.
# Each case works on its own GPT partition ("slot") of both NVDIMMs: NVDIMM
# poison is sticky until the next boot.
# vm-run: --nvdimms 2 --nvdimm-size 512
# vm-timeout: 1200
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

NSLOTS=4
group_setup setup_fsdax
group_setup load_module
group_setup pmem_slots "$PMEM0" "$NSLOTS"
group_setup pmem_slots "$PMEM1" "$NSLOTS"

# legs K: A and B = slot K of both NVDIMMs
legs() {
	A=$(slot "$PMEM0" "$1")
	B=$(slot "$PMEM1" "$1")
	log "legs: $A $B"
}

# diff_pages FILE1 FILE2: the 4 KiB pages (indexes) in which they differ.
diff_pages() {
	{ cmp -l "$1" "$2" || true; } |
		awk '{ p = int(($1 - 1) / 4096); if (!(p in b)) { b[p] = 1; printf " %d", p } }'
}

# ------------------------------------------------------------------------

# A 64 KiB read of leg 0 fails (leg 0 is a dm-delay whose reads go, 3 s
# late, to dm-error; writes pass at once) and is retried on leg 1.  While
# it waits, page 0 of its range turns bad on leg 1 and a full-page write
# remaps that page to a spare.  The retry must read page 0 from the spare
# and pages 1-15 from their own places, not 16 consecutive spare slots.
case_failover_read_remapped_after_map() {
	local s=8192 n d
	legs 1
	modprobe dm-delay
	n=$(sectors "$A")
	dmsetup create d0 --table "0 $n delay $A 0 0"
	dmsetup create e0 --table "0 $n error"
	d=/dev/mapper/d0
	fresh_pair m0 "$d" "$B" no_dax
	write_pattern "$DXM_DEV" "$s" 128 601
	assert_eq "$(status_field m0 remapped)" 0/0 "remapped before the read"
	# leg 0 from now on: reads fail after 3 s, writes go to A at once
	dmsetup load d0 --table "0 $n delay /dev/mapper/e0 0 3000 $A 0 0"
	dmsetup suspend d0
	dmsetup resume d0
	bg_start /bin/sh -c "dd if=$DXM_DEV of=$SCRATCH/read iflag=direct,skip_bytes \
		bs=64K count=1 skip=$((s * 512)) status=none; echo \$? >$SCRATCH/read.rc"
	sleep 0.5
	# the same data again over page 0, sticky-poisoned on leg 1 just before
	pattern 601 4096 >"$SCRATCH/page0"
	poison_then_write "$B" "$s" "$DXM_DEV" "$s" "$SCRATCH/page0"
	assert_eq "$(status_field m0 remapped)" 0/1 "remapped after the write"
	[ ! -e "$SCRATCH/read.rc" ] ||
		die "the read ended before the remap: the case did not test anything"
	wait_until 30 "the read" test -s "$SCRATCH/read.rc"
	assert_eq "$(cat "$SCRATCH/read.rc")" 0 "exit code of the 64 KiB read"
	dmesg_expect "read error at sector $s [(][+]128[)] served from leg 1"
	show_status m0
	assert_eq "$(status_field m0 health)" DA "health (leg 0 failed reads)"
	pattern 601 65536 >"$SCRATCH/want"
	cmp -s "$SCRATCH/read" "$SCRATCH/want" ||
		die "the failed-over read returned wrong data, pages:$(diff_pages \
			"$SCRATCH/read" "$SCRATCH/want")"
	# leg 1 alone, read again (page 0 through its spare)
	check_pattern "$DXM_DEV" "$s" 128 601
}

run_case failover_read_remapped_after_map case_failover_read_remapped_after_map
finish
