#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Claim attacked (docs/policy.md, "Rootless", BW040-BW043): for an
# unprivileged bulwark "the caller's own id and its subordinate ranges are
# its own to map ...; ids past them are still reported (and the kernel
# refuses them)". onto_host_ids (src/policy/checks.c) reports a rootless
# caller's mapping only for ids below 65,536 or of /etc/passwd: every
# subordinate-range check is guarded by !h->rootless, and live ranges are
# not read. An explicit mapping onto ANOTHER user's /etc/subuid range is
# not reported, even by restricted in enforce mode; only newuidmap refuses
# it. No escape (newuidmap, and the kernel under rootless Podman, refuse
# the write): the policy's verdict and the docs are what is false.
# Expected (per the docs): BW043 reports uidMappings[1].
# Observed (2026-12-06): restricted lists BW082 and BW102, no BW043; with
#   the default profile the run reaches newuidmap, which refuses it.
set -u
BULWARK=${BULWARK:-$(cd "$(dirname "$0")/../.." && pwd)/build/bulwark}
if [[ -z ${BW_LOCKED-} ]]; then
  BW_LOCKED=1 exec flock /run/bw-subuid.lock env BW_LOCKED=1 BULWARK="$BULWARK" bash "$0" "$@"
fi
source "$(dirname "$0")/rootless_lib.sh"
rl_setup; trap 'rl_teardown; rm -f "$OUT"' EXIT
OUT=$(mktemp /tmp/bulwark-rl-out.XXXXXX)
rl_edit --argjson v "$VIC_START" --argjson u "$ATK_UID" '.process.terminal = false | .process.args = ["true"]
  | .linux.uidMappings = [{"containerID":0,"hostID":$u,"size":1},{"containerID":1,"hostID":$v,"size":100}]'
as_user "$RL_ATK" "$RLB/bulwark" --profile restricted --policy-mode enforce run rlo$$ </dev/null >"$OUT" 2>&1 3>&-
sed 's/^/  bulwark: /' "$OUT" | grep -v 'warning: linux.resources' | head -6
if grep -q 'BW043' "$OUT"; then
  verdict SAFE "BW043 reports the mapping onto user $RL_VIC's range"
else
  verdict BROKEN "a mapping onto user $RL_VIC's /etc/subuid range ($VIC_START) is not reported by BW043 (docs say ids past the caller's own are reported); newuidmap refused it"
fi
