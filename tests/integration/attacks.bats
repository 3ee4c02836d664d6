#!/usr/bin/env bats
# What an attacker who writes the config tried against the resolved-source,
# volume-range and idmapped-rootfs defences, each now refused: a mount's own
# id mapping, root.path on a host tree, an overlay mount whose layers are
# host paths, explicit mappings onto bulwark's own ids. Every attack is run
# under the default policy (baseline, harden) and under restricted, and must
# leave nothing on the host; audit must say the same rule.

bats_require_minimum_version 1.5.0
load helpers

RESTRICTED="--profile restricted --policy-mode enforce"

setup() {
  setup_bundle
  VOL=$(mktemp -d /srv/bulwark-attack-vol.XXXXXX)
  chmod 755 "$VOL"
}

teardown() {
  teardown_bundle
  rm -rf "$VOL"
}

# refused RULE: create under the default policy and under restricted both
# refuse with RULE, and leave no state; audit reports RULE too.
refused() {
  local rule=$1 pol
  for pol in "" "$RESTRICTED"; do
    BW_POLICY=$pol run bw run --bundle "$BUNDLE" "atk$BATS_TEST_NUMBER"
    echo "${pol:-default}: $output"
    [ "$status" -ne 0 ]
    [[ $output == *"$rule "* ]]
    [ ! -e "$BW_ROOT/atk$BATS_TEST_NUMBER" ]
  done
  # audit reads a config without its host: a relative path through a
  # symlink is not resolved there (NO_AUDIT=1)
  [ -z "${NO_AUDIT:-}" ] || return 0
  run "$BULWARK" audit --profile restricted --format json "$BUNDLE"
  echo "audit: $output"
  jq -e --arg r "$rule" '[.targets[0].findings[] | select(.violation) | .rule] | index($r)' <<<"$output"
}

plant='cp /bin/busybox /vol/s && chmod 4755 /vol/s; ls -ln /vol'

@test "a bind's own uidMappings onto the container's automatic range is BW075; no setuid-root file lands" {
  # the range this rootfs gets (it gets it back next time)
  config_edit '.process.args = ["cat", "/proc/self/uid_map"]'
  BW_POLICY= run bw run --bundle "$BUNDLE" probe
  [ "$status" -eq 0 ]
  local r
  r=$(awk '{print $2}' <<<"$output")
  [ "$r" -gt 0 ]
  bw delete --force probe >/dev/null 2>&1 || true
  config_edit --argjson h "$r" --arg v "$VOL" --arg p "$plant" '.process.args = ["sh", "-c", $p]
    | .mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind", "rw"],
        "uidMappings": [{"containerID": 0, "hostID": $h, "size": 65536}],
        "gidMappings": [{"containerID": 0, "hostID": $h, "size": 65536}]}]'
  refused BW075
  [ ! -e "$VOL/s" ]
}

@test "the idmap option on a bind, with explicit container mappings, is BW075" {
  config_edit --arg v "$VOL" --arg p "$plant" '.process.args = ["sh", "-c", $p]
    | .linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 3000000000, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 3000000000, "size": 65536}]
    | .mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind", "rw", "idmap"]}]'
  refused BW075
  [ ! -e "$VOL/s" ]
}

@test "root.path on a host tree is BW073, read-only or writable, by any spelling" {
  local p
  for p in /etc /./etc /etc/ssl /usr /; do
    for ro in true false; do
      config_edit --arg p "$p" --argjson ro "$ro" '.root = {"path": $p, "readonly": $ro} | .process.args = ["true"]'
      refused BW073
    done
  done
  # a symlink in the bundle to /etc
  ln -s /etc "$BUNDLE/hostetc"
  config_edit '.root = {"path": "hostetc", "readonly": true}'
  NO_AUDIT=1 refused BW073
  # a host directory no list names (bulwark's own state, a folder under
  # /srv): resolved on the host, a rootfs outside its bundle that no
  # engine made is refused; audit, without the host, cannot tell
  for p in /var/lib/bulwark "$VOL"; do
    config_edit --arg p "$p" '.root = {"path": $p, "readonly": true}'
    NO_AUDIT=1 refused BW073
  done
  # a rootfs under the engines' state is not a host tree
  config_edit '.root = {"path": "rootfs", "readonly": true} | .process.args = ["true"]'
  BW_POLICY= run bw run --bundle "$BUNDLE" fine
  [ "$status" -eq 0 ]
}

@test "root.path holding an engine socket is BW070" {
  local dir=/run/bulwark-attack-$$
  mkdir -p "$dir/docker" "$dir/rootfs"
  # a directory above a known engine socket path on this host
  [ -e /run/docker.sock ] || [ -e /var/run/docker.sock ] || {
    config_edit '.root = {"path": "/run", "readonly": true}'
    refused BW070
    rmdir "$dir/docker" "$dir/rootfs" "$dir"
    return 0
  }
  config_edit '.root = {"path": "/run", "readonly": true}'
  refused BW070
  rmdir "$dir/docker" "$dir/rootfs" "$dir"
}

@test "an overlay mount in the config is BW077: its layers are host paths nobody judged" {
  mkdir -p "$VOL/lower" "$VOL/up" "$VOL/wk"
  config_edit --arg v "$VOL" --arg p "$plant" '.process.args = ["sh", "-c", $p]
    | .mounts += [{"destination": "/vol", "type": "overlay", "source": "overlay",
        "options": [("lowerdir=" + $v + "/lower"), ("upperdir=" + $v + "/up"), ("workdir=" + $v + "/wk")]}]'
  refused BW077
  [ -z "$(ls -A "$VOL/up")" ]
}

@test "explicit mappings onto bulwark's own subordinate ids are BW043 (its allocator hands them out)" {
  local start
  start=$(awk -F: '$1 == "bulwark" {print $2; exit}' /etc/subuid)
  [ -n "$start" ]
  config_edit --argjson h "$((start + 65536 * 7))" '.process.args = ["true"]
    | .linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": $h, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": $h, "size": 65536}]'
  refused BW043
  [[ $output == *"bulwark's subordinate ids"* ]]
}

@test "root.path swapped to /etc between the policy and the mount (a 10 s race) never gives the host's /etc" {
  # race/r flips between race/real (an image inside the bundle, accepted)
  # and /etc (refused as BW073 when the policy sees it); a create that is
  # judged on one and mounted on the other must be refused, never run.
  local R=$BUNDLE/race
  mkdir -p "$R/real/bin" "$R/real/etc"
  cp /bin/busybox "$R/real/bin/"
  ln -sfn real "$R/r"
  config_edit --arg b "$BUNDLE/rootfs/bin" '.root = {"path": "race/r/", "readonly": false}
     | .process.args = ["/bin/busybox", "head", "-c", "5", "/shadow"]'
  ( while :; do ln -sfn real "$R/t1"; mv -T "$R/t1" "$R/r"; ln -sfn /etc "$R/t2"; mv -T "$R/t2" "$R/r"; done ) 3>&- &
  # 10 s, longer (up to 60 s) until one create ran: a slow build (the
  # sanitizers) gets too few tries in 10 s to mean anything
  local sw=$! end=$((SECONDS + 10)) n=0 won=0 ran=0 out
  while ((SECONDS < end || (ran == 0 && SECONDS < end + 50))); do
    n=$((n + 1))
    out=$(BW_POLICY= bw run --bundle "$BUNDLE" race$n 2>&1) || true
    case $out in
      root:*) won=$((won + 1)) ;;
      *"/shadow"*"No such file"*) ran=$((ran + 1)) ;;
    esac
    BW_POLICY= bw delete --force race$n >/dev/null 2>&1 || true
  done
  kill $sw; wait $sw 2>/dev/null || true
  echo "tries=$n ran=$ran won=$won"
  [ "$won" -eq 0 ]
  [ "$ran" -gt 0 ]
}

@test "a bind source swapped to /etc between the policy and the mount (a 10 s race): the mount is always the judged object" {
  # $VOL/src is renamed in a loop between a harmless directory (a marker
  # file, accepted) and a symlink to /etc (BW071 under restricted). The
  # source is opened once and its mount cloned from that fd, so a create
  # either is refused by the policy (it saw /etc), or fails to find the
  # source (caught mid-rename), or runs with the harmless directory: never
  # /etc, and never a "changed after the policy judged it" (a second open).
  mkdir "$VOL/safe"
  echo "judged-$$" >"$VOL/safe/marker"
  ln -s /etc "$VOL/evil"
  config_edit --arg v "$VOL/src" '.process.args = ["/bin/sh", "-c", "cat /mnt/marker; ls /mnt/passwd 2>/dev/null || true"]
    | .mounts += [{"destination": "/mnt", "type": "bind", "source": $v, "options": ["rbind", "rw"]}]'
  ( while :; do mv -T "$VOL/safe" "$VOL/src"; mv -T "$VOL/src" "$VOL/safe"
      mv -T "$VOL/evil" "$VOL/src"; mv -T "$VOL/src" "$VOL/evil"; done ) 2>/dev/null 3>&- &
  # 10 s, longer (up to 60 s) until both outcomes were seen (see above)
  local sw=$! end=$((SECONDS + 10)) n=0 ran=0 judged=0 missing=0 other=0 out
  while ((SECONDS < end || ((ran == 0 || judged == 0) && SECONDS < end + 50))); do
    n=$((n + 1))
    out=$(BW_POLICY="--profile restricted" bw run --bundle "$BUNDLE" swap$n 2>&1) || true
    if [[ $out == "judged-$$" ]]; then ran=$((ran + 1))
    elif [[ $out == *"BW071 "* ]]; then judged=$((judged + 1))
    elif [[ $out == *"/src"*"No such file or directory"* ]]; then missing=$((missing + 1))
    else other=$((other + 1)); echo "try $n: ${out:0:300}"
    fi
    BW_POLICY= bw delete --force swap$n >/dev/null 2>&1 || true
  done
  kill $sw; wait $sw 2>/dev/null || true
  echo "tries=$n ran=$ran refused=$judged missing=$missing other=$other"
  [ "$other" -eq 0 ]
  [ "$ran" -gt 0 ]
  [ "$judged" -gt 0 ]
}

@test "no bind source fd reaches the container, --preserve-fds included" {
  # The runtime holds an O_PATH fd and a cloned mount per bind source; with
  # --preserve-fds 8 and nothing passed, a leaked one would sit at 3..10.
  mkdir "$VOL/a" "$VOL/b"
  config_edit --arg a "$VOL/a" --arg b "$VOL/b" '.process.args = ["ls", "/proc/self/fd"]
    | .mounts += [{"destination": "/a", "type": "bind", "source": $a, "options": ["rbind", "ro"]},
                  {"destination": "/b", "type": "bind", "source": $b, "options": ["rbind"]}]'
  for pol in "" "--profile restricted"; do
    BW_POLICY=$pol run bw run --preserve-fds 8 --bundle "$BUNDLE" fds 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- 10>&-
    echo "${pol:-default}: $output"
    [ "$status" -eq 0 ]
    # ls's own directory fd is 3
    [ "$(echo $output)" = "0 1 2 3" ]
    BW_POLICY= bw delete --force fds >/dev/null 2>&1 || true
  done
}
