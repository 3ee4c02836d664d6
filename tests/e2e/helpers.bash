# Shared by the e2e suites: a busybox rootfs, and private engine daemons
# (dockerd, containerd) each with its own data, state and socket under
# $E2E, stopped by pid. BULWARK is the binary under test.

bats_require_minimum_version 1.5.0

: "${BULWARK:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/bulwark}"
export BULWARK

# A test user with subordinate ranges, made and removed again
# (podman_rootless.bats).
# shellcheck source=../integration/test_user.bash
source "$(dirname "${BASH_SOURCE[0]}")/../integration/test_user.bash"

# A suite that needs an engine fails loudly when it is missing.
need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null || { echo "$c is not installed: run scripts/deps" >&3; return 1; }
  done
}

# A private scratch dir for the whole file.
e2e_dir() {
  E2E=$(mktemp -d "/tmp/bw-e2e-$1.XXXXXX")
  chmod 755 "$E2E" # mapped ids in a user namespace must reach what lies below
  export E2E
}

# A rootfs of Debian's busybox-static, every applet linked, with passwd and
# group so `id` and `--user` resolve names.
busybox_rootfs() {
  local root=$1 applet
  mkdir -p "$root"/{bin,etc,proc,sys,dev,tmp,root,data}
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/tmp:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\nuser:x:1000:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
}

# Wait up to $1 half-seconds for "$2 ..." to succeed.
wait_for() {
  local n=$1 i; shift
  for ((i = 0; i < n; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

# Print the tail of an engine's log (to the terminal bats shows on failure).
show_log() {
  local f=$1
  [[ -f $f ]] || return 0
  echo "---- last lines of $f ----"
  tail -n "${2:-60}" "$f"
}

# After a failed test, the engine's log goes into the test's output.
teardown_show_logs() {
  if [[ -z ${BATS_TEST_COMPLETED:-} ]]; then
    local f
    for f in "$@"; do show_log "$f"; done
  fi
}

# Unmount whatever an engine left mounted below $1 (netns files, overlay
# and shm mounts), deepest first, so the directory can be removed.
umount_under() {
  local m
  for m in $(awk -v d="$1/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
}

# dockerd on $E2E/docker.sock with its own data-root and exec-root, no
# iptables, no bridge; extra arguments are passed on (e.g. --add-runtime).
start_dockerd() {
  need dockerd docker || return 1
  export DOCKER_HOST=unix://$E2E/docker.sock
  # BW_E2E_CGROUP_DRIVER (cgroupfs or systemd) picks Docker's cgroup driver;
  # unset, Docker's own default (systemd on a cgroup v2 host with systemd)
  local driver=()
  [[ -n ${BW_E2E_CGROUP_DRIVER:-} ]] && driver=(--exec-opt "native.cgroupdriver=$BW_E2E_CGROUP_DRIVER")
  dockerd --iptables=false --bridge=none --data-root "$E2E/data" --exec-root "$E2E/exec" \
    --host "$DOCKER_HOST" --pidfile "$E2E/dockerd.pid" "${driver[@]}" "$@" >"$E2E/dockerd.log" 2>&1 &
  echo $! >"$E2E/dockerd.bg"
  if ! wait_for 120 docker version; then
    show_log "$E2E/dockerd.log" >&3
    return 1
  fi
}

stop_dockerd() {
  [[ -f $E2E/dockerd.bg ]] || return 0
  local pid
  pid=$(cat "$E2E/dockerd.bg")
  kill "$pid" 2>/dev/null || true
  wait_for 60 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
  umount_under "$E2E"
}

# `docker import` of a busybox rootfs as image $1.
docker_import_busybox() {
  busybox_rootfs "$E2E/rootfs"
  tar -C "$E2E/rootfs" -c . | docker import - "$1" >/dev/null
}

# containerd with a private config (root, state, gRPC socket) at
# $E2E/containerd.toml; extra TOML lines in $1 are appended. The CRI plugin
# stays enabled (with no CNI here it only logs), so a runtime class in $1
# is parsed as a node's containerd would.
start_containerd() {
  need containerd ctr || return 1
  export CONTAINERD_ADDRESS=$E2E/containerd.sock CONTAINERD_NAMESPACE=bulwark-e2e
  cat >"$E2E/containerd.toml" <<EOF
version = 2
root = "$E2E/containerd-root"
state = "$E2E/containerd-state"
[grpc]
  address = "$CONTAINERD_ADDRESS"
[ttrpc]
  address = "$CONTAINERD_ADDRESS.ttrpc"
[debug]
  address = "$E2E/containerd-debug.sock"
${1:-}
EOF
  containerd --config "$E2E/containerd.toml" >"$E2E/containerd.log" 2>&1 &
  echo $! >"$E2E/containerd.bg"
  if ! wait_for 60 ctr version; then
    show_log "$E2E/containerd.log" >&3
    return 1
  fi
}

stop_containerd() {
  [[ -f $E2E/containerd.bg ]] || return 0
  local pid
  pid=$(cat "$E2E/containerd.bg")
  kill "$pid" 2>/dev/null || true
  wait_for 60 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
  umount_under "$E2E"
}

# The host pid of a container's init, and its host uid.
host_uid_of() {
  awk '/^Uid:/ {print $2}' "/proc/$1/status"
}

cgroup_v2_host() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

# The host cgroup directory of a pid for one controller (v1), or its one
# cgroup2 directory on a pure v2 host.
cgroup_dir_of() {
  local pid=$1 ctrl=$2 path
  if cgroup_v2_host; then
    echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")"
    return
  fi
  path=$(awk -F: -v c="$ctrl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
  echo "/sys/fs/cgroup/$ctrl$path"
}

# cgroup_file_of PID CONTROLLER V1FILE V2FILE: a limit's file, v1 or v2
cgroup_file_of() {
  if cgroup_v2_host; then echo "$(cgroup_dir_of "$1" "$2")/$4"; else echo "$(cgroup_dir_of "$1" "$2")/$3"; fi
}

# FROZEN or THAWED, from v1's freezer.state or v2's cgroup.freeze
freezer_state_of() {
  local d
  d=$(cgroup_dir_of "$1" freezer)
  if cgroup_v2_host; then
    if [ "$(cat "$d/cgroup.freeze")" = 1 ]; then echo FROZEN; else echo THAWED; fi
  else
    cat "$d/freezer.state"
  fi
}

# An OCI image layout tarball, made by hand, of rootfs $1 as image $3
# (a full reference, e.g. docker.io/library/bw:e2e) written to $2: one
# uncompressed layer, a config, a manifest, an index naming the image.
oci_image_tar() {
  local rootfs=$1 out=$2 name=$3 dir
  dir=$(mktemp -d "$E2E/oci.XXXXXX")
  mkdir -p "$dir/blobs/sha256"
  tar -C "$rootfs" --numeric-owner -cf "$dir/layer.tar" .
  local layer_sha layer_size config config_sha manifest manifest_sha
  layer_sha=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  layer_size=$(stat -c %s "$dir/layer.tar")
  mv "$dir/layer.tar" "$dir/blobs/sha256/$layer_sha"
  config=$(jq -cn --arg d "sha256:$layer_sha" \
    '{architecture: "amd64", os: "linux", config: {Cmd: ["sh"], Env: ["PATH=/bin"]},
      rootfs: {type: "layers", diff_ids: [$d]}}')
  printf '%s' "$config" >"$dir/config.json"
  config_sha=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mv "$dir/config.json" "$dir/blobs/sha256/$config_sha"
  manifest=$(jq -cn --arg c "sha256:$config_sha" --argjson cs "${#config}" \
    --arg l "sha256:$layer_sha" --argjson ls "$layer_size" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
      layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}')
  printf '%s' "$manifest" >"$dir/manifest.json"
  manifest_sha=$(sha256sum "$dir/manifest.json" | cut -d' ' -f1)
  jq -cn --arg m "sha256:$manifest_sha" --argjson ms "$(stat -c %s "$dir/manifest.json")" --arg n "$name" \
    '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: $m, size: $ms, platform: {architecture: "amd64", os: "linux"},
      annotations: {"io.containerd.image.name": $n, "org.opencontainers.image.ref.name": ($n | sub(".*:"; ""))}}]}' \
    >"$dir/index.json"
  mv "$dir/manifest.json" "$dir/blobs/sha256/$manifest_sha"
  echo '{"imageLayoutVersion": "1.0.0"}' >"$dir/oci-layout"
  tar -C "$dir" -cf "$out" oci-layout index.json blobs
  rm -rf "$dir"
}
