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
  line_u=$(head -1 <<<"$line_u")
  line_g=$(head -1 <<<"$line_g")
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

# setup --ids N on a host that has fewer: a second line for the difference,
# the first (the volume range's) untouched. Run on a private overlay of /etc
# (usermod replaces the files by rename), so the host keeps its own.
@test "setup: --ids larger than what the user has adds a second range and keeps the volume range" {
  [ "$(id -u)" = 0 ] || skip "needs root"
  "$BULWARK" setup >/dev/null
  d=$(mktemp -d)
  mkdir "$d/u" "$d/w"
  run unshare -m bash -c '
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/u,workdir=$1/w" /etc || exit 9
    first_u=$(grep "^bulwark:" /etc/subuid | head -1)
    first_g=$(grep "^bulwark:" /etc/subgid | head -1)
    vol=$("$2" setup | grep "^volume range")
    have=$(awk -F: "\$1 == \"bulwark\" { n += \$3 } END { print n }" /etc/subuid)
    want=$((have + 3 * 65536 + 100))
    "$2" setup --ids "$want" || exit 1
    # whole slots: the difference rounded up
    [ "$(awk -F: "\$1 == \"bulwark\" { n += \$3 } END { print n }" /etc/subuid)" -eq $((have + 4 * 65536)) ] || exit 2
    [ "$(awk -F: "\$1 == \"bulwark\" { n += \$3 } END { print n }" /etc/subgid)" -eq $((have + 4 * 65536)) ] || exit 3
    [ "$(grep "^bulwark:" /etc/subuid | head -1)" = "$first_u" ] || exit 4
    [ "$(grep "^bulwark:" /etc/subgid | head -1)" = "$first_g" ] || exit 5
    [ "$("$2" setup --ids "$want" | grep "^volume range")" = "$vol" ] || exit 6
    # again: nothing more to add
    before=$(md5sum /etc/subuid /etc/subgid)
    "$2" setup --ids "$want" | grep -q "already has subordinate uids" || exit 7
    [ "$(md5sum /etc/subuid /etc/subgid)" = "$before" ] || exit 8
    # the new line overlaps no other line
    for f in /etc/subuid /etc/subgid; do
      awk -F: "NF == 3 && \$1 !~ /^#/ { print \$2, \$2 + \$3 }" "$f" | sort -n |
        awk "NR > 1 && \$1 < end { bad = 1 } { if (\$2 > end) end = \$2 } END { exit bad }" || exit 10
    done
  ' _ "$d" "$BULWARK"
  rm -rf "$d"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "setup: --ids below the volume range and one container is refused" {
  run "$BULWARK" setup --ids 1000
  [ "$status" -eq 2 ]
  [[ $output == *"--ids 1000"* ]]
}
