#!/usr/bin/env bats
# bulwark run by an ordinary user: the state root in $XDG_RUNTIME_DIR, the
# caller's full subordinate range (or itself alone when it has none),
# explicit mappings through newuidmap judged as the caller's own, no
# delegated cgroup (this host's) with one warning, the in-container attacks
# from a rootless container, and a create killed half-way.
#
# Two users are made for the file (one with /etc/subuid and /etc/subgid
# ranges, one without; test_user.bash) and removed in teardown_file,
# whatever happened. On a shared host run it under
# `flock /run/bw-subuid.lock`, which guards edits of those files.

bats_require_minimum_version 1.5.0
load helpers

RL_FULL=bwrl-full
RL_SINGLE=bwrl-single

setup_file() {
  command -v newuidmap >/dev/null || skip "uidmap (newuidmap, newgidmap) is not installed"
  command -v setpriv >/dev/null || skip "setpriv is not installed"
  # a range of 65,536 past every other, and a small range below 65,536, as
  # some hosts give (the user's own to map)
  test_user_add --also-range 30000:1000 "$RL_FULL"
  echo "$TEST_USER_START" >"$BATS_FILE_TMPDIR/start"
  test_user_add --no-subids "$RL_SINGLE"
}

teardown_file() {
  test_user_del "$RL_FULL"
  test_user_del "$RL_SINGLE"
}

setup() {
  BUNDLE=$(mktemp -d /tmp/bulwark-test-bundle.XXXXXX)
  chmod 755 "$BUNDLE"
  make_rootfs "$BUNDLE/rootfs"
  cp "$BULWARK" "$BUNDLE/bulwark"
  START=$(cat "$BATS_FILE_TMPDIR/start")
  FULL_UID=$(id -u "$RL_FULL")
  SINGLE_UID=$(id -u "$RL_SINGLE")
  chown "$RL_FULL" "$BUNDLE"
  # the config `bulwark spec --rootless` writes, as the user would have it,
  # with its mappings removed: bulwark chooses them
  as_user "$RL_FULL" "$BUNDLE/bulwark" spec --rootless --bundle "$BUNDLE"
  config_edit '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map /proc/self/gid_map"]
    | del(.linux.uidMappings, .linux.gidMappings)'
  chmod -R a+rX "$BUNDLE"
}

teardown() {
  local u uid id
  for u in "$RL_FULL" "$RL_SINGLE"; do
    uid=$(id -u "$u" 2>/dev/null) || continue
    for id in $(as_user "$u" "$BUNDLE/bulwark" list -q 2>/dev/null); do
      as_user "$u" "$BUNDLE/bulwark" delete --force "$id" >/dev/null 2>&1 || true
    done
  done
  rm -rf "$BUNDLE"
}

# Run "$@" as user $1 with the environment a login session gives it.
as_user() {
  local user=$1; shift
  local uid gid
  uid=$(id -u "$user")
  gid=$(id -g "$user")
  (cd "$BUNDLE" && setpriv --reuid="$uid" --regid="$gid" --init-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ USER="$user" XDG_RUNTIME_DIR="/run/user/$uid" "$@")
}

# bulwark as the user with bulwark's default policy (an empty BW_POLICY
# keeps the defaults; set it for other flags).
bwu() {
  local user=$1; shift
  # shellcheck disable=SC2086 # BW_POLICY holds several flags
  as_user "$user" "$BUNDLE/bulwark" ${RL_POLICY:-} "$@"
}

@test "rootless: the state root is \$XDG_RUNTIME_DIR/bulwark, refused when unset or not the caller's" {
  run --separate-stderr as_user "$RL_FULL" env -u XDG_RUNTIME_DIR "$BUNDLE/bulwark" list
  [ "$status" -eq 1 ]
  [ "$stderr" = "bulwark: XDG_RUNTIME_DIR is not set: as an unprivileged user (uid $FULL_UID) bulwark keeps its containers' state in \$XDG_RUNTIME_DIR/bulwark, since /run/bulwark is root's; log in through a session that sets it (systemd-logind makes /run/user/UID, mode 0700, owned by you), or give --root DIR, a directory you own" ]
  run --separate-stderr as_user "$RL_FULL" env XDG_RUNTIME_DIR="/run/user/$SINGLE_UID" "$BUNDLE/bulwark" list
  [ "$status" -eq 1 ]
  [[ $stderr == "bulwark: XDG_RUNTIME_DIR=/run/user/$SINGLE_UID is owned by uid $SINGLE_UID, not by you (uid $FULL_UID): "* ]]
  # commands without state need no state root
  run as_user "$RL_FULL" env -u XDG_RUNTIME_DIR "$BUNDLE/bulwark" features
  [ "$status" -eq 0 ]
  # --root still wins
  mkdir "$BUNDLE/own-root" && chown "$RL_FULL" "$BUNDLE/own-root"
  run as_user "$RL_FULL" env -u XDG_RUNTIME_DIR "$BUNDLE/bulwark" --root "$BUNDLE/own-root" list -q
  [ "$status" -eq 0 ]
  [ "$output" = "" ]

  config_edit '.process.args = ["sleep", "100"]'
  bwu "$RL_FULL" create rl-state </dev/null >/dev/null 2>&1
  [ "$(stat -c '%U %a' "/run/user/$FULL_UID/bulwark")" = "$RL_FULL 700" ]
  [ "$(stat -c '%U' "/run/user/$FULL_UID/bulwark/rl-state")" = "$RL_FULL" ]
  [ ! -e /run/bulwark/rl-state ]
  [ "$(bwu "$RL_FULL" list -q)" = rl-state ]
  [ "$(bwu "$RL_FULL" state rl-state | jq -r .status)" = created ]
  # root's list does not see it: it is the user's
  run "$BULWARK" list -q
  [[ $output != *rl-state* ]]
  bwu "$RL_FULL" delete --force rl-state
  [ ! -e "/run/user/$FULL_UID/bulwark/rl-state" ]
}

@test "rootless: no mappings in the config: container root is the caller, 1..65535 its subordinate ids" {
  run --separate-stderr bwu "$RL_FULL" run rl-full
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "0 $FULL_UID 1" ]
  [ "$(echo "${lines[2]}" | tr -s ' ' | sed 's/^ //')" = "1 $START 65535" ]
  [ "$(echo "${lines[3]}" | tr -s ' ' | sed 's/^ //')" = "0 $(id -g "$RL_FULL") 1" ]
  [ "$(echo "${lines[4]}" | tr -s ' ' | sed 's/^ //')" = "1 $START 65535" ]
  [ "${#lines[@]}" -eq 5 ]
}

@test "rootless: a caller without subordinate ids maps itself alone" {
  chown "$RL_SINGLE" "$BUNDLE"
  run --separate-stderr bwu "$RL_SINGLE" run rl-single
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "0 $SINGLE_UID 1" ]
  [ "$(echo "${lines[2]}" | tr -s ' ' | sed 's/^ //')" = "0 $(id -g "$RL_SINGLE") 1" ]
  [ "${#lines[@]}" -eq 3 ]
}

@test "rootless: explicit mappings of the caller's own ids pass the default policy; another's are refused" {
  config_edit --argjson u "$FULL_UID" --argjson g "$(id -g "$RL_FULL")" --argjson s "$START" '
      .linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}, {"containerID": 1, "hostID": ($s + 100), "size": 1000}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1}, {"containerID": 1, "hostID": ($s + 100), "size": 1000}]'
  run --separate-stderr bwu "$RL_FULL" run rl-explicit
  [ "$status" -eq 0 ]
  [ "$(echo "${lines[2]}" | tr -s ' ' | sed 's/^ //')" = "1 $((START + 100)) 1000" ]
  # its range below 65,536 is its own too; as root the same config is BW043's
  config_edit '.linux.uidMappings[1] = {"containerID": 1, "hostID": 30000, "size": 1000}
    | .linux.gidMappings[1] = {"containerID": 1, "hostID": 30000, "size": 1000}'
  run --separate-stderr bwu "$RL_FULL" run rl-low
  [ "$status" -eq 0 ]
  [ "$(echo "${lines[2]}" | tr -s ' ' | sed 's/^ //')" = "1 30000 1000" ]
  local root_state
  root_state=$(mktemp -d /tmp/bulwark-test-root.XXXXXX)
  run --separate-stderr "$BULWARK" --root "$root_state" run --bundle "$BUNDLE" rl-low-root
  rm -rf "$root_state"
  [ "$status" -eq 1 ]
  [[ $stderr == *"BW043"*"gidMappings[1] maps container 1-1000 onto host gids 30000-30999, below 65536"* ]]
  # the single user's uid is a host user's (BW043), not this caller's
  config_edit --argjson o "$SINGLE_UID" '.linux.uidMappings[1] = {"containerID": 1, "hostID": $o, "size": 1}'
  run --separate-stderr bwu "$RL_FULL" run rl-other
  [ "$status" -eq 1 ]
  [[ $stderr == *"BW043"*"uidMappings[1] maps container 1-1 onto host uids $SINGLE_UID-$SINGLE_UID, below 65536"* ]]
  # past its range: refused by newuidmap, whatever the policy
  config_edit --argjson s "$START" '.linux.uidMappings[1] = {"containerID": 1, "hostID": ($s + 65000), "size": 1000}'
  RL_POLICY=--policy-mode=off run --separate-stderr bwu "$RL_FULL" run rl-past
  [ "$status" -ne 0 ]
  [[ $stderr == *newuidmap* ]]
}

@test "rootless: no delegated cgroup here: one warning that names it, and the run goes on; restricted refuses" {
  [ "$(awk '$5 == "/sys/fs/cgroup/unified" {print $9}' /proc/self/mountinfo)" = cgroup2 ] ||
    skip "this test describes the hybrid layout (cgroup2 at /sys/fs/cgroup/unified)"
  run --separate-stderr bwu "$RL_FULL" run rl-cg
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "$stderr" = "bulwark: warning: linux.resources ignored (no pids, memory or cpu limit applies): this host's controllers are on cgroup v1 (hybrid layout), which is never delegated to an unprivileged user; cgroup v2 alone (systemd.unified_cgroup_hierarchy=1) with systemd's user@$FULL_UID.service delegates a subtree" ]
  # nothing was made in root's hierarchies
  [ ! -e /sys/fs/cgroup/pids/bulwark/rl-cg ]
  # what needs a cgroup says why there is none
  config_edit '.process.args = ["sleep", "100"]'
  bwu "$RL_FULL" create rl-cgp </dev/null >/dev/null 2>&1
  run --separate-stderr bwu "$RL_FULL" pause rl-cgp
  [ "$status" -eq 1 ]
  [ "$stderr" = "bulwark: container rl-cgp has no cgroup: it was made without one, as no cgroup is delegated to you (pause, resume, update and events need one; see docs/rootless.md)" ]
  bwu "$RL_FULL" delete --force rl-cgp
  RL_POLICY="--profile restricted" run --separate-stderr bwu "$RL_FULL" run rl-cg2
  [ "$status" -eq 1 ]
  [[ $stderr == "bulwark: the restricted profile requires linux.resources to be enforced, and no cgroup can hold them: this host's controllers are on cgroup v1"*"or choose --profile baseline, which runs without them and warns" ]]
  [ ! -e "/run/user/$FULL_UID/bulwark/rl-cg2" ]
}

@test "rootless: check --attack in a rootless container: root is not host root, every attack blocked or skipped" {
  copy_bulwark_into "$BUNDLE/rootfs" # a dynamic (sanitizer) build with its libraries
  chmod -R a+rX "$BUNDLE/rootfs"
  # a host root's 0600 file in a folder bound into the container: what
  # container root may do to it is what the user may
  mkdir -m 755 "$BUNDLE/fixture"
  echo "host root's" >"$BUNDLE/fixture/secret"
  chmod 600 "$BUNDLE/fixture/secret"
  config_edit --arg f "$BUNDLE/fixture" '.process.args = ["/bulwark", "check", "--attack", "--format", "json", "--fixture", "/root"]
    | .mounts += [{"destination": "/root", "type": "bind", "source": $f, "options": ["rbind", "rw"]}]'
  bwu "$RL_FULL" run rl-check >"$BUNDLE/report.json" 2>"$BUNDLE/err" || true
  jq -e .targets "$BUNDLE/report.json" >/dev/null
  # no finding that container root is host root or that ids reach it
  [ "$(jq -r '[.targets[0].findings[].rule | select(. == "BW040" or . == "BW041" or . == "BW042")] | length' "$BUNDLE/report.json")" = 0 ]
  [ "$(jq '.attacks | length' "$BUNDLE/report.json")" -ge 16 ]
  [ "$(jq '[.attacks[] | select(.result == "escaped")] | length' "$BUNDLE/report.json")" = 0 ]
  [ "$(jq -r '.attacks[] | select(.technique == "mknod-block-device") | .result' "$BUNDLE/report.json")" = blocked ]
  [ "$(jq -r '.attacks[] | select(.technique == "raw-socket") | .reason' "$BUNDLE/report.json")" = "socket(AF_INET, SOCK_RAW): EPERM" ]
  [ "$(jq -r '.attacks[] | select(.technique == "core-pattern") | .result' "$BUNDLE/report.json")" = blocked ]
  [ "$(jq -r '.attacks[] | select(.technique == "read-foreign-file") | .reason' "$BUNDLE/report.json")" = \
    "open /root/secret (uid 65534, mode 600): EACCES" ]
  [ "$(jq -r '.attacks[] | select(.technique == "chown-foreign-file") | .result' "$BUNDLE/report.json")" = blocked ]
  [ "$(stat -c '%u %a' "$BUNDLE/fixture/secret")" = "0 600" ]
}

@test "rootless: self-protection: a sealed copy of the binary (no open_tree without privilege), no fd or cwd of the host" {
  config_edit '.process.args = ["sleep", "100"]'
  bwu "$RL_FULL" create rl-self </dev/null >/dev/null 2>&1
  local pid
  pid=$(bwu "$RL_FULL" state rl-self | jq .pid)
  # The parked init runs bulwark: open_tree needs CAP_SYS_ADMIN, so the
  # read-only view is out of reach and the sealed memfd copy is used.
  [ "$(readlink "/proc/$pid/exe")" = "/memfd:bulwark (deleted)" ]
  # The user who owns the container cannot open it (non-dumpable until
  # execve), neither to read nor to write; root cannot write it either.
  run as_user "$RL_FULL" sh -c "exec 3</proc/$pid/exe"
  [ "$status" -ne 0 ]
  [[ $output == *"Permission denied"* ]]
  run as_user "$RL_FULL" sh -c "echo pwned >>/proc/$pid/exe"
  [ "$status" -ne 0 ]
  [[ $output == *"Permission denied"* ]]
  run sh -c "echo pwned >>/proc/$pid/exe"
  [ "$status" -ne 0 ]
  cmp "$BULWARK" "$BUNDLE/bulwark"
  bwu "$RL_FULL" delete --force rl-self

  # From inside: a cwd outside the rootfs lands inside it
  # (CVE-2024-21626), and the container's init holds only its stdio.
  config_edit '.process.cwd = "/../../../../../../tmp" | .process.args = ["sleep", "100"]'
  bwu "$RL_FULL" create rl-fds </dev/null >/dev/null 2>&1
  bwu "$RL_FULL" start rl-fds
  run --separate-stderr bwu "$RL_FULL" exec rl-fds sh -c 'ls /proc/1/fd | tr "\n" " "; echo; readlink /proc/1/cwd'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "0 1 2 " ]
  [ "${lines[1]}" = /tmp ]
  bwu "$RL_FULL" delete --force rl-fds
}

@test "rootless: bulwark killed mid-create leaves nothing behind in the user's directories once deleted" {
  config_edit --arg p "$BUNDLE/hook.pid" '.process.args = ["sleep", "100"]
    | .hooks = {createRuntime: [{path: "/bin/sh", args: ["sh", "-c", "echo $$ >\($p); exec sleep 30"]}]}'
  # bulwark itself in the background (setpriv and env exec it): its pid is $!
  (cd "$BUNDLE" && exec setpriv --reuid="$FULL_UID" --regid="$(id -g "$RL_FULL")" --init-groups \
    env -i PATH=/usr/bin:/bin USER="$RL_FULL" XDG_RUNTIME_DIR="/run/user/$FULL_UID" "$BUNDLE/bulwark" create rl-crash) \
    </dev/null >/dev/null 2>&1 &
  local creator=$!
  for _ in $(seq 100); do [ -s "$BUNDLE/hook.pid" ] && break; sleep 0.1; done
  [ -s "$BUNDLE/hook.pid" ]
  [ -d "/run/user/$FULL_UID/bulwark/rl-crash" ]
  kill -KILL $creator
  wait $creator || true
  kill "$(cat "$BUNDLE/hook.pid")" 2>/dev/null || true
  run --separate-stderr bwu "$RL_FULL" state rl-crash
  [ "$status" -eq 1 ]
  [[ $stderr == *"its create did not finish; bulwark delete --force removes it" ]]
  bwu "$RL_FULL" delete --force rl-crash
  # only the user's seccomp cache stays: no container state, no process
  [ "$(ls "/run/user/$FULL_UID/bulwark")" = seccomp-cache ]
  # no live process of the user (the dead wait for this machine's pid 1 to
  # reap them, which is not bulwark's doing)
  live() { ps -o stat=,pid=,args= -u "$FULL_UID" | awk '$1 !~ /^Z/'; }
  for _ in $(seq 50); do [ -z "$(live)" ] && break; sleep 0.1; done
  [ -z "$(live)" ] || { live; false; }
  [ ! -e /run/bulwark/rl-crash ]
}

@test "rootless: exec joins the container's pid namespace (after its user namespace), with the exit status and pid file" {
  config_edit '.process.args = ["sleep", "100"]'
  bwu "$RL_FULL" create rl-exec </dev/null >/dev/null 2>&1
  bwu "$RL_FULL" start rl-exec
  run --separate-stderr bwu "$RL_FULL" exec rl-exec sh -c 'readlink /proc/self/ns/pid; id -u; echo $$; exit 3'
  [ "$status" -eq 3 ]
  local pid
  pid=$(bwu "$RL_FULL" state rl-exec | jq .pid)
  [ "${lines[0]}" = "$(readlink "/proc/$pid/ns/pid")" ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" -gt 1 ]
  # --detach --pid-file: the host pid of the process in the container
  bwu "$RL_FULL" exec --detach --pid-file "$BUNDLE/exec.pid" rl-exec sleep 50 </dev/null >/dev/null 2>&1
  local p
  p=$(cat "$BUNDLE/exec.pid")
  [ "$(readlink "/proc/$p/ns/pid")" = "$(readlink "/proc/$pid/ns/pid")" ]
  [ "$(tr '\0' ' ' <"/proc/$p/cmdline")" = "sleep 50 " ]
  [ "$(awk '/^Uid:/ {print $2}' "/proc/$p/status")" = "$FULL_UID" ]
  bwu "$RL_FULL" delete --force rl-exec
}

@test "rootless: the user's own Docker or Podman socket is an engine socket (BW070), wherever XDG_RUNTIME_DIR is" {
  command -v python3 >/dev/null || skip "python3 makes the fake engine sockets"
  local xdg=/run/user/$FULL_UID
  as_user "$RL_FULL" mkdir -p "$xdg/podman"
  as_user "$RL_FULL" python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$xdg/podman/podman.sock"
  config_edit --arg s "$xdg/podman" '.mounts += [{"destination": "/engine", "type": "bind", "source": $s, "options": ["rbind", "ro"]}]'
  run --separate-stderr bwu "$RL_FULL" run rl-sock
  [ "$status" -eq 1 ]
  [[ $stderr == *"BW070"*"$xdg/podman/podman.sock"* ]]
  # a runtime directory elsewhere, bound whole: known only from the caller's
  # XDG_RUNTIME_DIR
  local other=$BUNDLE/xdg
  mkdir -m 700 "$other" && chown "$RL_FULL" "$other"
  as_user "$RL_FULL" python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$other/docker.sock"
  config_edit --arg s "$other" '.mounts[-1].source = $s'
  run --separate-stderr as_user "$RL_FULL" env XDG_RUNTIME_DIR="$other" "$BUNDLE/bulwark" run rl-sock2
  [ "$status" -eq 1 ]
  [[ $stderr == *"BW070"*"$other/docker.sock"* ]]
  # the same directory without a socket in it is an ordinary bind
  rm "$other/docker.sock"
  config_edit '.process.args = ["ls", "-a", "/tmp"] | .mounts[-1].destination = "/tmp"'
  run --separate-stderr as_user "$RL_FULL" env XDG_RUNTIME_DIR="$other" "$BUNDLE/bulwark" run rl-sock3
  [ "$status" -eq 0 ]
}

@test "rootless: spec --rootless writes the caller's mappings (full range, or itself alone); features says what rootless gets" {
  local d=$BUNDLE/spec-full
  mkdir "$d" && chown "$RL_FULL" "$d"
  as_user "$RL_FULL" "$BUNDLE/bulwark" spec --rootless --bundle "$d"
  [ "$(jq -c .linux.uidMappings "$d/config.json")" = "[{\"containerID\":0,\"hostID\":$FULL_UID,\"size\":1},{\"containerID\":1,\"hostID\":$START,\"size\":65535}]" ]
  [ "$(jq -c .linux.gidMappings "$d/config.json")" = "[{\"containerID\":0,\"hostID\":$(id -g "$RL_FULL"),\"size\":1},{\"containerID\":1,\"hostID\":$START,\"size\":65535}]" ]
  [ "$(jq -r '.linux | has("resources")' "$d/config.json")" = false ]
  d=$BUNDLE/spec-single
  mkdir "$d" && chown "$RL_SINGLE" "$d"
  as_user "$RL_SINGLE" "$BUNDLE/bulwark" spec --rootless --bundle "$d"
  [ "$(jq -c .linux.uidMappings "$d/config.json")" = "[{\"containerID\":0,\"hostID\":$SINGLE_UID,\"size\":1}]" ]
  # the written config runs as it is, under the default policy
  ln -s ../rootfs "$BUNDLE/spec-full/rootfs"
  jq '.process.args = ["sh", "-c", "cat /proc/self/uid_map"] | .process.terminal = false' "$BUNDLE/spec-full/config.json" >"$BUNDLE/c.json"
  mv "$BUNDLE/c.json" "$BUNDLE/spec-full/config.json"
  run --separate-stderr bwu "$RL_FULL" run --bundle "$BUNDLE/spec-full" rl-spec
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 2 ]
  run as_user "$RL_FULL" env -u XDG_RUNTIME_DIR "$BUNDLE/bulwark" features
  [ "$status" -eq 0 ]
  [ "$(jq -c '.annotations | with_entries(select(.key | startswith("io.bulwark.rootless.")))' <<<"$output")" = \
    '{"io.bulwark.rootless.enabled":"true","io.bulwark.rootless.idmap":"newuidmap+newgidmap","io.bulwark.rootless.cgroup":"v2-delegation","io.bulwark.rootless.selfclone":"memfd-sealed"}' ]
}

@test "fuse-overlayfs rootfs, bulwark as root: taken for the caller's overlay (not BW073), then refused since FUSE cannot be idmapped; never used unmapped" {
  command -v fuse-overlayfs >/dev/null || skip "fuse-overlayfs is not installed (scripts/deps)"
  [ -c /dev/fuse ] || skip "no /dev/fuse on this host"
  local f
  f=$(mktemp -d /tmp/bulwark-test-fuse.XXXXXX)
  mkdir "$f/upper" "$f/work" "$f/merged" "$f/state" "$f/b"
  if ! fuse-overlayfs -o "lowerdir=$BUNDLE/rootfs,upperdir=$f/upper,workdir=$f/work" "$f/merged"; then
    rm -rf "$f"
    skip "fuse-overlayfs cannot mount here"
  fi
  # root's own config (bulwark spec), its rootfs the FUSE mount
  "$BULWARK" spec --bundle "$f/b"
  jq --arg p "$f/merged" '.root.path = $p | .process.args = ["true"] | .process.terminal = false' "$f/b/config.json" >"$f/c.json"
  mv "$f/c.json" "$f/b/config.json"
  run --separate-stderr "$BULWARK" --root "$f/state" run --bundle "$f/b" rl-fuse
  local left
  left=$(ls -A "$f/state")
  umount "$f/merged"
  rm -rf "$f"
  echo "$stderr"
  [ "$status" -eq 1 ]
  [ "$stderr" = "bulwark: idmapping the container's mounts: the rootfs $f/merged is a FUSE mount (fuse-overlayfs?), which the kernel cannot idmap, and bulwark as root does not use a rootfs unmapped; use the kernel's overlay (Podman: remove mount_program from storage.conf; Docker: the overlay2 driver), or run the engine rootless, where no idmapped view is needed" ]
  # no container left: the state root holds the seccomp cache at most
  [ -z "$(grep -v '^seccomp-cache$' <<<"$left")" ]
}
