#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 23-pmem-writes: block writes copied straight into pmem legs
# (dm-target/pmemwrite.c) instead of a bio clone per leg.
#   taken: O_DIRECT 4 KiB writes through a mirror over two pmem namespaces
#     reach the legs without bios (the legs' own write counters, with
#     iostats on, stay far below the number of writes), data verified by
#     fio crc32c and the legs' data areas equal; with the module parameter
#     direct_write=0 every write is a bio to each leg again.
#   sizes: random O_DIRECT writes of 512 bytes to 1 MiB at 512-byte
#     offsets, with O_SYNC (REQ_FUA) and without, overwritten in place:
#     verified, legs equal.
#   dm_leg: a leg that is a dm-linear device over pmem gets bios (its
#     write counter counts every write); data and legs checked.
# Writes over a page a leg lists as bad go to that leg as a bio (the pmem
# driver clears the poison first): 41-poison-write covers them.
# vm-run: --nvdimms 2 --nvdimm-size 256 --smp 2
# vm-timeout: 900
# kernels: 6.1. newest
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-repl.sh"

group_setup setup_fsdax
group_setup load_module
A=$PMEM0
B=$PMEM1
group_setup repl_same_legs "$A" "$B"
PARAM=/sys/module/dm_daxmirror/parameters/direct_write

# disk_of DEV: DEV's kernel name (dm-N for a device-mapper device)
disk_of() {
	basename "$(readlink -f "/sys/dev/block/$(stat -Lc '%Hr:%Lr' "$1")")"
}

# writes_of DEV: writes completed by DEV's disk (the stat file's 5th field)
writes_of() {
	awk '{ print $5 }' "/sys/block/$(disk_of "$1")/stat"
}

# iostats_on DEV: make DEV's disk count its I/O
iostats_on() {
	local name
	name=$(disk_of "$1")
	echo 1 >"/sys/block/$name/queue/iostats" ||
		skip "cannot turn on I/O statistics of $name"
}

# count_leg_writes NAME LEG0 LEG1 FIO-ARGS...: a mirror over the legs, fio
# on it; LEG_WRITES = "writes of leg 0, writes of leg 1" during the fio run
count_leg_writes() {
	local name=$1 l0=$2 l1=$3 w0 w1
	shift 3
	iostats_on "$l0"
	iostats_on "$l1"
	repl_mirror m "$l0" "$l1" sync_interval_ms 0
	w0=$(writes_of "$l0")
	w1=$(writes_of "$l1")
	fio_verify "$name" "$DXM_DEV" --randseed=23 "$@"
	LEG_WRITES="$(($(writes_of "$l0") - w0)) $(($(writes_of "$l1") - w1))"
	log "$name: bios to the legs during 2000 writes: $LEG_WRITES"
	dxm_remove m
	legs_identical "$l0" "$l1" "$DXM_LEN" "$DOFF" ||
		die "legs differ after $name"
}

case_taken() {
	local w
	[ -e "$PARAM" ] || die "the module has no direct_write parameter"
	echo 1 >"$PARAM"
	count_leg_writes direct "$A" "$B" --rw=randwrite --bs=4k --size=64M \
		--number_ios=2000
	for w in $LEG_WRITES; do
		[ "$w" -lt 200 ] ||
			die "direct_write=1: $w bios to a pmem leg for 2000 writes"
	done
	echo 0 >"$PARAM"
	count_leg_writes clones "$A" "$B" --rw=randwrite --bs=4k --size=64M \
		--number_ios=2000
	echo 1 >"$PARAM"
	for w in $LEG_WRITES; do
		[ "$w" -ge 2000 ] ||
			die "direct_write=0: only $w bios to a leg for 2000 writes"
	done
}

case_sizes() {
	repl_mirror m "$A" "$B" sync_interval_ms 0
	fio_verify sizes "$DXM_DEV" --randseed=23 --rw=randwrite --bsrange=512-1m \
		--blockalign=512 --size=96M --number_ios=1500
	fio_verify sizes_sync "$DXM_DEV" --randseed=23 --rw=randwrite --bsrange=512-256k \
		--blockalign=512 --size=96M --number_ios=600 --sync=1
	dxm_remove m
	legs_identical "$A" "$B" "$DXM_LEN" "$DOFF" || die "legs differ"
}

case_dm_leg() {
	local n w0 w1
	n=$(sectors "$B")
	dmsetup create lb --table "0 $n linear $B 0"
	count_leg_writes dmleg "$A" /dev/mapper/lb --rw=randwrite --bs=4k \
		--size=64M --number_ios=2000
	read -r w0 w1 <<<"$LEG_WRITES"
	dmsetup remove lb
	[ "$w0" -lt 200 ] || die "$w0 bios to the pmem leg for 2000 writes"
	[ "$w1" -ge 2000 ] || die "only $w1 bios to the dm-linear leg for 2000 writes"
}

run_case taken case_taken
run_case sizes case_sizes
run_case dm_leg case_dm_leg
finish
