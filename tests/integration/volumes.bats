#!/usr/bin/env bats
# Container root is never host root through a volume: bind mounts of a
# container with an automatic range are idmapped from bulwark's volume
# range V (on-disk V+n is container id n), so what a container writes lands
# as V+n, host ids are nobody inside, and a host folder is the container's
# only after `bulwark share`. Each test runs under --profile restricted and
# under the default profile (baseline, which keeps CHOWN, DAC_OVERRIDE,
# FOWNER as Docker gives them).

load helpers

PROFILES=("--profile restricted" "")

setup_file() {
  [ "$(id -u)" = 0 ] || return 0
  "$BULWARK" setup >/dev/null
  export FCAP_BIN
  FCAP_BIN=$(mktemp /tmp/bulwark-test-fcap.XXXXXX)
  gcc -static -O1 -o "$FCAP_BIN" "$BATS_TEST_DIRNAME/helpers/fcap.c"
}

teardown_file() {
  rm -f "${FCAP_BIN:-}"
}

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root"
  setup_bundle
  rm -f "$BUNDLE/config.json"
  "$BULWARK" spec --bundle "$BUNDLE" >/dev/null
  # what Docker gives: baseline keeps CHOWN, DAC_OVERRIDE, FOWNER; restricted drops them
  config_edit '.process.terminal = false | .root.readonly = false |
    .process.capabilities |= with_entries(if (.key | IN("bounding", "effective", "permitted"))
      then .value += ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_SETFCAP"] else . end)'
  install -m 755 "$FCAP_BIN" "$BUNDLE/rootfs/bin/fcap"
  VOL=$(mktemp -d /tmp/bulwark-test-vol.XXXXXX)
  chmod 755 "$VOL"
  V=$(awk -F: '$1 == "bulwark" { print $2; exit }' /etc/subuid)
  VG=$(awk -F: '$1 == "bulwark" { print $2; exit }' /etc/subgid)
}

teardown() {
  [ "$(id -u)" = 0 ] || return 0
  teardown_bundle
  rm -rf "$VOL"
}

bind() { # SRC DST [ro]
  config_edit --arg s "$1" --arg d "$2" --arg m "${3:-rw}" \
    '.mounts += [{"destination": $d, "type": "bind", "source": $s, "options": ["rbind", $m]}]'
}

# run_in under profile $1 (the rest: the process), the container's stderr
# on stdout, without bulwark's own warnings (other containers on this
# machine may be reported on)
run_as() {
  local prof=$1 st=0; shift
  BW_POLICY=$prof run_in "$@" >"$BUNDLE/run.out" 2>&1 || st=$?
  grep -v '^bulwark: \(warning\|info\):' "$BUNDLE/run.out" || true
  return "$st"
}

@test "volumes: the setuid plant through a rw bind of a root-owned 0755 folder fails and leaves nothing" {
  bind "$VOL" /vol
  for prof in "${PROFILES[@]}"; do
    run run_as "$prof" sh -c 'id -u; cp /bin/busybox /vol/s && chmod 4755 /vol/s && echo PLANTED; touch /vol/t && echo TOUCHED'
    echo "[$prof] $output"
    [ "${lines[0]}" = 0 ]
    [[ $output == *"Permission denied"* ]]
    [[ $output != *PLANTED* && $output != *TOUCHED* ]]
    [ -z "$(ls -A "$VOL")" ]
  done
}

@test "volumes: a 1777 folder of host root is not writable either (the kernel refuses writes to unmapped owners)" {
  chmod 1777 "$VOL"
  bind "$VOL" /vol
  for prof in "${PROFILES[@]}"; do
    run run_as "$prof" sh -c 'stat -c "%u:%g %a" /vol; cp /bin/busybox /vol/s && chmod 4755 /vol/s && echo PLANTED; mkdir /vol/d && echo MADE'
    echo "[$prof] $output"
    [ "${lines[0]}" = "65534:65534 1777" ]
    [[ $output == *"Permission denied"* ]]
    [[ $output != *PLANTED* && $output != *MADE* ]]
    [ -z "$(ls -A "$VOL")" ]
  done
}

@test "volumes: in a shared 1777 folder the planted setuid file belongs to the volume range, not to host root" {
  chmod 1777 "$VOL"
  "$BULWARK" share "$VOL" >/dev/null
  bind "$VOL" /vol
  for prof in "${PROFILES[@]}"; do
    rm -f "$VOL/s"
    run run_as "$prof" sh -c 'cp /bin/busybox /vol/s && chmod 4755 /vol/s && stat -c "%u:%g %a" /vol/s'
    echo "[$prof] $output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "0:0 4755" ]
    # on the host: setuid, but to V, an id no host user and no container root has
    [ "$(stat -c %u:%g:%a "$VOL/s")" = "$V:$VG:4755" ]
  done
}

@test "volumes: a file capability, a chown to a host user or to group disk, then g+s: none takes effect on the host" {
  chmod 1777 "$VOL"
  "$BULWARK" share "$VOL" >/dev/null
  bind "$VOL" /vol
  for prof in "${PROFILES[@]}"; do
    rm -f "$VOL/f"
    run run_as "$prof" sh -c 'cp /bin/busybox /vol/f; fcap /vol/f; chown 1000:6 /vol/f; chmod g+s /vol/f; stat -c "%u:%g" /vol/f'
    echo "[$prof] $output"
    # what is on disk: never host uid 1000 or gid 6 or 0, only ids of the range
    read -r u g < <(stat -c '%u %g' "$VOL/f")
    (( u >= V && u < V + 65536 )) && (( g >= VG && g < VG + 65536 ))
    [ "$u" != 1000 ] && [ "$g" != 6 ]
    if [ -n "$prof" ]; then
      [[ $output == *"Operation not permitted"* ]] # no CHOWN under restricted
      [ "$u:$g" = "$V:$VG" ]
    else
      [ "$u:$g" = "$((V + 1000)):$((VG + 6))" ] # container 1000:6 is V+1000:VG+6
    fi
    # a capability, if stored, is a v3 one rooted at V: no host process is root of that
    cap=$(python3 -c 'import os,sys
try: print(os.getxattr(sys.argv[1], "security.capability").hex())
except OSError: print("none")' "$VOL/f")
    echo "stored capability: $cap"
    if [ "$cap" != none ]; then
      [ "${cap:6:2}" = 03 ] # VFS_CAP_REVISION_3 (magic_etc, little-endian): it carries a root id
      rootid=$(python3 -c 'import sys; print(int.from_bytes(bytes.fromhex(sys.argv[1])[20:24], "little"))' "$cap")
      [ "$rootid" = "$V" ]
    fi
  done
}

@test "volumes: a 0600 file of another host user in the mounted folder cannot be read, re-owned or re-moded" {
  echo secret >"$VOL/private" && chown 1234:1234 "$VOL/private" && chmod 600 "$VOL/private"
  echo public >"$VOL/public"
  bind "$VOL" /vol
  for prof in "${PROFILES[@]}"; do
    run run_as "$prof" sh -c 'cat /vol/public; cat /vol/private && echo LEAKED; chmod 644 /vol/private && echo CHMODDED; chown 0 /vol/private && echo CHOWNED; stat -c %u /vol/private /vol/public'
    echo "[$prof] $output"
    [ "${lines[0]}" = public ]
    [[ $output == *"Permission denied"* ]]
    [[ $output != *LEAKED* && $output != *secret* && $output != *CHMODDED* && $output != *CHOWNED* ]]
    # host ids are nobody inside
    [[ $output == *$'65534\n65534'* ]]
    [ "$(stat -c %u:%a "$VOL/private")" = 1234:600 ]
  done
}

@test "volumes: bulwark share DIR, then container root writes there and the file lands as V" {
  echo old >"$VOL/old" && chown 1000:1000 "$VOL/old"
  run "$BULWARK" share "$VOL"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"shared $VOL: 2 of 2 entries re-owned into the volume range (uids $V-$((V + 65535))"* ]]
  [ "$(stat -c %u:%g "$VOL")" = "$V:$VG" ]
  [ "$(stat -c %u:%g "$VOL/old")" = "$((V + 1000)):$((VG + 1000))" ]
  bind "$VOL" /vol
  for prof in "${PROFILES[@]}"; do
    rm -rf "$VOL/new" "$VOL/dir"
    run run_as "$prof" sh -c 'stat -c %u:%g /vol /vol/old; echo made > /vol/new && mkdir /vol/dir && echo WROTE'
    echo "[$prof] $output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0:0 ]
    [ "${lines[1]}" = 1000:1000 ]
    [ "${lines[2]}" = WROTE ]
    [ "$(stat -c %u:%g "$VOL/new")" = "$V:$VG" ]
    [ "$(stat -c %u:%g "$VOL/dir")" = "$V:$VG" ]
  done
}

@test "volumes: share refuses host trees and engine state, and leaves them as they were" {
  run "$BULWARK" share /etc
  [ "$status" -ne 0 ]
  [[ $output == *"/etc is or holds /etc"* ]]
  run "$BULWARK" share /var
  [ "$status" -ne 0 ]
  [[ $output == *"/var is or holds /var/"* ]]
  [ "$(stat -c %u /etc)" = 0 ]
}

@test "volumes: two containers with different ranges see a shared folder with the same owners" {
  "$BULWARK" share "$VOL" >/dev/null
  bind "$VOL" /vol
  for prof in "${PROFILES[@]}"; do
    rm -f "$VOL/a" "$VOL/ready"
    config_edit '.process.args = ["sh", "-c", "echo from-a > /vol/a; touch /vol/ready; sleep 30"]'
    BW_POLICY=$prof bw create --bundle "$BUNDLE" "ca$$" </dev/null >/dev/null 2>&1
    BW_POLICY=$prof bw start "ca$$"
    for i in $(seq 50); do [ -e "$VOL/ready" ] && break; sleep 0.1; done
    run run_as "$prof" sh -c 'stat -c %u:%g /vol/a; cat /vol/a; echo from-b >> /vol/a && echo APPENDED; cat /proc/self/uid_map'
    echo "[$prof] $output"
    map_a=$(cat /proc/"$(bw state "ca$$" | jq .pid)"/uid_map)
    bw delete --force "ca$$"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 0:0 ]
    [ "${lines[1]}" = from-a ]
    [ "${lines[2]}" = APPENDED ]
    # different ranges
    [ "$(echo "${lines[3]}" | awk '{print $2}')" != "$(echo "$map_a" | awk '{print $2}')" ]
    [ "$(stat -c %u:%g "$VOL/a")" = "$V:$VG" ]
    [ "$(cat "$VOL/a")" = $'from-a\nfrom-b' ]
  done
}

@test "volumes: a read-only bind of a world-readable folder is readable, not writable" {
  echo site >"$VOL/index.html"
  bind "$VOL" /site ro
  for prof in "${PROFILES[@]}"; do
    run run_as "$prof" sh -c 'cat /site/index.html; echo x > /site/index.html && echo WROTE'
    echo "[$prof] $output"
    [ "${lines[0]}" = site ]
    [[ $output != *WROTE* ]]
    [ "$(cat "$VOL/index.html")" = site ]
  done
}

@test "volumes: an engine-made named volume (.../volumes/NAME/_data) is shifted into V once; a user's look-alike is not" {
  local eng
  eng=$(mktemp -d /tmp/bulwark-test-engine.XXXXXX) # root-owned, 0700, in sticky /tmp
  mkdir -p "$eng/volumes/data/_data/sub"
  echo img >"$eng/volumes/data/_data/sub/f" && chown 999:999 "$eng/volumes/data/_data/sub/f"
  # a look-alike inside a host user's directory
  local usr
  usr=$(mktemp -d /tmp/bulwark-test-user.XXXXXX) && chown 1000:1000 "$usr"
  mkdir -p "$usr/volumes/x/_data" && echo mine >"$usr/volumes/x/_data/f"
  bind "$eng/volumes/data/_data" /data
  bind "$usr/volumes/x/_data" /look
  run run_as "${PROFILES[0]}" sh -c 'stat -c %u:%g /data /data/sub/f /look/f; echo w > /data/w && echo WROTE; echo x > /look/n && echo LOOKWROTE'
  echo "$output"
  local st_data st_f st_w st_look xattr
  st_data=$(stat -c %u:%g "$eng/volumes/data/_data"); st_f=$(stat -c %u:%g "$eng/volumes/data/_data/sub/f")
  st_w=$(stat -c %u:%g "$eng/volumes/data/_data/w" 2>/dev/null || echo none); st_look=$(stat -c %u "$usr/volumes/x/_data/f")
  xattr=$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.bulwark.shifted").decode())' "$eng/volumes/data/_data" 2>&1 || true)
  rm -rf "$eng" "$usr"
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 999:999 ]
  [ "${lines[2]}" = 65534:65534 ]
  [ "${lines[3]}" = WROTE ]
  [[ $output != *LOOKWROTE* ]]
  [ "$st_data" = "$V:$VG" ]
  [ "$st_f" = "$((V + 999)):$((VG + 999))" ]
  [ "$st_w" = "$V:$VG" ]
  [ "$st_look" = 0 ]
  [ "$xattr" = "$V:$VG:65536" ]
}

@test "volumes: create --debug says why container root cannot write an operator's folder and how to share it" {
  bind "$VOL" /vol
  config_edit '.process.args = ["true"]'
  bw --debug --log "$BUNDLE/debug.log" create --bundle "$BUNDLE" "vdbg$$" </dev/null >/dev/null 2>&1
  bw delete --force "vdbg$$"
  cat "$BUNDLE/debug.log"
  grep -q "bind /vol: $VOL belongs to host uid 0, outside bulwark's ranges: container root sees it as nobody's and cannot write it; to let containers write it, run \`bulwark share $VOL\`" "$BUNDLE/debug.log"
}

@test "volumes: identity mapping only through the policy file (BW074): reported by audit, and writes land as before" {
  bind "$VOL" /vol
  echo '{"identityMappedVolumes": ["'"$VOL"'"]}' >"$BUNDLE/policy.json"
  # a config cannot ask for it: the same container without the policy file
  run run_as "" sh -c 'echo x > /vol/f && echo WROTE'
  [[ $output != *WROTE* ]]
  run run_as "--policy $BUNDLE/policy.json" sh -c 'echo x > /vol/f && echo WROTE'
  echo "$output"
  [[ $output == *WROTE* ]]
  [ "$(stat -c %u "$VOL/f")" = 0 ]
  run "$BULWARK" --policy "$BUNDLE/policy.json" audit "$BUNDLE/config.json"
  echo "$output"
  [[ $output == *BW074* && $output == *"$VOL mounted at /vol is identity-mapped"* ]]
  run "$BULWARK" audit "$BUNDLE/config.json"
  [[ $output != *BW074* ]]
}

@test "volumes: engine-made files and subpaths are shifted from the judged source up (hosts file, dir and file below _data); another container's are not" {
  local eng cid="t$$-$BATS_TEST_NUMBER" # the id run_in gives the container
  eng=$(mktemp -d /tmp/bulwark-test-engine.XXXXXX) # root-owned, 0700, in sticky /tmp
  mkdir -p "$eng/containers/$cid" "$eng/containers/other" "$eng/volumes/a/_data/sub" "$eng/volumes/b/_data/d"
  echo "127.0.0.1 localhost" >"$eng/containers/$cid/hosts"
  echo "another container's" >"$eng/containers/other/hosts"
  echo top >"$eng/volumes/a/_data/top" && chown 7:7 "$eng/volumes/a/_data/top"
  echo in >"$eng/volumes/b/_data/d/f" && echo other >"$eng/volumes/b/_data/o"
  bind "$eng/containers/$cid/hosts" /etc/hosts
  bind "$eng/volumes/a/_data/sub" /sub
  bind "$eng/volumes/b/_data/d/f" /f
  bind "$eng/containers/other/hosts" /other
  run run_as "${PROFILES[0]}" sh -c 'stat -c %u:%g /etc/hosts /sub /f; echo w >/sub/w && echo WROTE; stat -c %u:%g /other'
  echo "$output"
  local st_hosts st_top st_a st_b st_o st_cdir st_other
  st_hosts=$(stat -c %u:%g "$eng/containers/$cid/hosts"); st_cdir=$(stat -c %u "$eng/containers/$cid")
  st_other=$(stat -c %u:%g "$eng/containers/other/hosts")
  st_a=$(stat -c %u:%g "$eng/volumes/a/_data"); st_top=$(stat -c %u:%g "$eng/volumes/a/_data/top")
  st_b=$(stat -c %u "$eng/volumes/b/_data"); st_o=$(stat -c %u "$eng/volumes/b/_data/o")
  rm -rf "$eng"
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 0:0 ]
  [ "${lines[2]}" = 0:0 ]
  [ "${lines[3]}" = WROTE ]
  [ "$st_hosts" = "$V:$VG" ]
  [ "$st_cdir" = 0 ]                                # only the file, not its directory
  [ "$st_a" = "$V:$VG" ]                            # the whole volume, from the subpath up
  [ "$st_top" = "$((V + 7)):$((VG + 7))" ]
  [ "$st_b" = "$V" ]
  [ "$st_o" = "$V" ]
  [ "${lines[4]}" = 65534:65534 ]                   # another container's file: host root's, nobody's inside
  [ "$st_other" = 0:0 ]
}
