#!/usr/bin/env bash
# Run N containers of one bundle with one runtime, one after another or all
# at once; hyperfine times the whole batch.
#   many.sh seq|par N BUNDLE RUNTIME [GLOBAL_ARGS...]
# Exits non-zero if any container failed.
set -u
mode=$1 n=$2 bundle=$3
shift 3
ids_prefix="m$$-"
fail=0
if [[ $mode == seq ]]; then
  for ((i = 0; i < n; i++)); do
    "$@" run --bundle "$bundle" "$ids_prefix$i" >/dev/null || fail=1
  done
else
  pids=()
  for ((i = 0; i < n; i++)); do
    "$@" run --bundle "$bundle" "$ids_prefix$i" >/dev/null &
    pids+=($!)
  done
  for p in "${pids[@]}"; do
    wait "$p" || fail=1
  done
fi
exit $fail
