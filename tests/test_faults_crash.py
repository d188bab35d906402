"""Fault injection: runs that cannot clean up after themselves. The client gets SIGKILL, or
the server restarts mid-load; `fastseed undo URL --yes` then removes what the run left.

Restarting a server disturbs every other test on it and every other client of it, so that case
runs only with FASTSEED_FAULT_RESTART=1, and waits until the server answers again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest
from faults import (
    POINTS,
    Run,
    Target,
    check_complete,
    check_undone,
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
    args = [sys.executable, "-m", "fastseed", "undo", t.url(), "--yes"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    return Run(done.returncode, done.stdout, done.stderr)


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


def _restart(dialect: str) -> None:
    """Restart the local server and wait until it accepts connections again."""
    if dialect == "postgres":
        version = subprocess.run(
            ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
        ).stdout.split()[0]
        subprocess.run(["pg_ctlcluster", version, "main", "restart", "-m", "fast"], check=True)
        ready = ["pg_isready", "-h", "127.0.0.1", "-p", "5432"]
    else:
        subprocess.run(["service", "mariadb", "restart"], check=True, capture_output=True)
        ready = ["mariadb-admin", "-h", "127.0.0.1", "-u", "root", "ping"]
    deadline = time.monotonic() + 60
    while subprocess.run(ready, capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, f"{dialect} did not come back within 60 s"
        time.sleep(0.5)


@pytest.mark.skipif(
    os.environ.get("FASTSEED_FAULT_RESTART") != "1",
    reason="restarts the shared server: FASTSEED_FAULT_RESTART=1 only",
)
@pytest.mark.parametrize("point", range(POINTS))
@pytest.mark.parametrize("dialect", DIALECTS)
def test_server_restart_then_fastseed_undo(dialect: str, point: int, figures) -> None:  # noqa: F811
    delay = rng("restart", dialect, point).uniform(0.0, 0.6)
    hit: list[bool] = []
    with target(dialect) as t:

        def fault(proc: subprocess.Popen[str]) -> None:
            if wait_for_load(t, proc, delay):
                _restart(dialect)
                hit.append(True)

        run = run_fastseed(seed_args(t.url()), fault)
        if hit and run.code != 0:
            assert run.code == 6, run.stderr
            run.error_line()
        # the run may have left what it committed before the restart: undo finds it
        cleaned = undo(t)
        assert cleaned.code == 0, cleaned.stderr
        check_undone(figures, "server restart", t, run, injected=bool(hit))
