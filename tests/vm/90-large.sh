#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 90-large: mirrors of real pmem sizes.
#   two 160 GiB emulated NVDIMMs (sparse backing files; raw namespaces, so
#   the guest needs no struct pages for them): create, write and read
#   back at both ends of the data area, flush, status, reload, remove,
#   assemble again from the superblocks, data intact; a block-only mirror
#   over two 8 TiB legs (dm-snapshot over dm-zero: sparse, the written
#   chunks kept on a small pmem exception store): the same.  The kernel
#   memory each mirror takes (vmalloc + slab delta) is logged per TiB.
# vm-run: --nvdimms 3 --nvdimm-size 163840,163840,1024 --mem 2048
# vm-timeout: 2400
# kernels: 6.1.
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

# setup_raw: the NVDIMM namespaces as they come (raw), /dev/pmemN.
setup_raw() {
	local d by_size
	modprobe --ignore-install libnvdimm
	modprobe -a nfit nd_pmem dm-mod dm-snapshot
	for ((d = 0; d < 3; d++)); do
		_wait_blockdev "/dev/pmem$d" 30
	done
	# the two large ones are the legs, the small one the exception store
	mapfile -t by_size < <(for d in /dev/pmem[0-2]; do
		echo "$(sectors "$d") $d"; done | sort -n | cut -d' ' -f2)
	P2=${by_size[0]}
	P0=${by_size[1]}
	P1=${by_size[2]}
	log "pmem: $P0 $(sectors $P0) sectors, $P1 $(sectors $P1), $P2 $(sectors $P2)"
	[ "$(sectors $P0)" -ge $((160 << 21)) ] || skip "NVDIMMs smaller than 160 GiB"
}
group_setup setup_raw
group_setup load_module

# kmem_kib: vmalloc + slab in KiB.
kmem_kib() {
	awk '/^VmallocUsed:/ { v = $2 } /^Slab:/ { s = $2 } END { print v + s }' /proc/meminfo
}

# Kernel memory a mirror may take per TiB of data (issue 16).
MIB_PER_TIB_MAX=16

# big_mirror_cycle NAME LEG0 LEG1 SEED [MAX_MIB_PER_TIB]: create (nosync,
# block-only), write and read 1 MiB at both ends, flush, status, a check
# scrub over the first regions, reload, remove, assemble, read again.
# With MAX_MIB_PER_TIB the mirror's kernel memory per TiB must stay below.
big_mirror_cycle() {
	local name=$1 l0=$2 l1=$3 seed=$4 max=${5:-} k0 k1 end t0 t1 tib per
	k0=$(kmem_kib)
	dxm_create "$name" "$l0" "$l1" nosync no_dax
	k1=$(kmem_kib)
	tib=$(awk -v s="$DXM_LEN" 'BEGIN { printf "%.3f", s / 2^31 }')
	per=$(awk -v k=$((k1 - k0)) -v t="$tib" 'BEGIN { printf "%.1f", k / 1024 / t }')
	log "$name: $DXM_LEN sectors ($tib TiB): kernel memory +$((k1 - k0)) KiB ($per MiB per TiB)"
	if [ -n "$max" ] && awk -v p="$per" -v m="$max" 'BEGIN { exit !(p > m) }'; then
		fail "$name: $per MiB of kernel memory per TiB (at most $max)"
	fi
	end=$((DXM_LEN - 2048))
	write_pattern "$DXM_DEV" 0 2048 "$seed"
	write_pattern "$DXM_DEV" "$end" 2048 $((seed + 1))
	check_pattern "$DXM_DEV" 0 2048 "$seed"
	check_pattern "$DXM_DEV" "$end" 2048 $((seed + 1))
	dxm_message "$name" flush
	t0=$(date +%s%N)
	status_field "$name" line >/dev/null
	t1=$(date +%s%N)
	log "$name: status took $(((t1 - t0) / 1000000)) ms"
	show_status "$name"
	assert_eq "$(status_field "$name" health)" AA health
	# the legs hold it: each read directly
	check_pattern "$l1" "$end" 2048 $((seed + 1))
	check_pattern "$l0" 0 2048 "$seed"
	# a check scrub over the first regions (the whole device would take
	# hours here): nothing differs
	dxm_message "$name" check
	sleep 3
	dxm_message "$name" idle
	wait_action_idle "$name" 60
	assert_eq "$(status_field "$name" mismatches)" 0 "check mismatches"
	# reload (same table), then remove and assemble from the superblocks
	dmsetup reload "$name" --table "$(dmsetup table "$name")"
	dmsetup suspend "$name"
	dmsetup resume "$name"
	check_pattern "$DXM_DEV" "$end" 2048 $((seed + 1))
	dxm_remove "$name"
	dxm_create "$name" "$l0" "$l1" no_dax
	wait_action_idle "$name" 600
	assert_eq "$(status_field "$name" health)" AA "health after assembly"
	check_pattern "$DXM_DEV" 0 2048 "$seed"
	check_pattern "$DXM_DEV" "$end" 2048 $((seed + 1))
	dxm_remove "$name"
}

case_nvdimm_160g() {
	zero_range "$P0" 0 2048
	zero_range "$P1" 0 2048
	wipe_meta "$P0" "$P1"
	big_mirror_cycle big "$P0" "$P1" 901
}

# sparse_leg NAME SECTORS COW: NAME = a SECTORS-long device that reads
# zeros where never written and keeps what is written on COW.
sparse_leg() {
	dmsetup create "$1-zero" --table "0 $2 zero"
	dmsetup create "$1" --table "0 $2 snapshot /dev/mapper/$1-zero $3 P 8"
	_wait_blockdev "/dev/mapper/$1"
}

case_block_8t() {
	local n=$((8 << 31))
	dmsetup create cow0 --table "0 $(($(sectors "$P2") / 2)) linear $P2 0"
	dmsetup create cow1 --table "0 $(($(sectors "$P2") / 2)) linear $P2 $(($(sectors "$P2") / 2))"
	zero_range /dev/mapper/cow0 0 2048
	zero_range /dev/mapper/cow1 0 2048
	sparse_leg s0 "$n" /dev/mapper/cow0
	sparse_leg s1 "$n" /dev/mapper/cow1
	big_mirror_cycle big8t /dev/mapper/s0 /dev/mapper/s1 911 "$MIB_PER_TIB_MAX"
}

# status_ms NAME: milliseconds of 20 status calls.
status_ms() {
	local t0 t1 i
	t0=$(date +%s%N)
	for ((i = 0; i < 20; i++)); do
		dmsetup status "$1" >/dev/null
	done
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

# Activation time and status latency against the size: mirrors of 256 GiB,
# 1 TiB and 4 TiB (1x, 4x, 16x) over sparse legs.  The status must not
# grow with the size (a ratio, measured in the same boot: the 16x mirror's
# status time at most twice the 1x one's; scanning page bitmaps per call
# made it 12 times); the activation time is only logged (it reads the
# write-intent bitmap, a bit per region).
case_scale() {
	local n sz t0 t1 act st base=
	dmsetup create cow0 --table "0 $(($(sectors "$P2") / 2)) linear $P2 0"
	dmsetup create cow1 --table "0 $(($(sectors "$P2") / 2)) linear $P2 $(($(sectors "$P2") / 2))"
	for sz in 256 1024 4096; do
		n=$((sz << 21))
		zero_range /dev/mapper/cow0 0 2048
		zero_range /dev/mapper/cow1 0 2048
		sparse_leg s0 "$n" /dev/mapper/cow0
		sparse_leg s1 "$n" /dev/mapper/cow1
		t0=$(date +%s%N)
		dxm_create scale /dev/mapper/s0 /dev/mapper/s1 nosync no_dax
		t1=$(date +%s%N)
		act=$(((t1 - t0) / 1000000))
		write_pattern "$DXM_DEV" $((DXM_LEN - 2048)) 2048 $((sz + 7))
		st=$(status_ms scale)
		log "scale: $sz GiB: activation $act ms, 20 status calls $st ms"
		base=${base:-$st}
		dxm_remove scale
		dmsetup remove s0 s1 s0-zero s1-zero
	done
	log "scale: status 16x / 1x = $(awk -v a="$st" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
	[ "$st" -le $((2 * base)) ] ||
		fail "status of the 4 TiB mirror took $st ms, of the 256 GiB one $base ms (20 calls each)"
}

run_case nvdimm_160g case_nvdimm_160g
run_case block_8t case_block_8t
run_case scale case_scale
finish
