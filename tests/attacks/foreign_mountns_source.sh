#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: a host user (uid 1999999999) makes a private user+mount
# namespace, binds the host's /etc at /tmp/.../x there, and the config
# names the bind source /proc/PID/root/tmp/.../x. bulwark opens it (the
# magic link is followed), and judges it by readlink(/proc/self/fd/N):
# d_path of a mount in another namespace is its path there, "/tmp/.../x",
# so the policy sees a harmless host directory, not /etc: no BW072 under
# restricted. Today only open_tree(OPEN_TREE_CLONE) refusing a mount of
# another namespace stops it (create fails with an open_tree error).
# Expected safe outcome: the source is judged by what it is (host /etc:
#   BW072/BW071) or refused as not on this host's mount tree (BW076), by
#   the policy, before any mechanism; audit says the same.
# Observed: policy passes; create fails later "cloning the mount of
#   /tmp/.../x (open_tree)"; a runtime whose clone succeeded (not root:
#   init clones) would rely on that alone.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle
d=$(mktemp -d /tmp/bw-a3-ns.XXXXXX); chmod 777 "$d"; mkdir -m 777 "$d/x"
setpriv --reuid=1999999999 --regid=1999999999 --clear-groups \
  unshare -Urm sh -c "mount --bind /etc $d/x && echo \$\$ > $d/pid && exec sleep 60" &
holder=$!
trap 'kill $holder 2>/dev/null; wait $holder 2>/dev/null; teardown_bundle; rm -rf "$d"' EXIT
for _ in $(seq 50); do [[ -s $d/pid ]] && break; sleep 0.1; done
pid=$(cat "$d/pid")
config_edit --arg s "/proc/$pid/root$d/x" '.mounts += [{"destination":"/h","type":"bind","source":$s,"options":["rbind","ro"]}]'
out=$("$BULWARK" --root "$BW_ROOT" --profile restricted create --bundle "$BUNDLE" ns1 2>&1)
echo "$out"
if grep -qE 'BW07[126]' <<<"$out"; then
  verdict SAFE "refused by the policy"
else
  verdict BROKEN "the policy judged the host's /etc as $d/x"
fi
