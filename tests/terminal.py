"""Run the fastseed command in a pseudo-terminal, as a person at a terminal would."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time


def run_in_pty(
    args: list[str],
    *,
    reply_to: bytes | None = None,
    reply: bytes = b"",
    env: dict[str, str] | None = None,
    timeout: float = 120,
    columns: int = 120,
) -> tuple[int, str]:
    """Exit code and everything the terminal received. When `reply_to` shows up in the
    output, `reply` is typed (b"\\x04" is Ctrl-D, b"\\x03" Ctrl-C: the terminal turns it into
    SIGINT for the command, which owns the terminal)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))

    def own_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        # a shell starts a command with Ctrl-C live; a test run started in the background
        # (`pytest &` ignores SIGINT) would hand down "ignored", and Python keeps it so
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    proc = subprocess.Popen(
        [sys.executable, "-m", "fastseed", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        preexec_fn=own_terminal,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), **(env or {})},
    )
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + timeout
    replied = reply_to is None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the command exited and closed its end
                break
            if not chunk:
                break
            out += chunk
            if not replied and reply_to is not None and reply_to in out:
                # A Ctrl-C typed in the instant between input() writing its prompt and
                # blocking in read() only trips a flag that the read never sees (CPython):
                # a person types later than that, and so does this
                time.sleep(0.5)
                os.write(master, reply)
                replied = True
        elif proc.poll() is not None:
            break
    else:
        proc.kill()
    code = proc.wait(timeout=10)
    os.close(master)
    return code, out.decode("utf-8", "replace")
