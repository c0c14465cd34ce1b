#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 56-leg-removal: a leg's pmem device goes away under a mounted DAX
# filesystem (its namespace unbound from nd_pmem, as on hot-remove or
# "ndctl disable-namespace"): the kernel tells the DAX holder first
# (kill_dax: offset 0, length U64_MAX); the mirror fails that leg while
# its memory is still there, copies what only it held, unmaps its pages,
# and carries on with the other leg: files read and write, mappings work,
# nothing is lost, no oops.  Leg 1 (a secondary) and leg 0 (the primary,
# whose pages the filesystem's DAX entries name: it forgets them first).
# vm-run: --nvdimms 2 --nvdimm-size 256
# vm-timeout: 900
# kernels: 6.1. newest
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

group_setup setup_fsdax
group_setup load_module
MNT=$MNT_BASE/fs
UNBOUND=

# nd_dev PMEMDEV: the nd device (pfnX.Y) that nd_pmem binds for it.
nd_dev() {
	basename "$(readlink -f "/sys/block/$(basename "$(realpath "$1")")/device")"
}

extra_cleanup() {
	bg_kill_all
	if [ -n "$UNBOUND" ]; then
		umount "$MNT" 2>/dev/null || true
		dmsetup remove_all >/dev/null 2>&1 || true
		echo "$UNBOUND" >/sys/bus/nd/drivers/nd_pmem/bind 2>/dev/null || true
		UNBOUND=
	fi
}

# remove_leg LEG: unbind the namespace of leg LEG while a process keeps a
# writable mapping and stores through it.
remove_leg() {
	local leg=$1 dev f py nd want
	[ "$leg" = 0 ] && dev=$PMEM0 || dev=$PMEM1
	fresh_pair m0 "$PMEM0" "$PMEM1" sync_interval_ms 0
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
	f=$MNT/before
	pattern 801 $((4 << 20)) >"$f"
	sync
	py=$SCRATCH/mapper.py
	cat >"$py" <<'PY'
import mmap, os, sys, time
f, ready, go = sys.argv[1:4]
fd = os.open(f, os.O_RDWR | os.O_CREAT)
os.ftruncate(fd, 16 * 4096)
m = mmap.mmap(fd, 16 * 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
m[0:8 * 4096] = b'P' * (8 * 4096)     # stores no flush has copied yet
open(ready, 'w').close()
while not os.path.exists(go):
    time.sleep(0.05)
m[8 * 4096:16 * 4096] = b'Q' * (8 * 4096)  # after the removal
m.flush()
m.close()
os.close(fd)
PY
	bg_start /usr/bin/python3 "$py" "$MNT/mapped" "$SCRATCH/ready" "$SCRATCH/go"
	wait_until 30 "the mapper" test -e "$SCRATCH/ready"
	nd=$(nd_dev "$dev")
	log "unbind $nd (leg $leg, $dev)"
	UNBOUND=$nd
	echo "$nd" >/sys/bus/nd/drivers/nd_pmem/unbind
	# at once, new blocks (regions not yet marked in the write-intent
	# bitmap: the mark must not go to the removed leg's memory)
	pattern 803 $((8 << 20)) | dd of="$MNT/fresh" bs=1M iflag=fullblock \
		conv=fsync status=none
	touch "$SCRATCH/go"
	wait_until 30 "the mapper to finish" pid_gone "$(tail -n 1 "$BG_PIDS_FILE")"
	show_status m0
	[ "$leg" = 0 ] && want=DA || want=AD
	assert_eq "$(status_field m0 health)" "$want" "health after leg $leg went away"
	# the filesystem carries on: old data, new writes, the mapping's stores
	cmp "$f" <(pattern 801 $((4 << 20))) || die "a file written before the removal differs"
	pattern 802 $((1 << 20)) | dd of="$MNT/after" bs=1M conv=fsync status=none
	umount "$MNT"
	mount_dax "$DXM_DEV" "$MNT"
	cmp "$MNT/after" <(pattern 802 $((1 << 20))) || die "a file written after the removal differs"
	cmp "$MNT/fresh" <(pattern 803 $((8 << 20))) || die "a file written at the removal differs"
	cmp <(dd if="$MNT/mapped" bs=4096 count=8 status=none) \
		<(head -c $((8 * 4096)) /dev/zero | tr '\0' P) ||
		die "stores made before the removal were lost"
	cmp <(dd if="$MNT/mapped" bs=4096 skip=8 count=8 status=none) \
		<(head -c $((8 * 4096)) /dev/zero | tr '\0' Q) ||
		die "stores made after the removal were lost"
	umount "$MNT"
	dmesg_expect "leg $leg .* is being removed"
	dxm_remove m0
	echo "$nd" >/sys/bus/nd/drivers/nd_pmem/bind
	UNBOUND=
	_wait_blockdev "$dev" 30
}

case_remove_leg1() { remove_leg 1; }
# Leg 0 (the primary): besides the failover, the filesystem must forget
# leg 0's pages while they are still there (its DAX entries name them;
# unmounting touched their struct pages after the device had gone: an
# oops in dax_disassociate_entry from evict_inodes, issue 15 point 1(c)).
case_remove_leg0() { remove_leg 0; }

run_case remove_leg1 case_remove_leg1
run_case remove_leg0 case_remove_leg0
finish
