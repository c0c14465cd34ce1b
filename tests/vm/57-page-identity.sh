#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 57-page-identity: the physical page behind a mirror page changes only
# when it must.  A filesystem on the mirror remembers the page behind each
# file page it mapped; a process keeps a writable mapping across an event,
# stores, msyncs, and then the *other* leg is failed: what is read after
# that must be what was stored.
#   The primary is sticky: after a failover to leg 1 and the rebuild of
#   leg 0, leg 1 stays the primary (the mapping's pages stay the ones
#   direct_access hands out), also across a reload of the same table.
#   A failover by "fail 0" while the file is mapped, a remap of a mapped
#   page to a spare (sticky poison), a memory failure on a mapped page
#   (madvise MADV_HWPOISON): the filesystem forgets the old pages (its DAX
#   entries), so that msync and the flush path see the new pages behind
#   the file afterwards.
# ext4 and xfs, -o dax, sync_interval_ms 0 (only msync copies).
# Cases that poison (sticky until the next boot) work on their own GPT
# partition ("slot") of both NVDIMMs; the others share slot 1.
# vm-run: --nvdimms 3 --nvdimm-size 2304
# (a debug kernel: KASAN shadows the NVDIMMs' mapping, 1/8 of their size)
# debug-vm-run: --nvdimms 3 --nvdimm-size 2304 --mem 3072
# vm-timeout: 900
# kernels: stock newest
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

group_setup setup_fsdax
group_setup load_module
group_setup pmem_slots "$PMEM0" 7
group_setup pmem_slots "$PMEM1" 7
MNT=$MNT_BASE/fs

extra_cleanup() {
	bg_kill_all
}

# mapper FILE DIR: maps FILE's 16 pages, stores 'S' to them and msyncs,
# creates DIR/ready; when DIR/poison exists reports a memory failure on
# page 3 (madvise MADV_HWPOISON) and creates DIR/poisoned; when DIR/go
# exists (and, if DIR/remapwait names a mirror, as soon as its status
# shows a remapped page) stores 'T' and msyncs, then 'U'
# and msyncs (the second round stores through the mapping the first
# round's fault made), creates DIR/done; exits when DIR/exit exists.  The
# mapping is kept from the first store to the end.
mapper() {
	cat >"$SCRATCH/mapper.py" <<'PY'
import mmap, os, subprocess, sys, time
f, d = sys.argv[1:3]
def remapped(name):
    out = subprocess.run(['dmsetup', 'status', name], capture_output=True,
                         text=True).stdout.split()
    return len(out) > 10 and out[10] != '0/0'
def wait(name):
    while not os.path.exists(os.path.join(d, name)):
        time.sleep(0.05)
def store(c):
    m[0:16 * 4096] = c * (16 * 4096)
    m.flush()
def poison_page_3():
    # a memory failure reported on page 3 (as a machine check would)
    m.madvise(mmap.MADV_HWPOISON, 3 * 4096, 4096)
    open(os.path.join(d, 'poisoned'), 'w').close()
fd = os.open(f, os.O_RDWR)
m = mmap.mmap(fd, 16 * 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
store(b'S')
open(os.path.join(d, 'ready'), 'w').close()
while True:
    if os.path.exists(os.path.join(d, 'poison')) and \
       not os.path.exists(os.path.join(d, 'poisoned')):
        poison_page_3()
    if os.path.exists(os.path.join(d, 'go')):
        break
    time.sleep(0.05)
w = os.path.join(d, 'remapwait')
if os.path.exists(w):
    # store the moment the page has moved, as a busy process would
    name = open(w).read().strip()
    while not remapped(name):
        pass
n = os.path.join(d, 'failnow')
if os.path.exists(n):
    # fail leg 0 and store the moment the message returns
    subprocess.run(['dmsetup', 'message', open(n).read().strip(), '0',
                    'fail', '0'], check=True)
if os.path.exists(os.path.join(d, 'poisonnow')):
    poison_page_3()		# and store right after it
store(b'T')
store(b'U')
open(os.path.join(d, 'done'), 'w').close()
wait('exit')
m.close()
os.close(fd)
PY
	rm -f "$2"/ready "$2"/go "$2"/done "$2"/exit "$2"/poison "$2"/poisoned \
		"$2"/remapwait "$2"/failnow "$2"/poisonnow
	bg_start /usr/bin/python3 "$SCRATCH/mapper.py" "$1" "$2"
	wait_until 30 "the mapper's first stores" test -e "$2/ready"
}

# expect_stores FILE: every page holds 'U', the last stores
expect_stores() {
	cmp <(dd if="$1" bs=4096 count=16 status=none) <(head -c $((16 * 4096)) /dev/zero | tr '\0' U) ||
		die "$1: the last stores through the mapping are not there"
}

# reload_same NAME: load the live table again and resume it
reload_same() {
	dmsetup table "$1" | dmsetup load "$1"
	dmsetup suspend "$1"
	dmsetup resume "$1"
}

# moved MODE FS [RELOAD]: a process keeps a mapping of a file while leg 0
# fails and is loaded again and rebuilt from leg 1 (with RELOAD=1 the
# table is then loaded once more); afterwards the mapping stores and
# msyncs twice; then the leg that must hold every store by now is left
# alone (the other is failed) and the file read.
#   sticky:   the file is mapped after leg 0 failed (leg 1's pages); leg 1
#             must stay the primary: leg 0 is failed at the end.  If leg 0
#             became the primary again, the second stores went to a page
#             that msync no longer write-protects and the flush no longer
#             copies.
#   failover: the file is mapped (leg 0's pages, stored to) before leg 0
#             fails: the filesystem must forget leg 0's pages.  If its DAX
#             entries still name them, msync write-protects leg 0's page
#             while the mapping maps leg 1's, and the second stores never
#             reach leg 0: leg 1 is failed at the end.
#   remap:    the file is mapped (leg 0's pages) when page 3 of it gets
#             sticky poison on leg 0: the page is remapped to a spare and
#             the filesystem must forget the old page (no rebuild; leg 0
#             is failed at the end).  The mapper stores the moment the
#             remap shows: its fault lands before the filesystem has
#             forgotten the old page (a worker does that a cooling period
#             later), and the flushes in that window must still copy the
#             page (CI saw this fail once in the suite's order).
#   hwpoison: the same with a memory failure reported through the mapping
#             (madvise MADV_HWPOISON): repaired into a spare page; the
#             mapper stores right after it.
#   failnow:  the mapper fails leg 0 ("fail 0") and stores the moment the
#             message returns: its faults come before the filesystem
#             forgot leg 0's pages, and since 6.15 a fault whose entry
#             names another page than direct_access returns inserts that
#             page only if something holds it (hold.c); else SIGBUS.
#   poisonnow: the same for one page: the mapper reports a memory failure
#             on page 3 (repaired into a spare) and stores right after.
#   selffail: the file is mapped (leg 0's pages) when page 3 of it gets
#             sticky poison on leg 0, which has no spare pages: leg 0
#             fails by itself; it is replaced by the third NVDIMM and
#             rebuilt from leg 1; leg 1 is failed at the end.
moved() {
	local mode=$1 fs=$2 reload=${3:-0} f=$MNT/mapped d=$SCRATCH/m
	mkdir -p "$d"
	case $mode/$fs in
	remap/ext4) legs 2 ;;
	remap/xfs) legs 3 ;;
	hwpoison/ext4) legs 4 ;;
	hwpoison/xfs) legs 5 ;;
	selffail/*) legs 6 ;;
	poisonnow/*) legs 7 ;;
	*) legs 1 ;;
	esac
	if [ "$mode" = selffail ]; then
		fresh_pair m0 "$A" "$B" sync_interval_ms 0 spare_pages 0
	else
		fresh_pair m0 "$A" "$B" sync_interval_ms 0
	fi
	mkfs_dax "$fs" "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
	pattern 571 $((16 * 4096)) >"$f"
	sync
	case $mode in
	sticky) dxm_message m0 fail 0; mapper "$f" "$d" ;;
	failover) mapper "$f" "$d"; dxm_message m0 fail 0 ;;
	remap)
		mapper "$f" "$d"
		echo m0 >"$d/remapwait"
		touch "$d/go"
		poison "$A" "$(file_sector "$f" $((3 * 4096)))"
		wait_field m0 remapped = 1/0 30
		;;
	selffail)
		mapper "$f" "$d"
		poison "$A" "$(file_sector "$f" $((3 * 4096)))"
		wait_field m0 health = DA 30
		# leg 0 replaced by the third NVDIMM, rebuilt from leg 1
		wipe_meta "$PMEM2"
		dmsetup load m0 --table "$(dmsetup table m0 | sed "s|^\(\([^ ]* \)\{3\}\)[^ ]*|\1$PMEM2|")"
		dmsetup suspend m0
		dmsetup resume m0
		wait_action_idle m0 600
		assert_eq "$(status_field m0 health)" AA "health after the rebuild"
		;;
	hwpoison)
		mapper "$f" "$d"
		echo m0 >"$d/remapwait"
		touch "$d/poison" "$d/go"
		wait_until 30 "the memory failure" test -e "$d/poisoned"
		wait_field m0 remapped = 1/0 30
		;;
	failnow)
		mapper "$f" "$d"
		echo m0 >"$d/failnow"
		touch "$d/go"
		;;
	poisonnow)
		mapper "$f" "$d"
		touch "$d/poisonnow" "$d/go"
		;;
	esac
	if [ "$mode" = sticky ] || [ "$mode" = failover ]; then
		# leg 0 back: loaded again, rebuilt from leg 1
		reload_same m0
		wait_action_idle m0 600
		assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	fi
	[ "$reload" = 1 ] && reload_same m0
	touch "$d/go"
	# a mapper killed by SIGBUS never gets there
	wait_until 30 "the mapper's second stores" test -e "$d/done"
	if [ "$mode" = failover ] || [ "$mode" = selffail ]; then
		dxm_message m0 fail 1
		assert_eq "$(status_field m0 health)" AD "health after fail 1"
	else
		dxm_message m0 fail 0
		assert_eq "$(status_field m0 health)" DA "health after fail 0"
	fi
	echo 3 >/proc/sys/vm/drop_caches
	expect_stores "$f"
	touch "$d/exit"
	wait_until 30 "the mapper to exit" pid_gone "$(tail -n 1 "$BG_PIDS_FILE")"
	umount "$MNT"
	dxm_remove m0
}

case_sticky_after_rebuild_ext4() { moved sticky ext4; }
case_sticky_after_rebuild_xfs() { moved sticky xfs; }
case_sticky_across_reload_ext4() { moved sticky ext4 1; }
case_failover_by_message_ext4() { moved failover ext4; }
case_failover_by_message_xfs() { moved failover xfs; }
case_remap_mapped_page_ext4() { moved remap ext4; }
case_remap_mapped_page_xfs() { moved remap xfs; }
case_hwpoison_mapped_page_ext4() { moved hwpoison ext4; }
case_hwpoison_mapped_page_xfs() { moved hwpoison xfs; }
case_primary_fails_by_itself_ext4() { moved selffail ext4; }
case_fault_right_after_fail_ext4() { moved failnow ext4; }
case_fault_right_after_fail_xfs() { moved failnow xfs; }
case_fault_right_after_memory_failure_ext4() { moved poisonnow ext4; }

run_case sticky_after_rebuild_ext4 case_sticky_after_rebuild_ext4
run_case sticky_after_rebuild_xfs case_sticky_after_rebuild_xfs
run_case sticky_across_reload_ext4 case_sticky_across_reload_ext4
run_case failover_by_message_ext4 case_failover_by_message_ext4
run_case failover_by_message_xfs case_failover_by_message_xfs
run_case remap_mapped_page_ext4 case_remap_mapped_page_ext4
run_case remap_mapped_page_xfs case_remap_mapped_page_xfs
run_case hwpoison_mapped_page_ext4 case_hwpoison_mapped_page_ext4
run_case hwpoison_mapped_page_xfs case_hwpoison_mapped_page_xfs
run_case primary_fails_by_itself_ext4 case_primary_fails_by_itself_ext4
run_case fault_right_after_fail_ext4 case_fault_right_after_fail_ext4
run_case fault_right_after_fail_xfs case_fault_right_after_fail_xfs
run_case fault_right_after_memory_failure_ext4 case_fault_right_after_memory_failure_ext4
finish
