#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of tests/host/64-cxl-powercut.sh (one boot per call over the
# same CXL media; the region is made anew on each boot, its namespace
# comes back from the labels).  Usage: 64-cxl-powercut.sh write|verify
#
#   write   a mirror over slot 1 of both CXL pmem regions (fresh media:
#           nosync), a DAX ext4 on it; pcwriter's file writers (pwrite +
#           fsync, stores + msync) log every acknowledged record to
#           $VM_WORK; after DXM_CUT_MS of writing the guest cuts its own
#           power (sysrq b: nothing written after it)
#   verify  assemble the mirror again: the resync ends with health AA and
#           identical legs, the filesystem mounts (journal replay), every
#           acknowledged record is intact, e2fsck -fn finds it clean
# shellcheck disable=SC2154
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../lib-fault.sh"
. "$(dirname "$0")/../../lib-cxl.sh"

MODE=${1:?usage: $0 write|verify}
SEED=${DXM_SEED:?DXM_SEED}
SLOTS=2048
MNT=$MNT_BASE/pc
PW=$HELPERS/pcwriter
GROUP=64-cxl-powercut	# (lib.sh names it after the script)

group_setup setup_cxl_pmem
group_setup load_module
group_setup pmem_slots "$PMEM0" 2 128
group_setup pmem_slots "$PMEM1" 2 128
A=$(slot "$PMEM0" 1)
B=$(slot "$PMEM1" 1)

case_write() {
	local m p w=()
	[ -z "$(ls "$VM_WORK"/ack-*.log 2>/dev/null)" ] || die "first boot over used media"
	fresh_pair m0 "$A" "$B"
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
	for m in write mmap; do
		"$PW" "$m" "$MNT/pc-$m.dat" 0 "$SLOTS" "$SEED" 0 "$VM_WORK/ack-$m.log" &
		w+=($!)
	done
	sleep "$(awk -v ms="${DXM_CUT_MS:-3000}" 'BEGIN { printf "%.3f", ms / 1000 }')"
	for p in "${w[@]}"; do
		kill -0 "$p" 2>/dev/null || die "writer $p died"
	done
	for m in write mmap; do
		[ -s "$VM_WORK/ack-$m.log" ] || die "no $m record acknowledged before the cut"
	done
	log "cut after $(wc -l <"$VM_WORK/ack-write.log") write and $(wc -l <"$VM_WORK/ack-mmap.log") mmap records: $(status_field m0 line)"
	# the console's last lines die with the VM: a trace goes to $VM_WORK
	check_dmesg 2>"$VM_WORK/trace" || true
	sync "$VM_WORK/trace"
	vm_power_cut_now
}

case_verify() {
	local m
	[ -s "$VM_WORK/ack-write.log" ] || die "no records from the first boot"
	dxm_create m0 "$A" "$B"
	show_status m0
	wait_action_idle m0 600
	assert_eq "$(status_field m0 health)" AA "health after the resync"
	legs_identical "$A" "$B" "$DXM_LEN"
	mkdir -p "$MNT"
	mount -t ext4 -o dax "$DXM_DEV" "$MNT"	# replays the journal
	for m in write mmap; do
		"$PW" check "$m" "$MNT/pc-$m.dat" 0 "$SLOTS" "$SEED" "$VM_WORK/ack-$m.log" ||
			die "acknowledged $m records lost"
	done
	umount "$MNT"
	e2fsck -fn "$DXM_DEV" >"$SCRATCH/fsck.log" 2>&1 || {
		cat "$SCRATCH/fsck.log" >&2
		die "e2fsck -fn found problems"
	}
	legs_identical "$A" "$B" "$DXM_LEN"
	dxm_remove m0
}

case "$MODE" in
write) run_case write case_write ;;
verify) run_case verify case_verify ;;
*) die "unknown mode $MODE" ;;
esac
finish
