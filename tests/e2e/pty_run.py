#!/usr/bin/env python3
"""Run a command on a fresh pseudo-terminal of ROWSxCOLS, as a person at a
terminal would: the command is a session leader with the pty as its
controlling terminal. When the output first shows MARK, resize the terminal
to ROWS2xCOLS2 (the kernel sends SIGWINCH to the command), wait a moment and
type a newline. Print everything the terminal showed; exit with the
command's status.
  pty_run.py ROWS COLS MARK ROWS2 COLS2 -- CMD ARGS...
"""
import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time


def winsize(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    rows, cols, mark, rows2, cols2 = sys.argv[1:6]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    master, slave = os.openpty()
    winsize(slave, int(rows), int(cols))

    def child_setup():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                            preexec_fn=child_setup, close_fds=True)
    os.close(slave)
    out = b""
    resized = False
    deadline = time.time() + 60
    while time.time() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: every holder of the slave is gone
                break
            if not data:
                break
            out += data
        if not resized and mark.encode() in out:
            resized = True
            winsize(master, int(rows2), int(cols2))
            time.sleep(1)
            os.write(master, b"\r")
        if proc.poll() is not None and not ready:
            break
    try:
        status = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        status = 124
    sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
    sys.stdout.flush()
    sys.exit(status)


if __name__ == "__main__":
    main()
