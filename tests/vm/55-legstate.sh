#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 55-legstate: the superblock state machine (what each leg's superblock
# says about both legs) is never overruled or erased by an activation.
#   a leg whose own record says STALE (a rebuild target whose source is
#   gone) is refused as the only valid leg, alone or next to a blank
#   replacement, and its record is left as it was; the table option
#   "rebuild N" is refused when the other leg is not in sync; a leg failed,
#   or a rebuild started, by the live table between "load" and "resume" of
#   a new one stays failed/stale in the new one; messages to a table that
#   was never activated (its resume failed) are refused and write nothing.
#   Re-add: a leg that dropped out in sync (failed, or missing at the
#   start) comes back with only the regions marked since copied (also
#   when the re-add was stopped half-way and started again); one whose
#   record does not match (replaced meanwhile) is rebuilt in full.
#   Grow: after both legs were replaced by larger ones, daxmirror grow
#   grows the set (and a mounted ext4 with resize2fs) to their size.
# vm-run: --nvdimms 3 --nvdimm-size 256
# vm-timeout: 1500
# kernels: 6.1. newest
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

group_setup setup_fsdax
group_setup load_module
A=$PMEM0
B=$PMEM1
C=${PMEM2:-}

# refused NAME TABLE WHAT: dmsetup create must fail, with a reason logged.
refused() {
	local n0
	n0=$(dmesg_lines)
	expect_fail dmsetup create "$1" --table "$2"
	dmsetup remove "$1" 2>/dev/null || true
	dmesg_after "$n0" | grep -i daxmirror | grep -iE "$3" ||
		die "no reason matching '$3' logged: $(dmesg_after "$n0" | tail -n 3)"
}

# An unfinished rebuild of leg 1 (its source, leg 0, then missing or
# replaced by a blank leg): leg 1 alone holds a half-copied image.
case_stale_leg_alone_refused() {
	local hb
	[ -n "$C" ] || skip "needs a third NVDIMM"
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" 0 4096 601
	set_sweep_kbps 256
	dxm_message m0 rebuild 1
	assert_eq "$(status_fields m0 health action)" Aa/rebuild "rebuild of leg 1 running"
	dxm_remove m0
	set_sweep_kbps 0
	hb=$(meta_hash "$B")
	# leg 0 missing: leg 1 must not become the primary
	refused m1 "$(dxm_table - "$B")" "stale|rebuild|incomplete"
	assert_eq "$(meta_hash "$B")" "$hb" "leg 1 metadata after the refusal"
	# a blank replacement for leg 0: leg 1 must not be its rebuild source
	zero_legs "$C"
	refused m1 "$(dxm_table "$C" "$B")" "stale|rebuild|incomplete"
	assert_eq "$(meta_hash "$B")" "$hb" "leg 1 metadata after the second refusal"
	# with its source back, the rebuild resumes and completes
	dxm_create m0 "$A" "$B"
	wait_action_idle m0 600
	assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	legs_identical "$A" "$B" "$DXM_LEN"
	check_pattern "$DXM_DEV" 0 4096 601
}

# "rebuild 0" in the table while leg 1 is stale (it missed writes made
# with leg 1 absent) or blank: both legs would be stale.
case_rebuild_option_needs_good_other() {
	local ha hb
	[ -n "$C" ] || skip "needs a third NVDIMM"
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" 0 2048 611
	dxm_remove m0
	dxm_create m0 "$A" -
	write_pattern "$DXM_DEV" 4096 2048 612
	dxm_remove m0
	ha=$(meta_hash "$A")
	hb=$(meta_hash "$B")
	refused m1 "$(dxm_table "$A" "$B" rebuild 0)" "rebuild"
	assert_eq "$(meta_hash "$A")" "$ha" "leg 0 metadata after the refusal"
	assert_eq "$(meta_hash "$B")" "$hb" "leg 1 metadata after the refusal"
	zero_legs "$C"
	refused m1 "$(dxm_table "$A" "$C" rebuild 0)" "rebuild"
	assert_eq "$(meta_hash "$A")" "$ha" "leg 0 metadata after the second refusal"
	# the set still works: leg 1 is rebuilt from leg 0
	dxm_create m0 "$A" "$B"
	wait_action_idle m0 600
	assert_eq "$(status_field m0 health)" AA health
	legs_identical "$A" "$B" "$DXM_LEN"
	check_pattern "$DXM_DEV" 4096 2048 612
}

# load_then MSG...: load a new table (same legs), send MSG to the live one,
# write through it, then resume: the new table must keep leg 1 stale and
# rebuild it.
load_then() {
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" 0 2048 621
	dmsetup load m0 --table "$(dxm_table "$A" "$B")"
	set_sweep_kbps 256
	dxm_message m0 "$@"
	write_pattern "$DXM_DEV" 8192 2048 622
	dmsetup resume m0
	show_status m0
	case "$(status_fields m0 health action)" in
	Aa/rebuild) ;;
	*) die "after '$*' between load and resume: $(status_field m0 line) (leg 1 treated as in sync)" ;;
	esac
	set_sweep_kbps 0
	wait_action_idle m0 600
	assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	legs_identical "$A" "$B" "$DXM_LEN"
	check_pattern "$DXM_DEV" 8192 2048 622
}

case_fail_between_load_and_resume() { load_then fail 1; }
case_rebuild_between_load_and_resume() { load_then rebuild 1; }

# A live table whose first resume failed (a superblock changed between
# load and resume) was never activated: every message is refused and
# nothing reaches the legs.
case_messages_before_activation() {
	local ha n msg
	fresh_pair m0 "$A" "$B"
	dxm_remove m0
	dmsetup create m0 --notable
	dmsetup load m0 --table "$(dxm_table "$A" "$B")"
	# corrupt leg 1's superblock (its last 4 KiB page) after the load
	n=$(sectors "$B")
	dd if=/dev/urandom of="$B" oflag=direct,seek_bytes bs=4096 count=1 \
		seek=$(((n / 8 - 1) * 4096)) conv=notrunc status=none
	expect_fail dmsetup resume m0
	dmsetup table --inactive m0 | grep -q . && die "the table did not go live"
	ha=$(meta_hash "$A")
	for msg in "fail 1" "fail 0" "rebuild 1" "rescan" "check" "repair" "flush"; do
		# shellcheck disable=SC2086
		expect_fail dmsetup message m0 0 $msg
	done
	assert_eq "$(meta_hash "$A")" "$ha" "leg 0 metadata after the messages"
	dmsetup remove m0
}

# "rebuild 0" while leg 0 is the primary and a process holds DAX stores
# on it that no flush has copied yet (sync_interval_ms 0): the message
# first copies them (as "fail" does), so the rebuild from leg 1 does not
# overwrite them, and stores through the mapping afterwards are kept.
case_rebuild_primary_keeps_stores() {
	local f py mnt=$MNT_BASE/fs
	fresh_pair m0 "$A" "$B" sync_interval_ms 0
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$mnt"
	f=$mnt/mapped
	pattern 631 $((16 * 4096)) >"$f"
	sync
	py=$SCRATCH/mapper.py
	cat >"$py" <<'PY'
import mmap, os, sys, time
f, ready, go = sys.argv[1:4]
fd = os.open(f, os.O_RDWR)
m = mmap.mmap(fd, 16 * 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
m[0:8 * 4096] = b'S' * (8 * 4096)    # stores, not flushed
open(ready, 'w').close()
while not os.path.exists(go):
    time.sleep(0.05)
m[8 * 4096:16 * 4096] = b'T' * (8 * 4096)   # after the message
m.flush()
m.close()
os.close(fd)
PY
	bg_start /usr/bin/python3 "$py" "$f" "$SCRATCH/ready" "$SCRATCH/go"
	wait_until 30 "the mapper" test -e "$SCRATCH/ready"
	dxm_message m0 rebuild 0
	wait_action_idle m0 600
	touch "$SCRATCH/go"
	wait_until 30 "the mapper to finish" pid_gone "$(tail -n 1 "$BG_PIDS_FILE")"
	umount "$mnt"
	assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	legs_identical "$A" "$B" "$DXM_LEN"
	mount_dax "$DXM_DEV" "$mnt"
	cmp <(dd if="$f" bs=4096 count=8 status=none) <(head -c $((8 * 4096)) /dev/zero | tr '\0' S) ||
		die "stores made before 'rebuild 0' were overwritten by the rebuild"
	cmp <(dd if="$f" bs=4096 skip=8 count=8 status=none) <(head -c $((8 * 4096)) /dev/zero | tr '\0' T) ||
		die "stores made after 'rebuild 0' were lost"
	umount "$mnt"
}

# A first activation that fails after formatting (the superblock page of
# both legs refuses writes: dm-flakey with error_writes), retried many
# times: each retry must not leak what the failed one loaded (the remap
# tables: ~6 KiB a leg).  Measured as the Slab + VmallocUsed growth.
case_activation_retry_no_leak() {
	local n l i k0 k1 dev tries=200
	n=$(sectors "$A")
	for l in 0 1; do
		[ "$l" = 0 ] && dev=$A || dev=$B
		zero_range "$dev" $((n - 65536)) 65536
		printf '0 %s linear %s 0\n%s 8 flakey %s %s 0 1 1 error_writes\n' \
			$((n - 8)) "$dev" $((n - 8)) "$dev" $((n - 8)) | dmsetup create "fl$l"
	done
	dmsetup create m0 --notable
	dmsetup load m0 --table "$(dxm_table /dev/mapper/fl0 /dev/mapper/fl1 nosync)"
	expect_fail dmsetup resume m0
	dmesg_expect "cannot write the superblocks"
	kmem() { awk '/^VmallocUsed:/ { v = $2 } /^Slab:/ { s = $2 } END { print v + s }' /proc/meminfo; }
	sync; echo 3 >/proc/sys/vm/drop_caches
	k0=$(kmem)
	for ((i = 0; i < tries; i++)); do
		dmsetup resume m0 2>/dev/null && die "resume succeeded with unwritable superblocks"
	done
	sync; echo 3 >/proc/sys/vm/drop_caches
	k1=$(kmem)
	log "kernel memory after $tries failed resumes: +$((k1 - k0)) KiB"
	# 200 leaked tables would be ~2300 KiB; allow slab noise
	[ $((k1 - k0)) -lt 1024 ] ||
		die "kernel memory grew by $((k1 - k0)) KiB over $tries failed activations (leak)"
	dmsetup remove m0
	dmsetup remove fl0 fl1
}

# A DAX hand-out on a mirror where one leg's bitmap cannot be DAX-mapped
# (leg 0 is dm-linear in two pieces, split inside its bitmap; 4 KiB
# regions so the bitmap spans pages): the region's mark must be on both
# legs' media before the store the hand-out allows (a crash right after
# the store must resync the region).  Read back from both legs at once.
case_dax_handout_mark_durable() {
	local f s r l py
	split_bitmap_leg "$A" l0
	zero_legs /dev/mapper/l0 "$B"
	dxm_create m0 /dev/mapper/l0 "$B" nosync region_size 8 sync_interval_ms 0
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT_BASE/fs"
	f=$MNT_BASE/fs/new
	pattern 641 $((64 * 4096)) >"$f"
	sync
	s=$(file_sector "$f" $((32 * 4096)))
	r=$((s / 8))
	# the region's mark cleared on both legs (nothing can differ)
	for l in /dev/mapper/l0 "$B"; do
		wait_until 60 "region $r unmarked on $l" mark_clear "$l" "$r"
	done
	py=$SCRATCH/store.py
	cat >"$py" <<'PY'
import mmap, os, sys
f, off, byte, bit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
legs = sys.argv[5:]
fd = os.open(f, os.O_RDWR)
m = mmap.mmap(fd, 64 * 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
m[32 * 4096:33 * 4096] = b'M' * 4096        # the hand-out, then the store
buf = mmap.mmap(-1, 4096)
for leg in legs:                            # at once: is the mark durable?
    lfd = os.open(leg, os.O_RDONLY | os.O_DIRECT)
    os.preadv(lfd, [buf], byte // 4096 * 4096)
    os.close(lfd)
    v = buf[byte % 4096]
    print(leg, 'marked' if v & (1 << bit) else 'UNMARKED')
PY
	/usr/bin/python3 "$py" "$f" $((32 * 4096)) $((G_bitmap_offset * 512 + r / 8)) \
		$((r % 8)) /dev/mapper/l0 "$B" | tee "$SCRATCH/marks"
	if grep -q UNMARKED "$SCRATCH/marks"; then
		die "a DAX page was handed out before its region ($r) was marked on the media"
	fi
	umount "$MNT_BASE/fs"
}

# ---------------------------------------------------------- re-add ---
# Issue 18 point 4: a leg that dropped out in sync (failed, or missing
# when the set was started) comes back with a copy of only the regions
# the other leg's bitmap marked since.  The proof that nothing else was
# copied: a difference planted on the leg, in a region nobody wrote while
# it was out, is still there afterwards (check counts it; a full rebuild
# would have overwritten it), while every region written meanwhile is
# the same on both legs.

RS=128		# sectors per region (the default region_size)
DXM=$REPO/build/lvm-tools/daxmirror

# tool_ready: the cases that drive the admin tool skip without it
tool_ready() { [ -x "$DXM" ] || skip "no $DXM (cmake --build build)"; }

# bitmap_clear LEG: no region of LEG's write-intent bitmap is marked.
bitmap_clear() {
	dxm_geometry "$1"
	[ "$(hash_range "$1" "$G_bitmap_offset" "$G_bitmap_sectors")" = \
	  "$(head -c $((G_bitmap_sectors * 512)) /dev/zero | sha256sum | cut -d' ' -f1)" ]
}

# readd_writes N: regions 100 to 100+N-1 and region 1000 written through
# m0 (while leg 1 is out).
readd_writes() {
	write_pattern "$DXM_DEV" $((100 * RS)) $(($1 * RS)) 622
	write_pattern "$DXM_DEV" $((1000 * RS)) 8 623
}

# readd_setup: m0 over A and B with 8 MiB written and every mark
# cleared, then leg 1 failed and regions 100-101 and 1000 written;
# region 50 of B then gets a planted difference.
readd_setup() {
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" 0 16384 621
	wait_until 60 "marks cleared on leg 0" bitmap_clear "$A"
	dxm_message m0 fail 1
	readd_writes 2
	write_pattern "$B" $((50 * RS)) 8 624
}

# readd_check N0 N: after the re-add (kernel log from line N0): a sparse
# rebuild of leg 1 over the N+1 marked regions, healthy, the regions
# written while leg 1 was out the same on both legs, the planted
# difference still there and found by check (8 sectors), then repaired.
readd_check() {
	dmesg_after "$1" | grep -q "rebuild of leg 1 started (re-add): $(($2 + 1)) marked regions" ||
		die "no re-add of $(($2 + 1)) regions logged: $(dmesg_after "$1" | grep daxmirror | tail -n 4)"
	wait_action_idle m0 600
	assert_eq "$(status_field m0 health)" AA "health after the re-add"
	legs_identical "$A" "$B" $(($2 * RS)) $((100 * RS))
	legs_identical "$A" "$B" 8 $((1000 * RS))
	check_pattern "$DXM_DEV" $((100 * RS)) $(($2 * RS)) 622
	check_pattern "$DXM_DEV" $((1000 * RS)) 8 623
	check_pattern "$DXM_DEV" 0 $((50 * RS)) 621
	check_pattern "$B" $((50 * RS)) 8 624
	dxm_message m0 check
	wait_action_idle m0 600
	assert_eq "$(status_field m0 mismatches)" 8 "check after the re-add (the planted sectors)"
	dxm_message m0 repair
	wait_action_idle m0 600
	legs_identical "$A" "$B" "$DXM_LEN"
}

# A failed leg put back by the tool (daxmirror re-add): it says so, and
# only the marked regions are copied.
case_readd_bitmap() {
	local n0
	tool_ready
	readd_setup
	n0=$(dmesg_lines)
	"$DXM" re-add m0 --leg 1 "$B" --wait | tee "$SCRATCH/out"
	grep -q "only the regions written since it dropped out are copied" "$SCRATCH/out" ||
		die "re-add did not say it copies only the written regions"
	readd_check "$n0" 2
}

# The re-add record does not match (leg 1 was replaced, rebuilt, and the
# replacement failed since): the old leg 1 is rebuilt in full.
case_readd_full_when_replaced() {
	local n0
	[ -n "$C" ] || skip "needs a third NVDIMM"
	tool_ready
	readd_setup
	zero_legs "$C"
	dmsetup reload m0 --table "$(dxm_table "$A" "$C")"
	dmsetup suspend m0
	dmsetup resume m0
	wait_action_idle m0 600
	assert_eq "$(status_field m0 health)" AA "health after the replacement"
	dxm_message m0 fail 1
	n0=$(dmesg_lines)
	"$DXM" re-add m0 --leg 1 "$B" --wait | tee "$SCRATCH/out"
	grep -q "rebuilt in full" "$SCRATCH/out" || die "re-add did not say: rebuilt in full"
	if dmesg_after "$n0" | grep -q "(re-add)"; then
		die "a leg whose record does not match was re-added by the bitmap"
	fi
	assert_eq "$(status_field m0 health)" AA "health after the full rebuild"
	legs_identical "$A" "$B" "$DXM_LEN"	# the planted difference is gone
}

# Missing when the set was started, then back with a re-add that is
# stopped half-way (the set removed): the next start resumes it, still
# only over the marked regions.
case_readd_resumed() {
	local n0
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" 0 16384 621
	wait_until 60 "marks cleared on leg 0" bitmap_clear "$A"
	dxm_remove m0
	dxm_create m0 "$A" -
	# more regions than one sweep batch (32): it stops after the first
	readd_writes 40
	dxm_remove m0
	write_pattern "$B" $((50 * RS)) 8 624
	set_sweep_kbps 16
	n0=$(dmesg_lines)
	dxm_create m0 "$A" "$B"
	dmesg_after "$n0" | grep -q "rebuild of leg 1 started (re-add): 41 marked regions" ||
		die "no re-add after a degraded start: $(dmesg_after "$n0" | grep daxmirror | tail -n 4)"
	assert_eq "$(status_fields m0 health action)" Aa/rebuild "re-add running"
	dxm_remove m0
	set_sweep_kbps 0
	n0=$(dmesg_lines)
	dxm_create m0 "$A" "$B"
	readd_check "$n0" 40
}

# ------------------------------------------------------------ grow ---
# Issue 18 point 4: a mirror over two 128 MiB legs (dm-linear on A and B)
# holds an ext4 with a checksummed file; each leg is replaced by a whole
# 256 MiB NVDIMM (C, then B once free) and rebuilt; a longer table
# without "grow" is refused, and grow before the replacements has nothing
# to do.  daxmirror grow then makes the data area what the smaller leg
# holds, on the mounted filesystem: the new area is resynced, resize2fs
# grows the filesystem online, the old file verifies, a new file fills
# the grown part; the legs are identical; stopped and started again, the
# set comes back at the new size, clean, with both files.  A stop between
# the grow's two superblock writes (leg 1 one update behind with the old
# size, made with helpers/dxm-sbedit) starts at the new size; a fresher
# leg with the smaller size, which no grow leaves, is refused.
case_grow() {
	local small big mnt=$MNT_BASE/fs
	local n0 ev half=262144
	[ -n "$C" ] || skip "needs a third NVDIMM"
	tool_ready
	dmsetup create lg0 --table "0 $half linear $A 0"
	dmsetup create lg1 --table "0 $half linear $B 0"
	zero_legs /dev/mapper/lg0 /dev/mapper/lg1
	dxm_create m0 /dev/mapper/lg0 /dev/mapper/lg1 nosync
	small=$DXM_LEN
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$mnt"
	pattern 651 $((40 << 20)) >"$mnt/a"
	sync
	"$DXM" grow m0 | tee "$SCRATCH/out"
	grep -q "nothing to grow" "$SCRATCH/out" || die "grow with no room: $(cat "$SCRATCH/out")"
	n0=$(dmesg_lines)
	expect_fail dmsetup reload m0 --table \
		"0 $((small * 2)) daxmirror /dev/mapper/lg0 /dev/mapper/lg1"
	dmsetup clear m0
	dmesg_after "$n0" | grep -q "exceeds the mirror's usable data size" ||
		die "a longer table without grow: no reason logged"
	umount "$mnt"
	# larger legs, one at a time
	zero_legs "$C"
	"$DXM" replace m0 --leg 1 "$C" --wait
	dmsetup remove lg1
	zero_legs "$B"
	"$DXM" fail m0 --leg 0
	"$DXM" replace m0 --leg 0 "$B" --wait
	dmsetup remove lg0
	assert_eq "$(status_field m0 health)" AA "health after both replacements"
	assert_eq "$(blockdev --getsz "$DXM_DEV")" "$small" "size before the grow"
	mount_dax "$DXM_DEV" "$mnt"
	n0=$(dmesg_lines)
	"$DXM" grow m0 --wait | tee "$SCRATCH/out"
	grep -q "^m0: grown from " "$SCRATCH/out" || die "grow said: $(cat "$SCRATCH/out")"
	dmesg_after "$n0" | grep -q "data area grown from $small to " ||
		die "no grow logged: $(dmesg_after "$n0" | grep daxmirror | tail -n 3)"
	big=$(blockdev --getsz "$DXM_DEV")
	[ "$big" -gt $((small + half / 2)) ] || die "grown only from $small to $big sectors"
	dxm_geometry "$B"
	assert_eq "$big" "$G_data_sectors" "the grown size is what a 256 MiB leg holds"
	assert_eq "$(status_fields m0 health action)" AA/idle "after the grow's resync"
	dmsetup table m0 | grep -q " grow" || die "the grown table has no grow option"
	resize2fs "$DXM_DEV" >/dev/null
	[ "$(df -B1M --output=size "$mnt" | tail -n 1)" -gt 200 ] ||
		die "ext4 did not grow: $(df -h "$mnt" | tail -n 1)"
	cmp <(pattern 651 $((40 << 20))) "$mnt/a" || die "file a after the grow"
	pattern 652 $((150 << 20)) >"$mnt/b"
	sync
	umount "$mnt"
	legs_identical "$B" "$C" "$big"
	dxm_remove m0
	dxm_create m0 "$B" "$C"
	assert_eq "$DXM_LEN" "$big" "size of the set started again"
	assert_eq "$(status_fields m0 health action)" AA/idle "started again after the grow"
	mount_dax "$DXM_DEV" "$mnt"
	cmp <(pattern 651 $((40 << 20))) "$mnt/a" || die "file a after the restart"
	cmp <(pattern 652 $((150 << 20))) "$mnt/b" || die "file b after the restart"
	umount "$mnt"
	dxm_remove m0

	# a stop between the grow's two superblock writes: leg 1 one update
	# behind with the old size; the fresher, larger size wins
	ev=$("$DXM" examine "$B" --json | jq -r .events)
	"$HELPERS/dxm-sbedit" "$C" data_sectors="$small" events=$((ev - 1))
	dxm_create m0 "$B" "$C"
	assert_eq "$DXM_LEN/$(status_fields m0 health action)" "$big/AA/idle" \
		"started after a grow stopped half-way"
	dxm_remove m0
	assert_eq "$("$DXM" examine "$C" --json | jq -r .data_sectors)" "$big" \
		"leg 1's size after that start"
	# the fresher leg with the smaller size: no grow ever leaves that
	ev=$("$DXM" examine "$B" --json | jq -r .events)
	"$HELPERS/dxm-sbedit" "$B" data_sectors="$small" events=$((ev + 5))
	refused m1 "$(dxm_table "$B" "$C")" "disagree on data size"
	"$HELPERS/dxm-sbedit" "$B" data_sectors="$big" events="$ev"
	dxm_create m0 "$B" "$C"
	assert_eq "$(status_field m0 health)" AA "health with the sizes agreeing again"
}

run_case stale_leg_alone_refused case_stale_leg_alone_refused
run_case rebuild_option_needs_good_other case_rebuild_option_needs_good_other
run_case fail_between_load_and_resume case_fail_between_load_and_resume
run_case rebuild_between_load_and_resume case_rebuild_between_load_and_resume
run_case messages_before_activation case_messages_before_activation
run_case rebuild_primary_keeps_stores case_rebuild_primary_keeps_stores
run_case activation_retry_no_leak case_activation_retry_no_leak
run_case dax_handout_mark_durable case_dax_handout_mark_durable
run_case readd_bitmap case_readd_bitmap
run_case readd_full_when_replaced case_readd_full_when_replaced
run_case readd_resumed case_readd_resumed
run_case grow case_grow
finish
