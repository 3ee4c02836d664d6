#!/usr/bin/env bats
# bulwark features: the OCI features document, checked against the host.

bats_require_minimum_version 1.5.0

setup() {
  : "${BULWARK:?set BULWARK to the built binary}"
  here=$(cd "$(dirname "$BATS_TEST_FILENAME")" && pwd)
  out=$(mktemp)
}

teardown() {
  rm -f "$out"
}

features() {
  "$BULWARK" features >"$out"
}

@test "features prints one valid JSON document" {
  run --separate-stderr "$BULWARK" features
  [ "$status" -eq 0 ]
  [ -z "$stderr" ]
  echo "$output" | jq -e 'type == "object"' >/dev/null
}

@test "features reports the OCI versions and all six hooks" {
  features
  [ "$(jq -r .ociVersionMin "$out")" = 1.0.0 ]
  [ "$(jq -r .ociVersionMax "$out")" = 1.2.0 ]
  [ "$(jq -c .hooks "$out")" = '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' ]
}

@test "features lists every namespace type once" {
  features
  [ "$(jq -c '.linux.namespaces | sort' "$out")" = '["cgroup","ipc","mount","network","pid","time","user","uts"]' ]
}

@test "features lists exactly the capabilities this kernel has" {
  features
  last=$(cat /proc/sys/kernel/cap_last_cap)
  [ "$(jq -r '.linux.capabilities | length' "$out")" -eq $((last + 1)) ]
  [ "$(jq -r '.linux.capabilities[0]' "$out")" = CAP_CHOWN ]
  jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") and index("CAP_NET_RAW")' "$out" >/dev/null
  [ "$(jq -r '.linux.capabilities | unique | length' "$out")" -eq $((last + 1)) ]
}

@test "features reports seccomp actions (SCMP_ACT_NOTIFY included), operators and the native arch" {
  features
  [ "$(jq -r .linux.seccomp.enabled "$out")" = true ]
  for a in SCMP_ACT_ALLOW SCMP_ACT_ERRNO SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD \
           SCMP_ACT_LOG SCMP_ACT_NOTIFY SCMP_ACT_TRACE SCMP_ACT_TRAP; do
    jq -e --arg a "$a" '.linux.seccomp.actions | index($a)' "$out" >/dev/null
  done
  [ "$(jq -r '.linux.seccomp.operators | length' "$out")" = 7 ]
  case $(uname -m) in
    x86_64) native=SCMP_ARCH_X86_64 ;;
    aarch64) native=SCMP_ARCH_AARCH64 ;;
    *) skip "no native arch name for $(uname -m) in this test" ;;
  esac
  jq -e --arg a "$native" '.linux.seccomp.archs | index($a)' "$out" >/dev/null
  # Only names libseccomp knows: scmp_sys_resolver would fail on others.
  if command -v scmp_sys_resolver >/dev/null; then
    for a in $(jq -r '.linux.seccomp.archs[]' "$out"); do
      arch=$(echo "${a#SCMP_ARCH_}" | tr 'A-Z' 'a-z')
      scmp_sys_resolver -a "$arch" read >/dev/null
    done
  fi
}

@test "features: supported seccomp flags are a subset of the known ones" {
  features
  [ "$(jq -r '(.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags) | length' "$out")" = 0 ]
  jq -e '.linux.seccomp.knownFlags | index("SECCOMP_FILTER_FLAG_LOG")' "$out" >/dev/null
}

@test "features lists the mount options, each once" {
  features
  for o in ro rw bind rbind nosuid suid nodev dev noexec exec relatime norelatime strictatime \
           nostrictatime noatime atime nodiratime diratime sync async dirsync \
           private rprivate shared rshared slave rslave unbindable runbindable \
           idmap ridmap rro rrw rnosuid rnodev rnoexec rnoatime rrelatime rstrictatime nosymfollow rnosymfollow; do
    jq -e --arg o "$o" '.mountOptions | index($o)' "$out" >/dev/null
  done
  # Accepted but changing nothing bulwark can promise: not advertised.
  for o in mand nomand silent loud remount tmpcopyup; do
    jq -e --arg o "$o" '.mountOptions | index($o) | not' "$out" >/dev/null
  done
  [ "$(jq -r '.mountOptions | length' "$out")" = "$(jq -r '.mountOptions | unique | length' "$out")" ]
}

# The host's LSMs, read here independently of bulwark.
host_lsm() {
  if [ -r /sys/kernel/security/lsm ]; then
    tr , '\n' </sys/kernel/security/lsm | grep -qx "$1" && echo true || echo false
  elif [ "$1" = apparmor ]; then
    [ -d /sys/kernel/security/apparmor ] && grep -q Y /sys/module/apparmor/parameters/enabled 2>/dev/null && echo true || echo false
  else
    [ -e /sys/fs/selinux/enforce ] && echo true || echo false
  fi
}

@test "features: cgroup drivers, the host's LSMs, and bulwark's own annotations" {
  features
  [ "$(jq -c .linux.cgroup "$out")" = '{"v1":true,"v2":true,"systemd":true,"systemdUser":false,"rdma":false}' ]
  [ "$(jq -r .linux.apparmor.enabled "$out")" = "$(host_lsm apparmor)" ]
  [ "$(jq -r .linux.selinux.enabled "$out")" = "$(host_lsm selinux)" ]
  [ "$(jq -r .linux.intelRdt.enabled "$out")" = false ]
  [ "$(jq -r '.annotations["io.bulwark.version"]' "$out")" = "$("$BULWARK" --version | awk 'NR==1 {print $3}')" ]
  [ "$(jq -r '.annotations | keys | map(select(startswith("io.bulwark.") | not)) | length' "$out")" = 0 ]
  [ "$(jq -c .potentiallyUnsafeConfigAnnotations "$out")" = '[]' ]
}

@test "features: idmap.enabled is a boolean that matches an independent probe" {
  [ "$(id -u)" -eq 0 ] || skip "the independent probe needs root"
  features
  got=$(jq -r '.linux.mountExtensions.idmap.enabled | if type == "boolean" then tostring else "not a boolean" end' "$out")
  want=$(python3 "$here/helpers/idmap_probe.py")
  [ "$want" != broken ]
  echo "bulwark: $got, probe: $want"
  [ "$got" = "$want" ]
}

@test "features: idmap.enabled is false where no user namespace can be made" {
  command -v unshare >/dev/null || skip "unshare not installed"
  # Inside a user namespace of our own, forbid further user namespaces: an
  # idmapped mount needs one, so the kernel cannot make one here.
  run --separate-stderr unshare --user --map-root-user --mount sh -c '
    echo 0 >/proc/sys/user/max_user_namespaces || exit 99
    if unshare --user true 2>/dev/null; then echo "limit not applied"; exit 98; fi
    exec "$0" features' "$BULWARK"
  [ "$status" -ne 99 ] || skip "cannot lower user.max_user_namespaces here"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .linux.mountExtensions.idmap.enabled)" = false ]
}

@test "features: idmap.enabled is true for root of a user namespace with room for more" {
  command -v unshare >/dev/null || skip "unshare not installed"
  [ "$(python3 "$here/helpers/idmap_probe.py")" = true ] || skip "the kernel cannot idmap tmpfs"
  run --separate-stderr unshare --user --map-root-user "$BULWARK" features
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .linux.mountExtensions.idmap.enabled)" = true ]
}

@test "features takes no arguments" {
  run --separate-stderr "$BULWARK" features extra
  [ "$status" -eq 2 ]
  [[ $stderr == *"no arguments"* ]]
}

@test "features: every name it lists is one validate accepts in a config" {
  dir=$(mktemp -d)
  cd "$dir"
  "$BULWARK" spec
  features
  # One config using every capability, namespace, seccomp action, operator,
  # architecture and flag the features document reports.
  jq --slurpfile f "$out" '
    ($f[0].linux) as $l |
    .process.capabilities.bounding = $l.capabilities |
    .linux.namespaces = [$l.namespaces[] | {type: .}] |
    .linux.seccomp = {
      defaultAction: "SCMP_ACT_ERRNO",
      architectures: $l.seccomp.archs,
      flags: $l.seccomp.knownFlags,
      listenerPath: "/run/listener.sock",
      syscalls: [$l.seccomp.actions[] as $a | {names: ["getpid"], action: $a,
                 args: [$l.seccomp.operators[] as $o | {index: 0, value: 1, op: $o}]}]
    }' config.json >all.json
  [ "$(jq '.process.capabilities.bounding | length' all.json)" -gt 30 ]
  run --separate-stderr "$BULWARK" validate all.json
  cd /
  rm -rf "$dir"
  echo "$stderr"
  [ "$status" -eq 0 ]
}
