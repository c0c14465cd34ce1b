# SPDX-License-Identifier: GPL-2.0
#
# tests/lib-cxl.sh: CXL persistent memory in the guest (scripts/vm-run
# --cxl N: type-3 devices, each behind its own host bridge with its own
# fixed memory window).  Source it after tests/lib.sh.
# shellcheck disable=SC2034,SC2154

# _cxl_json ARGS...: cxl list output (its noise on stderr dropped).
_cxl_json() { cxl list "$@" 2>/dev/null || echo '[]'; }

# _cxl_memdevs: the memdevs, ordered by serial number (vm-run gives
# device i serial i+1; the kernel's memN numbers follow probe order).
_cxl_memdevs() {
	_cxl_json -M | jq -r 'sort_by(.serial)[] | .memdev'
}

# _cxl_root_decoder MEMDEV: the root decoder (fixed memory window) whose
# one target is the host bridge above MEMDEV (cxl list names it pciDDDD:BB
# as target on 6.12, as alias of ACPI0016:N on 6.1).
_cxl_root_decoder() {
	local hb
	hb=$(realpath "/sys/bus/cxl/devices/$1" | grep -oE 'pci[0-9a-f]{4}:[0-9a-f]{2}' | head -n 1)
	[ -n "$hb" ] || die "$1: no host bridge in its sysfs path"
	_cxl_json -D -d root -T |
		jq -r --arg hb "$hb" '.[] | select(any(.targets[]?; .target == $hb or .alias == $hb)) | .decoder' |
		head -n 1
}

# _cxl_region_of MEMDEV: the committed pmem region MEMDEV is mapped into,
# if any (setup_cxl_pmem run twice in one boot).
_cxl_region_of() {
	local r ep
	for r in /sys/bus/cxl/devices/region*; do
		[ -e "$r/target0" ] || continue
		# (6.1 has pmem regions only, without a mode attribute)
		[ ! -e "$r/mode" ] || [ "$(cat "$r/mode")" = pmem ] || continue
		[ "$(cat "$r/commit" 2>/dev/null)" = 1 ] || continue
		# target0 names the endpoint decoder, under MEMDEV's endpoint port
		ep=$(dirname "$(realpath "/sys/bus/cxl/devices/$(cat "$r/target0")")")
		if [ "$(basename "$(realpath "$ep/uport")")" = "$1" ]; then
			basename "$r"
			return 0
		fi
	done
	return 0
}

# _nd_region_at RESOURCE: the libnvdimm region starting at that host
# physical address (decimal), the pmem side of a CXL region.
_nd_region_at() {
	local r i
	for ((i = 0; i < 50; i++)); do
		for r in /sys/bus/nd/devices/region*; do
			[ -r "$r/resource" ] || continue
			if [ $(($(cat "$r/resource"))) -eq "$1" ]; then
				basename "$r"
				return 0
			fi
		done
		sleep 0.1
	done
	die "no nd region at $1 (cxl_pmem)"
}

# _nd_region_fsdax REGION: the region's namespace becomes fsdax (a new one
# over the whole region if it has none); prints its block device.
_nd_region_fsdax() {
	local reg=$1 ns blk
	ns=$(_ndctl_json -N -r "$reg" | jq -r 'if type=="array" then (.[0].dev // empty) else (.dev // empty) end')
	if [ -z "$ns" ]; then
		ndctl create-namespace -r "$reg" -m fsdax >"$SCRATCH/ndctl.out" 2>"$SCRATCH/ndctl.err" || {
			cat "$SCRATCH/ndctl.err" >&2
			die "ndctl create-namespace -r $reg -m fsdax failed"
		}
		ns=$(jq -r .dev "$SCRATCH/ndctl.out")
	elif [ "$(_ndctl_json -N -n "$ns" | jq -r 'if type=="array" then .[0].mode else .mode end')" != fsdax ]; then
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
}

# setup_cxl_pmem: one pmem region per CXL memory device (each in its own
# window, behind its own host bridge: two failure domains), an fsdax
# namespace over each.  Sets CXL_PMEM=(/dev/pmemX ...) in device order
# (serial number), CXL_PMEM0, CXL_PMEM1, CXL_REGION0, ... (the CXL
# regions), and PMEM=(...), PMEM0, PMEM1 to the same devices, so that the
# helpers of lib.sh and lib-fault.sh (slots, legs, poison) work on them.
# Skips without vm-run --cxl, fails if a region does not commit.
setup_cxl_pmem() {
	local i n mem dec reg out res ndr blk
	modprobe --ignore-install libnvdimm
	modprobe -a cxl_acpi cxl_pci cxl_port cxl_mem cxl_pmem nd_pmem dm-mod dm-flakey
	# the memdevs and their endpoints appear as the drivers probe
	n=0
	for ((i = 0; i < 100; i++)); do
		n=$(_cxl_json -M | jq length)
		[ "$n" -gt 0 ] && [ "$(ls -d /sys/bus/cxl/devices/endpoint* 2>/dev/null | wc -l)" -ge "$n" ] &&
			break
		sleep 0.1
	done
	[ "$n" -gt 0 ] || skip "no CXL memory devices (vm-run --cxl)"
	CXL_PMEM=()
	i=0
	for mem in $(_cxl_memdevs); do
		reg=$(_cxl_region_of "$mem")
		dec=-
		if [ -z "$reg" ]; then
			dec=$(_cxl_root_decoder "$mem")
			[ -n "$dec" ] || die "$mem: no root decoder targets its host bridge"
			out=$(cxl create-region -m -d "$dec" -w 1 -t pmem "$mem" 2>"$SCRATCH/cxl.err") || {
				cat "$SCRATCH/cxl.err" >&2
				die "cxl create-region -d $dec -t pmem $mem failed"
			}
			reg=$(jq -r .region <<<"$out")
			assert_eq "$(jq -r .decode_state <<<"$out")" commit "$reg decode state"
		fi
		res=$(_cxl_json -R -r "$reg" | jq -r '.[0].resource')
		ndr=$(_nd_region_at "$res")
		blk=$(_nd_region_fsdax "$ndr")
		log "CXL $mem ($(_cxl_json -M -m "$mem" | jq -r '.[0].host')): $dec $reg -> $ndr $blk"
		eval "CXL_REGION$i=$reg CXL_MEMDEV$i=$mem"
		CXL_PMEM+=("$blk")
		i=$((i + 1))
	done
	PMEM=("${CXL_PMEM[@]}")
	for i in "${!CXL_PMEM[@]}"; do
		eval "CXL_PMEM$i=${CXL_PMEM[$i]} PMEM$i=${CXL_PMEM[$i]}"
		export "CXL_PMEM$i" "PMEM$i"
	done
	export PMEM_DEVS="${PMEM[*]}"
	log "CXL fsdax pmem: $PMEM_DEVS"
}
