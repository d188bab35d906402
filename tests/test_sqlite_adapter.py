"""SQLiteAdapter against real SQLite files in tmp_path: reflection, sessions, undo, verify."""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import anyio
import pytest

from fastseed.dialects.base import Session
from fastseed.dialects.sqlite import SQLiteAdapter, _parse_create_table, column_type, to_sqlite
from fastseed.errors import LoadError, UsageError
from fastseed.schema import Catalog, Kind, Table, TableName, UniqueKey
from fastseed.url import DatabaseURL

pytestmark = pytest.mark.anyio

SHOP = """
CREATE TABLE "user accounts" (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    "e-mail" VARCHAR(120) NOT NULL UNIQUE,
    name TEXT CHECK (length(name) > 0),
    balance NUMERIC(10, 2) NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT 1,
    score DOUBLE PRECISION,
    created DATETIME,
    birthday DATE,
    wakes TIME,
    token UUID,
    meta JSON,
    avatar BLOB,
    misc,
    manager_id INTEGER REFERENCES "user accounts" (id),
    CONSTRAINT balance_nonneg CHECK (balance >= 0)
);
CREATE TABLE "order" (
    account_id INTEGER NOT NULL
        REFERENCES "user accounts" (id) ON DELETE SET DEFAULT DEFERRABLE INITIALLY DEFERRED,
    number INTEGER NOT NULL,
    -- a comment with CHECK (nonsense) and a quote ' that must not confuse the tokenizer
    status TEXT NOT NULL DEFAULT 'new'
        CONSTRAINT status_ok CHECK (status IN ('new', 'paid', 'odd)')),
    note VARCHAR(20),
    PRIMARY KEY (account_id, number),
    CHECK (number > 0)
) WITHOUT ROWID;
CREATE TABLE order_line (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    order_number INTEGER NOT NULL,
    qty INTEGER NOT NULL,
    price NUMERIC(8, 2),
    total NUMERIC GENERATED ALWAYS AS (qty * price) STORED,
    half AS (qty / 2),
    sku CHAR(8),
    CONSTRAINT line_order FOREIGN KEY (account_id, order_number)
        REFERENCES "order" (account_id, number)
);
CREATE UNIQUE INDEX line_sku ON order_line (sku) WHERE sku IS NOT NULL;
CREATE UNIQUE INDEX line_per_order ON order_line (account_id, order_number, qty);
CREATE INDEX line_qty ON order_line (qty);
"""

ACCOUNTS = TableName(None, "user accounts")
ORDERS = TableName(None, "order")
LINES = TableName(None, "order_line")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    conn = sqlite3.connect(path)
    conn.executescript(SHOP)
    conn.close()
    return path


def url(path: Path | str) -> DatabaseURL:
    return DatabaseURL("sqlite", database=str(path))


def rows_of(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def open_and_reflect(path: Path) -> tuple[SQLiteAdapter, Catalog]:
    adapter = await SQLiteAdapter.open(url(path))
    return adapter, await adapter.reflect()


def writable(table: Table, *names: str) -> list[Any]:
    return [table.column(n) for n in names]


# -- reflection --------------------------------------------------------------------------------


async def test_reflect_shop(shop: Path) -> None:
    adapter, catalog = await open_and_reflect(shop)
    await adapter.close()
    assert set(catalog.tables) == {ACCOUNTS, ORDERS, LINES}  # no sqlite_sequence
    assert catalog.dialect == "sqlite" and catalog.server_version == sqlite3.sqlite_version

    accounts = catalog.table(ACCOUNTS)
    ident = accounts.column("id")
    assert ident.identity and ident.sequence == "sqlite_sequence" and not ident.nullable
    email = accounts.column("e-mail")
    assert (email.type.kind, email.type.length, email.nullable) == (Kind.TEXT, 120, False)
    balance = accounts.column("balance").type
    assert (balance.kind, balance.precision, balance.scale) == (Kind.NUMERIC, 10, 2)
    assert accounts.column("balance").default == "0"
    kinds = {c.name: c.type.kind for c in accounts.columns}
    assert kinds["active"] == Kind.BOOLEAN
    assert kinds["score"] == Kind.FLOAT
    assert kinds["created"] == Kind.TIMESTAMP
    assert kinds["birthday"] == Kind.DATE
    assert kinds["wakes"] == Kind.TIME
    assert kinds["token"] == Kind.UUID
    assert kinds["meta"] == Kind.JSON
    assert kinds["avatar"] == Kind.BINARY
    assert kinds["misc"] == Kind.BINARY
    assert accounts.column("manager_id").type.bits == 64
    assert accounts.primary_key is not None and accounts.primary_key.columns == ("id",)
    assert [(u.columns, u.is_constraint) for u in accounts.uniques] == [(("e-mail",), True)]
    (self_ref,) = accounts.foreign_keys
    assert (self_ref.columns, self_ref.ref_table, self_ref.ref_columns) == (
        ("manager_id",),
        ACCOUNTS,
        ("id",),
    )
    assert not self_ref.deferrable
    checks = {c.name: c.expression for c in accounts.checks}
    assert checks == {
        "user accounts_name_check": "length(name) > 0",
        "balance_nonneg": "balance >= 0",
    }

    orders = catalog.table(ORDERS)
    assert orders.primary_key is not None
    assert orders.primary_key.columns == ("account_id", "number")
    assert not orders.column("account_id").identity  # WITHOUT ROWID: no rowid alias
    (to_account,) = orders.foreign_keys
    assert to_account.deferrable and to_account.initially_deferred
    assert {c.name: c.expression for c in orders.checks} == {
        "status_ok": "status IN ('new', 'paid', 'odd)')",
        "order_check": "number > 0",
    }
    assert orders.column("note").type.length == 20

    lines = catalog.table(LINES)
    assert lines.column("id").identity and lines.column("id").sequence is None
    assert lines.column("total").generated and lines.column("half").generated
    assert not lines.column("qty").generated
    assert [c.name for c in lines.writable_columns] == [
        "id",
        "account_id",
        "order_number",
        "qty",
        "price",
        "sku",
    ]
    (composite,) = lines.foreign_keys
    assert composite.name == "line_order"
    assert composite.columns == ("account_id", "order_number")
    assert composite.ref_table == ORDERS and composite.ref_columns == ("account_id", "number")
    uniques = {u.name: u for u in lines.uniques}
    assert set(uniques) == {"line_sku", "line_per_order"}  # line_qty is not unique
    assert uniques["line_sku"].predicate == "sku IS NOT NULL"
    assert not uniques["line_sku"].is_constraint
    assert uniques["line_per_order"].columns == ("account_id", "order_number", "qty")
    assert uniques["line_per_order"].predicate is None
    assert lines.column("sku").type.length == 8


async def test_reflect_keys_and_quirks(tmp_path: Path) -> None:
    path = tmp_path / "quirks.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE parent (code TEXT PRIMARY KEY, n INT);
        CREATE TABLE child (
            id INTEGER PRIMARY KEY DESC,      -- DESC: not a rowid alias (SQLite quirk)
            code REFERENCES parent,           -- no column list: the parent's primary key
            b INTEGER,
            c STRING,
            CONSTRAINT pair UNIQUE (code, b),
            CONSTRAINT soon FOREIGN KEY (b) REFERENCES parent (n) DEFERRABLE,
            FOREIGN KEY (c) REFERENCES parent (code) NOT DEFERRABLE INITIALLY DEFERRED
        );
        CREATE UNIQUE INDEX lower_code ON parent (lower(code));
        """
    )
    conn.close()
    adapter, catalog = await open_and_reflect(path)
    await adapter.close()
    child = catalog.table(TableName(None, "child"))
    assert not child.column("id").identity
    assert child.column("c").type.kind == Kind.TEXT
    fks = {fk.columns: fk for fk in child.foreign_keys}
    assert [fk.columns for fk in child.foreign_keys] == [("code",), ("b",), ("c",)]
    assert fks[("code",)].ref_columns == ("code",)
    assert fks[("b",)].name == "soon"
    # SQLite defers only DEFERRABLE INITIALLY DEFERRED.
    assert not any(fk.deferrable for fk in child.foreign_keys)
    assert [(u.name, u.columns) for u in child.uniques] == [("pair", ("code", "b"))]
    # A unique index on an expression keeps its parts and names the columns they read.
    assert catalog.table(TableName(None, "parent")).uniques == (
        UniqueKey("lower_code", ("code",), is_constraint=False, expressions=("lower(code)",)),
    )


def test_column_types() -> None:
    cases = {
        "INTEGER": (Kind.INTEGER, None),
        "unsigned big int": (Kind.INTEGER, None),
        "CHARACTER VARYING(40)": (Kind.TEXT, 40),
        "nvarchar(7)": (Kind.TEXT, 7),
        "CLOB": (Kind.TEXT, None),
        "REAL": (Kind.FLOAT, None),
        "float": (Kind.FLOAT, None),
        "timestamp with time zone": (Kind.TIMESTAMP, None),
        "bool": (Kind.BOOLEAN, None),
        "blob": (Kind.BINARY, None),
        "": (Kind.BINARY, None),
        "money": (Kind.NUMERIC, None),
    }
    for declared, (kind, length) in cases.items():
        ctype = column_type(declared)
        assert (ctype.kind, ctype.length) == (kind, length), declared
    assert column_type("timestamptz").timezone
    dec = column_type("DECIMAL(12)")
    assert (dec.precision, dec.scale) == (12, 0)


def test_parse_create_table_tail_and_names() -> None:
    ddl = _parse_create_table(
        'CREATE TABLE [a b] ("x""y" INTEGER PRIMARY KEY AUTOINCREMENT, `z` TEXT '
        "CONSTRAINT z_ok CHECK (z <> ')' AND z <> '(')) WITHOUT ROWID, STRICT"
    )
    assert ddl.without_rowid
    assert ddl.autoincrement == {'x"y'}
    assert ddl.checks == [("z_ok", "z", "z <> ')' AND z <> '('")]


# -- opening -----------------------------------------------------------------------------------


async def test_open_rejects_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        await SQLiteAdapter.open(url(tmp_path / "nowhere" / "x.db"))


async def test_open_rejects_non_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database, just text that is long enough to have a header " * 4)
    with pytest.raises(UsageError, match="cannot open"):
        await SQLiteAdapter.open(url(path))


async def test_open_creates_file_with_capabilities(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    adapter = await SQLiteAdapter.open(url(path))
    try:
        caps = adapter.capabilities
        assert caps.deferrable_constraints and caps.force_defer_any_fk
        assert not caps.concurrent_sessions and not caps.checks_fk_per_row
        assert caps.load_method == "executemany INSERT"
        assert await adapter.fetch_value("PRAGMA foreign_keys") == 1
        assert (await adapter.reflect()).tables == {}
    finally:
        await adapter.close()
    assert path.exists()


# -- sessions ----------------------------------------------------------------------------------


async def load_shop(adapter: SQLiteAdapter, catalog: Catalog) -> Any:
    """Accounts 10, 11 (11 managed by 10), two orders, lines; returns the undo token."""
    accounts, orders, lines = (catalog.table(t) for t in (ACCOUNTS, ORDERS, LINES))
    created = dt.datetime(2024, 5, 1, 12, 30, 15, 250000)
    async with adapter.session() as session:
        assert isinstance(session, Session)
        # The order goes first: its FK to the accounts is DEFERRABLE INITIALLY DEFERRED.
        await session.write(
            orders, writable(orders, "account_id", "number", "status"), [(11, 1, "paid")]
        )
        await session.write(
            accounts,
            writable(accounts, "id", "e-mail", "balance", "active", "created", "token", "wakes"),
            [
                (10, "a@x.org", decimal.Decimal("12.50"), True, created, uuid.UUID(int=1), None),
                (11, "b@x.org", decimal.Decimal("0"), False, None, None, dt.time(7, 5)),
            ],
        )
        await session.update(accounts, ["id"], ["manager_id"], [(11, 10)])
        await session.write(
            orders, writable(orders, "account_id", "number", "status"), [(10, 1, "new")]
        )
        await session.write(
            lines,
            writable(lines, "account_id", "order_number", "qty", "price", "sku"),
            [(10, 1, 2, decimal.Decimal("3.25"), "A1"), (11, 1, 1, None, None)],
        )
    return session.undo_token


async def test_session_round_trip_and_undo(shop: Path) -> None:
    conn = sqlite3.connect(shop)
    conn.executescript(
        """
        INSERT INTO "user accounts" (id, "e-mail") VALUES (1, 'old@x.org'), (50, 'old2@x.org');
        INSERT INTO "order" (account_id, number) VALUES (1, 1);
        INSERT INTO order_line (id, account_id, order_number, qty) VALUES (100, 1, 1, 5);
        """
    )
    conn.commit()
    conn.close()
    before = {
        table: rows_of(shop, f'SELECT * FROM "{table}" ORDER BY 1, 2')
        for table in ("user accounts", "order", "order_line")
    }

    adapter, catalog = await open_and_reflect(shop)
    try:
        token = await load_shop(adapter, catalog)
        assert await adapter.fetch_value('SELECT COUNT(*) FROM "user accounts"') == 4
        assert await adapter.fetch_row(
            'SELECT balance, active, created, token, wakes, manager_id FROM "user accounts" '
            "WHERE id = ?",
            10,
        ) == (12.5, 1, "2024-05-01 12:30:15.250000", str(uuid.UUID(int=1)), None, None)
        assert await adapter.fetch_value(
            'SELECT manager_id FROM "user accounts" WHERE id = 11'
        ) == (10)
        # Lines got automatic ids above the existing 100; generated columns were computed.
        assert await adapter.fetch_row(
            "SELECT MIN(id), MAX(id), SUM(total) FROM order_line WHERE id > 100"
        ) == (101, 102, 6.5)
        lines = catalog.table(LINES)
        for fk in lines.foreign_keys:
            assert await adapter.count_orphans(lines, fk, catalog.table(fk.ref_table)) == 0

        # A second session: explicit ids below the table's max (50) must be undone too.
        accounts = catalog.table(ACCOUNTS)
        async with adapter.session() as session:
            await session.write(
                accounts, writable(accounts, "id", "e-mail"), [(2, "c@x.org"), (3, "d@x.org")]
            )
            await session.write(accounts, writable(accounts, "e-mail"), [("e@x.org",)])
        second = session.undo_token
        assert await adapter.fetch_value('SELECT COUNT(*) FROM "user accounts"') == 7

        await adapter.undo([second, token])
    finally:
        await adapter.close()

    after = {
        table: rows_of(shop, f'SELECT * FROM "{table}" ORDER BY 1, 2')
        for table in ("user accounts", "order", "order_line")
    }
    assert after == before


async def test_failing_session_rolls_back(shop: Path) -> None:
    adapter, catalog = await open_and_reflect(shop)
    accounts = catalog.table(ACCOUNTS)
    try:
        with pytest.raises(RuntimeError):
            async with adapter.session() as session:
                await session.write(accounts, writable(accounts, "e-mail"), [("a@x.org",)])
                raise RuntimeError("generator failed")
        assert await adapter.fetch_value('SELECT COUNT(*) FROM "user accounts"') == 0

        with pytest.raises(LoadError, match=r"^user accounts: UNIQUE constraint failed"):
            async with adapter.session() as session:
                await session.write(accounts, writable(accounts, "e-mail"), [("b@x.org",)])
                await session.write(accounts, writable(accounts, "e-mail"), [("b@x.org",)])
        assert await adapter.fetch_value('SELECT COUNT(*) FROM "user accounts"') == 0

        # A deferred FK fails only at COMMIT; that must roll back too.
        orders = catalog.table(ORDERS)
        with pytest.raises(LoadError, match=r"commit \(order\): FOREIGN KEY constraint failed"):
            async with adapter.session() as session:
                await session.write(orders, writable(orders, "account_id", "number"), [(9, 1)])
        assert await adapter.fetch_value('SELECT COUNT(*) FROM "order"') == 0

        # defer() lets even a NOT DEFERRABLE self-reference point forward within a session.
        (self_ref,) = accounts.foreign_keys
        async with adapter.session() as session:
            await session.defer(accounts, self_ref)
            await session.write(
                accounts,
                writable(accounts, "id", "e-mail", "manager_id"),
                [(1, "m@x.org", 2), (2, "n@x.org", None)],
            )
        assert await adapter.fetch_value('SELECT COUNT(*) FROM "user accounts"') == 2
    finally:
        await adapter.close()


async def test_cancelled_session_rolls_back(shop: Path) -> None:
    adapter, catalog = await open_and_reflect(shop)
    accounts = catalog.table(ACCOUNTS)
    try:
        with anyio.move_on_after(0.2):
            async with adapter.session() as session:
                await session.write(accounts, writable(accounts, "e-mail"), [("a@x.org",)])
                await anyio.sleep(10)
        assert await adapter.fetch_value('SELECT COUNT(*) FROM "user accounts"') == 0
        # The lock was released: a new session works.
        async with adapter.session() as session:
            await session.write(accounts, writable(accounts, "e-mail"), [("a@x.org",)])
        assert await adapter.fetch_value('SELECT COUNT(*) FROM "user accounts"') == 1
    finally:
        await adapter.close()


async def test_values_are_stored_as_sqlite_text(tmp_path: Path) -> None:
    adapter = await SQLiteAdapter.open(url(tmp_path / "v.db"))
    try:
        await adapter.execute(
            "CREATE TABLE v (d DATE, t TIMESTAMP, z TIMESTAMPTZ, n NUMERIC(30, 10), "
            "i INTERVAL, a INET, b BLOB, ok BOOLEAN, "
            "u UUID)"
        )
        table = (await adapter.reflect()).table(TableName(None, "v"))
        row = (
            dt.date(2020, 2, 29),
            dt.datetime(2021, 1, 2, 3, 4, 5),
            dt.datetime(2021, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
            decimal.Decimal("1E+3"),
            dt.timedelta(days=2, hours=3, seconds=4.5),
            ipaddress.ip_address("10.0.0.1"),
            b"\x00\x01",
            True,
            uuid.UUID(int=255),
        )
        async with adapter.session() as session:
            await session.write(table, table.columns, [row])
        stored = await adapter.fetch_row("SELECT d, t, z, CAST(n AS TEXT), i, a, b, ok, u FROM v")
        assert stored == (
            "2020-02-29",
            "2021-01-02 03:04:05",
            "2021-01-02 03:04:05+00:00",
            "1000",
            "2 days 03:00:04.5",
            "10.0.0.1",
            b"\x00\x01",
            1,
            "00000000-0000-0000-0000-0000000000ff",
        )
    finally:
        await adapter.close()
    # ARRAY values (lists) become JSON text; their elements are converted the same way.
    assert to_sqlite(["a", 1, decimal.Decimal("2.50"), dt.date(2020, 1, 1)]) == (
        '["a", 1, "2.50", "2020-01-01"]'
    )
    assert to_sqlite(dt.timedelta(seconds=-90)) == "-00:01:30"


# -- verification and sequences ----------------------------------------------------------------


async def test_count_orphans_and_duplicates_catch_injected_violations(shop: Path) -> None:
    adapter, catalog = await open_and_reflect(shop)
    lines = catalog.table(LINES)
    orders = catalog.table(ORDERS)
    (composite,) = lines.foreign_keys
    sku = next(u for u in lines.uniques if u.name == "line_sku")
    try:
        await adapter.execute(
            """
            INSERT INTO "user accounts" (id, "e-mail") VALUES (1, 'a@x.org');
            INSERT INTO "order" (account_id, number) VALUES (1, 1);
            PRAGMA foreign_keys = OFF;
            DROP INDEX line_sku;
            INSERT INTO order_line (account_id, order_number, qty, sku) VALUES
                (1, 1, 1, 'S'), (1, 1, 2, 'S'), (1, 1, 3, 'S'), (1, 1, 4, 'T'), (1, 1, 5, NULL),
                (1, 1, 6, NULL), (1, 2, 1, 'U'), (7, 1, 1, 'V');
            PRAGMA foreign_keys = ON;
            """
        )
        # (1, 2) and (7, 1) match no order.
        assert await adapter.count_orphans(lines, composite, orders) == 2
        # Three 'S' rows: two surplus; NULLs are outside the partial index.
        assert await adapter.count_duplicates(lines, sku) == 2
    finally:
        await adapter.close()


async def test_reset_sequences(shop: Path) -> None:
    adapter, catalog = await open_and_reflect(shop)
    accounts = catalog.table(ACCOUNTS)
    try:
        async with adapter.session() as session:
            await session.write(
                accounts, writable(accounts, "id", "e-mail"), [(40, "a@x.org"), (41, "b@x.org")]
            )
        # Simulate a counter left behind (e.g. rows copied in by a tool that bypassed it).
        await adapter.execute("UPDATE sqlite_sequence SET seq = 3")
        await adapter.reset_sequences(list(catalog.tables.values()))
        assert await adapter.fetch_value(
            "SELECT seq FROM sqlite_sequence WHERE name = 'user accounts'"
        ) == (41)
        # Never moved down: AUTOINCREMENT promises ids of deleted rows are not reused.
        await adapter.execute("UPDATE sqlite_sequence SET seq = 90")
        await adapter.reset_sequences([accounts])
        assert await adapter.fetch_value("SELECT seq FROM sqlite_sequence") == 90
        # A missing counter row is created.
        await adapter.execute("DELETE FROM sqlite_sequence")
        await adapter.reset_sequences([accounts])
        await adapter.execute("""INSERT INTO "user accounts" ("e-mail") VALUES ('app@x.org')""")
        assert await adapter.fetch_value(
            """SELECT id FROM "user accounts" WHERE "e-mail" = 'app@x.org'"""
        ) == (42)
    finally:
        await adapter.close()


async def test_weird_identifiers_round_trip(tmp_path: Path) -> None:
    adapter = await SQLiteAdapter.open(url(tmp_path / "weird.db"))
    try:
        await adapter.execute(
            'CREATE TABLE "a""b" (id INTEGER PRIMARY KEY, "pct%" TEXT UNIQUE, "ü" NUMERIC(6, 2))'
        )
        table = (await adapter.reflect()).table(TableName(None, 'a"b'))
        assert [c.name for c in table.columns] == ["id", "pct%", "ü"]
        async with adapter.session() as session:
            await session.write(
                table, table.columns, [(1, "50%", decimal.Decimal("1.5")), (2, "x", None)]
            )
            await session.update(table, ["id"], ["pct%"], [(2, "y")])
        assert await adapter.count_duplicates(table, table.uniques[0]) == 0
        assert await adapter.fetch_value('SELECT "pct%" FROM "a""b" WHERE id = 2') == "y"
        await adapter.undo([session.undo_token])
        assert await adapter.count_rows(table) == 0
    finally:
        await adapter.close()


def test_truncate_is_one_transaction(tmp_path: Path) -> None:
    """A row of a table left alone that points into the emptied ones fails the DELETE, and
    then nothing was deleted; a self-referencing tree empties in one DELETE."""
    import asyncio

    import fastseed
    from fastseed.plan import RowRequest

    path = tmp_path / "t.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """PRAGMA foreign_keys = ON;
            CREATE TABLE node (id INTEGER PRIMARY KEY, parent_id INT REFERENCES node (id));
            CREATE TABLE leaf (id INTEGER PRIMARY KEY, node_id INT NOT NULL REFERENCES node (id));
            CREATE TABLE outsider (id INTEGER PRIMARY KEY, node_id INT REFERENCES node (id));"""
        )
    url = f"sqlite:///{path}"
    rows = RowRequest(default=0, per_table={"node": 50, "leaf": 50})
    for run in range(2):
        asyncio.run(fastseed.seed(url, rows=rows, seed=run, on_existing="truncate"))
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM node WHERE parent_id IS NOT NULL").fetchone()[0]
        conn.execute("INSERT INTO outsider SELECT id, id FROM node LIMIT 2")
    with pytest.raises(fastseed.FastseedError):
        asyncio.run(fastseed.seed(url, rows=rows, seed=5, on_existing="truncate"))
    with sqlite3.connect(path) as conn:
        counts = conn.execute("SELECT (SELECT count(*) FROM node), (SELECT count(*) FROM leaf)")
        assert counts.fetchone() == (50, 50)
