#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 30-powercut: crash safety of dm-daxmirror under power cuts (host side).
# Boots VMs with scripts/vm-run over the same --workdir, so the emulated
# NVDIMM media (and the writers' acknowledgement logs in $VM_WORK)
# survive each cut; the guest half is tests/host/guest/30-powercut.sh.
#
#   tests/host/30-powercut.sh [--kernel KVER] [--cuts N] [--seed S]
#                             [--legs nvdimm|virtio] [--workdir DIR] [--keep]
#
#   --kernel KVER  kernel to boot (default: $KVER, else vm-run's default)
#   --cuts N       power cuts while writing (default 5, at least 1)
#   --seed S       random seed (default: $DXM_SEED, else random); printed,
#                  rerun with DXM_SEED=S for the same cut moments and data
#   --legs KIND    the legs: two emulated NVDIMMs (default) or two
#                  virtio-pmem devices (asynchronous: what a flush made
#                  durable on the host)
#   --workdir DIR  default build/vmwork/KVER/30-powercut[-virtio] (media
#                  recreated)
#   --keep         keep the NVDIMM media afterwards
#
# Series 1 (cuts while writing): boot 1 creates the mirror and a DAX
# ext4, later boots assemble the same table; each boot first verifies the
# previous cut (resync to idle/AA, legs identical over the whole data
# area, every acknowledged record intact: fsync'd write(2) and msync'd
# stores on ext4 -o dax, O_DIRECT|O_DSYNC writes to the raw device behind
# the filesystem; journal replay, e2fsck -fn clean), then starts the
# writers; once they run, the host cuts the power after a random delay
# (DXM_PC_MIN_MS..DXM_PC_MAX_MS, default 300..6000 ms).  The cut is made
# by touching the work folder's .powercut (vm-run polls it every 0.2 s)
# rather than with --kill-after: the verification before the writers
# takes a variable time, and the cut must land while they write.
# Series 2 (a cut during a resync): a boot leaves the legs different over
# 32 MiB of unflushed DAX stores and cuts; the next boot throttles the
# resync, and cuts once it has made progress and is still running; the
# last boot must end the resync with identical legs and intact records.
#
# Prints "PASS: 30-powercut/NAME" / "FAIL: 30-powercut/NAME" lines like
# tests/lib.sh's run_case and a SUMMARY line; exit 1 if anything failed.
# host-timeout: 3600
# kernels: 6.1. newest
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GROUP=30-powercut
GUEST=$REPO/tests/host/guest/30-powercut.sh
KV=${KVER:-}
CUTS=5
SEED=${DXM_SEED:-}
WD=
KEEP=0
LEGS=nvdimm

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KV=$2; shift 2 ;;
	--cuts) CUTS=$2; shift 2 ;;
	--seed) SEED=$2; shift 2 ;;
	--workdir) WD=$2; shift 2 ;;
	--legs) LEGS=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h|--help) sed -n '4,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "$GROUP: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
[[ $CUTS =~ ^[1-9][0-9]*$ ]] || { echo "$GROUP: --cuts wants a number >= 1" >&2; exit 2; }
case "$LEGS" in
nvdimm) MEDIA=(--nvdimms 2 --nvdimm-size 256) ;;
virtio) MEDIA=(--nvdimms 0 --virtio-pmem 2 --virtio-pmem-size 256)
	GROUP=31-powercut-virtio ;;
*) echo "$GROUP: --legs wants nvdimm or virtio" >&2; exit 2 ;;
esac
if [ -z "$KV" ]; then
	KV=$(for f in /boot/vmlinuz-*; do [ -d "/lib/modules/${f#/boot/vmlinuz-}" ] &&
		echo "${f#/boot/vmlinuz-}"; done | sort -V | tail -n 1)
fi
[ -n "$SEED" ] || SEED=$((RANDOM << 15 | RANDOM))
[[ $SEED =~ ^[0-9]+$ ]] || { echo "$GROUP: the seed must be a number" >&2; exit 2; }
MIN_MS=${DXM_PC_MIN_MS:-300}
MAX_MS=${DXM_PC_MAX_MS:-6000}
WD=${WD:-$REPO/build/vmwork/$KV/$GROUP}

for f in "$REPO/build/modules/$KV/dm-daxmirror.ko" "$REPO/build/helpers/pcwriter" \
	 "$REPO/build/helpers/legcmp" "$REPO/build/helpers/daxstore"; do
	[ -r "$f" ] || { echo "FAIL: $GROUP/setup (missing $f: build the module and make -C tests/helpers)"; exit 1; }
done

mkdir -p "$WD"
# start from fresh media; remove only what this script makes
rm -f "$WD"/nvdimm*.img "$WD"/vpmem*.img "$WD"/ack-*.log "$WD"/console*.log "$WD"/vm-run-*.out \
	"$WD"/pc-writing "$WD"/.powercut
RANDOM=$SEED
N_PASS=0
N_FAIL=0
T0=$(date +%s)
echo "# $GROUP on $KV: seed $SEED (rerun: DXM_SEED=$SEED $0 --kernel $KV --cuts $CUTS), workdir $WD"

# boot NUM MODE CUT: one VM boot of the guest half; CUT=host: cut the
# power at a random moment once the writers run; sets RC, CUT_MS.
BOOT=0
boot() {
	local mode=$1 cut=$2 pid t
	BOOT=$((BOOT + 1))
	CUT_MS=
	rm -f "$WD/pc-writing"
	t=$(date +%s)
	scripts_vm_run "$mode" &
	pid=$!
	if [ "$cut" = host ]; then
		CUT_MS=$((MIN_MS + (RANDOM << 15 | RANDOM) % (MAX_MS - MIN_MS + 1)))
		while kill -0 "$pid" 2>/dev/null && [ ! -e "$WD/pc-writing" ]; do
			sleep 0.1
		done
		if [ -e "$WD/pc-writing" ]; then
			sleep "$(printf '%d.%03d' $((CUT_MS / 1000)) $((CUT_MS % 1000)))"
			touch "$WD/.powercut"
		fi
	fi
	RC=0
	wait "$pid" || RC=$?
	cp "$WD/console.log" "$WD/console-$BOOT-$mode.log" 2>/dev/null || true
	echo "# boot $BOOT ($mode${CUT_MS:+, cut ${CUT_MS} ms into the writing}): exit $RC after $(($(date +%s) - t)) s"
	grep -E "^# (powercut|check|kernel)|^(LOST|ERROR|VERIFIED)|legs|^# pcwriter|differ|same" "$WD/console-$BOOT-$mode.log" |
		sed 's/^/    /' || true
}

scripts_vm_run() {
	DXM_SEED=$SEED DXM_PC_LEGS=$LEGS "$REPO/scripts/vm-run" --kernel "$KV" \
		--workdir "$WD" --quiet "${MEDIA[@]}" --mem 512 --timeout 900 "$GUEST" "$1" \
		>"$WD/vm-run-$BOOT.out" 2>&1
}

result() {	# result PASS|FAIL NAME [DETAIL]
	echo "$1: $GROUP/$2${3:+ ($3)}"
	if [ "$1" = PASS ]; then
		N_PASS=$((N_PASS + 1))
	else
		N_FAIL=$((N_FAIL + 1))
		echo "--- console of boot $BOOT (last lines):"
		tail -n 40 "$WD/console-$BOOT-"*.log 2>/dev/null | grep -v '^\[' | tail -n 30 | sed 's/^/    /'
		tail -n 5 "$WD/vm-run-$BOOT.out" 2>/dev/null | sed 's/^/    /'
	fi
}

# expect_cut: the boot must have ended by a power cut (137)
expect_cut() {
	[ "$RC" = 137 ] && return 0
	result FAIL "$1" "boot $BOOT ended with exit $RC instead of a power cut"
	return 1
}

# verified: the boot's guest verified the previous cut
verified() {
	grep -q '^VERIFIED' "$WD/console-$BOOT-"*.log 2>/dev/null
}

finish() {
	[ "$KEEP" = 1 ] || rm -f "$WD"/nvdimm*.img "$WD"/vpmem*.img
	echo "SUMMARY: $GROUP on $KV: $N_PASS passed, $N_FAIL failed, 0 skipped (seed $SEED, $(($(date +%s) - T0)) s)"
	[ "$N_FAIL" -eq 0 ]
	exit $?
}

# ---------------------------------------------- series 1: cuts while writing
boot first host
expect_cut cut1 || finish
for ((c = 1; c <= CUTS; c++)); do
	prev_ms=$CUT_MS
	if [ "$c" -lt "$CUTS" ]; then
		boot cycle host
	else
		boot burst guest	# verifies cut $c, then prepares series 2
	fi
	if ! verified; then
		result FAIL "cut$c" "seed $SEED, cut ${prev_ms} ms into the writing: verification after the cut failed (boot $BOOT, exit $RC)"
		finish
	fi
	result PASS "cut$c" "cut ${prev_ms} ms into the writing"
	if [ "$c" -lt "$CUTS" ]; then
		expect_cut "cut$((c + 1))" || finish
	fi
done

# ------------------------------------------ series 2: a cut during a resync
expect_cut during_resync || finish
boot resync-cut guest
expect_cut during_resync || finish
boot verify none
if [ "$RC" = 0 ] && verified; then
	result PASS during_resync
else
	result FAIL during_resync "seed $SEED: verification after the cut during the resync failed (exit $RC)"
fi
finish
