#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 31-powercut-virtio: 30-powercut over two virtio-pmem legs (asynchronous
# pmem: a write is durable once a flush reached the host).  Every
# acknowledged record (fsync'd write(2), msync'd stores, O_DSYNC writes)
# must be intact after each cut, the resync must make the legs identical.
#
#   tests/host/31-powercut-virtio.sh [30-powercut options]
# host-timeout: 3600
# kernels: 6.1.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/30-powercut.sh" --legs virtio "$@"
