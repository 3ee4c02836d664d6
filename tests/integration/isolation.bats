#!/usr/bin/env bats
# Namespace, mount and process isolation, checked from inside the container.

bats_require_minimum_version 1.5.0
load helpers

setup() { setup_bundle; }
teardown() {
  [ -z "${ISO_USER:-}" ] || test_user_del "$ISO_USER"
  teardown_bundle
}

@test "hostname and domainname are the config's, in a new uts namespace" {
  config_edit '.hostname = "box1" | .domainname = "example.org"'
  run run_in sh -c 'hostname; cat /proc/sys/kernel/domainname'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = box1 ]
  [ "${lines[1]}" = example.org ]
  [ "$(hostname)" != box1 ]
}

@test "the container has its own pid, net, ipc, uts and mount namespaces" {
  local ns
  run run_in sh -c 'echo $$; for n in pid net ipc uts mnt; do readlink /proc/self/ns/$n; done'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  local i=1
  for ns in pid net ipc uts mnt; do
    [ "${lines[$i]}" != "$(readlink /proc/self/ns/$ns)" ]
    i=$((i + 1))
  done
}

@test "joining an existing namespace by path" {
  unshare --uts --fork sh -c 'hostname joined-ns; sleep 30' &
  local holder=$!
  local target=""
  for _ in $(seq 50); do
    target=$(pgrep -P $holder sh || pgrep -P $holder sleep || true)
    [ -n "$target" ] && [ "$(nsenter -t "$target" -u hostname)" = joined-ns ] && break
    sleep 0.1
  done
  config_edit --arg p "/proc/$target/ns/uts" 'del(.hostname) | .linux.namespaces = [.linux.namespaces[] | if .type == "uts" then .path = $p else . end]'
  run run_in hostname
  kill $holder || true
  [ "$status" -eq 0 ]
  [ "$output" = joined-ns ]
}

@test "capabilities: the config's sets, bounding, no ambient; NoNewPrivs" {
  run run_in grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status
  [ "$status" -eq 0 ]
  # runc spec: AUDIT_WRITE(29) KILL(5) NET_BIND_SERVICE(10)
  [[ $output == *"CapEff:	0000000020000420"* ]]
  [[ $output == *"CapPrm:	0000000020000420"* ]]
  [[ $output == *"CapBnd:	0000000020000420"* ]]
  [[ $output == *"CapAmb:	0000000000000000"* ]]
  [[ $output == *"NoNewPrivs:	1"* ]]
}

@test "capabilities: ambient and a non-root user keep what the config grants" {
  config_edit '.process.user = {"uid": 1000, "gid": 1000}
    | .process.capabilities = {"bounding": ["CAP_NET_BIND_SERVICE","CAP_CHOWN"], "permitted": ["CAP_NET_BIND_SERVICE"],
       "effective": ["CAP_NET_BIND_SERVICE"], "inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE"]}
    | .process.noNewPrivileges = false'
  run run_in grep -E '^(CapEff|CapBnd|CapAmb|NoNewPrivs|Uid)' /proc/self/status
  [ "$status" -eq 0 ]
  [[ $output == *"CapEff:	0000000000000400"* ]]
  [[ $output == *"CapBnd:	0000000000000401"* ]]
  [[ $output == *"CapAmb:	0000000000000400"* ]]
  [[ $output == *"NoNewPrivs:	0"* ]]
  [[ $output == *"Uid:	1000	1000	1000	1000"* ]]
}

@test "user, group, additional gids and umask" {
  config_edit '.process.user = {"uid": 1234, "gid": 99, "additionalGids": [5, 7], "umask": 63}'
  run run_in sh -c 'id -u; id -g; id -G; umask'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1234 ]
  [ "${lines[1]}" = 99 ]
  [ "${lines[2]}" = "99 5 7" ]
  [ "${lines[3]}" = 0077 ]
}

@test "env and cwd reach the process; cwd is created inside the rootfs" {
  config_edit '.process.env = ["PATH=/bin", "FOO=bar baz"] | .process.cwd = "/tmp"'
  run run_in sh -c 'echo "$FOO"; pwd; echo "$PATH"'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "bar baz" ]
  [ "${lines[1]}" = /tmp ]
  [ "${lines[2]}" = /bin ]
}

@test "rlimits and oomScoreAdj" {
  config_edit '.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 555, "soft": 333}, {"type": "RLIMIT_NPROC", "hard": 777, "soft": 777}]
    | .process.oomScoreAdj = 123'
  run run_in sh -c 'ulimit -n; ulimit -Hn; ulimit -u; cat /proc/self/oom_score_adj'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 333 ]
  [ "${lines[1]}" = 555 ]
  [ "${lines[2]}" = 777 ]
  [ "${lines[3]}" = 123 ]
}

@test "user namespace: mappings written, container root is an unprivileged host uid" {
  config_edit '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  create_bg uns sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; sleep 100'
  local pid
  pid=$(bw state uns | jq -r .pid)
  bw start uns
  for _ in $(seq 50); do grep -q '^0$' "$BUNDLE/out.log" && break; sleep 0.1; done
  run cat "$BUNDLE/out.log"
  [[ ${lines[0]} =~ ^\ +0\ +200000\ +65536$ ]]
  [[ ${lines[1]} =~ ^\ +0\ +200000\ +65536$ ]]
  [ "${lines[2]}" = 0 ]
  # Seen from the host, the container's root is uid 200000.
  [ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = 200000 ]
}

@test "/dev: default devices, links, devpts, shm, mqueue; config devices" {
  config_edit '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 384, "uid": 0, "gid": 0}]'
  run run_in sh -c 'ls -l /dev; readlink /dev/ptmx; readlink /dev/fd; readlink /dev/stdin; grep -E " /dev(/pts|/shm|/mqueue)? " /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  local d
  for d in "1, *3 .* null" "1, *5 .* zero" "1, *7 .* full" "1, *8 .* random" "1, *9 .* urandom" "5, *0 .* tty"; do
    grep -qE "^crw-rw-rw- .*${d}$" <<<"$output"
  done
  grep -qE '^crw------- .*10, *229 .*fuse$' <<<"$output"
  grep -qx 'pts/ptmx' <<<"$output"
  grep -qx '/proc/self/fd' <<<"$output"
  grep -qx '/proc/self/fd/0' <<<"$output"
  grep -qE ' /dev/pts .* devpts ' <<<"$output"
  grep -q 'newinstance\|ptmxmode=666' <<<"$output"
  grep -qE ' /dev/shm .* tmpfs ' <<<"$output"
  grep -qE ' /dev/mqueue .* mqueue ' <<<"$output"
  # no host devices beyond these
  ! grep -qE 'sda|vda|kmsg|mem$' <<<"$output"
}

@test "oomScoreAdj in a user namespace" {
  # (Lowering it needs CAP_SYS_RESOURCE, which this machine's root lacks.)
  config_edit '.process.oomScoreAdj = 300 | .linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  run run_in cat /proc/self/oom_score_adj
  [ "$status" -eq 0 ]
  [ "$output" = 300 ]
}

@test "devices in a user namespace are bind mounts of the host's nodes" {
  config_edit '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  run run_in sh -c 'echo hi >/dev/null && head -c 4 /dev/zero | wc -c; grep -c " /dev/null " /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 4 ]
  [ "${lines[1]}" = 1 ]
}

@test "masked paths read as empty, read-only paths refuse writes" {
  # This kernel has /proc/keys, /proc/timer_list and /proc/acpi (masked by
  # runc spec's list); the host shows content there.
  [ -s /proc/timer_list ] && [ -n "$(ls /proc/acpi)" ]
  run run_in sh -c 'wc -c </proc/timer_list; wc -c </proc/keys; ls /proc/acpi | wc -l; echo x >/proc/sys/kernel/hostname && echo WROTE; touch /proc/acpi/x && echo WROTE; grep -E " /proc/(sys|keys|timer_list|acpi) " /proc/self/mountinfo'
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = 0 ]
  ! grep -q WROTE <<<"$output"
  grep -qE ' /proc/sys ro,' <<<"$output"
}

@test "masking refuses a /dev/null that is not the null device" {
  # A config device that puts a different node at /dev/null.
  config_edit '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 5}]'
  run run_in true
  [ "$status" -ne 0 ]
  [[ $output == *"not the null device"* ]]
}

@test "readonly root, ro bind mounts and tmpfs options" {
  mkdir -p "$BUNDLE/vol" && echo data >"$BUNDLE/vol/file"
  config_edit --arg v "$BUNDLE/vol" '.root.readonly = true
    | .mounts += [{"destination": "/data", "type": "bind", "source": $v, "options": ["rbind", "ro", "nosuid"]},
                  {"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=1770", "noexec"]}]'
  run run_in sh -c 'touch /newfile && echo ROOT-WRITABLE; cat /data/file; touch /data/x && echo DATA-WRITABLE; touch /scratch/ok && echo scratch-ok; stat -c %a /scratch; grep -E " /(scratch|data) " /proc/self/mountinfo'
  ! grep -q WRITABLE <<<"$output"
  grep -qx data <<<"$output"
  grep -qx scratch-ok <<<"$output"
  grep -qx 1770 <<<"$output"
  grep -qE ' /scratch rw,.*noexec.* tmpfs .*size=1024k' <<<"$output"
  grep -qE ' /data ro,nosuid' <<<"$output"
  [ ! -e "$BUNDLE/rootfs/newfile" ]
  [ ! -e "$BUNDLE/vol/x" ]
}

@test "a relative bind source is taken from the bundle" {
  mkdir -p "$BUNDLE/rel" && echo relative >"$BUNDLE/rel/f"
  config_edit '.mounts += [{"destination": "/rel", "type": "bind", "source": "rel", "options": ["bind"]}]'
  run run_in cat /rel/f
  [ "$status" -eq 0 ]
  [ "$output" = relative ]
}

@test "sysctl is written in the container's namespaces only" {
  config_edit '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "12345678"}'
  local host_fwd
  host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
  run run_in sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = 12345678 ]
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
}

@test "--no-pivot runs the container with chroot" {
  config_edit '.process.args = ["sh", "-c", "cat /etc/passwd; cat /proc/self/mountinfo | head -1"]'
  run bw run --no-pivot --bundle "$BUNDLE" np
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == root:x:0:0:* ]]
}

@test "rootfsPropagation is applied to /" {
  config_edit '.linux.rootfsPropagation = "private"'
  run run_in sh -c 'grep -E "^[0-9]+ [0-9]+ [^ ]+ [^ ]+ / " /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  ! grep -q 'shared:' <<<"$output"
  ! grep -q 'master:' <<<"$output"
  config_edit '.linux.rootfsPropagation = "bogus"'
  run run_in true
  [ "$status" -ne 0 ]
  [[ $output == *"rootfsPropagation"* ]]
}

@test "rootfsPropagation unbindable and runbindable work with a user namespace, and under the default policy" {
  local prop pol
  for pol in "--policy-mode off" ""; do
    for prop in unbindable runbindable; do
      config_edit --arg p "$prop" '.linux.rootfsPropagation = $p'
      if [ -n "$pol" ]; then
        config_edit '.linux.namespaces += [{"type": "user"}]
          | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
          | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
      fi
      BW_POLICY=$pol run run_in sh -c 'grep -E "^[0-9]+ [0-9]+ [^ ]+ [^ ]+ / " /proc/self/mountinfo; cat /proc/self/uid_map'
      echo "$pol $prop: $output"
      [ "$status" -eq 0 ]
      grep -q 'unbindable' <<<"$output"
      # a user namespace either way (the default policy adds one)
      ! grep -qE '^ +0 +0 ' <<<"$output"
      config_edit 'del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces |= map(select(.type != "user"))'
    done
  done
}

@test "a new time namespace with the config's offsets" {
  config_edit '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"boottime": {"secs": 1000000}}'
  run run_in sh -c 'cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time'
  [ "$status" -eq 0 ]
  local host_up
  host_up=$(cut -d. -f1 /proc/uptime)
  [ "${lines[0]}" -ge $((host_up + 1000000 - 5)) ]
  [ "${lines[1]}" != "$(readlink /proc/self/ns/time)" ]
}

@test "a fresh session keyring per container, none with --no-new-keyring" {
  [ -r /proc/keys ] || skip "no /proc/keys on this kernel"
  config_edit '.process.args = ["sleep", "100"]'
  # /proc/keys lists only the keys its reader may view: read it as the
  # container's host uid, which owns the keyring (in a user namespace not
  # root, whose view of another uid's keyring is empty).
  keys_of() {
    local pid
    pid=$(bw state "$1" | jq .pid)
    setpriv --reuid="$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" \
      --regid="$(awk '/^Gid:/ {print $2}' "/proc/$pid/status")" --clear-groups cat /proc/keys
  }
  bw create --bundle "$BUNDLE" "kr$$" </dev/null >/dev/null 2>&1
  keys_of "kr$$" | grep -q " _ses.kr$$: "
  bw create --no-new-keyring --bundle "$BUNDLE" "nokr$$" </dev/null >/dev/null 2>&1
  ! keys_of "nokr$$" | grep -q " _ses.nokr$$: "
}

@test "an unprivileged caller's mappings go through newuidmap/newgidmap" {
  command -v newuidmap >/dev/null || skip "uidmap is not installed"
  # a user of the test's own (test_user.bash), removed in teardown
  ISO_USER=bwrl-iso
  test_user_add "$ISO_USER"
  local user=$ISO_USER range=$TEST_USER_START
  (cd "$BUNDLE" && rm -f config.json && runc spec --rootless >/dev/null)
  config_edit --argjson r "$range" '.process.terminal = false | .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map"]
    | .linux.uidMappings = [{"containerID": 0, "hostID": $r, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": $r, "size": 65536}]'
  local bin=$BUNDLE/bulwark-copy
  cp "$BULWARK" "$bin"
  chmod -R a+rX "$BUNDLE"
  mkdir -p "$BUNDLE/state-rootless" && chown "$user" "$BUNDLE/state-rootless"
  run su -s /bin/sh "$user" -c "$bin --root $BUNDLE/state-rootless $BW_POLICY run --bundle $BUNDLE rl"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [[ ${lines[1]} =~ ^\ +0\ +$range\ +65536$ ]]
  # A range the user does not own is refused by newuidmap, with our hint.
  config_edit '.linux.uidMappings[0].hostID = 1 | .linux.gidMappings[0].hostID = 1'
  run su -s /bin/sh "$user" -c "$bin --root $BUNDLE/state-rootless $BW_POLICY run --bundle $BUNDLE rl2"
  [ "$status" -ne 0 ]
  [[ $output == *"/etc/subuid"* ]]
}

@test "ioPriority and scheduler" {
  config_edit '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}
    | .process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
  run run_in sh -c 'ionice -p $$; grep -E "^policy" /proc/self/sched | tr -d " "; cut -d" " -f19 /proc/self/stat'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "best-effort: prio 6" ]
  [ "${lines[1]}" = "policy:3" ]
  [ "${lines[2]}" = 5 ]
}

@test "the article's demonstrations: root in the container cannot mknod or read another user's 0600 file" {
  mkdir -p "$BUNDLE/vol"
  echo secret >"$BUNDLE/vol/private"
  chown 1234:1234 "$BUNDLE/vol/private"
  chmod 600 "$BUNDLE/vol/private"
  config_edit --arg v "$BUNDLE/vol" '.mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind"]}]'
  run run_in sh -c 'id -u; mknod /dev/shm/sda b 8 0 && echo MKNOD-OK; cat /vol/private && echo READ-OK; chown 0 /vol/private && echo CHOWN-OK; true'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  ! grep -q -- '-OK' <<<"$output"
  [ "$(stat -c %u "$BUNDLE/vol/private")" = 1234 ]
}

@test "joining another container's user namespace by path" {
  config_edit '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .process.args = ["sleep", "100"]'
  bw create --bundle "$BUNDLE" owner </dev/null >/dev/null 2>&1
  local pid
  pid=$(bw state owner | jq -r .pid)
  config_edit --arg p "/proc/$pid/ns/user" '.linux.namespaces = [.linux.namespaces[] | if .type == "user" then .path = $p else . end]
    | del(.linux.uidMappings, .linux.gidMappings)
    | .process.args = ["sh", "-c", "id -u; readlink /proc/self/ns/user; cat /proc/self/uid_map; echo $$; exit 3"]'
  run bw run --bundle "$BUNDLE" joiner
  [ "$status" -eq 3 ]
  [ "${lines[3]}" = 1 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = "$(readlink /proc/$pid/ns/user)" ]
  [[ ${lines[2]} =~ ^\ +0\ +200000\ +65536$ ]]
}

@test "a new user namespace with the host's network namespace by path (Docker's --network host, its bridge netns) under a root-only directory" {
  # Engines keep netns files where only host root may enter (Docker's
  # exec-root is 0700); the namespace itself belongs to the host's user
  # namespace, which a process already in the new one may not join.
  local dir
  dir=$(mktemp -d /tmp/bulwark-test-netns.XXXXXX)
  chmod 700 "$dir"
  touch "$dir/net"
  unshare --net="$dir/net" ip link set lo up 2>/dev/null || unshare --net="$dir/net" true
  local want
  want=$(stat -L -c %i "$dir/net")
  config_edit --arg p "$dir/net" '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $p else . end]
    | .linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  run run_in sh -c 'readlink /proc/self/ns/net; id -u; cat /proc/self/uid_map'
  umount "$dir/net" 2>/dev/null || true
  rm -rf "$dir"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "net:[$want]" ]
  [ "${lines[1]}" = 0 ]
  [[ ${lines[2]} =~ ^\ +0\ +200000\ +65536$ ]]
}

@test "sysctl ping_group_range of every group (Docker's) in a user namespace opens it to the mapped groups" {
  config_edit '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.sysctl = {"net.ipv4.ping_group_range": "0 2147483647"}'
  run run_in cat /proc/sys/net/ipv4/ping_group_range
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '0\t65535')" ]
  # a range of which nothing is mapped is still refused, with the reason
  config_edit '.linux.sysctl = {"net.ipv4.ping_group_range": "70000 80000"}'
  run run_in true
  [ "$status" -ne 0 ]
  echo "$output"
  [[ $output == *"writing sysctl net.ipv4.ping_group_range=70000 80000"* ]]
}

@test "a read-only /dev tmpfs gets its devices, links and devpts first, then is read-only; so does a read-only tmpfs with a mount under it (same with the policy off and under the default policy)" {
  config_edit '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]
    | .mounts += [{destination: "/run", type: "tmpfs", source: "tmpfs", options: ["ro", "nosuid"]},
                  {destination: "/run/inner", type: "tmpfs", source: "tmpfs", options: ["nosuid"]}]'
  run run_in sh -c 'readlink /dev/ptmx; ls /dev/pts/ptmx; echo x >/dev/null && head -c 3 /dev/zero | wc -c
    grep -E " /(dev|run) " /proc/mounts | cut -d" " -f2,4 | cut -d, -f1
    touch /dev/new 2>/dev/null && echo dev-writable || echo dev-ro
    touch /run/new 2>/dev/null && echo run-writable || echo run-ro
    touch /run/inner/new && echo inner-writable'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = pts/ptmx ]
  [ "${lines[1]}" = /dev/pts/ptmx ]
  [ "${lines[2]}" = 3 ]
  [ "${lines[3]}" = "/dev ro" ]
  [ "${lines[4]}" = "/run ro" ]
  [ "${lines[5]}" = dev-ro ]
  [ "${lines[6]}" = run-ro ]
  [ "${lines[7]}" = inner-writable ]
}

@test "a terminal with /dev/ptmx listed in linux.devices and a user namespace (Docker's config under the default policy) gets the container's own devpts (policy off: explicit user namespace; default policy: the one it adds)" {
  config_edit '.process.terminal = true | .process.args = ["sh", "-c", "tty; readlink /dev/ptmx; exit 4"]
    | .linux.devices = [{path: "/dev/ptmx", type: "c", major: 5, minor: 2, fileMode: 438, uid: 0, gid: 0}]'
  if [ "$BW_POLICY" = --policy-mode=off ]; then
    config_edit '.linux.namespaces += [{"type": "user"}]
      | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
      | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  fi
  # shellcheck disable=SC2086
  run timeout -s KILL 20 "$BULWARK" --root "$BW_ROOT" $BW_POLICY run --bundle "$BUNDLE" ptmxu </dev/null
  [ "$status" -eq 4 ]
  [[ $output == */dev/pts/0* ]]
  [[ $output == *pts/ptmx* ]]
}
