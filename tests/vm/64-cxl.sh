#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 64-cxl: a mirror over two CXL persistent memory regions, each of one
# type-3 device behind its own host bridge and fixed memory window (two
# failure domains; scripts/vm-run --cxl 2, QEMU 10 from
# scripts/get-qemu-cxl; setup_cxl_pmem in tests/lib-cxl.sh makes the
# regions and an fsdax namespace on each).
#   topology: two committed pmem regions under different root decoders
#     and host bridges, DAX namespaces bound to nd_pmem without FUA (so
#     the module takes a leg's cache flush for a store fence), the mirror
#     over them is DAX.
#   fs_ext4, fs_xfs: DAX filesystem on the mirror, fio verify=crc32c
#     through psync, mmap and libpmem, 2 MiB faults; legs identical after
#     umount; the data verified again after a remount.
#   flush_fence: fsyncs on the DAX ext4 send (almost) no flush bio to the
#     CXL legs (the fence replaces it).
#   poison_dax_file: poison (the region's pmem badblocks) under a DAX file
#     on leg 0, then under another page on leg 1: the file reads right,
#     both pages are remapped to spares, a check scrub finds no mismatch,
#     the file reads right after a remount.
#   poison_list_rescan: an entry of leg 0's memdev poison list (debugfs
#     inject_poison; the data stay readable) reaches the mirror through
#     "daxmirror rescan --ars", which adds it to the leg's bad-block list:
#     the page moves to a spare, a second rescan changes nothing (6.12
#     and 7.3; on 6.1, which has no poison lists, the tool warns and
#     rescans).
#   poison_block: poison on different pages of both legs under O_DIRECT
#     reads of the mirror: the data are right, nothing lost.
#   fail_replace_rebuild: "fail 1" under fio verify rounds on a DAX ext4,
#     a blank replacement (another slice behind leg 1's host bridge) put
#     in by a table reload is rebuilt while fio keeps verifying; legs
#     identical, and the data verified again from the replacement alone
#     (leg 0 failed afterwards); a file written then reaches leg 0 when
#     the mirror is assembled again (rebuild), read from leg 0 alone.
# CXL poison made with QEMU's poison injection only adds entries to the
# device's poison list (reads still succeed), hence the badblocks list of
# the region's pmem disk, as with NVDIMMs.  Each poisoning case works on
# its own GPT partition ("slot") of both regions (see pmem_slots): slot 1
# (320 MiB: xfs wants 300) for xfs, the others small (96 MiB; TCG copies
# pmem at a few MB/s, and every case zeroes and compares its legs).
# vm-run: --nvdimms 0 --cxl 2 --cxl-size 1024
# vm-timeout: 2400
# kernels: 6.1. 6.12. newest
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"
. "$(dirname "$0")/../lib-cxl.sh"

# 1: fs_xfs; 2: topology, fs_ext4, flush_fence, poison_list_rescan; 3, 4:
# the poison cases;
# 5: fail_replace_rebuild, and 6 of $PMEM1 its replacement
SLOTS=320,96,96,96,96
group_setup setup_cxl_pmem
group_setup load_module
group_setup pmem_slots "$PMEM0" 6 "$SLOTS"
group_setup pmem_slots "$PMEM1" 6 "$SLOTS"

MNT=$MNT_BASE/fs

dax_fs() {
	mkfs_dax "${1:-ext4}" "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
}

remount() {
	umount "$MNT"
	mount_dax "$DXM_DEV" "$MNT"
}

# sha FILE
sha() { sha256sum <"$1" | cut -d' ' -f1; }

# ------------------------------------------------------------------------

case_topology() {
	local d r hb=() dec=() blk drv
	[ "${#CXL_PMEM[@]}" -eq 2 ] || die "want 2 CXL pmem devices, have ${#CXL_PMEM[@]}"
	for d in 0 1; do
		r=CXL_REGION$d
		r=${!r}
		# (6.1 has pmem regions only, without a mode attribute)
		[ ! -e "/sys/bus/cxl/devices/$r/mode" ] ||
			assert_eq "$(cat "/sys/bus/cxl/devices/$r/mode")" pmem "$r mode"
		assert_eq "$(cat "/sys/bus/cxl/devices/$r/commit")" 1 "$r committed"
		# .../root0/decoder0.N/regionM
		dec+=("$(basename "$(dirname "$(realpath "/sys/bus/cxl/devices/$r")")")")
		hb+=("$(_cxl_json -D -d "${dec[$d]}" -T |
			jq -r '.[0].targets[0] | [.target, .alias] | map(select(startswith("pci")))[0]')")
		blk=$(basename "${CXL_PMEM[$d]}")
		drv=$(basename "$(realpath "/sys/block/$blk/device/driver")")
		log "${CXL_PMEM[$d]}: $r under ${dec[$d]} (host bridge ${hb[$d]}), driver $drv," \
			"fua $(cat "/sys/block/$blk/queue/fua"), $(sectors "${CXL_PMEM[$d]}") sectors"
		assert_eq "$drv" nd_pmem "driver of $blk's namespace"
		assert_eq "$(cat "/sys/block/$blk/queue/dax")" 1 "$blk queue/dax"
		assert_eq "$(cat "/sys/block/$blk/queue/fua")" 0 "$blk FUA (flush hints)"
	done
	[ "${dec[0]}" != "${dec[1]}" ] || die "both regions in window ${dec[0]}"
	[ "${hb[0]}" != "${hb[1]}" ] && [ -n "${hb[0]}" ] ||
		die "both regions behind host bridge ${hb[0]}"
	fresh_pair m0 "$(slot "$PMEM0" 2)" "$(slot "$PMEM1" 2)"
	assert_eq "$(status_field m0 dax)" dax "mirror DAX"
	assert_eq "$(status_field m0 health)" AA health
	dxm_remove m0
}

# fs_case FSTYPE SLOT: DAX filesystem on the mirror over SLOT, fio with
# three engines, 2 MiB faults, legs identical after umount, data again
# after a remount
fs_case() {
	local fs=$1
	legs "$2"
	fresh_pair m0 "$A" "$B"
	dax_fs "$fs"
	run_fio psync --directory="$MNT" --ioengine=psync --rw=randwrite \
		--bs=4k --size=16M --fsync=64 --verify=crc32c --do_verify=1
	run_fio mmap --directory="$MNT" --ioengine=mmap --rw=randwrite \
		--bs=4k --size=16M --verify=crc32c --do_verify=1
	run_fio libpmem --directory="$MNT" --ioengine=libpmem --rw=randwrite \
		--bs=4k --size=16M --verify=crc32c --do_verify=1
	check_pmd_faults "$MNT"
	umount "$MNT"
	assert_eq "$(status_field m0 hot_regions)" 0 "hot regions after umount"
	assert_eq "$(status_field m0 health)" AA health
	legs_identical "$A" "$B" "$DXM_LEN"
	mount_dax "$DXM_DEV" "$MNT"
	run_fio psync-reread --filename="$MNT/psync.0.0" --ioengine=psync \
		--rw=randwrite --bs=4k --size=16M --verify=crc32c --verify_only=1
	run_fio mmap-reread --filename="$MNT/mmap.0.0" --ioengine=psync \
		--rw=randwrite --bs=4k --size=16M --verify=crc32c --verify_only=1
	run_fio libpmem-reread --filename="$MNT/libpmem.0.0" --ioengine=psync \
		--rw=randwrite --bs=4k --size=16M --verify=crc32c --verify_only=1
	umount "$MNT"
	dxm_remove m0
}
case_fs_ext4() { fs_case ext4 2; }
case_fs_xfs() { fs_case xfs 1; }

# fsyncs on a DAX ext4 over the CXL legs: no flush bio per fsync (a CXL
# pmem leg's cache flush is a fence, as an NVDIMM's)
case_flush_fence() {
	local f i n0=0 n1=0 d
	[ -d "$TRACE/events/block" ] || mount -t tracefs nodev "$TRACE" 2>/dev/null || true
	[ -d "$TRACE/events/block" ] || skip "no block tracepoints"
	legs 2
	fresh_pair m0 "$A" "$B" sync_interval_ms 0
	dax_fs ext4
	f=$MNT/fb
	pattern 641 $((64 * 4096)) >"$f"
	sync
	echo 0 >"$TRACE/tracing_on"
	echo >"$TRACE/trace"
	echo 1 >"$TRACE/events/block/block_bio_queue/enable"
	echo 1 >"$TRACE/tracing_on"
	for i in $(seq 1 20); do
		pattern "$i" 4096 | dd of="$f" bs=4k seek="$i" conv=notrunc,fsync status=none
	done
	echo 0 >"$TRACE/tracing_on"
	echo 0 >"$TRACE/events/block/block_bio_queue/enable"
	# the partition's or its disk's numbers (MAJ,MIN)
	for d in "$A" "$PMEM0"; do
		n0=$((n0 + $(grep -c "block_bio_queue: $(majmin "$d" | tr : ,) F" "$TRACE/trace" || true)))
	done
	for d in "$B" "$PMEM1"; do
		n1=$((n1 + $(grep -c "block_bio_queue: $(majmin "$d" | tr : ,) F" "$TRACE/trace" || true)))
	done
	log "CXL legs: $n0 / $n1 flush bios during 20 fsyncs"
	[ "$n0" -lt 5 ] && [ "$n1" -lt 5 ] ||
		die "CXL pmem legs got $n0 / $n1 flush bios during 20 fsyncs (no fence?)"
	for i in $(seq 1 20); do
		cmp <(dd if="$f" bs=4k skip="$i" count=1 status=none) <(pattern "$i" 4096) ||
			die "page $i of $f"
	done
	umount "$MNT"
	legs_identical "$A" "$B" "$DXM_LEN"
	dxm_remove m0
}

# poison under a DAX file: page 10 on leg 0, then page 20 on leg 1
case_poison_dax_file() {
	local f s0 s1 sum sf0
	legs 3
	fresh_pair m0 "$A" "$B"
	dax_fs ext4
	f=$MNT/victim
	pattern 642 $((1 << 20)) >"$f"
	sync
	sum=$(sha "$f")
	s0=$(file_sector "$f" $((10 * 4096)))
	s1=$(file_sector "$f" $((20 * 4096)))
	[ $((s0 % 8)) = 0 ] && [ $((s1 % 8)) = 0 ] || die "file pages not 4 KiB aligned ($s0, $s1)"
	sf0=$(status_field m0 spare_free0)
	# read through the mirror at once, before the background poll
	# repairs the page: the DAX read must take the other leg
	poison_now "$A" "$s0"
	assert_eq "$(sha "$f")" "$sum" "file checksum after poison on leg 0"
	expect_fail read_page "$A" "$s0" >/dev/null
	wait_field m0 remapped0 -ge 1 30
	assert_eq "$(status_field m0 spare_free0)" $((sf0 - $(status_field m0 remapped0))) spare_free0
	poison_now "$B" "$s1"
	assert_eq "$(sha "$f")" "$sum" "file checksum after poison on leg 1"
	dxm_message m0 rescan
	wait_field m0 remapped1 -ge 1 30
	show_status m0
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	assert_eq "$(status_field m0 health)" AA health
	if is_bad "$A" "$s0"; then
		log "the poison on $A stays in its list (sticky, like an NVDIMM's)"
	else
		log "the poison on $A was cleared"
	fi
	remount
	assert_eq "$(sha "$f")" "$sum" "file checksum after remount"
	umount "$MNT"
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
	# each leg alone still has the whole file (through its spare)
	dxm_message m0 fail 1
	mount_dax "$DXM_DEV" "$MNT"
	assert_eq "$(sha "$f")" "$sum" "file checksum from leg 0 alone"
	umount "$MNT"
}

# poison on different pages of both legs under one O_DIRECT read
case_poison_block() {
	local s=8192
	legs 4
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" "$s" 512 643
	poison_now "$A" $((s + 3 * 8)) "$B" $((s + 4 * 8)) "$B" $((s + 20 * 8)) \
		"$A" $((s + 40 * 8))
	check_pattern "$DXM_DEV" "$s" 512 643
	wait_field m0 remapped = 2/2 30
	show_status m0
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	assert_eq "$(status_field m0 health)" AA health
	check_pattern "$DXM_DEV" "$s" 512 643
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
	dxm_message m0 fail 0
	check_pattern "$DXM_DEV" "$s" 512 643
}

# cxl_dpa DEV SECTOR: the device physical address of SECTOR of DEV (a
# partition of leg 0's pmem disk, in region CXL_REGION0, one way)
cxl_dpa() {
	local disk start phys reg dec
	read -r disk start < <(_disk_of "$1")
	# fsdax: the pfn device's resource is the address of disk sector 0
	phys=$(($(cat "/sys/block/$disk/device/resource")))
	reg=/sys/bus/cxl/devices/$CXL_REGION0
	dec=/sys/bus/cxl/devices/$(cat "$reg/target0")
	echo $((phys + (start + $2) * 512 - $(cat "$reg/resource") + $(cat "$dec/dpa_resource")))
}

# An entry in leg 0's memdev poison list (debugfs inject_poison; QEMU
# keeps the data readable, as a device may before the poison is
# consumed): only "daxmirror rescan --ars" brings it to the mirror, which
# then moves the page to a spare from leg 1.  A second rescan changes
# nothing.  Kernels without poison lists (6.1): the tool says so, and
# rescans anyway.
case_poison_list_rescan() {
	local s=8192 md=$CXL_MEMDEV0 dxm=$REPO/build/lvm-tools/daxmirror dbg dpa out
	legs 2
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" "$s" 512 644
	if [ ! -e "/sys/bus/cxl/devices/$md/trigger_poison_list" ]; then
		out=$("$dxm" rescan m0 --ars 2>&1) ||
			die "rescan --ars failed: $out"
		log "$out"
		grep -q "warning: leg 0: .*poison list" <<<"$out" ||
			die "no warning that the kernel has no poison list"
		check_pattern "$DXM_DEV" "$s" 512 644
		return 0
	fi
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	dbg=/sys/kernel/debug/cxl/$md
	[ -w "$dbg/inject_poison" ] || skip "no $dbg/inject_poison"
	dpa=$(cxl_dpa "$A" $((s + 3 * 8)))
	log "poison $md dpa $(printf 0x%x "$dpa") (leg 0 sector $((s + 24)))"
	printf '0x%x\n' "$dpa" >"$dbg/inject_poison"
	check_pattern "$DXM_DEV" "$s" 512 644
	dxm_message m0 rescan
	sleep 1
	assert_eq "$(status_field m0 remapped)" 0/0 "remapped before the tool's rescan"
	out=$("$dxm" rescan m0 --ars 2>&1) ||
		die "rescan --ars failed: $out"
	log "$out"
	grep -q "^leg 0: CXL poison list of $md: 1 entry, 1 sector" <<<"$out" ||
		die "rescan did not report the poison list entry"
	! ls /sys/kernel/tracing/instances | grep daxmirror ||
		die "the tool left its trace instance behind"
	wait_field m0 remapped = 1/0 30
	check_pattern "$DXM_DEV" "$s" 512 644
	"$dxm" rescan m0 --ars >/dev/null
	sleep 1
	assert_eq "$(status_field m0 remapped)" 1/0 "remapped after a second rescan"
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	assert_eq "$(status_field m0 health)" AA health
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
	printf '0x%x\n' "$dpa" >"$dbg/clear_poison"
}

# "fail 1" under fio, a blank replacement behind the same host bridge,
# rebuilt under fio
case_fail_replace_rebuild() {
	local C r0 r1
	legs 5
	C=$(slot "$PMEM1" 6)
	fresh_pair m0 "$A" "$B"
	wipe_meta "$C"
	dax_fs ext4
	fio_loop_start r1 --directory="$MNT" --rw=randwrite --bs=4k --size=24M
	fio_loop_wait_rounds r1 1
	dxm_message m0 fail 1
	assert_eq "$(status_field m0 health)" AD "health after fail 1"
	fio_loop_wait_rounds r1 2
	# slow enough that fio rounds run during the rebuild
	set_sweep_kbps 16384
	dmsetup load m0 --table "0 $DXM_LEN daxmirror $A $C"
	dmsetup suspend m0
	dmsetup resume m0
	show_status m0
	assert_eq "$(status_field m0 leg1)" "$(majmin "$C")" "leg 1 after the reload"
	assert_eq "$(status_field m0 health)" Aa "health after the reload"
	assert_eq "$(status_field m0 action)" rebuild "action after the reload"
	r0=$(fio_loop_rounds r1)
	wait_action_idle m0 900
	fio_loop_running r1 || die "fio loop stopped during the rebuild"
	r1=$(fio_loop_rounds r1)
	log "fio rounds completed during the rebuild: $((r1 - r0))"
	set_sweep_kbps 0
	show_status m0
	assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	dmesg_expect "rebuild finished"
	fio_loop_wait_rounds r1 $((r1 + 1))
	fio_loop_stop r1 3
	umount "$MNT"
	legs_identical "$A" "$C" "$DXM_LEN"
	# the replacement alone holds the data; a file written now is on it
	# only
	dxm_message m0 fail 0
	assert_eq "$(status_field m0 health)" DA "health after fail 0"
	mount_dax "$DXM_DEV" "$MNT"
	fio_loop_verify r1
	pattern 644 $((4 << 20)) >"$MNT/after-fail0"
	umount "$MNT"
	dxm_remove m0
	# assembled again with leg 0 back: it missed that file and is
	# rebuilt from the replacement; then leg 0 alone has everything
	dxm_create m0 "$A" "$C"
	show_status m0
	wait_action_idle m0 900
	assert_eq "$(status_field m0 health)" AA "health after leg 0's rebuild"
	legs_identical "$A" "$C" "$DXM_LEN"
	dxm_message m0 fail 1
	mount_dax "$DXM_DEV" "$MNT"
	fio_loop_verify r1
	cmp "$MNT/after-fail0" <(pattern 644 $((4 << 20))) ||
		die "leg 0 lacks the file written while it was failed"
	umount "$MNT"
	dxm_remove m0
}

run_case topology case_topology
run_case fs_ext4 case_fs_ext4
run_case fs_xfs case_fs_xfs
run_case flush_fence case_flush_fence
run_case poison_list_rescan case_poison_list_rescan
run_case poison_dax_file case_poison_dax_file
run_case poison_block case_poison_block
run_case fail_replace_rebuild case_fail_replace_rebuild
finish
