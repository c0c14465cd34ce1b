#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 22-map-context: nothing that can wait for I/O runs in the target's map
# function (issue 15 point 6).  A bio the map function submits is only
# queued on current->bio_list until the map function returns, so a wait
# there for I/O, or a bio taken from a bio set without a rescuer (dm_io's
# client pool), can wait for itself; an inode's final iput() there can
# evict the inode, which waits for I/O through the same device.
#   no_io_wait_in_map: the function tracer, with a stack trace per call,
#   watches dm_io() and iput() while the mirror takes every kind of
#   request that reaches the map function: O_DIRECT writes of 4 KiB to
#   1 MiB (fio, crc32c verify), write(2) + fsync, DAX stores + msync
#   (the flush fast path zaps mappings and takes inode references),
#   files stored to, unmapped and unlinked while another process
#   fsyncs (the zap may hold the last reference), "flush" messages and
#   a suspend/resume.  No recorded call may have dm_submit_bio (dm
#   core's entry, from which the map function is called) on its stack.
#   Positive control: dm_io() calls of the target itself (superblock
#   writes at the suspend) are recorded with its functions on the stack,
#   so the tracer sees calls and resolves the module's frames.
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
MNT=$MNT_BASE/fs
PIDS=
group_setup repl_same_legs "$A" "$B"

extra_cleanup() {
	touch /tmp/dxm22.stop
	# shellcheck disable=SC2086 # a list of pids
	[ -z "$PIDS" ] || kill $PIDS 2>/dev/null || true
	PIDS=
	tracer_off
	umount "$MNT" 2>/dev/null || true
}

tracer_off() {
	[ -w "$TRACE/current_tracer" ] || return 0
	echo 0 >"$TRACE/tracing_on"
	echo 0 >"$TRACE/options/func_stack_trace" 2>/dev/null || true
	echo nop >"$TRACE/current_tracer"
	echo >"$TRACE/set_ftrace_filter"
}

# tracer_on FUNCS...: the function tracer on FUNCS, with stack traces
tracer_on() {
	[ -d "$TRACE/events" ] || mount -t tracefs nodev "$TRACE" 2>/dev/null || true
	[ -w "$TRACE/set_ftrace_filter" ] || skip "no function tracer"
	tracer_off
	echo 8192 >"$TRACE/buffer_size_kb"
	echo "$*" >"$TRACE/set_ftrace_filter" ||
		die "cannot trace $* (set_ftrace_filter)"
	echo function >"$TRACE/current_tracer"
	echo 1 >"$TRACE/options/func_stack_trace"
	echo >"$TRACE/trace"
	echo 1 >"$TRACE/tracing_on"
}

# calls_in_map OUT: every traced call and its stack, one per line
# ("FUNC <- frame frame ..."), from each CPU's buffer in order (a call
# and its stack are recorded back to back on one CPU); then counts
# IN_MAP (calls under dm_submit_bio) and OWN (calls with a dxm_ frame)
calls_in_map() {
	local f
	: >"$1"
	for f in "$TRACE"/per_cpu/cpu*/trace; do
		awk '
			/^#/ { next }
			/<stack trace>/ { next }
			/^ *=> / { if (cur != "") cur = cur " " $2; next }
			{
				if (cur != "") print cur
				cur = ""
				if (match($0, /: [A-Za-z_0-9.]+ <-/))
					cur = substr($0, RSTART + 2, RLENGTH - 5) " <-"
			}
			END { if (cur != "") print cur }' "$f" >>"$1"
	done
	IN_MAP=$(grep -c ' dm_submit_bio' "$1" || true)
	OWN=$(grep -c ' dxm_' "$1" || true)
	log "$(wc -l <"$1") calls traced, $OWN with the target's frames, $IN_MAP under dm_submit_bio"
}

# churn DIR STOPFILE: files written, stored to through a mapping, unmapped
# and unlinked, over and over
churn() {
	local i=0
	while [ ! -e "$2" ]; do
		i=$((i + 1))
		pattern "$i" 65536 | dd of="$1/c$((i % 4))" bs=64k status=none
		"$HELPERS/daxstore" "$1/c$((i % 4))" 0 65536 "$i" >/dev/null
		rm -f "$1/c$((i % 4))"
	done
}

# fsyncs FILE STOPFILE: 4 KiB write(2) + fsync, over and over
fsyncs() {
	local i=0
	while [ ! -e "$2" ]; do
		i=$((i + 1))
		pattern "$i" 4096 | dd of="$1" bs=4k seek=$((i % 64)) \
			conv=notrunc,fsync status=none
	done
}

case_no_io_wait_in_map() {
	local stop=/tmp/dxm22.stop out=/tmp/dxm22.calls st p
	repl_mirror m "$A" "$B"
	tracer_on dm_io iput

	fio --name=dio --filename="$DXM_DEV" --direct=1 --ioengine=psync \
		--rw=randwrite --bsrange=4k-1m --size=64M --number_ios=400 \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --randseed=22 --verify_state_save=0 \
		--output=/tmp/fio-dxm22.txt ||
		{ cat /tmp/fio-dxm22.txt; die "fio failed (see above)"; }

	repl_mkfs ext4 "$DXM_DEV"
	repl_mount ext4 "$DXM_DEV" "$MNT"
	put_file "$MNT/store" 1 1
	: >"$MNT/sync"
	rm -f "$stop"
	"$HELPERS/storeloop" "$MNT/store" 8192 "$stop" /tmp/dxm22.state \
		>/tmp/dxm22.storeloop 2>&1 &
	PIDS=$!
	churn "$MNT" "$stop" &
	PIDS="$PIDS $!"
	fsyncs "$MNT/sync" "$stop" &
	PIDS="$PIDS $!"
	for _ in $(seq 1 10); do
		sleep 1
		dxm_message m flush
	done
	touch "$stop"
	for p in $PIDS; do
		wait "$p" || { cat /tmp/dxm22.storeloop; die "a worker failed"; }
	done
	PIDS=
	cat /tmp/dxm22.storeloop
	umount "$MNT"
	dmsetup suspend m
	dmsetup resume m
	echo 0 >"$TRACE/tracing_on"
	calls_in_map "$out"
	tracer_off
	st=$(status_field m health)
	dxm_remove m
	legs_identical "$A" "$B" "$DXM_LEN" "$DOFF" || die "legs differ"
	assert_eq "$st" AA "health"

	[ "$OWN" -ge 1 ] ||
		die "no dm_io()/iput() call with the target's frames was recorded: the tracer does not see them"
	if [ "$IN_MAP" -gt 0 ]; then
		grep ' dm_submit_bio' "$out" | sort | uniq -c | sort -rn | head -5
		die "$IN_MAP calls of dm_io()/iput() from within the map path"
	fi
}

run_case no_io_wait_in_map case_no_io_wait_in_map
finish
