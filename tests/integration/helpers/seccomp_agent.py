#!/usr/bin/env python3
"""A seccomp agent for the integration tests: listen on SOCKET, receive
the container's listener (SCM_RIGHTS) with its state, write the state to
SOCKET.state, and answer every notification with -ERRNO (default EMLINK),
so the container sees an error only this agent could have produced.

usage: seccomp_agent.py SOCKET [ERRNO]"""
import array
import fcntl
import json
import os
import socket
import struct
import sys

path = sys.argv[1]
answer = int(sys.argv[2]) if len(sys.argv) > 2 else 31  # EMLINK
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(path + ".ready", "w").close()
conn, _ = srv.accept()
fds = array.array("i")
data = b""
while True:
    msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_LEN(fds.itemsize))
    for level, typ, payload in anc:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            fds.frombytes(payload[: fds.itemsize])
    if not msg:
        break
    data += msg
    try:
        json.loads(data)
        break  # the whole state is here
    except ValueError:
        pass
with open(path + ".state", "wb") as f:
    f.write(data)
if not fds:
    sys.exit("no listener received")
listener = fds[0]
# struct seccomp_notif (80 bytes) and seccomp_notif_resp (24 bytes)
RECV = 0xC0502100
SEND = 0xC0182101
while True:
    buf = bytearray(80)
    try:
        fcntl.ioctl(listener, RECV, buf, True)
    except OSError:
        break  # the container is gone
    nid, pid, flags, nr = struct.unpack_from("QIIi", buf)
    with open(path + ".calls", "a") as f:
        f.write("%d\n" % nr)
    resp = bytearray(struct.pack("QqiI", nid, 0, -answer, 0))
    try:
        fcntl.ioctl(listener, SEND, resp, True)
    except OSError:
        pass
