"""Fault injection: a TCP proxy between fastseed and the server cuts, stalls or slows the
connections at a seeded random point of the load."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from faults import (
    POINTS,
    Figures,
    Proxy,
    Run,
    Target,
    check,
    check_undone,
    figures,  # noqa: F401  (the session fixture)
    loading_now,
    on_both,
    rng,
    run_fastseed,
    seed_args,
    target,
    wait_for_load,
)

DIALECTS = ["postgres", "mysql"]
SERVER_PORT = {"postgres": 5432, "mysql": 3306}
TIMEOUT = "0.5"
"""--timeout: a stalled COPY ends 15 s after its last batch on PostgreSQL, a LOAD DATA 6 s
after on MySQL."""


@pytest.mark.parametrize("mode", ["cut", "stall"])
@pytest.mark.parametrize("point", range(POINTS))
def test_proxy_cuts_or_stalls_the_load(point: int, mode: str, figures) -> None:  # noqa: F811
    """Both dialects at once (`on_both`): a stalled run waits out its timeout."""
    on_both(lambda dialect: _cut_or_stall(dialect, point, mode, figures))


def _cut_or_stall(dialect: str, point: int, mode: str, figures: Figures) -> None:  # noqa: F811
    r = rng(f"proxy {mode}", dialect, point)
    delay = r.uniform(0.0, 0.6)
    hit: list[int] = []
    with target(dialect) as t, Proxy(SERVER_PORT[dialect]) as proxy:

        def fault(proc: subprocess.Popen[str]) -> None:
            # while a load statement runs: a cut during COMMIT is its own case below
            if wait_for_load(t, proc, delay) and loading_now(t, proc):
                hit.append(proxy.cut() if mode == "cut" else proxy.stall())

        run = run_fastseed(seed_args(t.url(proxy.port), "--timeout", TIMEOUT), fault)
        if hit and run.code != 0:
            assert run.code == 6, run.stderr
            line = run.error_line()
            assert "connection" in line or "no answer" in line, line
        check(figures, f"proxy {mode}", t, run, injected=bool(hit))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_proxy_slows_the_load(dialect: str, figures) -> None:  # noqa: F811
    """A slow link (latency on every chunk) is no fault: the run completes, exactly."""
    with target(dialect) as t, Proxy(SERVER_PORT[dialect], delay=0.002) as proxy:
        run = run_fastseed(seed_args(t.url(proxy.port), rows=3000))
        assert run.code == 0, run.stderr
        outcome = t.outcome()
        assert outcome.added == dict.fromkeys(("account", "project", "task"), 3000)
        assert outcome.earlier_changed == outcome.orphans == outcome.sessions_left == 0
        figures.tallies[("proxy slow", dialect)].injected += 1


def _committed(query: Callable[[str], list[tuple[Any, ...]]]) -> bool:
    """The first table's unit has committed (its rows are visible to others)."""
    return bool(query("SELECT count(*) > 100 FROM account")[0][0])


def test_undo_after_idle_pooled_connections_died(figures) -> None:  # noqa: F811
    """Every connection goes dead (a network partition: the pool's idle ones too) once the
    first table committed; the undo reaches the server on a new connection."""
    on_both(lambda dialect: _partition(dialect, figures))


def _partition(dialect: str, figures: Figures) -> None:  # noqa: F811
    with target(dialect) as t, Proxy(SERVER_PORT[dialect]) as proxy:
        hit: list[int] = []

        def fault(proc: subprocess.Popen[str]) -> None:
            if wait_for_load(t, proc, ready=_committed):
                hit.append(proxy.stall(idle_too=True))

        run = run_fastseed(seed_args(t.url(proxy.port), "--timeout", TIMEOUT), fault)
        if hit and run.code != 0:
            assert run.code == 6, run.stderr
            line = run.error_line()
            assert "no answer" in line or "connection" in line, line
        check(figures, "proxy partition", t, run, injected=bool(hit))


def test_undo_that_cannot_reach_the_server(figures) -> None:  # noqa: F811
    """The partition also swallows new connections: the undo cannot reach the server. The
    run says which tables keep its rows and how to remove them (exit 6), never that the
    database is clean; once the link is back, `fastseed undo` removes exactly those rows."""
    on_both(lambda dialect: _unreachable(dialect, figures))


def _unreachable(dialect: str, figures: Figures) -> None:  # noqa: F811
    with target(dialect) as t, Proxy(SERVER_PORT[dialect]) as proxy:
        hit: list[int] = []

        def fault(proc: subprocess.Popen[str]) -> None:
            if wait_for_load(t, proc, ready=_committed):
                proxy.refuse = True
                hit.append(proxy.stall(idle_too=True))

        run = run_fastseed(seed_args(t.url(proxy.port), "--timeout", TIMEOUT), fault)
        if not (hit and run.code != 0):  # the run ended before the partition: complete
            check(figures, "undo unreachable", t, run, injected=False)
            return
        assert run.code == 6, run.stderr
        line = run.error_line()
        assert "then the undo failed" in line and "stay" in line, line
        assert "`fastseed undo " in line and f":{proxy.port}/{t.name}`" in line, line
        assert "account" in line, line
        left = t.outcome()
        assert left.added["account"] > 0 and left.earlier_changed == 0, left
        proxy.refuse = False
        args = [sys.executable, "-m", "fastseed", "undo", t.url(proxy.port), "--yes"]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "removed the rows of 1 unfinished run" in done.stdout, done.stdout
        check_undone(figures, "undo unreachable", t, Run(run.code, run.stdout, run.stderr))


def _committing(t: Target) -> Callable[[Callable[[str], list[tuple[Any, ...]]]], bool]:
    def ready(query: Callable[[str], list[tuple[Any, ...]]]) -> bool:
        return bool(
            query(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND query = 'COMMIT'"
            )
        )

    return ready


def test_connection_cut_during_commit(figures) -> None:  # noqa: F811
    """PostgreSQL checks deferred FKs at COMMIT, which takes a while: the link is cut then."""
    with target("postgres") as t, Proxy(SERVER_PORT["postgres"]) as proxy:

        def fault(proc: subprocess.Popen[str]) -> None:
            if wait_for_load(t, proc, ready=_committing(t)):
                proxy.cut()

        run = run_fastseed(seed_args(t.url(proxy.port), "--timeout", TIMEOUT), fault)
        # the COMMIT can end before the cut lands: then the run is complete
        assert run.code in {0, 6}, run.stderr
        check(figures, "proxy cut at COMMIT", t, run, injected=run.code != 0)
