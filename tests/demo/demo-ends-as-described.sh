#!/usr/bin/env bash
# The demo of the README, as a test: scripts/ceremony-demo.sh with the options
# given, on a fresh temporary workstation, must end as issue 6 describes:
# exit 0, the data encrypted before the rotation decrypts after it, and
# cryptounit-compare shows every current register Valid with one verification
# pattern.  Prints TAP.
#
# Usage: demo-ends-as-described.sh SOURCE_DIR BUILD_DIR [demo options...]
set -uo pipefail
src=$1 build=$2
shift 2
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "1..3"
"$src/scripts/ceremony-demo.sh" "$build" 0 "$@" >"$log" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
  echo "ok 1 the demo $* exits 0"
else
  echo "not ok 1 the demo $* exits 0 (exit $rc)"
  sed 's/^/# /' "$log" | tail -40
fi

if grep -q '^decrypted: "Quarterly payroll, encrypted before the rotation"' "$log"; then
  echo "ok 2 data encrypted before the rotation decrypts after it"
else
  echo "not ok 2 data encrypted before the rotation decrypts after it"
fi

# The CURRENT MASTER KEY REGISTER section of the last compare: unit rows
# "N  STATUS  VP" up to the next blank line.
current=$(awk '/^CURRENT MASTER KEY REGISTER/ { rows = ""; inside = 1; next }
               inside && /^$/ { inside = 0 }
               inside && /^[0-9]+ / { rows = rows $0 "\n" }
               END { printf "%s", rows }' "$log")
units=$(printf '%s' "$current" | grep -c . || true)
valid=$(printf '%s' "$current" | awk '$2 == "Valid"' | grep -c . || true)
patterns=$(printf '%s' "$current" | awk '{ print $3 }' | sort -u | grep -c . || true)
if [ "$units" -ge 2 ] && [ "$valid" -eq "$units" ] && [ "$patterns" -eq 1 ]; then
  echo "ok 3 every current register is Valid with one verification pattern ($units units)"
else
  echo "not ok 3 every current register is Valid with one verification pattern"
  printf '%s\n' "$current" | sed 's/^/# /'
fi
