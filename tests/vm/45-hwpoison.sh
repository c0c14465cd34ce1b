#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Memory failure on a mapped DAX page (madvise(MADV_HWPOISON)): over
# daxmirror the page is repaired from the other leg (remapped to a spare)
# and the application keeps running without SIGBUS; over dm-linear (the
# control) the same program gets SIGBUS, which proves the check can fail.
# The same when the failing page is a spare page (a page remapped after
# sticky poison): it is repaired into another spare.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

setup_fsdax
load_module

# victim_bytes: what the hwpoison helper writes to its 4-page file
victim_bytes() {
	python3 -c 'import sys; sys.stdout.buffer.write(bytes((i*7+3)&255 for i in range(16384)))'
}

case_hwpoison_repaired() {
	local mnt=$MNT_BASE/hw rc=0
	wipe_meta "$PMEM0" "$PMEM1"
	dxm_create hw "$PMEM0" "$PMEM1" nosync sync_interval_ms 0
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$mnt"
	"$HELPERS/hwpoison" "$mnt/victim" || rc=$?
	[ "$rc" -eq 0 ] || die "hwpoison over daxmirror exited $rc (2 = SIGBUS)"
	[ "$(status_field hw remapped0)" -ge 1 ] || die "no remap on leg 0"
	dmesg_since_mark | grep -q "memory failure at sector .* repaired" ||
		die "no repair message in the kernel log"
	# the file still reads right after a remount (no cached mapping)
	umount "$mnt"
	mount_dax "$DXM_DEV" "$mnt"
	cmp <(victim_bytes) "$mnt/victim"
	umount "$mnt"
	dxm_remove hw
}

# Page 1 of the file is remapped to a spare page of leg 0 first (sticky
# poison); then a memory failure is reported on it through the mapping.
case_hwpoison_spare_page() {
	local mnt=$MNT_BASE/hw rc=0 f
	wipe_meta "$PMEM0" "$PMEM1"
	dxm_create hw "$PMEM0" "$PMEM1" nosync sync_interval_ms 0
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$mnt"
	f=$mnt/victim
	pattern 451 $((4 * 4096)) >"$f"
	sync
	poison "$PMEM0" "$(file_sector "$f" 4096)"
	wait_field hw remapped = 1/0 30
	dmesg_mark spare
	"$HELPERS/hwpoison" "$f" || rc=$?
	[ "$rc" -eq 0 ] || die "memory failure on a spare page: hwpoison exited $rc (2 = SIGBUS)"
	dmesg_since_mark | grep -q "memory failure at sector .* repaired" ||
		die "no repair message in the kernel log"
	umount "$mnt"
	mount_dax "$DXM_DEV" "$mnt"
	cmp <(victim_bytes) "$f"
	umount "$mnt"
	dxm_message hw fail 0
	mount_dax "$DXM_DEV" "$mnt"
	cmp <(victim_bytes) "$f" || die "leg 1 alone: the file differs"
	umount "$mnt"
	dxm_remove hw
}

case_hwpoison_control_sigbus() {
	local mnt=$MNT_BASE/lin rc=0 n
	n=$(sectors "$PMEM1")
	dmsetup create lin --table "0 $n linear $PMEM1 0"
	dmsetup mknodes lin
	mkfs_dax ext4 /dev/mapper/lin
	mount_dax /dev/mapper/lin "$mnt"
	"$HELPERS/hwpoison" "$mnt/victim" || rc=$?
	umount "$mnt" || true
	dmsetup remove lin
	[ "$rc" -eq 2 ] || die "control over dm-linear: expected SIGBUS (2), got $rc"
	# the poisoned pmem page stays poisoned until the namespace is reset
	echo "control: SIGBUS without daxmirror, as expected"
}

run_case hwpoison_repaired case_hwpoison_repaired
run_case hwpoison_spare_page case_hwpoison_spare_page
run_case hwpoison_control_sigbus case_hwpoison_control_sigbus
finish
