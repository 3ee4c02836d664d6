#!/usr/bin/env bats
# The reliability round (issue 18): an attacker against gc, delete --force,
# the state records and the id-range store. Each test runs its reproduction
# script from tests/attacks/ and fails when the script reports the hole
# open; each printed BROKEN on main at f6dcf22. Each script runs in a
# private mount namespace with a tmpfs over /var/lib/bulwark, so the host's
# id-range store is never touched.

bats_require_minimum_version 1.5.0
load helpers

attack() {
  run -0 env BULWARK="$BULWARK" bash "$BATS_TEST_DIRNAME/../attacks/$1"
  echo "$output"
  [[ $output == *SAFE* ]]
  [[ $output != *BROKEN* ]]
}

@test "gc judges and removes a dead container under one lock: a container made again under its id lives on" {
  command -v strace >/dev/null || skip "strace is not installed (it widens the race)"
  attack gc_recreate_race.sh
}

@test "a range held from a state root in another mount namespace is not handed to a second container" {
  attack idrange_other_mountns.sh
}

@test "a state too large to read back is refused at create: no live container hides from list and gc" {
  attack state_oversize.sh
}

@test "a cgroupsPath holding a cgroup tree bulwark did not make is refused: delete never kills or removes it" {
  attack cgroup_path_foreign_tree.sh
}
