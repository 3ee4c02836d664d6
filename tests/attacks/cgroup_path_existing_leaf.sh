#!/bin/bash
# Attack: create now refuses a linux.cgroupsPath that already holds a
# child cgroup (runtime/cgroups.c bw_ctr_cgroup_prepare,
# bw_cgroup_first_child), but an existing cgroup that is empty and a leaf
# at create is still taken, and nothing records that bulwark did not make
# it. Its owner (a service manager whose service is stopped) then makes a
# cgroup below it and starts a process there; `delete --force` of the
# container runs cgroup.kill on the whole tree and removes it, the
# pre-existing /V included (cgroup.c bw_cgroup_kill, remove_tree).
# Runs in a private mount namespace with a tmpfs id-range store.
# Expected safe outcome: delete kills and removes only what bulwark made
#   (record at create which directories it made, remove only those, and
#   kill only the container's own processes), or create refuses a
#   cgroupsPath that exists already; the host process and /V survive.
# Observed (2026-12-07, cgroup v1+v2 hybrid): create exits 0; after
#   delete --force the host process in /V/keep is SIGKILLed and /V is gone.
set -u
source "$(dirname "$0")/lib.sh"
private_store "$@"
setup_bundle
R=$(mktemp -d /tmp/atk18b-cgleaf.XXXXXX)
V=atk18b-leaf-$$
S=""
HIER=()
for m in $(awk '$3 == "cgroup" || $3 == "cgroup2" {print $2}' /proc/self/mounts); do HIER+=("$m"); done
cleanup() {
  "$BULWARK" --root "$R" delete --force c1 >/dev/null 2>&1
  [[ -n $S ]] && kill "$S" 2>/dev/null; wait 2>/dev/null
  for h in "${HIER[@]}"; do rmdir "$h/$V/keep" "$h/$V" 2>/dev/null; done
  rm -rf "$R" "$R.err"; teardown_bundle
}
trap cleanup EXIT
V2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)
PROCS_DIR=${V2:-$(awk '$3 == "cgroup" && $4 ~ /pids/ {print $2; exit}' /proc/self/mounts)}
# someone else's cgroup, empty and a leaf while its service is stopped
mkdir "$PROCS_DIR/$V"
config_edit --arg p "/$V" '.linux.cgroupsPath=$p | .process.args=["sleep","1832"]'
"$BULWARK" --root "$R" run -d --bundle "$BUNDLE" c1 </dev/null >/dev/null 2>"$R.err" ||
  { cat "$R.err"; verdict SAFE "a cgroupsPath naming an existing cgroup is refused"; exit 0; }
echo "container c1 runs in the existing /$V (create exit 0)"
# its owner starts its service below it
mkdir "$PROCS_DIR/$V/keep"
sleep 1833 & S=$!
echo "$S" >"$PROCS_DIR/$V/keep/cgroup.procs"
"$BULWARK" --root "$R" delete --force c1; echo "delete --force: exit $?"
sleep 0.5
killed=no; tree=kept
kill -0 "$S" 2>/dev/null || killed=yes
[[ -d $PROCS_DIR/$V ]] || tree=removed
echo "host process $S killed: $killed; /$V: $tree"
if [[ $killed == yes || $tree == removed ]]; then
  verdict BROKEN "delete --force killed a host process ($killed) and removed /$V, a cgroup bulwark did not make ($tree)"
else
  verdict SAFE "the existing cgroup and its process were left alone"
fi
