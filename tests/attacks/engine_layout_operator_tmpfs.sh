#!/bin/bash
# shellcheck disable=SC2016 # jq filters use their own $variables
# Attack: a bind source is "engine-made" when its path ends in an engine
# layout under ANY directory (src/runtime/volumes.c engine_roots:
# "*/containers/*/mounts/shm", "*/pods/*/volumes/*/*", ...) and the
# directories above are root's (a sticky /tmp counts). Such a source is
# re-owned into the volume range before it is bound (bw_volume_prepare),
# and a tmpfs there counts as "a tmpfs the engine made for the container"
# (bw_volume_engine_tmpfs: bound with no idmapped view when the kernel
# refuses, as before 6.3). Here the tmpfs is the operator's, mounted under
# /tmp/X/containers/ID/mounts/shm, holding a host-root 0600 file: a
# restricted container that names it as a bind source has it chowned into
# the volume range and reads it. The same path matching applies to other
# containers' and pods' real engine directories (another pod's secret
# volume under /var/lib/kubelet/pods/*/volumes/*/*).
# Invariant broken: a bind gives container root no more than host
# "others" on host root's files (idmapped view, host ids as nobody);
# only what the engine made for this container is handed to it.
# Expected safe outcome: not shifted (not this container's engine dir),
#   the 0600 file stays root's and unreadable in the container.
# Observed (2026-12-07, 6.18): "engine-made ... shifted into the volume
#   range (2 of 2 entries re-owned)"; the container prints the secret; the
#   host file is now owned by the volume range. With mount_setattr's idmap
#   failing (strace inject, as on 6.1) the same tmpfs is bound unmapped.
set -u
source "$(dirname "$0")/lib.sh"
setup_bundle
D=$(mktemp -d /tmp/bw-atk-eng.XXXXXX); chmod 755 "$D"
E=$D/containers/abc123/mounts/shm
cleanup() { umount "$E" 2>/dev/null; rm -rf "$D"; teardown_bundle; }
trap cleanup EXIT
mkdir -p "$E"; chmod -R 755 "$D"
mount -t tmpfs -o mode=1777,size=1m tmpfs "$E"
echo host-root-secret >"$E/rootfile"; chmod 600 "$E/rootfile"
config_edit --arg s "$E" '.mounts += [{"destination":"/mnt/shm","type":"bind","source":$s,"options":["rbind","rw"]}]
  | .process.args=["sh","-c","cat /mnt/shm/rootfile"]'
timeout 60 "$BULWARK" --root "$BW_ROOT" --profile restricted run --bundle "$BUNDLE" eng$$ </dev/null >"$BW_ROOT/out" 2>&1 3>&-
cat "$BW_ROOT/out"
ls -ln "$E"
owner=$(stat -c %u "$E/rootfile")
if grep -q host-root-secret "$BW_ROOT/out" || [[ $owner != 0 ]]; then
  verdict BROKEN "an operator's tmpfs at an engine-looking path was treated as this container's: host root's 0600 file re-owned to uid $owner and read by the restricted container"
else
  verdict SAFE "the operator's tmpfs was not handed over"
fi
