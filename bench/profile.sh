#!/usr/bin/env bash
# Where the time of `bulwark run /bin/true` goes. Run bench/bench.sh first
# (it makes the bundles and helpers this uses). Prints; writes everything to
# $BENCH_DIR/out/profile/.
#   1. a split of the wall time by hyperfine: process start, the sealed
#      re-exec, config loading, create/start/delete, against the floor
#   2. syscall counts (strace -f -c) for bulwark and crun
#   3. syscall time (perf trace -s), summed over PERF_RUNS runs
#   4. user-space instruction counts (valgrind --tool=callgrind)
#   5. seccomp: compile, cache hit, load (bench/seccomp-cost.c)
#   6. single steps: the memfd copy against a read-only view, byte reads
#      (bench/micro.c)
#   7. that the read-only view stops the CVE-2019-5736 write (roview-check.c)
# Knobs: BULWARK, BENCH_DIR, RUNS (40), PERF_RUNS (20), STEPS (the
# functions below to run: split counts syscall_time instructions seccomp micro
# roview).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BUILD_DIR=${BUILD_DIR:-$top/build}
BULWARK=${BULWARK:-$BUILD_DIR/bulwark}
WORK=${BENCH_DIR:-/tmp/bulwark-bench}
RUNS=${RUNS:-40}
PERF_RUNS=${PERF_RUNS:-20}
P=$WORK/out/profile
STATE=$WORK/state
B=$WORK/b-bare
BW="$BULWARK --root $STATE/bulwark"

note() { printf 'profile: %s\n' "$*"; }
[[ -f $B/config.json && -x $WORK/seccomp-dump ]] || { note "run bench/bench.sh first (it makes $B)"; exit 1; }
mountpoint -q "$STATE" || { note "no tmpfs at $STATE: run bench/bench.sh first"; exit 1; }
mkdir -p "$P"
note "machine: $(nproc) CPUs, Linux $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. the wall time, split ------------------------------------------------
split() {
  echo
  echo "== 1. wall time, split (median of $RUNS; state root on tmpfs)"
  local id=prof args=() i
  local -a n=(
    "exec only: bulwark --version"
    "+ sealed re-exec: run on a missing bundle"
    "config load: validate the bundle"
    "create"
    "full run"
    "crun --version"
    "crun run"
    "floor: unshare + chroot"
    "fork+exec floor: /bin/true")
  local -a c=(
    "$BULWARK --version"
    "$BW run --bundle /nonexistent $id"
    "$BULWARK validate --bundle $B"
    "$BW create --bundle $B $id"
    "$BW run --bundle $B $id"
    "crun --version"
    "crun --root $STATE/crun run --bundle $B $id"
    "unshare --pid --fork --mount --ipc --uts --net chroot $WORK/rootfs /bin/true"
    "/bin/true")
  for i in "${!n[@]}"; do
    args+=(-n "${n[$i]}" "${c[$i]}")
    # only create leaves a container behind
    [[ ${n[$i]} == create ]] && args+=(--prepare "bash -c '$BW delete --force $id >/dev/null 2>/dev/null; true'") || args+=(--prepare true)
  done
  hyperfine -N -i --style basic --warmup 5 --runs "$RUNS" --export-json "$P/split.json" "${args[@]}" >"$P/split.txt" 2>&1
  $BW delete --force "$id" >/dev/null 2>&1
  jq -r '.results[] | [.command, (.median * 1000 | . * 100 | round / 100), (.stddev * 1000 | . * 100 | round / 100)] | @tsv' \
    "$P/split.json" | awk -F'\t' '{printf "  %-45s %7.2f ms  (sd %.2f)\n", $1, $2, $3}'
}

# --- 2. syscall counts ---------------------------------------------------------
counts() {
  echo
  echo "== 2. syscalls per run (strace -f -c; counts are exact, its times are not)"
  strace -f -c -o "$P/strace-bulwark.txt" $BW run --bundle "$B" prof-s >/dev/null
  strace -f -c -o "$P/strace-crun.txt" crun --root "$STATE/crun" run --bundle "$B" prof-s >/dev/null
  local f
  for f in bulwark crun; do
    printf '  %-8s total %s syscalls; most: %s\n' "$f" \
      "$(awk '$NF == "total" {print $(NF-2)}' "$P/strace-$f.txt")" \
      "$(awk 'NR > 2 && $NF != "total" && $1 !~ /^-/ { n = (NF == 6) ? $4 : $4; print n, $NF }' "$P/strace-$f.txt" |
        sort -rn | head -n 6 | awk '{printf "%s %s, ", $2, $1}')"
  done
  # The state file is read one byte per read(2) (jansson's json_loadfd).
  strace -f -e trace=read -o "$P/strace-reads.txt" $BW run --bundle "$B" prof-r >/dev/null
  printf '  bulwark read(2) calls of 1 byte: %s (of %s reads)\n' \
    "$(grep -cE ', 1\) +=  *1$' "$P/strace-reads.txt")" "$(grep -c 'read(' "$P/strace-reads.txt")"
}

# --- 3. syscall time ---------------------------------------------------------
syscall_time() {
  echo
  echo "== 3. syscall time, summed over $PERF_RUNS runs (perf trace -s), per run, top 15"
  local i
  rm -f "$P"/perftrace-*.txt
  for ((i = 0; i < PERF_RUNS; i++)); do
    perf trace -s -o "$P/perftrace-$i.txt" -- $BW run --bundle "$B" prof-p >/dev/null 2>&1
  done
  # Sum each syscall's total msec over every process of every run; the
  # parent's waits (poll, recvfrom, wait4, the init's read of the fifo)
  # are time spent waiting for the other side, not work.
  cat "$P"/perftrace-*.txt | awk -v n="$PERF_RUNS" '
    /^ [^ ].*\([0-9]+\), [0-9]+ events/ { proc = ($1 ~ /^true/ || $1 ~ /^sh/) ? "init" : "parent"; next }
    NF >= 8 && $2 ~ /^[0-9]+$/ && $4 ~ /^[0-9.]+$/ { t[proc " " $1] += $4; c[proc " " $1] += $2 }
    END { for (k in t) printf "%10.3f ms %7.1f calls  %s\n", t[k] / n, c[k] / n, k }' |
    sort -rn | head -n 15 | sed 's/^/  /'
}

# --- 4. instructions -----------------------------------------------------------
instructions() {
  echo
  echo "== 4. user-space instructions (callgrind; stable whatever the load)"
  local what
  for what in version validate; do
    local args=(--version)
    [[ $what == validate ]] && args=(validate --bundle "$B")
    valgrind --tool=callgrind --callgrind-out-file="$P/callgrind-$what.out" "$BULWARK" "${args[@]}" >/dev/null 2>"$P/callgrind-$what.log"
    printf '  bulwark %-9s %12s instructions\n' "$what" "$(awk '/Collected :/ {print $NF}' "$P/callgrind-$what.log")"
  done
  # start and delete of a container made by create (they do not re-exec)
  $BW delete --force prof-c >/dev/null 2>&1
  if $BW create --bundle "$B" prof-c >/dev/null 2>&1; then
    valgrind --tool=callgrind --callgrind-out-file="$P/callgrind-start.out" $BW start prof-c 2>"$P/callgrind-start.log"
    local i
    for i in $(seq 100); do [[ $($BW state prof-c 2>/dev/null | jq -r .status) == stopped ]] && break; sleep 0.01; done
    valgrind --tool=callgrind --callgrind-out-file="$P/callgrind-delete.out" $BW delete prof-c 2>"$P/callgrind-delete.log"
    for what in start delete; do
      printf '  bulwark %-9s %12s instructions\n' "$what" "$(awk '/Collected :/ {print $NF}' "$P/callgrind-$what.log")"
    done
  fi
  # run: valgrind 3.19 cannot execveat a memfd nor emulate open_tree/openat2,
  # so bulwark runs from a sealed copy made beforehand (no re-exec) and the
  # container's init fails at its first open_tree: this counts the parent's
  # work before the clone, and the start of init's.
  python3 "$here/sealed-exec.py" "$BULWARK" valgrind --tool=callgrind --callgrind-out-file="$P/callgrind-run.%p.out" \
    @BULWARK --root "$STATE/bulwark" run --bundle "$B" prof-v >/dev/null 2>"$P/callgrind-run.log"
  $BW delete --force prof-v >/dev/null 2>&1
  printf '  bulwark run (parent, until init fails under valgrind) %s instructions\n' \
    "$(awk '/Collected :/ {print $NF}' "$P/callgrind-run.log" | paste -sd+ | bc)"
  local f
  f=$(ls -S "$P"/callgrind-run.*.out 2>/dev/null | head -n1)
  [[ -n $f ]] && callgrind_annotate --inclusive=no "$f" 2>/dev/null | sed -n '/Ir.*file:function/,$p' | sed -n 2,12p |
    sed 's/^/    /'
}

# --- 5. seccomp --------------------------------------------------------------
seccomp() {
  echo
  echo "== 5. seccomp: bulwark's built-in profile (bench/seccomp-cost.c)"
  # One static library per src/ folder (docs/architecture.md); a group, so
  # their order does not matter.
  local libs=("$BUILD_DIR"/libbw_*.a)
  # shellcheck disable=SC2046
  gcc -O2 -D_GNU_SOURCE -I"$top/src" -o "$WORK/seccomp-cost" "$here/seccomp-cost.c" -Wl,--start-group "${libs[@]}" -Wl,--end-group \
    $(pkg-config --libs jansson libseccomp libcap) || return
  rm -rf "$WORK/seccomp-cache"
  "$WORK/seccomp-cost" "$WORK/b-seccomp/config.json" "$WORK/seccomp-cache" 20 | sed 's/^/  /'
}

# --- 6. single steps -----------------------------------------------------------
micro() {
  echo
  echo "== 6. single steps (bench/micro.c, median of 200)"
  gcc -O2 -D_GNU_SOURCE -o "$WORK/micro" "$here/micro.c" || return
  $BW create --bundle "$B" prof-m >/dev/null 2>&1
  cp "$STATE/bulwark/prof-m/state.json" "$STATE/state-sample.json" 2>/dev/null
  $BW delete --force prof-m >/dev/null 2>&1
  "$WORK/micro" "$BULWARK" "$STATE/state-sample.json" 200 | sed 's/^/  /'
}

# --- 7. the read-only view against CVE-2019-5736 ---------------------------------
roview() {
  echo
  echo "== 7. a read-only open_tree view of the binary refuses the CVE-2019-5736 write (bench/roview-check.c)"
  gcc -O2 -D_GNU_SOURCE -o "$WORK/roview-check" "$here/roview-check.c" || return
  printf '  read-only view: %s\n' "$("$WORK/roview-check")"
  printf '  writable view (the control): %s\n' "$("$WORK/roview-check" rw)"
}

for step in ${STEPS:-split counts syscall_time instructions seccomp micro roview}; do
  "$step"
done
