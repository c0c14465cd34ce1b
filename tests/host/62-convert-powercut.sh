#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 62-convert-powercut: a power cut during "daxmirror convert NAME DEV
# NEWLEG" leaves DEV mountable on its own or the mirror assemblable, never
# neither, and what the tool offers in that state finishes the job (issue
# 18 point 8).  Host side; the guest half is
# tests/host/guest/62-convert-powercut.sh.  Boots VMs with scripts/vm-run
# over the same --workdir, so the two emulated NVDIMMs survive each cut.
#
#   tests/host/62-convert-powercut.sh [--kernel KVER] [--cuts N] [--seed S]
#                                     [--workdir DIR] [--keep]
#
#   --kernel KVER  kernel to boot (default: $KVER, else the newest
#                  installed)
#   --cuts N       conversions cut (default 5, at least 1)
#   --seed S       random seed (default: $DXM_SEED, else random); printed
#                  with the command that reruns it: DXM_SEED=S gives the
#                  same kinds, phases and cut moments
#   --workdir DIR  default build/vmwork/KVER/host-62-convert-powercut
#   --keep         keep the NVDIMM media afterwards
#
# Each cut: the previous boot left a DAX filesystem on NVDIMM 0 (DEV) with
# 24 checksummed files (kinds: ext4-fit, an ext4 smaller than the mirror;
# xfs-small, an xfs of 400 MiB; ext4-shrink, an ext4 over the whole
# device, so convert --shrink runs e2fsck -f -p and resize2fs first, with
# the files at the end of the filesystem).  The convert boot runs convert
# and waits for the rebuild of NEWLEG to end, leaving markers in the work
# folder as it goes (convert-start, e2fsck-start/end, resize2fs-start/end
# from wrappers of both programs, convert-end, rebuild-end), and the power
# is cut at a seeded moment of a chosen phase: e2fsck, resize2fs,
# metadata (the tool's checks, the zeroed superblock blocks, the kernel
# formatting the metadata areas and writing the superblocks at
# activation), rebuild, or after the rebuild.  The first cut comes after
# the rebuild of an ext4-shrink conversion and measures each phase; the
# next ones aim at a seeded fraction of the phase's measured length, the
# phases in a seeded order, each of them once before any again.  The
# phases last from a few hundred ms to seconds, so the guest cuts its own
# power for them (sysrq b, no sync: the media as after a kill) the given
# number of ms after the marker; the cut after the rebuild is the host's
# (.powercut: vm-run kills QEMU).  The phase each cut landed in is read
# from the markers present after it.  The check boot examines both legs
# (printed), verifies the invariant (guest half: STATE standalone or
# mirror), finishes the job the way the tool says, and prepares the next
# cut's filesystem.
#
# Prints "PASS: 62-convert-powercut/cutN (...)" / "FAIL: ..." lines and a
# SUMMARY line; exit 1 if anything failed.
# host-timeout: 1800
# kernels: 6.12.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GROUP=62-convert-powercut
GUEST=$REPO/tests/host/guest/62-convert-powercut.sh
KV=${KVER:-}
CUTS=5
SEED=${DXM_SEED:-}
WD=
KEEP=0

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KV=$2; shift 2 ;;
	--cuts) CUTS=$2; shift 2 ;;
	--seed) SEED=$2; shift 2 ;;
	--workdir) WD=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h|--help) sed -n '4,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "$GROUP: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
[[ $CUTS =~ ^[1-9][0-9]*$ ]] || { echo "$GROUP: --cuts wants a number >= 1" >&2; exit 2; }
if [ -z "$KV" ]; then
	KV=$(for f in /boot/vmlinuz-*; do [ -d "/lib/modules/${f#/boot/vmlinuz-}" ] &&
		echo "${f#/boot/vmlinuz-}"; done | sort -V | tail -n 1)
fi
[ -n "$SEED" ] || SEED=$((RANDOM << 15 | RANDOM))
[[ $SEED =~ ^[0-9]+$ ]] || { echo "$GROUP: the seed must be a number" >&2; exit 2; }
WD=${WD:-$REPO/build/vmwork/$KV/host-$GROUP}

for f in "$REPO/build/modules/$KV/dm-daxmirror.ko" "$REPO/build/lvm-tools/daxmirror" \
	 "$REPO/build/helpers/pattern" "$REPO/build/helpers/pmdmap"; do
	[ -r "$f" ] || { echo "FAIL: $GROUP/setup (missing $f: build the module, the tool and make -C tests/helpers)"; exit 1; }
done

mkdir -p "$WD"
WD=$(realpath "$WD")
# start from fresh media; remove only what this script makes
rm -rf "$WD"/nvdimm*.img "$WD"/console*.log "$WD"/vm-run-*.out "$WD"/marks \
	"$WD"/.powercut "$WD"/sums "$WD"/kind "$WD"/convert.out "$WD"/examine-*.json
RANDOM=$SEED
N_PASS=0
N_FAIL=0
T0=$(date +%s)
MEDIA=(--nvdimms 2 --nvdimm-size 512)
echo "# $GROUP on $KV: seed $SEED (rerun: DXM_SEED=$SEED $0 --kernel $KV --cuts $CUTS), workdir $WD"

result() {	# result PASS|FAIL NAME [DETAIL]
	echo "$1: $GROUP/$2${3:+ ($3)}"
	if [ "$1" = PASS ]; then
		N_PASS=$((N_PASS + 1))
		return
	fi
	N_FAIL=$((N_FAIL + 1))
	echo "--- console of boot $BOOT (last lines; all in $WD/console-$BOOT.log):"
	grep -vE '^\[ *[0-9.]+\] ' "$WD/console-$BOOT.log" 2>/dev/null | tail -n 40 | sed 's/^/    /'
	tail -n 3 "$WD/vm-run-$BOOT.out" 2>/dev/null | sed 's/^/    /'
}

finish() {
	[ "$KEEP" = 1 ] || rm -f "$WD"/nvdimm*.img
	echo "SUMMARY: $GROUP on $KV: $N_PASS passed, $N_FAIL failed, 0 skipped (seed $SEED, $(($(date +%s) - T0)) s)"
	[ "$N_FAIL" -eq 0 ]
	exit $?
}

# vmrun ARGS...: one boot of the guest half in the background; VM_PID
BOOT=0
vmrun() {
	BOOT=$((BOOT + 1))
	rm -f "$WD/.powercut"
	DXM_SEED=$SEED DXM_ROUND=$BOOT DXM_CUT_BY=${DXM_CUT_BY:-} DXM_CUT_AT=${DXM_CUT_AT:-} \
		DXM_CUT_MS=${DXM_CUT_MS:-} "$REPO/scripts/vm-run" --kernel "$KV" --workdir "$WD" \
		--quiet "${MEDIA[@]}" --timeout 900 "$@" >"$WD/vm-run-$BOOT.out" 2>&1 &
	VM_PID=$!
}

# vmwait: RC, the console kept as console-BOOT.log
vmwait() {
	RC=0
	wait "$VM_PID" || RC=$?
	cp "$WD/console.log" "$WD/console-$BOOT.log" 2>/dev/null || : >"$WD/console-$BOOT.log"
}

# guest_ok: the boot ended with exit 0 and its guest reported no FAIL
guest_ok() {
	grep -E '^(PASS|FAIL|STATE|# examine|ERROR)' "$WD/console-$BOOT.log" | sed 's/^/    /' || true
	[ "$RC" = 0 ] && ! grep -q '^FAIL: ' "$WD/console-$BOOT.log"
}

now_ms() { date +%s%3N; }
mark() { cat "$WD/marks/$1" 2>/dev/null; }
has() { [ -s "$WD/marks/$1" ]; }

# The phase lengths (ms), measured by the first cut's conversion; these
# stand in if it could not measure them.
declare -A LEN=([e2fsck]=4000 [resize2fs]=2000 [metadata]=2000 [rebuild]=30000)

# measure: the phase lengths of the conversion the markers describe
measure() {
	local m
	for m in convert-start e2fsck-start e2fsck-end resize2fs-start resize2fs-end \
		 convert-end rebuild-end; do
		has "$m" || { echo "# no marker $m: phase lengths not measured"; return 0; }
	done
	LEN[e2fsck]=$(($(mark e2fsck-end) - $(mark e2fsck-start)))
	LEN[resize2fs]=$(($(mark resize2fs-end) - $(mark resize2fs-start)))
	LEN[metadata]=$(($(mark e2fsck-start) - $(mark convert-start) +
			 $(mark convert-end) - $(mark resize2fs-end)))
	LEN[rebuild]=$(($(mark rebuild-end) - $(mark convert-end)))
	echo "# measured: e2fsck ${LEN[e2fsck]} ms, resize2fs ${LEN[resize2fs]} ms, metadata (the tool's own work and the activation) ${LEN[metadata]} ms, rebuild ${LEN[rebuild]} ms"
}

# landed KIND: the phase the cut hit, from the markers that reached the
# work folder before it
landed() {
	if has rebuild-end; then echo "after the rebuild"
	elif has convert-end; then echo rebuild
	elif has resize2fs-end || { [ "$1" != ext4-shrink ] && has convert-start; }; then
		echo "metadata"
	elif has resize2fs-start; then echo resize2fs
	elif has e2fsck-end; then echo "between e2fsck and resize2fs"
	elif has e2fsck-start; then echo e2fsck
	elif has convert-start; then echo "probing, before e2fsck"
	else echo "before convert started"
	fi
}

# the start marker of a phase for a kind
start_marker() {
	case "$1" in
	e2fsck) echo e2fsck-start ;;
	resize2fs) echo resize2fs-start ;;
	metadata) if [ "$2" = ext4-shrink ]; then echo resize2fs-end; else echo convert-start; fi ;;
	rebuild) echo convert-end ;;
	after) echo rebuild-end ;;
	esac
}

# ---------------------------------------------------------------- plan ---
# cut 1: after the rebuild of an ext4-shrink conversion (and the
# measurement); then the phases in seeded order, each once before any
# again; e2fsck and resize2fs need ext4-shrink, the others take the
# kinds in turn (seeded start)
PHASES=() KINDS=()
KIND_TURN=(xfs-small ext4-fit ext4-shrink)
kt=$((RANDOM % 3))
PHASES+=(after) KINDS+=(ext4-shrink)
while [ "${#PHASES[@]}" -lt "$CUTS" ]; do
	set -- e2fsck resize2fs metadata rebuild
	order=()
	while [ $# -gt 0 ]; do
		i=$((RANDOM % $# + 1))
		order+=("${!i}")
		set -- "${@:1:i-1}" "${@:i+1}"
	done
	for p in "${order[@]}"; do
		[ "${#PHASES[@]}" -lt "$CUTS" ] || break
		PHASES+=("$p")
		case "$p" in
		e2fsck|resize2fs) KINDS+=(ext4-shrink) ;;
		*) KINDS+=("${KIND_TURN[kt % 3]}"); kt=$((kt + 1)) ;;
		esac
	done
done
FRACS=()
for ((c = 0; c < CUTS; c++)); do
	FRACS+=($((RANDOM % 1000)))
done
echo "# plan: $(for ((c = 0; c < CUTS; c++)); do printf '%s ' "${KINDS[c]}/${PHASES[c]}@0.$(printf %03d "${FRACS[c]}")"; done)"

# ----------------------------------------------------------------- run ---
vmrun --fresh "$GUEST" prepare "${KINDS[0]}"
vmwait
if ! guest_ok; then
	result FAIL prepare "boot $BOOT: vm-run exit $RC"
	finish
fi
result PASS "prepare (${KINDS[0]})"

SEEN=()
for ((c = 0; c < CUTS; c++)); do
	kind=${KINDS[c]} phase=${PHASES[c]} frac=${FRACS[c]}
	next=${KINDS[c + 1]:-}
	rm -rf "$WD/marks" "$WD/examine-"*.json
	m=$(start_marker "$phase" "$kind")
	case "$phase" in
	after) delay=300 ;;
	# its length varies by a few seconds from boot to boot
	rebuild) delay=$((LEN[rebuild] * 85 / 100 * frac / 1000)) ;;
	*) delay=$((LEN[$phase] * frac / 1000)) ;;
	esac
	# the guest cuts its own power to the millisecond (the host sees a
	# marker tens to hundreds of ms late, its sleep overshoots on a
	# busy machine, and vm-run polls .powercut every 0.2 s); the host
	# kills QEMU for the cut after the rebuild
	case "$phase" in
	after) by=host ;;
	*) by=guest ;;
	esac
	t=$(date +%s)
	DXM_CUT_BY=$by DXM_CUT_AT=$m DXM_CUT_MS=$delay vmrun "$GUEST" convert "$kind"
	seen=
	if [ "$by" = host ]; then
		while kill -0 "$VM_PID" 2>/dev/null && ! has "$m"; do
			sleep 0.02
		done
		if has "$m"; then
			seen=$(now_ms)
			sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
			touch "$WD/.powercut"
			seen=" (requested $(($(now_ms) - seen)) ms after the host saw $m)"
		fi
	fi
	vmwait
	name="cut$((c + 1))"
	what="$kind, cut by the $by $delay ms after $m"
	if [ "$RC" != 137 ] || ! has "$m"; then
		guest_ok || true
		result FAIL "$name" "$what: the convert boot ended with exit $RC without the cut (marker $m $(has "$m" && echo seen || echo never seen))"
		finish
	fi
	where=$(landed "$kind")
	SEEN+=("$where")
	echo "# boot $BOOT: $what$seen, landed in: $where ($(($(date +%s) - t)) s)"
	grep -E '^# convert-powercut|^daxmirror|converted' "$WD/console-$BOOT.log" | sed 's/^/    /' || true
	[ "$c" -gt 0 ] || measure

	t=$(date +%s)
	vmrun "$GUEST" check "$kind" $next
	vmwait
	state=$(sed -n 's/^STATE: \([a-z0-9?-]*\).*/\1/p' "$WD/console-$BOOT.log" | head -n 1)
	if guest_ok; then
		result PASS "$name" "$what, landed in $where: ${state:-?}; finished ($(($(date +%s) - t)) s)"
	else
		result FAIL "$name" "seed $SEED, $what, landed in $where: state ${state:-unknown}, check boot exit $RC (examine of the legs above; rerun: DXM_SEED=$SEED $0 --kernel $KV --cuts $CUTS --keep)"
		finish
	fi
done
echo "# phases hit: $(printf '%s; ' "${SEEN[@]}")"
finish
