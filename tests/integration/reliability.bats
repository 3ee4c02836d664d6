#!/usr/bin/env bats
# Nothing lost, nothing leaked: bulwark killed at a sample of the system
# calls that change the host (the whole sweep is scripts/soak), `gc` on
# leftovers made by kill -9, hostile bundles, and faults injected from
# outside the binary with strace.

bats_require_minimum_version 1.5.0
load helpers
load ../faults/host_state

setup() {
  command -v strace >/dev/null || skip "needs strace"
  setup_bundle
  # The default policy: a user namespace and an id range for every container.
  BW_POLICY=
  config_edit '.process.args = ["sleep", "1000"]'
}
teardown() { teardown_bundle; }

# The number of the first call of SYSCALL bulwark itself makes (counted as
# strace counts, per process) whose traced line matches PATTERN.
nth_call() {
  local sc=$1 pattern=$2; shift 2
  # a first container fills the seccomp cache: the count is then the
  # same for every create that follows
  "$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" "warm$$" </dev/null >/dev/null 2>&1
  "$BULWARK" --root "$BW_ROOT" delete --force "warm$$" >/dev/null 2>&1
  strace -f -qq -y -o "$BUNDLE/count.trace" -e trace="execve,$sc" "$BULWARK" --root "$BW_ROOT" "$@" \
    </dev/null >/dev/null 2>&1 &
  local sp=$!
  for _ in $(seq 200); do grep -qE '^[0-9]+ \+\+\+ exited' "$BUNDLE/count.trace" 2>/dev/null && break; sleep 0.05; done
  kill -9 $sp 2>/dev/null; wait $sp 2>/dev/null || true
  local main
  main=$(head -1 "$BUNDLE/count.trace" | awk '{print $1}')
  awk -v m="$main" -v s="$sc(" -v p="$pattern" '$1 == m && index($2, s) == 1 { n++; if ($0 ~ p) { print n; exit } }' \
    "$BUNDLE/count.trace"
}

# Run bulwark with ERRNO injected into call N of SYSCALL.
with_fault() {
  local sc=$1 errno=$2 n=$3; shift 3
  # to a file: were the fault missed, the container's init would hold a pipe
  status=0
  timeout -s KILL 60 strace -f -qq -o /dev/null -e trace="$sc" -e inject="$sc:error=$errno:when=$n" \
    "$BULWARK" --root "$BW_ROOT" "$@" </dev/null >"$BUNDLE/fault.out" 2>&1 || status=$?
  output=$(cat "$BUNDLE/fault.out")
}

@test "reliability: prctl(PR_SET_DUMPABLE) failing in init or in exec's child fails create or exec with its reason; nothing is left" {
  # when=1: every process's first prctl; in init and in exec's child that
  # is PR_SET_DUMPABLE (bulwark's own first one is a capability read)
  with_fault prctl EPERM 1 create --bundle "$BUNDLE" "nd$$"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"creating container nd$$: making the runtime's child undumpable (prctl PR_SET_DUMPABLE): Operation not permitted"* ]]
  [ -z "$(leftovers "nd$$")" ]
  bw run --detach --bundle "$BUNDLE" "ex$$" </dev/null >/dev/null 2>&1
  with_fault prctl EPERM 1 exec "ex$$" true
  echo "$output"
  [ "$status" -eq 255 ]
  [[ $output == *"exec in container ex$$: making the runtime's child undumpable (prctl PR_SET_DUMPABLE): Operation not permitted"* ]]
}

@test "reliability: bulwark or its child killed at a sample of kill points: delete --force leaves the host as it was" {
  # Under the sanitizers (scripts/check --asan sets BW_SANITIZED) every
  # point costs several times more: a sparser sample there, the plain
  # build's run takes the denser one.
  local every=12 least=10
  [[ -n ${BW_SANITIZED:-} ]] && every=48 least=3
  run timeout 900 "$BATS_TEST_DIRNAME/../../scripts/killsweep" --commands create,delete,pause \
    --syscalls mount,move_mount,clone3,mkdir,rename,write --every "$every"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ ${lines[-1]} =~ ^kill\ points:\ ([0-9]+),\ leaks:\ 0($|\ ) ]]
  [ "${BASH_REMATCH[1]}" -ge "$least" ]
}

@test "gc: removes what kill -9 left (a dead init, a create killed half-way), never a live container" {
  bw run --detach --bundle "$BUNDLE" "live$$" </dev/null >/dev/null 2>&1
  bw run --detach --bundle "$BUNDLE" "dead$$" </dev/null >/dev/null 2>&1
  kill -9 "$(bw state "dead$$" | jq .pid)"
  # create killed at its clone3: state dir, cgroup and range, no init
  strace -f -qq -o /dev/null -e trace=clone3 -e inject=clone3:signal=KILL:when=1 \
    "$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" "half$$" </dev/null >/dev/null 2>&1 || true
  [ -d "$BW_ROOT/half$$" ]
  [ -n "$(leftovers "half$$")" ]
  local live_pid live_range
  live_pid=$(bw state "live$$" | jq .pid)
  live_range=$(jq -r '.linux.uidMappings[0].hostID' "$BW_ROOT/live$$/config.hardened.json")

  run bw gc --dry-run
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"would remove container dead$$ (its init is gone)"* ]]
  [[ $output == *"would remove container half$$ (its create died before writing its state)"* ]]
  [[ $output != *"container live$$"* ]]
  [ -d "$BW_ROOT/half$$" ] && [ -d "$BW_ROOT/dead$$" ] # a dry run changes nothing

  run bw gc
  echo "$output"
  # (its status also covers other roots' stale cgroups under the shared parent)
  [[ $output != *"could not remove container"* ]]
  [[ $output == *"removed container dead$$ (its init is gone)"* ]]
  [[ $output == *"removed container half$$ (its create died before writing its state)"* ]]
  [ -z "$(leftovers "half$$")" ]
  [ -z "$(leftovers "dead$$")" ]
  # the live one is untouched: running, same init, its range still held
  [ "$(bw state "live$$" | jq -r .status)" = running ]
  [ "$(bw state "live$$" | jq .pid)" = "$live_pid" ]
  grep -lF "\"owner\": \"live$$\"" /var/lib/bulwark/idranges/range-*.json | xargs grep -qF "\"uid\": $live_range,"
  # nothing of this root is left to collect (ranges of other roots, held
  # by their live containers, may be named as kept)
  run bw gc --dry-run
  [[ $output != *"remove container"* ]]
  [[ $output != *"$BW_ROOT/"* ]]
}

@test "gc: a state root that does not exist has nothing to collect" {
  run "$BULWARK" --root "$BW_ROOT/none" gc
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

# The address-space bound of the hostile runs (1 GB); none under the
# sanitizers (BW_SANITIZED), whose shadow memory reserves terabytes of
# address space: the plain build's run keeps the bound.
mem_bound() {
  if [[ -n ${BW_SANITIZED:-} ]]; then echo 'exec "$@"'; else echo 'ulimit -v 1000000; exec "$@"'; fi
}

# A hostile config: a clear error within 10 s and 1 GB, nothing left.
hostile_config() {
  local what=$1
  run timeout 10 bash -c "$(mem_bound)" _ "$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" "h$$" </dev/null
  echo "$what: $output"
  [ "$status" -eq 1 ] # not 124 (timeout) nor a crash
  [[ $output == *"$BUNDLE/config.json"* ]]
  [ -z "$(leftovers "h$$")" ]
}

@test "hostile bundle: config.json a FIFO, a symlink to /dev/zero, 100 MB, nested 100,000 deep, not UTF-8" {
  cp "$BUNDLE/config.json" "$BUNDLE/good.json"
  rm "$BUNDLE/config.json" && mkfifo "$BUNDLE/config.json"
  hostile_config fifo
  [[ $output == *"expected a regular JSON file, found a FIFO"* ]]
  rm "$BUNDLE/config.json" && ln -s /dev/zero "$BUNDLE/config.json"
  hostile_config zero
  [[ $output == *"found a character device"* ]]
  rm "$BUNDLE/config.json"
  python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["annotations"] = {"pad": "a" * 100000000}; json.dump(c, open(sys.argv[2], "w"))' \
    "$BUNDLE/good.json" "$BUNDLE/config.json"
  hostile_config big
  [[ $output == *"at most 16 MiB"* ]]
  python3 -c "print('[' * 100000 + ']' * 100000)" >"$BUNDLE/config.json"
  hostile_config deep
  [[ $output == *"nested at most 64 levels deep"* ]]
  printf '{"ociVersion": "1.0.2", "process": {"args": ["\xff\xfe"]}}' >"$BUNDLE/config.json"
  hostile_config utf8
  [[ $output == *"expected UTF-8 text, found the byte 0xff"* ]]
}

@test "hostile bundle: 10,000 mounts are made within bounded time and memory, and delete leaves nothing" {
  config_edit '.mounts += [range(10000) | {"destination": "/m\(.)", "type": "tmpfs", "source": "tmpfs"}]'
  # a file, not a pipe: the container's init holds create's stdio
  timeout 120 bash -c "$(mem_bound)" _ "$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" "m$$" \
    </dev/null >"$BUNDLE/create.out" 2>&1 || { cat "$BUNDLE/create.out"; false; }
  bw start "m$$"
  [ "$(bw exec "m$$" sh -c 'grep -c " /m[0-9]* " /proc/self/mountinfo')" -eq 10000 ]
  bw delete --force "m$$"
  [ -z "$(leftovers "m$$")" ]
}

@test "hostile rootfs: /proc, /dev, /sys as a symlink to a host path or a loop are refused; /etc as one reaches nothing of the host" {
  local d
  for d in proc dev sys; do
    for target in "/$d" "$d"; do
      rm -rf "${BUNDLE:?}/rootfs/$d" && ln -s "$target" "$BUNDLE/rootfs/$d"
      run timeout 20 "$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" "h$$" </dev/null
      echo "$d -> $target: $output"
      [ "$status" -eq 1 ]
      [[ $output == *"mount target /$d inside the rootfs: Too many levels of symbolic links"* ]]
      [ -z "$(leftovers "h$$")" ]
    done
    rm "$BUNDLE/rootfs/$d" && mkdir "$BUNDLE/rootfs/$d"
  done
  # /etc: bulwark puts nothing there; inside, the link resolves in the
  # rootfs (to itself), never to the host's /etc.
  rm -rf "$BUNDLE/rootfs/etc" && ln -s /etc "$BUNDLE/rootfs/etc"
  local before
  before=$(stat -c '%Y %Z' /etc /etc/passwd)
  config_edit '.process.args = ["sh", "-c", "cat /etc/passwd || echo no-host-etc"]'
  run timeout 20 "$BULWARK" --root "$BW_ROOT" run --bundle "$BUNDLE" "e$$" </dev/null
  echo "$output"
  [[ $output == *no-host-etc* ]]
  [[ $output != *"root:x:0:0:root:/root"* ]]
  [ "$(stat -c '%Y %Z' /etc /etc/passwd)" = "$before" ]
  [ -z "$(leftovers "e$$")" ]
}

@test "faults: ENOSPC on the state file, EDQUOT on the id-range record: a clear error naming what, nothing left" {
  local n
  n=$(nth_call write 'state\.json\.tmp' create --bundle "$BUNDLE" "probe$$")
  bw delete --force "probe$$"
  [ -n "$n" ]
  with_fault write ENOSPC "$n" create --bundle "$BUNDLE" f1
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"state.json"*"No space left on device"* ]]
  [ -z "$(leftovers f1)" ]

  n=$(nth_call write 'idranges' create --bundle "$BUNDLE" "probe$$")
  bw delete --force "probe$$"
  [ -n "$n" ]
  with_fault write EDQUOT "$n" create --bundle "$BUNDLE" f2
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"id range"*"Disk quota exceeded"* ]]
  [ -z "$(leftovers f2)" ]
}

@test "faults: EAGAIN and EINTR on a cgroup write, EMFILE on an open: a clear error naming what, nothing left" {
  local n e
  n=$(nth_call write '/sys/fs/cgroup/' create --bundle "$BUNDLE" "probe$$")
  bw delete --force "probe$$"
  [ -n "$n" ]
  for e in EAGAIN EINTR; do
    with_fault write $e "$n" create --bundle "$BUNDLE" "f$e"
    echo "$e: $output"
    [ "$status" -eq 1 ]
    [[ $output == *"/sys/fs/cgroup/"* ]]
    [ -z "$(leftovers "f$e")" ]
  done
  n=$(nth_call openat 'idranges/\.tmp' create --bundle "$BUNDLE" "probe$$")
  bw delete --force "probe$$"
  [ -n "$n" ]
  # every open from there on fails, the cleanup's too: what it cannot
  # remove it keeps, for delete --force
  with_fault openat EMFILE "$n+" create --bundle "$BUNDLE" fm
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"Too many open files"* ]]
  if [ -e "$BW_ROOT/fm" ]; then
    [[ $output == *"bulwark delete --force fm"* ]]
    bw delete --force fm
  fi
  [ -z "$(leftovers fm)" ]
}

@test "faults: a read-only state dir is a clear error, nothing left" {
  mkdir -p "$BW_ROOT"
  mount -t tmpfs -o ro,mode=700 tmpfs "$BW_ROOT"
  run timeout 20 "$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" ro </dev/null
  umount "$BW_ROOT"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"$BW_ROOT"*"Read-only file system"* ]]
  [ -z "$(leftovers ro)" ]
}

@test "faults: an id range that cannot be freed keeps the container (delete fails, a failed create is kept) until delete --force frees it" {
  bw run --detach --bundle "$BUNDLE" "r$$" </dev/null >/dev/null 2>&1
  # the id-range store's lock fails (EIO) for this delete alone
  run timeout -s KILL 60 strace -f -qq -o /dev/null -P /var/lib/bulwark/idranges/lock -e trace=flock \
    -e inject=flock:error=EIO "$BULWARK" --root "$BW_ROOT" delete --force "r$$"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"deleting r$$ (its state is kept: delete it again)"*"id range"*"Input/output error"* ]]
  # kept: the container is still listed, its range still names it
  [ -d "$BW_ROOT/r$$" ]
  [[ $(bw list) == *"r$$"* ]]
  [[ $(leftovers "r$$") == *"range "* ]]
  bw delete --force "r$$"
  [ -z "$(leftovers "r$$")" ]

  # a create that fails after taking its range (a sysctl the kernel does
  # not have), and whose cleanup cannot free it: kept, for delete --force
  config_edit '.linux.sysctl = {"net.ipv4.no_such_key": "1"}'
  run timeout -s KILL 60 strace -f -qq -o /dev/null -P /var/lib/bulwark/idranges/lock -e trace=flock \
    -e inject=flock:error=EIO:when=2+ "$BULWARK" --root "$BW_ROOT" create --bundle "$BUNDLE" "s$$"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"container s$$ is kept so that \`bulwark delete --force s$$\` can free its id range"* ]]
  [[ $output == *"no_such_key"* ]]
  [[ $(leftovers "s$$") == *"range "* ]]
  bw delete --force "s$$"
  [ -z "$(leftovers "s$$")" ]
}

@test "faults: a corrupt state file is a clear error and delete --force is the way out" {
  bw run --detach --bundle "$BUNDLE" "c$$" </dev/null >"$BUNDLE/run.out" 2>&1 || { cat "$BUNDLE/run.out"; false; }
  local pid
  pid=$(bw state "c$$" | jq .pid)
  head -c 20 "$BW_ROOT/c$$/state.json" >"$BW_ROOT/c$$/state.tmp" && mv "$BW_ROOT/c$$/state.tmp" "$BW_ROOT/c$$/state.json"
  run bw state "c$$"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"$BW_ROOT/c$$/state.json"* ]]
  [[ $output == *"delete --force"* ]]
  run bw delete --force "c$$"
  [ "$status" -eq 0 ]
  [ -z "$(leftovers "c$$")" ]
  # its init was killed through its cgroup (a zombie until reaped)
  for _ in $(seq 50); do [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = "" ] && break; [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ] && break; sleep 0.1; done
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != S ]
}

@test "faults: a corrupt id-range record keeps its range taken: the next container gets another one" {
  bw run --detach --bundle "$BUNDLE" "a$$" </dev/null >/dev/null 2>&1
  local rec range
  rec=$(grep -lF "\"owner\": \"a$$\"" /var/lib/bulwark/idranges/range-*.json | xargs grep -lF "\"root\": \"$BW_ROOT\"")
  range=$(jq -r .uid "$rec")
  bw delete --force "a$$"
  # the record of the rootfs, now without owner, is truncated
  head -c 10 "$rec" >"$rec.tmp" && mv "$rec.tmp" "$rec"
  bw run --detach --bundle "$BUNDLE" "b$$" </dev/null >/dev/null 2>&1
  local got
  got=$(jq -r '.linux.uidMappings[0].hostID' "$BW_ROOT/b$$/config.hardened.json")
  [ -n "$got" ] && [ "$got" != "$range" ]
  run bw gc --dry-run
  echo "$output"
  [[ $output == *"kept id range record"*"$(basename "$rec")"*"unreadable"* ]]
  rm -f "$rec"
}

@test "hostile bundle: as root, a config.json or bundle others can write is refused naming the fix; one another user owns runs with a warning" {
  [ "$(id -u)" -eq 0 ] || skip "needs root"
  local u
  u=$(awk -F: '$3 >= 1000 && $3 < 60000 { print $3; exit }' /etc/passwd)
  [ -n "$u" ] || u=4242
  # others can write config.json: any user could pick what root runs
  chmod 666 "$BUNDLE/config.json"
  run fails_to_create "w$$"
  [ "$status" -eq 1 ]
  [[ $output == *"$BUNDLE/config.json is writable by a group other than root's or by others (mode 0666)"*"chmod go-w $BUNDLE/config.json"* ]]
  [ -z "$(leftovers "w$$")" ]
  # a group other than root's can write it
  chmod 664 "$BUNDLE/config.json"
  chgrp "$u" "$BUNDLE/config.json"
  run fails_to_create "g$$"
  [ "$status" -eq 1 ]
  [[ $output == *"mode 0664"* ]]
  chgrp 0 "$BUNDLE/config.json"
  # group root's members are root already
  bw create --bundle "$BUNDLE" "r$$" </dev/null >/dev/null 2>&1
  bw delete --force "r$$"
  chmod 644 "$BUNDLE/config.json"
  # the bundle directory: others could replace config.json
  chmod 777 "$BUNDLE"
  run fails_to_create "d$$"
  [ "$status" -eq 1 ]
  [[ $output == *"bundle $BUNDLE is writable"*"chmod go-w $BUNDLE"* ]]
  [ -z "$(leftovers "d$$")" ]
  chmod 755 "$BUNDLE"
  # owned by another user, writable by that user only: runs (as runc
  # allows), with a warning naming the owner and the fix
  chown "$u" "$BUNDLE/config.json"
  bw create --bundle "$BUNDLE" "o$$" </dev/null >"$BUNDLE/o.log" 2>&1
  grep -q "config.json belongs to uid $u, who can change what root runs" "$BUNDLE/o.log"
  grep -q "chown root $BUNDLE/config.json" "$BUNDLE/o.log"
  [ "$(state_of "o$$")" = created ]
  bw delete --force "o$$"
  [ -z "$(leftovers "o$$")" ]
}
