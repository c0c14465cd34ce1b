# SPDX-License-Identifier: GPL-2.0
#
# tests/host/lib-host.sh: common code of the host drivers (tests/host/*.sh):
# scenarios that need more than one boot over the same NVDIMM media
# (reboot, power cut).  A driver sources this file, then calls boot for
# each VM run; the guest halves live in tests/host/guest/.
#
#   tests/host/NN-name.sh --kernel KVER [--workdir DIR] [--keep]
#
# Prints "PASS: name/step" and "FAIL: name/step" lines (the guest's case
# lines are passed on) and a summary; exits 1 if anything failed, 2 on
# usage errors.  --workdir: where the media and logs go (default
# build/vmwork/KVER/host-NAME, emptied first); --keep: keep the media.
# shellcheck disable=SC2034
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAME=$(basename "$0" .sh)
KVER=
WD=
KEEP=0
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KVER=$2; shift 2 ;;
	--workdir) WD=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "$NAME: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$KVER" ] || { echo "$NAME: --kernel KVER is required" >&2; exit 2; }
[ -r "$REPO/build/modules/$KVER/dm-daxmirror.ko" ] ||
	{ echo "$NAME: no module built for $KVER (build/modules/$KVER)" >&2; exit 2; }
WD=${WD:-$REPO/build/vmwork/$KVER/host-$NAME}
rm -rf "$WD"
mkdir -p "$WD"
WD=$(realpath "$WD")
N_FAIL=0
N_PASS=0
T0=$(date +%s)

pass() { echo "PASS: $NAME/$*"; N_PASS=$((N_PASS + 1)); }
fail() { echo "FAIL: $NAME/$*"; N_FAIL=$((N_FAIL + 1)); }

# boot STEP WANT_RC VM-RUN-OPTIONS... GUEST [ARGS...]: one VM run over the
# media in $WD; its console goes to $WD/STEP.console, the guest's PASS/FAIL
# lines are passed on; BOOT_RC is vm-run's exit code.  Returns 0 when
# BOOT_RC is WANT_RC and the guest reported no FAIL.
boot() {
	local step=$1 want=$2 t0 bad=0
	shift 2
	t0=$(date +%s)
	BOOT_RC=0
	"$REPO/scripts/vm-run" --kernel "$KVER" --workdir "$WD" --quiet "$@" \
		>"$WD/$step.vmrun" 2>&1 || BOOT_RC=$?
	cp "$WD/console.log" "$WD/$step.console" 2>/dev/null || : >"$WD/$step.console"
	grep -E '^(PASS|FAIL|SKIP): ' "$WD/$step.console" || true
	grep -q '^FAIL: ' "$WD/$step.console" && bad=1
	if [ "$BOOT_RC" != "$want" ] || [ "$bad" = 1 ]; then
		fail "$step (vm-run exit $BOOT_RC, expected $want; $(($(date +%s) - t0)) s)"
		echo "--- $step: vm-run said:"
		sed 's/^/    /' "$WD/$step.vmrun" | tail -n 5
		echo "--- $step: console (last lines; all in $WD/$step.console):"
		grep -vE '^\[ *[0-9.]+\] *$' "$WD/$step.console" | tail -n 40 | sed 's/^/    /'
		return 1
	fi
	pass "$step (vm-run exit $BOOT_RC, $(($(date +%s) - t0)) s)"
}

# report_cut_trace STEP: PASS/FAIL for the kernel trace a guest saved in
# $WD/trace before a power cut (the console's last lines die with the VM).
report_cut_trace() {
	if [ -s "$WD/trace" ]; then
		fail "$1 (trace before the cut)"
		sed 's/^/    /' "$WD/trace" | head -n 60
	else
		pass "$1 (no trace before the cut)"
	fi
}

# finish_host: summary, media removed unless --keep, exit status.
finish_host() {
	[ "$KEEP" = 1 ] || rm -f "$WD"/nvdimm*.img
	echo "SUMMARY: $NAME on $KVER: $N_PASS passed, $N_FAIL failed ($(($(date +%s) - T0)) s; logs in $WD)"
	[ "$N_FAIL" -eq 0 ]
}
