#!/bin/sh
# foreign-clients.sh: PC/SC clients that are not ours use the virtual PIN-pad
# readers.  Runs inside with-pcscd.sh (which exports OPENTKE_DECK) and speaks
# TAP, one test point per check:
#
#   foreign-clients.sh TKE_VCARD
#
# A client that is not installed (Debian packages pcsc-tools, opensc,
# python3-pyscard) makes its test points "# SKIP".  A blank virtual card goes
# into reader 2 first; each check is retried for up to 5 s, the time pcscd may
# take to notice the card.  What a client printed when a check failed is shown
# as TAP comments.
set -u
vcard=$1
# The ATR of the virtual cards (docs/card-protocol.md).
atr='3B 88 80 01'
select_ep11='00:A4:04:00:09:F0:54:4B:45:45:50:31:31:01'
out=$(mktemp "${TMPDIR:-/tmp}/foreign-clients.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT

echo "1..5"
if ! { "$vcard" new foreign >/dev/null && "$vcard" insert foreign --reader 2; }; then
  echo "Bail out! tke-vcard cannot put a card into reader 2"
  exit 1
fi

# pcsc_scan -r: the reader list, as pcscd gives it.
check_scan_readers() {
  pcsc_scan -r >"$out" 2>&1 &&
    grep -q 'OpenTKE Virtual PIN Pad 1' "$out" && grep -q 'OpenTKE Virtual PIN Pad 2' "$out"
}

# pcsc_scan -c: the card state of each reader, with the card's ATR.
check_scan_card() {
  pcsc_scan -c -n >"$out" 2>&1 && grep -q "$atr" "$out"
}

# opensc-tool: SELECT of the EP11 applet in reader 2 answers 90 00.
check_opensc_select() {
  # "Nr. Card Features Name": the number of the line that names reader 2.
  nr=$(opensc-tool -l 2>"$out" | awk '/OpenTKE Virtual PIN Pad 2/ { print $1; exit }')
  [ -n "$nr" ] || return 1
  opensc-tool -r "$nr" -s "$select_ep11" >"$out" 2>&1 && grep -q 'SW1=0x90, SW2=0x00' "$out"
}

# pyscard: CM_IOCTL_GET_FEATURE_REQUEST on both readers (a direct connection,
# as a PIN-pad aware client asks before it uses a card) lists
# FEATURE_VERIFY_PIN_DIRECT (0x06) and FEATURE_MODIFY_PIN_DIRECT (0x07).
check_pyscard_features() {
  /usr/bin/python3 - >"$out" 2>&1 <<'EOF'
import sys
from smartcard.scard import (SCARD_CTL_CODE, SCARD_S_SUCCESS, SCARD_SCOPE_USER,
                             SCARD_SHARE_DIRECT, SCardConnect, SCardControl,
                             SCardDisconnect, SCardEstablishContext,
                             SCardListReaders, SCARD_LEAVE_CARD)

rv, ctx = SCardEstablishContext(SCARD_SCOPE_USER)
rv, readers = SCardListReaders(ctx, [])
ours = [r for r in readers if "OpenTKE Virtual PIN Pad" in r]
if rv != SCARD_S_SUCCESS or len(ours) != 2:
    sys.exit("readers: %r" % (readers,))
for reader in ours:
    rv, card, _ = SCardConnect(ctx, reader, SCARD_SHARE_DIRECT, 0)
    if rv != SCARD_S_SUCCESS:
        sys.exit("%s: SCardConnect %x" % (reader, rv))
    rv, tlv = SCardControl(card, SCARD_CTL_CODE(3400), [])
    SCardDisconnect(card, SCARD_LEAVE_CARD)
    if rv != SCARD_S_SUCCESS or len(tlv) % 6:
        sys.exit("%s: SCardControl %x, %d bytes" % (reader, rv, len(tlv)))
    tags = {tlv[i] for i in range(0, len(tlv), 6)}
    if not {0x06, 0x07} <= tags:
        sys.exit("%s: features %r" % (reader, sorted(tags)))
EOF
}

# pyscard: the same features through its high-level API (the PIN-pad check of
# pyscard's own examples).
check_pyscard_reader_list() {
  /usr/bin/python3 - >"$out" 2>&1 <<'EOF'
import sys
from smartcard.System import readers
from smartcard.pcsc.PCSCPart10 import getFeatureRequest, hasFeature
from smartcard.scard import SCARD_SHARE_DIRECT

ours = [r for r in readers() if "OpenTKE Virtual PIN Pad 2" in str(r)]
if len(ours) != 1:
    sys.exit("readers: %r" % ([str(r) for r in readers()],))
conn = ours[0].createConnection()
conn.connect(mode=SCARD_SHARE_DIRECT)
features = getFeatureRequest(conn)
for name in ("FEATURE_VERIFY_PIN_DIRECT", "FEATURE_MODIFY_PIN_DIRECT"):
    if hasFeature(features, name) is None:
        sys.exit("%s missing from %r" % (name, features))
EOF
}

n=0
# check TOOL DESCRIPTION FUNCTION
check() {
  n=$((n + 1))
  if ! command -v "$1" >/dev/null 2>&1 ||
    { [ "$1" = /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import smartcard' 2>/dev/null; }; then
    echo "ok $n - $2 # SKIP $1 (or pyscard) is not installed"
    return
  fi
  i=0
  while ! "$3"; do
    i=$((i + 1))
    if [ $i -ge 50 ]; then
      echo "not ok $n - $2"
      sed 's/^/# /' "$out"
      return
    fi
    sleep 0.1
  done
  echo "ok $n - $2"
}

check pcsc_scan "pcsc_scan lists both virtual readers" check_scan_readers
check pcsc_scan "pcsc_scan shows the card in reader 2 with its ATR" check_scan_card
check opensc-tool "opensc-tool: SELECT of the EP11 AID in reader 2 answers 90 00" check_opensc_select
check /usr/bin/python3 "pyscard SCardControl(CM_IOCTL_GET_FEATURE_REQUEST) lists VERIFY_PIN_DIRECT and MODIFY_PIN_DIRECT on both readers" check_pyscard_features
check /usr/bin/python3 "pyscard PCSCPart10.getFeatureRequest finds both PIN features on reader 2" check_pyscard_reader_list
