# shellcheck shell=bash
# Shared by the rootless attack reproductions: two ordinary users made for
# the script (the attacker, with /etc/subuid and /etc/subgid ranges, and a
# victim with its own; tests/integration/test_user.bash makes and removes
# them), removed on exit. Run the whole script under
# `flock /run/bw-subuid.lock` (the scripts re-exec themselves under it).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RL_ATK=bwatk-a$$
RL_VIC=bwatk-v$$

rl_setup() {
  # shellcheck disable=SC2034 # used by the scripts that source this file
  {
    test_user_add "$RL_ATK"; ATK_UID=$TEST_USER_UID; ATK_START=$TEST_USER_START
    test_user_add "$RL_VIC"; VIC_UID=$TEST_USER_UID; VIC_START=$TEST_USER_START
  }
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
  test_user_del "$RL_ATK"
  test_user_del "$RL_VIC"
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
