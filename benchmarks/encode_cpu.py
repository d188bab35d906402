"""Client CPU of generating and encoding a whole plan, without loading it (issue 15).

    .venv/bin/python benchmarks/encode_cpu.py flowable                 # PostgreSQL, 5000 rows
    .venv/bin/python benchmarks/encode_cpu.py ranger --dialect mysql --rows 2000
    .venv/bin/python benchmarks/encode_cpu.py trafficcontrol --profile

Creates a fresh database from tests/fixtures/schemas/<schema>, plans `--rows` rows per table
(seed 42) and makes every table's batches as the load would (`load.rows_per_batch`), then
encodes each: binary COPY rows (`postgres_copy.encode_rows` in the COPY's column order), or
LOAD DATA text (`mysql_tsv.encode`). Prints the CPU seconds (process time) of each part and
the bytes made; a table PostgreSQL's encoder cannot write goes to asyncpg value by value in a
load, and here only its `Batch.rows()` is timed (named in the output). `--profile` prints
cProfile's top functions. CPU times on a shared machine drift by tens of percent: compare
builds in alternating runs, and the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import time

import wide_schemas as wide

from fastseed import api
from fastseed.dialects import mysql_tsv, postgres_copy
from fastseed.dialects.base import opened
from fastseed.generate.table import RunGenerators, deferred_null_columns
from fastseed.load import rows_per_batch
from fastseed.plan import Plan, RowRequest
from fastseed.url import parse_url


def make_plan(dialect: str, db: str, rows: int) -> Plan:
    async def go() -> Plan:
        async with opened(parse_url(wide.url(dialect, db))) as adapter:
            options = api.RunOptions(rows=RowRequest(default=rows), seed=42)
            return await api.prepare(adapter, options)

    return asyncio.run(go())


def run(plan: Plan, dialect: str) -> tuple[float, float, int, list[str]]:
    """(generate s, encode s, bytes, tables left to asyncpg) for the whole plan."""
    gens = RunGenerators(plan, seed=42, deferred_null=deferred_null_columns(plan))
    generate = encode = 0.0
    size = 0
    per_value: list[str] = []
    for name, table_plan in plan.tables.items():
        gen = gens.table(name)
        if not table_plan.rows or gen.unhandled_checks:
            continue
        step = rows_per_batch(gen, 0, table_plan.rows, 5000)
        for start in range(0, table_plan.rows, step):
            t0 = time.process_time()
            batch = gen.batch(start, min(table_plan.rows, start + step))
            t1 = time.process_time()
            if dialect == "mysql":
                size += len(mysql_tsv.encode(batch))
            elif postgres_copy.supported(batch.columns):
                order = postgres_copy.copy_order(batch.columns)
                size += len(postgres_copy.encode_rows(batch, order))
            else:
                batch.rows()
                if str(name) not in per_value:
                    per_value.append(str(name))
            generate += t1 - t0
            encode += time.process_time() - t1
    return generate, encode, size, per_value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schema")
    parser.add_argument("--dialect", choices=["postgres", "mysql"], default="postgres")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    db = f"encode_cpu_{args.schema}"
    wide.create(args.dialect, db, args.schema)
    try:
        plan = make_plan(args.dialect, db, args.rows)
    finally:
        wide.drop(args.dialect, db)
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    generate, encode, size, per_value = run(plan, args.dialect)
    if profiler is not None:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    line = f"{args.schema} {args.dialect}: generate {generate:.2f} s, encode {encode:.2f} s"
    line += f", {size / 1e6:.1f} MB"
    if per_value:
        line += f"; left to asyncpg (rows() timed): {', '.join(per_value)}"
    print(line)


if __name__ == "__main__":
    main()
