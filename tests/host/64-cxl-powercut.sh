#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 64-cxl-powercut: a power cut under a mirror of two CXL pmem regions
# (vm-run --cxl 2, QEMU 10).  Boot 1: DAX ext4 on the mirror, fsync'd
# write(2) and msync'd stores logging their acknowledged records outside
# the guest, the power cut after DXM_CUT_MS (default random 1500..4500
# ms, printed).  Boot 2 over the same media (the regions made again, the
# namespaces found by their labels): resync to AA, legs identical, every
# acknowledged record intact, e2fsck -fn clean.
#   tests/host/64-cxl-powercut.sh --kernel KVER [--workdir DIR] [--keep]
# host-timeout: 1800
# kernels: 6.1. 6.12. newest
. "$(dirname "$0")/lib-host.sh"

GUEST=$REPO/tests/host/guest/64-cxl-powercut.sh
SEED=${DXM_SEED:-$((RANDOM * 32768 + RANDOM))}
CUT_MS=${DXM_CUT_MS:-$((1500 + RANDOM % 3000))}
echo "64-cxl-powercut: seed $SEED, cut after $CUT_MS ms (rerun: DXM_SEED=$SEED DXM_CUT_MS=$CUT_MS)"
OPTS=(--nvdimms 0 --cxl 2 --cxl-size 512 --timeout 900
      --env "DXM_SEED=$SEED" --env "DXM_CUT_MS=$CUT_MS")

if boot boot1-cut 137 --fresh "${OPTS[@]}" "$GUEST" write; then
	report_cut_trace boot1-trace
	boot boot2-verify 0 "${OPTS[@]}" "$GUEST" verify || true
fi
[ "$KEEP" = 1 ] || rm -f "$WD"/cxl*.img
finish_host
