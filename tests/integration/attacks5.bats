#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2034 # jq filters use their own $variables; bw (helpers.bash) reads BW_POLICY
# A third round against the fixes of attacks4.bats: each test fails on the
# code it was written against (commit 0c3cb87) and passes once the hole is
# closed; the matching reproduction script, with what was observed, is in
# tests/attacks/.

bats_require_minimum_version 1.5.0
load helpers

setup() {
  setup_bundle
  SCRATCH=$(mktemp -d /tmp/bulwark-a5.XXXXXX)
  chmod 755 "$SCRATCH"
}

teardown() {
  teardown_bundle
  rm -rf "$SCRATCH"
}

# tests/attacks/hook_root_partial_userns.sh: host root in a user namespace
# that maps only uid 0 (PrivateUsers=yes) is taken for an unprivileged
# runtime; its hooks skip BW110 but run as host uid 0.
@test "host root in a user namespace mapping only root: an untrusted hook is BW110, not run as host uid 0" {
  mkdir "$SCRATCH/rootonly"; chmod 700 "$SCRATCH/rootonly"
  local proof=$SCRATCH/rootonly/proof
  config_edit --arg p "$proof" '
    .mounts |= map(if .destination == "/dev/pts" then .options |= map(select(startswith("gid=") | not)) else . end)
    | .hooks = {"createRuntime":[{"path":"/bin/sh","args":["sh","-c","id -u > \($p)"]}]}'
  run unshare -U --map-user=0 --map-group=0 "$BULWARK" --root "$BW_ROOT" run --bundle "$BUNDLE" "pu$$-$BATS_TEST_NUMBER"
  echo "$output"
  [ ! -e "$proof" ]
  [[ $output == *"BW110"* ]]
}

# tests/attacks/join_other_root.sh: the owner of a joined namespace is
# looked up under bulwark's own --root only; a container of another root is
# joined (user and pid namespaces by path) without BW068.
@test "joining the user and pid namespaces of a container under another --root is refused under restricted" {
  local B2 id=v$$-$BATS_TEST_NUMBER
  B2=$(mktemp -d "$SCRATCH/b2.XXXXXX"); chmod 755 "$B2"
  echo victim-secret >"$BUNDLE/rootfs/etc/victim-secret"; chmod 600 "$BUNDLE/rootfs/etc/victim-secret"
  cp -a "$BUNDLE/rootfs" "$B2/rootfs"; rm -f "$B2/rootfs/etc/victim-secret"
  config_edit '.process.args=["sleep","60"]'
  BW_POLICY="--profile restricted"
  bw create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 3>&-
  bw start "$id"
  local pid; pid=$(bw state "$id" | jq .pid)
  jq --arg p "$pid" '.process.args=["cat","/proc/1/root/etc/victim-secret"]
    | .linux.namespaces |= (map(select(.type != "user") | if .type=="pid" then .path="/proc/\($p)/ns/pid" else . end)
        + [{"type":"user","path":"/proc/\($p)/ns/user"}])
    | del(.linux.uidMappings, .linux.gidMappings)' "$BUNDLE/config.json" >"$B2/config.json"
  mkdir "$SCRATCH/root2"
  run "$BULWARK" --root "$SCRATCH/root2" --profile restricted run --bundle "$B2" "a$$-$BATS_TEST_NUMBER"
  echo "$output"
  for c in $("$BULWARK" --root "$SCRATCH/root2" list -q 2>/dev/null); do "$BULWARK" --root "$SCRATCH/root2" delete --force "$c" >/dev/null 2>&1; done
  [[ $output != *victim-secret* ]]
  [ "$status" -ne 0 ]
  [[ $output == *BW068* ]]
}

# tests/attacks/trusted_hook_bash_path_dot.sh: a trusted bash hook run with
# no env takes bash's built-in PATH, which ends in "."; its working
# directory is the bundle, the config author's.
@test "a trusted bash hook with no env in the config does not run a command from the bundle" {
  local proof=$SCRATCH/dot-proof
  printf '#!/bin/bash\nif command -v bw-a5-optional-tool >/dev/null; then bw-a5-optional-tool; fi\nexit 0\n' >"$SCRATCH/trusted-hook"
  chmod 755 "$SCRATCH/trusted-hook"
  echo '{"trustedHooks": ["'"$SCRATCH/trusted-hook"'"]}' >"$SCRATCH/policy.json"
  printf '#!/bin/sh\nid -u > %s\n' "$proof" >"$BUNDLE/bw-a5-optional-tool"
  chmod 755 "$BUNDLE/bw-a5-optional-tool"
  config_edit --arg h "$SCRATCH/trusted-hook" '.hooks = {"createRuntime":[{"path":$h,"args":["trusted-hook"]}]}'
  BW_POLICY="--policy $SCRATCH/policy.json --profile restricted" run bw run --bundle "$BUNDLE" "d$$-$BATS_TEST_NUMBER"
  echo "$output"
  [ ! -e "$proof" ]
}

# A lead of the third round: a --root another user may write lets that user
# swap a container's state (its config, its trusted hooks) between create
# and start. As root, the state root must be root's and closed to others,
# all the way up (a sticky /tmp aside).
@test "a state root under a directory others may write is refused, naming the directory and the fix" {
  mkdir "$SCRATCH/open"; chmod 777 "$SCRATCH/open"
  run "$BULWARK" --root "$SCRATCH/open/state" create --bundle "$BUNDLE" "o$$-$BATS_TEST_NUMBER" </dev/null 3>&-
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"the state root $SCRATCH/open/state is not private to root: $SCRATCH/open is owned by uid 0 with mode 0777"*"chmod go-w"* ]]
  [ ! -e "$SCRATCH/open/state/o$$-$BATS_TEST_NUMBER" ]
  chown 65534 "$SCRATCH/open"; chmod 755 "$SCRATCH/open"
  run "$BULWARK" --root "$SCRATCH/open/state" start "o$$-$BATS_TEST_NUMBER"
  [ "$status" -ne 0 ]
  [[ $output == *"is owned by uid 65534 with mode 0755"* ]]
  # a private one works, under the sticky /tmp
  chown 0 "$SCRATCH/open"
  run "$BULWARK" --root "$SCRATCH/open/state" --policy-mode off run --bundle "$BUNDLE" "p$$-$BATS_TEST_NUMBER"
  [ "$status" -eq 0 ]
}
