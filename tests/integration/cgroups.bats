#!/usr/bin/env bats
# Cgroups inside real containers: limits the kernel enforces, pause and
# resume, update, and cleanup (also after a crash), and the container's own
# cgroupfs. The container's cgroup is /bulwark/ID in each hierarchy: v1
# controllers (this machine, hybrid) or the cgroup2 root (the systemd guest,
# scripts/guest/run --systemd).

load helpers

setup() {
  setup_bundle
}

teardown() {
  teardown_bundle
}

v2_host() { [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; }

cg() { # cg CONTROLLER ID: the container's directory in that hierarchy
  if v2_host; then echo "/sys/fs/cgroup/bulwark/$2"; else echo "/sys/fs/cgroup/$1/bulwark/$2"; fi
}

cgf() { # cgf CONTROLLER ID V1FILE V2FILE: a limit's file, v1 or v2
  if v2_host; then echo "$(cg "$1" "$2")/$4"; else echo "$(cg "$1" "$2")/$3"; fi
}

@test "init is in the container's cgroup before it runs, with the limits applied" {
  # without a cgroup namespace (runc spec adds one on a v2 host) the path shows
  config_edit '.linux.resources.pids = {"limit": 33} | .linux.resources.memory = {"limit": 67108864}
    | .linux.namespaces -= [{"type": "cgroup"}]'
  run run_in sh -c 'cat /proc/self/cgroup'
  [ "$status" -eq 0 ]
  if v2_host; then
    [[ $output == *"0::/bulwark/t$$-$BATS_TEST_NUMBER"* ]]
  else
    [[ $output == *"pids:/bulwark/t$$-$BATS_TEST_NUMBER"* ]]
    [[ $output == *"memory:/bulwark/t$$-$BATS_TEST_NUMBER"* ]]
  fi
  config_edit '.process.args = ["sleep", "100"]'
  bw create --bundle "$BUNDLE" lim
  [ "$(cat "$(cg pids lim)/pids.max")" = 33 ]
  [ "$(cat "$(cgf memory lim memory.limit_in_bytes memory.max)")" = 67108864 ]
  grep -qx "$(bw state lim | jq .pid)" "$(cg pids lim)/cgroup.procs"
}

@test "a memory limit OOM-kills the process that exceeds it" {
  config_edit '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
  run run_in dd if=/dev/zero of=/dev/null bs=128M count=1
  [ "$status" -eq 137 ]
  # The same process within the limit runs.
  run run_in dd if=/dev/zero of=/dev/null bs=4M count=1
  [ "$status" -eq 0 ]
}

@test "a pids limit stops a fork bomb" {
  config_edit '.linux.resources.pids = {"limit": 10}'
  # Bounded: 30 children at most, each gone after 2 seconds.
  run run_in sh -c 'n=0; for i in $(seq 30); do sleep 2 & done; wait; echo done'
  [[ $output == *"can't fork"* || $output == *"Resource temporarily unavailable"* ]]
  # Without the limit the same loop forks all 30.
  config_edit '.linux.resources.pids = {"limit": 100}'
  run run_in sh -c 'for i in $(seq 30); do sleep 1 & done; wait; echo done'
  [ "$status" -eq 0 ]
  [[ $output != *"can't fork"* ]]
}

@test "a device node outside the allowlist cannot be opened, even when mknod is allowed" {
  # CAP_MKNOD and a cgroup rule that allows mknod ("m") of /dev/mem's
  # numbers, but not reading or writing it.
  config_edit '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
    | .process.capabilities.permitted += ["CAP_MKNOD"]
    | .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 1, "access": "m"}]'
  cp "$BATS_TEST_DIRNAME/helpers/attack.c" "$BUNDLE/" && gcc -static -O1 -o "$BUNDLE/rootfs/bin/attack" "$BUNDLE/attack.c"
  run run_in sh -c 'mknod /dev/bwmem c 1 1 && echo made; attack open-mem; cat /dev/null && echo null-ok'
  [ "$status" -eq 0 ]
  [[ $output == *"made"* ]]
  [[ $output == *"open-mem: EPERM"* ]]
  [[ $output == *"null-ok"* ]] # the default devices stay usable
}

@test "pause freezes the container and resume thaws it" {
  config_edit '.process.args = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i >/dev/shm/n; sleep 0.05; done"]'
  bw run -d --bundle "$BUNDLE" pz
  local pid
  pid=$(bw state pz | jq .pid)
  sleep 0.5
  bw pause pz
  [ "$(bw state pz | jq -r .status)" = paused ]
  [ "$(bw list --format json | jq -r '.[] | select(.id == "pz") | .status')" = paused ]
  local a b c
  a=$(cat /proc/"$pid"/root/dev/shm/n)
  sleep 0.5
  b=$(cat /proc/"$pid"/root/dev/shm/n)
  [ "$a" = "$b" ] # frozen: the counter stands still
  bw resume pz
  [ "$(bw state pz | jq -r .status)" = running ]
  sleep 0.5
  c=$(cat /proc/"$pid"/root/dev/shm/n)
  [ "$c" -gt "$b" ]
  run bw resume pz
  [ "$status" -ne 0 ]
  [[ $output == *"not paused"* ]]
}

@test "update changes live limits (flags and --resources)" {
  config_edit '.process.args = ["sleep", "100"] | .linux.resources.pids = {"limit": 50}'
  bw run -d --bundle "$BUNDLE" up
  [ "$(cat "$(cg pids up)/pids.max")" = 50 ]
  bw update --pids-limit 20 --memory 64m --cpu-shares 512 up
  [ "$(cat "$(cg pids up)/pids.max")" = 20 ]
  [ "$(cat "$(cgf memory up memory.limit_in_bytes memory.max)")" = 67108864 ]
  # cpu.weight is shares converted as runc does (512 -> 20)
  [ "$(cat "$(cgf cpu up cpu.shares cpu.weight)")" = "$(v2_host && echo 20 || echo 512)" ]
  echo '{"pids": {"limit": 7}}' | bw update --resources - up
  [ "$(cat "$(cg pids up)/pids.max")" = 7 ]
  # the limit holds inside: the 8th process cannot be forked
  run bw exec up sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait'
  [[ $output == *"can't fork"* || $output == *"Resource temporarily unavailable"* ]]
}

@test "ps and kill --all use the cgroup; events --stats reports memory, pids and cpu" {
  config_edit '.process.args = ["sh", "-c", "sleep 100 & sleep 100 & wait"] | .linux.resources.pids = {"limit": 40}'
  bw run -d --bundle "$BUNDLE" pk
  sleep 0.3
  run bw ps --format json pk
  [ "$(jq length <<<"$output")" -eq 3 ]
  run bw events --stats pk
  [ "$status" -eq 0 ]
  jq -e '.type == "stats" and .id == "pk" and .data.pids.current == 3 and .data.pids.limit == 40
    and (.data.memory.usage.usage > 0) and (.data.cpu.usage.total >= 0)' <<<"$output"
  run timeout 2 "$BULWARK" --root "$BW_ROOT" events --interval 200ms pk
  [ "$(grep -c '"type":"stats"' <<<"$output")" -ge 2 ]
  bw kill --all pk KILL
  for _ in $(seq 50); do [ -z "$(cat "$(cg pids pk)/cgroup.procs")" ] && break; sleep 0.1; done
  [ -z "$(cat "$(cg pids pk)/cgroup.procs")" ]
}

@test "with a cgroup2 directory, init is born in it (clone3 CLONE_INTO_CGROUP), not moved there" {
  local u
  u=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
  [[ -n $u ]] || skip "no cgroup2 mount on this machine"
  command -v strace >/dev/null || skip "strace is not installed"
  config_edit '.process.args = ["true"]'
  strace -f -o "$BATS_TEST_TMPDIR/trace" -e trace=clone3,openat,write "$BULWARK" --root "$BW_ROOT" $BW_POLICY \
    run --bundle "$BUNDLE" born
  local clone
  clone=$(grep -m1 'clone3(' "$BATS_TEST_TMPDIR/trace")
  [[ $clone == *CLONE_INTO_CGROUP* ]]
  # every v1 hierarchy still gets the pid by cgroup.procs, the cgroup2 one does not
  local pid=${clone##*= }
  ! grep -q "$u/bulwark/born/cgroup.procs" "$BATS_TEST_TMPDIR/trace"
  v2_host || grep -q "/sys/fs/cgroup/pids/bulwark/born/cgroup.procs" "$BATS_TEST_TMPDIR/trace"
  v2_host || grep -q "write([0-9]*, \"$pid\"" "$BATS_TEST_TMPDIR/trace"
}

@test "cgroups are gone after delete" {
  config_edit '.process.args = ["sleep", "100"]'
  bw run -d --bundle "$BUNDLE" gone
  [ -d "$(cg memory gone)" ] && [ -d "$(cg pids gone)" ]
  bw delete --force gone
  for c in cpu cpuacct cpuset memory devices freezer blkio pids hugetlb unified; do
    [ ! -e "/sys/fs/cgroup/$c/bulwark/gone" ]
  done
  [ ! -e /sys/fs/cgroup/bulwark/gone ]
  # and after run without --keep
  run run_in true
  [ ! -e "$(cg memory "t$$-$BATS_TEST_NUMBER")" ]
}

@test "cgroups are gone after bulwark is killed mid-create and delete --force" {
  config_edit --arg p "$BUNDLE/hook.pid" '.process.args = ["sleep", "100"]
    | .hooks = {createRuntime: [{path: "/bin/sh", args: ["sh", "-c", "echo $$ >\($p); exec sleep 30"]}]}'
  "$BULWARK" --root "$BW_ROOT" $BW_POLICY create --bundle "$BUNDLE" crash </dev/null >/dev/null 2>&1 &
  local creator=$!
  for _ in $(seq 100); do [ -s "$BUNDLE/hook.pid" ] && break; sleep 0.1; done
  [ -s "$BUNDLE/hook.pid" ]
  [ -d "$(cg memory crash)" ] # made before the hooks run
  kill -KILL $creator
  wait $creator || true
  bw delete --force crash
  kill "$(cat "$BUNDLE/hook.pid")" 2>/dev/null || true
  [ ! -e "$BW_ROOT/crash" ]
  for c in memory pids devices freezer cpu; do
    [ ! -e "/sys/fs/cgroup/$c/bulwark/crash" ]
  done
  [ ! -e /sys/fs/cgroup/bulwark/crash ]
}

@test "a refused config leaves no cgroup and no state" {
  config_edit '.process.capabilities.bounding += ["CAP_SYS_ADMIN"]'
  BW_POLICY="--profile restricted --policy-mode enforce" run fails_to_create refused
  [ "$status" -eq 1 ]
  [ ! -e "$BW_ROOT/refused" ]
  [ ! -e "$(cg memory refused)" ]
}

@test "a cgroup that already holds another container's processes is refused" {
  config_edit --arg p "/bulwark/shared-$$" '.process.args = ["sleep", "100"] | .linux.cgroupsPath = $p'
  bw run -d --bundle "$BUNDLE" first
  run fails_to_create second
  [ "$status" -eq 1 ]
  [[ $output == *"already has processes"* ]]
  [ ! -e "$BW_ROOT/second" ]
  # the first container and its cgroup are untouched
  [ "$(bw state first | jq -r .status)" = running ]
  [ -d "$(cg pids "shared-$$")" ]
  bw delete --force first
  [ ! -e "$(cg pids "shared-$$")" ]
}

@test "memory.kernelTCP is applied on cgroup v1 where the kernel has it" {
  [ -e /sys/fs/cgroup/memory/memory.kmem.tcp.limit_in_bytes ] || skip "no memory.kmem.tcp.limit_in_bytes on this kernel"
  config_edit '.linux.resources.memory = {"limit": 67108864, "kernelTCP": 16777216} | .process.args = ["sleep", "100"]'
  bw create --bundle "$BUNDLE" ktcp
  [ "$(cat "$(cg memory ktcp)/memory.kmem.tcp.limit_in_bytes")" = 16777216 ]
}

@test "an existing parent cgroup with an empty cpuset gets its parent's cpus and mems" {
  [ -d /sys/fs/cgroup/cpuset ] || skip "no cpuset v1 hierarchy"
  local parent=/sys/fs/cgroup/cpuset/bwtest-empty-$$
  mkdir "$parent"
  # a new v1 cpuset directory starts empty (unless clone_children is set)
  echo "" >"$parent/cpuset.cpus" 2>/dev/null || true
  [ -z "$(tr -d ' \n' <"$parent/cpuset.cpus")" ] || { rmdir "$parent"; skip "the parent did not start empty"; }
  config_edit --arg p "/bwtest-empty-$$/c1" '.linux.cgroupsPath = $p'
  run run_in cat /proc/self/status
  local st=$status
  local cpus mems
  cpus=$(cat "$parent/cpuset.cpus"); mems=$(cat "$parent/cpuset.mems")
  rmdir "$parent/c1" 2>/dev/null || true
  rmdir "$parent"
  [ "$st" -eq 0 ]
  [ "$cpus" = "$(cat /sys/fs/cgroup/cpuset/cpuset.cpus)" ]
  [ "$mems" = "$(cat /sys/fs/cgroup/cpuset/cpuset.mems)" ]
}

@test "create and run into a frozen cgroup are refused at once, not left hanging (same with the policy off and under the default policy)" {
  local parent=/bwfrozen-$$ fdir
  if [ -d /sys/fs/cgroup/freezer ]; then
    fdir=/sys/fs/cgroup/freezer$parent
    mkdir "$fdir"
    echo FROZEN >"$fdir/freezer.state"
  else
    fdir=/sys/fs/cgroup$parent
    mkdir "$fdir"
    echo 1 >"$fdir/cgroup.freeze"
  fi
  config_edit --arg p "$parent/c" '.process.args = ["sh", "-c", "echo ran"] | .linux.cgroupsPath = $p'
  # shellcheck disable=SC2086
  run timeout -s KILL 20 "$BULWARK" --root "$BW_ROOT" $BW_POLICY create --bundle "$BUNDLE" fz
  local st=$status out=$output
  # shellcheck disable=SC2086
  run timeout -s KILL 20 "$BULWARK" --root "$BW_ROOT" $BW_POLICY run --bundle "$BUNDLE" fz2
  local st2=$status out2=$output
  if [ -d /sys/fs/cgroup/freezer ]; then echo THAWED >"$fdir/freezer.state"; else echo 0 >"$fdir/cgroup.freeze"; fi
  bw delete --force fz >/dev/null 2>&1 || true
  bw delete --force fz2 >/dev/null 2>&1 || true
  find /sys/fs/cgroup/*"$parent" /sys/fs/cgroup"$parent" -depth -type d -exec rmdir {} + 2>/dev/null || true
  [ "$st" -eq 1 ]
  [[ $out == *"cgroup $parent/c is frozen"*"thaw it"* ]]
  [ "$st2" -eq 1 ]
  [[ $out2 == *"is frozen"* ]]
  [[ $out2 != *ran* ]]
}

# What the container sees of its cgroups: its limits, and per hierarchy the
# directories at depth 1 (v1: the hierarchies) and 2 (none: no subgroups),
# then the roots its cgroup mounts show.
own_cgroupfs_script='cat /proc/self/cgroup; echo ---
if [ -e /sys/fs/cgroup/pids.max ]; then cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max
else cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes; fi; echo ---
find /sys/fs/cgroup -mindepth 1 -maxdepth 2 -type d; echo ---
grep -E " - cgroup2? " /proc/self/mountinfo | cut -d" " -f4 | sort -u'

# section N of the output above
section() { awk -v n="$1" '/^---$/ {s++; next} s == n' <<<"$output"; }

@test "inside, /sys/fs/cgroup is the container's own cgroup with its limits, in its cgroup namespace (same with the policy off and under the default policy)" {
  config_edit '.linux.resources.pids = {"limit": 42} | .linux.resources.memory = {"limit": 67108864}
    | .linux.namespaces = [.linux.namespaces[] | select(.type != "cgroup")] + [{"type": "cgroup"}]'
  for policy in --policy-mode=off ""; do
    BW_POLICY=$policy run run_in sh -c "$own_cgroupfs_script"
    echo "policy '$policy': $output"
    [ "$status" -eq 0 ]
    # the container's cgroup is the root of every hierarchy it is in
    section 0 | grep -qx '0::/'
    [ -z "$(section 0 | grep -v ':/$')" ]
    [ "$(section 1 | tr '\n' ' ')" = "42 67108864 " ]
    # no subgroup, nothing of the host's tree (no bulwark/, system.slice ...)
    [ -z "$(section 2 | grep -E '^/sys/fs/cgroup/[^/]+/')" ]
    if v2_host; then [ -z "$(section 2)" ]; else section 2 | grep -qx /sys/fs/cgroup/pids; fi
    # every cgroup mount shows its hierarchy's root: the container's cgroup
    [ "$(section 3)" = / ]
  done
}

@test "inside without a cgroup namespace, /sys/fs/cgroup holds only the container's own directories (same with the policy off and under the default policy)" {
  config_edit '.linux.resources.pids = {"limit": 42} | .linux.resources.memory = {"limit": 67108864}
    | .linux.namespaces -= [{"type": "cgroup"}]'
  for policy in --policy-mode=off ""; do
    BW_POLICY=$policy run run_in sh -c "$own_cgroupfs_script"
    echo "policy '$policy': $output"
    [ "$status" -eq 0 ]
    section 0 | grep -qx "0::/bulwark/t$$-$BATS_TEST_NUMBER"
    [ "$(section 1 | tr '\n' ' ')" = "42 67108864 " ]
    [ -z "$(section 2 | grep -E '^/sys/fs/cgroup/[^/]+/')" ]
    # the container's directory of each hierarchy is bound, not the host's root
    [ "$(section 3)" = "/bulwark/t$$-$BATS_TEST_NUMBER" ]
  done
}

@test "a container cannot write its cgroup limits through a read-only cgroup mount" {
  config_edit '.linux.resources.pids = {"limit": 42} | .linux.namespaces = [.linux.namespaces[] | select(.type != "cgroup")] + [{"type": "cgroup"}]'
  run run_in sh -c 'f=/sys/fs/cgroup/pids.max; [ -e $f ] || f=/sys/fs/cgroup/pids/pids.max; echo 1000 >$f; cat $f'
  [[ $output == *"Read-only file system"* ]]
  [ "$(tail -1 <<<"$output")" = 42 ]
}

@test "cgroup v2: each resource of the config lands in its file of the real hierarchy" {
  v2_host || skip "not a cgroup v2 host (the systemd guest is: scripts/guest/run --systemd)"
  local dev hp=()
  dev=$(cat /sys/block/"$(lsblk -ndo PKNAME "$(findmnt -no SOURCE /)" 2>/dev/null || echo vda)"/dev 2>/dev/null || cat /sys/block/vda/dev)
  config_edit --arg maj "${dev%:*}" --arg min "${dev#*:}" '.process.args = ["sleep", "100"]
    | .linux.resources.memory = {"limit": 134217728, "reservation": 33554432, "swap": 201326592}
    | .linux.resources.unified = {"memory.high": "100663296"}
    | .linux.resources.cpu = {"shares": 1024, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"}
    | .linux.resources.pids = {"limit": 64}
    | .linux.resources.blockIO = {"weight": 500,
        "throttleReadBpsDevice": [{"major": ($maj | tonumber), "minor": ($min | tonumber), "rate": 1048576}]}'
  if grep -qw hugetlb /sys/fs/cgroup/cgroup.controllers && [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]; then
    config_edit '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
    hp=(hugetlb.2MB.max 4194304)
  fi
  bw create --bundle "$BUNDLE" v2all
  local d=/sys/fs/cgroup/bulwark/v2all
  [ "$(cat $d/memory.max)" = 134217728 ]
  [ "$(cat $d/memory.low)" = 33554432 ]
  [ "$(cat $d/memory.high)" = 100663296 ]
  [ ! -e $d/memory.swap.max ] || [ "$(cat $d/memory.swap.max)" = 67108864 ] # swap alone: 192M - 128M
  [ "$(cat $d/cpu.weight)" = 39 ]                                          # shares 1024, as runc converts
  [ "$(cat $d/cpu.max)" = "50000 100000" ]
  [ "$(cat $d/cpuset.cpus)" = 0 ] && [ "$(cat $d/cpuset.mems)" = 0 ]
  [ "$(cat $d/pids.max)" = 64 ]
  if [ -e $d/io.bfq.weight ]; then grep -q 500 $d/io.bfq.weight; else grep -qx "default 4950" $d/io.weight; fi
  grep -qx "$dev rbps=1048576 wbps=max riops=max wiops=max" $d/io.max
  [ ${#hp[@]} -eq 0 ] || [ "$(cat "$d/${hp[0]}")" = "${hp[1]}" ]
  # update through the same files; cgroup.kill ends it
  bw update --memory 256m --pids-limit 20 --cpu-quota 20000 v2all
  [ "$(cat $d/memory.max)" = 268435456 ] && [ "$(cat $d/pids.max)" = 20 ] && [ "$(cat $d/cpu.max)" = "20000 100000" ]
  bw start v2all
  bw kill --all v2all KILL
  for _ in $(seq 50); do [ -z "$(cat $d/cgroup.procs)" ] && break; sleep 0.1; done
  [ -z "$(cat $d/cgroup.procs)" ]
}

@test "cgroup v2: hugepageLimits land in hugetlb.<size>.max, seen inside too; a size the kernel lacks is refused" {
  v2_host || skip "not a cgroup v2 host (the systemd guest is: scripts/guest/run --systemd)"
  grep -qw hugetlb /sys/fs/cgroup/cgroup.controllers || skip "this kernel has no hugetlb controller (CONFIG_CGROUP_HUGETLB)"
  [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2 MiB huge pages on this machine"
  config_edit '.process.args = ["cat", "/sys/fs/cgroup/hugetlb.2MB.max"]
    | .linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 6291456}]'
  bw create --bundle "$BUNDLE" hp1 </dev/null >"$BATS_TEST_TMPDIR/out" 3>&-
  local d=/sys/fs/cgroup/bulwark/hp1
  [ "$(cat $d/hugetlb.2MB.max)" = 6291456 ]
  # the container reads its own limit through its cgroupfs
  bw start hp1
  for _ in $(seq 50); do grep -q 6291456 "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
  grep -qx 6291456 "$BATS_TEST_TMPDIR/out"
  bw delete --force hp1
  [ ! -e $d ]
  # a page size with no hugetlb.<size>.max: refused, naming it, nothing left
  config_edit '.linux.resources.hugepageLimits = [{"pageSize": "3MB", "limit": 6291456}]'
  run bw create --bundle "$BUNDLE" hp2 </dev/null 3>&-
  [ "$status" -ne 0 ]
  [[ $output == *'page size "3MB" is not supported here'* ]]
  [ ! -e /sys/fs/cgroup/bulwark/hp2 ]
  run bw state hp2
  [ "$status" -ne 0 ]
}

@test "events reports an OOM kill inside the container's memory limit" {
  config_edit '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
  create_bg oomev sh -c 'sleep 2; dd if=/dev/zero of=/dev/null bs=128M count=1; sleep 30'
  bw start oomev
  run timeout 8 "$BULWARK" --root "$BW_ROOT" events --interval 200ms oomev
  grep -q '"type":"oom"' <<<"$output"
  bw delete --force oomev
}
