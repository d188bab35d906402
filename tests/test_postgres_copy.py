"""The numpy-built binary COPY stream, round-tripped through the real PostgreSQL server."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal

import asyncpg
import numpy as np
import pytest
from conftest import pg_execute

from fastseed.dialects import postgres_copy
from fastseed.dialects.base import opened
from fastseed.generate.batch import Batch, ColumnData, to_python
from fastseed.schema import Kind
from fastseed.url import parse_url

pytestmark = pytest.mark.postgres

DDL = """
CREATE TYPE mood AS ENUM ('ok', 'it''s fine');
CREATE TABLE "odd table" (
    i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision, b boolean,
    t text, "e-mail" varchar(40), c char(3), e mood, ts timestamp, tz timestamptz, d date,
    n numeric(12,2), n4 numeric(20,6), big numeric, u uuid, j json, jb jsonb, raw bytea
);
"""
UTC = dt.UTC


def read(db: str, sql: str = 'SELECT * FROM "odd table" ORDER BY i4') -> list[tuple]:
    async def go() -> list[tuple]:
        conn = await asyncpg.connect(host="127.0.0.1", user="root", database=db)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return asyncio.run(go())


def write(url: str, make) -> None:
    async def go() -> None:
        async with opened(parse_url(url)) as adapter:
            catalog = await adapter.reflect()
            (table,) = catalog.tables.values()
            batch = make(table.columns)
            assert postgres_copy.supported(batch.columns)
            async with adapter.session() as session:
                await session.write_batch(table, batch)

    asyncio.run(go())


ROWS = [
    (
        -32768,
        1,
        -(2**63),
        1.5,
        -2.25,
        True,
        "héllo 🚀",
        "a@b.c",
        "ab",
        "it's fine",
        dt.datetime(1999, 12, 31, 23, 59, 59, 999999),
        dt.datetime(2024, 2, 29, 12, tzinfo=UTC),
        dt.date(1970, 1, 1),
        Decimal("-1234567890.12"),
        Decimal("0.000001"),
        Decimal("123456789012345678901234.5"),
        uuid.UUID(int=7),
        '{"a": 1}',
        '{"b": [2]}',
        b"\x00\xff",
    ),
    (
        32767,
        2,
        2**63 - 1,
        0.0,
        1e300,
        False,
        "",
        "",
        "",
        "ok",
        dt.datetime(2099, 1, 1),
        dt.datetime(1969, 7, 20, 20, 17, 40, 5, tzinfo=UTC),
        dt.date(2038, 1, 19),
        Decimal("0.00"),
        Decimal("-99999999999999.999999"),
        Decimal("1E+3"),
        uuid.UUID(int=2**128 - 1),
        "[]",
        "{}",
        b"",
    ),
    tuple([None, 3] + [None] * 18),
]


def test_python_values_round_trip(pg_db, pg_url):
    pg_execute(pg_db, DDL)

    def make(columns):
        data = [ColumnData([row[i] for row in ROWS]) for i in range(len(columns))]
        return Batch(tuple(columns), data, len(ROWS))

    write(pg_url, make)
    got = read(pg_db)
    assert got[2] == ROWS[2]
    for want, have in zip(ROWS[:2], got[:2], strict=True):
        for i, (w, h) in enumerate(zip(want, have, strict=True)):
            if i == 3:
                assert h == pytest.approx(w)
            elif i == 8:
                assert h.rstrip() == w
            elif i == 18:
                assert h.replace(" ", "") == w.replace(" ", "")
            else:
                assert h == w, (i, w, h)


def test_numpy_arrays_round_trip_with_nulls(pg_db, pg_url):
    pg_execute(pg_db, DDL)
    n = 5000
    rng = np.random.default_rng(1)
    null = rng.random(n) < 0.2
    arrays = {
        "i2": rng.integers(-32768, 32767, n), "i4": np.arange(n),
        "i8": rng.integers(-9e18, 9e18, n),
        "f8": rng.random(n) * 1e6, "b": rng.random(n) < 0.5,
        "ts": rng.integers(-2e15, 4e15, n), "tz": rng.integers(-2e15, 4e15, n),
        "d": rng.integers(-20000, 40000, n),
        "n": rng.integers(-(10**11), 10**11, n), "n4": rng.integers(-(10**18), 10**18, n),
    }  # fmt: skip
    scales = {"n": 2, "n4": 6}

    def make(columns):
        data = []
        for col in columns:
            if col.name in arrays:
                mask = null if col.name != "i4" else None
                data.append(ColumnData(arrays[col.name], mask, scales.get(col.name, 0)))
            else:
                data.append(ColumnData([None] * n))
        return Batch(tuple(columns), data, n)

    batch_holder = {}

    def remember(columns):
        batch_holder["batch"] = make(columns)
        return batch_holder["batch"]

    write(pg_url, remember)
    batch = batch_holder["batch"]
    expected = {c.name: to_python(c, d) for c, d in zip(batch.columns, batch.data, strict=True)}
    got = read(pg_db)
    names = [c.name for c in batch.columns]
    for name in arrays:
        col = [row[names.index(name)] for row in got]
        assert col == expected[name], name


BYTES_DDL = """
CREATE TABLE kinds (
    id integer, u uuid, raw bytea, ip inet, ip6 inet, net cidr, mac macaddr
);
"""


def read_kinds(db: str) -> list[tuple]:
    return read(db, "SELECT * FROM kinds ORDER BY id")


def write_kinds(url: str, make) -> Batch:
    made = {}

    async def go() -> None:
        async with opened(parse_url(url)) as adapter:
            catalog = await adapter.reflect()
            (table,) = catalog.tables.values()
            made["batch"] = make(table.columns)
            assert postgres_copy.supported(made["batch"].columns)
            async with adapter.session() as session:
                await session.write_batch(table, made["batch"])

    asyncio.run(go())
    return made["batch"]


@pytest.mark.parametrize("form", ["matrices", "python"])
def test_byte_kinds_round_trip(pg_db, pg_url, form):
    """uuid, bytea, inet (v4 and v6), cidr and macaddr from their byte matrices (and from
    the Python values `to_python` gives for them) come back as those values."""
    pg_execute(pg_db, BYTES_DDL)
    n = 300
    rng = np.random.default_rng(3)
    null = rng.random(n) < 0.2

    def bytes_of(width):
        return rng.integers(0, 256, (n, width)).astype(np.uint8)

    net = bytes_of(5)
    net[:, 3] = 0  # a /24 network has no host bits
    net[:, 4] = 24
    matrices = {
        "u": bytes_of(16), "raw": bytes_of(16), "ip": bytes_of(4), "ip6": bytes_of(16),
        "net": net, "mac": bytes_of(6),
    }  # fmt: skip

    def make(columns):
        data = [ColumnData(np.arange(n))]
        for col in columns[1:]:
            data.append(ColumnData(matrices[col.name], null if col.name != "u" else None))
        if form == "python":
            data = [ColumnData(to_python(c, d)) for c, d in zip(columns, data, strict=True)]
        return Batch(tuple(columns), data, n)

    batch = write_kinds(pg_url, make)
    expected = [to_python(c, d) for c, d in zip(batch.columns, batch.data, strict=True)]
    got = read_kinds(pg_db)
    for i, col in enumerate(batch.columns):
        assert [row[i] for row in got] == expected[i], col.name


LISTS_DDL = """
CREATE TABLE kinds (
    id integer, ints integer[], texts text[], names varchar(12)[], ids uuid[],
    nums numeric(8,3)[], stamps timestamptz[], days date[], flags boolean[],
    r4 int4range, r8 int8range, rn numrange, rts tsrange, rtz tstzrange, rd daterange
);
"""


def test_arrays_and_ranges_round_trip(pg_db, pg_url):
    """Arrays and ranges as the generators make them (`Lists`, bounds), NULLs included."""
    from fastseed.generate.pools import Pools
    from fastseed.generate.values import Builder
    from fastseed.schema import Column, Table, TableName

    pg_execute(pg_db, LISTS_DDL)
    n = 400
    idx = np.arange(n, dtype=np.int64)
    null = np.random.default_rng(4).random(n) < 0.2

    def make(columns):
        table = Table(TableName("public", "kinds"), tuple(columns), primary_key=())
        data = [ColumnData(idx)]
        for col in columns[1:]:
            gen = Builder(
                Pools(1), 1, table, Column(col.name, col.type, False), None, unique=False
            ).build()
            assert gen.raw is not None, col.name
            data.append(ColumnData(gen.raw(idx), null, gen.raw_scale))
        return Batch(tuple(columns), data, n)

    batch = write_kinds(pg_url, make)
    got = read_kinds(pg_db)
    for i, (col, data) in enumerate(zip(batch.columns, batch.data, strict=True)):
        expected = to_python(col, data)
        have = [row[i] for row in got]
        if col.type.kind == Kind.RANGE:
            have = [None if r is None else (r.lower, r.upper) for r in have]
            assert all(
                r is None or (r.lower_inc and not r.upper_inc) for r in (row[i] for row in got)
            )
        assert have == expected, col.name


def test_bits_round_trip(pg_db, pg_url):
    """bit(n) and bit varying as '0'/'1' digits: from one buffer, and from Python strings."""
    from fastseed.generate import text

    pg_execute(pg_db, "CREATE TABLE kinds (id integer, b bit(11), v bit varying(20));")
    n = 100
    rng = np.random.default_rng(5)
    digits = text.from_matrix(rng.integers(48, 50, (n, 11)).astype(np.uint8))
    varying = ["".join(rng.choice(["0", "1"], rng.integers(0, 21))) for _ in range(n)]
    null = rng.random(n) < 0.2

    def make(columns):
        data = [ColumnData(np.arange(n)), ColumnData(digits, null), ColumnData(varying)]
        return Batch(tuple(columns), data, n)

    batch = write_kinds(pg_url, make)
    got = read_kinds(pg_db)
    for i in (1, 2):
        expected = to_python(batch.columns[i], batch.data[i])
        have = [None if r[i] is None else r[i].as_string().replace(" ", "") for r in got]
        assert have == expected
