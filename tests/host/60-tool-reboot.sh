#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 60-tool-reboot: "daxmirror assemble --scan" after a reboot finds the
# legs by their superblocks and starts the mirror as itself, healthy,
# data intact.  Boot 1: daxmirror create m0 with settings over two
# NVDIMMs, DAX ext4 with a checksummed file, clean stop (umount,
# daxmirror remove).  Boot 2 over the same media: assemble --scan
# (nothing else names the legs, no configuration) starts the set as m0
# with its settings, same UUID, size and leg order, healthy
# with no resync, the file's checksum matches, a check scrub finds no
# mismatch; a second --scan finds nothing left to start.
#   tests/host/60-tool-reboot.sh --kernel KVER [--workdir DIR] [--keep]
# host-timeout: 3600
# kernels: 6.1.
. "$(dirname "$0")/lib-host.sh"

GUEST=$REPO/tests/host/guest/60-tool-reboot.sh
OPTS=(--nvdimms 2 --nvdimm-size 256 --timeout 1500)

if boot boot1-create 0 --fresh "${OPTS[@]}" "$GUEST" create; then
	boot boot2-assemble-scan 0 "${OPTS[@]}" "$GUEST" scan || true
fi
finish_host
