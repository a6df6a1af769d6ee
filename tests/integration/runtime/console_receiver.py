#!/usr/bin/env python3
"""console_receiver.py SOCKET [INPUT]: the other end of `--console-socket`.

Listens on the unix socket SOCKET, receives the pty master from the runtime (SCM_RIGHTS),
writes INPUT to it, then copies everything the container writes to stdout until the
container closes its side (EIO) or the timeout ($CONSOLE_TIMEOUT seconds, default 10)
passes. The pty name the runtime sent along is printed to stderr as "pty: NAME".
Exit status: 0 after EOF, 2 on timeout, 3 when no fd arrived.
"""
import errno
import os
import select
import socket
import sys
import time


def main() -> int:
    path = sys.argv[1]
    data = sys.argv[2].encode() if len(sys.argv) > 2 else b""
    deadline = time.monotonic() + float(os.environ.get("CONSOLE_TIMEOUT", "10"))
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path + ".tmp")
    server.listen(1)
    os.rename(path + ".tmp", path)  # the socket appears only once it is listening
    server.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        conn, _ = server.accept()
    except socket.timeout:
        print("console_receiver: nobody connected", file=sys.stderr)
        return 2
    conn.settimeout(max(0.1, deadline - time.monotonic()))
    msg, fds, _, _ = socket.recv_fds(conn, 1024, 1)
    conn.close()
    server.close()
    if not fds:
        print("console_receiver: no fd received", file=sys.stderr)
        return 3
    master = fds[0]
    print("pty: " + msg.decode(errors="replace"), file=sys.stderr, flush=True)
    if data:
        os.write(master, data)
    out = sys.stdout.buffer
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            print("console_receiver: timed out", file=sys.stderr)
            return 2
        ready, _, _ = select.select([master], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(master, 4096)
        except OSError as e:
            if e.errno == errno.EIO:  # every slave fd is closed: the container is done
                return 0
            raise
        if not chunk:
            return 0
        out.write(chunk)
        out.flush()


if __name__ == "__main__":
    sys.exit(main())
