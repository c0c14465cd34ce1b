#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 80-torture: everything at once, seeded.  One mirror over an NVDIMM and
# a legacy (memmap=) pmem device, whose poison a write clears, while an
# NVDIMM's stays (the third device, an NVDIMM, is the replacement, so
# replacements mix the kinds), a raw dm-linear part (O_DIRECT) and a
# DAX ext4 on the rest, sync_interval_ms varied by reloads.  Workers
# (build/helpers/torture, one process each) for T seconds: DAX stores
# through mappings kept for the whole run + msync, write(2) + fsync,
# fallocate zero-range and punch-hole, O_DIRECT writes + fdatasync/O_DSYNC,
# reads through the kept mappings (one read-only per file); a flusher
# sends ranged and full "flush" messages; the injector (seeded) applies
# poison, sticky or clearable by the device's kind (never the same page
# on two devices, never on the only good copy), rescan, check and repair scrubs, fail + replacement by the
# spare NVDIMM or re-add of the failed leg (rebuild), "rebuild N",
# suspend/resume, table reloads with another sync_interval_ms, and
# madvise(MADV_HWPOISON) on a mapped page that holds a record.  A second
# injector overlaps the first with poison, rescan, check, suspend,
# reload and memory failures: the events exclude each other only where
# the test's own bookkeeping needs it (a lock for leg liveness and
# poison placement, one for table changes), so a memory failure lands
# during a suspend or a reload, poison during a rebuild's start, a
# rescan during anything.
# Quiesce points (a few per run, and the last): workers paused, every
# acknowledged record (msync/fsync/fdatasync returned) verified through
# every path; "flush"; the status line coherent (health, action, in_sync,
# hot_regions 0, lost_pages 0); a "check" scrub finds 0 mismatches; no
# kernel trace.  At the end the records are verified again after a
# remount, and after failing one leg (read from the other alone).
#
#   DXM_SEED=S (or TEST_SEED=S, or --seed S): the seed (default: random;
#   always printed, with the command that reruns it)
#   DXM_TORTURE_SECONDS=T (or --seconds T): torture time (default 150);
#   the long form is --seconds 3600 with vm-run --timeout 5400
#   DXM_TORTURE_QUIESCE=N: quiesce points during the run (default 2)
#   DXM_TORTURE_EVENTS="kind:weight ...": another event mix (kinds:
#   poison rescan check repair fail rebuild suspend reload hwpoison)
#   DXM_TORTURE_EVENTS2="kind:weight ...": the second injector's mix
#   (kinds: poison rescan check suspend reload hwpoison); "" or
#   DXM_TORTURE_OVERLAP=0: no second injector
#   DXM_TORTURE_CORRUPT=1: negative control: a page of leg 1 is
#   overwritten behind the mirror's back before the first quiesce point's
#   check scrub, which must then fail the group
# vm-run: --nvdimms 2 --nvdimm-size 256 --legacy-pmem 320 --smp 2
# The debug kernel does not boot with a memmap= pmem range (it stops after
# its first console line): there the legs are NVDIMMs only, poison sticky.
# debug-vm-run: --nvdimms 3 --nvdimm-size 256 --smp 2
# vm-timeout: 900
# kernels: 6.1. debug newest
# debug-env: DXM_TORTURE_SECONDS=60 DXM_TORTURE_QUIESCE=1
# newest-env: DXM_TORTURE_SECONDS=60
# shellcheck disable=SC2154
# The body is one brace group: bash parses it whole before running it.
{
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

SEED=${DXM_SEED:-${TEST_SEED:-}}
SECS=${DXM_TORTURE_SECONDS:-150}
while [ $# -gt 0 ]; do
	case "$1" in
	--seed) SEED=$2; shift 2 ;;
	--seconds) SECS=$2; shift 2 ;;
	*) die "80-torture: unknown argument $1 (--seed S, --seconds T)" ;;
	esac
done
[ -n "$SEED" ] || SEED=$(( $(date +%s%N) / 1000 % 1000000000 ))
QUIESCE=${DXM_TORTURE_QUIESCE:-2}
[[ $SEED =~ ^[0-9]+$ && $SECS =~ ^[0-9]+$ && $QUIESCE =~ ^[0-9]+$ ]] ||
	die "80-torture: seed, seconds and quiesce must be numbers"
VMOPTS=$(sed -n 's/^# vm-run: *//p' "$0")
grep -q 'memmap=' /proc/cmdline || VMOPTS=$(sed -n 's/^# debug-vm-run: *//p' "$0")
RERUN="DXM_SEED=$SEED scripts/vm-run --kernel $KVER $VMOPTS tests/vm/80-torture.sh --seconds $SECS"
# shellcheck disable=SC2089,SC2090  # RERUN is only printed
[ -z "${DXM_TORTURE_EVENTS:-}" ] || RERUN="DXM_TORTURE_EVENTS='$DXM_TORTURE_EVENTS' $RERUN"
[ "$QUIESCE" = 2 ] || RERUN="DXM_TORTURE_QUIESCE=$QUIESCE $RERUN"
# shellcheck disable=SC2089,SC2090
[ -z "${DXM_TORTURE_EVENTS2+x}" ] || RERUN="DXM_TORTURE_EVENTS2='$DXM_TORTURE_EVENTS2' $RERUN"
[ "${DXM_TORTURE_OVERLAP:-1}" = 1 ] || RERUN="DXM_TORTURE_OVERLAP=0 $RERUN"
echo "TORTURE SEED $SEED ($SECS s, $QUIESCE quiesce points) on $KVER; rerun: $RERUN"

group_setup setup_fsdax
# legacy pmem when the machine has it (vm-run --legacy-pmem), else a
# third NVDIMM
if grep -q 'memmap=' /proc/cmdline; then
	group_setup setup_legacy_pmem
fi
group_setup load_module
[ "${#PMEM[@]}" -ge 3 ] || { [ "${#PMEM[@]}" -ge 2 ] && [ -n "${LEGACY_PMEM0:-}" ]; } ||
	{ echo "FAIL: $GROUP/setup (needs 2 NVDIMMs and legacy pmem, or 3 NVDIMMs)"; exit 1; }

NAME=tt
RAW_MB=16			# dm-linear tt-raw: the O_DIRECT worker's slots
MNT=$MNT_BASE/torture
CTL=$SCRATCH/ctl		# worker control folder (tests/helpers/torture.c)
SPARE_PAGES=256			# the default of the table
WORKERS=(mmap1 mmap2 write1 direct1)
STATS=$SCRATCH/stats

extra_cleanup() {
	touch "$CTL/stop" 2>/dev/null || true
	bg_kill_all
}

# tfail MSG: the group fails, with the seed and the command that reruns it
tfail() {
	echo "ERROR: torture seed $SEED: $*" >&2
	echo "ERROR: status: $(dmsetup status "$NAME" 2>&1)" >&2
	die "torture failed (seed $SEED); rerun: $RERUN"
}
stat_add() { echo "$1 ${2:-1}" >>"$STATS"; }
# log lines carry the seconds since the torture started
# the test's clock and the kernel log's (uptime), so a report lines them up
tlog() { echo "# [$((SECONDS - T0))s k$(cut -d' ' -f1 /proc/uptime)] $*"; }
msleep() { sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"; }

mk_table() {
	echo "0 $LEN daxmirror ${LEG[0]} ${LEG[1]} 2 sync_interval_ms $SYNC_MS"
}

# The two injectors are two processes: the legs, the spare and the
# interval live in a file, written only under the table lock "T".  Lock
# "L" covers leg liveness and poison placement (a poison must not land
# on a leg another event is about to make the only good copy); the order
# is L before T.  An injector that dies releases its locks with its fds.
declare -A LOCKFD=()
lock_take() {
	local fd
	exec {fd}>"$CTL/lock.$1"
	flock "$fd"
	LOCKFD[$1]=$fd
}
lock_drop() {
	local fd=${LOCKFD[$1]}
	exec {fd}>&-
	unset "LOCKFD[$1]"
}
legs_save() {
	echo "${LEG[0]} ${LEG[1]} $SPARE $SYNC_MS" >"$CTL/legs.new"
	mv "$CTL/legs.new" "$CTL/legs"
}
legs_load() { read -r 'LEG[0]' 'LEG[1]' SPARE SYNC_MS <"$CTL/legs"; }
# locked LOCK... -- CMD...: CMD with the locks held and the legs loaded
locked() {
	local held=() l
	while [ "$1" != -- ]; do
		lock_take "$1"
		held=("$1" "${held[@]}")
		shift
	done
	shift
	legs_load
	"$@"
	for l in "${held[@]}"; do lock_drop "$l"; done
}

# ------------------------------------------------------------ status ---

# status_coherent LINE [quiesced]: the fields of one status line agree
# with each other; "quiesced": also what must hold after a flush with the
# workers paused and every background action finished.
status_coherent() {
	local line=$1 q=${2:-} h a ins tot lost hot dax r0 r1 f0 f1 why=
	h=$(_status_pick "$NAME" "$line" health)
	a=$(_status_pick "$NAME" "$line" action)
	ins=$(_status_pick "$NAME" "$line" in_sync)
	tot=$(_status_pick "$NAME" "$line" total)
	lost=$(_status_pick "$NAME" "$line" lost_pages)
	hot=$(_status_pick "$NAME" "$line" hot_regions)
	dax=$(_status_pick "$NAME" "$line" dax)
	r0=$(_status_pick "$NAME" "$line" remapped0)
	r1=$(_status_pick "$NAME" "$line" remapped1)
	f0=$(_status_pick "$NAME" "$line" spare_free0)
	f1=$(_status_pick "$NAME" "$line" spare_free1)
	[[ $h =~ ^[AaD][AaD]$ ]] || why+=" health '$h' malformed;"
	[ "$h" != DD ] || why+=" both legs dead;"
	case "$a" in idle|resync|rebuild|check|repair) ;; *) why+=" action '$a' unknown;" ;; esac
	[ "$tot" = "$LEN" ] || why+=" total $tot != table length $LEN;"
	[ "$ins" -le "$tot" ] || why+=" in_sync > total;"
	case "$h" in *D*) [ "$ins" = 0 ] || why+=" a dead leg but in_sync $ins != 0;" ;; esac
	case "$a/$h" in
	resync/*a*|rebuild/*a*) ;;
	resync/*|rebuild/*) why+=" action $a but no leg 'a';" ;;
	check/*D*|repair/*D*) why+=" scrub with a dead leg;" ;;
	esac
	# (under load the fields are read at slightly different moments:
	# health AA next to in_sync < total - hot_regions * region_size is
	# seen when a region turns dirty in between; exact only when quiet)
	[ "$lost" = 0 ] || why+=" lost_pages $lost (never poisoned both copies);"
	[ "$dax" = dax ] || why+=" $dax (expected dax);"
	[ $((r0 + f0)) -le "$SPARE_PAGES" ] && [ $((r1 + f1)) -le "$SPARE_PAGES" ] ||
		why+=" remapped + spare_free > $SPARE_PAGES;"
	if [ "$q" = quiesced ]; then
		[ "$h/$a" = AA/idle ] || why+=" quiesced: expected AA idle;"
		[ "$hot" = 0 ] || why+=" quiesced after flush: hot_regions $hot != 0;"
		[ "$ins" = "$tot" ] || why+=" quiesced: in_sync $ins != total $tot;"
	fi
	[ -z "$why" ] || tfail "status line incoherent:$why: $line"
}

# note_status: a status line checked for coherence at every event
note_status() { status_coherent "$(dmsetup status "$NAME")"; }

# watchdog: every 20 s, the status line; a user task found in D state
# with the same number of context switches at three checks in a row (it
# did not run for 40 s) is shown with its kernel stack, once: a hang is
# diagnosed, not only timed out
watchdog() {
	local seen=' ' shown=' ' cur p c n
	set +e
	trap - ERR
	while [ ! -e "$CTL/stop" ]; do
		sleep 20
		echo "# [watchdog $((SECONDS - T0))s] $(dmsetup status "$NAME" 2>&1)"
		[ -z "${DXM_TORTURE_DEBUG:-}" ] ||
			ps -eo pid=,stat=,etime=,time=,args= | grep -E 'torture|dmsetup|filefrag' | grep -v grep | sed 's/^/#   /'
		# user processes only (kernel threads idle in D, e.g. kjournald2)
		cur=$(ps -eo pid=,stat=,args= | awk '$2 ~ /^D/ && $3 !~ /^\[/ { printf "%s ", $1 }')
		# seen: "pid:switches:count" of the tasks in D state at the last check
		seen=$(for p in $cur; do
			n=$(awk '/ctxt_switches/ { s += $2 } END { print s + 0 }' "/proc/$p/status" 2>/dev/null)
			c=$(echo "$seen" | tr ' ' '\n' | awk -F: -v p="$p" -v n="$n" '$1 == p && $2 == n { print $3 }')
			echo -n "$p:$n:$((${c:-0} + 1)) "
		done)
		for p in $seen; do
			[ "${p##*:}" -ge 3 ] || continue
			p=${p%%:*}
			case "$shown" in *" $p "*) continue ;; esac
			shown+="$p "
			echo "# [watchdog] in D state, not run for 40 s: $p $(cat "/proc/$p/comm" 2>/dev/null):"
			sed 's/^/#     /' "/proc/$p/stack" 2>/dev/null | head -n 25
		done
	done
}

# ----------------------------------------------------------- workers ---

start_workers() {
	local w i=0
	for w in "${WORKERS[@]}"; do
		i=$((i + 1))
		case "$w" in
		mmap*) bg_start "$HELPERS/torture" mmap "$w" "$CTL" "$MNT/$w.dat" 1024 $((SEED * 10 + i)) 2>"$CTL/$w.log" ;;
		write*) bg_start "$HELPERS/torture" write "$w" "$CTL" "$MNT/$w.dat" 1024 $((SEED * 10 + i)) 2>"$CTL/$w.log" ;;
		direct*) bg_start "$HELPERS/torture" direct "$w" "$CTL" "/dev/mapper/$NAME-raw" $((RAW_MB * 256)) $((SEED * 10 + i)) 2>"$CTL/$w.log" ;;
		esac
		echo "$w $!" >>"$CTL/pids"
	done
	for w in "${WORKERS[@]}"; do
		wait_until 120 "worker $w to start" worker_ready "$w"
		tlog "worker $w ready"
	done
	bg_start flusher
}

# worker_ready NAME: true once it is ready; fails the test if it died
worker_ready() {
	local pid
	[ -e "$CTL/$1.ready" ] && return 0
	pid=$(awk -v w="$1" '$1 == w { print $2 }' "$CTL/pids")
	kill -0 "$pid" 2>/dev/null || tfail "worker $1 died at its start: $(cat "$CTL/$1.log")"
	return 1
}

worker_errors() {
	local w
	for w in "${WORKERS[@]}"; do
		grep -h "TORTURE-BAD" "$CTL/$w.log" 2>/dev/null | head -n 10 | sed "s/^/  $w: /" >&2 || true
	done
}

# flusher: ranged "flush" messages (sometimes a full one) every 0.1-1 s;
# it pauses with the workers
flusher() {
	local g answered=0 s n rc
	RANDOM=$((SEED + 7))
	set +e
	trap - ERR
	while [ ! -e "$CTL/stop" ]; do
		g=$(cat "$CTL/pause" 2>/dev/null || echo 0)
		if [ "${g:-0}" != 0 ]; then
			if [ "$g" != "$answered" ]; then
				echo ok >"$CTL/flusher.paused.$g"
				answered=$g
			fi
			sleep 0.05
			continue
		fi
		if [ $((RANDOM % 8)) = 0 ]; then
			dxm_message "$NAME" flush 2>>"$CTL/flusher.log"
			rc=$?
			s="all"
		else
			s=$(( (RANDOM * 32768 + RANDOM) % (LEN / 8) * 8 ))
			n=$(( 8 << (RANDOM % 14) ))
			[ $((s + n)) -le "$LEN" ] || n=$((LEN - s))
			dxm_message "$NAME" flush "$s" "$n" 2>>"$CTL/flusher.log"
			rc=$?
			s="$s+$n"
		fi
		echo "flush $s $rc" >>"$CTL/flusher.res"
		msleep $((100 + RANDOM % 900))
	done
}

# dump_kernel_lines: the kernel's lines about the mirror, its legs and the
# filesystem since the group started, for a failure's report
dump_kernel_lines() {
	echo "ERROR: the kernel's lines about the mirror, its legs and the filesystem since the start (last 4000):" >&2
	dmesg_since_mark | grep -E 'daxmirror|[Mm]emory failure|Injecting|EXT4|XFS|pmem|nd_' |
		tail -n 4000 | sed "s/^/ERROR:   /" >&2 || true
}

# bad_record_report: for each bad record a worker reported, where it is
# on the mirror, whether the injector poisoned that page, what the kernel
# logged about it and what each leg holds there (read from the leg: a
# page the mirror remapped shows its old place)
bad_record_report() {
	local w line path slot off sec what l bad seen=" "
	# the kernel's lines first: the rest reads devices and may fail
	dump_kernel_lines
	legs_load
	for w in "${WORKERS[@]}"; do
		bad=$(grep -h "TORTURE-BAD" "$CTL/$w.log" 2>/dev/null) || continue
		while read -r line <&3; do
			path=$(echo "$line" | sed -nE 's/.*\(([^)]*)\): slot .*/\1/p')
			slot=$(echo "$line" | sed -nE 's/.*: slot ([0-9]+) .*/\1/p')
			off=$(echo "$line" | sed -nE 's/.*offset ([0-9]+)\).*/\1/p')
			[ -n "$slot" ] && [ -n "$off" ] || continue
			# once per slot (each path that read it reports it)
			case "$seen" in *" $w:$slot "*) continue ;; esac
			seen+="$w:$slot "
			if [ -b "$path" ]; then
				sec=$((off / 512))
			else
				sec=$(file_sector "$path" "$off" 2>/dev/null) || sec=
				[ -z "$sec" ] || sec=$((sec + RAW))
			fi
			[ -n "$sec" ] || { echo "ERROR:   $w slot $slot: no block behind it now" >&2; continue; }
			what="$w slot $slot = mirror sector $sec"
			if grep -qx "$((sec / 8 * 8))" "$POISONED"; then
				what+=", POISONED by the injector"
			fi
			echo "ERROR:   $what; kernel log: $(dmesg_since_mark | grep -E "sector $sec( |\+|\)|$)" | tr '\n' ';')" >&2
			for l in 0 1; do
				echo "ERROR:     leg $l (${LEG[$l]}) at $sec: $(dd if="${LEG[$l]}" bs=512 skip="$sec" count=8 iflag=direct status=none 2>&1 | od -An -tx8 -N32 | tr -s ' \n' ' ')" >&2
			done
		done 3<<<"$(head -n 20 <<<"$bad")"
	done
}

# pause_workers GEN: every worker has verified its records and waits
pause_workers() {
	local g=$1 w r
	# the second injector first: an event of it in progress (a memory
	# failure a worker must carry out) ends before the workers pause
	if [ -n "$INJ2" ]; then
		echo "$g" >"$CTL/inj2.pause"
		if ! (wait_until 300 "the second injector to pause" paused_or_failed inj2 "$g") 2>/dev/null; then
			inj2_alive
			tfail "the second injector did not pause within 300 s"
		fi
	fi
	echo "$g" >"$CTL/pause"
	for w in "${WORKERS[@]}" flusher; do
		if ! (wait_until 300 "worker $w to pause" paused_or_failed "$w" "$g") 2>/dev/null; then
			worker_errors
			tfail "worker $w did not pause within 300 s (hung I/O?): $(tail -n 3 "$CTL/$w.log" 2>/dev/null)"
		fi
	done
	for w in "${WORKERS[@]}"; do
		read -r r <"$CTL/$w.paused.$g"
		tlog "worker $w: $r"
		case "$r" in
		ok*) ;;
		*) worker_errors; bad_record_report; tfail "worker $w found bad records: $r" ;;
		esac
	done
}

# paused_or_failed NAME GEN: NAME answered pause GEN; the group fails at
# once if the second injector died
paused_or_failed() {
	inj2_alive
	test -e "$CTL/$1.paused.$2"
}

resume_workers() {
	echo 0 >"$CTL/pause"
	echo 0 >"$CTL/inj2.pause"
}

stop_workers() {
	local w pid rc bad=
	touch "$CTL/stop"
	while read -r w pid; do
		rc=0
		wait "$pid" 2>/dev/null || rc=$?
		tail -n 1 "$CTL/$w.log" | sed 's/^/# /'
		[ "$rc" = 0 ] || bad+=" $w (exit $rc)"
	done <"$CTL/pids"
	[ -z "$bad" ] || { worker_errors; tfail "workers failed:$bad"; }
	if [ -n "$INJ2" ]; then
		wait_until 120 "the second injector to stop" test -e "$CTL/inj2.done"
	fi
	if grep -qv ' 0$' "$CTL/flusher.res" 2>/dev/null; then
		tlog "flush messages refused: $(grep -cv ' 0$' "$CTL/flusher.res"): $(sort -u "$CTL/flusher.log" | head -n 3)"
	fi
	tlog "flush messages sent: $(wc -l <"$CTL/flusher.res" 2>/dev/null || echo 0)"
}

# --------------------------------------------------------- injector ---

POISONED=$SCRATCH/poisoned	# data sectors poisoned on any device
SYNC_CHOICES=(0 0 1 20 100 1000)

in_sync_idle() { wait_in_sync_idle "$NAME" "$@"; }

ev_poison() {
	local allowed=() leg pg i dev doff kind
	read -r -a allowed < <(poison_legs_allowed "$NAME")
	[ "${#allowed[@]}" -gt 0 ] || { stat_add skipped; return 0; }
	leg=${allowed[$((RANDOM % ${#allowed[@]}))]}
	dev=${LEG[$leg]}
	# each page at most once on any device: never two bad copies
	for ((i = 0; i < 32; i++)); do
		pg=${CAND[$(( (RANDOM * 32768 + RANDOM) % ${#CAND[@]} ))]}
		grep -qx "$pg" "$POISONED" || break
	done
	[ "$i" -lt 32 ] || { stat_add skipped; return 0; }
	doff=$(status_field "$NAME" data_offset)
	kind=sticky
	[ "$dev" != "${LEGACY_PMEM0:-}" ] || kind=clearable
	tlog "inject: $kind poison leg $leg ($dev) data sector $pg"
	echo "$pg" >>"$POISONED"
	poison "$dev" $((doff + pg)) >/dev/null
	stat_add "poison_$kind"
}

# send_when_idle MSG...: send message MSG to the mirror (after a rescan
# when SEND_RESCAN=1), right after the status said idle and in sync.  An
# action may still start in between: the resync of the other injector's
# reload (lock T).  The kernel refuses the message then (EBUSY, "another
# action is running"): wait for idle and ask again.  Returns 1 when no
# idle, in-sync moment came (the caller counts the event skipped).
send_when_idle() {
	local try err
	for ((try = 0; try < 5; try++)); do
		[ "${SEND_RESCAN:-0}" = 0 ] || dxm_message "$NAME" rescan ||
			tfail "rescan refused"
		tlog "inject: $*"
		if err=$(dxm_message "$NAME" "$@" 2>&1); then
			return 0
		fi
		case "$err" in
		*"resource busy"*) tlog "inject: $* refused (busy: an action started meanwhile); again" ;;
		*) tfail "message $* refused: $err" ;;
		esac
		in_sync_idle 60 || return 1
	done
	tfail "message $* refused as busy five times while the status said idle"
}

ev_scrub() {
	in_sync_idle 0 || { stat_add skipped; return 0; }
	# (the other injector cannot fail a leg in between: lock L)
	send_when_idle "$1" || { stat_add skipped; return 0; }
	stat_add "$1"
}

ev_fail() {
	local l=$((RANDOM % 2)) how t old
	if ! in_sync_idle 30; then
		tlog "inject: fail skipped (no idle, in-sync moment within 30 s)"
		stat_add skipped
		return 0
	fi
	# pending poison repaired first: failing a leg while the survivor
	# has unrepaired poison would be a real double fault
	dxm_message "$NAME" rescan || tfail "rescan refused"
	how=replace
	[ $((RANDOM % 2)) = 0 ] || how=readd
	tlog "inject: fail $l (${LEG[$l]}), then $how"
	dxm_message "$NAME" fail "$l" || tfail "fail $l refused (both legs were alive)"
	[ "$(status_field "$NAME" health | cut -c$((l + 1)))" = D ] ||
		tfail "leg $l not D after fail"
	note_status
	stat_add fail
	msleep $((RANDOM % 2000))
	if [ "$how" = replace ]; then
		old=${LEG[$l]}
		wipe_meta "$SPARE"
		LEG[l]=$SPARE
		SPARE=$old
	fi
	t=$(mk_table)
	dmsetup load "$NAME" --table "$t" || tfail "loading the $how table refused: $t"
	dmsetup suspend "$NAME" || tfail "suspend failed"
	dmsetup resume "$NAME" || tfail "resume with the $how table failed: $(dmesg_tail 5)"
	legs_save
	tlog "$how: legs ${LEG[*]}, spare $SPARE: $(dmsetup status "$NAME")"
	stat_add "$how"
}

ev_rebuild() {
	local l=$((RANDOM % 2))
	in_sync_idle 30 || { stat_add skipped; return 0; }
	# pending poison repaired first (a rescan before each try)
	SEND_RESCAN=1 send_when_idle rebuild "$l" || { stat_add skipped; return 0; }
	stat_add rebuild
}

ev_suspend() {
	local ms=$((50 + RANDOM % 700))
	tlog "inject: suspend for $ms ms"
	dmsetup suspend "$NAME" || tfail "suspend failed"
	msleep "$ms"
	dmsetup resume "$NAME" || tfail "resume failed"
	stat_add suspend
}

ev_reload() {
	local t
	SYNC_MS=${SYNC_CHOICES[$((RANDOM % ${#SYNC_CHOICES[@]}))]}
	legs_save
	t=$(mk_table)
	tlog "inject: reload with sync_interval_ms $SYNC_MS"
	dmsetup load "$NAME" --table "$t" || tfail "reload refused: $t"
	dmsetup suspend "$NAME" || tfail "suspend failed"
	dmsetup resume "$NAME" || tfail "resume after reload failed"
	stat_add reload
}

ev_hwpoison() {
	local w=mmap$((1 + RANDOM % 2)) r
	in_sync_idle 0 || { stat_add skipped; return 0; }
	[ "$(status_field "$NAME" health)" = AA ] || { stat_add skipped; return 0; }
	tlog "inject: madvise(MADV_HWPOISON) by worker $w"
	rm -f "$CTL/hwpoison.$w.done"
	touch "$CTL/hwpoison.$w"
	(wait_until 60 "worker $w's memory failure" test -e "$CTL/hwpoison.$w.done") 2>/dev/null ||
		tfail "worker $w did not report its memory failure within 60 s"
	r=$(cat "$CTL/hwpoison.$w.done")
	tlog "memory failure: $r"
	case "$r" in
	ok*) stat_add hwpoison ;;
	none*) stat_add skipped ;;
	*) worker_errors; tfail "memory failure on a mapped page: $r" ;;
	esac
}

# random_event: EV = one seeded event; the weights give the mix.  (Not
# echoed: a $(...) subshell reseeds RANDOM, the sequence would not
# follow the seed.)
# DXM_TORTURE_EVENTS="kind:weight ..." replaces the mix (to reduce a
# failure to the events it needs)
# shellcheck disable=SC2034  # read through random_event's nameref
read -r -a EVENTS <<<"${DXM_TORTURE_EVENTS:-poison:22 rescan:5 check:6 repair:4 fail:5 rebuild:4 suspend:8 reload:9 hwpoison:7}"
# DXM_TORTURE_EVENTS2: the second injector's (no fail, rebuild, repair:
# those need the quiet the first injector waits for)
read -r -a EVENTS2 <<<"${DXM_TORTURE_EVENTS2-poison:6 rescan:3 check:1 suspend:4 reload:3 hwpoison:3}"
INJ2=inj2
[ "${#EVENTS2[@]}" -gt 0 ] && [ "${DXM_TORTURE_OVERLAP:-1}" = 1 ] || INJ2=
# random_event [ARRAY]: EV drawn from ARRAY's mix (default EVENTS)
random_event() {
	local -n mix=${1:-EVENTS}
	local total=0 e w r
	for e in "${mix[@]}"; do total=$((total + ${e#*:})); done
	r=$((RANDOM % total))
	for e in "${mix[@]}"; do
		w=${e#*:}
		if [ "$r" -lt "$w" ]; then
			EV=${e%:*}
			return
		fi
		r=$((r - w))
	done
}

run_event() {
	case "$1" in
	poison) locked L -- ev_poison ;;
	rescan) tlog "inject: rescan"; dxm_message "$NAME" rescan || tfail "rescan refused"; stat_add rescan ;;
	check|repair) locked L -- ev_scrub "$1" ;;
	fail) locked L T -- ev_fail ;;
	rebuild) locked L -- ev_rebuild ;;
	suspend) locked T -- ev_suspend ;;
	reload) locked T -- ev_reload ;;
	hwpoison) locked L -- ev_hwpoison ;;
	esac
}

# inj2_alive: the group fails if the second injector died
inj2_alive() {
	[ ! -e "$CTL/inj2.failed" ] || tfail "$(cat "$CTL/inj2.failed")"
}

# injector2: the second injector, a background process; it pauses with
# the workers and marks the events that overlap one of the first's
injector2() {
	local n=0 g answered=0 m
	trap '[ -e "$CTL/inj2.done" ] || echo "the second injector stopped on an error (see above)" >"$CTL/inj2.failed"' EXIT
	while [ ! -e "$CTL/stop" ]; do
		g=$(cat "$CTL/inj2.pause" 2>/dev/null || echo 0)
		if [ "${g:-0}" != 0 ]; then
			if [ "$g" != "$answered" ]; then
				echo ok >"$CTL/inj2.paused.$g"
				answered=$g
			fi
			sleep 0.1
			continue
		fi
		n=$((n + 1))
		RANDOM=$(( (SEED * 37 + n * 40503 + 977) % 2147483647 ))
		random_event EVENTS2
		m=$(cat "$CTL/main.busy" 2>/dev/null || true)
		[ -z "$m" ] || stat_add overlap
		[ -z "$m" ] || m=" (while the first injector runs $m)"
		tlog "injector 2: $EV$m"
		run_event "$EV"
		msleep $((300 + RANDOM % 2000))
	done
	touch "$CTL/inj2.done"
}

# ---------------------------------------------------------- quiesce ---

# corrupt_behind: negative control (DXM_TORTURE_CORRUPT=1): one page of
# leg 1 under the raw part, not poisoned, overwritten on the leg itself
corrupt_behind() {
	local doff pg=64
	while grep -qx "$pg" "$POISONED"; do pg=$((pg + 8)); done
	doff=$(status_field "$NAME" data_offset)
	tlog "NEGATIVE CONTROL: overwriting data sector $pg of leg 1 (${LEG[1]}) behind the mirror"
	pattern 4242 4096 | dd of="${LEG[1]}" oflag=direct,seek_bytes bs=4096 \
		seek=$(((doff + pg) * 512)) conv=notrunc status=none
}

# ext4_owner BLOCK: ", inode N PATH" of the ext4 file that owns BLOCK
# (", inode ?" when none or unknown); never fails
ext4_owner() {
	local ino path=
	ino=$(debugfs -R "icheck $1" "/dev/mapper/$NAME-fs" 2>/dev/null | awk 'NR == 2 { print $2 }') || true
	if [ -n "$ino" ] && [ "$ino" != "<block" ]; then
		path=$(debugfs -R "ncheck $ino" "/dev/mapper/$NAME-fs" 2>/dev/null | awk 'NR == 2 { print $2 }') || true
		echo ", inode $ino $path"
	else
		echo ", inode ?"
	fi
}

# mismatch_report: after a check scrub found mismatches, the pages that
# differ between the legs read directly (pages remapped by the mirror
# differ there legitimately: marked from the kernel log), what each leg
# holds (worker records carry the worker's seed, slot and seq) and which
# file of the ext4 owns the page
mismatch_report() {
	local doff out s tag blk ino line
	doff=$(status_field "$NAME" data_offset)
	echo "ERROR: mismatch report (seed $SEED; workers' record seeds: $(for w in "${!WORKERS[@]}"; do
		echo -n "${WORKERS[$w]}=$((SEED * 10 + w + 1)) "; done)):" >&2
	echo "ERROR:   remapped (kernel log): $(dmesg_since_mark | grep -oE 'leg [01]: (page|memory failure) at sector [0-9]+' | sort -u | tr '\n' ';')" >&2
	echo "ERROR:   poisoned data sectors: $(tr '\n' ' ' <"$POISONED")" >&2
	dump_kernel_lines
	[ "$doff" = 0 ] || echo "ERROR:   data_offset $doff: sectors below are of the legs" >&2
	out=$("$HELPERS/torture" legdiff "${LEG[0]}" "${LEG[1]}" $((doff + LEN)) 2>&1) || true
	while read -r line; do
		tag=
		s=$(echo "$line" | sed -nE 's/^(differ|unreadable) sector ([0-9]+).*/\2/p')
		if [ -n "$s" ]; then
			s=$((s - doff))
			dmesg_has -E "at sector $s( |$)" && tag=" [remapped by the mirror: expected]"
			if [ "$s" -ge "$RAW" ]; then
				blk=$(( (s - RAW) / 8 ))
				tag+=" [ext4 block $blk$(ext4_owner "$blk")]"
			else
				tag+=" [raw part: direct1 slot $((s / 8))]"
			fi
		fi
		case "$tag" in
		*"expected]"*) echo "ERROR:   $line$tag" >>"$SCRATCH/mismatch.expected" ;;
		*) echo "ERROR:   $line$tag" >&2 ;;
		esac
	done <<<"$out"
	# pages remapped by the mirror differ on the raw legs by design
	if [ -s "$SCRATCH/mismatch.expected" ]; then
		echo "ERROR:   raw differences at pages the mirror remapped (expected):" >&2
		cat "$SCRATCH/mismatch.expected" >&2
	fi
}

# quiesce GEN: the invariants, with the workers paused
quiesce() {
	local g=$1 line m
	tlog "quiesce $g: pausing the workers"
	pause_workers "$g"
	legs_load
	dxm_message "$NAME" flush || tfail "flush refused at quiesce $g"
	# a rebuild, resync or scrub the injector started ends first
	wait_action_idle "$NAME" 900
	dxm_message "$NAME" flush || tfail "flush refused at quiesce $g"
	line=$(dmsetup status "$NAME")
	tlog "quiesce $g: $line"
	status_coherent "$line" quiesced
	[ "${DXM_TORTURE_CORRUPT:-0}" != 1 ] || [ "$g" != 1 ] || corrupt_behind
	dxm_message "$NAME" check || tfail "check refused at quiesce $g"
	wait_action_idle "$NAME" 900
	line=$(dmsetup status "$NAME")
	m=$(_status_pick "$NAME" "$line" mismatches)
	tlog "quiesce $g: check scrub: $m mismatches: $line"
	if [ "$m" != 0 ]; then
		mismatch_report
		tfail "quiesce $g: the check scrub found $m sectors that differ between the legs"
	fi
	status_coherent "$line" quiesced
	if ! check_dmesg; then
		tfail "kernel trace by quiesce $g"
	fi
	stat_add quiesce
}

# ------------------------------------------------------------- case ---

case_torture() {
	local t_end next_q qs q=0 nev=0 f w
	# shellcheck disable=SC2090  # RERUN is only printed
	trap 'rc=$?; [ "$rc" = 0 ] || echo "TORTURE FAILED: seed $SEED; rerun: $RERUN" >&2' EXIT
	RANDOM=$SEED
	: >"$POISONED"
	: >"$STATS"
	if [ -n "${LEGACY_PMEM0:-}" ]; then
		LEG=("$PMEM0" "$LEGACY_PMEM0")
		SPARE=$PMEM1
	else
		LEG=("$PMEM0" "$PMEM1")
		SPARE=$PMEM2
	fi
	SYNC_MS=${SYNC_CHOICES[$((RANDOM % ${#SYNC_CHOICES[@]}))]}
	LEN=$(dxm_usable_sectors "${LEG[@]}")
	dxm_geometry "$SPARE"
	[ "$G_data_sectors" -ge "$LEN" ] || LEN=$G_data_sectors
	# poison stays clear of the last 40 MiB of every device (wipe_meta
	# writes its last 32 MiB)
	PLIM=$(for d in "${LEG[@]}" "$SPARE"; do sectors "$d"; done | sort -n | head -n 1)
	PLIM=$((PLIM - 65536 - 16384))
	wipe_meta "${LEG[@]}" "$SPARE"
	T0=$SECONDS
	mkdir -p "$CTL"
	legs_save
	bg_start watchdog
	log "create: $(mk_table)"
	dmsetup create "$NAME" --table "$(mk_table)" || { dmesg_tail 5; die "create failed"; }
	RAW=$((RAW_MB * 2048))
	dmsetup create "$NAME-raw" --table "0 $RAW linear /dev/mapper/$NAME 0"
	dmsetup create "$NAME-fs" --table "0 $((LEN - RAW)) linear /dev/mapper/$NAME $RAW"
	_wait_blockdev "/dev/mapper/$NAME-raw"
	_wait_blockdev "/dev/mapper/$NAME-fs"
	tlog "mkfs.ext4 on $NAME-fs: $(dmsetup status "$NAME")"
	mkfs_dax ext4 "/dev/mapper/$NAME-fs"
	mount_dax "/dev/mapper/$NAME-fs" "$MNT"
	tlog "mounted; starting the workers"
	start_workers
	# poison candidates: pages under the raw part and the workers' files
	# (data sectors of the mirror), away from the last 32 MiB of the
	# devices (wipe_meta writes there)
	mapfile -t CAND < <(
		seq 0 8 $((RAW - 8))
		for w in "${WORKERS[@]}"; do
			if [ -f "$MNT/$w.dat" ]; then
				file_pages "$MNT/$w.dat" | awk -v o="$RAW" '{ print $1 + o }'
			fi
		done | awk -v lim="$PLIM" '$1 < lim')
	tlog "workers running; ${#CAND[@]} candidate pages for poison; sync_interval_ms $SYNC_MS; legs ${LEG[*]} (clearable poison: ${LEGACY_PMEM0:-none}), spare $SPARE"
	if [ -n "$INJ2" ]; then
		bg_start injector2
		tlog "second injector: ${EVENTS2[*]}"
	fi
	# T seconds of load from here: the setup and the quiesce points do
	# not count (on a slow kernel they would eat the whole run)
	t_end=$((SECONDS + SECS))
	next_q=$((SECONDS + SECS / (QUIESCE + 1)))
	while [ "$SECONDS" -lt "$t_end" ]; do
		if [ "$q" -lt "$QUIESCE" ] && [ "$SECONDS" -ge "$next_q" ]; then
			q=$((q + 1))
			qs=$SECONDS
			quiesce "$q"
			resume_workers
			t_end=$((t_end + SECONDS - qs))
			next_q=$((next_q + SECONDS - qs + SECS / (QUIESCE + 1)))
			continue
		fi
		note_status
		# each event's draws follow from the seed and its number, also
		# when an earlier event was skipped (timing) and drew less
		nev=$((nev + 1))
		RANDOM=$(( (SEED * 31 + nev * 2654435761) % 2147483647 ))
		random_event
		echo "$EV" >"$CTL/main.busy"
		run_event "$EV"
		rm -f "$CTL/main.busy"
		inj2_alive
		msleep $((200 + RANDOM % 1500))
	done
	q=$((q + 1))
	quiesce "$q"
	stop_workers
	tlog "events: $(awk '{ s[$1] += $2 } END { for (k in s) printf "%s=%d ", k, s[k] }' "$STATS")"

	# the records again after a remount: nothing lives only in a mapping
	umount "$MNT"
	dxm_message "$NAME" flush
	mount_dax "/dev/mapper/$NAME-fs" "$MNT" ext4
	verify_states "after a remount"
	# and from one leg alone: fail one, read everything from the other
	f=$((RANDOM % 2))
	dxm_message "$NAME" fail "$f" || tfail "final fail $f refused"
	verify_states "from leg $((1 - f)) alone (leg $f failed)"
	umount "$MNT"
	tlog "final: $(dmsetup status "$NAME")"
	echo "TORTURE PASSED: seed $SEED, $SECS s"
}

# verify_states WHEN: every worker's last records, by a fresh process
verify_states() {
	local w out rc
	for w in "${WORKERS[@]}"; do
		rc=0
		case "$w" in
		direct*) out=$("$HELPERS/torture" verify direct "/dev/mapper/$NAME-raw" "$CTL/$w.state" 2>&1) || rc=$? ;;
		mmap*) out=$("$HELPERS/torture" verify mmap "$MNT/$w.dat" "$CTL/$w.state" 2>&1) || rc=$? ;;
		write*) out=$("$HELPERS/torture" verify write "$MNT/$w.dat" "$CTL/$w.state" 2>&1) || rc=$? ;;
		esac
		echo "$out" | grep -v TORTURE-BAD | sed "s/^# /# $1: /"
		if [ "$rc" != 0 ]; then
			echo "$out" | grep TORTURE-BAD | head -n 10 >&2
			tfail "worker $w's records bad $1"
		fi
	done
}

run_case torture case_torture
finish
}
