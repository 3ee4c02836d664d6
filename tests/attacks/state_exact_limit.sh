#!/bin/bash
# Attack: writer and reader of state.json now share BW_STATE_MAX_SIZE
# (1 MiB, runtime/store.h), but they disagree at the boundary: the writer
# refuses only a state longer than the limit (store.c bw_state_write,
# strlen(text) > BW_STATE_MAX_SIZE), while the reader fails on a file of
# exactly the limit (util/fs.c bw_read_fd returns -EFBIG as soon as its
# buffer, grown to max, is full, without looking for EOF). A bundle whose
# annotations make state.json exactly 1048576 bytes is created with exit
# 0, its init alive and parked, and then `state`, `start`, `list` and
# `delete` cannot read it: a live container no command can use or
# (without --force) remove.
# Runs in a private mount namespace with a tmpfs id-range store.
# Expected safe outcome: create refuses the bundle with a clear error and
#   leaves nothing, or the state it wrote reads back.
# Observed (2026-12-07): state.json 1048576 bytes, create exit 0, init
#   alive; `state` and `start` fail with "File too large"; list omits c1.
set -u
source "$(dirname "$0")/lib.sh"
private_store "$@"
setup_bundle
R=$(mktemp -d /tmp/atk18b-limit.XXXXXX)
BIG=$(mktemp /tmp/atk18b-limit-ann.XXXXXX)
PF=$R.pid
cleanup() { "$BULWARK" --root "$R" delete --force c1 >/dev/null 2>&1; rm -rf "$R" "$BIG" "$PF" "$R.err"; teardown_bundle; }
trap cleanup EXIT
LIMIT=1048576
n=1000000 rc=1 size=0
for _ in 1 2 3 4 5; do   # pid and startTime vary in length: aim, look, adjust
  head -c "$n" /dev/zero | tr '\0' a >"$BIG"
  config_edit --rawfile b "$BIG" '.annotations={"x":$b} | .process.args=["sleep","1834"]'
  "$BULWARK" --root "$R" create --pid-file "$PF" --bundle "$BUNDLE" c1 </dev/null >/dev/null 2>"$R.err"; rc=$?
  size=$(stat -c %s "$R/c1/state.json" 2>/dev/null || echo 0)
  ((rc == 0 && size == LIMIT)) && break
  ((rc == 0)) || grep -q "would take" "$R.err" || { cat "$R.err"; break; }
  if ((size == 0)); then size=$(grep -o 'take [0-9]*' "$R.err" | awk '{print $2}'); fi
  "$BULWARK" --root "$R" delete --force c1 >/dev/null 2>&1
  n=$((n + LIMIT - ${size:-$((LIMIT - 1))}))
done
echo "create exit $rc, state.json $size bytes (limit $LIMIT): $(cat "$R.err")"
pid=$(cat "$PF" 2>/dev/null)
echo "init pid: ${pid:-none}"
"$BULWARK" --root "$R" state c1 2>&1 | head -c 300; echo
"$BULWARK" --root "$R" start c1 2>&1 | head -c 300; echo
echo "list:"; "$BULWARK" --root "$R" list
alive() { [[ -n $1 && -r /proc/$1/stat ]] && [[ $(awk '{print $3}' "/proc/$1/stat") != Z ]]; }
if ((rc == 0)) && alive "$pid" && ! "$BULWARK" --root "$R" state c1 >/dev/null 2>&1; then
  verdict BROKEN "create accepted a state of exactly $LIMIT bytes (exit 0) that bulwark cannot read back: the live container c1 cannot be started, inspected or listed"
else
  verdict SAFE "refused or readable (create exit $rc, $size bytes)"
fi
