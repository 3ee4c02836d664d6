#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2034 # jq filters use their own $variables; bw (helpers.bash) reads BW_POLICY
# A second round against the fixes of attacks3.bats: each test fails on the
# code it was written against (commit 6b53b84) and passes once the hole is
# closed; the matching reproduction script, with what was observed, is in
# tests/attacks/.

bats_require_minimum_version 1.5.0
load helpers

setup() {
  setup_bundle
  HOLDER=
  SCRATCH=$(mktemp -d /tmp/bulwark-a4.XXXXXX)
  chmod 755 "$SCRATCH"
  printf '#!/bin/sh\nexit 0\n' >"$SCRATCH/trusted-hook"
  chmod 755 "$SCRATCH/trusted-hook"
  echo '{"trustedHooks": ["'"$SCRATCH/trusted-hook"'"]}' >"$SCRATCH/policy.json"
}

teardown() {
  [ -z "$HOLDER" ] || { kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null || true; }
  [ -z "${OTHER_USER:-}" ] || test_user_del "$OTHER_USER"
  teardown_bundle
  rm -rf "$SCRATCH"
}

as_nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }

# tests/attacks/trusted_hook_env.sh: the config writes a trusted hook's env;
# LD_PRELOAD runs the config author's library as host root.
@test "a trusted hook does not run with the config's LD_PRELOAD" {
  local proof=$SCRATCH/preload-proof
  cat >"$SCRATCH/evil.c" <<C
#include <stdio.h>
__attribute__((constructor)) static void evil(void)
{
        FILE *f = fopen("$proof", "w");
        if (f) fclose(f);
}
C
  cc -shared -fPIC -o "$SCRATCH/evil.so" "$SCRATCH/evil.c"
  config_edit --arg h "$SCRATCH/trusted-hook" --arg so "$SCRATCH/evil.so" \
    '.hooks = {"createRuntime":[{"path":$h,"args":["trusted-hook"],"env":["LD_PRELOAD=\($so)"]}]}'
  BW_POLICY="--policy $SCRATCH/policy.json --profile restricted" run bw run --bundle "$BUNDLE" "e$BATS_TEST_NUMBER"
  echo "$output"
  [ ! -e "$proof" ]
}

# tests/attacks/trusted_hook_swap.sh: trust is decided at create on
# realpath; the poststart hook is executed by path at start.
@test "a poststart hook trusted at create through a user's symlink does not run another program swapped in before start" {
  local proof=$SCRATCH/swap-proof id=s$BATS_TEST_NUMBER
  mkdir "$SCRATCH/user"; chown 65534:65534 "$SCRATCH/user"
  as_nobody ln -s "$SCRATCH/trusted-hook" "$SCRATCH/user/hook"
  config_edit --arg h "$SCRATCH/user/hook" --arg p "$proof" \
    '.process.args=["sleep","30"] | .hooks = {"poststart":[{"path":$h,"args":["sh","-c","id -u > \($p)"]}]}'
  BW_POLICY="--policy $SCRATCH/policy.json --profile restricted"
  bw create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 3>&-
  as_nobody ln -sfn /bin/sh "$SCRATCH/user/hook"
  run bw start "$id"
  echo "$output"
  sleep 1
  [ ! -e "$proof" ]
}

# tests/attacks/trusted_hook_proc_exe.sh: realpath(/proc/PID/exe) is the
# program's path in that process's mount namespace.
@test "a hook path /proc/PID/exe whose process runs /bin/sh under a trusted name is BW110" {
  local proof=$SCRATCH/exe-proof
  setpriv --reuid 65534 --regid 65534 --clear-groups unshare -Urm sh -c 'mount --bind /bin/sh "$1" && exec "$1" -c "sleep 60; :"' sh "$SCRATCH/trusted-hook" 3>&- &
  HOLDER=$!
  for _ in $(seq 50); do
    [[ $(readlink "/proc/$HOLDER/exe" 2>/dev/null) == "$SCRATCH/trusted-hook" ]] && break
    sleep 0.1
  done
  echo "/proc/$HOLDER/exe -> $(readlink "/proc/$HOLDER/exe")"
  [[ $(readlink "/proc/$HOLDER/exe") == "$SCRATCH/trusted-hook" ]]
  config_edit --arg h "/proc/$HOLDER/exe" --arg p "$proof" \
    '.hooks = {"createRuntime":[{"path":$h,"args":["sh","-c","id -u > \($p)"]}]}'
  BW_POLICY="--policy $SCRATCH/policy.json --profile restricted" run bw run --bundle "$BUNDLE" "x$BATS_TEST_NUMBER"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW110 "* ]]
  [ ! -e "$proof" ]
}

# tests/attacks/unified_update.sh: update's unified map is not judged.
@test "update --resources with unified pids.max=max on a restricted container is refused as BW102" {
  local id=u$BATS_TEST_NUMBER
  config_edit '.process.args=["sleep","30"] | .linux.resources.pids={"limit":100}'
  BW_POLICY="--profile restricted"
  bw create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 3>&-
  echo '{"unified":{"pids.max":"max"}}' >"$SCRATCH/res.json"
  run bw update -r "$SCRATCH/res.json" "$id"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"BW102 "* ]]
  [[ $output == *"nothing was changed"* ]]
}

# tests/attacks/explicit_map_other_subids.sh: explicit maps onto the
# subordinate range /etc/subuid gives another user (a rootless engine's).
@test "explicit mappings onto another user's subordinate range are BW043; its files are not read" {
  local owner start gstart pol
  # the other user, with ranges of its own (test_user.bash), removed in
  # teardown
  OTHER_USER=bwrl-other
  test_user_add "$OTHER_USER"
  owner=$OTHER_USER start=$TEST_USER_START gstart=$TEST_USER_START
  echo "$owner's container secret" >"$SCRATCH/secret"
  chown "$start:$gstart" "$SCRATCH/secret"; chmod 600 "$SCRATCH/secret"
  mkdir -p "$BUNDLE/rootfs/data"
  config_edit --arg s "$SCRATCH" --argjson u "$start" --argjson g "$gstart" '.process.args=["cat","/data/secret"]
    | .linux.namespaces += [{"type":"user"}]
    | .linux.uidMappings=[{"containerID":0,"hostID":$u,"size":65536}] | .linux.gidMappings=[{"containerID":0,"hostID":$g,"size":65536}]
    | .mounts += [{"destination":"/data","type":"bind","source":$s,"options":["rbind","ro"]}]'
  for pol in "" "--profile restricted"; do
    BW_POLICY=$pol run bw run --bundle "$BUNDLE" "m$BATS_TEST_NUMBER"
    echo "${pol:-default}: $output"
    [ "$status" -ne 0 ]
    [[ $output == *"BW043 "* ]]
    [[ $output != *"container secret"* ]]
  done
}

# tests/attacks/join_other_container.sh: another live container's pid
# namespace joined by path under restricted, silently.
@test "joining another container's pid namespace by path under restricted is refused; its rootfs is not read" {
  local b2=$SCRATCH/b2 pid
  echo victim-secret >"$BUNDLE/rootfs/etc/victim-secret"; chmod 600 "$BUNDLE/rootfs/etc/victim-secret"
  mkdir "$b2"; cp -a "$BUNDLE/rootfs" "$b2/rootfs"; rm -f "$b2/rootfs/etc/victim-secret"
  config_edit '.process.args=["sleep","60"]'
  BW_POLICY="--profile restricted"
  bw create --bundle "$BUNDLE" victim </dev/null >/dev/null 2>&1 3>&-
  bw start victim
  pid=$(bw state victim | jq .pid)
  jq --arg p "$pid" '.process.args=["cat","/proc/1/root/etc/victim-secret"]
    | .linux.namespaces |= map(if .type=="pid" then .path="/proc/\($p)/ns/pid" else . end)' \
    "$BUNDLE/config.json" >"$b2/config.json"
  run bw run --bundle "$b2" attacker
  echo "$output"
  [[ $output != *victim-secret* ]]
  [ "$status" -ne 0 ]
  [[ $output == *"container victim"* ]]
}
