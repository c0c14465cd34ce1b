# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034  # DOFF etc. are used by the scenarios
#
# tests/lib-repl.sh: helpers of the DAX replication and power-cut tests
# (tests/vm/20-replication.sh, tests/host/30-powercut.sh), sourced after
# tests/lib.sh in the guest.  The C helpers are in tests/helpers (repl.h).

# legcmp DEV0 DEV1 SECTOR COUNT: "same N" (exit 0) or "differ N first S
# last S" (exit 1); O_DIRECT, fast (cmp of two dd streams is ~40 s for
# 500 MB under TCG, this is a few seconds).
legcmp() { "$HELPERS/legcmp" "$@"; }

# legs_same LEG0 LEG1 SECTOR COUNT: the legs hold the same bytes there.
legs_same() {
	local out
	out=$(legcmp "$@") && return 0
	echo "ERROR: legs differ over sectors $3+$4: $out" >&2
	return 1
}

# legs_differ LEG0 LEG1 SECTOR COUNT: every sector there differs (used
# to prove that something was NOT copied).
legs_differ() {
	local out
	out=$(legcmp "$@") && { echo "ERROR: legs identical over sectors $3+$4, expected different" >&2; return 1; }
	case "$out" in
	"differ $4 "*) return 0 ;;
	*) echo "ERROR: legs over sectors $3+$4 only partly differ: $out" >&2; return 1 ;;
	esac
}

# repl_same_legs LEG0 LEG1: make the legs' whole contents identical (the
# nosync mirrors of these tests rely on it): fresh vm-run media are all
# zero already, so usually this only compares.
repl_same_legs() {
	local n
	n=$(sectors "$1")
	if ! legcmp "$1" "$2" 0 "$n" >/dev/null; then
		log "legs differ: zeroing both"
		zero_legs "$1" "$2"
	fi
}

# repl_mirror NAME LEG0 LEG1 [OPTARGS...]: a freshly formatted nosync
# mirror over legs whose data areas are identical (each case of a group
# ends with the mirror removed, which flushes: the legs stay identical);
# sets DXM_DEV, DXM_LEN and DOFF (the status field data_offset).
repl_mirror() {
	local name=$1 l0=$2 l1=$3
	shift 3
	wipe_meta "$l0" "$l1"
	dxm_create "$name" "$l0" "$l1" nosync "$@"
	wait_action_idle "$name" 60
	DOFF=$(status_field "$name" data_offset)
	assert_eq "$(status_field "$name" dax)" dax "dax"
}

# repl_no_background_flush: keep filesystems from sending flushes on
# their own during a test: XFS's periodic log work (ext4's periodic
# commit is turned off by the mount option commit=, see repl_mount).
# Only flushes a test makes itself then reach the mirror.
repl_no_background_flush() {
	modprobe xfs
	echo 720000 >/proc/sys/fs/xfs/xfssyncd_centisecs
}

# repl_mkfs ext4|xfs DEV: a DAX filesystem laid out for 2 MiB faults;
# XFS without reflink (reflink-shared pages are handled conservatively
# by the flush path: they stay hot).
repl_mkfs() {
	case "$1" in
	ext4) mkfs_dax ext4 "$2" ;;
	xfs) mkfs.xfs -q -f -m reflink=0 -d su=2m,sw=1,agcount=2 -l size=64m "$2" ;;
	*) die "repl_mkfs: unknown fs $1" ;;
	esac
}

# repl_mount ext4|xfs DEV MNT: mount -o dax, checked; ext4 with a commit
# interval of 10 minutes and without the lazy inode table init thread
# (it sends a flush after each group), so that nothing flushes behind the
# test's back (see repl_no_background_flush for XFS).
repl_mount() {
	local opts=dax
	[ "$1" = ext4 ] && opts=dax,commit=600,noinit_itable
	mkdir -p "$3"
	mount -t "$1" -o "$opts" "$2" "$3"
	touch "$3/.daxprobe"
	"$HELPERS/pmdmap" --isdax "$3/.daxprobe" || die "$3 is mounted without DAX"
	rm -f "$3/.daxprobe"
}

# file_extent FILE: "PHYS LEN" (sectors on the filesystem's device) of
# the first physically contiguous run of FILE (extents that follow each
# other on the device are merged: ext4 splits at 2 MiB or so).
file_extent() {
	"$HELPERS/fiemap" -s "$1" | awk '
		NR == 1 { p = $2; n = $3; next }
		$2 == p + n { n += $3; next }
		{ exit }
		END { print p, n }'
}

# put_file FILE MiB SEED: FILE holds pattern SEED (write(2), fsynced: on
# both legs afterwards).
put_file() {
	pattern "$3" $(($2 << 20)) | dd of="$1" bs=1M iflag=fullblock conv=fsync status=none
}

# flush_bios_during_fsyncs L0 L1: mirror "m" over L0 + L1 with ext4 on
# $MNT; 20 x (4 KiB write(2) + fsync); sets FB0/FB1 to the REQ_PREFLUSH
# bios queued to L0/L1 meanwhile (block_bio_queue, RWBS starting with F)
flush_bios_during_fsyncs() {
	local f=$MNT/fb i t0 t1
	repl_mirror m "$1" "$2" sync_interval_ms 0
	repl_mkfs ext4 "$DXM_DEV"
	repl_mount ext4 "$DXM_DEV" "$MNT"
	put_file "$f" 1 1
	# block tracepoints print MAJ,MIN
	t0=$(majmin "$1" | tr : ,)
	t1=$(majmin "$2" | tr : ,)
	echo 0 >"$TRACE/tracing_on"
	echo >"$TRACE/trace"
	echo 1 >"$TRACE/events/block/block_bio_queue/enable"
	echo 1 >"$TRACE/tracing_on"
	for i in $(seq 1 20); do
		pattern "$i" 4096 | dd of="$f" bs=4k seek="$i" conv=notrunc,fsync status=none
	done
	echo 0 >"$TRACE/tracing_on"
	echo 0 >"$TRACE/events/block/block_bio_queue/enable"
	FB0=$(grep -c "block_bio_queue: $t0 F" "$TRACE/trace" || true)
	FB1=$(grep -c "block_bio_queue: $t1 F" "$TRACE/trace" || true)
	umount "$MNT"
	legs_same "$1" "$2" "$DOFF" "$DXM_LEN"
	dxm_remove m
}

# fio_verify NAME DEV FIO-ARGS...: fio writes DEV O_DIRECT (psync) and
# reads it back with crc32c verify; dies on any fio error
fio_verify() {
	local name=$1 dev=$2
	shift 2
	fio --name="$name" --filename="$dev" --direct=1 --ioengine=psync \
		--verify=crc32c --verify_fatal=1 --do_verify=1 \
		"$@" --output=/tmp/fio-"$name".txt ||
		{ cat /tmp/fio-"$name".txt; die "fio $name failed (see above)"; }
	grep -q 'err= 0' /tmp/fio-"$name".txt || die "fio $name reported an error"
}
