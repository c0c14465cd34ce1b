#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 65-fuzz (host): libFuzzer over the metadata validation (superblock and
# remap table), 30 s per target; see scripts/fuzz.  Prints PASS:/FAIL:
# lines.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
exec "$REPO/scripts/fuzz" --seconds "${FUZZ_SECONDS:-30}"
