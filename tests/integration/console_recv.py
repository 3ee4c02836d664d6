#!/usr/bin/env python3
"""Receive a pty master over a --console-socket (SCM_RIGHTS, as runc's
recvtty does) and copy what the container writes to stdout.

usage: console_recv.py SOCKET [INPUT]
Writes INPUT (if given) to the pty, then copies output until EOF."""
import array
import os
import socket
import sys

path = sys.argv[1]
data = sys.argv[2].encode() if len(sys.argv) > 2 else None
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(path + ".ready", "w").close()
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(256, socket.CMSG_LEN(fds.itemsize))
for level, typ, payload in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(payload[: fds.itemsize])
if not fds:
    print("no fd received", file=sys.stderr)
    sys.exit(1)
master = fds[0]
print("name=" + msg.decode(errors="replace"), flush=True)
if data:
    os.write(master, data)
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    sys.stdout.write(chunk.decode(errors="replace"))
    sys.stdout.flush()
