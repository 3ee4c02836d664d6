# Shared by the integration tests: a busybox bundle and the built binary.
# BULWARK is the binary under test (scripts/check sets it).

BULWARK=${BULWARK:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/bulwark}

# A rootfs made of Debian's busybox-static, linked as every applet: built
# once per busybox binary into a template (one process per applet costs
# seconds under emulation) and copied per test.
rootfs_template() {
  local t tmp applet
  t=${TMPDIR:-/tmp}/bulwark-rootfs-template.$(cksum </bin/busybox | cut -d' ' -f1)
  if [[ ! -f $t/bin/busybox ]]; then
    tmp=$(mktemp -d "$t.XXXXXX")
    mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root}
    cp /bin/busybox "$tmp/bin/busybox"
    # Relative links: they resolve the same inside the container and on the host.
    for applet in $(/bin/busybox --list); do
      [[ $applet == busybox ]] || ln -sf busybox "$tmp/bin/$applet"
    done
    echo "root:x:0:0:root:/root:/bin/sh" >"$tmp/etc/passwd"
    echo "root:x:0:" >"$tmp/etc/group"
    chmod 1777 "$tmp/tmp"
    chmod 755 "$tmp"
    # another test run may have made it meanwhile: theirs is the same
    mv -T "$tmp" "$t" 2>/dev/null || rm -rf "$tmp"
  fi
  echo "$t"
}

make_rootfs() {
  local root=$1 t
  t=$(rootfs_template)
  mkdir -p "$root"
  cp -a "$t/." "$root/"
}

# The config runc spec writes, made non-interactive, running "$@".
write_config() {
  local bundle=$1; shift
  local args
  args=$(jq -cn '$ARGS.positional' --args -- "$@")
  (cd "$bundle" && rm -f config.json && runc spec >/dev/null && mv config.json config.runc.json)
  jq --argjson args "$args" '.process.terminal = false | .process.args = $args' \
    "$bundle/config.runc.json" >"$bundle/config.json"
  rm -f "$bundle/config.runc.json"
}

# Edit the bundle's config with a jq filter.
config_edit() {
  local f=$BUNDLE/config.json
  jq "$@" "$f" >"$f.new" && mv "$f.new" "$f"
}

setup_bundle() {
  BW_ROOT=$(mktemp -d /tmp/bulwark-test-root.XXXXXX)
  BUNDLE=$(mktemp -d /tmp/bulwark-test-bundle.XXXXXX)
  chmod 755 "$BUNDLE" # mapped ids in a user namespace must reach the rootfs
  make_rootfs "$BUNDLE/rootfs"
  write_config "$BUNDLE" sh -c 'echo hello'
}

teardown_bundle() {
  local id
  for id in $("$BULWARK" --root "$BW_ROOT" list -q 2>/dev/null); do
    "$BULWARK" --root "$BW_ROOT" delete --force "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$BW_ROOT" "$BUNDLE"
}

# bulwark with the test's state root.
# The mechanism tests run with the policy off: the default policy (baseline,
# harden) rewrites or refuses some of what they test (noNewPrivileges false,
# a host device, a rootless config without a network namespace) and adds a
# user namespace to every config. Policy tests set BW_POLICY to the global
# flags they want (e.g. "--profile restricted --policy-mode enforce").
# BW_POLICY set but empty (`BW_POLICY= bats ...`) runs with the defaults.
BW_POLICY=${BW_POLICY---policy-mode=off}

bw() {
  # shellcheck disable=SC2086 # BW_POLICY holds several flags
  "$BULWARK" --root "$BW_ROOT" $BW_POLICY "$@"
}

# Run a container in the foreground with "$@" as its process.
run_in() {
  config_edit --argjson a "$(jq -cn '$ARGS.positional' --args -- "$@")" '.process.args = $a'
  bw run --bundle "$BUNDLE" "t$$-$BATS_TEST_NUMBER"
}

# Create a detached container whose output goes to $BUNDLE/out.log.
create_bg() {
  local id=$1; shift
  config_edit --argjson a "$(jq -cn '$ARGS.positional' --args -- "$@")" '.process.args = $a'
  bw create --bundle "$BUNDLE" "$id" >"$BUNDLE/out.log" 2>&1 </dev/null
}

state_of() {
  bw state "$1" | jq -r .status
}

# create that is expected to fail, for `run`: a create that wrongly succeeds
# leaves an init holding run's output pipe, so its output goes to a file and
# the container is deleted, and the test fails instead of hanging.
fails_to_create() {
  local id=$1 st=0
  bw create --bundle "$BUNDLE" "$id" </dev/null >"$BUNDLE/create-$id.log" 2>&1 || st=$?
  cat "$BUNDLE/create-$id.log"
  ((st != 0)) || bw delete --force "$id" >/dev/null 2>&1
  return "$st"
}

# What a state root holds besides the shared seccomp BPF cache: a container
# that was not cleaned up shows here.
state_left() {
  ls "$BW_ROOT" | grep -vx seccomp-cache || true
}

# BW043 takes explicit mappings only from the ranges /etc/subuid and
# /etc/subgid give to the users engines take ranges from: a suite that maps
# onto HOSTID lists it for "containers" (Podman's --userns=auto) in its
# setup_file, and puts the files back in its teardown_file.
subids_add_containers() {
  local f
  for f in /etc/subuid /etc/subgid; do
    cp -p "$f" "$BATS_FILE_TMPDIR/$(basename "$f")" 2>/dev/null || : >"$BATS_FILE_TMPDIR/$(basename "$f").absent"
    echo "containers:$1:65536" >>"$f"
  done
}

subids_restore() {
  local f b
  for f in /etc/subuid /etc/subgid; do
    b=$BATS_FILE_TMPDIR/$(basename "$f")
    if [ -f "$b" ]; then cp -p "$b" "$f"; else rm -f "$f"; fi
  done
}

# A sanitized bulwark (scripts/check --asan sets ASAN_OPTIONS):
# LeakSanitizer stops the world with ptrace at exit, which fails in a
# process strace already traces ("LeakSanitizer has encountered a fatal
# error", exit 1), so what runs under strace runs without the leak check
# (ASan's and UBSan's other checks stay on). A strace on PATH does it, for
# `timeout strace ...` too.
if [[ -n ${ASAN_OPTIONS:-} && -n ${BATS_RUN_TMPDIR:-} ]] && command -v strace >/dev/null; then
  if [[ ! -x $BATS_RUN_TMPDIR/asan-bin/strace ]]; then
    mkdir -p "$BATS_RUN_TMPDIR/asan-bin"
    printf '#!/bin/sh\nASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" exec %s "$@"\n' "$(command -v strace)" \
      >"$BATS_RUN_TMPDIR/asan-bin/strace.new"
    chmod 755 "$BATS_RUN_TMPDIR/asan-bin/strace.new"
    mv "$BATS_RUN_TMPDIR/asan-bin/strace.new" "$BATS_RUN_TMPDIR/asan-bin/strace"
  fi
  PATH=$BATS_RUN_TMPDIR/asan-bin:$PATH
fi

# Is the binary under test static? A dynamic one (the ASan build) cannot
# run in a rootfs without its shared libraries.
bulwark_is_static() {
  ! ldd "$BULWARK" 2>/dev/null | grep -q '/'
}

# Copy the binary under test into a rootfs as /bulwark, with the shared
# libraries and loader of a dynamic build at their own paths.
copy_bulwark_into() {
  local root=$1 lib
  cp "$BULWARK" "$root/bulwark"
  bulwark_is_static && return 0
  for lib in $(ldd "$BULWARK" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

# A test user with subordinate ranges, made and removed again (the rootless
# suites and attack scripts).
# shellcheck source=test_user.bash
source "$(dirname "${BASH_SOURCE[0]}")/test_user.bash"
