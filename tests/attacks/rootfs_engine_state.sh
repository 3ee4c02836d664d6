#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: root.path anywhere under an engine's state directory
# (/var/lib/docker, /var/lib/containers, /var/lib/containerd,
# /run/containerd, /run/docker ...) is "placed" for BW073
# (src/runtime/bind_resolve.c rootfs_placed: any path under engine_state),
# and a resolved root.path that is placed is never checked further
# (src/policy/checks.c bw_check_root_host_tree). So root.path may be the
# whole engine state, or another container's state directory, not just a
# rootfs the engine made. It is seen through the idmapped rootfs view, in
# which host root's files are container root's: container root reads host
# root's 0600 files (Docker: every container's config.v2.json with its
# environment secrets, swarm keys; containerd/podman: every layer).
# bulwark also creates the missing dev/, proc/, sys/ as host root in that
# host directory. Here a scratch directory under /var/lib/containers
# stands for the engine state (a 0600 "secret", a 0700 "other-ctr").
# Expected safe outcome: BW073 unless root.path is an engine-made rootfs
#   (an overlay mount root, or an engine's rootfs layout such as
#   .../overlay2/ID/merged, .../io.containerd.runtime.v2.task/NS/ID/rootfs);
#   nothing created in the host directory.
# Observed: both profiles print the secret files; dev/ proc/ sys/ appear.
set -u
source "$(dirname "$0")/lib.sh"
state=
for d in /var/lib/containers /var/lib/docker /var/lib/containerd /run/containerd /run/docker; do
  [[ -d $d ]] && { state=$d; break; }
done
[[ -n $state ]] || { echo "no engine state directory on this host"; exit 0; }
setup_bundle
S=$(mktemp -d "$state/bulwark-a3.XXXXXX"); BB=$(mktemp -d /tmp/bw-a3-bb.XXXXXX)
trap 'teardown_bundle; rm -rf "$S" "$BB"' EXIT
cp /bin/busybox "$BB/busybox"; chmod 755 "$BB"
echo host-root-only >"$S/secret"; chmod 600 "$S/secret"
mkdir -m 700 "$S/other-ctr"; echo '{"Env":["DB_PASSWORD=x"]}' >"$S/other-ctr/config.v2.json"; chmod 600 "$S/other-ctr/config.v2.json"
config_edit --arg r "$S" --arg b "$BB/busybox" '.root.path=$r
  | .mounts += [{"destination":"/dev/busybox","type":"bind","source":$b,"options":["bind","ro"]}]
  | .process.args=["/dev/busybox","sh","-c","/dev/busybox cat /secret /other-ctr/config.v2.json"]'
broken=
for pol in "" "--profile restricted"; do
  # shellcheck disable=SC2086
  out=$("$BULWARK" --root "$BW_ROOT" $pol run --bundle "$BUNDLE" "rs$RANDOM" 2>&1)
  echo "${pol:-default}: $out"
  [[ $out == *host-root-only* ]] && broken+="${pol:-default} read the secret; "
done
ls -a "$S"
[[ -e $S/proc ]] && broken+="bulwark created $S/proc on the host; "
if [[ -n $broken ]]; then verdict BROKEN "$broken"; else verdict SAFE "refused"; fi
