#!/bin/sh
# foreign-clients.sh: PC/SC clients that are not ours use the virtual PIN-pad
# readers.  Runs inside with-pcscd.sh (which exports OPENTKE_DECK):
#
#   foreign-clients.sh TKE_VCARD pcsc_scan|opensc-tool|pyscard
#
# Exit 77 (skip) when the client is not installed (Debian packages
# pcsc-tools, opensc, python3-pyscard).  A blank virtual card goes into
# reader 2 first; each check is retried for up to 5 s, the time pcscd may
# take to notice the card.
set -u
vcard=$1
client=$2
# The ATR of the virtual cards (docs/card-protocol.md).
atr='3B 88 80 01'
select_ep11='00:A4:04:00:09:F0:54:4B:45:45:50:31:31:01'

case $client in
  pcsc_scan) tool=pcsc_scan ;;
  opensc-tool) tool=opensc-tool ;;
  pyscard) tool=/usr/bin/python3 ;;
  *) echo "unknown client $client" >&2; exit 2 ;;
esac
command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not installed"; exit 77; }
if [ "$client" = pyscard ] && ! /usr/bin/python3 -c 'import smartcard' 2>/dev/null; then
  echo "python3-pyscard is not installed"
  exit 77
fi

"$vcard" new foreign >/dev/null && "$vcard" insert foreign --reader 2 || exit 1

check_pcsc_scan() {
  out=$(pcsc_scan -r 2>&1) || return 1
  echo "$out" | grep -q 'OpenTKE Virtual PIN Pad 1' &&
    echo "$out" | grep -q 'OpenTKE Virtual PIN Pad 2' || return 1
  # -c: the card list with each card's ATR, read by pcsc_scan from pcscd.
  pcsc_scan -c -n 2>&1 | grep -q "$atr"
}

check_opensc_tool() {
  # "Nr. Card Features Name": the number of the line that names reader 2.
  nr=$(opensc-tool -l 2>/dev/null | awk '/OpenTKE Virtual PIN Pad 2/ { print $1; exit }')
  [ -n "$nr" ] || return 1
  opensc-tool -r "$nr" -s "$select_ep11" 2>&1 | grep -q 'SW1=0x90, SW2=0x00'
}

check_pyscard() {
  /usr/bin/python3 - <<'EOF'
import sys
from smartcard.scard import (SCARD_CTL_CODE, SCARD_S_SUCCESS, SCARD_SCOPE_USER,
                             SCARD_SHARE_DIRECT, SCardConnect, SCardControl,
                             SCardEstablishContext, SCardListReaders)

rv, ctx = SCardEstablishContext(SCARD_SCOPE_USER)
rv, readers = SCardListReaders(ctx, [])
ours = [r for r in readers if "OpenTKE Virtual PIN Pad" in r]
if rv != SCARD_S_SUCCESS or len(ours) != 2:
    sys.exit(1)
for reader in ours:
    rv, card, _ = SCardConnect(ctx, reader, SCARD_SHARE_DIRECT, 0)
    if rv != SCARD_S_SUCCESS:
        sys.exit(1)
    rv, tlv = SCardControl(card, SCARD_CTL_CODE(3400), [])
    if rv != SCARD_S_SUCCESS or len(tlv) % 6:
        sys.exit(1)
    tags = {tlv[i] for i in range(0, len(tlv), 6)}
    # FEATURE_VERIFY_PIN_DIRECT and FEATURE_MODIFY_PIN_DIRECT
    if not {0x06, 0x07} <= tags:
        sys.exit(1)
EOF
}

i=0
while :; do
  case $client in
    pcsc_scan) check_pcsc_scan && break ;;
    opensc-tool) check_opensc_tool && break ;;
    pyscard) check_pyscard && break ;;
  esac
  i=$((i + 1))
  if [ $i -ge 50 ]; then
    echo "$client does not see the virtual readers as expected" >&2
    exit 1
  fi
  sleep 0.1
done
echo "$client: ok"
