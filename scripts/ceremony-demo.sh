#!/usr/bin/env bash
# scripts/ceremony-demo.sh BUILD_DIR GUI_FLAG [--files]
#
# The key ceremony of a fresh workstation, with tkectl and the local service
# instance (2 operational + 2 recovery crypto units), printed as a person at
# the workstation sees it: each command, its prompts and the answers typed
# (passwords masked).  scripts/demo runs it after building.
#
#   --files   the key-part-file approach of seed 002 (signature keys and key
#             parts in password-protected files).  This is what runs today:
#             the smart card ceremony of seed 003 needs the EP11 card
#             operations of libcard, which tkectl does not drive yet.
#
# The workstation is a new temporary folder ($XDG_DATA_HOME of the demo),
# kept at the end so that you can look at it or go on with tkectl.
set -uo pipefail

build=${1:?usage: ceremony-demo.sh BUILD_DIR GUI_FLAG [--files]}
gui=${2:-0}
tkectl=$build/tke-app/cli/tkectl

if [ "$gui" = 1 ]; then
  if [ -x "$build/tke-app/tke" ]; then
    exec "$build/tke-app/tke"
  fi
  echo "The TKE application (GUI) is not there yet: it arrives with its own issue."
  echo "Run scripts/demo without --gui for the ceremony on the command line."
  exit 1
fi
if [ ! -x "$tkectl" ]; then
  echo "ceremony-demo: $tkectl is not built" >&2
  exit 1
fi

XDG_DATA_HOME=$(mktemp -d "${TMPDIR:-/tmp}/opentke-demo.XXXXXX")
export XDG_DATA_HOME
unset CLOUDTKEFILES OPENTKE_KEYFILE_KDF_LOG2N
start=$(date +%s%N)
n_steps=0

# The passwords of the people at the workstation.  They are typed at the
# prompts (here: fed on stdin), never given as arguments.
PW_ALICE='alice: correct horse'
PW_BOB='bob: battery staple'
PW_PART=('part one secret' 'part two secret' 'part three secret'
         'new part one secret' 'new part two secret' 'new part three secret')

say () { printf '\n\033[1m== %s\033[0m\n' "$*"; }

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

# quiet ARGS...: a command whose only output the script needs.
quiet () { "$tkectl" "$@" 2>/dev/null; }

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

say "The service at work: a key in crypto unit 1 encrypts data"
key=$(quiet key-create 1 </dev/null) || { echo "ceremony-demo: key-create failed" >&2; exit 1; }
echo "key $key created in crypto unit 1"
secret_text="Quarterly payroll, encrypted before the rotation"
cipher=$(printf '%s\n' "$secret_text" | quiet key-encrypt 1 "$key") || {
  echo "ceremony-demo: key-encrypt failed" >&2; exit 1; }
echo "\"$secret_text\" encrypted: ${cipher:0:48}..."

say "Rotation: a new master key from three new key parts"
for i in 3 4 5; do
  run "new key part $((i - 2))\n${PW_PART[$i]}\n${PW_PART[$i]}\n" mk-add --random
done
run "4 5 6\n${PW_PART[3]}\n${PW_PART[4]}\n${PW_PART[5]}\n$PW_ALICE\n" cryptounit-mk-load
run "$PW_ALICE\n$PW_BOB\n" cryptounit-mk-commit
run "y\n$PW_ALICE\n" cryptounit-mk-rotate

say "The data encrypted before the rotation decrypts under the new master key"
plain=$(quiet key-decrypt 1 "$key" "$cipher" </dev/null) || { echo "ceremony-demo: key-decrypt failed" >&2; exit 1; }
echo "decrypted: \"$plain\""
[ "$plain" = "$secret_text" ] || { echo "ceremony-demo: the decrypted text differs" >&2; exit 1; }

say "Compare the selected crypto units"
run "" cryptounit-compare

ms=$((($(date +%s%N) - start) / 1000000))
printf '\nThe ceremony took %d.%03d s (%d tkectl commands).  Workstation kept in %s\n' \
  $((ms / 1000)) $((ms % 1000)) "$n_steps" "$XDG_DATA_HOME"
