#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 58-dax-ops: DAX device operations that write both legs themselves,
# called the way a filesystem calls them (tests/kmod/dxm-daxcall.ko; ext4
# and xfs with 4 KiB blocks reach dax_zero_page_range() only for written
# blocks past EOF, so a filesystem cannot drive it on demand).
#   zero_during_rebuild: pages zeroed by dax_zero_page_range() while a
#   rebuild copies their regions end up zero on both legs (the zeroing
#   waits for the copy of its region; before, a copy that had read the
#   old data wrote it over the zeroes on the leg being rebuilt).  Every
#   region of the range holds a page remapped on leg 1, so the rebuild
#   copies it through bios (a read of the whole region, then a write),
#   which leaves the window of the race wide open.
# vm-run: --nvdimms 2 --nvdimm-size 256
# vm-timeout: 900
# kernels: stock newest
# shellcheck disable=SC2154
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

group_setup setup_fsdax
group_setup load_module
DAXCALL_KO=$REPO/build/modules/$KVER/dxm-daxcall.ko

extra_cleanup() {
	bg_kill_all
	rmmod dxm_daxcall 2>/dev/null || true
}

case_zero_during_rebuild() {
	local region=2048 nreg=64 pages doff r i mm swept=-
	[ -r "$DAXCALL_KO" ] || die "no $DAXCALL_KO (scripts/run-tests builds it)"
	pages=$((nreg * region / 8))
	fresh_pair z0 "$PMEM0" "$PMEM1" region_size "$region" sync_interval_ms 0
	doff=$(status_field z0 data_offset)
	# one sticky bad page on leg 1 in every region; the pattern written
	# over the range remaps each of them to a spare page
	for ((r = 0; r < nreg; r++)); do
		poison "$PMEM1" $((doff + r * region + 8 * (r % (region / 8))))
	done
	write_pattern "$DXM_DEV" 0 $((nreg * region)) 5801
	assert_eq "$(status_field z0 remapped)" "0/$nreg" "pages remapped on leg 1"
	check_pattern "$DXM_DEV" 0 $((nreg * region)) 5801
	mm=$(majmin "$DXM_DEV")
	insmod "$DAXCALL_KO" dev="$mm"
	# the zeroing (each page once, scattered: stride 7919) runs across
	# the whole rebuild; the rebuild starts from region 0
	bg_start /bin/sh -c "echo '0 $pages 150 7919' >/sys/module/dxm_daxcall/parameters/zero; echo \$? >$SCRATCH/zero.rc"
	sleep 0.2
	[ ! -e "$SCRATCH/zero.rc" ] || die "the zeroing ended before the rebuild began"
	dxm_message z0 rebuild 1
	# the case tests something only if the zeroing still ran when the
	# rebuild had copied the range (sweep: sectors swept/total)
	for ((i = 0; i < 3000; i++)); do
		swept=$(status_field z0 sweep)
		[ "$(status_field z0 action)" = idle ] && break
		[ "$swept" != - ] && [ "${swept%/*}" -ge $((nreg * region)) ] && break
		sleep 0.1
	done
	[ ! -e "$SCRATCH/zero.rc" ] ||
		die "the zeroing ended before the rebuild passed the range (swept $swept): the case did not test anything"
	wait_action_idle z0 300
	for ((i = 0; i < 600; i++)); do
		[ -e "$SCRATCH/zero.rc" ] && break
		sleep 0.2
	done
	assert_eq "$(cat "$SCRATCH/zero.rc" 2>/dev/null)" 0 "zeroing ended without error"
	rmmod dxm_daxcall
	# every page is zero through the mirror, and the legs agree (the
	# check scrub compares through the remapped pages)
	assert_eq "$(hash_range "$DXM_DEV" 0 $((nreg * region)))" \
		"$(head -c $((nreg * region * 512)) /dev/zero | sha256sum | cut -d' ' -f1)" \
		"the zeroed range through the mirror"
	dxm_message z0 check
	wait_action_idle z0 300
	assert_eq "$(status_field z0 mismatches)" 0 "check mismatches after the zeroing"
	dxm_remove z0
}

run_case zero_during_rebuild case_zero_during_rebuild
finish
