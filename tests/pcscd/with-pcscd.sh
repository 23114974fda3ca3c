#!/bin/sh
# with-pcscd.sh: runs a command next to a private pcscd that serves the two
# OpenTKE virtual PIN-pad readers, and stops that pcscd afterwards.
#
#   with-pcscd.sh [--tap] [--no-daemon] [--preload LIB] TEMPLATE DRIVER -- COMMAND [ARGS...]
#
# pcscd 1.9 always listens on /run/pcscd/pcscd.comm, so the fixture enters a
# mount namespace of its own (unshare -m) and mounts a tmpfs there: the
# system's pcscd, if any, is neither seen nor touched.  That needs root (CI
# runs as root); without it the test is skipped: exit 77, or with --tap (for
# a COMMAND that speaks TAP, which meson reads) the TAP plan "1..0 # SKIP".
#
# The readers use the deck $OPENTKE_DECK (a fresh one under the work
# directory when unset), exported to COMMAND.  reader.conf is made at run time
# from TEMPLATE (data/reader.conf.in): @DECK@ and @DRIVER@ replaced by the
# deck and the driver of the build.  --no-daemon prepares
# the same namespace without starting pcscd and sets OPENTKE_PCSCD=none (tests
# of "pcscd is not running").
# --preload LIB: the sanitizer runtime that a sanitized driver needs inside
# the (uninstrumented) pcscd.  PCSCD_DEBUG=1 keeps pcscd's log (-d) next to
# the work directory.
set -u

if [ "$(id -u)" != 0 ]; then
  echo "1..0 # SKIP the private pcscd needs root (unshare -m)"
  for arg; do
    [ "$arg" = -- ] && break
    [ "$arg" = --tap ] && exit 0
  done
  exit 77
fi

if [ "${OPENTKE_PRIVATE_PCSCD:-}" != inside ]; then
  # --propagation private: our tmpfs never shows outside the namespace.
  OPENTKE_PRIVATE_PCSCD=inside exec unshare -m --propagation private "$0" "$@"
fi

start_daemon=1
preload=
while :; do
  case "${1:-}" in
    --no-daemon) start_daemon=0; shift ;;
    --tap) shift ;; # only changes how a skip is told (above)
    --preload) preload=$2; shift 2 ;;
    *) break ;;
  esac
done
template=$1
driver=$2
shift 2
[ "${1:-}" = -- ] && shift

work=$(mktemp -d "${TMPDIR:-/tmp}/opentke-pcscd.XXXXXX") || exit 1
pcscd_pid=
cleanup() {
  if [ -n "$pcscd_pid" ]; then
    kill "$pcscd_pid" 2>/dev/null
    wait "$pcscd_pid" 2>/dev/null
  fi
  if [ "${PCSCD_DEBUG:-}" = 1 ]; then
    cp "$work/pcscd.log" "$work.log" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p /run/pcscd && mount -t tmpfs -o mode=0755 tmpfs /run/pcscd || exit 1
deck=${OPENTKE_DECK:-$work/deck}
mkdir -p "$deck" "$work/conf" && chmod 0700 "$deck"
export OPENTKE_DECK="$deck"
sed -e "s|@DECK@|$deck|g" -e "s|@DRIVER@|$driver|g" "$template" >"$work/conf/opentke.conf" ||
  exit 1

if [ "$start_daemon" = 0 ]; then
  export OPENTKE_PCSCD=none
else
  debug=
  [ "${PCSCD_DEBUG:-}" = 1 ] && debug=-d
  # pcscd's own leaks are not ours to report.
  LD_PRELOAD=$preload ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
    pcscd -f $debug -c "$work/conf" >"$work/pcscd.log" 2>&1 &
  pcscd_pid=$!
  # pcscd loads reader.conf before it opens its socket: once the socket is
  # there, both readers are.  At most 10 s.
  i=0
  while [ ! -S /run/pcscd/pcscd.comm ]; do
    if ! kill -0 "$pcscd_pid" 2>/dev/null || [ $i -ge 200 ]; then
      echo "Bail out! pcscd did not start:"
      sed 's/^/# /' "$work/pcscd.log"
      exit 1
    fi
    sleep 0.05
    i=$((i + 1))
  done
fi

"$@"
