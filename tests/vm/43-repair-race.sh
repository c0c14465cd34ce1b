#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 43-repair-race: a page repaired while a process stores to it.
#   A process stores whole 4 KiB records to one page of a DAX ext4 file
#   through its mapping, msyncs each and reads it back with pread at once
#   (build/helpers/storeloop), while the primary leg's copy of that page
#   turns bad and the mirror repairs it: sticky poison (NVDIMM: the page
#   is remapped to a spare) and clearable poison (legacy pmem: the page is
#   rewritten in place).  The repair runs between a store and its msync,
#   and a fault after the repair's unmap can map the page again while the
#   repair still copies: every record msync acknowledged must read back,
#   and after the loop the page is the same on both legs.
# A regression guard, not a defect's reproducer: it was written for a
# suspected window (a fault mapping the page again between the repair's
# unmap and its remap) and passed on the module as it was (12 rounds,
# 6.1): the pmem driver refuses direct_access to a page its bad-block
# list names, so the fault goes to the repair and waits for its region.
# Each sticky round poisons another page of its own slot: NVDIMM poison
# stays until the next boot.
# vm-run: --nvdimms 2 --nvdimm-size 256 --legacy-pmem 256
# vm-timeout: 900
# kernels: 6.1. newest
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

NSLOTS=2	# cases use slots 1-2
ROUNDS=${DXM_REPAIR_ROUNDS:-6}
group_setup setup_fsdax
group_setup load_module
group_setup pmem_slots "$PMEM0" "$NSLOTS"
group_setup pmem_slots "$PMEM1" "$NSLOTS"

MNT=$MNT_BASE/fs

# store_through_repair LEG0 LEG1 WHAT: ROUNDS rounds, each on its own page
# of a file: storeloop runs, LEG0 (the primary) gets poison under that
# page, the mirror repairs it (WHAT: the status field that counts it, or
# "cleared" for poison a write clears), storeloop goes on for a second,
# then stops; it must have read back every record msync acknowledged, and
# the page must be the same on both legs.
store_through_repair() {
	local l0=$1 l1=$2 what=$3 f i s st out rc n0 bg_pid
	fresh_pair m0 "$l0" "$l1" sync_interval_ms 0
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
	f=$MNT/loop
	dd if=/dev/zero of="$f" bs=4096 count=$((ROUNDS + 1)) status=none
	sync
	for ((i = 1; i <= ROUNDS; i++)); do
		s=$(file_sector "$f" $((i * 4096)))
		[ $((s % 8)) = 0 ] || die "page $i of the file is not 4 KiB aligned (sector $s)"
		st=$SCRATCH/state.$i
		rm -f "$SCRATCH/stop"
		[ "$what" = cleared ] || n0=$(status_field m0 "$what")
		"$HELPERS/storeloop" "$f" $((i * 4096)) "$SCRATCH/stop" "$st" \
			>"$SCRATCH/loop.$i" 2>&1 &
		bg_pid=$!
		echo "$bg_pid" >>"$BG_PIDS_FILE"
		wait_until 30 "the first records" test -s "$st"
		poison "$l0" "$s"
		if [ "$what" = cleared ]; then
			wait_until 30 "poison on $l0 cleared" not_bad "$l0" "$s"
		else
			wait_field m0 "$what" -ge $((n0 + 1)) 30
		fi
		sleep 1
		touch "$SCRATCH/stop"
		rc=0
		wait "$bg_pid" || rc=$?
		out=$(cat "$SCRATCH/loop.$i")
		log "round $i (sector $s): $out"
		[ "$rc" = 0 ] || die "round $i: a store through the mapping was lost while the page was repaired: $out"
		dxm_message m0 flush
		read_page "$l1" "$s" | cmp -s - <(dd if="$f" bs=4096 skip="$i" count=1 status=none) ||
			die "round $i: leg 1 does not hold the page the mirror reads"
	done
	show_status m0
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	umount "$MNT"
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
}

# Sticky poison on the primary (NVDIMM): each page is remapped to a spare.
case_sticky_remap() {
	legs 1
	store_through_repair "$A" "$B" remapped0
}

# Clearable poison on the primary (legacy pmem): rewritten in place.
case_clearable_rewrite() {
	setup_legacy_pmem
	legs 2
	store_through_repair "$LEGACY_PMEM0" "$B" cleared
}

run_case sticky_remap case_sticky_remap
run_case clearable_rewrite case_clearable_rewrite
finish
