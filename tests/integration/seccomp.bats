#!/usr/bin/env bats
# Seccomp inside real containers: the default profile that the policy's
# harden installs, and a config's own actions (errno, kill, notify). Each
# attack runs in the container, from a static helper (helpers/attack.c).

load helpers

# BW043 takes explicit mappings only from engine users' subordinate ranges
# (helpers.bash: subids_add_containers).
setup_file() {
  export ATTACK=$BATS_FILE_TMPDIR/attack
  gcc -static -O1 -o "$ATTACK" "$BATS_TEST_DIRNAME/helpers/attack.c"
  subids_add_containers 3210000000
}

teardown_file() {
  subids_restore
}

setup() {
  setup_bundle
  install -m 755 "$ATTACK" "$BUNDLE/rootfs/bin/attack"
}

teardown() {
  [ -z "${AGENT:-}" ] || kill "$AGENT" 2>/dev/null || true
  teardown_bundle
}

# A user namespace with an explicit range: harden keeps it (automatic
# ranges are their own work) and adds the default seccomp profile.
with_userns() {
  config_edit '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 3210000000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 3210000000, "size": 65536}]'
}

@test "harden installs the default seccomp profile and it is loaded" {
  with_userns
  BW_POLICY="--debug --profile baseline --policy-mode harden" run run_in sh -c 'grep "^Seccomp:" /proc/self/status'
  [ "$status" -eq 0 ]
  [[ $output == *"Seccomp:	2"* ]]
  [[ $output == *"hardened: BW050"* ]] # harden says what it changed, at debug level
  # The effective config is recorded: what ran, seccomp included.
  BW_POLICY="--profile baseline --policy-mode harden" bw run --keep --bundle "$BUNDLE" kept >/dev/null 2>&1
  jq -e '.linux.seccomp.defaultAction' "$BW_ROOT/kept/config.hardened.json"
  ! jq -e '.linux.seccomp' "$BUNDLE/config.json"
}

@test "the default profile stops breakout syscalls inside the container" {
  with_userns
  BW_POLICY="--profile baseline --policy-mode harden" run run_in attack getpid unshare-user keyctl add_key bpf io_uring_setup fsopen mount unknown
  [ "$status" -eq 0 ]
  [[ $output == *"getpid: ok"* ]]
  [[ $output == *"unshare-user: EPERM"* ]]
  [[ $output == *"keyctl: EPERM"* ]]
  [[ $output == *"add_key: EPERM"* ]]
  [[ $output == *"bpf: EPERM"* ]]
  [[ $output == *"io_uring_setup: EPERM"* ]]
  [[ $output == *"fsopen: EPERM"* ]]
  [[ $output == *"mount: EPERM"* ]]
  # Newer than the profile: ENOSYS, so a libc falls back, not EPERM.
  [[ $output == *"unknown: ENOSYS"* ]]
}

@test "without seccomp the same attacks reach the kernel (the test can fail)" {
  with_userns
  run run_in attack keyctl unknown
  [ "$status" -eq 0 ]
  [[ $output == *"keyctl: ok"* ]]
  [[ $output == *"unknown: ENOSYS"* ]]
}

@test "a config's errno action returns its errnoRet" {
  config_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
  run run_in attack getpid uname
  [ "$status" -eq 0 ]
  [[ $output == *"getpid: EXDEV"* ]]
  [[ $output == *"uname: ok"* ]]
}

@test "a config's kill_process action kills the process with SIGSYS" {
  config_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
  run run_in attack getpid uname getpid
  [ "$status" -eq $((128 + 31)) ]
  [[ $output == *"getpid: ok"* ]]
  [[ $output != *"uname: ok"* ]]
}

@test "notify hands the listener to listenerPath and the agent's answers reach the container" {
  local sock=$BUNDLE/agent.sock
  python3 "$BATS_TEST_DIRNAME/helpers/seccomp_agent.py" "$sock" 31 &
  AGENT=$!
  for _ in $(seq 50); do [ -e "$sock.ready" ] && break; sleep 0.1; done
  config_edit --arg s "$sock" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "listenerPath": $s, "listenerMetadata": "bw-test",
    "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_NOTIFY"}]}'
  run run_in attack getpid uname
  [ "$status" -eq 0 ]
  [[ $output == *"getpid: ok"* ]]
  [[ $output == *"uname: EMLINK"* ]] # only the agent answers EMLINK
  jq -e '.metadata == "bw-test" and .fds == ["seccompFd"] and (.pid > 0) and .state.id != null' "$sock.state"
  grep -qx 63 "$sock.calls" # uname is 63 on x86_64
}

@test "notify without a running agent fails create with a clear message and leaves nothing" {
  config_edit --arg s "$BUNDLE/none.sock" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "listenerPath": $s, "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_NOTIFY"}]}'
  run fails_to_create nolistener
  [ "$status" -eq 1 ]
  [[ $output == *"seccomp agent running"* ]]
  [ ! -e "$BW_ROOT/nolistener" ]
}

@test "exec loads the container's seccomp filter too" {
  with_userns
  config_edit '.process.args = ["sleep", "100"]'
  BW_POLICY="--profile baseline --policy-mode harden" bw run -d --bundle "$BUNDLE" ex >/dev/null 2>&1
  run bw exec ex attack keyctl getpid
  [ "$status" -eq 0 ]
  [[ $output == *"keyctl: EPERM"* ]]
  [[ $output == *"getpid: ok"* ]]
}

# A seccomp agent's profile: everything allowed but what the config denies
# (mkdir, errno 18) and what it hands to its agent (uname).
agent_profile() {
  config_edit --arg s "$1" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "listenerPath": $s,
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18},
                 {"names": ["uname"], "action": "SCMP_ACT_NOTIFY"}]}'
}

@test "harden stacks the default profile on a config's own filter: its errno, its agent and the default all apply" {
  local sock=$BUNDLE/agent.sock
  python3 "$BATS_TEST_DIRNAME/helpers/seccomp_agent.py" "$sock" 31 &
  AGENT=$!
  for _ in $(seq 50); do [ -e "$sock.ready" ] && break; sleep 0.1; done
  with_userns
  agent_profile "$sock"
  BW_POLICY="--debug" run run_in sh -c 'mkdir /tmp/x; attack unshare-user keyctl io_uring_setup uname getpid; grep "^Seccomp_filters:" /proc/self/status'
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"hardened: BW05"*"stacked bulwark's default seccomp profile"* ]]
  [[ $output == *"mkdir: can't create directory '/tmp/x': Invalid cross-device link"* ]] # the config's errno
  [[ $output == *"unshare-user: EPERM"* ]]   # bulwark's default
  [[ $output == *"keyctl: EPERM"* ]]
  [[ $output == *"io_uring_setup: EPERM"* ]]
  [[ $output == *"uname: EMLINK"* ]]         # only the agent answers EMLINK
  [[ $output == *"getpid: ok"* ]]
  [[ $output == *"Seccomp_filters:	2"* ]]
  grep -qx 63 "$sock.calls" # uname is 63 on x86_64
}

@test "the stacked filters are saved, exec loads both, and the cache serves the second create" {
  with_userns
  config_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
  config_edit '.process.args = ["sleep", "100"]'
  BW_POLICY="" bw run -d --bundle "$BUNDLE" st1 >/dev/null 2>&1
  jq -e '.linux.seccomp.defaultAction == "SCMP_ACT_ALLOW" and .linux.seccomp.syscalls[0].errnoRet == 18
         and .linux.seccompStacked.defaultAction == "SCMP_ACT_ERRNO"' "$BW_ROOT/st1/config.hardened.json"
  run bw exec st1 sh -c 'mkdir /tmp/y; attack keyctl getpid'
  [ "$status" -eq 0 ]
  [[ $output == *"Invalid cross-device link"* ]]
  [[ $output == *"keyctl: EPERM"* ]]
  [[ $output == *"getpid: ok"* ]]
  # Both compiled filters come from the cache the second time.
  "$BULWARK" --root "$BW_ROOT" --debug create --bundle "$BUNDLE" st2 </dev/null >/dev/null 2>"$BUNDLE/st2.log"
  grep -q "BPF instructions (from the cache)" "$BUNDLE/st2.log"
  grep -q "BPF instructions stacked (from the cache)" "$BUNDLE/st2.log"
}

@test "under the default policy a stacked config still needs its agent" {
  with_userns
  agent_profile "$BUNDLE/none.sock"
  BW_POLICY="" run fails_to_create noagent
  [ "$status" -eq 1 ]
  [[ $output == *"seccomp agent running"* ]]
  [ ! -e "$BW_ROOT/noagent" ]
}

# What audit says BW052 finds in the bundle's config ("" when it does not fire).
bw052() {
  "$BULWARK" audit --format json "$BUNDLE/config.json" | jq -r '[.targets[].findings[] | select(.rule == "BW052") | .detail] | join("")'
}

@test "audit: BW052 counts a conditional allow of a breakout syscall, io_uring included, but not Docker's clone mask" {
  # always true: flags >= 0
  config_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["unshare", "add_key", "fsopen"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_GE"}]}]}'
  [ "$(bw052)" = "allows fsopen, unshare, add_key" ]
  config_edit '.linux.seccomp.syscalls[1] = {"names": ["io_uring_setup", "io_uring_enter", "io_uring_register"], "action": "SCMP_ACT_ALLOW"}'
  [ "$(bw052)" = "allows io_uring_setup, io_uring_enter, io_uring_register" ]
  # Docker's clone rule (no namespace flags) and clone3 answered ENOSYS
  config_edit '.linux.seccomp.syscalls[1] = {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]}
    | .linux.seccomp.syscalls[2] = {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}'
  [ "$(bw052)" = "" ]
  # the same mask without CLONE_NEWUSER proves nothing
  config_edit '.linux.seccomp.syscalls[1].args[0].value = 1847721984'
  [ "$(bw052)" = "allows clone" ]
}

@test "an always-true condition on unshare really lets it through (what BW052 now reports)" {
  with_userns
  config_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["keyctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
    {"names": ["unshare"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_GE"}]}]}'
  run run_in attack unshare-user keyctl
  [ "$status" -eq 0 ]
  [[ $output == *"unshare-user: ok"* ]]
  [[ $output == *"keyctl: EPERM"* ]]
  [[ "$(bw052)" == *unshare* ]]
}
