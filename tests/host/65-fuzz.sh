#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 65-fuzz (host): libFuzzer over the metadata validation (superblock and
# remap table), 30 s per target; see scripts/fuzz.  Prints PASS:/FAIL:
# lines.
#
#   tests/host/65-fuzz.sh [--kernel KVER] [--workdir DIR]
#
# The fuzzing runs in userspace and does not depend on the kernel:
# scripts/run-tests calls host drivers once per kernel, so with --kernel
# it runs only for the newest installed kernel and prints a SKIP line for
# the others.  FUZZ_SECONDS overrides the time per target.
# host-timeout: 900
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KVER=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KVER=$2; shift 2 ;;
	--workdir) shift 2 ;;
	*) echo "65-fuzz: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ -n "$KVER" ]; then
	newest=$(for d in /lib/modules/*; do
		k=$(basename "$d")
		[ -r "/boot/vmlinuz-$k" ] && [ -e "$d/build/Makefile" ] && echo "$k"
	done | sort -V | tail -n 1)
	if [ -n "$newest" ] && [ "$KVER" != "$newest" ]; then
		echo "SKIP: fuzz (kernel-independent; runs once, with $newest)"
		exit 0
	fi
fi
exec "$REPO/scripts/fuzz" --seconds "${FUZZ_SECONDS:-30}"
