#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 42-poison-rebuild: poison met by the slower paths of the mirror.
#   A read that fails over to the other leg after a page of that leg was
#   remapped (since the read was mapped) returns the right data: the
#   failover read follows the remap runs of the good leg.  New poison is
#   found by the background poll, without any access, also when the number
#   of bad ranges stays the same: a range that merges with one already
#   listed (NVDIMM), one range cleared and another added (legacy pmem).
#   A page bad on both legs during a rebuild is lost (lost_pages, EIO for
#   that page only) and the rebuild goes on past it and completes; so is
#   a page bad on the source whose copy on the leg being rebuilt is out of
#   date (never copied back onto the source as if it were good).
# Each case works on its own GPT partition ("slot") of both NVDIMMs: NVDIMM
# poison is sticky until the next boot.
# vm-run: --nvdimms 2 --nvdimm-size 512 --legacy-pmem 256
# vm-timeout: 1200
# kernels: 6.1. newest
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

NSLOTS=5
group_setup setup_fsdax
group_setup load_module
group_setup pmem_slots "$PMEM0" "$NSLOTS"
group_setup pmem_slots "$PMEM1" "$NSLOTS"

# diff_pages FILE1 FILE2: the 4 KiB pages (indexes) in which they differ.
diff_pages() {
	{ cmp -l "$1" "$2" || true; } |
		awk '{ p = int(($1 - 1) / 4096); if (!(p in b)) { b[p] = 1; printf " %d", p } }'
}

# check_scrub NAME: a check scrub finds the legs equal (bad pages compared
# through the spare pages they were remapped to).
check_scrub() {
	dxm_message "$1" check
	wait_action_idle "$1" 300
	assert_eq "$(status_field "$1" mismatches)" 0 "check mismatches"
}

# range_is DEV SECTOR COUNT SEED OFF: sectors SECTOR+COUNT of DEV hold the
# bytes of pattern SEED from sector OFF of that pattern on.
range_is() {
	[ "$(hash_range "$1" "$2" "$3")" = \
	  "$(pattern "$4" $(($3 * 512)) $(($5 * 512)) | sha256sum | cut -d' ' -f1)" ]
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

# New poison on the page next to one already bad (and remapped) on leg 1:
# the list merges both into one range, so the number of ranges stays the
# same.  The background poll must still find the new page and repair it,
# without any access to it.
case_poll_merged_range() {
	local s=8192 p
	legs 2
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" "$s" 256 611
	p=$((s + 5 * 8))
	poison "$B" "$p"
	wait_field m0 remapped1 = 1 30
	poison "$B" $((p + 8))
	log "bad ranges of $B: $(bad_sectors "$B" | tr '\n' ' ')"
	assert_eq "$(bad_sectors "$B")" "$p 16" "bad ranges of $B (one, merged)"
	wait_field m0 remapped1 = 2 15
	show_status m0
	dmesg_expect "leg 1: page at sector $((p + 8)) remapped to spare"
	check_scrub m0
	dxm_message m0 fail 0
	check_pattern "$DXM_DEV" "$s" 256 611
}

# clear_then_poison DEV CLEAR SECTOR: write zeros over the page at CLEAR
# of DEV (legacy pmem: the write clears its poison), then at once add a
# one-page bad range at SECTOR: the list holds as many ranges as before.
clear_then_poison() {
	local disk start
	read -r disk start < <(_disk_of "$1")
	log "clear $1 sector $2 by a write, then poison sector $3 (+8)"
	/usr/bin/python3 - "$1" "$2" "/sys/block/$disk/badblocks" \
		"$((start + $3)) 8" <<'PY'
import mmap, os, sys
dev, clear, bb, entry = sys.argv[1:5]
buf = mmap.mmap(-1, 4096)
fd = os.open(dev, os.O_WRONLY | os.O_DIRECT)
f = open(bb, 'w')
n = os.pwritev(fd, [buf], int(clear) * 512)
f.write(entry)
f.close()
assert n == 4096, n
os.close(fd)
PY
}

# One bad range cleared and another added between two polls (leg 0 on
# legacy memmap= pmem, where a write clears poison; the cleared page is an
# unused spare page of leg 0): the number of ranges stays the same.  The
# poll must still find the new one and repair it (clear, no spare).
case_poll_cleared_and_added() {
	local L s=8192 p q
	setup_legacy_pmem
	L=$LEGACY_PMEM0
	legs 3
	log "legs: legacy $L and NVDIMM $B"
	fresh_pair m0 "$L" "$B"
	write_pattern "$DXM_DEV" "$s" 256 621
	dxm_geometry "$L"
	q=$((G_spare_offset + 255 * 8))	# the last spare page: never used
	p=$((s + 5 * 8))
	poison "$L" "$q"
	sleep 2		# polls see the list with that range
	is_bad "$L" "$q" || die "the bad spare page of $L was cleared"
	clear_then_poison "$L" "$q" "$p"
	not_bad "$L" "$q" || die "the write did not clear sector $q of $L"
	log "bad ranges of $L: $(bad_sectors "$L" | tr '\n' ' ')"
	wait_until 15 "the new poison at sector $p of $L repaired" not_bad "$L" "$p"
	show_status m0
	assert_eq "$(status_field m0 remapped)" 0/0 "remapped (cleared, no spare)"
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	read_page "$L" "$p" | cmp - <(pattern 621 4096 $((5 * 4096))) ||
		die "the repaired page of $L does not hold the data"
	check_scrub m0
}

# A page bad on both legs while leg 1 is rebuilt (no_dax: the CPU cannot
# read the page either, as with real poison).  Leg 1 lost the range behind
# the mirror's back first, so that only the rebuild brings it back.  The
# page is lost (lost_pages 1, EIO for it only); the rebuild copies every
# other page, goes on past it and completes (leg 1 in sync); a check scrub
# goes past it too; a full-page write makes the page good on both legs.
case_rebuild_past_lost_page() {
	local s=8192 n=1024 p k
	legs 4
	fresh_pair m0 "$A" "$B" no_dax
	write_pattern "$DXM_DEV" "$s" "$n" 631
	k=21			# 64 KiB regions: page 21 is in the range's 2nd
	p=$((s + k * 8))
	dmsetup suspend m0
	zero_range "$B" "$s" "$n"
	poison "$A" "$p"
	poison "$B" "$p"
	dmsetup resume m0
	wait_field m0 lost_pages = 1 30
	dxm_message m0 rebuild 1
	wait_field m0 action = idle 120
	show_status m0
	dmesg_expect "rebuild finished"
	assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	assert_eq "$(status_field m0 lost_pages)" 1 "lost_pages after the rebuild"
	assert_eq "$(status_field m0 in_sync)" "$(status_field m0 total)" in_sync
	# leg 1 read directly: every page of the range but the lost one
	range_is "$B" "$s" $((k * 8)) 631 0 ||
		die "leg 1: pages before the lost one not rebuilt"
	range_is "$B" $((p + 8)) $((n - k * 8 - 8)) 631 $((k * 8 + 8)) ||
		die "leg 1: pages after the lost one not rebuilt"
	# through the mirror: EIO for that page only
	expect_fail read_page "$DXM_DEV" "$p" >/dev/null
	range_is "$DXM_DEV" "$s" $((k * 8)) 631 0 || die "pages before the lost one"
	range_is "$DXM_DEV" $((p + 8)) $((n - k * 8 - 8)) 631 $((k * 8 + 8)) ||
		die "pages after the lost one"
	dmesg_mark check
	dxm_message m0 check
	wait_field m0 action = idle 120
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
	if dmesg_since_mark | grep -E "sweep stopped"; then
		die "the check stopped at the lost page"
	fi
	# a full-page write makes it good again, on both legs
	write_page "$DXM_DEV" "$p" 632
	wait_field m0 lost_pages = 0 30
	read_page "$DXM_DEV" "$p" | cmp - <(pattern 632 4096) || die "rewritten page"
	dxm_message m0 fail 0
	assert_eq "$(status_field m0 health)" DA "health after fail 0"
	range_is "$DXM_DEV" "$s" $((k * 8)) 631 0 || die "leg 1 alone: pages before"
	read_page "$DXM_DEV" "$p" | cmp - <(pattern 632 4096) ||
		die "leg 1 alone: the rewritten page"
	range_is "$DXM_DEV" $((p + 8)) $((n - k * 8 - 8)) 631 $((k * 8 + 8)) ||
		die "leg 1 alone: pages after"
}

# A page bad on leg 0 while leg 1, out of date, is rebuilt from it
# (no_dax: the CPU cannot rescue the page).  Leg 1's copy of the page is
# readable but old: it is not good data, so the page is lost (EIO), not
# served (nor written onto leg 0) with leg 1's old contents.  The rebuild
# completes; every other page is rebuilt.
case_rebuild_source_bad_target_stale() {
	local s=8192 n=1024 k=21 p
	legs 5
	fresh_pair m0 "$A" "$B" no_dax
	write_pattern "$DXM_DEV" "$s" "$n" 641
	p=$((s + k * 8))
	dxm_message m0 fail 1
	zero_range "$B" "$s" "$n"	# leg 1 is out of date there
	poison "$A" "$p"
	dmesg_mark rebuild
	dmsetup load m0 --table "$(dxm_table "$A" "$B" nosync no_dax)"
	dmsetup suspend m0
	dmsetup resume m0
	wait_field m0 action = idle 120
	show_status m0
	dmesg_has "rebuild finished" || die "no rebuild ran"
	assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	if read_page "$DXM_DEV" "$p" | cmp -s - <(head -c 4096 /dev/zero); then
		die "the lost page reads leg 1's old (zero) contents as good data"
	fi
	expect_fail read_page "$DXM_DEV" "$p" >/dev/null
	assert_eq "$(status_field m0 lost_pages)" 1 "lost_pages after the rebuild"
	range_is "$B" "$s" $((k * 8)) 641 0 ||
		die "leg 1: pages before the lost one not rebuilt"
	range_is "$DXM_DEV" $((p + 8)) $((n - k * 8 - 8)) 641 $((k * 8 + 8)) ||
		die "pages after the lost one"
	# a full-page write makes it good again
	write_page "$DXM_DEV" "$p" 642
	wait_field m0 lost_pages = 0 30
	read_page "$DXM_DEV" "$p" | cmp - <(pattern 642 4096) || die "rewritten page"
}

run_case failover_read_remapped_after_map case_failover_read_remapped_after_map
run_case poll_merged_range case_poll_merged_range
run_case poll_cleared_and_added case_poll_cleared_and_added
run_case rebuild_past_lost_page case_rebuild_past_lost_page
run_case rebuild_source_bad_target_stale case_rebuild_source_bad_target_stale
finish
