#!/bin/bash
# Attack: create refuses a linux.cgroupsPath that already has processes
# (runtime/cgroups.c bw_ctr_cgroup_prepare), but it looks only in the
# hierarchy that lists the container's processes (linux/cgroup.c
# procs_dir: cgroup2 on a hybrid host); bw_cgroup_first_child looks in
# every hierarchy, the process check in one. On a hybrid host a cgroup
# that exists only in v1 hierarchies (a v1 service manager's, a legacy
# agent's) with host processes in it is accepted: the container joins it,
# its linux.resources are written to it, and `pause` freezes it through
# the v1 freezer (cgroup.c bw_cgroup_freeze prefers v1), host processes
# included.
# Runs in a private mount namespace with a tmpfs id-range store.
# Expected safe outcome: create refuses a cgroupsPath with processes in
#   any hierarchy (or one bulwark did not make), and the host process
#   keeps running.
# Observed (2026-12-07, cgroup v1+v2 hybrid): create exits 0; after
#   `bulwark pause`, /V's freezer.state is FROZEN and the host process's
#   counter stops.
set -u
source "$(dirname "$0")/lib.sh"
private_store "$@"
FZ=$(awk '$3 == "cgroup" && $4 ~ /(^|,)freezer(,|$)/ {print $2; exit}' /proc/self/mounts)
[[ -n $FZ ]] || { verdict SAFE "not applicable: no v1 freezer hierarchy"; exit 0; }
setup_bundle
R=$(mktemp -d /tmp/atk18b-cgv1.XXXXXX)
V=atk18b-v1-$$
C=$R/counter
S=""
cleanup() {
  "$BULWARK" --root "$R" resume c1 >/dev/null 2>&1
  echo THAWED >"$FZ/$V/freezer.state" 2>/dev/null
  [[ -n $S ]] && kill "$S" 2>/dev/null; wait 2>/dev/null
  "$BULWARK" --root "$R" delete --force c1 >/dev/null 2>&1
  sleep 0.3
  for m in $(awk '$3 == "cgroup" || $3 == "cgroup2" {print $2}' /proc/self/mounts); do rmdir "$m/$V" 2>/dev/null; done
  rm -rf "$R"; teardown_bundle
}
trap cleanup EXIT
# a v1-only cgroup of someone else's, with a host process counting in it
mkdir "$FZ/$V"
bash -c "echo \$\$ >'$FZ/$V/cgroup.procs'; i=0; while :; do i=\$((i+1)); echo \$i >'$C'; sleep 0.1; done" & S=$!
sleep 0.5
echo "host process $S in $FZ/$V: $(cat "$FZ/$V/cgroup.procs" | tr '\n' ' ')"
config_edit --arg p "/$V" '.linux.cgroupsPath=$p | .process.args=["sleep","1831"]'
if ! "$BULWARK" --root "$R" run -d --bundle "$BUNDLE" c1 </dev/null >/dev/null 2>"$R.err"; then
  cat "$R.err"; rm -f "$R.err"
  verdict SAFE "create refused a cgroupsPath with host processes in a v1 hierarchy"; exit 0
fi
rm -f "$R.err"
echo "container c1 created in /$V (exit 0); $FZ/$V now holds: $(cat "$FZ/$V/cgroup.procs" | tr '\n' ' ')"
"$BULWARK" --root "$R" pause c1; echo "pause c1: exit $?"
sleep 0.5; a=$(cat "$C"); sleep 1; b=$(cat "$C")
echo "freezer.state $(cat "$FZ/$V/freezer.state"); host counter $a -> $b"
if [[ $a == "$b" ]]; then
  verdict BROKEN "a container joined a v1 cgroup holding a host process, and pausing it froze that process"
else
  verdict SAFE "the host process kept running"
fi
