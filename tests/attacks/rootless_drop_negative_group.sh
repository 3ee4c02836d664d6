#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Claim attacked (docs/policy.md, "Rootless"): "The worst a rootless
# container can do to the host is what its user can do."
# A user with /etc/subgid ranges gets a gid map from newgidmap with
# /proc/PID/setgroups left "allow", and bulwark gives the container's
# process only the config's groups: the user's host supplementary groups
# are gone inside. A file the host denies to a group (mode 0604, group
# "banned", the user a member) is unreadable to the user on the host and
# readable to the user's rootless container through a bind mount: the
# container does more than its user can (the negative-group door of
# CVE-2018-7169, which newgidmap closes only for a map of the user's own
# gid alone, as the single-id case here shows).
# Expected (per the docs): the file stays unreadable in the container.
# Observed (2026-12-06): BROKEN: cat is denied on the host, the container
#   (setgroups "allow", groups 0 only) prints the file.
set -u
BULWARK=${BULWARK:-$(cd "$(dirname "$0")/../.." && pwd)/build/bulwark}
if [[ -z ${BW_LOCKED-} ]]; then
  BW_LOCKED=1 exec flock /run/bw-subuid.lock env BW_LOCKED=1 BULWARK="$BULWARK" bash "$0" "$@"
fi
source "$(dirname "$0")/rootless_lib.sh"
GRP=bwatk-ban$$
D=$(mktemp -d /tmp/bulwark-rl-neg.XXXXXX)
rl_setup; trap 'rl_teardown; rm -rf "$D" "$OUT"; groupdel "$GRP" 2>/dev/null' EXIT
OUT=$(mktemp /tmp/bulwark-rl-out.XXXXXX)
groupadd "$GRP"; usermod -a -G "$GRP" "$RL_ATK"
chmod 755 "$D"; echo secret-for-non-members >"$D/denied"
chgrp "$GRP" "$D/denied"; chmod 0604 "$D/denied"
host=$(as_user "$RL_ATK" cat "$D/denied" 2>&1)
rl_edit --arg d "$D" '.process.terminal = false | .process.args = ["sh", "-c", "id; cat /proc/self/setgroups; cat /root/denied"]
  | .mounts += [{"destination": "/root", "type": "bind", "source": $d, "options": ["rbind", "ro"]}]'
as_user "$RL_ATK" "$RLB/bulwark" run rlng$$ </dev/null >"$OUT" 2>&1 3>&-
echo "  on the host, as $RL_ATK: $host"
grep -v 'warning: linux.resources' "$OUT" | sed 's/^/  in the container: /'
if grep -q secret-for-non-members "$OUT" && [[ $host != *secret* ]]; then
  verdict BROKEN "the rootless container read a file its user is denied on the host (group $GRP, mode 0604)"
else
  verdict SAFE "the container could not read what its user cannot"
fi
