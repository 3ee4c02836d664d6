#!/usr/bin/env python3
"""An independent idmapped-mount probe for features.bats (not bulwark's code).

Makes a detached tmpfs holding a root-owned file, idmaps the mount to a user
namespace that maps container 0 to host 100000, and checks that the file is
then seen as owned by 100000. Prints "true" when all of that works, "false"
when the kernel refuses, and "broken" when the idmap call succeeds but the
ownership does not change (which would make any "true" a lie). Needs root.
"""
import ctypes
import os
import signal
import struct

libc = ctypes.CDLL(None, use_errno=True)
# These syscall numbers are the same on every architecture (unified table).
SYS_FSOPEN, SYS_FSCONFIG, SYS_FSMOUNT, SYS_MOUNT_SETATTR = 430, 431, 432, 442
CLONE_NEWUSER = 0x10000000
AT_EMPTY_PATH = 0x1000
FSCONFIG_CMD_CREATE = 6
MOUNT_ATTR_IDMAP = 0x00100000
HOST_ID = 100000


def sys(nr, *args):
    r = libc.syscall(nr, *args)
    if r < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return r


def userns_fd():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        ok = libc.unshare(CLONE_NEWUSER) == 0
        os.write(w, b"u" if ok else b"x")
        signal.pause()
        os._exit(0)
    try:
        if os.read(r, 1) != b"u":
            raise OSError("unshare(CLONE_NEWUSER) failed")
        for f, line in (("uid_map", f"0 {HOST_ID} 1"), ("gid_map", f"0 {HOST_ID} 1")):
            with open(f"/proc/{pid}/{f}", "w") as fh:
                fh.write(line)
        return os.open(f"/proc/{pid}/ns/user", os.O_RDONLY)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def main():
    try:
        ns = userns_fd()
        fs = sys(SYS_FSOPEN, b"tmpfs", 0)
        sys(SYS_FSCONFIG, fs, FSCONFIG_CMD_CREATE, None, None, 0)
        mnt = sys(SYS_FSMOUNT, fs, 0, 0)
        os.close(os.open("f", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=mnt))
        before = os.stat("f", dir_fd=mnt).st_uid
        attr = ctypes.create_string_buffer(struct.pack("QQQQ", MOUNT_ATTR_IDMAP, 0, 0, ns))
        sys(SYS_MOUNT_SETATTR, mnt, b"", AT_EMPTY_PATH, attr, 32)
    except OSError:
        print("false")
        return
    after = os.stat("f", dir_fd=mnt).st_uid
    print("true" if (before, after) == (0, HOST_ID) else "broken")


if __name__ == "__main__":
    main()
