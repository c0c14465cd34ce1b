#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 41-poison-write: a write across a sticky-poisoned page.
#   The pmem driver stops a bio at its first bad page, so a leg that hits
#   sticky poison in the middle of a 64 KiB write never gets the pages
#   after it.  The mirror acknowledges the write only once every page of
#   it is on every live leg: through the mirror, on each leg read directly
#   (the bad page through the leg's spare, by a check scrub), with the
#   poison on leg 0 (the primary) and on leg 1; block O_DIRECT writes and
#   write(2) on a DAX ext4.
# Each case works on its own GPT partition ("slot") of both NVDIMMs: NVDIMM
# poison is sticky until the next boot.
# vm-run: --nvdimms 2 --nvdimm-size 512
# vm-timeout: 1500
# kernels: 6.1. newest
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

NSLOTS=6	# cases use slots 1-6
group_setup setup_fsdax
group_setup load_module
group_setup pmem_slots "$PMEM0" "$NSLOTS"
group_setup pmem_slots "$PMEM1" "$NSLOTS"

MNT=$MNT_BASE/fs

# leg_pages_are DEV SECTOR SEED SKIP: the 16 pages at SECTOR of DEV, read
# directly, hold pattern SEED, except page SKIP (-1: none).
leg_pages_are() {
	local dev=$1 s=$2 seed=$3 skip=$4 p bad=()
	for ((p = 0; p < 16; p++)); do
		[ "$p" = "$skip" ] && continue
		read_page "$dev" $((s + p * 8)) |
			cmp -s - <(pattern "$seed" 4096 $((p * 4096))) || bad+=("$p")
	done
	[ ${#bad[@]} -eq 0 ] ||
		die "$dev: pages ${bad[*]} of the write do not hold the written data"
}

# check_scrub NAME: a check scrub finds the legs equal (bad pages compared
# through the spare pages they were remapped to).
check_scrub() {
	dxm_message "$1" check
	wait_action_idle "$1" 300
	assert_eq "$(status_field "$1" mismatches)" 0 "check mismatches"
}

# write_across LEG: a 64 KiB O_DIRECT write over a region whose 4th page
# is sticky-poisoned on leg LEG.
write_across() {
	local bad=$1 s=8192 dev other
	legs $((bad + 1))
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" "$s" 128 501
	[ "$bad" = 0 ] && { dev=$A; other=$B; } || { dev=$B; other=$A; }
	pattern 502 $((128 * 512)) >"$SCRATCH/new"
	poison_then_write "$dev" $((s + 3 * 8)) "$DXM_DEV" "$s" "$SCRATCH/new"
	# through the mirror (reads go to leg 0)
	check_pattern "$DXM_DEV" "$s" 128 502
	dxm_message m0 flush
	show_status m0
	assert_eq "$(status_field m0 health)" AA health
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	# the failed write is counted on the leg that failed it, only there
	[ "$(status_field m0 io_errors$bad)" -ge 1 ] ||
		die "leg $bad's I/O errors not counted: $(status_field m0 line)"
	assert_eq "$(status_field m0 io_errors$((1 - bad)))" 0 "leg $((1 - bad))'s I/O errors"
	# each leg directly: every page (the bad one only on the good leg)
	leg_pages_are "$other" "$s" 502 -1
	leg_pages_are "$dev" "$s" 502 3
	check_scrub m0
	# the leg that had the poison, alone (its bad page through its spare)
	dxm_message m0 fail $((1 - bad))
	check_pattern "$DXM_DEV" "$s" 128 502
	# the write met the poison (not repaired by the poll before it)
	dmesg_expect "leg $bad: write to sector $s [(][+]128[)] hit poison"
}

case_write_across_poison_leg0() { write_across 0; }
case_write_across_poison_leg1() { write_across 1; }

# The same write 2 KiB off page alignment (first and last page partial:
# those are rebuilt from the leg that took the write), poison on leg 1.
case_write_across_poison_unaligned() {
	local s=8192 o=4
	legs 5
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" "$s" 256 503
	pattern 504 $((128 * 512)) >"$SCRATCH/new"
	poison_then_write "$B" $((s + 3 * 8)) "$DXM_DEV" $((s + o)) "$SCRATCH/new"
	check_pattern "$DXM_DEV" $((s + o)) 128 504
	assert_eq "$(status_field m0 health)" AA health
	check_scrub m0
	dxm_message m0 fail 0
	check_pattern "$DXM_DEV" $((s + o)) 128 504
	assert_eq "$(hash_range "$DXM_DEV" "$s" "$o")" \
		"$(pattern 503 $((o * 512)) | sha256sum | cut -d' ' -f1)" "sectors before the write"
	assert_eq "$(hash_range "$DXM_DEV" $((s + o + 128)) $((128 - o)))" \
		"$(pattern 503 $(((128 - o) * 512)) $(((128 + o) * 512)) | sha256sum | cut -d' ' -f1)" \
		"sectors after the write"
	# one piece: writes are split at 1 MiB boundaries, not at regions
	dmesg_expect "leg 1: write to sector $((s + o)) [(][+]128[)] hit poison"
}

# write(2) of 64 KiB over a poisoned page of a file on a DAX ext4 (the
# DAX path: no bio reaches the legs, direct_access and the flush do).
dax_write_across() {
	local bad=$1 f s p dev other
	legs $((bad + 3))	# 3, 4
	fresh_pair m0 "$A" "$B"
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
	f=$MNT/victim
	pattern 511 $((64 * 4096)) >"$f"
	sync
	s=$(file_sector "$f" 0)
	[ "$(file_sector "$f" $((15 * 4096)))" = $((s + 15 * 8)) ] ||
		die "the first 16 pages of the file are not contiguous"
	[ "$bad" = 0 ] && { dev=$A; other=$B; } || { dev=$B; other=$A; }
	poison_now "$dev" $((s + 3 * 8))
	pattern 512 $((16 * 4096)) | dd of="$f" bs=64K count=1 conv=notrunc,fsync \
		iflag=fullblock status=none
	cmp <(dd if="$f" bs=64K count=1 status=none) <(pattern 512 $((16 * 4096))) ||
		die "the file does not read back the write"
	umount "$MNT"
	dxm_message m0 flush
	show_status m0
	assert_eq "$(status_field m0 health)" AA health
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	leg_pages_are "$other" "$s" 512 -1
	leg_pages_are "$dev" "$s" 512 3
	check_scrub m0
	dxm_message m0 fail $((1 - bad))
	mount_dax "$DXM_DEV" "$MNT"
	cmp <(dd if="$f" bs=64K count=1 status=none) <(pattern 512 $((16 * 4096))) ||
		die "leg $bad alone does not read back the write"
	cmp <(dd if="$f" bs=64K skip=1 status=none) \
		<(pattern 511 $((48 * 4096)) $((16 * 4096))) || die "the rest of the file changed"
	umount "$MNT"
}

case_dax_write_across_poison_leg0() { dax_write_across 0; }
case_dax_write_across_poison_leg1() { dax_write_across 1; }

# A DAX read(2) of 1 MiB over a file page that just became poisoned on
# leg 0: pmem refuses the whole range handed to direct_access, and the
# mirror repairs exactly the page the bad-block list names (it rewrote
# every page of the run, healthy ones from a snapshot of leg 0, racing
# concurrent stores).
case_dax_read_repairs_only_bad_page() {
	local f s n0 disk start got
	legs 6
	fresh_pair m0 "$A" "$B"
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
	f=$MNT/victim
	pattern 521 $((1 << 20)) >"$f"
	sync
	s=$(file_sector "$f" $((5 * 4096)))
	n0=$(dmesg_lines)
	read -r disk start < <(_disk_of "$A")
	log "poison $A sector $s (+8), then read $f at once"
	got=$(/usr/bin/python3 - "/sys/block/$disk/badblocks" "$((start + s)) 8" "$f" <<'PY'
import hashlib, os, sys
bb, entry, path = sys.argv[1:4]
fd = os.open(path, os.O_RDONLY)
with open(bb, 'w') as b:
    b.write(entry)
data = os.pread(fd, 1 << 20, 0)
print(hashlib.sha256(data).hexdigest())
PY
)
	assert_eq "$got" "$(pattern 521 $((1 << 20)) | sha256sum | cut -d' ' -f1)" \
		"the file read right after the poison"
	wait_field m0 remapped0 -ge 1 30
	show_status m0
	assert_eq "$(dmesg_after "$n0" | grep -c "leg 0: repaired page at sector")" 1 \
		"pages of leg 0 repaired (one is bad)"
	dmesg_expect "leg 0: repaired page at sector $s from leg 1"
	umount "$MNT"
	check_scrub m0
}

run_case write_across_poison_leg0 case_write_across_poison_leg0
run_case write_across_poison_leg1 case_write_across_poison_leg1
run_case write_across_poison_unaligned case_write_across_poison_unaligned
run_case dax_write_across_poison_leg0 case_dax_write_across_poison_leg0
run_case dax_write_across_poison_leg1 case_dax_write_across_poison_leg1
run_case dax_read_repairs_only_bad_page case_dax_read_repairs_only_bad_page
finish
