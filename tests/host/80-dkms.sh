#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS packaging: the tree's dkms.conf builds dm-daxmirror.ko for the
# given kernel with dkms itself (private source and dkms trees, so the
# machine's /usr/src and /var/lib/dkms are not touched).
#   tests/host/80-dkms.sh --kernel KVER --workdir DIR
# host-timeout: 600
# kernels: stock newest
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
KVER=$(uname -r) WD=$(mktemp -d)
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KVER=$2; shift 2 ;;
	--workdir) WD=$2; shift 2 ;;
	*) echo "80-dkms: unknown argument $1" >&2; exit 2 ;;
	esac
done
name="80-dkms/build"
# A kernel in another root (run-tests sets VM_KROOT for the newest kernel):
# dkms runs inside that root (scripts/build-root-newest --run), where the
# kernel's headers and compiler are, with $WD bound at /work.
IN=$WD
if [ -n "${VM_KROOT:-}" ]; then
	IN=/work
	dkms_run() { DXM_ROOT_BIND=$WD "$REPO/scripts/build-root-newest" --run "$@"; }
	dkms_run sh -c 'command -v dkms' >/dev/null 2>&1 ||
		{ echo "SKIP: $name (no dkms in the root: remove its cache to rebuild it)"; exit 0; }
else
	dkms_run() { "$@"; }
	command -v dkms >/dev/null || { echo "SKIP: $name (dkms not installed)"; exit 0; }
fi
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$REPO/dkms.conf")
SRC=$WD/dkms-src DT=$WD/dkms-tree
rm -rf "$SRC" "$DT"
mkdir -p "$SRC/daxmirror-$VER" "$DT"
cp -a "$REPO/dkms.conf" "$REPO/Makefile.kbuild" "$REPO/dm-target" "$REPO/include" \
	"$SRC/daxmirror-$VER/"
rm -f "$SRC/daxmirror-$VER/dm-target/compat_probe.h"
make -s -C "$SRC/daxmirror-$VER" -f Makefile.kbuild KVER="$KVER" clean >/dev/null 2>&1 || true
opts=(--sourcetree "$IN/dkms-src" --dkmstree "$IN/dkms-tree")
if dkms_run dkms add -m daxmirror -v "$VER" "${opts[@]}" >"$WD/dkms.log" 2>&1 &&
   dkms_run dkms build -m daxmirror -v "$VER" -k "$KVER" "${opts[@]}" >>"$WD/dkms.log" 2>&1; then
	ko=$(find "$DT/daxmirror/$VER/$KVER" -name 'dm-daxmirror.ko*' | head -n 1)
	if [ -n "$ko" ] && dkms_run modinfo -F vermagic "$IN${ko#"$WD"}" | grep -q "^$KVER "; then
		echo "PASS: $name ($KVER: $(basename "$ko"))"
		exit 0
	fi
	echo "no module or wrong vermagic in the dkms tree" >&2
fi
tail -n 30 "$WD/dkms.log" >&2
echo "FAIL: $name ($KVER)"
exit 1
