# shellcheck shell=bash
# shellcheck disable=SC2034 # TEST_USER_* are the callers' to read
# A test user made for a suite or a script and removed again, with
# /etc/subuid and /etc/subgid ranges and a runtime directory as a login
# session has: the rootless suites (tests/integration/rootless.bats,
# rootless_cgroup.bats, tests/e2e/podman_rootless.bats) and the rootless
# attack scripts (tests/attacks/rootless_lib.sh) use it. Each caller names
# its own users (bwrl-*, bwatk-*), so two callers never share one.
#
# Locking: every edit of /etc/subuid and /etc/subgid here must be made under
# `flock /run/bw-subuid.lock`, which these functions do not take: the
# caller already holds it (the suites are run wrapped in
# `flock /run/bw-subuid.lock bats ...`, the attack scripts re-exec
# themselves under it), and a second flock of that file from here would
# wait forever for the lock the caller holds.
#
#   test_user_add [--home] [--no-subids] [--also-range START:COUNT]... [--manager] USER
#     Removes a USER left by an earlier run (test_user_del with the same
#     --home and --manager), then makes USER: useradd, shell /bin/sh, a
#     home in /home/USER with --home (none without), no subordinate ids from
#     useradd (it would rewrite both files sorted, and a user's first range
#     is the one bulwark maps). Then a line USER:START:65536 is appended to
#     /etc/subuid and /etc/subgid, START the first id past every range there
#     (test_user_free_start), or none with --no-subids; each --also-range
#     START:COUNT appends a further line to both, after it. /run/user/UID is
#     made, the user's, mode 0700, as systemd-logind makes it for a
#     session; with --manager it is not: the user's systemd manager is
#     started instead (linger, or user@UID.service), which makes it, and is
#     waited for (30 s at most).
#     Sets TEST_USER_UID, TEST_USER_GID, TEST_USER_START (the range's first
#     id, empty with --no-subids) and TEST_USER_WHY: empty, or why the
#     manager is not running (--manager only; the call still returns 0, so
#     that under errexit every other failure stops the caller: see
#     rootless_cgroup.bats).
#   test_user_del [--home] [--manager] USER
#     Removes USER and whatever test_user_add made for it: its lines of
#     /etc/subuid and /etc/subgid (first, so that userdel has none to
#     remove and does not rewrite the files), with --manager its linger and
#     user@UID.service, every process of the user (killed by pid), the user
#     (userdel; with --home, userdel -r: its home too), /run/user/UID
#     (without --manager; with it, the drop-in test_user_add may have
#     written for user@UID.service). For a USER that does not exist only
#     the lines go. Safe to call whatever state a failed run left.

# The first id past every range already in /etc/subuid and /etc/subgid
# (100000 at least).
test_user_free_start() {
  cat /etc/subuid /etc/subgid 2>/dev/null |
    awk -F: 'NF == 3 && $2 + $3 > m {m = $2 + $3} END {print (m < 100000 ? 100000 : m)}'
}

test_user_del() {
  local home='' manager='' user uid pid pids
  while [[ ${1-} == --* ]]; do
    case $1 in
      --home) home=1 ;;
      --manager) manager=1 ;;
      *) echo "test_user_del: unknown option $1" >&2; return 2 ;;
    esac
    shift
  done
  user=$1
  # the user's lines first, so that userdel finds none to remove: it would
  # rewrite the files sorted (see test_user_add)
  sed -i "/^$user:/d" /etc/subuid /etc/subgid
  uid=$(id -u "$user" 2>/dev/null) || uid=
  if [ -n "$uid" ]; then
    if [ -n "$manager" ]; then
      loginctl disable-linger "$user" 2>/dev/null || true
      systemctl stop "user@$uid.service" 2>/dev/null || true
    fi
    # every process left of the test user, by pid (a create killed half-way
    # may leave its hook)
    pids=$(pgrep -u "$uid" 2>/dev/null || true)
    for pid in $pids; do kill -9 "$pid" 2>/dev/null || true; done
    if [ -n "$home" ]; then
      userdel -r "$user" 2>/dev/null || true
    else
      userdel "$user" 2>/dev/null || true
    fi
    if [ -n "$manager" ]; then
      if [ -d "/run/systemd/system/user@$uid.service.d" ]; then
        rm -rf "/run/systemd/system/user@$uid.service.d"
        systemctl daemon-reload
      fi
    else
      rm -rf "/run/user/$uid"
    fi
  fi
}

test_user_add() {
  local home='' subids=1 manager='' user start r i
  local -a also=()
  while [[ ${1-} == --* ]]; do
    case $1 in
      --home) home=1 ;;
      --no-subids) subids= ;;
      --also-range) also+=("$2"); shift ;;
      --manager) manager=1 ;;
      *) echo "test_user_add: unknown option $1" >&2; return 2 ;;
    esac
    shift
  done
  user=$1
  TEST_USER_UID='' TEST_USER_GID='' TEST_USER_START='' TEST_USER_WHY=''
  test_user_del ${home:+--home} ${manager:+--manager} "$user"
  # no subordinate ids from useradd: it would rewrite /etc/subuid and
  # /etc/subgid sorted, and a user's ranges would change order (the first
  # is the one bulwark maps); the test sets its own
  if [ -n "$home" ]; then
    useradd -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --create-home --shell /bin/sh "$user"
  else
    useradd -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 --no-create-home --shell /bin/sh "$user"
  fi
  sed -i "/^$user:/d" /etc/subuid /etc/subgid # should it have given some
  if [ -n "$subids" ]; then
    start=$(test_user_free_start)
    echo "$user:$start:65536" >>/etc/subuid
    echo "$user:$start:65536" >>/etc/subgid
    TEST_USER_START=$start
  fi
  for r in "${also[@]}"; do
    echo "$user:$r" >>/etc/subuid
    echo "$user:$r" >>/etc/subgid
  done
  TEST_USER_UID=$(id -u "$user")
  TEST_USER_GID=$(id -g "$user")
  if [ -z "$manager" ]; then
    # what systemd-logind makes for a session
    mkdir -p "/run/user/$TEST_USER_UID"
    chown "$user:" "/run/user/$TEST_USER_UID"
    chmod 700 "/run/user/$TEST_USER_UID"
    return 0
  fi
  # the user's manager, as a login (or linger) starts it: it makes
  # /run/user/UID and gets user@UID.service, delegated, as its cgroup.
  # Without pam_systemd (libpam-systemd), which sets XDG_RUNTIME_DIR for
  # it, the manager refuses to start: give it that variable instead.
  if ! compgen -G '/lib/*/security/pam_systemd.so' >/dev/null && [ ! -e /lib/security/pam_systemd.so ]; then
    mkdir -p "/run/systemd/system/user@$TEST_USER_UID.service.d"
    printf '[Service]\nEnvironment=XDG_RUNTIME_DIR=/run/user/%s\n' "$TEST_USER_UID" \
      >"/run/systemd/system/user@$TEST_USER_UID.service.d/xdg-runtime-dir.conf"
    systemctl daemon-reload
  fi
  loginctl enable-linger "$user" || systemctl start "user@$TEST_USER_UID.service"
  for ((i = 0; i < 60; i++)); do
    [ -S "/run/user/$TEST_USER_UID/systemd/private" ] && systemctl is-active -q "user@$TEST_USER_UID.service" && break
    sleep 0.5
  done
  # (is-active exits non-zero for a unit not active: not an error here)
  systemctl is-active -q "user@$TEST_USER_UID.service" ||
    TEST_USER_WHY="user@$TEST_USER_UID.service did not start ($(systemctl is-active "user@$TEST_USER_UID.service" || true))"
  return 0
}
