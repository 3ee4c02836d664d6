# What a container of a test left on the host: its state, cgroup
# directories in every hierarchy, id ranges held for it, mounts of the
# bundle, its processes. Empty when nothing is left. Needs BW_ROOT and
# BUNDLE (tests/integration/helpers.bash). Shared by reliability.bats,
# faults_enomem.bats and races.bats.
leftovers() {
  local id=$1
  [ -e "$BW_ROOT/$id" ] && echo "state dir $BW_ROOT/$id"
  find /sys/fs/cgroup -mindepth 1 -maxdepth 4 -type d -name "$id" 2>/dev/null | sed 's/^/cgroup /'
  grep -lF "\"owner\": \"$id\"" /var/lib/bulwark/idranges/range-*.json 2>/dev/null |
    xargs -r grep -lF "\"root\": \"$BW_ROOT\"" | sed 's/^/range /'
  grep -F "$BUNDLE" /proc/self/mountinfo | awk '{print "mount " $5}'
  # processes with the state root as one of their arguments (bulwark, or
  # an init not yet past its exec); one grep: a loop over /proc costs
  # seconds on a busy host
  # (the pattern from a file: grep's own arguments must not match)
  grep -alxzF -f <(printf '%s\n' "$BW_ROOT") /proc/[0-9]*/cmdline 2>/dev/null | sed 's|^/proc/\([0-9]*\)/.*|process \1|'
  return 0
}
