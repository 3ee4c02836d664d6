#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: a host user swaps a component of a bind source between the
# resolve (bind_resolve.c opens it once and the policy judges that fd) and
# bw_volume_prepare (src/runtime/volumes.c), which resolves the source
# again by path with realpath() to find an engine-made root to re-own.
# The user's directory "d" and a symlink "l" to a root-held engine volume
# ($E/volumes/v/_data, a fixture laid out as Docker lays one) are swapped
# with renameat2(RENAME_EXCHANGE) while a config binds "d". When the swap
# falls between the two resolutions the container gets the user's
# directory (what was judged), but the one-time shift walks and re-owns the
# engine volume, a tree nobody judged and nobody mounts.
# On a Docker host that is any named volume (a runc container's database
# re-owned to V+999: it loses access, bulwark containers gain it), or a
# kubelet pod volume.
# Expected safe outcome: the shift acts only on the object that was judged
#   and is mounted (walk from m->src.fd, or from its ancestors opened from
#   that fd), never on a path resolved again.
# Observed: 5 of 30 creates re-owned the engine volume while the container
#   saw the user's directory.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle
E=$(mktemp -d /tmp/bw-a3-eng.XXXXXX); A=$(mktemp -d /tmp/bw-a3-att.XXXXXX)
FLIP=$(mktemp /tmp/bw-a3-flip.XXXXXX)
cc -O2 -o "$FLIP" "$ATTACKS_DIR/flip.c"; chmod 755 "$FLIP"
FL=
trap '[ -n "$FL" ] && kill $FL 2>/dev/null; wait 2>/dev/null; teardown_bundle; rm -rf "$E" "$A" "$FLIP"' EXIT
chmod 755 "$E"; mkdir -p "$E/volumes/v/_data"; echo data >"$E/volumes/v/_data/f"
chown 1999999999 "$A"; chmod 755 "$A"
setpriv --reuid=1999999999 --regid=1999999999 --clear-groups sh -c \
  "mkdir $A/d && touch $A/d/attackers-dir && ln -s $E/volumes/v/_data $A/l"
config_edit --arg s "$A/d" '.mounts += [{"destination":"/v","type":"bind","source":$s,"options":["rbind","rw"]}] | .process.args=["ls","/v"]'
setpriv --reuid=1999999999 --regid=1999999999 --clear-groups "$FLIP" "$A" d l 120 1000 >/dev/null &
FL=$!
won=0
for i in $(seq 40); do
  # reset as the fixture's owner: the engine volume unshifted, unmarked
  chown -R 1234:1234 "$E/volumes/v/_data"
  python3 -c "import os,sys; os.removexattr(sys.argv[1],'trusted.bulwark.shifted')" "$E/volumes/v/_data" 2>/dev/null
  out=$("$BULWARK" --root "$BW_ROOT" run --bundle "$BUNDLE" "vs$i" 2>/dev/null)
  "$BULWARK" --root "$BW_ROOT" delete --force "vs$i" >/dev/null 2>&1
  owner=$(stat -c %u "$E/volumes/v/_data/f")
  if [[ $out == *attackers-dir* && $owner != 1234 ]]; then
    won=$((won + 1)); echo "try $i: container got $A/d, engine file re-owned to $owner"
  fi
done
if ((won)); then
  verdict BROKEN "$won of 40 creates re-owned a tree that was neither judged nor mounted"
else
  verdict SAFE "the shift never acted on another tree"
fi
