# SPDX-License-Identifier: GPL-2.0
#
# tests/lib.sh: common code of the VM scenario scripts (tests/vm/*.sh).
# Sourced in the guest that scripts/vm-run boots; the repository is visible
# read-only at its host path, $VM_WORK is a writable folder shared with the
# host, $VM_KVER the running kernel.
#
# A scenario script defines test functions and runs them as cases:
#
#   . "$(dirname "$0")/../lib.sh"
#   case_foo() { ...; }
#   run_case foo case_foo
#   finish
#
# Each case runs in a subshell with errexit; its first failing command ends
# it with a FAIL line that names the file, the line and the command.  After
# each case the kernel log written since the case started is checked for
# traces, and leftover mounts and dm devices are removed, so that one VM
# boot runs a whole group of cases.  Output lines "PASS: name",
# "FAIL: name", "SKIP: name" are what scripts/run-tests counts.

# shellcheck disable=SC2034,SC2154  # variables shared with the scenarios
set -euo pipefail
set -E		# the ERR trap fires in functions and subshells too
shopt -s inherit_errexit

REPO=${VM_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
HELPERS=$REPO/build/helpers
KVER=${VM_KVER:-$(uname -r)}
GROUP=$(basename "$0" .sh)
MNT_BASE=/tmp/dxm-mnt
SCRATCH=/tmp/dxm-scratch
# no udev in the guest: let libdevmapper create /dev/mapper nodes itself
export DM_DISABLE_UDEV=1
export LC_ALL=C
mkdir -p "$MNT_BASE" "$SCRATCH"

_on_err() {
	local rc=$? i
	echo "ERROR: ${BASH_SOURCE[1]:-?}:${BASH_LINENO[0]:-?}: '${BASH_COMMAND}' exited with $rc" >&2
	for ((i = 1; i < ${#FUNCNAME[@]} - 1; i++)); do
		echo "  from ${FUNCNAME[$i]}() at ${BASH_SOURCE[$((i + 1))]:-?}:${BASH_LINENO[$i]}" >&2
	done
}
trap _on_err ERR

log() { echo "# $*"; }
die() { echo "ERROR: $*" >&2; exit 1; }
fail() { die "$@"; }

# skip REASON: the current case (or the whole script) cannot run here.
skip() {
	echo "SKIP-REASON: $*"
	exit 77
}

# expect_fail CMD...: CMD must fail (its output is shown).
expect_fail() {
	local rc=0
	"$@" || rc=$?
	[ "$rc" -ne 0 ] || die "expected failure, but succeeded: $*"
	return 0
}

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	[ "$1" = "$2" ] || die "${3:-value}: got '$1', expected '$2'"
}

# ---------------------------------------------------------------- dmesg ---

DMESG_MARK=
# dmesg_mark: start a new kernel log section (each case starts one).
dmesg_mark() {
	DMESG_MARK="dxm-test: mark $GROUP $$ $RANDOM$RANDOM ${1:-}"
	echo "$DMESG_MARK" >/dev/kmsg
}

# dmesg_since_mark: kernel log lines written since the last dmesg_mark.
dmesg_since_mark() {
	if [ -z "$DMESG_MARK" ]; then
		dmesg
		return
	fi
	dmesg | awk -v m="$DMESG_MARK" 'found { print } index($0, m) { found = 1 }'
}

# dmesg_has [-E] PATTERN: a kernel log line since the mark matches (grep).
# Not "dmesg_since_mark | grep -q": grep -q exits at the first match, and
# under pipefail the writer's SIGPIPE then fails the pipeline when the log
# is longer than a pipe buffer.
dmesg_has() {
	local log
	log=$(dmesg_since_mark)
	grep -q "$@" <<<"$log"
}

# dmesg_tail [N]: the last N (default 30) lines since the mark.
dmesg_tail() {
	dmesg_since_mark | tail -n "${1:-30}"
}

DMESG_BAD='Call Trace|\bBUG\b|\bWARNING\b|\bOops\b|general protection|kmemleak|blocked for more than|UBSAN|KASAN|list_(add|del) corruption|RIP: 00'

# dmesg_filter: what check_dmesg looks at (a group may cut out reports
# it causes on purpose; see 75-faultinject)
dmesg_filter() { cat; }

# On a kernel with kmemleak (the debug kernel), what the boot left as
# suspects is not this test's: scanned and forgotten once per boot.
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -w "$KMEMLEAK" ] && [ ! -e /run/.dxm-kmemleak-clear ]; then
	echo scan >"$KMEMLEAK" 2>/dev/null || true
	echo clear >"$KMEMLEAK" 2>/dev/null || true
	touch /run/.dxm-kmemleak-clear
fi

# kcsan_cut: on a KCSAN kernel, drop the data-race reports in which no
# stack has a function of the module (races inside the kernel are not
# this project's); the module's are kept, and fail the case.  A report
# is the lines between two rules of "=" that contain "BUG: KCSAN:".
kcsan_cut() {
	awk '/^(\[ *[0-9.]+\] )?==========+$/ {
		if (!inrep) { inrep = 1; n = 0; buf[n++] = $0; next }
		buf[n++] = $0; inrep = 0
		if (!kcsan || ours) for (i = 0; i < n; i++) print buf[i]
		kcsan = ours = 0; next
	}
	inrep { buf[n++] = $0; if (/BUG: KCSAN:/) kcsan = 1; if (/dxm_|dm_daxmirror/) ours = 1; next }
	{ print }
	END { for (i = 0; i < n && inrep; i++) print buf[i] }'
}

# check_dmesg: fail if the kernel logged a trace since the mark, or
# kmemleak (a forced scan) suspects a leak; a leak is reported once.
check_dmesg() {
	local out
	if [ -w "$KMEMLEAK" ]; then
		echo scan >"$KMEMLEAK" 2>/dev/null || true
		out=$(cat "$KMEMLEAK" 2>/dev/null || true)
		if [ -n "$out" ]; then
			echo "ERROR: kmemleak report:" >&2
			echo "$out" | head -n 60 >&2
			echo clear >"$KMEMLEAK" 2>/dev/null || true
			return 1
		fi
	fi
	out=$(dmesg_since_mark | kcsan_cut | dmesg_filter)
	if grep -qE "$DMESG_BAD" <<<"$out"; then
		echo "ERROR: kernel log shows a problem:" >&2
		echo "$out" | grep -nE -B3 -A25 "$DMESG_BAD" | head -n 120 >&2
		return 1
	fi
	return 0
}

# dmesg_expect REGEX: the kernel logged a line matching REGEX since the mark.
dmesg_expect() {
	dmesg_has -E "$1" || {
		echo "ERROR: no kernel log line matches /$1/; log since mark:" >&2
		dmesg_tail 15 >&2
		return 1
	}
}

# dmesg_lines: number of lines in the kernel log now; with
# dmesg_after N: the lines logged after that point.
dmesg_lines() { dmesg | wc -l; }
dmesg_after() { dmesg | tail -n +"$(($1 + 1))"; }

# ---------------------------------------------------------------- cases ---

N_PASS=0
N_FAIL=0
N_SKIP=0
FAILED_CASES=()

# case_cleanup: undo what a case may have left: mounts under $MNT_BASE,
# background jobs, every dm device.  Scenario scripts may override
# extra_cleanup() for more.
extra_cleanup() { :; }
case_cleanup() {
	local m
	extra_cleanup || true
	for m in $(awk -v b="$MNT_BASE" 'index($2, b) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	dmsetup remove_all >/dev/null 2>&1 || dmsetup remove_all --force >/dev/null 2>&1 || true
	rm -rf "${SCRATCH:?}"/*
}

# run_case NAME FUNC [ARGS...]: run one case in a subshell and report it.
run_case() {
	local name=$1 rc t0 t1
	shift
	# TEST_CASES=REGEX (passed through by vm-run): run only matching cases
	if [ -n "${TEST_CASES:-}" ] && [ "$name" != leaks_after_unload ] &&
	   ! [[ $name =~ $TEST_CASES ]]; then
		return 0
	fi
	echo "=== CASE $GROUP/$name"
	dmesg_mark "$name"
	t0=$(date +%s)
	# not "( ... ) || rc=$?": that would switch errexit off inside
	set +e
	trap - ERR
	(
		trap _on_err ERR
		set -e
		"$@"
	)
	rc=$?
	trap _on_err ERR
	set -e
	t1=$(date +%s)
	if [ "$rc" -ne 77 ] && ! check_dmesg; then
		echo "ERROR: kernel trace during $name"
		[ "$rc" -eq 0 ] && rc=1
	fi
	case_cleanup
	case "$rc" in
	0) N_PASS=$((N_PASS + 1)); echo "PASS: $GROUP/$name ($((t1 - t0)) s)" ;;
	77) N_SKIP=$((N_SKIP + 1)); echo "SKIP: $GROUP/$name" ;;
	*) N_FAIL=$((N_FAIL + 1)); FAILED_CASES+=("$name")
	   echo "FAIL: $GROUP/$name (exit $rc, $((t1 - t0)) s)"
	   echo "--- kernel log of $name (last lines):"
	   dmesg_tail 25 | sed 's/^/    /'
	   ;;
	esac
	return 0
}

# group_setup CMD...: run the group's common preparation (setup_fsdax,
# load_module, ...) in the main shell, so that the variables it sets reach
# every case; if it fails the group reports "FAIL: group/setup" (or SKIP).
group_setup() {
	trap '_setup_failed $?' EXIT
	"$@"
	trap - EXIT
}
_setup_failed() {
	trap - EXIT
	if [ "$1" -eq 77 ]; then
		echo "SKIP: $GROUP/setup"
	else
		echo "FAIL: $GROUP/setup (exit $1)"
		dmesg | tail -n 15 | sed 's/^/    /'
	fi
	exit "$1"
}

# the last look for leaks: with every device gone and the module unloaded,
# anything it allocated and did not free is unreferenced
_final_leak_check() {
	unload_module
	sleep 1
	# lockdep switches itself off after its first report (or when its
	# tables overflow): it must still be watching at the end
	if [ -r /proc/lockdep_stats ] &&
	   ! grep -qE 'debug_locks: +1' /proc/lockdep_stats; then
		# what turned it off, from the whole boot's log
		echo "ERROR: kernel log around the first report of this boot:" >&2
		dmesg | grep -nE -B3 -A40 -m1 "$DMESG_BAD|INFO: |turning off the locking" \
			>&2 || true
		die "lockdep is off: $(grep debug_locks /proc/lockdep_stats)"
	fi
}

# finish: on a kernel with kmemleak, the last leak check; then print the
# group's count; exit 1 if a case failed, 77 if every case was skipped.
finish() {
	if [ -w "$KMEMLEAK" ] && [ $((N_PASS + N_FAIL)) -gt 0 ]; then
		run_case leaks_after_unload _final_leak_check
	fi
	echo "SUMMARY: $GROUP on $KVER: $N_PASS passed, $N_FAIL failed, $N_SKIP skipped"
	[ "$N_FAIL" -eq 0 ] || { echo "failed: ${FAILED_CASES[*]}"; exit 1; }
	[ "$N_PASS" -gt 0 ] || [ "$N_SKIP" -eq 0 ] || exit 77
	exit 0
}

# ----------------------------------------------------------------- pmem ---

# _ndctl_json ARGS...: ndctl list output (its noise on stderr dropped).
_ndctl_json() { ndctl list "$@" 2>/dev/null || echo '[]'; }

# _wait_blockdev DEV [SECONDS]
_wait_blockdev() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		[ -b "$1" ] && return 0
		sleep 0.1
	done
	die "block device $1 did not appear"
}

# _to_fsdax BUS: make every namespace on that ndctl bus fsdax; prints the
# block devices in namespace order.
_to_fsdax() {
	local bus=$1 ns mode blk
	for ns in $(_ndctl_json -N --bus="$bus" | jq -r '.[]?.dev // empty' | sort -V); do
		mode=$(_ndctl_json -N -n "$ns" | jq -r 'if type=="array" then .[0].mode else .mode end')
		if [ "$mode" != fsdax ]; then
			ndctl create-namespace -f -e "$ns" -m fsdax >/dev/null 2>"$SCRATCH/ndctl.err" || {
				cat "$SCRATCH/ndctl.err" >&2
				die "ndctl create-namespace -e $ns -m fsdax failed"
			}
		fi
		blk=$(_ndctl_json -N -n "$ns" | jq -r 'if type=="array" then .[0].blockdev else .blockdev end')
		[ -n "$blk" ] && [ "$blk" != null ] || die "$ns has no block device"
		_wait_blockdev "/dev/$blk"
		[ "$(cat "/sys/block/$blk/queue/dax")" = 1 ] || die "/dev/$blk is not DAX"
		echo "/dev/$blk"
	done
}

# setup_fsdax: every emulated NVDIMM namespace becomes fsdax (idempotent:
# the media keep the mode across boots).  Sets PMEM=(/dev/pmemX ...) in
# namespace order, PMEM0, PMEM1, ... and exports PMEM_DEVS.
setup_fsdax() {
	local i
	# --ignore-install: skip ndctl's key-loading hook (TPM noise)
	modprobe --ignore-install libnvdimm
	modprobe -a nfit nd_pmem dm-mod dm-flakey
	mapfile -t PMEM < <(_to_fsdax ACPI.NFIT)
	[ "${#PMEM[@]}" -gt 0 ] || skip "no NVDIMM namespaces (vm-run --nvdimms)"
	for i in "${!PMEM[@]}"; do
		eval "PMEM$i=${PMEM[$i]}"
		export "PMEM$i"
	done
	export PMEM_DEVS="${PMEM[*]}"
	log "fsdax pmem: $PMEM_DEVS"
}

# setup_legacy_pmem: the memmap= (e820) pmem becomes fsdax.  Sets
# LEGACY_PMEM=(...) and LEGACY_PMEM0; skips without vm-run --legacy-pmem.
setup_legacy_pmem() {
	modprobe --ignore-install libnvdimm
	modprobe -a nd_e820 nd_pmem dm-mod
	mapfile -t LEGACY_PMEM < <(_to_fsdax e820)
	[ "${#LEGACY_PMEM[@]}" -gt 0 ] || skip "no legacy pmem (vm-run --legacy-pmem)"
	export LEGACY_PMEM0=${LEGACY_PMEM[0]}
	log "legacy pmem: ${LEGACY_PMEM[*]}"
}

# setup_virtio_pmem: the virtio-pmem devices (vm-run --virtio-pmem) as
# fsdax block devices, in PCI order.  Sets VPMEM=(...), VPMEM0, VPMEM1;
# skips without them.
setup_virtio_pmem() {
	local d dev i
	modprobe --ignore-install libnvdimm
	modprobe -a virtio_pmem nd_pmem dm-mod
	VPMEM=()
	for ((i = 0; i < 50; i++)); do
		[ "$(ls -d /sys/bus/virtio/drivers/virtio_pmem/virtio* 2>/dev/null | wc -l)" -gt 0 ] && break
		sleep 0.1
	done
	for d in $(ls -d /sys/bus/virtio/drivers/virtio_pmem/virtio* 2>/dev/null | sort -V); do
		d=$(realpath "$d")
		for ((i = 0; i < 50; i++)); do
			dev=$(ls "$d"/ndbus*/region*/namespace*/block 2>/dev/null | head -n 1)
			[ -n "$dev" ] && break
			sleep 0.1
		done
		[ -n "$dev" ] || die "virtio-pmem $d has no block device"
		_wait_blockdev "/dev/$dev"
		[ "$(cat "/sys/block/$dev/queue/dax")" = 1 ] || die "/dev/$dev is not DAX"
		VPMEM+=("/dev/$dev")
	done
	[ "${#VPMEM[@]}" -gt 0 ] || skip "no virtio-pmem devices (vm-run --virtio-pmem)"
	for i in "${!VPMEM[@]}"; do
		eval "VPMEM$i=${VPMEM[$i]}"
		export "VPMEM$i"
	done
	log "virtio-pmem: ${VPMEM[*]}"
}

# sectors DEV: size in 512-byte sectors.
sectors() { blockdev --getsz "$1"; }

# inject_poison DEV SECTOR COUNT: add a bad range (sectors relative to the
# start of DEV, a pmem disk) to its badblocks list.  On NVDIMMs the poison
# stays (writes fail); on legacy pmem a write clears it.
inject_poison() {
	local b
	b=$(basename "$(realpath "$1")")
	[ -w "/sys/block/$b/badblocks" ] || die "$1 has no badblocks list"
	echo "$2 $3" >"/sys/block/$b/badblocks"
}

# badblocks DEV: the current list ("sector count" lines).
badblocks() { cat "/sys/block/$(basename "$(realpath "$1")")/badblocks"; }

# ------------------------------------------------------------ the module ---

MODULE_KO=$REPO/build/modules/$KVER/dm-daxmirror.ko

# load_module: insert dm-daxmirror.ko built for the running kernel.
load_module() {
	local deps
	[ -r "$MODULE_KO" ] || die "no module for $KVER: $MODULE_KO (scripts/run-tests builds it)"
	if ! grep -q '^dm_daxmirror ' /proc/modules; then
		deps=$(modinfo -F depends "$MODULE_KO" | tr ',' ' ')
		modprobe -a dm-mod $deps
		insmod "$MODULE_KO"
	fi
	grep -q '^dm_daxmirror ' /proc/modules || die "dm_daxmirror did not load"
	dmsetup targets | grep -q '^daxmirror ' || die "target daxmirror not registered"
}

unload_module() {
	if grep -q '^dm_daxmirror ' /proc/modules; then
		rmmod dm_daxmirror
	fi
}

# dxm_geometry LEG [REGION SPARE]: sets G_data_sectors, G_sb_offset, ...
# as include/daxmirror_format.h computes them for that leg.
dxm_geometry() {
	local out
	[ -x "$HELPERS/dxm-geometry" ] || die "missing $HELPERS/dxm-geometry (make -C tests/helpers)"
	out=$("$HELPERS/dxm-geometry" "$(sectors "$1")" ${2:+"$2"} ${3:+"$3"}) || return 1
	eval "$(echo "$out" | sed 's/^/G_/')"
}

# dxm_usable_sectors LEG0 LEG1 [REGION SPARE]: the largest table length
# (min of both legs' data_sectors); a leg given as "-" is ignored.
dxm_usable_sectors() {
	local a=$1 b=$2 min='' leg
	shift 2
	for leg in "$a" "$b"; do
		[ "$leg" = - ] && continue
		dxm_geometry "$leg" "$@" || return 1
		if [ -z "$min" ] || [ "$G_data_sectors" -lt "$min" ]; then
			min=$G_data_sectors
		fi
	done
	[ -n "$min" ] || die "dxm_usable_sectors: no leg"
	echo "$min"
}

# _optarg NAME OPTARGS...: value of NAME among the optional arguments.
_optarg() {
	local want=$1
	shift
	while [ $# -gt 0 ]; do
		if [ "$1" = "$want" ]; then
			echo "${2:-}"
			return
		fi
		shift
	done
}

# dxm_table LEG0 LEG1 [OPTARGS...]: the table line for the full usable size.
dxm_table() {
	local l0=$1 l1=$2 len region spare
	shift 2
	region=$(_optarg region_size "$@")
	spare=$(_optarg spare_pages "$@")
	len=$(dxm_usable_sectors "$l0" "$l1" "${region:-128}" "${spare:-256}")
	if [ $# -gt 0 ]; then
		echo "0 $len daxmirror $l0 $l1 $# $*"
	else
		echo "0 $len daxmirror $l0 $l1"
	fi
}

# dxm_create NAME LEG0 LEG1 [OPTARGS...]: create the mirror over the whole
# usable size; sets DXM_DEV=/dev/mapper/NAME and DXM_LEN (sectors).
dxm_create() {
	local name=$1 table
	shift
	table=$(dxm_table "$@")
	log "dmsetup create $name: $table"
	dmsetup create "$name" --table "$table" || {
		echo "ERROR: dmsetup create $name failed; kernel log:" >&2
		dmesg_tail 5 >&2
		return 1
	}
	DXM_DEV=/dev/mapper/$name
	DXM_LEN=$(echo "$table" | cut -d' ' -f2)
	_wait_blockdev "$DXM_DEV"
}

# dxm_create_table NAME TABLE: dmsetup create with a literal table.
dxm_create_table() {
	dmsetup create "$1" --table "$2"
}

dxm_remove() {
	local i
	for ((i = 0; i < 50; i++)); do
		dmsetup remove "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	dmsetup remove "$1"
}

# dxm_message NAME MESSAGE...
dxm_message() {
	local name=$1
	shift
	dmsetup message -- "$name" 0 "$@"
}

# dm_sysdir NAME: /sys/block/dm-N of a dm device.
dm_sysdir() {
	echo "/sys/block/$(dmsetup info -c --noheadings -o blkdevname "$1")"
}

# _status_pick NAME LINE FIELD: FIELD of LINE, a status line of NAME.
_status_pick() {
	local name=$1 line=$2 f=$3
	# 0 <len> daxmirror 2 <leg0> <leg1> <health> ...
	# shellcheck disable=SC2086
	set -- $line
	[ "${3:-}" = daxmirror ] || die "$name is not a daxmirror device: $line"
	case "$f" in
	line) echo "$line" ;;
	leg0) echo "$5" ;;
	leg1) echo "$6" ;;
	health) echo "$7" ;;
	sync) echo "$8" ;;
	in_sync) echo "${8%/*}" ;;
	total) echo "${8#*/}" ;;
	action) echo "$9" ;;
	mismatches) echo "${10}" ;;
	remapped) echo "${11}" ;;
	remapped0) echo "${11%/*}" ;;
	remapped1) echo "${11#*/}" ;;
	spare_free) echo "${12}" ;;
	spare_free0) echo "${12%/*}" ;;
	spare_free1) echo "${12#*/}" ;;
	lost_pages) echo "${13}" ;;
	hot_regions) echo "${14}" ;;
	data_offset) echo "${15}" ;;
	dax) echo "${16}" ;;
	error) echo "${17}" ;;
	sweep) echo "${18}" ;;
	io_errors) echo "${19}" ;;
	io_errors0) echo "${19%/*}" ;;
	io_errors1) echo "${19#*/}" ;;
	*) die "status_field: unknown field $f" ;;
	esac
}

# status_field NAME FIELD: one field of the daxmirror status line.
# FIELD: health sync in_sync total action mismatches remapped remapped0
# remapped1 spare_free spare_free0 spare_free1 lost_pages hot_regions
# data_offset dax error sweep leg0 leg1 (maj:min), or line (the whole line).
status_field() {
	_status_pick "$1" "$(dmsetup status "$1")" "$2"
}

# status_fields NAME FIELD...: the fields of ONE status line, joined by
# "/" (two status_field calls can straddle a change of state)
status_fields() {
	local name=$1 line out= f
	shift
	line=$(dmsetup status "$name")
	for f; do
		out+="${out:+/}$(_status_pick "$name" "$line" "$f")"
	done
	echo "$out"
}

# wait_action_idle NAME [TIMEOUT]: until action is idle (and no leg is
# "a"); fails after TIMEOUT seconds (default 600).
wait_action_idle() {
	local name=$1 t=${2:-600} i=0 line
	while :; do
		line=$(dmsetup status "$name")
		case "$(_status_pick "$name" "$line" action)/$(_status_pick "$name" "$line" health)" in
		idle/*a*) ;;
		idle/*) return 0 ;;
		esac
		[ "$i" -lt "$t" ] || die "$name not idle after ${t}s: $line"
		[ $((i % 30)) -eq 0 ] && log "waiting for $name: $line"
		sleep 1
		i=$((i + 1))
	done
}

# ------------------------------------------------------------- data ---

# legs_identical LEG0 LEG1 SECTORS [OFFSET]: compare the first SECTORS
# sectors of both legs' data areas (starting at OFFSET, default 0) with
# O_DIRECT reads; report the first differing sector.
legs_identical() {
	local a=$1 b=$2 n=$3 off=${4:-0} out
	if out=$(cmp <(dd if="$a" iflag=direct,skip_bytes,count_bytes bs=1M \
			skip=$((off * 512)) count=$((n * 512)) status=none) \
		     <(dd if="$b" iflag=direct,skip_bytes,count_bytes bs=1M \
			skip=$((off * 512)) count=$((n * 512)) status=none) 2>&1); then
		return 0
	fi
	local byte
	byte=$(echo "$out" | sed -nE 's/.*differ: (byte|char) ([0-9]+).*/\2/p')
	if [ -n "$byte" ]; then
		echo "ERROR: legs differ: first at data sector $((off + (byte - 1) / 512)) (byte $((off * 512 + byte - 1)) of the legs)" >&2
	else
		echo "ERROR: comparing legs: $out" >&2
	fi
	return 1
}

# hash_range DEV SECTOR COUNT: sha256 of a sector range (O_DIRECT).
hash_range() {
	dd if="$1" iflag=direct,skip_bytes,count_bytes bs=1M skip=$(($2 * 512)) \
		count=$(($3 * 512)) status=none | sha256sum | cut -d' ' -f1
}

# meta_hash LEG: sha256 of the leg's metadata area (everything after the
# data area, per the default geometry) and of its first MiB.
meta_hash() {
	local n
	n=$(sectors "$1")
	dxm_geometry "$1"
	echo "$(hash_range "$1" "$G_data_sectors" $((n - G_data_sectors)))" \
	     "$(hash_range "$1" 0 2048)"
}

# pattern SEED BYTES [OFFSET]: pseudo-random bytes; a sub-range of a
# pattern is the same bytes when regenerated with its OFFSET.
pattern() { "$HELPERS/pattern" "$@"; }

# write_pattern DEV SECTOR COUNT SEED: deterministic data, O_DIRECT.
write_pattern() {
	pattern "$4" $(($3 * 512)) |
		dd of="$1" oflag=direct,seek_bytes bs=1M iflag=fullblock \
			seek=$(($2 * 512)) conv=notrunc status=none
}
# check_pattern DEV SECTOR COUNT SEED
check_pattern() {
	local want got
	want=$(pattern "$4" $(($3 * 512)) | sha256sum | cut -d' ' -f1)
	got=$(hash_range "$1" "$2" "$3")
	[ "$want" = "$got" ] || die "$1 sectors $2+$3: data differ from pattern $4"
}

# zero_range DEV SECTOR COUNT
zero_range() {
	dd if=/dev/zero of="$1" oflag=direct,seek_bytes iflag=count_bytes bs=1M \
		seek=$(($2 * 512)) count=$(($3 * 512)) conv=notrunc status=none
}

# wipe_meta LEG...: zero the last 32 MiB of each leg, where every
# geometry keeps its metadata: the leg then counts as blank.
wipe_meta() {
	local leg n m
	for leg in "$@"; do
		n=$(sectors "$leg")
		m=$((n < 65536 ? n : 65536))
		zero_range "$leg" $((n - m)) "$m"
	done
}

# zero_legs LEG...: zero each leg entirely (data and metadata), e.g. so
# that a nosync mirror's legs are really identical.
zero_legs() {
	local leg
	for leg in "$@"; do
		zero_range "$leg" 0 "$(sectors "$leg")"
	done
}

# run_fio NAME FIO-ARGS...: run fio quietly; show its output on failure.
run_fio() {
	local name=$1 rc=0
	shift
	# cwd /tmp: fio saves verify state files in the cwd
	(cd "$SCRATCH" && fio --eta=never --name="$name" --output="$SCRATCH/fio-$name.log" "$@") || rc=$?
	if [ "$rc" -ne 0 ] || grep -qE "verify: bad|err= *[1-9]" "$SCRATCH/fio-$name.log"; then
		echo "ERROR: fio $name failed (exit $rc):" >&2
		tail -n 40 "$SCRATCH/fio-$name.log" >&2
		return 1
	fi
	grep -E "^ +(READ|WRITE):" "$SCRATCH/fio-$name.log" | sed "s/^ */# fio $name: /" || true
}

# ---------------------------------------------------------- filesystems ---

# mkfs_dax ext4|xfs DEV: a filesystem laid out for 2 MiB DAX faults.
mkfs_dax() {
	case "$1" in
	ext4) mkfs.ext4 -q -F -b 4096 -E stride=512,stripe_width=512 "$2" ;;
	# agcount=2: with su=2m a 64 MiB log (the minimum) fits a ~500 MiB
	# device only when the AGs are larger than the default 4 give
	xfs) mkfs.xfs -q -f -d su=2m,sw=1,agcount=2 -l size=64m "$2" ;;
	*) die "mkfs_dax: unknown fs $1" ;;
	esac
}

# mount_dax DEV MNT [FSTYPE]: mount with -o dax and check that DAX is on.
mount_dax() {
	mkdir -p "$2"
	mount ${3:+-t "$3"} -o dax "$1" "$2"
	touch "$2/.daxprobe"
	"$HELPERS/pmdmap" --isdax "$2/.daxprobe" || die "$2 is mounted without DAX"
	rm -f "$2/.daxprobe"
}

# majmin DEV: "major:minor" as the status line and tables print it.
majmin() {
	printf '%d:%d' "0x$(stat -L -c %t "$1")" "0x$(stat -L -c %T "$1")"
}

# ----------------------------------------------------------- tracing ---

TRACE=/sys/kernel/tracing

# pmd_faults_start / pmd_faults_stop: count 2 MiB DAX faults in between;
# pmd_faults_stop sets PMD_NOPAGE and PMD_FALLBACK.
pmd_faults_start() {
	[ -d "$TRACE/events/fs_dax" ] || skip "no fs_dax tracepoints"
	echo 0 >"$TRACE/tracing_on"
	echo >"$TRACE/trace"
	echo 1 >"$TRACE/events/fs_dax/dax_pmd_fault_done/enable"
	echo 1 >"$TRACE/tracing_on"
}
pmd_faults_stop() {
	echo 0 >"$TRACE/tracing_on"
	echo 0 >"$TRACE/events/fs_dax/dax_pmd_fault_done/enable"
	PMD_NOPAGE=$(grep -c 'dax_pmd_fault_done.*NOPAGE' "$TRACE/trace" || true)
	PMD_FALLBACK=$(grep -c 'dax_pmd_fault_done.*FALLBACK' "$TRACE/trace" || true)
	log "2 MiB DAX faults: $PMD_NOPAGE NOPAGE, $PMD_FALLBACK FALLBACK"
}

# check_pmd_faults DIR: an 8 MiB file in DIR mapped 2 MiB-aligned is
# faulted with 2 MiB pages only.
check_pmd_faults() {
	pmd_faults_start
	"$HELPERS/pmdmap" "$1/pmdfile" 8
	pmd_faults_stop
	rm -f "$1/pmdfile"
	[ "$PMD_NOPAGE" -ge 4 ] || die "expected >= 4 2 MiB faults, got $PMD_NOPAGE"
	[ "$PMD_FALLBACK" -eq 0 ] || die "$PMD_FALLBACK 2 MiB faults fell back to 4 KiB"
}

# ----------------------------------------------------------- power cut ---

# two_sets DEV0 DEV1: two formatted mirror sets over the halves of two
# devices, removed again: x over a0 + b0 and y over a1 + b1 (dm-linear
# a0/a1 = halves of DEV0, b0/b1 = halves of DEV1, HALF sectors each), for
# tests that offer legs of different sets together.
two_sets() {
	HALF=$(( ($(sectors "$1") / 2) / 4096 * 4096 ))
	dmsetup create a0 --table "0 $HALF linear $1 0"
	dmsetup create a1 --table "0 $HALF linear $1 $HALF"
	dmsetup create b0 --table "0 $HALF linear $2 0"
	dmsetup create b1 --table "0 $HALF linear $2 $HALF"
	wipe_meta /dev/mapper/a0 /dev/mapper/a1 /dev/mapper/b0 /dev/mapper/b1
	dxm_create x /dev/mapper/a0 /dev/mapper/b0 nosync
	dxm_remove x
	dxm_create y /dev/mapper/a1 /dev/mapper/b1 nosync
	dxm_remove y
}

# build_validator: $VALIDATE, the module's metadata checks in userspace
# (include/daxmirror_validate.c with the tool's CRC32C; see
# fuzz/dxm-validate-cli.c for its output)
build_validator() {
	VALIDATE=$SCRATCH/dxm-validate
	command -v cc >/dev/null && command -v c++ >/dev/null ||
		skip "no C and C++ compiler in the guest for the validator"
	cc -O1 -I"$REPO/include" -I"$REPO/lvm-tools/lib" -o "$VALIDATE" \
		"$REPO/fuzz/dxm-validate-cli.c" "$REPO/include/daxmirror_validate.c" \
		"$REPO/lvm-tools/lib/crc32c.cc" -lstdc++
}

# vm_power_cut: ask vm-run to kill the VM now (no sync, no shutdown).
vm_power_cut() {
	[ -n "${VM_WORK:-}" ] || die "vm_power_cut outside vm-run"
	touch "$VM_WORK/.powercut"
	sleep 600
	die "power cut did not happen"
}

# vm_power_cut_now: cut the power from inside at this very moment: an
# immediate reboot (sysrq b: no sync, no shutdown, nothing written after
# it), which QEMU's -no-reboot turns into its exit; vm-run reports it as
# a power cut (137) because .powercut exists.  For work too quick for
# vm-run's polling of .powercut (0.2 s).  Media state as after a kill:
# the NVDIMMs are shared file mappings and TCG has no CPU cache.
vm_power_cut_now() {
	[ -n "${VM_WORK:-}" ] || die "vm_power_cut_now outside vm-run"
	touch "$VM_WORK/.powercut"
	echo b >/proc/sysrq-trigger
	sleep 600
	die "power cut did not happen"
}
