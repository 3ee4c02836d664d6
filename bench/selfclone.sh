#!/usr/bin/env bash
# What the CVE-2019-5736 protection costs: create, run and exec re-execute
# bulwark once per call, from a read-only view of the binary (a sealed memfd
# copy for unprivileged callers and configs keeping CAP_SYS_ADMIN). This measures that step
# (bulwark --debug reports it) against a whole `bulwark run` of a busybox
# container, so the ratio is what a user pays.
#   bench/selfclone.sh [N]        (root; builds on build/bulwark)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
BULWARK=${BULWARK:-$PWD/build/bulwark}
source tests/integration/helpers.bash
BW_ROOT=$(mktemp -d) BUNDLE=$(mktemp -d)
trap 'rm -rf "$BW_ROOT" "$BUNDLE"' EXIT
chmod 755 "$BUNDLE"
make_rootfs "$BUNDLE/rootfs"
write_config "$BUNDLE" true

clone_us=0 run_us=0
for i in $(seq "$n"); do
  t0=$(date +%s%N)
  line=$("$BULWARK" --root "$BW_ROOT" --debug run --bundle "$BUNDLE" "b$i" 2>&1 | grep -o 'took [0-9]* us' | grep -o '[0-9]*')
  t1=$(date +%s%N)
  clone_us=$((clone_us + line))
  run_us=$((run_us + (t1 - t0) / 1000))
done
size=$(stat -c %s "$BULWARK")
echo "binary: $size bytes"
echo "protected re-exec: $((clone_us / n)) us per call (mean of $n)"
echo "whole bulwark run (true): $((run_us / n)) us per call"
echo "share of a run: $((100 * clone_us / run_us))%"
