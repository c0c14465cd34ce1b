#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vm-run: --nvdimms 3 --nvdimm-size 256
# vm-timeout: 2400
# kernels: 6.1. debug
# debug-env: TEST_CASES=^(lifecycle)$
#
# The admin tool drives a whole life cycle on its own, watched by
# "daxmirror monitor" in the background: create, status, poison on leg 0
# + rescan (the remap shows in status), fail, replace onto a third
# NVDIMM with --wait, healthy again (exit 0), remove; the monitor's JSON
# lines show every one of those events with old and new state.  Also:
# create refuses a leg with an ext4 filesystem unless --force; assemble
# of a set with a leg missing (given as '-', or not found by --scan)
# refuses unless --run, and starts degraded with it; --wait draws a
# progress bar with rate and ETA on a terminal (script(1) pty) and
# prints nothing on a pipe; so does a scrub (from the status line's
# sweep progress, also in status --json).  A create whose activation
# fails leaves no device behind; a replace whose new table fails to activate loads the
# previous table again and resumes it (a mounted filesystem keeps
# working).  examine and detail show the legs' metadata (the remap of
# the poisoned page; a blank and a corrupt superblock by exit code).
# Every JSON document the tool prints here (status, list, examine,
# detail, monitor) validates against docs/daxmirror.schema.json, keys in
# its order.  Superblock format version 2: assemble --scan brings a set
# back with the name and settings it last ran with; version-1 legs still
# assemble and stay version 1.
# assemble --scan after a reboot: see
# tests/host/60-tool-reboot.sh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-fault.sh"

DXM=$REPO/build/lvm-tools/daxmirror
# a case that throttles the sweep: lib-fault's cleanup unthrottles
# shellcheck disable=SC2034
DXM_SWEEP_SAVED=1

tool_ready() {
	[ -x "$DXM" ] || skip "no $DXM (cmake --build build)"
	[ -n "${PMEM2:-}" ] || skip "needs three NVDIMMs (vm-run --nvdimms 3)"
	command -v jq >/dev/null || skip "no jq"
	python3 -c 'import jsonschema' 2>/dev/null ||
		skip "no python3-jsonschema (scripts/install-deps)"
	command -v script >/dev/null || skip "no script(1) (util-linux)"
}

group_setup setup_fsdax
group_setup load_module
group_setup tool_ready
# shellcheck disable=SC2153
A=$PMEM0
B=$PMEM1
C=$PMEM2

# dxm ARGS...: run the tool, logging the command line.
dxm() {
	log "daxmirror $*" >&2
	"$DXM" "$@"
}

# rc_of CMD...: the exit code of CMD (its stdout dropped).
rc_of() {
	local rc=0
	"$@" >/dev/null || rc=$?
	echo "$rc"
}

# schema_check KIND FILE...: each FILE holds JSON the tool printed that is
# a valid KIND (status, list, examine, detail, or event: one per line)
# of docs/daxmirror.schema.json, with its keys in the schema's order.
schema_check() {
	local kind=$1
	shift
	python3 "$REPO/lvm-tools/tests/json_schema_test.py" \
		"$REPO/docs/daxmirror.schema.json" check "$kind" "$@" \
		>"$SCRATCH/schema.log" 2>&1 ||
		die "$kind JSON not as the schema says: $(grep -v '^ok' "$SCRATCH/schema.log" | head -c 2000)"
}

# status_rc NAME: the exit code of daxmirror status
status_rc() { rc_of "$DXM" status "$1"; }

# status_json NAME: daxmirror status NAME --json, whatever the health
# (exit 0 healthy, 1 degraded, 2 failed).
status_json() {
	local rc=0
	"$DXM" status "$1" --json || rc=$?
	[ "$rc" -le 2 ] || die "daxmirror status $1 --json exited $rc"
}

# no_device NAME: no device-mapper device of that name exists.
no_device() {
	if dmsetup info "$1" >/dev/null 2>&1; then
		die "device $1 exists"
	fi
}

# expect_refusal RC REGEX CMD...: CMD exits RC, prints one error line
# matching REGEX on stderr.
expect_refusal() {
	local want=$1 re=$2 rc=0
	shift 2
	"$@" >"$SCRATCH/out" 2>"$SCRATCH/err" || rc=$?
	cat "$SCRATCH/out" "$SCRATCH/err"
	[ "$rc" -eq "$want" ] || die "'$*' exited $rc, expected $want"
	grep -qE "$re" "$SCRATCH/err" || die "'$*': stderr does not match /$re/"
}

# A leg with ext4 is refused unless --force; a mounted one even with
# --force, with a hint that works (unmount), and nothing is written to
# it.  --force wipes the signatures it reported: after the create
# neither the leg nor the mirror shows ext4 (before, ext4 stayed visible
# on both, its tail overwritten by the metadata).
case_refuses_ext4() {
	local sum
	wipe_meta "$A" "$B"
	mkfs.ext4 -F -q "$A"
	expect_refusal 4 "^daxmirror create: $A: .*ext4.*--force" \
		"$DXM" create t1 "$A" "$B"
	no_device t1
	mkdir -p "$MNT_BASE/leg"
	# read-only and no journal replay: the mount itself writes nothing
	mount -o ro,noload "$A" "$MNT_BASE/leg"
	sum=$(dd if="$A" bs=1M iflag=direct status=none | md5sum)
	expect_refusal 4 "^daxmirror create: $A: is in use: mounted on $MNT_BASE/leg; unmount it first\$" \
		"$DXM" create t1 "$A" "$B" --force
	no_device t1
	umount "$MNT_BASE/leg"
	assert_eq "$(dd if="$A" bs=1M iflag=direct status=none | md5sum)" "$sum" \
		"$A after a refused create"
	dxm create t1 "$A" "$B" --force
	wait_action_idle t1
	assert_eq "$(status_rc t1)" 0 "status exit code"
	for d in "$A" "$B" /dev/mapper/t1; do
		if blkid -p "$d" >"$SCRATCH/blkid" 2>&1; then
			die "$d still shows a signature after create --force: $(cat "$SCRATCH/blkid")"
		fi
	done
	dxm remove t1
	no_device t1
}

# monitor_start NAME FILE [OPTION...]: daxmirror monitor NAME in the
# background, its JSON lines in FILE; monitor_stop: end it.
MON_PID=
monitor_start() {
	"$DXM" monitor "$1" "${@:3}" >"$2" 2>"$SCRATCH/monitor.err" &
	MON_PID=$!
	echo "$MON_PID" >>"$BG_PIDS_FILE"
	# its first poll (the device does not exist yet) has begun once it
	# holds /dev/mapper/control open, and ends within a second
	wait_until 30 "monitor talking to device-mapper" \
		eval "ls -l /proc/$MON_PID/fd 2>/dev/null | grep -q mapper/control"
	sleep 1
	kill -0 "$MON_PID" || die "monitor exited: $(cat "$SCRATCH/monitor.err")"
}
monitor_stop() {
	kill "$MON_PID" 2>/dev/null || true
	wait "$MON_PID" 2>/dev/null || true
	# a name that did not exist yet at the start is only a warning
	if grep -v 'warning: .*; watching for it$' "$SCRATCH/monitor.err" | grep -q .; then
		die "monitor said: $(cat "$SCRATCH/monitor.err")"
	fi
}

# monitor_saw FILE JQ-FILTER: an event in FILE matches the filter.  The
# monitor polls (500 ms): the case waits for each event to show before
# it causes the next one, so that no two are folded into one.
monitor_saw() {
	[ -n "$(jq -c "select($2)" "$1" 2>/dev/null | head -n 1 || true)" ]
}

# event_line FILE START JQ-FILTER: the number of the first line after
# line START of FILE whose object matches the filter; fails if none.
event_line() {
	local n
	n=$(tail -n +"$(($2 + 1))" "$1" |
		jq -s "to_entries | map(select(.value | $3)) | .[0].key // empty")
	[ -n "$n" ] || die "monitor: no event after line $2 matches: $3"
	echo $(($2 + n + 1))
}

# status_some_missing NAME: "status NAME dxm-no-such" (text and JSON)
# shows NAME, one error line for the other, exit code 4.
status_some_missing() {
	local rc json
	for json in "" --json; do
		rc=0
		# shellcheck disable=SC2086
		"$DXM" status "$1" dxm-no-such $json >"$SCRATCH/some.out" \
			2>"$SCRATCH/some.err" || rc=$?
		assert_eq "$rc" 4 "exit code of status $1 dxm-no-such $json"
		if [ -n "$json" ]; then
			jq -e --arg n "$1" 'length == 1 and .[0].name == $n' \
				"$SCRATCH/some.out" >/dev/null
		else
			grep -q "^$1: " "$SCRATCH/some.out"
		fi || die "status $1 dxm-no-such $json did not show $1: $(cat "$SCRATCH/some.out")"
		[ "$(wc -l <"$SCRATCH/some.err")" = 1 ] &&
			grep -q "^daxmirror status: dxm-no-such: " "$SCRATCH/some.err" ||
			die "status $1 dxm-no-such $json: stderr $(cat "$SCRATCH/some.err")"
	done
}

# flush_past_end NAME: a ranged flush that ends past the device is a
# usage error of the tool (exit 3, says so), not sent to the kernel.
flush_past_end() {
	local size rc=0
	size=$(($(blockdev --getsz "/dev/mapper/$1") * 512))
	"$DXM" flush "$1" --offset $((size - 4096)) --length 8192 2>"$SCRATCH/fl.err" || rc=$?
	assert_eq "$rc" 3 "exit code of a flush past the end"
	grep -q "past the end" "$SCRATCH/fl.err" || die "flush past the end: $(cat "$SCRATCH/fl.err")"
	# the last page itself is fine
	"$DXM" flush "$1" --offset $((size - 4096)) --length 4096
}

# list_not_root: "list" as a user who cannot read the block devices says
# so (exit 4), instead of an empty list that looks like "no legs".
list_not_root() {
	local rc=0
	"$DXM" list | grep -q "^$A " || die "list as root does not show $A"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$DXM" list \
		>"$SCRATCH/ls.out" 2>"$SCRATCH/ls.err" || rc=$?
	assert_eq "$rc" 4 "exit code of list as nobody"
	grep -q "permission denied" "$SCRATCH/ls.err" ||
		die "list as nobody: stderr '$(cat "$SCRATCH/ls.err")'"
}

# table_needs_dax: "table" judges DAX like create: a block device without
# DAX (dm-zero) is refused unless --no-dax.
table_needs_dax() {
	local rc=0
	dmsetup create z0 --table "0 $(sectors "$C") zero"
	"$DXM" table t9 /dev/mapper/z0 "$C" >/dev/null 2>"$SCRATCH/tz.err" || rc=$?
	assert_eq "$rc" 4 "exit code of table with a leg without DAX"
	grep -q "does not support DAX.*--no-dax" "$SCRATCH/tz.err" ||
		die "table with a leg without DAX: $(cat "$SCRATCH/tz.err")"
	"$DXM" table t9 /dev/mapper/z0 "$C" --no-dax | grep -q " no_dax" ||
		die "table --no-dax with a leg without DAX"
	dmsetup remove z0
}

# examine_detail NAME LEG0 LEG1 LEG2 SECTOR: examine shows LEG0 and LEG1
# as legs 0 and 1 of NAME's set, LEG0 with the page at SECTOR remapped to
# a spare; detail shows NAME's table and both legs; LEG2 (blank) exits 1
# and, with LEG0's superblock block copied onto it and one byte flipped,
# exits 2 as corrupt (LEG2 is wiped again after).
examine_detail() {
	local uuid n rc
	uuid=$(status_json "$1" | jq -r .uuid)
	dxm examine "$2" "$3"
	"$DXM" examine "$2" --json >"$SCRATCH/ex0.json" ||
		die "examine $2 exited $?"
	jq -e --arg u "$uuid" --argjson s "$5" '.superblock == "valid"
		and .problem == null and .set_uuid == $u and .leg_index == 0
		and .leg_state == ["ok", "ok"] and .remap.problem == null
		and .remap.remapped >= 1 and (.remap.copy | test("^[AB]$"))
		and any(.remap.pages[]; .data_sector == $s)
		and .bitmap.regions > 0
		and .remap.remapped + .remap.retired + .remap.free == .spare_pages' \
		"$SCRATCH/ex0.json" >/dev/null || die "examine --json of leg 0: $(cat "$SCRATCH/ex0.json")"
	"$DXM" examine "$3" --json | jq -e --arg u "$uuid" '.set_uuid == $u
		and .leg_index == 1 and .remap.remapped == 0' >/dev/null ||
		die "examine --json of leg 1"
	"$DXM" examine "$2" "$3" --json >"$SCRATCH/ex01.json" ||
		die "examine of both legs exited $?"
	jq -e 'length == 2' "$SCRATCH/ex01.json" >/dev/null ||
		die "examine --json of two legs: not an array of two"
	schema_check examine "$SCRATCH/ex0.json" "$SCRATCH/ex01.json"
	dxm detail "$1"
	"$DXM" detail "$1" --json >"$SCRATCH/detail.json" ||
		die "detail $1 exited $?"
	jq -e --arg u "$uuid" '.name == "'"$1"'"
		and .table.legs == [.status.legs[].maj_min]
		and .table.sync_interval_ms == 0
		and ([.legs[].device] == [.status.legs[].device])
		and .status.health == "AA" and .status.uuid == $u
		and ([.legs[].leg_index] == [0, 1])
		and .legs[0].remap.remapped >= 1' \
		"$SCRATCH/detail.json" >/dev/null || die "detail --json: $(cat "$SCRATCH/detail.json")"
	schema_check detail "$SCRATCH/detail.json"
	rc=0
	"$DXM" examine "$4" >/dev/null || rc=$?
	assert_eq "$rc" 1 "examine exit code of a blank device"
	n=$(sectors "$2")
	[ "$n" = "$(sectors "$4")" ] || die "$2 and $4 differ in size"
	dd if="$2" of="$4" bs=4096 skip=$((n / 8 - 1)) seek=$((n / 8 - 1)) \
		count=1 iflag=direct oflag=direct status=none
	printf '\377' | dd of="$4" bs=1 seek=$((n * 512 - 2048)) conv=notrunc status=none
	rc=0
	"$DXM" examine "$4" --json >"$SCRATCH/ex2.json" || rc=$?
	assert_eq "$rc" 2 "examine exit code of a corrupt superblock"
	jq -e '.superblock == "corrupt" and (.problem | length) > 0' \
		"$SCRATCH/ex2.json" >/dev/null || die "examine --json of a corrupt superblock"
	schema_check examine "$SCRATCH/ex2.json"
	wipe_meta "$4"
}

case_lifecycle() {
	local dev=/dev/mapper/t0 mon=$SCRATCH/monitor.json l
	wipe_meta "$A" "$B" "$C"
	# the ext4 of the last case is on both legs now
	zero_range "$A" 0 2048
	zero_range "$B" 0 2048
	zero_range "$C" 0 2048
	# the handler logs its arguments once it saw its stdin is the event
	printf '%s\n' '#!/bin/sh' \
		"jq -e --arg d \"\$1\" --arg k \"\$2\" '.device == \$d and (.kinds | index(\$k))' >/dev/null &&" \
		"	echo \"\$1 \$2\" >>$SCRATCH/handler.log" >"$SCRATCH/handler"
	chmod +x "$SCRATCH/handler"
	rm -f "$SCRATCH/handler.log"
	monitor_start t0 "$mon" --exec "$SCRATCH/handler"

	dxm create t0 "$A" "$B" --sync-interval 0
	dxm table t0 "$A" "$B" | grep -qE "^0 [0-9]+ daxmirror $A $B " ||
		die "daxmirror table prints no table line"
	table_needs_dax
	wait_action_idle t0
	wait_until 10 "monitor: t0 healthy" monitor_saw "$mon" '.new.health == "AA"'
	dxm status t0
	assert_eq "$(status_rc t0)" 0 "status exit code (new mirror)"
	# a name that does not exist does not hide those that do: they are
	# shown, the missing one gets its error line, exit 4
	status_some_missing t0
	flush_past_end t0
	list_not_root
	dxm status t0 --json | tee "$SCRATCH/st.json"
	jq -e '.name == "t0" and .health == "AA" and .action == "idle"
		and (.uuid | test("^[0-9a-f-]{36}$")) and .size_bytes > 0
		and .lost_pages == 0 and .sync.in_sync_sectors == .sync.total_sectors
		and (.legs | length) == 2
		and .legs[0].device == "'"$A"'" and .legs[1].device == "'"$B"'"
		and ([.legs[].state] == ["in_sync", "in_sync"])' \
		"$SCRATCH/st.json" >/dev/null || die "status --json of the new mirror"
	schema_check status "$SCRATCH/st.json"
	# every device: an array; list: the legs found (t0's two)
	dxm status --json >"$SCRATCH/st-all.json"
	dxm list --json >"$SCRATCH/list.json"
	jq -e 'type == "array" and any(.[]; .name == "t0")' "$SCRATCH/st-all.json" \
		>/dev/null || die "status --json of every device"
	jq -e '[.[] | select(.device == "'"$A"'" or .device == "'"$B"'")] | length == 2' \
		"$SCRATCH/list.json" >/dev/null || die "list --json: $(cat "$SCRATCH/list.json")"
	schema_check status "$SCRATCH/st-all.json"
	schema_check list "$SCRATCH/list.json"
	# the set's device-mapper UUID (by-id/dm-uuid-DAXMIRROR-<set uuid>)
	assert_eq "$(dmsetup info -c --noheadings -o uuid t0)" \
		"DAXMIRROR-$(jq -r .uuid "$SCRATCH/st.json")" "dm UUID of a created mirror"
	write_pattern "$dev" 0 4096 60

	# poison under data on leg 0 (sticky on an NVDIMM): rescan repairs
	# it by remapping the page to a spare; status shows it
	inject_poison "$A" 1024 8
	dxm rescan t0
	wait_field t0 remapped0 -ge 1 30
	dxm status t0
	dxm status t0 --json | tee "$SCRATCH/st.json"
	jq -e '.legs[0].remapped_pages >= 1 and .lost_pages == 0
		and .health == "AA"
		and any(.legs[0].badblocks[]; .sector <= 1024 and 1024 < .sector + .count)' \
		"$SCRATCH/st.json" >/dev/null || die "status --json after the repair"
	schema_check status "$SCRATCH/st.json"
	assert_eq "$(status_rc t0)" 0 "status exit code after the repair"
	check_pattern "$dev" 0 4096 60
	wait_until 10 "monitor: the remap" monitor_saw "$mon" '.new.remapped_pages[0] >= 1'
	examine_detail t0 "$A" "$B" "$C" 1024

	dxm fail t0 --leg 1
	assert_eq "$(status_rc t0)" 1 "status exit code after fail"
	status_json t0 | jq -e '.health == "AD" and .legs[1].state == "dead"' \
		>/dev/null || die "status --json after fail"
	wait_until 10 "monitor: leg 1 failed" monitor_saw "$mon" '.new.health == "AD"'

	# throttled, so that the rebuild lasts a few monitor polls
	set_sweep_kbps 32768
	log "daxmirror replace t0 --leg 1 $C --wait | cat"
	"$DXM" replace t0 --leg 1 "$C" --wait | cat >"$SCRATCH/replace.out"
	assert_eq "${PIPESTATUS[0]}" 0 "replace --wait exit code"
	# --wait without a terminal prints nothing
	[ ! -s "$SCRATCH/replace.out" ] || die "replace --wait on a pipe printed: $(od -c "$SCRATCH/replace.out" | head)"
	set_sweep_kbps 0
	dxm status t0
	assert_eq "$(status_rc t0)" 0 "status exit code after the rebuild"
	dxm status t0 --json | jq -e '.health == "AA" and .legs[1].device == "'"$C"'"' \
		>/dev/null || die "status --json after the rebuild"
	check_pattern "$dev" 0 4096 60
	# throttled: the monitor sees the scrub start and end apart
	set_sweep_kbps 65536
	dxm scrub t0 --wait
	set_sweep_kbps 0
	status_json t0 | jq -e '.mismatches == 0 and .health == "AA"' >/dev/null ||
		die "check scrub after the rebuild"
	# zero-superblock: refused for a leg in use (and nothing written),
	# done for the replaced leg; examine then finds no superblock
	expect_refusal 4 "^daxmirror zero-superblock: $A: is in use: held by device-mapper device t0 \(dm-[0-9]+\); remove it first$" \
		"$DXM" zero-superblock "$A" "$B"
	assert_eq "$(rc_of "$DXM" examine "$B")" 0 "examine of the replaced leg before zero-superblock"
	dxm zero-superblock "$B"
	assert_eq "$(rc_of "$DXM" examine "$B")" 1 "examine after zero-superblock"
	expect_refusal 4 "^daxmirror zero-superblock: $B: holds no daxmirror superblock" \
		"$DXM" zero-superblock "$B"
	dxm remove t0
	no_device t0

	# the monitor saw it all, in order, with old and new state
	wait_until 10 "monitor's removed event" grep -q '"event":"removed"' "$mon"
	monitor_stop
	log "monitor events:"
	jq -cM '[.event, .changes, .old.health, .old.action, .new.health,
		.new.action, .new.remapped_pages]' "$mon"
	jq -e . "$mon" >/dev/null || die "monitor printed something else than JSON"
	schema_check event "$mon"
	l=$(event_line "$mon" 0 '.event == "added" and .device == "t0"
		and .old == null and .new.health != null')
	l=$(event_line "$mon" "$l" '.event == "change"
		and (.changes | index("remapped"))
		and .new.remapped_pages[0] > .old.remapped_pages[0]
		and .new.health == "AA"')
	l=$(event_line "$mon" "$l" '.event == "change"
		and .old.health == "AA" and .new.health == "AD"
		and .old.state == "healthy" and .new.state == "degraded"')
	l=$(event_line "$mon" "$l" '.event == "change"
		and .old.action != "rebuild" and .new.action == "rebuild"
		and .new.health[1:2] == "a"')
	event_line "$mon" "$l" '.event == "change" and .old.health != "AA"
		and .new.health == "AA" and .new.state == "healthy"' >/dev/null
	l=$(event_line "$mon" "$l" '.event == "change"
		and .old.action == "rebuild" and .new.action == "idle"')
	l=$(event_line "$mon" "$l" '.event == "removed" and .new == null
		and .old.health == "AA"')
	# named kinds, in order, and the handler ran once per kind
	l=$(event_line "$mon" 0 '.event == "added" and .kinds[0] == "NewArray"')
	l=$(event_line "$mon" "$l" '.kinds | index("PageRemapped")')
	l=$(event_line "$mon" "$l" '.kinds | index("Fail") and index("DegradedArray")')
	l=$(event_line "$mon" "$l" '.kinds | index("RebuildStarted")')
	event_line "$mon" "$l" '.kinds | index("Healthy")' >/dev/null
	l=$(event_line "$mon" "$l" '.kinds | index("RebuildFinished")')
	l=$(event_line "$mon" "$l" '.kinds | index("ScrubStarted")')
	l=$(event_line "$mon" "$l" '.kinds | index("ScrubFinished")')
	event_line "$mon" "$l" '.kinds == ["DeviceDisappeared"]' >/dev/null
	log "handler calls: $(tr '\n' ' ' <"$SCRATCH/handler.log")"
	for k in NewArray PageRemapped Fail DegradedArray RebuildStarted \
		 RebuildFinished Healthy ScrubStarted ScrubFinished DeviceDisappeared; do
		grep -qx "t0 $k" "$SCRATCH/handler.log" ||
			die "the handler was not run for $k"
	done
	# every line is one event of t0 with a well-formed header
	jq -e 'select((.device == "t0" and (.event_nr | type) == "number"
		and (.time | test("Z$")) and (.changes | type) == "array") | not)' \
		"$mon" >/dev/null && die "monitor: malformed event"
	return 0
}

# Degraded assembly needs --run, with the legs given and with --scan.
# monitor_startup NAME (NAME degraded): a monitor started now reports
# it at once (DegradedArray, like mdadm), --test adds a TestMessage, and
# it warns about a name that does not exist and a handler that is not
# executable, and keeps running.
monitor_startup() {
	local mon=$SCRATCH/startup.json pid
	"$DXM" monitor "$1" dxm-no-such --test --exec /nonexistent/handler \
		>"$mon" 2>"$SCRATCH/startup.err" &
	pid=$!
	echo "$pid" >>"$BG_PIDS_FILE"
	wait_until 10 "monitor: the start-up events" eval \
		'[ "$(wc -l <"$mon")" -ge 2 ]'
	kill -0 "$pid" || die "monitor exited: $(cat "$SCRATCH/startup.err")"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	cat "$mon" "$SCRATCH/startup.err"
	jq -se --arg n "$1" '.[0].event == "test" and .[0].kinds == ["TestMessage"]
		and .[0].device == $n and .[1].event == "state"
		and .[1].kinds == ["DegradedArray"] and .[1].new.health == "AD"' \
		"$mon" >/dev/null || die "monitor start-up events"
	schema_check event "$mon"
	grep -q "^daxmirror monitor: warning: dxm-no-such: .*watching for it" \
		"$SCRATCH/startup.err" || die "no warning for an unknown name"
	grep -q "^daxmirror monitor: warning: /nonexistent/handler is not executable" \
		"$SCRATCH/startup.err" || die "no warning for a missing handler"
}

case_degraded_assemble() {
	local uuid scanned line
	wipe_meta "$C"
	zero_legs "$A" "$B"
	dxm create a0 "$A" "$B" --nosync
	wait_action_idle a0
	uuid=$("$DXM" status a0 --json | jq -r .uuid)
	scanned=a0	# --scan: the name its superblocks recorded
	write_pattern /dev/mapper/a0 0 2048 61
	dxm remove a0

	# one leg given as '-': refused without --run, nothing started
	expect_refusal 4 "^daxmirror assemble: a0: only one leg of set $uuid found; use --run to start degraded$" \
		"$DXM" assemble a0 "$A" -
	no_device a0
	expect_refusal 4 "use --run" "$DXM" assemble a0 - "$B"
	no_device a0
	# both legs found: --scan starts the set without --run
	dxm assemble --scan
	assert_eq "$(status_rc "$scanned")" 0 "status exit code after --scan"
	check_pattern "/dev/mapper/$scanned" 0 2048 61
	dxm remove "$scanned"
	# legs given in the other order: the superblocks say which is which
	dxm assemble a0 "$B" "$A" 2>"$SCRATCH/swap.err"
	grep -q "is leg 0 of its set" "$SCRATCH/swap.err" ||
		die "assemble in the other order said nothing: $(cat "$SCRATCH/swap.err")"
	status_json a0 | jq -e --arg a "$A" --arg b "$B" \
		'.health == "AA" and .legs[0].device == $a and .legs[1].device == $b' \
		>/dev/null || die "assemble in the other order: $(status_json a0)"
	check_pattern /dev/mapper/a0 0 2048 61
	assert_eq "$(dmsetup info -c --noheadings -o uuid a0)" "DAXMIRROR-$uuid" \
		"dm UUID of an assembled mirror"
	dxm remove a0
	# with --run: started degraded (exit 1)
	assert_eq "$(rc_of "$DXM" assemble a0 "$A" - --run)" 1 "assemble --run exit code"
	dxm status a0 || true
	assert_eq "$(status_rc a0)" 1 "status exit code (degraded)"
	status_json a0 | jq -e '.health == "AD" and .legs[1].state == "missing"' \
		>/dev/null || die "status --json of the degraded mirror"
	check_pattern /dev/mapper/a0 0 2048 61
	monitor_startup a0
	dxm remove a0

	# a configuration names the set and gives its settings; detail
	# --conf prints the line back
	printf '# this host\nARRAY conf0 uuid=%s sync_interval_ms=250\n' "$uuid" \
		>"$SCRATCH/dxm.conf"
	dxm assemble --scan --config "$SCRATCH/dxm.conf"
	dmsetup table conf0 | grep -q ' sync_interval_ms 250' ||
		die "assemble --scan did not use the configured setting: $(dmsetup table conf0)"
	line=$("$DXM" detail conf0 --conf) || die "detail conf0 --conf exited $?"
	assert_eq "$line" "ARRAY conf0 uuid=$uuid sync_interval_ms=250" "detail --conf"
	dxm remove conf0
	scanned=conf0	# the name it last ran with, recorded in the superblocks

	# --scan finds one leg only (leg 1 blanked): refused without --run
	wipe_meta "$B"
	expect_refusal 4 "^daxmirror assemble: $scanned: only one leg of set $uuid found; use --run" \
		"$DXM" assemble --scan
	no_device "$scanned"
	assert_eq "$(rc_of "$DXM" assemble --scan --run)" 1 "assemble --scan --run exit code"
	assert_eq "$(status_rc "$scanned")" 1 "status exit code (degraded, scanned)"
	check_pattern "/dev/mapper/$scanned" 0 2048 61
	# and back to two legs
	dxm replace "$scanned" --leg 1 "$B" --wait
	assert_eq "$(status_rc "$scanned")" 0 "status exit code after replace"
	check_pattern "/dev/mapper/$scanned" 0 2048 61
	dxm remove "$scanned"
}

# table_has NAME WORDS: the table of NAME carries " WORDS" (or, with
# "!", does not).
table_has() {
	local t
	t=$(dmsetup table "$1")
	if [ "$2" = "!" ]; then
		[[ " $t " != *" $3 "* ]] || die "table of $1 has '$3': $t"
	else
		[[ " $t " == *" $2 "* ]] || die "table of $1 lacks '$2': $t"
	fi
}

# last_ran LEG: examine's record of how the set on LEG last ran (jq -c).
last_ran() {
	local rc=0
	"$DXM" examine "$1" --json >"$SCRATCH/ex.json" || rc=$?
	[ "$rc" = 0 ] || die "examine $1 exited $rc"
	schema_check examine "$SCRATCH/ex.json"
	jq -c '[.sb_version, .last_ran]' "$SCRATCH/ex.json"
}

# Superblock format version 2: a set comes back from a scan as itself.
# Without any configuration, assemble --scan gives it the name and the
# settings it last ran with (before: daxmirror-<uuid prefix>, settings
# dropped); a rename is recorded at the next superblock update and kept
# when the device is removed.  Legs of the previous format (version 1)
# still assemble (under daxmirror-<uuid prefix>, default settings) and
# stay version 1, also on a replacement leg; legs of a set whose
# versions differ are refused.
case_recorded_settings() {
	local uuid v1name rec
	wipe_meta "$C"
	zero_legs "$A" "$B"
	dxm create r0 "$A" "$B" --nosync --no-dax --sync-interval 300 \
		--sweep-max-kbps 65536
	wait_action_idle r0
	uuid=$("$DXM" status r0 --json | jq -r .uuid)
	v1name=daxmirror-${uuid:0:8}
	write_pattern /dev/mapper/r0 0 2048 71
	dxm remove r0
	dxm assemble --scan | tee "$SCRATCH/out"
	grep -q "^r0: assembled set $uuid " "$SCRATCH/out" ||
		die "assemble --scan did not bring the set back as r0: $(cat "$SCRATCH/out")"
	table_has r0 "sync_interval_ms 300"
	table_has r0 "sweep_max_kbps 65536"
	table_has r0 no_dax
	check_pattern /dev/mapper/r0 0 2048 71
	rec='[2,{"name":"r0","sync_interval_ms":300,"sweep_max_kbps":65536,"no_dax":true,"pmd_always":false}]'
	assert_eq "$(last_ran "$A")" "$rec" "examine leg 0: last ran"
	assert_eq "$(last_ran "$B")" "$rec" "examine leg 1: last ran"
	"$DXM" examine "$A" | grep -q "^  last ran:   as r0, sync_interval_ms 300, sweep_max_kbps 65536, no_dax$" ||
		die "examine text: $("$DXM" examine "$A")"
	# renamed: recorded at the next superblock update (a suspend), and
	# the last name stays when the device is removed
	dmsetup rename r0 r1
	dmsetup suspend r1
	dmsetup resume r1
	dxm remove r1
	for leg in "$A" "$B"; do
		assert_eq "$(last_ran "$leg" | jq -r '.[1].name')" r1 "name on $leg after rename"
	done
	dxm assemble --scan
	table_has r1 "sync_interval_ms 300"
	check_pattern /dev/mapper/r1 0 2048 71
	dxm remove r1

	# format version 1, as the previous release wrote it
	"$HELPERS/dxm-sbedit" "$A" v1
	"$HELPERS/dxm-sbedit" "$B" v1
	assert_eq "$(last_ran "$A")" "[1,null]" "examine of a version-1 leg"
	dxm assemble --scan | tee "$SCRATCH/out"
	grep -q "^$v1name: assembled set $uuid " "$SCRATCH/out" ||
		die "a version-1 set was not assembled as $v1name: $(cat "$SCRATCH/out")"
	table_has "$v1name" ! no_dax
	table_has "$v1name" ! "sync_interval_ms 300"
	check_pattern "/dev/mapper/$v1name" 0 2048 71
	assert_eq "$("$DXM" status "$v1name" --json | jq -r .health)" AA "health of the version-1 set"
	# a replacement leg is formatted in its set's version
	dxm replace "$v1name" --leg 1 "$C" --wait
	check_pattern "/dev/mapper/$v1name" 0 2048 71
	dxm remove "$v1name"
	assert_eq "$(last_ran "$A")" "[1,null]" "leg 0 after the version-1 set ran"
	assert_eq "$(last_ran "$C")" "[1,null]" "the replacement leg of a version-1 set"

	# one leg of version 2 and one of version 1 of the same set: refused
	zero_legs "$A" "$B"
	dxm create r2 "$A" "$B" --nosync
	wait_action_idle r2
	dxm remove r2
	"$HELPERS/dxm-sbedit" "$B" v1
	dmesg_mark
	if dmsetup create r2 --table "$(dxm_table "$A" "$B")" 2>"$SCRATCH/err"; then
		dmsetup remove r2
		die "legs of different format versions were accepted"
	fi
	dmesg_since_mark | grep -q "Legs disagree on the superblock version" ||
		die "no reason in the kernel log: $(dmesg_since_mark | tail -n 3)"
	no_device r2
}

# --wait on a terminal: a bar with percentage, rate and ETA, redrawn in
# place; the same command on a pipe prints nothing.
case_progress_pty() {
	local out=$SCRATCH/pty.out rc=0
	wipe_meta "$C"
	zero_legs "$A" "$B"
	dxm create p0 "$A" "$B" --nosync
	wait_action_idle p0
	set_sweep_kbps 16384
	script -qfec "$DXM rebuild p0 --leg 1 --wait" /dev/null </dev/null >"$out" || rc=$?
	assert_eq "$rc" 0 "rebuild --wait exit code (pty)"
	log "on the terminal: $(tr '\r' '\n' <"$out" | grep -c .) redraws, last: $(tr '\r' '\n' <"$out" | grep . | tail -n 2 | head -n 1)"
	tr '\r' '\n' <"$out" | grep -qE '^rebuild \[#*-*\] +[0-9]+\.[0-9]%  [0-9.]+ ([KMGT]i)?B/s  ETA [0-9:]+s?' ||
		die "no progress bar with rate and ETA on the terminal: $(od -c "$out" | head -n 20)"
	[ "$(tr '\r' '\n' <"$out" | grep -c 'ETA')" -ge 2 ] || die "the bar was drawn only once"
	grep -q $'\033\\[K' "$out" || die "the bar does not clear the line"
	# on a pipe: nothing, and the same exit code
	set_sweep_kbps 0
	log "daxmirror rebuild p0 --leg 1 --wait | cat"
	"$DXM" rebuild p0 --leg 1 --wait | cat >"$SCRATCH/pipe.out"
	assert_eq "${PIPESTATUS[0]}" 0 "rebuild --wait exit code (pipe)"
	[ ! -s "$SCRATCH/pipe.out" ] || die "rebuild --wait on a pipe printed: $(od -c "$SCRATCH/pipe.out" | head)"
	assert_eq "$(status_rc p0)" 0 "status exit code after the rebuilds"
	# a scrub shows how far it went: the status line's sweep field
	# (target 1.1), status --json, and a bar with rate and ETA
	assert_eq "$(status_field p0 sweep)" - "sweep field when idle"
	set_sweep_kbps 16384
	script -qfec "$DXM scrub p0 --wait" /dev/null </dev/null >"$out" || rc=$?
	assert_eq "$rc" 0 "scrub --wait exit code (pty)"
	log "on the terminal: last: $(tr '\r' '\n' <"$out" | grep . | tail -n 2 | head -n 1)"
	tr '\r' '\n' <"$out" | grep -qE '^check \(0 mismatched sectors\) \[#*-*\] +[0-9]+\.[0-9]%  [0-9.]+ ([KMGT]i)?B/s  ETA' ||
		die "no scrub progress bar on the terminal: $(tr '\r' '\n' <"$out" | tail -n 5)"
	dxm scrub p0
	wait_until 30 "the check past its start" eval \
		'"$DXM" status p0 --json | jq -e ".sweep.done_sectors > 0 and .sweep.done_sectors < .sweep.total_sectors" >/dev/null'
	status_field p0 sweep | grep -qE '^[0-9]+/[0-9]+$' ||
		die "no sweep field during the check: $(status_field p0 line)"
	# scrub --stop ends it; with none running it says so
	dxm scrub p0 --stop
	assert_eq "$(status_field p0 action)" idle "action after scrub --stop"
	expect_refusal 4 "^daxmirror scrub: p0: no scrub is running \(action: idle\)$" \
		"$DXM" scrub p0 --stop
	set_sweep_kbps 0
	dxm remove p0
}

# write_errors LEG: a dm-flakey table over LEG that fails every write
# and passes reads (down forever).  The kernel takes it as a blank leg
# when the table is loaded, and formatting it fails when the table is
# resumed (preresume): a real activation failure.
write_errors() { echo "0 $(sectors "$1") flakey $1 0 0 3600 1 error_writes"; }

# live NAME: NAME exists, is not suspended and has no inactive table.
# A suspended device gets an error table first, so that the cleanup
# (umount, dmsetup remove) does not block on it.
live() {
	local info
	info=$(dmsetup info "$1") || die "device $1 is gone"
	if grep -q '^State: *SUSPENDED' <<<"$info"; then
		log "$info"
		dmsetup load "$1" --table "0 $(blockdev --getsz "/dev/mapper/$1") error"
		dmsetup resume "$1"
		die "$1 was left suspended"
	fi
	if grep -q '^Tables present:.*INACTIVE' <<<"$info"; then
		die "$1 was left with an inactive table"
	fi
}

# A create whose activation fails (leg 1 fails writes, so formatting it
# fails in preresume): the tool removes the device it made and says why
# (the kernel's reason); the same create on good legs then works.
case_create_fails_clean() {
	wipe_meta "$A" "$B"
	dmsetup create wfail --table "$(write_errors "$B")"
	expect_refusal 4 "^daxmirror create: c0: .*formatting the legs failed.*; the device was removed$" \
		"$DXM" create c0 "$A" /dev/mapper/wfail --no-dax
	no_device c0
	dmsetup remove wfail
	wipe_meta "$A" "$B"
	dxm create c0 "$A" "$B" --no-dax
	wait_action_idle c0
	assert_eq "$(status_rc c0)" 0 "status exit code after the second create"
	dxm remove c0
	no_device c0
}

# A replace whose resume fails (the new leg fails writes, so formatting
# it fails in preresume) under a mounted filesystem: the tool loads the
# previous table again and resumes it, says so, exits 4.  The mirror is
# live with its old table, the filesystem takes writes, data intact.
case_replace_resume_fails() {
	local mnt=$MNT_BASE/r0 old sum
	wipe_meta "$A" "$B" "$C"
	dxm create r0 "$A" "$B" --no-dax
	wait_action_idle r0
	mkfs.ext4 -q -F /dev/mapper/r0
	mkdir -p "$mnt"
	mount /dev/mapper/r0 "$mnt"
	dd if=/dev/urandom of="$mnt/data" bs=1M count=8 status=none
	sync
	sum=$(sha256sum <"$mnt/data")
	dxm fail r0 --leg 1
	old=$(dmsetup table r0)
	log "live table: $old"
	dmsetup create wfail --table "$(write_errors "$C")"
	expect_refusal 4 "^daxmirror replace: r0: .*formatting the legs failed.*; the previous table is live again$" \
		"$DXM" replace r0 --leg 1 /dev/mapper/wfail
	live r0
	assert_eq "$(dmsetup table r0)" "$old" "table after the failed replace"
	# the filesystem takes writes (a frozen one would block here)
	timeout 60 dd if=/dev/urandom of="$mnt/more" bs=1M count=4 conv=fsync status=none ||
		die "the filesystem does not take writes"
	echo 3 >/proc/sys/vm/drop_caches
	assert_eq "$(sha256sum <"$mnt/data")" "$sum" "file data after the failed replace"
	umount "$mnt"
	wait_action_idle r0
	dxm status r0 || true
	dxm remove r0
	no_device r0
	dmsetup remove wfail
}

# Failure domains (issue 17): create names each leg's; two NVDIMMs are
# two regions and share nothing (no warning).  Two legs in one region
# make create warn, and still create; so does a replace whose new leg is
# in the surviving leg's region.  The two legs in one region are two
# namespaces carved from it where its DIMM has labels; QEMU's NVDIMMs
# have none (one namespace spans the region), and there they are two
# dm-linear halves of its namespace, which the tool resolves through
# their slaves.  The namespace layout is put back at the end.

# region_of DEV: the nd region of a pmem block device
region_of() {
	realpath "/sys/class/block/$(basename "$(realpath "$1")")" |
		grep -o '/region[0-9]*/' | tr -d / | head -n 1
}

# fd_restore REGION: one fsdax namespace over the whole region again
# (its block device is $C again)
fd_restore() {
	dmsetup remove_all >/dev/null 2>&1 || true
	ndctl destroy-namespace -f all -r "$1" >/dev/null 2>&1 || true
	ndctl create-namespace -r "$1" -m fsdax >/dev/null
	_wait_blockdev "$C"
}

# fd_create NAME LEG0 LEG1: daxmirror create, its stdout in
# $SCRATCH/fd.out, its stderr in $SCRATCH/fd.err
fd_create() {
	log "daxmirror create $*"
	"$DXM" create "$@" >"$SCRATCH/fd.out" 2>"$SCRATCH/fd.err" || {
		cat "$SCRATCH/fd.out" "$SCRATCH/fd.err"
		die "daxmirror create $* failed"
	}
	cat "$SCRATCH/fd.out" "$SCRATCH/fd.err"
}

FD_REGION=	# the region whose namespaces the case carved
case_failure_domains() {
	local ra rb rc ns x y n h warn
	ra=$(region_of "$A")
	rb=$(region_of "$B")
	rc=$(region_of "$C")
	[ -n "$ra" ] && [ -n "$rb" ] && [ -n "$rc" ] && [ "$ra" != "$rb" ] ||
		die "regions of $A $B $C: '$ra' '$rb' '$rc'"

	# two NVDIMMs: two regions, each on its DIMM, no warning (earlier
	# cases leave filesystems on the legs: create would refuse them)
	zero_range "$A" 0 2048
	zero_range "$B" 0 2048
	wipe_meta "$A" "$B"
	fd_create fd0 "$A" "$B"
	grep -qx "leg 0 $A: NVDIMM $ra (nmem[0-9]*)" "$SCRATCH/fd.out" ||
		die "no leg 0 line naming $ra"
	grep -qx "leg 1 $B: NVDIMM $rb (nmem[0-9]*)" "$SCRATCH/fd.out" ||
		die "no leg 1 line naming $rb"
	if grep -q warning "$SCRATCH/fd.err"; then
		die "create warned for legs on two NVDIMMs"
	fi
	wait_action_idle fd0
	dxm detail fd0 --json >"$SCRATCH/fd.json"
	jq -e --arg ra "$ra" --arg rb "$rb" \
		'.legs[0].failure_domain.regions == [$ra] and
		 .legs[1].failure_domain.regions == [$rb] and
		 .shared_failure_domain == null' "$SCRATCH/fd.json" >/dev/null ||
		die "detail --json: failure domains"
	schema_check detail "$SCRATCH/fd.json"
	dxm remove fd0

	# two legs in region $rc
	ns=$(_ndctl_json -N -r "$rc" | jq -r 'if type=="array" then .[0].dev else .dev end')
	if [ "$(cat "/sys/bus/nd/devices/$ns/devtype")" = nd_namespace_pmem ]; then
		FD_REGION=$rc
		trap 'fd_restore "$FD_REGION"' EXIT
		ndctl destroy-namespace -f "$ns"
		x=$(ndctl create-namespace -r "$rc" -m fsdax -s 96M | jq -r .blockdev)
		y=$(ndctl create-namespace -r "$rc" -m fsdax -s 96M | jq -r .blockdev)
		x=/dev/$x y=/dev/$y
		_wait_blockdev "$x"
		_wait_blockdev "$y"
	else
		log "$ns is $(cat "/sys/bus/nd/devices/$ns/devtype") (no labels): two dm-linear halves of $C"
		n=$(sectors "$C")
		h=$((n / 2 / 4096 * 4096))
		dmsetup create fdx --table "0 $h linear $C 0"
		dmsetup create fdy --table "0 $((n - h)) linear $C $h"
		x=$(realpath /dev/mapper/fdx) y=$(realpath /dev/mapper/fdy)
	fi
	warn="warning: legs 0 and 1 share NVDIMM $rc: one hardware failure loses both copies"
	zero_range "$x" 0 2048
	zero_range "$y" 0 2048
	wipe_meta "$x" "$y"
	fd_create fd1 "$x" "$y"
	grep -qE "^leg 0 $x: (dm-[0-9]+ on )?NVDIMM $rc \(nmem[0-9]+\)\$" "$SCRATCH/fd.out" ||
		die "no leg 0 line naming $rc"
	grep -qE "^leg 1 $y: (dm-[0-9]+ on )?NVDIMM $rc \(nmem[0-9]+\)\$" "$SCRATCH/fd.out" ||
		die "no leg 1 line naming $rc"
	grep -qx "daxmirror create: $warn" "$SCRATCH/fd.err" ||
		die "no warning for two legs in $rc"
	wait_action_idle fd1
	assert_eq "$(status_rc fd1)" 0 "status exit code of a mirror in one region"
	dxm detail fd1 >"$SCRATCH/fd.detail"
	grep -qx "legs 0 and 1 share NVDIMM $rc: one hardware failure loses both copies" \
		"$SCRATCH/fd.detail" || die "detail does not say the legs share $rc"
	dxm remove fd1

	# replace: the new leg in the surviving leg's region
	wipe_meta "$x" "$y" "$B"
	fd_create fd2 "$x" "$B"
	if grep -q warning "$SCRATCH/fd.err"; then
		die "create warned for $x and $B"
	fi
	wait_action_idle fd2
	dxm fail fd2 --leg 1
	log "daxmirror replace fd2 --leg 1 $y --wait"
	"$DXM" replace fd2 --leg 1 "$y" --wait 2>"$SCRATCH/fd.err" ||
		die "replace failed: $(cat "$SCRATCH/fd.err")"
	cat "$SCRATCH/fd.err"
	grep -qx "daxmirror replace: $warn" "$SCRATCH/fd.err" ||
		die "no replace warning for a new leg in $rc"
	assert_eq "$(status_rc fd2)" 0 "status exit code after the replace"
	dxm remove fd2
	if [ -n "$FD_REGION" ]; then
		trap - EXIT
		fd_restore "$FD_REGION"
	fi
}

# lifecycle last: the poison it puts on leg 0 stays on the NVDIMM (a
# write cannot clear it in the guest) and would fail the others' writes
run_case refuses_ext4 case_refuses_ext4
run_case degraded_assemble case_degraded_assemble
run_case progress_pty case_progress_pty
run_case create_fails_clean case_create_fails_clean
run_case replace_resume_fails case_replace_resume_fails
run_case failure_domains case_failure_domains
run_case recorded_settings case_recorded_settings
run_case lifecycle case_lifecycle
finish
