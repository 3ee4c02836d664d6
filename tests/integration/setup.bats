#!/usr/bin/env bats
# bulwark setup: the bulwark user and its subordinate ids, idempotently.

@test "setup: creates or finds the bulwark user and a range in both files" {
  [ "$(id -u)" = 0 ] || skip "needs root"
  run "$BULWARK" setup
  [ "$status" -eq 0 ]
  getent passwd bulwark
  [ "$(getent passwd bulwark | cut -d: -f7)" = /usr/sbin/nologin ]
  line_u=$(grep '^bulwark:' /etc/subuid)
  line_g=$(grep '^bulwark:' /etc/subgid)
  [ "$(echo "$line_u" | wc -l)" -eq 1 ]
  [ "$(echo "$line_g" | wc -l)" -eq 1 ]
  [ "$(echo "$line_u" | cut -d: -f3)" -ge 131072 ]
  [ "$(echo "$line_g" | cut -d: -f3)" -ge 131072 ]
}

@test "setup: names the volume range, the first 65,536 ids of the bulwark range" {
  [ "$(id -u)" = 0 ] || skip "needs root"
  run "$BULWARK" setup
  [ "$status" -eq 0 ]
  su=$(awk -F: '$1 == "bulwark" { print $2; exit }' /etc/subuid)
  sg=$(awk -F: '$1 == "bulwark" { print $2; exit }' /etc/subgid)
  [[ $output == *"volume range: uids $su-$((su + 65535)), gids $sg-$((sg + 65535))"* ]]
}

@test "setup: a second run changes nothing and says so" {
  [ "$(id -u)" = 0 ] || skip "needs root"
  "$BULWARK" setup
  before=$(md5sum /etc/subuid /etc/subgid /etc/passwd)
  run "$BULWARK" setup
  [ "$status" -eq 0 ]
  [[ $output == *"exists"* ]]
  [[ $output == *"already has subordinate uids"* ]]
  [[ $output == *"already has subordinate gids"* ]]
  [ "$(md5sum /etc/subuid /etc/subgid /etc/passwd)" = "$before" ]
}

@test "setup: the bulwark range overlaps no other line of /etc/subuid or /etc/subgid" {
  [ "$(id -u)" = 0 ] || skip "needs root"
  "$BULWARK" setup
  for f in /etc/subuid /etc/subgid; do
    read -r s c < <(awk -F: '$1 == "bulwark" { print $2, $3 }' "$f")
    while IFS=: read -r who start count; do
      [[ -z $who || $who == \#* || $who == bulwark ]] && continue
      (( start + count <= s || s + c <= start )) || { echo "$f: $who:$start:$count overlaps bulwark:$s:$c"; false; }
    done <"$f"
  done
}

@test "setup: refuses without root, saying why" {
  command -v setpriv >/dev/null || skip "no setpriv"
  run setpriv --reuid=65534 --regid=65534 --clear-groups "$BULWARK" setup
  [ "$status" -eq 1 ]
  [[ $output == *"run it as root"* ]]
}
