"""Load a plan's shards as Dask tasks (`seed --dask ADDRESS --shards N`, `fastseed[dask]`).

The run plans once and verifies once, as a single run does (api.seed); only the load is
handed out: each stage's N shards (a tier with FKs checked; every tier at once when no FK is
checked while loading) run as tasks on the cluster's workers, and the next stage starts once
they have all committed. Each task returns the undo tokens of what it committed; if a task
fails, the others are told to stop (they remove their own rows) and the run removes what the
finished ones committed, so a failed run leaves the database as it found it. Progress comes
back from the tasks through a Dask event topic.

The run's crash journal is kept here, by the coordinator: before any session of a task
commits, its undo token goes through another topic to the coordinator, which appends it to
the journal and then lets the session commit (a Dask event). So a coordinator killed while
tasks run leaves every committed session of theirs in the journal (`fastseed undo`), and a
task whose coordinator is gone cannot commit: its session rolls back.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio

from fastseed.dialects.base import Adapter, UncheckedLoad, opened
from fastseed.errors import FastseedError, LoadError, UsageError
from fastseed.journal import Journal
from fastseed.load import LoadResult, Progress, load
from fastseed.plan import Plan
from fastseed.schema import TableName
from fastseed.shard import Shard
from fastseed.url import DatabaseURL

_FLUSH_SECONDS = 0.25
"""How often a task sends its progress and asks whether the run was aborted."""
_JOURNAL_SECONDS = 30.0
"""How long a session waits for the coordinator to journal its token before giving up (and
rolling back): a coordinator alive answers in milliseconds."""


class _Aborted(LoadError):
    """Another shard failed: this one stops (and removes its own rows)."""


@dataclass(frozen=True)
class DaskRunner:
    """A `load` that runs shards on a Dask cluster: `address` of its scheduler, or
    'local:W' for a LocalCluster of W worker processes started (and stopped) here."""

    address: str
    shards: int | None = None
    """Shards per stage; None: one per worker."""

    async def __call__(
        self,
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
        journal: Journal | None = None,
    ) -> LoadResult:
        if disable_triggers:
            raise UsageError("--disable-triggers is not available with --dask")
        try:
            import distributed  # noqa: F401 - the optional extra, checked before any write
        except ImportError:
            raise UsageError("--dask needs the extra: pip install 'fastseed[dask]'") from None
        plan.check()
        job = _Job(self, adapter, plan, journal, progress)
        job.task_args = dict(
            url=adapter.url, seed=seed, locale=locale, batch_size=batch_size, sessions=workers
        )
        job.task_args["streams"] = streams
        job.task_args["journaled"] = journal is not None
        return await job.run(fast)


class _Job:
    """One run's load on the cluster: its stages, the tokens of what was committed."""

    def __init__(
        self,
        runner: DaskRunner,
        adapter: Adapter,
        plan: Plan,
        journal: Journal | None,
        progress: Progress | None,
    ):
        self.runner, self.adapter, self.plan = runner, adapter, plan
        self.journal, self.progress = journal, progress
        self.run_id = uuid.uuid4().hex
        self.task_args: dict[str, Any] = {}
        self.tokens: list[Any] = []
        """What the finished shards committed, oldest first, as `Adapter.token_json` gives it."""
        self.names = {str(t): t for t in plan.tables}

    async def run(self, fast: bool) -> LoadResult:
        adapter, plan = self.adapter, self.plan
        loaded = [plan.catalog.tables[t] for t, tp in plan.tables.items() if tp.rows]
        suspended = await adapter.suspend_foreign_keys(loaded, plan.catalog) if fast else None
        unchecked = suspended is not None and await adapter.foreign_keys_unchecked(
            suspended, loaded
        )
        stages = (
            [list(range(len(plan.tiers)))] if unchecked else [[i] for i in range(len(plan.tiers))]
        )
        # the tasks' sessions skip the checks themselves; dropped FKs are gone for everyone
        self.task_args["skip_fk_checks"] = isinstance(suspended, UncheckedLoad)
        result = LoadResult()
        started = time.perf_counter()
        try:
            parts = await anyio.to_thread.run_sync(self._run_stages, stages)
            await adapter.reset_sequences([plan.catalog.tables[t] for t in plan.tables])
            if suspended is not None:
                await adapter.restore_foreign_keys(suspended)
                result.proven_fks = adapter.proven_foreign_keys(suspended)
                result.counted_rows = adapter.counted_rows(suspended)
                result.fast_method = adapter.fast_method(suspended)
            elif fast:
                result.fast_method = adapter.fast_method(None)
        except BaseException as exc:
            with anyio.CancelScope(shield=True):
                tokens = [adapter.token_from_json(t) for t in reversed(self.tokens)]
                await adapter.undo(tokens)
                if self.journal is not None:
                    self.journal.close()
                if suspended is not None:
                    await adapter.restore_foreign_keys(suspended)
            if isinstance(exc, FastseedError) or not isinstance(exc, Exception):
                raise
            raise LoadError(f"load failed: {exc}") from exc
        for part in parts:
            for name, n in part.rows.items():
                result.rows[name] = result.rows.get(name, 0) + n
            for key, n in part.anomalies.items():
                result.anomalies[key] = result.anomalies.get(key, 0) + n
            result.labels = result.labels or part.labels
        result.seconds = time.perf_counter() - started
        return result

    def _run_stages(self, stages: list[list[int]]) -> list[LoadResult]:
        """In a thread (the Dask client blocks): each stage's shards, one stage after the
        other; the first failure aborts the others and is raised once they have ended."""
        import distributed

        runner = self.runner
        with _client(runner.address) as client:
            shards = runner.shards or max(1, len(client.scheduler_info()["workers"]))
            topic = f"fastseed-progress-{self.run_id}"
            client.subscribe_topic(topic, self._on_event)
            journal_topic = f"fastseed-journal-{self.run_id}"
            if self.journal is not None:
                client.subscribe_topic(journal_topic, self._on_token(client))
            abort = distributed.Event(f"fastseed-abort-{self.run_id}", client=client)
            [plan] = client.scatter([self.plan], broadcast=True)
            out: list[LoadResult] = []
            for tiers in stages:
                futures = [
                    client.submit(
                        _run_shard,
                        plan,
                        Shard(k, shards),
                        tiers,
                        self.run_id,
                        **self.task_args,
                        pure=False,
                        retries=0,
                    )
                    for k in range(shards)
                ]
                failure: BaseException | None = None
                for future in distributed.as_completed(futures):
                    error = future.exception() if future.status == "error" else None
                    if error is None and future.status == "finished":
                        part: LoadResult = future.result()
                        self.tokens += reversed(part.undo_tokens)  # journaled as they began
                        out.append(part)
                    elif failure is None:
                        failure = error or LoadError(f"shard task {future.status}")
                        abort.set()
                        client.cancel([f for f in futures if f.status == "pending"])
                    elif not isinstance(error, _Aborted) and isinstance(failure, _Aborted):
                        failure = error
                if failure is not None:
                    raise failure
            client.unsubscribe_topic(topic)
            if self.journal is not None:
                client.unsubscribe_topic(journal_topic)
            return out

    def _on_event(self, event: tuple[float, Any]) -> None:
        """A task's (table, rows written since its last report), on the client's thread."""
        table, n = event[1]
        if self.progress is not None and table in self.names:
            self.progress(self.names[table], n)

    def _on_token(self, client: Any) -> Callable[[tuple[float, Any]], Awaitable[None]]:
        """The handler of a task's (event name, undo token), on the client's event loop:
        journaled (durable), then the task's session is told it may commit."""
        journal = self.journal
        assert journal is not None

        async def on_token(event: tuple[float, Any]) -> None:
            name, token = event[1]
            journal.record(token)
            await client.scheduler.event_set(name=name)

        return on_token


class _CoordinatorJournal:
    """The run's journal as a task sees it (a `TokenSink`): each token is sent to the
    coordinator, and the session commits only once the coordinator has journaled it."""

    def __init__(self, worker: Any, run_id: str, shard: Shard):
        self.worker, self.run_id, self.shard = worker, run_id, shard

    def record(self, token: Any) -> None:
        import distributed

        # a name never used again: a late answer to a session that gave up must not
        # let another one commit
        name = f"fastseed-journaled-{uuid.uuid4().hex}"
        self.worker.log_event(f"fastseed-journal-{self.run_id}", (name, token))
        journaled = distributed.Event(name)
        try:
            if not journaled.wait(_JOURNAL_SECONDS):
                raise LoadError(
                    f"shard {self.shard}: the coordinator did not journal a session within "
                    f"{_JOURNAL_SECONDS:g} s (gone?): it is rolled back, not committed"
                )
        finally:
            journaled.clear()  # forgotten by the scheduler

    def close(self) -> None:
        """The coordinator removes its journal when the run ends cleanly."""


class _client:
    """A Dask client on `address`, or on a LocalCluster of W processes for 'local:W'."""

    def __init__(self, address: str):
        self.address = address
        self.cluster: Any = None
        self.client: Any = None

    def __enter__(self) -> Any:
        import distributed

        if self.address.startswith("local:"):
            workers = int(self.address.removeprefix("local:") or 1)
            self.cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self.client = distributed.Client(self.cluster)
        else:
            self.client = distributed.Client(self.address)
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _run_shard(
    plan: Plan,
    shard: Shard,
    tiers: list[int],
    run_id: str,
    *,
    url: DatabaseURL,
    seed: int,
    locale: str,
    batch_size: int,
    sessions: int,
    streams: int | None,
    skip_fk_checks: bool,
    journaled: bool,
) -> LoadResult:
    """A Dask task, in a worker: load one shard of some tiers; its rows are removed again
    if it fails or the run aborts (another shard failed)."""
    import distributed

    worker = distributed.get_worker()
    abort = distributed.Event(f"fastseed-abort-{run_id}")
    topic = f"fastseed-progress-{run_id}"
    pending: Counter[str] = Counter()
    last = time.monotonic()

    def progress(table: TableName, n: int) -> None:
        nonlocal last
        if n == 0:
            worker.log_event(topic, (str(table), 0))
        pending[str(table)] += n
        now = time.monotonic()
        if now - last < _FLUSH_SECONDS:
            return
        last = now
        for name, rows in pending.items():
            worker.log_event(topic, (name, rows))
        pending.clear()
        if abort.is_set():
            raise _Aborted(f"shard {shard} stopped: another shard failed")

    async def go() -> LoadResult:
        async with opened(url, pool_size=sessions + 1) as adapter:
            adapter.skip_fk_checks = skip_fk_checks
            result = await load(
                adapter,
                plan,
                seed=seed,
                locale=locale,
                batch_size=batch_size,
                workers=sessions,
                streams=streams,
                progress=progress,
                journal=_CoordinatorJournal(worker, run_id, shard) if journaled else None,
                shard=shard,
                tiers=tiers,
            )
        for name, rows in pending.items():
            worker.log_event(topic, (name, rows))
        return result

    if abort.is_set():
        raise _Aborted(f"shard {shard} not started: another shard failed")
    return anyio.run(go)
