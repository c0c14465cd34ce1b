#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS packaging: the tree's dkms.conf builds dm-daxmirror.ko for the
# given kernel with dkms itself (private source and dkms trees, so the
# machine's /usr/src and /var/lib/dkms are not touched).
#   tests/host/80-dkms.sh --kernel KVER --workdir DIR
# host-timeout: 600
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
command -v dkms >/dev/null || { echo "SKIP: $name (dkms not installed)"; exit 0; }
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$REPO/dkms.conf")
SRC=$WD/dkms-src DT=$WD/dkms-tree
rm -rf "$SRC" "$DT"
mkdir -p "$SRC/daxmirror-$VER" "$DT"
cp -a "$REPO/dkms.conf" "$REPO/Makefile.kbuild" "$REPO/dm-target" "$REPO/include" \
	"$SRC/daxmirror-$VER/"
make -s -C "$SRC/daxmirror-$VER" -f Makefile.kbuild KVER="$KVER" clean >/dev/null 2>&1 || true
opts=(--sourcetree "$SRC" --dkmstree "$DT")
if dkms add -m daxmirror -v "$VER" "${opts[@]}" >"$WD/dkms.log" 2>&1 &&
   dkms build -m daxmirror -v "$VER" -k "$KVER" "${opts[@]}" >>"$WD/dkms.log" 2>&1; then
	ko=$(find "$DT/daxmirror/$VER/$KVER" -name 'dm-daxmirror.ko*' | head -n 1)
	if [ -n "$ko" ] && modinfo -F vermagic "$ko" | grep -q "^$KVER "; then
		echo "PASS: $name ($KVER: $(basename "$ko"))"
		exit 0
	fi
	echo "no module or wrong vermagic in the dkms tree" >&2
fi
tail -n 30 "$WD/dkms.log" >&2
echo "FAIL: $name ($KVER)"
exit 1
