"""Fault injection: runs that cannot clean up after themselves. The client gets SIGKILL, or
the server restarts mid-load; `fastseed undo URL --yes` then removes what the run left.

Restarting a server disturbs every other client of it, so that case runs at fewer points,
only where the test can restart the local server (root, the server's own tools; skipped with
the reason otherwise), and always leaves it running.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import replace

import pytest
from faults import (
    POINTS,
    Run,
    Target,
    check_complete,
    check_undone,
    fastseed_undo,
    figures,  # noqa: F401  (the session fixture)
    rng,
    run_fastseed,
    seed_args,
    target,
    terminate,
    wait_for_load,
)

DIALECTS = ["postgres", "mysql"]


def undo(t: Target) -> Run:
    return fastseed_undo(t.url())


@pytest.mark.parametrize("point", range(POINTS))
@pytest.mark.parametrize("dialect", DIALECTS)
def test_sigkill_then_fastseed_undo(dialect: str, point: int, figures) -> None:  # noqa: F811
    delay = rng("sigkill", dialect, point).uniform(0.0, 0.6)
    hit: list[bool] = []
    with target(dialect) as t:

        def fault(proc: subprocess.Popen[str]) -> None:
            if wait_for_load(t, proc, delay):
                terminate(proc, signal.SIGKILL)
                hit.append(True)

        run = run_fastseed(seed_args(t.url()), fault)
        if run.code == 0:  # the run ended before the signal landed: nothing to undo
            check_complete(figures, "client SIGKILL", t, run, injected=False)
            return
        assert run.code == -signal.SIGKILL
        cleaned = undo(t)
        assert cleaned.code == 0, cleaned.stderr
        if "nothing to undo" in cleaned.stdout:
            # killed after its verification closed the journal (printing the summary): the
            # run had ended, and every row of it must be there and valid
            check_complete(figures, "client SIGKILL", t, replace(run, code=0), injected=False)
            return
        check_undone(figures, "client SIGKILL", t, run, injected=bool(hit))


RESTART_POINTS = max(1, POINTS // 4)
"""A restart disturbs every other client of the shared server: a quarter of the points of
the other kinds (1 by default, 5 in the longer run)."""
MARIADBD = "/usr/sbin/mariadbd"


def _ready(dialect: str) -> bool:
    if dialect == "postgres":
        probe = ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-t", "2"]
    else:
        probe = ["mariadb-admin", "-h", "127.0.0.1", "-u", "root", "--connect-timeout=2", "ping"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def _pg_cluster() -> list[str] | None:
    """[version, name] of the local cluster on port 5432, if pg_lsclusters knows it."""
    out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) > 2 and fields[2] == "5432":
            return fields[:2]
    return None


def _cannot_restart(dialect: str) -> str | None:
    """Why this test cannot restart the server here (None when it can)."""
    if os.geteuid() != 0:
        return "restarting the server needs root"
    if dialect == "postgres":
        tools = ["pg_lsclusters", "pg_ctlcluster", "pg_isready"]
    else:
        tools = ["mariadb-admin", "start-stop-daemon"]
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if dialect == "mysql" and not os.access(MARIADBD, os.X_OK):
        missing.append(MARIADBD)
    if missing:
        return f"cannot restart the {dialect} server here: {', '.join(missing)} not found"
    if dialect == "postgres" and _pg_cluster() is None:
        return "no PostgreSQL cluster on port 5432 in pg_lsclusters"
    if not _ready(dialect):
        return f"the {dialect} server is not running"
    return None


def _stop_start(dialect: str, action: str) -> None:
    """`restart` (PostgreSQL fast: sessions terminated; MariaDB: SIGTERM, a clean shutdown
    that rolls back open transactions), or `start`."""
    if dialect == "postgres":
        cluster = _pg_cluster()
        assert cluster is not None
        mode = ["--mode=fast"] if action == "restart" else []
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *mode, *cluster, action])
        return
    if action == "restart":
        stop = ["--stop", "--oknodo", "--retry", "TERM/60/KILL/5", "--exec", MARIADBD]
        subprocess.run(["start-stop-daemon", *stop], capture_output=True)
    start = ["--start", "--oknodo", "--background", "--exec", MARIADBD, "--", "--user=mysql"]
    subprocess.run(["start-stop-daemon", *start])


def _wait_ready(dialect: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not _ready(dialect):
        assert time.monotonic() < deadline, f"{dialect} did not come back within {seconds:g} s"
        time.sleep(0.2)


def _ensure_running(dialect: str) -> None:
    """Whatever happened, leave the server running for every other test and client."""
    if not _ready(dialect):
        _stop_start(dialect, "start")
    _wait_ready(dialect)


@pytest.mark.parametrize("point", range(RESTART_POINTS))
@pytest.mark.parametrize("dialect", DIALECTS)
def test_server_restart_then_fastseed_undo(dialect: str, point: int, figures) -> None:  # noqa: F811
    """The server restarts mid-load: the run fails with exit 6 (its undo may find the
    server gone: then it says what stays), and `fastseed undo` removes what it left."""
    reason = _cannot_restart(dialect)
    if reason is not None:
        pytest.skip(reason)
    # a restart takes a moment to land (a process to start): early in a load of a second or two
    delay = rng("restart", dialect, point).uniform(0.0, 0.2)
    hit: list[bool] = []
    over = threading.Event()
    with target(dialect) as t:

        def fault(proc: subprocess.Popen[str]) -> None:
            try:
                if wait_for_load(t, proc, delay):
                    hit.append(True)
                    _stop_start(dialect, "restart")
            finally:
                over.set()

        try:
            run = run_fastseed(seed_args(t.url()), fault)
        finally:
            over.wait(120)
            _ensure_running(dialect)
        if run.code == 0:  # ended before the restart landed
            check_complete(figures, "server restart", t, run, injected=False)
            return
        if hit:
            assert run.code == 6, run.stderr
            line = run.error_line()
            if "then the undo failed" in line:
                assert "stay" in line and "`fastseed undo " in line, line
        cleaned = undo(t)
        assert cleaned.code == 0, cleaned.stderr
        check_undone(figures, "server restart", t, run, injected=bool(hit))
