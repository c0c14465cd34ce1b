#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 40-poison-reboot: a sticky-poison remap survives a reboot.
# Boot 1: DAX ext4 on a mirror of two NVDIMMs, poison on leg 0 under a
# file, read (right data), remap to a spare, clean removal.  Boot 2 over
# the same media: status still shows the remap (same spare count), the
# file reads right (also from leg 0 alone), the poison back at the same
# place costs no new spare, a write to the page works.
#   tests/host/40-poison-reboot.sh --kernel KVER [--workdir DIR] [--keep]
# host-timeout: 3600
# kernels: 6.1.
. "$(dirname "$0")/lib-host.sh"

GUEST=$REPO/tests/host/guest/40-poison-reboot.sh
OPTS=(--nvdimms 2 --nvdimm-size 256 --timeout 1500)

if boot boot1-prepare 0 --fresh "${OPTS[@]}" "$GUEST" prepare; then
	boot boot2-verify 0 "${OPTS[@]}" "$GUEST" verify || true
fi
finish_host
