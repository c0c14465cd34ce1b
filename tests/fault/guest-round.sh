#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/fault/guest-round.sh run|recover: one round of the fault-injection
# suite, in a guest booted by tests/fault/run (scripts/vm-run --nvdimms 3).
#
# run:     a daxmirror over pmem0+pmem1 (pmem2 is the spare NVDIMM), split
#          by dm-linear into a raw part (O_DIRECT fio) and a DAX ext4 (fio
#          mmap and libpmem engines, and a file set written with fsync);
#          every fio job verifies with crc32c.  While they run, the
#          injector applies the faults of $VM_WORK/schedule at their times:
#          sticky poison under the data, fail + replacement by the spare
#          NVDIMM + rebuild, check/repair scrubs, suspend/resume, table
#          reloads, and (cut rounds) a power cut.  Normal rounds end with
#          the final verification in the same boot.
# recover: after a power cut, over the same media: the same table, resync
#          awaited, the data written before the cut verified (fio
#          --verify_only of the stable area, checksums of the fsynced file
#          set), then the final verification.
#
# Final verification: every fio loop verified without error, no I/O error
# reached an application, lost_pages 0, health AA, a "check" scrub with the
# load stopped finds 0 mismatches, no kernel trace.  Counters are appended
# to $VM_WORK/stats ("key value" lines, summed by tests/fault/run).
# shellcheck disable=SC2154
# The body is one brace group: bash parses it whole before running it.
{
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

PHASE=${1:-run}
W=${VM_WORK:?run by tests/fault/run through scripts/vm-run}
SCHED=$W/schedule
STATS=$W/stats
NAME=fm
RAW_MB=32		# dm-linear fm-raw: the first 32 MiB of the mirror
STABLE_MB=8		# of which the first 8 MiB are written once, then verified
FILE_MB=8		# size of the mmap and libpmem fio files
IO_MB=4			# written (at random offsets) and verified per fio run
FILESET_MAX=48		# files kept in the fsynced file set
MNT=$MNT_BASE/fault

stat_add() { echo "$1 ${2:-1}" >>"$STATS"; }
# log lines carry the seconds since the script started
log() { echo "# [${SECONDS}s] $*"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---------------------------------------------------------- schedule ---
OPTS=()
EVENTS=()
SEED=0
MODE=normal
SECONDS_LOAD=30
LEGS=nvdimm
while read -r k a b c d; do
	case "$k" in
	legs) LEGS=$a ;;
	seed) SEED=$a ;;
	mode) MODE=$a ;;
	seconds) SECONDS_LOAD=$a ;;
	opt) OPTS+=("$a" ${b:+"$b"}) ;;
	event) EVENTS+=("$a $b ${c:-} ${d:-}") ;;
	esac
done <"$SCHED"
echo "fault round: seed $SEED mode $MODE phase $PHASE on $KVER"

dmesg_mark "fault-$PHASE"
group_setup setup_fsdax
group_setup load_module
[ "${#PMEM[@]}" -ge 3 ] || die "the fault suite needs 3 NVDIMMs (vm-run --nvdimms 3)"
# the kernel log of each boot is kept in the work folder
trap 'dmesg >"$W/dmesg-$PHASE.txt" 2>/dev/null || true' EXIT

# legs: LEG[0] LEG[1] and the spare, kept in $W/legs across boots
if [ "$PHASE" = run ]; then
	LEG=("$PMEM0" "$PMEM1")
	if [ "$LEGS" = mixed ]; then
		# leg 1 on legacy pmem: its poison is cleared by a write
		setup_legacy_pmem
		LEG=("$PMEM0" "$LEGACY_PMEM0")
	fi
	SPARE=$PMEM2
	echo "${LEG[0]} ${LEG[1]} $SPARE" >"$W/legs"
else
	read -r l0 l1 SPARE <"$W/legs"
	LEG=("$l0" "$l1")
fi
save_legs() { echo "${LEG[0]} ${LEG[1]} $SPARE" >"$W/legs"; }

opt_val() { _optarg "$1" "${OPTS[@]}"; }
REGION=$(opt_val region_size)
SPARE_PAGES=$(opt_val spare_pages)
if [ "$PHASE" = run ]; then
	# the spare NVDIMM must be able to replace either leg
	LEN=$(dxm_usable_sectors "${LEG[0]}" "${LEG[1]}" "${REGION:-128}" "${SPARE_PAGES:-256}")
	dxm_geometry "$PMEM2" "${REGION:-128}" "${SPARE_PAGES:-256}"
	[ "$G_data_sectors" -ge "$LEN" ] || LEN=$G_data_sectors
	echo "$LEN" >"$W/len"
else
	LEN=$(cat "$W/len")
fi
# the layout of the run phase holds for the recovery boot (kept in $W)
if [ "$PHASE" = run ]; then
	echo "$RAW_MB $STABLE_MB $FILE_MB" >"$W/layout"
else
	read -r RAW_MB STABLE_MB FILE_MB <"$W/layout"
fi
RAW=$((RAW_MB * 2048))
LEG_SECTORS=$(sectors "$PMEM0")

mk_table() { echo "0 $LEN daxmirror $1 $2 ${#OPTS[@]} ${OPTS[*]}"; }

# ------------------------------------------------------------ helpers ---

# inject_error WHAT: an operation the module should have accepted failed
inject_error() {
	echo "ERROR: injector: $*" >&2
	dmesg_tail 8 | sed 's/^/    /' >&2
	stat_add inject_errors
}

# health_of LEG: the health character of that leg
health_of() {
	local h
	h=$(status_field "$NAME" health)
	echo "${h:$1:1}"
}

mk_linear() {
	dmsetup create "$NAME-raw" --table "0 $RAW linear /dev/mapper/$NAME 0"
	dmsetup create "$NAME-fs" --table "0 $((LEN - RAW)) linear /dev/mapper/$NAME $RAW"
	_wait_blockdev "/dev/mapper/$NAME-raw"
	_wait_blockdev "/dev/mapper/$NAME-fs"
}

STABLE_ARGS="--name=stable --filename=/dev/mapper/$NAME-raw --offset=0 --size=${STABLE_MB}M --ioengine=psync --direct=1 --rw=randwrite --bs=4k --verify=crc32c --randseed=$SEED"

# fio_check LOG RC: 0 ok, 1 verify error, 2 other error seen by fio
fio_check() {
	# fio reports a verify failure on stderr, and as err=84 (EILSEQ)
	if grep -qiE "verify: bad|verify failed|bad magic|crc32c.*(fail|mismatch)|bad header|err= *84\b" "$1"; then
		return 1
	fi
	if [ "$2" -ne 0 ] || grep -qE "err= *[1-9]|Input/output error|error=" "$1"; then
		return 2
	fi
	return 0
}

# fio_loop NAME FIO-ARGS...: write+verify rounds until $SCRATCH/stop;
# writes "NAME iterations verify_errors app_errors" to $SCRATCH/NAME.res
fio_loop() {
	local name=$1 i=0 rc v=0 e=0 log
	shift
	set +e
	trap - ERR
	cd "$SCRATCH" || exit 1
	while [ ! -e "$SCRATCH/stop" ]; do
		i=$((i + 1))
		log=$SCRATCH/$name-$i.log
		fio --eta=never --output="$log" --name="$name" \
			--randseed=$((SEED * 1000 + i)) "$@" --do_verify=1 >/dev/null 2>"$log.err"
		cat "$log.err" >>"$log" && rm -f "$log.err"
		rc=$?
		fio_check "$log" "$rc"
		case $? in
		0) rm -f "$log" ;;
		1) v=$((v + 1)); cp "$log" "$W/fail-$PHASE-$name-$i.log"
		   echo "ERROR: fio $name iteration $i: verify error (log fail-$PHASE-$name-$i.log)" >&2 ;;
		2) e=$((e + 1)); cp "$log" "$W/fail-$PHASE-$name-$i.log"
		   echo "ERROR: fio $name iteration $i: error (rc $rc, log fail-$PHASE-$name-$i.log)" >&2 ;;
		esac
		echo "$name $i $v $e" >"$SCRATCH/$name.res"
	done
}

# fileset_loop: new files of random sizes, each written, fsynced (file and
# directory) and then recorded with its checksum in $W/fileset; the
# oldest are deleted (recorded as deleted first).  After a power cut every
# file recorded "ok" must be there with that checksum.
fileset_loop() {
	local i=0 e=0 f sz sum ps t0 dir=$MNT/set
	set +e
	trap - ERR
	mkdir -p "$dir"
	while [ ! -e "$SCRATCH/stop" ]; do
		i=$((i + 1))
		f=$PHASE-$i
		sz=$((4096 * (1 + (SEED + i * 7919) % 64)))
		ps=$((SEED * 100000 + i))
		t0=$SECONDS
		if ! pattern "$ps" "$sz" |
		     dd of="$dir/$f" bs=64k iflag=fullblock conv=fsync status=none ||
		   ! sync "$dir"; then
			e=$((e + 1))
			echo "ERROR: file set: writing $f failed" >&2
		else
			sum=$(pattern "$ps" "$sz" | sha256sum | cut -d' ' -f1)
			# written from t0 to now (seconds of the script)
			echo "ok $f $sum $ps $sz $t0 $SECONDS" >>"$W/fileset"
		fi
		if [ "$i" -gt "$FILESET_MAX" ]; then
			f=$PHASE-$((i - FILESET_MAX))
			echo "del $f" >>"$W/fileset"
			rm -f "$dir/$f"
		fi
		echo "fileset $i 0 $e" >"$SCRATCH/fileset.res"
	done
}

# bad_file_report FILE PATTERN-SEED SIZE: which pages of FILE differ from
# the pattern, where they are (mirror sector) and what each leg holds there
bad_file_report() {
	local f=$1 ps=$2 sz=$3 n=$(($3 / 4096)) k want got s l h0 h1 shown=0
	for ((k = 0; k < n && shown < 4; k++)); do
		want=$(pattern "$ps" 4096 $((k * 4096)) | sha256sum | cut -c1-16)
		got=$(dd if="$f" bs=4096 skip="$k" count=1 status=none | sha256sum | cut -c1-16)
		[ "$want" = "$got" ] && continue
		shown=$((shown + 1))
		l=$(filefrag -v -b4096 "$f" | sed -nE 's/^ *[0-9]+: *([0-9]+)\.\. *([0-9]+): *([0-9]+)\.\..*/\1 \2 \3/p' |
			awk -v k="$k" '$1 <= k && k <= $2 { print $3 + k - $1 }')
		s=$(( ${l:-0} * 8 + RAW ))
		h0=$(hash_range "${LEG[0]}" "$s" 8 2>/dev/null | cut -c1-16 || echo unreadable)
		h1=$(hash_range "${LEG[1]}" "$s" 8 2>/dev/null | cut -c1-16 || echo unreadable)
		echo "ERROR:   page $k: expected $want, read $got; mirror sector $s:" \
			"leg0 (${LEG[0]}) $h0, leg1 (${LEG[1]}) $h1" \
			"(zero page $(head -c 4096 /dev/zero | sha256sum | cut -c1-16))" >&2
	done
}

# verify_fileset: every file whose last record is "ok" has its checksum
verify_fileset() {
	local bad=0 n=0 f sum ps sz t0 t1
	[ -s "$W/fileset" ] || return 0
	while read -r f sum ps sz t0 t1; do
		n=$((n + 1))
		if [ ! -e "$MNT/set/$f" ]; then
			echo "ERROR: file set: $f (fsynced, written at ${t0}s-${t1}s) is missing" >&2
			bad=$((bad + 1))
		elif [ "$(sha256sum <"$MNT/set/$f" | cut -d' ' -f1)" != "$sum" ]; then
			echo "ERROR: file set: $f (fsynced, written at ${t0}s-${t1}s of the run) has wrong contents" >&2
			bad_file_report "$MNT/set/$f" "$ps" "$sz"
			bad=$((bad + 1))
		fi
	done < <(awk '$1 == "ok" { s[$2] = $3 " " $4 " " $5 " " $6 " " $7 } $1 == "del" { delete s[$2] }
		      END { for (f in s) print f, s[f] }' "$W/fileset")
	log "file set: $n fsynced files checked, $bad bad"
	stat_add fileset_checked "$n"
	[ "$bad" -eq 0 ] || stat_add verify_errors "$bad"
}

verify_stable() {
	local rc=0
	(cd "$SCRATCH" && fio --eta=never --output="$SCRATCH/stable-vo.log" \
		$STABLE_ARGS --verify_only=1) >/dev/null 2>"$SCRATCH/stable-vo.err" || rc=$?
	cat "$SCRATCH/stable-vo.err" >>"$SCRATCH/stable-vo.log"
	if fio_check "$SCRATCH/stable-vo.log" "$rc"; then
		log "stable area: fio --verify_only passed"
	else
		cp "$SCRATCH/stable-vo.log" "$W/fail-$PHASE-stable-vo.log"
		echo "ERROR: stable area: fio --verify_only failed (rc $rc)" >&2
		stat_add verify_errors
	fi
}

LOOP_PIDS=()
start_loads() {
	rm -f "$SCRATCH/stop"
	fio_loop raw --filename="/dev/mapper/$NAME-raw" --offset=${STABLE_MB}M \
		--size=$((RAW_MB - STABLE_MB))M --io_size=${IO_MB}M --ioengine=psync \
		--direct=1 --rw=randwrite --bsrange=4k-64k --verify=crc32c &
	LOOP_PIDS+=($!)
	fio_loop mmap --filename="$MNT/mmap.dat" --size=${FILE_MB}M --io_size=${IO_MB}M \
		--ioengine=mmap --rw=randwrite --bs=4k --verify=crc32c &
	LOOP_PIDS+=($!)
	fio_loop pmem --filename="$MNT/pmem.dat" --size=${FILE_MB}M --io_size=${IO_MB}M \
		--ioengine=libpmem --rw=randwrite --bs=4k --verify=crc32c &
	LOOP_PIDS+=($!)
	fileset_loop &
	LOOP_PIDS+=($!)
}

stop_loads() {
	local pid r n v e
	touch "$SCRATCH/stop"
	for pid in "${LOOP_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	LOOP_PIDS=()
	for r in "$SCRATCH"/*.res; do
		[ -e "$r" ] || continue
		read -r n i v e <"$r"
		log "load $n: $i iterations, $v verify errors, $e errors"
		[ "$n" = fileset ] && stat_add fileset_files "$i" || stat_add fio_iterations "$i"
		[ "$v" -eq 0 ] || stat_add verify_errors "$v"
		[ "$e" -eq 0 ] || stat_add app_errors "$e"
		rm -f "$r"
	done
}

# ----------------------------------------------------------- injector ---
POISONED=$SCRATCH/poisoned	# "device sector" of this boot
CAND=()
SCRUB_PENDING=0
MAX_LOST=0

note_status() {
	local l
	l=$(status_field "$NAME" lost_pages)
	[ "$l" -le "$MAX_LOST" ] || MAX_LOST=$l
	if [ "$SCRUB_PENDING" = 1 ] && [ "$(status_field "$NAME" action)" = idle ]; then
		l=$(status_field "$NAME" mismatches)
		log "live scrub done: $l mismatches"
		stat_add live_mismatches "$l"
		SCRUB_PENDING=0
	fi
}

ev_poison() {
	local allowed=() leg pg dev other k
	read -r -a allowed < <(poison_legs_allowed "$NAME")
	[ "${#allowed[@]}" -gt 0 ] || { stat_add skipped; return 0; }
	leg=${allowed[$(awk -v u="$1" -v n=${#allowed[@]} 'BEGIN { print int(u * n) }')]}
	k=$(awk -v u="$2" -v n=${#CAND[@]} 'BEGIN { print int(u * n) }')
	dev=${LEG[$leg]}
	other=${LEG[$((1 - leg))]}
	# never the same data page on both legs (that is real data loss)
	for ((i = 0; i < 64; i++)); do
		pg=${CAND[$(((k + i * 7) % ${#CAND[@]}))]}
		grep -qx "$dev $pg" "$POISONED" 2>/dev/null && continue
		grep -qx "$other $pg" "$POISONED" 2>/dev/null && continue
		break
	done
	log "inject: poison leg $leg ($dev) sector $pg"
	echo "$dev $pg" >>"$POISONED"
	inject_poison "$dev" "$pg" 8
	stat_add poison
	case "$dev" in
	"${LEGACY_PMEM0:-none}") stat_add poison_clearable ;;
	*) stat_add poison_sticky ;;
	esac
}

# in_sync_idle: both legs alive, no rebuild or resync or scrub running;
# waits up to 30 s for that state (a rebuild or scrub started by an
# earlier fault may still run), so that the schedule's faults happen
in_sync_idle() { wait_in_sync_idle "$NAME" 30; }

ev_fail() {
	local l=$1 t
	if ! in_sync_idle; then
		log "inject: fail $l skipped (not idle and in sync within 30 s)"
		stat_add skipped
		return 0
	fi
	# repair pending poison first: failing a leg while the survivor has
	# unrepaired poison would be a real double fault
	dxm_message "$NAME" rescan || { inject_error "rescan refused"; return 0; }
	log "inject: fail leg $l (${LEG[$l]}), replace it with $SPARE"
	dxm_message "$NAME" fail "$l" || { inject_error "fail $l refused"; return 0; }
	stat_add fail
	[ "$(health_of "$l")" = D ] || inject_error "leg $l not D after fail: $(status_field "$NAME" line)"
	# the spare becomes blank: its last 8 MiB zeroed
	zero_range "$SPARE" $(($(sectors "$SPARE") - 16384)) 16384 ||
		{ inject_error "wiping $SPARE failed"; return 0; }
	if [ "$l" = 0 ]; then
		t=$(mk_table "$SPARE" "${LEG[1]}")
	else
		t=$(mk_table "${LEG[0]}" "$SPARE")
	fi
	if ! dmsetup load "$NAME" --table "$t"; then
		inject_error "loading the replacement table failed: $t"
		return 0
	fi
	dmsetup suspend "$NAME" && dmsetup resume "$NAME" ||
		{ inject_error "suspend/resume with the replacement failed"; return 0; }
	local old=${LEG[$l]}
	LEG[l]=$SPARE
	SPARE=$old
	save_legs
	stat_add replace
	log "replaced: legs ${LEG[*]}, spare $SPARE: $(status_field "$NAME" line)"
}

ev_scrub() {
	if ! in_sync_idle; then
		log "inject: $1 skipped (not idle and in sync within 30 s)"
		stat_add skipped
		return 0
	fi
	log "inject: $1"
	dxm_message "$NAME" "$1" || { inject_error "$1 refused"; return 0; }
	SCRUB_PENDING=1
	stat_add "$1"
}

ev_suspend() {
	local t0=$SECONDS
	log "inject: suspend for $1 ms"
	dmsetup suspend "$NAME" || { inject_error "suspend failed"; return 0; }
	log "suspended after $((SECONDS - t0)) s"
	sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"
	dmsetup resume "$NAME" || { inject_error "resume failed"; return 0; }
	stat_add suspend
}

ev_reload() {
	local t
	t=$(dmsetup table "$NAME")
	log "inject: reload '$t'"
	echo "$t" | dmsetup load "$NAME" || { inject_error "reload of '$t' refused"; return 0; }
	dmsetup suspend "$NAME" && dmsetup resume "$NAME" ||
		{ inject_error "suspend/resume after reload failed"; return 0; }
	SCRUB_PENDING=0		# a scrub does not survive the reload
	stat_add reload
}

ev_cut() {
	log "inject: power cut: $(status_field "$NAME" line)"
	stat_add powercut
	note_status
	stat_add max_lost_pages "$MAX_LOST"
	sync
	dmesg >"$W/dmesg-$PHASE.txt"
	touch "$W/.powercut"
	sleep 600
	die "power cut did not happen"
}

run_injector() {
	local t0 ev ms kind a b now
	t0=$(now_ms)
	for ev in "${EVENTS[@]}"; do
		read -r ms kind a b <<<"$ev"
		now=$(($(now_ms) - t0))
		[ "$now" -ge "$ms" ] || sleep "$(awk -v d=$((ms - now)) 'BEGIN { printf "%.3f", d / 1000 }')"
		note_status
		case "$kind" in
		poison) ev_poison "$a" "$b" ;;
		fail) ev_fail "$a" ;;
		check|repair) ev_scrub "$kind" ;;
		suspend) ev_suspend "$a" ;;
		reload) ev_reload ;;
		cut) ev_cut ;;
		esac
	done
	now=$(($(now_ms) - t0))
	[ "$now" -ge $((SECONDS_LOAD * 1000)) ] ||
		sleep $(((SECONDS_LOAD * 1000 - now) / 1000))
	note_status
}

# -------------------------------------------------------------- final ---
final_verify() {
	local h m l rem
	if [ "$SCRUB_PENDING" = 1 ]; then
		wait_action_idle "$NAME" 900
		note_status
	fi
	log "final: waiting for resync/rebuild: $(status_field "$NAME" line)"
	wait_action_idle "$NAME" 1200
	verify_fileset
	verify_stable
	umount "$MNT"
	dxm_message "$NAME" flush
	dxm_message "$NAME" check
	wait_action_idle "$NAME" 900
	note_status
	h=$(status_field "$NAME" health)
	m=$(status_field "$NAME" mismatches)
	l=$(status_field "$NAME" lost_pages)
	rem=$(status_field "$NAME" remapped)
	log "final status: $(status_field "$NAME" line)"
	stat_add final_mismatches "$m"
	stat_add lost_pages "$l"
	stat_add max_lost_pages "$MAX_LOST"
	stat_add remapped "$(( ${rem%/*} + ${rem#*/} ))"
	if [ "$h" = AA ] && [ "$m" = 0 ]; then
		stat_add legs_identical
	else
		echo "ERROR: final check: health $h, mismatches $m" >&2
		stat_add legs_differ
	fi
	# a raw comparison only works without poison (reads of a poisoned
	# sector fail) and without remapped pages
	if [ ! -s "$POISONED" ] && [ "$rem" = 0/0 ]; then
		if legs_identical "${LEG[0]}" "${LEG[1]}" "$LEN"; then
			log "raw cmp of the legs' data areas: identical"
			stat_add raw_cmp_identical
		else
			stat_add raw_cmp_differ
		fi
	fi
	dmsetup remove "$NAME-fs"
	dmsetup remove "$NAME-raw"
	dxm_remove "$NAME"
	if ! check_dmesg; then
		stat_add kernel_traces
	fi
	stat_add rounds_done
}

# --------------------------------------------------------------- main ---
: >"$POISONED"
if [ "$PHASE" = run ]; then
	T=$(mk_table "${LEG[0]}" "${LEG[1]}")
	log "create: $T"
	dmsetup create "$NAME" --table "$T" || { dmesg_tail 5; die "create failed"; }
	wait_action_idle "$NAME" 300
	mk_linear
	mkfs_dax ext4 "/dev/mapper/$NAME-fs"
	mount_dax "/dev/mapper/$NAME-fs" "$MNT"
	log "DAX ext4 mounted; writing the stable area"
	(cd "$SCRATCH" && fio --eta=never --output="$SCRATCH/stable.log" $STABLE_ARGS --do_verify=1) ||
		die "writing the stable area failed: $(tail -n 20 "$SCRATCH/stable.log")"
	for f in mmap pmem; do
		(cd "$SCRATCH" && fio --eta=never --output=/dev/null --name=layout \
			--filename="$MNT/$f.dat" --size=${FILE_MB}M --rw=write --bs=1M \
			--ioengine=psync --end_fsync=1)
	done
	: >"$W/fileset"
	log "stable area written, fio files laid out"
else
	T=$(mk_table "${LEG[0]}" "${LEG[1]}")
	log "after the power cut: create: $T"
	dmsetup create "$NAME" --table "$T" || { dmesg_tail 5; die "create after the cut failed"; }
	log "status: $(status_field "$NAME" line)"
	wait_action_idle "$NAME" 1200
	log "resynced: $(status_field "$NAME" line)"
	mk_linear
	mount_dax "/dev/mapper/$NAME-fs" "$MNT" ext4
	verify_fileset
	verify_stable
	: >"$W/fileset"
	stat_add recovered
fi

# pages under the data: the raw part, and the fio files of the ext4
mapfile -t CAND < <(
	seq 0 8 $((RAW - 8))
	for f in mmap pmem; do
		file_pages "$MNT/$f.dat" | awk -v o="$RAW" '{ print $1 + o }'
	done | awk -v lim=$((LEG_SECTORS - 16384)) '$1 < lim')
log "${#CAND[@]} candidate pages for poison"

if [ "$PHASE" = run ]; then
	start_loads
	run_injector
	stop_loads
else
	# the mirror after the cut gets a short load too (no more faults)
	start_loads
	sleep 5
	stop_loads
fi
final_verify
echo "ROUND-STATS $(awk '{ s[$1] += $2 } END { for (k in s) printf "%s=%d ", k, s[k] }' "$STATS")"
exit 0
}
