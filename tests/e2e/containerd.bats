#!/usr/bin/env bats
# containerd driving bulwark through its runc shim (io.containerd.runc.v2)
# with bulwark as the binary: `ctr run --runc-binary`, which is the path a
# Kubernetes pod takes once the CRI plugin has picked the runtime class.
# This file starts its own containerd (own root, state, sockets) whose
# config carries the runtime class snippet of docs/kubernetes.md, and
# imports an OCI image made by hand from a busybox rootfs.
#   BULWARK=build/bulwark bats tests/e2e/containerd.bats
# Needs: containerd, busybox-static, jq, python3.

load helpers

IMG=docker.io/library/bw-busybox:e2e

# The runtime class block of docs/kubernetes.md, with bulwark's path.
doc_snippet() {
  local doc=$BATS_TEST_DIRNAME/../../docs/kubernetes.md
  sed -n '/^<!-- containerd-runtime-class/,/^<!-- end containerd-runtime-class/p' "$doc" |
    sed -e '/^<!--/d' -e '/^```/d' -e "s|/usr/local/bin/bulwark|$BULWARK|" -e "s|/run/containerd/bulwark|$E2E/bulwark-root|"
}

setup_file() {
  e2e_dir containerd
  local snippet
  snippet=$(doc_snippet)
  [[ $snippet == *BinaryName* ]] || { echo "docs/kubernetes.md lost its containerd snippet" >&3; return 1; }
  # A node's config (containerd config default) already has the default
  # runc runtime; the CRI plugin refuses a config whose default is missing.
  start_containerd "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]
  runtime_type = \"io.containerd.runc.v2\"
$snippet"
  busybox_rootfs "$E2E/rootfs"
  oci_image_tar "$E2E/rootfs" "$E2E/image.tar" "$IMG"
  ctr image import "$E2E/image.tar" >"$E2E/import.log" 2>&1 || {
    cat "$E2E/import.log" >&3
    return 1
  }
}

teardown_file() {
  [[ -n ${E2E:-} ]] || return 0
  if [[ -S ${CONTAINERD_ADDRESS:-} ]]; then
    local t
    for t in $(ctr task ls -q 2>/dev/null); do ctr task kill -s KILL "$t" >/dev/null 2>&1 || true; done
    sleep 0.5
    for t in $(ctr task ls -q 2>/dev/null); do ctr task delete -f "$t" >/dev/null 2>&1 || true; done
    for t in $(ctr container ls -q 2>/dev/null); do ctr container rm "$t" >/dev/null 2>&1 || true; done
  fi
  stop_containerd
  rm -rf "$E2E"
}

teardown() {
  teardown_show_logs "$E2E/containerd.log"
}

# ctr run with bulwark as the shim's binary and a --root of this file's.
crun_() {
  ctr run --runc-binary "$BULWARK" --runc-root "$E2E/bulwark-root" "$@"
}

task_status() {
  ctr task ls | awk -v id="$1" '$1 == id {print $3}'
}

@test "containerd loads the runtime class config of docs/kubernetes.md (runc shim, BinaryName)" {
  # containerd's own reading of the file
  run containerd --config "$E2E/containerd.toml" config dump
  [ "$status" -eq 0 ]
  grep -A12 'containerd.runtimes.bulwark\]' <<<"$output" | grep -q 'runtime_type = "io.containerd.runc.v2"'
  grep -A4 'containerd.runtimes.bulwark.options\]' <<<"$output" | grep -qF "BinaryName = \"$BULWARK\""
  # and the running daemon's CRI plugin started with it
  run ctr plugins ls
  echo "$output" | grep cri
  grep -E 'io.containerd.grpc.v1 +cri .* ok' <<<"$output"
  grep -q 'Start cri plugin with config' "$E2E/containerd.log"
  grep 'Start cri plugin with config' "$E2E/containerd.log" | grep -q "bulwark:{Type:io.containerd.runc.v2"
  grep 'Start cri plugin with config' "$E2E/containerd.log" | grep -qF "BinaryName:$BULWARK"
}

@test "ctr run --runc-binary: exit status and output" {
  run --separate-stderr crun_ --rm "$IMG" c1 sh -c 'echo out; id -u; exit 3'
  [ "$status" -eq 3 ]
  [ "${lines[0]}" = out ]
  [ "${lines[1]}" = 0 ]
  run crun_ --rm "$IMG" c1b true
  [ "$status" -eq 0 ]
}

@test "ctr run -d, task exec, kill with the container's handler, delete; bulwark kept the state" {
  crun_ -d "$IMG" c2 sh -c 'trap "exit 9" TERM; while :; do sleep 0.1; done'
  wait_for 20 sh -c '[ "$(ctr task ls | awk "\$1 == \"c2\" {print \$3}")" = RUNNING ]'
  # the shim passed bulwark the --runc-root (under it, the namespace): bulwark knows c2
  local root=$E2E/bulwark-root/$CONTAINERD_NAMESPACE
  [ "$("$BULWARK" --root "$root" state c2 | jq -r .status)" = running ]
  run ctr task exec --exec-id e1 c2 sh -c 'echo in; exit 4'
  [ "$status" -eq 4 ]
  [ "$output" = in ]
  ctr task kill -s TERM c2
  wait_for 40 sh -c '[ "$(ctr task ls | awk "\$1 == \"c2\" {print \$3}")" = STOPPED ]'
  # the handler's exit status reached containerd
  run ctr task delete c2
  [[ $output == *"exit code 9"* ]]
  ctr container rm c2
  run "$BULWARK" --root "$root" list -q
  [[ $output != *c2* ]]
}

@test "ctr run -t: a terminal whose size follows the user's" {
  run "$BATS_TEST_DIRNAME/pty_run.py" 30 100 READY 40 120 -- \
    ctr run --runc-binary "$BULWARK" --runc-root "$E2E/bulwark-root" --rm -t "$IMG" c3 sh -c 'sleep 1; stty size; tty; echo READY; read x; sleep 1; stty size; exit 7'
  echo "$output"
  [ "$status" -eq 7 ]
  [[ $output == *"/dev/pts/"* ]]
  [[ $output == *"40 120"* ]]
}
