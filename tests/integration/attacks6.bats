#!/usr/bin/env bats
# The rootless attack round: each test runs its reproduction script from
# tests/attacks/ (which says what was observed and sets up and removes its
# own users) and fails when the script reports the hole open. Both failed
# on the code they were written against (main at 3c445a6).

bats_require_minimum_version 1.5.0
load helpers

attack() {
  run -0 env BULWARK="$BULWARK" bash "$BATS_TEST_DIRNAME/../attacks/$1"
  echo "$output"
  [[ $output == *SAFE* ]]
  [[ $output != *BROKEN* ]]
}

@test "host root in a user namespace mapping host root at another id: the config's hook is judged (BW110), never run" {
  attack hook_userns_maps_root_elsewhere.sh
}

@test "a rootless caller's mapping onto another user's subordinate range is BW043" {
  command -v newuidmap >/dev/null || skip "uidmap (newuidmap) is not installed"
  attack rootless_other_range_unreported.sh
}
