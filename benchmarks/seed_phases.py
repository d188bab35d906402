"""Where the wall time of `fastseed.seed` goes, phase by phase, on one schema (issue 15).

    .venv/bin/python benchmarks/seed_phases.py kanboard                  # PostgreSQL, 2000 rows
    .venv/bin/python benchmarks/seed_phases.py trafficcontrol --rows 5000 --runs 3
    .venv/bin/python benchmarks/seed_phases.py kanboard --dialect mysql

Creates a fresh database from tests/fixtures/schemas/<schema>, runs `fastseed.seed` in this
process `--runs` times on emptied tables, and prints for each phase (connect, reflect and
plan, enforced constraints, load, sequence reset, verify) its wall and CPU seconds and the
statements it sent (count, and their summed time as the driver saw it), the median over runs.
The load is further cut by tier: from the first session of a tier starting to the last one
committing, and the gaps in between, where no session of the run was open. Start-up (imports)
is left out: it is the same for every schema. Times on a shared machine are noisy: compare
runs made side by side, and prefer the CPU and statement counts.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import wide_schemas as wide

import fastseed.api as api
import fastseed.load as load_mod
from fastseed.dialects.base import Adapter


def _zero() -> list[float]:
    return [0.0, 0.0]


@dataclass
class Run:
    phases: dict[str, list[float]] = field(default_factory=lambda: defaultdict(_zero))
    """phase -> [wall s, CPU s]"""
    statements: dict[str, list[float]] = field(default_factory=lambda: defaultdict(_zero))
    """phase -> [statements, their summed seconds]"""
    units: list[tuple[int, float, float]] = field(default_factory=list)
    """(tier, start, end) of each loading session"""
    phase: str = "connect"


RUN = Run()


def _timed_phase(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    async def wrapper(*args: Any, **kw: Any) -> Any:
        outer = RUN.phase
        RUN.phase = name
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return await fn(*args, **kw)
        finally:
            RUN.phases[name][0] += time.perf_counter() - wall
            RUN.phases[name][1] += time.process_time() - cpu
            RUN.phase = outer

    return wrapper


def _counted(fn: Callable[..., Any]) -> Callable[..., Any]:
    async def wrapper(*args: Any, **kw: Any) -> Any:
        phase = RUN.phase
        started = time.perf_counter()
        try:
            return await fn(*args, **kw)
        finally:
            RUN.statements[phase][0] += 1
            RUN.statements[phase][1] += time.perf_counter() - started

    return wrapper


def instrument(dialect: str, tier_of: dict[Any, int]) -> None:
    if dialect == "postgres":
        import asyncpg

        for m in ("execute", "fetch", "fetchval", "fetchrow", "_copy_in"):
            setattr(asyncpg.Connection, m, _counted(getattr(asyncpg.Connection, m)))
    else:
        import aiomysql

        for m in ("execute", "executemany"):
            setattr(aiomysql.Cursor, m, _counted(getattr(aiomysql.Cursor, m)))
    api.prepare = _timed_phase("reflect+plan", api.prepare)  # type: ignore[assignment]
    api.verify = _timed_phase("verify", api.verify)  # type: ignore[assignment]
    adapter_cls = _adapter_class(dialect)
    adapter_cls.open = classmethod(_timed_phase("connect", adapter_cls.open.__func__))  # type: ignore[method-assign]
    for name in ("enforced_constraints", "reset_sequences"):
        setattr(adapter_cls, name, _timed_phase(name, getattr(adapter_cls, name)))

    original_unit = load_mod._load_unit

    async def unit(session: Any, feeds: Any, u: Any, *args: Any, **kw: Any) -> None:
        started = time.perf_counter()
        try:
            await original_unit(session, feeds, u, *args, **kw)
        finally:
            RUN.units.append((tier_of.get(u.tables, -1), started, time.perf_counter()))

    load_mod._load_unit = unit  # type: ignore[assignment]


def _adapter_class(dialect: str) -> Any:
    from fastseed.dialects.base import adapter_class

    return adapter_class(dialect)


async def one_run(url: str, rows: int, tier_of: dict[Any, int]) -> Run:
    global RUN
    RUN = Run()
    loader = _timed_phase("load", load_mod.load)

    async def traced_loader(adapter: Adapter, plan: Any, **kw: Any) -> Any:
        tier_of.clear()
        for i, tier in enumerate(plan.tiers):
            for u in tier:
                tier_of[u.tables] = i
        return await loader(adapter, plan, **kw)

    wall, cpu = time.perf_counter(), time.process_time()
    await api.seed(url, rows=rows, seed=wide.SEED, loader=traced_loader)
    RUN.phases["total"] = [time.perf_counter() - wall, time.process_time() - cpu]
    return RUN


def tier_report(run: Run) -> list[tuple[str, float]]:
    """(label, seconds): each tier's span, and the time between tiers with no session open."""
    spans: dict[int, list[float]] = {}
    for tier, a, b in run.units:
        s = spans.setdefault(tier, [a, b])
        s[0], s[1] = min(s[0], a), max(s[1], b)
    out = []
    prev_end = None
    for tier in sorted(spans):
        a, b = spans[tier]
        if prev_end is not None:
            out.append((f"gap before tier {tier}", max(0.0, a - prev_end)))
        count = sum(1 for t, _, _ in run.units if t == tier)
        out.append((f"tier {tier} ({count} sessions)", b - a))
        prev_end = b
    return out


def _median(values: Iterable[float]) -> float:
    return float(statistics.median(values))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("schema")
    ap.add_argument("--dialect", default="postgres")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tiers", action="store_true", help="also print each tier's span")
    args = ap.parse_args()
    db = f"fsphases_{args.schema}"
    tier_of: dict[Any, int] = {}
    instrument(args.dialect, tier_of)
    wide.create(args.dialect, db, args.schema)
    runs: list[Run] = []
    try:
        tables: list[str] = []
        for i in range(args.runs):
            if tables:
                wide.empty(args.dialect, db, tables)
            runs.append(asyncio.run(one_run(wide.url(args.dialect, db), args.rows, tier_of)))
            if i == 0:
                tables, _ = wide.load_order(wide.plan(args.dialect, db, args.rows))
    finally:
        wide.drop(args.dialect, db)
    order = [
        "connect",
        "reflect+plan",
        "enforced_constraints",
        "load",
        "reset_sequences",
        "verify",
        "total",
    ]
    print(f"{args.schema} on {args.dialect}, --rows {args.rows}, median of {args.runs} run(s)")
    print(f"{'phase':<22}{'wall s':>8}{'CPU s':>8}{'stmts':>7}{'stmt s':>8}")
    for name in order:
        wall, cpu = (_median(r.phases[name][i] for r in runs) for i in (0, 1))
        count, spent = (_median(r.statements[name][i] for r in runs) for i in (0, 1))
        print(f"{name:<22}{wall:>8.3f}{cpu:>8.3f}{count:>7.0f}{spent:>8.3f}")
    if args.tiers:
        for label, seconds in tier_report(runs[len(runs) // 2]):
            print(f"  {label:<30}{seconds:>8.3f}")


if __name__ == "__main__":
    main()
