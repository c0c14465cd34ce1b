#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vm-run: --nvdimms 2 --nvdimm-size 256
# vm-timeout: 600
# kernels: 6.12.
#
# 61-udev: the legs of a mirror are hidden from udev's persistent names.
# With systemd-udevd running in the guest: without udev/12-daxmirror-
# legs.rules a leg claims /dev/disk/by-uuid/<the mirror's fs uuid> (the
# control: the check can fail); with it, by-uuid and by-label name the
# mirror only, mount UUID= mounts the mirror, and each leg is marked a
# member (SYSTEMD_READY=0, ID_FS_TYPE=daxmirror_member) and named
# /dev/disk/by-id/daxmirror-<set uuid>-leg<N>.  Incremental assembly:
# udev starts a set named in the configuration once both legs are there
# (not with one leg; not a set the configuration does not name).  Last
# resort: a configured set whose other leg does not come is started
# degraded by "assemble --last-resort UUID" (what the systemd timer the
# incremental assembly arms runs).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

DXM=$REPO/build/lvm-tools/daxmirror
UDEVD=/lib/systemd/systemd-udevd
RULES=/run/udev/rules.d/12-daxmirror-legs.rules
# the guest runs chrooted into the host's root: udevadm would refuse
export SYSTEMD_IGNORE_CHROOT=1

udev_ready() {
	[ -x "$DXM" ] || skip "no $DXM (cmake --build build)"
	if [ ! -x "$UDEVD" ] || ! command -v udevadm >/dev/null; then
		skip "no systemd-udevd"
	fi
	mkdir -p /run/udev/rules.d
	"$UDEVD" --daemon --resolve-names=never
	wait_until 10 "udevd" udevadm control --ping
}

# after each case (udevd runs for the whole group; the VM ends with it)
extra_cleanup() {
	rm -f "$RULES" /run/daxmirror.conf
	udevadm control --reload 2>/dev/null || true
}

group_setup setup_fsdax
group_setup load_module
group_setup udev_ready

# settle_all DEV...: udev has seen a change of each DEV and is done
settle_all() {
	udevadm trigger --action=change --settle "$@" 2>/dev/null ||
		{ udevadm trigger --action=change "$@"; udevadm settle --timeout=30; }
}

# devnum PATH: MAJ:MIN of the device PATH leads to
devnum() { stat -L -c '%t %T' "$1" | { read -r a b; echo "$((16#$a)):$((16#$b))"; }; }

# mirrors: the daxmirror devices, one per line
mirrors() { dmsetup ls --target daxmirror | grep -v '^No devices found' || true; }

# links DEV: its symlinks as udev has them
links() { udevadm info --query=symlink --name="$1"; }

case_legs_hidden() {
	local uuid mnt=$MNT_BASE/u dm mm leg p
	wipe_meta "$PMEM0" "$PMEM1"
	dxm_create u0 "$PMEM0" "$PMEM1" nosync
	mkfs.ext4 -F -q -b 4096 -L dxmlabel "$DXM_DEV"
	uuid=$(blkid -o value -s UUID "$DXM_DEV")
	dm=/dev/$(basename "$(readlink -f "/sys/dev/block/$(devnum "$DXM_DEV")")")
	# the control: without the rules a leg claims the mirror's names
	rm -f "$RULES"
	udevadm control --reload
	settle_all "$PMEM0" "$PMEM1" "$dm"
	log "leg 0 without the rules: $(links "$PMEM0")"
	links "$PMEM0" | grep -q "disk/by-uuid/$uuid" ||
		die "control: without the rules $PMEM0 does not claim by-uuid/$uuid"

	sed "s|/usr/sbin/daxmirror|$DXM|" "$REPO/udev/12-daxmirror-legs.rules" >"$RULES"
	udevadm control --reload
	settle_all "$PMEM0" "$PMEM1" "$dm"
	for leg in "$PMEM0" "$PMEM1"; do
		log "$leg: $(links "$leg")"
		if links "$leg" | grep -qE 'disk/by-(uuid|label)/'; then
			die "$leg still claims by-uuid or by-label: $(links "$leg")"
		fi
		udevadm info --query=property --name="$leg" >"$SCRATCH/prop"
		for p in SYSTEMD_READY=0 ID_FS_TYPE=daxmirror_member DAXMIRROR_LEG=1; do
			grep -qx "$p" "$SCRATCH/prop" ||
				die "$leg is not marked a member ($p): $(cat "$SCRATCH/prop")"
		done
	done
	links "$PMEM0" | grep -qE 'disk/by-id/daxmirror-[0-9a-f-]{36}-leg0' ||
		die "no by-id name for leg 0: $(links "$PMEM0")"
	links "$PMEM1" | grep -qE 'disk/by-id/daxmirror-[0-9a-f-]{36}-leg1' ||
		die "no by-id name for leg 1: $(links "$PMEM1")"
	links "$PMEM0" | grep -qE 'disk/by-id/pmem-' ||
		die "leg 0 lost its by-id/pmem- name: $(links "$PMEM0")"
	mm=$(devnum "$DXM_DEV")
	assert_eq "$(devnum "/dev/disk/by-uuid/$uuid")" "$mm" "by-uuid/$uuid"
	assert_eq "$(devnum /dev/disk/by-label/dxmlabel)" "$mm" "by-label/dxmlabel"
	mkdir -p "$mnt"
	mount UUID="$uuid" "$mnt"
	assert_eq "$(findmnt -n -o MAJ:MIN "$mnt" | tr -d " ")" "$mm" "what mount UUID= mounted"
	umount "$mnt"
	dxm_remove u0
}

# A set named in the configuration starts by itself once both legs are
# there (udev runs assemble --incremental); one that is not configured
# does not.
case_incremental() {
	local uuid n
	wipe_meta "$PMEM0" "$PMEM1"
	dxm_create u0 "$PMEM0" "$PMEM1" nosync
	uuid=$("$DXM" examine --export "$PMEM0" | sed -n 's/^DAXMIRROR_SET_UUID=//p')
	dxm_remove u0
	# not configured: the legs appear, nothing starts
	: >/run/daxmirror.conf
	sed -e "s|/usr/sbin/daxmirror examine|$DXM examine|" \
	    -e "s|/usr/sbin/daxmirror assemble --incremental|$DXM assemble --config /run/daxmirror.conf --incremental|" \
	    "$REPO/udev/12-daxmirror-legs.rules" >"$RULES"
	udevadm control --reload
	udevadm trigger --action=add --settle "$PMEM0" "$PMEM1"
	sleep 1
	if [ -n "$(mirrors)" ]; then
		die "a set that is not configured started: $(mirrors)"
	fi
	# configured: with leg 1's superblock hidden, leg 0 waits; leg 1
	# appearing (superblock back) starts the set
	echo "ARRAY inc0 uuid=$uuid sync_interval_ms=500" >/run/daxmirror.conf
	n=$(sectors "$PMEM1")
	dd if="$PMEM1" of="$SCRATCH/sb1" bs=4096 skip=$((n / 8 - 1)) count=1 \
		iflag=direct status=none
	dd if=/dev/zero of="$PMEM1" bs=4096 seek=$((n / 8 - 1)) count=1 \
		oflag=direct status=none
	udevadm trigger --action=add --settle "$PMEM0"
	sleep 1
	if dmsetup info inc0 >/dev/null 2>&1; then
		die "the set started with one leg"
	fi
	dd if="$SCRATCH/sb1" of="$PMEM1" bs=4096 seek=$((n / 8 - 1)) count=1 \
		oflag=direct status=none
	udevadm trigger --action=add --settle "$PMEM1"
	wait_until 30 "inc0 started by udev" dmsetup info inc0
	DXM_DEV=/dev/mapper/inc0
	wait_action_idle inc0
	assert_eq "$(status_field inc0 health)" AA "health of the set udev started"
	dmsetup table inc0 | grep -q ' sync_interval_ms 500' ||
		die "the configured setting is not in the table: $(dmsetup table inc0)"
	# a change event of a live leg changes nothing
	udevadm trigger --action=change --settle "$PMEM0"
	assert_eq "$(mirrors | wc -l)" 1 "daxmirror devices"
	dxm_remove inc0
}

# hide_sb1 / restore_sb1: leg 1's superblock zeroed (the leg "missing"
# for the scan) and put back
hide_sb1() {
	local n
	n=$(sectors "$PMEM1")
	dd if="$PMEM1" of="$SCRATCH/sb1" bs=4096 skip=$((n / 8 - 1)) count=1 \
		iflag=direct status=none
	dd if=/dev/zero of="$PMEM1" bs=4096 seek=$((n / 8 - 1)) count=1 \
		oflag=direct status=none
}
restore_sb1() {
	local n
	n=$(sectors "$PMEM1")
	dd if="$SCRATCH/sb1" of="$PMEM1" bs=4096 seek=$((n / 8 - 1)) count=1 \
		oflag=direct status=none
}

# A configured set whose leg 1 is missing at boot: the incremental
# assembly of leg 0 leaves it waiting and, where systemd runs, arms
# daxmirror-last-resort@UUID.timer (a stand-in systemctl records the
# call); the timer's service, "assemble --last-resort UUID", starts the
# set degraded with its configured name and settings and its data; run
# again it changes nothing; a set the configuration does not name is
# never started by it; a bad UUID is a usage error.
case_last_resort() {
	local uuid out fake=$SCRATCH/bin made_run=0 rc
	wipe_meta "$PMEM0" "$PMEM1"
	dxm_create u0 "$PMEM0" "$PMEM1" nosync
	write_pattern "$DXM_DEV" 0 4096 61
	uuid=$("$DXM" examine --export "$PMEM0" | sed -n 's/^DAXMIRROR_SET_UUID=//p')
	dxm_remove u0
	hide_sb1
	: >/run/daxmirror.conf
	out=$("$DXM" assemble --config /run/daxmirror.conf --last-resort "$uuid") ||
		die "last resort of an unconfigured set failed: $out"
	log "$out"
	grep -q "not configured: not started" <<<"$out" || die "unconfigured: $out"
	[ -z "$(mirrors)" ] || die "an unconfigured set started: $(mirrors)"

	echo "ARRAY lr0 uuid=$uuid sync_interval_ms=700" >/run/daxmirror.conf
	# leg 0 appears, as udev would run it, with systemd "running"
	mkdir -p "$fake"
	printf '#!/bin/sh\necho "$*" >>%s/systemctl.calls\n' "$SCRATCH" >"$fake/systemctl"
	chmod +x "$fake/systemctl"
	if [ ! -d /run/systemd/system ]; then
		mkdir -p /run/systemd/system
		made_run=1
	fi
	out=$(PATH=$fake:$PATH "$DXM" assemble --config /run/daxmirror.conf \
		--incremental "$PMEM0")
	[ "$made_run" = 0 ] || rmdir /run/systemd/system
	log "$out"
	grep -q "waits for its other leg" <<<"$out" || die "incremental: $out"
	assert_eq "$(cat "$SCRATCH/systemctl.calls")" \
		"--no-block start daxmirror-last-resort@$uuid.timer" "systemctl call"
	[ -z "$(mirrors)" ] || die "the set started with one leg: $(mirrors)"

	out=$("$DXM" assemble --config /run/daxmirror.conf --last-resort "$uuid") ||
		die "last resort failed: $out"
	log "$out"
	grep -q "^lr0: assembled set $uuid .*, degraded" <<<"$out" || die "last resort: $out"
	DXM_DEV=/dev/mapper/lr0
	assert_eq "$(status_field lr0 health)" AD "health of the set started degraded"
	dmsetup table lr0 | grep -q ' sync_interval_ms 700' ||
		die "the configured setting is not in the table: $(dmsetup table lr0)"
	check_pattern "$DXM_DEV" 0 4096 61
	out=$("$DXM" assemble --config /run/daxmirror.conf --last-resort "$uuid") ||
		die "a second last resort failed: $out"
	grep -q "^lr0: active already" <<<"$out" || die "second last resort: $out"
	assert_eq "$(mirrors | wc -l)" 1 "daxmirror devices"
	dxm_remove lr0
	restore_sb1
	rc=0
	"$DXM" assemble --last-resort not-a-uuid >/dev/null 2>&1 || rc=$?
	assert_eq "$rc" 3 "exit code of --last-resort with a bad UUID"
}

run_case legs_hidden case_legs_hidden
run_case incremental case_incremental
run_case last_resort case_last_resort
udevadm control --exit 2>/dev/null || true
finish
