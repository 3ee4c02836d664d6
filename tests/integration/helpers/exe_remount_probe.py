#!/usr/bin/env python3
"""Try to make the mount a process runs from writable, the ways the kernel
offers: mount_setattr clearing MOUNT_ATTR_RDONLY, a MS_REMOUNT|MS_BIND
remount, and a fresh open_tree clone with the flag cleared. Then (from the host)
try to open the binary for writing. One line per attempt: "<what>: <result>".

  exe_remount_probe.py PID            from here (host root: every capability)
  exe_remount_probe.py PID --inside   the same on an fd of PID's exe opened
                                      here, after joining PID's user (when
                                      it has its own) and mount namespaces:
                                      root of the container's user namespace
"""
import ctypes
import os
import struct
import sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_open_tree, SYS_mount_setattr, SYS_setns = 428, 442, 308
AT_FDCWD, AT_EMPTY_PATH = -100, 0x1000
OPEN_TREE_CLONE, OPEN_TREE_CLOEXEC = 1, 0o2000000
MOUNT_ATTR_RDONLY = 1
MS_REMOUNT, MS_BIND = 32, 4096
CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000


def err():
    return os.strerror(ctypes.get_errno())


def write_open(path):
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
        return "WRITABLE"
    except OSError as e:
        return os.strerror(e.errno)


def main():
    pid = int(sys.argv[1])
    path = "/proc/%d/exe" % pid
    # Held from here: inside the container's namespaces, /proc/1/exe of a
    # non-dumpable init is refused before the mount rules are reached.
    exe = os.open(path, os.O_PATH | os.O_CLOEXEC)
    inside = "--inside" in sys.argv[2:]
    if inside:
        user = os.open("/proc/%d/ns/user" % pid, os.O_RDONLY)
        mnt = os.open("/proc/%d/ns/mnt" % pid, os.O_RDONLY)
        if os.stat("/proc/%d/ns/user" % pid).st_ino != os.stat("/proc/self/ns/user").st_ino:
            if libc.syscall(SYS_setns, user, CLONE_NEWUSER) < 0:
                print("setns user:", err())
                return 1
        if libc.syscall(SYS_setns, mnt, CLONE_NEWNS) < 0:
            print("setns mnt:", err())
            return 1
        os.chdir("/")
    attr = struct.pack("QQQQ", 0, MOUNT_ATTR_RDONLY, 0, 0)
    r = libc.syscall(SYS_mount_setattr, exe, b"", AT_EMPTY_PATH, attr, len(attr))
    print("mount_setattr:", "CHANGED" if r == 0 else err())
    fd = libc.syscall(SYS_open_tree, exe, b"", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)
    if fd < 0:
        print("open_tree:", err())
    else:
        r = libc.syscall(SYS_mount_setattr, fd, b"", AT_EMPTY_PATH, attr, len(attr))
        print("open_tree clone:", "CHANGED" if r == 0 else err())
    if not inside:
        r = libc.mount(None, path.encode(), None, MS_REMOUNT | MS_BIND, None)
        print("remount:", "CHANGED" if r == 0 else err())
        print("write:", write_open(path))
    return 0


sys.exit(main())
