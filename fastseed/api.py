"""The async library API: what the CLI calls, and what benchmark scripts can call directly."""

from __future__ import annotations

from dataclasses import dataclass

import anyio

from fastseed.dialects.base import Adapter, TableState, opened
from fastseed.generate.table import RunGenerators, deferred_null_columns
from fastseed.load import LoadResult, Progress, load
from fastseed.plan import Plan, RowRequest, build_plan
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
    return build_plan(catalog, rows, states, adapter.capabilities)


def generator_labels(plan: Plan, seed: int = 0) -> dict[str, dict[str, str]]:
    gens = RunGenerators(plan, seed=seed, deferred_null=deferred_null_columns(plan))
    return {str(name): gens.table(name).labels() for name in plan.tables}


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
