#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fio exec_prerun / exec_postrun hook of tests/bench/guest-bench.sh (one
# fio process runs all jobs of a configuration, one after the other):
#   fio-hook.sh pre JOB    start the job from a clean state: nothing dirty,
#                          the data file out of the page cache, and on
#                          daxmirror no hot pages left by the previous job
#   fio-hook.sh post JOB   note daxmirror's hot_regions after the job
# and, both times, the guest's CPU speed (tests/bench/cpurate).  Lines
# "JOB drain_s S", "JOB cpu_pre R", "JOB cpu_post R", "JOB hot_regions N"
# go to $BENCH_HOOKLOG.
now() { date +%s.%N; }
case "$1" in
pre)
	t0=$(now)
	sync
	if [ -n "${BENCH_DATAFILE:-}" ] && [ -f "$BENCH_DATAFILE" ]; then
		dd if="$BENCH_DATAFILE" iflag=nocache count=0 status=none
	fi
	if [ "${BENCH_DAXMIRROR:-0}" = 1 ]; then
		dmsetup message "$BENCH_DMNAME" 0 flush
	fi
	echo "$2 drain_s $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')" >>"$BENCH_HOOKLOG"
	[ -z "${BENCH_CPURATE:-}" ] || echo "$2 cpu_pre $("$BENCH_CPURATE")" >>"$BENCH_HOOKLOG"
	;;
post)
	[ -z "${BENCH_CPURATE:-}" ] || echo "$2 cpu_post $("$BENCH_CPURATE")" >>"$BENCH_HOOKLOG"
	if [ "${BENCH_DAXMIRROR:-0}" = 1 ]; then
		# 0 <len> daxmirror 2 <leg0> <leg1> <health> <sync> <action>
		# <mismatches> <remapped> <spare_free> <lost> <hot_regions> ...
		echo "$2 hot_regions $(dmsetup status "$BENCH_DMNAME" | awk '{ print $14 }')" >>"$BENCH_HOOKLOG"
	fi
	;;
esac
exit 0
