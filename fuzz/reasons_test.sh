#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# reasons_test.sh MKCORPUS DXM-VALIDATE DAXMIRROR DIR: the leg images of
# `mkcorpus --images DIR` (good ones and one per broken metadata rule)
# are judged by
#   - dxm-validate at the position the manifest names: the reason the
#     manifest expects (the kernel's verdict there);
#   - dxm-validate at position "any" and `daxmirror examine --json`: the
#     same reasons (superblock; remap table and each of its copies), and
#     examine's exit code matching them (0 accepted, 1 blank or foreign,
#     2 refused; a device under 4 MiB is an error, exit 4, "too small for
#     a daxmirror leg", before anything is read);
# and every reason dxm-validate --reasons lists is met at least once.
# Prints PASS:/FAIL: lines; exits 1 on any failure.
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: $0 MKCORPUS DXM-VALIDATE DAXMIRROR DIR" >&2; exit 2; }
MKCORPUS=$1
VALIDATE=$2
TOOL=$3
DIR=$4
NFAIL=0
declare -A MET

fail() { echo "FAIL: $*"; NFAIL=$((NFAIL + 1)); }

# reasons LINE: the bracketed reason names of a dxm-validate line as
# "SB REMAP A B" (remap fields "-" when the table was not read)
reasons() {
	local names sb=- remap=- a=- b=- w
	names=${1##*[}
	names=${names%]}
	read -r -a w <<<"$names"
	case "$1" in
	"REFUSE sb:"*|BLANK*) sb=${w[0]} ;;
	*) sb=ok; remap=${w[0]}; a=${w[1]#A=}; b=${w[2]#B=} ;;
	esac
	echo "$sb $remap $a $b"
}

rm -rf "$DIR"
"$MKCORPUS" --images "$DIR" >/dev/null
n=0
while IFS=$'\t' read -r name pos want; do
	img=$DIR/$name.img
	n=$((n + 1))
	# the kernel's verdict at the manifest's position
	line=$("$VALIDATE" "$img" "$pos") && rc=0 || rc=$?
	[ "$rc" -le 2 ] || { fail "$name: dxm-validate $pos: exit $rc: $line"; continue; }
	read -r sb remap a b <<<"$(reasons "$line")"
	got=$sb
	[ "$sb" = ok ] && got=$remap
	[ "$got" = "$want" ] || fail "$name: dxm-validate at $pos says $got, expected $want ($line)"
	for r in "$sb" "$remap" "$a" "$b"; do MET[$r]=1; done

	# the tool, which does not know the position, against "any"
	line=$("$VALIDATE" "$img" any) && rc=0 || rc=$?
	[ "$rc" -le 2 ] || { fail "$name: dxm-validate any: exit $rc: $line"; continue; }
	read -r sb remap a b <<<"$(reasons "$line")"
	for r in "$sb" "$remap" "$a" "$b"; do MET[$r]=1; done
	json=$("$TOOL" examine --json "$img" 2>"$DIR/stderr") && trc=0 || trc=$?
	if [ "$trc" = 4 ] && grep -q "too small for a daxmirror leg" "$DIR/stderr"; then
		# the tool refuses a small device before reading it, as an error
		[ "$sb" = sb_too_small ] ||
			fail "$name: examine: $(cat "$DIR/stderr"), dxm-validate any '$sb'"
		continue
	fi
	t=$(jq -r '[.reason // (if .superblock == "blank" then "sb_blank" else "ok" end),
		   (.remap.reason // (if .remap then "ok" else "-" end)),
		   (if .remap then (.remap.copy_reasons[0] // "ok") else "-" end),
		   (if .remap then (.remap.copy_reasons[1] // "ok") else "-" end)] | join(" ")' \
		<<<"$json") || { fail "$name: examine --json: no JSON (exit $trc)"; continue; }
	if [ "$t" != "$sb $remap $a $b" ]; then
		fail "$name: examine says '$t', dxm-validate any '$sb $remap $a $b' ($line)"
		continue
	fi
	case "$sb/$remap" in
	ok/ok) want_rc=0 ;;
	sb_blank/*|sb_magic/*) want_rc=1 ;;
	*) want_rc=2 ;;
	esac
	[ "$trc" = "$want_rc" ] || fail "$name: examine exits $trc, expected $want_rc ($t)"
done <"$DIR/MANIFEST"

missing=
while IFS=$'\t' read -r r _; do
	[ -n "${MET[$r]:-}" ] || missing="$missing $r"
done < <("$VALIDATE" --reasons)
if [ -n "$missing" ]; then
	fail "reasons no image of the corpus meets:$missing"
fi
[ "$n" -gt 0 ] || fail "no images in $DIR/MANIFEST"
if [ "$NFAIL" -eq 0 ]; then
	echo "PASS: metadata reasons ($n images; tool and dxm-validate agree; every reason met)"
	exit 0
fi
exit 1
