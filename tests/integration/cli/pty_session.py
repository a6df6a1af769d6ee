"""A command on a pseudo-terminal, driven like a person at a keyboard (for the -it tests).

Session(argv, rows, cols) forks argv onto a new pty of that size; send() types, expect() waits
(bounded) for text on the screen, resize() changes the window as a terminal emulator does (the
kernel then sends SIGWINCH to the foreground process group), wait() returns the exit status.
Every wait is bounded so a hung CLI fails the test instead of hanging it; the bounds are
ceilings only (30 s), generous for a loaded machine.
"""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


class Session:
    def __init__(self, argv, rows=24, cols=80):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execvp(argv[0], argv)
            finally:
                os._exit(127)
        self.resize(rows, cols)
        self.seen = b""
        self.status = None

    def resize(self, rows, cols):
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def send(self, text):
        os.write(self.fd, text.encode())

    def _read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 4096)
        except OSError:  # EIO: the other side is closed
            return None
        if not data:
            return None
        self.seen += data
        return True

    def expect(self, text, timeout=30.0):
        """Waits for `text` after what earlier expects consumed; fails with the screen so far."""
        want = text.encode()
        deadline = time.monotonic() + timeout
        while want not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0 or self._read(left) is None:
                fail("did not see %r; saw %r" % (text, self.seen.decode(errors="replace")))
        self.seen = self.seen[self.seen.index(want) + len(want):]

    def wait(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            self._read(0.05)  # keep the pty drained so the child never blocks writing
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        fail("still running after %.0f s; saw %r" % (timeout, self.seen.decode(errors="replace")))


def fail(message):
    sys.stderr.write(message + "\n")
    sys.exit(1)
