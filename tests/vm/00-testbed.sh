#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 00-testbed: the test bed itself, without dm-daxmirror: fsdax NVDIMMs,
# dm-linear over pmem is DAX, DAX filesystems with 2 MiB faults, fio
# verification, poison injection (sticky on NVDIMMs, clearable on legacy
# pmem), and a clean kernel log.
# vm-run: --nvdimms 2 --nvdimm-size 512 --legacy-pmem 256
# kernels: 6.1. newest
. "$(dirname "$0")/../lib.sh"

case_fsdax() {
	setup_fsdax
	[ "${#PMEM[@]}" -ge 2 ] || die "want 2 NVDIMMs, have ${#PMEM[@]}"
	local p
	for p in "${PMEM[@]}"; do
		assert_eq "$(cat "/sys/block/$(basename "$p")/queue/dax")" 1 "$p queue/dax"
		log "$p: $(sectors "$p") sectors"
	done
}

# linear_fs FSTYPE: dm-linear over pmem0, a DAX filesystem, fio, PMD faults
linear_fs() {
	local fs=$1 mnt=$MNT_BASE/lin dm
	setup_fsdax
	dmsetup create lin --table "0 $(sectors "$PMEM0") linear $PMEM0 0"
	dm=$(dm_sysdir lin)
	assert_eq "$(cat "$dm/queue/dax")" 1 "dm-linear queue/dax"
	mkfs_dax "$fs" /dev/mapper/lin
	mount_dax /dev/mapper/lin "$mnt"
	run_fio psync --directory="$mnt" --ioengine=psync --rw=randwrite --bs=4k \
		--size=16M --verify=crc32c --do_verify=1
	run_fio mmap --directory="$mnt" --ioengine=mmap --rw=randwrite --bs=4k \
		--size=16M --verify=crc32c --do_verify=1
	check_pmd_faults "$mnt"
	umount "$mnt"
	dmsetup remove lin
}
case_linear_ext4() { linear_fs ext4; }
case_linear_xfs() { linear_fs xfs; }

case_nvdimm_poison() {
	setup_fsdax
	local dev=$PMEM1 s=20480
	write_pattern "$dev" "$s" 16 1
	inject_poison "$dev" "$s" 8
	log "badblocks of $dev: $(badblocks "$dev" | tr '\n' ' ')"
	expect_fail dd if="$dev" of=/dev/null iflag=direct,skip_bytes bs=4096 \
		skip=$((s * 512)) count=1 status=none
	# the page after the bad one still reads, with the data written
	dd if="$dev" iflag=direct,skip_bytes bs=4096 skip=$(((s + 8) * 512)) \
		count=1 status=none | cmp - <(pattern 1 4096 4096)
	# NVDIMM poison is sticky: a write does not clear it
	expect_fail dd if=/dev/zero of="$dev" oflag=direct,seek_bytes bs=4096 \
		seek=$((s * 512)) count=1 conv=notrunc status=none
	badblocks "$dev" | grep -q "^$s " || die "poison on $dev went away"
}

case_legacy_poison() {
	setup_legacy_pmem
	local dev=$LEGACY_PMEM0 s=4096
	assert_eq "$(cat "/sys/block/$(basename "$dev")/queue/dax")" 1 "$dev queue/dax"
	inject_poison "$dev" "$s" 8
	expect_fail dd if="$dev" of=/dev/null iflag=direct,skip_bytes bs=4096 \
		skip=$((s * 512)) count=1 status=none
	# legacy pmem poison is clearable: a write clears it
	write_pattern "$dev" "$s" 8 2
	check_pattern "$dev" "$s" 8 2
	if badblocks "$dev" | grep -q "^$s "; then
		die "a write did not clear the poison on $dev"
	fi
}

run_case fsdax case_fsdax
run_case linear_ext4 case_linear_ext4
run_case linear_xfs case_linear_xfs
run_case nvdimm_poison case_nvdimm_poison
run_case legacy_poison case_legacy_poison
finish
