#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317  # functions called through wait_until
#
# The benchmark, guest side: scripts/bench boots a VM with four emulated
# NVDIMMs (two large, two small) and runs this script.  It measures
# daxmirror and its peers over the same pmem in this one VM and appends
# one line per measurement to $VM_WORK/bench-results.tsv:
#
#   section  metric  config  rep  value  unit  note
#
# The host side (tests/bench/report.py) takes medians over the
# repetitions and divides by the dm-linear reference.  Nothing here passes
# or fails on a number: under TCG only ratios carry meaning.
#
# Environment (scripts/bench sets them):
#   DXM_BENCH_RUNTIME   seconds per fio job (3)
#   DXM_BENCH_REPS      repetitions, interleaved over the configs (3)
#   DXM_BENCH_FILE_MB   size of the fio file on ext4 (64)
#   DXM_BENCH_SECTIONS  any of: matrix rebuild flush failover control
#                       (default: matrix rebuild flush; scripts/bench runs "control" in a
#                       second VM with another CPU model)
#   DXM_BENCH_CONFIGS   the matrix's configurations (raw linear dxm mirror
#                       md; dxm1 = daxmirror with leg 1 failed)
#   DXM_BENCH_FLUSH_S   seconds per flushbench point (0.5; at least 3 rounds)
#   DXM_BENCH_FS_MB     size of the ext4 filesystems of the matrix (256)
#
# The host is shared and the VM's CPU share changes from minute to minute:
# every measurement also records the guest's CPU speed right before and
# after it (tests/bench/cpurate, note field cpu=), so that the report can
# show ratios corrected for it next to the plain ones.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
set +E
trap - ERR
# scripts/bench builds the module and helpers from one source snapshot
MODULE_KO=${DXM_BENCH_MODULE:-$MODULE_KO}
HELPERS=${DXM_BENCH_HELPERS:-$HELPERS}

RUNTIME=${DXM_BENCH_RUNTIME:-3}
REPS=${DXM_BENCH_REPS:-3}
FILE_MB=${DXM_BENCH_FILE_MB:-64}
SECTIONS=${DXM_BENCH_SECTIONS:-matrix rebuild flush}
FLUSH_S=${DXM_BENCH_FLUSH_S:-0.5}
FS_MB=${DXM_BENCH_FS_MB:-256}
FLUSHBENCH=$REPO/build/bench/flushbench
export BENCH_CPURATE=$REPO/build/bench/cpurate
[ -x "$BENCH_CPURATE" ] || BENCH_CPURATE=
OUT=${VM_WORK:?run by scripts/vm-run}/bench-results.tsv
MNT=$MNT_BASE/bench
: >"$OUT"
T_START=$(date +%s)

say() { echo "bench[$(($(date +%s) - T_START))s]: $*"; }
# rec SECTION METRIC CONFIG REP VALUE UNIT [NOTE]
rec() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "${7:-}" >>"$OUT"
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# ------------------------------------------------------------- devices ---

setup_fsdax
load_module
[ "${#PMEM[@]}" -ge 2 ] || die "the benchmark needs at least two NVDIMMs"
# namespace order is not NVDIMM order: sort the pmem disks by size
mapfile -t BYSIZE < <(for d in "${PMEM[@]}"; do echo "$(sectors "$d") $d"; done |
	sort -k1,1nr -k2,2V | awk '{ print $2 }')
BIG0=${BYSIZE[0]}
BIG1=${BYSIZE[1]}
SMALL0=${BYSIZE[2]:-}
SMALL1=${BYSIZE[3]:-}
if [ -n "$SMALL1" ] && [ "$(sectors "$SMALL1")" -ge "$(sectors "$BIG1")" ]; then
	SMALL0='' SMALL1=''	# no smaller pair: no size comparison
fi
LEN=$(dxm_usable_sectors "$BIG0" "$BIG1")
say "large pair $BIG0 $BIG1 ($(sectors "$BIG0") sectors, mirror $LEN)," \
    "small pair ${SMALL0:-none} ${SMALL1:-}"
rec info kernel - - "$(uname -r)" -
rec info date - - "$(date -u '+%Y-%m-%d %H:%M UTC')" -
rec info command - - "${DXM_BENCH_COMMAND:-tests/bench/guest-bench.sh}" -
rec info module - - "${DXM_BENCH_MODREV:-build/modules}" -
rec info qemu_cpu - - "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" -
rec info large_leg_sectors - - "$(sectors "$BIG0")" sectors
rec info mirror_sectors - - "$LEN" sectors
rec info fio - - "$(fio --version)" -
rec info runtime_s - - "$RUNTIME" s
rec info reps - - "$REPS" -
rec info vcpus - - "$(nproc)" -
rec info file_mb - - "$FILE_MB" MiB
rec info fs_mb - - "$FS_MB" MiB

# Touch every page of the emulated media once: a first write to a sparse
# backing file costs the host a page fault, which would favour whoever
# runs second.  Zeroed legs are also truly identical for "nosync".
say "zeroing the media"
for d in "${PMEM[@]}"; do
	dd if=/dev/zero of="$d" bs=1M oflag=direct status=none 2>/dev/null || true
done

# ------------------------------------------------------------- configs ---
# sysblk DEV: its /sys/block directory (/dev/mapper nodes are not links
# to dm-N here: no udev in the guest)
sysblk() {
	case "$1" in
	/dev/mapper/*) dm_sysdir "${1#/dev/mapper/}" ;;
	*) echo "/sys/block/$(basename "$(realpath "$1")")" ;;
	esac
}

# cfg_up NAME [DXM_OPTS...]: build the device; sets DEV and DAXOK.
# raw = the pmem disk itself, linear = dm-linear (the reference),
# dxm = daxmirror, dxm1 = daxmirror with leg 1 failed by message (the
# module's own cost without the second copy), mirror = dm-mirror (core
# log), md = md raid1.
DMNAME=
cfg_up() {
	local cfg=$1
	shift
	DMNAME=
	case "$cfg" in
	raw)	DEV=$BIG0 ;;
	linear)	DMNAME=bench_lin
		dmsetup create "$DMNAME" --table "0 $LEN linear $BIG0 0" ;;
	dxm|dxm1)
		DMNAME=bench_dxm
		wipe_meta "$BIG0" "$BIG1"
		dmsetup create "$DMNAME" --table \
			"0 $LEN daxmirror $BIG0 $BIG1 $((1 + $#)) nosync $*"
		[ "$cfg" = dxm ] || dmsetup message "$DMNAME" 0 fail 1 ||
			die "dxm1: failing leg 1 was refused" ;;
	mirror)	DMNAME=bench_mir
		dmsetup create "$DMNAME" --table \
			"0 $LEN mirror core 2 1024 nosync 2 $BIG0 0 $BIG1 0" ;;
	md)	md_create "$BIG0" "$BIG1" --assume-clean
		DEV=/dev/md0 ;;
	*)	die "unknown config $cfg" ;;
	esac
	if [ -n "$DMNAME" ]; then
		DEV=/dev/mapper/$DMNAME
		_wait_blockdev "$DEV"
	fi
	DAXOK=0
	[ "$(cat "$(sysblk "$DEV")/queue/dax" 2>/dev/null)" = 1 ] && DAXOK=1
	export BENCH_DMNAME=$DMNAME BENCH_DAXMIRROR=0 BENCH_DATAFILE=
	[[ $cfg == dxm* ]] && BENCH_DAXMIRROR=1
	return 0
}

# md_create LEG0 LEG1 [MDADM-OPTS...]: md raid1 /dev/md0, bitmap, 1.0
md_create() {
	local a=$1 b=$2
	shift 2
	mdadm --create /dev/md0 --run --quiet --level=1 --raid-devices=2 \
		--bitmap=internal --metadata=1.0 "$@" "$a" "$b" >"$SCRATCH/mdadm.log" 2>&1 || {
		cat "$SCRATCH/mdadm.log" >&2
		die "mdadm --create failed"
	}
}

# cfg_down [LEG...]: remove whatever cfg_up built, wipe the legs' metadata
# (daxmirror and md 1.0 both keep it at the end).
cfg_down() {
	local legs=("$@")
	[ ${#legs[@]} -gt 0 ] || legs=("$BIG0" "$BIG1")
	umount "$MNT" 2>/dev/null || true
	if [ -n "$DMNAME" ]; then
		dxm_remove "$DMNAME"
		DMNAME=
	fi
	if [ -e /sys/block/md0/md ]; then
		mdadm --stop /dev/md0 >/dev/null 2>&1 || true
		mdadm --zero-superblock "${legs[@]}" >/dev/null 2>&1 || true
	fi
	wipe_meta "${legs[@]}"
}

# cpu: the guest's CPU speed now (empty without the helper)
cpu() { [ -z "$BENCH_CPURATE" ] || "$BENCH_CPURATE"; }
# cpu_avg A B
cpu_avg() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "") printf "%.2f", (a + b) / 2 }'; }

# mkfs_mount MB: ext4 of MB MiB at the start of $DEV (the same size on
# every configuration; inode tables written now, not by a background
# thread during the runs), mounted -o dax where $DEV offers DAX.
mkfs_mount() {
	mkfs.ext4 -q -F -b 4096 -E stride=512,stripe_width=512,lazy_itable_init=0,lazy_journal_init=0 \
		"$DEV" "${1}M" >/dev/null
	if [ "$DAXOK" = 1 ]; then
		mount_dax "$DEV" "$MNT" ext4
	else
		mkdir -p "$MNT"
		mount -t ext4 "$DEV" "$MNT"
	fi
}

# The jobs of the matrix: "metric kind fio-args"; kind read|write|sync
# names the part of fio's JSON that holds the result.  The ext4 jobs run
# on a file of $FILE_MB MiB, the O_DIRECT jobs on the device itself.
# The *_warm read jobs are not counted for their first $WARM seconds (fio
# ramp_time): by then every page of the file has been faulted in and, on
# daxmirror, copied once by the interval sync, so they measure reads
# through established mappings; the plain read jobs include that start.
WARM=2
FSYNC_JOB="fsync_randwrite sync --ioengine=psync --rw=randwrite --fsync=1"
FS_JOBS=(
	"dax_randread_mmap read --ioengine=mmap --rw=randread"
	"dax_randread_mmap_warm read --ioengine=mmap --rw=randread --ramp_time=$WARM"
	"dax_randwrite_mmap write --ioengine=mmap --rw=randwrite"
	"dax_randread_libpmem read --ioengine=libpmem --rw=randread"
	"dax_randread_libpmem_warm read --ioengine=libpmem --rw=randread --ramp_time=$WARM"
	"dax_randwrite_libpmem write --ioengine=libpmem --rw=randwrite"
	"$FSYNC_JOB"
)
DEV_JOBS=(
	"dio_randwrite_4k write --rw=randwrite --bs=4k"
	"dio_seqwrite_1m write --rw=write --bs=1M"
	# two jobs at once, on disjoint halves (scaling with 2 vCPUs)
	"dio_randwrite_4k_2j write --rw=randwrite --bs=4k --numjobs=2 --size=128M --offset_increment=128M --group_reporting"
	"dio_seqwrite_1m_2j write --rw=write --bs=1M --numjobs=2 --size=128M --offset_increment=128M --group_reporting"
)
HOOK=$REPO/tests/bench/fio-hook.sh

# fio_batch CFG REP TAG COMMON-ARGS -- JOB...: run the jobs one after the
# other in ONE fio process (fio's start-up costs seconds under TCG), each
# preceded by the drain hook, and record one line per job.  A failing job
# is recorded as NA, never fatal.
fio_batch() {
	local cfg=$1 rep=$2 tag=$3 common=() args=() j met kind json rc=0
	shift 3
	while [ "$1" != -- ]; do common+=("$1"); shift; done
	shift
	json=$SCRATCH/fio-$tag-$cfg-$rep.json
	export BENCH_HOOKLOG=$SCRATCH/hook-$tag-$cfg-$rep.log
	: >"$BENCH_HOOKLOG"
	local jobs=()
	for j in "$@"; do
		# shellcheck disable=SC2086
		set -- $j
		met=$1
		shift 2
		if [[ $met == dax_*libpmem* ]] && [ "$DAXOK" = 0 ]; then
			rec "$REC_SEC" "$met" "$cfg" "$rep" NA - "dax=0 fio's libpmem engine refuses a file that is not on DAX"
			continue
		fi
		jobs+=("$j")
		args+=(--name="$met" --stonewall --exec_prerun="$HOOK pre $met"
		       --exec_postrun="$HOOK post $met" "${common[@]}" "$@")
	done
	[ ${#jobs[@]} -gt 0 ] || return 0
	(cd "$SCRATCH" && fio --thread --eta=never --output-format=json --output="$json" \
		--time_based --runtime="$RUNTIME" "${args[@]}") >"$SCRATCH/fio.err" 2>&1 || rc=$?
	[ "$rc" = 0 ] || say "fio on $cfg exited with $rc: $(tail -n 3 "$SCRATCH/fio.err" | tr '\n' ' ')"
	for j in "${jobs[@]}"; do
		# shellcheck disable=SC2086
		set -- $j
		fio_record "$cfg" "$rep" "$1" "$2" "$json"
	done
}

# fio_record CFG REP METRIC KIND JSON
fio_record() {
	local cfg=$1 rep=$2 met=$3 kind=$4 json=$5 dir=$4 line
	[ "$kind" = sync ] && dir="write"
	# fio writes "JOB : Saving output of prerun ..." lines before the JSON
	sed -n '/^{/,$p' "$json" >"$json.clean"
	# error, iops, bandwidth (KiB/s), completion latency p50/p99 and
	# fsync latency p50/p99 (ns)
	line=$(jq -r --arg n "$met" --arg d "$dir" '.jobs[] | select(.jobname == $n) |
		[.error, .[$d].iops, .[$d].bw,
		 (.[$d].clat_ns.percentile["50.000000"] // 0),
		 (.[$d].clat_ns.percentile["99.000000"] // 0),
		 (.sync.lat_ns.percentile["50.000000"] // 0),
		 (.sync.lat_ns.percentile["99.000000"] // 0)] | @tsv' "$json.clean" 2>/dev/null || true)
	if [ -z "$line" ]; then
		rec "$REC_SEC" "$met" "$cfg" "$rep" NA - "dax=$DAXOK fio gave no result"
		say "  $met $cfg: no result"
		return 0
	fi
	local err iops bw p50 p99 s50 s99 note drain hot cpu
	read -r err iops bw p50 p99 s50 s99 <<<"$line"
	if [ "$err" != 0 ]; then
		rec "$REC_SEC" "$met" "$cfg" "$rep" NA - "dax=$DAXOK fio error $err"
		say "  $met $cfg: fio error $err"
		return 0
	fi
	note="dax=$DAXOK p50_us=$((${p50%.*} / 1000)) p99_us=$((${p99%.*} / 1000))"
	if [ "$kind" = sync ]; then
		note+=" fsync_p50_us=$((${s50%.*} / 1000)) fsync_p99_us=$((${s99%.*} / 1000))"
	fi
	drain=$(awk -v j="$met" '$1 == j && $2 == "drain_s" { print $3 }' "$BENCH_HOOKLOG")
	cpu=$(cpu_avg "$(awk -v j="$met" '$1 == j && $2 == "cpu_pre" { print $3 }' "$BENCH_HOOKLOG")" \
		      "$(awk -v j="$met" '$1 == j && $2 == "cpu_post" { print $3 }' "$BENCH_HOOKLOG")")
	[ -z "$cpu" ] || note+=" cpu=$cpu"
	hot=$(awk -v j="$met" '$1 == j && $2 == "hot_regions" { print $3 }' "$BENCH_HOOKLOG")
	[ -z "$drain" ] || note+=" drain_s=$drain"
	[ -z "$hot" ] || note+=" hot_regions_after=$hot"
	case "$met" in
	*1m | *1m_2j) rec "$REC_SEC" "$met" "$cfg" "$rep" "$(awk -v b="$bw" 'BEGIN { printf "%.1f", b / 1024 }')" MiB/s "$note" ;;
	*)   rec "$REC_SEC" "$met" "$cfg" "$rep" "$(printf '%.0f' "$iops")" IOPS "$note" ;;
	esac
	say "  $met $cfg: iops=$(printf '%.0f' "$iops") $note"
}

# make_file FILE MB: allocated in one go (fallocate: 2 MiB-aligned extents
# with this mkfs, so 2 MiB DAX faults are possible), then written, so that
# no job pays for block allocation or unwritten-extent conversion.
make_file() {
	fallocate -l "${2}M" "$1"
	dd if=/dev/zero of="$1" bs=1M count="$2" conv=notrunc,fsync status=none
}

# ---------------------------------------------------------------- matrix ---
read -ra MATRIX_CFGS <<<"${DXM_BENCH_CONFIGS:-raw linear dxm mirror md}"
REC_SEC=matrix	# the section fio_record files its lines under

matrix_one() {
	local cfg=$1 rep=$2 f
	cfg_up "$cfg"
	say "matrix rep $rep: $cfg on $DEV (dax=$DAXOK)"
	mkfs_mount "$FS_MB"
	f=$MNT/bench.dat
	make_file "$f" "$FILE_MB"
	export BENCH_DATAFILE=$f
	fio_batch "$cfg" "$rep" fs --filename="$f" --size="${FILE_MB}M" --bs=4k \
		--randseed=$((1000 + rep)) -- "${FS_JOBS[@]}"
	umount "$MNT"
	BENCH_DATAFILE=
	# O_DIRECT on the device itself (this ends the filesystem)
	fio_batch "$cfg" "$rep" dev --filename="$DEV" --size=256M --direct=1 \
		--ioengine=psync --randseed=$((2000 + rep)) -- "${DEV_JOBS[@]}"
	cfg_down
}

run_matrix() {
	local rep i n=${#MATRIX_CFGS[@]}
	for ((rep = 1; rep <= REPS; rep++)); do
		# rotate the order so that no config always runs first
		for ((i = 0; i < n; i++)); do
			matrix_one "${MATRIX_CFGS[$(((i + rep - 1) % n))]}" "$rep"
		done
	done
}

# --------------------------------------------------------------- rebuild ---
# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local t=$1 s
	shift
	s=$(now)
	until "$@"; do
		awk -v a="$s" -v b="$(now)" -v t="$t" 'BEGIN { exit !(b - a > t) }' &&
			return 1
		sleep 0.1
	done
}
dxm_idle() {
	# 0 <len> daxmirror 2 <leg0> <leg1> <health> <sync> <action> ...
	# shellcheck disable=SC2046
	set -- $(dmsetup status "$1")
	[ "$9" = idle ] && [[ $7 != *a* ]]
}
mirror_in_sync() {
	# 0 <len> mirror 2 <dev> <dev> <in>/<total> ...
	# shellcheck disable=SC2046
	set -- $(dmsetup status "$1")
	[ "${7%/*}" = "${7#*/}" ]
}
md_idle() { [ "$(cat /sys/block/md0/md/sync_action)" = idle ]; }

# copy_start: note the time and the CPU speed before a copy;
# copy_done CFG REP BYTES: record its throughput (MB/s), with the CPU
# speed averaged over before and after.
copy_start() {
	C0=$(cpu)
	S0=$(now)
}
copy_done() {
	local t c
	t=$(elapsed "$S0")
	c=$(cpu_avg "$C0" "$(cpu)")
	rec rebuild copy_MBps "$1" "$2" \
		"$(awk -v b="$3" -v t="$t" 'BEGIN { printf "%.1f", b / t / 1e6 }')" MB/s \
		"seconds=$t bytes=$3${c:+ cpu=$c}"
	say "  $1: $t s${c:+ (cpu $c)}"
}

# Rebuild/resync on the small pair (the same measurement on the large one
# takes four times as long and tells the same): a plain dd copy of the
# mirror's data size, daxmirror's rebuild, dm-mirror's and md's initial
# resync, in that order, each repetition.
run_rebuild() {
	local rep bytes l0 l1 len
	# the large pair: a copy of several seconds, so that the fixed cost of
	# starting and ending a rebuild and the 0.1 s polling do not decide
	l0=$BIG0 l1=$BIG1
	len=$(dxm_usable_sectors "$l0" "$l1")
	bytes=$((len * 512))
	rec info rebuild_legs - - "$l0 $l1" -
	rec info rebuild_bytes - - "$bytes" bytes
	# md resync would otherwise stop at 200 MB/s
	echo 10000000 >/proc/sys/dev/raid/speed_limit_max
	for ((rep = 1; rep <= REPS; rep++)); do
		say "rebuild rep $rep ($l0 -> $l1, $((bytes >> 20)) MiB)"
		cfg_down "$l0" "$l1"
		copy_start
		dd if="$l0" of="$l1" bs=1M count=$((len / 2048)) iflag=direct oflag=direct status=none
		copy_done dd "$rep" "$bytes"

		DMNAME=bench_dxm
		dmsetup create "$DMNAME" --table "0 $len daxmirror $l0 $l1 1 nosync"
		wait_until 60 dxm_idle "$DMNAME" || true
		copy_start
		dmsetup message "$DMNAME" 0 rebuild 1
		if wait_until 900 dxm_idle "$DMNAME"; then
			copy_done dxm "$rep" "$bytes"
		else
			rec rebuild copy_MBps dxm "$rep" NA - "timeout"
		fi
		cfg_down "$l0" "$l1"

		DMNAME=bench_mir
		copy_start
		dmsetup create "$DMNAME" --table "0 $len mirror core 1 1024 2 $l0 0 $l1 0"
		if wait_until 900 mirror_in_sync "$DMNAME"; then
			copy_done mirror "$rep" "$bytes"
		else
			rec rebuild copy_MBps mirror "$rep" NA - "timeout"
		fi
		cfg_down "$l0" "$l1"

		copy_start
		md_create "$l0" "$l1"
		sleep 0.2
		if wait_until 900 md_idle; then
			copy_done md "$rep" "$(($(cat /sys/block/md0/size) * 512))"
		else
			rec rebuild copy_MBps md "$rep" NA - "timeout"
		fi
		cfg_down "$l0" "$l1"

		# Control for an emulator artifact: QEMU's software TLB is
		# direct-mapped, and the two legs' kernel addresses differ by a
		# large power of two, so a CPU copy from one leg to the same
		# offset of the other refills the TLB on every access.  The
		# same rebuild with leg 1 seen through dm-linear 148 KiB into
		# the NVDIMM (addresses no longer aliased) shows how much of
		# the gap is the emulator's.
		dmsetup create bench_shift --table \
			"0 $(($(sectors "$l1") - SHIFT)) linear $l1 $SHIFT"
		local sl1=/dev/mapper/bench_shift slen
		wipe_meta "$sl1"
		slen=$(dxm_usable_sectors "$l0" "$sl1")
		DMNAME=bench_dxm
		dmsetup create "$DMNAME" --table "0 $slen daxmirror $l0 $sl1 1 nosync"
		wait_until 60 dxm_idle "$DMNAME" || true
		copy_start
		dmsetup message "$DMNAME" 0 rebuild 1
		if wait_until 900 dxm_idle "$DMNAME"; then
			copy_done dxm_shifted "$rep" $((slen * 512))
		else
			rec rebuild copy_MBps dxm_shifted "$rep" NA - "timeout"
		fi
		dxm_remove "$DMNAME"
		DMNAME=
		wipe_meta "$sl1"
		dxm_remove bench_shift
		cfg_down "$l0" "$l1"
	done
}
SHIFT=296	# sectors: 37 pages

# ----------------------------------------------------------------- flush ---
# Flush cost with sync_interval_ms 0 on a small and a ~4x larger mirror,
# against dm-linear over the same leg 0: flushbench stores to N pages of
# a 64 MiB file on ext4 -o dax and fsyncs, in a loop.  "pte": the file is
# mapped so that only 4 KiB faults are possible (N pages hot per round);
# "pmd": mapped 2 MiB-aligned, 2 MiB faults possible (what a DAX user gets
# by default).
# pmd first: once a 4 KiB DAX entry exists for a range of the file, the
# kernel no longer maps that range with 2 MiB faults
FLUSH_POINTS=("pmd 1" "pte 1" "pte 16" "pte 256" "pte 4096")
TRACE=/sys/kernel/tracing

pmd_count_start() {
	[ -d "$TRACE/events/fs_dax" ] || mount -t tracefs nodev "$TRACE" 2>/dev/null || true
	[ -e "$TRACE/events/fs_dax/dax_pmd_fault_done/enable" ] || return 0
	echo 0 >"$TRACE/tracing_on"
	echo >"$TRACE/trace"
	echo 1 >"$TRACE/events/fs_dax/dax_pmd_fault_done/enable"
	echo 1 >"$TRACE/tracing_on"
}
# pmd_count_stop: prints "<2 MiB faults>/<fallbacks>"
pmd_count_stop() {
	[ -e "$TRACE/events/fs_dax/dax_pmd_fault_done/enable" ] || { echo "?"; return 0; }
	echo 0 >"$TRACE/tracing_on"
	echo 0 >"$TRACE/events/fs_dax/dax_pmd_fault_done/enable"
	echo "$(grep -c 'dax_pmd_fault_done.*NOPAGE' "$TRACE/trace" || true)/$(grep -c 'dax_pmd_fault_done.*FALLBACK' "$TRACE/trace" || true)"
}

flush_one() {
	local cfg=$1 size=$2 rep=$3 l0 l1 len p mode k out f hot pmd c0
	if [ "$size" = small ]; then l0=$SMALL0 l1=$SMALL1; else l0=$BIG0 l1=$BIG1; fi
	len=$(dxm_usable_sectors "$l0" "$l1")
	wipe_meta "$l0" "$l1"
	if [ "$cfg" = linear ]; then
		DMNAME=bench_flin
		dmsetup create "$DMNAME" --table "0 $len linear $l0 0"
	else
		DMNAME=bench_fdx
		dmsetup create "$DMNAME" --table \
			"0 $len daxmirror $l0 $l1 3 nosync sync_interval_ms 0"
	fi
	DEV=/dev/mapper/$DMNAME
	_wait_blockdev "$DEV"
	DAXOK=1
	# the same filesystem on both sizes: only the device size differs
	mkfs_mount 100
	f=$MNT/flush.dat
	make_file "$f" 64
	for p in "${FLUSH_POINTS[@]}"; do
		read -r mode k <<<"$p"
		sync
		[ "$cfg" = dxm ] && dmsetup message "$DMNAME" 0 flush
		pmd_count_start
		c0=$(cpu)
		if ! out=$("$FLUSHBENCH" "$f" "$k" "$FLUSH_S" "$mode" 2>&1); then
			pmd_count_stop >/dev/null
			say "flushbench $cfg-$size $mode $k: $out"
			rec flush "${mode}_$k" "$cfg-$size" "$rep" NA -
			continue
		fi
		c0=$(cpu_avg "$c0" "$(cpu)")
		pmd=$(pmd_count_stop)
		hot=
		[ "$cfg" = dxm ] && hot=$(status_field "$DMNAME" hot_regions)
		local iters med p90 fmed
		iters=$(echo "$out" | sed -n 's/.*iters=\([0-9]*\).*/\1/p')
		med=$(echo "$out" | sed -n 's/.*iter_med_us=\([0-9.]*\).*/\1/p')
		p90=$(echo "$out" | sed -n 's/.*iter_p90_us=\([0-9.]*\).*/\1/p')
		fmed=$(echo "$out" | sed -n 's/.*fsync_med_us=\([0-9.]*\).*/\1/p')
		rec flush "${mode}_$k" "$cfg-$size" "$rep" "$med" us \
			"iters=$iters p90_us=$p90 fsync_med_us=$fmed pmd_faults=$pmd${hot:+ hot_regions_after=$hot}${c0:+ cpu=$c0}"
		say "  $cfg-$size $mode $k: $out pmd=$pmd${hot:+ hot=$hot}"
	done
	umount "$MNT"
	dxm_remove "$DMNAME"
	DMNAME=
	wipe_meta "$l0" "$l1"
}

run_flush() {
	local rep cfg
	if [ -z "$SMALL1" ]; then
		say "no small NVDIMM pair: skipping the flush section"
		return 0
	fi
	[ -x "$FLUSHBENCH" ] || die "missing $FLUSHBENCH (scripts/bench builds it)"
	rec info small_leg_sectors - - "$(sectors "$SMALL0")" sectors
	rec info small_mirror_sectors - - "$(dxm_usable_sectors "$SMALL0" "$SMALL1")" sectors
	rec info flush_seconds_per_point - - "$FLUSH_S" s
	for ((rep = 1; rep <= REPS; rep++)); do
		say "flush rep $rep"
		for cfg in linear-small dxm-small linear-large dxm-large; do
			flush_one "${cfg%-*}" "${cfg#*-}" "$rep"
		done
	done
}

# -------------------------------------------------------------- failover ---
# Taking the primary out of a mirror that files have mapped, against the
# number of regions a fault was given (dc->rs.faulted, never cleared): a
# fresh daxmirror over the two large NVDIMMs, ext4 -o dax, a file, stores
# through a 4 KiB mapping (flushbench, its fewest rounds), a flush, then
# "rebuild 0".  The message returns when the filesystem has been made to
# forget every page of leg 0 that a fault was given: forget.c walks the
# faulted regions page by page and writes back and invalidates each page
# a file still names.  Points: N = one page in each of N regions of a
# 320 MiB file; "1024full" = every page of a 64 MiB file (1024 regions,
# each of its 16 pages named by the file).  N = 0 is the constant part
# (dmsetup, the failover sync, the cooling wait); the rest divided by N
# is the cost of a faulted region, which scales to a mirror of any size.
# The rebuild that follows is waited for.
FAILOVER_POINTS=(0 256 1024 4096 1024full)

run_failover() {
	local rep i p n mb pages f t0 t n_pts=${#FAILOVER_POINTS[@]}
	for ((rep = 1; rep <= REPS; rep++)); do
		for ((i = 0; i < n_pts; i++)); do
			p=${FAILOVER_POINTS[$(((i + rep - 1) % n_pts))]}
			n=${p%full}
			if [ "$p" = "$n" ]; then
				mb=320 pages=$n
			else
				mb=$((n / 16)) pages=$((n * 16))
			fi
			cfg_up dxm
			[ "$DAXOK" = 1 ] || die "failover: the mirror offers no DAX"
			mkfs_mount 448
			f=$MNT/failover.dat
			make_file "$f" "$mb"
			if [ "$pages" -gt 0 ] && ! "$FLUSHBENCH" "$f" "$pages" 0 pte 3 >/dev/null; then
				die "failover: flushbench $f $pages failed"
			fi
			dmsetup message "$DMNAME" 0 flush
			sync
			t0=$(now)
			dmsetup message "$DMNAME" 0 rebuild 0
			t=$(elapsed "$t0")
			rec failover rebuild_primary_s "dxm-$p" "$rep" "$t" s \
				"faulted_regions=$n named_pages=$pages"
			say "failover rep $rep: $p faulted regions: $t s"
			wait_until 900 dxm_idle "$DMNAME" || say "failover: the rebuild did not end"
			cfg_down
		done
	done
}

# --------------------------------------------------------------- control ---
# The fsync job alone on dm-linear and daxmirror.  scripts/bench runs this
# section in a second VM whose CPU model lacks ERMS/FSRM: there the
# kernel's machine-check-safe copy (copy_mc_to_kernel, every flush copy)
# is not "rep movsb", which TCG emulates a byte at a time.
run_control() {
	local rep i f cfgs=(linear dxm) cfg
	rec info control_cpu_flags - - "$(grep -qw erms /proc/cpuinfo && echo erms || echo no-erms)" -
	REC_SEC=control
	for ((rep = 1; rep <= REPS; rep++)); do
		for ((i = 0; i < 2; i++)); do
			cfg=${cfgs[$(((i + rep - 1) % 2))]}
			cfg_up "$cfg"
			say "control rep $rep: $cfg on $DEV"
			mkfs_mount "$FS_MB"
			f=$MNT/bench.dat
			make_file "$f" "$FILE_MB"
			export BENCH_DATAFILE=$f
			fio_batch "$cfg" "$rep" ctl --filename="$f" --size="${FILE_MB}M" \
				--bs=4k --randseed=$((3000 + rep)) -- "$FSYNC_JOB"
			umount "$MNT"
			BENCH_DATAFILE=
			cfg_down
		done
	done
	REC_SEC=matrix
}

for sec in $SECTIONS; do
	case "$sec" in
	matrix) run_matrix ;;
	rebuild) run_rebuild ;;
	flush) run_flush ;;
	failover) run_failover ;;
	control) run_control ;;
	*) die "unknown section $sec" ;;
	esac
done
rec info total_seconds - - "$(($(date +%s) - T_START))" s
say "done in $(($(date +%s) - T_START)) s; results in $OUT"
check_dmesg || say "the kernel logged a problem during the benchmark (see above)"
exit 0
