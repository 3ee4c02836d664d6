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
