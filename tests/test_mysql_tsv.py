"""The numpy-built LOAD DATA text (`mysql_tsv`): byte for byte the per-value path's text, and
loaded through `MySQLSession.write_batch` into the real server."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiomysql
import numpy as np
import pymysql
import pytest

from fastseed.dialects import mysql_tsv
from fastseed.dialects import mysql_values as mv
from fastseed.dialects.mysql import MySQLAdapter
from fastseed.errors import LoadError
from fastseed.generate import text
from fastseed.generate.batch import Batch, ColumnData
from fastseed.generate.text import from_strings
from fastseed.schema import Column, ColumnType, Kind, Table
from fastseed.url import parse_url

N = 400
DAY_US = 86_400_000_000
FIRST_DAY, LAST_DAY = -719_162, 2_932_896  # 0001-01-01, 9999-12-31
AWKWARD = [
    "plain",
    "",
    "héllo wörld",
    "🚀 émoji",
    "tab\there",
    "new\nline",
    "back\\slash",
    "cr\rlf\r\n",
    "nul\0byte",
    "\\N",
    "unit\x1fsep",
    "trailing\\",
    "ünï\tcödé\\\n",
]


def rng(seed: int = 7) -> np.random.Generator:
    return np.random.default_rng(seed)


def column(name: str, kind: Kind, **kw: Any) -> Column:
    return Column(name, ColumnType(kind, kind.value, **kw), nullable=True)


def nulls(r: np.random.Generator, n: int = N) -> np.ndarray:
    return r.random(n) < 0.2


def per_value(batch: Batch) -> bytes:
    """What `MySQLSession.write` sends for the same rows."""
    return mv.tsv_payload(mv.tsv_converters(batch.columns), batch.rows())


def check(columns: list[Column], data: list[ColumnData]) -> None:
    batch = Batch(tuple(columns), data, len(data[0].values))
    assert mysql_tsv.encode(batch) == per_value(batch)


@pytest.fixture(params=[text.CHUNK_BYTES, 7], ids=["one-gather", "many-gathers"])
def scatter_limit(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also gather the rows a few bytes at a time, as for big batches."""
    monkeypatch.setattr(text, "CHUNK_BYTES", request.param)


# -- byte equality with the per-value path -----------------------------------------------------


def test_integers_and_decimals(scatter_limit: None) -> None:
    r = rng()
    edges = np.array([-(2**63), 2**63 - 1, -1, 0, 1, 9, 10, -10, 99, 100, 10**18, -(10**18)])
    ints = r.integers(-(2**63), 2**63 - 1, N, dtype=np.int64, endpoint=True)
    ints[: len(edges)] = edges
    small = r.integers(-(10**6), 10**6, N)  # many lengths of digits, and values below 1 scaled
    small[:5] = [0, 1, -1, 5, -5]
    columns = [column("i", Kind.INTEGER), column("y", Kind.YEAR)]
    data = [ColumnData(ints, nulls(r)), ColumnData(r.integers(1901, 2155, N))]
    for scale in range(5):
        columns += [column(f"n{scale}", Kind.NUMERIC), column(f"m{scale}", Kind.MONEY)]
        data += [ColumnData(small, nulls(r), scale), ColumnData(ints // 100, None, scale)]
    check(columns, data)


def test_booleans(scatter_limit: None) -> None:
    r = rng()
    columns = [column("b", Kind.BOOLEAN), column("flag", Kind.BOOLEAN)]
    check(columns, [ColumnData(r.random(N) < 0.5, nulls(r)), ColumnData(r.integers(0, 2, N))])


@pytest.mark.parametrize("fraction", [True, False], ids=["microseconds", "whole-seconds"])
def test_timestamps_and_dates(scatter_limit: None, fraction: bool) -> None:
    r = rng()
    micros = r.integers(FIRST_DAY * DAY_US, (LAST_DAY + 1) * DAY_US, N)
    micros[:4] = [FIRST_DAY * DAY_US, (LAST_DAY + 1) * DAY_US - 1, 0, -1]
    # aware values: the per-value path goes through float seconds, exact in 1698..2242
    aware = r.integers(-(2**33) * 10**6 + 1, 2**33 * 10**6, N)
    if not fraction:
        micros -= micros % 1_000_000
        aware -= aware % 1_000_000
    days = r.integers(FIRST_DAY, LAST_DAY + 1, N)
    days[:3] = [FIRST_DAY, LAST_DAY, -1]
    columns = [
        column("ts", Kind.TIMESTAMP),
        column("tz", Kind.TIMESTAMP, timezone=True),
        column("d", Kind.DATE),
    ]
    check(
        columns,
        [ColumnData(micros, nulls(r)), ColumnData(aware, nulls(r)), ColumnData(days, nulls(r))],
    )


def test_text(scatter_limit: None) -> None:
    r = rng()
    texts = [AWKWARD[i] for i in r.integers(0, len(AWKWARD), N)]
    null = nulls(r)
    listed = [None if z else t for t, z in zip(texts, null.tolist(), strict=True)]
    columns = [
        column("u", Kind.TEXT),
        column("l", Kind.TEXT),
        column("plain", Kind.ENUM),
        column("s", Kind.SET),
    ]
    data = [
        ColumnData(from_strings(texts), null),
        ColumnData(listed),
        ColumnData(from_strings([f"v{i}" for i in range(N)])),
        ColumnData(["a,b" if i % 3 else "" for i in range(N)]),
    ]
    check(columns, data)


def test_forms_left_to_the_per_value_path(scatter_limit: None) -> None:
    r = rng()
    columns = [
        column("f", Kind.FLOAT),
        column("ints", Kind.INTEGER),
        column("bits", Kind.BIT, length=5),
        column("raw", Kind.BINARY),
        column("doc", Kind.JSON),
        column("id", Kind.UUID),
        column("ts_text", Kind.TIMESTAMP),
        column("far", Kind.DATE),
        column("when", Kind.TIMESTAMP),
        column("arr", Kind.INTEGER),
        column("tiny", Kind.NUMERIC),
    ]
    data = [
        ColumnData(r.normal(0, 1e6, N), nulls(r)),
        ColumnData([None if i % 7 == 0 else i - 200 for i in range(N)]),
        ColumnData([format(i % 32, "05b") for i in range(N)]),
        ColumnData([bytes([i % 256, 0, 9]) if i % 5 else None for i in range(N)]),
        ColumnData([{"k": "t\tab", "n": i} for i in range(N)]),
        ColumnData([uuid.UUID(int=i) for i in range(N)]),
        ColumnData([f"2024-01-01 00:00:{i % 60:02d}" for i in range(N)]),
        ColumnData(np.full(N, LAST_DAY + 1)),  # year 10000: outside datetime's years
        ColumnData([dt.datetime(2020, 1, 1, tzinfo=dt.UTC)] * N),
        ColumnData(np.arange(N, dtype=np.int32)),  # not the raw int64 form
        ColumnData(r.integers(-(10**18), 10**18, N), None, 25),  # 10**25 is beyond uint64
    ]
    check(columns, data)


def test_byte_matrices(scatter_limit: None) -> None:
    """Binary, UUID and inet columns made as byte matrices (`batch.FROM_BYTES`)."""
    r = rng()

    def matrix(width: int) -> np.ndarray:
        return r.integers(0, 256, (N, width)).astype(np.uint8)

    columns = [
        column("raw", Kind.BINARY),
        column("short", Kind.BINARY, length=3),
        column("id", Kind.UUID),
        column("ip4", Kind.INET),
        column("ip6", Kind.INET),
    ]
    widths = [16, 3, 16, 4, 16]
    check(columns, [ColumnData(matrix(w), nulls(r)) for w in widths])


@pytest.mark.parametrize("width", [1, 5, 63, 64])
def test_bit_digits(scatter_limit: None, width: int) -> None:
    """bit(n) made as '0'/'1' digits: the number they spell (beyond 63 bits: per value)."""
    r = rng()
    digits = r.integers(48, 50, (N, width)).astype(np.uint8)
    columns = [column("flags", Kind.BIT, length=width)]
    check(columns, [ColumnData(text.from_matrix(digits), nulls(r))])


def test_only_empty_text() -> None:
    """No byte to place at all (NULLs and empty strings)."""
    null = np.array([False, True, False])
    check([column("empty", Kind.TEXT)], [ColumnData(from_strings([""] * 3), null)])


def test_aware_timestamps_are_exact_outside_floats_reach() -> None:
    """Far from 1970 `to_python` rounds aware values through float seconds; the encoder
    writes the stored microseconds exactly (the server gets what the generator drew)."""
    micros = np.array([-11_644_473_599_999_999, 253_402_300_799_999_999])
    batch = Batch((column("tz", Kind.TIMESTAMP, timezone=True),), [ColumnData(micros)], 2)
    assert mysql_tsv.encode(batch) == b"1601-01-01 00:00:00.000001\n9999-12-31 23:59:59.999999\n"


# -- through the server ------------------------------------------------------------------------

DDL = """CREATE TABLE `odd``tab %le` (
    `id` BIGINT PRIMARY KEY,
    `e-mail` VARCHAR(80),
    `wéird col` TEXT,
    `n``q` DECIMAL(14,4),
    `ts` DATETIME(6),
    `tz` TIMESTAMP(6) NULL,
    `d` DATE,
    `b` TINYINT(1),
    `y` YEAR,
    `f` DOUBLE,
    `bits` BIT(5),
    `bin` VARBINARY(8),
    `s` SET('a','b'),
    `en` ENUM('x','y''z')
)"""


def run_sql(db: str, *statements: str) -> list[tuple[Any, ...]]:
    conn = pymysql.connect(
        host="127.0.0.1", user="root", password="", database=db, autocommit=True,
        init_command="SET time_zone = '+00:00'",
    )  # fmt: skip
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
            return list(cur.fetchall())
    finally:
        conn.close()


def odd_batch(table: Table, start: int, n: int) -> Batch:
    r = rng(start)
    base = 1_700_000_000 * 10**6
    texts = [AWKWARD[i] for i in r.integers(0, len(AWKWARD), n)]
    by_name = {
        "id": ColumnData(np.arange(start, start + n, dtype=np.int64)),
        "e-mail": ColumnData(from_strings([f"u{i}+é@x.org" for i in range(n)]), nulls(r, n)),
        "wéird col": ColumnData(texts),
        "n`q": ColumnData(r.integers(-(10**13), 10**13, n), nulls(r, n), 4),
        "ts": ColumnData(r.integers(-(10**16), 10**16, n) + base),
        "tz": ColumnData(r.integers(0, 10**14, n) + base, nulls(r, n)),  # before 2038
        "d": ColumnData(r.integers(-30_000, 30_000, n)),
        "b": ColumnData(r.random(n) < 0.5),
        "y": ColumnData(r.integers(1901, 2156, n)),
        "f": ColumnData(np.round(r.normal(0, 1000, n), 3)),
        "bits": ColumnData([format(i % 32, "05b") for i in range(n)]),
        "bin": ColumnData([bytes([i % 256, 0, 10, 9]) for i in range(n)]),
        "s": ColumnData([("a,b", "", "b")[i % 3] for i in range(n)]),
        "en": ColumnData(from_strings([("x", "y'z")[i % 2] for i in range(n)])),
    }
    columns = tuple(table.columns)
    return Batch(columns, [by_name[c.name] for c in columns], n)


def stored(name: str, value: Any) -> Any:
    """A canonical value as pymysql reads it back (aware timestamps as naive UTC)."""
    if name == "bits":
        return int(value, 2).to_bytes(1, "big")
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return int(value) if isinstance(value, bool) else value


async def _each(batches: list[Batch], fail_after: int | None = None) -> AsyncIterator[Batch]:
    for i, batch in enumerate(batches):
        if i == fail_after:
            raise RuntimeError("generator broke mid-stream")
        yield batch


def write_batches(
    url: str, batches: list[tuple[int, int]], load: str = "infile", streamed: bool = False
) -> Any:
    """Write `odd_batch`es (first id, rows) in one session, one `write_batch` each or all
    through `write_batches`; (table, batches, undo token, LOAD DATA statements run)."""

    async def go() -> Any:
        adapter = await MySQLAdapter.open(parse_url(f"{url}?load={load}"))
        try:
            assert adapter.load_path == load
            (table,) = (await adapter.reflect()).tables.values()
            made = [odd_batch(table, start, n) for start, n in batches]
            async with adapter.session() as session:
                if streamed:
                    await session.write_batches(table, table.columns, _each(made), len(made))
                else:
                    for batch in made:
                        await session.write_batch(table, batch)
                cur = await session._run("SHOW SESSION STATUS LIKE 'Com_load'")
                loads = int((await cur.fetchone())[1])
            return table, made, session.undo_token, loads
        finally:
            await adapter.close()

    return asyncio.run(go())


@pytest.mark.mysql
@pytest.mark.parametrize(
    ("load", "streamed", "statements"),
    [("infile", False, 3), ("infile", True, 1), ("insert", False, 0), ("insert", True, 0)],
)
def test_write_batch_round_trip(
    my_db: str, my_url: str, load: str, streamed: bool, statements: int
) -> None:
    """Per batch or streamed as one LOAD DATA, the same rows land and undo knows them."""
    run_sql(my_db, DDL)
    table, batches, token, loads = write_batches(
        my_url, [(1, 700), (701, 300), (5000, 10)], load, streamed
    )
    assert loads == statements
    names = ", ".join(f"`{c.name.replace('`', '``')}`" for c in table.columns)
    got = run_sql(my_db, f"SELECT {names} FROM `odd``tab %le` ORDER BY id")
    want = [
        tuple(stored(c.name, v) for c, v in zip(table.columns, row, strict=True))
        for b in batches
        for row in b.rows()
    ]
    assert len(want) == 1010
    assert got == want
    (entry,) = token.entries
    assert entry.mode == "range" and entry.runs == [(1, 1000), (5000, 5009)]


@pytest.mark.mysql
def test_write_batch_bad_row_raises(my_db: str, my_url: str) -> None:
    run_sql(my_db, DDL, "INSERT INTO `odd``tab %le` (id) VALUES (3)")
    with pytest.raises(LoadError, match=r"Duplicate entry '3'.*\(1 of 2 rows loaded\)"):
        write_batches(my_url, [(2, 2)])
    assert run_sql(my_db, "SELECT id FROM `odd``tab %le`") == [(3,)]


@pytest.mark.mysql
def test_streamed_load_bad_row_raises_and_leaves_nothing(my_db: str, my_url: str) -> None:
    run_sql(my_db, DDL, "INSERT INTO `odd``tab %le` (id) VALUES (150)")
    with pytest.raises(LoadError, match=r"Duplicate entry '150'.*\(299 of 300 rows loaded\)"):
        write_batches(my_url, [(1, 100), (101, 100), (201, 100)], streamed=True)
    assert run_sql(my_db, "SELECT id FROM `odd``tab %le`") == [(150,)]


@pytest.mark.mysql
def test_streamed_load_source_error_rolls_back(my_db: str, my_url: str) -> None:
    """A batch source that fails mid-statement ends the file cleanly: its own error comes out,
    the transaction rolls back, and the connection is still in step for the next session."""
    run_sql(my_db, DDL)

    async def go() -> None:
        adapter = await MySQLAdapter.open(parse_url(my_url))
        try:
            (table,) = (await adapter.reflect()).tables.values()
            made = [odd_batch(table, 1 + 100 * i, 100) for i in range(3)]
            with pytest.raises(RuntimeError, match="broke mid-stream"):
                async with adapter.session() as session:
                    await session.write_batches(table, table.columns, _each(made, 2), 3)
            async with adapter.session() as session:
                await session.write_batches(table, table.columns, _each(made[:1]), 1)
        finally:
            await adapter.close()

    asyncio.run(go())
    assert run_sql(my_db, "SELECT COUNT(*), MIN(id), MAX(id) FROM `odd``tab %le`") == [
        (100, 1, 100)
    ]


@pytest.mark.mysql
def test_write_batch_keys_for_undo(my_db: str, my_url: str) -> None:
    """A text key is tracked from its own column; rows whose key is NULL as whole rows."""
    run_sql(
        my_db,
        "CREATE TABLE `k%` (code VARCHAR(20) UNIQUE, v DECIMAL(6,2), note TEXT)",
        "INSERT INTO `k%` VALUES ('keep', 1, 'before')",
    )

    async def go() -> None:
        adapter = await MySQLAdapter.open(parse_url(my_url))
        try:
            (table,) = (await adapter.reflect()).tables.values()
            codes = from_strings([f"c\t{i}" for i in range(50)])
            batch = Batch(
                tuple(table.columns),
                [
                    ColumnData(codes, np.arange(50) % 10 == 0),
                    ColumnData(np.arange(50) - 25, None, 2),
                    ColumnData(["n"] * 50),
                ],
                50,
            )
            async with adapter.session() as session:
                await session.write_batch(table, batch)
            assert [e.mode for e in session.undo_token.entries] == ["keys", "rows"]
            assert len(run_sql(my_db, "SELECT * FROM `k%`")) == 51
            await adapter.undo([session.undo_token])
        finally:
            await adapter.close()

    asyncio.run(go())
    assert run_sql(my_db, "SELECT * FROM `k%`") == [("keep", Decimal("1.00"), "before")]


@pytest.mark.mysql
@pytest.mark.parametrize("streamed", [False, True])
def test_write_batch_falls_back_to_insert_when_local_infile_is_refused(
    my_db: str, my_url: str, streamed: bool
) -> None:
    run_sql(my_db, "CREATE TABLE t (id BIGINT PRIMARY KEY, v VARCHAR(10))")

    async def go() -> None:
        adapter = await MySQLAdapter.open(parse_url(my_url))
        try:
            assert adapter._pool is not None
            adapter._pool.close()
            await adapter._pool.wait_closed()
            # connections that do not offer LOCAL INFILE: the server refuses the statement
            adapter._pool = await aiomysql.create_pool(
                host="127.0.0.1", user="root", password="", db=my_db, autocommit=True,
                local_infile=False, maxsize=1,
            )  # fmt: skip
            (table,) = (await adapter.reflect()).tables.values()
            data = [ColumnData(np.array([1, 2])), ColumnData(from_strings(["a\tb", "é"]))]
            batch = Batch(tuple(table.columns), data, 2)
            async with adapter.session() as session:
                if streamed:
                    await session.write_batches(table, table.columns, _each([batch]), 1)
                else:
                    await session.write_batch(table, batch)
            assert adapter.load_path == "insert"
            assert session.undo_token.entries[0].runs == [(1, 2)]
        finally:
            await adapter.close()

    asyncio.run(go())
    assert run_sql(my_db, "SELECT * FROM t ORDER BY id") == [(1, "a\tb"), (2, "é")]
