#!/usr/bin/env bats
# bulwark check inside containers with known settings (a default bulwark
# container, a privileged-ish one under --policy-mode off, one with a fake
# engine socket bound in) finds exactly what was set; breakout-test's
# matrix shows no escape under bulwark and escapes under runc with a
# privileged config; the JSON keys stay put.

bats_require_minimum_version 1.5.0
load helpers

setup() {
  BW_ROOT=$(mktemp -d /tmp/bulwark-test-root.XXXXXX)
  BUNDLE=$(mktemp -d /tmp/bulwark-test-bundle.XXXXXX)
  chmod 755 "$BUNDLE"
  # the rootfs is the binary alone: check needs nothing else
  mkdir -p "$BUNDLE"/rootfs/{proc,sys,dev,tmp,etc}
  copy_bulwark_into "$BUNDLE/rootfs"
  echo "root:x:0:0:root:/:/bulwark" >"$BUNDLE/rootfs/etc/passwd"
  write_config "$BUNDLE" /bulwark check --format json
}

teardown() {
  [[ -z ${LISTENER:-} ]] || kill "$LISTENER" 2>/dev/null || true
  teardown_bundle
}

# check's JSON report from inside a container run with the policy flags
# in $1 ("" for bulwark's defaults) and check's arguments after it.
check_in() {
  local policy=$1; shift
  config_edit --argjson a "$(jq -cn '$ARGS.positional' --args -- /bulwark check --format json "$@")" '.process.args = $a'
  # shellcheck disable=SC2086 # policy holds several flags
  "$BULWARK" --root "$BW_ROOT" $policy run --bundle "$BUNDLE" "c$$-$BATS_TEST_NUMBER" >"$BUNDLE/report.json" || true
  jq -e .targets "$BUNDLE/report.json" >/dev/null
}

rules() {
  jq -r '[.targets[0].findings[].rule] | unique | join(" ")' "$BUNDLE/report.json"
}

@test "check in a default bulwark container: user namespace, seccomp, no dangerous capability; only the unset memory limit" {
  check_in ""
  # harden gave it a user namespace, seccomp, no_new_privs, a pids limit and
  # dropped every dangerous capability: nothing is left but no memory limit
  [ "$(rules)" = "BW103" ]
  [ "$(jq -r '.targets[0].violations' "$BUNDLE/report.json")" = 0 ]
  # read from the container's own cgroup, which its cgroupfs shows as the
  # hierarchy's root (v1 here; v2's memory.max where that is the layout)
  local d
  d=$(jq -r '.targets[0].findings[0].detail' "$BUNDLE/report.json")
  [[ $d == "/sys/fs/cgroup/memory/memory.limit_in_bytes is 9223372036854771712" ||
     $d == "/sys/fs/cgroup/memory.max is max" ]]
}

@test "check under --policy-mode off with every capability, no user namespace, no seccomp reports each" {
  config_edit '.process.capabilities |= with_entries(.value = ["CAP_SYS_ADMIN","CAP_NET_RAW","CAP_MKNOD","CAP_DAC_READ_SEARCH"]) | .process.noNewPrivileges = false | del(.linux.seccomp)'
  check_in "--policy-mode=off"
  local r
  r=$(rules)
  for id in BW010 BW014 BW018 BW019 BW040 BW042 BW050 BW053; do
    [[ " $r " == *" $id "* ]] || { echo "missing $id in: $r"; false; }
  done
  # and what was not set is not reported
  for id in BW011 BW012 BW013 BW060 BW070 BW080 BW093; do
    [[ " $r " != *" $id "* ]] || { echo "unexpected $id in: $r"; false; }
  done
  [ "$(jq -r '.targets[0].findings[] | select(.rule == "BW040") | .detail' "$BUNDLE/report.json")" = \
    '/proc/self/uid_map is "0 0 4294967295": the host'"'"'s user namespace' ]
}

@test "check finds a fake engine socket bound in, reachable by connect(), and --attack gets its /version" {
  local sock=$BUNDLE/engine.sock
  python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
while True:
    c, _ = s.accept()
    try:
        if c.recv(4096):
            c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"Version\":\"fake\"}")
    except OSError:
        pass
    c.close()
' "$sock" &
  LISTENER=$!
  for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
  config_edit --arg s "$sock" '.mounts += [{"destination": "/var/run/docker.sock", "type": "bind", "source": $s, "options": ["rbind", "ro"]}]'
  check_in "--policy-mode=off" --attack
  [ "$(jq -r '.targets[0].findings[] | select(.rule == "BW070") | .detail' "$BUNDLE/report.json" | head -1)" = \
    "/var/run/docker.sock accepts connect()" ]
  [ "$(jq -r '.attacks[] | select(.technique == "engine-socket-api") | .result + ": " + .reason' "$BUNDLE/report.json")" = \
    "escaped: /var/run/docker.sock answered GET /version: HTTP/1.0 200 OK" ]
}

@test "check tries the breakout system calls through a lax seccomp filter and lists those it lets through" {
  # a filter that stops only mount and bpf
  config_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mount", "bpf"], "action": "SCMP_ACT_ERRNO"}]}'
  check_in "--policy-mode=off"
  local d
  d=$(jq -r '.targets[0].findings[] | select(.rule == "BW052") | .detail' "$BUNDLE/report.json")
  [[ $d == "the seccomp filter lets through "* ]]
  # the names, without the errno each returned
  [ "$(sed -e 's/^the seccomp filter lets through //' -e 's/ ([A-Z]*)//g' <<<"$d")" = \
    "umount2, unshare, setns, keyctl, add_key, request_key, userfaultfd, perf_event_open, open_by_handle_at, open_tree, quotactl" ]
  # no BW050: a filter is on
  [[ " $(rules) " != *" BW050 "* ]]
}

@test "check --attack in a default bulwark container: every technique blocked or skipped" {
  check_in "" --attack
  [ "$(jq '.attacks | length' "$BUNDLE/report.json")" -ge 16 ]
  [ "$(jq '[.attacks[] | select(.result == "escaped")] | length' "$BUNDLE/report.json")" = 0 ]
  [ "$(jq -r '.attacks[] | select(.technique == "mknod-block-device") | .result' "$BUNDLE/report.json")" = blocked ]
  [ "$(jq -r '.attacks[] | select(.technique == "raw-socket") | .reason' "$BUNDLE/report.json")" = \
    "socket(AF_INET, SOCK_RAW): EPERM" ]
}

@test "check's JSON keys are stable" {
  check_in "" --attack
  [ "$(jq -c 'keys' "$BUNDLE/report.json")" = '["attacks","summary","targets"]' ]
  [ "$(jq -c '.targets[0] | keys' "$BUNDLE/report.json")" = '["findings","name","profile","source","violations"]' ]
  [ "$(jq -c '.targets[0].findings[0] | keys' "$BUNDLE/report.json")" = \
    '["detail","excepted","fix","rule","severity","title","violation"]' ]
  [ "$(jq -c '[.attacks[] | keys] | unique' "$BUNDLE/report.json")" = '[["reason","result","rule","technique"]]' ]
}

@test "check exit codes follow audit's: 1 with violations at --fail-on, 0 without, 2 on usage" {
  # bulwark's defaults: the only finding (BW103, low) is below --fail-on high
  config_edit '.process.args = ["/bulwark", "check", "--fail-on", "high"]'
  run "$BULWARK" --root "$BW_ROOT" run --bundle "$BUNDLE" "e$$-1"
  [ "$status" -eq 0 ]
  # and at --fail-on info the unset memory limit is not a violation of baseline either
  config_edit '.process.args = ["/bulwark", "check", "--fail-on", "info"]'
  run "$BULWARK" --root "$BW_ROOT" run --bundle "$BUNDLE" "e$$-2"
  [ "$status" -eq 0 ]
  config_edit '.process.args = ["/bulwark", "check", "--fail-on", "critical"] | .process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  run "$BULWARK" --root "$BW_ROOT" --policy-mode=off run --bundle "$BUNDLE" "e$$-3"
  [ "$status" -eq 1 ]
  [[ $output == *"BW010  CAP_SYS_ADMIN granted"* ]]
  run "$BULWARK" check --format yaml
  [ "$status" -eq 2 ]
  [ "$output" = "bulwark: check --format: unknown format 'yaml'; use text, json, sarif or junit" ]
}

@test "breakout-test: bulwark's default and restricted contain, runc with a privileged config escapes" {
  bulwark_is_static || skip "breakout-test copies the binary alone into its rootfs: needs a static build, $BULWARK is dynamic"
  run --separate-stderr "$BULWARK" breakout-test --runtime "$BULWARK" --runtime "$(command -v runc)" \
    --config spec --config privileged --format json
  [ "$status" -eq 0 ]
  local j=$output
  # bulwark: the spec config contained, the privileged one refused
  [ "$(jq -r '[.runs[] | select(.runtime == "bulwark") | .config + "/" + .profile + "=" + .verdict] | join(" ")' <<<"$j")" = \
    "spec/baseline=contained spec/restricted=contained privileged/baseline=refused privileged/restricted=refused" ]
  [ "$(jq '[.runs[] | select(.runtime == "bulwark") | .totals.escaped] | add' <<<"$j")" = 0 ]
  # runc privileged: the battery can fail
  [ "$(jq -r '.runs[] | select(.runtime == "runc" and .config == "privileged") | .verdict' <<<"$j")" = escaped ]
  [ "$(jq '.runs[] | select(.runtime == "runc" and .config == "privileged") | .totals.escaped' <<<"$j")" -ge 8 ]
  for t in mount core-pattern release-agent open-by-handle read-foreign-file; do
    [ "$(jq -r --arg t "$t" '.runs[] | select(.runtime == "runc" and .config == "privileged") | .attacks[] | select(.technique == $t) | .result' <<<"$j")" = escaped ]
  done
  # stable keys
  [ "$(jq -c '[.runs[] | select(.verdict != "refused") | keys] | unique' <<<"$j")" = \
    '[["attacks","config","findings","path","profile","reason","runtime","totals","verdict"]]' ]
}

@test "breakout-test: check under runc with Docker's default config finds exactly what Docker sets" {
  bulwark_is_static || skip "breakout-test copies the binary alone into its rootfs: needs a static build, $BULWARK is dynamic"
  run --separate-stderr "$BULWARK" breakout-test --runtime "$(command -v runc)" --runtime "$BULWARK" \
    --profile baseline --config docker --config devices-allow-all --format json
  [ "$status" -eq 0 ]
  # a device rule allowing everything is seen in runc's container (its own devices.list), not in bulwark's
  [ "$(jq -r '[.runs[] | select(.config == "devices-allow-all") | .runtime + "=" + (.findings | map(select(. == "BW082")) | length | tostring)] | join(" ")' <<<"$output")" = \
    "runc=1 bulwark=0" ]
  # Docker's capabilities that have a rule (DAC_OVERRIDE FOWNER CHOWN MKNOD NET_RAW SETFCAP), no user
  # namespace, root is host root, no_new_privs off, no pids or memory limit; its seccomp held
  [ "$(jq -c '.runs[0].findings | unique' <<<"$output")" = \
    '["BW015","BW016","BW017","BW018","BW019","BW028","BW040","BW042","BW053","BW102","BW103"]' ]
  [ "$(jq -r '[.runs[0].attacks[] | select(.result == "escaped") | .technique] | join(" ")' <<<"$output")" = \
    "raw-socket packet-socket read-foreign-file chown-foreign-file" ]
}

@test "breakout-test: the exec and update doors: bulwark holds exec to what create allowed and refuses the wider devices; runc lets both through" {
  bulwark_is_static || skip "breakout-test copies the binary alone into its rootfs: needs a static build, $BULWARK is dynamic"
  run --separate-stderr "$BULWARK" breakout-test --runtime "$BULWARK" --runtime "$(command -v runc)" \
    --config exec-all-caps --config update-devices-all --format json
  [ "$status" -eq 0 ]
  local j=$output
  [ "$(jq -r '[.runs[] | .runtime + "/" + (.profile // "-") + "/" + .config + "=" + .verdict] | join(" ")' <<<"$j")" = \
    "bulwark/baseline/exec-all-caps=contained bulwark/restricted/exec-all-caps=contained runc/-/exec-all-caps=escaped bulwark/baseline/update-devices-all=refused bulwark/restricted/update-devices-all=refused runc/-/update-devices-all=escaped" ]
  # the exec'd battery under bulwark holds none of the capabilities it asked for
  [ "$(jq -c '[.runs[] | select(.runtime == "bulwark" and .config == "exec-all-caps") | .findings[] | select(test("^BW01"))]' <<<"$j")" = '[]' ]
  [ "$(jq '[.runs[] | select(.runtime == "bulwark") | .totals.escaped] | add' <<<"$j")" = 0 ]
  # runc's exec took them: mounting and the foreign file's owner
  for t in mount chown-foreign-file open-by-handle; do
    [ "$(jq -r --arg t "$t" '.runs[] | select(.runtime == "runc" and .config == "exec-all-caps") | .attacks[] | select(.technique == $t) | .result' <<<"$j")" = escaped ]
  done
  # the update was refused by the rule that judges device rules
  [ "$(jq -r '.runs[] | select(.runtime == "bulwark" and .config == "update-devices-all") | .reason' <<<"$j" | sort -u)" = "refused by the policy: BW082" ]
}

@test "breakout-test --engine: a clear error for an unknown engine and for --profile with an engine" {
  run --separate-stderr "$BULWARK" breakout-test --engine podman
  [ "$status" -eq 2 ]
  [ "$stderr" = "bulwark: breakout-test --engine: unknown engine 'podman'; docker is the one supported (runtimes are then the names registered in the daemon)" ]
  run --separate-stderr "$BULWARK" breakout-test --engine docker --profile restricted
  [ "$status" -eq 2 ]
  [[ $stderr == *"--profile does not apply"* ]]
}

@test "breakout-test: every config in the data file, bulwark's baseline and restricted: refused or contained, never escaped or failed" {
  bulwark_is_static || skip "breakout-test copies the binary alone into its rootfs: needs a static build, $BULWARK is dynamic"
  run --separate-stderr "$BULWARK" breakout-test --runtime "$BULWARK" --format json
  [ "$status" -eq 0 ]
  local n
  n=$(jq '.configs | length' "$BATS_TEST_DIRNAME/../../share/breakout-configs.json")
  [ "$(jq '.runs | length' <<<"$output")" -eq $((2 * n)) ]
  [ "$(jq -r '[.runs[] | select(.verdict != "refused" and .verdict != "contained") | .config + "/" + .profile + "=" + .verdict + " " + .reason] | join("; ")' <<<"$output")" = "" ]
  [ "$(jq '[.runs[] | .totals.escaped] | add' <<<"$output")" = 0 ]
  # the hostile spellings are refused by the rule that judges the resolved path or the namespace, not contained by luck
  local pair cfg id
  for pair in host-etc-dot=BW071 host-etc-dotdot=BW071 host-etc-symlink=BW071 engine-socket-link=BW070 \
    host-pid-joined=BW060 host-net-joined=BW061; do
    cfg=${pair%=*} id=${pair#*=}
    [ "$(jq -r --arg c "$cfg" '[.runs[] | select(.config == $c) | .verdict] | unique | join(" ")' <<<"$output")" = refused ]
    [ "$(jq --arg c "$cfg" --arg id "$id" '[.runs[] | select(.config == $c and (.reason | contains($id)))] | length' <<<"$output")" = 2 ]
  done
}
