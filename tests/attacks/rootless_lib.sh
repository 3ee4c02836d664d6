# shellcheck shell=bash
# Shared by the rootless attack reproductions: two ordinary users made for
# the script (the attacker, with /etc/subuid and /etc/subgid ranges, and a
# victim with its own), removed on exit. Run the whole script under
# `flock /run/bw-subuid.lock` (the scripts re-exec themselves under it).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RL_ATK=bwatk-a$$
RL_VIC=bwatk-v$$

rl_free_start() {
  cat /etc/subuid /etc/subgid 2>/dev/null |
    awk -F: 'NF == 3 && $2 + $3 > m {m = $2 + $3} END {print (m < 100000 ? 100000 : m)}'
}

rl_remove_user() {
  local user=$1 uid pid
  uid=$(id -u "$user" 2>/dev/null) || uid=
  if [ -n "$uid" ]; then
    for pid in $(pgrep -u "$uid" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    userdel "$user" 2>/dev/null || true
    rm -rf "/run/user/$uid"
  fi
  sed -i "/^$user:/d" /etc/subuid /etc/subgid
}

rl_setup() {
  local u start
  for u in "$RL_ATK" "$RL_VIC"; do
    useradd --no-create-home --shell /bin/sh "$u"
    sed -i "/^$u:/d" /etc/subuid /etc/subgid
    start=$(rl_free_start)
    echo "$u:$start:65536" >>/etc/subuid
    echo "$u:$start:65536" >>/etc/subgid
    local uid; uid=$(id -u "$u")
    mkdir -p "/run/user/$uid"; chown "$u:$u" "/run/user/$uid"; chmod 700 "/run/user/$uid"
  done
  # shellcheck disable=SC2034 # used by the scripts that source this file
  ATK_UID=$(id -u "$RL_ATK"); VIC_UID=$(id -u "$RL_VIC")
  ATK_START=$(awk -F: -v u="$RL_ATK" '$1 == u {print $2}' /etc/subuid)
  VIC_START=$(awk -F: -v u="$RL_VIC" '$1 == u {print $2}' /etc/subuid)
  RLB=$(mktemp -d /tmp/bulwark-rl-bundle.XXXXXX)
  chmod 755 "$RLB"
  make_rootfs "$RLB/rootfs"
  cp "$BULWARK" "$RLB/bulwark"; chmod 755 "$RLB/bulwark"
  chown "$RL_ATK" "$RLB"
  as_user "$RL_ATK" "$RLB/bulwark" spec --rootless --bundle "$RLB"
  chmod -R a+rX "$RLB"
}

rl_teardown() {
  local id
  for id in $(as_user "$RL_ATK" "$RLB/bulwark" list -q 2>/dev/null); do
    as_user "$RL_ATK" "$RLB/bulwark" delete --force "$id" >/dev/null 2>&1 || true
  done
  rl_remove_user "$RL_ATK"
  rl_remove_user "$RL_VIC"
  rm -rf "$RLB"
}

# as_user USER cmd...: run as USER with a login session's environment
as_user() {
  local user=$1; shift
  (cd "$RLB" && setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ USER="$user" XDG_RUNTIME_DIR="/run/user/$(id -u "$user")" "$@")
}

rl_edit() {
  local f=$RLB/config.json
  jq "$@" "$f" >"$f.new" && cat "$f.new" >"$f" && rm -f "$f.new"
}
