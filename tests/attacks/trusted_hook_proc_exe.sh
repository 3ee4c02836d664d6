#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: BW110 compares realpath(hook path) with the trusted programs
# (src/runtime/policy_gate.c mark_trusted_hooks). For /proc/PID/exe,
# realpath returns the path the kernel prints for that process's program,
# which is its path in the process's own mount namespace. An unprivileged
# host user, in a user+mount namespace of its own, binds /bin/sh over the
# trusted program's path and runs it: /proc/PID/exe then reads as the
# trusted path, and execve("/proc/PID/exe") runs /bin/sh as host root
# with the config's args.
# Expected safe outcome: a hook path through /proc (or any magic link)
#   is not trusted; BW110 refuses it; nothing runs.
# Observed (2026-12-06): restricted run passes and /bin/sh runs as uid 0
#   on the host.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle
S=$(mktemp -d /tmp/bulwark-a4.XXXXXX); chmod 755 "$S"
USERPID=
trap '[ -z "$USERPID" ] || kill "$USERPID" 2>/dev/null; teardown_bundle; rm -rf "$S"' EXIT
proof=$S/exe-proof
printf '#!/bin/sh\nexit 0\n' >"$S/trusted-hook"; chmod 755 "$S/trusted-hook"
echo '{"trustedHooks": ["'"$S/trusted-hook"'"]}' >"$S/policy.json"
# the host user (nobody): its own namespaces, /bin/sh seen at the trusted path
setpriv --reuid 65534 --regid 65534 --clear-groups \
  unshare -Urm sh -c 'mount --bind /bin/sh "$1" && exec "$1" -c "sleep 60; :"' sh "$S/trusted-hook" &
USERPID=$!
for _ in $(seq 50); do
  [[ $(readlink "/proc/$USERPID/exe" 2>/dev/null) == "$S/trusted-hook" ]] && break
  sleep 0.1
done
echo "/proc/$USERPID/exe -> $(readlink "/proc/$USERPID/exe")"
config_edit --arg h "/proc/$USERPID/exe" --arg p "$proof" \
  '.hooks = {"createRuntime":[{"path":$h,"args":["sh","-c","id -u > \($p)"]}]}'
"$BULWARK" --root "$BW_ROOT" --policy "$S/policy.json" --profile restricted run --bundle "$BUNDLE" a4exe$$
if [[ -s $proof ]]; then
  verdict BROKEN "/proc/$USERPID/exe was trusted and ran /bin/sh as host uid $(cat "$proof")"
else
  verdict SAFE "the hook through /proc/PID/exe did not run"
fi
