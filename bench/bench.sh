#!/usr/bin/env bash
# The lifecycle benchmark: bulwark against crun and runc on one busybox
# bundle, one hyperfine invocation per variant (the runtimes' commands side
# by side in it), then a table of medians and each runtime's ratio to crun.
# It prints; it never fails on a number (exit status 0 unless the setup
# itself cannot be done). Not part of `make check`.
#
#   bench/bench.sh                  everything (as root)
#   ONLY="bare userns" bench/bench.sh   only these variants
# Variants: bare statedisk userns seccomp limits defaults phases batch rss
#   rootless (`runc spec --rootless` run as an unprivileged user: bulwark
#   with the policy off and with its rootless defaults, crun and runc; the
#   user is made with subordinate ids if missing and removed afterwards)
#   docker (`docker run --rm` with each runtime, through a private dockerd
#   the script starts and stops) docker-d (`docker run -d` + `docker rm -f`)
# Knobs: BUILD_DIR (build), BULWARK (binary, default $BUILD_DIR/bulwark), RUNS (40), WARMUP (5),
# ROUNDS (5: the runtimes take turns this many times within the invocation),
# BATCH_RUNS (5), RSS_RUNS (15), DOCKER_RUNS (RUNS), DOCKER_WARMUP (WARMUP),
# DOCKER (the client, default docker on PATH), BENCH_DIR (/tmp/bulwark-bench),
# RL_USER (bwbench: the unprivileged user of the rootless variant).
# Output: the table on stdout, and in $BENCH_DIR/out/: one hyperfine JSON
# per variant, rows.tsv, table.md (README-ready), probes.txt.
# shellcheck disable=SC2317 # functions called indirectly: bench_$v, traps
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BUILD_DIR=${BUILD_DIR:-$top/build}
BULWARK=${BULWARK:-$BUILD_DIR/bulwark}
RUNS=${RUNS:-40}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-5}
BATCH_RUNS=${BATCH_RUNS:-5}
RSS_RUNS=${RSS_RUNS:-15}
DOCKER_RUNS=${DOCKER_RUNS:-$RUNS}
DOCKER_WARMUP=${DOCKER_WARMUP:-$WARMUP}
DOCKER=${DOCKER:-docker}
WORK=${BENCH_DIR:-/tmp/bulwark-bench}
ONLY=${ONLY:-bare statedisk userns seccomp limits defaults phases batch rss rootless docker docker-d}
OUT=$WORK/out
ROOTFS=$WORK/rootfs
MAP_HOST=${MAP_HOST:-100000} # host id of container root in the userns variants
RL_USER=${RL_USER:-bwbench}

note() { printf 'bench: %s\n' "$*"; }
want() { [[ " $ONLY " == *" $1 "* ]]; }

# --- tools -----------------------------------------------------------------

install_tools() {
  local p missing=()
  while read -r p; do
    [[ -z $p || $p == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done <"$here/packages"
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    note "missing packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})"
    return 1
  fi
  note "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
}

# crun 1.8 refuses a hybrid layout while any controller sits on the cgroup2
# mount ("cgroups in hybrid mode not supported, drop all controllers from
# cgroupv2"). Here that controller is hugetlb: give it its own v1 hierarchy.
setup_cgroups() {
  local u=/sys/fs/cgroup/unified c
  [[ -f $u/cgroup.controllers ]] || return 0
  for c in $(cat "$u/cgroup.controllers"); do
    if grep -qw "$c" "$u/cgroup.subtree_control"; then
      if find "$u" -mindepth 2 -name cgroup.subtree_control -exec grep -lw "$c" {} + 2>/dev/null | grep -q .; then
        note "cgroup setup: $c is enabled below $u; cannot move it (crun rows may fail)"
        continue
      fi
      echo "-$c" >"$u/cgroup.subtree_control" && note "cgroup setup: removed +$c from $u/cgroup.subtree_control"
    fi
    if ! mountpoint -q "/sys/fs/cgroup/$c"; then
      mkdir -p "/sys/fs/cgroup/$c"
      local i
      for i in 1 2 3 4 5 6 7 8 9 10; do # the controller's css goes away asynchronously
        mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" 2>/dev/null && break
        sleep 0.2
      done
      if mountpoint -q "/sys/fs/cgroup/$c"; then
        note "cgroup setup: bound the $c controller to its own v1 hierarchy at /sys/fs/cgroup/$c (crun 1.8 refuses controllers on the cgroup2 mount of a hybrid layout)"
      else
        note "cgroup setup: could not mount $c at /sys/fs/cgroup/$c (crun rows may fail)"
      fi
    fi
  done
}

# --- bundles ---------------------------------------------------------------

make_rootfs() {
  rm -rf "$ROOTFS"
  mkdir -p "$ROOTFS"/{bin,etc,proc,sys,dev,tmp,root}
  cp /bin/busybox "$ROOTFS/bin/busybox"
  local a
  for a in true sleep sh cat; do ln -s busybox "$ROOTFS/bin/$a"; done
  echo "root:x:0:0:root:/root:/bin/sh" >"$ROOTFS/etc/passwd"
  echo "root:x:0:" >"$ROOTFS/etc/group"
  chmod 1777 "$ROOTFS/tmp"
}

# bundle NAME JQ_FILTER [jq args...] < base config: writes $WORK/b-NAME/config.json
# Each bundle holds its own copy of the rootfs: bulwark refuses a rootfs
# outside its bundle that no engine made (BW073).
bundle() {
  local name=$1 filter=$2
  shift 2
  mkdir -p "$WORK/b-$name"
  rm -rf "$WORK/b-$name/rootfs" && cp -a "$ROOTFS" "$WORK/b-$name/rootfs"
  jq "$@" "$filter" >"$WORK/b-$name/config.json"
}

maps='.linux.uidMappings = [{containerID: 0, hostID: $h, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: $h, size: 65536}]'

make_bundles() {
  mkdir -p "$WORK/base"
  (cd "$WORK/base" && rm -f config.json && runc spec) || return 1
  # The runc spec config: pid, network, ipc, uts, mount namespaces; 3 caps;
  # masked and read-only paths; no seccomp. Made non-interactive.
  jq '.process.terminal = false | .process.args = ["/bin/true"] | .root.path = "rootfs"
      | del(.linux.resources)' "$WORK/base/config.json" >"$WORK/base.json"
  local sc=$WORK/seccomp.json
  bundle bare '.' <"$WORK/base.json"
  bundle userns ".linux.namespaces += [{type: \"user\"}] | $maps" --argjson h "$MAP_HOST" <"$WORK/base.json"
  bundle seccomp '.linux.seccomp = $s' --slurpfile s "$sc" <"$WORK/base.json"
  # --slurpfile gives an array
  jq '.linux.seccomp |= .[0]' "$WORK/b-seccomp/config.json" >"$WORK/t.json" && mv "$WORK/t.json" "$WORK/b-seccomp/config.json"
  bundle limits '.linux.resources = {memory: {limit: 268435456}, pids: {limit: 1024}}' <"$WORK/base.json"

  # bulwark's own restricted defaults: exactly what `bulwark spec` writes.
  mkdir -p "$WORK/b-bwdefaults"
  (cd "$WORK/b-bwdefaults" && rm -f config.json && "$BULWARK" spec) || return 1
  rm -rf "$WORK/b-bwdefaults/rootfs" && cp -a "$ROOTFS" "$WORK/b-bwdefaults/rootfs"
  jq '.process.args = ["/bin/true"] | .root.path = "rootfs"' "$WORK/b-bwdefaults/config.json" >"$WORK/t.json" &&
    mv "$WORK/t.json" "$WORK/b-bwdefaults/config.json"
  bwdefaults_note=""
  if ! $(rt bulwark-policy) run --bundle "$WORK/b-bwdefaults" bwdefaults-check >"$WORK/bwdefaults.err" 2>&1; then
    bwdefaults_note="the bulwark spec config did not run as written ($(tail -n1 "$WORK/bwdefaults.err")); explicit uid/gid mappings ($MAP_HOST, 65536) added"
    note "defaults: $bwdefaults_note"
    jq --argjson h "$MAP_HOST" "$maps" "$WORK/b-bwdefaults/config.json" >"$WORK/t.json" &&
      mv "$WORK/t.json" "$WORK/b-bwdefaults/config.json"
  fi
  # The same protections written out for crun and runc: the same config,
  # explicit mappings, and the seccomp profile bulwark loads by default.
  local caps
  caps=$(jq -r '.process.capabilities.bounding // [] | join(" ")' "$WORK/b-bwdefaults/config.json")
  # shellcheck disable=SC2086
  "$WORK/seccomp-dump" $caps >"$WORK/seccomp-defaults.json" || return 1
  # ociVersion as runc spec writes it: crun 1.8 refuses 1.2.0.
  bundle written "($maps) | .linux.seccomp = \$s[0] | .ociVersion = \$v" --argjson h "$MAP_HOST" \
    --slurpfile s "$WORK/seccomp-defaults.json" --arg v "$(jq -r .ociVersion "$WORK/base.json")" \
    <"$WORK/b-bwdefaults/config.json"
}

build_helpers() {
  [[ -x $BULWARK ]] || { note "no bulwark binary at $BULWARK (run make first)"; return 1; }
  # One static library per src/ folder (docs/architecture.md); a group, so
  # their order does not matter.
  local libs=("$BUILD_DIR"/libbw_*.a)
  [[ -f ${libs[0]} ]] || { note "no $BUILD_DIR/libbw_*.a (run make first)"; return 1; }
  # shellcheck disable=SC2046
  gcc -O2 -D_GNU_SOURCE -I"$top/src" -o "$WORK/seccomp-dump" "$here/seccomp-dump.c" -Wl,--start-group "${libs[@]}" -Wl,--end-group \
    $(pkg-config --libs jansson libseccomp libcap) || { note "building seccomp-dump failed"; return 1; }
  "$WORK/seccomp-dump" CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE >"$WORK/seccomp.json"
}

# --- runtimes --------------------------------------------------------------

# State roots live on a tmpfs, as /run does on most hosts (not on this
# one: the statedisk variant shows what a disk costs).
STATE=$WORK/state
setup_state() {
  mkdir -p "$STATE" "$WORK/disk-state"
  if ! mountpoint -q "$STATE"; then
    mount -t tmpfs -o mode=755,size=64m bench-state "$STATE" || { note "cannot mount a tmpfs at $STATE"; return 1; }
  fi
  note "state roots on a tmpfs at $STATE (statedisk: on $(df --output=fstype "$WORK/disk-state" | tail -n1) at $WORK/disk-state)"
}

# bulwark's policy hardens any config by default (user namespace, seccomp,
# pids limit ...): the rows that compare one config across the runtimes run
# it with the policy off, so it does what the config says, as crun and runc
# do; bulwark-policy (its defaults) is what the restricted-defaults rows and
# Docker get.
rt() { # rt LABEL [STATE_DIR]: the command line of a runtime, with its own state root
  local s=${2:-$STATE}
  case $1 in
    bulwark) echo "$BULWARK --policy-mode off --root $s/bulwark" ;;
    bulwark-policy) echo "$BULWARK --root $s/bulwark" ;;
    crun) echo "crun --root $s/crun" ;;
    crun-nocg) echo "crun --cgroup-manager=disabled --root $s/crun" ;;
    runc) echo "runc --root $s/runc" ;;
    # the rootless variant: the same runtimes run as RL_USER, state in its
    # XDG_RUNTIME_DIR (where each puts it by default)
    rl-bulwark) echo "$RL_AS $BULWARK --policy-mode off --root $RL_XDG/bulwark" ;;
    rl-bulwark-policy) echo "$RL_AS $BULWARK --root $RL_XDG/bulwark" ;;
    rl-crun) echo "$RL_AS crun --root $RL_XDG/crun" ;;
    rl-crun-nocg) echo "$RL_AS crun --cgroup-manager=disabled --root $RL_XDG/crun" ;;
    rl-runc) echo "$RL_AS runc --root $RL_XDG/runc" ;;
  esac
}

# What a process really got, read from the host: its user namespace's
# uid_map, seccomp mode and number of filters, no_new_privs, the number of
# effective capabilities, whether it has a cgroup of its own, its pids and
# memory limits, and the owner the host sees on its /bin/busybox (with an
# idmapped rootfs, the container's root's host uid). Prints key=value pairs.
inspect_pid() {
  local pid=$1 st=/proc/$1/status
  local userns seccomp filters nnp capeff caps=0 own pids mem cg_pids
  userns=$(awk '{print $1":"$2":"$3; exit}' "/proc/$pid/uid_map")
  local userns2
  userns2=$(awk 'NR == 2 {print $1":"$2":"$3}' "/proc/$pid/uid_map")
  seccomp=$(awk '/^Seccomp:/{print $2}' "$st")
  filters=$(awk '/^Seccomp_filters:/{print $2}' "$st")
  nnp=$(awk '/^NoNewPrivs:/{print $2}' "$st")
  capeff=$(awk '/^CapEff:/{print $2}' "$st")
  local v=$((16#${capeff:-0}))
  while ((v)); do ((v &= v - 1, caps++)); done
  cg_pids=$(awk -F: '$2 == "pids" {print $3}' "/proc/$pid/cgroup")
  [[ $cg_pids != "$(awk -F: '$2 == "pids" {print $3}' /proc/self/cgroup)" ]] && own=yes || own=no
  pids=$(cat "/sys/fs/cgroup/pids$cg_pids/pids.max" 2>/dev/null || echo "?")
  mem=$(cat "/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" {print $3}' "/proc/$pid/cgroup")/memory.limit_in_bytes" 2>/dev/null || echo "?")
  ((mem > 1 << 50)) 2>/dev/null && mem=max
  local owner
  owner=$(stat -c %u "/proc/$pid/root/bin/busybox" 2>/dev/null || echo "?")
  echo "uid_map=$userns uid_map2=${userns2:--} seccomp=$seccomp filters=${filters:-?} nnp=$nnp caps=$caps own_cgroup=$own pids.max=$pids memory.limit=$mem rootfs_owner=$owner"
}

# What a runtime (command line R) really applied for a bundle: run `sleep`
# in it and inspect the process.
probe() {
  local label=$1 r=$2 bundle=$3 id
  id=probe-$label-$$
  local pb=$WORK/probe-bundle
  rm -rf "$pb" && mkdir -p "$pb" && cp -a "$ROOTFS" "$pb/rootfs"
  jq '.process.args = ["/bin/sleep", "30"]' "$bundle/config.json" >"$pb/config.json"
  # shellcheck disable=SC2086
  if ! $r create --bundle "$pb" "$id" >"$WORK/probe.err" 2>&1 || ! $r start "$id" >>"$WORK/probe.err" 2>&1; then
    echo "failed=$(tail -n1 "$WORK/probe.err" | tr ' ' '_')"
    $r delete --force "$id" >/dev/null 2>&1
    return
  fi
  local pid
  pid=$($r state "$id" | jq -r .pid)
  sleep 0.05
  inspect_pid "$pid"
  # shellcheck disable=SC2086
  $r kill "$id" KILL >/dev/null 2>&1
  local i
  for i in $(seq 50); do
    [[ $($r state "$id" 2>/dev/null | jq -r .status) == running ]] || break
    sleep 0.02
  done
  $r delete --force "$id" >/dev/null 2>&1
}

# What a variant's config asks for, as probe output must show it: every
# field, so that a runtime that applies less than the row asks and one that
# applies more are both caught. Every variant expects a cgroup of the
# container's own: crun and runc always make one (in each v1 hierarchy
# here), and that is part of what they are timed on. Values are globs.
expected() {
  local uid="0:0:4294967295" sc=0 pids=max mem=max
  case $1 in
    nocg) echo "uid_map=$uid seccomp=0"; return ;; # crun --cgroup-manager=disabled: no cgroup, by design
    # Rootless: container root is the user; no cgroup is expected (this
    # host's controllers are on cgroup v1, never delegated to a user).
    rootless) echo "uid_map=0:$RL_UID:1 uid_map2=- seccomp=0"; return ;;
    # bulwark's rootless defaults: the user, then its whole subordinate
    # range (newuidmap); its default policy adds seccomp and no_new_privs
    rootless-defaults) echo "uid_map=0:$RL_UID:1 uid_map2=$RL_MAP2 seccomp=2 nnp=1"; return ;;
    userns) uid="0:$MAP_HOST:65536" ;;
    seccomp) sc=2 ;;
    limits) pids=1024 mem=268435456 ;;
    # bulwark allocates the range of a config without mappings itself
    defaults) uid="0:[1-9]*:65536" sc=2 pids=1024 ;;
  esac
  echo "uid_map=$uid seccomp=$sc own_cgroup=yes pids.max=$pids memory.limit=$mem"
  [[ $1 == defaults ]] && echo "nnp=1"
}

# The value of one field when the config asks for nothing.
unasked() {
  case $1 in
    uid_map) echo "0:0:4294967295" ;; uid_map2) echo "-" ;; seccomp) echo 0 ;; pids.max | memory.limit) echo max ;; *) echo "" ;;
  esac
}

# check_applied VARIANT LABEL BUNDLE [AS] [RT]: probe runtime RT (default
# LABEL) in BUNDLE, log, and record where it differs from what variant AS
# (default VARIANT) asks for: a setting not applied, or one applied that the
# row does not ask for (bulwark's policy, say).
check_applied() {
  local variant=$1 label=$2 bundle=$3 as=${4:-$1} rtl=${5:-$2} got want missing=() extra=() key val
  got=$(probe "$label" "$(rt "$rtl")" "$bundle")
  printf '%-12s %-9s %s\n' "$variant" "$label" "$got" >>"$OUT/probes.txt"
  if [[ $got == failed=* ]]; then
    missing=("${got}")
  else
    for want in $(expected "$as"); do
      key=${want%%=*}
      val=$(tr ' ' '\n' <<<"$got" | awk -F= -v k="$key" '$1 == k {print $2}')
      # shellcheck disable=SC2053
      [[ $val == ${want#*=} ]] && continue
      if [[ $want == *=$(unasked "$key") ]]; then extra+=("$key=$val"); else missing+=("$want"); fi
    done
  fi
  if ((${#missing[@]})); then
    note "$variant: $label did NOT apply: ${missing[*]} (got: $got); its row is not comparable"
    printf '%s\t%s\t%s\n' "$variant" "$label" "not applied: ${missing[*]}" >>"$OUT/flags.tsv"
  fi
  if ((${#extra[@]})); then
    note "$variant: $label applied MORE than the row asks: ${extra[*]} (got: $got); its row is not comparable"
    printf '%s\t%s\t%s\n' "$variant" "$label" "also applied: ${extra[*]}" >>"$OUT/flags.tsv"
  fi
}

# --- hyperfine -------------------------------------------------------------

names=() cmds=() preps=()
add() { names+=("$1"); cmds+=("$2"); preps+=("${3:-}"); }

# run_hf VARIANT [--warmup N] [--runs N] [hyperfine options...]: the
# commands added so far, in one hyperfine invocation. Each is tried once
# first; one that fails is left out and said. The commands take turns:
# the list is repeated ROUNDS times with RUNS/ROUNDS runs each, so a change
# in the machine's load mid-way (other jobs here) falls on every runtime
# alike; each runtime's median is over all its runs.
run_hf() {
  local variant=$1
  shift
  local args=() i r ok=() warmup=$WARMUP runs=$RUNS rounds=$ROUNDS
  while [[ ${1:-} == --warmup || ${1:-} == --runs ]]; do
    [[ $1 == --warmup ]] && warmup=$2 || runs=$2
    shift 2
  done
  for i in "${!cmds[@]}"; do
    [[ -n ${preps[$i]} ]] && bash -c "${preps[$i]}" >/dev/null 2>&1
    if ! bash -c "${cmds[$i]}" >"$WORK/try.out" 2>&1; then
      note "$variant: ${names[$i]} failed, left out: $(tail -n1 "$WORK/try.out")"
      printf '%s\t%s\t%s\n' "$variant" "${names[$i]}" "failed: $(tail -n1 "$WORK/try.out")" >>"$OUT/flags.tsv"
      continue
    fi
    ok+=("$i")
  done
  ((${#ok[@]})) || { names=() cmds=() preps=(); return 0; }
  ((rounds > runs)) && rounds=$runs
  local per=$(((runs + rounds - 1) / rounds)) wu=$(((warmup + rounds - 1) / rounds))
  for ((r = 1; r <= rounds; r++)); do
    for i in "${ok[@]}"; do
      args+=(-n "${names[$i]}@$r" "${cmds[$i]}")
      # one --prepare per command, or none at all
      [[ -n ${preps[0]} ]] && args+=(--prepare "bash -c '${preps[$i]}'")
    done
  done
  local shown=()
  for i in "${ok[@]}"; do shown+=("${names[$i]}"); done
  names=() cmds=() preps=()
  note "$variant: hyperfine over ${shown[*]}, $rounds rounds of $per runs each (log: $OUT/$variant.txt)"
  hyperfine -N --style basic --warmup "$wu" --runs "$per" "$@" \
    --export-json "$OUT/$variant.json" "${args[@]}" >"$OUT/$variant.txt" 2>&1 ||
    { note "$variant: hyperfine failed: $(tail -n1 "$OUT/$variant.txt")"; return 0; }
  jq -r --arg v "$variant" '
    .results | group_by(.command | sub("@[0-9]+$"; "")) | .[]
    | (.[0].command | sub("@[0-9]+$"; "")) as $n
    | ([.[].times[]] | sort) as $t | ($t | length) as $k | ($t | add / $k) as $m
    | [$v, $n,
       (if $k % 2 == 1 then $t[($k - 1) / 2] else ($t[$k / 2 - 1] + $t[$k / 2]) / 2 end),
       ([$t[] | (. - $m) * (. - $m)] | add / $k | sqrt), $t[0], $k] | @tsv' \
    "$OUT/$variant.json" >"$OUT/$variant.tsv"
  # keep the order the commands were given in
  for n in "${shown[@]}"; do
    awk -F'\t' -v n="$n" '$2 == n' "$OUT/$variant.tsv"
  done >>"$OUT/rows.tsv"
  for n in "${shown[@]}"; do
    awk -F'\t' -v n="$n" '$2 == n {printf "    %-10s median %8.2f ms  sd %6.2f  min %7.2f  (%d runs)\n", $2, $3 * 1000, $4 * 1000, $5 * 1000, $6}' "$OUT/$variant.tsv"
  done
}

# The three runtimes run the same bundle; plus the variant's extras.
variant_run() {
  local variant=$1 bundle=$WORK/b-$1 label
  for label in bulwark crun runc; do
    check_applied "$variant" "$label" "$bundle"
    add "$label" "$(rt "$label") run --bundle $bundle hf-$label"
  done
}

# --- the variants ----------------------------------------------------------

bench_bare() {
  variant_run bare
  # crun without cgroups: what it costs to do only what bulwark (lifecycle) does.
  check_applied bare crun-nocg "$WORK/b-bare" nocg
  add crun-nocg "$(rt crun-nocg) run --bundle $WORK/b-bare hf-crun-nocg"
  add floor "unshare --pid --fork --mount --ipc --uts --net chroot $ROOTFS /bin/true"
  run_hf bare
}

# The bare variant with the state roots on this machine's disk.
bench_statedisk() {
  local label
  for label in bulwark crun runc; do
    check_applied statedisk "$label" "$WORK/b-bare" bare
    add "$label" "$(rt "$label" "$WORK/disk-state") run --bundle $WORK/b-bare hf-$label"
  done
  run_hf statedisk
}

bench_userns() { variant_run userns; run_hf userns; }
bench_seccomp() { variant_run seccomp; run_hf seccomp; }
bench_limits() { variant_run limits; run_hf limits; }

bench_defaults() {
  check_applied defaults bulwark "$WORK/b-bwdefaults" defaults bulwark-policy
  add bulwark "$(rt bulwark-policy) run --bundle $WORK/b-bwdefaults hf-bulwark"
  local label
  for label in crun runc; do
    check_applied defaults "$label" "$WORK/b-written"
    add "$label" "$(rt "$label") run --bundle $WORK/b-written hf-$label"
  done
  add crun-bare "$(rt crun) run --bundle $WORK/b-bare hf-crun-bare"
  run_hf defaults
}

# create, start and delete timed apart; the other steps are each run's
# --prepare, outside the timing.
bench_phases() {
  local label r b=$WORK/b-bare id v
  for v in create start delete; do
    for label in bulwark crun runc; do check_applied "$v" "$label" "$b" bare; done
  done
  for label in bulwark crun runc; do
    r=$(rt "$label") id=ph-$label
    add "$label" "$r create --bundle $b $id" "$r delete --force $id"
  done
  run_hf create
  for label in bulwark crun runc; do
    r=$(rt "$label") id=ph-$label
    add "$label" "$r start $id" "$r delete --force $id; $r create --bundle $b $id"
  done
  run_hf start
  for label in bulwark crun runc; do
    r=$(rt "$label") id=ph-$label
    add "$label" "$r delete $id" "$r delete --force $id; $r create --bundle $b $id && $r start $id &&
      for i in \$(seq 100); do $r state $id | grep -q stopped && break; sleep 0.01; done"
  done
  run_hf delete
  for label in bulwark crun runc; do
    $(rt "$label") delete --force "ph-$label" >/dev/null 2>&1
  done
}

bench_batch() {
  local label v
  for v in seq100 par20; do
    for label in bulwark crun runc; do check_applied "$v" "$label" "$WORK/b-bare" bare; done
  done
  for label in bulwark crun runc; do
    add "$label" "bash $here/many.sh seq 100 $WORK/b-bare $(rt "$label")"
  done
  ROUNDS=$BATCH_RUNS run_hf seq100 --warmup 1 --runs "$BATCH_RUNS"
  for label in bulwark crun runc; do
    add "$label" "bash $here/many.sh par 20 $WORK/b-bare $(rt "$label")"
  done
  ROUNDS=$BATCH_RUNS run_hf par20 --warmup 1 --runs "$BATCH_RUNS"
}

# Peak RSS of the runtime process (max over it and the children it waited
# for, as /usr/bin/time -v reports it), median of RSS_RUNS runs, in KiB.
bench_rss() {
  local label bundle variant rtl
  for variant in bare defaults; do
    for label in bulwark crun runc; do
      bundle=$WORK/b-$variant rtl=$label
      [[ $variant == defaults ]] && { [[ $label == bulwark ]] && bundle=$WORK/b-bwdefaults rtl=bulwark-policy || bundle=$WORK/b-written; }
      check_applied "rss-$variant" "$label" "$bundle" "$variant" "$rtl"
      local vals=() i kb
      for ((i = 0; i < RSS_RUNS; i++)); do
        # shellcheck disable=SC2046
        /usr/bin/time -v -o "$WORK/time.out" $(rt "$rtl") run --bundle "$bundle" rss-$label >/dev/null 2>&1 || continue
        kb=$(awk -F': ' '/Maximum resident set size/{print $2}' "$WORK/time.out")
        vals+=("$kb")
      done
      ((${#vals[@]})) || { note "rss: $label failed on $variant"; continue; }
      local med
      med=$(printf '%s\n' "${vals[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
      printf '%s\t%s\t%s\t%s\t%s\n' "rss-$variant" "$label" "$med" 0 "$(printf '%s\n' "${vals[@]}" | sort -n | head -n1)" >>"$OUT/rows.tsv"
    done
  done
}

# --- rootless ----------------------------------------------------------------

# The unprivileged user the rootless variant runs as. Made here when it does
# not exist (no home, no login shell, 65,536 subordinate uids and gids past
# every range in /etc/subuid and /etc/subgid) and then removed with its
# lines by rl_cleanup; an existing user is used as it is and never changed,
# unless its comment says a run of the bench killed before its end made it.
RL_MADE=0 RL_UID="" RL_GID="" RL_MAP2="" RL_XDG="" RL_AS=""
RL_COMMENT="bulwark bench, rootless row"
rl_setup() {
  if id -u "$RL_USER" >/dev/null 2>&1 && [[ $(getent passwd "$RL_USER" | cut -d: -f5) == "$RL_COMMENT" ]]; then
    RL_MADE=1
    note "rootless: the user $RL_USER is left from an earlier run of the bench; used, then removed"
  elif ! id -u "$RL_USER" >/dev/null 2>&1; then
    useradd --no-create-home --shell /usr/sbin/nologin --comment "$RL_COMMENT" "$RL_USER" ||
      { note "rootless: useradd $RL_USER failed"; return 1; }
    RL_MADE=1
    # useradd may have given it subordinate ids itself: the bench sets its own
    sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
    local start
    start=$(cat /etc/subuid /etc/subgid 2>/dev/null |
      awk -F: 'NF >= 3 && $2 + $3 > m {m = $2 + $3} END {print (m > 100000 ? m : 100000)}')
    echo "$RL_USER:$start:65536" >>/etc/subuid
    echo "$RL_USER:$start:65536" >>/etc/subgid
    note "rootless: made the user $RL_USER (uid $(id -u "$RL_USER")) with subordinate ids $start..$((start + 65535)); removed at the end"
  else
    note "rootless: using the existing user $RL_USER (uid $(id -u "$RL_USER")) as it is"
  fi
  RL_UID=$(id -u "$RL_USER") RL_GID=$(id -g "$RL_USER")
  ((RL_UID != 0)) || { note "rootless: RL_USER=$RL_USER is root"; return 1; }
  # what bulwark maps to ids 1.. (the second line of the uid_map)
  RL_MAP2=$(awk -F: -v u="$RL_USER" '$1 == u {print "1:" $2 ":" ($3 > 65535 ? 65535 : $3); exit}' /etc/subuid)
  [[ -n $RL_MAP2 ]] || { note "rootless: $RL_USER has no /etc/subuid range (bulwark's defaults map it alone)"; RL_MAP2=-; }
  # its XDG_RUNTIME_DIR, as a login session gives one (on the state tmpfs)
  RL_XDG=$STATE/rl-$RL_UID
  rm -rf "$RL_XDG" && mkdir -p "$RL_XDG" && chown "$RL_UID:$RL_GID" "$RL_XDG" && chmod 700 "$RL_XDG" || return 1
  RL_AS="setpriv --reuid=$RL_UID --regid=$RL_GID --init-groups env XDG_RUNTIME_DIR=$RL_XDG HOME=$RL_XDG USER=$RL_USER"
  # the bundle as runc writes it for that user (its uid in the mappings);
  # rootfs copied, root-owned and world-readable
  local b=$WORK/b-rootless
  rm -rf "$b" && mkdir -p "$b" && chown "$RL_UID:$RL_GID" "$b" || return 1
  (cd "$b" && setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups runc spec --rootless) ||
    { note "rootless: runc spec --rootless as $RL_USER failed"; return 1; }
  chown root:root "$b"
  cp -a "$ROOTFS" "$b/rootfs"
  jq '.process.terminal = false | .process.args = ["/bin/true"] | .root.path = "rootfs"' \
    "$b/config.json" >"$WORK/t.json" && mv "$WORK/t.json" "$b/config.json" && chmod 644 "$b/config.json"
  # bulwark's rootless defaults: what `bulwark spec --rootless` writes for
  # the user (seccomp, a network namespace, device rules, a pids limit),
  # its mappings left out so that bulwark maps the user and its subordinate
  # range itself, under its default policy. (The runc config above is
  # refused by that policy, which cannot add a device cgroup or a pids
  # limit without a delegated cgroup.)
  local d=$WORK/b-rootless-defaults
  rm -rf "$d" && mkdir -p "$d" && chown "$RL_UID:$RL_GID" "$d" || return 1
  (cd "$d" && setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups "$BULWARK" spec --rootless) ||
    { note "rootless: bulwark spec --rootless as $RL_USER failed"; return 1; }
  chown root:root "$d"
  cp -a "$ROOTFS" "$d/rootfs"
  jq '.process.terminal = false | .process.args = ["/bin/true"] | .root.path = "rootfs"
      | del(.linux.uidMappings, .linux.gidMappings)' \
    "$d/config.json" >"$WORK/t.json" && mv "$WORK/t.json" "$d/config.json" && chmod 644 "$d/config.json"
}

rl_cleanup() {
  [[ -n $RL_XDG && -d $RL_XDG ]] && rm -rf "$RL_XDG"
  if ((RL_MADE)); then
    userdel "$RL_USER" 2>/dev/null || note "rootless: userdel $RL_USER failed"
    sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
    note "rootless: removed the user $RL_USER and its /etc/subuid and /etc/subgid lines"
    RL_MADE=0
  fi
}

# `run /bin/true` of `runc spec --rootless`'s bundle, each runtime run as
# the user: bulwark with the policy off, bulwark with its rootless
# defaults, crun (with and without its cgroup manager) and runc. Every command goes through setpriv and env (the
# same two execs for each runtime).
bench_rootless() {
  rl_setup || { printf 'rootless\t(all)\tfailed: the rootless user could not be set up\n' >>"$OUT/flags.tsv"; rl_cleanup; return 0; }
  local label b=$WORK/b-rootless
  check_applied rootless bulwark "$b" rootless rl-bulwark
  add bulwark "$(rt rl-bulwark) run --bundle $b hf-rl-bulwark"
  check_applied rootless bulwark-defaults "$WORK/b-rootless-defaults" rootless-defaults rl-bulwark-policy
  add bulwark-defaults "$(rt rl-bulwark-policy) run --bundle $WORK/b-rootless-defaults hf-rl-bulwark-d"
  # crun-nocg: crun told to leave cgroups alone (it may still refuse the
  # host's layout)
  for label in crun crun-nocg runc; do
    check_applied rootless "$label" "$b" rootless "rl-$label"
    add "$label" "$(rt "rl-$label") run --bundle $b hf-rl-$label"
  done
  run_hf rootless
  rl_cleanup
}

# --- docker ------------------------------------------------------------------

# A private dockerd: its own data-root, exec-root, socket and pidfile under
# $DOCKER_DIR, no iptables, no bridge, with bulwark (the built binary), crun
# and runc registered; and a containerd of its own beside it (dockerd 20.10
# would otherwise use the host's containerd when one runs on the default
# socket). Every docker command of the benchmark names its socket; no other
# daemon is touched. Both are stopped by their pids at the end, on error and
# on interrupt (the traps set here).
DOCKER_DIR=$WORK/docker
DOCKER_SOCK=$DOCKER_DIR/docker.sock
DOCKER_IMG=bw-bench-busybox:bench
dockerd_pid="" containerd_pid=""
docker_version=""
dk() { "$DOCKER" -H "unix://$DOCKER_SOCK" "$@"; }

# our_pid PID PATTERN: PID if that process's command line has PATTERN (one
# of this benchmark's daemons: a stale pidfile may name anyone).
our_pid() {
  [[ -n $1 ]] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2" && echo "$1"
}
our_dockerd() { our_pid "${dockerd_pid:-$(cat "$DOCKER_DIR/dockerd.pid" 2>/dev/null)}" "--data-root $DOCKER_DIR/data "; }
our_containerd() { our_pid "${containerd_pid:-$(cat "$DOCKER_DIR/containerd.pid" 2>/dev/null)}" "--config $DOCKER_DIR/containerd.toml"; }

# stop_pid NAME PID: TERM, up to 30 s, then KILL.
stop_pid() {
  local i
  kill "$2" 2>/dev/null
  for ((i = 0; i < 150; i++)); do kill -0 "$2" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$2" 2>/dev/null; then
    note "docker: $1 $2 did not stop in 30 s; killing it"
    kill -9 "$2" 2>/dev/null
  fi
  note "docker: stopped the private $1 (pid $2)"
}

stop_dockerd() {
  local pid
  if pid=$(our_dockerd); then
    # containers left by an interrupted run go first, then the daemon
    dk ps -aq 2>/dev/null | xargs -r "$DOCKER" -H "unix://$DOCKER_SOCK" rm -f >/dev/null 2>&1
    stop_pid dockerd "$pid"
  fi
  pid=$(our_containerd) && stop_pid containerd "$pid"
  dockerd_pid="" containerd_pid=""
  [[ -d $DOCKER_DIR ]] || return 0
  # shims of containers the daemons could not stop: their command lines
  # name this directory's containerd socket
  local p
  for p in $(pgrep -f -- "-address $DOCKER_DIR/containerd.sock" 2>/dev/null); do
    kill -9 "$p" 2>/dev/null
  done
  # what they left mounted below the directory (overlays, netns, shm),
  # deepest first
  local m
  for m in $(awk -v d="$DOCKER_DIR/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null
  done
  rm -rf "$DOCKER_DIR" 2>/dev/null || note "docker: could not remove $DOCKER_DIR"
}

on_exit() {
  rl_cleanup
  if our_dockerd >/dev/null || our_containerd >/dev/null; then stop_dockerd; fi; }
on_signal() {
  note "interrupted ($1)"
  rl_cleanup
  stop_dockerd
  trap - EXIT
  exit 130
}

# wait_daemon NAME PID LOG COMMAND...: up to 60 s for COMMAND to succeed.
wait_daemon() {
  local name=$1 pid=$2 log=$3 i
  shift 3
  for ((i = 0; i < 240; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  "$@" >/dev/null 2>&1 && return 0
  note "docker: the private $name did not come up: $(tail -n1 "$log")"
  return 1
}

start_dockerd() {
  local c
  for c in dockerd containerd "$DOCKER"; do
    command -v "$c" >/dev/null || { note "docker: $c not found (apt-get install docker.io)"; return 1; }
  done
  stop_dockerd # what an earlier, killed run left
  mkdir -p "$DOCKER_DIR"
  chmod 755 "$DOCKER_DIR" # the containers' mapped ids must reach their rootfs below
  trap on_exit EXIT
  trap 'on_signal INT' INT
  trap 'on_signal TERM' TERM
  cat >"$DOCKER_DIR/containerd.toml" <<TOML
version = 2
root = "$DOCKER_DIR/containerd-root"
state = "$DOCKER_DIR/containerd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$DOCKER_DIR/containerd.sock"
[ttrpc]
  address = "$DOCKER_DIR/containerd.sock.ttrpc"
[debug]
  address = "$DOCKER_DIR/containerd-debug.sock"
TOML
  containerd --config "$DOCKER_DIR/containerd.toml" >"$DOCKER_DIR/containerd.log" 2>&1 &
  containerd_pid=$!
  echo "$containerd_pid" >"$DOCKER_DIR/containerd.pid"
  wait_daemon containerd "$containerd_pid" "$DOCKER_DIR/containerd.log" test -S "$DOCKER_DIR/containerd.sock" || return 1
  # runc is dockerd's own built-in runtime (the runc on PATH); crun and
  # bulwark are added as people add them.
  jq -n --arg b "$BULWARK" --arg c "$(command -v crun)" '{runtimes: {bulwark: {path: $b}, crun: {path: $c}}}' \
    >"$DOCKER_DIR/daemon.json"
  dockerd --config-file "$DOCKER_DIR/daemon.json" --iptables=false --bridge=none \
    --data-root "$DOCKER_DIR/data" --exec-root "$DOCKER_DIR/exec" --host "unix://$DOCKER_SOCK" \
    --containerd "$DOCKER_DIR/containerd.sock" \
    --pidfile "$DOCKER_DIR/dockerd.pid" >"$DOCKER_DIR/dockerd.log" 2>&1 &
  dockerd_pid=$!
  wait_daemon dockerd "$dockerd_pid" "$DOCKER_DIR/dockerd.log" dk version || return 1
  docker_version=$(dk version -f '{{.Server.Version}}')
  note "docker: private dockerd $docker_version (pid $dockerd_pid) and containerd (pid $containerd_pid) in $DOCKER_DIR; client $(command -v "$DOCKER") $(dk version -f '{{.Client.Version}}'); runtimes: $(dk info -f '{{range $k, $v := .Runtimes}}{{$k}}={{$v.Path}} {{end}}')"
  # the bench's busybox rootfs as an image, no registry
  tar -C "$ROOTFS" --numeric-owner -c . | dk import - "$DOCKER_IMG" >/dev/null ||
    { note "docker: docker import of $ROOTFS failed"; return 1; }
}

# What a runtime applied under Docker: a detached `sleep` container of the
# row's kind, inspected from the host; for bulwark, also what its policy
# changed in Docker's config (its log, which the shim keeps per container).
probe_docker() {
  local label=$1 id pid
  if ! id=$(dk run -d --network none --runtime "$label" "$DOCKER_IMG" /bin/sleep 30 2>"$WORK/probe.err"); then
    echo "failed=$(tail -n1 "$WORK/probe.err" | tr ' ' '_')"
    return
  fi
  pid=$(dk inspect -f '{{.State.Pid}}' "$id")
  sleep 0.05
  inspect_pid "$pid"
  if [[ $label == bulwark ]]; then
    local log
    log=$(find "$DOCKER_DIR/containerd-state" -path "*/$id/log.json" 2>/dev/null | head -n1)
    [[ -f $log ]] && jq -r 'select(.msg | test("hardened: ")) | .msg | sub(".*hardened: "; "") | sub(" \\([^)]*\\):"; ":")' "$log" 2>/dev/null \
      >"$OUT/docker-bulwark-hardened.txt"
  fi
  dk rm -f "$id" >/dev/null 2>&1
}

# The docker rows only need each runtime to run under Docker: a cgroup of
# its own and a seccomp filter (Docker's profile, or bulwark's). What else
# each applied differs by design and is listed under the table.
check_docker() {
  local variant=$1 label=$2 got
  got=$(probe_docker "$label")
  printf '%-12s %-9s %s\n' "$variant" "$label" "$got" >>"$OUT/probes.txt"
  if [[ $got == failed=* || " $got " != *" own_cgroup=yes "* || " $got " != *" seccomp=2 "* ]]; then
    note "$variant: $label under Docker: $got"
    printf '%s\t%s\t%s\n' "$variant" "$label" "not applied: ${got}" >>"$OUT/flags.tsv"
  fi
}

# `docker run --rm` end to end, each runtime as Docker runs it (bulwark with
# its default policy); and a detached container's life, run -d then rm -f.
bench_docker() {
  start_dockerd || { printf 'docker\t(all)\tfailed: the private dockerd did not start\n' >>"$OUT/flags.tsv"; stop_dockerd; return 0; }
  local label d="$DOCKER -H unix://$DOCKER_SOCK"
  for label in bulwark crun runc; do check_docker docker "$label"; done
  if want docker; then
    for label in bulwark crun runc; do
      add "$label" "$d run --rm --network none --runtime $label $DOCKER_IMG /bin/true"
    done
    run_hf docker --runs "$DOCKER_RUNS" --warmup "$DOCKER_WARMUP"
  fi
  if want docker-d; then
    for label in bulwark crun runc; do
      add "$label" "bash -c 'id=\$($d run -d --network none --runtime $label $DOCKER_IMG /bin/sleep 600) && $d rm -f \$id'"
    done
    run_hf docker-d --runs "$DOCKER_RUNS" --warmup "$DOCKER_WARMUP"
  fi
  docker_notes >"$OUT/docker-notes.md"
  stop_dockerd
}

# The docker probes, said in words, for under the table.
docker_notes() {
  echo "† Docker $docker_version, a private dockerd and containerd started and stopped by the script (\`--iptables=false --bridge=none\`), bulwark and crun registered as runtimes, runc its built-in one; a busybox image made with \`docker import\`; one hyperfine invocation with the three runtimes taking turns. bulwark runs with its default policy there, crun and runc with what Docker asks for; checked from the host on a running container of each:"
  awk '$1 == "docker" {
      l = $2; $1 = $2 = ""
      n = split($0, kv, " "); delete f
      for (i = 1; i <= n; i++) { split(kv[i], p, "="); f[p[1]] = p[2] }
      if ("failed" in f) { printf "- %s: failed: %s\n", l, f["failed"]; next }
      split(f["uid_map"], u, ":")
      s = (u[2] == 0 && u[3] == 4294967295) ? "no user namespace (container root is host root)" : \
        sprintf("a user namespace (container root is host uid %s, %s ids)", u[2], u[3])
      s = s sprintf(", seccomp %s", f["seccomp"] == 2 ? "on" : "off")
      if (f["filters"] != "" && f["filters"] != "?") s = s sprintf(" (%s filter%s)", f["filters"], f["filters"] == 1 ? "" : "s")
      s = s sprintf(", no_new_privs %s, %s effective capabilities, pids.max %s", f["nnp"] == 1 ? "on" : "off", f["caps"], f["pids.max"])
      if (f["rootfs_owner"] != 0 && f["rootfs_owner"] == u[2]) s = s ", rootfs idmapped (the image'\''s root-owned files are the container root'\''s host uid)"
      else if (f["rootfs_owner"] == 0) s = s ", rootfs not idmapped (image files owned by host root)"
      printf "- %s: %s\n", l, s
    }' "$OUT/probes.txt"
  if [[ -s $OUT/docker-bulwark-hardened.txt ]]; then
    echo "- bulwark's policy (harden, its default) changed Docker's config: $(paste -sd ';' "$OUT/docker-bulwark-hardened.txt" | sed 's/;/; /g')"
    grep -q '^BW05[012] ' "$OUT/docker-bulwark-hardened.txt" ||
      echo "- bulwark kept the seccomp profile Docker gave it, as crun and runc load it (its policy's seccomp rules BW050 to BW052 found nothing to fix in it)"
  fi
}

# --- the table -------------------------------------------------------------

print_table() {
  local rows=$OUT/rows.tsv
  [[ -s $rows ]] || { note "no results"; return; }
  echo
  echo "median of $RUNS runs (batch rows: $BATCH_RUNS; rss: $RSS_RUNS; docker: $DOCKER_RUNS), ratio to crun in the same invocation"
  awk -F'\t' -v flags="$OUT/flags.tsv" '
    BEGIN {
      while ((getline l < flags) > 0) {
        split(l, f, "\t"); k = f[1] SUBSEP f[2]
        if (k in flag) flag[k] = flag[k] "; " f[3]; else flag[k] = f[3]
      }
    }
    { v[NR] = $1; n[NR] = $2; m[NR] = $3; if ($2 == "crun") crun[$1] = $3; if ($2 == "runc") runc[$1] = $3 }
    END {
      printf "%-12s %-16s %12s %9s %9s  %s\n", "variant", "runtime", "median", "÷crun", "÷runc", ""
      for (i = 1; i <= NR; i++) {
        rss = (v[i] ~ /^rss-/)
        val = rss ? sprintf("%.1f MiB", m[i] / 1024) : sprintf("%.2f ms", m[i] * 1000)
        r = (v[i] in crun) && crun[v[i]] > 0 ? sprintf("%.2f", m[i] / crun[v[i]]) : "-"
        rr = (v[i] in runc) && runc[v[i]] > 0 ? sprintf("%.2f", m[i] / runc[v[i]]) : "-"
        printf "%-12s %-16s %12s %9s %9s  %s\n", v[i], n[i], val, r, rr, flag[v[i] SUBSEP n[i]]
      }
      for (k in flag) { split(k, p, SUBSEP); if (p[2] == "(all)") printf "%-12s %-10s %s\n", p[1], p[2], flag[k] }
    }' "$rows"
  if [[ -s $OUT/docker-notes.md ]]; then
    echo
    echo "under Docker (docker rows), each runtime applied:"
    sed -n 's/^- /    /p' "$OUT/docker-notes.md"
  fi
  md_table >"$OUT/table.md"
  echo
  echo "README table ($OUT/table.md):"
  cat "$OUT/table.md"
}

md_table() {
  awk -F'\t' -v flags="$OUT/flags.tsv" -v notes="$OUT/docker-notes.md" -v maphost="$MAP_HOST" '
    BEGIN {
      while ((getline l < flags) > 0) { split(l, f, "\t"); flag[f[1] SUBSEP f[2]] = 1 }
      d["bare"] = "`run /bin/true`, bare namespaces"
      d["userns"] = "+ user namespace"
      d["statedisk"] = "bare, state root on this disk (ext4) instead of tmpfs"
      d["seccomp"] = "+ seccomp (Docker-like default)"
      d["limits"] = "+ memory and pids limits"
      d["defaults"] = "restricted defaults (bulwark spec and its default policy; the same written out for crun, runc)"
      d["create"] = "create"; d["start"] = "start"; d["delete"] = "delete"
      d["seq100"] = "100 containers, sequential"; d["par20"] = "20 containers, parallel"
      d["rss-bare"] = "peak RSS, bare"; d["rss-defaults"] = "peak RSS, restricted defaults"
      d["docker"] = "`docker run --rm --network none IMAGE /bin/true`, end to end, each runtime as Docker runs it (†)"
      d["docker-d"] = "`docker run -d ... sleep` then `docker rm -f`, end to end (†)"
      d["rootless"] = "rootless: `run /bin/true` of `runc spec --rootless` as an unprivileged user (bulwark policy off)"
    }
    {
      if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 }
      val[$1 SUBSEP $2] = $3
    }
    function fmt(v, x,   s) {
      if (!((v SUBSEP x) in val)) return "-"
      s = (v ~ /^rss-/) ? sprintf("%.1f MiB", val[v SUBSEP x] / 1024) : sprintf("%.1f ms", val[v SUBSEP x] * 1000)
      return s (flag[v SUBSEP x] ? " *" : "")
    }
    function ratio(v, x) { return ratio_to(v, x, "crun") }
    function ratio_to(v, x, b) {
      if (!((v SUBSEP x) in val) || !((v SUBSEP b) in val) || val[v SUBSEP b] == 0) return "-"
      return sprintf("%.2f", val[v SUBSEP x] / val[v SUBSEP b])
    }
    END {
      print "| | bulwark | crun | runc | bulwark ÷ crun | runc ÷ crun |"
      print "|---|---:|---:|---:|---:|---:|"
      for (i = 1; i <= k; i++) {
        v = order[i]
        printf "| %s | %s | %s | %s | %s | %s |\n", (v in d) ? d[v] : v, fmt(v, "bulwark"), fmt(v, "crun"), fmt(v, "runc"), ratio(v, "bulwark"), ratio(v, "runc")
        if ((v SUBSEP "crun-nocg") in val)
          printf "| the same, against crun without cgroups (`crun --cgroup-manager=disabled`) | %s | %s | | %.2f | |\n", fmt(v, "bulwark"), fmt(v, "crun-nocg"), val[v SUBSEP "bulwark"] / val[v SUBSEP "crun-nocg"]
        if ((v SUBSEP "floor") in val)
          printf "| floor: `unshare` same namespaces + chroot + /bin/true | %s | | | %s | |\n", fmt(v, "floor"), ratio(v, "floor")
        if ((v SUBSEP "bulwark-defaults") in val)
          printf "| rootless: bulwark with its rootless defaults (`bulwark spec --rootless` without mappings: the user and its subordinate range through newuidmap; its default policy) | %s | | | %s | |\n", fmt(v, "bulwark-defaults"), ratio(v, "bulwark-defaults")
        if (v == "rootless")
          printf "| rootless, ratio to runc: bulwark policy off / bulwark rootless defaults / crun | %s / %s / %s | | | | |\n", ratio_to(v, "bulwark", "runc"), ratio_to(v, "bulwark-defaults", "runc"), ratio_to(v, "crun", "runc")
        if ((v SUBSEP "crun-bare") in val)
          printf "| bulwark restricted defaults against crun bare namespaces | %s | %s | | %.2f | |\n", fmt(v, "bulwark"), fmt(v, "crun-bare"), val[v SUBSEP "bulwark"] / val[v SUBSEP "crun-bare"]
      }
      if (("docker" SUBSEP "(all)") in flag) print "| `docker run --rm` end to end | not measured: the private dockerd did not start (see the output) | | | | |"
      for (i = 1; i <= k; i++) {
        if (order[i] !~ /^(docker|docker-d|defaults|rss-defaults)$/) like = 1
        if (order[i] ~ /defaults$/) defaults = 1
      }
      if (like) print ""
      if (like) print "Every row except restricted defaults, bulwark'\''s rootless defaults and the docker rows runs bulwark with `--policy-mode off`: it applies the row'\''s config as written, as crun and runc do (its default policy would add a user namespace, seccomp and a pids limit)."
      if (defaults) {
        print ""
        print "Restricted defaults: bulwark allocates the container'\''s id range itself and mounts the rootfs idmapped (the image'\''s root-owned files belong to the container'\''s root); crun and runc get fixed mappings (0 to host " maphost ") and a plain rootfs, whose host-root files the container sees as unmapped (probes.txt: rootfs_owner)."
      }
      close(flags)
      while ((getline l < flags) > 0) {
        split(l, f, "\t")
        if (f[2] == "(all)") continue
        if (f[3] ~ /^not applied: failed/) { failed[f[1] SUBSEP f[2]] = 1; fails[++nf] = sprintf("- %s, %s: %s", f[2], f[1], substr(f[3], 14)); continue }
        # the first try before the timing failed (said once: the probe usually failed too)
        if (f[3] ~ /^failed: /) { if (!((f[1] SUBSEP f[2]) in failed)) fails[++nf] = sprintf("- %s, %s: %s", f[2], f[1], f[3]); continue }
        more = (f[3] ~ /^also applied: /)
        sub(/^(not|also) applied: /, "", f[3])
        m = split(f[3], items, " ")
        for (j = 1; j <= m; j++) {
          key = f[2] SUBSEP (more ? "+" : "-") items[j]
          if (!(key in rowsof)) { order2[++k2] = key; rowsof[key] = f[1] } else rowsof[key] = rowsof[key] ", " f[1]
        }
      }
      if (k2 || nf) {
        print ""
        print "\\* the runtime did not apply exactly the row'\''s settings (checked from the host, see probes.txt), so the row is not a like-for-like comparison:"
      }
      for (j = 1; j <= nf; j++) print fails[j]
      for (j = 1; j <= k2; j++) {
        split(order2[j], lk, SUBSEP)
        more = substr(lk[2], 1, 1) == "+"; w = substr(lk[2], 2); split(w, kv, "=")
        if (more) {
          if (kv[1] == "uid_map") w = "a user namespace the row does not ask for (" w ")"
          else if (kv[1] == "seccomp") w = "a seccomp filter the row does not ask for"
          else w = "a " kv[1] " of " kv[2] " the row does not ask for"
        } else if (w == "own_cgroup=yes") w = "no cgroup of its own"
        else if (w == "seccomp=2") w = "no seccomp filter"
        else if (w == "nnp=1") w = "no no_new_privs"
        else if (kv[1] == "pids.max") w = "no pids limit"
        else if (kv[1] == "memory.limit") w = "no memory limit"
        else if (kv[1] == "uid_map") w = "no user namespace mapping (" w ")"
        printf "- %s: %s (rows: %s)\n", lk[1], w, rowsof[order2[j]]
      }
      if ((getline l < notes) > 0) {
        print ""
        print l
        while ((getline l < notes) > 0) print l
      }
    }' "$OUT/rows.tsv"
}

# --- main ------------------------------------------------------------------

main() {
  [[ $(id -u) -eq 0 ]] || { note "run as root (containers with namespaces and cgroups)"; exit 1; }
  install_tools || exit 1
  mkdir -p "$WORK" "$OUT"
  chmod 755 "$WORK"
  rm -f "$OUT"/*.json "$OUT/rows.tsv" "$OUT/flags.tsv" "$OUT/probes.txt" "$OUT"/docker-*
  touch "$OUT/flags.tsv" "$OUT/rows.tsv"
  note "machine: $(nproc) CPUs, Linux $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
  note "bulwark $("$BULWARK" --version 2>/dev/null | head -n1), $(crun --version | head -n1), $(runc --version | head -n1), $(hyperfine --version)"
  setup_cgroups
  # bulwark's default policy (restricted defaults, Docker) gives each
  # container an id range of the bulwark user's
  if ! grep -q '^bulwark:' /etc/subuid 2>/dev/null || ! grep -q '^bulwark:' /etc/subgid 2>/dev/null; then
    note "setup: $BULWARK setup (the bulwark user and its subordinate id ranges, for its default policy)"
    "$BULWARK" setup || { note "bulwark setup failed"; exit 1; }
  fi
  setup_state || exit 1
  build_helpers || exit 1
  make_rootfs
  make_bundles || { note "making the bundles failed"; exit 1; }
  local v
  want rootless && trap on_exit EXIT && trap 'on_signal INT' INT && trap 'on_signal TERM' TERM
  for v in bare statedisk userns seccomp limits defaults phases batch rss rootless; do
    want "$v" && "bench_$v"
  done
  { want docker || want docker-d; } && bench_docker
  [[ -s $OUT/probes.txt ]] && { echo; echo "what each runtime applied ($OUT/probes.txt):"; sed 's/^/    /' "$OUT/probes.txt"; }
  [[ -n ${bwdefaults_note:-} ]] && note "defaults: $bwdefaults_note"
  print_table
  note "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
}

main "$@"
