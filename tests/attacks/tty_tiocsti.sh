#!/bin/bash
# Attack: `bulwark run` and `bulwark exec` without a terminal of the
# container's own (no --tty / process.terminal false, the default of both)
# hand the caller's stdio to the container process and never start a new
# session for it: neither init nor exec's child (process_exec.c, exec.c)
# calls setsid() unless it sets up a pty (terminal.c). The process keeps
# the operator's terminal as its controlling terminal, so TIOCSTI (allowed
# by the default seccomp profile; dev.tty.legacy_tiocsti is 1 on kernels
# built with CONFIG_LEGACY_TIOCSTI=y) pushes a command line into the
# operator's shell, which runs it as host root once bulwark returns.
# runc's nsexec calls setsid() for every container process for this reason.
# Invariant broken: a container cannot reach host resources (here: the
# host root shell that started it).
# Expected safe outcome: TIOCSTI fails (EPERM/ENOTTY: not the process's
#   controlling terminal), nothing reaches the shell.
# Observed (2026-12-07, 6.18, legacy_tiocsti=1): under --profile
#   restricted, both the container's init (run) and an exec'd process
#   push the line; the host shell reads "echo INJECTED-BY-CONTAINER".
set -u
source "$(dirname "$0")/lib.sh"
command -v script >/dev/null || { echo "SKIP: script(1) missing"; exit 2; }
[[ $(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1) == 1 ]] ||
  { echo "SKIP: dev.tty.legacy_tiocsti is 0 (the kernel refuses TIOCSTI without CAP_SYS_ADMIN)"; exit 2; }
setup_bundle; trap 'teardown_bundle' EXIT
cc -static -O2 -o "$BUNDLE/rootfs/tiocsti" "$ATTACKS_DIR/tiocsti.c" || { echo "SKIP: no static cc"; exit 2; }
B="$BULWARK --root $BW_ROOT --profile restricted"
# The operator's terminal (a pty from script(1)); the shell reads a line
# after bulwark returns: what the container pushed is what it reads.
operator() { # operator COMMAND...: run it on a terminal, then read a line as the shell would
  (sleep 8) | timeout 30 script -qec "$*; read -t 3 line; echo \"SHELL-READ:[\$line]\"" /dev/null 2>&1
}
bad=""
config_edit '.process.args=["/tiocsti"]'
out=$(operator "$B run --bundle $BUNDLE ti$$")
echo "run: $out"
grep -q 'SHELL-READ:\[echo INJECTED-BY-CONTAINER\]' <<<"$out" && bad="run (init)"
config_edit '.process.args=["sleep","60"]'
$B create --bundle "$BUNDLE" te$$ </dev/null >"$BW_ROOT/out" 2>&1 3>&- && $B start te$$
out=$(operator "$B exec te$$ /tiocsti")
echo "exec: $out"
grep -q 'SHELL-READ:\[echo INJECTED-BY-CONTAINER\]' <<<"$out" && bad="$bad${bad:+, }exec"
$B delete --force te$$ >/dev/null 2>&1
if [[ -n $bad ]]; then
  verdict BROKEN "the container pushed a command into the operator's terminal through TIOCSTI: $bad"
else
  verdict SAFE "TIOCSTI reached no terminal of the host"
fi
