"""Adapter.failing_rows: candidate rows tested against CHECKs by the server, nothing written.

One shared body runs on SQLite, PostgreSQL and MariaDB/MySQL: a table with quoted, reserved
names and CHECKs fastseed's own parser does not understand (arithmetic between columns,
functions, CASE), rows with NULLs, decimals, booleans and timestamps, and enough of them that
each adapter splits the work into several statements where it chunks at all.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest

from fastseed.dialects import postgres as pg_module
from fastseed.dialects.base import Adapter, opened
from fastseed.dialects.sqlite import to_sqlite
from fastseed.errors import FastseedError
from fastseed.schema import Table, TableName
from fastseed.url import parse_url

T = TypeVar("T")

ROWS = 3000
BASE = dt.datetime(2024, 3, 1, 8, 30, 0, 123000)

# Column types per dialect, in the order of COLUMNS.
COLUMNS = ["id", "e-mail", "low", "high", "price", "qty", "discount", "is active", "starts at"]
COLUMNS += ["ends at"]
TYPES = {
    "sqlite": "INTEGER|VARCHAR(100)|BIGINT|BIGINT|NUMERIC(10,2)|INTEGER|NUMERIC(10,2)|BOOLEAN|"
    "TIMESTAMP|TIMESTAMP",
    "postgres": "integer|varchar(100)|bigint|bigint|numeric(10,2)|integer|numeric(10,2)|boolean|"
    "timestamp(3)|timestamp(3)",
    "mysql": "int|varchar(100)|bigint|bigint|decimal(10,2)|int|decimal(10,2)|boolean|"
    "datetime(3)|datetime(3)",
}


def run(url: str, fn: Callable[[Adapter], Awaitable[T]]) -> T:
    async def go() -> T:
        async with opened(parse_url(url)) as adapter:
            return await fn(adapter)

    return asyncio.run(go())


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
        pytest.param("mysql-union", marks=pytest.mark.mysql),
    ]
)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(dialect variant, URL) of a fresh, empty database."""
    if request.param == "sqlite":
        return "sqlite", f"sqlite:///{tmp_path / 'pretest.db'}"
    prefix = "pg" if request.param == "postgres" else "my"
    return request.param, request.getfixturevalue(f"{prefix}_url")


def create_table(adapter: Adapter, dialect: str) -> str:
    q = adapter.quote
    types = TYPES[dialect].split("|")
    length = "length" if dialect == "sqlite" else "char_length"
    cols = ", ".join(f"{q(name)} {t}" for name, t in zip(COLUMNS, types, strict=True))
    return (
        f"CREATE TABLE {q('order')} ({cols}, PRIMARY KEY ({q('id')}), "
        f"CONSTRAINT {q('big spread')} CHECK ({q('high')} > {q('low')} * 1000000), "
        f"CONSTRAINT {q('mail')} CHECK ({length}(trim({q('e-mail')})) > 3), "
        f"CONSTRAINT {q('total')} CHECK ({q('price')} * {q('qty')} < 10000), "
        f"CONSTRAINT {q('price sign')} CHECK ({q('price')} >= 0), "
        f"CONSTRAINT {q('span')} CHECK (CASE WHEN {q('is active')} "
        f"THEN {q('ends at')} > {q('starts at')} ELSE {q('ends at')} IS NULL END), "
        f"CONSTRAINT {q('discount')} CHECK ({q('discount')} < {q('price')}))"
    )


def candidate(i: int) -> tuple[Any, ...]:
    """Row i of the candidates, every column but `discount` (left to its default, NULL)."""
    mail: str | None = f"user{i}@example.org"
    if i % 7 == 0:
        mail = "  ab  "  # 2 characters once trimmed
    if i % 11 == 0:
        mail = None
    low: int | None = i
    high = i * 1_000_000 + (0 if i % 13 == 0 else 1)  # big enough to overflow 32 bits
    if i % 17 == 0:
        low = None
    price, qty = Decimal("9.99"), i % 50 + 1
    if i % 19 == 0:
        price, qty = Decimal("100.00"), 100  # exactly 10000: fails
    if i % 23 == 0:
        price, qty = Decimal("99.99"), 100  # 9999.00: passes
    if i % 29 == 0:
        price = Decimal("-1.50")  # SQLite: text '-1.50' would compare greater than 0
    active: bool | None = i % 2 == 0
    starts = BASE + dt.timedelta(minutes=i)
    ends: dt.datetime | None = starts + dt.timedelta(hours=1) if active else None
    if i % 31 == 0:
        active, ends = True, starts
    if i % 37 == 0:
        active, ends = False, starts + dt.timedelta(seconds=1)
    if i % 41 == 0:
        active, ends = True, None  # NULL > starts is NULL: passes
    if i % 43 == 0:
        active = None  # CASE takes the ELSE branch
    return (i, mail, low, high, price, qty, active, starts, ends)


def fails(row: tuple[Any, ...]) -> bool:
    _, mail, low, high, price, qty, active, starts, ends = row
    if low is not None and not high > low * 1_000_000:
        return True
    if mail is not None and not len(mail.strip(" ")) > 3:
        return True
    if not price * qty < 10000 or not price >= 0:
        return True
    if active:
        return ends is not None and not ends > starts
    return ends is not None


def test_failing_rows(target: tuple[str, str]) -> None:
    variant, url = target
    dialect = variant.split("-")[0]
    rows = [candidate(i) for i in range(ROWS)]
    expected = [i for i, row in enumerate(rows) if fails(row)]
    assert 300 < len(expected) < ROWS / 2  # every kind of failure, and plenty of passes

    async def go(adapter: Adapter) -> tuple[list[int], list[int], int, int, int]:
        await adapter.execute(create_table(adapter, dialect))
        catalog = await adapter.reflect()
        table = next(t for t in catalog.tables.values() if t.name.name == "order")
        assert len(table.checks) == 6
        columns = [c for c in table.columns if c.name != "discount"]
        # Force several statements where the adapter chunks (PostgreSQL's unnest never does).
        if dialect == "sqlite":
            adapter.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)  # type: ignore[attr-defined]
        if dialect == "mysql":
            adapter._insert_bytes = 16_000  # type: ignore[attr-defined]
        if variant == "mysql-union":  # a server without table value constructors
            server = adapter.server  # type: ignore[attr-defined]
            old = (10, 3, 2) if server.mariadb else (8, 0, 18)
            adapter.server = dataclasses.replace(server, version_tuple=old)  # type: ignore[attr-defined]
        found = await adapter.failing_rows(table, columns, rows, table.checks)
        spread = await adapter.failing_rows(table, columns, rows, table.checks[:1])
        count = await adapter.count_rows(table)
        # The server agrees: the other rows load, and a sample of the failing ones is refused.
        async with adapter.session() as session:
            await session.write(table, columns, [r for i, r in enumerate(rows) if i not in found])
        refused = 0
        for i in found[::40]:
            try:
                async with adapter.session() as session:
                    await session.write(table, columns, [rows[i]])
            except FastseedError:
                refused += 1
        return found, spread, count, refused, len(found[::40])

    found, spread, count, refused, tried = run(url, go)
    assert found == expected
    assert spread == [i for i, r in enumerate(rows) if r[2] is not None and not r[3] > r[2] * 10**6]
    assert count == 0  # nothing was written
    assert refused == tried


def test_nothing_to_test(tmp_path: Path) -> None:
    async def go(adapter: Adapter) -> tuple[list[int], list[int]]:
        await adapter.execute('CREATE TABLE t (a INTEGER CHECK (a > 0), "b c" TEXT)')
        table = (await adapter.reflect()).table(TableName(None, "t"))
        no_rows = await adapter.failing_rows(table, table.columns, [], table.checks)
        no_checks = await adapter.failing_rows(table, table.columns, [(0, "x")], ())
        return no_rows, no_checks

    assert run(f"sqlite:///{tmp_path / 'empty.db'}", go) == ([], [])


def test_sqlite_affinity(tmp_path: Path) -> None:
    """Values get the column's affinity before the CHECK runs, as in a real INSERT."""
    ddl = """
        CREATE TABLE "affinity" (
            code STRING CHECK (typeof(code) = 'integer' OR code LIKE 'x%'),
            ratio REAL CHECK (ratio / 2 > 1),
            label TEXT CHECK (label <> '12'),
            whole NUMERIC CHECK (typeof(whole) = 'integer'),
            at DATETIME CHECK (at < '2030')
        )
    """
    rows: list[tuple[Any, ...]] = [
        (" 42 ", 3, 13, Decimal("2.00"), dt.datetime(2024, 1, 1)),  # 42; 3.0 / 2 > 1
        ("xyz", 2, "12", Decimal("2.50"), dt.datetime(2031, 1, 1)),  # all but code fail
        ("abc", None, None, None, None),  # code fails
        ("1e3", 2.5, 12, 7, dt.date(2020, 1, 1)),  # label fails: 12 is stored as '12'
    ]

    async def go(adapter: Adapter) -> list[list[int]]:
        await adapter.execute(ddl)
        table = (await adapter.reflect()).table(TableName(None, "affinity"))
        return [
            await adapter.failing_rows(table, table.columns, rows, [check])
            for check in table.checks
        ]

    path = tmp_path / "aff.db"
    found = run(f"sqlite:///{path}", go)
    # typeof(NULL) is 'null', so row 2 fails `whole`. Against a DATETIME (NUMERIC affinity)
    # column '2030' is compared as the number 2030, which any text is greater than.
    assert found == [[2], [1], [1, 3], [1, 2], [0, 1, 3]]
    # The same rows really inserted: exactly those fail.
    conn = sqlite3.connect(path)
    refused = []
    for i, row in enumerate(rows):
        try:
            conn.execute(
                'INSERT INTO "affinity" VALUES (?, ?, ?, ?, ?)', [to_sqlite(v) for v in row]
            )
        except sqlite3.IntegrityError:
            refused.append(i)
    conn.close()
    assert refused == sorted({i for f in found for i in f})


@pytest.mark.postgres
def test_postgres_domains_arrays_bits(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Domain columns (also in a schema off the search path), bit strings, timestamptz, and
    array columns, which take the chunked VALUES path."""
    ddl = """
        CREATE SCHEMA "other place";
        CREATE DOMAIN "other place"."pos num" AS numeric(8, 2) CHECK (VALUE > 0);
        CREATE TABLE "user accounts" (
            id integer PRIMARY KEY,
            amount "other place"."pos num",
            flags bit(3),
            at timestamptz,
            tags text[],
            CHECK (amount * 2 < 100),
            CHECK (flags <> B'111'),
            CHECK (extract(hour FROM at AT TIME ZONE 'UTC') < 20),
            CHECK (cardinality(tags) <= 2 AND amount > 1)
        )
    """
    utc = dt.UTC
    rows = [
        (
            i,
            Decimal(60 if i % 5 == 0 else 10) + Decimal("0.25"),
            "111" if i % 7 == 0 else "010",
            dt.datetime(2024, 1, 1, 21 if i % 11 == 0 else 9, tzinfo=utc),
            ["a", "b", "c"] if i % 13 == 0 else (None if i % 3 == 0 else ["a"]),
        )
        for i in range(2000)
    ]
    simple = sorted({i for i in range(2000) if i % 5 == 0 or i % 7 == 0 or i % 11 == 0})
    with_tags = sorted({*simple, *(i for i in range(2000) if i % 13 == 0)})
    monkeypatch.setattr(pg_module, "_MAX_BINDS", 1000)  # several VALUES statements

    async def go(adapter: Adapter) -> tuple[list[int], list[int]]:
        await adapter.execute(ddl)
        catalog = await adapter.reflect()
        table = catalog.table(TableName("public", "user accounts"))
        assert table.column("amount").type.sql == '"other place"."pos num"'
        no_tags = [c for c in table.checks if "tags" not in c.expression]
        unnested = await adapter.failing_rows(table, table.columns, rows, no_tags)
        values = await adapter.failing_rows(table, table.columns, rows, table.checks)
        return unnested, values

    assert run(pg_url, go) == (simple, with_tags)


@pytest.mark.mysql
def test_mysql_typed_literals(my_url: str) -> None:
    """Literals act like the columns: a DOUBLE is no exact decimal, BINARY(4) is padded, a
    DATE compares as a date, and a missing column (with a default) is NULL."""
    ddl = """
        CREATE TABLE `e-mail` (
            id int PRIMARY KEY,
            ratio double CHECK (ratio * 3 <> 0.3),
            b binary(4) CHECK (length(b) = 4),
            d date CHECK (d >= '2020-01-01'),
            note varchar(10) DEFAULT 'x' CHECK (note <> 'x')
        )
    """
    rows = [
        (0, 0.1, b"ab", dt.date(2021, 5, 1)),
        (1, 0.2, b"abcd", dt.date(2019, 12, 31)),
        (2, None, None, None),
    ]

    async def go(adapter: Adapter) -> list[int]:
        await adapter.execute(ddl)
        table: Table = next(iter((await adapter.reflect()).tables.values()))
        columns = [c for c in table.columns if c.name != "note"]
        return await adapter.failing_rows(table, columns, rows, table.checks)

    assert run(my_url, go) == [1]
