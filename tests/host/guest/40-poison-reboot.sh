#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of tests/host/40-poison-reboot.sh (two boots over the same
# NVDIMM media; state passes through $VM_WORK/state).
#   prepare: sticky poison on leg 0 under a file of a DAX ext4; the read
#            returns the right data, the page is remapped to a spare.
#   verify:  (next boot) the remap is still there (status, no spare used
#            again), the file reads right, also from leg 0 alone; poison
#            at the same place again costs no new spare; a write to the
#            page works and reaches both legs.
# shellcheck disable=SC2154
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../lib-fault.sh"

PHASE=${1:?usage: $0 prepare|verify}
GROUP=40-poison-reboot
STATE=$VM_WORK/state
MNT=$MNT_BASE/fs
PG=37		# the poisoned page of the file

group_setup setup_fsdax
group_setup load_module
A=$PMEM0
B=$PMEM1

sha() { sha256sum <"$1" | cut -d' ' -f1; }

case_prepare() {
	local f s sum
	fresh_pair m0 "$A" "$B"
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
	f=$MNT/victim
	pattern 4401 $((1 << 20)) >"$f"
	sync
	sum=$(sha "$f")
	s=$(file_sector "$f" $((PG * 4096)))
	poison "$A" "$s"
	assert_eq "$(sha "$f")" "$sum" "file after poison on leg 0"
	wait_field m0 remapped0 -ge 1 30
	show_status m0
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	umount "$MNT"
	cat >"$STATE" <<-EOT
	S=$s
	SUM=$sum
	LEN=$DXM_LEN
	REMAPPED0=$(status_field m0 remapped0)
	SPARE_FREE0=$(status_field m0 spare_free0)
	EOT
	dxm_remove m0
	sync
	cat "$STATE"
}

case_verify() {
	local f new
	[ -s "$STATE" ] || die "no state from the first boot"
	. "$STATE"
	# the guest's bad-block list starts empty on every boot
	if bad_sectors "$A" | grep -q .; then die "unexpected bad blocks on $A"; fi
	dxm_create m0 "$A" "$B"
	show_status m0
	assert_eq "$DXM_LEN" "$LEN" "mirror size"
	assert_eq "$(status_field m0 health)" AA health
	assert_eq "$(status_field m0 remapped0)" "$REMAPPED0" "remapped0 after reboot"
	assert_eq "$(status_field m0 spare_free0)" "$SPARE_FREE0" "spare_free0 after reboot"
	assert_eq "$(status_field m0 remapped1)" 0 "remapped1 after reboot"
	mount_dax "$DXM_DEV" "$MNT"
	f=$MNT/victim
	assert_eq "$(sha "$f")" "$SUM" "file after reboot"
	# the media page is still bad: poison again, no new spare is used
	poison "$A" "$S"
	dxm_message m0 rescan
	assert_eq "$(status_field m0 remapped0)" "$REMAPPED0" "remapped0 after the poison is back"
	assert_eq "$(status_field m0 spare_free0)" "$SPARE_FREE0" "spare_free0 after the poison is back"
	assert_eq "$(sha "$f")" "$SUM" "file with the poison back"
	# a write to the page works
	pattern 4402 4096 | dd of="$f" bs=4096 seek="$PG" conv=notrunc status=none
	sync
	new=$( (pattern 4401 $((PG * 4096)); pattern 4402 4096;
		pattern 4401 $(((255 - PG) * 4096)) $(((PG + 1) * 4096))) | sha256sum | cut -d' ' -f1)
	assert_eq "$(sha "$f")" "$new" "file after the write"
	umount "$MNT"
	read_page "$B" "$S" | cmp - <(pattern 4402 4096) || die "leg 1 lacks the write"
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
	# leg 0 alone: the spare page holds the write
	dxm_message m0 fail 1
	mount_dax "$DXM_DEV" "$MNT"
	assert_eq "$(sha "$f")" "$new" "file read from leg 0 alone"
	umount "$MNT"
}

case "$PHASE" in
prepare) run_case prepare case_prepare ;;
verify) run_case remap_after_reboot case_verify ;;
*) die "unknown phase $PHASE" ;;
esac
finish
