#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of tests/host/60-tool-reboot.sh (two boots over the same
# NVDIMM media; state passes through $VM_WORK/state).  Only the admin
# tool creates, starts and stops the mirror.
#   create: daxmirror create m0 with settings (sync interval, 2 MiB
#           faults always), DAX ext4 with a checksummed file, umount,
#           daxmirror remove (a clean stop).
#   scan:   (next boot) daxmirror assemble --scan, with no configuration,
#           starts the set as itself: name and settings from its
#           superblocks (format version 2), UUID, size, legs as before,
#           healthy without a resync, the file intact, a check scrub
#           finds no mismatch.
# shellcheck disable=SC2154,SC2034,SC1090
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../lib-fault.sh"

PHASE=${1:?usage: $0 create|scan}
GROUP=60-tool-reboot
STATE=$VM_WORK/state
MNT=$MNT_BASE/fs
DXM=$REPO/build/lvm-tools/daxmirror

tool_ready() {
	[ -x "$DXM" ] || die "no $DXM (cmake --build build)"
	command -v jq >/dev/null || die "no jq"
}

group_setup setup_fsdax
group_setup load_module
group_setup tool_ready
A=$PMEM0
B=$PMEM1

dxm() {
	log "daxmirror $*" >&2
	"$DXM" "$@"
}

sha() { sha256sum <"$1" | cut -d' ' -f1; }

case_create() {
	local f sum
	dxm create m0 "$A" "$B" --sync-interval 250 --pmd-always
	wait_action_idle m0
	dxm status m0 --json | tee "$SCRATCH/st.json"
	jq -e '.health == "AA" and .action == "idle"' "$SCRATCH/st.json" >/dev/null ||
		die "new mirror not healthy"
	mkfs_dax ext4 /dev/mapper/m0
	mount_dax /dev/mapper/m0 "$MNT"
	f=$MNT/data
	pattern 6001 $((24 << 20)) >"$f"
	sync
	sum=$(sha "$f")
	umount "$MNT"
	cat >"$STATE" <<-EOT
	UUID=$(jq -r .uuid "$SCRATCH/st.json")
	SIZE=$(jq -r .size_bytes "$SCRATCH/st.json")
	SUM=$sum
	EOT
	dxm remove m0
	dxm list
	sync
	cat "$STATE"
}

case_scan() {
	local name rc=0
	[ -s "$STATE" ] || die "no state from the first boot"
	. "$STATE"
	name=m0		# as it ran before the reboot
	if dmsetup table 2>/dev/null | grep -q ' daxmirror '; then
		die "a daxmirror device exists before the scan"
	fi
	dxm list
	dxm list --json | jq -e --arg u "$UUID" '[.[] | select(.set_uuid == $u
		and .problem == null) | .leg_index] | sort == [0, 1]' >/dev/null ||
		die "list does not show both legs of set $UUID"
	dxm assemble --scan | tee "$SCRATCH/out"
	grep -q "^$name: assembled set $UUID " "$SCRATCH/out" || die "assemble --scan said no '$name: assembled set $UUID'"
	_wait_blockdev "/dev/mapper/$name"
	dmsetup table "$name" | tee "$SCRATCH/table"
	grep -q " sync_interval_ms 250 " "$SCRATCH/table" && grep -q " pmd_always" "$SCRATCH/table" ||
		die "the settings it ran with were not restored: $(cat "$SCRATCH/table")"
	dxm status "$name" || rc=$?
	assert_eq "$rc" 0 "status exit code"
	dxm status "$name" --json | tee "$SCRATCH/st.json"
	# a clean stop: both legs in sync at once, no resync
	jq -e --arg u "$UUID" --argjson s "$SIZE" --arg a "$A" --arg b "$B" '
		.uuid == $u and .size_bytes == $s and .health == "AA"
		and .action == "idle" and .lost_pages == 0
		and .sync.in_sync_sectors == .sync.total_sectors
		and .legs[0].device == $a and .legs[1].device == $b' \
		"$SCRATCH/st.json" >/dev/null || die "the assembled mirror is not as it was"
	# nothing left for a second scan
	rc=0
	"$DXM" assemble --scan 2>"$SCRATCH/err" || rc=$?
	cat "$SCRATCH/err"
	assert_eq "$rc" 4 "second assemble --scan exit code"
	grep -q "no inactive daxmirror legs found" "$SCRATCH/err" || die "second scan: wrong message"
	mount_dax "/dev/mapper/$name" "$MNT"
	assert_eq "$(sha "$MNT/data")" "$SUM" "file after the reboot"
	umount "$MNT"
	dxm scrub "$name" --wait
	dxm status "$name" --json | jq -e '.mismatches == 0 and .health == "AA"' >/dev/null ||
		die "check scrub found mismatches"
	dxm remove "$name"
}

case "$PHASE" in
create) run_case create_with_tool case_create ;;
scan) run_case assemble_scan_after_reboot case_scan ;;
*) die "unknown phase $PHASE" ;;
esac
finish
