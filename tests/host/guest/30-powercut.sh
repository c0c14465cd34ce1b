#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of tests/host/30-powercut.sh (one VM boot per call; the host
# driver keeps the NVDIMM media and $VM_WORK across boots and cuts the
# power).  Usage: 30-powercut.sh MODE
#
#   first   create the mirror (fresh all-zero media: nosync), a DAX ext4
#           on its first PC_FS_MIB, then start the writers
#   cycle   assemble the mirror, verify (see below), start the writers
#   burst   like cycle, but after a few seconds of writing stop the
#           writers, reload the table with sync_interval_ms 0, store
#           PC_BURST_MIB through a mapping without any flush (the legs now
#           differ over hundreds of regions) and cut the power
#   resync-cut  assemble with the resync throttled and sync_interval_ms 0
#           (so the sweep is the only copier), wait until the resync has
#           made progress and is still running with the legs still
#           different, cut the power
#   verify  assemble, verify, exit 0
#
# The writers (tests/helpers/pcwriter) log every acknowledged record to
# $VM_WORK/ack-{write,mmap,raw}.log: write = pwrite + fsync to a file,
# mmap = stores + msync(MS_SYNC) to a file (both on ext4 -o dax), raw =
# O_DIRECT|O_DSYNC writes to the mirror device behind the filesystem.
# When they run, $VM_WORK/pc-writing appears and the host cuts the power
# at a random moment.
#
# Verification after a cut: the resync ends (action idle, health AA),
# the legs are identical over the whole data area, every acknowledged
# record is intact, the filesystem mounts (journal replay) and e2fsck -fn
# finds it clean afterwards.  Results go to stdout; exit 1 on failure.
# shellcheck disable=SC2154
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../lib-repl.sh"

MODE=${1:?mode}
SEED=${DXM_SEED:?DXM_SEED}
PC_FS_MIB=128		# ext4 size; the raw region lies behind it
RAW_OFF=$((160 << 20))	# bytes
RAW_SLOTS=4096
FILE_SLOTS=2048
PC_BURST_MIB=32
MNT=$MNT_BASE/pc
PW=$HELPERS/pcwriter
A='' B=''

say() { echo "# powercut[$MODE] $SECONDS s: $*"; }

# table [OPTARGS]: the mirror's table line (the same on every boot,
# except for the few OPTARGS the burst and resync-cut boots add)
table() { dxm_table "$A" "$B" "$@"; }

# assemble [OPTARGS]: dmsetup create m over the existing legs
assemble() {
	local t
	t=$(table "$@")
	say "dmsetup create m: $t"
	dmsetup create m --table "$t" || { dmesg | tail -n 5; die "assembling failed"; }
	DXM_DEV=/dev/mapper/m
	DXM_LEN=$(echo "$t" | cut -d' ' -f2)
	_wait_blockdev "$DXM_DEV"
	say "status after assembly: $(status_field m line)"
	DOFF=$(status_field m data_offset)
}

check_records() {
	local m rc=0
	for m in write mmap; do
		"$PW" check "$m" "$MNT/pc-$m.dat" 0 "$FILE_SLOTS" "$SEED" "$VM_WORK/ack-$m.log" || rc=1
	done
	return "$rc"
}

verify() {
	local t0=$SECONDS
	wait_action_idle m 900
	assert_eq "$(status_field m health)" AA "health after resync"
	say "resync done after $((SECONDS - t0)) s: $(status_field m line)"
	dmesg | grep -E 'daxmirror.*(resync|rebuild)' | tail -n 3 | sed 's/^/# kernel: /' || true
	legs_same "$A" "$B" "$DOFF" "$DXM_LEN" || die "legs differ after the resync"
	say "legs identical over the data area ($DXM_LEN sectors)"
	"$PW" check raw "$DXM_DEV" "$RAW_OFF" "$RAW_SLOTS" "$SEED" "$VM_WORK/ack-raw.log" ||
		die "acknowledged raw records lost"
	mkdir -p "$MNT"
	mount -t ext4 -o dax "$DXM_DEV" "$MNT"	# replays the journal
	check_records || die "acknowledged file records lost"
	umount "$MNT"
	e2fsck -fn "$DXM_DEV" >"$SCRATCH/fsck.log" 2>&1 || {
		cat "$SCRATCH/fsck.log"
		die "e2fsck -fn found problems"
	}
	say "e2fsck -fn clean"
	echo "VERIFIED"
}

start_writers() {
	local m
	mkdir -p "$MNT"
	mount -t ext4 -o dax "$DXM_DEV" "$MNT"
	WRITERS=()
	for m in write mmap; do
		"$PW" "$m" "$MNT/pc-$m.dat" 0 "$FILE_SLOTS" "$SEED" \
			"$("$PW" next "$VM_WORK/ack-$m.log")" "$VM_WORK/ack-$m.log" &
		WRITERS+=($!)
	done
	"$PW" raw "$DXM_DEV" "$RAW_OFF" "$RAW_SLOTS" "$SEED" \
		"$("$PW" next "$VM_WORK/ack-raw.log")" "$VM_WORK/ack-raw.log" &
	WRITERS+=($!)
	sleep 0.5
	for m in "${WRITERS[@]}"; do
		kill -0 "$m" 2>/dev/null || die "a writer died at start"
	done
	touch "$VM_WORK/pc-writing"
	say "writers running: ${WRITERS[*]}"
}

# the host cuts the power while we wait; a writer that dies is an error
wait_for_cut() {
	local p
	for ((;;)); do
		for p in "${WRITERS[@]}"; do
			kill -0 "$p" 2>/dev/null || die "writer $p died: $(wait "$p"; echo "exit $?")"
		done
		sleep 1
	done
}

burst() {
	local p t
	sleep 3
	for p in "${WRITERS[@]}"; do kill -9 "$p"; done
	wait || true
	# stores after this reach leg 1 only by a flush: make sure none comes
	mount -o remount,commit=600 "$MNT"
	t=$(table sync_interval_ms 0)
	dmsetup reload m --table "$t"
	dmsetup suspend m
	dmsetup resume m
	if [ ! -e "$MNT/pc-burst.dat" ]; then
		fallocate -l "${PC_BURST_MIB}M" "$MNT/pc-burst.dat"
		sync -f "$MNT/pc-burst.dat"
	fi
	"$HELPERS/daxstore" "$MNT/pc-burst.dat" 0 $((PC_BURST_MIB << 20)) "$RANDOM"
	say "after the burst: $(status_field m line)"
	legcmp "$A" "$B" "$DOFF" "$DXM_LEN" || true
	vm_power_cut
}

resync_cut() {
	local s0 s i
	# the resync sweep is to be the only copier: throttled, and no
	# interval sync (it would copy the regions left marked at once: they
	# count as cooling after activation)
	echo 2048 >/sys/module/dm_daxmirror/parameters/sweep_max_kbps
	assemble sync_interval_ms 0
	assert_eq "$(status_field m action)" resync "action after a cut with unflushed stores"
	s0=$(status_field m in_sync)
	for ((i = 0; i < 600; i++)); do
		[ "$(status_field m action)" = resync ] || die "resync ended before it could be cut: $(status_field m line)"
		s=$(status_field m in_sync)
		[ "$s" -gt "$s0" ] && break
		sleep 0.1
	done
	say "cutting during the resync: $(status_field m line)"
	# the cut must find the legs still different, else it proves little
	! legcmp "$A" "$B" "$DOFF" "$DXM_LEN" || die "legs identical already: the cut would not interrupt a needed resync"
	[ "$(status_field m action)" = resync ] || die "resync ended before it could be cut"
	vm_power_cut
}

if [ "${DXM_PC_LEGS:-nvdimm}" = virtio ]; then
	setup_virtio_pmem
	A=$VPMEM0
	B=$VPMEM1
else
	setup_fsdax
	A=$PMEM0
	B=$PMEM1
fi
load_module
case "$MODE" in
first)
	# the host gives fresh (all-zero, so identical) media: nosync is right
	[ -z "$(ls "$VM_WORK"/ack-*.log 2>/dev/null)" ] || die "first boot over used media"
	say "dmsetup create m: $(table nosync)"
	dmsetup create m --table "$(table nosync)"
	DXM_DEV=/dev/mapper/m
	DXM_LEN=$(table | cut -d' ' -f2)
	_wait_blockdev "$DXM_DEV"
	[ $((RAW_OFF / 512 + RAW_SLOTS * 8)) -le "$DXM_LEN" ] || die "raw region beyond the mirror"
	mkfs.ext4 -q -F -b 4096 -E stride=512,stripe_width=512 "$DXM_DEV" $((PC_FS_MIB << 8))
	say "ext4 of $PC_FS_MIB MiB made"
	start_writers
	wait_for_cut
	;;
cycle|burst)
	assemble
	verify
	start_writers
	if [ "$MODE" = burst ]; then
		burst
	fi
	wait_for_cut
	;;
resync-cut)
	resync_cut
	;;
verify)
	assemble
	verify
	dmsetup remove m
	;;
*) die "unknown mode $MODE" ;;
esac
