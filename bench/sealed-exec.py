#!/usr/bin/env python3
"""Run a command with bulwark's binary already in a sealed memfd, as
bulwark's self-protection leaves it, so tools that cannot follow an
execveat of a memfd (valgrind) can still run it.
  sealed-exec.py BULWARK_BINARY TOOL [TOOL_ARGS...] @BULWARK [ARGS...]
'@BULWARK' in the command is replaced with /proc/self/fd/N of the copy."""
import fcntl
import os
import sys

src, cmd = sys.argv[1], sys.argv[2:]
fd = os.memfd_create("bulwark", os.MFD_ALLOW_SEALING)  # no CLOEXEC: the tool gets it
with open(src, "rb") as f:
    os.write(fd, f.read())
fcntl.fcntl(fd, fcntl.F_ADD_SEALS,
            fcntl.F_SEAL_SEAL | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE)
cmd = [f"/proc/self/fd/{fd}" if a == "@BULWARK" else a for a in cmd]
os.execvp(cmd[0], cmd)
