#!/usr/bin/env bash
# scripts/ceremony-demo.sh BUILD_DIR GUI_FLAG [--files] [--remote] [--pcscd]
#
# The key ceremony of a fresh workstation, with tkectl and the local service
# instance (2 operational + 2 recovery crypto units), printed as a person at
# the workstation sees it: each command, its prompts and the answers typed
# (passwords masked).  scripts/demo runs it after building.
#
# By default the smart card ceremony of seed 003 on a virtual card deck (a CA
# card and its backup, two admin EP11 cards, three key part cards and a copy
# of one), with the in-process virtual readers: a small driver plays the
# person at the workstation, inserting the cards tkectl asks for (tke-vcard)
# and typing the PINs on the virtual PIN pads.
#
#   --files   the key-part-file approach of seed 002 instead (signature keys
#             and key parts in password-protected files).
#   --remote  the crypto units served by a cryptounitd started for the demo
#             on 127.0.0.1 (HTTPS, pinned certificate), not the local ones.
#   --pcscd   the cards through a private pcscd (root: its own mount
#             namespace, tests/pcscd/with-pcscd.sh) with our virtual PIN-pad
#             reader driver, on the production PC/SC code path.
#
# The workstation is a new temporary folder ($XDG_DATA_HOME of the demo),
# kept at the end so that you can look at it or go on with tkectl.
set -uo pipefail

build=${1:?usage: ceremony-demo.sh BUILD_DIR GUI_FLAG [--files] [--remote] [--pcscd]}
gui=${2:-0}
mode=cards
remote=0
pcscd=0
passed=()
for arg in "${@:3}"; do
  case "$arg" in
    --files) mode=files; passed+=("$arg") ;;
    --remote) remote=1; passed+=("$arg") ;;
    --pcscd) pcscd=1 ;;
    *) echo "ceremony-demo: unknown option $arg" >&2; exit 2 ;;
  esac
done
tkectl=$build/tke-app/cli/tkectl
vcard=$build/applets/tke-vcard

if [ ! -x "$tkectl" ]; then
  echo "ceremony-demo: $tkectl is not built" >&2
  exit 1
fi

# Inside the private pcscd of --pcscd, the workstation made before is kept.
if [ "${OPENTKE_DEMO_PCSCD:-}" != inside ]; then
  XDG_DATA_HOME=$(mktemp -d "${TMPDIR:-/tmp}/opentke-demo.XXXXXX")
fi
export XDG_DATA_HOME
unset CLOUDTKEFILES OPENTKE_KEYFILE_KDF_LOG2N

if [ "$pcscd" = 1 ] && [ "${OPENTKE_DEMO_PCSCD:-}" != inside ]; then
  top=$(cd "$(dirname "$0")/.." && pwd)
  export OPENTKE_DECK=$XDG_DATA_HOME/opentke/deck
  mkdir -p "$OPENTKE_DECK" && chmod 0700 "$OPENTKE_DECK"
  echo "The cards go through a private pcscd with the OpenTKE virtual PIN-pad readers."
  OPENTKE_DEMO_PCSCD=inside exec "$top/tests/pcscd/with-pcscd.sh" "$top/data/reader.conf.in" \
    "$build/applets/ifd/libifd-opentke.so" -- "$0" "$build" 0 "${passed[@]}" --pcscd
fi

# --gui: the TKE application on a fresh virtual workstation (blank cards in
# the deck, the local service instance), when it is built.
if [ "$gui" = 1 ]; then
  tke=$build/tke-app/gui/tke
  if [ ! -x "$tke" ]; then
    echo "The TKE application (GUI) is not built in $build: it comes with its own issue."
    echo "Run scripts/demo without --gui for the ceremony on the command line."
    exit 1
  fi
  export OPENTKE_CARD_BACKEND=virtual
  export OPENTKE_DECK=$XDG_DATA_HOME/opentke/deck
  mkdir -p "$OPENTKE_DECK"
  for c in ca ca-backup admin1 admin2 part1 part2 part3 part1-copy; do
    "$vcard" new "$c" >/dev/null || exit 1
  done
  echo "Virtual workstation in $XDG_DATA_HOME (cards: $("$vcard" list | tr '\n' ' '))"
  echo "Move cards with: OPENTKE_DECK=$OPENTKE_DECK $vcard insert NAME --reader 1|2"
  exec "$tke"
fi
start=$(date +%s%N)
n_steps=0

# --remote: a cryptounitd for the demo, and tkectl pointed at it.
if [ "$remote" = 1 ]; then
  cud=$build/libcrypto-unit/server/cryptounitd
  [ -x "$cud" ] || { echo "ceremony-demo: $cud is not built" >&2; exit 1; }
  port=$((20000 + RANDOM % 20000))
  (umask 077; "$cud" init --state "$XDG_DATA_HOME/service" --instance demo --operational 2 \
     --failover 0 --recovery 2 > "$XDG_DATA_HOME/credential.txt" 2>/dev/null) || {
    echo "ceremony-demo: cryptounitd init failed" >&2; exit 1; }
  fingerprint=$(awk '/^tls-fingerprint /{print $2}' "$XDG_DATA_HOME/credential.txt")
  "$cud" serve --state "$XDG_DATA_HOME/service" --listen "127.0.0.1:$port" \
    > "$XDG_DATA_HOME/cryptounitd.log" 2>&1 &
  cud_pid=$!
  trap 'kill "$cud_pid" 2>/dev/null' EXIT
  export GIO_USE_PROXY_RESOLVER=dummy
  "$tkectl" target --url "https://127.0.0.1:$port" --credential-file "$XDG_DATA_HOME/credential.txt" \
    --fingerprint "$fingerprint" </dev/null || exit 1
  for _ in $(seq 50); do
    "$tkectl" cryptounits </dev/null >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

say () { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# quiet ARGS...: a command whose only output the script needs.
quiet () { "$tkectl" "$@" 2>/dev/null; }

# The end of both ceremonies: the time it took.
finish () {
  local ms=$((($(date +%s%N) - start) / 1000000))
  printf '\nThe ceremony took %d.%03d s (%d tkectl commands).  Workstation kept in %s\n' \
    $((ms / 1000)) $((ms % 1000)) "$n_steps" "$XDG_DATA_HOME"
}

# The service at work, before and after the rotation.
encrypt_sample () {
  say "The service at work: a key in crypto unit 1 encrypts data"
  key=$(quiet key-create 1 </dev/null) || { echo "ceremony-demo: key-create failed" >&2; exit 1; }
  echo "key $key created in crypto unit 1"
  secret_text="Quarterly payroll, encrypted before the rotation"
  cipher=$(printf '%s\n' "$secret_text" | quiet key-encrypt 1 "$key") || {
    echo "ceremony-demo: key-encrypt failed" >&2; exit 1; }
  echo "\"$secret_text\" encrypted: ${cipher:0:48}..."
}

decrypt_sample () {
  say "The data encrypted before the rotation decrypts under the new master key"
  plain=$(quiet key-decrypt 1 "$key" "$cipher" </dev/null) || {
    echo "ceremony-demo: key-decrypt failed" >&2; exit 1; }
  echo "decrypted: \"$plain\""
  [ "$plain" = "$secret_text" ] || { echo "ceremony-demo: the decrypted text differs" >&2; exit 1; }
}

if [ "$mode" = cards ]; then
  [ -x "$vcard" ] || { echo "ceremony-demo: $vcard is not built" >&2; exit 1; }
  command -v python3 >/dev/null || { echo "ceremony-demo: python3 is needed for the card demo" >&2; exit 1; }
  # The in-process virtual readers, or (--pcscd) pcscd's readers on the same deck.
  [ "$pcscd" = 1 ] || export OPENTKE_CARD_BACKEND=virtual
  export OPENTKE_DECK=$XDG_DATA_HOME/opentke/deck
  mkdir -p "$OPENTKE_DECK"
  driver=$XDG_DATA_HOME/demo-driver.py
  cat > "$driver" <<'PY'
# The person at the workstation, for the demo: runs one tkectl command and
# answers its prompts from a list of actions, in order.  Actions:
#   text:VALUE            type VALUE and Enter at the next prompt
#   insert:CARD:R         put CARD into reader R (taking it out of wherever it is),
#                         then Enter at the "Insert ..." prompt
#   remove:R              take the card out of reader R, then Enter
#   pin:R:P1[,P2...]      at the PIN-pad notice of reader R, type each PIN and OK
# usage: driver.py TKE_VCARD ACTION... -- TKECTL ARGS...
import os, re, select, subprocess, sys

vcard = sys.argv[1]
sep = sys.argv.index('--')
actions = sys.argv[2:sep]
cmd = sys.argv[sep + 1:]

def vc(*args):
    subprocess.run([vcard, *args], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def where(card):
    out = subprocess.run([vcard, 'list'], capture_output=True, text=True).stdout
    for line in out.splitlines():
        name, _, rest = line.partition('\t')
        if name == card and rest.startswith('in reader '):
            return rest[-1]
    return None

def fail(msg):
    sys.stdout.flush()
    print('\ndemo driver: ' + msg, file=sys.stderr)
    proc.kill()
    sys.exit(3)

proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
fd = proc.stdout.fileno()
line = b''
answered = False

def next_action(kind):
    if not actions:
        fail('tkectl asked for more than the demo planned (%s): %s' % (kind, line.decode(errors='replace')))
    a = actions.pop(0)
    if not a.startswith(kind):
        fail('expected a %s step, the demo had %s, at: %s' % (kind, a, line.decode(errors='replace')))
    return a.split(':')

def answer(text):
    global answered
    proc.stdin.write(text.encode() + b'\n')
    proc.stdin.flush()
    answered = True

while True:
    ready, _, _ = select.select([fd], [], [], 0.15)
    if ready:
        data = os.read(fd, 4096)
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        for ch in data:
            line += bytes([ch])
            if ch == 10:
                m = re.search(rb'on the PIN pad of smart card reader (\d)', line)
                if m:
                    a = next_action('pin')
                    for p in a[2].split(','):
                        vc('pinpad', '--reader', a[1], p)
                line = b''
                answered = False
        continue
    if proc.poll() is not None:
        break
    if line and not answered:
        text = line.decode(errors='replace')
        if 'Insert ' in text and 'then press Enter' in text:
            a = next_action('insert')
            card, reader = a[1], a[2]
            other = where(card)
            if other:
                vc('remove', '--reader', other)
            vc('remove', '--reader', reader)
            vc('insert', card, '--reader', reader)
            answer('')
        elif 'Remove ' in text and 'then press Enter' in text:
            a = next_action('remove')
            vc('remove', '--reader', a[1])
            answer('')
        else:
            a = next_action('text')
            answer(':'.join(a[1:]))
rc = proc.wait()
if rc == 0 and actions:
    fail('tkectl finished before these demo steps: %s' % ' '.join(actions))
sys.exit(rc)
PY
  # PINs typed on the virtual PIN pads (six digits, DESIGN.md §2).
  CA_PIN1=135790
  CA_PIN2=246802
  declare -A PIN=([admin1]=111111 [admin2]=222222 [part1]=333333 [part2]=444444
                  [part3]=555555 [part1-copy]=333333)

  # card ACTIONS... -- ARGS...: runs tkectl ARGS, the driver doing ACTIONS at
  # its prompts; both readers start empty.
  card () {
    local actions=()
    while [ "$1" != -- ]; do actions+=("$1"); shift; done
    shift
    n_steps=$((n_steps + 1))
    "$vcard" remove --reader 1 >/dev/null 2>&1
    "$vcard" remove --reader 2 >/dev/null 2>&1
    printf '$ tkectl %s\n' "$*"
    if ! python3 "$driver" "$vcard" "${actions[@]}" -- "$tkectl" "$@"; then
      echo "ceremony-demo: tkectl $* failed; the workstation is in $XDG_DATA_HOME" >&2
      exit 1
    fi
  }
  ca_in_1 () { echo insert:ca:1; echo "pin:1:$CA_PIN1,$CA_PIN2"; }
  signer () { echo "insert:$1:1"; echo "pin:1:${PIN[$1]}"; }

  echo "OpenTKE key ceremony with smart cards (seed 003): virtual card deck$([ "$pcscd" = 1 ] && echo " behind pcscd"), $([ "$remote" = 1 ] && echo "crypto units of cryptounitd" || echo "local service instance")."
  echo "Workstation: $XDG_DATA_HOME/opentke"

  say "A virtual deck of blank cards"
  for c in ca ca-backup admin1 admin2 part1 part2 part3 part1-copy; do
    "$vcard" new "$c" || exit 1
  done
  "$vcard" list
  say "The smart card readers"
  card -- readers

  say "Smart Card Utility: the CA card of a new zone, and its backup"
  card insert:ca:2 "text:Demo zone" "text:CA card" \
    "pin:2:$CA_PIN1,$CA_PIN1,$CA_PIN2,$CA_PIN2" -- ca-init
  card $(ca_in_1) insert:ca-backup:2 -- ca-backup
  card insert:ca-backup:2 -- ca-show

  say "Smart Card Utility: six EP11 cards enrolled in the zone and personalized"
  for c in admin1 admin2 part1 part2 part3 part1-copy; do
    card $(ca_in_1) "insert:$c:2" -- ep11-init
    card "insert:$c:2" "text:$c card" "pin:2:${PIN[$c]},${PIN[$c]}" -- ep11-personalize
  done

  say "Smart card tab: a signature key on each admin card, a key part on each part card"
  for c in admin1 admin2; do
    card "insert:$c:2" "pin:2:${PIN[$c]}" "text:$c" -- card-sigkey-gen
  done
  for i in 1 2 3; do
    card "insert:part$i:2" "pin:2:${PIN[part$i]}" "text:key part $i" -- card-mk-gen
  done

  say "Smart card tab: copy the card of key part 1"
  card insert:part1:1 "pin:1:${PIN[part1]}" insert:part1-copy:2 "pin:2:${PIN[part1-copy]}" -- card-copy
  card insert:part1-copy:2 -- ep11-show

  say "Crypto units tab: select every crypto unit of the instance"
  card "text:1 2 3 4" -- cryptounit-add
  card -- cryptounits

  say "Administrators tab: add the two administrators from their cards in reader 1"
  card $(signer admin1) -- --card cryptounit-admin-add
  card $(signer admin2) -- --card cryptounit-admin-add
  card -- cryptounit-admins

  say "Signature thresholds tab: 2 and 2, signed by both administrators' cards"
  card text:2 text:2 $(signer admin1) remove:1 $(signer admin2) -- --card cryptounit-thrhld-set
  card -- cryptounit-thrhlds

  # load N: key part N of each of the three part cards (reader 2), then one
  # administrator's signature (reader 1).
  load () {
    card text:3 \
      insert:part1:2 "pin:2:${PIN[part1]}" "text:$1" remove:2 \
      insert:part2:2 "pin:2:${PIN[part2]}" "text:$1" remove:2 \
      insert:part3:2 "pin:2:${PIN[part3]}" "text:$1" remove:2 \
      $(signer admin1) -- --card cryptounit-mk-load
  }

  say "Master keys tab: load the new master key register from the three key part cards"
  load 1
  card -- cryptounit-mk

  say "Master keys tab: commit (two administrators)"
  card $(signer admin1) remove:1 $(signer admin2) -- --card cryptounit-mk-commit

  say "Master keys tab: set immediate"
  card text:y $(signer admin1) -- --card cryptounit-mk-setimm
  card -- cryptounit-mk

  encrypt_sample

  say "Rotation: three new key parts on the part cards, loaded, committed, rotated"
  for i in 1 2 3; do
    card "insert:part$i:2" "pin:2:${PIN[part$i]}" "text:new key part $i" -- card-mk-gen
  done
  load 2
  card $(signer admin1) remove:1 $(signer admin2) -- --card cryptounit-mk-commit
  card text:y $(signer admin1) -- --card cryptounit-mk-rotate

  decrypt_sample

  say "Compare the selected crypto units"
  card -- cryptounit-compare
  finish
  exit 0
fi

# The passwords of the people at the workstation.  They are typed at the
# prompts (here: fed on stdin), never given as arguments.
PW_ALICE='alice: correct horse'
PW_BOB='bob: battery staple'
PW_PART=('part one secret' 'part two secret' 'part three secret'
         'new part one secret' 'new part two secret' 'new part three secret')

# run "ANSWERS" ARGS...: shows the command, types ANSWERS (one per line) at
# its prompts, and stops the demo if it fails.
run () {
  local answers=$1; shift
  n_steps=$((n_steps + 1))
  printf '$ tkectl %s\n' "$*"
  if ! printf '%b' "$answers" | "$tkectl" "$@" 2>&1; then
    echo "ceremony-demo: tkectl $* failed; the workstation is in $XDG_DATA_HOME" >&2
    exit 1
  fi
}

echo "OpenTKE key ceremony: the key-part-file approach (seed 002), local service instance."
echo "Workstation: $XDG_DATA_HOME/opentke"

say "The crypto units of the service instance"
run "" cryptounits

say "Step 1: signature keys for two administrators, selected to sign commands"
run "alice\n$PW_ALICE\n$PW_ALICE\n" sigkey-add
run "bob\n$PW_BOB\n$PW_BOB\n" sigkey-add
run "" sigkeys
run "1 2\n$PW_ALICE\n$PW_BOB\n" sigkey-sel

say "Select every crypto unit of the instance"
run "1 2 3 4\n" cryptounit-add
run "" cryptounits

say "Step 2: add the two administrators (imprint mode: no signature needed)"
run "1\n$PW_ALICE\n" cryptounit-admin-add
run "2\n$PW_BOB\n" cryptounit-admin-add
run "" cryptounit-admins

say "Step 3: leave imprint mode: signature thresholds 2 and 2, signed by both"
run "2\n2\n$PW_ALICE\n$PW_BOB\n" cryptounit-thrhld-set
run "" cryptounit-thrhlds

say "Step 4: three random master key parts, each with its owner's password"
for i in 0 1 2; do
  run "key part $((i + 1))\n${PW_PART[$i]}\n${PW_PART[$i]}\n" mk-add --random
done
run "" mks

say "Step 5: load the new master key register from the three parts (one signature)"
run "1 2 3\n${PW_PART[0]}\n${PW_PART[1]}\n${PW_PART[2]}\n$PW_ALICE\n" cryptounit-mk-load
run "" cryptounit-mk

say "Step 6: commit the new master key register (two signatures)"
run "$PW_ALICE\n$PW_BOB\n" cryptounit-mk-commit

say "Step 7: activate the master key (set immediate)"
run "y\n$PW_ALICE\n" cryptounit-mk-setimm
run "" cryptounit-mk

encrypt_sample

say "Rotation: a new master key from three new key parts"
for i in 3 4 5; do
  run "new key part $((i - 2))\n${PW_PART[$i]}\n${PW_PART[$i]}\n" mk-add --random
done
run "4 5 6\n${PW_PART[3]}\n${PW_PART[4]}\n${PW_PART[5]}\n$PW_ALICE\n" cryptounit-mk-load
run "$PW_ALICE\n$PW_BOB\n" cryptounit-mk-commit
run "y\n$PW_ALICE\n" cryptounit-mk-rotate

decrypt_sample

say "Compare the selected crypto units"
run "" cryptounit-compare

finish
