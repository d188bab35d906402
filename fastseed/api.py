"""The async library API: what the CLI calls, and what benchmark scripts can call directly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from fnmatch import fnmatch
from typing import Any

import anyio

from fastseed import journal
from fastseed.dialects.base import Adapter, TriggerRejected, opened
from fastseed.errors import PlanError, UsageError
from fastseed.generate import concepts, timeline
from fastseed.generate.kinds.temporal import seconds_of
from fastseed.generate.rules import table_rules
from fastseed.generate.table import RunGenerators, deferred_null_columns
from fastseed.journal import Journal
from fastseed.load import LoadResult, Progress, load
from fastseed.plan import Plan, RowRequest, Sample
from fastseed.planner import build_plan
from fastseed.scenario import Scenario, resolve_fk, validate_against_catalog
from fastseed.schema import Catalog, Column, ForeignKey, Kind, Table, TableName
from fastseed.server import TableState
from fastseed.url import DatabaseURL, guard_remote, parse_url
from fastseed.verify import VerifyResult, verify

DEFAULT_LOCK_TIMEOUT = 600.0
"""Seconds a run waits for another fastseed run on the same database (`--lock-timeout`)."""


@dataclass
class SeedResult:
    plan: Plan
    load: LoadResult
    verify: VerifyResult


async def read_states(adapter: Adapter, catalog: Catalog) -> dict[TableName, TableState]:
    """Existing row counts and integer key maxima, so new keys start after the old ones."""
    states: dict[TableName, TableState] = {}
    limit = anyio.CapacityLimiter(4 if adapter.capabilities.concurrent_sessions else 1)

    async def one(name: TableName) -> None:
        table = catalog.tables[name]
        ints = sorted(
            {
                c
                for k in table.all_uniques
                for c in k.columns
                if table.column(c).type.kind == Kind.INTEGER
            }
        )
        async with limit:
            states[name] = await adapter.table_state(table, ints)

    async with anyio.create_task_group() as tg:
        for table in catalog.seedable():
            tg.start_soon(one, table.name)
    return states


@dataclass(frozen=True)
class RunOptions:
    """What a run was asked for: flags merged over the scenario file over the defaults."""

    rows: RowRequest | None = None
    """Row counts from flags; None keeps the scenario's or the default (1000)."""
    scenario: Scenario | None = None
    seed: int | None = None
    schemas: tuple[str, ...] = ()
    on_existing: str | None = None
    """'append' (default), 'truncate' or 'fail'."""
    disable_triggers: bool = False
    """The loading sessions skip user triggers: tables their triggers fill are seeded too."""

    @property
    def effective_seed(self) -> int:
        if self.seed is not None:
            return self.seed
        return self.scenario.seed if self.scenario and self.scenario.seed is not None else 0

    @property
    def effective_on_existing(self) -> str:
        if self.on_existing:
            return self.on_existing
        return (self.scenario.on_existing if self.scenario else None) or "append"


async def _check_names(adapter: Adapter, catalog: Catalog, options: RunOptions) -> None:
    """A schema with no table, or a row count for a table that does not exist, is a typo:
    refused (naming the closest match) rather than silently doing nothing or the default."""
    from fastseed.scenario.file import suggest

    schemas = {t.schema for t in catalog.tables if t.schema}
    for schema in options.schemas:
        if schema not in schemas:
            every = {t.schema for t in (await adapter.reflect()).tables if t.schema}
            raise UsageError(f"no table in schema {schema!r}{suggest(schema, every)}")
    known = {form for t in catalog.tables for form in (str(t), t.name)}
    for name in options.rows.per_table if options.rows else ():
        if name not in known:
            raise UsageError(f"--rows names no table {name!r}{suggest(name, known)}")


def resolve_rows(catalog: Catalog, options: RunOptions) -> RowRequest:
    """Rows per table: a flag for the table, the file's table entry, the flag default, the
    file default, 1000; times the file's scale; 0 for tables not included or excluded."""
    flags = options.rows or RowRequest(default=-1)
    scenario = options.scenario or Scenario()
    default = flags.default if flags.default >= 0 else scenario.rows
    default = 1000 if default is None else default
    per: dict[str, int] = {}
    for table in catalog.seedable():
        name = table.name
        spec = scenario.table(str(name)) or scenario.table(name.name)
        if str(name) in flags.per_table or name.name in flags.per_table:
            rows = flags.for_table(name)
        elif spec is not None and spec.rows is not None:
            rows = spec.rows
        else:
            rows = default
        if not _selected(name, scenario):
            rows = 0
        per[str(name)] = round(rows * scenario.scale)
    named = set(flags.per_table) | {
        key for key, spec in scenario.tables if spec.rows is not None or spec.per_parent
    }
    return RowRequest(
        default=round(default * scenario.scale), per_table=per, named=frozenset(named)
    )


def _selected(name: TableName, scenario: Scenario) -> bool:
    forms = (str(name), name.name)
    if scenario.include and not any(fnmatch(f, p) for f in forms for p in scenario.include):
        return False
    return not any(fnmatch(f, p) for f in forms for p in scenario.exclude)


async def read_parent_keys(
    adapter: Adapter,
    catalog: Catalog,
    request: RowRequest,
    scenario: Scenario,
    states: dict[TableName, TableState],
    spent: frozenset[TableName] = frozenset(),
) -> dict[tuple[TableName, str], list[tuple[Any, ...]]]:
    """Keys of existing parent rows, read once, for FKs that draw from them: those the
    scenario names, and those whose parent already has rows but gets none in this run (not
    asked for, or `spent`: its unique keys allow no rows beyond those already there)."""
    wanted: list[tuple[TableName, ForeignKey, Table]] = []
    for table in catalog.seedable():
        if request.for_table(table.name) == 0:
            continue
        spec = scenario.table(str(table.name)) or scenario.table(table.name.name)
        named = {
            resolve_fk(table, ref, catalog=catalog).name
            for ref in (spec.use_existing_parents if spec else ())
        }
        for fk in catalog.foreign_keys_of(table):
            parent = catalog.tables.get(fk.ref_table)
            if parent is None:
                continue
            pname = parent.partition_of or parent.name
            if pname == table.name:
                continue
            existing = states.get(pname, TableState(0)).rows
            unfilled = request.for_table(pname) == 0 or pname in spent
            if fk.name in named or (existing > 0 and unfilled):
                wanted.append((table.name, fk, catalog.tables[pname]))
    out: dict[tuple[TableName, str], list[tuple[Any, ...]]] = {}
    for child, fk, parent in wanted:
        cols = ", ".join(adapter.quote(c) for c in fk.ref_columns)
        not_null = " AND ".join(f"{adapter.quote(c)} IS NOT NULL" for c in fk.ref_columns)
        # ordered, so that parent position j means the same row on every run
        sql = (
            f"SELECT DISTINCT {cols} FROM {adapter.from_clause(parent)} WHERE {not_null} "
            f"ORDER BY {cols}"
        )
        out[(child, fk.name)] = await adapter.fetch_rows(sql)
    return out


async def read_parent_births(
    adapter: Adapter, catalog: Catalog, keys: dict[tuple[TableName, str], list[tuple[Any, ...]]]
) -> dict[tuple[TableName, str], list[float]]:
    """For FKs that draw from existing parent rows: each parent key's birth time (epoch
    seconds, NaN when NULL), in the order of its keys, read once with them, so that a new
    child comes after its existing parent (an order after its user signed up)."""
    out: dict[tuple[TableName, str], list[float]] = {}
    for (child, fk_name), rows in keys.items():
        fk = next(f for f in catalog.foreign_keys_of(catalog.tables[child]) if f.name == fk_name)
        parent = catalog.tables[fk.ref_table]
        parent = catalog.tables.get(parent.partition_of or parent.name, parent)
        after = {c: r.after for c, r in table_rules(catalog, parent).columns.items() if r.after}
        birth = timeline.plan(parent, after).birth
        if birth is None or not rows:
            continue
        cols = ", ".join(adapter.quote(c) for c in fk.ref_columns)
        not_null = " AND ".join(f"{adapter.quote(c)} IS NOT NULL" for c in fk.ref_columns)
        # the same order as the keys (grouped instead of DISTINCT), checked row by row
        sql = (
            f"SELECT {cols}, MAX({adapter.quote(birth)}) FROM {adapter.from_clause(parent)} "
            f"WHERE {not_null} GROUP BY {cols} ORDER BY {cols}"
        )
        got = await adapter.fetch_rows(sql)
        n = len(fk.ref_columns)
        if [tuple(r[:n]) for r in got] == [tuple(r) for r in rows]:
            out[(child, fk_name)] = seconds_of([r[n] for r in got]).tolist()
    return out


async def prepare(adapter: Adapter, options: RunOptions) -> Plan:
    """Reflect, resolve the request against the scenario, read what exists, and plan."""
    catalog = await adapter.reflect(schemas=list(options.schemas) or None)
    await _check_names(adapter, catalog, options)
    if options.disable_triggers:  # no trigger fills a table in this run
        tables = {n: replace(t, trigger_writes=()) for n, t in catalog.tables.items()}
        catalog = replace(catalog, tables=tables)
    scenario = options.scenario or Scenario()
    if options.scenario is not None:
        validate_against_catalog(options.scenario, catalog)
    request = resolve_rows(catalog, options)
    states = await read_states(adapter, catalog)
    keys = await read_parent_keys(adapter, catalog, request, scenario, states)

    def planned() -> Plan:
        return build_plan(
            catalog,
            request,
            states,
            adapter.capabilities,
            scenario=scenario,
            seed=options.effective_seed,
            existing_keys=keys,
        )

    plan = planned()
    # Tables asked for rows that get none, their key space used up by the rows already
    # there: as parents they are read like tables left out, and the plan made again.
    spent = frozenset(
        name
        for name, tp in plan.tables.items()
        if tp.existing and not tp.rows and not tp.skipped and request.for_table(name) > 0
    )
    if spent:
        keys = await read_parent_keys(adapter, catalog, request, scenario, states, spent)
        plan = planned()
    births = await read_parent_births(adapter, catalog, keys) if keys else {}
    return replace(plan, samples=await read_samples(adapter, plan), existing_births=births)


async def plan_for(adapter: Adapter, rows: RowRequest, *, schemas: list[str] | None = None) -> Plan:
    return await prepare(adapter, RunOptions(rows=rows, schemas=tuple(schemas or ())))


def _sampled(table: Table, column: Column) -> bool:
    """Status-like text (statuses, categories, currencies, languages, ...): a table's own
    values are drawn again, weighted by how often they occur."""
    found = concepts.match(table, column)
    return found is not None and found.concept.sampled


async def read_samples(adapter: Adapter, plan: Plan) -> dict[TableName, dict[str, Sample]]:
    """Values already present in status-like columns of tables that have rows (one query each)."""
    wanted: list[tuple[TableName, str]] = []
    for name, tp in plan.tables.items():
        if tp.existing == 0 or tp.rows == 0:
            continue
        table = plan.catalog.tables[name]
        fk_cols = {c for fk in plan.catalog.foreign_keys_of(table) for c in fk.columns}
        key_cols = {c for k in table.all_uniques for c in k.columns}
        for col in table.writable_columns:
            if col.name in fk_cols or col.name in key_cols:
                continue
            if col.type.kind == Kind.ENUM or (col.type.kind == Kind.TEXT and _sampled(table, col)):
                wanted.append((name, col.name))
    out: dict[TableName, dict[str, Sample]] = {}
    limit = anyio.CapacityLimiter(4 if adapter.capabilities.concurrent_sessions else 1)

    async def one(name: TableName, column: str) -> None:
        async with limit:
            pairs = await adapter.sample_values(plan.catalog.tables[name], column)
        if pairs:
            values, counts = zip(*pairs, strict=True)
            out.setdefault(name, {})[column] = (tuple(values), tuple(counts))

    async with anyio.create_task_group() as tg:
        for name, column in wanted:
            tg.start_soon(one, name, column)
    return out


def generator_labels(plan: Plan, seed: int = 0) -> dict[str, dict[str, str]]:
    gens = RunGenerators(plan, seed=seed, deferred_null=deferred_null_columns(plan))
    return {str(name): gens.table(name).labels() for name in plan.tables}


def column_concepts(plan: Plan) -> dict[str, dict[str, str]]:
    """table -> column -> what the column holds and why (`TableGen.column_concepts`)."""
    gens = RunGenerators(plan, seed=0, deferred_null=deferred_null_columns(plan))
    return {str(name): gens.table(name).column_concepts() for name in plan.tables}


def realism_stats(plan: Plan, labels: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """Text columns that fell back to generic words, and how each CHECK was handled.

    `labels` as `generator_labels` gives them; a run passes its own to spare a second set of
    generators (and the mimesis pools they build)."""
    if labels is None:
        labels = generator_labels(plan)
    text_cols, generic = 0, []
    handled, unhandled = [], []
    for name in plan.tables:
        table = plan.catalog.tables[name]
        for col in table.writable_columns:
            label = labels[str(name)].get(col.name, "")
            if col.type.kind == Kind.TEXT and not label.startswith("FK"):
                text_cols += 1
                if label.startswith("generic"):
                    generic.append(f"{name}.{col.name}")
        rules = table_rules(plan.catalog, table)
        handled += [f"{name}: {c}" for c in rules.handled]
        unhandled += [f"{name}: {c}" for c in rules.unhandled]
    return {
        "text_columns": text_cols,
        "generic_text_columns": generic,
        "checks_as_rules": handled,
        "checks_not_understood": unhandled,
    }


async def seed(
    url: str | DatabaseURL,
    *,
    rows: RowRequest | int | None = None,
    seed: int | None = None,
    scenario: Scenario | None = None,
    locale: str | None = None,
    batch_size: int | None = None,
    workers: int | None = None,
    streams: int | None = None,
    fast: bool = False,
    schemas: list[str] | None = None,
    on_existing: str | None = None,
    allow_remote: bool = False,
    progress: Progress | None = None,
    full_verify: bool = False,
    disable_triggers: bool = False,
    timeout: float | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    notice: Callable[[str], None] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
    loader: Callable[..., Awaitable[LoadResult]] = load,
) -> SeedResult:
    """Plan, load and verify; raises a FastseedError subclass on any failure.

    Arguments given here override the scenario, which overrides the defaults.
    Verification scans for orphans and duplicates only where the server's constraints do not
    already rule them out, unless `full_verify`.
    `on_existing='truncate'` empties the seeded tables first: the caller confirms it.
    `disable_triggers` has the loading sessions skip user triggers where the dialect can
    (PostgreSQL, superuser; UsageError before anything is written elsewhere).
    `timeout` (seconds, default 10) bounds connecting and short statements; lock waits get
    3 times as long and each COPY/LOAD batch much longer, but every wait ends.
    The run holds the database-wide fastseed lock from before it reads what exists until it
    is verified: another run waits for it up to `lock_timeout` seconds (LockTimeout after).
    `notice` gets one-line messages for the user (waiting for the lock, an unfinished run).
    `on_plan` gets the plan about to be loaded (a progress display sizes itself from it);
    `progress` then gets (table, rows) as batches are written, and (table, 0) as each starts.
    `loader` loads the plan (`load`'s arguments and result): a `DaskRunner` hands the
    shards of each tier to a Dask cluster.
    """
    db = parse_url(url) if isinstance(url, str) else url
    guard_remote(db, allow_remote=allow_remote)
    request = RowRequest(default=rows) if isinstance(rows, int) else rows
    sc = scenario or Scenario()
    options = RunOptions(
        request, scenario, seed, tuple(schemas or sc.schemas), on_existing, disable_triggers
    )
    workers = workers or sc.workers or 4
    # one more connection for the run lock, held throughout
    async with (
        opened(db, pool_size=workers + 2, timeout=timeout or 10.0) as adapter,
        adapter.run_lock(lock_timeout, notice),
    ):
        if notice is not None:
            _warn_unfinished(db, notice)
        if disable_triggers:
            await adapter.check_skip_triggers()  # refused before anything is written
        plan = await prepare(adapter, options)
        plan.check()
        if any(tp.existing and tp.rows for tp in plan.tables.values()):
            mode = options.effective_on_existing
            if mode == "fail":
                busy = [str(n) for n, tp in plan.tables.items() if tp.existing and tp.rows]
                raise PlanError(
                    f"tables already hold rows ({', '.join(busy[:5])}) and on_existing is "
                    "'fail'; nothing was written"
                )
            if mode == "truncate":
                await adapter.truncate(_reverse_tier_order(plan))
                plan = await prepare(adapter, options)
                plan.check()
        # asked before the load: what the server checks while the rows go in
        tables = list(plan.catalog.tables.values())
        enforced = None if full_verify else await adapter.enforced_constraints(tables)
        run_journal = open_journal(adapter, notice)
        if on_plan is not None:
            on_plan(plan)
        try:
            result = await loader(
                adapter,
                plan,
                seed=options.effective_seed,
                locale=locale or sc.locale or "en",
                batch_size=batch_size or sc.batch_size or 5000,
                workers=workers,
                streams=streams,
                fast=fast,
                progress=progress,
                disable_triggers=disable_triggers,
                journal=run_journal,
            )
        except TriggerRejected as exc:  # this run's rows are gone: say which trigger
            raise await adapter.explain(exc) from None
        expected = {
            n: tp.existing + tp.rows
            for n, tp in plan.tables.items()
            if tp.filled_by_trigger is None
        }
        fks = set(result.proven_fks)
        if enforced is not None:
            # an FK the server checked while this run wrote every row of its table (it was
            # empty before) let no orphan in; in fast mode (or with triggers, FK ones among
            # them, skipped) only the count after the load vouches for an FK
            fks |= {
                (t, fk)
                for t, fk in enforced.foreign_keys
                if not (fast or disable_triggers)
                and t in plan.tables
                and not plan.tables[t].existing
            }
        keys = set(enforced.unique_keys) if enforced else None
        checked = await verify(
            adapter,
            plan.catalog,
            expected=expected,
            proven=fks,
            proven_keys=keys,
            counted=result.counted_rows,
        )
        if run_journal is not None:
            # the run is over only now: killed while verifying, it can still be undone
            run_journal.close()
    return SeedResult(plan, result, checked)


def open_journal(adapter: Adapter, notice: Callable[[str], None] | None) -> Journal | None:
    """This run's crash journal; a cache directory that cannot be written costs the journal
    (said), not the run."""
    if not adapter.capabilities.crash_journal:
        return None
    try:
        return Journal.create(adapter.url)
    except OSError as exc:
        if notice is not None:
            notice(f"warning: no crash journal ({exc}); a killed run could not be undone")
        return None


def _warn_unfinished(db: DatabaseURL, notice: Callable[[str], None]) -> None:
    for run in journal.unfinished(db):
        notice(
            f"warning: an unfinished fastseed run left rows in {db.redacted()} "
            f"({run.describe()}); `fastseed undo {db.redacted()}` removes them"
        )


async def unfinished_runs(
    url: str | DatabaseURL,
    *,
    allow_remote: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    notice: Callable[[str], None] | None = None,
) -> list[journal.Unfinished]:
    """Runs on this database that died before cleaning up (read holding the run lock)."""
    db = parse_url(url) if isinstance(url, str) else url
    guard_remote(db, allow_remote=allow_remote)
    async with opened(db, pool_size=2) as adapter, adapter.run_lock(lock_timeout, notice):
        return journal.unfinished(db)


async def undo(
    url: str | DatabaseURL,
    runs: list[journal.Unfinished],
    *,
    allow_remote: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    notice: Callable[[str], None] | None = None,
) -> int:
    """Remove the rows the given unfinished runs committed, newest run first, each in one
    transaction, and their journals; returns the units undone. Holds the run lock."""
    db = parse_url(url) if isinstance(url, str) else url
    guard_remote(db, allow_remote=allow_remote)
    done = 0
    async with opened(db, pool_size=2) as adapter, adapter.run_lock(lock_timeout, notice):
        for run in runs:
            if not run.path.exists():  # another `undo` got there first
                continue
            tokens = [adapter.token_from_json(t) for t in reversed(run.tokens)]
            await adapter.undo(tokens)
            run.path.unlink(missing_ok=True)
            done += len(tokens)
    return done


def _reverse_tier_order(plan: Plan) -> list[Table]:
    """Tables that get rows, children before parents (the order to empty them in)."""
    order = [t for tier in plan.tiers for unit in tier for t in unit.tables]
    return [plan.catalog.tables[t] for t in reversed(order) if plan.tables[t].rows]


async def plan_url(url: str | DatabaseURL, options: RunOptions) -> Plan:
    db = parse_url(url) if isinstance(url, str) else url
    async with opened(db) as adapter:
        return await prepare(adapter, options)


async def verify_url(
    url: str | DatabaseURL, *, schemas: list[str] | None = None, prove_fks: bool = False
) -> VerifyResult:
    """Check what the database holds; `prove_fks` also lists every FK with its orphan count
    and has the server validate the FKs it holds as not checked (see `verify.verify`)."""
    db = parse_url(url) if isinstance(url, str) else url
    async with opened(db) as adapter:
        catalog = await adapter.reflect(schemas=schemas)
        return await verify(adapter, catalog, prove_fks=prove_fks)


async def inspect(
    url: str | DatabaseURL, *, rows: RowRequest | int = 1000, schemas: list[str] | None = None
) -> Plan:
    request = rows if isinstance(rows, RowRequest) else RowRequest(default=rows)
    return await plan_url(url, RunOptions(rows=request, schemas=tuple(schemas or ())))
