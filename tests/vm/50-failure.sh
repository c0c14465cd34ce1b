#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 50-failure: leg failure and rebuild.
#   "fail 1" in the middle of fio verify rounds on a DAX ext4: no error
#   reaches fio; a leg that starts failing writes (dm-flakey error_writes)
#   or all I/O (dm-error) under a block-only (no_dax) mirror is failed
#   automatically, no error reaches fio; a blank third NVDIMM put in place
#   of a failed leg by a table reload is rebuilt while fio keeps verifying,
#   legs identical afterwards, data verified; degraded activation with "-";
#   a leg of another mirror set is refused (create and reload); activation
#   after a failure rebuilds the stale leg from the fresh one; a range
#   corrupted on leg 1 behind the mirror's back is counted exactly by
#   "check", fixed by "repair".
# The power cut in the middle of a rebuild is tests/host/50-rebuild-crash.sh.
# vm-run: --nvdimms 3 --nvdimm-size 256
# vm-timeout: 2700
# kernels: 6.1. debug newest
# newest-env: TEST_CASES=^(fail_leg1_under_fio|replace_under_fio|corrupt_check_repair)$
# debug-env: TEST_CASES=^(fail_leg1_under_fio|degraded_activation|foreign_leg_refused|fresh_leg_wins_leg1|corrupt_check_repair)$
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

group_setup setup_fsdax
group_setup load_module
A=$PMEM0
B=$PMEM1
C=${PMEM2:-}
MNT=$MNT_BASE/fs

dax_fs() {
	mkfs_dax ext4 "$DXM_DEV"
	mount_dax "$DXM_DEV" "$MNT"
}

# ------------------------------------------------------------------------

# "fail 1" while fio write+verify rounds run on a DAX ext4 over the mirror
case_fail_leg1_under_fio() {
	local n
	fresh_pair m0 "$A" "$B"
	dax_fs
	fio_loop_start f1 --directory="$MNT" --rw=randwrite --bs=4k --size=16M
	fio_loop_wait_rounds f1 1
	sleep 1
	fio_loop_running f1 || die "fio loop stopped"
	# a round is running (the loop writes its result, then starts the next)
	for ((n = 0; n < 50; n++)); do
		tail -n 1 "$SCRATCH/loop-f1.res" | grep -q started && break
		sleep 0.1
	done
	tail -n 1 "$SCRATCH/loop-f1.res" | grep -q started || die "no fio round running"
	n=$(fio_loop_rounds f1)
	dxm_message m0 fail 1
	show_status m0
	assert_eq "$(status_field m0 health)" AD "health after fail 1"
	fio_loop_wait_rounds f1 $((n + 2))
	fio_loop_stop f1 3
	assert_eq "$(status_field m0 health)" AD "health after the fio rounds"
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	umount "$MNT"
	mount_dax "$DXM_DEV" "$MNT"
	fio_loop_verify f1
	umount "$MNT"
}

# flakey LEG: a pass-through dm-flakey over LEG (never down)
flakey_table() { echo "0 $(sectors "$1") flakey $1 0 3600 0"; }

# block_mirror: legs f0/f1 = dm-flakey over A/B, a no_dax mirror over them
block_mirror() {
	zero_legs "$A" "$B"
	dmsetup create f0 --table "$(flakey_table "$A")"
	dmsetup create f1 --table "$(flakey_table "$B")"
	dxm_create m0 /dev/mapper/f0 /dev/mapper/f1 nosync no_dax
	wait_action_idle m0 120
	assert_eq "$(status_field m0 dax)" nodax "dax field of a no_dax mirror"
}

# swap_table DEV TABLE: replace a dm device's table under I/O
swap_table() {
	dmsetup load "$1" --table "$2"
	dmsetup suspend "$1"
	dmsetup resume "$1"
}

# io_error_case LEG TABLE HEALTH: fio on the raw mirror; mid-round LEG's
# device (f0/f1) gets TABLE; the mirror must fail that leg by itself.
io_error_case() {
	local leg=$1 table=$2 want=$3 n
	block_mirror
	fio_loop_start e1 --filename="$DXM_DEV" --ioengine=psync --direct=1 \
		--rw=randwrite --bs=4k --size=32M
	fio_loop_wait_rounds e1 1
	sleep 1
	fio_loop_running e1 || die "fio loop stopped"
	n=$(fio_loop_rounds e1)
	log "leg $leg (f$leg) now: $table"
	swap_table "f$leg" "$table"
	wait_field m0 health = "$want" 60
	show_status m0
	dmesg_expect "leg $leg \(.*\) failed: "
	fio_loop_wait_rounds e1 $((n + 2))
	fio_loop_stop e1 3
	assert_eq "$(status_field m0 health)" "$want" health
	[ "$(status_field m0 error)" -lt 0 ] || die "error field: $(status_field m0 line)"
	fio_loop_verify e1
}

# leg 1 starts failing every write (dm-flakey error_writes, down forever)
case_write_errors_leg1() {
	io_error_case 1 "0 $(sectors "$B") flakey $B 0 0 3600 1 error_writes" AD
}

# leg 0 (the primary: reads too) starts failing all I/O (dm-error)
case_io_errors_leg0() {
	io_error_case 0 "0 $(sectors "$A") error" DA
}

# a blank third NVDIMM replaces failed leg 1 by a table reload; fio keeps
# verifying through the rebuild
case_replace_under_fio() {
	local r0 r1
	[ -n "$C" ] || skip "needs a third NVDIMM (vm-run --nvdimms 3)"
	fresh_pair m0 "$A" "$B"
	wipe_meta "$C"
	dax_fs
	fio_loop_start r1 --directory="$MNT" --rw=randwrite --bs=4k --size=24M
	fio_loop_wait_rounds r1 1
	dxm_message m0 fail 1
	assert_eq "$(status_field m0 health)" AD "health after fail 1"
	# slow enough that fio rounds run during the rebuild
	set_sweep_kbps 16384
	dmsetup load m0 --table "0 $DXM_LEN daxmirror $A $C"
	dmsetup suspend m0
	dmsetup resume m0
	show_status m0
	assert_eq "$(status_field m0 leg1)" "$(majmin "$C")" "leg 1 after the reload"
	assert_eq "$(status_field m0 health)" Aa "health after the reload"
	assert_eq "$(status_field m0 action)" rebuild "action after the reload"
	r0=$(fio_loop_rounds r1)
	wait_action_idle m0 900
	fio_loop_running r1 || die "fio loop stopped during the rebuild"
	r1=$(fio_loop_rounds r1)
	log "fio rounds completed during the rebuild: $((r1 - r0))"
	set_sweep_kbps 0
	show_status m0
	assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	dmesg_expect "rebuild finished"
	fio_loop_wait_rounds r1 $((r1 + 1))
	fio_loop_stop r1 3
	umount "$MNT"
	legs_identical "$A" "$C" "$DXM_LEN"
	mount_dax "$DXM_DEV" "$MNT"
	fio_loop_verify r1
	umount "$MNT"
	# the replacement is a member for good: re-assembly is clean
	dxm_remove m0
	dxm_create m0 "$A" "$C"
	assert_eq "$(status_field m0 health)" AA "health after re-create"
	assert_eq "$(status_field m0 action)" idle "action after re-create"
}

# degraded activation with "-", and what the next full activation does
case_degraded_activation() {
	local n0
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" 0 2048 501
	dxm_remove m0
	# leg 0 missing
	dxm_create m0 - "$B"
	show_status m0
	assert_eq "$(status_field m0 health)" DA "health with leg 0 given as -"
	check_pattern "$DXM_DEV" 0 2048 501
	dxm_remove m0
	# both again: leg 0 missed the degraded run and is rebuilt from leg 1
	dxm_create m0 "$A" "$B"
	show_status m0
	case "$(status_fields m0 health action)" in
	aA/rebuild|AA/idle) ;;
	*) die "after a degraded run without leg 0: $(status_field m0 line)" ;;
	esac
	check_pattern "$DXM_DEV" 0 2048 501
	wait_action_idle m0 600
	legs_identical "$A" "$B" "$DXM_LEN"
	dxm_remove m0
	# leg 1 missing, with writes
	dxm_create m0 "$A" -
	show_status m0
	assert_eq "$(status_field m0 health)" AD "health with leg 1 given as -"
	check_pattern "$DXM_DEV" 0 2048 501
	write_pattern "$DXM_DEV" 8192 2048 502
	check_pattern "$DXM_DEV" 8192 2048 502
	dxm_remove m0
	# leg 1 dropped out in sync: a re-add copies the 16 regions written
	# without it (one sweep batch: done at once or soon)
	set_sweep_kbps 1024
	n0=$(dmesg_lines)
	dxm_create m0 "$A" "$B"
	show_status m0
	case "$(status_fields m0 health action)" in
	Aa/rebuild|AA/idle) ;;
	*) die "after a degraded run without leg 1: $(status_field m0 line)" ;;
	esac
	dmesg_after "$n0" | grep -q "rebuild of leg 1 started (re-add): 16 marked regions" ||
		die "leg 1 missed writes: no re-add of their 16 regions logged"
	check_pattern "$DXM_DEV" 8192 2048 502
	set_sweep_kbps 0
	wait_action_idle m0 600
	assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	legs_identical "$A" "$B" "$DXM_LEN"
	check_pattern "$DXM_DEV" 0 2048 501
	check_pattern "$DXM_DEV" 8192 2048 502
}

# a leg of another mirror set: refused at create and at a reload, with a
# reason logged and nothing written
case_foreign_leg_refused() {
	local half h0 h1 n0 st
	two_sets "$A" "$B"
	half=$HALF
	h0=$(meta_hash /dev/mapper/a0)
	h1=$(meta_hash /dev/mapper/b1)
	# create with one leg of x and one of y
	n0=$(dmesg_lines)
	expect_fail dmsetup create z --table "$(dxm_table /dev/mapper/a0 /dev/mapper/b1)"
	dmsetup remove z 2>/dev/null || true
	dmesg_after "$n0" | grep -i daxmirror | grep -iE "set|differ|foreign" ||
		die "no reason logged: $(dmesg_after "$n0" | tail -n 3)"
	assert_eq "$(meta_hash /dev/mapper/a0)" "$h0" "metadata of a0 after refusal"
	assert_eq "$(meta_hash /dev/mapper/b1)" "$h1" "metadata of b1 after refusal"
	# x running degraded; a reload that names y's leg as its leg 1
	dxm_create x /dev/mapper/a0 -
	write_pattern "$DXM_DEV" 0 256 531
	st=$(status_field x line)
	h1=$(meta_hash /dev/mapper/b1)
	n0=$(dmesg_lines)
	expect_fail dmsetup load x --table "0 $DXM_LEN daxmirror /dev/mapper/a0 /dev/mapper/b1"
	dmesg_after "$n0" | grep -i daxmirror ||
		die "no reason logged for the reload"
	dmsetup resume x	# no inactive table: nothing changes
	assert_eq "$(status_field x line)" "$st" "x after the refused reload"
	check_pattern "$DXM_DEV" 0 256 531
	assert_eq "$(meta_hash /dev/mapper/b1)" "$h1" "metadata of b1 after the refused reload"
	dxm_remove x
	# both sets still assemble
	dxm_create y /dev/mapper/a1 /dev/mapper/b1
	assert_eq "$(status_field y health)" AA "health of y"
	dxm_remove y
}

# fresh_wins FAILED_LEG: write, fail FAILED_LEG, write new data, remove,
# create with both legs: the stale leg is rebuilt (a re-add of the 64
# regions written without it), reads give the new data meanwhile
fresh_wins() {
	local bad=$1 stale_dev want_health n0
	if [ "$bad" = 1 ]; then
		stale_dev=$B want_health=Aa
	else
		stale_dev=$A want_health=aA
	fi
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" 0 8192 $((540 + bad * 10))
	dxm_message m0 fail "$bad"
	write_pattern "$DXM_DEV" 0 8192 $((541 + bad * 10))
	dxm_remove m0
	# the failed leg really holds the old data
	check_pattern "$stale_dev" 0 8192 $((540 + bad * 10))
	# 2 s between sweep batches of 32 regions: the second is still due
	set_sweep_kbps 1024
	n0=$(dmesg_lines)
	dxm_create m0 "$A" "$B"
	show_status m0
	assert_eq "$(status_fields m0 health action)" "$want_health/rebuild" \
		"health/action: stale leg $bad"
	dmesg_after "$n0" | grep -q "rebuild of leg $bad started (re-add): 64 marked regions" ||
		die "no re-add of the 64 regions written without leg $bad logged"
	check_pattern "$DXM_DEV" 0 8192 $((541 + bad * 10))
	set_sweep_kbps 0
	wait_action_idle m0 600
	assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	legs_identical "$A" "$B" "$DXM_LEN"
	check_pattern "$DXM_DEV" 0 8192 $((541 + bad * 10))
}
case_fresh_leg_wins_leg1() { fresh_wins 1; }
case_fresh_leg_wins_leg0() { fresh_wins 0; }

# corrupt sectors of leg 1 while the mirror is suspended: check counts
# exactly them, repair fixes them, a second check counts 0
case_corrupt_check_repair() {
	local n=$((24 + 5 + 1))
	fresh_pair m0 "$A" "$B"
	write_pattern "$DXM_DEV" 0 65536 561
	dxm_message m0 flush
	dmsetup suspend m0
	write_pattern "$B" 20483 24 562		# across a page boundary
	write_pattern "$B" 40000 5 563
	write_pattern "$B" $((DXM_LEN - 1)) 1 564	# the last data sector
	dmsetup resume m0
	dxm_message m0 check
	wait_action_idle m0 600
	show_status m0
	assert_eq "$(status_field m0 mismatches)" "$n" "mismatches found by check"
	expect_fail legs_identical "$A" "$B" "$DXM_LEN"
	check_pattern "$DXM_DEV" 0 65536 561
	dxm_message m0 repair
	wait_action_idle m0 600
	show_status m0
	assert_eq "$(status_field m0 mismatches)" "$n" "mismatches found by repair"
	dxm_message m0 check
	wait_action_idle m0 600
	assert_eq "$(status_field m0 mismatches)" 0 "mismatches after repair"
	legs_identical "$A" "$B" "$DXM_LEN"
	check_pattern "$DXM_DEV" 0 65536 561
}

run_case fail_leg1_under_fio case_fail_leg1_under_fio
run_case write_errors_leg1 case_write_errors_leg1
run_case io_errors_leg0 case_io_errors_leg0
run_case replace_under_fio case_replace_under_fio
run_case degraded_activation case_degraded_activation
run_case foreign_leg_refused case_foreign_leg_refused
run_case fresh_leg_wins_leg1 case_fresh_leg_wins_leg1
run_case fresh_leg_wins_leg0 case_fresh_leg_wins_leg0
run_case corrupt_check_repair case_corrupt_check_repair
finish
