#!/bin/sh
# The tests run inside the guest (Debian's kernel): real containers from
# the static bulwark, TAP on stdout. Bundles and the ext4 image come from
# scripts/guest/mkinitramfs.
B=/guest/bundles
root=/run/bw
n=0
out=/tmp/out

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1))
  echo "not ok $n - $1"
  shift
  [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
  [ -s $out ] && sed 's/^/#   | /' $out
}
# bw ID BUNDLE [global flags...]: run a container, output in $out
# A directory rootfs lives in its bundle (bulwark refuses one elsewhere):
# the shared one is bound there when a bundle is first used.
in_bundle() {
  if [ -f "$B/$1/rootsrc" ] && [ ! -d "$B/$1/rootfs" ]; then
    mkdir "$B/$1/rootfs" && mount --bind "$(cat "$B/$1/rootsrc")" "$B/$1/rootfs"
  fi
}
bw_run() {
  id=$1 bundle=$2
  shift 2
  in_bundle "$bundle"

  timeout 60 bulwark --root $root "$@" run --bundle "$B/$bundle" "$id" </dev/null >$out 2>&1
}
# what a file holds, or a note that it is missing
held() { if [ -e "$1" ]; then cat "$1"; else echo "($1 missing)"; fi; }

mkdir -p $root

mkdir -p /ext
mount -t ext4 -o loop /guest/ext4.img /ext 2>$out

# 1: the busybox bundle (built once into the image)
# shellcheck disable=SC2016 # expanded by the rootfs's shell
if grep -q ' /ext ext4 ' /proc/mounts && [ "$(chroot /ext/rootfs /bin/sh -c 'echo $((6 * 7))' 2>&1)" = 42 ]; then
  ok "busybox rootfs on ext4 (loop) runs"
else
  not_ok "busybox rootfs on ext4 (loop) runs" "$(grep ext /proc/mounts)"
fi

# 2: the guest is set up as `bulwark setup` leaves a host (its init wrote
# the user and the ranges: useradd and usermod are not in busybox)
if bulwark setup >$out 2>&1 && grep -q 'bulwark already has subordinate uids 1048576-17825791' $out; then
  ok "bulwark setup finds the bulwark user and its subordinate ids"
else
  not_ok "bulwark setup finds the bulwark user and its subordinate ids"
fi

# 3: no user namespace
if bw_run off1 plain --policy-mode off && grep -qx "hello from $(uname -r)" $out &&
   [ "$(tail -1 $out | tr -s ' ')" = " 0 0 4294967295" ]; then
  ok "run --policy-mode off: container ran with the host's ids"
else
  not_ok "run --policy-mode off: container ran with the host's ids"
fi

# 4: the default policy: an automatic user namespace from bulwark's range
if bw_run def1 plain && grep -qx "hello from $(uname -r)" $out &&
   tail -1 $out | tr -s ' ' | grep -Eq '^ 0 [1-9][0-9]+ [0-9]+$'; then
  ok "run under the default policy: root in the container is $(tail -1 $out | tr -s ' ' | cut -d' ' -f3) on the host"
else
  not_ok "run under the default policy: an automatic user namespace"
fi

# 5: a writable directory rootfs under the default policy: an overlay
# of bulwark's own over the idmapped directory takes the writes
if bw_run wr1 writable && grep -qx written $out && [ ! -e /ext/rootfs/made-inside ]; then
  ok "writable directory rootfs under the default policy: written in bulwark's overlay, the directory unchanged"
else
  not_ok "writable directory rootfs under the default policy" "$(ls -l /ext/rootfs/made-inside 2>&1)"
fi

# 6-7: a rootfs that is an overlay the caller mounted (as Docker does,
# its layer named through a symlink as Docker's l/ID):
# the default policy rebuilds it over idmapped layers
if mount -t overlay overlay -o lowerdir=/ext/layer2:/ext/l/base,upperdir=/ext/ovl/upper,workdir=/ext/ovl/work /ext/ovl/merged 2>$out &&
   bw_run ovl1 overlay --policy-mode off && [ "$(held /ext/ovl/upper/made-inside)" = written ]; then
  ok "overlay rootfs (two layers on ext4, one named through a symlink), --policy-mode off"
else
  not_ok "overlay rootfs (two layers on ext4, one named through a symlink), --policy-mode off"
fi
rm -f /ext/ovl/upper/made-inside
if bw_run ovl2 overlay && [ "$(held /ext/ovl/upper/made-inside)" = written ] && grep -qx from-layer2 $out &&
   grep -q ' 0 *0 .* /made-inside$' $out; then
  ok "overlay rootfs (two layers on ext4, one named through a symlink) under the default policy: rebuilt over idmapped layers, owned by the container's root ($(stat -c %u:%g /ext/ovl/upper/made-inside) on the host)"
else
  not_ok "overlay rootfs (two layers on ext4, one named through a symlink) under the default policy" "upper holds: $(ls -ln /ext/ovl/upper)"
fi

# 8: the upper layer on tmpfs (lower on ext4)
mkdir -p /tmp/ovl/upper /tmp/ovl/work /tmp/ovl/merged
if mount -t overlay overlay -o lowerdir=/ext/rootfs,upperdir=/tmp/ovl/upper,workdir=/tmp/ovl/work /tmp/ovl/merged 2>$out &&
   bw_run ovl3 tmpovl && [ "$(held /tmp/ovl/upper/made-inside)" = written ]; then
  ok "overlay rootfs with its upper layer on tmpfs under the default policy"
else
  not_ok "overlay rootfs with its upper layer on tmpfs under the default policy"
fi

# 9: cgroup v2 limits, read from the guest's side
pids="" mem="" cg=""
in_bundle cgroup
if timeout 60 bulwark --root $root create --bundle $B/cgroup cg1 </dev/null >$out 2>&1; then
  pid=$(bulwark --root $root state cg1 | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
  cg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
  pids=$(held "/sys/fs/cgroup$cg/pids.max")
  mem=$(held "/sys/fs/cgroup$cg/memory.max")
fi
bulwark --root $root delete --force cg1 >/dev/null 2>&1
if [ "$pids" = 42 ] && [ "$mem" = 67108864 ]; then
  ok "cgroup v2 limits: $cg has pids.max 42 and memory.max 64M"
else
  not_ok "cgroup v2 limits" "cgroup '$cg': pids.max '$pids', memory.max '$mem'"
fi

# 10-11: a volume (bind mount) under the default policy: the host's folder
# stays the host's (container root reads, cannot write) until it is shared
if bw_run vol1 volume && grep -qx seeded $out; then
  not_ok "volume bind before bulwark share: container root cannot write the host's folder" "it could: $(ls -ln /ext/vol)"
elif grep -qx seeded $out && grep -q "can't create /data/note: Permission denied" $out; then
  ok "volume bind before bulwark share: read, and writing is refused"
else
  not_ok "volume bind before bulwark share: read, and writing is refused"
fi
if bulwark share /ext/vol >$out 2>&1 && bw_run vol2 volume && grep -qx seeded $out &&
   [ "$(held /ext/vol/note)" = from-container ]; then
  ok "volume bind after bulwark share: read and written ($(stat -c %u:%g /ext/vol/note) on the host)"
else
  not_ok "volume bind after bulwark share"
fi

# 12: a rootfs on tmpfs: idmapped mounts of tmpfs came in 6.3; before,
# bulwark refuses with the reason and the ways out (it never runs the
# container unmapped on its own)
mkdir -p /tmp/rootfs && cp -a /ext/rootfs/. /tmp/rootfs/
ver=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
if [ "$ver" -lt 6003 ]; then
  if ! bw_run tmp1 tmpfsroot && grep -q 'on tmpfs.*does not support idmapped mounts; either allow this mount unmapped in the policy' $out; then
    ok "rootfs on tmpfs under the default policy: refused before 6.3, naming tmpfs, idmapped mounts and the ways out"
  else
    not_ok "rootfs on tmpfs under the default policy: refused before 6.3 with the reason"
  fi
elif bw_run tmp1 tmpfsroot && grep -qx hello $out; then
  ok "rootfs on tmpfs under the default policy"
else
  not_ok "rootfs on tmpfs under the default policy"
fi

# 13-14: /dev/shm bound from a tmpfs under the default policy. Before 6.3
# no tmpfs can be idmapped: one the engine made for the container (Podman's
# userdata/shm) is bound without an idmapped view, where container root is
# its unprivileged host uid; an operator's tmpfs is still refused.
# (the container shm1 below: the path names its own id)
shm=/var/lib/containers/storage/overlay-containers/shm1/userdata/shm
mkdir -p $shm /tmp/ownshm && mount -t tmpfs -o mode=1777,size=8m shm $shm && mount -t tmpfs -o mode=1777 own /tmp/ownshm
if [ "$ver" -lt 6003 ]; then
  host=$(bw_run shm1 engineshm && tail -1 $out | awk '{ print $2 }')
  if [ -n "$host" ] && [ "$host" != 0 ] && [ "$(stat -c %u $shm/made 2>/dev/null)" = "$host" ] &&
     grep -q ' 0 *0 .* /dev/shm/made$' $out && grep -q 'this kernel cannot idmap tmpfs' $out; then
    ok "engine-made tmpfs at /dev/shm before 6.3: bound without an idmapped view, container root writes as host uid $host"
  else
    not_ok "engine-made tmpfs at /dev/shm before 6.3: bound without an idmapped view" "$(ls -ln $shm 2>&1)"
  fi
  if ! bw_run shm2 ownshm && grep -q 'on tmpfs.*does not support idmapped mounts' $out && [ ! -e /tmp/ownshm/made ]; then
    ok "operator's tmpfs at /dev/shm before 6.3: refused with the reason"
  else
    not_ok "operator's tmpfs at /dev/shm before 6.3: refused with the reason"
  fi
else
  if bw_run shm1 engineshm && grep -q ' 0 *0 .* /dev/shm/made$' $out && [ "$(stat -c %u $shm/made)" != 0 ]; then
    ok "engine-made tmpfs at /dev/shm: idmapped ($(stat -c %u $shm/made) on the host)"
  else
    not_ok "engine-made tmpfs at /dev/shm: idmapped"
  fi
  if bw_run shm2 ownshm && [ "$(held /tmp/ownshm/made)" = made ]; then
    ok "operator's tmpfs at /dev/shm: idmapped"
  else
    not_ok "operator's tmpfs at /dev/shm: idmapped"
  fi
fi

echo "1..$n"
