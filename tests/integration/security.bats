#!/usr/bin/env bats
# The attacks that broke runc, attempted from inside bulwark's containers.

bats_require_minimum_version 1.5.0
load helpers

setup() {
  setup_bundle
  SENTINEL_DIR=$(mktemp -d /tmp/bulwark-sentinel.XXXXXX)
  echo original >"$SENTINEL_DIR/sentinel"
}
teardown() {
  teardown_bundle
  rm -rf "$SENTINEL_DIR"
}

@test "CVE-2024-21626: no fd of the runtime or its caller reaches the container" {
  config_edit '.process.args = ["sleep", "100"]'
  bw create --bundle "$BUNDLE" fds 9</etc/hostname 8>"$BUNDLE/leak" </dev/null >/dev/null 2>&1
  bw start fds
  local pid
  pid=$(bw state fds | jq -r .pid)
  for _ in $(seq 50); do [ "$(readlink /proc/$pid/exe)" = /bin/busybox ] && break; sleep 0.1; done
  # Seen from the host: the container's process holds stdio and nothing else.
  [ "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
  [ "$(readlink /proc/$pid/cwd)" = "$(readlink /proc/$pid/root)" ] || [ "$(readlink /proc/$pid/cwd)" = / ]
}

@test "--preserve-fds passes exactly N extra fds" {
  config_edit '.process.args = ["sleep", "100"]'
  bw create --preserve-fds 2 --bundle "$BUNDLE" pfd 3</etc/hostname 4</etc/hostname 5</etc/hostname </dev/null >/dev/null 2>&1
  bw start pfd
  local pid
  pid=$(bw state pfd | jq -r .pid)
  for _ in $(seq 50); do [ "$(readlink /proc/$pid/exe)" = /bin/busybox ] && break; sleep 0.1; done
  [ "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ')" = "0 1 2 3 4 " ]
  [ "$(readlink /proc/$pid/fd/3)" = /etc/hostname ]
}

@test "CVE-2024-21626: a cwd outside the rootfs cannot be reached" {
  config_edit '.process.cwd = "/../../../../../../tmp"'
  run run_in sh -c 'pwd; ls'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = /tmp ]
}

# CVE-2019-5736. $1: the image bulwark is expected to run from, "view" (a
# detached read-only mount of the binary) or "sealed" (a sealed memfd copy).
exe_overwrite_attempt() {
  # A private copy of the binary, so a failure of this test cannot break the others.
  local bin=$BUNDLE/bulwark-copy sum
  cp "$BULWARK" "$bin"
  sum=$(sha256sum <"$bin")
  mkdir -p "$BUNDLE/shared"
  config_edit --arg s "$BUNDLE/shared" '.process.args = ["sleep", "100"]
    | .mounts += [{"destination": "/shared", "type": "bind", "source": $s, "options": ["rbind"]}]'
  "$bin" --root "$BW_ROOT" $BW_POLICY create --bundle "$BUNDLE" exe >/dev/null 2>&1 </dev/null
  local pid
  pid=$(bw state exe | jq -r .pid)
  # From inside the container (its mount and pid namespaces, as root with
  # every capability, stronger than a container process): hold the init's
  # exe open, try to make its mount writable, wait until the runtime is
  # gone from it, then write through it.
  nsenter -t "$pid" -m -p sh -c '
    readlink /proc/1/exe >/shared/exe-link
    exec 3</proc/1/exe
    if mount -o remount,rw /proc/1/exe; then echo REMOUNTED; else echo NOREMOUNT; fi >/shared/remount 2>&1
    if mount -o remount,bind,rw /proc/self/fd/3; then echo REMOUNTED; else echo NOREMOUNT; fi >>/shared/remount 2>&1
    echo opened >/shared/opened
    while [ ! -e /shared/go ]; do sleep 0.05; done
    if echo pwned >>/proc/self/fd/3; then echo WROTE; else echo BLOCKED; fi >/shared/result 2>&1
    if printf "\x7fELF-pwned" 1<>/proc/self/fd/3; then echo WROTE2; else echo BLOCKED2; fi >>/shared/result 2>&1
  ' &
  local attacker=$!
  for _ in $(seq 50); do [ -e "$BUNDLE/shared/opened" ] && break; sleep 0.1; done
  [ -e "$BUNDLE/shared/opened" ]
  "$bin" --root "$BW_ROOT" start exe
  for _ in $(seq 50); do [ "$(readlink /proc/$pid/exe)" = /bin/busybox ] && break; sleep 0.1; done
  touch "$BUNDLE/shared/go"
  wait $attacker || true
  cat "$BUNDLE/shared/exe-link" "$BUNDLE/shared/remount" "$BUNDLE/shared/result"
  # Not the host's binary, and the image expected for this config.
  [ "$(cat "$BUNDLE/shared/exe-link")" != "$bin" ]
  if [ "$1" = sealed ]; then
    [[ $(cat "$BUNDLE/shared/exe-link") == *memfd:* ]]
  else
    [[ $(cat "$BUNDLE/shared/exe-link") != *memfd:* ]]
    grep -q "Read-only file system" "$BUNDLE/shared/result"
  fi
  ! grep -q REMOUNTED "$BUNDLE/shared/remount"
  grep -qx BLOCKED "$BUNDLE/shared/result"
  grep -qx BLOCKED2 "$BUNDLE/shared/result"
  [ "$(sha256sum <"$bin")" = "$sum" ]
  "$bin" --root "$BW_ROOT" delete --force exe
}

@test "CVE-2019-5736: the runtime binary cannot be overwritten through /proc/PID/exe (read-only view)" {
  exe_overwrite_attempt view
}

@test "CVE-2019-5736: a config keeping CAP_SYS_ADMIN gets a sealed copy, not a view it could remount" {
  # Under --policy-mode=off (BW_POLICY), nothing takes the capability away.
  config_edit '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
  exe_overwrite_attempt sealed
}

@test "CVE-2019-5736: a capability spelled with a JSON escape still gets the sealed copy" {
  # The cheap look at the text before the parse cannot read escapes.
  config_edit '.process.capabilities.bounding += ["CAP_DAC_READ_SEARCH"]'
  sed -i 's/CAP_DAC_READ_SEARCH/CAP_DAC_READ_\\u0053EARCH/' "$BUNDLE/config.json"
  grep -q 'READ_\\u0053EARCH' "$BUNDLE/config.json"
  exe_overwrite_attempt sealed
}

# The view's mount is detached and dissolved once bulwark runs from it: no
# mount namespace holds it, so no caller can clear its read-only flag, not
# host root and not the container's root in its own user namespace.
view_cannot_be_made_writable() {
  config_edit '.process.args = ["sleep", "100"]'
  bw create --bundle "$BUNDLE" ro </dev/null >/dev/null 2>&1
  local pid probe=$BATS_TEST_DIRNAME/helpers/exe_remount_probe.py
  pid=$(bw state ro | jq -r .pid)
  [[ $(readlink /proc/$pid/exe) != *memfd:* ]]
  run python3 "$probe" "$pid"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 4 ]
  [[ $output != *CHANGED* ]]
  [[ $output != *WRITABLE* ]]
  run python3 "$probe" "$pid" --inside
  echo "--inside: $output"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  [[ $output != *CHANGED* ]]
}

@test "CVE-2019-5736: the read-only view cannot be made writable (no user namespace)" {
  view_cannot_be_made_writable
}

@test "CVE-2019-5736: the read-only view cannot be made writable (container in a user namespace)" {
  config_edit '.linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  view_cannot_be_made_writable
}

@test "CVE-2019-5736: the parsed config has the last word (no capabilities list keeps them all)" {
  # The text says "capabilities" (an annotation) but process has no list:
  # the look before the parse picks the view, the runtime re-executes from
  # a sealed copy once it sees the config keeps every capability.
  config_edit '.process.args = ["sleep", "100"] | del(.process.capabilities)
    | .annotations = {"capabilities": "none listed"}'
  # A file, not a pipe: the container's init holds create's stdio.
  bw --debug create --bundle "$BUNDLE" nocaps </dev/null >/dev/null 2>"$BUNDLE/create.err"
  cat "$BUNDLE/create.err"
  grep -q "running from a read-only view" "$BUNDLE/create.err"
  grep -q "running from a sealed copy" "$BUNDLE/create.err"
  local pid
  pid=$(bw state nocaps | jq -r .pid)
  [[ $(readlink /proc/$pid/exe) == *memfd:* ]]
}

@test "CVE-2019-5736: exec into a container keeping CAP_SYS_ADMIN runs from a sealed copy" {
  config_edit '.process.args = ["sleep", "100"]'
  bw create --bundle "$BUNDLE" plain </dev/null >/dev/null 2>&1
  run bw --debug exec plain true
  [ "$status" -eq 0 ]
  [[ $output == *"running from a read-only view"* ]]
  # exec's own look (no config at hand) picks the view; the runtime sees
  # the container's capabilities and re-executes from a sealed copy.
  config_edit '.process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  bw create --bundle "$BUNDLE" admin </dev/null >/dev/null 2>&1
  run bw --debug exec admin true
  [ "$status" -eq 0 ]
  [[ $output == *"running from a sealed copy"* ]]
  run bw --debug exec --cap CAP_SYS_ADMIN plain true
  [ "$status" -eq 0 ]
  [[ $output == *"running from a sealed copy"* ]]
}

# The fallback walk, as on a kernel without openat2: strace makes every
# openat2 fail with ENOSYS, from outside the binary. The trace proves the
# refusals were injected.
bw_without_openat2() {
  strace -f -qq -o "$BUNDLE/openat2.trace" -e trace=openat2 -e inject=openat2:error=ENOSYS \
    "$BULWARK" --root "$BW_ROOT" $BW_POLICY "$@"
}

hostile_mount_target() {
  # The image's /evil is a symlink to a host directory; a mount at
  # /evil/sub must land inside the rootfs, never in the host directory.
  ln -s "$SENTINEL_DIR" "$BUNDLE/rootfs/evil"
  ln -s ../../../../../../../.. "$BUNDLE/rootfs/up"
  config_edit '.mounts += [{"destination": "/evil/sub", "type": "tmpfs", "source": "tmpfs"},
                           {"destination": "/up/etc/bulwark-escape", "type": "tmpfs", "source": "tmpfs"}]'
  run run_in sh -c 'echo written >/evil/sub/f && echo container-wrote; grep -c bulwark-escape /proc/self/mountinfo'
  [ "$status" -eq 0 ]
  grep -qx container-wrote <<<"$output"
  # Only the sentinel: no "sub" created on the host, and no escape dir.
  [ "$(ls "$SENTINEL_DIR")" = sentinel ]
  [ "$(cat "$SENTINEL_DIR/sentinel")" = original ]
  [ ! -e /etc/bulwark-escape ]
  # It was created inside the rootfs instead.
  [ -d "$BUNDLE/rootfs$SENTINEL_DIR/sub" ]
  [ -d "$BUNDLE/rootfs/etc/bulwark-escape" ]
}

@test "hostile image: a symlinked mount target stays inside the rootfs (openat2)" {
  hostile_mount_target
}

@test "hostile image: a symlinked mount target stays inside the rootfs (fallback walk)" {
  command -v strace >/dev/null || skip "needs strace"
  bw() { bw_without_openat2 "$@"; }
  hostile_mount_target
  grep -q 'ENOSYS.*(INJECTED)' "$BUNDLE/openat2.trace"
}

@test "hostile image: a bind mount onto a symlinked file cannot overwrite a host file" {
  ln -s "$SENTINEL_DIR/sentinel" "$BUNDLE/rootfs/etc/resolv.conf"
  echo "nameserver 10.0.0.1" >"$BUNDLE/resolv"
  config_edit --arg r "$BUNDLE/resolv" '.mounts += [{"destination": "/etc/resolv.conf", "type": "bind", "source": $r, "options": ["rbind"]}]'
  run run_in sh -c 'cat /etc/resolv.conf'
  [ "$status" -eq 0 ]
  [ "$(cat "$SENTINEL_DIR/sentinel")" = original ]
}

hostile_proc_dev() {
  rm -rf "$BUNDLE/rootfs/proc"
  ln -s "$SENTINEL_DIR" "$BUNDLE/rootfs/proc"
  run run_in true
  [ "$status" -ne 0 ]
  [[ $output == *"/proc"* ]]
  [[ $output == *"symlink"* ]]
  [ "$(ls "$SENTINEL_DIR")" = sentinel ]
  rm "$BUNDLE/rootfs/proc" && mkdir "$BUNDLE/rootfs/proc"
  rm -rf "$BUNDLE/rootfs/dev"
  ln -s "$SENTINEL_DIR" "$BUNDLE/rootfs/dev"
  run run_in true
  [ "$status" -ne 0 ]
  [[ $output == *"/dev"* ]]
  [ "$(ls "$SENTINEL_DIR")" = sentinel ]
}

@test "hostile image: /proc or /dev as a symlink is refused (openat2)" {
  hostile_proc_dev
}

@test "hostile image: /proc or /dev as a symlink is refused (fallback walk)" {
  command -v strace >/dev/null || skip "needs strace"
  bw() { bw_without_openat2 "$@"; }
  hostile_proc_dev
  grep -q 'ENOSYS.*(INJECTED)' "$BUNDLE/openat2.trace"
}

@test "hostile image: /dev/null as a regular file is replaced by the device before masking" {
  rm -f "$BUNDLE/rootfs/dev/null"
  echo fake >"$BUNDLE/rootfs/dev/null"
  config_edit 'del(.mounts[] | select(.destination == "/dev"))'
  run run_in sh -c 'ls -l /dev/null; wc -c </proc/keys'
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == c* ]]
  [ "${lines[1]}" = 0 ]
}
