"""Hostile identifiers and values, property-based, on the real PostgreSQL and MariaDB servers
and on SQLite: schema, table, column, enum type and enum label names with quotes, spaces, dots,
unicode, reserved words, mixed case, `%`, backslashes and the servers' maximum lengths; earlier
rows holding tabs, newlines, backslashes and binary. Each drawn schema is created with rows in
it, seeded (appending; by the API and by the CLI, which prints every name), audited, then a run
that a trigger fails part-way is undone: the earlier rows stay byte-identical and the failed
run's rows are gone.

Examples per dialect: FASTSEED_HOSTILE_EXAMPLES (default 3, so the suite stays fast).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import pymysql
import pytest
from audit import audit_my, audit_pg, my_ident, pg_ident
from conftest import MY_ADMIN, PG_ADMIN, _my_run, _pg_run
from hypothesis import HealthCheck, Phase, event, given, reject, settings
from hypothesis import strategies as st

import fastseed
from fastseed.errors import LoadError
from fastseed.plan import RowRequest

EXAMPLES = int(os.environ.get("FASTSEED_HOSTILE_EXAMPLES", "3"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
    # each example creates a database and runs fastseed several times: shrinking would take
    # minutes; a failure reports the drawn names and rows as they were
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)

RESERVED = ["order", "user", "select", "group", "table", "from", "where", "Order", "USER"]
PIECES = [
    *("'", '"', "`", " ", ".", "%", "\\", "%s", "?", ",", ";", "$", "$$", "-", "--", "*/"),
    *("\t", "\n", "\\N", "\x1f", "[/]", "[b]", "é", "Ω", "中", "ß"),
]
LETTERS = "abcXYZ019_"


@dataclass(frozen=True)
class Dialect:
    """What a server allows in a name: its maximum length and the characters it refuses."""

    name: str
    max_len: Callable[[str], int]
    """The length the server counts (bytes on PostgreSQL, characters on MariaDB)."""
    emoji: bool
    """Names may hold characters outside the BMP (MariaDB's identifiers are utf8mb3)."""
    same: Callable[[str], str]
    """Names the server takes as one map to one key (case, on MariaDB accents too)."""


def folded(name: str) -> str:
    """MariaDB compares names and enum labels without case or accents, and (labels) ignoring
    trailing spaces: a conservative key keeps only the ASCII, case-folded."""
    return "".join(c for c in name.casefold() if c.isascii()).rstrip(" ")


PG = Dialect("postgres", lambda s: len(s.encode()), emoji=True, same=lambda s: s)
MY = Dialect("mysql", len, emoji=False, same=folded)
SQLITE = Dialect("sqlite", lambda s: len(s.encode()), emoji=True, same=lambda s: s.lower())
LIMIT = {"postgres": 63, "mysql": 64, "sqlite": 63}


@st.composite
def names(draw: st.DrawFn, dialect: Dialect) -> str:
    """One hostile identifier, up to the dialect's maximum length, sometimes exactly at it."""
    pieces = PIECES + (["😀"] if dialect.emoji else [])
    part = st.one_of(
        st.sampled_from(RESERVED), st.sampled_from(pieces), st.text(LETTERS, min_size=1, max_size=4)
    )
    name = "".join(draw(st.lists(part, min_size=1, max_size=5)))
    limit = LIMIT[dialect.name]
    if draw(st.booleans()):  # exactly the maximum, counted as the server counts
        for pad in draw(st.sampled_from(["x", "éx"])):
            while dialect.max_len(name + pad) <= limit:
                name += pad
    if dialect.name == "mysql":
        name = name.rstrip(" ")  # MariaDB refuses names ending in a space
    if not name or dialect.max_len(name) > limit:
        reject()
    return name


@dataclass(frozen=True)
class Shape:
    """The names of one drawn schema: a parent table with an enum, a child with an FK."""

    schema: str
    parent: str
    child: str
    enum: str
    labels: tuple[str, ...]
    pid: str
    ptext: str
    pbin: str
    penum: str
    cid: str
    cfk: str
    ctext: str
    """An FK to the parent's text key: earlier rows' hostile text is copied into new rows."""
    cbin: str
    """An FK to the parent's binary key, likewise."""
    fk: str
    unique: str


TEXT = st.text(
    st.one_of(st.sampled_from("\t\n\r\\'\"`%,.;\\N é中"), st.characters(codec="utf-8")),
    min_size=0,
    max_size=40,
).filter(lambda s: "\x00" not in s)
BINARY = st.binary(min_size=0, max_size=40).filter(lambda b: b"\x00" not in b)


@st.composite
def shapes(draw: st.DrawFn, dialect: Dialect) -> Shape:
    def distinct(n: int) -> list[str]:
        return draw(st.lists(names(dialect), min_size=n, max_size=n, unique_by=dialect.same))

    tables = distinct(3)
    columns = distinct(8)
    # MariaDB drops an enum label's trailing spaces
    label = names(dialect).filter(lambda s: s == s.rstrip(" ") or dialect.name != "mysql")
    labels = draw(st.lists(label, min_size=1, max_size=4, unique_by=dialect.same))
    return Shape(draw(names(dialect)), *tables, tuple(labels), *columns, *distinct(2))


class Target:
    """A fresh database on one server, holding one drawn schema."""

    url: str

    def only_schema(self) -> list[str]:
        """CLI arguments that limit a run to the drawn schema, where the dialect has schemas."""
        return []

    shape: Shape

    def create(self, shape: Shape, rows: list[tuple[str, bytes, str]]) -> None:
        """Create the tables and insert the earlier rows (as bind parameters)."""
        self.shape = shape
        try:
            self.execute(self.ddl(shape))
        except self.refused:  # a name this server does not take: not fastseed's concern
            event("a name the server refused")
            reject()
        self.insert(rows)

    refused: type[Exception] | tuple[type[Exception], ...] = ()

    def ddl(self, s: Shape) -> list[str]:
        raise NotImplementedError

    def reject_late(self, above: int) -> list[str]:
        """A trigger that fails the child's rows past `above`: a load that fails part-way."""
        raise NotImplementedError

    def execute(self, statements: list[str]) -> None:
        raise NotImplementedError

    def insert(self, rows: list[tuple[str, bytes, str]]) -> None:
        raise NotImplementedError

    def dump(self, table: str, order: str) -> list[Any]:
        """Every row of `table`, in a form that compares exactly as stored."""
        raise NotImplementedError

    def max_child(self) -> int:
        raise NotImplementedError

    def problems(self, counts: dict[str, int]) -> list[str]:
        """The audit's findings: wrong counts, orphans, duplicates."""
        raise NotImplementedError

    def drop(self) -> None:
        raise NotImplementedError


# ------------------------------------------------------------------------- PostgreSQL


class PgTarget(Target):
    refused = asyncpg.PostgresError

    def __init__(self) -> None:
        self.db = f"fs_test_hostile_{uuid.uuid4().hex[:10]}"
        _pg_run(f'CREATE DATABASE "{self.db}"')
        self.url = f"postgresql://root@127.0.0.1:5432/{self.db}"

    def drop(self) -> None:
        _pg_run(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')

    def _go(self, fn: Callable[[asyncpg.Connection], Any]) -> Any:
        async def go() -> Any:
            conn = await asyncpg.connect(**{**PG_ADMIN, "database": self.db})
            try:
                return await fn(conn)
            finally:
                await conn.close()

        return asyncio.run(go())

    def _table(self, name: str) -> str:
        return f"{pg_ident(self.shape.schema)}.{pg_ident(name)}"

    def only_schema(self) -> list[str]:
        return [f"--schema={self.shape.schema}"]  # the one form a name like `--` fits

    def ddl(self, s: Shape) -> list[str]:
        q = pg_ident
        labels = ", ".join("'" + label.replace("'", "''") + "'" for label in s.labels)
        parent, child = self._table(s.parent), self._table(s.child)
        return [
            f"CREATE SCHEMA {q(s.schema)}",
            f"CREATE TYPE {q(s.schema)}.{q(s.enum)} AS ENUM ({labels})",
            f"CREATE TABLE {parent} ({q(s.pid)} serial PRIMARY KEY, "
            f"{q(s.ptext)} text CONSTRAINT {q(s.unique)} UNIQUE, "
            f"{q(s.pbin)} bytea UNIQUE, {q(s.penum)} {q(s.schema)}.{q(s.enum)} NOT NULL)",
            f"CREATE TABLE {child} ({q(s.cid)} serial PRIMARY KEY, "
            f"{q(s.cfk)} int NOT NULL CONSTRAINT {q(s.fk)} REFERENCES {parent}, "
            f"{q(s.ctext)} text REFERENCES {parent} ({q(s.ptext)}), "
            f"{q(s.cbin)} bytea REFERENCES {parent} ({q(s.pbin)}))",
        ]

    def reject_late(self, above: int) -> list[str]:
        fn = f"{pg_ident(self.shape.schema)}.fs_reject_late"
        return [
            f"CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $fs$ BEGIN "
            f"IF NEW.{pg_ident(self.shape.cid)} > {above} THEN RAISE EXCEPTION 'late row'; "
            f"END IF; RETURN NEW; END $fs$",
            f"CREATE TRIGGER fs_reject_late BEFORE INSERT ON {self._table(self.shape.child)} "
            f"FOR EACH ROW EXECUTE FUNCTION {fn}()",
        ]

    def execute(self, statements: list[str]) -> None:
        async def go(conn: asyncpg.Connection) -> None:
            for sql in statements:
                await conn.execute(sql)

        self._go(go)

    def insert(self, rows: list[tuple[str, bytes, str]]) -> None:
        s = self.shape
        cols = ", ".join(pg_ident(c) for c in (s.ptext, s.pbin, s.penum))
        sql = f"INSERT INTO {self._table(s.parent)} ({cols}) VALUES ($1, $2, $3)"
        self._go(lambda conn: conn.executemany(sql, rows))

    def dump(self, table: str, order: str) -> list[Any]:
        # each row as text: enum labels and bytea compare exactly as stored
        sql = f"SELECT t::text FROM {self._table(table)} t ORDER BY t.{pg_ident(order)}"
        return [r[0] for r in self._go(lambda conn: conn.fetch(sql))]

    def max_child(self) -> int:
        s = self.shape
        sql = f"SELECT coalesce(max({pg_ident(s.cid)}), 0) FROM {self._table(s.child)}"
        return int(self._go(lambda conn: conn.fetchval(sql)))

    def problems(self, counts: dict[str, int]) -> list[str]:
        want = {f"{self.shape.schema}.{t}": n for t, n in counts.items()}
        return audit_pg(self.db).problems(want.get)


# ------------------------------------------------------------------------- MariaDB


class MyTarget(Target):
    """The drawn schema name is the database's (a prefix keeps it ours and unique)."""

    refused = pymysql.MySQLError

    def __init__(self, schema: str) -> None:
        self.db = f"fs_test_h{uuid.uuid4().hex[:6]}{schema}"[:64].rstrip(" ")
        try:
            _my_run(f"CREATE DATABASE {my_ident(self.db)} CHARACTER SET utf8mb4")
        except pymysql.MySQLError:
            event("a database name the server refused")
            reject()
        self.url = f"mysql://root@127.0.0.1:3306/{quote(self.db, safe='')}"

    def drop(self) -> None:
        _my_run(f"DROP DATABASE IF EXISTS {my_ident(self.db)}")

    def _table(self, name: str) -> str:
        return f"{my_ident(self.db)}.{my_ident(name)}"

    def _go(self, fn: Callable[[Any], Any]) -> Any:
        conn = pymysql.connect(**MY_ADMIN, autocommit=True, connect_timeout=5)
        try:
            with conn.cursor() as cur:
                return fn(cur)
        finally:
            conn.close()

    def ddl(self, s: Shape) -> list[str]:
        q = my_ident
        labels = ", ".join(
            "'" + label.replace("\\", "\\\\").replace("'", "''") + "'" for label in s.labels
        )
        parent, child = self._table(s.parent), self._table(s.child)
        return [
            f"CREATE TABLE {parent} ({q(s.pid)} int AUTO_INCREMENT PRIMARY KEY, "
            f"{q(s.ptext)} varchar(255), {q(s.pbin)} varbinary(64), "
            f"CONSTRAINT {q(s.unique)} UNIQUE ({q(s.ptext)}), UNIQUE ({q(s.pbin)}), "
            f"{q(s.penum)} enum({labels}) NOT NULL) ENGINE=InnoDB",
            f"CREATE TABLE {child} ({q(s.cid)} int AUTO_INCREMENT PRIMARY KEY, "
            f"{q(s.cfk)} int NOT NULL, {q(s.ctext)} varchar(255), {q(s.cbin)} varbinary(64), "
            f"CONSTRAINT {q(s.fk)} FOREIGN KEY ({q(s.cfk)}) REFERENCES {parent} ({q(s.pid)}), "
            f"FOREIGN KEY ({q(s.ctext)}) REFERENCES {parent} ({q(s.ptext)}), "
            f"FOREIGN KEY ({q(s.cbin)}) REFERENCES {parent} ({q(s.pbin)})"
            ") ENGINE=InnoDB",
        ]

    def reject_late(self, above: int) -> list[str]:
        return [
            f"CREATE TRIGGER {my_ident(self.db)}.fs_reject_late BEFORE INSERT ON "
            f"{self._table(self.shape.child)} FOR EACH ROW BEGIN IF NEW.{my_ident(self.shape.cid)} "
            f"> {above} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'late row'; END IF; END"
        ]

    def execute(self, statements: list[str]) -> None:
        self._go(lambda cur: [cur.execute(sql) for sql in statements])

    def insert(self, rows: list[tuple[str, bytes, str]]) -> None:
        s = self.shape
        cols = ", ".join(my_ident(c) for c in (s.ptext, s.pbin, s.penum))
        # pymysql formats the statement with %: a % in a name is doubled
        into = f"INSERT INTO {self._table(s.parent)} ({cols})".replace("%", "%%")
        self._go(lambda cur: cur.executemany(into + " VALUES (%s, %s, %s)", rows))

    def dump(self, table: str, order: str) -> list[Any]:
        sql = f"SELECT * FROM {self._table(table)} ORDER BY {my_ident(order)}"

        def go(cur: Any) -> list[Any]:
            cur.execute(sql)
            return list(cur.fetchall())

        return self._go(go)

    def max_child(self) -> int:
        s = self.shape
        sql = f"SELECT coalesce(max({my_ident(s.cid)}), 0) FROM {self._table(s.child)}"

        def go(cur: Any) -> int:
            cur.execute(sql)
            return int(cur.fetchone()[0])

        return self._go(go)

    def problems(self, counts: dict[str, int]) -> list[str]:
        want = {f"{self.db}.{t}": n for t, n in counts.items()}
        return audit_my(self.db).problems(want.get)


# ------------------------------------------------------------------------- SQLite


class SqliteTarget(Target):
    """SQLite has no schemas: the drawn schema name goes unused."""

    refused = sqlite3.Error

    def __init__(self, directory: Path) -> None:
        self.path = directory / f"hostile-{uuid.uuid4().hex[:10]}.db"
        self.url = f"sqlite:///{self.path}"

    def drop(self) -> None:
        self.path.unlink(missing_ok=True)

    def _go(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        conn = sqlite3.connect(self.path)
        try:
            with conn:
                return fn(conn)
        finally:
            conn.close()

    def ddl(self, s: Shape) -> list[str]:
        q = pg_ident  # SQLite quotes as PostgreSQL does
        labels = ", ".join("'" + label.replace("'", "''") + "'" for label in s.labels)
        return [
            f"CREATE TABLE {q(s.parent)} ({q(s.pid)} integer PRIMARY KEY, {q(s.ptext)} text "
            f"CONSTRAINT {q(s.unique)} UNIQUE, {q(s.pbin)} blob UNIQUE, "
            f"{q(s.penum)} text NOT NULL CHECK ({q(s.penum)} IN ({labels})))",
            f"CREATE TABLE {q(s.child)} ({q(s.cid)} integer PRIMARY KEY, "
            f"{q(s.cfk)} int NOT NULL CONSTRAINT {q(s.fk)} REFERENCES {q(s.parent)}, "
            f"{q(s.ctext)} text REFERENCES {q(s.parent)} ({q(s.ptext)}), "
            f"{q(s.cbin)} blob REFERENCES {q(s.parent)} ({q(s.pbin)}))",
        ]

    def reject_late(self, above: int) -> list[str]:
        return [
            f"CREATE TRIGGER fs_reject_late BEFORE INSERT ON {pg_ident(self.shape.child)} "
            f"WHEN NEW.{pg_ident(self.shape.cid)} > {above} "
            "BEGIN SELECT RAISE(ABORT, 'late row'); END"
        ]

    def execute(self, statements: list[str]) -> None:
        self._go(lambda conn: [conn.execute(sql) for sql in statements])

    def insert(self, rows: list[tuple[str, bytes, str]]) -> None:
        s = self.shape
        cols = ", ".join(pg_ident(c) for c in (s.ptext, s.pbin, s.penum))
        sql = f"INSERT INTO {pg_ident(s.parent)} ({cols}) VALUES (?, ?, ?)"
        self._go(lambda conn: conn.executemany(sql, rows))

    def dump(self, table: str, order: str) -> list[Any]:
        sql = f"SELECT * FROM {pg_ident(table)} ORDER BY {pg_ident(order)}"
        return self._go(lambda conn: conn.execute(sql).fetchall())

    def max_child(self) -> int:
        s = self.shape
        sql = f"SELECT coalesce(max({pg_ident(s.cid)}), 0) FROM {pg_ident(s.child)}"
        return int(self._go(lambda conn: conn.execute(sql).fetchone()[0]))

    def problems(self, counts: dict[str, int]) -> list[str]:
        s = self.shape

        def go(conn: sqlite3.Connection) -> list[str]:
            out = [f"orphan {r}" for r in conn.execute("PRAGMA foreign_key_check")]
            for table, want in counts.items():
                (n,) = conn.execute(f"SELECT count(*) FROM {pg_ident(table)}").fetchone()
                if n != want:
                    out.append(f"{table}: {n} rows, expected {want}")
            dup = conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {pg_ident(s.parent)} WHERE "
                f"{pg_ident(s.ptext)} IS NOT NULL GROUP BY {pg_ident(s.ptext)} HAVING count(*) > 1)"
            ).fetchone()[0]
            return out + ([f"{dup} duplicated {s.ptext}"] if dup else [])

        return self._go(go)


# ------------------------------------------------------------------------- the property


def snapshot(target: Target) -> tuple[list[Any], list[Any]]:
    s = target.shape
    return target.dump(s.parent, s.pid), target.dump(s.child, s.cid)


def seed(url: str, rows: RowRequest | int, seed_: int) -> fastseed.SeedResult:
    return asyncio.run(fastseed.seed(url, rows=rows, seed=seed_))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastseed", *args], capture_output=True, text=True, timeout=120
    )


def exercise(target: Target, shape: Shape, rows: list[tuple[str, bytes, str]], seed_: int) -> None:
    """Create; seed children of the earlier rows alone (their hostile keys are copied into
    new rows), then both tables; audit; then fail a run and check it was undone."""
    try:
        target.create(shape, rows)
        before_parent, _ = snapshot(target)
        result = seed(target.url, RowRequest(5, per_table={shape.parent: 0}), seed_)
        assert result.verify.ok, result.verify
        # then both tables, by the CLI: its summary prints every name as text
        only = target.only_schema()
        done = cli("seed", target.url, *only, "--rows", "5", "--seed", str(seed_ + 1))
        assert done.returncode == 0 and "error" not in done.stderr, done.stderr
        after_parent, after_child = snapshot(target)
        assert after_parent[: len(rows)] == before_parent, "earlier rows changed"
        counts = {shape.parent: len(rows) + 5, shape.child: 10}
        assert (len(after_parent), len(after_child)) == tuple(counts.values())
        assert not target.problems(counts)

        target.execute(target.reject_late(target.max_child() + 2))
        done = cli("seed", target.url, *only, "--rows", "5", "--seed", str(seed_ + 2))
        assert done.returncode == LoadError.exit_code, done.stderr
        said = " ".join(done.stderr.split())  # rich wraps long lines
        assert "error:" in said and "late row" in said, done.stderr
        assert snapshot(target) == (after_parent, after_child), "the failed run was not undone"
        assert not target.problems(counts)
    finally:
        target.drop()


def values(shape: Shape) -> st.SearchStrategy[list[tuple[str, bytes, str]]]:
    """Earlier rows; their text is unique as the server compares it (case, accents, and on
    MariaDB trailing spaces)."""
    row = st.tuples(TEXT, BINARY, st.sampled_from(shape.labels))
    return st.lists(row, min_size=1, max_size=3, unique_by=(lambda r: folded(r[0]), lambda r: r[1]))


@SETTINGS
@given(data=st.data(), seed_=st.integers(0, 2**31))
def test_hostile_names_and_values_seed_audit_and_undo_pg(data: st.DataObject, seed_: int) -> None:
    shape = data.draw(shapes(PG))
    rows = data.draw(values(shape))  # drawn before the database exists: a draw may give up
    exercise(PgTarget(), shape, rows, seed_)


@SETTINGS
@given(data=st.data(), seed_=st.integers(0, 2**31))
def test_hostile_names_and_values_seed_audit_and_undo_mariadb(
    data: st.DataObject, seed_: int
) -> None:
    shape = data.draw(shapes(MY))
    rows = data.draw(values(shape))
    exercise(MyTarget(shape.schema), shape, rows, seed_)


@SETTINGS
@given(data=st.data(), seed_=st.integers(0, 2**31))
def test_hostile_names_and_values_seed_audit_and_undo_sqlite(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, seed_: int
) -> None:
    shape = data.draw(shapes(SQLITE))
    rows = data.draw(values(shape))
    exercise(SqliteTarget(tmp_path_factory.mktemp("hostile")), shape, rows, seed_)
