#!/bin/sh
# run-bench.sh: runs bench-apdu-roundtrip next to a private pcscd that serves
# both our virtual PIN-pad readers (libifd-opentke.so) and vsmartcard's
# "Virtual PCD" (Debian's vpcd reader.conf), with Debian's vicc as the card in
# the vpcd reader and a blank OpenTKE card in our reader 2.
#
#   run-bench.sh WITH_PCSCD TEMPLATE DRIVER TKE_VCARD BENCH [BENCH ARGS...]
#
# Root (with-pcscd.sh: unshare -m); without root, or without vsmartcard, the
# paths that cannot run say so and the others are measured.
set -u
with_pcscd=$1 template=$2 driver=$3 vcard=$4
shift 4

if [ "${OPENTKE_BENCH_INSIDE:-}" != 1 ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/apdu-bench.XXXXXX") || exit 1
  trap 'rm -rf "$work"' EXIT
  # Our two readers, then vpcd's entry as Debian installs it (pcscd reads one
  # config directory: both drivers go into the same template).
  cat "$template" >"$work/reader.conf.in"
  vpcd_conf=/etc/reader.conf.d/vpcd
  if [ -r "$vpcd_conf" ]; then
    printf '\n' >>"$work/reader.conf.in"
    cat "$vpcd_conf" >>"$work/reader.conf.in"
  else
    echo "# $vpcd_conf not found (package vsmartcard-vpcd): no path (c)"
  fi
  OPENTKE_BENCH_INSIDE=1 \
    "$with_pcscd" "$work/reader.conf.in" "$driver" -- \
    "$0" "$with_pcscd" "$template" "$driver" "$vcard" "$@"
  rc=$?
  [ $rc = 77 ] && echo "skipped: the private pcscd needs root"
  exit $rc
fi

# Inside the private pcscd's namespace ($OPENTKE_DECK is its deck).
"$vcard" new bench >/dev/null && "$vcard" insert bench --reader 2 || exit 1

# Debian 12's vicc as packaged imports Crypto where Debian ships Cryptodome
# (../shared/notes/pcsc-reference.md).  vpcd's reader 0 listens on 35963.
vicc_pid=
vicc_dir=/usr/lib/python3/site-packages/virtualsmartcard
if [ -x /usr/bin/vicc ] && [ -d "$vicc_dir" ] && [ -d /usr/lib/python3/dist-packages/Cryptodome ]; then
  shim=$(mktemp -d "${TMPDIR:-/tmp}/vicc-shim.XXXXXX") || exit 1
  ln -s /usr/lib/python3/dist-packages/Cryptodome "$shim/Crypto"
  PYTHONPATH="$shim:$vicc_dir" /usr/bin/python3 /usr/bin/vicc -t iso7816 -P 35963 \
    >"$shim/vicc.log" 2>&1 &
  vicc_pid=$!
else
  echo "# vicc cannot run (packages vsmartcard-vpicc, python3-virtualsmartcard, python3-pycryptodome): no path (c)"
fi

"$@"
rc=$?
if [ -n "$vicc_pid" ]; then
  kill "$vicc_pid" 2>/dev/null
  wait "$vicc_pid" 2>/dev/null
  rm -rf "$shim"
fi
exit $rc
