#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 45-remap-crash: a power cut in the middle of remapping work leaves
# consistent remap tables.  Boot 1: sticky poison on 2048 pages (32 runs)
# of the two legs, the activation rescan remaps them one by one, QEMU is killed after a seeded
# number of them.  Boot 2 over the same media: both legs' tables valid
# (userspace validator, then activation), every remap shown before the
# cut is there, the data reads right (mirror, check scrub, leg 0 alone),
# the poison back costs spares only for the pages not yet remapped.
#   tests/host/45-remap-crash.sh --kernel KVER [--workdir DIR] [--keep]
# DXM_SEED picks the pages and the moment (default 45).
# host-timeout: 3600
# kernels: 6.1.
. "$(dirname "$0")/lib-host.sh"

GUEST=$REPO/tests/host/guest/45-remap-crash.sh
OPTS=(--nvdimms 2 --nvdimm-size 256 --timeout 1500)
echo "# seed ${DXM_SEED:-45} (rerun: DXM_SEED=${DXM_SEED:-45} $0 --kernel $KVER)"

if boot boot1-cut-mid-remap 137 --fresh "${OPTS[@]}" --kill-after 900 "$GUEST" cut; then
	grep -E "Call Trace|BUG:|WARNING:|Oops" "$WD/boot1-cut-mid-remap.console" >>"$WD/trace" || true
	report_cut_trace boot1-kernel-log
	boot boot2-verify 0 "${OPTS[@]}" "$GUEST" verify || true
fi
finish_host
