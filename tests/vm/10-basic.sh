#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 10-basic: dm-daxmirror over two fsdax NVDIMMs: creation and status,
# DAX filesystems with fio verification and 2 MiB faults, raw block I/O,
# a read error served from the other leg, table reload, suspend/resume
# under load, malformed tables and messages refused without side effects,
# corrupted superblocks refused, module unload/reload, messages, a
# mirror's own sweep rate limit (sweep_max_kbps) beside the module's.
# vm-run: --nvdimms 2 --nvdimm-size 512
# vm-timeout: 3600
# kernels: 6.1. debug newest
# newest-env: TEST_CASES=^(create_status|fs_ext4|reload_roundtrip|messages)$
# debug-env: TEST_CASES=^(messages|module_cycles)$
# shellcheck disable=SC2154  # G_* come from dxm_geometry
. "$(dirname "$0")/../lib.sh"

group_setup setup_fsdax
group_setup load_module
A=$PMEM0
B=$PMEM1

# small_legs MiB: legs A and B become dm-linear slices of that size at the
# start of each NVDIMM (DAX-capable too), for cases whose point is not the
# size: full copies (resync, rebuild, comparisons) then cost less
small_legs() {
	dmsetup create sa --table "0 $(($1 * 2048)) linear $PMEM0 0"
	dmsetup create sb --table "0 $(($1 * 2048)) linear $PMEM1 0"
	A=/dev/mapper/sa
	B=/dev/mapper/sb
}

# fresh_mirror NAME [OPTARGS...]: both legs zeroed, a nosync mirror over
# them (legs identical from the start, no initial copy to wait for).
fresh_mirror() {
	local name=$1
	shift
	zero_legs "$A" "$B"
	dxm_create "$name" "$A" "$B" nosync "$@"
	wait_action_idle "$name" 60
}

# check_idle_status NAME [MISMATCHES]: every field of a healthy idle mirror
check_idle_status() {
	local name=$1 total
	total=$(dxm_usable_sectors "$A" "$B")
	log "status: $(status_field "$name" line)"
	assert_eq "$(status_field "$name" leg0)" "$(majmin "$A")" "leg0"
	assert_eq "$(status_field "$name" leg1)" "$(majmin "$B")" "leg1"
	assert_eq "$(status_field "$name" health)" AA health
	assert_eq "$(status_field "$name" sync)" "$total/$total" sync
	assert_eq "$(status_field "$name" action)" idle action
	assert_eq "$(status_field "$name" mismatches)" "${2:-0}" mismatches
	assert_eq "$(status_field "$name" remapped)" 0/0 remapped
	assert_eq "$(status_field "$name" spare_free)" 256/256 spare_free
	assert_eq "$(status_field "$name" lost_pages)" 0 lost_pages
	assert_eq "$(status_field "$name" data_offset)" 0 data_offset
	assert_eq "$(status_field "$name" dax)" dax dax
	assert_eq "$(status_field "$name" error)" 0 error
	assert_eq "$(status_field "$name" io_errors)" 0/0 io_errors
}

# ------------------------------------------------------------------------

case_create_status() {
	local len sb
	wipe_meta "$A" "$B"
	dxm_create m0 "$A" "$B"
	len=$DXM_LEN
	assert_eq "$(cat "$(dm_sysdir m0)/queue/dax")" 1 "queue/dax"
	assert_eq "$(sectors "$DXM_DEV")" "$len" "device size"
	case "$(status_field m0 health)" in
	AA|aA|Aa) ;;
	*) die "unexpected health after create: $(status_field m0 line)" ;;
	esac
	wait_action_idle m0 900
	check_idle_status m0
	assert_eq "$(dmsetup table m0)" "0 $len daxmirror $(majmin "$A") $(majmin "$B")" table
	# each leg carries a superblock with the magic at its last 4 KiB block
	for leg in "$A" "$B"; do
		dxm_geometry "$leg"
		sb=$(dd if="$leg" iflag=direct,skip_bytes bs=4096 count=1 \
			skip=$((G_sb_offset * 512)) status=none | od -An -tx8 -N8 | tr -d ' ')
		assert_eq "$sb" "$G_magic" "superblock magic (le64) on $leg"
	done
	dxm_remove m0
	# activation of formatted legs after a clean stop: in sync at once
	dxm_create m0 "$A" "$B"
	assert_eq "$(status_field m0 health)" AA "health after re-create"
	assert_eq "$(status_field m0 action)" idle "action after re-create"
	check_idle_status m0
	dxm_remove m0
}

# blank legs with different data: the initial copy makes leg 1 like leg 0
# (leg 0 may hold an existing filesystem that the mirror takes in place)
case_initial_sync() {
	local len
	small_legs 128
	wipe_meta "$A" "$B"
	write_pattern "$A" 0 8192 11
	write_pattern "$B" 0 8192 12
	write_pattern "$A" 200000 2048 13
	dxm_create m0 "$A" "$B"
	len=$DXM_LEN
	wait_action_idle m0 900
	check_idle_status m0
	check_pattern "$DXM_DEV" 0 8192 11
	check_pattern "$DXM_DEV" 200000 2048 13
	legs_identical "$A" "$B" "$len"
	dxm_remove m0
}

# fs_case FSTYPE: DAX filesystem on the mirror, fio with three engines,
# 2 MiB faults, then both legs identical after umount
fs_case() {
	local fs=$1 mnt=$MNT_BASE/fs
	fresh_mirror m0
	mkfs_dax "$fs" "$DXM_DEV"
	mount_dax "$DXM_DEV" "$mnt"
	run_fio psync --directory="$mnt" --ioengine=psync --rw=randwrite \
		--bs=4k --size=32M --fsync=64 --verify=crc32c --do_verify=1
	run_fio mmap --directory="$mnt" --ioengine=mmap --rw=randwrite \
		--bs=4k --size=32M --verify=crc32c --do_verify=1
	run_fio libpmem --directory="$mnt" --ioengine=libpmem --rw=randwrite \
		--bs=4k --size=32M --verify=crc32c --do_verify=1
	check_pmd_faults "$mnt"
	umount "$mnt"
	assert_eq "$(status_field m0 hot_regions)" 0 "hot regions after umount"
	assert_eq "$(status_field m0 health)" AA health
	legs_identical "$A" "$B" "$DXM_LEN"
	# the data are readable again after a remount
	mount_dax "$DXM_DEV" "$mnt"
	run_fio psync-reread --filename="$mnt/psync.0.0" --ioengine=psync \
		--rw=randwrite --bs=4k --size=32M --verify=crc32c --verify_only=1
	umount "$mnt"
	dxm_remove m0
}
case_fs_ext4() { fs_case ext4; }
case_fs_xfs() { fs_case xfs; }

case_raw_fio() {
	small_legs 192
	fresh_mirror m0
	run_fio direct --filename="$DXM_DEV" --ioengine=psync --direct=1 \
		--rw=randwrite --bsrange=512-128k --size=64M --verify=crc32c \
		--do_verify=1
	run_fio aio --filename="$DXM_DEV" --ioengine=libaio --iodepth=16 \
		--direct=1 --rw=randwrite --bs=4k --offset=64M --size=64M \
		--verify=crc32c --do_verify=1
	run_fio buffered --filename="$DXM_DEV" --ioengine=psync --rw=write \
		--bs=64k --offset=128M --size=32M --verify=crc32c --do_verify=1 \
		--end_fsync=1
	assert_eq "$(status_field m0 health)" AA health
	legs_identical "$A" "$B" $((160 * 2048))
	dxm_remove m0
}

case_reload_roundtrip() {
	local t0 t1
	small_legs 96
	wipe_meta "$A" "$B"
	zero_legs "$A" "$B"
	dxm_create m0 "$A" "$B" region_size 256 spare_pages 128 \
		sync_interval_ms 500 nosync
	wait_action_idle m0 60
	write_pattern "$DXM_DEV" 2048 4096 21
	t0=$(dmsetup table m0)
	assert_eq "$t0" "0 $DXM_LEN daxmirror $(majmin "$A") $(majmin "$B") 7 region_size 256 spare_pages 128 sync_interval_ms 500 nosync" "table"
	dmsetup table m0 | dmsetup load m0
	dmsetup resume m0
	t1=$(dmsetup table m0)
	assert_eq "$t1" "$t0" "table after reload"
	assert_eq "$(status_field m0 health)" AA health
	assert_eq "$(status_field m0 spare_free)" 128/128 spare_free
	check_pattern "$DXM_DEV" 2048 4096 21
	# a changed table takes effect
	dmsetup load m0 --table "${t0/sync_interval_ms 500/sync_interval_ms 700}"
	dmsetup resume m0
	dmsetup table m0 | grep -q "sync_interval_ms 700" || die "reload did not apply"
	write_pattern "$DXM_DEV" 8192 2048 22
	check_pattern "$DXM_DEV" 2048 4096 21
	check_pattern "$DXM_DEV" 8192 2048 22
	dxm_remove m0
	legs_identical "$A" "$B" 16384
}

case_suspend_under_load() {
	local pid i rc=0
	small_legs 128
	fresh_mirror m0
	(cd "$SCRATCH" && exec fio --eta=never --name=load --filename="$DXM_DEV" \
		--ioengine=psync --direct=1 --rw=randwrite --bs=4k --size=64M \
		--time_based --runtime=30 --verify=crc32c --verify_backlog=512 \
		--verify_fatal=1 --output="$SCRATCH/fio-load.log") &
	pid=$!
	for i in 1 2 3 4 5 6; do
		sleep 3
		dmsetup suspend m0
		log "suspended ($i): $(status_field m0 line)"
		sleep 0.5
		dmsetup resume m0
	done
	wait "$pid" || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 30 "$SCRATCH/fio-load.log" >&2
		die "fio under suspend/resume failed ($rc)"
	fi
	assert_eq "$(status_field m0 health)" AA health
	assert_eq "$(status_field m0 error)" 0 error
	legs_identical "$A" "$B" $((64 * 2048))
	dxm_remove m0
}

# refuse TABLE...: each table is refused with a reason in the kernel log;
# the legs' metadata and first MiB are unchanged.
refuse_tables() {
	local t n0 h0 h1 i=0
	h0=$(meta_hash "$A")
	h1=$(meta_hash "$B")
	for t in "$@"; do
		i=$((i + 1))
		n0=$(dmesg_lines)
		if dmsetup create bad --table "$t" 2>/dev/null; then
			die "table accepted: $t"
		fi
		dmsetup remove bad 2>/dev/null || true
		grep -q daxmirror <<<"$(dmesg_after "$n0")" ||
			die "no reason in the kernel log for: $t"
		log "refused ($i): $t -> $(dmesg_after "$n0" | grep daxmirror | head -n 1 | sed 's/^\[[^]]*\] //')"
	done
	assert_eq "$(meta_hash "$A")" "$h0" "leg 0 after refused tables"
	assert_eq "$(meta_hash "$B")" "$h1" "leg 1 after refused tables"
}

bad_tables() {
	local len=$1 small=$2
	local l="0 $len daxmirror"
	printf '%s\n' \
		"$l" \
		"$l $A" \
		"$l $A $A" \
		"$l $A $(majmin "$A")" \
		"$l $A /dev/nonexistent" \
		"$l - -" \
		"$l $A $B 1 bogus" \
		"$l $A $B 1 region_size" \
		"$l $A $B 2 region_size 24" \
		"$l $A $B 2 region_size 4" \
		"$l $A $B 2 region_size 0" \
		"$l $A $B 2 region_size 4096" \
		"$l $A $B 2 region_size 128x" \
		"$l $A $B 2 region_size -128" \
		"$l $A $B 3 region_size 128" \
		"$l $A $B x" \
		"$l $A $B 11 nosync nosync nosync nosync nosync nosync nosync nosync nosync nosync nosync" \
		"$l $A $B 2 spare_pages 1048577" \
		"$l $A $B 2 spare_pages 99999999999999999999" \
		"$l $A $B 2 spare_pages 1048576" \
		"$l $A $B 2 sync_interval_ms 3600001" \
		"$l $A $B 2 rebuild 2" \
		"$l $A $B 2 rebuild -1" \
		"$l - $B 2 rebuild 0" \
		"$l $A - 2 rebuild 0" \
		"$l $A $B 0 junk" \
		"$l $A $B 1 nosync extra" \
		"$l $A $B 4 region_size 128 region_size 256" \
		"$l $A $B 2 no_dax no_dax" \
		"$l $A $B 2 nosync 1" \
		"0 $((len + 8)) daxmirror $A $B" \
		"0 $len daxmirror $small $B"
}

case_malformed_tables() {
	local len n tables
	dmsetup create small --table "0 2048 linear $A 0"
	n=$(sectors "$B")
	len=$(dxm_usable_sectors "$A" "$B")
	# blank legs: refused tables format nothing
	wipe_meta "$A" "$B"
	mapfile -t tables < <(bad_tables "$len" /dev/mapper/small)
	[ "${#tables[@]}" -ge 15 ] || die "too few tables"
	refuse_tables "${tables[@]}"
	assert_eq "$(hash_range "$B" $((n - 8)) 8)" \
		"$(head -c 4096 /dev/zero | sha256sum | cut -d' ' -f1)" "leg 1 still blank"
	# formatted legs: the same, plus a spare pool that does not match
	dxm_create m0 "$A" "$B" nosync
	dxm_remove m0
	refuse_tables "${tables[@]}" "0 $len daxmirror $A $B 2 spare_pages 64"
	dxm_create m0 "$A" "$B"
	assert_eq "$(status_field m0 health)" AA "health after all refusals"
	dxm_remove m0
	dmsetup remove small
}

# legs from two different mirror sets are refused
case_different_sets() {
	local half h n0
	two_sets "$A" "$B"
	half=$HALF
	h=$(hash_range /dev/mapper/b1 $((half - 65536)) 65536)
	n0=$(dmesg_lines)
	expect_fail dmsetup create z --table "$(dxm_table /dev/mapper/a0 /dev/mapper/b1)"
	dmsetup remove z 2>/dev/null || true
	dmesg_after "$n0" | grep daxmirror || die "no reason logged"
	assert_eq "$(hash_range /dev/mapper/b1 $((half - 65536)) 65536)" "$h" "leg metadata"
	# the right pairs still assemble
	dxm_create x /dev/mapper/a0 /dev/mapper/b0
	assert_eq "$(status_field x health)" AA health
	dxm_remove x
}

case_malformed_messages() {
	local m n0 st0 h0 h1 len i=0
	small_legs 96
	fresh_mirror m0
	len=$DXM_LEN
	dxm_message m0 flush
	st0=$(status_field m0 line)
	h0=$(meta_hash "$A")
	h1=$(meta_hash "$B")
	for m in "bogus" "FLUSHX" "flush 1" "flush 1 2 3" "flush abc 8" \
		"flush 0 8x" "flush 0 0" "flush $len 8" "flush 0 $((len + 8))" \
		"flush -1 8" "flush 8 -8" "fail" "fail 2" "fail x" "fail 0 junk" \
		"fail -1" "rebuild" "rebuild 2" "rebuild 1 1" "check now" \
		"repair 1" "idle 0" "rescan 0"; do
		i=$((i + 1))
		n0=$(dmesg_lines)
		# shellcheck disable=SC2086
		if dmsetup message -- m0 0 $m 2>/dev/null; then
			die "message accepted: $m"
		fi
		grep -q daxmirror <<<"$(dmesg_after "$n0")" ||
			die "no reason in the kernel log for message: $m"
		log "refused ($i): $m -> $(dmesg_after "$n0" | grep daxmirror | head -n 1 | sed 's/^\[[^]]*\] //')"
	done
	assert_eq "$(status_field m0 line)" "$st0" "status after refused messages"
	assert_eq "$(meta_hash "$A")" "$h0" "leg 0 after refused messages"
	assert_eq "$(meta_hash "$B")" "$h1" "leg 1 after refused messages"
	dxm_remove m0
}

case_messages() {
	small_legs 96
	fresh_mirror m0
	write_pattern "$DXM_DEV" 0 8192 31
	dxm_message m0 flush
	dxm_message m0 flush 0 8
	dxm_message m0 flush 4096 4096
	dxm_message m0 rescan
	dxm_message m0 check
	wait_action_idle m0 900
	assert_eq "$(status_field m0 mismatches)" 0 "mismatches after check"
	dxm_message m0 repair
	wait_action_idle m0 900
	dxm_message m0 check
	dxm_message m0 idle
	wait_action_idle m0 60
	# a difference planted on leg 1 behind the mirror's back: check counts
	# it, repair fixes it
	write_pattern "$B" 16384 8 32
	dxm_message m0 check
	wait_action_idle m0 900
	[ "$(status_field m0 mismatches)" -eq 8 ] || die "check: want 8 mismatched sectors: $(status_field m0 line)"
	expect_fail legs_identical "$A" "$B" 32768 2>/dev/null
	assert_eq "$(hash_range "$B" 16384 8)" "$(pattern 32 4096 | sha256sum | cut -d' ' -f1)" "check changed leg 1"
	dxm_message m0 repair
	wait_action_idle m0 900
	assert_eq "$(status_field m0 mismatches)" 8 "mismatches found by repair"
	legs_identical "$A" "$B" 32768
	check_pattern "$DXM_DEV" 0 8192 31
	# rebuild a live leg
	dxm_message m0 rebuild 1
	case "$(status_fields m0 action health)" in
	rebuild/Aa|idle/AA) ;;
	*) die "after rebuild 1: $(status_field m0 line)" ;;
	esac
	wait_action_idle m0 900
	check_idle_status m0 8	# mismatches: of the last check/repair
	legs_identical "$A" "$B" "$DXM_LEN"
	# fail a leg: degraded, I/O continues; the last good leg cannot fail
	dxm_message m0 fail 1
	assert_eq "$(status_field m0 health)" AD "health after fail 1"
	expect_fail dxm_message m0 fail 0
	write_pattern "$DXM_DEV" 8192 2048 33
	check_pattern "$DXM_DEV" 8192 2048 33
	# bring it back: reload with "rebuild 1"
	dmsetup load m0 --table "0 $DXM_LEN daxmirror $A $B 2 rebuild 1"
	dmsetup resume m0
	wait_action_idle m0 900
	assert_eq "$(status_field m0 health)" AA "health after rebuild"
	legs_identical "$A" "$B" "$DXM_LEN"
	check_pattern "$DXM_DEV" 8192 2048 33
	dxm_remove m0
}

# the module parameter every mirror without a limit of its own follows
SWEEP_PARAM=/sys/module/dm_daxmirror/parameters/sweep_max_kbps
extra_cleanup() { echo 0 >"$SWEEP_PARAM" 2>/dev/null || true; }

# swept_below NAME PERCENT: the running sweep has gone past less than
# PERCENT of the data area
swept_below() {
	local s
	s=$(status_field "$1" sweep)
	[ "$s" != - ] && [ $((${s%/*} * 100)) -lt $((${s#*/} * $2)) ]
}

# sweep_max_kbps: a mirror's own sweep rate limit (table argument and
# message) beside the module parameter the others follow; a reload keeps
# it; bad values are refused and change nothing
case_sweep_rate() {
	local t
	dmsetup create sra --table "0 131072 linear $PMEM0 0"
	dmsetup create srb --table "0 131072 linear $PMEM1 0"
	dmsetup create src --table "0 131072 linear $PMEM0 131072"
	dmsetup create srd --table "0 131072 linear $PMEM1 131072"
	zero_legs /dev/mapper/sra /dev/mapper/srb /dev/mapper/src /dev/mapper/srd
	echo 256 >"$SWEEP_PARAM"
	dxm_create r1 /dev/mapper/sra /dev/mapper/srb nosync sweep_max_kbps 0
	dxm_create r2 /dev/mapper/src /dev/mapper/srd nosync
	case "$(dmsetup table r1)" in
	*" sweep_max_kbps 0"*) ;;
	*) die "r1's table line lacks its sweep_max_kbps: $(dmsetup table r1)" ;;
	esac
	case "$(dmsetup table r2)" in
	*sweep_max_kbps*) die "r2's table line has a sweep_max_kbps: $(dmsetup table r2)" ;;
	esac
	# r1 sweeps unthrottled, r2 at the module's 256 KiB/s (64 MiB: 4 min)
	dxm_message r1 check
	dxm_message r2 check
	wait_action_idle r1 300
	assert_eq "$(status_field r2 action)" check "r2 (throttled by the module) still checking when r1 ended"
	swept_below r2 50 || die "r2 swept too far for 256 KiB/s: $(status_field r2 line)"
	# a limit of its own by message: r2 goes on at once, unthrottled
	dxm_message r2 sweep_max_kbps 0
	wait_action_idle r2 300
	case "$(dmsetup table r2)" in
	*" sweep_max_kbps 0"*) ;;
	*) die "r2's table line lacks the limit set by message: $(dmsetup table r2)" ;;
	esac
	# and the other way: the module unthrottled, r1 limited by message,
	# kept across a reload of its own table line
	echo 0 >"$SWEEP_PARAM"
	dxm_message r1 sweep_max_kbps 256
	t=$(dmsetup table r1)
	dmsetup load r1 --table "$t"
	dmsetup suspend r1
	dmsetup resume r1
	assert_eq "$(dmsetup table r1)" "$t" "r1's table line after a reload"
	dxm_message r1 check
	dxm_message r2 check
	wait_action_idle r2 300
	assert_eq "$(status_field r1 action)" check "r1 (256 KiB/s by message) still checking when r2 ended"
	swept_below r1 50 || die "r1 swept too far for 256 KiB/s: $(status_field r1 line)"
	dxm_message r1 idle
	wait_action_idle r1 60
	# bad values: refused, the limit stays
	expect_fail dxm_message r1 sweep_max_kbps 100000001
	expect_fail dxm_message r1 sweep_max_kbps fast
	expect_fail dxm_message r1 sweep_max_kbps
	expect_fail dxm_message r1 sweep_max_kbps 1 2
	assert_eq "$(dmsetup table r1)" "$t" "r1's table line after refused messages"
	expect_fail dmsetup create r3 --table "0 65536 daxmirror /dev/mapper/src /dev/mapper/srd 2 sweep_max_kbps 100000001"
	expect_fail dmsetup create r3 --table "0 65536 daxmirror /dev/mapper/src /dev/mapper/srd 4 sweep_max_kbps 1 sweep_max_kbps 1"
	dmesg_has "Invalid sweep_max_kbps" || die "no reason logged for a bad sweep_max_kbps"
	dxm_remove r1
	dxm_remove r2
}

# flip_bytes FILE SEED-DRIVEN COUNT: xor COUNT random bytes of FILE
flip_bytes() {
	local f=$1 n=$2 off old new j
	for ((j = 0; j < n; j++)); do
		off=$((RANDOM % 4096))
		old=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ')
		new=$((old ^ (1 + RANDOM % 255)))
		printf "$(printf '\\%03o' "$new")" |
			dd of="$f" bs=1 seek="$off" conv=notrunc status=none
	done
}

case_corrupt_superblock() {
	local seed=${DXM_SEED:-$(( $(date +%s) % 100000 ))} iters=${DXM_SB_ITERS:-25}
	local it leg dev nflips n0 sb
	small_legs 96
	echo "corrupt_superblock: seed=$seed iterations=$iters (rerun: DXM_SEED=$seed)"
	RANDOM=$seed
	fresh_mirror m0
	dxm_remove m0
	declare -A sbo
	for leg in 0 1; do
		[ "$leg" = 0 ] && dev=$A || dev=$B
		dxm_geometry "$dev"
		sbo[$leg]=$G_sb_offset
		dd if="$dev" iflag=direct,skip_bytes bs=4096 count=1 \
			skip=$((G_sb_offset * 512)) of="$SCRATCH/sb$leg" status=none
	done
	for ((it = 1; it <= iters; it++)); do
		leg=$((RANDOM % 2))
		[ "$leg" = 0 ] && dev=$A || dev=$B
		nflips=$((1 + RANDOM % 4))
		cp "$SCRATCH/sb$leg" "$SCRATCH/bad"
		flip_bytes "$SCRATCH/bad" "$nflips"
		cmp -s "$SCRATCH/bad" "$SCRATCH/sb$leg" && continue	# flips cancelled out
		dd if="$SCRATCH/bad" of="$dev" oflag=direct,seek_bytes bs=4096 \
			seek=$((sbo[$leg] * 512)) conv=notrunc status=none
		n0=$(dmesg_lines)
		if dmsetup create m0 --table "$(dxm_table "$A" "$B")" 2>/dev/null; then
			cmp -l "$SCRATCH/bad" "$SCRATCH/sb$leg" | head -n 8 >&2 || true
			die "iteration $it (seed $seed): corrupted superblock on leg $leg accepted"
		fi
		dmsetup remove m0 2>/dev/null || true
		grep -q daxmirror <<<"$(dmesg_after "$n0")" ||
			die "iteration $it: no reason logged"
		# nothing was written: the corrupted block is still there as is
		sb=$(dd if="$dev" iflag=direct,skip_bytes bs=4096 count=1 \
			skip=$((sbo[$leg] * 512)) status=none | sha256sum)
		assert_eq "$sb" "$(sha256sum <"$SCRATCH/bad")" "leg $leg superblock after refusal"
		dd if="$SCRATCH/sb$leg" of="$dev" oflag=direct,seek_bytes bs=4096 \
			seek=$((sbo[$leg] * 512)) conv=notrunc status=none
	done
	log "last refusal: $(dmesg_after "$n0" | grep daxmirror | head -n 1)"
	# restored superblocks assemble again
	dxm_create m0 "$A" "$B"
	assert_eq "$(status_field m0 health)" AA "health after restore"
	dxm_remove m0
}

case_module_cycles() {
	local i
	small_legs 96
	for i in 1 2 3; do
		load_module
		dxm_create m0 "$A" "$B"
		write_pattern "$DXM_DEV" $((i * 2048)) 2048 $((40 + i))
		expect_fail rmmod dm_daxmirror
		dxm_remove m0
		unload_module
		grep -q '^dm_daxmirror ' /proc/modules && die "module still loaded"
	done
	load_module
	dxm_create m0 "$A" "$B"
	for i in 1 2 3; do
		check_pattern "$DXM_DEV" $((i * 2048)) 2048 $((40 + i))
	done
	dxm_remove m0
}

# last: NVDIMM poison stays for the rest of the boot (writes fail)
case_read_error_leg0() {
	local s=65536 i rm
	fresh_mirror m0
	write_pattern "$DXM_DEV" "$s" 64 51
	inject_poison "$A" $((s + 16)) 8
	expect_fail dd if="$A" of=/dev/null iflag=direct,skip_bytes bs=4096 \
		skip=$(((s + 16) * 512)) count=1 status=none
	# the read through the mirror succeeds with the right data
	check_pattern "$DXM_DEV" "$s" 64 51
	assert_eq "$(status_field m0 health)" AA "health after the read error"
	assert_eq "$(status_field m0 io_errors1)" 0 "leg 1's I/O errors"
	log "I/O errors after the read: $(status_field m0 io_errors) (leg 0: 1 unless the poll repaired the page first)"
	# the bad page of leg 0 is repaired: NVDIMM poison is sticky, so a
	# remap to a spare page
	for ((i = 0; i < 60; i++)); do
		rm=$(status_field m0 remapped0)
		[ "$rm" -ge 1 ] && break
		sleep 1
	done
	log "after repair: $(status_field m0 line)"
	[ "$rm" -ge 1 ] || die "leg 0 not repaired (remapped0=$rm)"
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	check_pattern "$DXM_DEV" "$s" 64 51
	# still good after re-activation (the remap is persistent)
	dxm_remove m0
	dxm_create m0 "$A" "$B"
	assert_eq "$(status_field m0 remapped0)" "$rm" "remapped0 after re-create"
	assert_eq "$(status_field m0 io_errors)" 0/0 "I/O errors after re-create (counted per load)"
	check_pattern "$DXM_DEV" "$s" 64 51
	dxm_remove m0
}

run_case create_status case_create_status
run_case initial_sync case_initial_sync
run_case fs_ext4 case_fs_ext4
run_case fs_xfs case_fs_xfs
run_case raw_fio case_raw_fio
run_case reload_roundtrip case_reload_roundtrip
run_case suspend_under_load case_suspend_under_load
run_case malformed_tables case_malformed_tables
run_case different_sets case_different_sets
run_case malformed_messages case_malformed_messages
run_case messages case_messages
run_case sweep_rate case_sweep_rate
run_case corrupt_superblock case_corrupt_superblock
run_case module_cycles case_module_cycles
run_case read_error_leg0 case_read_error_leg0
finish
