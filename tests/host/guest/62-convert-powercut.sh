#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of tests/host/62-convert-powercut.sh (one VM boot per call;
# the host driver keeps the two NVDIMMs and $VM_WORK across boots and
# cuts the power during "convert").  Usage: 62-convert-powercut.sh MODE KIND
#
#   prepare KIND  a DAX filesystem of KIND on NVDIMM 0 (DEV), filled with
#                 checksummed files, unmounted, synced; NVDIMM 1 (NEWLEG)
#                 holds stale bytes the rebuild must overwrite
#   convert KIND  daxmirror convert conv DEV NEWLEG (--shrink for
#                 ext4-shrink), then the rebuild to its end; the host cuts
#                 the power somewhere in between
#   check KIND [NEXT]  after the cut: either DEV holds no daxmirror
#                 superblock, mounts on its own with every file intact and
#                 its fsck is clean (STATE standalone), or the mirror
#                 assembles and mounts with every file intact (STATE
#                 mirror); never neither.  Then what the tool offers in
#                 that state must finish the job: standalone: the same
#                 convert command again; mirror: assemble (with --run and
#                 a replace of leg 1 if only leg 0 has a superblock).  The
#                 result: health AA after the rebuild, the legs' data areas
#                 identical, every file verifies through the mirror, fsck
#                 clean.  With NEXT: prepare NEXT on the same media.
#
# KIND: ext4-fit (an ext4 smaller than the mirror), xfs-small (an xfs
# smaller than the mirror), ext4-shrink (an ext4 over the whole device:
# convert --shrink runs e2fsck -f -p and resize2fs first; the files sit
# at the end of the filesystem, where resize2fs has to move blocks).
#
# Markers for the host: $VM_WORK/marks/NAME holds the guest's clock (ms)
# when NAME happened: convert-start, e2fsck-start, e2fsck-end,
# resize2fs-start, resize2fs-end (from wrappers of both programs put
# first in PATH, which convert's posix_spawnp follows), convert-end,
# rebuild-end.  After the cut the host sees from them which phase the cut
# hit.  The cut itself: DXM_CUT_AT=MARKER DXM_CUT_MS=N DXM_CUT_BY=guest
# has the guest cut its own power (vm_power_cut_now: sysrq b, no sync)
# N ms after MARKER, started where the marker is written, for phases
# shorter than vm-run's polling of .powercut (0.2 s) and the host's view
# of the markers allow; DXM_CUT_BY=host leaves the cut to the host
# (.powercut, QEMU killed).
# shellcheck disable=SC2154
. "$(dirname "$0")/../../lib.sh"

MODE=${1:?usage: $0 prepare|convert|check KIND [NEXT]}
KIND=${2:?kind}
NEXT=${3:-}
# shellcheck disable=SC2034  # read by lib.sh (run_case, dmesg marks)
GROUP=62-convert-powercut
DXM=$REPO/build/lvm-tools/daxmirror
MARKS=$VM_WORK/marks
SUMS=$VM_WORK/sums
NAME=conv
MNT=$MNT_BASE/cv
RANDOM=$((${DXM_SEED:-$$} + ${DXM_ROUND:-0}))

tool_ready() {
	[ -x "$DXM" ] || die "no $DXM (cmake --build build)"
	command -v jq >/dev/null || die "no jq"
}
group_setup tool_ready
group_setup setup_fsdax
group_setup load_module
DEV=$PMEM0
NEW=$PMEM1

say() { echo "# convert-powercut[$MODE $KIND] $SECONDS s: $*"; }

# mark NAME: a marker; the guest's own cut starts from it if it is the one
mark() {
	date +%s%3N >"$MARKS/$1"
	if [ "${DXM_CUT_BY:-}" = guest ] && [ "$1" = "${DXM_CUT_AT:-}" ]; then
		"$SCRATCH/wrap/cutter" &
	fi
}

fstype() { case "$1" in xfs-*) echo xfs ;; *) echo ext4 ;; esac; }
convert_opts() { [ "$1" = ext4-shrink ] && echo --shrink || true; }

# fsck_clean DEV FSTYPE: the filesystem checks clean, read-only
fsck_clean() {
	local rc=0
	case "$2" in
	ext4) e2fsck -fn "$1" >"$SCRATCH/fsck.log" 2>&1 || rc=$? ;;
	xfs) xfs_repair -n "$1" >"$SCRATCH/fsck.log" 2>&1 || rc=$? ;;
	esac
	if [ "$rc" != 0 ]; then
		sed 's/^/    /' "$SCRATCH/fsck.log" | tail -n 30
		echo "ERROR: fsck of $2 on $1 is not clean (exit $rc)" >&2
		return 1
	fi
}

# verify_files DIR WHERE
verify_files() {
	(cd "$1" && sha256sum --quiet -c "$SUMS") >"$SCRATCH/sha.log" 2>&1 || {
		head -n 20 "$SCRATCH/sha.log"
		echo "ERROR: files do not verify $2" >&2
		return 1
	}
	say "$(wc -l <"$SUMS") files verify $2"
}

# ------------------------------------------------------------- prepare ---

fill_files() {	# DIR SEED
	local i
	for ((i = 0; i < 24; i++)); do
		pattern $(($2 + i)) $(((1 + i % 4) << 20)) >"$1/f$i"
	done
	(cd "$1" && sha256sum f[0-9]*) >"$SUMS.new"
	mv "$SUMS.new" "$SUMS"
}

prepare() {
	local kind=$1 seed=$((6200 + RANDOM % 1000)) avail
	dxm_remove_all
	wipe_meta "$DEV" "$NEW"
	# stale bytes on NEWLEG's data area: the rebuild must replace them
	write_pattern "$NEW" 0 65536 $((seed + 500))
	case "$kind" in
	ext4-fit)
		mkfs.ext4 -q -F -b 4096 -E stride=512,stripe_width=512 "$DEV" 448M ;;
	xfs-small)
		mkfs.xfs -q -f -d size=400m,su=2m,sw=1,agcount=2 -l size=64m "$DEV" ;;
	ext4-shrink)
		mkfs_dax ext4 "$DEV" ;;
	*) die "unknown kind $kind" ;;
	esac
	mount_dax "$DEV" "$MNT" "$(fstype "$kind")"
	if [ "$kind" = ext4-shrink ]; then
		# the files at the end of the filesystem: a filler takes the
		# free space before them, then goes
		avail=$(df -B1 --output=avail "$MNT" | tail -n 1)
		fallocate -l $((avail - (72 << 20))) "$MNT/filler"
		sync -f "$MNT"
	fi
	fill_files "$MNT" "$seed"
	rm -f "$MNT/filler"
	umount "$MNT"
	sync
	fsck_clean "$DEV" "$(fstype "$kind")"
	echo "$kind" >"$VM_WORK/kind"
	say "$kind on $DEV with $(wc -l <"$SUMS") files (seed $seed)"
}

dxm_remove_all() {
	local n
	for n in $(dmsetup ls --target daxmirror 2>/dev/null | awk '$1 != "No" { print $1 }'); do
		umount "/dev/mapper/$n" 2>/dev/null || true
		"$DXM" remove "$n" || dmsetup remove "$n"
	done
}

# ------------------------------------------------------------- convert ---

# wrap PROGRAM: a wrapper in $SCRATCH/wrap that marks its start and end
wrap() {
	local real
	real=$(command -v "$1") || die "no $1"
	cat >"$SCRATCH/wrap/$1" <<-EOT
	#!/bin/bash
	$(declare -f mark)
	mark $1-start
	"$real" "\$@"
	rc=\$?
	mark $1-end
	exit \$rc
	EOT
	chmod +x "$SCRATCH/wrap/$1"
}

# the guest's own power cut, DXM_CUT_MS after the marker that starts it
make_cutter() {
	local ms=${DXM_CUT_MS:-0}
	cat >"$SCRATCH/wrap/cutter" <<-EOT
	#!/bin/bash
	sleep $(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
	touch "$VM_WORK/.powercut"
	echo b >/proc/sysrq-trigger
	EOT
	chmod +x "$SCRATCH/wrap/cutter"
}

convert() {
	local rc=0
	[ "$(cat "$VM_WORK/kind")" = "$KIND" ] || die "media prepared for $(cat "$VM_WORK/kind"), not $KIND"
	mkdir -p "$MARKS" "$SCRATCH/wrap"
	make_cutter
	wrap e2fsck
	wrap resize2fs
	# the sysrq for the guest's own cut
	echo 1 >/proc/sys/kernel/sysrq
	export MARKS SCRATCH VM_WORK
	say "cut by the ${DXM_CUT_BY:-host} ${DXM_CUT_MS:-?} ms after ${DXM_CUT_AT:-?}"
	say "daxmirror convert $NAME $DEV $NEW $(convert_opts "$KIND")"
	mark convert-start
	# shellcheck disable=SC2046
	PATH=$SCRATCH/wrap:$PATH "$DXM" convert "$NAME" "$DEV" "$NEW" $(convert_opts "$KIND") \
		>"$VM_WORK/convert.out" 2>&1 || rc=$?
	mark convert-end
	cat "$VM_WORK/convert.out"
	[ "$rc" = 0 ] || die "convert failed (exit $rc)"
	wait_action_idle "$NAME" 600
	mark rebuild-end
	say "converted and rebuilt: $(status_field "$NAME" line)"
	# the power is cut now, if it was not yet
	sleep $((${DXM_CUT_MS:-0} / 1000 + 60))
	die "no power cut came"
}

# --------------------------------------------------------------- check ---

# examine LEG: prints its superblock kind (valid, blank, corrupt, ...)
# and a summary; EX_RC is examine's exit code
examine() {
	EX_RC=0
	"$DXM" examine "$1" --json >"$SCRATCH/ex.json" 2>"$SCRATCH/ex.err" || EX_RC=$?
	echo "# examine $1 (exit $EX_RC): $(jq -c '{superblock, problem,
		leg_index, events, leg_state, rebuild_offset,
		data_sectors}' "$SCRATCH/ex.json" 2>/dev/null || cat "$SCRATCH/ex.err")" >&2
}

# finished FSTYPE: the mirror $NAME rebuilt, legs identical, files right
finished() {
	local len
	wait_action_idle "$NAME" 600
	assert_eq "$(status_field "$NAME" health)" AA "health after the rebuild"
	len=$(dmsetup table "$NAME" | cut -d' ' -f2)
	legs_identical "$DEV" "$NEW" "$len" || die "the legs' data areas differ after the rebuild"
	mount_dax "/dev/mapper/$NAME" "$MNT" "$1"
	verify_files "$MNT" "through the mirror"
	umount "$MNT"
	fsck_clean "/dev/mapper/$NAME" "$1"
	say "finished: $(status_field "$NAME" line), legs identical over $len sectors"
}

case_after_cut() {
	local fs rc=0 dev_rc new_rc name state
	fs=$(fstype "$KIND")
	examine "$DEV" 2>&1
	dev_rc=$EX_RC
	cp "$SCRATCH/ex.json" "$VM_WORK/examine-dev.json" 2>/dev/null || true
	examine "$NEW" 2>&1
	new_rc=$EX_RC
	cp "$SCRATCH/ex.json" "$VM_WORK/examine-new.json" 2>/dev/null || true
	case "$dev_rc" in
	0)	# the conversion is committed: the mirror must assemble
		echo "STATE: mirror (DEV superblock valid, NEWLEG examine exit $new_rc)"
		"$DXM" assemble --scan >"$SCRATCH/as.out" 2>&1 || rc=$?
		cat "$SCRATCH/as.out"
		if [ "$rc" != 0 ]; then
			# only leg 0 reached the media: what the tool says
			# ("use --run") and then a replace of leg 1
			grep -q -- "--run" "$SCRATCH/as.out" ||
				die "assemble --scan failed (exit $rc) without a way on"
			[ "$new_rc" != 0 ] || die "assemble --scan failed with both superblocks valid"
			rc=0
			"$DXM" assemble --scan --run >"$SCRATCH/as.out" 2>&1 || rc=$?
			cat "$SCRATCH/as.out"
			[ "$rc" -le 1 ] || die "assemble --scan --run failed (exit $rc)"
			name=$(sed -n 's/^\([^:]*\): assembled set .*/\1/p' "$SCRATCH/as.out" | head -n 1)
			"$DXM" replace "$name" --leg 1 "$NEW" --force
		fi
		name=$(sed -n 's/^\([^:]*\): assembled set .*/\1/p' "$SCRATCH/as.out" | head -n 1)
		[ -n "$name" ] || die "assemble --scan named no device"
		say "assembled $name: $(status_field "$name" line)"
		# the name the rest of the check uses
		dmsetup rename "$name" "$NAME"
		;;
	1)	# not converted: DEV is the filesystem it was
		state="standalone"
		# resize2fs flags the filesystem with errors when it starts
		# and clears the flag when it ends: after a cut in between
		# the fsck is not clean, and convert --shrink, which runs
		# e2fsck -f -p first, is what repairs it
		if [ "$fs" = ext4 ] && dumpe2fs -h "$DEV" 2>/dev/null |
			grep -q '^Filesystem state:.*with errors'; then
			[ "$KIND" = ext4-shrink ] || die "$DEV is flagged with errors, and no resize2fs ran"
			state="standalone-resize2fs-cut"
		fi
		echo "STATE: $state (DEV holds no daxmirror superblock, NEWLEG examine exit $new_rc)"
		mount_dax "$DEV" "$MNT" "$fs"
		verify_files "$MNT" "on $DEV alone"
		umount "$MNT"
		if [ "$state" = standalone ]; then
			fsck_clean "$DEV" "$fs"
			say "$DEV mounts on its own, fsck clean; converting again"
		else
			fsck_clean "$DEV" "$fs" || true
			say "$DEV mounts on its own (flagged with errors by the cut resize2fs); converting again"
		fi
		# shellcheck disable=SC2046
		"$DXM" convert "$NAME" "$DEV" "$NEW" $(convert_opts "$KIND")
		;;
	*)
		echo "STATE: neither? (DEV examine exit $dev_rc)"
		mount -o ro ${fs:+-t "$fs"} "$DEV" "$MNT" 2>&1 && {
			verify_files "$MNT" "on $DEV alone (read-only)" || true
			umount "$MNT"
		}
		die "DEV holds a corrupt daxmirror superblock"
		;;
	esac
	finished "$fs"
	"$DXM" remove "$NAME"
}

case "$MODE" in
prepare)
	run_case prepare_$KIND prepare "$KIND"
	;;
convert)
	rm -rf "$MARKS"
	convert
	;;
check)
	run_case "after_cut_$KIND" case_after_cut
	[ -z "$NEXT" ] || run_case "prepare_$NEXT" prepare "$NEXT"
	;;
*) die "unknown mode $MODE" ;;
esac
finish
