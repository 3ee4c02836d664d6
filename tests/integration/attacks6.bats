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

# The merged round (tests/attacks/README.md): each script failed on main
# at 5392ff6.
@test "a container process gets a session of its own: TIOCSTI reaches no terminal of the caller (run and exec)" {
  command -v script >/dev/null || skip "script(1) (util-linux) is not installed"
  [[ $(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1) == 1 ]] || skip "dev.tty.legacy_tiocsti is 0: the kernel refuses TIOCSTI anyway"
  command -v cc >/dev/null || skip "no C compiler for the attack program"
  attack tty_tiocsti.sh
}

@test "another container's engine-made path (an operator's tmpfs shaped like one) is not handed to this container" {
  attack engine_layout_operator_tmpfs.sh
}

@test "host root in a user namespace mapping only root gets no container whose root is host root" {
  attack partial_userns_container_root.sh
}

@test "as root, a config.json or bundle with a POSIX ACL is refused" {
  attack bundle_trust_acl.sh
}

@test "as root, a config swapped by the bundle's owner between the check and the load never runs unwarned" {
  command -v cc >/dev/null || skip "no C compiler for the swapper"
  attack bundle_trust_swap.sh
}

# The reliability round (issue 18): an attacker against gc, delete --force,
# the state records and the id-range store, then a second one against the
# first round's fixes. Each script printed BROKEN on the code it was
# written against (main at f6dcf22, then a5aacc0). Each runs in a private
# mount namespace with a tmpfs over /var/lib/bulwark, so the host's
# id-range store is never touched.
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

@test "a range whose creator's mount namespace number was given again to a later one stays held while its container runs" {
  attack idrange_mntns_reused.sh
}

@test "a cgroupsPath that exists in a v1 hierarchy with host processes in it is refused" {
  attack cgroup_path_v1_processes.sh
}

@test "a cgroupsPath that exists already, empty, is refused: delete never kills or removes what create did not make" {
  attack cgroup_path_existing_leaf.sh
}

@test "a state of exactly the size limit is read back: the container stays in list and state" {
  attack state_exact_limit.sh
}
