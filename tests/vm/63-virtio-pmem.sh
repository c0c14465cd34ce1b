#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 63-virtio-pmem: legs on virtio-pmem, the pmem of virtual machines.  It
# is asynchronous: a store or a write reaches the host's file only when a
# flush (a host fsync) follows it, and MAP_SYNC is refused.
#   dax_fio_{ext4,xfs}: a DAX filesystem on a mirror over two virtio-pmem
#     devices; fio verify (psync, mmap); legs identical after.  fio's
#     libpmem engine refuses files that are not on synchronous pmem
#     (EOPNOTSUPP, on a plain virtio-pmem device too), like MAP_SYNC.
#   map_sync_refused: MAP_SYNC is refused on a mirror with a virtio-pmem
#     leg (both legs, and NVDIMM + virtio-pmem) and allowed over two
#     NVDIMMs (the control: the check can fail), also right after a
#     synchronous mirror was removed (the kernel's dax_device slab keeps
#     the "synchronous" flag of a freed device; before, the next mirror
#     over virtio-pmem offered MAP_SYNC); a table that puts a virtio-pmem
#     leg under a DAX device a synchronous table marked is refused.
#   fsync_flushes_legs: every fsync sends a REQ_PREFLUSH bio to each
#     virtio-pmem leg; never to a pmem NVDIMM leg (a fence is its flush).
#   mark_flushed_before_write: a write to a clean region has its
#     write-intent mark written to each virtio-pmem leg with REQ_FUA
#     before the data, and the mark is cleared only by a write that
#     flushes the leg first (REQ_PREFLUSH): otherwise a host crash can
#     keep the data of one leg and lose the mark, and the restart resyncs
#     nothing.  Before, the mark was a store to the leg's DAX mapping,
#     with no flush at all.
#   mixed_fail_replace: NVDIMM + virtio-pmem under fio; the virtio-pmem
#     leg fails, a second virtio-pmem device replaces it, the rebuild
#     runs under fio, the legs are identical and the data verify.
# vm-run: --nvdimms 2 --nvdimm-size 256 --virtio-pmem 2 --virtio-pmem-size 512
# vm-timeout: 1500
# kernels: 6.1. newest
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-repl.sh"
. "$(dirname "$0")/../lib-fault.sh"

group_setup setup_fsdax
group_setup setup_virtio_pmem
group_setup load_module
group_setup repl_no_background_flush
[ "${#VPMEM[@]}" -ge 2 ] || skip "needs two virtio-pmem devices"
A=$PMEM0
V0=$VPMEM0
V1=$VPMEM1
MNT=$MNT_BASE/fs

tracefs() {
	[ -d "$TRACE/events/block" ] || mount -t tracefs nodev "$TRACE" 2>/dev/null || true
	[ -d "$TRACE/events/block" ] || skip "no block tracepoints"
}

# vmirror L0 L1 [OPTARGS...]: mirror "m" over L0 + L1, both zeroed first
# (so that the legs can be compared whole), DAX checked
vmirror() {
	local l0=$1 l1=$2
	shift 2
	zero_legs "$l0" "$l1"
	repl_mirror m "$l0" "$l1" "$@"
}

dax_fio() {
	local fs=$1
	vmirror "$V0" "$V1" sync_interval_ms 0
	mkfs_dax "$fs" "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
	run_fio psync --directory="$MNT" --ioengine=psync --rw=randwrite \
		--bs=4k --size=32M --fsync=64 --verify=crc32c --do_verify=1
	run_fio mmap --directory="$MNT" --ioengine=mmap --rw=randwrite \
		--bs=4k --size=32M --verify=crc32c --do_verify=1
	umount "$MNT"
	assert_eq "$(status_field m hot_regions)" 0 "hot regions after umount"
	assert_eq "$(status_field m health)" AA health
	legs_same "$V0" "$V1" "$DOFF" "$DXM_LEN"
	mount_dax "$DXM_DEV" "$MNT"
	run_fio psync-reread --filename="$MNT/psync.0.0" --ioengine=psync \
		--rw=randwrite --bs=4k --size=32M --verify=crc32c --verify_only=1
	umount "$MNT"
	dxm_remove m
}
case_dax_fio_ext4() { dax_fio ext4; }
case_dax_fio_xfs() { dax_fio xfs; }

# sync_create L0 L1: mirror "m" over L0 + L1 (sync_interval_ms 0).  A
# device-mapper device can be born with a DAX device that a freed
# synchronous one left marked synchronous (the kernel's dax_device slab
# keeps its flags); the target then refuses a mirror with an asynchronous
# leg at its first resume and sets that DAX device aside, so the second
# try gets a clean one.  Counts such refusals in REFUSED.
sync_create() {
	local table
	wipe_meta "$1" "$2"
	table=$(dxm_table "$1" "$2" nosync sync_interval_ms 0)
	dmesg_mark sync_create
	if ! dmsetup create m --table "$table" 2>"$SCRATCH/create.err"; then
		dmesg_has "is marked synchronous" ||
			die "dmsetup create failed: $(cat "$SCRATCH/create.err")"
		REFUSED=$((REFUSED + 1))
		log "refused at activation: $(dmesg_since_mark | grep 'marked synchronous')"
		dmsetup create m --table "$table"
	fi
	DXM_DEV=/dev/mapper/m
	DXM_LEN=$(echo "$table" | cut -d' ' -f2)
	_wait_blockdev "$DXM_DEV"
	wait_action_idle m 60
}

# map_sync: "ok" when a MAP_SYNC mapping of a file on a DAX ext4 on
# mirror "m" works, else the error
map_sync() {
	local out rc=0
	{
		repl_mkfs ext4 "$DXM_DEV"
		repl_mount ext4 "$DXM_DEV" "$MNT"
		put_file "$MNT/ms" 1 3
	} >&2
	out=$("$HELPERS/daxstore" --map-sync "$MNT/ms" 0 4096 5 2>&1) || rc=$?
	umount "$MNT" >&2
	if [ "$rc" = 0 ]; then echo ok; else echo "$out"; fi
}

# expect_refused WHAT RESULT
expect_refused() {
	log "$1: $2"
	[[ $2 == *"Operation not supported"* ]] ||
		die "MAP_SYNC over $1: $2 (expected EOPNOTSUPP)"
}

case_map_sync_refused() {
	local t
	REFUSED=0
	sync_create "$V0" "$V1"
	expect_refused "two virtio-pmem legs" "$(map_sync)"
	dxm_remove m
	# the control, and a synchronous device-mapper DAX device freed
	sync_create "$PMEM0" "$PMEM1"
	assert_eq "$(map_sync)" ok "MAP_SYNC over two NVDIMMs"
	dxm_remove m
	sync_create "$V0" "$V1"
	expect_refused "two virtio-pmem legs, after an NVDIMM mirror" "$(map_sync)"
	dxm_remove m
	sync_create "$A" "$V1"
	expect_refused "NVDIMM + virtio-pmem" "$(map_sync)"
	dxm_remove m
	log "creations refused at activation (reused DAX device): $REFUSED"
	# a table with a virtio-pmem leg loaded over a live mirror whose
	# legs are synchronous (a replace): refused, the live table stays
	sync_create "$PMEM0" "$PMEM1"
	t=$(dmsetup table m)
	wipe_meta "$V1"	# a blank leg: a replacement
	dmesg_mark reload
	if dmsetup load m --table "0 $DXM_LEN daxmirror $PMEM0 $V1" 2>/dev/null; then
		dmsetup suspend m
		dmsetup resume m
		expect_refused "NVDIMM + virtio-pmem replacing an NVDIMM leg" "$(map_sync)"
		die "a virtio-pmem leg was loaded under a DAX device marked synchronous"
	fi
	dmesg_expect "is marked synchronous"
	assert_eq "$(dmsetup table m)" "$t" "the live table after the refused load"
	dxm_remove m
}

case_fsync_flushes_legs() {
	tracefs
	zero_legs "$V0" "$V1"
	flush_bios_during_fsyncs "$V0" "$V1"
	log "virtio-pmem legs: $FB0 / $FB1 flush bios during 20 fsyncs"
	[ "$FB0" -ge 20 ] && [ "$FB1" -ge 20 ] ||
		die "virtio-pmem legs got $FB0 / $FB1 flush bios during 20 fsyncs, expected >= 20 each"
	zero_legs "$A" "$V1"
	flush_bios_during_fsyncs "$A" "$V1"
	log "NVDIMM + virtio-pmem legs: $FB0 / $FB1 flush bios during 20 fsyncs"
	[ "$FB1" -ge 20 ] ||
		die "the virtio-pmem leg got $FB1 flush bios during 20 fsyncs, expected >= 20"
	[ "$FB0" -lt 5 ] ||
		die "the NVDIMM leg got $FB0 flush bios during 20 fsyncs (its flush is a fence)"
}

# leg_bios LEG: the block_bio_queue lines of LEG in the trace, as
# "RWBS SECTOR" (sectors of LEG)
leg_bios() {
	local t
	t=$(majmin "$1" | tr : ,)
	sed -nE "s/.*block_bio_queue: $t ([A-Z]+) ([0-9]+) \+ [0-9]+.*/\1 \2/p" "$TRACE/trace"
}

# check_mark_order LEG DATA_SECTOR: on LEG, a write with FUA outside the
# data area (the metadata: superblock, bitmap) came before the first write
# at DATA_SECTOR, and every metadata write after it flushes the leg first
# (REQ_PREFLUSH), one at least (the mark cleared, the data flushed first)
check_mark_order() {
	local leg=$1 data=$2 rwbs sector seen_data=0 mark_before=0 clear_after=0
	while read -r rwbs sector; do
		case "$rwbs" in *W*) ;; *) continue ;; esac
		if [ "$sector" -ge "$DOFF" ] && [ "$sector" -lt $((DOFF + DXM_LEN)) ]; then
			[ "$sector" = "$data" ] && seen_data=1
			continue
		fi
		if [ "$seen_data" = 0 ]; then
			[[ $rwbs == *WF* ]] && mark_before=1
		else
			[[ $rwbs == F*W* ]] && clear_after=1
			[[ $rwbs == F*W* ]] || die "$leg: a metadata write after the data without a flush first ($rwbs $sector)"
		fi
	done < <(leg_bios "$leg")
	log "$leg: mark written with FUA first: $mark_before, data: $seen_data, flushed clear after: $clear_after"
	[ "$seen_data" = 1 ] || die "$leg: the data write at $data is not in the trace"
	[ "$mark_before" = 1 ] || {
		echo "bios of $leg (data area: sectors $DOFF+$DXM_LEN):" >&2
		leg_bios "$leg" | head -n 40 >&2
		die "$leg: no write-intent mark reached the leg with FUA before the data write"
	}
	[ "$clear_after" = 1 ] ||
		die "$leg: the mark was not cleared by a write that flushes the leg first"
}

case_mark_flushed_before_write() {
	local sector=$((64 * 128)) legsec
	tracefs
	vmirror "$V0" "$V1" sync_interval_ms 0
	# the marks of the creation are cleared a housekeeping pass later
	sleep 3
	echo 0 >"$TRACE/tracing_on"
	echo >"$TRACE/trace"
	echo 1 >"$TRACE/events/block/block_bio_queue/enable"
	echo 1 >"$TRACE/tracing_on"
	pattern 7 4096 | dd of="$DXM_DEV" bs=4k seek=$((sector / 8)) oflag=direct status=none
	# a clearing pass (every 5 s for marks written by bios) clears the
	# mark of the settled region
	sleep 8
	echo 0 >"$TRACE/tracing_on"
	echo 0 >"$TRACE/events/block/block_bio_queue/enable"
	legsec=$((DOFF + sector))
	check_mark_order "$V0" "$legsec"
	check_mark_order "$V1" "$legsec"
	check_pattern "$DXM_DEV" "$sector" 8 7
	legs_same "$V0" "$V1" "$DOFF" "$DXM_LEN"
	dxm_remove m
}

case_mixed_fail_replace() {
	local r0 r1
	vmirror "$A" "$V0"
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
	fio_loop_start r1 --directory="$MNT" --rw=randwrite --bs=4k --size=24M
	fio_loop_wait_rounds r1 1
	dxm_message m fail 1
	assert_eq "$(status_field m health)" AD "health after fail 1"
	wipe_meta "$V1"
	set_sweep_kbps 16384
	dmsetup load m --table "0 $DXM_LEN daxmirror $A $V1"
	dmsetup suspend m
	dmsetup resume m
	assert_eq "$(status_field m leg1)" "$(majmin "$V1")" "leg 1 after the reload"
	assert_eq "$(status_field m action)" rebuild "action after the reload"
	r0=$(fio_loop_rounds r1)
	wait_action_idle m 900
	fio_loop_running r1 || die "fio loop stopped during the rebuild"
	r1=$(fio_loop_rounds r1)
	log "fio rounds completed during the rebuild: $((r1 - r0))"
	set_sweep_kbps 0
	assert_eq "$(status_field m health)" AA "health after the rebuild"
	fio_loop_wait_rounds r1 $((r1 + 1))
	fio_loop_stop r1 3
	umount "$MNT"
	legs_same "$A" "$V1" "$DOFF" "$DXM_LEN"
	mount_dax "$DXM_DEV" "$MNT"
	fio_loop_verify r1
	umount "$MNT"
	dxm_remove m
}

run_case dax_fio_ext4 case_dax_fio_ext4
run_case dax_fio_xfs case_dax_fio_xfs
run_case fsync_flushes_legs case_fsync_flushes_legs
run_case mark_flushed_before_write case_mark_flushed_before_write
run_case mixed_fail_replace case_mixed_fail_replace
# last: it leaves freed synchronous DAX devices behind (see sync_create)
run_case map_sync_refused case_map_sync_refused
finish
