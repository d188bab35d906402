"""Fault injection: the server kills a loading session at a seeded random point."""

from __future__ import annotations

import subprocess

import pytest
from faults import (
    POINTS,
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


@pytest.mark.parametrize("point", range(POINTS))
@pytest.mark.parametrize("dialect", DIALECTS)
def test_server_kills_a_loading_session(dialect: str, point: int, figures) -> None:  # noqa: F811
    r = rng("kill", dialect, point)
    delay = r.uniform(0.0, 0.6)
    hit: list[int] = []
    with target(dialect) as t:

        def fault(proc: subprocess.Popen[str]) -> None:
            loading = loading_now(t, proc) if wait_for_load(t, proc, delay) else []
            if loading:
                pid = r.choice(loading)
                t.kill(pid)
                hit.append(pid)

        run = run_fastseed(seed_args(t.url()), fault)
        if hit and run.code != 0:
            assert run.code == 6, run.stderr
            line = run.error_line()
            assert "connection" in line and ("lost" in line or "terminat" in line), line
        check(figures, "killed session", t, run, injected=bool(hit))
