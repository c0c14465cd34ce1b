# SPDX-License-Identifier: GPL-2.0
#
# tests/lib-fault.sh: helpers of the fault-injection scenarios (poison,
# leg failure, rebuild): tests/vm/4[012]-*.sh, tests/vm/50-failure.sh and
# the guest halves of the host drivers (tests/host/guest/*.sh).
# Source it after tests/lib.sh.
# shellcheck disable=SC2034,SC2154

# wait_until TIMEOUT WHAT CMD...: run CMD every 0.2 s until it succeeds;
# fail after TIMEOUT seconds, naming WHAT.
wait_until() {
	local t=$1 what=$2 i
	shift 2
	for ((i = 0; i <= t * 5; i++)); do
		if "$@"; then
			return 0
		fi
		sleep 0.2
	done
	die "timeout after ${t}s waiting for $what"
}

# field_is NAME FIELD OP VALUE: test(1) on one status field, e.g.
# field_is m0 remapped0 -ge 1; field_is m0 health = AD.
field_is() {
	local v
	v=$(status_field "$1" "$2") || return 1
	[ "$v" "$3" "$4" ]
}

# wait_field NAME FIELD OP VALUE [TIMEOUT]: until field_is holds (default
# 60 s); on timeout show the status line.
wait_field() {
	local name=$1 f=$2 op=$3 v=$4 t=${5:-60}
	if ! (wait_until "$t" "$f $op $v" field_is "$name" "$f" "$op" "$v") 2>/dev/null; then
		die "$name: $f $op $v not reached within ${t}s: $(status_field "$name" line)"
	fi
}

# wait_in_sync_idle NAME [TIMEOUT]: until no leg is dead and no rebuild,
# resync or scrub runs ("a" without an action only means regions with
# pending DAX copies); false after TIMEOUT seconds (default 30; 0: look
# once).  The moment a fault that needs two good legs may be injected.
wait_in_sync_idle() {
	local name=$1 t=$((SECONDS + ${2:-30})) l
	while :; do
		l=$(dmsetup status "$name")
		case "$(_status_pick "$name" "$l" health)/$(_status_pick "$name" "$l" action)" in
		*D*) ;;
		*/idle) return 0 ;;
		esac
		[ "$SECONDS" -lt "$t" ] || return 1
		sleep 0.5
	done
}

# poison_legs_allowed NAME: the legs (0, 1 or "0 1") on which poison may
# be injected now without hitting the only good copy: none with a dead
# leg; during a resync or rebuild only its target (the other leg holds
# the only good copy of what is not copied yet).
poison_legs_allowed() {
	local l
	l=$(dmsetup status "$1")
	case "$(_status_pick "$1" "$l" health)/$(_status_pick "$1" "$l" action)" in
	*D*) ;;
	Aa/rebuild|Aa/resync) echo 1 ;;
	aA/rebuild|aA/resync) echo 0 ;;
	*/rebuild|*/resync) ;;
	*) echo 0 1 ;;
	esac
}

# show_status NAME: log the status line.
show_status() { log "status $1: $(status_field "$1" line)"; }

# fresh_pair NAME LEG0 LEG1 [OPTARGS...]: zero both legs completely and
# create a nosync mirror over them (legs identical from the start, so a
# check scrub finds exactly the differences a test plants).
fresh_pair() {
	local name=$1 a=$2 b=$3
	shift 3
	zero_legs "$a" "$b"
	dxm_create "$name" "$a" "$b" nosync "$@"
	wait_action_idle "$name" 120
}

# ------------------------------------------------------------ files ---

# file_extents FILE: one line "logical physical length" (512-byte sectors;
# physical = sector of the filesystem's device) per extent.
file_extents() {
	filefrag -v -b512 "$1" |
		sed -nE 's/^ *[0-9]+: *([0-9]+)\.\. *[0-9]+: *([0-9]+)\.\. *[0-9]+: *([0-9]+):.*/\1 \2 \3/p'
}

# file_sector FILE BYTE: the device sector that holds byte BYTE of FILE.
file_sector() {
	local want=$(($2 / 512)) l p n
	while read -r l p n; do
		if [ "$want" -ge "$l" ] && [ "$want" -lt $((l + n)) ]; then
			echo $((p + want - l))
			return 0
		fi
	done < <(file_extents "$1")
	die "byte $2 of $1 is not mapped: $(filefrag -v -b512 "$1" | tail -n +3)"
}

# file_pages FILE: the 4 KiB-aligned device sectors of every page of FILE.
file_pages() {
	local l p n s
	while read -r l p n; do
		for ((s = (p + 7) / 8 * 8; s + 8 <= p + n; s += 8)); do
			echo "$s"
		done
	done < <(file_extents "$1")
}

# read_page DEV SECTOR: one 4 KiB page with O_DIRECT to stdout.
read_page() {
	dd if="$1" iflag=direct,skip_bytes bs=4096 count=1 skip=$(($2 * 512)) status=none
}

# write_page DEV SECTOR SEED: one 4 KiB pattern page with O_DIRECT.
write_page() { write_pattern "$1" "$2" 8 "$3"; }

# file_page_hash FILE INDEX: sha256 of the INDEX-th 4 KiB page of FILE.
file_page_hash() {
	dd if="$1" bs=4096 skip="$2" count=1 status=none | sha256sum | cut -d' ' -f1
}

# -------------------------------------------------- background jobs ---

# Background processes a case starts are recorded here and killed by
# extra_cleanup (after a failure) before lib.sh unmounts and removes.
BG_PIDS_FILE=$SCRATCH/bg.pids

bg_start() {
	"$@" &
	echo $! >>"$BG_PIDS_FILE"
}

# bg_kill_all: kill every recorded job (and the fio a loop runs now).
bg_kill_all() {
	local pid f
	[ -s "$BG_PIDS_FILE" ] || return 0
	for f in "$BG_PIDS_FILE" "$SCRATCH"/loop-*.fiopid; do
		[ -s "$f" ] || continue
		while read -r pid; do
			kill -- "$pid" 2>/dev/null || true
		done <"$f"
	done
	sleep 0.5
	for f in "$BG_PIDS_FILE" "$SCRATCH"/loop-*.fiopid; do
		[ -s "$f" ] || continue
		while read -r pid; do
			kill -9 -- "$pid" 2>/dev/null || true
		done <"$f"
	done
	rm -f "$BG_PIDS_FILE"
}

# extra_cleanup from lib.sh: our jobs first (they hold the mounts).
extra_cleanup() {
	bg_kill_all
	if [ -n "${DXM_SWEEP_SAVED:-}" ] && [ -w /sys/module/dm_daxmirror/parameters/sweep_max_kbps ]; then
		echo 0 >/sys/module/dm_daxmirror/parameters/sweep_max_kbps
	fi
	return 0
}

# set_sweep_kbps N: throttle resync/rebuild/scrub (0: unthrottled).
set_sweep_kbps() {
	DXM_SWEEP_SAVED=1
	echo "$1" >/sys/module/dm_daxmirror/parameters/sweep_max_kbps
}

# ------------------------------------------------------- fio loops ---
#
# fio_loop_start NAME FIO-ARGS...: run fio write+verify rounds in the
# background until fio_loop_stop NAME.  Round i writes with random seed
# i and a verify pattern that holds the block offset and a per-round tag
# (verify=pattern, '%o"tag"'), so stale data from an earlier round or
# from another offset cannot pass; odd rounds use psync, even rounds mmap
# (DAX stores through a mapping) unless the args name an ioengine.  Each
# round's result is appended to $SCRATCH/loop-NAME.res ("round rc").
#
# fio_loop_stop NAME [MIN_ROUNDS]: let the running round finish, then fail
# unless every round passed (and at least MIN_ROUNDS, default 1, ran).
# Afterwards LOOP_LAST_ARGS holds the last round's arguments (for a
# --verify_only pass with fio_loop_verify NAME).

_fio_loop_round_args() {
	local name=$1 r=$2 engine=
	shift 2
	case " $* " in
	*" --ioengine="*) ;;
	*) if [ $((r % 2)) = 1 ]; then engine=--ioengine=psync; else engine=--ioengine=mmap; fi ;;
	esac
	case " $* " in
	*" --filename="*) ;;
	*) set -- --filename="loop-$name.dat" "$@" ;;
	esac
	echo "--name=dxmloop-$name $engine --randseed=$r" \
		"--verify=pattern --verify_pattern=%o\"$name-r$r\" $*"
}

_fio_loop() {
	local name=$1 r=0 rc args
	shift
	cd "$SCRATCH"	# fio keeps verify state files in the cwd
	while [ ! -e "$SCRATCH/loop-$name.stop" ]; do
		r=$((r + 1))
		args=$(_fio_loop_round_args "$name" "$r" "$@")
		echo "$r started" >>"$SCRATCH/loop-$name.res"
		rc=0
		# shellcheck disable=SC2086
		fio --eta=never --output="$SCRATCH/loop-$name-$r.log" $args \
			--do_verify=1 >/dev/null 2>&1 &
		echo $! >"$SCRATCH/loop-$name.fiopid"
		wait $! || rc=$?
		if [ "$rc" = 0 ] && grep -qE "verify: bad|err= *[1-9]|verify failed" "$SCRATCH/loop-$name-$r.log"; then
			rc=99
		fi
		echo "$r $rc" >>"$SCRATCH/loop-$name.res"
		echo "$args" >"$SCRATCH/loop-$name.args"
		[ "$rc" = 0 ] || break
	done
}

fio_loop_start() {
	local name=$1
	shift
	rm -f "$SCRATCH/loop-$name".*
	: >"$SCRATCH/loop-$name.res"
	bg_start _fio_loop "$name" "$@"
	echo $! >"$SCRATCH/loop-$name.pid"
}

# fio_loop_rounds NAME: rounds completed so far (passed or not).
fio_loop_rounds() {
	grep -cE '^[0-9]+ [0-9]+$' "$SCRATCH/loop-$1.res" || true
}

# fio_loop_running NAME: the loop is still going (no failed round yet).
fio_loop_running() {
	kill -0 "$(cat "$SCRATCH/loop-$1.pid")" 2>/dev/null
}

# fio_loop_wait_rounds NAME N [TIMEOUT]: until N rounds completed.
fio_loop_wait_rounds() {
	local i t=${3:-600}
	for ((i = 0; i < t * 5; i++)); do
		[ "$(fio_loop_rounds "$1")" -ge "$2" ] && return 0
		fio_loop_running "$1" || break
		sleep 0.2
	done
	_fio_loop_report "$1"
	die "fio loop $1: $2 rounds not completed (stopped early or timed out)"
}

_fio_loop_report() {
	local name=$1 r rc
	while read -r r rc; do
		[ "$rc" = started ] && continue
		if [ "$rc" != 0 ]; then
			echo "ERROR: fio loop $name round $r failed (rc $rc):" >&2
			grep -E "verify|err=|error|bad" "$SCRATCH/loop-$name-$r.log" | head -n 20 >&2
			tail -n 25 "$SCRATCH/loop-$name-$r.log" >&2
		fi
	done <"$SCRATCH/loop-$name.res"
}

fio_loop_stop() {
	local name=$1 min=${2:-1} pid n
	touch "$SCRATCH/loop-$name.stop"
	pid=$(cat "$SCRATCH/loop-$name.pid")
	wait "$pid" 2>/dev/null || true
	n=$(fio_loop_rounds "$name")
	if grep -qE '^[0-9]+ [1-9][0-9]*$' "$SCRATCH/loop-$name.res"; then
		_fio_loop_report "$name"
		die "fio loop $name: a round failed (data error or I/O error reached fio)"
	fi
	[ "$n" -ge "$min" ] || die "fio loop $name: only $n rounds, expected >= $min"
	LOOP_LAST_ARGS=$(cat "$SCRATCH/loop-$name.args")
	grep -hE "^ +(READ|WRITE):" "$SCRATCH/loop-$name-$n.log" |
		sed "s/^ */# fio loop $name round $n: /" || true
	log "fio loop $name: $n rounds, all verified"
}

# fio_loop_verify NAME: re-read the last round's data (--verify_only),
# e.g. after a remount or a rebuild.
fio_loop_verify() {
	local name=$1 rc=0
	# shellcheck disable=SC2086
	(cd "$SCRATCH" && fio --eta=never --output="$SCRATCH/loop-$name-vo.log" \
		$LOOP_LAST_ARGS --verify_only) >/dev/null 2>&1 || rc=$?
	if [ "$rc" != 0 ] || grep -qE "verify: bad|err= *[1-9]|verify failed" "$SCRATCH/loop-$name-vo.log"; then
		tail -n 30 "$SCRATCH/loop-$name-vo.log" >&2
		die "fio --verify_only of loop $name failed (rc $rc)"
	fi
	log "fio --verify_only of loop $name: data verified"
}

# ------------------------------------------------------ pmem slots ---
#
# NVDIMM poison cannot be cleared in the guest (sticky for the whole
# boot), so a group that poisons pages gives every case its own slice of
# each NVDIMM: a GPT partition ("slot").  The module sees a partition of
# a pmem disk: the disk's bad-block list applies with the partition's
# start offset.

# pmem_slots DEV N [MIB,...]: partition DEV into N 2 MiB-aligned slots
# (GPT, partitions 1..N), unless it already has them: the first ones of
# the sizes given (MiB), the others of equal size in the rest.
pmem_slots() {
	local dev=$1 n=$2 b
	b=$(basename "$(realpath "$dev")")
	[ -e "/sys/class/block/${b}p$n" ] && return 0
	/usr/bin/python3 - "$dev" "$n" "${3:-}" <<'PY'
import fcntl, os, struct, sys, uuid, zlib
dev, n = sys.argv[1], int(sys.argv[2])
fd = os.open(dev, os.O_RDWR)
size = os.lseek(fd, 0, os.SEEK_END) // 512
last, align = size - 1, 4096
first_usable, last_usable = 34, size - 34
sizes = [int(m) * 2048 // align * align for m in sys.argv[3].split(',') if m][:n]
rest = n - len(sizes)
if rest:
    per = (last_usable + 1 - align - sum(sizes)) // rest // align * align
    sizes += [per] * rest
assert min(sizes) >= 8192 and align + sum(sizes) <= last_usable + 1, \
    "device too small for slots %s" % sizes
starts = [align + sum(sizes[:i]) for i in range(n)]
linux = uuid.UUID('0FC63DAF-8483-4772-8E79-3D69D8477DE4').bytes_le
ent = bytearray(128 * 128)
for i in range(n):
    s = starts[i]
    struct.pack_into('<16s16sQQQ72s', ent, i * 128, linux, uuid.uuid4().bytes_le,
                     s, s + sizes[i] - 1, 0, ('dxm%d' % (i + 1)).encode('utf-16-le'))
ecrc = zlib.crc32(ent) & 0xffffffff
guid = uuid.uuid4().bytes_le
def header(my, alt, elba):
    h = bytearray(struct.pack('<8sIIIIQQQQ16sQIII', b'EFI PART', 0x10000, 92, 0, 0,
                              my, alt, first_usable, last_usable, guid, elba, 128, 128, ecrc))
    struct.pack_into('<I', h, 16, zlib.crc32(h) & 0xffffffff)
    return bytes(h).ljust(512, b'\0')
mbr = bytearray(512)
struct.pack_into('<B3sB3sII', mbr, 446, 0, b'\x00\x02\x00', 0xee, b'\xff\xff\xff', 1,
                 min(size - 1, 0xffffffff))
mbr[510:512] = b'\x55\xaa'
def put(lba, data):
    os.pwrite(fd, data, lba * 512)
put(0, bytes(mbr))
put(1, header(1, last, 2))
put(2, bytes(ent))
put(last - 32, bytes(ent))
put(last, header(last, 1, last - 32))
os.fsync(fd)
fcntl.ioctl(fd, 0x125f)  # BLKRRPART
os.close(fd)
PY
	_wait_blockdev "/dev/${b}p$n"
}

# slot DEV K: the block device of slot K of DEV.
slot() { echo "/dev/$(basename "$(realpath "$1")")p$2"; }

# legs K: A and B = slot K of $PMEM0 and $PMEM1 (a case's own pair).
legs() {
	A=$(slot "$PMEM0" "$1")
	B=$(slot "$PMEM1" "$1")
	log "legs: $A $B"
}

# _disk_of DEV: "disk start" of a pmem disk or one of its partitions.
_disk_of() {
	local b
	b=$(basename "$(realpath "$1")")
	if [ -e "/sys/class/block/$b/partition" ]; then
		echo "$(basename "$(dirname "$(realpath "/sys/class/block/$b")")")" \
			"$(cat "/sys/class/block/$b/start")"
	else
		echo "$b 0"
	fi
}

# poison DEV SECTOR [COUNT]: add a bad range (default one 4 KiB page) at
# SECTOR of DEV, a pmem disk or a partition of one.
poison() {
	local disk start
	read -r disk start < <(_disk_of "$1")
	[ -w "/sys/block/$disk/badblocks" ] || die "$1 has no badblocks list"
	log "poison $1 sector $2 (+${3:-8})"
	echo "$((start + $2)) ${3:-8}" >"/sys/block/$disk/badblocks"
}

# bad_sectors DEV: the bad ranges inside DEV ("sector count", relative to
# DEV), from its disk's list.
bad_sectors() {
	local disk start n
	read -r disk start < <(_disk_of "$1")
	n=$(sectors "$1")
	awk -v s="$start" -v n="$n" '$1 >= s && $1 < s + n { print $1 - s, $2 }' \
		"/sys/block/$disk/badblocks"
}

# is_bad DEV SECTOR: DEV's bad-block list names SECTOR.
is_bad() {
	bad_sectors "$1" | awk -v x="$2" '$1 <= x && x < $1 + $2 { f = 1 } END { exit !f }'
}

# not_bad DEV SECTOR
not_bad() { ! is_bad "$@"; }

# pid_gone PID
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# remapped_total_is NAME N: remapped0 + remapped1 = N
remapped_total_is() {
	[ $(($(status_field "$1" remapped0) + $(status_field "$1" remapped1))) -eq "$2" ]
}

# poison_now DEV SECTOR [DEV SECTOR]...: add several one-page bad ranges
# with as little time in between as possible (paths resolved first), so
# that the mirror's background poll (~1 s) cannot repair one before the
# next appears, nor before an access that follows at once.
poison_now() {
	local cmds=() disk start
	while [ $# -ge 2 ]; do
		read -r disk start < <(_disk_of "$1")
		[ -w "/sys/block/$disk/badblocks" ] || die "$1 has no badblocks list"
		cmds+=("/sys/block/$disk/badblocks" "$((start + $2)) 8")
		log "poison $1 sector $2 (+8)"
		shift 2
	done
	set -- "${cmds[@]}"
	while [ $# -ge 2 ]; do
		echo "$2" >"$1"
		shift 2
	done
}

# poison_then_write DEV SECTOR TARGET TSECTOR FILE: poison one page at
# SECTOR of DEV, then at once write FILE to TARGET at TSECTOR with one
# O_DIRECT pwrite (microseconds apart: the mirror's background poll, once
# a second, cannot repair the page in between, so the write meets it).
poison_then_write() {
	local disk start
	read -r disk start < <(_disk_of "$1")
	log "poison $1 sector $2 (+8), then write $5 to $3 at sector $4"
	/usr/bin/python3 - "/sys/block/$disk/badblocks" "$((start + $2)) 8" \
		"$3" "$4" "$5" <<'PY'
import mmap, os, sys
bb, entry, target, sector, path = sys.argv[1:6]
data = open(path, 'rb').read()
buf = mmap.mmap(-1, len(data))
buf.write(data)
fd = os.open(target, os.O_WRONLY | os.O_DIRECT)
with open(bb, 'w') as f:
    f.write(entry)
n = os.pwritev(fd, [buf], int(sector) * 512)
assert n == len(data), n
os.close(fd)
PY
}

# split_bitmap_leg LEG NAME: /dev/mapper/NAME is LEG as dm-linear in two
# pieces split inside its write-intent bitmap at 4 KiB regions (create
# the mirror with region_size 8): the mirror cannot DAX-map that leg's
# bitmap and writes its marks by bios.  Sets G_* (dxm_geometry LEG 8).
split_bitmap_leg() {
	local n split
	n=$(sectors "$1")
	dxm_geometry "$1" 8
	[ "$G_bitmap_sectors" -ge 16 ] || skip "bitmap of one page"
	split=$((G_bitmap_offset + 8))
	printf '0 %s linear %s 0\n%s %s linear %s %s\n' "$split" "$1" \
		"$split" $((n - split)) "$1" "$split" | dmsetup create "$2"
}

# mark_set LEG R: region R's bit is set in LEG's on-media bitmap
# ($G_bitmap_offset from dxm_geometry; little-endian words); mark_clear:
# it is clear.
mark_set() {
	local byte=$((G_bitmap_offset * 512 + $2 / 8)) v
	v=$(dd if="$1" iflag=direct,skip_bytes bs=4096 count=1 \
		skip=$((byte / 4096 * 4096)) status=none |
		od -An -tu1 -j$((byte % 4096)) -N1 | tr -d ' ')
	[ $((v & (1 << ($2 % 8)))) -ne 0 ]
}
mark_clear() { ! mark_set "$@"; }
