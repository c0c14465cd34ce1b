#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 70-badinput: generated bad input must be refused cleanly.
#   tables:   100 malformed tables (tests/fault/badinput-gen.py,
#             from a seed: wrong argument counts, junk and overflowing
#             numbers, out-of-range values, unknown/duplicate options,
#             trailing junk, bad lengths, the same leg twice, devices that
#             do not exist or are too small), over formatted legs and over
#             blank legs: each refused (dmsetup fails) with a reason line in
#             the kernel log, the legs' metadata unchanged (hash before and
#             after each try), no kernel trace;
#   messages: 60 malformed messages on a live idle mirror
#             (unknown, wrong arity, bad numbers, out-of-range ranges and
#             legs): each refused with a reason, the status line and the
#             metadata unchanged;
#   metadata: seeded random bit flips in a formatted leg's superblock and
#             in its remap table copies A/B (three remaps, so both copies
#             hold entries): the kernel's verdict must match the module's
#             own checks run in userspace (fuzz/dxm-validate-cli.c over
#             include/daxmirror_validate.c): refused, with the reason it
#             names in the kernel log, and nothing written, or (a flip in
#             the older or unused part of the remap table) activated with
#             the right data; the image is restored between tries;
#   leaks:    no kmemleak in Debian kernels (CONFIG_DEBUG_KMEMLEAK off), so
#             there: per-cache kmalloc object counts before/after the
#             refused tables, no vmalloc area of the module left
#             (/proc/vmallocinfo), the legs not held, and the module unloads;
#             on the debug kernel kmemleak's forced scans replace the
#             counts (KASAN's quarantine keeps freed objects counted).
# Seeds: DXM_SEED (default 70) for everything; DXM_BAD_TABLES,
# DXM_BAD_MESSAGES, DXM_FLIPS set the counts.
# vm-run: --nvdimms 2 --nvdimm-size 256
# vm-timeout: 2400
# kernels: 6.1. debug
# debug-env: DXM_BAD_TABLES=20 DXM_BAD_MESSAGES=15 DXM_FLIPS=4
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"

SEED=${DXM_SEED:-70}
N_TABLES=${DXM_BAD_TABLES:-100}
N_MESSAGES=${DXM_BAD_MESSAGES:-60}
N_FLIPS=${DXM_FLIPS:-16}
GEN=$REPO/tests/fault/badinput-gen.py
echo "70-badinput: seed $SEED ($N_TABLES tables, $N_MESSAGES messages, $N_FLIPS metadata flips); rerun with DXM_SEED=$SEED"

group_setup setup_fsdax
group_setup load_module
A=$PMEM0
B=$PMEM1
N=$(sectors "$A")
LEN=$(dxm_usable_sectors "$A" "$B")
ZERO4K=$(head -c 4096 /dev/zero | sha256sum | cut -d' ' -f1)

majmin() { printf '%d:%d' "0x$(stat -L -c %t "$1")" "0x$(stat -L -c %T "$1")"; }

# tail_hash LEG: sha256 of the last 4 MiB (superblock, bitmap, remap
# table copies, spare pool) and of the first MiB of a leg
tail_hash() {
	echo "$(hash_range "$1" $((N - 8192)) 8192)" "$(hash_range "$1" 0 2048)"
}

# reason_since N: the first kernel log line after line N that gives a
# reason (the target's or the device-mapper core's)
reason_since() {
	dmesg_after "$1" | grep -E "daxmirror|device-mapper" | head -n 1 | sed 's/^\[[^]]*\] //'
}

# a device too small to be a leg: 2 MiB of leg 0 through dm-linear (only
# opened by the refused tables, never written)
small_dev() {
	dmsetup create small --table "0 4096 linear $A 0"
	SMALL=/dev/mapper/small
	_wait_blockdev "$SMALL"
}

# slab_counts: "cache active_objs objperslab" for the kmalloc caches
slab_counts() {
	awk '$1 ~ /^kmalloc-/ { print $1, $2, $5 }' /proc/slabinfo | sort
}

# ------------------------------------------------------------------ tables

# try_one KIND TABLE I: one table must be refused with a reason; returns 1
# (and records the problem) if not
try_one() {
	local kind=$1 t=$2 i=$3 n0 why
	n0=$(dmesg_lines)
	if dmsetup create bad --table "$t" >/dev/null 2>&1; then
		echo "ERROR: table #$i ($kind) accepted: $t" >&2
		echo "accepted: table ($kind): $t" >>"$SCRATCH/problems"
		dmsetup remove bad >/dev/null 2>&1 || true
		# it may have written: put the saved metadata back
		restore_legs
		return 1
	fi
	dmsetup remove bad >/dev/null 2>&1 || true
	why=$(reason_since "$n0")
	if [ -z "$why" ]; then
		echo "ERROR: table #$i ($kind) refused without a reason in the kernel log: $t" >&2
		echo "no reason: table ($kind): $t" >>"$SCRATCH/problems"
		return 1
	fi
	[ $((i % 50)) -eq 1 ] && log "table #$i ($kind): $t -> $why"
	return 0
}

# try_tables FILE: every table of FILE ("kind<TAB>table") is refused with a
# reason and changes neither leg (hashes compared after every 10 tables;
# after a change the 10 are tried again one by one to name the culprit)
try_tables() {
	local kind t h0 h1 i=0 j bad=0 batch=()
	h0=$(tail_hash "$A")
	h1=$(tail_hash "$B")
	while IFS=$'\t' read -r kind t; do
		i=$((i + 1))
		batch+=("$kind"$'\t'"$t")
		try_one "$kind" "$t" "$i" || bad=$((bad + 1))
		echo "$kind" >>"$SCRATCH/kinds"
		[ $((i % 10)) -eq 0 ] || continue
		check_batch
	done <"$1"
	check_batch
	log "$i tables tried, $bad problems"
	T_TRIED=$((T_TRIED + i))
	T_BAD=$((T_BAD + bad))
}

# check_batch: the legs are unchanged since the last batch, else find the
# table that changed them (uses try_tables' variables)
check_batch() {
	local k kk tt
	[ ${#batch[@]} -gt 0 ] || return 0
	if [ "$(tail_hash "$A")" != "$h0" ] || [ "$(tail_hash "$B")" != "$h1" ]; then
		restore_legs
		for k in "${!batch[@]}"; do
			IFS=$'\t' read -r kk tt <<<"${batch[$k]}"
			try_one "$kk" "$tt" "$((i - ${#batch[@]} + k + 1))" >/dev/null 2>&1 || true
			if [ "$(tail_hash "$A")" != "$h0" ] || [ "$(tail_hash "$B")" != "$h1" ]; then
				echo "ERROR: table ($kk) changed a leg: $tt" >&2
				echo "legs changed: table ($kk): $tt" >>"$SCRATCH/problems"
				bad=$((bad + 1))
				restore_legs
			fi
		done
	fi
	batch=()
}

save_legs() {
	dd if="$A" of="$SCRATCH/legA.tail" iflag=direct,skip_bytes bs=1M skip=$(((N - 8192) * 512)) status=none
	dd if="$B" of="$SCRATCH/legB.tail" iflag=direct,skip_bytes bs=1M skip=$(((N - 8192) * 512)) status=none
}
restore_legs() {
	dd if="$SCRATCH/legA.tail" of="$A" oflag=direct,seek_bytes bs=1M seek=$(((N - 8192) * 512)) conv=notrunc status=none
	dd if="$SCRATCH/legB.tail" of="$B" oflag=direct,seek_bytes bs=1M seek=$(((N - 8192) * 512)) conv=notrunc status=none
}

# report_problems KIND BAD MESSAGE: with BAD > 0, show $SCRATCH/problems,
# keep it as $VM_WORK/problems-KIND.txt and fail the case with MESSAGE.
report_problems() {
	[ "$2" -eq 0 ] && return 0
	sed 's/^/    /' "$SCRATCH/problems"
	cp "$SCRATCH/problems" "$VM_WORK/problems-$1.txt" 2>/dev/null || true
	die "$3"
}

case_bad_tables() {
	local s0 s1 grew
	T_TRIED=0
	T_BAD=0
	: >"$SCRATCH/problems"
	small_dev
	s0=$(slab_counts)
	# formatted legs (a clean nosync pair)
	wipe_meta "$A" "$B"
	dxm_create m0 "$A" "$B" nosync
	wait_action_idle m0 300
	dxm_remove m0
	save_legs
	python3 "$GEN" tables "$SEED" "$N_TABLES" "$LEN" "$A" "$B" "$(majmin "$A")" "$SMALL" 1 \
		>"$SCRATCH/tables-formatted"
	log "formatted legs: $(wc -l <"$SCRATCH/tables-formatted") tables," \
		"kinds: $(cut -f1 "$SCRATCH/tables-formatted" | sort | uniq -c | tr -s ' \n' ' ')"
	try_tables "$SCRATCH/tables-formatted"
	# blank legs: a refused table formats nothing
	wipe_meta "$A" "$B"
	save_legs
	python3 "$GEN" tables $((SEED + 1)) $((N_TABLES / 3)) "$LEN" "$A" "$B" "$(majmin "$A")" "$SMALL" 0 \
		>"$SCRATCH/tables-blank"
	try_tables "$SCRATCH/tables-blank"
	assert_eq "$(hash_range "$A" $((N - 8)) 8)" "$ZERO4K" "leg 0 still blank"
	assert_eq "$(hash_range "$B" $((N - 8)) 8)" "$ZERO4K" "leg 1 still blank"
	# leaks: no kmalloc cache grew by one object per refused table.
	# Caches grow by whole slabs (kmalloc-8: 512 objects per slab) and
	# device creation/removal churns small caches, so growth within two
	# slabs is noise; a leak of a per-table object of the sizes ctr
	# allocates (>= 64 bytes, <= 128 objects per slab) still shows.
	# Under KASAN (the debug kernel) freed objects wait in its quarantine
	# and still count as active in slabinfo, so the count means nothing
	# there; kmemleak (a forced scan after every case) is the check.
	s1=$(slab_counts)
	grew=
	if [ -w "$KMEMLEAK" ]; then
		log "leaks: kmemleak scans after this case (slab counts skipped: KASAN quarantine)"
	else
		grew=$(join <(echo "$s0") <(echo "$s1") |
			awk -v n="$T_TRIED" '{ d = $4 - $2 } d >= n && d > 2 * $3 { print $1 " +" d }')
	fi
	log "kmalloc caches after $T_TRIED refused tables: $(join <(echo "$s0") <(echo "$s1") |
		awk '{ d = $4 - $2; if (d > 50 || d < -50) printf "%s %+d (%d/slab), ", $1, d, $3 }')(others within 50)"
	if [ -n "$grew" ]; then
		echo "ERROR: kmalloc caches grew by >= 1 object per refused table: $grew" >&2
		T_BAD=$((T_BAD + 1))
	fi
	dmsetup remove small
	[ "$(ls /sys/block/"$(basename "$A")"/holders/ | wc -l)" -eq 0 ] || die "leg 0 still held"
	[ "$(ls /sys/block/"$(basename "$B")"/holders/ | wc -l)" -eq 0 ] || die "leg 1 still held"
	# the legs still make a mirror
	dxm_create m0 "$A" "$B" nosync
	assert_eq "$(status_field m0 health)" AA "health after all refusals"
	dxm_remove m0
	echo "tables: $T_TRIED tried, $T_BAD problems"
	report_problems tables "$T_BAD" "$T_BAD of $T_TRIED bad tables were not refused cleanly"
}

# ---------------------------------------------------------------- messages

case_bad_messages() {
	local kind m n0 st0 st h0 h1 why i=0 bad=0
	: >"$SCRATCH/problems"
	wipe_meta "$A" "$B"
	dxm_create m0 "$A" "$B" nosync
	wait_action_idle m0 300
	dxm_message m0 flush
	sleep 2
	st0=$(status_field m0 line)
	h0=$(tail_hash "$A")
	h1=$(tail_hash "$B")
	python3 "$GEN" messages "$SEED" "$N_MESSAGES" "$DXM_LEN" >"$SCRATCH/messages"
	log "$(wc -l <"$SCRATCH/messages") messages, kinds: $(cut -f1 "$SCRATCH/messages" | sort | uniq -c | tr -s ' \n' ' ')"
	while IFS=$'\t' read -r kind m; do
		i=$((i + 1))
		n0=$(dmesg_lines)
		# shellcheck disable=SC2086
		if dmsetup message -- m0 0 $m >/dev/null 2>&1; then
			echo "ERROR: message #$i ($kind) accepted: '$m'" >&2
			echo "accepted: message ($kind): '$m' -> $(status_field m0 line)" >>"$SCRATCH/problems"
			bad=$((bad + 1))
		else
			why=$(reason_since "$n0")
			if [ -z "$why" ]; then
				echo "ERROR: message #$i ($kind) refused without a reason: '$m'" >&2
				echo "no reason: message ($kind): '$m'" >>"$SCRATCH/problems"
				bad=$((bad + 1))
			fi
			[ $((i % 40)) -eq 1 ] && log "message #$i ($kind): '$m' -> $why"
		fi
		st=$(status_field m0 line)
		if [ "$st" != "$st0" ]; then
			echo "ERROR: message #$i ($kind) '$m' changed the status: $st" >&2
			echo "status changed: message ($kind): '$m': $st0 -> $st" >>"$SCRATCH/problems"
			bad=$((bad + 1))
			# back to a healthy mirror with the same metadata
			dxm_remove m0
			dxm_create m0 "$A" "$B" nosync
			wait_action_idle m0 600
			dxm_message m0 flush
			st0=$(status_field m0 line)
			h0=$(tail_hash "$A")
			h1=$(tail_hash "$B")
		fi
	done <"$SCRATCH/messages"
	assert_eq "$(status_field m0 line)" "$st0" "status after the refused messages"
	if [ "$(tail_hash "$A")" != "$h0" ] || [ "$(tail_hash "$B")" != "$h1" ]; then
		log "note: the metadata areas changed while the messages ran (bitmap housekeeping)"
	fi
	dxm_remove m0
	echo "messages: $i tried, $bad problems"
	report_problems messages "$bad" "$bad of $i bad messages were not refused cleanly"
}

# ---------------------------------------------------------------- metadata

# flip DEV SECTOR BYTES NBITS SEED: flip NBITS random bits (seeded) in the
# first BYTES bytes of the 4 KiB block at SECTOR; prints the offsets
flip() {
	dd if="$1" of="$SCRATCH/blk" iflag=direct,skip_bytes bs=4096 count=1 skip=$(($2 * 512)) status=none
	python3 - "$SCRATCH/blk" "$3" "$4" "$5" <<'PY'
import random, sys
path, nbytes, nbits, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
b = bytearray(open(path, 'rb').read())
where = []
for _ in range(nbits):
    off, bit = rng.randrange(nbytes), rng.randrange(8)
    b[off] ^= 1 << bit
    where.append("%d.%d" % (off, bit))
open(path, 'wb').write(b)
print(" ".join(where))
PY
	dd if="$SCRATCH/blk" of="$1" oflag=direct,seek_bytes bs=4096 count=1 seek=$(($2 * 512)) conv=notrunc status=none
}

case_corrupt_metadata() {
	local pages=(4096 8200 16392) p k what dev sect bytes nbits where pred verdict n0 h0 h1 why
	local tried=0 refused=0 accepted=0 bad=0 sbytes
	build_validator
	: >"$SCRATCH/problems"
	wipe_meta "$A" "$B"
	dxm_create m0 "$A" "$B" nosync
	wait_action_idle m0 300
	write_pattern "$DXM_DEV" 0 32768 77
	# three sticky-poison remaps on leg 0: copy A seq 1, B seq 2, A seq 3
	for p in "${pages[@]}"; do
		inject_poison "$A" "$p" 8
		dxm_message m0 rescan
	done
	assert_eq "$(status_field m0 remapped)" 3/0 "remapped after three poisoned pages"
	check_pattern "$DXM_DEV" 0 32768 77
	dxm_remove m0
	dxm_geometry "$A"
	"$VALIDATE" "$A" 0 | grep -q "OK copy=0 seq=3 remapped=3" ||
		die "validator on the clean leg 0: $("$VALIDATE" "$A" 0)"
	"$VALIDATE" "$B" 1 | grep -q "^OK" || die "validator on the clean leg 1: $("$VALIDATE" "$B" 1)"
	save_legs
	sbytes=$((64 + 256 * 8))	# checked part of a remap copy
	for ((k = 1; k <= N_FLIPS; k++)); do
		# what to corrupt (seeded)
		case $(( (SEED * 7919 + k * 104729) % 20 )) in
		0|1|2|3|4|5|6) what=sb0; dev=$A; sect=$G_sb_offset; bytes=4096 ;;
		7|8) what=sb1; dev=$B; sect=$G_sb_offset; bytes=4096 ;;
		9|10|11|12) what=remapA; dev=$A; sect=$G_remap_offset; bytes=$sbytes ;;
		13|14|15|16) what=remapB; dev=$A; sect=$((G_remap_offset + G_remap_sectors)); bytes=$sbytes ;;
		17) what=remapA-tail; dev=$A; sect=$G_remap_offset; bytes=4096 ;;
		*) what=remapAB; dev=$A; sect=$G_remap_offset; bytes=$sbytes ;;
		esac
		nbits=$((1 + (SEED + k) % 4))
		where=$(flip "$dev" "$sect" "$bytes" "$nbits" $((SEED * 1000 + k)))
		[ "$what" = remapAB ] &&
			where="$where / B $(flip "$dev" $((sect + G_remap_sectors)) "$bytes" 1 $((SEED * 1000 + k + 500)))"
		# the validator's prediction for the pair
		# (and its reason: the text the kernel logs, without the
		# per-copy details and reason names)
		pred=OK
		ptext=
		for leg in 0 1; do
			[ "$leg" = 0 ] && d=$A || d=$B
			out=$("$VALIDATE" "$d" "$leg" || true)
			case "$out" in
			OK*) ;;
			*)	[ "$pred" = OK ] || continue
				pred="REFUSE leg $leg: $out"
				ptext=${out#REFUSE * }
				ptext=${ptext%% \[*}
				ptext=${ptext%% (A: *} ;;
			esac
		done
		h0=$(tail_hash "$A")
		h1=$(tail_hash "$B")
		n0=$(dmesg_lines)
		tried=$((tried + 1))
		if dmsetup create m0 --table "$(dxm_table "$A" "$B")" >/dev/null 2>&1; then
			verdict=accepted
			accepted=$((accepted + 1))
			DXM_DEV=/dev/mapper/m0
			_wait_blockdev "$DXM_DEV"
			# handled correctly: the data are right, the poisoned pages
			# get (re)mapped, nothing is lost
			if ! (check_pattern "$DXM_DEV" 0 32768 77) 2>/dev/null; then
				echo "ERROR: flip $k ($what $where): accepted, but the data are wrong" >&2
				echo "wrong data: flip $k $what bits $where" >>"$SCRATCH/problems"
				bad=$((bad + 1))
			fi
			dxm_message m0 rescan || true
			if [ "$(status_field m0 lost_pages)" != 0 ] || [ "$(status_field m0 health)" != AA ]; then
				echo "ERROR: flip $k ($what): $(status_field m0 line)" >&2
				echo "unhealthy: flip $k $what bits $where: $(status_field m0 line)" >>"$SCRATCH/problems"
				bad=$((bad + 1))
			fi
			dxm_remove m0
		else
			verdict=refused
			refused=$((refused + 1))
			dmsetup remove m0 >/dev/null 2>&1 || true
			why=$(dmesg_after "$n0" | grep daxmirror | sed 's/^\[[^]]*\] //' | tr '\n' '|')
			[ -n "$why" ] || { echo "no reason: flip $k $what" >>"$SCRATCH/problems"; bad=$((bad + 1)); }
			if [ "$(tail_hash "$A")" != "$h0" ] || [ "$(tail_hash "$B")" != "$h1" ]; then
				echo "legs written although refused: flip $k $what" >>"$SCRATCH/problems"
				bad=$((bad + 1))
			fi
		fi
		log "flip $k: $what bits $where: predicted ${pred%%:*}, kernel $verdict${why:+: $why}"
		case "$pred/$verdict" in
		OK/accepted) ;;
		REFUSE*/refused)
			# the same rule: the module logs the validator's text
			if [[ "$why" != *"$ptext"* ]]; then
				echo "ERROR: flip $k ($what $where): validator says '$ptext', kernel: $why" >&2
				echo "reason differs: flip $k $what bits $where: validator '$ptext', kernel: $why" >>"$SCRATCH/problems"
				bad=$((bad + 1))
			fi ;;
		*) echo "ERROR: flip $k ($what $where): validator says '$pred', kernel $verdict" >&2
		   echo "verdict differs: flip $k $what bits $where: validator '$pred', kernel $verdict" >>"$SCRATCH/problems"
		   bad=$((bad + 1)) ;;
		esac
		why=
		restore_legs
	done
	echo "metadata flips: $tried tried, $refused refused, $accepted accepted (old/unused remap copy), $bad problems"
	report_problems metadata "$bad" "$bad problems with corrupted metadata"
}

# ------------------------------------------------------------------- leaks
case_leaks() {
	local v left
	left=$(ls /sys/block | grep '^dm-' || true)
	[ -z "$left" ] || die "dm devices left: $(dmsetup ls)"
	if [ -e /sys/kernel/debug/kmemleak ]; then
		echo scan >/sys/kernel/debug/kmemleak
		v=$(cat /sys/kernel/debug/kmemleak)
		[ -z "$v" ] || die "kmemleak: $v"
	else
		log "no kmemleak in this kernel (CONFIG_DEBUG_KMEMLEAK is off in Debian); checking vmallocinfo and unload instead"
	fi
	v=$(grep -c "dm_daxmirror" /proc/vmallocinfo || true)
	log "vmalloc areas allocated by the module with no device: $v"
	[ "$v" -eq 0 ] || { grep dm_daxmirror /proc/vmallocinfo | head -n 5; die "vmalloc areas left by the module"; }
	unload_module
	! grep -q '^dm_daxmirror ' /proc/modules || die "module still loaded"
	load_module
}

run_case bad_tables case_bad_tables
run_case bad_messages case_bad_messages
run_case corrupt_metadata case_corrupt_metadata
run_case leaks case_leaks
finish
