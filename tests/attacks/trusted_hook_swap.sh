#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: BW110 trusts a hook when realpath(path) is a trusted program at
# create (src/runtime/policy_gate.c mark_trusted_hooks), but the hook is
# executed by its path later (src/runtime/hooks.c exec_hook: execve of the
# config's path). poststart and poststop hooks run in later invocations
# (start, delete) from the saved config. The path goes through a symlink
# an unprivileged host user owns: trusted at create, swapped to /bin/sh
# before start, run as host root with the config's args.
# Expected safe outcome: the program that runs is the one judged (exec
#   from an fd, or judge again at exec and refuse), or nothing runs.
# Observed (2026-12-06): create passes restricted; after the user swaps
#   the link, `start` runs /bin/sh as uid 0 on the host.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle; trap 'teardown_bundle; rm -rf "$S"' EXIT
S=$(mktemp -d /tmp/bulwark-a4.XXXXXX); chmod 755 "$S"
proof=$S/swap-proof
printf '#!/bin/sh\nexit 0\n' >"$S/trusted-hook"; chmod 755 "$S/trusted-hook"
echo '{"trustedHooks": ["'"$S/trusted-hook"'"]}' >"$S/policy.json"
mkdir "$S/user"; chown 65534:65534 "$S/user"             # the host user's directory
as_user() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
as_user ln -s "$S/trusted-hook" "$S/user/hook"
config_edit --arg h "$S/user/hook" --arg p "$proof" \
  '.process.args=["sleep","30"] | .hooks = {"poststart":[{"path":$h,"args":["sh","-c","id -u > \($p)"]}]}'
id=a4swap$$
"$BULWARK" --root "$BW_ROOT" --policy "$S/policy.json" --profile restricted create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 ||
  { echo "create refused"; verdict SAFE "create refused"; exit; }
as_user ln -sfn /bin/sh "$S/user/hook"                   # after the check
"$BULWARK" --root "$BW_ROOT" --policy "$S/policy.json" --profile restricted start "$id"
sleep 1
"$BULWARK" --root "$BW_ROOT" delete --force "$id" 2>/dev/null
if [[ -s $proof ]]; then
  verdict BROKEN "/bin/sh ran as the poststart hook (swapped in after create) as host uid $(cat "$proof")"
else
  verdict SAFE "the swapped program did not run"
fi
