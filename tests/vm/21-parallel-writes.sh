#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 21-parallel-writes: large block writes write the second leg from another
# CPU (dm-target/legpar.c); two vCPUs, so that there is another CPU.
#   seq_1m: 1 MiB sequential O_DIRECT writes, read back with fio's
#     crc32c verify; the hand-over ran (the worker's executions counted
#     with the workqueue tracepoint) and the legs' data areas are equal.
#   mixed_sizes: random O_DIRECT writes of 4 KiB to 2 MiB (most pieces
#     handed over, small ones not), overwritten in place, verified, legs
#     equal.
#   two_writers: two jobs at once (the hand-over is off while another
#     task writes; its count is logged, not asserted: a job that runs
#     alone for a moment hands over again); data and legs checked.
#   off: parallel_min_kb=0 turns it off: no worker runs.
# vm-run: --nvdimms 2 --nvdimm-size 256 --smp 2
# vm-timeout: 900
# kernels: 6.1. newest
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-repl.sh"

group_setup setup_fsdax
group_setup load_module
A=$PMEM0
B=$PMEM1
group_setup repl_same_legs "$A" "$B"
PARAM=/sys/module/dm_daxmirror/parameters/parallel_min_kb

[ "$(nproc)" -ge 2 ] || skip "one CPU: nothing to write the second leg from"

# hand_overs_start / hand_overs_stop: count runs of the hand-over worker
# (workqueue_execute_start names the function) into HANDOVERS
hand_overs_start() {
	[ -d "$TRACE/events/workqueue" ] || skip "no workqueue tracepoints"
	echo 0 >"$TRACE/tracing_on"
	echo >"$TRACE/trace"
	echo 1 >"$TRACE/events/workqueue/workqueue_execute_start/enable"
	echo 1 >"$TRACE/tracing_on"
}
hand_overs_stop() {
	echo 0 >"$TRACE/tracing_on"
	echo 0 >"$TRACE/events/workqueue/workqueue_execute_start/enable"
	HANDOVERS=$(grep -c 'dxm_legpar_work' "$TRACE/trace" || true)
	log "hand-over worker ran $HANDOVERS times"
}

# write_verify NAME FIO-ARGS...: fio writes the mirror O_DIRECT and reads
# it back with crc32c verify; then the legs' data areas must be equal
write_verify() {
	local name=$1
	shift
	repl_mirror m "$A" "$B" sync_interval_ms 0
	hand_overs_start
	fio_verify "$name" "$DXM_DEV" --randseed=21 "$@"
	hand_overs_stop
	dxm_remove m
	legs_identical "$A" "$B" "$DXM_LEN" "$DOFF" ||
		die "legs differ after $name"
}

case_seq_1m() {
	echo 512 >"$PARAM"
	write_verify seq1m --rw=write --bs=1M --size=160M --loops=2
	[ "$HANDOVERS" -ge 1 ] || die "1 MiB writes never wrote a leg from another CPU"
}

case_mixed_sizes() {
	echo 64 >"$PARAM"
	write_verify mixed --rw=randwrite --bsrange=4k-2m --size=160M \
		--number_ios=300
	[ "$HANDOVERS" -ge 1 ] || die "no write piece was handed over"
}

case_two_writers() {
	echo 512 >"$PARAM"
	write_verify two --rw=write --bs=1M --numjobs=2 --size=64M \
		--offset_increment=80M
	# a task's first writes may be handed over before it sees the other
	log "two writers: $HANDOVERS hand-overs"
}

case_off() {
	echo 0 >"$PARAM"
	write_verify off --rw=write --bs=1M --size=64M
	assert_eq "$HANDOVERS" 0 "worker runs with parallel_min_kb=0"
	echo 512 >"$PARAM"
}

run_case seq_1m case_seq_1m
run_case mixed_sizes case_mixed_sizes
run_case two_writers case_two_writers
run_case off case_off
finish
