#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 60-fault (host): the reduced, fixed-seed run of the fault-injection
# suite (tests/fault/run, docs/fault-injection.md) for the normal test run:
# 2 rounds per kernel (a normal one, then one with a power cut and a
# second boot), 20 s of fio load with faults each, 3 x 128 MiB NVDIMMs;
# a few minutes per kernel under TCG.
#
#   tests/host/60-fault.sh [--kernel KVER] [--workdir DIR]
#
# scripts/run-tests calls it with --kernel and --workdir for each kernel;
# without --kernel it runs every installed kernel in turn.  Prints the
# suite's PASS:/FAIL: line per round and its summary; exit 1 on failure.
# The full suite: tests/fault/run --rounds 20 --seconds 60 (see the doc).
# host-timeout: 1500
# kernels: 6.1.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KVERS=()
WORKDIR=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KVERS+=("$2"); shift 2 ;;
	--workdir) WORKDIR=$2; shift 2 ;;
	*) echo "60-fault: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ ${#KVERS[@]} -eq 0 ]; then
	for d in /lib/modules/*; do
		k=$(basename "$d")
		[ -r "/boot/vmlinuz-$k" ] && [ -r "$REPO/build/modules/$k/dm-daxmirror.ko" ] && KVERS+=("$k")
	done
fi
[ ${#KVERS[@]} -gt 0 ] || { echo "FAIL: fault (no kernel with a built module)"; exit 1; }

rc=0
for k in "${KVERS[@]}"; do
	"$REPO/tests/fault/run" --kernel "$k" --rounds 2 --seed 5 --seconds 20 \
		--powercut-every 2 --nvdimm-size 128 \
		--workdir "${WORKDIR:-$REPO/build/fault/quick-$k}" || rc=1
done
exit "$rc"
