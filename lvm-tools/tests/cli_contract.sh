#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Command-line contract of daxmirror: bad command lines exit 3 with the
# message in golden/<case>.stderr, --help exits 0, and a command on a
# device that does not exist exits 4 with one clean error line (on a host
# without device-mapper too: no crash, no hang).
#   cli_contract.sh DAXMIRROR GOLDEN_DIR [--update]
set -u
bin=$1 golden=$2 update=${3:-}
fail=0 n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# case name | expected exit code | arguments
check() {
	local name=$1 want=$2
	shift 2
	n=$((n + 1))
	timeout 20 "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$update" = --update ]; then
		cp "$tmp/err" "$golden/$name.stderr"
	fi
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, expected $want ($*)"
		cat "$tmp/err"
		fail=1
		return
	fi
	if [ -f "$golden/$name.stderr" ]; then
		if ! diff -u "$golden/$name.stderr" "$tmp/err"; then
			echo "FAIL $name: stderr differs from golden"
			fail=1
			return
		fi
	fi
	echo "ok   $name"
}

# one error line, in the daxmirror <command>: <what>: <why> format
check_clean_error() {
	local name=$1 want=$2 cmd=$3
	shift 3
	n=$((n + 1))
	timeout 20 "$bin" "$cmd" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" != "$want" ] || [ "$(wc -l <"$tmp/err")" != 1 ] ||
	   ! grep -q "^daxmirror $cmd: [^:]*: " "$tmp/err"; then
		echo "FAIL $name: exit $rc (expected $want), stderr:"
		cat "$tmp/err"
		fail=1
		return
	fi
	echo "ok   $name"
}

check no-command 3
check unknown-command 3 frobnicate
check create-missing-operand 3 create m0 /dev/pmem0
check create-extra-operand 3 create m0 /dev/pmem0 /dev/pmem1 junk
check create-bad-option 3 create m0 /dev/pmem0 /dev/pmem1 --bogus
check create-bad-region 3 create m0 /dev/pmem0 /dev/pmem1 --region-size 48K
check create-bad-spare 3 create m0 /dev/pmem0 /dev/pmem1 --spare 1000
check create-bad-interval 3 create m0 /dev/pmem0 /dev/pmem1 --sync-interval 1s
check create-bad-name 3 create a/b /dev/pmem0 /dev/pmem1
check table-bad-region 3 table m0 /dev/null /dev/zero --region-size 3
check fail-no-leg 3 fail m0
check fail-bad-leg 3 fail m0 --leg 2
check rebuild-bad-leg 3 rebuild m0 --leg x
check replace-missing-dev 3 replace m0 --leg 0
check readd-no-leg 3 re-add m0 /dev/pmem1
check readd-missing-dev 3 re-add m0 --leg 1
check grow-no-name 3 grow
check grow-two-names 3 grow a b
check flush-offset-alone 3 flush m0 --offset 4096
check flush-unaligned 3 flush m0 --offset 100 --length 4096
check status-bad-option 3 status --jsn
check scrub-no-name 3 scrub
check remove-two-names 3 remove a b
check monitor-exec-no-arg 3 monitor --exec
check assemble-scan-two 3 assemble --scan a b
check assemble-incremental-scan 3 assemble --incremental /dev/pmem0 --scan
check assemble-last-resort-scan 3 assemble --last-resort 0f0e0d0c-0b0a-0908-0706-050403020100 --scan
check assemble-last-resort-bad-uuid 3 assemble --last-resort not-a-uuid
check list-operand 3 list /dev/pmem0
check examine-no-leg 3 examine
check zero-no-leg 3 zero-superblock
check scrub-stop-wait 3 scrub m0 --stop --wait
check detail-two-names 3 detail a b
check convert-no-newleg 3 convert m0 /dev/pmem0
check convert-nosync 3 convert m0 /dev/pmem0 /dev/pmem1 --nosync

for c in create convert assemble table status list examine detail flush \
	 rescan scrub rebuild replace re-add grow fail monitor remove \
	 zero-superblock; do
	check "help-$c" 0 "$c" --help
	if ! grep -q "^Usage: daxmirror $c" "$tmp/out"; then
		echo "FAIL help-$c: no usage on stdout"
		fail=1
	fi
done
check help 0 --help
# "help COMMAND" is "COMMAND --help"
for c in status rebuild; do
	check "help-cmd-$c" 0 help "$c"
	if ! grep -q "^Usage: daxmirror $c" "$tmp/out"; then
		echo "FAIL help-cmd-$c: 'help $c' did not print the usage of $c"
		fail=1
	fi
done
check help-cmd-unknown 3 help frobnicate
# a required option is in the usage line
for c in rebuild fail replace re-add; do
	"$bin" "$c" --help >"$tmp/out" 2>/dev/null
	n=$((n + 1))
	if grep -q "^Usage: daxmirror $c .*--leg N" "$tmp/out"; then
		echo "ok   usage-leg-$c"
	else
		echo "FAIL usage-leg-$c: the usage line omits the required --leg N: $(head -n 1 "$tmp/out")"
		fail=1
	fi
done

check_clean_error status-nonexistent 4 status dxm-no-such-device
check_clean_error status-json-nonexistent 4 status dxm-no-such-device --json
check_clean_error fail-nonexistent 4 fail dxm-no-such-device --leg 0
check_clean_error remove-nonexistent 4 remove dxm-no-such-device
check_clean_error table-no-such-leg 4 table m0 /nonexistent/a /nonexistent/b
check_clean_error examine-no-such-leg 4 examine /nonexistent/a
check_clean_error detail-nonexistent 4 detail dxm-no-such-device
check_clean_error zero-no-such-leg 4 zero-superblock /nonexistent/a
check_clean_error assemble-no-config 4 assemble --scan --config /nonexistent/conf
# a configuration mistake names the file and line, before anything else
n=$((n + 1))
printf '# sets\nARRAY db uuid=0a000000-0000-0000-0000-00000000000b fast\n' >"$tmp/bad.conf"
"$bin" assemble --scan --config "$tmp/bad.conf" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 4 ] && [ "$(cat "$tmp/err")" = "daxmirror assemble: $tmp/bad.conf:2: unknown setting 'fast'" ]; then
	echo "ok   assemble-bad-config"
else
	echo "FAIL assemble-bad-config: exit $rc: $(cat "$tmp/err")"
	fail=1
fi

# check_stdout NAME WANT PATTERN ARGS...: exit code WANT and a line of
# stdout matching PATTERN
check_stdout() {
	local name=$1 want=$2 re=$3 rc
	shift 3
	n=$((n + 1))
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ] && grep -qE "$re" "$tmp/out"; then
		echo "ok   $name"
	else
		echo "FAIL $name: exit $rc: $(cat "$tmp/out" "$tmp/err")"
		fail=1
	fi
}

# examine of an image file: blank exits 1, one with a corrupt superblock 2
truncate -s 8M "$tmp/leg.img"
check_stdout examine-blank 1 '\(blank\)' examine "$tmp/leg.img"
# the daxmirror magic (DXM_MAGIC, little endian) at the superblock block
# (the last 4 KiB), no checksum
printf '\x44\x41\x4d\x58\x49\x52\x4f\x52' | dd of="$tmp/leg.img" bs=4096 seek=2047 conv=notrunc status=none
check_stdout examine-corrupt 2 '"superblock": "corrupt"' examine --json "$tmp/leg.img"

echo "$n cases"
exit $fail
