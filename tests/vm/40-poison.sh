#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 40-poison: media errors (poison) on the legs of a daxmirror.
#   sticky (NVDIMM) poison under a file of a DAX ext4: the read returns
#   the right data, the page is remapped to a spare; writes to it work;
#   stores through a mapping made before the remap are not lost;
#   clearable (legacy memmap= pmem) poison is cleared, no spare used;
#   poison on leg 1 found by "rescan" without any access; poison at
#   different pages of both legs (adjacent ones too) never reaches the
#   reader; the same page bad on both legs is lost (EIO for that page
#   only, lost_pages 1) until a full-page write; poison injected while fio
#   verifies on the DAX filesystem; spare pool exhaustion fails the leg,
#   not the mirror.
# NVDIMM poison cannot be cleared in the guest: each case works on its own
# GPT partition ("slot") of both NVDIMMs, so one case's poison never
# reaches another's.  The reboot case (the remap survives a power cycle)
# is tests/host/40-poison-reboot.sh.
# vm-run: --nvdimms 2 --nvdimm-size 512 --legacy-pmem 256
# vm-timeout: 2700
# kernels: 6.1. debug newest
# debug-env: TEST_CASES=^(sticky_file_leg0|sticky_mapped_page|clearable_legacy|both_legs_dax_file|same_page_both_legs|lost_page_dax_file|spare_exhaustion)$
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

NSLOTS=10
group_setup setup_fsdax
group_setup load_module
group_setup pmem_slots "$PMEM0" "$NSLOTS"
group_setup pmem_slots "$PMEM1" "$NSLOTS"

MNT=$MNT_BASE/fs

# dax_fs: a DAX ext4 on $DXM_DEV, mounted on $MNT
dax_fs() {
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
}

remount() {
	umount "$MNT"
	mount_dax "$DXM_DEV" "$MNT"
}

# sha FILE
sha() { sha256sum <"$1" | cut -d' ' -f1; }

# ------------------------------------------------------------------------

# Sticky poison on leg 0 (the primary, which DAX maps) under a file.
case_sticky_file_leg0() {
	local f s sum sf0 rm0 pg=37
	legs 1
	fresh_pair m0 "$A" "$B"
	dax_fs
	f=$MNT/victim
	pattern 401 $((1 << 20)) >"$f"
	sync
	sum=$(sha "$f")
	s=$(file_sector "$f" $((pg * 4096)))
	[ $((s % 8)) = 0 ] || die "page $pg of the file is not 4 KiB aligned (sector $s)"
	sf0=$(status_field m0 spare_free0)
	# read through the mirror (DAX read of the file) right after the
	# poison appears, before the background poll repairs it: the right data
	poison_now "$A" "$s"
	assert_eq "$(sha "$f")" "$sum" "file checksum after poison on leg 0"
	expect_fail read_page "$A" "$s" >/dev/null
	wait_field m0 remapped0 -ge 1 30
	show_status m0
	rm0=$(status_field m0 remapped0)
	assert_eq "$(status_field m0 spare_free0)" $((sf0 - rm0)) spare_free0
	assert_eq "$(status_field m0 remapped1)" 0 remapped1
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	assert_eq "$(status_field m0 health)" AA health
	is_bad "$A" "$s" || die "sticky poison vanished from $A's bad-block list"
	# leg 0 (through its spare) and leg 1 agree; the file reads right
	# after a remount (no cached mapping)
	umount "$MNT"
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches (leg 0 via its spare vs leg 1)"
	mount_dax "$DXM_DEV" "$MNT"
	assert_eq "$(sha "$f")" "$sum" "file checksum after remount"
	# a write to the page afterwards succeeds (write(2) on the DAX file)
	pattern 402 4096 | dd of="$f" bs=4096 seek="$pg" conv=notrunc status=none
	sync
	cmp <(dd if="$f" bs=4096 skip="$pg" count=1 status=none) <(pattern 402 4096) ||
		die "the write to the remapped page did not stick"
	cmp <(dd if="$f" bs=4096 count="$pg" status=none) <(pattern 401 $((pg * 4096))) ||
		die "pages before the remapped one changed"
	# both legs have it: leg 1 directly, leg 0 through the mirror once
	# leg 1 is failed
	umount "$MNT"
	read_page "$B" "$s" | cmp - <(pattern 402 4096) || die "leg 1 lacks the new data"
	assert_eq "$(status_field m0 remapped0)" "$rm0" "remapped0 after the write (no new spare)"
	dxm_message m0 fail 1
	mount_dax "$DXM_DEV" "$MNT"
	cmp <(dd if="$f" bs=4096 skip="$pg" count=1 status=none) <(pattern 402 4096) ||
		die "leg 0 (its spare page) lacks the new data"
	cmp <(dd if="$f" bs=4096 skip=$((pg + 1)) status=none) \
		<(pattern 401 $(((256 - pg - 1) * 4096)) $(((pg + 1) * 4096))) ||
		die "leg 0: pages after the remapped one differ"
	umount "$MNT"
}

# A page mapped writable (DAX mmap) before its poison is repaired: stores
# through that mapping after the repair (remap) must not be lost.
case_sticky_mapped_page() {
	local f s py
	legs 2
	# sync_interval_ms 0: only flushes copy (and zap) hot pages, so the
	# mapping stays in place until the repair
	fresh_pair m0 "$A" "$B" sync_interval_ms 0
	dax_fs
	f=$MNT/mapped
	pattern 411 $((4 * 4096)) >"$f"
	sync
	s=$(file_sector "$f" 4096)	# page 1 of the file
	py=$SCRATCH/mapper.py
	cat >"$py" <<'PY'
import mmap, os, sys, time
f, ready, go = sys.argv[1:4]
fd = os.open(f, os.O_RDWR)
m = mmap.mmap(fd, 4 * 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
m[4096:8192] = b'C' * 4096      # a store: page 1 mapped writable, unsynced
open(ready, 'w').close()
while not os.path.exists(go):
    time.sleep(0.05)
m[4096:8192] = b'B' * 4096      # through the same mapping, after the repair
m.flush()                       # msync: must reach both legs
m.close()
os.close(fd)
PY
	bg_start /usr/bin/python3 "$py" "$f" "$SCRATCH/ready" "$SCRATCH/go"
	wait_until 30 "the mapper" test -e "$SCRATCH/ready"
	poison "$A" "$s"
	wait_field m0 remapped0 -ge 1 30
	show_status m0
	touch "$SCRATCH/go"
	wait_until 30 "the mapper to finish" pid_gone "$(tail -n 1 "$BG_PIDS_FILE")"
	remount
	cmp <(dd if="$f" bs=4096 skip=1 count=1 status=none) <(printf 'B%.0s' $(seq 4096)) || {
		echo "page 1 of the file now starts with: $(dd if="$f" bs=1 skip=4096 count=16 status=none | od -An -c)" >&2
		die "a store through a mapping made before the remap was lost (msync acknowledged it)"
	}
	cmp <(dd if="$f" bs=4096 count=1 status=none) <(pattern 411 4096) || die "page 0 changed"
	cmp <(dd if="$f" bs=4096 skip=2 status=none) <(pattern 411 8192 8192) || die "pages 2-3 changed"
	umount "$MNT"
	read_page "$B" "$s" | cmp - <(printf 'B%.0s' $(seq 4096)) ||
		die "leg 1 lacks the msynced store"
}

# Clearable poison (legacy memmap= pmem): cleared by the repair's write,
# no spare used; by the read path (leg 0) and by rescan (no access).
case_clearable_legacy() {
	local L s=8192 s2=16384
	setup_legacy_pmem
	L=$LEGACY_PMEM0
	legs 3
	log "legs: legacy $L (clearable poison) and NVDIMM $B"
	fresh_pair m0 "$L" "$B"
	write_pattern "$DXM_DEV" "$s" 256 421
	write_pattern "$DXM_DEV" "$s2" 256 422
	poison "$L" $((s + 64))
	check_pattern "$DXM_DEV" "$s" 256 421
	# the poison was there and the mirror repaired it (by the read, or by
	# its background poll if that came first: a direct read of the leg
	# here raced the poll on a loaded machine)
	dmesg_expect "leg 0: repaired page at sector $((s + 64)) from leg 1"
	wait_until 30 "poison on $L cleared" not_bad "$L" $((s + 64))
	show_status m0
	assert_eq "$(status_field m0 remapped)" 0/0 "remapped (clearable poison needs no spare)"
	assert_eq "$(status_field m0 spare_free)" 256/256 spare_free
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	# the cleared page on leg 0 holds the right data again
	read_page "$L" $((s + 64)) | cmp - <(pattern 421 4096 $((64 * 512))) ||
		die "cleared page of $L does not hold the data"
	# poison without any access, found by rescan
	poison "$L" $((s2 + 128)) 16
	dxm_message m0 rescan
	if bad_sectors "$L" | grep -q .; then
		die "poison on $L left after rescan: $(bad_sectors "$L" | tr '\n' ' ')"
	fi
	assert_eq "$(status_field m0 remapped)" 0/0 "remapped after rescan"
	dd if="$L" iflag=direct,skip_bytes,count_bytes bs=1M skip=$(((s2 + 128) * 512)) \
		count=8192 status=none | cmp - <(pattern 422 8192 $((128 * 512))) ||
		die "cleared pages of $L do not hold the data"
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
}

# Poison on leg 1 (never read: leg 0 is the primary) repaired by rescan.
case_rescan_leg1() {
	local s=4096
	legs 4
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" "$s" 128 431
	poison "$B" $((s + 40))
	dxm_message m0 rescan
	# rescan returns when done: the remap is there at once
	show_status m0
	assert_eq "$(status_field m0 remapped)" 0/1 "remapped after rescan"
	assert_eq "$(status_field m0 spare_free)" 256/255 "spare_free after rescan"
	is_bad "$B" $((s + 40)) || die "sticky poison vanished from $B's list"
	dmesg_expect "leg 1: page at sector $((s + 40)) remapped to spare"
	# leg 1 alone (leg 0 failed) returns the right data through its spare
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
	dxm_message m0 fail 0
	assert_eq "$(status_field m0 health)" DA health
	check_pattern "$DXM_DEV" "$s" 128 431
}

# Poison at different pages on the two legs, adjacent ones included: every
# read returns the right data (block I/O here, DAX file reads below).
case_both_legs_different_pages() {
	local s=8192
	legs 5
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" "$s" 512 441
	# one 256 KiB block read over: page 3 bad on leg 0, page 4 bad on
	# leg 1 (same 64 KiB region), page 20 bad on leg 1, page 40 bad on
	# leg 0; injected at once and read right away, before the background
	# poll (~1 s) repairs them, so that the read path meets them
	poison_now "$A" $((s + 3 * 8)) "$B" $((s + 4 * 8)) "$B" $((s + 20 * 8)) \
		"$A" $((s + 40 * 8))
	check_pattern "$DXM_DEV" "$s" 512 441
	wait_field m0 remapped = 2/2 30
	show_status m0
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	assert_eq "$(status_field m0 health)" AA health
	check_pattern "$DXM_DEV" "$s" 512 441
}

# The same over a DAX file: pages 10 (bad on leg 0) and 11 (bad on leg 1).
case_both_legs_dax_file() {
	local f p
	legs 10
	fresh_pair m0 "$A" "$B"
	dax_fs
	f=$MNT/both
	pattern 442 $((64 * 4096)) >"$f"
	sync
	p=$(file_sector "$f" $((10 * 4096)))
	[ "$(file_sector "$f" $((11 * 4096)))" = $((p + 8)) ] || die "file not contiguous"
	poison_now "$A" "$p" "$B" $((p + 8))
	cmp "$f" <(pattern 442 $((64 * 4096))) || die "DAX read of the file returned wrong data"
	wait_field m0 remapped = 1/1 30
	assert_eq "$(status_field m0 lost_pages)" 0 "lost_pages (DAX read)"
	remount
	cmp "$f" <(pattern 442 $((64 * 4096))) || die "file differs after remount"
	umount "$MNT"
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
}

# The same page bad on both legs: that page (only) is lost until a
# full-page write.
case_same_page_both_legs() {
	local s=8192 p
	legs 6
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" "$s" 128 451
	p=$((s + 5 * 8))
	# both at once: suspended, the mirror cannot repair one from the other
	# in between
	dmsetup suspend m0
	poison "$A" "$p"
	poison "$B" "$p"
	dmsetup resume m0
	expect_fail read_page "$DXM_DEV" "$p" >/dev/null
	# neighbours read fine
	read_page "$DXM_DEV" $((p - 8)) | cmp - <(pattern 451 4096 $((4 * 4096))) ||
		die "page before the lost one"
	read_page "$DXM_DEV" $((p + 8)) | cmp - <(pattern 451 4096 $((6 * 4096))) ||
		die "page after the lost one"
	wait_field m0 lost_pages = 1 30
	show_status m0
	expect_fail read_page "$DXM_DEV" "$p" >/dev/null
	assert_eq "$(status_field m0 health)" AA "health (a lost page fails no leg)"
	dmesg_expect "data lost: page at sector $p has no good copy"
	# a full-page O_DIRECT write makes it good again
	write_page "$DXM_DEV" "$p" 452
	read_page "$DXM_DEV" "$p" | cmp - <(pattern 452 4096) || die "rewritten page"
	wait_field m0 lost_pages = 0 30
	show_status m0
	assert_eq "$(status_field m0 remapped)" 1/1 "remapped after the rewrite"
	read_page "$DXM_DEV" $((p - 8)) | cmp - <(pattern 451 4096 $((4 * 4096)))
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
	dxm_message m0 fail 0
	read_page "$DXM_DEV" "$p" | cmp - <(pattern 452 4096) || die "leg 1 lacks the rewritten page"
}

# The same, with a DAX filesystem on top: read(2) of the lost page fails
# with EIO (its neighbours read), a full-page write(2) makes it good.
case_lost_page_dax_file() {
	local f p
	legs 7
	fresh_pair m0 "$A" "$B"
	dax_fs
	f=$MNT/lost
	pattern 461 $((16 * 4096)) >"$f"
	sync
	p=$(file_sector "$f" $((6 * 4096)))
	dmsetup suspend m0
	poison "$A" "$p"
	poison "$B" "$p"
	dmsetup resume m0
	expect_fail dd if="$f" of=/dev/null bs=4096 skip=6 count=1 status=none
	cmp <(dd if="$f" bs=4096 count=6 status=none) <(pattern 461 $((6 * 4096))) ||
		die "pages before the lost one"
	cmp <(dd if="$f" bs=4096 skip=7 status=none) <(pattern 461 $((9 * 4096)) $((7 * 4096))) ||
		die "pages after the lost one"
	wait_field m0 lost_pages = 1 30
	pattern 462 4096 | dd of="$f" bs=4096 seek=6 conv=notrunc status=none
	sync
	cmp <(dd if="$f" bs=4096 skip=6 count=1 status=none) <(pattern 462 4096) ||
		die "rewritten page"
	wait_field m0 lost_pages = 0 30
	show_status m0
	remount
	cmp <(dd if="$f" bs=4096 skip=6 count=1 status=none) <(pattern 462 4096) ||
		die "rewritten page after remount"
}

# Poison appearing at random pages of random legs while fio verifies on
# the DAX filesystem: no verify error, no EIO reaches fio.
case_poison_under_fio() {
	local seed=${DXM_SEED:-$(( $(date +%s) % 100000 ))} n=${DXM_POISON_N:-16}
	local pages=() used=() i leg pg dev round=0 total
	legs 8
	echo "poison_under_fio: seed=$seed injections=$n (rerun: DXM_SEED=$seed)"
	RANDOM=$seed
	fresh_pair m0 "$A" "$B"
	dax_fs
	# lay the files out, then learn where they are
	run_fio layout --directory="$MNT" --ioengine=psync --rw=write --bs=1M \
		--size=24M --filename=pf.dat --create_only=1
	mapfile -t pages < <(file_pages "$MNT/pf.dat")
	[ "${#pages[@]}" -ge 1000 ] || die "fio file has ${#pages[@]} pages"
	total=$((DXM_LEN / 8))
	# injector: 3 of 4 at pages of the fio file, 1 of 4 anywhere (fs
	# metadata, journal, free space); never the same page twice
	inject() {
		local k pg leg dev
		declare -A seen=()
		for ((k = 0; k < n; k++)); do
			while :; do
				if [ $((RANDOM % 4)) -lt 3 ]; then
					pg=${pages[$(((RANDOM * 32768 + RANDOM) % ${#pages[@]}))]}
				else
					pg=$((((RANDOM * 32768 + RANDOM) % total) * 8))
				fi
				[ -z "${seen[$pg]:-}" ] && break
			done
			seen[$pg]=1
			leg=$((RANDOM % 2))
			[ "$leg" = 0 ] && dev=$A || dev=$B
			sleep "0.$((2 + RANDOM % 8))"
			echo "# inject $k: leg $leg sector $pg"
			poison "$dev" "$pg" >/dev/null
		done
		touch "$SCRATCH/inject.done"
	}
	bg_start inject
	while :; do
		round=$((round + 1))
		run_fio "r$round" --directory="$MNT" --filename=pf.dat --size=24M --bs=4k \
			--rw=randwrite --ioengine=psync --verify=crc32c --do_verify=1 \
			--randseed=$((seed + round))
		[ -e "$SCRATCH/inject.done" ] && break
		[ "$round" -lt 40 ] || die "injector did not finish"
	done
	# one more round over the (now repaired) pages, with DAX mmap stores
	run_fio final --directory="$MNT" --filename=pf.dat --size=24M --bs=4k \
		--rw=randwrite --ioengine=mmap --verify=crc32c --do_verify=1 \
		--randseed=$((seed + 1000))
	log "fio rounds: $((round + 1)), all verified"
	(wait_until 30 "every injected page repaired" remapped_total_is m0 "$n") 2>/dev/null || true
	show_status m0
	local r0 r1
	r0=$(status_field m0 remapped0)
	r1=$(status_field m0 remapped1)
	[ $((r0 + r1)) -eq "$n" ] || die "remapped $r0/$r1, expected $n pages in all"
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	assert_eq "$(status_field m0 health)" AA health
	umount "$MNT"
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
	mount_dax "$DXM_DEV" "$MNT"
	run_fio reverify --directory="$MNT" --filename=pf.dat --size=24M --bs=4k \
		--rw=randwrite --ioengine=psync --verify=crc32c --verify_only \
		--randseed=$((seed + 1000))
	umount "$MNT"
}

# Spare pool exhaustion (spare_pages 2, 3 bad pages on leg 0): leg 0 is
# failed, the mirror goes on with leg 1, data intact.
case_spare_exhaustion() {
	local s=4096 err
	legs 9
	fresh_pair m0 "$A" "$B" spare_pages 2
	assert_eq "$(status_field m0 spare_free)" 2/2 spare_free
	write_pattern "$DXM_DEV" "$s" 512 471
	poison "$A" $((s + 5 * 8))
	poison "$A" $((s + 20 * 8))
	poison "$A" $((s + 40 * 8))
	check_pattern "$DXM_DEV" "$s" 512 471
	wait_field m0 health = DA 30
	show_status m0
	err=$(status_field m0 error)
	[ "$err" -lt 0 ] || die "error field $err, expected a negative errno"
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	dmesg_expect "leg 0 .*failed"
	check_pattern "$DXM_DEV" "$s" 512 471
	write_pattern "$DXM_DEV" $((s + 8192)) 256 472
	check_pattern "$DXM_DEV" $((s + 8192)) 256 472
	assert_eq "$(status_field m0 health)" DA "health after more I/O"
}

run_case sticky_file_leg0 case_sticky_file_leg0
run_case sticky_mapped_page case_sticky_mapped_page
run_case clearable_legacy case_clearable_legacy
run_case rescan_leg1 case_rescan_leg1
run_case both_legs_different_pages case_both_legs_different_pages
run_case both_legs_dax_file case_both_legs_dax_file
run_case same_page_both_legs case_same_page_both_legs
run_case lost_page_dax_file case_lost_page_dax_file
run_case poison_under_fio case_poison_under_fio
run_case spare_exhaustion case_spare_exhaustion
finish
