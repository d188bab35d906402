"""Load a plan: tiers in order, each tier's units concurrently, each unit in one transaction.

Generation of the next batch runs in a worker thread while the current one is written, through
a bounded stream, so memory holds at most a couple of batches per unit whatever the row count.
If anything fails (or the run is cancelled), the rows written by units that already committed
are removed again, so a failed run leaves the database as it found it.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import numpy as np
from anyio.abc import ObjectReceiveStream, TaskGroup

from fastseed import cpu
from fastseed.dialects.base import Adapter, UncheckedLoad
from fastseed.errors import ConnectError, FastseedError, LoadError, UsageError, first_leaf
from fastseed.generate.batch import Batch
from fastseed.generate.table import RunGenerators, TableGen, deferred_null_columns
from fastseed.journal import TokenSink
from fastseed.load_order import LoadOrder
from fastseed.memory import TRIM_EVERY, limit_arenas, trim_heap
from fastseed.plan import DEFERRABLE, FORCED, NULL_THEN_UPDATE, Plan, Unit
from fastseed.schema import TableName
from fastseed.shard import Job, Shard, splittable
from fastseed.url import DatabaseURL

Progress = Callable[[TableName, int], None]
MAX_CHECK_ATTEMPTS = 100
"""Re-draws of rows failing a CHECK fastseed cannot parse; each round re-tests only those."""


@dataclass
class LoadResult:
    rows: dict[TableName, int] = field(default_factory=dict)
    seconds: float = 0.0
    proven_fks: set[tuple[TableName, str]] = field(default_factory=set)
    """FKs the server VALIDATEd after a fast-mode load: no need to count their orphans."""
    anomalies: dict[str, int] = field(default_factory=dict)
    """'table.column: kind' -> anomalous values written (anomaly mode only)."""
    fast_method: str | None = None
    """How fast mode took the FKs out of the way (None without fast mode)."""
    counted_rows: dict[TableName, int] = field(default_factory=dict)
    """Row counts taken by SQL once the load was committed (fast mode's FK proof)."""
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    """How each column was generated, from the run's own generators (their pools are built)."""
    undo_tokens: list[Any] = field(default_factory=list)
    """A shard's committed sessions, newest first, as `Adapter.token_json` gives them: the
    run that sharded the plan undoes them if another shard fails."""

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def default_streams(url: DatabaseURL) -> int:
    """Sessions per big table when none is asked for: one per core when the server shares
    this machine, since server processes beyond the cores only contend (2 cores, shop
    benchmark with FKs checked: 2 streams 6.1 s, 3 streams 7.4 s, 4 streams 7.0 s); 4 for a
    server elsewhere, whose cores cannot be seen from here."""
    if not url.is_local():
        return 4
    try:
        cores = len(os.sched_getaffinity(0))  # the CPUs this process may use (cgroups, taskset)
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 4
    return max(2, min(cores, 8))


async def load(
    adapter: Adapter,
    plan: Plan,
    *,
    seed: int,
    locale: str = "en",
    batch_size: int = 5000,
    workers: int = 4,
    streams: int | None = None,
    fast: bool = False,
    progress: Progress | None = None,
    disable_triggers: bool = False,
    journal: TokenSink | None = None,
    shard: Shard | None = None,
    tiers: Sequence[int] | None = None,
) -> LoadResult:
    """Write every table of the plan; on failure undo this run's rows and raise LoadError.

    `workers` bounds the sessions open at once; a big table that needs no ordering among its
    own rows is split into `streams` row ranges loaded concurrently, since one server
    process checking FKs for one COPY is the bottleneck (benchmarks/PROFILE.md). Without
    `streams`, `default_streams` sessions are shared among the tables that load at the same
    time, by their row counts.

    `fast` (for empty targets) takes the FKs of the loaded tables out of the way during the
    load and puts them back afterwards, checked, also when the load fails.
    `disable_triggers` has the loading sessions skip user triggers (and so the FK checks,
    whose orphans are counted after, as in fast mode).
    `journal` gets each unit's undo token before its COMMIT; it is closed (removed) here when
    a failed load was fully undone, and by the caller once a loaded run has ended (verified).

    `shard` writes only that shard's rows (shard.py), of the plan's `tiers` (indices; None:
    all). A shard leaves what concerns every shard to whoever runs them all: in fast mode the
    FKs are skipped per session only (never dropped while other shards load) and not counted
    after, since other shards' rows may still be on their way.
    """
    plan.check()
    limit_arenas()
    gens = RunGenerators(plan, seed=seed, locale=locale, deferred_null=deferred_null_columns(plan))
    result = LoadResult()
    # every session that started: its token is read even if its COMMIT failed midway, since
    # the outcome of a COMMIT cut off by a lost connection is unknown (undo is then harmless)
    sessions: list[Any] = []
    limit = anyio.CapacityLimiter(workers if adapter.capabilities.concurrent_sessions else 1)
    started = time.perf_counter()

    loaded = [plan.catalog.tables[t] for t, tp in plan.tables.items() if tp.rows]
    suspended: Any = None
    if disable_triggers:
        suspended = await adapter.skip_triggers(loaded, plan.catalog)
    elif fast:
        suspended = await adapter.suspend_foreign_keys(loaded, plan.catalog)
        if shard is not None and not isinstance(suspended, UncheckedLoad):
            await adapter.restore_foreign_keys(suspended)
            raise UsageError(
                f"--fast with --shard: {adapter.name} cannot skip FK checks per session here "
                "(on PostgreSQL that needs a superuser), and dropping FKs while other shards "
                "load is not safe; load the shards with FKs checked, tier by tier"
            )
    skip = {(d.table, d.fk.name) for tier in plan.tiers for u in tier for d in u.deferred}
    undeferred = skip if suspended else set()

    parallel = streams or default_streams(adapter.url)
    if not adapter.capabilities.concurrent_sessions:
        parallel = 1
    chosen: Sequence[Sequence[Unit]] = plan.tiers
    if tiers is not None:
        chosen = [plan.tiers[i] for i in tiers]
    if suspended is not None and await adapter.foreign_keys_unchecked(suspended, loaded):
        # No FK is checked while loading: no table has to wait for its parents. Biggest
        # first, so the longest load does not start last while the others are done.
        units = [unit for tier in chosen for unit in tier]
        units.sort(key=lambda u: -sum(plan.tables[t].rows for t in u.tables))
        chosen = [units]
    per_tier = [
        _tier_jobs(adapter, plan, tier, parallel, batch_size, streams is None) for tier in chosen
    ]
    if shard is not None:
        per_tier = [shard.jobs(plan, tier_jobs) for tier_jobs in per_tier]
    jobs = [job for tier_jobs in per_tier for job in tier_jobs]
    groups = [g for tier_jobs in per_tier for g in _sessions(plan, tier_jobs, parallel, batch_size)]
    number = {unit: u for u, unit in enumerate(unit for tier in chosen for unit in tier)}
    order = LoadOrder(plan, chosen, [sum(j[0] == unit for j in jobs) for unit in number])
    if journal is not None:
        adapter.before_commit = journal.record
    try:
        async with anyio.create_task_group() as ahead:
            feeds = _Feeds(ahead, adapter, gens, batch_size)

            begun: set[int] = set()

            async def run_session(g: int, group: list[Job]) -> None:
                for unit, _ in group:
                    await order.parents_committed(number[unit])
                async with limit:
                    begun.add(g)
                    # the first batches of the sessions likely to start next are made while
                    # this one loads, so that they do not start by waiting for them (and the
                    # pools they build)
                    feeds.prefetch([gr for i, gr in enumerate(groups) if i not in begun], workers)
                    await _load_session(
                        adapter, feeds, group, result, progress, sessions, undeferred
                    )
                for unit, _ in group:
                    order.part_committed(number[unit])

            feeds.prefetch(groups, workers)
            async with anyio.create_task_group() as tg:
                for g, group in enumerate(groups):
                    tg.start_soon(run_session, g, group)
            ahead.cancel_scope.cancel()  # every feed was taken and ran dry: nothing to stop
        if shard is None:  # a shard's caller resets them, once its sessions are all done
            await adapter.reset_sequences([plan.catalog.tables[t] for t in plan.tables])
        if shard is not None:
            adapter.skip_fk_checks = False
            result.fast_method = adapter.fast_method(suspended) if fast else None
        elif suspended is not None:
            await adapter.restore_foreign_keys(suspended)
            result.proven_fks = adapter.proven_foreign_keys(suspended)
            result.counted_rows = adapter.counted_rows(suspended)
            result.fast_method = adapter.fast_method(suspended)
        elif fast:  # the dialect has no fast mode: say so rather than ignore the flag
            result.fast_method = adapter.fast_method(None)
    except BaseException as exc:
        tokens = [s.undo_token for s in reversed(sessions) if s.undo_token is not None]
        unrestored = None
        with anyio.CancelScope(shield=True):
            try:
                await adapter.undo(tokens)
            except FastseedError as failed:  # the journal stays, for `fastseed undo`
                raise _undo_failed(exc, failed, adapter, tokens, journal) from exc
            if journal is not None:
                journal.close()
            adapter.skip_fk_checks = False
            if suspended is not None and shard is None:
                try:
                    await adapter.restore_foreign_keys(suspended)
                except Exception as again:  # rows from before the run break an FK
                    unrestored = first_leaf(again)
        first = first_leaf(exc)
        if unrestored is not None:
            raise LoadError(f"{first}; after removing this run's rows: {unrestored}") from exc
        if isinstance(first, FastseedError) or not isinstance(first, Exception):
            raise first from None  # ours, or Ctrl-C / SIGTERM / cancellation
        raise LoadError(f"load failed: {first}") from exc
    finally:
        adapter.before_commit = None
    result.seconds = time.perf_counter() - started
    if shard is not None:  # only a shard's coordinator needs them, as data
        result.undo_tokens = [
            adapter.token_json(s.undo_token) for s in reversed(sessions) if s.undo_token is not None
        ]
    result.anomalies = gens.anomaly_counts()
    result.labels = {str(name): gens.table(name).labels() for name in plan.tables}
    return result


def _undo_failed(
    exc: BaseException,
    failed: FastseedError,
    adapter: Adapter,
    tokens: Sequence[Any],
    journal: TokenSink | None,
) -> FastseedError:
    """The run failed and so did its undo: say what stays and how to remove it, never
    that the database is as it was. Unreachable (exit 6) when the undo could not get an
    answer from the server, else the undo's own failure (a row it would orphan, ...)."""
    first = first_leaf(exc)
    cause = "interrupted" if not isinstance(first, Exception) else str(first)
    names = (adapter.token_json(t) or {} for t in tokens)
    tables = ", ".join(dict.fromkeys(n for data in names for n in data.get("tables", ())))
    stays = f"the rows this run committed to {tables or 'its tables'} stay"
    unreachable = isinstance(failed, ConnectError)
    if journal is not None:
        when = "when the server answers again" if unreachable else "once that is dealt with"
        command = f"fastseed undo {adapter.url.redacted()}"
        fix = f"the crash journal keeps them: `{command}` removes them {when}"
    else:
        fix = "no crash journal was kept, so they must be removed by hand"
    message = f"{cause}; then the undo failed ({failed}): {stays}; {fix}"
    error = ConnectError(message) if unreachable else LoadError(message)
    error.code = failed.code
    return error


BATCH_BYTES = 1 << 20
"""Most bytes of values a batch holds: a batch closes at `batch_size` rows or at this size,
whichever comes first (as pgloader's batch size), so a wide table's batches (and the
encoders' temporaries, several times their size) stay as small as a narrow table's."""
_SAMPLE_ROWS = 64


def rows_per_batch(gen: TableGen, first: int, last: int, batch_size: int) -> int:
    """Rows per batch for a table part: `batch_size`, fewer when a sample of its rows says
    that many would pass BATCH_BYTES."""
    if min(last - first, batch_size) <= _SAMPLE_ROWS or gen.unhandled_checks:
        return batch_size
    sample = gen.batch(first, first + _SAMPLE_ROWS)
    per_row = max(1, sample.nbytes() // _SAMPLE_ROWS)
    return max(1, min(batch_size, BATCH_BYTES // per_row))


class _Feeds:
    """Each table part's batches, made in a worker thread ahead of the session that writes
    them, through a stream that holds one batch: memory stays at a couple of batches per
    feed whatever the row count."""

    def __init__(self, tg: TaskGroup, adapter: Adapter, gens: RunGenerators, batch_size: int):
        self._tg, self._adapter = tg, adapter
        self.gens, self.batch_size = gens, batch_size
        self._open: dict[tuple[TableName, tuple[int, int] | None], ObjectReceiveStream[Any]] = {}
        self._rows: dict[tuple[TableName, tuple[int, int] | None], int] = {}
        self._sized: dict[tuple[TableName, tuple[int, int] | None], anyio.Event] = {}
        self._taken: set[tuple[TableName, tuple[int, int] | None]] = set()

    async def rows_per_batch(self, name: TableName, part: tuple[int, int] | None) -> int:
        """Rows per batch of one table part, decided once (its writer counts the batches),
        in a worker thread: the sample builds the table's pools, which on the event loop
        stalled every session's I/O (16% of trafficcontrol's samples, PROFILE.md)."""
        key = (name, part)
        if key not in self._sized:
            self._sized[key] = sized = anyio.Event()
            first, last = part or (0, self.gens.plan.tables[name].rows)
            gen = self.gens.table(name)
            self._rows[key] = await cpu.run(rows_per_batch, gen, first, last, self.batch_size)
            sized.set()
        await self._sized[key].wait()
        return self._rows[key]

    def start(self, name: TableName, part: tuple[int, int] | None) -> None:
        if (name, part) in self._open or (name, part) in self._taken:
            return
        send, receive = anyio.create_memory_object_stream[Any](1)
        self._tg.start_soon(self._feed, name, part, send)
        self._open[(name, part)] = receive

    async def _feed(self, name: TableName, part: tuple[int, int] | None, send: Any) -> None:
        gen = self.gens.table(name)
        first, last = part or (0, self.gens.plan.tables[name].rows)
        size = await self.rows_per_batch(name, part)
        await _batches(self._adapter, gen, first, last, size, send)

    def prefetch(self, sessions: list[list[Job]], count: int) -> None:
        """Start the feeds of the first `count` sessions' first tables (the ones that start
        first)."""
        for group in sessions[:count]:
            unit, part = group[0]
            for name in unit.tables:
                self.start(name, part)

    def take(self, name: TableName, part: tuple[int, int] | None) -> ObjectReceiveStream[Any]:
        self.start(name, part)
        self._taken.add((name, part))
        return self._open.pop((name, part))


async def _batches(
    adapter: Adapter, gen: TableGen, first: int, last: int, batch_size: int, send: Any
) -> None:
    async with send:
        for n, start in enumerate(range(first, last, batch_size), 1):
            stop = min(last, start + batch_size)
            if n % TRIM_EVERY == 0:
                trim_heap()
            try:
                if gen.unhandled_checks:
                    rows = await cpu.run(gen.rows, start, stop)
                    await send.send(await _pretested(adapter, gen, start, rows))
                else:
                    await send.send(await cpu.run(gen.batch, start, stop))
            except anyio.BrokenResourceError:
                return  # the writer stopped: it failed or was cancelled, and says why itself


async def _pretested(
    adapter: Adapter, gen: TableGen, start: int, rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Ask the server which rows violate CHECKs fastseed cannot parse; re-draw just those."""
    checks = gen.unhandled_checks
    bad = await adapter.failing_rows(gen.table, gen.write_columns, rows, checks)
    for attempt in range(1, MAX_CHECK_ATTEMPTS + 1):
        if not bad:
            return rows
        local = np.array(bad, dtype=np.int64) + start
        redrawn = await cpu.run(gen.rows_at, local, attempt)
        for pos, row in zip(bad, redrawn, strict=True):
            rows[pos] = row
        still = await adapter.failing_rows(gen.table, gen.write_columns, redrawn, checks)
        bad = [bad[i] for i in still]
    if bad:
        names = ", ".join(c.name for c in checks)
        raise LoadError(
            f"{gen.table.name}: {len(bad)} rows still violate CHECK {names} after "
            f"{MAX_CHECK_ATTEMPTS} re-draws; set the columns it uses in the scenario"
        )
    return rows


def _tier_jobs(
    adapter: Adapter, plan: Plan, tier: Sequence[Unit], streams: int, batch_size: int, shared: bool
) -> list[tuple[Unit, tuple[int, int] | None]]:
    """(unit, row range) for each session of one tier, in the tier's order.

    `shared` divides the streams among the tier's units by their rows: units that load side
    by side already keep the cores busy (fast mode, all tables at once on 2 cores: one
    session per table 4.00 s, two per table 4.27 s)."""
    sizes = [sum(plan.tables[t].rows for t in unit.tables) for unit in tier]
    total = sum(sizes)
    jobs: list[tuple[Unit, tuple[int, int] | None]] = []
    for unit, rows in zip(tier, sizes, strict=True):
        if rows:
            n = max(1, round(streams * rows / total)) if shared else streams
            jobs += [(unit, part) for part in _parts(adapter, plan, unit, n, batch_size)]
    return jobs


_SMALL = 10
"""A job of at most 1/_SMALL of a batch's rows shares its session (`_sessions`)."""


def _sessions(plan: Plan, tier_jobs: list[Job], parallel: int, batch_size: int) -> list[list[Job]]:
    """One tier's jobs by session. A job of a tenth of a batch or less (one table, no
    deferred FK) shares a session with other such jobs: each session pays BEGIN, the undo
    token, COMMIT and the pool's reset, round trips that cost more than a small table's COPY.
    Bigger jobs keep a session each: sharing serialises them, and a child then waits for
    the whole shared session to commit (flowable, 62 tables of 5,000 rows, all shared: wall
    time 11.1-12.9 s against 12.7-15.8 s apart, on a busy machine). The small jobs are dealt
    biggest first to the least loaded of `parallel` sessions."""
    small: list[tuple[int, Job]] = []
    out: list[list[Job]] = []
    for job in tier_jobs:
        unit, part = job
        rows = part[1] - part[0] if part else plan.tables[unit.tables[0]].rows
        if len(unit.tables) == 1 and not unit.deferred and rows * _SMALL <= batch_size:
            small.append((rows, job))
        else:
            out.append([job])
    if len(small) < 2:
        return out + [[job] for _, job in small]
    shared: list[list[Job]] = [[] for _ in range(min(parallel, len(small)))]
    load = [0] * len(shared)
    for rows, job in sorted(small, key=lambda s: -s[0]):
        k = load.index(min(load))
        shared[k].append(job)
        load[k] += rows
    return shared + out


def _parts(
    adapter: Adapter, plan: Plan, unit: Unit, streams: int, batch_size: int
) -> list[tuple[int, int] | None]:
    """Row ranges of a one-table unit to load in parallel sessions; [None] for 'all of it'.

    Only units whose rows need no order among themselves are split (`splittable`).
    """
    if not splittable(plan, unit):
        return [None]
    name = unit.tables[0]
    table = plan.catalog.tables[name]
    total = plan.tables[name].rows
    streams = adapter.streams_for(table, streams)
    if streams < 2 or total < 2 * batch_size:
        return [None]
    # whole batches per part, so batch boundaries are the same as in one stream
    batches = -(-total // batch_size)
    per = -(-batches // streams)
    bounds = [min(total, i * per * batch_size) for i in range(streams + 1)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if a < b]


async def _load_session(
    adapter: Adapter,
    feeds: _Feeds,
    group: list[Job],
    result: LoadResult,
    progress: Progress | None,
    sessions: list[Any],
    undeferred: set[tuple[TableName, str]] | None = None,
) -> None:
    """The jobs of `group`, one after the other, in one session (one transaction)."""
    async with adapter.session() as session:
        sessions.append(session)
        for i, (unit, part) in enumerate(group):
            if i + 1 < len(group):  # the next job's first batch is made while this one loads
                following, its_part = group[i + 1]
                feeds.start(following.tables[0], its_part)
            await _load_unit(session, feeds, unit, result, progress, part, undeferred)


async def _load_unit(
    session: Any,
    feeds: _Feeds,
    unit: Unit,
    result: LoadResult,
    progress: Progress | None,
    part: tuple[int, int] | None = None,
    undeferred: set[tuple[TableName, str]] | None = None,
) -> None:
    gens = feeds.gens
    catalog = gens.catalog
    batch_size = feeds.batch_size
    for d in unit.deferred:
        # in fast mode the FK is gone for the load: nothing to defer
        if d.method in (DEFERRABLE, FORCED) and (d.table, d.fk.name) not in (undeferred or ()):
            await session.defer(catalog.tables[d.table], d.fk)
    for name in unit.tables:
        table = catalog.tables[name]
        gen = gens.table(name)
        first, last = part or (0, gens.plan.tables[name].rows)
        receive = feeds.take(name, part)
        count = -(-(last - first) // await feeds.rows_per_batch(name, part))
        await _write_all(session, table, gen, receive, result, progress, count)
    for d in unit.deferred:
        if d.method == NULL_THEN_UPDATE:
            table = catalog.tables[d.table]
            gen = gens.table(d.table)
            key = _row_key(table)
            total = gens.plan.tables[d.table].rows
            for start in range(0, total, batch_size):
                rows = await cpu.run(
                    gen.update_rows, d.fk, key, start, min(total, start + batch_size)
                )
                await session.update(table, key, d.fk.columns, rows)


async def _write_all(
    session: Any,
    table: Any,
    gen: TableGen,
    receive: ObjectReceiveStream[Any],
    result: LoadResult,
    progress: Progress | None,
    count: int,
) -> None:
    async def received() -> AsyncIterator[Any]:
        seen = 0
        async for item in receive:
            seen += 1
            yield item
        if seen < count:
            # The feed ended early because making a batch failed. Its error is on the way to
            # cancel this task: wait for it rather than write (and commit) a cut-off table.
            await anyio.sleep_forever()

    def done(n: int) -> None:
        result.rows[table.name] = result.rows.get(table.name, 0) + n
        if progress:
            progress(table.name, n)

    if progress:
        progress(table.name, 0)  # started: a display times the table from here
    async with receive:
        if gen.unhandled_checks:  # pretested rows, one list per batch
            async for rows in received():
                await session.write(table, gen.write_columns, rows)
                done(len(rows))
            return

        # A batch is counted once the writer asks for the next one, but the last one only
        # when the statement has ended: the driver takes a COPY's data long before the
        # server has checked it, and a table would show done while its FKs are still checked.
        held = 0

        async def batches() -> AsyncIterator[Batch]:
            nonlocal held
            async for batch in received():
                if held:
                    done(held)
                yield batch
                held = batch.size

        await session.write_batches(table, gen.write_columns, batches(), count)
        if held:
            done(held)


def _row_key(table: Any) -> tuple[str, ...]:
    if table.primary_key is not None:
        return tuple(table.primary_key.columns)
    for key in table.uniques:
        if all(not table.column(c).nullable for c in key.columns):
            return tuple(key.columns)
    raise LoadError(f"{table.name}: no key to update deferred FKs by")
