"""Fault injection: a TCP proxy between fastseed and the server cuts, stalls or slows the
connections at a seeded random point of the load."""

from __future__ import annotations

import subprocess

import pytest
from faults import (
    POINTS,
    Proxy,
    check,
    figures,  # noqa: F401  (the session fixture)
    rng,
    run_fastseed,
    seed_args,
    target,
    wait_for_load,
)

DIALECTS = ["postgres", "mysql"]
SERVER_PORT = {"postgres": 5432, "mysql": 3306}
TIMEOUT = "0.5"
"""--timeout: a stalled COPY ends after 15 s on PostgreSQL, a LOAD DATA after 6 s on MySQL."""


@pytest.mark.parametrize("mode", ["cut", "stall"])
@pytest.mark.parametrize("point", range(POINTS))
@pytest.mark.parametrize("dialect", DIALECTS)
def test_proxy_cuts_or_stalls_the_load(dialect: str, point: int, mode: str, figures) -> None:  # noqa: F811
    r = rng(f"proxy {mode}", dialect, point)
    delay = r.uniform(0.0, 0.6)
    hit: list[int] = []
    with target(dialect) as t, Proxy(SERVER_PORT[dialect]) as proxy:

        def fault(proc: subprocess.Popen[str]) -> None:
            if wait_for_load(t, proc, delay):
                hit.append(proxy.cut() if mode == "cut" else proxy.stall())

        run = run_fastseed(seed_args(t.url(proxy.port), "--timeout", TIMEOUT), fault)
        if hit and run.code != 0:
            assert run.code == 6, run.stderr
            line = run.error_line()
            assert "connection lost" in line or "lost connection" in line or "no answer" in line, (
                line
            )
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


@pytest.mark.parametrize(
    "dialect",
    [
        "postgres",
        pytest.param(
            "mysql",
            marks=pytest.mark.xfail(
                strict=True,
                reason="undo runs on an idle pooled connection that is dead and times out: "
                "the first table's rows stay, and the message does not say so (undo, load.py)",
            ),
        ),
    ],
)
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
