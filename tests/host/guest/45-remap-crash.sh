#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of tests/host/45-remap-crash.sh (two NVDIMMs, sticky poison;
# two boots over the same media, the first one ended by a power cut in
# the middle of remapping work).
#   cut:    a mirror (spare_pages 2304) with 64 MiB of data, removed
#           cleanly; sticky poison on 24 runs of 64 pages of leg 0 and 8
#           other runs of leg 1 (seeded, 2048 pages); the mirror is
#           assembled again and the activation's rescan remaps the pages
#           one by one, each remap a spare-page write plus a commit of the
#           remap table (A/B copies, 18 KiB each).  Once the status shows
#           a seeded number K of remaps (1/8 to 5/8 of them) the guest has
#           vm-run kill QEMU while the rest are still being done.
#   verify: (next boot) before activation the module's own checks run in
#           userspace (fuzz/dxm-validate) accept both legs' remap
#           tables, with at least the remaps the status showed before the
#           cut (a remap is durable before it is counted) and fewer than
#           all of them (the cut came mid-work); activation loads exactly
#           those; the data reads right through the mirror, a check scrub
#           finds 0 mismatches; the poison back on every page costs spares
#           only for the pages not remapped yet (no spare leaked or used
#           twice); the data reads right from leg 0 alone (its spare pages
#           hold the data of the remapped pages).
# shellcheck disable=SC2154
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../lib-fault.sh"

PHASE=${1:?usage: $0 cut|verify}
GROUP=45-remap-crash
STATE=$VM_WORK/state
DATA=131072		# sectors of pattern 4501 at 0 (64 MiB)
RUN=64			# pages per poisoned run (one bad-block entry)
NR0=24			# runs on leg 0
NR1=8			# runs on leg 1
NP=$((NR0 * RUN))
NQ=$((NR1 * RUN))
SPARES=2304
SEED=${DXM_SEED:-45}

group_setup setup_fsdax
group_setup load_module
A=$PMEM0
B=$PMEM1

# pick_runs: NR0 + NR1 distinct runs of RUN pages (start sectors) inside
# the data, seeded; the first NR0 are for leg 0
pick_runs() {
	python3 - "$SEED" $((DATA / 8 / RUN)) $((NR0 + NR1)) "$RUN" <<-'PY'
	import random, sys
	seed, slots, n, run = (int(x) for x in sys.argv[1:])
	rng = random.Random(seed)
	for p in rng.sample(range(slots), n):
	    print(p * run * 8)
	PY
}

# poison_runs: the runs of $RUNS back in the legs' bad-block lists
poison_runs() {
	local i=0 p
	for p in $RUNS; do
		if [ "$i" -lt "$NR0" ]; then
			inject_poison "$A" "$p" $((RUN * 8))
		else
			inject_poison "$B" "$p" $((RUN * 8))
		fi
		i=$((i + 1))
	done
}

remapped_total() {
	local r
	r=$(status_field m0 remapped)
	echo $((${r%/*} + ${r#*/}))
}

case_cut() {
	local k seen t0
	rm -f "$STATE" "$VM_WORK/trace"
	dmesg_mark cut
	wipe_meta "$A" "$B"
	dxm_create m0 "$A" "$B" nosync spare_pages "$SPARES"
	write_pattern "$DXM_DEV" 0 "$DATA" 4501
	RUNS=$(pick_runs | tr '\n' ' ')
	RANDOM=$SEED
	k=$(((NP + NQ) / 8 + RANDOM % ((NP + NQ) / 2)))
	cat >"$STATE" <<-EOT
	LEN=$DXM_LEN
	RUNS="$RUNS"
	SPARE0=$(status_field m0 spare_free0)
	SPARE1=$(status_field m0 spare_free1)
	EOT
	dxm_remove m0
	log "poisoned: $NR0 runs of $RUN pages on leg 0, $NR1 on leg 1; power cut after $k remaps"
	poison_runs
	check_dmesg >/dev/null 2>"$SCRATCH/trace" || cp "$SCRATCH/trace" "$VM_WORK/trace"
	# activation rescans the lists: the worker remaps page after page
	dxm_create m0 "$A" "$B" spare_pages "$SPARES"
	t0=$(cut -d' ' -f1 /proc/uptime)
	while :; do
		seen=$(remapped_total)
		[ "$seen" -ge "$k" ] && break
		awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { exit !(b - a > 300) }' &&
			die "only $seen remaps after 300 s"
	done
	# cut at once: a remap takes well under vm-run's 0.2 s polling
	echo "SEEN=$seen" >>"$STATE"
	vm_power_cut_now
}

case_verify() {
	local out r0 r1
	[ -s "$STATE" ] || die "no state from the first boot"
	. "$STATE"
	[ -n "${SEEN:-}" ] || die "the first boot did not reach the cut"
	build_validator
	# the remap tables as the power cut left them
	out=$("$VALIDATE" "$A" 0) || die "leg 0 metadata refused after the cut: $out"
	log "leg 0: $out"
	r0=$(sed -n 's/.* remapped=\([0-9]*\).*/\1/p' <<<"$out")
	out=$("$VALIDATE" "$B" 1) || die "leg 1 metadata refused after the cut: $out"
	log "leg 1: $out"
	r1=$(sed -n 's/.* remapped=\([0-9]*\).*/\1/p' <<<"$out")
	[ $((r0 + r1)) -ge "$SEEN" ] ||
		die "$SEEN remaps were shown before the cut, only $((r0 + r1)) are on the media"
	[ "$r0" -le "$NP" ] && [ "$r1" -le "$NQ" ] || die "more remaps than poisoned pages: $r0/$r1"
	[ $((r0 + r1)) -lt $((NP + NQ)) ] ||
		die "all $((NP + NQ)) remaps were done before the cut landed (the test missed its point)"
	log "the cut came in the middle of the remapping: $((r0 + r1)) of $((NP + NQ)) pages remapped ($SEEN shown before the cut)"
	# the guest's bad-block lists start empty on every boot
	dxm_create m0 "$A" "$B" spare_pages "$SPARES"
	show_status m0
	assert_eq "$DXM_LEN" "$LEN" "mirror size"
	assert_eq "$(status_field m0 health)" AA health
	assert_eq "$(status_field m0 remapped)" "$r0/$r1" "remaps loaded at activation"
	assert_eq "$(status_field m0 spare_free0)" $((SPARE0 - r0)) "spare_free0"
	assert_eq "$(status_field m0 spare_free1)" $((SPARE1 - r1)) "spare_free1"
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	wait_action_idle m0 600
	check_pattern "$DXM_DEV" 0 "$DATA" 4501
	dxm_message m0 check
	wait_action_idle m0 600
	assert_eq "$(status_field m0 mismatches)" 0 "check mismatches"
	# the poison back on every page: only the pages not remapped yet
	# take a spare
	poison_runs
	dxm_message m0 rescan
	assert_eq "$(status_field m0 remapped)" "$NP/$NQ" "remaps after the poison is back"
	assert_eq "$(status_field m0 spare_free0)" $((SPARE0 - NP)) "spare_free0 after the poison is back"
	assert_eq "$(status_field m0 spare_free1)" $((SPARE1 - NQ)) "spare_free1 after the poison is back"
	check_pattern "$DXM_DEV" 0 "$DATA" 4501
	# leg 0 alone: its spare pages hold the data of its remapped pages
	dxm_message m0 fail 1
	echo 3 >/proc/sys/vm/drop_caches
	check_pattern "$DXM_DEV" 0 "$DATA" 4501
	assert_eq "$(status_field m0 lost_pages)" 0 lost_pages
	dxm_remove m0
}

case "$PHASE" in
cut) run_case cut case_cut ;;
verify) run_case remap_table_after_cut case_verify ;;
*) die "unknown phase $PHASE" ;;
esac
finish
