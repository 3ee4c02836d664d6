#!/bin/bash
# The suites run in the systemd guest (Debian 12, its 6.1 kernel, systemd
# as PID 1, pure cgroup v2), from a copy of tests/ in the script's cwd:
#   scripts/guest/run --systemd --files tests --files docs --script scripts/guest/suites.sh
# (containerd.bats reads docs/kubernetes.md)
# BW_GUEST_SUITES (the runner passes it on) picks files under tests/, e.g.
# "integration/cgroups e2e/docker"; default: the list below. TAP out.
export BULWARK=/usr/local/bin/bulwark
suites=${BW_GUEST_SUITES:-integration/lifecycle integration/userns integration/cgroups integration/seccomp integration/systemd integration/rootless_cgroup e2e/docker e2e/podman e2e/containerd e2e/systemd_engines}
bulwark setup >/dev/null 2>&1 || echo "# bulwark setup failed: $(bulwark setup 2>&1 | tail -1)"
# The tests' explicit mappings (hostID 100000) must lie in a subordinate
# range of an engine user as root (BW043: root, dockremap, containers,
# kubelet): the guest is thrown away.
for f in /etc/subuid /etc/subgid; do
  grep -q '^containers:100000:65536$' "$f" || echo "containers:100000:65536" >>"$f"
done
rc=0
for s in $suites; do
  echo "# suite: $s"
  start=$(date +%s)
  bats --formatter tap "tests/$s.bats" || rc=1
  echo "# suite: $s took $(( $(date +%s) - start ))s"
done
exit $rc
