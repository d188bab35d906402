"""Fault injection: a TCP proxy between fastseed and the server cuts, stalls or slows the
connections at a seeded random point of the load."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from faults import (
    POINTS,
    Proxy,
    Target,
    check,
    figures,  # noqa: F401  (the session fixture)
    loading_now,
    rng,
    run_fastseed,
    seed_args,
    target,
    wait_for_load,
)

DIALECTS = ["postgres", "mysql"]
SERVER_PORT = {"postgres": 5432, "mysql": 3306}
TIMEOUT = "0.5"
KNOWN = os.environ.get("FASTSEED_FAULT_KNOWN") == "1"
"""Run the cases of known, open failures too: each can hang up to its timeouts (minutes in
all), so the default suite leaves them out."""
KNOWN_FAILURE = pytest.mark.skipif(not KNOWN, reason="known failure: FASTSEED_FAULT_KNOWN=1")
"""--timeout: a stalled COPY ends after 15 s on PostgreSQL, a LOAD DATA after 6 s on MySQL."""


@pytest.mark.parametrize("mode", ["cut", "stall"])
@pytest.mark.parametrize("point", range(POINTS))
@pytest.mark.parametrize("dialect", DIALECTS)
def test_proxy_cuts_or_stalls_the_load(
    dialect: str,
    point: int,
    mode: str,
    figures,  # noqa: F811
    request: pytest.FixtureRequest,
) -> None:
    if dialect == "mysql":
        # the same open failure as test_undo_after_idle_pooled_connections_died: at some
        # points the undo takes a pooled connection the cut or stall killed too, and rows stay
        reason = "undo over a pooled connection the fault killed too: rows can stay"
        if not KNOWN:
            pytest.skip(f"known failure (FASTSEED_FAULT_KNOWN=1 runs it): {reason}")
        request.applymarker(pytest.mark.xfail(strict=False, reason=reason))
    if dialect == "postgres":
        # not strict: these fail at some points only (reported to the lead)
        reason = {
            "stall": "a stalled COPY can hang the run past its timeouts (cause not found yet)",
            "cut": "undo can deadlock (40P01) with the cut session's backend, which the "
            "server has not ended yet: exit 1 instead of 6 (undo, load.py)",
        }[mode]
        if not KNOWN:
            pytest.skip(f"known failure (FASTSEED_FAULT_KNOWN=1 runs it): {reason}")
        request.applymarker(pytest.mark.xfail(strict=False, reason=reason))
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


@KNOWN_FAILURE
@pytest.mark.xfail(
    strict=True,
    reason="undo runs on an idle pooled connection that is dead and times out (PostgreSQL at "
    "BEGIN, MySQL at its DELETE): the first table's rows stay, and the message does not say "
    "so (undo: load.py, the dialects' undo)",
)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_undo_after_idle_pooled_connections_died(dialect: str, figures) -> None:  # noqa: F811
    """Every connection goes dead (a network partition: the pool's idle ones too) once the
    first table committed; the undo must reach the server on a new connection."""
    with target(dialect) as t, Proxy(SERVER_PORT[dialect]) as proxy:

        def committed(query) -> bool:
            return bool(query("SELECT count(*) > 100 FROM account")[0][0])

        def fault(proc: subprocess.Popen[str]) -> None:
            if wait_for_load(t, proc, ready=committed):
                proxy.stall(idle_too=True)

        run = run_fastseed(seed_args(t.url(proxy.port), "--timeout", TIMEOUT), fault)
        assert run.code == 6, run.stderr
        check(figures, "proxy partition", t, run, injected=True)


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
