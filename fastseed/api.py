"""The async library API: what the CLI calls, and what benchmark scripts can call directly."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import anyio

from fastseed.dialects.base import Adapter, TableState, opened
from fastseed.generate.classify import classify
from fastseed.generate.rules import table_rules
from fastseed.generate.table import RunGenerators, deferred_null_columns
from fastseed.load import LoadResult, Progress, load
from fastseed.plan import Plan, RowRequest, Sample, build_plan
from fastseed.schema import Catalog, Kind, TableName
from fastseed.url import DatabaseURL, guard_remote, parse_url
from fastseed.verify import VerifyResult, verify


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


async def plan_for(adapter: Adapter, rows: RowRequest, *, schemas: list[str] | None = None) -> Plan:
    catalog = await adapter.reflect(schemas=schemas)
    states = await read_states(adapter, catalog)
    plan = build_plan(catalog, rows, states, adapter.capabilities)
    return replace(plan, samples=await read_samples(adapter, plan))


SAMPLED_TAGS = {
    "status",
    "category",
    "gender",
    "department",
    "category_name",
    "group_label",
    "honorific",
    "currency",
    "language",
    "timezone",
}


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
            if col.type.kind == Kind.ENUM or (
                col.type.kind == Kind.TEXT and classify(table, col) in SAMPLED_TAGS
            ):
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


def realism_stats(plan: Plan) -> dict[str, Any]:
    """Text columns that fell back to generic words, and how each CHECK was handled."""
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
    rows: RowRequest | int = 1000,
    seed: int = 0,
    locale: str = "en",
    batch_size: int = 5000,
    workers: int = 4,
    schemas: list[str] | None = None,
    allow_remote: bool = False,
    progress: Progress | None = None,
) -> SeedResult:
    """Plan, load and verify; raises a FastseedError subclass on any failure."""
    db = parse_url(url) if isinstance(url, str) else url
    guard_remote(db, allow_remote=allow_remote)
    request = rows if isinstance(rows, RowRequest) else RowRequest(default=rows)
    async with opened(db, pool_size=workers + 1) as adapter:
        plan = await plan_for(adapter, request, schemas=schemas)
        plan.check()
        result = await load(
            adapter,
            plan,
            seed=seed,
            locale=locale,
            batch_size=batch_size,
            workers=workers,
            progress=progress,
        )
        expected = {
            n: tp.existing + tp.rows
            for n, tp in plan.tables.items()
            if tp.filled_by_trigger is None
        }
        checked = await verify(adapter, plan.catalog, expected=expected)
    return SeedResult(plan, result, checked)


async def verify_url(url: str | DatabaseURL, *, schemas: list[str] | None = None) -> VerifyResult:
    db = parse_url(url) if isinstance(url, str) else url
    async with opened(db) as adapter:
        catalog = await adapter.reflect(schemas=schemas)
        return await verify(adapter, catalog)


async def inspect(
    url: str | DatabaseURL, *, rows: RowRequest | int = 1000, schemas: list[str] | None = None
) -> Plan:
    db = parse_url(url) if isinstance(url, str) else url
    request = rows if isinstance(rows, RowRequest) else RowRequest(default=rows)
    async with opened(db) as adapter:
        return await plan_for(adapter, request, schemas=schemas)
