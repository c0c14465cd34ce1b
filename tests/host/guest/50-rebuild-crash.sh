#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of tests/host/50-rebuild-crash.sh (three NVDIMMs; two boots
# over the same media, the first one ended by a power cut).
#   start:  mirror of NVDIMMs 0 and 1 with data; leg 1 failed; a blank
#           NVDIMM 2 replaces it (table reload); the rebuild runs,
#           throttled, with a writer busy on the mirror; the progress
#           (<in_sync>, guest uptime) goes to $VM_WORK/progress every
#           0.25 s; once the rebuild is past DXM_CRASH_AT_PCT (20) % the
#           guest has vm-run kill QEMU (vm_power_cut: kill -9, like
#           --kill-after, but at a known point of the rebuild however
#           slow the boot was).
#   resume: (next boot) activation resumes the rebuild from its
#           checkpoint: <in_sync> is not back to 0 and not below what
#           was seen a checkpoint interval (+ margin) before the cut; the
#           rebuild completes, legs identical, data right.
# shellcheck disable=SC2154
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../lib-fault.sh"

PHASE=${1:?usage: $0 start|resume}
GROUP=50-rebuild-crash
PROGRESS=$VM_WORK/progress
DATA=131072		# sectors of pattern 601 at 0 (64 MiB)
WS=262144		# the writer's 1 MiB at this sector: pattern 602
KBPS=${DXM_CRASH_KBPS:-4096}
AT_PCT=${DXM_CRASH_AT_PCT:-20}
MARGIN=${DXM_CRASH_MARGIN:-2.5}	# s: checkpoint interval (1 s) + slack

group_setup setup_fsdax
group_setup load_module
[ "${#PMEM[@]}" -ge 3 ] || { echo "SKIP-REASON: needs vm-run --nvdimms 3"; exit 77; }
A=$PMEM0
B=$PMEM1
C=$PMEM2

start() {
	local line i=0 t0 in_sync total
	rm -f "$PROGRESS" "$VM_WORK/trace"
	dmesg_mark start
	wipe_meta "$A" "$B" "$C"
	dxm_create m0 "$A" "$B" nosync
	write_pattern "$DXM_DEV" 0 "$DATA" 601
	write_pattern "$DXM_DEV" "$WS" 2048 602
	dxm_message m0 fail 1
	echo "$KBPS" >/sys/module/dm_daxmirror/parameters/sweep_max_kbps
	dmsetup load m0 --table "0 $DXM_LEN daxmirror $A $C"
	dmsetup suspend m0
	dmsetup resume m0
	show_status m0
	[ "$(status_field m0 action)" = rebuild ] || die "no rebuild after the reload"
	echo "LEN=$DXM_LEN" >"$VM_WORK/state"
	# a writer: the same data again and again (any cut leaves it intact)
	(while :; do write_pattern "$DXM_DEV" "$WS" 2048 602; sleep 0.1; done) &
	log "rebuild running at $KBPS KiB/s; power cut past $AT_PCT %"
	t0=$(cut -d' ' -f1 /proc/uptime)
	RANDOM=$$
	while :; do
		in_sync=$(status_field m0 in_sync)
		total=$(status_field m0 total)
		line="$(cut -d' ' -f1 /proc/uptime) $in_sync $(status_field m0 action)"
		echo "$line" >>"$PROGRESS"
		if [ $((in_sync * 100)) -ge $((total * AT_PCT)) ] &&
		   awk -v a="$t0" -v b="${line%% *}" -v m="$MARGIN" 'BEGIN { exit !(b - a > m + 1) }'; then
			sleep "0.$((RANDOM % 10))"	# anywhere between two checkpoints
			echo "$(cut -d' ' -f1 /proc/uptime) $(status_field m0 in_sync) $(status_field m0 action)" >>"$PROGRESS"
			[ -s "$SCRATCH/trace" ] || check_dmesg >/dev/null 2>"$SCRATCH/trace" || cp "$SCRATCH/trace" "$VM_WORK/trace"
			vm_power_cut
		fi
		# no run_case here (the power cut ends this boot): look for
		# kernel traces as we go, for the host driver to report
		if [ $((i++ % 8)) = 0 ] && ! check_dmesg >/dev/null 2>"$SCRATCH/trace"; then
			cp "$SCRATCH/trace" "$VM_WORK/trace"
		fi
		sleep 0.25
	done
}

case_resume() {
	local last_t safe seen now total
	[ -s "$PROGRESS" ] || die "no progress recorded before the cut"
	. "$VM_WORK/state"
	log "last progress lines before the cut:"
	tail -n 3 "$PROGRESS" | sed 's/^/#   /'
	grep -q ' rebuild$' "$PROGRESS" || die "the rebuild never ran before the cut"
	tail -n 1 "$PROGRESS" | grep -q ' rebuild$' ||
		die "the rebuild ended before the cut (lower DXM_CRASH_KBPS)"
	last_t=$(tail -n 1 "$PROGRESS" | cut -d' ' -f1)
	# the most progress seen MARGIN s before the last record: a checkpoint
	# at least that far must be on the media
	safe=$(awk -v t="$last_t" -v m="$MARGIN" '$3 == "rebuild" && $1 <= t - m && $2 > s { s = $2 } END { print s + 0 }' "$PROGRESS")
	seen=$(tail -n 1 "$PROGRESS" | cut -d' ' -f2)
	log "progress before the cut: $seen sectors (last), $safe sectors ($MARGIN s earlier)"
	[ "$safe" -gt 0 ] || die "the cut came less than $MARGIN s after the rebuild started (raise DXM_CRASH_AT_PCT)"
	# throttled while we look, so that a rebuild restarted from 0 could
	# not have caught up with the checkpoint in the meantime
	set_sweep_kbps 1024
	dxm_create m0 "$A" "$C"
	assert_eq "$DXM_LEN" "$LEN" "mirror size"
	show_status m0
	now=$(status_field m0 in_sync)
	total=$(status_field m0 total)
	assert_eq "$(status_field m0 action)" rebuild "action after the reboot"
	assert_eq "$(status_field m0 health)" Aa "health after the reboot"
	[ "$now" -gt 0 ] || die "the rebuild restarted from 0"
	[ "$now" -ge "$safe" ] || die "the rebuild resumed at $now, below the $safe seen $MARGIN s before the cut"
	[ "$now" -lt "$total" ] || die "in_sync $now of $total: nothing left to rebuild?"
	dmesg_expect "rebuild started"
	check_pattern "$DXM_DEV" 0 "$DATA" 601
	set_sweep_kbps 0
	wait_action_idle m0 900
	show_status m0
	assert_eq "$(status_field m0 health)" AA "health after the rebuild"
	legs_identical "$A" "$C" "$DXM_LEN"
	check_pattern "$DXM_DEV" 0 "$DATA" 601
	check_pattern "$DXM_DEV" "$WS" 2048 602
	# and once more after a clean stop: nothing left to do
	dxm_remove m0
	dxm_create m0 "$A" "$C"
	assert_eq "$(status_fields m0 health action)" AA/idle "after re-create"
}

case "$PHASE" in
start) start ;;
resume) run_case resume_after_cut case_resume; finish ;;
*) die "unknown phase $PHASE" ;;
esac
