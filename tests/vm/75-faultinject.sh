#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 75-faultinject: allocation failures (failslab and fail_page_alloc,
# filtered to allocations made from the module's code) in the
# constructor, the resume, the messages and the workers.  Every failure
# must end as a clean error (nothing left behind, the legs' metadata as
# good as before) or be retried; no leak (kmemleak), no trace.
#   The constructor, reload, resume and messages are swept point by point:
#   helpers/dmfail arms the N-th injection point of its own thread
#   (/proc/thread-self/fail-nth) for N = 1, 2, ... until an operation
#   runs to its end without reaching it.  The workers (copy, scrub,
#   rebuild, poison handling) are hit at a seeded probability while I/O
#   runs; the writes that succeed must be on both legs afterwards.
#   The bitmap write-back is hit alone: a write acknowledged while its
#   allocations fail must have its mark on the media (issue 14 point 11).
# Needs a kernel with FAULT_INJECTION (the debug kernel of
# scripts/build-debug-kernel); elsewhere the group is skipped.
# vm-run: --nvdimms 2 --nvdimm-size 256
# vm-timeout: 2400
# kernels: debug
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

FI=/sys/kernel/debug
SEED=${DXM_SEED:-${TEST_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}}
log "seed $SEED (rerun: DXM_SEED=$SEED)"

need_fault_injection() {
	[ -d "$FI/failslab" ] && [ -d "$FI/fail_page_alloc" ] && [ -e /proc/self/fail-nth ] ||
		skip "no fault injection in this kernel (scripts/build-debug-kernel)"
}
group_setup need_fault_injection
group_setup setup_fsdax
group_setup load_module
A=$PMEM0
B=$PMEM1

# An injected failure of vmalloc or of a page allocation makes the
# allocator print a warning with a stack dump (warn_alloc): expected here,
# so it is cut out of the log before the trace check.  Anything else in
# the log still fails the case.
dmesg_filter() {
	awk '/vmalloc error: size|page allocation failure: order:/ { skip = 1 }
	     /kmemleak: Cannot allocate a (scan area|kmemleak_object)/ { next }
	     !skip { print }
	     skip && /<\/TASK>/ { skip = 0 }'
}

# fi_arm: both fault types fail only allocations whose call chain passes
# through the module's code, blocking allocations included; they fire
# only when armed (fail-nth, or fi_probability).
fi_arm() {
	local base size kind
	read -r size base < <(awk '$1 == "dm_daxmirror" { print $2, $6 }' /proc/modules)
	[ -n "$base" ] && [ "$((base))" -ne 0 ] || die "no address of dm_daxmirror in /proc/modules"
	for kind in failslab fail_page_alloc; do
		echo 0 >"$FI/$kind/probability"
		echo -1 >"$FI/$kind/times"
		echo 1 >"$FI/$kind/interval"
		echo 0 >"$FI/$kind/space"
		echo 0 >"$FI/$kind/verbose"
		echo N >"$FI/$kind/ignore-gfp-wait"
		echo 32 >"$FI/$kind/stacktrace-depth"
		echo "$base" >"$FI/$kind/require-start"
		printf '0x%x\n' $((base + size)) >"$FI/$kind/require-end"
	done
	echo N >"$FI/fail_page_alloc/ignore-gfp-highmem"
	echo 0 >"$FI/fail_page_alloc/min-order"
}

# fi_only FUNC: narrow the filter to call chains through the module's
# function FUNC (from its address to the module's next symbol)
fi_only() {
	local start end kind
	read -r start end < <(awk -v f="$1" '$4 == "[dm_daxmirror]" { print $1, $3 }' /proc/kallsyms |
		sort | awk -v f="$1" 'found { print s, $1; exit } $2 == f { s = $1; found = 1 }')
	[ -n "$end" ] && [ "$((0x$start))" -ne 0 ] || die "no address range of $1 in /proc/kallsyms"
	for kind in failslab fail_page_alloc; do
		echo "0x$start" >"$FI/$kind/require-start"
		echo "0x$end" >"$FI/$kind/require-end"
	done
}

# fi_probability PCT: every filtered allocation fails with PCT percent;
# fi_fired: how many failed since
FI_TIMES=1000000
fi_probability() {
	local kind
	for kind in failslab fail_page_alloc; do
		echo "$FI_TIMES" >"$FI/$kind/times"
		echo "$1" >"$FI/$kind/probability"
	done
}
fi_fired() {
	echo $((2 * FI_TIMES - $(cat "$FI/failslab/times") - $(cat "$FI/fail_page_alloc/times")))
}

extra_cleanup() { fi_probability 0 2>/dev/null || true; }

# sweep WHAT CHECK OP ARGS...: count the injection points of
# "OP ARGS..." (one run with none reached), then for N among them
# (every one with DXM_FI_ALL=1, else 1, the last and a seeded sample of
# $FI_SAMPLES): "dmfail N OP ARGS...", then "CHECK N OK" judges the
# outcome (OK: the operation succeeded, 1/0).  Sets SWEEP_POINTS,
# SWEEP_INJECTED and SWEEP_FAILED (operations that failed).
FI_SAMPLES=${DXM_FI_SAMPLES:-8}
sweep() {
	local what=$1 check=$2 n out ok points
	shift 2
	out=$("$HELPERS/dmfail" 1000000 "$@" 2>"$SCRATCH/dmfail.err") || {
		cat "$SCRATCH/dmfail.err" >&2
		die "$what failed without injection: $out"
	}
	SWEEP_POINTS=${out#clean }
	[[ $SWEEP_POINTS =~ ^[0-9]+$ ]] || die "dmfail: $out"
	"$check" 0 1
	SWEEP_INJECTED=0
	SWEEP_FAILED=0
	if [ "$SWEEP_POINTS" -eq 0 ]; then
		log "$what: allocates nothing"
		return 0
	fi
	if [ "${DXM_FI_ALL:-0}" = 1 ]; then
		points=$(seq 1 "$SWEEP_POINTS")
	else
		points=$({ echo 1; echo "$SWEEP_POINTS"
			   awk -v s="$SEED" -v n="$SWEEP_POINTS" -v k="$FI_SAMPLES" \
				'BEGIN { srand(s); for (i = 0; i < k; i++) print int(rand() * n) + 1 }'
			 } | sort -nu)
	fi
	for n in $points; do
		ok=1
		out=$("$HELPERS/dmfail" "$n" "$@" 2>"$SCRATCH/dmfail.err") || ok=0
		case "$out" in
		injected) SWEEP_INJECTED=$((SWEEP_INJECTED + 1)) ;;
		clean*) ;;	# fewer points this time (a retry took another path)
		*) cat "$SCRATCH/dmfail.err" >&2; die "dmfail $n $*: $out" ;;
		esac
		[ "$ok" = 1 ] || SWEEP_FAILED=$((SWEEP_FAILED + 1))
		if [ "$out" != injected ] && [ "$ok" = 0 ]; then
			cat "$SCRATCH/dmfail.err" >&2
			die "$what failed at N=$n without an injected fault"
		fi
		"$check" "$n" "$ok"
	done
	log "$what: $SWEEP_POINTS injection points; failed at $(echo $points | wc -w) of them:" \
		"$SWEEP_FAILED failed cleanly, $((SWEEP_INJECTED - SWEEP_FAILED)) retried or tolerated"
	[ "$SWEEP_INJECTED" -gt 0 ] || die "$what: no point fired"
}

# the pair's reference content: 1 MiB at the start and at the end
DATA_END=0
seed_data() {
	DATA_END=$(($(dxm_usable_sectors "$A" "$B") - 2048))
	write_pattern "$1" 0 2048 "$SEED"
	write_pattern "$1" "$DATA_END" 2048 $((SEED + 1))
}
verify_data() {
	check_pattern "$1" 0 2048 "$SEED"
	check_pattern "$1" "$DATA_END" 2048 $((SEED + 1))
}

# a live, healthy mirror with the reference content
healthy_now() {
	assert_eq "$(status_fields m0 health action)" AA/idle "status of m0"
}

# the lane's checkers are there and armed (the console is quiet: their
# boot lines are read from the kernel log)
case_checkers_armed() {
	# KASAN, or KCSAN in the kcsan flavor (they exclude each other)
	if [ -e /sys/kernel/debug/kcsan ]; then
		grep -q 'enabled: 1' /sys/kernel/debug/kcsan || die "KCSAN is off"
		log "KCSAN on: $(grep -E 'setup_watchpoints|data_races|value_change' /sys/kernel/debug/kcsan | tr -s ' \n' ' ')"
		log "data-race reports since boot (the kernel's own, cut by kcsan_cut): $(dmesg | grep -c 'BUG: KCSAN:' || true)"
	else
		grep -q 'KernelAddressSanitizer initialized' <<<"$(dmesg)" || die "no KASAN"
	fi
	[ -r /proc/lockdep_stats ] || die "no lockdep"
	grep -qE 'debug_locks: +1' /proc/lockdep_stats || die "lockdep is off"
	[ -r "$KMEMLEAK" ] || die "no kmemleak"
	grep -q '^CONFIG_DEBUG_OBJECTS_WORK=y' "/lib/modules/$KVER/build/.config" ||
		die "no DEBUG_OBJECTS_WORK"
}
run_case checkers_armed case_checkers_armed

# ---------------------------------------------------------- constructor ---

# nothing_left N: a create that failed at point N left no device
nothing_left() {
	! dmsetup info m0 >/dev/null 2>&1 || die "N=$1: failed create left m0 behind"
}

# after each create: a failure leaves nothing, a success is a whole mirror
check_create() {
	local n=$1 ok=$2
	if [ "$ok" = 0 ]; then
		nothing_left "$n"
		return 0
	fi
	_wait_blockdev /dev/mapper/m0
	wait_action_idle m0 120
	healthy_now
	verify_data /dev/mapper/m0
	dxm_remove m0
}

case_ctor_assemble() {
	dxm_create m0 "$A" "$B"
	wait_action_idle m0 300
	seed_data "$DXM_DEV"
	dxm_remove m0
	fi_arm
	sweep "create (assemble)" check_create create m0 "$(dxm_table "$A" "$B")"
	[ "$SWEEP_FAILED" -gt 0 ] || die "no create failed: the filter missed the constructor"
	# and the pair assembles as it was
	dxm_create m0 "$A" "$B"
	healthy_now
	verify_data "$DXM_DEV"
	legs_identical "$A" "$B" "$DXM_LEN"
}
run_case ctor_assemble case_ctor_assemble

# the first activation formats the legs: each failed one leaves them
# blank or formatted, never half-written in a way the next create refuses
check_create_fresh() {
	local n=$1 ok=$2
	if [ "$ok" = 0 ]; then
		nothing_left "$n"
		dxm_create m0 "$A" "$B" nosync ||
			die "N=$n: the legs cannot be used after a failed first activation"
	else
		_wait_blockdev /dev/mapper/m0
	fi
	assert_eq "$(status_field m0 health)" AA "N=$n: health"
	dxm_remove m0
	wipe_meta "$A" "$B"
}

case_ctor_format() {
	wipe_meta "$A" "$B"
	fi_arm
	sweep "create (format)" check_create_fresh create m0 "$(dxm_table "$A" "$B" nosync)"
}
run_case ctor_format case_ctor_format

# ------------------------------------------------------- reload, resume ---

check_reload() {
	local n=$1 ok=$2
	healthy_now
	if [ "$ok" = 1 ]; then
		dmsetup table --inactive m0 | grep -q daxmirror || die "N=$n: no inactive table"
		dmsetup clear m0
	fi
	verify_data /dev/mapper/m0
}

case_reload() {
	dxm_create m0 "$A" "$B" sync_interval_ms 0
	wait_action_idle m0 300
	seed_data "$DXM_DEV"
	fi_arm
	sweep "reload" check_reload reload m0 "$(dxm_table "$A" "$B" sync_interval_ms 500)"
}
run_case reload case_reload

# the new table's preresume/resume fails: the device stays suspended with
# the table loaded; a plain resume afterwards must work
check_resume() {
	local n=$1 ok=$2
	if [ "$ok" = 0 ]; then
		dmsetup resume m0 || die "N=$n: resume after a failed resume"
	fi
	healthy_now
	verify_data /dev/mapper/m0
	write_pattern /dev/mapper/m0 4096 64 $((SEED + n))
	dxm_message m0 flush
	check_pattern /dev/mapper/m0 4096 64 $((SEED + n))
	# the next round: a new table loaded under a suspended device
	dmsetup suspend m0
	dmsetup load m0 --table "$(dxm_table "$A" "$B" sync_interval_ms $((n % 3 * 100)))"
}

case_resume() {
	dxm_create m0 "$A" "$B"
	wait_action_idle m0 300
	seed_data "$DXM_DEV"
	dmsetup suspend m0
	dmsetup load m0 --table "$(dxm_table "$A" "$B" sync_interval_ms 100)"
	fi_arm
	sweep "resume" check_resume resume m0
	dmsetup resume m0
	legs_identical "$A" "$B" "$(dxm_usable_sectors "$A" "$B")"
}
run_case resume case_resume

# ------------------------------------------------------------- messages ---

check_message() {
	wait_action_idle m0 300
	healthy_now
	verify_data /dev/mapper/m0
}

case_messages() {
	local msg swept=0
	dxm_create m0 "$A" "$B"
	wait_action_idle m0 300
	seed_data "$DXM_DEV"
	fi_arm
	for msg in "flush" "flush 0 4096" "rescan" "check" "repair" "idle" \
		   "rebuild 1"; do
		# shellcheck disable=SC2086
		sweep "message $msg" check_message message m0 $msg
		[ "$SWEEP_POINTS" -eq 0 ] || swept=$((swept + 1))
	done
	[ "$swept" -gt 0 ] || die "no message allocates: the filter misses the module"
	# whatever the failed messages left (a rebuild that did not start,
	# a scrub cut short): the legs agree
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "mismatches after the sweeps"
}
run_case messages case_messages

# -------------------------------------------------------------- workers ---

# O_DIRECT writes while a seeded share of the module's allocations fail;
# flushes, a scrub and a rebuild run meanwhile.  Writes may fail (EIO is
# a clean answer to a failed allocation); once injection stops, those
# that succeeded must read back through the mirror, a check finds no
# mismatch and the legs are identical.
case_workers() {
	local pct i rc written=() off fired
	pct=$((SEED % 20 + 5))
	log "workers: $pct% of the module's allocations fail"
	dxm_create m0 "$A" "$B" sync_interval_ms 50
	wait_action_idle m0 300
	fi_arm
	fi_probability "$pct"
	for ((i = 0; i < 40; i++)); do
		off=$(((SEED * 7 + i * 1031) % 8192 * 64))
		rc=0
		write_pattern "$DXM_DEV" "$off" 64 $((SEED + i)) 2>/dev/null || rc=$?
		[ "$rc" = 0 ] && written+=("$off:$((SEED + i))")
		case $((i % 10)) in
		3) dxm_message m0 flush 2>/dev/null || true ;;
		5) dxm_message m0 check 2>/dev/null || true ;;
		8) dxm_message m0 rebuild 1 2>/dev/null || true ;;
		esac
	done
	fired=$(fi_fired)
	fi_probability 0
	log "$fired allocations failed; ${#written[@]} of 40 writes succeeded"
	[ "$fired" -gt 0 ] || die "no allocation failed under injection"
	[ "${#written[@]}" -gt 0 ] || die "no write succeeded"
	wait_action_idle m0 600
	# a failed allocation is not a failed leg
	assert_eq "$(status_field m0 health)" AA "health after injection"
	dxm_message m0 flush
	for w in "${written[@]}"; do
		check_pattern "$DXM_DEV" "${w%%:*}" 64 "${w#*:}"
	done
	dxm_message m0 check
	wait_action_idle m0 300
	assert_eq "$(status_field m0 mismatches)" 0 "mismatches after injection"
	dxm_remove m0
	legs_identical "$A" "$B" "$(dxm_usable_sectors "$A" "$B")"
}
run_case workers case_workers

# --------------------------------------------------- bitmap write-back ---

# Issue 14 point 11: a write whose region needs a mark waits for the
# bitmap write-back; when that write-back cannot allocate, the write
# must not be issued unmarked (a crash after it would leave a region
# that differs but is not resynced).  Leg 0 is dm-linear in two pieces
# split inside its bitmap, so its bitmap is written by bios (the path
# with a write-back); every allocation made under dxm_bitmap_writeback
# fails.  After each successful O_DIRECT write (to a region whose mark
# was clear) the mark must be on both legs' media at once.
case_bitmap_mark_no_alloc() {
	local r byte l py ok=0 fired
	split_bitmap_leg "$A" l0
	zero_legs /dev/mapper/l0 "$B"
	dxm_create m0 /dev/mapper/l0 "$B" nosync region_size 8 sync_interval_ms 0
	# The housekeeping clears the marks of settled regions (the DAX-mapped
	# leg first, leg 0 by bios after it), so a write's mark may be gone
	# by the time it is read back, or be on one leg only: seen in CI as
	# "/dev/mapper/l0 marked, /dev/pmem1 UNMARKED".  Marks are cleared
	# only while no action runs: a check scrub held at its first batch
	# (regions 0-31 at 1 KiB/s) keeps every mark this case makes.
	set_sweep_kbps 1
	dxm_message m0 check
	assert_eq "$(status_field m0 action)" check "action during the case"
	py=$SCRATCH/write.py
	cat >"$py" <<'PY'
import mmap, os, sys
dev, off, byte, bit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
legs = sys.argv[5:]
buf = mmap.mmap(-1, 4096)
buf[:] = os.urandom(4096)
fd = os.open(dev, os.O_RDWR | os.O_DIRECT)
try:
    os.pwritev(fd, [buf], off)
except OSError as e:
    print('write failed:', e)
    sys.exit(0)
os.close(fd)
for leg in legs:                            # at once: is the mark durable?
    lfd = os.open(leg, os.O_RDONLY | os.O_DIRECT)
    os.preadv(lfd, [buf], byte // 4096 * 4096)
    os.close(lfd)
    print(leg, 'marked' if buf[byte % 4096] & (1 << bit) else 'UNMARKED')
PY
	fi_arm
	fi_only dxm_bitmap_writeback
	for r in 101 202 303 404 505; do
		byte=$((G_bitmap_offset * 512 + r / 8))
		for l in /dev/mapper/l0 "$B"; do
			wait_until 60 "region $r unmarked on $l" mark_clear "$l" "$r"
		done
		fi_probability 100
		/usr/bin/python3 "$py" "$DXM_DEV" $((r * 4096)) "$byte" $((r % 8)) \
			/dev/mapper/l0 "$B" | tee "$SCRATCH/marks"
		fi_probability 0
		if grep -q UNMARKED "$SCRATCH/marks"; then
			die "a write to region $r was acknowledged before its mark was on the media"
		fi
		grep -q 'write failed' "$SCRATCH/marks" || ok=$((ok + 1))
	done
	# Leg 0's marks reach it only through the write-back's bios, so
	# "marked" on it shows the write-back ran under the filter.  Today's
	# write-back allocates nothing (its snapshot is allocated at
	# activation); the module before b2c6796 allocated it per call, the
	# failure was ignored and this case failed at the first write.
	fired=$(fi_fired)
	log "$ok of 5 writes succeeded, each marked first; $fired allocations failed under the write-back"
	[ "$ok" -gt 0 ] || die "no write succeeded"
	assert_eq "$(status_field m0 action)" check "action at the end"
	assert_eq "$(status_field m0 health)" AA "health"
	dxm_message m0 idle
	set_sweep_kbps 0
	dxm_remove m0
	dmsetup remove l0
}
run_case bitmap_mark_no_alloc case_bitmap_mark_no_alloc

finish
