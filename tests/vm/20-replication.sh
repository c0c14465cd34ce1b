#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 20-replication: DAX stores reach the second leg through flushes, checked
# by reading leg 1 (the second device of the table) directly at the
# files' physical extents (FIEMAP offset on the mirror + data_offset).
# Mirrors use sync_interval_ms 0, so only flushes can copy; the
# filesystems are kept from flushing on their own (ext4 commit=600, XFS
# log worker slowed), so that the negative controls mean something.
#   twofile_*: two mmapped files; A stored to both; fsync file 1; B stored
#     to file 2 through the same mapping; fsync (or msync) file 2: leg 1
#     holds A for file 1 and B for file 2.  Negative controls: before each
#     sync, leg 1 does NOT hold the new data.  Variants: write(2) instead
#     of stores, 2 MiB mappings (2 MiB faults counted), ext4 and XFS.
#   twofile_*_read_first: the pages are first read through the mappings
#     and flushed (left mapped read-only), then stored to as above.
#   read_mapping_kept: a flush leaves read-only mappings in place and
#     unmaps pages that were stored to (fault counts of a second pass).
#   pmd_store_4k: repeated stores + msync through a 2 MiB-aligned mapping
#     get 4 KiB faults after a few (<= 2 regions hot per store, not 32),
#     data intact; _always: with the table option pmd_always they stay
#     2 MiB.  pmd_interval_kept: dense stores re-faulted only by the
#     interval sync keep their 2 MiB faults.
#   failover_readonly_mapping: a read-only mapping kept across a flush
#     and "fail 0" shows data written afterwards (the failover unmaps it).
#   inflight_write_long: the same write held across three flushes 100 ms
#     apart (longer than the cooling time), with and without task I/O
#     accounting (CONFIG_TASK_XACCT: the debug kernels have none).
#   inflight_fault: a fault held (test hook) between direct_access and
#     its page table entry across two flushes; its store reaches leg 1 at
#     the next flush (first fault of a page, and a fault after an unmap).
#   inflight_fault_crowded: the same while 200 live processes each have
#     a fault of their own page handed out since the last flush (every
#     in-flight slot taken).
#   ranged_flush: "flush <sector> <nr>" copies that range (and at most the
#     regions it touches), nothing beyond.
#   map_sync_*: MAP_SYNC mappings are allowed; their stores (no flush)
#     reach leg 1 within sync_interval_ms (bounded poll: 5x interval), and
#     with sync_interval_ms 0 only on a flush message.
#   hot_regions: the status field counts regions with stores not yet on
#     both legs; 0 after a flush.
#   leg_flush_bios: fsyncs send no flush bio to pmem legs without flush
#     hints (a fence does their flush), one per fsync to dm-linear legs.
#   warm_list_overflow: more warm regions than a full flush's list holds
#     (4 KiB regions): one fsync still copies them all; then the list again.
# vm-run: --nvdimms 2 --nvdimm-size 512
# vm-timeout: 1800
# kernels: 6.1. debug newest
# debug-env: TEST_CASES=^(twofile_ext4_mmap|twofile_xfs_pmd_msync|read_mapping_kept|inflight_write|inflight_write_long|inflight_fault|ranged_flush|hot_regions|failover_readonly_mapping|fail_primary|primary_fails)$
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-repl.sh"

group_setup setup_fsdax
group_setup load_module
group_setup repl_no_background_flush
A=$PMEM0
B=$PMEM1
group_setup repl_same_legs "$A" "$B"
MNT=$MNT_BASE/fs
REGION=128	# default region_size (sectors)

# fs_mirror FS [OPTARGS...]: mirror "m" (sync_interval_ms 0 unless given)
# with a DAX filesystem FS on $MNT
fs_mirror() {
	local fs=$1
	shift
	if [ $# -eq 0 ]; then
		set -- sync_interval_ms 0
	fi
	repl_mirror m "$A" "$B" "$@"
	repl_mkfs "$fs" "$DXM_DEV"
	repl_mount "$fs" "$DXM_DEV" "$MNT"
}

# ------------------------------------------------------------ two files ---

# twofile FS [twofile options]
twofile() {
	local fs=$1 rc=0 pmd=0 o
	shift
	for o in "$@"; do [ "$o" = --pmd ] && pmd=1; done
	fs_mirror "$fs"
	[ "$pmd" = 1 ] && pmd_faults_start
	"$HELPERS/twofile" "$@" "$MNT" "$A" "$B" "$DOFF" || rc=$?
	[ "$pmd" = 1 ] && pmd_faults_stop
	case "$rc" in
	0) ;;
	4) die "negative control failed: leg 1 got data without a flush (see above)" ;;
	1) die "two-file property violated: leg 1 lacks flushed data (see above)" ;;
	*) die "twofile exited with $rc" ;;
	esac
	if [ "$pmd" = 1 ]; then
		# 2 files x 2 PMDs, then file 2 again after the fsync zapped it
		[ "$PMD_NOPAGE" -ge 6 ] || die "expected >= 6 2 MiB faults, got $PMD_NOPAGE"
		[ "$PMD_FALLBACK" -eq 0 ] || die "$PMD_FALLBACK 2 MiB faults fell back"
	fi
	assert_eq "$(status_field m hot_regions)" 0 "hot_regions after the last fsync"
	umount "$MNT"
	assert_eq "$(status_field m health)" AA health
}

case_twofile_ext4_mmap() { twofile ext4; }
case_twofile_ext4_write() { twofile ext4 --write; }
case_twofile_ext4_pmd_msync() { twofile ext4 --pmd --msync; }
case_twofile_ext4_read_first() { twofile ext4 --read-first; }
case_twofile_xfs_mmap() { twofile xfs; }
case_twofile_xfs_write() { twofile xfs --write; }
case_twofile_xfs_pmd() { twofile xfs --pmd; }
case_twofile_xfs_pmd_msync() { twofile xfs --pmd --msync; }
case_twofile_xfs_read_first() { twofile xfs --read-first; }

# ------------------------------------------------- read-only mappings ---

# A flush unmaps only pages that may be mapped writable (the DAX entry's
# dirty tag, dm-target/zap.c).  Pages a process has only read stay
# mapped: reading them again after a flush takes no fault.  Pages stored
# to must be unmapped by the flush (else later stores would go untracked):
# reading them again faults.  Kernels before 6.2 tag DAX entries dirty on
# read faults too, so there the read pages are unmapped as well (reported).
case_read_mapping_kept() {
	local f=$MNT/readmap out rd st pages=256
	fs_mirror ext4
	# written extents (a read of an unwritten one maps the zero page)
	dd if=/dev/urandom of="$f" bs=4096 count=$pages conv=fsync status=none
	out=$("$HELPERS/readmap" "$f" $((pages * 4096)) "dmsetup message m 0 flush") ||
		die "readmap failed: $out"
	log "$(echo "$out" | tr '\n' ' ')"
	rd=$(echo "$out" | awk '$1 == "read_refaults" { print $2 }')
	st=$(echo "$out" | awk '$1 == "store_refaults" { print $2 }')
	[ -n "$rd" ] && [ -n "$st" ] || die "readmap printed no counts"
	[ "$st" -ge "$pages" ] ||
		die "only $st of $pages stored-to pages faulted again after a flush: writable mappings were left in place"
	# before 6.2 the kernel tags read faults dirty too: the target asks
	# the page tables there (zap.c), so the count is 0 on every kernel
	[ "$rd" -eq 0 ] ||
		die "$rd of $pages read-only pages faulted again after a flush (expected 0)"
	# the last pass faulted the unmapped pages in again: hot until a flush
	[ "$(status_field m hot_regions)" -gt 0 ] || die "hot_regions 0 after pages were faulted in"
	dxm_message m flush
	assert_eq "$(status_field m hot_regions)" 0 "hot_regions after a flush"
	umount "$MNT"
}

# ------------------------------------------------------- 2 MiB faults ---

# pmd_store_4k [pmd_always]: an 8 MiB file mapped 2 MiB-aligned is
# written whole and msynced (four 2 MiB faults), then 24 rounds of one
# page of its first 2 MiB stored + msync, then one store there without
# msync.  msync write-protects the 2 MiB mapping, so each store faults
# again; the target answers a range's ninth 2 MiB request within about a
# second with 4 KiB (pmd.c): the last store leaves at most 2 regions hot
# (its page and, marked again, the previous fault's: inflight.c), not
# the 32 of a 2 MiB hand-out.  With pmd_always every fault stays 2 MiB.
# Both ways the file reads back as stored, and after a flush leg 1
# equals leg 0.
case_pmd_store_4k() {
	local f=$MNT/pmdstore hot
	if [ "${1:-}" = pmd_always ]; then
		fs_mirror ext4 sync_interval_ms 0 pmd_always
	else
		fs_mirror ext4
	fi
	pmd_faults_start
	"$HELPERS/pmdmap" --rounds 24 "$f" 8 || die "pmdmap --rounds failed"
	pmd_faults_stop
	hot=$(status_field m hot_regions)
	log "hot regions after the last store: $hot"
	if [ "${1:-}" = pmd_always ]; then
		[ "$PMD_FALLBACK" -eq 0 ] || die "$PMD_FALLBACK 2 MiB faults fell back with pmd_always"
		[ "$PMD_NOPAGE" -ge 5 ] || die "expected >= 5 2 MiB faults with pmd_always, got $PMD_NOPAGE"
		[ "$hot" -ge 32 ] || die "a 2 MiB fault's hand-out left only $hot regions hot"
	else
		[ "$PMD_NOPAGE" -ge 4 ] || die "expected >= 4 first 2 MiB faults, got $PMD_NOPAGE"
		[ "$PMD_FALLBACK" -ge 1 ] ||
			die "no 2 MiB fault fell back: every store after msync was handed 2 MiB"
		[ "$hot" -le 2 ] ||
			die "$hot regions hot after one store: it was handed more than 4 KiB"
	fi
	dxm_message m flush
	assert_eq "$(status_field m hot_regions)" 0 "hot regions after a flush"
	umount "$MNT"
	legs_identical "$A" "$B" "$DXM_LEN"
}
case_pmd_store_4k_always() { case_pmd_store_4k pmd_always; }

# pmd_interval_kept: dense stores to every page of an 8 MiB file mapped
# 2 MiB-aligned for 6 s, no msync, sync_interval_ms 1000: the interval
# sync unmaps the written 2 MiB mappings about once a second and their
# re-faults stay 2 MiB (a 4 KiB fault per page would cost more than one
# 2 MiB copy per second), although the store loop re-faults a range
# several times during one sync (it unmaps page by page, region by
# region: 4 KiB regions here, the most chances); the file reads back,
# legs equal after umount.
case_pmd_interval_kept() {
	local f=$MNT/pmddense
	fs_mirror ext4 sync_interval_ms 1000 region_size 8
	pmd_faults_start
	"$HELPERS/pmdmap" --dense 6 "$f" 8 || die "pmdmap --dense failed"
	pmd_faults_stop
	[ "$PMD_FALLBACK" -eq 0 ] ||
		die "$PMD_FALLBACK 2 MiB faults fell back under the interval sync alone"
	[ "$PMD_NOPAGE" -gt 4 ] ||
		die "no 2 MiB re-fault after the interval syncs ($PMD_NOPAGE faults): was the file unmapped at all?"
	umount "$MNT"
	legs_identical "$A" "$B" "$DXM_LEN"
}

# ---------------------------------------------------- a write in flight ---

# A flush runs while a write(2) has its DAX address but has not stored
# yet (held there by a userfaultfd source buffer): the next fsync must
# still copy what the write stored (tests/helpers/inflight.c).
# inflight_write [FLUSHES]: see tests/helpers/inflight.c
case_inflight_write() {
	local rc=0
	fs_mirror ext4
	"$HELPERS/inflight" "$MNT" "$A" "$B" "$DOFF" "${1:-1}" || rc=$?
	case "$rc" in
	0) ;;
	77) skip "no userfaultfd in this kernel" ;;
	4) die "negative control failed: leg 1 got the write without a flush" ;;
	1) die "a write in flight during a flush did not reach leg 1 at the next fsync" ;;
	*) die "inflight exited with $rc" ;;
	esac
	umount "$MNT"
}

# inflight_write_long: the write held across three flushes 100 ms apart
# (longer than the 50 ms cooling time); the writer's fsync must still
# copy it.  The target knows the write is over when the task's count of
# write syscalls moves (task I/O accounting, CONFIG_TASK_XACCT); without
# it (the debug kernels), only at the task's next hand-out, its own flush
# or its exit, never by time.
case_inflight_write_long() {
	local n
	n=$(awk '$1 == "syscw:" { print $2 }' "/proc/$$/io" 2>/dev/null || true)
	[ "${n:-0}" -gt 0 ] || log "no write syscall counts (CONFIG_TASK_XACCT) in this kernel"
	case_inflight_write 3
}

# held_fault FILE PHYS SEED ROUND: store pattern SEED to FILE's first page
# (at PHYS sectors) while its fault is held between direct_access and its
# page table entry (module parameters test_delay_*, as a preempted fault
# would be) across three flushes more than 50 ms apart; then flush: both
# legs and the file must hold the store.
held_fault() {
	local f=$1 phys=$2 seed=$3 round=$4 par=/sys/module/dm_daxmirror/parameters
	local pid rc=0
	echo $((phys / 8)) >"$par/test_delay_page"
	echo 3000 >"$par/test_delay_ms"
	"$HELPERS/daxstore" "$f" 0 4096 "$seed" &
	pid=$!
	sleep 0.5
	dxm_message m flush
	sleep 0.3
	dxm_message m flush
	sleep 0.3
	dxm_message m flush
	wait "$pid" || rc=$?
	echo 0 >"$par/test_delay_ms"
	echo 18446744073709551615 >"$par/test_delay_page"
	[ "$rc" = 0 ] || die "daxstore exited with $rc"
	dxm_message m flush
	legs_same "$A" "$B" $((DOFF + phys)) 8 ||
		die "$round: a store whose fault was held across flushes is not on leg 1 after a flush"
	cmp <(pattern "$seed" 4096) <(head -c 4096 "$f") ||
		die "$round: the file does not hold the store"
	log "$round: the held fault's store is on both legs"
}

# inflight_fault: a store's fault held across flushes (held_fault) reaches
# leg 1 at the next flush.  Round 1: the page's first fault (no file names
# the page yet); round 2: a fault after a flush unmapped the page (the
# file names it, its DAX entry is locked).
case_inflight_fault() {
	local f=$MNT/fault phys len
	fs_mirror ext4
	put_file "$f" 1 1
	read -r phys len < <(file_extent "$f")
	legs_same "$A" "$B" $((DOFF + phys)) 8
	held_fault "$f" "$phys" 2 "round 1"
	held_fault "$f" "$phys" 3 "round 2"
	umount "$MNT"
}

# inflight_fault_crowded: the same with every in-flight slot of the
# target taken: 200 live processes, each with a fault of its own page of
# the file handed out since the last flush (daxstore --hold).  Their
# faults are over, so the held fault must still get a slot (not the
# time-bounded fallback, which drops it after two flushes).
case_inflight_fault_crowded() {
	local f=$MNT/crowd phys len i n t=0
	local -a pids=()
	fs_mirror ext4
	put_file "$f" 1 1
	read -r phys len < <(file_extent "$f")
	legs_same "$A" "$B" $((DOFF + phys)) 8
	for i in $(seq 1 200); do
		"$HELPERS/daxstore" --hold "$f" $(((i % 255 + 1) * 4096)) 4096 7 \
			>"$SCRATCH/crowd.$i" &
		pids+=($!)
	done
	while n=$(cat "$SCRATCH"/crowd.* | grep -c holding); [ "$n" -lt 200 ]; do
		[ $((t += 1)) -lt 600 ] || die "only $n of 200 stores made within 60 s"
		sleep 0.1
	done
	held_fault "$f" "$phys" 4 "crowded"
	kill "${pids[@]}"
	wait "${pids[@]}" 2>/dev/null || true
	umount "$MNT"
}

# --------------------------------------------------------- ranged flush ---

case_ranged_flush() {
	local f=$MNT/ranged phys len s n s2 hot0 hot1 far
	fs_mirror ext4
	put_file "$f" 4 1
	# work in the first 2 MiB that are contiguous on the device
	read -r phys len < <(file_extent "$f")
	log "file: $("$HELPERS/fiemap" -s "$f" | tr '\n' ' '); using sectors $phys+4096"
	[ "$len" -ge 4096 ] || skip "no 2 MiB of the file are contiguous ($len sectors)"
	legs_same "$A" "$B" $((DOFF + phys)) 4096
	assert_eq "$(status_field m hot_regions)" 0 "hot_regions after fsync"

	# DAX stores over the whole file, no flush: leg 1 still has pattern 1
	"$HELPERS/daxstore" "$f" 0 $((4 << 20)) 2
	legs_differ "$A" "$B" $((DOFF + phys)) 4096
	hot0=$(status_field m hot_regions)
	[ "$hot0" -ge $((8192 / REGION)) ] || die "hot_regions $hot0 after stores to $((8192 / REGION)) regions"

	# a region-aligned range 512 KiB into the run, 4 regions long
	s=$(((phys + 1024 + REGION - 1) / REGION * REGION))
	n=$((4 * REGION))
	dxm_message m flush "$s" "$n"
	legs_same "$A" "$B" $((DOFF + s)) "$n"
	# the regions right before and after it, and the run's last 512 KiB: not copied
	legs_differ "$A" "$B" $((DOFF + s - REGION)) "$REGION"
	legs_differ "$A" "$B" $((DOFF + s + n)) "$REGION"
	far=$((phys + 3072))
	legs_differ "$A" "$B" $((DOFF + far)) 1024
	hot1=$(status_field m hot_regions)
	log "hot_regions: $hot0 before, $hot1 after the ranged flush"
	assert_eq "$hot1" $((hot0 - 4)) "hot_regions after flushing 4 regions"

	# an unaligned range inside a region (13 sectors from sector 11 of it)
	s2=$(((phys + 2048 + REGION - 1) / REGION * REGION + 11))
	dxm_message m flush "$s2" 13
	legs_same "$A" "$B" $((DOFF + s2)) 13
	legs_differ "$A" "$B" $((DOFF + (s2 / REGION + 2) * REGION)) "$REGION"
	assert_eq "$(status_field m hot_regions)" $((hot1 - 1)) "hot_regions after flushing 1 region"

	# invalid ranges are refused and change nothing
	expect_fail dxm_message m flush "$DXM_LEN" 8
	expect_fail dxm_message m flush 0 0
	expect_fail dxm_message m flush "$s"
	legs_differ "$A" "$B" $((DOFF + far)) 1024

	# full flush: everything identical, leg 1 holds pattern 2
	dxm_message m flush
	legs_same "$A" "$B" $((DOFF + phys)) 4096
	"$HELPERS/daxstore" --no-store "$f" 0 $((4 << 20)) 2 "$B" "$DOFF" 0
	assert_eq "$(status_field m hot_regions)" 0 "hot_regions after flush"
	umount "$MNT"
}

# ------------------------------------------------------------- MAP_SYNC ---

MS_LEN=$((256 << 10))	# bytes stored through MAP_SYNC mappings (small: quick to poll)

# map_sync_file: $MNT/ms, 4 MiB of pattern 1 on both legs (written and
# committed, so MAP_SYNC faults need no metadata sync)
map_sync_file() {
	put_file "$MNT/ms" 4 1
	sync -f "$MNT/ms"
	sleep 1	# let the interval sync / cooling of the write settle
}

case_map_sync_interval() {
	local out
	fs_mirror ext4 sync_interval_ms 200
	map_sync_file
	# stores through a MAP_SYNC mapping, no flush: on leg 1 within 5 x 200 ms
	out=$("$HELPERS/daxstore" --map-sync "$MNT/ms" 0 "$MS_LEN" 7 "$B" "$DOFF" 1000) ||
		die "MAP_SYNC stores not on leg 1 within 1000 ms (sync_interval_ms 200): $out"
	echo "$out"
	legs_same "$A" "$B" "$DOFF" "$DXM_LEN"
	umount "$MNT"
}

case_map_sync_no_interval() {
	local rc fs
	for fs in ext4 xfs; do
		rc=0
		fs_mirror "$fs" sync_interval_ms 0
		map_sync_file
		# with sync_interval_ms 0 the stores stay on leg 0 ...
		"$HELPERS/daxstore" --map-sync "$MNT/ms" 0 "$MS_LEN" 8 "$B" "$DOFF" 3000 || rc=$?
		[ "$rc" -eq 3 ] || die "$fs: MAP_SYNC stores reached leg 1 without a flush (rc $rc)"
		[ "$(status_field m hot_regions)" -ge $((MS_LEN / 512 / REGION)) ] ||
			die "hot_regions $(status_field m hot_regions) after MAP_SYNC stores"
		# ... until a flush message
		dxm_message m flush
		"$HELPERS/daxstore" --no-store "$MNT/ms" 0 "$MS_LEN" 8 "$B" "$DOFF" 0
		legs_same "$A" "$B" "$DOFF" "$DXM_LEN"
		umount "$MNT"
		dxm_remove m
	done
}

# ---------------------------------------------------------- hot regions ---

case_hot_regions() {
	local f=$MNT/hot hot
	fs_mirror ext4
	put_file "$f" 4 1
	assert_eq "$(status_field m hot_regions)" 0 "hot_regions after write + fsync"
	"$HELPERS/daxstore" "$f" 0 $((4 << 20)) 3
	hot=$(status_field m hot_regions)
	log "hot_regions after stores to 4 MiB: $hot"
	[ "$hot" -ge $((8192 / REGION)) ] || die "hot_regions $hot, expected >= $((8192 / REGION))"
	sleep 2
	assert_eq "$(status_field m hot_regions)" "$hot" "hot_regions 2 s later (sync_interval_ms 0)"
	dxm_message m flush
	assert_eq "$(status_field m hot_regions)" 0 "hot_regions after flush"
	# again, cleared by an fsync this time
	"$HELPERS/daxstore" "$f" $((1 << 20)) $((1 << 20)) 4
	[ "$(status_field m hot_regions)" -ge $((2048 / REGION)) ] || die "no hot regions after stores"
	sync -f "$f"
	assert_eq "$(status_field m hot_regions)" 0 "hot_regions after fsync"
	umount "$MNT"
	legs_same "$A" "$B" "$DOFF" "$DXM_LEN"
}

# ------------------------------------------------------------ warm list ---

# warm_list_overflow: with 4 KiB regions, stores to 6144 regions (more
# than the 4096 a full flush finds on its list of warm regions) are all
# copied by one fsync (that flush scans the bitmap instead), a ranged
# flush before it leaves stale list entries behind, and the next flushes
# use the list again.
case_warm_list_overflow() {
	local f=$MNT/many rc=0 hot
	fs_mirror ext4 sync_interval_ms 0 region_size 8
	put_file "$f" 24 1
	"$HELPERS/daxstore" "$f" 0 $((24 << 20)) 2
	hot=$(status_field m hot_regions)
	log "hot_regions after stores to 24 MiB in 4 KiB regions: $hot"
	[ "$hot" -ge 6144 ] || die "hot_regions $hot after stores to 6144 regions"
	"$HELPERS/daxstore" --no-store "$f" 0 $((24 << 20)) 2 "$B" "$DOFF" 0 || rc=$?
	[ "$rc" -eq 3 ] || die "negative control: leg 1 holds the stores before a flush (rc $rc)"
	dxm_message m flush 0 2048
	sync -f "$f"
	assert_eq "$(status_field m hot_regions)" 0 "hot_regions after fsync"
	"$HELPERS/daxstore" --no-store "$f" 0 $((24 << 20)) 2 "$B" "$DOFF" 0
	legs_same "$A" "$B" "$DOFF" "$DXM_LEN"
	# a few regions again: the list is used (and must be complete)
	"$HELPERS/daxstore" "$f" $((5 << 20)) $((1 << 20)) 3
	"$HELPERS/daxstore" "$f" $((20 << 20)) 4096 4
	sync -f "$f"
	assert_eq "$(status_field m hot_regions)" 0 "hot_regions after the second fsync"
	"$HELPERS/daxstore" --no-store "$f" $((5 << 20)) $((1 << 20)) 3 "$B" "$DOFF" 0
	"$HELPERS/daxstore" --no-store "$f" $((20 << 20)) 4096 4 "$B" "$DOFF" 0
	legs_same "$A" "$B" "$DOFF" "$DXM_LEN"
	umount "$MNT"
}

# ------------------------------------------------------- leg flush bios ---

# leg_flush_bios: the cache flush of a pmem leg without flush hints is a
# store fence (no bio per fsync); a leg that is a dm-linear device over
# pmem gets a REQ_PREFLUSH bio at every fsync.
case_leg_flush_bios() {
	local n=$(($(blockdev --getsz "$A") - 8192))
	[ -d "$TRACE/events/block" ] || mount -t tracefs nodev "$TRACE" 2>/dev/null || true
	[ -d "$TRACE/events/block" ] || skip "no block tracepoints"
	[ "$(cat "/sys/block/${A#/dev/}/queue/fua")" = 0 ] || skip "$A has FUA (flush hints)"
	flush_bios_during_fsyncs "$A" "$B"
	log "pmem legs: $FB0 / $FB1 flush bios during 20 fsyncs"
	[ "$FB0" -lt 5 ] && [ "$FB1" -lt 5 ] ||
		die "pmem legs without flush hints got $FB0 / $FB1 flush bios during 20 fsyncs"
	dmsetup create la --table "0 $n linear $A 0"
	dmsetup create lb --table "0 $n linear $B 0"
	_wait_blockdev /dev/mapper/la
	_wait_blockdev /dev/mapper/lb
	flush_bios_during_fsyncs /dev/mapper/la /dev/mapper/lb
	log "dm-linear legs: $FB0 / $FB1 flush bios during 20 fsyncs"
	[ "$FB0" -ge 20 ] && [ "$FB1" -ge 20 ] ||
		die "dm-linear legs got $FB0 / $FB1 flush bios during 20 fsyncs, expected >= 20 each"
	dmsetup remove la
	dmsetup remove lb
}

# ------------------------------------------------------------- failover ---

# failover MODE: a process keeps a file mapped across a failure of the
# primary and stores again through the same mapping: its old mapping of
# leg 0's pages must be gone (the stores must reach leg 1, the new
# primary), so after msync the file read through the mirror, and leg 1 at
# the file's extents, hold the latest data.
#   message: the stores before the failure are not flushed
#            (sync_interval_ms 0) and "fail 0" must copy them first;
#   spares:  the stores before it are msynced and made again (the msync
#            unmapped the pages: the same data, mapped anew), then leg 0
#            fails by itself (sticky poison on 5 pages elsewhere, spare
#            pool of 4): the target must unmap its pages.
failover() {
	local mode=$1 f=$MNT/fo len=$((2 << 20)) sum1 sum2 pid i
	if [ "$mode" = spares ]; then
		fs_mirror ext4 sync_interval_ms 0 spare_pages 4
	else
		fs_mirror ext4
	fi
	put_file "$f" 2 11
	pattern 12 "$len" >"$SCRATCH/p12"
	pattern 13 "$len" >"$SCRATCH/p13"
	sum1=$(sha256sum <"$SCRATCH/p12" | cut -d' ' -f1)
	sum2=$(sha256sum <"$SCRATCH/p13" | cut -d' ' -f1)
	rm -f "$SCRATCH/ready" "$SCRATCH/go" "$SCRATCH/done"
	python3 - "$f" "$SCRATCH" "$mode" <<-'PY' &
	import mmap, os, sys, time
	path, d, mode = sys.argv[1], sys.argv[2], sys.argv[3]
	fd = os.open(path, os.O_RDWR)
	m = mmap.mmap(fd, 2 << 20)
	m[:] = open(d + "/p12", "rb").read()	# stores
	if mode == "spares":
	    m.flush()				# msync: on both legs, mappings zapped
	    m[:] = open(d + "/p12", "rb").read()	# the same again: mapped anew, of leg 0
	open(d + "/ready", "w").close()
	while not os.path.exists(d + "/go"):
	    time.sleep(0.05)
	m[:] = open(d + "/p13", "rb").read()	# the same mapping, after the failure
	m.flush()				# msync
	open(d + "/done", "w").close()
	time.sleep(1)
	PY
	pid=$!
	while [ ! -e "$SCRATCH/ready" ]; do
		kill -0 "$pid" 2>/dev/null || die "the mapping process died"
		sleep 0.1
	done
	if [ "$mode" = spares ]; then
		for i in 1 2 3 4 5; do
			inject_poison "$A" $((DXM_LEN - 64 * i)) 8
		done
		dxm_message m rescan || true
		for i in $(seq 100); do
			[ "$(status_field m health)" = DA ] && break
			sleep 0.3
		done
		assert_eq "$(status_field m health)" DA "health after the spare pool ran out"
		log "status after the spare pool ran out: $(status_field m line)"
	else
		legs_differ "$A" "$B" $((DOFF + $(file_extent "$f" | cut -d' ' -f1))) 8 ||
			die "leg 1 got the stores without a flush (the test needs them on leg 0 only)"
		dxm_message m fail 0
		assert_eq "$(status_field m health)" DA "health after fail 0"
	fi
	echo 3 >/proc/sys/vm/drop_caches
	assert_eq "$(sha256sum <"$f" | cut -d' ' -f1)" "$sum1" "file after the failure (stores made before it)"
	touch "$SCRATCH/go"
	while [ ! -e "$SCRATCH/done" ]; do
		kill -0 "$pid" 2>/dev/null || die "the mapping process died"
		sleep 0.1
	done
	wait "$pid"
	echo 3 >/proc/sys/vm/drop_caches
	assert_eq "$(sha256sum <"$f" | cut -d' ' -f1)" "$sum2" "file after stores through the old mapping"
	"$HELPERS/daxstore" --no-store "$f" 0 "$len" 13 "$B" "$DOFF" 0 >/dev/null ||
		die "leg 1 lacks the stores made through the old mapping after the failure"
	umount "$MNT"
	dxm_remove m
	# leg 0 is stale now (and, for spares, keeps its sticky poison: the
	# last case of the group)
	[ "$mode" = spares ] || repl_same_legs "$A" "$B"
}

# A process keeps a read-only mapping of a file across a flush (flushes
# leave read-only mappings in place) and across "fail 0"; the file is then
# rewritten with write(2), which lands on leg 1, the new primary.  Reads
# through the old mapping must see the new data: the failover unmaps every
# page processes may have mapped, not only hot ones.  (On kernels before
# 6.2 the flush already unmapped the read pages; see read_mapping_kept.)
case_failover_readonly_mapping() {
	local f=$MNT/ro len=$((2 << 20)) sum2 pid got
	fs_mirror ext4
	put_file "$f" 2 21
	pattern 22 "$len" >"$SCRATCH/p22"
	sum2=$(sha256sum <"$SCRATCH/p22" | cut -d' ' -f1)
	rm -f "$SCRATCH/ready" "$SCRATCH/go" "$SCRATCH/seen"
	python3 - "$f" "$SCRATCH" <<-'PY' &
	import hashlib, mmap, os, sys, time
	path, d = sys.argv[1], sys.argv[2]
	fd = os.open(path, os.O_RDONLY)
	m = mmap.mmap(fd, 2 << 20, prot=mmap.PROT_READ)
	hashlib.sha256(m[:]).hexdigest()	# read faults: mapped read-only
	open(d + "/ready", "w").close()
	while not os.path.exists(d + "/go"):
	    time.sleep(0.05)
	open(d + "/seen", "w").write(hashlib.sha256(m[:]).hexdigest())
	PY
	pid=$!
	while [ ! -e "$SCRATCH/ready" ]; do
		kill -0 "$pid" 2>/dev/null || die "the mapping process died"
		sleep 0.1
	done
	dxm_message m flush
	dxm_message m fail 0
	assert_eq "$(status_field m health)" DA "health after fail 0"
	dd if="$SCRATCH/p22" of="$f" bs=1M conv=notrunc,fsync status=none
	touch "$SCRATCH/go"
	wait "$pid" || die "the mapping process failed"
	got=$(cat "$SCRATCH/seen")
	[ "$got" = "$sum2" ] ||
		die "a read-only mapping made before the failover still shows the failed leg's data"
	umount "$MNT"
	dxm_remove m
	repl_same_legs "$A" "$B"
}

case_fail_primary() { failover message; }
case_primary_fails() { failover spares; }

run_case twofile_ext4_mmap case_twofile_ext4_mmap
run_case twofile_ext4_write case_twofile_ext4_write
run_case twofile_ext4_pmd_msync case_twofile_ext4_pmd_msync
run_case twofile_ext4_read_first case_twofile_ext4_read_first
run_case twofile_xfs_mmap case_twofile_xfs_mmap
run_case twofile_xfs_write case_twofile_xfs_write
run_case twofile_xfs_pmd case_twofile_xfs_pmd
run_case twofile_xfs_pmd_msync case_twofile_xfs_pmd_msync
run_case twofile_xfs_read_first case_twofile_xfs_read_first
run_case read_mapping_kept case_read_mapping_kept
run_case pmd_store_4k case_pmd_store_4k
run_case pmd_store_4k_always case_pmd_store_4k_always
run_case pmd_interval_kept case_pmd_interval_kept
run_case inflight_write case_inflight_write
run_case inflight_write_long case_inflight_write_long
run_case inflight_fault case_inflight_fault
run_case inflight_fault_crowded case_inflight_fault_crowded
run_case ranged_flush case_ranged_flush
run_case map_sync_interval case_map_sync_interval
run_case map_sync_no_interval case_map_sync_no_interval
run_case hot_regions case_hot_regions
run_case warm_list_overflow case_warm_list_overflow
run_case leg_flush_bios case_leg_flush_bios
run_case failover_readonly_mapping case_failover_readonly_mapping
run_case fail_primary case_fail_primary
run_case primary_fails case_primary_fails
finish
