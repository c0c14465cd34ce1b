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
#   Other events that move pages (a failover itself, a remap of a mapped
#   page, memory-failure repairs) are issue 15 point 1(ii), not yet here.
# ext4 and xfs, -o dax, sync_interval_ms 0 (only msync copies).
# vm-run: --nvdimms 2 --nvdimm-size 512
# vm-timeout: 900
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

group_setup setup_fsdax
group_setup load_module
MNT=$MNT_BASE/fs
A=$PMEM0
B=$PMEM1

extra_cleanup() {
	bg_kill_all
}

# mapper FILE DIR: maps FILE's 16 pages, stores 'S' to them and msyncs,
# creates DIR/ready; when DIR/go exists stores 'T' and msyncs, then 'U'
# and msyncs (the second round stores through the mapping the first
# round's fault made), creates DIR/done; exits when DIR/exit exists.  The
# mapping is kept from the first store to the end.
mapper() {
	cat >"$SCRATCH/mapper.py" <<'PY'
import mmap, os, sys, time
f, d = sys.argv[1:3]
def wait(name):
    while not os.path.exists(os.path.join(d, name)):
        time.sleep(0.05)
def store(c):
    m[0:16 * 4096] = c * (16 * 4096)
    m.flush()
fd = os.open(f, os.O_RDWR)
m = mmap.mmap(fd, 16 * 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
store(b'S')
open(os.path.join(d, 'ready'), 'w').close()
wait('go')
store(b'T')
store(b'U')
open(os.path.join(d, 'done'), 'w').close()
wait('exit')
m.close()
os.close(fd)
PY
	rm -f "$2"/ready "$2"/go "$2"/done "$2"/exit
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

# sticky FS RELOAD: leg 0 fails, the file is mapped (leg 1's pages), leg 0
# is rebuilt (the same device loaded again); with RELOAD=1 the table is
# then loaded again.  The mapping stores after that and msyncs, twice;
# then leg 0 fails: leg 1, the primary all along, must have every store
# (if leg 0 became the primary again, the second stores went to a page
# that msync no longer write-protects and the flush no longer copies).
sticky() {
	local fs=$1 reload=$2 f=$MNT/mapped d=$SCRATCH/m
	mkdir -p "$d"
	fresh_pair m0 "$A" "$B" sync_interval_ms 0
	mkfs_dax "$fs" "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
	pattern 571 $((16 * 4096)) >"$f"
	sync
	dxm_message m0 fail 0
	mapper "$f" "$d"
	# leg 0 back: loaded again, rebuilt from leg 1
	reload_same m0
	wait_action_idle m0 600
	assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	[ "$reload" = 1 ] && reload_same m0
	touch "$d/go"
	wait_until 30 "the mapper's second stores" test -e "$d/done"
	dxm_message m0 fail 0
	assert_eq "$(status_field m0 health)" DA "health after fail 0"
	echo 3 >/proc/sys/vm/drop_caches
	expect_stores "$f"
	touch "$d/exit"
	wait_until 30 "the mapper to exit" pid_gone "$(tail -n 1 "$BG_PIDS_FILE")"
	umount "$MNT"
	dxm_remove m0
}

case_sticky_after_rebuild_ext4() { sticky ext4 0; }
case_sticky_after_rebuild_xfs() { sticky xfs 0; }
case_sticky_across_reload_ext4() { sticky ext4 1; }

run_case sticky_after_rebuild_ext4 case_sticky_after_rebuild_ext4
run_case sticky_after_rebuild_xfs case_sticky_after_rebuild_xfs
run_case sticky_across_reload_ext4 case_sticky_across_reload_ext4
finish
