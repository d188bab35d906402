"""Runs of one shard of a saved plan (`seed --plan FILE --shard K/N`), and saving that plan.

A shard run loads its slice and commits it; it does not take the database-wide run lock
(the shards of one run load side by side), truncate, or verify: the other shards' rows may
still be on their way, so `fastseed verify` proves the whole once the last shard is done.
If it fails it removes its own rows, as any run does; rows of shards that finished stay.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from fastseed.api import RunOptions, open_journal, prepare
from fastseed.dialects.base import opened
from fastseed.errors import PlanError, UsageError
from fastseed.load import LoadResult, Progress, load
from fastseed.plan import Plan
from fastseed.shard import Shard
from fastseed.snapshot import Snapshot
from fastseed.url import DatabaseURL, guard_remote, parse_url


def check_existing(plan: Plan, mode: str) -> None:
    """Shards append: 'fail' refuses tables that hold rows, and 'truncate' is refused (a
    shard must not empty what another loads; empty the tables before planning)."""
    busy = [str(n) for n, tp in plan.tables.items() if tp.existing and tp.rows]
    if not busy:
        return
    if mode == "truncate":
        raise UsageError(
            "a sharded run cannot truncate: empty the tables first, then save the plan"
        )
    if mode == "fail":
        raise PlanError(
            f"tables already hold rows ({', '.join(busy[:5])}) and on_existing is 'fail'; "
            "nothing was written"
        )


async def save_plan(
    url: str | DatabaseURL,
    options: RunOptions,
    path: str | Path,
    *,
    locale: str | None = None,
    allow_remote: bool = False,
    timeout: float | None = None,
) -> Snapshot:
    """Plan against what the database holds now and save it for the shards to load."""
    db = parse_url(url) if isinstance(url, str) else url
    guard_remote(db, allow_remote=allow_remote)
    async with opened(db, pool_size=2, timeout=timeout or 10.0) as adapter:
        plan = await prepare(adapter, options)
    plan.check()
    check_existing(plan, options.effective_on_existing)
    sc = options.scenario
    snapshot = Snapshot(plan, options.effective_seed, locale or (sc and sc.locale) or "en")
    snapshot.save(path)
    return snapshot


async def seed_shard(
    url: str | DatabaseURL,
    snapshot: Snapshot,
    shard: Shard,
    *,
    tiers: Sequence[int] | None = None,
    batch_size: int = 5000,
    workers: int = 4,
    streams: int | None = None,
    fast: bool = False,
    allow_remote: bool = False,
    timeout: float | None = None,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
) -> LoadResult:
    """Load shard `shard` of the saved plan (of its `tiers` only, when given); raises a
    FastseedError subclass on failure, this shard's rows removed."""
    db = parse_url(url) if isinstance(url, str) else url
    guard_remote(db, allow_remote=allow_remote)
    for tier in tiers or ():
        if not 0 <= tier < len(snapshot.plan.tiers):
            raise UsageError(
                f"--tier {tier}: the plan has tiers 0 to {len(snapshot.plan.tiers) - 1}"
            )
    async with opened(db, pool_size=workers + 1, timeout=timeout or 10.0) as adapter:
        run_journal = open_journal(adapter, notice)
        result = await load(
            adapter,
            snapshot.plan,
            seed=snapshot.seed,
            locale=snapshot.locale,
            batch_size=batch_size,
            workers=workers,
            streams=streams,
            fast=fast,
            progress=progress,
            journal=run_journal,
            shard=shard,
            tiers=tiers,
        )
        # after the load, not in it: on MySQL this is DDL, which would wait for the
        # transactions of shards still loading (a Dask run resets once, after every task)
        plan = snapshot.plan
        await adapter.reset_sequences([plan.catalog.tables[t] for t in plan.tables])
        if run_journal is not None:
            run_journal.close()
    return result
