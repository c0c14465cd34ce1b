#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Memory failure on a mapped DAX page (madvise(MADV_HWPOISON)): over
# daxmirror the page is repaired from the other leg (remapped to a spare)
# and the application keeps running without SIGBUS; over dm-linear (the
# control) the same program gets SIGBUS, which proves the check can fail.
# The same when the failing page is a spare page (a page remapped after
# sticky poison): it is repaired into another spare.
# Stores to a page after a memory failure moved it to a spare reach the
# other leg at the next msync (found by the torture test: the flush copied
# the primary's original page instead of its spare).
# A page bad on both legs (lost) is reported to the filesystem above (XFS
# with rmapbt): the page is unmapped from the process that mapped it, whose
# next access gets SIGBUS instead of the data it saw before; a process
# mapping another file keeps running with its data intact.
# kernels: stock newest
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

setup_fsdax
load_module

extra_cleanup() {
	bg_kill_all
	sysctl -q -w vm.memory_failure_early_kill=0
}

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
	dmesg_has "memory failure at sector .* repaired" ||
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
	dmesg_has "memory failure at sector .* repaired" ||
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

# A mapped page hit by a memory failure (remapped to a spare on leg 0, the
# primary), then stored to and msynced: the check scrub finds the legs
# equal, and leg 1 alone holds the new data.
case_store_after_hwpoison_remap() {
	local mnt=$MNT_BASE/hw
	wipe_meta "$PMEM0" "$PMEM1"
	dxm_create hw "$PMEM0" "$PMEM1" nosync sync_interval_ms 0
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$mnt"
	python3 - "$mnt/f" <<'PY'
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
os.ftruncate(fd, 16 * 4096)
m = mmap.mmap(fd, 16 * 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
m[:] = b"A" * (16 * 4096)
m.flush()
m.madvise(mmap.MADV_HWPOISON, 3 * 4096, 4096)
m[3 * 4096:4 * 4096] = b"B" * 4096
m.flush()
PY
	[ "$(status_field hw remapped0)" -ge 1 ] || die "the memory failure remapped nothing"
	dxm_message hw flush
	dxm_message hw check
	wait_action_idle hw 300
	assert_eq "$(status_field hw mismatches)" 0 "check mismatches after the msync"
	umount "$mnt"
	dxm_message hw fail 0
	mount_dax "$DXM_DEV" "$mnt"
	cmp <(dd if="$mnt/f" bs=4096 skip=3 count=1 status=none) <(printf 'B%.0s' $(seq 4096)) ||
		die "leg 1 alone: page 3 lacks the store made after the memory failure"
	cmp <(dd if="$mnt/f" bs=4096 count=3 status=none) <(printf 'A%.0s' $(seq $((3 * 4096)))) ||
		die "leg 1 alone: pages 0-2 differ"
	umount "$mnt"
	dxm_remove hw
}

# mapholder FILE DIR SEED: in the background (its pid is the process's,
# last in $BG_PIDS_FILE), maps FILE's 16 pages and checks they hold the
# pattern SEED, creates DIR/ready, waits for DIR/go, then checks them all
# again through the same mapping (exit 0; 3 when they differ).
mapholder() {
	cat >"$SCRATCH/mapholder.py" <<'PY'
import mmap, os, subprocess, sys, time
path, d, seed = sys.argv[1:4]
want = subprocess.run([os.environ["HELPERS"] + "/pattern", seed, str(16 * 4096)],
                      capture_output=True, check=True).stdout
m = mmap.mmap(os.open(path, os.O_RDWR), 16 * 4096)
if m[:] != want:
    sys.exit(3)
open(d + "/ready", "w").close()
while not os.path.exists(d + "/go"):
    time.sleep(0.1)
sys.exit(0 if m[:] == want else 3)
PY
	bg_start env HELPERS="$HELPERS" python3 "$SCRATCH/mapholder.py" "$@"
}

# lost_notified SECTOR: the kernel log says the lost page went to the fs.
lost_notified() {
	dmesg_has "lost page at sector $1 reported to the filesystem: 0"
}

# A page bad on both legs under a mapped XFS file (rmapbt): the mirror
# reports the loss to XFS through the failure notice of its DAX device,
# which XFS answers (0) by finding the file that owns the page and
# unmapping it from the processes that map it (mf_dax_kill_procs; with
# vm.memory_failure_early_kill they get SIGBUS at once).  The process that
# maps the lost page gets SIGBUS when it reads it, never the data it saw
# before; a process that maps another file runs on; the filesystem carries
# on, block reads of that page only fail.
# two_mapped_files SEED PAGE: mirror "hw" with XFS (rmapbt) at $mnt,
# files $f (pattern SEED) and $g (SEED + 1) of 16 pages, each mapped by a
# mapholder ($a in $da, $b in $db); $p is the sector of page PAGE of $f.
# The caller declares mnt f g p a b da db.
two_mapped_files() {
	mnt=$MNT_BASE/lost
	da=$SCRATCH/a
	db=$SCRATCH/b
	wipe_meta "$PMEM0" "$PMEM1"
	dxm_create hw "$PMEM0" "$PMEM1" nosync sync_interval_ms 0
	mkfs.xfs -q -f -m rmapbt=1 -d su=2m,sw=1,agcount=2 -l size=64m "$DXM_DEV"
	mount_dax "$DXM_DEV" "$mnt"
	f=$mnt/lost
	g=$mnt/kept
	pattern "$1" $((16 * 4096)) >"$f"
	pattern $(($1 + 1)) $((16 * 4096)) >"$g"
	sync
	p=$(file_sector "$f" $(($2 * 4096)))
	mkdir -p "$da" "$db"
	mapholder "$f" "$da" "$1"
	a=$(tail -n 1 "$BG_PIDS_FILE")
	mapholder "$g" "$db" $(($1 + 1))
	b=$(tail -n 1 "$BG_PIDS_FILE")
	wait_until 60 "the mappings" test -e "$da/ready" -a -e "$db/ready"
	# flushed: a page with DAX stores not yet flushed would be rescued
	# from the primary (readable here: emulated poison) instead of lost;
	# the flush keeps read-only mappings
	sync
}

case_lost_page_notified_xfs() {
	local mnt f g p a b ra=0 rb=0 da db
	two_mapped_files 471 6
	sysctl -q -w vm.memory_failure_early_kill=1
	# the same page bad on both legs (suspended: no repair in between)
	dmsetup suspend hw
	poison "$PMEM0" "$p"
	poison "$PMEM1" "$p"
	dmsetup resume hw
	expect_fail read_page "$DXM_DEV" "$p" >/dev/null
	wait_field hw lost_pages = 1 30
	wait_until 30 "the notice to XFS" lost_notified "$p"
	touch "$da/go" "$db/go"
	wait "$a" || ra=$?
	wait "$b" || rb=$?
	sysctl -q -w vm.memory_failure_early_kill=0
	[ "$ra" -eq 135 ] ||
		die "the process that mapped the lost page exited $ra, not by SIGBUS (3: it read other data)"
	[ "$rb" -eq 0 ] || die "the process that mapped another file exited $rb"
	cmp "$g" <(pattern 472 $((16 * 4096))) || die "the other file differs"
	cmp <(dd if="$f" bs=4096 count=6 status=none) <(pattern 471 $((6 * 4096))) ||
		die "pages before the lost one"
	cmp <(dd if="$f" bs=4096 skip=7 status=none) <(pattern 471 $((9 * 4096)) $((7 * 4096))) ||
		die "pages after the lost one"
	expect_fail dd if="$f" of=/dev/null bs=4096 skip=6 count=1 status=none
	umount "$mnt"
	dxm_remove hw
}

# Early kill (issue 15 point 9): the same, but the pages stay mapped when
# the page is lost (no suspend: both legs poisoned at once while the
# mirror runs).  With vm.memory_failure_early_kill the process that maps
# the lost page gets SIGBUS at the notice, before it touches the page
# again (XFS -> mf_dax_kill_procs, like a failure of a single pmem
# device); the process that maps another file runs on.
case_lost_page_early_kill_xfs() {
	local mnt f g p a b ra=0 rb=0 da db
	# page 9: the previous case's page (6) is still in the legs' lists
	two_mapped_files 481 9
	sysctl -q -w vm.memory_failure_early_kill=1
	poison_now "$PMEM0" "$p" "$PMEM1" "$p"
	wait_field hw lost_pages = 1 30
	wait_until 30 "the notice to XFS" lost_notified "$p"
	# early: SIGBUS before the process is told to read again
	wait_until 30 "the early SIGBUS of the process that maps the lost page" pid_gone "$a"
	wait "$a" || ra=$?
	touch "$db/go"
	wait "$b" || rb=$?
	sysctl -q -w vm.memory_failure_early_kill=0
	[ "$ra" -eq 135 ] || die "the process that mapped the lost page exited $ra, not by SIGBUS"
	[ "$rb" -eq 0 ] || die "the process that mapped another file exited $rb"
	cmp "$g" <(pattern 482 $((16 * 4096))) || die "the other file differs"
	expect_fail dd if="$f" of=/dev/null bs=4096 skip=9 count=1 status=none
	umount "$mnt"
	dxm_remove hw
}

# Memory failures around table reloads: a reload puts a new instance of
# the target in charge of the same legs.  The failure must be repaired by
# the table that is live (its status counts the remap, the remap is the
# one a later load finds on the legs), never by the table being replaced
# (whose remap the live one would not know) and never left to the kernel
# (SIGBUS), whichever moment of the reload it lands in.
case_hwpoison_around_reload() {
	local mnt=$MNT_BASE/hr rc i n=12 pid t n0
	wipe_meta "$PMEM0" "$PMEM1"
	dxm_create hr "$PMEM0" "$PMEM1" nosync sync_interval_ms 0
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$mnt"
	# poison earlier cases left on the legs is remapped by the first
	# scan; each memory failure then takes one spare page of leg 0 (a page
	# remapped before moves to another, the old spare retired)
	dxm_message hr rescan
	n0=$(status_field hr spare_free0)
	t=$(dmsetup table hr)
	for ((i = 1; i <= n; i++)); do
		dmsetup load hr --table "$t"
		# the memory failure lands before, during or after the swap
		"$HELPERS/hwpoison" "$mnt/victim$i" &
		pid=$!
		sleep "0.0$((i % 4))"
		dmsetup resume hr
		rc=0
		wait "$pid" || rc=$?
		[ "$rc" -eq 0 ] || die "round $i: hwpoison exited $rc (2 = SIGBUS) around a reload"
		wait_field hr spare_free0 -eq $((n0 - i)) 10
	done
	show_status hr
	# what the legs record is what the live table had
	dmsetup load hr --table "$t"
	dmsetup resume hr
	assert_eq "$(status_field hr spare_free0)" $((n0 - n)) "spare_free0 after another reload"
	umount "$mnt"
	mount_dax "$DXM_DEV" "$mnt"
	for ((i = 1; i <= n; i++)); do
		cmp <(victim_bytes) "$mnt/victim$i" || die "victim$i differs after the reloads"
	done
	umount "$mnt"
	dxm_message hr check
	wait_action_idle hr 300
	assert_eq "$(status_field hr mismatches)" 0 "check mismatches"
	dxm_remove hr
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
run_case store_after_hwpoison_remap case_store_after_hwpoison_remap
run_case hwpoison_around_reload case_hwpoison_around_reload
run_case lost_page_notified_xfs case_lost_page_notified_xfs
run_case lost_page_early_kill_xfs case_lost_page_early_kill_xfs
run_case hwpoison_control_sigbus case_hwpoison_control_sigbus
finish
