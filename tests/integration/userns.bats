#!/usr/bin/env bats
# Container root is never host root: a user namespace per container with a
# range of its own, an idmapped rootfs and idmapped volumes. Every check is
# made from inside a real container or against the host's view of it.

load helpers

STORE=/var/lib/bulwark/idranges

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root"
  "$BULWARK" setup >/dev/null
  setup_bundle
  BW_ROOT=$(realpath "$BW_ROOT")
  VOL=$(mktemp -d /tmp/bulwark-test-vol.XXXXXX)
  chmod 755 "$VOL"
  # bulwark spec's config: a user namespace with no mappings
  rm -f "$BUNDLE/config.json"
  "$BULWARK" spec --bundle "$BUNDLE" >/dev/null
  config_edit '.process.terminal = false | .root.readonly = false'
}

teardown() {
  [ "$(id -u)" = 0 ] || return 0
  [ -z "${RL_USER:-}" ] || test_user_del "$RL_USER"
  teardown_bundle
  for m in $(findmnt -rn -o TARGET | grep -F "${OVL:-/nonexistent}" | sort -r); do umount -l "$m" || true; done
  rm -rf "$VOL" ${OVL:+"$OVL"}
}

# The host uid a container's range starts at, from the store.
range_of() {
  local f
  for f in "$STORE"/range-*.json; do
    jq -r --arg id "$1" --arg root "$BW_ROOT" 'select(.owner == $id and .root == $root) | .uid' "$f"
  done
}

# Records whose rootfs is this path.
records_for() {
  local f
  for f in "$STORE"/range-*.json; do
    jq -r --arg p "$1" 'select(.rootfs == $p) | .uid' "$f"
  done
}

start_bg() {
  local id=$1; shift
  create_bg "$id" "$@"
  bw start "$id"
}

host_uid_of() {
  ps -o uid= -p "$(bw state "$1" | jq .pid)" | tr -d ' '
}

wait_for() {
  local i
  for i in $(seq 50); do
    grep -q "$1" "$2" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

@test "userns: ps on the host shows an unprivileged uid from the range; inside, id says 0 and the image is root's" {
  start_bg u1 sh -c 'id -u; id -g; stat -c "%u:%g" /bin/busybox; cat /proc/self/uid_map; echo ready; sleep 30'
  wait_for ready "$BUNDLE/out.log"
  base=$(range_of u1)
  [ -n "$base" ]
  (( base >= 65536 ))
  huid=$(host_uid_of u1)
  echo "host uid $huid, range $base"
  [ "$huid" = "$base" ]
  [ "$(sed -n 1p "$BUNDLE/out.log")" = 0 ]
  [ "$(sed -n 2p "$BUNDLE/out.log")" = 0 ]
  [ "$(sed -n 3p "$BUNDLE/out.log")" = 0:0 ]
  read -r cid hid size < <(sed -n 4p "$BUNDLE/out.log")
  [ "$cid" = 0 ] && [ "$hid" = "$base" ] && [ "$size" = 65536 ]
  # a process exec'd into it is container root too, and the host sees the range
  [ "$(bw exec u1 id -u)" = 0 ]
  bw exec --detach u1 sleep 29
  for i in $(seq 50); do pgrep -f 'sleep 29' >/dev/null && break; sleep 0.1; done
  [ "$(ps -o uid= -p "$(pgrep -f 'sleep 29')" | tr -d ' ')" = "$base" ]
  # the range belongs to the bulwark user's subordinate ids
  read -r start count < <(awk -F: '$1 == "bulwark" { print $2, $3; exit }' /etc/subuid)
  (( base >= start && base + 65536 <= start + count ))
}

@test "userns: two concurrent containers get disjoint ranges" {
  config_edit '.process.args = ["sleep", "30"]'
  for i in 1 2 3 4; do bw create --bundle "$BUNDLE" "c$i" & done
  wait
  uids=()
  for i in 1 2 3 4; do
    [ "$(state_of "c$i")" = created ]
    uids+=("$(range_of "c$i")")
  done
  echo "ranges: ${uids[*]}"
  sorted=($(printf '%s\n' "${uids[@]}" | sort -n))
  [ "${#sorted[@]}" -eq 4 ]
  for i in 1 2 3; do (( sorted[i] - sorted[i-1] >= 65536 )); done
  # and the processes run under those uids
  for i in 1 2 3 4; do [ "$(host_uid_of "c$i")" = "$(range_of "c$i")" ]; done
}

@test "userns: volume round trip (host files readable inside as nobody's; after bulwark share, owners kept and new files in the volume range)" {
  echo hostdata >"$VOL/data"
  echo app >"$VOL/app" && chown 1000:1000 "$VOL/app"
  echo "127.0.0.1 localhost" >"$BUNDLE/hosts" # a single-file bind, as engines give /etc/hosts
  config_edit --arg v "$VOL" --arg h "$BUNDLE/hosts" '.mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind", "rw"]},
    {"destination": "/etc/hosts", "type": "bind", "source": $h, "options": ["rbind", "rw"]}]'
  run run_in sh -c 'cat /vol/data; stat -c "%u:%g" /vol/data /vol/app /etc/hosts; echo made > /vol/made && echo MADE; echo "::1 localhost" >> /etc/hosts && echo APPENDED'
  echo "$output"
  [ "${lines[0]}" = hostdata ]
  [ "${lines[1]}" = 65534:65534 ]
  [ "${lines[2]}" = 65534:65534 ]
  [ "${lines[3]}" = 65534:65534 ]
  [[ $output != *MADE* && $output != *APPENDED* ]]
  [ ! -e "$VOL/made" ]
  ! grep -q '::1 localhost' "$BUNDLE/hosts"
  # handed over on purpose: the owners come back, and writes land in the volume range
  "$BULWARK" share "$VOL" >/dev/null
  "$BULWARK" share "$BUNDLE/hosts" >/dev/null
  v=$(awk -F: '$1 == "bulwark" { print $2; exit }' /etc/subuid)
  run run_in sh -c 'stat -c "%u:%g" /vol/data /vol/app /etc/hosts; echo made > /vol/made; mkdir /vol/dir; echo "::1 localhost" >> /etc/hosts'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 1000:1000 ]
  [ "${lines[2]}" = 0:0 ]
  grep -q '::1 localhost' "$BUNDLE/hosts"
  [ "$(stat -c %u "$VOL/made")" = "$v" ]
  [ "$(stat -c %u "$VOL/app")" = "$((v + 1000))" ]
  [ "$(cat "$VOL/made")" = made ]
  [ "$(stat -c %u "$VOL/dir")" = "$v" ]
}

@test "userns: an overlay rootfs built the way Docker builds one runs under an automatic range; image layers unchanged" {
  # 0700, as Docker's /var/lib/docker (0710) shuts out other users
  OVL=$(mktemp -d /tmp/bulwark-test-ovl.XXXXXX)
  mkdir -p "$OVL"/{l1,l2/etc,upper,work,merged}
  cp -a "$BUNDLE/rootfs/." "$OVL/l1/"
  echo "welcome" >"$OVL/l2/etc/motd"
  layers_sum() { (cd "$OVL" && find l1 l2 -printf '%p %U %G %m %s %y\n' | sort && find l1 l2 -type f -exec md5sum {} + | sort) | md5sum; }
  before=$(layers_sum)
  mount -t overlay overlay -o "lowerdir=$OVL/l2:$OVL/l1,upperdir=$OVL/upper,workdir=$OVL/work" "$OVL/merged"
  config_edit --arg r "$OVL/merged" '.root.path = $r'
  run run_in sh -c 'id -u; stat -c %u /bin/busybox /etc/motd; echo "app:x:1000:1000::/:/bin/sh" >> /etc/passwd; echo new > /etc/newfile; rm /etc/motd; mkdir /srv'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = 0 ]
  base=$(records_for "$OVL/upper")
  [ -n "$base" ]
  # copy-up and new files land in the upper layer, owned by the range
  [ "$(stat -c %u:%g "$OVL/upper/etc/passwd")" = "$base:$base" ]
  grep -q '^app:' "$OVL/upper/etc/passwd"
  [ "$(stat -c %u "$OVL/upper/etc/newfile")" = "$base" ]
  [ "$(stat -c %u "$OVL/upper/srv")" = "$base" ]
  [ "$(stat -c %t:%T "$OVL/upper/etc/motd")" = 0:0 ] # a whiteout
  [ "$(stat -c %u "$OVL/upper")" = "$base" ]
  # the image layers are untouched
  [ "$(layers_sum)" = "$before" ]
  ! grep -q '^app:' "$OVL/l1/etc/passwd"
  # a restart on the same rootfs gets the same range back and sees its files
  run run_in sh -c 'stat -c %u /etc/newfile; grep -c "^app:" /etc/passwd; cat /proc/self/uid_map'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 1 ]
  [ "$(echo "${lines[2]}" | awk '{print $2}')" = "$base" ]
}

@test "userns: a rootfs and a volume under directories others may not enter (as /var/lib/docker is 0710)" {
  chmod 0710 "$BUNDLE"
  mkdir -m 0700 "$BUNDLE/closed" && mkdir -m 0700 "$BUNDLE/closed/vol"
  echo inside-closed >"$BUNDLE/closed/vol/f"
  "$BULWARK" share "$BUNDLE/closed/vol" >/dev/null # the volume itself is the container's
  config_edit --arg v "$BUNDLE/closed/vol" '.mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind", "rw"]}]'
  mounts_before=$(wc -l </proc/self/mountinfo)
  run run_in sh -c 'cat /vol/f; id -u; ls / | grep -c .'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = inside-closed ]
  [ "${lines[1]}" = 0 ]
  # the host's directories keep their modes and nothing is left mounted
  [ "$(stat -c %a "$BUNDLE")" = 710 ]
  [ "$(stat -c %a "$BUNDLE/closed")" = 700 ]
  [ "$(wc -l </proc/self/mountinfo)" -eq "$mounts_before" ]
}

@test "userns: a restart on the same directory rootfs gets the same range" {
  start_bg first sleep 30
  a=$(range_of first)
  bw delete --force first
  [ -z "$(range_of first)" ]
  start_bg second sleep 30
  [ "$(range_of second)" = "$a" ]
}

@test "userns: ranges are freed when the container is deleted and its rootfs is gone" {
  start_bg gone sleep 30
  a=$(range_of gone)
  rootfs=$(realpath "$BUNDLE/rootfs")
  bw delete --force gone
  # the rootfs still exists: the range stays with it, held by no container
  [ "$(records_for "$rootfs")" = "$a" ]
  # remove it, and the next allocation reclaims the record
  mv "$BUNDLE/rootfs" "$BUNDLE/rootfs.old"
  cp -a "$BUNDLE/rootfs.old" "$BUNDLE/rootfs"
  rm -rf "$BUNDLE/rootfs.old"
  start_bg next sleep 30
  [ -z "$(records_for "$rootfs.old")" ]
  n=$(grep -l "\"rootfs\": \"$rootfs\"" "$STORE"/range-*.json | wc -l)
  [ "$n" -eq 1 ] # only the new container's record on the new rootfs directory
}

@test "userns: kill -9 of bulwark during create, then delete --force, leaks no range and no mount" {
  # a prestart hook kills bulwark create once the range, the maps and the
  # idmapped mounts are all in place
  cat >"$BUNDLE/killer.sh" <<'EOS'
#!/bin/sh
kill -9 "$PPID"
sleep 5
EOS
  chmod +x "$BUNDLE/killer.sh"
  config_edit --arg h "$BUNDLE/killer.sh" '.hooks.prestart = [{"path": $h}] | .process.args = ["sleep", "30"]'
  mounts_before=$(wc -l </proc/self/mountinfo)
  run bw create --bundle "$BUNDLE" victim
  [ "$status" -eq 137 ]
  base=$(range_of victim)
  [ -n "$base" ] # it was allocated
  bw delete --force victim
  [ -z "$(range_of victim)" ]
  # no process of the range survives, and no mount is left on the host
  for i in $(seq 50); do
    ps -eo uid= | tr -d ' ' | grep -qx "$base" || break
    sleep 0.1
  done
  ! ps -eo uid= | tr -d ' ' | grep -qx "$base"
  [ "$(wc -l </proc/self/mountinfo)" -eq "$mounts_before" ]
  ! grep -qF "$BUNDLE" /proc/self/mountinfo
  # with its rootfs gone too, the next allocation reclaims its record
  rootfs=$(realpath "$BUNDLE/rootfs")
  [ "$(records_for "$rootfs")" = "$base" ]
  make_rootfs "$BUNDLE/rootfs2"
  rm -rf "$BUNDLE/rootfs"
  config_edit 'del(.hooks) | .root.path = "rootfs2" | .process.args = ["true"]'
  bw run --bundle "$BUNDLE" after
  [ -z "$(records_for "$rootfs")" ]
}

@test "userns: explicit uidMappings and gidMappings are honoured as given (no automatic range)" {
  config_edit '.linux.uidMappings = [{"containerID": 0, "hostID": 3000000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 3000000, "size": 65536}]'
  chown -R 3000000:3000000 "$BUNDLE/rootfs"
  run run_in sh -c 'cat /proc/self/uid_map; stat -c %u /bin/busybox'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo "${lines[0]}" | awk '{print $2}')" = 3000000 ]
  [ "${lines[1]}" = 0 ]
  [ -z "$(range_of "t$$-$BATS_TEST_NUMBER")" ]
}

@test "userns: a filesystem that refuses idmapping fails with the mount named and the choices, never unmapped" {
  # /proc cannot be idmapped
  config_edit '.mounts += [{"destination": "/hostproc", "type": "bind", "source": "/proc/sys", "options": ["rbind", "ro"]}]'
  run run_in true
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"/hostproc"* ]]
  [[ $output == *"does not support idmapped mounts"* ]]
  [[ $output == *"policy"* ]]
  [[ $output == *"chown"* ]]
  [[ $output == *"org.bulwark.unmapped-mounts"* ]]
  [ -z "$(state_left)" ] # nothing left behind
}

@test "userns: a mount listed in org.bulwark.unmapped-mounts may stay unmapped, with a warning" {
  config_edit '.annotations["org.bulwark.unmapped-mounts"] = "/other,/hostproc"
    | .mounts += [{"destination": "/hostproc", "type": "bind", "source": "/proc/sys", "options": ["rbind", "ro"]}]'
  run run_in sh -c 'stat -c %u /hostproc/kernel/hostname; id -u'
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"stays unmapped"* ]]
  [[ $output == *65534* ]] # host root's files, seen unmapped
  [ "${lines[-1]}" = 0 ]
}

# The article's examples, attempted by container root under bulwark's defaults.

@test "article: mknod of a block device fails" {
  run run_in sh -c 'mknod /tmp/sda b 8 0 && echo CREATED'
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output != *CREATED* ]]
  [[ $output == *"Operation not permitted"* ]]
}

@test "article: container root cannot read another host user's chmod-600 file in a bind-mounted folder" {
  echo secret >"$VOL/private" && chown 1234:1234 "$VOL/private" && chmod 600 "$VOL/private"
  echo public >"$VOL/public"
  config_edit --arg v "$VOL" '.mounts += [{"destination": "/shared", "type": "bind", "source": $v, "options": ["rbind", "rw"]}]'
  run run_in sh -c 'cat /shared/public; cat /shared/private && echo LEAKED; chmod 644 /shared/private && echo CHMODDED; chown 0 /shared/private && echo CHOWNED'
  echo "$output"
  [ "${lines[0]}" = public ]
  [[ $output == *"Permission denied"* ]]
  [[ $output != *LEAKED* && $output != *secret* && $output != *CHMODDED* && $output != *CHOWNED* ]]
  [ "$(stat -c %u:%a "$VOL/private")" = 1234:600 ]
}

@test "article: a raw socket cannot be opened" {
  run run_in sh -c 'traceroute -n -m 1 127.0.0.1 2>&1; arping -c 1 -I lo 127.0.0.1 2>&1'
  echo "$output"
  [[ $output == *"traceroute: socket: Operation not permitted"* ]]
  [[ $output == *"arping: socket: Operation not permitted"* ]]
}

@test "article: root inside can still install files into the image's /etc" {
  run run_in sh -c 'echo installed > /etc/app.conf && cat /etc/app.conf'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = installed ]
  # the write lands in the rootfs's own upper layer under /var/lib/bulwark,
  # owned by the range; the bundle's directory is not written
  [ ! -e "$BUNDLE/rootfs/etc/app.conf" ]
  base=$(records_for "$BUNDLE/rootfs")
  up=$(ls -d /var/lib/bulwark/rootfs/*-"$(printf %x "$base")"/upper)
  [ "$(cat "$up/etc/app.conf")" = installed ]
  [ "$(stat -c %u:%g "$up/etc/app.conf")" = "$base:$base" ]
}

@test "userns: per-mount idmap options and mappings are honoured with explicit container mappings" {
  config_edit '.linux.uidMappings = [{"containerID": 0, "hostID": 3000000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 3000000, "size": 65536}]'
  chown -R 3000000:3000000 "$BUNDLE/rootfs"
  mkdir "$VOL"/{plain,mapped,own}
  for d in plain mapped own; do echo x >"$VOL/$d/f"; done
  config_edit --arg v "$VOL" '.mounts += [
    {"destination": "/plain", "type": "bind", "source": ($v + "/plain"), "options": ["rbind"]},
    {"destination": "/mapped", "type": "bind", "source": ($v + "/mapped"), "options": ["rbind", "idmap"]},
    {"destination": "/own", "type": "bind", "source": ($v + "/own"), "options": ["rbind", "ridmap"],
     "uidMappings": [{"containerID": 0, "hostID": 3001000, "size": 65536}],
     "gidMappings": [{"containerID": 0, "hostID": 3002000, "size": 65536}]}]'
  run run_in sh -c 'stat -c %u:%g /plain/f /mapped/f /own/f'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 65534:65534 ] # unmapped, as the config asked
  [ "${lines[1]}" = 0:0 ]         # the container's mappings
  [ "${lines[2]}" = 1000:2000 ]   # the mount's own mappings
}

@test "userns: one source asked for with two different mappings is refused, naming both mounts" {
  config_edit '.linux.uidMappings = [{"containerID": 0, "hostID": 3000000, "size": 65536}] | .linux.gidMappings = [{"containerID": 0, "hostID": 3000000, "size": 65536}]'
  mkdir "$VOL/sub"
  config_edit --arg v "$VOL" '.mounts += [
    {"destination": "/plain", "type": "bind", "source": $v, "options": ["rbind"]},
    {"destination": "/mapped", "type": "bind", "source": ($v + "/sub"), "options": ["rbind", "idmap"]}]'
  run run_in true
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"/plain and /mapped share source $VOL"* ]]
}

@test "userns: an idmap mount without a user namespace of the container's own is refused, saying why" {
  config_edit '.linux.namespaces |= map(select(.type != "user"))'
  config_edit --arg v "$VOL" '.mounts += [{"destination": "/m", "type": "bind", "source": $v, "options": ["rbind", "idmap"]}]'
  run run_in true
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"/m asks to be idmapped"* ]]
  [[ $output == *'{"type": "user"}'* ]]
}

@test "userns: not root, the caller's own subordinate ids (newuidmap) or the caller alone" {
  command -v newuidmap >/dev/null || skip "no newuidmap"
  # a user with ranges of its own (test_user.bash), removed in teardown
  RL_USER=bwrl-userns
  test_user_add "$RL_USER"
  user=$RL_USER uid=$TEST_USER_UID start=$TEST_USER_START
  chown -R "$user" "$BUNDLE" "$VOL"
  config_edit '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map"] | del(.linux.resources)'
  # The policy would add a pids limit this user cannot set (no cgroup of
  # its own) and say so; this test is about the mappings.
  run su "$user" -s /bin/sh -c "'$BULWARK' --root '$VOL/state' --policy-mode off run --bundle '$BUNDLE' rl"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "$(echo "${lines[1]}" | awk '{print $1, $2, $3}')" = "0 $uid 1" ]
  [ "$(echo "${lines[2]}" | awk '{print $1, $2}')" = "1 $start" ]
  [[ $output != *warning* ]]
}

@test "userns: nothing reaches the host when the directory others may not enter is a shared mount (Docker's data-root)" {
  # dockerd makes its data-root a shared mount; a clone of it covering the
  # way in is in the host's peer group until made a slave, so a view
  # attached on top of it would appear on the host (and stay there).
  local top
  top=$(mktemp -d /tmp/bulwark-test-shared.XXXXXX)
  mount --bind "$top" "$top"
  mount --make-shared "$top"
  chmod 0710 "$top"
  mkdir -m 0700 "$top/vol"
  echo in-shared >"$top/vol/f"
  "$BULWARK" share "$top/vol" >/dev/null
  config_edit --arg v "$top/vol" '.mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind", "rw"]}]'
  mounts_before=$(wc -l </proc/self/mountinfo)
  run run_in sh -c 'cat /vol/f; echo new >/vol/g'
  local leaked
  leaked=$(grep -c " $top/vol " /proc/self/mountinfo || true)
  local after
  after=$(wc -l </proc/self/mountinfo)
  local owner
  owner=$(stat -c %u "$top/vol/g" 2>/dev/null || echo none)
  umount -R "$top" 2>/dev/null; umount -l "$top/vol" 2>/dev/null || true
  rm -rf "$top"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = in-shared ]
  [ "$leaked" = 0 ]
  [ "$after" -eq "$mounts_before" ]
  [ "$owner" = "$(awk -F: '$1 == "bulwark" { print $2; exit }' /etc/subuid)" ]
}
