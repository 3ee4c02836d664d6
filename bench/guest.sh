#!/usr/bin/env bash
# Guest rows of the benchmark: bulwark against Debian 12's own crun in the
# systemd guest (Debian's 6.1 kernel, systemd 252 as PID 1, pure cgroup v2;
# scripts/guest/run --systemd), `run /bin/true` on one busybox bundle:
#   cgroupfs   the runc spec config, policy off, the cgroupfs driver
#   systemd    the same with --systemd-cgroup (a transient scope per run,
#              through systemd's D-Bus API)
#   defaults   bulwark's restricted defaults (`bulwark spec`, default
#              policy) against crun on the same config with the same
#              protections written out (explicit mappings, the seccomp
#              profile bulwark loads by default)
# The guest has no hyperfine: a timed loop, the runtimes taking turns in
# each round (order alternating), medians and each one's ratio to crun.
# Under TCG (this VM's nested KVM cannot run the guest) every instruction
# is emulated: the ratios carry over, the milliseconds do not. Not in CI.
#
#   bench/guest.sh                  on the host (as root): boots the guest
# RUNS (30), WARMUP (3), BENCH_DIR (/tmp/bulwark-guest-bench: the results,
# guest-bench.md and the raw times); BUILD_DIR (build).
set -uo pipefail
RUNS=${RUNS:-30}
WARMUP=${WARMUP:-3}

if [[ ${BW_GUEST:-} != 1 ]]; then
  # --- on the host: the seccomp profile for crun's row, then the guest ---
  set -e
  here=$(cd "$(dirname "$0")" && pwd)
  top=$(dirname "$here")
  BUILD_DIR=${BUILD_DIR:-$top/build}
  work=${BENCH_DIR:-/tmp/bulwark-guest-bench}
  ninja -C "$BUILD_DIR" >/dev/null
  rm -rf "$work" && mkdir -p "$work/benchfiles" "$work/results"
  # shellcheck disable=SC2046
  gcc -O2 -D_GNU_SOURCE -I"$top/src" -o "$work/seccomp-dump" "$here/seccomp-dump.c" "$BUILD_DIR/libbulwark.a" \
    $(pkg-config --libs jansson libseccomp libcap)
  bw=$(realpath "$BUILD_DIR/bulwark")
  (cd "$work/benchfiles" && "$bw" spec)
  # shellcheck disable=SC2046
  "$work/seccomp-dump" $(jq -r '.process.capabilities.bounding // [] | join(" ")' "$work/benchfiles/config.json") \
    >"$work/benchfiles/seccomp-defaults.json"
  rm "$work/benchfiles/config.json"
  printf '%s\n' "RUNS=$RUNS" "WARMUP=$WARMUP" >"$work/benchfiles/knobs"
  rc=0
  "$top/scripts/guest/run" --systemd --bulwark "$bw" --files "$work/benchfiles" \
    --results "$work/results" --script "$0" || rc=$?
  echo "bench: results in $work/results (guest-bench.md, times.tsv)"
  exit $rc
fi

# --- inside the guest --------------------------------------------------------
# shellcheck disable=SC1091 # the host's knobs
[[ -f /guest/benchfiles/knobs ]] && . /guest/benchfiles/knobs
out=${BW_GUEST_RESULTS:-/tmp/results}
mkdir -p "$out"
W=/var/tmp/bench # on the disk (ext4): 6.1 cannot idmap a rootfs on tmpfs
rm -rf "$W" && mkdir -p "$W"
bulwark setup >/dev/null 2>&1 || echo "# bench: bulwark setup failed: $(bulwark setup 2>&1 | tail -1)"
MAP_HOST=100000
for f in /etc/subuid /etc/subgid; do # explicit maps in an engine user's range (BW043)
  grep -q '^containers:100000:65536$' "$f" || echo "containers:100000:65536" >>"$f"
done

rootfs=$W/rootfs
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,root}
cp /bin/busybox "$rootfs/bin/busybox"
for a in true sleep sh cat; do ln -s busybox "$rootfs/bin/$a"; done
echo "root:x:0:0:root:/root:/bin/sh" >"$rootfs/etc/passwd"
echo "root:x:0:" >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"

bundle() { # bundle NAME FILTER [jq args] < config
  local name=$1 filter=$2
  shift 2
  mkdir -p "$W/b-$name"
  cp -a "$rootfs" "$W/b-$name/rootfs"
  jq "$@" "$filter" >"$W/b-$name/config.json"
}
(cd "$W" && runc spec)
jq '.process.terminal = false | .process.args = ["/bin/true"] | .root.path = "rootfs" | del(.linux.resources)' \
  "$W/config.json" >"$W/base.json"
bundle bare '.' <"$W/base.json"
(cd "$W" && rm config.json && bulwark spec)
bundle bwdefaults '.process.args = ["/bin/true"] | .root.path = "rootfs"' <"$W/config.json"
# shellcheck disable=SC2016 # jq variables
bundle written '.linux.uidMappings = [{containerID: 0, hostID: $h, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: $h, size: 65536}]
    | .linux.seccomp = $s[0] | .ociVersion = $v' --argjson h "$MAP_HOST" \
  --slurpfile s /guest/benchfiles/seccomp-defaults.json --arg v "$(jq -r .ociVersion "$W/base.json")" \
  <"$W/b-bwdefaults/config.json"

mkdir -p /run/bench-state
S=/run/bench-state # /run is a tmpfs, as on most hosts
# row ROW LABEL: the runtime's command line (the id follows)
cmd() {
  case $1:$2 in
    cgroupfs:bulwark) echo "bulwark --policy-mode off --root $S/bulwark run --bundle $W/b-bare" ;;
    cgroupfs:crun) echo "crun --root $S/crun run --bundle $W/b-bare" ;;
    systemd:bulwark) echo "bulwark --policy-mode off --root $S/bulwark --systemd-cgroup run --bundle $W/b-bare" ;;
    systemd:crun) echo "crun --root $S/crun --systemd-cgroup run --bundle $W/b-bare" ;;
    defaults:bulwark) echo "bulwark --root $S/bulwark run --bundle $W/b-bwdefaults" ;;
    defaults:crun) echo "crun --root $S/crun run --bundle $W/b-written" ;;
  esac
}

# What a run really got, from a `sleep` in the same bundle and driver:
# its cgroup, its uid_map's first line and its seccomp mode.
probe() {
  local row=$1 label=$2 c b pid id=probe-$1-$2 info
  c=$(cmd "$row" "$label")
  b=${c##*--bundle }
  rm -rf "$W/probe" && mkdir -p "$W/probe" && cp -a "$b/rootfs" "$W/probe/rootfs"
  jq '.process.args = ["/bin/sleep", "30"]' "$b/config.json" >"$W/probe/config.json"
  c=${c%% run --bundle*}
  # shellcheck disable=SC2086
  if ! $c create --bundle "$W/probe" "$id" >"$W/probe.err" 2>&1 </dev/null || ! $c start "$id" >>"$W/probe.err" 2>&1; then
    echo "failed: $(tail -1 "$W/probe.err")"
    $c delete --force "$id" >/dev/null 2>&1
    return
  fi
  pid=$($c state "$id" | jq -r .pid)
  info="cgroup=$(sed -n 's/^0:://p' "/proc/$pid/cgroup") uid_map=$(awk '{print $1":"$2":"$3; exit}' "/proc/$pid/uid_map")"
  info+=" seccomp=$(awk '/^Seccomp:/{print $2}' "/proc/$pid/status")"
  # shellcheck disable=SC2086
  $c delete --force "$id" >/dev/null 2>&1
  echo "$info"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# bench: kernel $(uname -r), $(nproc) cpus, crun $(crun --version | sed -n '1s/crun version //p'), bulwark $(bulwark --version 2>/dev/null | head -1), $RUNS runs after $WARMUP"
: >"$out/times.tsv"
table="| row | bulwark (ms) | crun (ms) | bulwark / crun |"$'\n'"|---|---|---|---|"
for row in cgroupfs systemd defaults; do
  ok=1
  for label in bulwark crun; do
    p=$(probe "$row" "$label")
    echo "# bench: $row $label: $p"
    case $row:$p in
      *failed:*) ok=0 ;;
      systemd:*) [[ $p == *".scope "* || $p == *".scope/"* ]] || { echo "# bench: $row $label is not in a scope"; ok=0; } ;;
      cgroupfs:*) [[ $p != *".scope"* && $p == *"uid_map=0:0:"* ]] || { echo "# bench: $row $label is not what the row asks"; ok=0; } ;;
      defaults:*) [[ $p != *"uid_map=0:0:"* && $p == *"seccomp=2" ]] || { echo "# bench: $row $label lacks a user namespace or seccomp"; ok=0; } ;;
    esac
  done
  if ((!ok)); then
    table+=$'\n'"| $row | not comparable: see the probes above | | |"
    continue
  fi
  for ((i = 1; i <= WARMUP + RUNS; i++)); do
    order=(bulwark crun)
    ((i % 2)) || order=(crun bulwark)
    for label in "${order[@]}"; do
      c=$(cmd "$row" "$label")
      t0=$(date +%s%N)
      # shellcheck disable=SC2086
      $c "b-$row-$label-$i" </dev/null >/dev/null 2>"$W/err" || { echo "# bench: $row $label run $i failed: $(tail -1 "$W/err")"; }
      t1=$(date +%s%N)
      ((i > WARMUP)) && printf '%s\t%s\t%s\n' "$row" "$label" "$(((t1 - t0) / 1000))" >>"$out/times.tsv"
    done
  done
  b=$(awk -v r="$row" '$1 == r && $2 == "bulwark" {print $3}' "$out/times.tsv" | median)
  c=$(awk -v r="$row" '$1 == r && $2 == "crun" {print $3}' "$out/times.tsv" | median)
  line=$(awk -v b="$b" -v c="$c" -v r="$row" 'BEGIN { printf "| %s | %.1f | %.1f | %.2f |", r, b / 1000, c / 1000, b / c }')
  echo "# bench: $line"
  table+=$'\n'"$line"
done
printf '%s\n' "$table" | tee "$out/guest-bench.md"
