#!/bin/sh
# The longest stall of tke's main loop during the GUI ceremonies (issue 7): runs the GUI
# tests of the key file ceremony and of the smart card ceremony (tests/gui-tke) with
# OPENTKE_STALL_REPORT, so that every tke they start appends its longest stall, and prints
# the figures.  The time to the first drawn window is bench-tke-startup's.
#
#   bench/tke-startup/ceremony-stall.sh [BUILD_DIR]      (default: build)
set -eu
build=${1:-build}
report=$(mktemp)
trap 'rm -f "$report"' EXIT
OPENTKE_STALL_REPORT=$report meson test -C "$build" --no-rebuild gui-tke gui-tke-cards \
  > /dev/null || { echo "ceremony-stall: the GUI ceremony tests failed (see $build/meson-logs)"; exit 1; }
cat "$report"
awk '{ ms = $(NF-4); if (ms > max) max = ms } END {
  printf "longest main loop stall during the GUI ceremonies: %.1f ms (%d tke runs)\n", max, NR }' \
  "$report"
