#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 62-convert: "daxmirror convert NAME DEV NEWLEG" makes an existing DAX
# filesystem leg 0 of a new mirror without copying it off.
#   ext4 filling its NVDIMM: refused without --shrink (DEV untouched),
#   converted with --shrink (e2fsck + resize2fs); xfs filling its NVDIMM:
#   refused (xfs cannot shrink), DEV untouched; xfs made smaller than the
#   device: converted.  After each conversion: NEWLEG is rebuilt from DEV
#   (leg 1 stale until then), the legs' data areas are identical, every
#   checksummed file verifies through the mirror mounted -o dax, a file
#   written through the mirror too; then leg 0 (the old device) is failed
#   and every file verifies from NEWLEG alone.
# vm-run: --nvdimms 2 --nvdimm-size 512
# vm-timeout: 1200
# kernels: 6.12.
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

DXM=$REPO/build/lvm-tools/daxmirror
MNT=$MNT_BASE/conv

tool_ready() {
	[ -x "$DXM" ] || skip "no $DXM (cmake --build build)"
}
group_setup tool_ready
group_setup setup_fsdax
group_setup load_module

extra_cleanup() {
	umount "$MNT" 2>/dev/null || true
}

# fill_files DIR SEED: 24 files of 1-4 MiB of pattern data and their
# checksums in $SCRATCH/sums
fill_files() {
	local i
	for ((i = 0; i < 24; i++)); do
		pattern $(($2 + i)) $(((1 + i % 4) << 20)) >"$1/f$i"
	done
	(cd "$1" && sha256sum f*) >"$SCRATCH/sums"
}

verify_files() {
	(cd "$1" && sha256sum --quiet -c "$SCRATCH/sums") ||
		die "files do not verify in $1 ($2)"
}

# dev_hash DEV: checksum of the device's first 64 MiB (the filesystem's
# metadata and files) and of its last 32 MiB (where the mirror's go)
dev_hash() {
	local n
	n=$(sectors "$1")
	echo "$(hash_range "$1" 0 131072) $(hash_range "$1" $((n - 65536)) 65536)"
}

# refused NAME DEV NEWLEG WORDS [OPTS...]: convert fails with exit 4, the
# message has WORDS, DEV is as before and no device was made
refused() {
	local name=$1 dev=$2 new=$3 words=$4 before rc=0
	shift 4
	before=$(dev_hash "$dev")
	"$DXM" convert "$name" "$dev" "$new" "$@" 2>"$SCRATCH/err" || rc=$?
	cat "$SCRATCH/err"
	assert_eq "$rc" 4 "exit code of a refused convert"
	grep -q -- "$words" "$SCRATCH/err" || die "the refusal does not say '$words'"
	assert_eq "$(dev_hash "$dev")" "$before" "$dev after the refusal"
	! dmsetup info "$name" >/dev/null 2>&1 || die "a refused convert left $name"
}

# converted_ok NAME DEV NEWLEG FS: the conversion's result, then the old
# device failed
converted_ok() {
	local name=$1 dev=$2 new=$3 fs=$4 len
	case "$(status_field "$name" health)" in
	Aa|AA) ;;
	*) die "health right after the convert: $(status_field "$name" line)" ;;
	esac
	wait_action_idle "$name" 600
	dmesg_has "$(majmin "/dev/mapper/$name"): rebuild finished" ||
		die "no rebuild of $new ran"
	assert_eq "$(status_field "$name" health)" AA "health after the rebuild"
	len=$(dmsetup table "$name" | cut -d' ' -f2)
	legs_identical "$dev" "$new" "$len" || die "legs differ after the rebuild"
	mount_dax "/dev/mapper/$name" "$MNT" "$fs"
	verify_files "$MNT" "through the mirror"
	pattern 6299 $((3 << 20)) >"$MNT/after"
	(cd "$MNT" && sha256sum after) >>"$SCRATCH/sums"
	umount "$MNT"
	"$DXM" fail "$name" --leg 0
	mount_dax "/dev/mapper/$name" "$MNT" "$fs"
	verify_files "$MNT" "from $new alone"
	umount "$MNT"
	"$DXM" remove "$name"
}

case_convert_ext4() {
	dmesg_mark
	wipe_meta "$PMEM0" "$PMEM1"
	mkfs_dax ext4 "$PMEM0"
	mount_dax "$PMEM0" "$MNT"
	fill_files "$MNT" 6201
	umount "$MNT"
	refused c4 "$PMEM0" "$PMEM1" "resize2fs"
	grep -q -- "--shrink" "$SCRATCH/err" || die "the refusal does not offer --shrink"
	"$DXM" convert c4 "$PMEM0" "$PMEM1" --shrink --sync-interval 0
	converted_ok c4 "$PMEM0" "$PMEM1" ext4
}

case_convert_xfs() {
	dmesg_mark
	wipe_meta "$PMEM0" "$PMEM1"
	zero_range "$PMEM1" 0 2048	# the ext4 the last case copied there
	mkfs_dax xfs "$PMEM0"
	refused cx "$PMEM0" "$PMEM1" "xfs cannot shrink"
	# made smaller than the device: it fits
	mkfs.xfs -q -f -d size=400m,su=2m,sw=1,agcount=2 -l size=64m "$PMEM0"
	mount_dax "$PMEM0" "$MNT"
	fill_files "$MNT" 6251
	umount "$MNT"
	"$DXM" convert cx "$PMEM0" "$PMEM1"
	converted_ok cx "$PMEM0" "$PMEM1" xfs
}

run_case convert_ext4 case_convert_ext4
run_case convert_xfs case_convert_xfs
finish
