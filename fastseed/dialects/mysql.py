"""MySQL and MariaDB on aiomysql: information_schema reflection, multi-row INSERT or
LOAD DATA LOCAL INFILE from memory, FOREIGN_KEY_CHECKS=0 for hard cycles, key-based undo.

Server differences (MariaDB vs MySQL 8, version) are detected once in `open` and stay here.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote

import aiomysql
import anyio
import numpy as np
import pymysql.err

from fastseed import cpu
from fastseed.dialects import mysql_reflect as rf
from fastseed.dialects import mysql_tsv
from fastseed.dialects import mysql_values as mv
from fastseed.dialects.base import (
    Adapter,
    Capabilities,
    Enforced,
    Session,
    TriggerRejected,
    free_name,
    mentioned_columns,
    refuse_new_orphans,
    retry_lock_conflicts,
    with_trigger_writes,
)
from fastseed.dialects.mysql_undo import KeySpill, MySQLUndoToken, UndoEntry
from fastseed.errors import ConnectError, FastseedError, LoadError, PermissionDenied, UsageError
from fastseed.generate.batch import Batch, ColumnData, to_python
from fastseed.schema import Catalog, Check, Column, ForeignKey, Kind, Table, TableName
from fastseed.url import DatabaseURL

T = TypeVar("T")

_MEMORY_INFILE = mv.install_memory_infile()

# Server error codes: 1044/1045 access denied, 1049 unknown database; client (CR_*) errors
# are 2000-2999 and mean the connection is gone or was never made.
_USAGE_ERRORS = {1044, 1045, 1049, 1698}
# Server off (1148), client off (2068), MySQL 8 (3948) and MariaDB 10.6+ (4166) wordings.
_LOCAL_INFILE_REFUSED = {1148, 2068, 3948, 4166}
# Refused for this user: database (1044), table (1142), column (1143) or privilege (1227)
# access denied; a read-only server (1290 --read-only) or transaction (1792).
_PERMISSION_ERRORS = {1044, 1142, 1143, 1227, 1290, 1792}
# The session was killed (1927 MariaDB ER_CONNECTION_KILLED) or the server is shutting down
# (1053): the connection is gone, whatever statement was running.
_KILLED_ERRORS = {1053, 1927}
_LOCK_WAIT_TIMEOUT = 1205
_LOCK_WAIT_FACTOR = 3
"""lock_wait_timeout = timeout × this: a table another session holds is waited for, boundedly."""
_PACKET_MARGIN = 64 * 1024
# Bigger INSERT statements stop paying off well before max_allowed_packet (measured in
# tests/test_mysql_adapter.py::test_load_path_speed); 4 MB keeps server-side parse memory small.
_INSERT_BYTES_CAP = 4 * 1024 * 1024
_PLACEHOLDER_LIMIT = 65_535


@dataclass(frozen=True)
class ServerInfo:
    """Facts read once at connect."""

    version: str
    mariadb: bool
    version_tuple: tuple[int, ...]
    lower_case_table_names: int
    max_allowed_packet: int
    local_infile: bool
    autoinc_lock_mode: int
    sql_mode: str
    database: str

    @property
    def has_check_constraints(self) -> bool:
        # MariaDB enforces CHECK since 10.2.1; MySQL parses but ignores it before 8.0.16.
        if self.mariadb:
            return self.version_tuple >= (10, 2, 1)
        return self.version_tuple >= (8, 0, 16)

    @property
    def has_functional_key_parts(self) -> bool:
        """MySQL 8.0.13+ indexes expressions (STATISTICS.EXPRESSION); MariaDB does not."""
        return not self.mariadb and self.version_tuple >= (8, 0, 13)


_INFO_SQL = (
    "SELECT VERSION(), @@lower_case_table_names, @@max_allowed_packet, @@local_infile, "
    "@@innodb_autoinc_lock_mode, @@GLOBAL.sql_mode, DATABASE()"
)


def _session_sql_mode(global_mode: str) -> str:
    """The server's mode, made strict (no silent truncation), with literal 0 kept in
    AUTO_INCREMENT columns (generated keys may start at 0) and backslash escapes on (our
    literal escaping relies on them)."""
    modes = [m for m in global_mode.split(",") if m and m != "NO_BACKSLASH_ESCAPES"]
    for wanted in ("STRICT_ALL_TABLES", "NO_AUTO_VALUE_ON_ZERO"):
        if wanted not in modes:
            modes.append(wanted)
    return ",".join(modes)


async def _coro(aw: Awaitable[T]) -> T:
    """aiomysql returns awaitable context managers that `asyncio.wait_for` cannot wrap."""
    return await aw


# ER_SIGNAL_EXCEPTION: a SIGNAL nothing handled, which in a load means a trigger's.
_SIGNAL_ERROR = 1644


def _load_error(message: str, code: int | None, table: TableName | None) -> LoadError:
    """The error of a failed write; a SIGNAL while writing a table is a trigger's."""
    if code == _SIGNAL_ERROR and table is not None:
        return TriggerRejected(message, table)
    return LoadError(message)


def _read_outcome(task: asyncio.Future[Any]) -> None:
    """Mark a finished task's exception as read (see `MySQLAdapter._bounded`)."""
    if not task.cancelled():
        task.exception()


def _wire_password(password: str) -> str:
    """The password as aiomysql must be given it to send its UTF-8 bytes: it encodes a str as
    latin-1, which fails on any other character (and the server hashed the UTF-8 bytes)."""
    return password.encode().decode("latin-1")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _error_code(exc: BaseException) -> int | None:
    args = getattr(exc, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def _is_connection_error(exc: BaseException) -> bool:
    code = _error_code(exc)
    if isinstance(exc, pymysql.err.Error) and code is not None:
        return 2000 <= code < 3000 or (isinstance(exc, pymysql.err.InterfaceError))
    return isinstance(exc, OSError | ConnectionError | asyncio.IncompleteReadError | TimeoutError)


def _percent_safe(sql: str) -> str:
    """Double `%` inside quoted identifiers and string literals.

    PyMySQL applies `sql % args` whenever arguments are given, so a table named `pct%` or a
    LIKE pattern would break the formatting; bare `%s` placeholders are left alone.
    """
    out: list[str] = []
    quote: str | None = None
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = None
        else:
            out.append(ch)
            if ch in "`'\"":
                quote = ch
    return "".join(out)


def _in_item(key: Sequence[str]) -> str:
    """A key's literals as one item of an IN list."""
    return key[0] if len(key) == 1 else "(" + ",".join(key) + ")"


def _add_runs(runs: list[tuple[int, int]], los: list[int], his: list[int]) -> None:
    """Append ascending (lo, hi) runs, merging the first with the last one when adjacent."""
    if runs and los and runs[-1][1] + 1 == los[0]:
        runs[-1] = (runs[-1][0], his[0])
        los, his = los[1:], his[1:]
    runs.extend(zip(los, his, strict=True))


def _runs_of(values: list[int] | np.ndarray) -> tuple[list[int], list[int]]:
    """Integer keys as runs of consecutive values: (first of each run, last of each run)."""
    try:
        keys = np.sort(np.asarray(values, dtype=np.int64))
    except OverflowError:  # BIGINT UNSIGNED beyond int64: Python ints, exact
        keys = np.sort(np.array(values, dtype=object))
    cut = np.flatnonzero(np.diff(keys) != 1)
    return keys[np.r_[0, cut + 1]].tolist(), keys[np.r_[cut, len(keys) - 1]].tolist()


def _has_null(data: ColumnData) -> bool:
    if isinstance(data.values, list):
        return None in data.values
    return data.null is not None and bool(data.null.any())


class MySQLSession(Session):
    """One pooled connection inside one transaction."""

    def __init__(self, adapter: MySQLAdapter, conn: aiomysql.Connection) -> None:
        self._adapter = adapter
        self._conn = conn
        self._checks_off = False
        self._deferred: list[tuple[Table, ForeignKey]] = []
        self._serial = 0
        self.undo_token = MySQLUndoToken(spill=adapter.key_spill)

    # -- statements ----------------------------------------------------------------------------

    async def _run(
        self, sql: str, *, table: TableName | None = None, timeout: float | None = None
    ) -> aiomysql.Cursor:
        timeout = timeout or self._adapter._stmt_timeout
        try:
            cur = await self._adapter._bounded(self._conn.cursor(), self._adapter._stmt_timeout)
            await self._adapter._bounded(cur.execute(sql), timeout)
            return cur
        except FastseedError:
            raise
        except Exception as exc:
            raise self._adapter._failure(exc, table) from None

    async def defer(self, table: Table, fk: ForeignKey) -> None:
        # InnoDB has no deferred constraints: turn FK checks off for this session only and
        # check the FK with a query just before COMMIT (`_check_deferred`). Restored before
        # the connection goes back to the pool.
        await self.defer_all(table.name)
        if fk is not None and (table, fk) not in self._deferred:
            self._deferred.append((table, fk))

    async def defer_all(self, table: TableName | None = None) -> None:
        """FOREIGN_KEY_CHECKS off for this session, until it ends (`_restore`)."""
        if not self._checks_off:
            await self._run("SET SESSION FOREIGN_KEY_CHECKS = 0", table=table)
            self._checks_off = True

    async def _check_deferred(self) -> None:
        """Raise LoadError if a row this session wrote breaks an FK deferred with `defer`.

        Turning FOREIGN_KEY_CHECKS back on validates nothing, so the check is a query inside
        the transaction (it sees the session's own rows).
        """
        q = self._adapter.quote
        for table, fk in self._deferred:
            mine = self._written_rows_filter(table.name)
            if mine is None:
                continue
            join = " AND ".join(
                f"p.{q(pc)} = c.{q(cc)}" for cc, pc in zip(fk.columns, fk.ref_columns, strict=True)
            )
            not_null = " AND ".join(f"c.{q(cc)} IS NOT NULL" for cc in fk.columns)
            cur = await self._run(
                f"SELECT COUNT(*) FROM {self._adapter.qualify(table.name)} c "
                f"LEFT JOIN {self._adapter.qualify(fk.ref_table)} p ON {join} "
                f"WHERE {not_null} AND p.{q(fk.ref_columns[0])} IS NULL{mine}",
                table=table.name,
            )
            (orphans,) = await cur.fetchone()
            if orphans:
                raise LoadError(
                    f"load into {table.name} failed: {orphans} rows break foreign key "
                    f"{fk.name} (deferred, checked before commit)"
                )

    def _written_rows_filter(self, name: TableName) -> str | None:
        """A WHERE suffix limiting a check to the rows this session wrote to `name`: None when
        it wrote none, '' (the whole table) when its keys are not compact integer runs."""
        entries = [e for e in self.undo_token.entries if e.table == name and e]
        if not entries:
            return None
        if len(entries) != 1 or entries[0].mode != "range" or len(entries[0].runs) > 200:
            return ""
        col = "c." + self._adapter.quote(entries[0].columns[0])
        conds = " OR ".join(f"{col} BETWEEN {lo} AND {hi}" for lo, hi in entries[0].runs)
        return f" AND ({conds})"

    async def write(
        self, table: Table, columns: Sequence[Column], rows: list[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        plan = self._key_plan(table, columns)
        use_infile = self._uses_infile(plan)
        if use_infile:
            payload = mv.tsv_payload(mv.tsv_converters(columns), rows)
            try:
                cur = await self._load_data(table.name, columns, payload)
                await self._check_loaded(table.name, cur, len(rows))
            except _InfileRefused:
                self._adapter._infile_refused()
                use_infile = False
        if not use_infile:
            first_ids = await self._insert(
                self._adapter.qualify(table.name), table.name, columns, rows
            )
        else:
            first_ids = []
        self._track(table, columns, rows, plan, first_ids)

    async def _insert(
        self, target: str, name: TableName, columns: Sequence[Column], rows: list[tuple[Any, ...]]
    ) -> list[tuple[int, int]]:
        """Multi-row INSERTs; returns (first AUTO_INCREMENT id, row count) per statement."""
        convs = mv.sql_converters(columns)
        names = ", ".join(self._adapter.quote(c.name) for c in columns)
        head = f"INSERT INTO {target} ({names}) VALUES "
        limit_bytes = self._adapter._insert_bytes - len(head.encode())
        limit_rows = max(1, _PLACEHOLDER_LIMIT // max(1, len(columns)))
        ids: list[tuple[int, int]] = []
        parts: list[str] = []
        size = 0
        for lit in mv.sql_rows(convs, rows):
            n = len(lit) if lit.isascii() else len(lit.encode())
            if parts and (size + n + 1 > limit_bytes or len(parts) >= limit_rows):
                cur = await self._run(head + ",".join(parts), table=name)
                ids.append((cur.lastrowid or 0, len(parts)))
                parts, size = [], 0
            parts.append(lit)
            size += n + 1
        if parts:
            cur = await self._run(head + ",".join(parts), table=name)
            ids.append((cur.lastrowid or 0, len(parts)))
        return ids

    async def write_batch(self, table: Table, batch: Batch) -> None:
        """LOAD DATA text straight from the batch's arrays (`mysql_tsv`); `write` with Python
        rows where LOAD DATA is not used (AUTO_INCREMENT keys to track, or LOCAL refused)."""
        if not batch.size:
            return
        plan = self._key_plan(table, batch.columns)
        # `write` keeps its behaviour for a batch without columns (no rows from Batch.rows)
        if self._uses_infile(plan) and batch.columns:
            payload = await cpu.run(mysql_tsv.encode, batch)
            try:
                cur = await self._load_data(table.name, batch.columns, payload)
            except _InfileRefused:
                self._adapter._infile_refused()
            else:
                await self._check_loaded(table.name, cur, batch.size)
                self._track_batch(table, batch, plan)
                return
        await self.write(table, batch.columns, batch.rows())

    async def write_batches(
        self, table: Table, columns: Sequence[Column], batches: AsyncIterator[Batch], count: int
    ) -> None:
        """All batches as one LOAD DATA, read by the server as one file: no round trip and no
        statement set-up per batch, and the server never waits between batches.

        Each batch gets the budget of one statement: the deadline moves on as each is taken,
        so a server that stops answering ends the statement one budget after the last batch,
        not `count` budgets after the first."""
        plan = self._key_plan(table, columns)
        if not (self._uses_infile(plan) and columns):
            await super().write_batches(table, columns, batches, count)
            return
        sent = 0
        pulled = False
        failed: list[Exception] = []
        budget = self._adapter._stmt_timeout
        cur: aiomysql.Cursor | None = None

        with anyio.CancelScope(deadline=anyio.current_time() + budget) as progress:

            async def source() -> AsyncIterator[bytes]:
                nonlocal sent, pulled
                pulled = True
                try:
                    async for batch in batches:
                        progress.deadline = anyio.current_time() + budget
                        if batch.size:
                            payload = await cpu.run(self._encode_tracked, table, batch, plan)
                            sent += batch.size
                            yield payload
                except Exception as exc:
                    # End the file here so the connection stays in step; raised after the
                    # statement.
                    failed.append(exc)
                progress.deadline = anyio.current_time() + budget

            try:
                cur = await self._load_data(
                    table.name, columns, source(), timeout=budget * max(1, count)
                )
            except _InfileRefused:
                if pulled:
                    raise
        if progress.cancelled_caught:
            raise ConnectError(
                f"LOAD DATA into {table.name}: no answer from {self._adapter.url.redacted()} "
                f"within {budget:g} s (timed out)"
            )
        if cur is None:
            self._adapter._infile_refused()  # refused before any batch was taken
            await super().write_batches(table, columns, batches, count)
            return
        await self._check_loaded(table.name, cur, sent)
        if failed:
            raise failed[0]

    def _uses_infile(self, plan: tuple[str, tuple[str, ...]]) -> bool:
        """LOAD DATA is the path, and the rows' keys are written (AUTO_INCREMENT keys the
        server assigns are tracked from INSERT results instead)."""
        return self._adapter.load_path == "infile" and plan[0] != "auto"

    async def _load_data(
        self,
        name: TableName,
        columns: Sequence[Column],
        payload: bytes | AsyncIterator[bytes],
        *,
        timeout: float | None = None,
    ) -> aiomysql.Cursor:
        """LOAD DATA LOCAL of TSV `payload` (bytes, or chunks pulled while the statement runs);
        `_check_loaded` then says whether every row went in."""
        target = self._adapter.qualify(name)
        targets, sets = mv.tsv_targets(columns, self._adapter.quote)
        mv.enable_memory_infile(self._conn)
        fname = mv.register_infile(self._conn, payload)
        sql = (
            f"LOAD DATA LOCAL INFILE '{fname}' INTO TABLE {target} CHARACTER SET utf8mb4 "
            "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "
            f"{targets}{sets}"
        )
        try:
            cur = await self._run(sql, table=name, timeout=timeout)
        except LoadError as exc:
            if getattr(exc, "code", None) in _LOCAL_INFILE_REFUSED:
                raise _InfileRefused from None
            raise
        finally:
            mv.forget_infile(self._conn, fname)
        return cur

    async def _check_loaded(self, name: TableName, cur: aiomysql.Cursor, count: int) -> None:
        """LoadError unless the LOAD DATA just run took all `count` rows. It behaves as IGNORE
        (the server cannot stop the client mid-file): bad rows become warnings and are skipped,
        so any warning or a short count is a failure."""
        warnings = getattr(getattr(self._conn, "_result", None), "warning_count", 0)
        if cur.rowcount != count or warnings:
            wcur = await self._run("SHOW WARNINGS LIMIT 1", table=name)
            first = await wcur.fetchone()
            detail = f"error {first[1]}: {first[2]}" if first else "rows were skipped"
            raise _load_error(
                f"load into {name} failed: {_one_line(detail)} "
                f"({cur.rowcount} of {count} rows loaded)",
                int(first[1]) if first else None,
                name,
            )

    async def update(
        self,
        table: Table,
        key: Sequence[str],
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
    ) -> None:
        if not rows:
            return
        self._serial += 1
        tmp = self._adapter.quote(f"_fastseed_upd_{id(self)}_{self._serial}")
        q = self._adapter.quote
        cols = [table.column(c) for c in (*key, *columns)]
        # Index the key when its types allow one (TEXT/BLOB keys would need a prefix length).
        indexable = all(
            table.column(k).type.kind not in {Kind.JSON, Kind.GEOMETRY}
            and not (
                table.column(k).type.kind in {Kind.TEXT, Kind.BINARY}
                and table.column(k).type.length is None
            )
            for k in key
        )
        pk = f"(PRIMARY KEY ({', '.join(q(k) for k in key)})) " if indexable else ""
        # CREATE/DROP TEMPORARY TABLE do not commit the surrounding transaction.
        await self._run(
            f"CREATE TEMPORARY TABLE {tmp} {pk}SELECT {', '.join(q(c.name) for c in cols)} "
            f"FROM {self._adapter.qualify(table.name)} LIMIT 0",
            table=table.name,
        )
        try:
            await self._insert(tmp, table.name, cols, rows)
            on = " AND ".join(f"t.{q(k)} = u.{q(k)}" for k in key)
            assign = ", ".join(f"t.{q(c)} = u.{q(c)}" for c in columns)
            await self._run(
                f"UPDATE {self._adapter.qualify(table.name)} t JOIN {tmp} u ON {on} SET {assign}",
                table=table.name,
            )
        finally:
            await self._run(f"DROP TEMPORARY TABLE IF EXISTS {tmp}", table=table.name)

    # -- undo bookkeeping ----------------------------------------------------------------------

    def _key_plan(self, table: Table, columns: Sequence[Column]) -> tuple[str, tuple[str, ...]]:
        """How to identify this write's rows: ('range'|'keys', key) for a written key,
        ('auto', (col,)) for an unwritten AUTO_INCREMENT key, ('rows', all columns) otherwise."""
        written = {c.name for c in columns}
        for key in table.all_uniques:
            if set(key.columns) <= written:
                col = table.column(key.columns[0])
                single_int = len(key.columns) == 1 and col.type.kind == Kind.INTEGER
                return ("range" if single_int else "keys"), key.columns
        pk = table.primary_key
        if (
            pk
            and len(pk.columns) == 1
            and table.column(pk.columns[0]).identity
            # Lock mode 2 may interleave ids of concurrent multi-row INSERTs.
            and self._adapter.server.autoinc_lock_mode != 2
        ):
            return "auto", pk.columns
        return "rows", tuple(c.name for c in columns)

    def _track(
        self,
        table: Table,
        columns: Sequence[Column],
        rows: list[tuple[Any, ...]],
        plan: tuple[str, tuple[str, ...]],
        first_ids: list[tuple[int, int]],
    ) -> None:
        mode, key = plan
        token = self.undo_token
        if mode == "auto":
            runs = token.entry(table.name, key, "range").runs
            for first, count in first_ids:
                _add_runs(runs, [first], [first + count - 1])
            return
        index = {c.name: i for i, c in enumerate(columns)}
        positions = [index[k] for k in key]
        if mode == "range":
            p = positions[0]
            values = [int(r[p]) for r in rows if r[p] is not None]
            if values:
                _add_runs(token.entry(table.name, key, "range").runs, *_runs_of(values))
            leftovers = [r for r in rows if r[p] is None]
        elif mode == "keys":
            convs = mv.sql_converters([columns[p] for p in positions])
            vals = [tuple(r[p] for p in positions) for r in rows]
            # NULLs never collide, so a key with a NULL does not identify its row.
            leftovers = [r for r, v in zip(rows, vals, strict=True) if None in v]
            literals = mv.sql_literals(convs, [v for v in vals if None not in v])
            token.entry(table.name, key, "keys").add_keys(list(map(_in_item, literals)))
        else:
            leftovers = rows
        if leftovers:
            convs = mv.sql_converters(columns)
            all_cols = tuple(c.name for c in columns)
            token.entry(table.name, all_cols, "rows").keys.extend(mv.sql_literals(convs, leftovers))

    def _track_batch(self, table: Table, batch: Batch, plan: tuple[str, tuple[str, ...]]) -> None:
        """`_track` for a column-wise batch: a key without NULLs is all undo needs (no whole
        rows), and an integer key array gives its runs without a Python int per row."""
        mode, key = plan
        at = {c.name: i for i, c in enumerate(batch.columns)}
        if mode == "rows" or any(_has_null(batch.data[at[k]]) for k in key):
            self._track(table, batch.columns, batch.rows(), plan, [])
            return
        first = batch.data[at[key[0]]].values
        if mode == "range" and isinstance(first, np.ndarray):
            _add_runs(self.undo_token.entry(table.name, key, "range").runs, *_runs_of(first))
            return
        columns = [batch.columns[at[k]] for k in key]
        if mode == "keys":
            literals = [mv.key_literals(c, batch.data[at[c.name]]) for c in columns]
            known = [lit for lit in literals if lit is not None]
            if len(known) == len(literals):
                items = (
                    known[0] if len(known) == 1 else [_in_item(k) for k in zip(*known, strict=True)]
                )
                self.undo_token.entry(table.name, key, "keys").add_keys(items)
                return
        values = [to_python(c, batch.data[at[c.name]]) for c in columns]
        self._track(table, columns, list(zip(*values, strict=True)), plan, [])

    def _encode_tracked(
        self, table: Table, batch: Batch, plan: tuple[str, tuple[str, ...]]
    ) -> bytes:
        """A batch's LOAD DATA text, its keys noted for undo (in the CPU thread: for text keys
        both cost a pass over every row)."""
        payload = mysql_tsv.encode(batch)
        self._track_batch(table, batch, plan)
        return payload

    # -- lifecycle -----------------------------------------------------------------------------

    async def _restore(self) -> None:
        if self._checks_off and not self._conn.closed:
            try:
                await self._adapter._bounded(
                    self._conn.query("SET SESSION FOREIGN_KEY_CHECKS = 1"), self._adapter._timeout
                )
                self._checks_off = False
            except Exception:
                self._conn.close()  # never hand out a connection with checks off

    async def _rollback(self) -> bool:
        """Roll back; False when the connection is gone (the server rolls the transaction
        back once it notices, which it may not have yet)."""
        if self._conn.closed:
            return False
        try:
            await self._adapter._bounded(self._conn.rollback(), self._adapter._timeout)
        except Exception:
            self._conn.close()
            return False
        return True


# FK columns pointing at any of the given tables, in key order ({pairs}: one test per table).
_REFERENCING_FKS_SQL = """
SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME,
       k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME
FROM information_schema.KEY_COLUMN_USAGE k
WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND ({pairs})
ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION
"""

# Deadlock, lock wait timeout: the undo met a dying session's locks and is retried.
_LOCK_CONFLICTS = (1213, 1205)
# KILL of a thread that is gone already (1094) or, after all, not this user's (1095)
_KILL_MISSES = (1094, 1095)
_STILL_THERE_SQL = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID IN ({ids})"

# The run lock's name: at most 64 characters whatever the database's name.
_RUN_LOCK_NAME = "CONCAT('fastseed:', SHA1(DATABASE()))"


class _QuietCursor(aiomysql.Cursor):  # type: ignore[misc]
    """aiomysql turns every server warning into a Python warning printed on stderr, after an
    extra SHOW WARNINGS round trip; fastseed checks the warnings it cares about itself."""

    async def _show_warnings(self, conn: Any) -> None:
        return None


class _InfileRefused(Exception):
    """The server or client refused LOAD DATA LOCAL; fall back to INSERT."""


class MySQLAdapter(Adapter):
    name: ClassVar[str] = "mysql"
    quote_char: ClassVar[str] = "`"

    def __init__(self, url: DatabaseURL) -> None:
        super().__init__(url)
        self._pool: aiomysql.Pool | None = None
        self._connect_args: dict[str, Any] = {}
        """What every connection is opened with, pooled or not."""
        self._timeout = 10.0
        self._stmt_timeout = 120.0
        self._insert_bytes = _INSERT_BYTES_CAP
        self.load_path = "insert"
        """'infile' (LOAD DATA LOCAL from memory) or 'insert' (multi-row INSERT)."""
        self.key_spill = KeySpill()
        """Its sessions' undo keys, on disk until the adapter closes."""
        self.server: ServerInfo

    # -- lifecycle -----------------------------------------------------------------------------

    @classmethod
    async def open(
        cls, url: DatabaseURL, *, pool_size: int = 4, timeout: float = 10.0
    ) -> MySQLAdapter:
        self = cls(url)
        self._timeout = timeout
        # A load statement may legitimately run far longer than a connect.
        self._stmt_timeout = timeout * 12
        params = dict(url.params)
        base = dict(
            host=url.host or "localhost",
            port=url.port or 3306,
            user=url.user or "root",
            password=_wire_password(url.password or ""),
            db=url.database,
            charset="utf8mb4",
            autocommit=True,
            local_infile=_MEMORY_INFILE,
            connect_timeout=timeout,
            cursorclass=_QuietCursor,
        )
        if url.host and url.host.startswith("/"):
            base["unix_socket"] = url.host
        probe = await self._connect(aiomysql.connect(**base))
        try:
            cur = await self._bounded(probe.cursor(), timeout)
            await self._bounded(cur.execute(_INFO_SQL), timeout)
            row = await cur.fetchone()
        except Exception as exc:
            raise self._connect_error(exc) from None
        finally:
            probe.close()
        version = rf.text(row[0]) or ""
        self.server = ServerInfo(
            version=version,
            mariadb="mariadb" in version.lower(),
            version_tuple=tuple(int(x) for x in re.findall(r"\d+", version.split("-")[0])[:3]),
            lower_case_table_names=int(row[1] or 0),
            max_allowed_packet=int(row[2]),
            local_infile=bool(int(row[3] or 0)),
            autoinc_lock_mode=int(row[4] if row[4] is not None else 1),
            sql_mode=rf.text(row[5]) or "",
            database=rf.text(row[6]) or (url.database or ""),
        )
        self._insert_bytes = min(_INSERT_BYTES_CAP, self.server.max_allowed_packet - _PACKET_MARGIN)
        lock_wait = max(1, math.ceil(timeout * _LOCK_WAIT_FACTOR))
        init = (
            f"SET SESSION time_zone = '+00:00', "
            f"sql_mode = '{_session_sql_mode(self.server.sql_mode)}', "
            f"lock_wait_timeout = {lock_wait}, innodb_lock_wait_timeout = {lock_wait}"
        )
        wanted = params.get("load", "infile")
        if wanted not in {"infile", "insert"}:
            raise UsageError(
                f"unknown load= option {wanted!r} in the URL: use load=infile or load=insert"
            )
        can_infile = _MEMORY_INFILE and self.server.local_infile
        self.load_path = "infile" if wanted == "infile" and can_infile else "insert"
        self._set_capabilities()
        self._connect_args = dict(base, init_command=init)
        self._pool = await self._connect(
            aiomysql.create_pool(minsize=1, maxsize=max(1, pool_size), **self._connect_args)
        )
        return self

    def _set_capabilities(self) -> None:
        self.capabilities = Capabilities(
            deferrable_constraints=False,
            force_defer_any_fk=True,
            concurrent_sessions=True,
            checks_fk_per_row=True,
            crash_journal=True,
            load_method="LOAD DATA LOCAL INFILE"
            if self.load_path == "infile"
            else "multi-row INSERT",
        )

    def _infile_refused(self) -> None:
        self.load_path = "insert"
        self._set_capabilities()

    async def _connect(self, aw: Awaitable[T]) -> T:
        try:
            return await asyncio.wait_for(_coro(aw), self._timeout)
        except Exception as exc:
            raise self._connect_error(exc) from None

    def _connect_error(self, exc: BaseException) -> FastseedError:
        where = self.url.redacted()
        code = _error_code(exc)
        msg = self._scrub(
            _one_line(exc.args[1] if code is not None and len(exc.args) > 1 else str(exc))
        )
        if code in _USAGE_ERRORS:
            return UsageError(f"cannot use {where}: {msg} (MySQL error {code})")
        if isinstance(exc, TimeoutError):
            msg = f"no answer within {self._timeout:g}s"
        return ConnectError(f"cannot connect to {where}: {msg or type(exc).__name__}")

    def _scrub(self, text: str) -> str:
        pw = self.url.password
        if not pw:
            return text
        # as given and as typed in the URL; the driver may also show the bytes it sent
        for secret in (pw, quote(pw, safe=""), _wire_password(pw)):
            text = text.replace(secret, "***")
        return text

    def _failure(self, exc: BaseException, table: TableName | None) -> FastseedError:
        code = _error_code(exc)
        msg = self._scrub(
            _one_line(exc.args[1] if code is not None and len(exc.args) > 1 else str(exc))
        )
        if isinstance(exc, TimeoutError):
            return ConnectError(f"{self.url.redacted()}: no answer within {self._stmt_timeout:g}s")
        if _is_connection_error(exc) or code in _KILLED_ERRORS:
            return ConnectError(
                f"lost connection to {self.url.redacted()}: {msg or type(exc).__name__}"
            )
        if code in _PERMISSION_ERRORS:
            where = f" on {table}" if table else ""
            return PermissionDenied(f"permission denied{where}: {msg} (MySQL error {code})")
        if code == _LOCK_WAIT_TIMEOUT and table is not None:
            msg = f"another session holds a lock on it and did not release it in time ({msg})"
        what = f"load into {table} failed" if table else "query failed"
        text = f"{what}: MySQL error {code}: {msg}" if code else f"{what}: {msg}"
        err = _load_error(text, code, table)
        err.code = code
        return err

    async def _bounded(self, aw: Awaitable[T], timeout: float) -> T:
        # wait_for runs `aw` as its own task; when the caller is cancelled mid-statement,
        # aiomysql closes the connection and that task ends with an AttributeError nobody
        # reads, which asyncio prints ('Task exception was never retrieved'). The caller
        # sees the cancellation (or the timeout) either way, so that error is read here.
        task = asyncio.ensure_future(_coro(aw))
        task.add_done_callback(_read_outcome)
        return await asyncio.wait_for(task, timeout)

    async def close(self) -> None:
        self.key_spill.close()
        if self._pool is not None:
            self._pool.close()
            try:
                await asyncio.wait_for(self._pool.wait_closed(), self._timeout)
            except TimeoutError:
                self._pool.terminate()
            self._pool = None

    @asynccontextmanager
    async def _connection(self, *, fresh: bool = False) -> AsyncIterator[aiomysql.Connection]:
        """A pooled connection; a new one of its own with `fresh` or once the pool is not
        trusted (see `Adapter.pool_trusted`), closed after."""
        if fresh or not self.pool_trusted:
            conn = await self._connect(aiomysql.connect(**self._connect_args))
            try:
                yield conn
            finally:
                conn.close()  # the server rolls back whatever it left open
            return
        assert self._pool is not None, "adapter is closed"
        try:
            conn = await asyncio.wait_for(_coro(self._pool.acquire()), self._timeout)
        except Exception as exc:
            raise self._connect_error(exc) from None
        try:
            yield conn
        finally:
            self._pool.release(conn)

    # -- plain queries -------------------------------------------------------------------------

    async def _query(self, sql: str, args: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        async with self._connection() as conn:
            try:
                cur = await conn.cursor()
                if args:
                    await self._bounded(
                        cur.execute(_percent_safe(sql), tuple(args)), self._stmt_timeout
                    )
                else:
                    await self._bounded(cur.execute(sql), self._stmt_timeout)
                return list(await cur.fetchall())
            except Exception as exc:
                raise self._failure(exc, None) from None

    async def fetch_value(self, sql: str, *args: Any) -> Any:
        rows = await self._query(sql, args)
        return rows[0][0] if rows else None

    async def fetch_rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self._query(sql, args)]

    async def fetch_row(self, sql: str, *args: Any) -> tuple[Any, ...]:
        rows = await self._query(sql, args)
        return tuple(rows[0]) if rows else ()

    async def execute(self, sql: str) -> None:
        await self._query(sql)

    # -- testing rows against CHECKs -----------------------------------------------------------

    async def failing_rows(
        self,
        table: Table,
        columns: Sequence[Column],
        rows: list[tuple[Any, ...]],
        checks: Sequence[Check],
    ) -> list[int]:
        """A derived table named like the table, made of the literals `write` would send
        (typed by CAST where a bare literal would not behave like the column), filtered by
        ``(check) IS FALSE``. Rows are ``SELECT <first row> UNION ALL VALUES ...`` (MariaDB
        10.3.3+: ``(...)``; MySQL 8.0.19+: ``ROW(...)``), else ``UNION ALL SELECT ...``; one
        statement per chunk of rows under the INSERT size cap (values are literals, as in
        `write`, so no placeholder limit applies).
        """
        if not rows or not checks:
            return []
        q = self.quote
        server = self.server
        at = {c.name: i for i, c in enumerate(columns)}
        needed = mentioned_columns(table, checks)
        bound = [columns[at[c.name]] for c in needed if c.name in at]
        unbound = [c for c in needed if c.name not in at]
        float_cast = server.version_tuple >= ((10, 4, 5) if server.mariadb else (8, 0, 17))
        wraps = mv.typed_wrappers(bound, mariadb=server.mariadb, float_cast=float_cast)
        null_wraps = mv.typed_wrappers(unbound, mariadb=server.mariadb, float_cast=float_cast)
        nulls = {
            c.name: pre + "NULL" + post for c, (pre, post) in zip(unbound, null_wraps, strict=True)
        }
        if bound:
            picked = [tuple(row[at[c.name]] for c in bound) for row in rows]
            literals = mv.sql_literals(mv.sql_converters(bound), picked)
        else:
            literals = [()] * len(rows)
        pos = q(free_name([c.name for c in table.columns], "fastseed_row"))
        src = q(free_name([table.name.name], "fastseed_values"))
        select = [f"{src}.{pos}"] + [
            f"{src}.{q(c.name)}" if c.name in at else f"{nulls[c.name]} AS {q(c.name)}"
            for c in needed
        ]
        failing = " OR ".join(f"({c.expression}) IS FALSE" for c in checks)
        head = f"SELECT {pos} FROM (SELECT {', '.join(select)} FROM ("
        tail = f") AS {src}) AS {q(table.name.name)} WHERE {failing}"
        names = [pos] + [q(c.name) for c in bound]
        if server.mariadb:
            tvc = "(" if server.version_tuple >= (10, 3, 3) else None
        else:
            tvc = "ROW(" if server.version_tuple >= (8, 0, 19) else None

        statements: list[str] = []

        def flush(chunk: list[str]) -> None:
            body = chunk[0]
            if len(chunk) > 1 and tvc is None:
                body += "".join(" UNION ALL SELECT " + r for r in chunk[1:])
            elif len(chunk) > 1:
                body += " UNION ALL VALUES " + ", ".join(f"{tvc}{r})" for r in chunk[1:])
            statements.append(head + body + tail)

        def first(fields: list[str]) -> str:
            return "SELECT " + ", ".join(f"{f} AS {c}" for f, c in zip(fields, names, strict=True))

        budget = self._insert_bytes - len((head + tail).encode())
        chunk: list[str] = []
        size = 0
        for n, lits in enumerate(literals):
            fields = [str(n)]
            fields += [pre + lit + post for (pre, post), lit in zip(wraps, lits, strict=True)]
            row = ", ".join(fields) if chunk else first(fields)
            width = (len(row) if row.isascii() else len(row.encode())) + 20
            if chunk and size + width > budget:
                flush(chunk)
                chunk, size, row = [], 0, first(fields)
            chunk.append(row)
            size += width
        flush(chunk)

        found: list[int] = []
        async with self._connection() as conn:
            try:
                cur = await conn.cursor()
                for sql in statements:
                    await self._bounded(cur.execute(sql), self._stmt_timeout)
                    found.extend(int(r[0]) for r in await cur.fetchall())
            except Exception as exc:
                error = self._failure(exc, None)
                if isinstance(error, LoadError):
                    error = LoadError(f"testing CHECKs of {table.name}: {error}")
                raise error from None
        return sorted(found)

    # -- reflection ----------------------------------------------------------------------------

    async def reflect(self, *, schemas: Sequence[str] | None = None) -> Catalog:
        names = list(schemas) if schemas else [self.server.database]
        marks = ", ".join(["%s"] * len(names))

        async def q(sql: str) -> list[tuple[Any, ...]]:
            return await self._query(sql.format(schemas=marks), names)

        checks_sql = rf.CHECKS_MARIADB_SQL if self.server.mariadb else rf.CHECKS_MYSQL_SQL
        rows = rf.CatalogRows(
            tables=await q(rf.TABLES_SQL),
            columns=await q(rf.COLUMNS_SQL),
            uniques=await q(
                rf.UNIQUES_FUNCTIONAL_SQL
                if self.server.has_functional_key_parts
                else rf.UNIQUES_SQL
            ),
            foreign_keys=await q(rf.FOREIGN_KEYS_SQL),
            checks=await q(checks_sql) if self.server.has_check_constraints else [],
            partitions=await q(rf.PARTITIONS_SQL),
            charsets=await self._query(rf.CHARSETS_SQL),
        )
        catalog = rf.build_catalog(
            rows,
            mariadb=self.server.mariadb,
            case_insensitive=self.server.lower_case_table_names != 0,
            server_version=self.server.version,
        )
        triggers = [(TableName(r[0], r[1]), r[2] or "") for r in await q(rf.TRIGGERS_SQL)]
        return with_trigger_writes(
            catalog, triggers, case_insensitive=self.server.lower_case_table_names != 0
        )

    # -- loading -------------------------------------------------------------------------------

    @asynccontextmanager
    async def session(self) -> AsyncIterator[MySQLSession]:
        async with self._connection() as conn:
            sess = MySQLSession(self, conn)
            thread = conn.thread_id()
            self.unsettled.add(thread)  # until its transaction is seen to end
            try:
                if self.skip_fk_checks:  # fast mode: orphans are counted after the load
                    await sess.defer_all()
                await sess._run("START TRANSACTION")
                try:
                    yield sess
                    await sess._check_deferred()
                except BaseException:
                    # Shielded so a cancelled task still rolls back (or drops the connection,
                    # which makes the server roll back) instead of leaving it half-done.
                    with anyio.CancelScope(shield=True):
                        if await sess._rollback():
                            self.unsettled.discard(thread)
                    raise
                # Once the body is done, a cancellation must not cut the COMMIT in half: the
                # server could commit while the caller never gets the undo token.
                with anyio.CancelScope(shield=True):
                    await self._committing(sess.undo_token)
                    await sess._run("COMMIT")
                self.unsettled.discard(thread)
            finally:
                with anyio.CancelScope(shield=True):
                    await sess._restore()

    def token_json(self, token: Any) -> Any:
        if not token:
            return None
        entries = [
            {
                "table": [e.table.schema, e.table.name],
                "columns": list(e.columns),
                "mode": e.mode,
                "runs": e.runs,
                "keys": e.keys,
                "chunks": list(e.chunk_texts()),
            }
            for e in token.entries
            if e
        ]
        tables = list(dict.fromkeys(str(e.table) for e in token.entries if e))
        return {"tables": tables, "entries": entries}

    def token_from_json(self, data: Any) -> MySQLUndoToken:
        return MySQLUndoToken(
            [
                UndoEntry(
                    TableName(*e["table"]),
                    tuple(e["columns"]),
                    e["mode"],
                    [(int(lo), int(hi)) for lo, hi in e["runs"]],
                    [tuple(k) for k in e["keys"]],
                    list(e.get("chunks", ())),  # journals written before chunks hold keys
                )
                for e in data["entries"]
            ]
        )

    @asynccontextmanager
    async def run_lock(
        self, timeout: float, waiting: Callable[[str], None] | None = None
    ) -> AsyncIterator[None]:
        """GET_LOCK on a name made from the database's, held on one pooled connection (the
        server releases it if this process dies)."""
        async with self._connection() as conn:

            async def ask(sql: str) -> Any:
                try:
                    cur = await conn.cursor()
                    await self._bounded(cur.execute(sql), self._timeout)
                    return (await cur.fetchone())[0]
                except Exception as exc:
                    raise self._failure(exc, None) from None

            async def attempt() -> bool:
                return bool(await ask(f"SELECT GET_LOCK({_RUN_LOCK_NAME}, 0)"))

            await self._poll_lock(attempt, timeout, waiting)
            try:
                yield
            finally:
                with anyio.CancelScope(shield=True):
                    try:
                        await ask(f"SELECT RELEASE_LOCK({_RUN_LOCK_NAME})")
                    except FastseedError:
                        conn.close()  # closing the session releases its locks too

    async def undo(self, tokens: Sequence[Any]) -> None:
        """Delete exactly the rows the sessions recorded, tables in reverse write order.

        FK checks are off for the undo transaction: it removes only rows fastseed wrote, and a
        hard cycle (store ↔ staff) has no child-first order. No cascade runs with checks off,
        so rows that existed before the run are never touched.
        """
        entries = [e for tok in tokens if tok for e in reversed(tok.entries)]
        self.pool_trusted = False
        if not entries:
            return
        await self._end_unsettled()
        await retry_lock_conflicts(lambda: self._undo_once(entries), _LOCK_CONFLICTS)

    async def _end_unsettled(self) -> None:
        """KILL this run's sessions whose end was not seen (one may kill one's own) and wait,
        boundedly, until the server has rolled them back: a session whose client vanished
        keeps its row locks, and the undo would wait for them. Thread ids are not reused
        (they count up), so no other session can be hit."""
        threads = sorted(self.unsettled)
        if not threads:
            return
        ids = ", ".join(str(int(t)) for t in threads)
        async with self._connection(fresh=True) as conn:
            try:
                cur = await conn.cursor()
                for thread in threads:
                    try:
                        await self._bounded(cur.execute(f"KILL CONNECTION {thread}"), self._timeout)
                    except pymysql.err.OperationalError as exc:
                        if _error_code(exc) not in _KILL_MISSES:
                            raise
                deadline = time.monotonic() + self._timeout * _LOCK_WAIT_FACTOR
                while time.monotonic() < deadline:
                    await self._bounded(
                        cur.execute(_STILL_THERE_SQL.format(ids=ids)), self._timeout
                    )
                    if not (await cur.fetchone())[0]:
                        break
                    await anyio.sleep(0.05)
            except Exception as exc:
                raise self._failure(exc, None) from None
        self.unsettled.clear()

    async def _undo_once(self, entries: Sequence[UndoEntry]) -> None:
        async with self._connection(fresh=True) as conn:
            sess = MySQLSession(self, conn)
            await sess._run("SET SESSION FOREIGN_KEY_CHECKS = 0")
            sess._checks_off = True
            try:
                await sess._run("START TRANSACTION")
                try:
                    tables = {e.table for e in entries}
                    before = await self._orphans(sess, tables)
                    for e in entries:
                        for sql in self._undo_statements(e):
                            await sess._run(sql, table=e.table)
                    refuse_new_orphans(before, await self._orphans(sess, tables))
                except BaseException:
                    with anyio.CancelScope(shield=True):
                        await sess._rollback()
                    raise
                await sess._run("COMMIT")
            finally:
                with anyio.CancelScope(shield=True):
                    await sess._restore()

    async def _orphans(
        self, sess: MySQLSession, tables: set[TableName]
    ) -> dict[tuple[str, str, str], int]:
        """Orphans per FK pointing at `tables`: (child, FK, parent) -> rows. FK checks are
        off for the undo, so they are counted before and after its deletes: an undo that
        would orphan a row this run did not write (another client wrote it meanwhile) is
        refused, while orphans that were there before do not stop it."""
        names = sorted(tables, key=str)
        pairs = " OR ".join(
            "(k.REFERENCED_TABLE_SCHEMA = %s AND k.REFERENCED_TABLE_NAME = %s)" for _ in names
        )
        cur = await self._bounded(sess._conn.cursor(), self._timeout)
        args = [v for n in names for v in (n.schema or self.url.database, n.name)]
        await self._bounded(
            cur.execute(_REFERENCING_FKS_SQL.format(pairs=pairs), args), self._stmt_timeout
        )
        fks: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = {}
        for schema, table, name, column, ref_schema, ref_table, ref_column in await cur.fetchall():
            fks.setdefault((schema, table, name), []).append(
                (column, ref_schema, ref_table, ref_column)
            )
        q = self.quote
        out = {}
        for (schema, table, name), cols in fks.items():
            child = TableName(schema, table)
            parent = TableName(cols[0][1], cols[0][2])
            present = " AND ".join(f"c.{q(c[0])} IS NOT NULL" for c in cols)
            match = " AND ".join(f"p.{q(c[3])} = c.{q(c[0])}" for c in cols)
            found = await sess._run(
                f"SELECT COUNT(*) FROM {self.qualify(child)} c WHERE {present} AND NOT EXISTS "
                f"(SELECT 1 FROM {self.qualify(parent)} p WHERE {match})"
            )
            out[(str(child), name, str(parent))] = int((await found.fetchone())[0])
        return out

    def _undo_statements(self, e: UndoEntry) -> Iterator[str]:
        """The DELETEs of one entry, made one at a time (its key chunks are read back from
        the spill file as they are needed)."""
        target = self.qualify(e.table)
        cols = [self.quote(c) for c in e.columns]
        if e.mode == "range":
            col = cols[0]
            for i in range(0, len(e.runs), 200):
                conds = " OR ".join(
                    f"{col} = {lo}" if lo == hi else f"{col} BETWEEN {lo} AND {hi}"
                    for lo, hi in e.runs[i : i + 200]
                )
                yield f"DELETE FROM {target} WHERE {conds}"
        elif e.mode == "keys":
            lhs = cols[0] if len(cols) == 1 else "(" + ", ".join(cols) + ")"
            if e.keys:  # a journal from before chunks
                legacy, e = e.keys, replace(e, keys=[], chunks=list(e.chunks))
                e.add_keys([_in_item(key) for key in legacy])
            for chunk in e.chunk_texts():
                yield f"DELETE FROM {target} WHERE {lhs} IN ({chunk})"
        else:
            # No key: identical rows are indistinguishable, so deleting as many copies as we
            # wrote restores the table's previous contents exactly.
            for row, copies in Counter(e.keys).items():
                conds = " AND ".join(f"{c} <=> {v}" for c, v in zip(cols, row, strict=True))
                yield f"DELETE FROM {target} WHERE {conds} LIMIT {copies}"

    async def suspend_foreign_keys(self, tables: Sequence[Table], catalog: Catalog) -> Any:
        """Fast mode: the loading sessions run with FOREIGN_KEY_CHECKS = 0 (a session setting
        anyone may change; the schema is never touched) and each FK's orphans are counted
        once the load is committed. Triggers still run."""
        method = "FK checks off while loading, orphans counted after"
        return await self._load_unchecked(tables, catalog, method)

    async def rejecting_triggers(self, error: TriggerRejected) -> list[str]:
        """A SIGNAL does not say which trigger raised it: the table's INSERT triggers (and
        UPDATE ones, which deferred-FK fix-ups fire), BEFORE ones first, are the candidates."""
        rows = await self.fetch_rows(
            "SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION "
            "FROM information_schema.TRIGGERS "
            "WHERE EVENT_OBJECT_SCHEMA = %s AND EVENT_OBJECT_TABLE = %s "
            "AND EVENT_MANIPULATION IN ('INSERT', 'UPDATE') "
            "ORDER BY EVENT_MANIPULATION, ACTION_TIMING = 'BEFORE' DESC, ACTION_ORDER",
            error.table.schema or self.server.database,
            error.table.name,
        )
        if not rows:
            return []
        names = ", ".join(f"{rf.text(r[0])} ({rf.text(r[1])} {rf.text(r[2])})" for r in rows)
        return [f"a trigger on {error.table} (SIGNAL): {names}"]

    def streams_for(self, table: Table, streams: int) -> int:
        # LOAD DATA into a table with an AUTO_INCREMENT column holds the table's AUTO-INC lock
        # for the whole statement (lock modes 0 and 1): more streams would only queue for it
        # (measured on the shop benchmark: 4 streams 0.85x, 1 stream 0.92x of LOAD DATA).
        serialised = self.load_path == "infile" and self.server.autoinc_lock_mode != 2
        if serialised and any(c.identity for c in table.columns):
            return 1
        return streams

    async def enforced_constraints(self, tables: Sequence[Table]) -> Enforced:
        """Every unique key fastseed reads is a unique index, which the server always enforces
        (a prefix index more strictly). InnoDB checks FKs per row unless FOREIGN_KEY_CHECKS is
        off, and the sessions that turn it off for a cycle check those FKs by query before
        COMMIT (`_check_deferred`)."""
        keys = frozenset((t.name, k.name) for t in tables for k in t.all_uniques)
        names = sorted({t.name.schema or "" for t in tables})
        if not names or not await self.fetch_value("SELECT @@SESSION.foreign_key_checks"):
            return Enforced(unique_keys=keys)
        marks = ", ".join(["%s"] * len(names))
        innodb = {
            (r[0], r[1])
            for r in await self.fetch_rows(
                "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
                f"WHERE TABLE_SCHEMA IN ({marks}) AND ENGINE = 'InnoDB'",
                *names,
            )
        }
        fks = frozenset(
            (t.name, fk.name)
            for t in tables
            if (t.name.schema, t.name.name) in innodb
            for fk in t.foreign_keys
        )
        return Enforced(fks, keys)

    async def truncate(self, tables: Sequence[Table]) -> None:
        """Empty `tables` (children first) in one transaction, FK checks off for it: InnoDB
        checks each deleted row at once, so a row whose self-reference or cycle partner is
        deleted before it fails (1451). Rows of a table left alone that point into the set
        would be orphaned that way, so they make it refuse before anything is deleted."""
        if not tables:
            return
        inside = {(t.name.schema, t.name.name) for t in tables}
        marks = ", ".join(["(%s, %s)"] * len(inside))
        refs = await self.fetch_rows(
            "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, "
            "REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE "
            f"WHERE (REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME) IN ({marks}) "
            "ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
            *(part for name in sorted(inside) for part in name),
        )
        outside: dict[tuple[str, str, str, str], list[str]] = {}
        for schema, table, fk, column, parent in refs:
            if (schema, table) not in inside:
                outside.setdefault((schema, table, fk, parent), []).append(column)
        for (schema, table, fk, parent), columns in outside.items():
            name = self.qualify(TableName(schema, table))
            filled = " AND ".join(f"{self.quote(c)} IS NOT NULL" for c in columns)
            if await self.fetch_value(f"SELECT 1 FROM {name} WHERE {filled} LIMIT 1"):
                raise LoadError(
                    f"cannot empty {parent}: rows of {table}, which is not seeded, refer to "
                    f"it through {fk}; nothing was deleted"
                )
        async with self._connection() as conn:
            try:
                cur = await conn.cursor()
                await cur.execute("SET SESSION FOREIGN_KEY_CHECKS = 0")
                try:
                    await conn.begin()
                    for table in tables:
                        await self._bounded(
                            cur.execute(f"DELETE FROM {self.qualify(table.name)}"),
                            self._stmt_timeout,
                        )
                    await conn.commit()
                except BaseException:
                    await conn.rollback()
                    raise
                finally:
                    await cur.execute("SET SESSION FOREIGN_KEY_CHECKS = 1")
            except Exception as exc:
                raise self._failure(exc, None) from None

    def _top_and_counter(self, table: Table, column: Column) -> str:
        """Two SELECT columns: the table's largest key and its AUTO_INCREMENT counter."""
        schema = mv.string_literal(table.name.schema) if table.name.schema else "DATABASE()"
        return (
            f"(SELECT MAX({self.quote(column.name)}) FROM {self.qualify(table.name)}), "
            "(SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE "
            f"TABLE_SCHEMA = {schema} AND TABLE_NAME = {mv.string_literal(table.name.name)})"
        )

    async def reset_sequences(self, tables: Sequence[Table]) -> None:
        # One table after another, and one run after another (the shards of a run finish
        # together): two ALTER TABLEs at once on tables linked by FKs (sakila's store and
        # staff, employees and departments) deadlock inside MariaDB 10.11, unkillable until a
        # restart. The named lock is the server's and goes with the session if that dies; one
        # still held after a minute is stuck elsewhere, and this run goes on without it.
        async with self._connection() as conn:
            try:
                cur = await conn.cursor()

                async def run(sql: str) -> Any:
                    await self._bounded(cur.execute(sql), self._stmt_timeout)
                    row = await cur.fetchone()
                    return None if row is None else row[0]

                autos = [
                    (t, next(c for c in t.columns if c.identity))
                    for t in tables
                    if any(c.identity for c in t.columns)
                ]
                if not autos:
                    return
                await run("SELECT GET_LOCK('fastseed.reset_sequences', 60)")
                try:
                    # Every table's largest key and counter in one statement: InnoDB moves a
                    # counter past the keys written to it, so an ALTER is rarely left to do
                    # (one statement instead of two per table).
                    query = "SELECT " + ", ".join(self._top_and_counter(t, c) for t, c in autos)
                    await self._bounded(cur.execute(query), self._stmt_timeout)
                    found = await cur.fetchone()
                    for k, (table, _) in enumerate(autos):
                        top, counter = found[2 * k], found[2 * k + 1]
                        if top is None or (counter is not None and int(counter) > int(top)):
                            continue
                        # InnoDB never moves the counter below MAX+1: this only moves it forward
                        name = self.qualify(table.name)
                        await run(f"ALTER TABLE {name} AUTO_INCREMENT = {int(top) + 1}")
                finally:
                    await run("SELECT RELEASE_LOCK('fastseed.reset_sequences')")
            except Exception as exc:
                raise self._failure(exc, None) from None
