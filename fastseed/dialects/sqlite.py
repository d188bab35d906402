"""SQLite, the embedded default, through the standard library's `sqlite3` (no extra dependency).

SQLite has one writer, so the adapter keeps one connection: sessions are serialised by a lock,
and every blocking call runs in a worker thread, one at a time (a capacity limiter of one), so
the connection is never used by two threads at once.

Reflection reads `sqlite_master` joined with the table-valued pragma functions, one query per
aspect for the whole file. What no pragma exposes (CHECK constraints, constraint names,
DEFERRABLE, AUTOINCREMENT, WITHOUT ROWID, partial-index predicates) is read from the stored
CREATE statements with a small tokenizer that respects quotes, comments and parentheses.
"""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import json
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import anyio
import anyio.to_thread

from fastseed.dialects.base import Adapter, Capabilities, Session, free_name, mentioned_columns
from fastseed.errors import ConnectError, FastseedError, LoadError, UsageError
from fastseed.generate.keyexpr import columns_read
from fastseed.schema import (
    Catalog,
    Check,
    Column,
    ColumnType,
    ForeignKey,
    Kind,
    Table,
    TableName,
    UniqueKey,
)
from fastseed.url import DatabaseURL

__all__ = ["SQLiteAdapter", "SQLiteUndo", "column_type", "to_sqlite"]

_T = TypeVar("_T")

# -- catalog SQL -------------------------------------------------------------------------------
# sqlite_master rather than its alias sqlite_schema: same table, but the alias needs 3.33+.
# Virtual tables are skipped: their module may not be loaded here, and they are not seeded.
_TABLES = r"""
    SELECT name, sql FROM sqlite_master
    WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
      AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
"""

_COLUMNS = f"""
    SELECT t.name, c.name, c.type, c."notnull", c.dflt_value, c.pk, c.hidden
    FROM ({_TABLES}) t JOIN pragma_table_xinfo(t.name, 'main') c
    ORDER BY t.name, c.cid
"""

_FOREIGN_KEYS = f"""
    SELECT t.name, f.id, f.seq, f."table", f."from", f."to"
    FROM ({_TABLES}) t JOIN pragma_foreign_key_list(t.name, 'main') f
    ORDER BY t.name, f.id, f.seq
"""

_UNIQUE_INDEXES = f"""
    SELECT t.name, il.name, il.origin, ii.name, x.sql
    FROM ({_TABLES}) t
    JOIN pragma_index_list(t.name, 'main') il
    JOIN pragma_index_info(il.name, 'main') ii
    LEFT JOIN sqlite_master x ON x.type = 'index' AND x.name = il.name
    WHERE il."unique" = 1
    ORDER BY t.name, il.seq, ii.seqno
"""

# Shadow tables hold a virtual table's data (fts5's docs_content ...); pragma_table_list marks
# them since 3.37. On older builds this query fails and no table is treated as a shadow.
_SHADOW_TABLES = "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'"

_AUTOINCREMENT_COUNTER = "sqlite_sequence"


# -- column types ------------------------------------------------------------------------------


def column_type(declared: str) -> ColumnType:
    """Map a declared SQLite column type to a `ColumnType`.

    Common type names are recognised first (BOOLEAN, UUID, JSON, dates and times), then
    SQLite's own affinity rules decide (https://sqlite.org/datatype3.html#affinity_name_examples),
    so any name SQLite accepts maps to values it stores faithfully.
    """
    sql = declared.strip()
    args_match = re.search(r"\(([^)]*)\)", sql)
    args = [int(a) for a in re.findall(r"[+-]?\d+", args_match.group(1))] if args_match else []
    first = args[0] if args else None
    second = args[1] if len(args) > 1 else None
    base = " ".join(re.sub(r"\([^)]*\)", " ", sql).upper().split())
    zone = "TZ" in base or "WITH TIME ZONE" in base
    if not base:
        return ColumnType(Kind.BINARY, sql)  # no type: BLOB affinity, values stored as given
    if base in {"BOOL", "BOOLEAN"}:
        return ColumnType(Kind.BOOLEAN, sql)
    if base in {"UUID", "GUID", "UNIQUEIDENTIFIER"}:
        return ColumnType(Kind.UUID, sql)
    if base in {"JSON", "JSONB"}:
        return ColumnType(Kind.JSON, sql)
    if base == "DATE":
        return ColumnType(Kind.DATE, sql)
    if base.startswith(("DATETIME", "TIMESTAMP")):
        return ColumnType(Kind.TIMESTAMP, sql, precision=first, timezone=zone)
    if base.startswith("TIME"):
        return ColumnType(Kind.TIME, sql, precision=first, timezone=zone)
    if base.startswith("INTERVAL"):
        return ColumnType(Kind.INTERVAL, sql)
    # Affinity rules, in SQLite's order: INT wins over CHAR ("CHARINT" is an integer).
    if "INT" in base:
        return ColumnType(Kind.INTEGER, sql, bits=64)  # every SQLite integer is 64-bit
    if "CHAR" in base or "CLOB" in base or "TEXT" in base:
        return ColumnType(Kind.TEXT, sql, length=first)
    if "BLOB" in base:
        return ColumnType(Kind.BINARY, sql)
    if "REAL" in base or "FLOA" in base or "DOUB" in base:
        return ColumnType(Kind.FLOAT, sql)
    # Everything else has NUMERIC affinity. STRING is a classic trap (numeric affinity, but
    # its authors mean text); binary names are stored untouched since blobs are never coerced.
    if base == "STRING":
        return ColumnType(Kind.TEXT, sql, length=first)
    if base in {"BINARY", "VARBINARY", "BYTEA"}:
        return ColumnType(Kind.BINARY, sql, length=first)
    scale = second if second is not None else (0 if first is not None else None)
    return ColumnType(Kind.NUMERIC, sql, precision=first, scale=scale)


# -- a tokenizer for stored CREATE statements ---------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
      (?P<space>\s+|--[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^']|'')*'?)
    | (?P<dq>"(?:[^"]|"")*"?)
    | (?P<bq>`(?:[^`]|``)*`?)
    | (?P<br>\[[^\]]*\]?)
    | (?P<word>[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_$\x80-\U0010ffff]*)
    | (?P<number>[0-9][0-9A-Za-z_.]*)
    | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    """'word' (bare identifier or keyword), 'name' (quoted identifier), 'string', 'number',
    'punct'."""
    value: str
    """Quoted identifiers unquoted; everything else as written."""
    start: int
    end: int

    def word(self, *words: str) -> bool:
        return self.kind == "word" and self.value.upper() in words

    def punct(self, char: str) -> bool:
        return self.kind == "punct" and self.value == char


def _tokens(sql: str) -> list[_Token]:
    out: list[_Token] = []
    for m in _TOKEN_RE.finditer(sql):
        kind, text = m.lastgroup or "punct", m.group()
        if kind == "space":
            continue
        if kind in {"dq", "bq"}:
            quote = text[0]
            out.append(_Token("name", text[1:-1].replace(quote * 2, quote), m.start(), m.end()))
        elif kind == "br":
            out.append(_Token("name", text[1:-1], m.start(), m.end()))
        else:
            out.append(_Token(kind, text, m.start(), m.end()))
    return out


def _close(tokens: Sequence[_Token], i: int) -> int:
    """Index of the ')' that closes the '(' at `tokens[i]` (the last token if unbalanced)."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].punct("("):
            depth += 1
        elif tokens[j].punct(")"):
            depth -= 1
            if depth == 0:
                return j
    return len(tokens) - 1


def _split(tokens: Sequence[_Token]) -> list[list[_Token]]:
    """Comma-separated items at parenthesis depth 0."""
    items: list[list[_Token]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.punct("("):
            depth += 1
        elif tok.punct(")"):
            depth -= 1
        elif tok.punct(",") and depth == 0:
            items.append([])
            continue
        items[-1].append(tok)
    return [item for item in items if item]


def _names_in(tokens: Sequence[_Token], i: int) -> tuple[tuple[str, ...], int]:
    """The column names in the parenthesised list at `tokens[i]`, and the index after it."""
    end = _close(tokens, i)
    # An indexed column may carry COLLATE/ASC/DESC; its name is the first token.
    return tuple(item[0].value for item in _split(tokens[i + 1 : end])), end + 1


def _inside(sql: str, tokens: Sequence[_Token], i: int) -> tuple[str, int]:
    """The source text inside the parentheses opening at `tokens[i]`, and the index after."""
    end = _close(tokens, i)
    return sql[tokens[i].end : tokens[end].start].strip(), end + 1


@dataclass
class _ForeignKeyDDL:
    name: str | None
    columns: tuple[str, ...]
    ref_table: str
    deferred: bool


@dataclass
class _TableDDL:
    """What only the CREATE TABLE text tells."""

    without_rowid: bool = False
    autoincrement: set[str] = field(default_factory=set)
    """Lower-cased names of AUTOINCREMENT columns."""
    primary_name: str | None = None
    uniques: list[tuple[str | None, tuple[str, ...]]] = field(default_factory=list)
    checks: list[tuple[str | None, str | None, str]] = field(default_factory=list)
    """(constraint name, column for a column-level check, expression)."""
    foreign_keys: list[_ForeignKeyDDL] = field(default_factory=list)


# Words that start the next column constraint, ending a REFERENCES clause.
_CONSTRAINT_STARTS = frozenset(
    {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED"}
    | {"AS", "NOT", "NULL"}
)


def _references(tokens: Sequence[_Token], i: int) -> tuple[str, bool, int]:
    """Parse `REFERENCES parent [(cols)] [actions] [DEFERRABLE ...]` at `tokens[i]`.

    Returns the parent, whether the FK is deferred and the index after the clause. SQLite
    defers only `DEFERRABLE INITIALLY DEFERRED`; any other spelling is checked per statement.
    """
    parent = tokens[i + 1].value if i + 1 < len(tokens) else ""
    j = i + 2
    if j < len(tokens) and tokens[j].punct("("):
        j = _close(tokens, j) + 1
    deferred = False
    while j < len(tokens):
        tok = tokens[j]
        after_set = tokens[j - 1].word("SET")  # ON DELETE SET DEFAULT / SET NULL
        after_not_deferrable = j + 1 < len(tokens) and tokens[j + 1].word("DEFERRABLE")
        if tok.word(*_CONSTRAINT_STARTS) and not after_set and not after_not_deferrable:
            break
        if tok.word("DEFERRABLE") and not tokens[j - 1].word("NOT"):
            rest = tokens[j + 1 : j + 3]
            deferred = len(rest) == 2 and rest[0].word("INITIALLY") and rest[1].word("DEFERRED")
        j += 1
    return parent, deferred, j


def _parse_create_table(sql: str) -> _TableDDL:
    ddl = _TableDDL()
    tokens = _tokens(sql or "")
    open_at = next((i for i, t in enumerate(tokens) if t.punct("(")), None)
    if open_at is None:
        return ddl
    close_at = _close(tokens, open_at)
    tail = tokens[close_at + 1 :]
    ddl.without_rowid = any(
        t.word("WITHOUT") and k + 1 < len(tail) and tail[k + 1].word("ROWID")
        for k, t in enumerate(tail)
    )
    for item in _split(tokens[open_at + 1 : close_at]):
        name: str | None = None
        i = 0
        if item[0].word("CONSTRAINT") and len(item) > 2:
            name, i = item[1].value, 2
        if item[i].word("PRIMARY", "UNIQUE", "CHECK", "FOREIGN"):
            _table_constraint(ddl, sql, name, item[i:])
        else:
            _column_definition(ddl, sql, item)
    return ddl


def _table_constraint(ddl: _TableDDL, sql: str, name: str | None, item: list[_Token]) -> None:
    paren = next((k for k, t in enumerate(item) if t.punct("(")), None)
    if paren is None:
        return
    head = item[0]
    if head.word("PRIMARY"):
        ddl.primary_name = name
    elif head.word("UNIQUE"):
        ddl.uniques.append((name, _names_in(item, paren)[0]))
    elif head.word("CHECK"):
        ddl.checks.append((name, None, _inside(sql, item, paren)[0]))
    else:
        columns, after = _names_in(item, paren)
        if after < len(item) and item[after].word("REFERENCES"):
            parent, deferred, _ = _references(item, after)
            ddl.foreign_keys.append(_ForeignKeyDDL(name, columns, parent, deferred))


def _column_definition(ddl: _TableDDL, sql: str, item: list[_Token]) -> None:
    column = item[0].value
    pending: str | None = None  # a CONSTRAINT name waiting for the constraint it names
    j = 1
    while j < len(item):
        tok = item[j]
        if tok.punct("("):  # type arguments, DEFAULT (expr), GENERATED ... AS (expr)
            j = _close(item, j) + 1
            continue
        if tok.word("CONSTRAINT") and j + 1 < len(item):
            pending, j = item[j + 1].value, j + 2
            continue
        if tok.word("CHECK") and j + 1 < len(item) and item[j + 1].punct("("):
            text, j = _inside(sql, item, j + 1)
            ddl.checks.append((pending, column, text))
            pending = None
            continue
        if tok.word("REFERENCES"):
            parent, deferred, j = _references(item, j)
            ddl.foreign_keys.append(_ForeignKeyDDL(pending, (column,), parent, deferred))
            pending = None
            continue
        if tok.word("PRIMARY"):
            ddl.primary_name, pending = pending, None
        elif tok.word("UNIQUE"):
            ddl.uniques.append((pending, (column,)))
            pending = None
        elif tok.word("AUTOINCREMENT"):
            ddl.autoincrement.add(column.lower())
        elif tok.word("NOT", "NULL", "DEFAULT", "COLLATE", "GENERATED", "AS"):
            pending = None
        j += 1


def _index_predicate(sql: str | None) -> str | None:
    """The WHERE clause of a partial index, from its CREATE INDEX text."""
    if not sql:
        return None
    depth = 0
    for tok in _tokens(sql):
        if tok.punct("("):
            depth += 1
        elif tok.punct(")"):
            depth -= 1
        elif depth == 0 and tok.word("WHERE"):
            return sql[tok.end :].strip().rstrip(";").strip() or None
    return None


def _index_parts(sql: str | None) -> list[str]:
    """The key parts of a CREATE INDEX text as written, without COLLATE/ASC/DESC."""
    tokens = _tokens(sql or "")
    on = next((i for i, tok in enumerate(tokens) if tok.word("ON")), None)
    start = next((i for i in range(on or 0, len(tokens)) if tokens[i].punct("(")), None)
    if on is None or start is None or sql is None:
        return []
    parts = []
    for item in _split(tokens[start + 1 : _close(tokens, start)]):
        while len(item) > 1 and item[-1].word("ASC", "DESC"):
            item = item[:-1]
        if len(item) > 2 and item[-2].word("COLLATE"):
            item = item[:-2]
        parts.append(sql[item[0].start : item[-1].end])
    return parts


# -- values ------------------------------------------------------------------------------------

# Kinds whose canonical Python values sqlite3 binds as they are (bool binds as an integer).
_NATIVE_KINDS = frozenset(
    {Kind.INTEGER, Kind.YEAR, Kind.FLOAT, Kind.BOOLEAN, Kind.TEXT, Kind.BINARY, Kind.JSON}
    | {Kind.ENUM, Kind.SET, Kind.BIT, Kind.MACADDR, Kind.TSVECTOR, Kind.GEOMETRY, Kind.XML}
)

# Stored as their canonical text.
_STR_TYPES = (
    uuid.UUID,
    ipaddress.IPv4Address,
    ipaddress.IPv6Address,
    ipaddress.IPv4Network,
    ipaddress.IPv6Network,
    ipaddress.IPv4Interface,
    ipaddress.IPv6Interface,
)


def _duration(value: dt.timedelta) -> str:
    """PostgreSQL-style interval text ('3 days 04:05:06.5'), readable and unambiguous."""
    micros = value // dt.timedelta(microseconds=1)
    sign = "-" if micros < 0 else ""
    days, rest = divmod(abs(micros), 86_400_000_000)
    seconds, fraction = divmod(rest, 1_000_000)
    hours, rest = divmod(seconds, 3600)
    clock = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    if fraction:
        clock += f".{fraction:06d}".rstrip("0")
    return f"{sign}{days} days {clock}" if days else sign + clock


def to_sqlite(value: Any) -> Any:
    """A canonical fastseed value as SQLite stores it (ISO text for temporals, text for the
    rest); raises TypeError for a type no column kind produces."""
    if value is None or isinstance(value, int | float | str | bytes):
        return value
    if isinstance(value, dt.datetime):
        # The space separator matches CURRENT_TIMESTAMP, so values sort with server defaults.
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")  # never exponent notation ('1E+3') in a text column
    if isinstance(value, _STR_TYPES):
        return str(value)
    if isinstance(value, dt.timedelta):
        return _duration(value)
    if isinstance(value, list | tuple):
        return json.dumps(value, default=to_sqlite, ensure_ascii=False)
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"cannot store a {type(value).__name__} value in SQLite")


def _converters(columns: Sequence[Column]) -> list[Callable[[Any], Any] | None]:
    return [None if c.type.kind in _NATIVE_KINDS else to_sqlite for c in columns]


def _convert(
    rows: Iterable[Sequence[Any]], converters: Sequence[Callable[[Any], Any] | None]
) -> list[tuple[Any, ...]]:
    pairs = [(i, conv) for i, conv in enumerate(converters) if conv is not None]
    if not pairs:
        return [tuple(row) for row in rows]
    out: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(row)
        for i, conv in pairs:
            values[i] = conv(values[i])
        out.append(tuple(values))
    return out


# -- testing rows against CHECKs ---------------------------------------------------------------


# -- undo tokens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SQLiteUndo:
    """The rows one committed session wrote to one table.

    A rowid table lists inclusive rowid ranges: the session held the only write lock, so every
    rowid above the table's max before its first write is its own, plus any explicit keys it
    wrote below that max. A WITHOUT ROWID table lists the primary keys written.
    """

    table: TableName
    key_columns: tuple[str, ...]
    """The rowid (its alias column, or 'rowid'/'_rowid_'/'oid' when not shadowed) or the PK."""
    ranges: tuple[tuple[int, int], ...] = ()
    keys: tuple[tuple[Any, ...], ...] = ()


def _rowid_name(table: Table, alias: str | None) -> str:
    if alias:
        return alias
    taken = {c.name.lower() for c in table.columns}
    # A column may be named "rowid"; SQLite then still answers to the other two spellings.
    return next((n for n in ("rowid", "_rowid_", "oid") if n not in taken), "rowid")


def _runs(values: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted distinct integers folded into inclusive (low, high) runs."""
    runs: list[tuple[int, int]] = []
    for v in sorted(set(values)):
        if runs and runs[-1][1] == v - 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


@dataclass
class _Written:
    """What one session wrote to one table so far (worker-thread side)."""

    table: Table
    rowid: str | None
    """The rowid's name, or None for a WITHOUT ROWID table."""
    alias: str | None
    """The INTEGER PRIMARY KEY column aliasing the rowid, if any."""
    start: int = 0
    explicit: set[int] = field(default_factory=set)
    keys: list[tuple[Any, ...]] = field(default_factory=list)


def _children_first(written: list[_Written]) -> list[_Written]:
    """Reverse write order, but a table before the tables it references where possible.

    FK actions (ON DELETE SET NULL / SET DEFAULT) fire at once even while checks are
    deferred, so deleting a parent first could hit a NOT NULL column of a child we are about
    to delete anyway. Inside a cycle the reverse write order stands.
    """
    remaining = list(written)
    ordered: list[_Written] = []
    while remaining:
        names = {w.table.name for w in remaining}
        referenced = {
            fk.ref_table
            for w in remaining
            for fk in w.table.foreign_keys
            if fk.ref_table in names and fk.ref_table != w.table.name
        }
        pick = next((w for w in remaining if w.table.name not in referenced), remaining[0])
        remaining.remove(pick)
        ordered.append(pick)
    return ordered


class _SQLiteSession(Session):
    """One transaction on the adapter's connection; the adapter's lock is held throughout."""

    def __init__(self, adapter: SQLiteAdapter) -> None:
        self._adapter = adapter
        self._conn = adapter.connection
        self._written: dict[TableName, _Written] = {}  # in first-write order

    async def defer(self, table: Table, fk: ForeignKey) -> None:
        # Defers every FK until COMMIT; SQLite resets it when the transaction ends.
        await self._adapter.call(
            lambda: self._conn.execute("PRAGMA defer_foreign_keys = ON"), where=str(table.name)
        )

    async def write(
        self, table: Table, columns: Sequence[Column], rows: list[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        q = self._adapter.quote
        names = ", ".join(q(c.name) for c in columns)
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {self._adapter.qualify(table.name)} ({names}) VALUES ({marks})"
        converters = _converters(columns)
        positions = {c.name: i for i, c in enumerate(columns)}

        def run() -> None:
            try:
                data = _convert(rows, converters)
            except (TypeError, ValueError) as exc:
                raise LoadError(f"{table.name}: {exc}") from None
            written = self._track(table)
            self._conn.executemany(sql, data)
            self._note(written, positions, data)

        await self._adapter.call(run, where=str(table.name))

    async def update(
        self,
        table: Table,
        key: Sequence[str],
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
    ) -> None:
        if not rows:
            return
        q = self._adapter.quote
        sets = ", ".join(f"{q(c)} = ?" for c in columns)
        where = " AND ".join(f"{q(k)} = ?" for k in key)
        sql = f"UPDATE {self._adapter.qualify(table.name)} SET {sets} WHERE {where}"
        converters = _converters([table.column(c) for c in (*columns, *key)])
        n = len(key)

        def run() -> None:
            try:
                data = _convert((row[n:] + row[:n] for row in rows), converters)
            except (TypeError, ValueError) as exc:
                raise LoadError(f"{table.name}: {exc}") from None
            self._conn.executemany(sql, data)

        await self._adapter.call(run, where=str(table.name))

    # -- bookkeeping for undo (runs in the worker thread) -------------------------------------

    def _track(self, table: Table) -> _Written:
        written = self._written.get(table.name)
        if written is not None:
            return written
        if self._adapter.without_rowid(table.name):
            written = _Written(table, rowid=None, alias=None)
        else:
            alias = next((c.name for c in table.columns if c.identity), None)
            written = _Written(table, rowid=_rowid_name(table, alias), alias=alias)
            sql = f"SELECT MAX({self._adapter.quote(written.rowid or '')}) FROM " + (
                self._adapter.qualify(table.name)
            )
            written.start = int(self._one(sql) or 0)
        self._written[table.name] = written
        return written

    def _note(
        self, written: _Written, positions: dict[str, int], data: list[tuple[Any, ...]]
    ) -> None:
        if written.rowid is None:
            pk = written.table.primary_key
            if pk is None or any(c not in positions for c in pk.columns):
                raise LoadError(
                    f"{written.table.name}: a WITHOUT ROWID table's primary key must be written "
                    "so the rows can be removed again"
                )
            at = [positions[c] for c in pk.columns]
            written.keys.extend(tuple(row[i] for i in at) for row in data)
        elif written.alias is not None and written.alias in positions:
            # Keys above `start` fall in the range taken at the end; only lower ones are kept.
            i = positions[written.alias]
            written.explicit.update(
                row[i] for row in data if isinstance(row[i], int) and row[i] <= written.start
            )

    def _one(self, sql: str) -> Any:
        cur = self._conn.execute(sql)
        try:
            row = cur.fetchone()
        finally:
            cur.close()
        return row[0] if row else None

    def finish(self) -> tuple[SQLiteUndo, ...]:
        """The undo token, taken inside the transaction just before COMMIT."""
        parts: list[SQLiteUndo] = []
        for written in _children_first(list(reversed(self._written.values()))):
            name = written.table.name
            if written.rowid is None:
                pk = written.table.primary_key
                assert pk is not None  # _note refused the write otherwise
                parts.append(SQLiteUndo(name, pk.columns, keys=tuple(written.keys)))
                continue
            sql = f"SELECT MAX({self._adapter.quote(written.rowid)}) FROM " + (
                self._adapter.qualify(name)
            )
            end = int(self._one(sql) or 0)
            ranges = _runs(written.explicit)
            if end > written.start:
                ranges.append((written.start + 1, end))
            parts.append(SQLiteUndo(name, (written.rowid,), ranges=tuple(ranges)))
        return tuple(parts)

    def tables(self) -> str:
        return ", ".join(str(name) for name in self._written) or "no tables"


# -- the adapter -------------------------------------------------------------------------------


class SQLiteAdapter(Adapter):
    """One `sqlite3` connection to a database file, used from worker threads one call at a time."""

    name: ClassVar[str] = "sqlite"

    def __init__(self, url: DatabaseURL, connection: sqlite3.Connection, timeout: float) -> None:
        super().__init__(url)
        self.connection = connection
        self.timeout = timeout
        self.capabilities = Capabilities(
            deferrable_constraints=True,
            force_defer_any_fk=True,
            concurrent_sessions=False,
            checks_fk_per_row=False,
            load_method="executemany INSERT",
        )
        self._limiter = anyio.CapacityLimiter(1)
        self._lock = anyio.Lock()
        self._owner: int | None = None
        """The task holding `_lock`: its own `execute` calls join its transaction."""
        self._without_rowid: dict[TableName, bool] = {}

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    async def open(
        cls, url: DatabaseURL, *, pool_size: int = 4, timeout: float = 10.0
    ) -> SQLiteAdapter:
        """Open (creating if needed) the file; `pool_size` is ignored: SQLite has one writer."""
        path = url.database
        if not path:
            raise UsageError("sqlite URL needs a file path: sqlite:///path/to/file.db")
        if path != ":memory:":
            file = Path(path)
            if not file.parent.is_dir():
                raise UsageError(f"cannot create {path}: directory {file.parent} does not exist")
            if file.is_dir():
                raise UsageError(f"{path} is a directory, not a SQLite database file")

        def connect() -> sqlite3.Connection:
            # isolation_level=None: no implicit BEGIN; sessions say BEGIN IMMEDIATE themselves.
            conn = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # is it a database?
                if conn.execute("PRAGMA foreign_keys").fetchone() != (1,):
                    raise UsageError("this SQLite build cannot enforce foreign keys")
            except BaseException:
                conn.close()
                raise
            return conn

        try:
            connection = await anyio.to_thread.run_sync(connect)
        except sqlite3.OperationalError as exc:
            if _is_locked(exc):
                raise ConnectError(f"{path} is locked by another connection") from None
            raise UsageError(f"cannot open {path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"cannot open {path} as a SQLite database: {exc}") from None
        return cls(url, connection, timeout)

    async def close(self) -> None:
        await anyio.to_thread.run_sync(self.connection.close, limiter=self._limiter)

    # -- running blocking calls --------------------------------------------------------------

    async def call(self, fn: Callable[[], _T], *, where: str) -> _T:
        """Run `fn` in a worker thread; a sqlite3 error becomes one line naming `where`."""
        try:
            return await anyio.to_thread.run_sync(fn, limiter=self._limiter)
        except sqlite3.Error as exc:
            raise self._error(exc, where) from exc

    def _error(self, exc: sqlite3.Error, where: str) -> FastseedError:
        message = " ".join(str(exc).split()) or type(exc).__name__
        if _is_locked(exc):
            return ConnectError(
                f"{where}: {self.url.database} is locked by another connection "
                f"(waited {self.timeout:g}s)"
            )
        return LoadError(f"{where}: {message}")

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[None]:
        """Hold the session lock, unless the calling task already holds it."""
        me = anyio.get_current_task().id
        if self._owner == me:
            yield
            return
        async with self._lock:
            self._owner = me
            try:
                yield
            finally:
                self._owner = None

    def _rollback(self) -> None:
        # Some failures (disk full, I/O errors) already rolled back; and the original error
        # matters more than a failed ROLLBACK, which closing the connection completes anyway.
        try:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    async def _transaction(self, fn: Callable[[], _T], *, where: str) -> _T:
        """Run `fn` inside BEGIN IMMEDIATE ... COMMIT, rolling back on any error."""

        def run() -> _T:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                result = fn()
                self.connection.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
            return result

        async with self._exclusive():
            return await self.call(run, where=where)

    # -- reading -----------------------------------------------------------------------------

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.connection.execute(sql, [to_sqlite(a) for a in args])
        try:
            return [tuple(r) for r in cur.fetchall()]
        finally:
            cur.close()

    async def fetch_value(self, sql: str, *args: Any) -> Any:
        row = await self.fetch_row(sql, *args)
        return row[0] if row else None

    async def fetch_rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        def run() -> list[tuple[Any, ...]]:
            cur = self.connection.execute(sql, [to_sqlite(a) for a in args])
            try:
                return [tuple(r) for r in cur.fetchall()]
            finally:
                cur.close()

        return await self.call(run, where="query")

    async def fetch_row(self, sql: str, *args: Any) -> tuple[Any, ...]:
        """The first row, or () when the query returns none."""

        def run() -> tuple[Any, ...]:
            cur = self.connection.execute(sql, [to_sqlite(a) for a in args])
            try:
                row = cur.fetchone()
            finally:
                cur.close()
            return tuple(row) if row is not None else ()

        return await self.call(run, where="query")

    async def execute(self, sql: str) -> None:
        """Run a statement (or a script of several) in autocommit mode."""

        def run() -> None:
            if self.connection.in_transaction:
                # Inside the calling task's own session: join its transaction (executescript
                # would COMMIT it first).
                self.connection.execute(sql).close()
            else:
                self.connection.executescript(sql).close()

        async with self._exclusive():
            await self.call(run, where="execute")

    async def truncate(self, tables: Sequence[Table]) -> None:
        """Empty `tables`, children first, in one transaction: a row of a table left alone
        that points into them fails its DELETE, and then nothing was deleted."""

        def run() -> None:
            conn = self.connection
            conn.execute("BEGIN IMMEDIATE").close()
            try:
                for table in tables:
                    conn.execute(f"DELETE FROM {self.from_clause(table)}").close()
                conn.execute("COMMIT").close()
            except BaseException:
                conn.execute("ROLLBACK").close()
                raise

        async with self._exclusive():
            await self.call(run, where="truncate")

    async def reflect(self, *, schemas: Sequence[str] | None = None) -> Catalog:
        """Every user table of the `main` database, read with one query per aspect."""
        if schemas is not None and "main" not in schemas:
            raise UsageError("a SQLite database has one schema, 'main'")

        def read() -> Catalog:
            return self._read_catalog()

        return await self.call(read, where="reflect")

    def _read_catalog(self) -> Catalog:
        tables = {name: sql for name, sql in self._rows(_TABLES)}
        try:
            for (shadow,) in self._rows(_SHADOW_TABLES):
                tables.pop(shadow, None)
        except sqlite3.OperationalError:
            pass  # before 3.37: no pragma_table_list
        ddl = {name: _parse_create_table(sql) for name, sql in tables.items()}

        columns: dict[str, list[tuple[Any, ...]]] = {name: [] for name in tables}
        for row in self._rows(_COLUMNS):
            if row[0] in columns:
                columns[row[0]].append(row[1:])
        fk_rows: dict[str, dict[int, list[tuple[Any, ...]]]] = {name: {} for name in tables}
        for table, fk_id, _seq, parent, src, dst in self._rows(_FOREIGN_KEYS):
            if table in fk_rows:
                fk_rows[table].setdefault(fk_id, []).append((parent, src, dst))
        indexes: dict[str, dict[str, list[Any]]] = {name: {} for name in tables}
        for table, index, origin, column, sql in self._rows(_UNIQUE_INDEXES):
            if table in indexes:
                entry = indexes[table].setdefault(index, [origin, [], sql])
                entry[1].append(column)

        primary: dict[str, tuple[str, ...]] = {}
        for name, cols in columns.items():
            pk = sorted((c[4], c[0]) for c in cols if c[4])
            primary[name] = tuple(col for _, col in pk)

        result: dict[TableName, Table] = {}
        for name in tables:
            table = self._table(
                name, ddl[name], columns[name], fk_rows[name], indexes[name], primary
            )
            result[table.name] = table
            self._without_rowid[table.name] = ddl[name].without_rowid
        return Catalog("sqlite", result, server_version=sqlite3.sqlite_version)

    def _table(
        self,
        name: str,
        ddl: _TableDDL,
        column_rows: list[tuple[Any, ...]],
        fk_rows: dict[int, list[tuple[Any, ...]]],
        index_rows: dict[str, list[Any]],
        primary: dict[str, tuple[str, ...]],
    ) -> Table:
        pk_columns = primary[name]
        # The rowid alias: a one-column INTEGER primary key of a rowid table, which gets no
        # 'pk' index (that also rules out the 'INTEGER PRIMARY KEY DESC' quirk, which does).
        has_pk_index = any(entry[0] == "pk" for entry in index_rows.values())
        alias: str | None = None
        if not ddl.without_rowid and len(pk_columns) == 1 and not has_pk_index:
            declared = next(c[1] for c in column_rows if c[0] == pk_columns[0])
            if declared.strip().upper() == "INTEGER":
                alias = pk_columns[0]

        columns = []
        for col, declared, notnull, default, pk, hidden in column_rows:
            auto = col.lower() in ddl.autoincrement
            columns.append(
                Column(
                    name=col,
                    type=column_type(declared or ""),
                    # Rowid tables accept NULL in a non-alias PK column (a legacy bug); never
                    # generate one.
                    nullable=not notnull and not pk,
                    default=default,
                    identity=col == alias,
                    generated=hidden in (2, 3),
                    sequence=_AUTOINCREMENT_COUNTER if auto and col == alias else None,
                )
            )

        pk_key = None
        if pk_columns:
            pk_key = UniqueKey(ddl.primary_name or f"{name}_pkey", pk_columns, primary=True)

        named_uniques = {tuple(c.lower() for c in cols): n for n, cols in ddl.uniques if n}
        uniques = []
        for index, (origin, cols, sql) in index_rows.items():
            if origin == "pk":
                continue
            if any(c is None for c in cols):  # an expression part (pragma cid -2)
                exprs = _index_parts(sql)
                if len(exprs) == len(cols):
                    uniques.append(
                        UniqueKey(
                            index,
                            columns_read(exprs, [c[0] for c in column_rows]),
                            predicate=_index_predicate(sql),
                            is_constraint=False,
                            expressions=tuple(exprs),
                        )
                    )
                continue
            if origin == "u":
                key = tuple(c.lower() for c in cols)
                label = named_uniques.get(key) or f"{name}_{'_'.join(cols)}_key"
                uniques.append(UniqueKey(label, tuple(cols)))
            else:
                uniques.append(
                    UniqueKey(
                        index, tuple(cols), predicate=_index_predicate(sql), is_constraint=False
                    )
                )

        declared_fks = list(ddl.foreign_keys)
        foreign_keys = []
        # pragma_foreign_key_list numbers FKs in reverse declaration order.
        for _, parts in sorted(fk_rows.items(), reverse=True):
            parent = parts[0][0]
            src = tuple(p[1] for p in parts)
            # `to` is NULL for `REFERENCES parent` without columns: the parent's primary key.
            # The REFERENCES clause may spell the parent in another letter case.
            parent = next((t for t in primary if t.lower() == parent.lower()), parent)
            dst = tuple(p[2] for p in parts)
            if any(d is None for d in dst):
                dst = primary.get(parent) or src
            match = next(
                (
                    d
                    for d in declared_fks
                    if tuple(c.lower() for c in d.columns) == tuple(c.lower() for c in src)
                    and d.ref_table.lower() == parent.lower()
                ),
                None,
            )
            if match is not None:
                declared_fks.remove(match)
            deferred = match.deferred if match else False
            foreign_keys.append(
                ForeignKey(
                    name=(match.name if match else None) or f"{name}_{'_'.join(src)}_fkey",
                    columns=src,
                    ref_table=TableName(None, parent),
                    ref_columns=tuple(dst),
                    deferrable=deferred,
                    initially_deferred=deferred,
                )
            )

        checks = []
        seen: set[str] = set()
        for given, column, expression in ddl.checks:
            check_name = given or (f"{name}_{column}_check" if column else f"{name}_check")
            base, n = check_name, 1
            while check_name in seen:
                n += 1
                check_name = f"{base}{n}"
            seen.add(check_name)
            checks.append(Check(check_name, expression))

        return Table(
            name=TableName(None, name),
            columns=tuple(columns),
            primary_key=pk_key,
            uniques=tuple(uniques),
            foreign_keys=tuple(foreign_keys),
            checks=tuple(checks),
        )

    # -- testing rows against CHECKs ----------------------------------------------------------

    async def failing_rows(
        self,
        table: Table,
        columns: Sequence[Column],
        rows: list[tuple[Any, ...]],
        checks: Sequence[Check],
    ) -> list[int]:
        """The rows go, as `write` binds them, into a TEMP table declaring the same column types,
        then one SELECT aliased like the table keeps those where SQLite would refuse the row:
        ``CAST((check) AS NUMERIC) = 0``. All inside a savepoint that is rolled back.

        A CTE over VALUES would be simpler but wrong: its columns have no affinity, so neither
        would '2.50' become a number before the check nor would ``at < '2030'`` compare the way
        it does against a DATETIME (NUMERIC affinity) column. Multi-row INSERTs are chunked under
        the connection's limit on bound parameters.
        """
        if not rows or not checks:
            return []
        q = self.quote
        at = {c.name: i for i, c in enumerate(columns)}
        needed = mentioned_columns(table, checks)
        bound = [columns[at[c.name]] for c in needed if c.name in at]
        picks = [at[c.name] for c in bound]
        converters = _converters(bound)
        pos = q(free_name([c.name for c in table.columns], "fastseed_row"))
        temp = "temp." + q(free_name([table.name.name], "fastseed_check"))
        declared = ", ".join([f"{pos} INTEGER"] + [f"{q(c.name)} {c.type.sql}" for c in needed])
        insert = f"INSERT INTO {temp} ({', '.join([pos] + [q(c.name) for c in bound])}) VALUES "
        marks = "(" + ", ".join("?" * (len(bound) + 1)) + ")"
        failing = " OR ".join(f"CAST(({c.expression}) AS NUMERIC) = 0" for c in checks)
        select = f"SELECT {pos} FROM {temp} AS {q(table.name.name)} WHERE {failing}"

        def run() -> list[int]:
            limit = self.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            per_chunk = max(1, limit // (len(bound) + 1))
            conn = self.connection
            conn.execute("SAVEPOINT fastseed_check")
            try:
                conn.execute(f"CREATE TABLE {temp} ({declared})")
                for start in range(0, len(rows), per_chunk):
                    part = rows[start : start + per_chunk]
                    try:
                        data = _convert([tuple(row[i] for i in picks) for row in part], converters)
                    except (TypeError, ValueError) as exc:
                        raise LoadError(f"{table.name}: {exc}") from None
                    args = [v for n, row in enumerate(data, start) for v in (n, *row)]
                    conn.execute(insert + ", ".join([marks] * len(part)), args)
                cur = conn.execute(select)
                try:
                    return sorted(int(r[0]) for r in cur.fetchall())
                finally:
                    cur.close()
            finally:
                conn.execute("ROLLBACK TO fastseed_check")
                conn.execute("RELEASE fastseed_check")

        return await self.call(run, where=f"testing CHECKs of {table.name}")

    # -- loading -----------------------------------------------------------------------------

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Session]:
        """BEGIN IMMEDIATE ... COMMIT on one connection; ROLLBACK on error or cancellation."""
        async with self._exclusive():
            await self.call(lambda: self.connection.execute("BEGIN IMMEDIATE"), where="BEGIN")
            session = _SQLiteSession(self)
            try:
                yield session
                token = await self.call(session.finish, where=session.tables())
                await self.call(
                    lambda: self.connection.execute("COMMIT"),
                    where=f"commit ({session.tables()})",
                )
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(self._rollback, limiter=self._limiter)
                raise
            session.undo_token = token

    def without_rowid(self, table: TableName) -> bool:
        """Whether `table` is WITHOUT ROWID (worker thread; cached, read once per table)."""
        known = self._without_rowid.get(table)
        if known is None:
            rows = self._rows(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table.name,)
            )
            known = bool(rows) and _parse_create_table(rows[0][0]).without_rowid
            self._without_rowid[table] = known
        return known

    async def undo(self, tokens: Sequence[Any]) -> None:
        """Delete the rows the sessions behind `tokens` wrote, all in one transaction."""
        parts = [part for token in tokens if token for part in token]
        if not parts:
            return

        def run() -> None:
            # Our rows may reference each other in any order (cycles, self-references).
            self.connection.execute("PRAGMA defer_foreign_keys = ON")
            for part in parts:
                table = self.qualify(part.table)
                match = " AND ".join(f"{self.quote(c)} = ?" for c in part.key_columns)
                if part.keys:
                    self.connection.executemany(f"DELETE FROM {table} WHERE {match}", part.keys)
                if part.ranges:
                    rowid = self.quote(part.key_columns[0])
                    self.connection.executemany(
                        f"DELETE FROM {table} WHERE {rowid} BETWEEN ? AND ?", part.ranges
                    )

        await self._transaction(run, where="undo")

    async def reset_sequences(self, tables: Sequence[Table]) -> None:
        """Move AUTOINCREMENT counters up to the largest key (never down: ids are not reused).

        A plain INTEGER PRIMARY KEY needs nothing: SQLite takes max(rowid) + 1 on each insert.
        """
        targets = [
            (t, c) for t in tables for c in t.columns if c.sequence == _AUTOINCREMENT_COUNTER
        ]
        if not targets:
            return

        def run() -> None:
            for table, column in targets:
                top = f"(SELECT COALESCE(MAX({self.quote(column.name)}), 0) FROM "
                top += f"{self.qualify(table.name)})"
                cur = self.connection.execute(
                    f"UPDATE sqlite_sequence SET seq = MAX(seq, {top}) WHERE name = ?",
                    (table.name.name,),
                )
                if cur.rowcount == 0:
                    self.connection.execute(
                        f"INSERT INTO sqlite_sequence (name, seq) VALUES (?, {top})",
                        (table.name.name,),
                    )

        await self._transaction(run, where="reset sequences")


def _is_locked(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)
