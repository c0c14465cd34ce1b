#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash and zsh completions of daxmirror against a made-up /sys and
# /dev: device operands offer daxmirror devices only (by dmsetup's target
# list, else by device-mapper UUID), leg operands block devices with pmem
# first (never device-mapper or loop devices), "--opt=value" completes the
# value (also when bash splits the words at "="), paths with spaces stay
# one reply, and option values do not count as operands.
#   completion_test.sh BASH_COMPLETION ZSH_COMPLETION
# Exit 0 all passed, 1 a failure, 77 (skipped) without zsh.
set -uo pipefail
BASHC=$1 ZSHC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

# a /sys with two device-mapper devices (one daxmirror) and block devices
mkdir -p "$T/sys/block/dm-0/dm" "$T/sys/block/dm-1/dm" "$T/sys/class/block"
echo DAXMIRROR-0123456789abcdef >"$T/sys/block/dm-0/dm/uuid"
echo m0 >"$T/sys/block/dm-0/dm/name"
echo LVM-abcdef >"$T/sys/block/dm-1/dm/uuid"
echo vg-lv >"$T/sys/block/dm-1/dm/name"
for b in pmem0 pmem0p1 pmem1 sda dm-0 dm-1 loop0; do
	mkdir -p "$T/sys/class/block/$b"
done
mkdir -p "$T/img dir"
: >"$T/img dir/leg 0.img"
export _DXM_SYS=$T/sys _DXM_DEV=/dev _DXM_DMSETUP=false

# expect WHAT GOT WANT: GOT and WANT are newline lists, compared sorted
expect() {
	if [ "$(sort <<<"$2")" = "$(sort <<<"$3")" ]; then
		echo "ok: $1"
	else
		echo "FAIL: $1"
		echo "  got:  $(tr '\n' '|' <<<"$2")"
		echo "  want: $(tr '\n' '|' <<<"$3")"
		fails=$((fails + 1))
	fi
}

# bcomp WORD...: bash's replies when completing the last WORD
bcomp() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_daxmirror
		printf "%s\n" "${COMPREPLY[@]}"' bcomp "$BASHC" "$@" 2>/dev/null
}

legs=$'/dev/pmem0\n/dev/pmem0p1\n/dev/pmem1\n/dev/sda'
expect "bash: command" "$(bcomp daxmirror st)" "status"
expect "bash: device operand, daxmirror only" "$(bcomp daxmirror status '')" "m0"
expect "bash: --leg value" "$(bcomp daxmirror rebuild m0 --leg '')" $'0\n1'
expect "bash: --leg=value glued" "$(bcomp daxmirror rebuild m0 --leg=)" $'0\n1'
expect "bash: --leg = value split at =" "$(bcomp daxmirror rebuild m0 --leg =)" $'0\n1'
expect "bash: --region-size=6" "$(bcomp daxmirror create --region-size=6)" "64K"
expect "bash: name first" "$(bcomp daxmirror create '')" ""
expect "bash: leg operands, pmem and block only" "$(bcomp daxmirror create m0 '')" "$legs"
expect "bash: leg prefix" "$(bcomp daxmirror create m0 /dev/pmem0)" $'/dev/pmem0\n/dev/pmem0p1'
expect "bash: option values are not operands" \
	"$(bcomp daxmirror create --region-size 64K --leg = 1 m0 /dev/pmem0 /dev/pm)" \
	$'/dev/pmem0\n/dev/pmem0p1\n/dev/pmem1'
expect "bash: options" "$(bcomp daxmirror create m0 --sp)" "--spare"
expect "bash: replace names a device first" "$(bcomp daxmirror replace '')" "m0"
expect "bash: replace then a leg" "$(bcomp daxmirror replace m0 /dev/pmem1)" "/dev/pmem1"
expect "bash: re-add names a device first" "$(bcomp daxmirror re-add '')" "m0"
expect "bash: re-add then a leg" "$(bcomp daxmirror re-add m0 /dev/pmem1)" "/dev/pmem1"
expect "bash: image path with spaces is one reply" \
	"$(bcomp daxmirror examine "$T/img dir/le")" "$T/img dir/leg 0.img"
# as root: dmsetup's target list (the UUID does not matter then)
printf '#!/bin/sh\nprintf "m7\\t(254:3)\\n"\n' >"$T/dmsetup"
chmod +x "$T/dmsetup"
expect "bash: devices from dmsetup" \
	"$(_DXM_DMSETUP=$T/dmsetup bcomp daxmirror detail '')" "m7"

if ! command -v zsh >/dev/null; then
	echo "zsh not installed (scripts/install-deps installs it): zsh part skipped"
	[ "$fails" -eq 0 ] || exit 1
	exit 77
fi

# zcomp WORD...: the candidates zsh's function hands to compadd/_files
zcomp() {
	zsh -f -c '
		compdef() { :; }
		compadd() { while [[ $1 == -* && $1 != -- ]]; do shift; done
			[[ $1 == -- ]] && shift; print -rl -- "$@"; }
		compset() { :; }
		_files() { print -r -- "<files>"; }
		_command_names() { print -r -- "<commands>"; }
		source "$1"; shift
		words=("$@"); CURRENT=$#
		_daxmirror' zcomp "$ZSHC" "$@" 2>/dev/null
}
cmds=$'create\nconvert\nassemble\ntable\nstatus\nlist\nexamine\ndetail\nflush\nrescan\nscrub\nrebuild\nreplace\nre-add\ngrow\nfail\nmonitor\nremove\nzero-superblock\n--help\n--version'
expect "zsh: commands" "$(zcomp daxmirror st)" "$cmds"
expect "zsh: device operand, daxmirror only" "$(zcomp daxmirror status '')" "m0"
expect "zsh: --leg value" "$(zcomp daxmirror rebuild m0 --leg '')" $'0\n1'
expect "zsh: --leg=value" "$(zcomp daxmirror rebuild m0 --leg=)" $'0\n1'
expect "zsh: name first" "$(zcomp daxmirror create '')" ""
expect "zsh: leg operands, pmem and block only" "$(zcomp daxmirror create m0 '')" "$legs"
expect "zsh: option values are not operands" \
	"$(zcomp daxmirror create --region-size 64K m0 /dev/pmem0 '')" "$legs"
expect "zsh: options" "$(zcomp daxmirror scrub m0 -)" $'--repair\n--wait\n--stop\n--help'
expect "zsh: replace names a device first" "$(zcomp daxmirror replace '')" "m0"
expect "zsh: re-add names a device first" "$(zcomp daxmirror re-add '')" "m0"
expect "zsh: image path" "$(zcomp daxmirror examine "$T/img dir/le")" "<files>"
expect "zsh: devices from dmsetup" \
	"$(_DXM_DMSETUP=$T/dmsetup zcomp daxmirror detail '')" "m7"

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
