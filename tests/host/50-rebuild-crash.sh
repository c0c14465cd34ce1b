#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 50-rebuild-crash: QEMU killed in the middle of a rebuild; the next boot
# resumes it from the checkpoint and completes with identical legs.
# Boot 1 (three NVDIMMs): a blank NVDIMM replaces failed leg 1, the
# rebuild runs throttled (sweep_max_kbps); once it is past 20 % the guest
# has vm-run kill QEMU (kill -9; --kill-after is only the backstop, a
# fixed delay would cut too early or too late depending on how long the
# boot took on a loaded machine).  Boot 2: <in_sync> after activation >= the progress the guest saw
# a checkpoint interval before the cut (never 0), rebuild completes, legs
# identical, data right.
#   tests/host/50-rebuild-crash.sh --kernel KVER [--workdir DIR] [--keep]
# host-timeout: 3600
# kernels: 6.1.
# DXM_CRASH_KBPS (rebuild throttle, default 4096 KiB/s), DXM_CRASH_AT_PCT
# (default 20) and DXM_CRASH_KILL_AFTER (backstop, default 600 s) tune it.
. "$(dirname "$0")/lib-host.sh"

GUEST=$REPO/tests/host/guest/50-rebuild-crash.sh
OPTS=(--nvdimms 3 --nvdimm-size 256 --timeout 1500)

if boot boot1-cut-mid-rebuild 137 --fresh "${OPTS[@]}" \
	--kill-after "${DXM_CRASH_KILL_AFTER:-600}" "$GUEST" start; then
	if [ -s "$WD/progress" ]; then
		echo "# progress seen before the cut: $(wc -l <"$WD/progress") samples, last: $(tail -n 1 "$WD/progress")"
	fi
	report_cut_trace boot1-kernel-log
	boot boot2-resume 0 "${OPTS[@]}" "$GUEST" resume || true
fi
finish_host
