"""MySQLAdapter against the real MariaDB/MySQL server: reflection, both load paths, undo."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import decimal
import ipaddress
import statistics
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiomysql
import pymysql
import pytest
from conftest import SCHEMAS, my_execute, my_fetch

from fastseed.dialects.mysql import MySQLAdapter
from fastseed.errors import ConnectError, LoadError, UsageError
from fastseed.schema import Kind, Table, TableName, UniqueKey
from fastseed.url import parse_url

pytestmark = pytest.mark.mysql
T = TypeVar("T")
MY_ADMIN: dict[str, Any] = dict(host="127.0.0.1", port=3306, user="root", password="")


def with_adapter(url: str, fn: Callable[[MySQLAdapter], Awaitable[T]], **kw: Any) -> T:
    async def go() -> T:
        adapter = await MySQLAdapter.open(parse_url(url), **kw)
        try:
            return await fn(adapter)
        finally:
            await adapter.close()

    return asyncio.run(go())


RICH_SCHEMA = [
    """CREATE TABLE `order` (
        id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
        code VARCHAR(20) NOT NULL UNIQUE,
        parent_id INT UNSIGNED NULL,
        status ENUM('new','it''s','a,b','back\\\\slash','100%') NOT NULL DEFAULT 'new',
        flags SET('x','y''z','w') NULL,
        doc JSON,
        yr YEAR,
        bits BIT(7),
        active TINYINT(1) NOT NULL DEFAULT 1,
        tiny TINYINT UNSIGNED,
        med MEDIUMINT,
        big BIGINT UNSIGNED,
        total DECIMAL(12,3),
        total_x2 DECIMAL(13,3) AS (total * 2) VIRTUAL,
        tagged VARCHAR(25) AS (CONCAT('#', code)) STORED,
        created DATETIME(6),
        ts TIMESTAMP(3) NULL,
        blobby VARBINARY(16),
        fixed BINARY(4),
        legacy VARCHAR(30) CHARACTER SET latin1,
        old VARCHAR(30) CHARACTER SET utf8mb3,
        loc POINT,
        qty INT CHECK (qty >= 0),
        CONSTRAINT order_parent FOREIGN KEY (parent_id) REFERENCES `order` (id),
        CONSTRAINT qty_small CHECK (qty < 1000000)
    )""",
    """CREATE TABLE `pct%tab` (
        `a``b` INT NOT NULL, `c%d` INT NOT NULL, note VARCHAR(10),
        PRIMARY KEY (`a``b`, `c%d`))""",
    """CREATE TABLE line (
        order_id INT UNSIGNED NOT NULL, z INT NOT NULL, y INT NOT NULL, n INT NOT NULL,
        PRIMARY KEY (order_id, n),
        CONSTRAINT fk_pct FOREIGN KEY (z, y) REFERENCES `pct%tab` (`a``b`, `c%d`),
        CONSTRAINT fk_order FOREIGN KEY (order_id) REFERENCES `order` (id))""",
    """CREATE TABLE QRTZ_UP (SCHED VARCHAR(20) NOT NULL, NAME VARCHAR(20) NOT NULL,
        GRP VARCHAR(20) NOT NULL, PRIMARY KEY (SCHED, NAME, GRP))""",
    """CREATE TABLE QRTZ_CHILD (ID INT PRIMARY KEY, G VARCHAR(20), S VARCHAR(20),
        N VARCHAR(20), CONSTRAINT QRTZ_FK FOREIGN KEY (S, N, G)
        REFERENCES QRTZ_UP (SCHED, NAME, GRP))""",
    """CREATE TABLE events (id INT NOT NULL, happened DATE NOT NULL,
        PRIMARY KEY (id, happened))
        PARTITION BY RANGE (YEAR(happened)) (
        PARTITION p2020 VALUES LESS THAN (2021), PARTITION p2021 VALUES LESS THAN (2022),
        PARTITION pmax VALUES LESS THAN MAXVALUE)""",
    """CREATE TABLE regions (id INT NOT NULL, region CHAR(2) NOT NULL,
        PRIMARY KEY (id, region))
        PARTITION BY LIST COLUMNS (region) (
        PARTITION pe VALUES IN ('DE','FR'), PARTITION pa VALUES IN ('US'))""",
]


def test_reflect_rich_schema(my_db: str, my_url: str) -> None:
    my_execute(my_db, RICH_SCHEMA)
    cat = with_adapter(my_url, lambda a: a.reflect())
    t = lambda name: cat.tables[TableName(my_db, name)]  # noqa: E731
    assert len(cat.tables) == 7
    order = t("order")
    col = order.column
    assert col("id").identity and col("id").type.kind == Kind.INTEGER
    assert col("id").type.int_bounds() == (0, 2**32 - 1)
    assert order.primary_key and order.primary_key.columns == ("id",)
    assert [u.columns for u in order.uniques] == [("code",)]
    assert order.foreign_keys[0].ref_table == order.name
    assert col("status").type.labels == ("new", "it's", "a,b", "back\\slash", "100%")
    assert col("status").default == "'new'"
    assert col("flags").type.kind == Kind.SET and col("flags").type.labels == ("x", "y'z", "w")
    assert col("doc").type.kind == Kind.JSON
    assert col("yr").type.kind == Kind.YEAR
    assert col("bits").type.kind == Kind.BIT and col("bits").type.length == 7
    assert col("active").type.kind == Kind.BOOLEAN
    assert col("tiny").type.int_bounds() == (0, 255)
    assert col("med").type.int_bounds() == (-(2**23), 2**23 - 1)
    assert col("big").type.int_bounds() == (0, 2**64 - 1)
    assert (col("total").type.precision, col("total").type.scale) == (12, 3)
    assert col("total_x2").generated and col("tagged").generated
    assert "total_x2" not in {c.name for c in order.writable_columns}
    assert col("created").type.precision == 6 and not col("created").type.timezone
    assert col("ts").type.precision == 3 and col("ts").type.timezone
    assert col("blobby").type.kind == Kind.BINARY and col("blobby").type.length == 16
    assert col("fixed").type.fixed_length and col("fixed").type.length == 4
    assert col("code").type.length == 20 and col("code").type.max_bytes_per_char is None
    assert col("legacy").type.max_bytes_per_char == 1
    assert col("old").type.max_bytes_per_char == 3
    assert col("loc").type.kind == Kind.GEOMETRY
    checks = {c.name: c.expression for c in order.checks}
    assert "qty_small" in checks and any("qty" in e and ">= 0" in e for e in checks.values())
    assert not any("json_valid" in e for e in checks.values())

    pct = t("pct%tab")
    assert pct.primary_key and pct.primary_key.columns == ("a`b", "c%d")
    line = t("line")
    fks = {fk.name: fk for fk in line.foreign_keys}
    assert fks["fk_pct"].columns == ("z", "y")
    assert fks["fk_pct"].ref_columns == ("a`b", "c%d")
    assert fks["fk_order"].ref_table == order.name
    child = t("QRTZ_CHILD")
    assert child.foreign_keys[0].ref_table == TableName(my_db, "QRTZ_UP")
    assert child.foreign_keys[0].columns == ("S", "N", "G")
    assert child.foreign_keys[0].ref_columns == ("SCHED", "NAME", "GRP")

    events = t("events").partitioning
    assert events and events.strategy == "range" and events.columns == ("happened",)
    # literals as their text, like the PostgreSQL adapter gives them
    assert [b.upper for b in events.bounds] == [("2021-01-01",), ("2022-01-01",), ("MAXVALUE",)]
    assert events.bounds[0].lower == ("MINVALUE",)
    assert events.bounds[1].lower == ("2021-01-01",)
    regions = t("regions").partitioning
    assert regions and regions.strategy == "list" and regions.columns == ("region",)
    assert [b.values for b in regions.bounds] == [("DE", "FR"), ("US",)]
    # Partitions are not tables in MySQL: the parent is the only thing to seed.
    assert all(b.table not in cat.tables for b in events.bounds)
    assert len(cat.seedable()) == 7


ROUND_TRIP_SCHEMA = [
    "CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)",
    """CREATE TABLE child (
        id BIGINT PRIMARY KEY,
        parent_id INT NOT NULL,
        name VARCHAR(40) CHARACTER SET utf8mb4 NOT NULL,
        amount DECIMAL(10,2),
        at DATETIME(6),
        ts TIMESTAMP(6) NULL,
        day DATE,
        tm TIME(6),
        data JSON,
        tags SET('a','b''c','d'),
        mood ENUM('ok','it''s','50%','back\\\\slash'),
        flag TINYINT(1),
        bits BIT(4),
        raw VARBINARY(8),
        uid CHAR(36),
        ip VARCHAR(45),
        ratio DOUBLE,
        yr YEAR,
        loc POINT,
        CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id))""",
]

SELECT_CHILD = (
    "SELECT id, parent_id, name, amount, at, ts, day, tm, data, tags, mood, flag, bits, raw, "
    "uid, ip, ratio, yr, ST_AsText(loc) FROM child ORDER BY id"
)


def _child_row(i: int) -> tuple[Any, ...]:
    aware = dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    return (
        i,
        100 + i % 3,
        f"n\t{i} 'q' \\ \"x\"\n%é😀",
        decimal.Decimal("1234.5") + i,
        dt.datetime(2023, 1, 2, 3, 4, 5, 654321),
        aware,
        dt.date(2020, 2, 29),
        dt.time(23, 59, 58, 100),
        '{"k": [1, "v\'"]}',
        "a,b'c",
        ["ok", "it's", "50%", "back\\slash"][i % 4],
        i % 2 == 0,
        "1011",
        b"\x00\t\n\\'\xff",
        uuid.UUID(int=i),
        ipaddress.ip_address("2001:db8::1"),
        0.1 + i,
        1999,
        "POINT(1 2)",
    )


def _expected(i: int) -> tuple[Any, ...]:
    r = _child_row(i)
    return (
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        dt.datetime(2024, 5, 6, 5, 8, 9, 123456),  # aware +02:00 stored as UTC
        r[6],
        dt.timedelta(hours=23, minutes=59, seconds=58, microseconds=100),
        r[8],
        r[9],
        r[10],
        int(r[11]),
        b"\x0b",
        r[13],
        str(r[14]),
        str(r[15]),
        r[16],
        1999,
        "POINT(1 2)",
    )


async def _rows(adapter: MySQLAdapter, sql: str) -> list[tuple[Any, ...]]:
    return await adapter._query(sql)


def test_session_round_trip_both_paths_update_defer_undo(my_db: str, my_url: str) -> None:
    my_execute(
        my_db,
        [
            *ROUND_TRIP_SCHEMA,
            "INSERT INTO parent VALUES (1, 'existing'), (2, 'existing too')",
            "INSERT INTO child (id, parent_id, name) VALUES (1, 1, 'old'), (2, 2, 'old')",
        ],
    )

    async def go(a: MySQLAdapter) -> None:
        assert a.load_path == "infile"
        cat = await a.reflect()
        parent = cat.tables[TableName(my_db, "parent")]
        child = cat.tables[TableName(my_db, "child")]
        pcols = list(parent.writable_columns)
        ccols = list(child.writable_columns)

        tokens = []
        # Session 1, LOAD DATA path: children first with FK checks off, then their parents.
        async with a.session() as s:
            await s.defer(child, child.foreign_keys[0])
            assert await _fk_checks(s) == 0
            await s.write(child, ccols, [_child_row(i) for i in range(10, 20)])
            await s.write(parent, pcols, [(100, "p0"), (101, "p1"), (102, "p2")])
        tokens.append(s.undo_token)
        # The pool has one connection, so this reads the session's connection after release.
        assert await a.fetch_value("SELECT @@SESSION.foreign_key_checks") == 1

        # Session 2, multi-row INSERT path, plus a set-based update.
        a.load_path = "insert"
        async with a.session() as s:
            await s.write(child, ccols, [_child_row(i) for i in range(20, 30)])
            await s.update(child, ["id"], ["name"], [(10, "renamed"), (25, "renamed too")])
        tokens.append(s.undo_token)

        got = await _rows(a, SELECT_CHILD + "")
        by_id = {r[0]: r for r in got}
        for i in [*range(11, 20), *range(20, 25), *range(26, 30)]:
            assert by_id[i] == _expected(i), i
        assert by_id[10][2] == "renamed" and by_id[25][2] == "renamed too"

        # A failing session rolls back and leaves nothing.
        with pytest.raises(LoadError, match=r"child.*(1452|foreign key)"):
            async with a.session() as s:
                await s.write(child, ccols, [(*_child_row(40)[:1], 999, *_child_row(40)[2:])])
        a.load_path = "infile"
        with pytest.raises(LoadError, match=r"child.*(1452|foreign key)"):
            async with a.session() as s:
                await s.write(child, ccols, [(*_child_row(41)[:1], 999, *_child_row(41)[2:])])
        assert await a.fetch_value("SELECT COUNT(*) FROM child") == 22

        await a.undo(list(reversed(tokens)))
        assert await _rows(a, "SELECT id, parent_id, name FROM child ORDER BY id") == [
            (1, 1, "old"),
            (2, 2, "old"),
        ]
        assert await _rows(a, "SELECT id FROM parent ORDER BY id") == [(1,), (2,)]

    with_adapter(my_url, go, pool_size=1)


async def _fk_checks(session: Any) -> int:
    cur = await session._run("SELECT @@SESSION.foreign_key_checks")
    return int((await cur.fetchone())[0])


def test_percent_and_backtick_identifiers_and_keyless_undo(my_db: str, my_url: str) -> None:
    my_execute(
        my_db,
        [
            "CREATE TABLE `pct%tab` (`a``b` INT NOT NULL, `c%d` VARCHAR(10), PRIMARY KEY (`a``b`))",
            "CREATE TABLE `no key` (x INT, y VARCHAR(10))",
            "INSERT INTO `no key` VALUES (1, 'same'), (NULL, NULL)",
        ],
    )

    async def go(a: MySQLAdapter) -> None:
        cat = await a.reflect()
        pct = cat.tables[TableName(my_db, "pct%tab")]
        nokey = cat.tables[TableName(my_db, "no key")]
        tokens = []
        for path in ("infile", "insert"):
            a.load_path = path
            base = 0 if path == "infile" else 100
            async with a.session() as s:
                await s.write(pct, pct.columns, [(base + i, f"{i}%") for i in range(50)])
                # Identical to a pre-existing row: undo must remove only our copies.
                await s.write(nokey, nokey.columns, [(1, "same"), (None, None), (2, "x%")])
            tokens.append(s.undo_token)
        assert await a.count_rows(pct) == 100
        assert await a.fetch_value("SELECT COUNT(*) FROM `pct%tab` WHERE `c%d` = %s", "7%") == 2
        assert await a.fetch_value("SELECT `c%d` FROM `pct%tab` WHERE `a``b` = %s", 107) == "7%"
        assert await a.count_duplicates(pct, pct.primary_key) == 0  # type: ignore[arg-type]
        await a.undo(list(reversed(tokens)))
        assert await a.count_rows(pct) == 0
        assert sorted(await _rows(a, "SELECT x, y FROM `no key`"), key=str) == sorted(
            [(1, "same"), (None, None)], key=str
        )

    with_adapter(my_url, go)


def test_auto_increment_undo_and_reset_sequences(my_db: str, my_url: str) -> None:
    my_execute(
        my_db,
        [
            "CREATE TABLE item (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL)",
            "INSERT INTO item (name) VALUES ('before')",
        ],
    )

    async def go(a: MySQLAdapter) -> None:
        cat = await a.reflect()
        item = cat.tables[TableName(my_db, "item")]
        # Explicit keys, as the generators produce them.
        async with a.session() as s:
            await s.write(item, item.columns, [(i, f"n{i}") for i in range(10, 60)])
        await a.reset_sequences([item])
        await a.execute("INSERT INTO item (name) VALUES ('app')")
        assert await a.fetch_value("SELECT id FROM item WHERE name = 'app'") == 60
        # Keys left to AUTO_INCREMENT: undo uses the ids the server handed out.
        name_only = [item.column("name")]
        async with a.session() as s:
            await s.write(item, name_only, [(f"auto{i}",) for i in range(5)])
        assert await a.fetch_value("SELECT COUNT(*) FROM item") == 57
        await a.undo([s.undo_token])
        assert await a.fetch_value("SELECT COUNT(*) FROM item") == 52

    with_adapter(my_url, go)


def test_reset_sequences_reads_all_counters_at_once(
    my_db: str, my_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Explicit keys move InnoDB's counters themselves: the reset reads every table's largest
    key and counter in one statement and alters none (it sent two statements per table)."""
    names = [f"t{i}" for i in range(5)]
    my_execute(
        my_db, [f"CREATE TABLE {n} (id INT AUTO_INCREMENT PRIMARY KEY, v INT)" for n in names]
    )
    sent: list[str] = []
    real = aiomysql.Cursor.execute

    async def execute(self: Any, query: str, args: Any = None) -> Any:
        sent.append(query)
        return await real(self, query, args)

    async def go(a: MySQLAdapter) -> None:
        cat = await a.reflect()
        tables = [cat.tables[TableName(my_db, n)] for n in names]
        for table in tables:
            async with a.session() as s:
                await s.write(table, table.columns, [(i, i) for i in range(1, 31)])
        monkeypatch.setattr(aiomysql.Cursor, "execute", execute)
        await a.reset_sequences(tables)
        monkeypatch.undo()
        for n in names:
            await a.execute(f"INSERT INTO {n} (v) VALUES (0)")
            assert await a.fetch_value(f"SELECT MAX(id) FROM {n}") == 31

    with_adapter(my_url, go)
    assert not [q for q in sent if q.startswith("ALTER")]
    assert len(sent) == 3  # lock, every MAX and counter, unlock


def test_reset_sequences_waits_for_another_runs_reset(my_db: str, my_url: str) -> None:
    # Two ALTER TABLE ... AUTO_INCREMENT at once on FK-linked tables hang MariaDB for good, so
    # runs (and the shards of one run) take turns through a named lock of the server.
    my_execute(
        my_db,
        [
            "CREATE TABLE dept (id INT AUTO_INCREMENT PRIMARY KEY)",
            "CREATE TABLE emp (id INT AUTO_INCREMENT PRIMARY KEY,"
            " dept_id INT REFERENCES dept (id))",
            "INSERT INTO dept (id) VALUES (40)",
        ],
    )
    other = pymysql.connect(**MY_ADMIN, database=my_db, autocommit=True)
    try:
        with other.cursor() as cur:
            cur.execute("SELECT GET_LOCK('fastseed.reset_sequences', 5)")
            assert cur.fetchone() == (1,)

        async def go(a: MySQLAdapter) -> float:
            cat = await a.reflect()
            tables = [cat.tables[TableName(my_db, t)] for t in ("dept", "emp")]
            loop = asyncio.get_running_loop()
            loop.call_later(
                1.0, other.cursor().execute, "SELECT RELEASE_LOCK('fastseed.reset_sequences')"
            )
            started = time.monotonic()
            await a.reset_sequences(tables)
            return time.monotonic() - started

        assert with_adapter(my_url, go) >= 0.9
    finally:
        other.close()
    assert my_fetch(
        my_db,
        "SELECT AUTO_INCREMENT FROM information_schema.TABLES "
        f"WHERE TABLE_SCHEMA = '{my_db}' AND TABLE_NAME = 'dept'",
    ) == [(41,)]


def test_verify_counts_catch_injected_violations(my_db: str, my_url: str) -> None:
    my_execute(
        my_db,
        [
            "CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b))",
            """CREATE TABLE c (id INT PRIMARY KEY, a INT, b INT, email VARCHAR(20),
               CONSTRAINT c_p FOREIGN KEY (a, b) REFERENCES p (a, b))""",
            "INSERT INTO p VALUES (1, 1), (1, 2)",
            "SET SESSION FOREIGN_KEY_CHECKS = 0",
            """INSERT INTO c VALUES (1, 1, 1, 'x@y'), (2, 1, 3, 'x@y'), (3, 9, 9, 'x@y'),
               (4, NULL, 5, 'z@y'), (5, 1, 2, NULL), (6, 1, 2, NULL)""",
        ],
    )

    async def go(a: MySQLAdapter) -> tuple[int, int]:
        cat = await a.reflect()
        p = cat.tables[TableName(my_db, "p")]
        c = cat.tables[TableName(my_db, "c")]
        orphans = await a.count_orphans(c, c.foreign_keys[0], p)
        # No unique index on email: model one to check the duplicate count (NULLs never count).
        fake: Table = dataclasses.replace(c, uniques=(UniqueKey("u_email", ("email",)),))
        dups = await a.count_duplicates(fake, fake.uniques[0])
        return orphans, dups

    assert with_adapter(my_url, go) == (2, 2)


def test_connect_errors_are_one_line_without_password(my_db: str) -> None:
    with pytest.raises(UsageError, match="Unknown database") as unknown:
        with_adapter("mysql://root@127.0.0.1:3306/fs_no_such_db_x", lambda a: a.reflect())
    assert "\n" not in str(unknown.value)
    with pytest.raises(UsageError, match="Access denied") as denied:
        with_adapter(f"mysql://root:s3cr%25et@127.0.0.1:3306/{my_db}", lambda a: a.reflect())
    assert "s3cr" not in str(denied.value) and "***" in str(denied.value)
    with pytest.raises(ConnectError) as unreachable:
        with_adapter(f"mysql://root:s3cret@127.0.0.1:1/{my_db}", lambda a: a.reflect(), timeout=3)
    assert "s3cret" not in str(unreachable.value)


def test_falls_back_to_insert_when_local_infile_is_refused(my_db: str, my_url: str) -> None:
    my_execute(my_db, ["CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))"])

    async def go(a: MySQLAdapter) -> None:
        assert a.load_path == "infile"
        # A pool whose connections do not offer LOCAL INFILE: the server refuses the statement.
        assert a._pool is not None
        a._pool.close()
        await a._pool.wait_closed()
        url = a.url
        a._pool = await aiomysql.create_pool(
            host=url.host, port=url.port, user=url.user, password="", db=url.database,
            autocommit=True, local_infile=False, maxsize=1,
        )  # fmt: skip
        t = (await a.reflect()).tables[TableName(my_db, "t")]
        async with a.session() as s:
            await s.write(t, t.columns, [(1, "a"), (2, "b")])
        assert a.load_path == "insert"
        assert a.capabilities.load_method == "multi-row INSERT"
        assert await a.count_rows(t) == 2

    with_adapter(my_url, go)


def test_one_stream_where_load_data_takes_the_auto_inc_lock(my_db: str, my_url: str) -> None:
    """LOAD DATA into a table with AUTO_INCREMENT holds the table's AUTO-INC lock for the whole
    statement (lock modes 0 and 1), so parallel streams would only queue; others may split."""
    my_execute(
        my_db,
        [
            "CREATE TABLE counted (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT)",
            "CREATE TABLE keyed (code CHAR(8) PRIMARY KEY, v INT)",
        ],
    )

    async def go(a: MySQLAdapter) -> None:
        tables = (await a.reflect()).tables
        counted, keyed = tables[TableName(my_db, "counted")], tables[TableName(my_db, "keyed")]
        serialised = a.server.autoinc_lock_mode != 2
        assert a.streams_for(counted, 4) == (1 if serialised else 4)
        assert a.streams_for(keyed, 4) == 4
        a.load_path = "insert"  # multi-row INSERT takes the lock only briefly
        assert a.streams_for(counted, 4) == 4

    with_adapter(my_url, go)


REAL_SCHEMAS = {
    # schema of tests/fixtures/schemas: (tables, foreign keys)
    "chinook": (11, 11),
    "sakila": (16, 22),
    "employees": (6, 6),
    "kanboard": (48, 61),
    "quartz": (11, 5),
}


@pytest.mark.parametrize("schema", sorted(REAL_SCHEMAS))
def test_reflect_real_schemas(schema: str, my_db: str, my_url: str) -> None:
    # --force: sakila's views name the database `sakila`; the tables load regardless.
    with open(SCHEMAS / schema / "mysql.sql", "rb") as f:
        subprocess.run(
            ["mariadb", "--force", "-h", "127.0.0.1", "-u", "root", my_db],
            stdin=f,
            capture_output=True,
            check=False,
            timeout=120,
        )
    cat = with_adapter(my_url, lambda a: a.reflect())
    tables, fks = REAL_SCHEMAS[schema]
    assert len(cat.tables) == tables
    assert sum(len(t.foreign_keys) for t in cat.tables.values()) == fks
    for fk in (fk for t in cat.tables.values() for fk in t.foreign_keys):
        parent = cat.tables[fk.ref_table]
        assert all(any(c.name == rc for c in parent.columns) for rc in fk.ref_columns)
    if schema == "quartz":
        assert TableName(my_db, "QRTZ_TRIGGERS") in cat.tables
        trig = cat.tables[TableName(my_db, "QRTZ_SIMPLE_TRIGGERS")].foreign_keys[0]
        assert len(trig.columns) == 3
    if schema == "sakila":
        store = cat.tables[TableName(my_db, "store")]
        staff = TableName(my_db, "staff")
        assert any(fk.ref_table == staff for fk in store.foreign_keys)
        film = cat.tables[TableName(my_db, "film")]
        assert film.column("special_features").type.kind == Kind.SET
        assert film.column("rating").type.labels == ("G", "PG", "PG-13", "R", "NC-17")


def _speed_rows(n: int, offset: int) -> list[tuple[Any, ...]]:
    stamp = dt.datetime(2024, 1, 1, 12, 0, 0, 123456)
    return [
        (
            offset + i,
            1 + i % 1000,
            f"customer {i} o'neil",
            f"user{i}@example.com",
            decimal.Decimal(i % 100000) / 100,
            stamp,
            i % 3 == 0,
        )
        for i in range(n)
    ]


def test_load_path_speed(my_db: str, my_url: str) -> None:
    """Both paths load 100k rows into a table with an FK; prints the figures (pytest -s)."""
    my_execute(
        my_db,
        [
            "CREATE TABLE acct (id INT PRIMARY KEY)",
            "INSERT INTO acct WITH RECURSIVE s (n) AS "
            "(SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) SELECT n FROM s",
            """CREATE TABLE purchase (id INT PRIMARY KEY, acct_id INT NOT NULL, name VARCHAR(60),
               email VARCHAR(80), amount DECIMAL(10,2), at DATETIME(6), paid TINYINT(1),
               CONSTRAINT purchase_acct FOREIGN KEY (acct_id) REFERENCES acct (id))""",
        ],
    )
    n, batch = 100_000, 10_000

    async def go(a: MySQLAdapter) -> dict[str, float]:
        t = (await a.reflect()).tables[TableName(my_db, "purchase")]
        times: dict[str, list[float]] = {"insert": [], "infile": []}
        # Alternate the paths so both see the same table growth and server noise.
        for k, path in enumerate(("insert", "infile") * 3):
            a.load_path = path
            rows = _speed_rows(n, k * n)
            start = time.perf_counter()
            async with a.session() as s:
                for i in range(0, n, batch):
                    await s.write(t, t.columns, rows[i : i + batch])
            times[path].append(time.perf_counter() - start)
        assert await a.count_rows(t) == 6 * n
        return {path: statistics.median(v) for path, v in times.items()}

    figures = with_adapter(my_url, go)
    print(
        f"\n100k rows, FK, 10k-row batches, median of 3: INSERT {figures['insert']:.2f}s "
        f"({n / figures['insert']:,.0f} rows/s), LOAD DATA {figures['infile']:.2f}s "
        f"({n / figures['infile']:,.0f} rows/s)"
    )


def test_cancelled_session_rolls_back_and_restores_fk_checks(my_db: str, my_url: str) -> None:
    my_execute(my_db, ["CREATE TABLE t (id INT PRIMARY KEY)"])

    async def go(a: MySQLAdapter) -> None:
        t = (await a.reflect()).tables[TableName(my_db, "t")]
        started = asyncio.Event()

        async def unit() -> None:
            async with a.session() as s:
                await s.defer(t, None)  # type: ignore[arg-type]
                await s.write(t, t.columns, [(i,) for i in range(100)])
                started.set()
                await asyncio.sleep(30)

        task = asyncio.create_task(unit())
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await a.count_rows(t) == 0
        assert await a.fetch_value("SELECT @@SESSION.foreign_key_checks") == 1

    with_adapter(my_url, go, pool_size=1)


def test_deferred_fk_check_covers_only_this_sessions_rows(my_db: str, my_url: str) -> None:
    # FOREIGN_KEY_CHECKS=0 validates nothing when switched back on: the session checks the
    # deferred FK itself before COMMIT, over the rows it wrote (an orphan planted earlier with
    # the checks off is not this load's fault).
    my_execute(
        my_db,
        [
            "CREATE TABLE p (id INT PRIMARY KEY)",
            """CREATE TABLE c (id INT PRIMARY KEY, p_id INT NOT NULL,
               CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id))""",
            "SET SESSION FOREIGN_KEY_CHECKS = 0",
            "INSERT INTO c VALUES (1, 404)",
        ],
    )

    async def go(a: MySQLAdapter) -> None:
        cat = await a.reflect()
        p, c = cat.tables[TableName(my_db, "p")], cat.tables[TableName(my_db, "c")]
        async with a.session() as s:
            await s.defer(c, c.foreign_keys[0])
            await s.write(c, c.columns, [(10 + i, 100 + i) for i in range(20)])
            await s.write(p, p.columns, [(100 + i,) for i in range(20)])
        assert await a.count_rows(c) == 21
        with pytest.raises(LoadError, match="2 rows break foreign key c_p"):
            async with a.session() as s:
                await s.defer(c, c.foreign_keys[0])
                await s.write(c, c.columns, [(50, 100), (51, 999), (52, 998)])
        assert await a.count_rows(c) == 21
        assert await a.fetch_value("SELECT @@SESSION.foreign_key_checks") == 1

    with_adapter(my_url, go, pool_size=1)
