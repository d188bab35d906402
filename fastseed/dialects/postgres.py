"""PostgreSQL through asyncpg: pg_catalog reflection, binary COPY, deferral, sequences, undo.

Two timeouts: `timeout` bounds connecting and short control statements (SET, ALTER,
BEGIN/COMMIT); `query_timeout` bounds catalog reads (seconds on a busy server), COPY batches,
set-based UPDATEs and verification queries, which may legitimately run for minutes on large
tables but must still end when the peer has vanished.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

import anyio
import asyncpg

from fastseed import cpu
from fastseed.dialects import postgres_copy
from fastseed.dialects.base import (
    LOST_CONNECTION_ERRORS,
    Adapter,
    Capabilities,
    Enforced,
    Session,
    TriggerRejected,
    UncheckedLoad,
    free_name,
    mentioned_columns,
    refuse_new_orphans,
    retry_lock_conflicts,
    with_trigger_writes,
)
from fastseed.dialects.postgres_catalog import FIND_FKS_SQL, read_catalog
from fastseed.dialects.postgres_codecs import register_codecs
from fastseed.errors import (
    ConnectError,
    FastseedError,
    LoadError,
    PermissionDenied,
    UsageError,
    VerifyError,
)
from fastseed.generate.batch import Batch
from fastseed.schema import (
    Catalog,
    Check,
    Column,
    ColumnType,
    ForeignKey,
    Kind,
    Table,
    TableName,
)
from fastseed.url import DatabaseURL

__all__ = ["PostgresAdapter", "PostgresSession", "UndoToken"]

_QUERY_TIMEOUT_FACTOR = 30
"""query_timeout = timeout × this (10 s → 5 min per COPY batch or verification query)."""

_DRIVER_ERRORS = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    # asyncpg raises this when a server-side termination races the next protocol step.
    asyncpg.exceptions.InternalClientError,
    OSError,
    TimeoutError,
)

# asyncpg leaves one in a COPY's reply future when the link is cut while it sends
LOST_CONNECTION_ERRORS.append(asyncpg.exceptions.ConnectionDoesNotExistError)

# SQLSTATEs that mean the connection is gone rather than the statement being wrong.
_CONNECTION_SQLSTATES = ("57P01", "57P02", "57P03")
# insufficient_privilege, and read_only_sql_transaction (a user or database whose
# default_transaction_read_only is on, or a hot standby): the user may not write here.
_PERMISSION_SQLSTATES = ("42501", "25006")
_LOCK_NOT_AVAILABLE = "55P03"
_LOCK_WAIT_FACTOR = 3
"""lock_timeout = timeout × this: a table another session holds is waited for, boundedly."""


def _is_connection_loss(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.PostgresError):
        state = exc.sqlstate or ""
        return state.startswith("08") or state in _CONNECTION_SQLSTATES
    return isinstance(exc, _DRIVER_ERRORS)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _db_error(what: str, exc: BaseException, *, table: object = None) -> FastseedError:
    """One line naming what failed, the table, the constraint and the SQLSTATE (kept as the
    error's `code`)."""
    error = _described(what, exc, table)
    if isinstance(exc, asyncpg.PostgresError):
        error.code = exc.sqlstate
    return error


def _described(what: str, exc: BaseException, table: object) -> FastseedError:
    where = f" {table}" if table is not None else ""
    if isinstance(exc, TimeoutError):
        return ConnectError(f"{what}{where}: no answer from the server in time (timed out)")
    if isinstance(exc, asyncpg.PostgresError):
        table = table if table is not None else getattr(exc, "table_name", None)
        where = f" {table}" if table is not None else ""
        detail = f"SQLSTATE {exc.sqlstate}"
        if getattr(exc, "constraint_name", None):
            detail = f"constraint {exc.constraint_name}, {detail}"
        message = f"{what}{where} failed: {_one_line(exc.args[0] if exc.args else exc)} ({detail})"
        if _is_connection_loss(exc):
            return ConnectError(message)
        if exc.sqlstate in _PERMISSION_SQLSTATES:
            return PermissionDenied(f"permission denied{' on' + where if where else ''}: {message}")
        if exc.sqlstate == _LOCK_NOT_AVAILABLE:
            return LoadError(
                f"{what}{where}: another session holds a lock on it and did not release it "
                f"within the lock timeout (SQLSTATE {exc.sqlstate})"
            )
        functions = _PLPGSQL_FUNCTION.findall(getattr(exc, "context", None) or "")
        if functions and isinstance(table, TableName):
            return TriggerRejected(message, table, functions)
        return LoadError(message)
    return ConnectError(
        f"{what}{where}: connection lost ({_one_line(str(exc)) or type(exc).__name__})"
    )


def _closed_transport(what: str, exc: RuntimeError, table: TableName) -> FastseedError:
    """A COPY source still writing when the server closed the connection: uvloop raises
    RuntimeError ('unable to perform operation on <TCPTransport closed=True ...>; the handler
    is closed') instead of a connection error. Any other RuntimeError is a bug: re-raised."""
    if "handler is closed" not in str(exc):
        raise exc
    return ConnectError(f"{what} {table}: connection lost (the server closed it)")


# How an error's context names the PL/pgSQL functions it passed through, innermost first.
_PLPGSQL_FUNCTION = re.compile(r"PL/pgSQL function (.+?)\(")


def _dsn(url: DatabaseURL) -> str:
    """A libpq-style DSN without the password (that is passed separately, never in text)."""
    params = list(url.params)
    host = url.host or ""
    if host.startswith("/"):
        params.append(("host", host))
        host = ""
    elif ":" in host:
        host = f"[{host}]"
    user = url_quote(url.user, safe="") + "@" if url.user else ""
    port = f":{url.port}" if url.port else ""
    query = f"?{urlencode(params)}" if params else ""
    return f"postgresql://{user}{host}{port}/{url_quote(url.database or '', safe='')}{query}"


def _session_settings(url: DatabaseURL, timeout: float) -> dict[str, str]:
    """Bound lock waits (a table another session holds would stall the run until the COPY
    timeout, minutes later), and have the server probe a silent client over TCP, so that a
    session whose client vanished (a network partition, no FIN) ends, and its locks go,
    within about a minute rather than hours; unless the URL sets them itself."""
    idle = max(1, math.ceil(timeout * _LOCK_WAIT_FACTOR))
    wanted = {
        "lock_timeout": f"{int(timeout * _LOCK_WAIT_FACTOR * 1000)}ms",
        "tcp_keepalives_idle": str(idle),
        "tcp_keepalives_interval": str(max(1, math.ceil(timeout))),
        "tcp_keepalives_count": "3",
    }
    given = {key for key, _ in url.params}
    return {key: value for key, value in wanted.items() if key not in given}


def _connect_args(url: DatabaseURL, timeout: float) -> dict[str, Any]:
    """What every connection is opened with, pooled or not: `command_timeout` bounds any
    call that names no timeout of its own."""
    return {
        "dsn": _dsn(url),
        "password": url.password,
        "timeout": timeout,
        "command_timeout": timeout * _QUERY_TIMEOUT_FACTOR,
        "server_settings": _session_settings(url, timeout),
    }


def _connect_error(url: DatabaseURL, exc: BaseException, timeout: float) -> FastseedError:
    target = url.redacted()
    if isinstance(exc, TimeoutError):
        error: FastseedError = ConnectError(f"{target} did not answer within {timeout:g}s")
    elif isinstance(exc, asyncpg.InvalidCatalogNameError):
        error = UsageError(f"database {url.database!r} does not exist on {target}")
    elif isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError):
        error = UsageError(f"authentication failed for {target}: {_one_line(str(exc))}")
    elif isinstance(exc, asyncpg.PostgresError) and not _is_connection_loss(exc):
        if (exc.sqlstate or "").startswith("53"):
            error = ConnectError(f"{target} refused the connection: {_one_line(str(exc))}")
        else:
            error = UsageError(f"cannot use {target}: {_one_line(str(exc))}")
    elif isinstance(exc, asyncpg.ClientConfigurationError):
        error = UsageError(f"bad connection options in {target}: {_one_line(str(exc))}")
    else:
        reason = getattr(exc, "strerror", None) or _one_line(str(exc)) or type(exc).__name__
        error = ConnectError(f"cannot connect to {target}: {reason}")
    if url.password:
        # Belt and braces: no driver message should echo it, but none may ever leak it.
        scrubbed = str(error)
        for secret in {url.password, url_quote(url.password, safe="")}:
            scrubbed = scrubbed.replace(secret, "***")
        error = type(error)(scrubbed)
    return error


def _sequence_value(quoted: str, col: Column) -> str:
    """The column as the bigint a sequence behind it would have handed out. A text column whose
    default is nextval() (shenyu's varchar ids) also holds other values: only the ones that
    look like a bigint count, so moving the sequence past them never fails on a cast."""
    if col.type.kind is Kind.INTEGER:
        return quoted
    text = f"{quoted}::text"
    # '42' and numeric's '42.00' count; '4.5', 'fd92-27' and 19-digit values do not
    return (
        f"CASE WHEN {text} ~ '^-?[0-9]{{1,18}}(\\.0*)?$' "
        f"THEN split_part({text}, '.', 1)::bigint END"
    )


def _needs_conversion(col_type: ColumnType) -> bool:
    if col_type.kind is Kind.ARRAY:
        return col_type.element is not None and _needs_conversion(col_type.element)
    return col_type.kind in (Kind.BIT, Kind.RANGE, Kind.SHAPE, Kind.COMPOSITE) or (
        col_type.sql == _CHAR
    )


_CHAR = '"char"'
"""PostgreSQL's one-byte type, which asyncpg encodes from bytes only."""


# PostgreSQL's geometric types: the generator's tuples -> asyncpg's objects.
_SHAPES: dict[str, Any] = {
    "point": lambda v: asyncpg.Point(*v),
    "line": lambda v: asyncpg.Line(*v),
    "lseg": lambda v: asyncpg.LineSegment(*v),
    "box": lambda v: asyncpg.Box(*v),
    "path": lambda v: asyncpg.Path(*v, is_closed=False),
    "polygon": lambda v: asyncpg.Polygon(*v),
    "circle": lambda v: asyncpg.Circle(*v),
}


def _converter(col_type: ColumnType) -> Any:
    """Canonical value → what asyncpg's binary encoder takes (None when it takes it as is)."""
    if not _needs_conversion(col_type):
        return None
    if col_type.kind is Kind.BIT:
        return lambda v: (
            v if v is None or isinstance(v, asyncpg.BitString) else asyncpg.BitString(v)
        )
    if col_type.kind is Kind.RANGE:
        return lambda v: v if v is None or isinstance(v, asyncpg.Range) else asyncpg.Range(*v)
    if col_type.sql == _CHAR:
        return lambda v: v.encode()[:1] if isinstance(v, str) else v
    if col_type.kind is Kind.SHAPE:
        make = _SHAPES[col_type.sql.lower()]
        return lambda v: v if v is None or not isinstance(v, tuple) else make(v)
    if col_type.kind is Kind.COMPOSITE:
        fields = [_converter(t) for _, t in col_type.fields]
        return lambda v: (
            v if v is None else tuple(f(x) if f else x for f, x in zip(fields, v, strict=True))
        )
    assert col_type.element is not None
    inner = _converter(col_type.element)
    return lambda v: v if v is None else [inner(x) for x in v]


def _records(columns: Sequence[Column], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    convs = [_converter(c.type) for c in columns]
    if not any(convs):
        return rows
    return [tuple(f(v) if f else v for f, v in zip(convs, row, strict=True)) for row in rows]


_MAX_BINDS = 32767
"""Bind parameters one statement may carry (the protocol counts them in an int16)."""


async def _chunks(data: bytes, size: int = 1 << 20) -> AsyncIterator[bytes]:
    """The stream as an async iterable (asyncpg would take plain bytes for a file path)."""
    view = memoryview(data)
    for start in range(0, len(view), size):
        yield bytes(view[start : start + size])


def _terminate(conn: Any) -> None:
    """Close a connection hard; one the pool already took back after a loss is left alone."""
    with suppress(asyncpg.InterfaceError):
        conn.terminate()


def _in_transaction(conn: Any) -> bool:
    """Whether a pooled connection is inside a transaction; a lost one the pool already took
    back is not (the server ended it)."""
    try:
        return bool(conn.is_in_transaction())
    except asyncpg.InterfaceError:
        return False


@dataclass(frozen=True)
class UndoToken:
    """What one committed session wrote: its transaction id and the tables it touched."""

    xid: int
    """The 32-bit transaction id every row version this session wrote carries as xmin."""
    tables: tuple[TableName, ...]
    """Tables written or updated, in first-touch order (undo deletes in reverse)."""
    partitioned: frozenset[TableName] = frozenset()
    """Tables that are partitioned parents (deleted through the parent, without ONLY)."""


class PostgresSession(Session):
    """One pooled connection inside one transaction."""

    def __init__(self, adapter: PostgresAdapter, conn: Any) -> None:
        self._adapter = adapter
        self._conn = conn
        self._xid = 0
        self._touched: list[TableName] = []
        self._partitioned: set[TableName] = set()
        self._altered: list[tuple[TableName, str]] = []
        self._temp_tables = 0

    def _touch(self, table: Table) -> None:
        if table.name not in self._touched:
            self._touched.append(table.name)
        if table.partitioning is not None:
            self._partitioned.add(table.name)

    async def _run(self, what: str, table: object, sql: str, *args: Any, long: bool = False) -> str:
        timeout = self._adapter.query_timeout if long else self._adapter.timeout
        try:
            result: str = await self._conn.execute(sql, *args, timeout=timeout)
        except _DRIVER_ERRORS as exc:
            raise _db_error(what, exc, table=table) from exc
        return result

    async def begin(self) -> None:
        await self._run("BEGIN", None, "BEGIN")
        if self._adapter.skip_fk_checks:
            await self._run(
                "skipping FK triggers", None, "SET LOCAL session_replication_role = replica"
            )
        try:
            full = await self._conn.fetchval("SELECT txid_current()", timeout=self._adapter.timeout)
        except _DRIVER_ERRORS as exc:
            raise _db_error("reading the transaction id", exc) from exc
        self._full_xid = int(full)
        # txid_current() carries an epoch in its high bits; xmin holds only the low 32.
        self._xid = self._full_xid % (1 << 32)

    async def defer(self, table: Table, fk: ForeignKey) -> None:
        q = self._adapter.quote
        schema, name = table.name.schema or "public", table.name.name
        try:
            rows = await self._conn.fetch(
                FIND_FKS_SQL, [schema], [name], True, timeout=self._adapter.timeout
            )
        except _DRIVER_ERRORS as exc:
            raise _db_error("looking up foreign key", exc, table=table.name) from exc
        # Match on shape, not name: pagila declares the "same" FK once per partition.
        matches = [
            r
            for r in rows
            if tuple(r["columns"]) == fk.columns
            and tuple(r["ref_columns"]) == fk.ref_columns
            and TableName(r["ref_schema"], r["ref_name"]) == fk.ref_table
        ]
        if not matches:
            raise LoadError(f"cannot defer {fk.name} on {table.name}: no such foreign key")
        names = []
        for r in matches:
            owner = TableName(r["schema"], r["table_name"])
            if not r["condeferrable"]:
                await self._run(
                    f"making {r['conname']} deferrable on",
                    owner,
                    f"ALTER TABLE {self._adapter.qualify(owner)} ALTER CONSTRAINT "
                    f"{q(r['conname'])} DEFERRABLE INITIALLY DEFERRED",
                )
                self._altered.append((owner, r["conname"]))
            names.append(f"{q(r['schema'])}.{q(r['conname'])}")
        await self._run("deferring", table.name, f"SET CONSTRAINTS {', '.join(names)} DEFERRED")

    async def write(
        self, table: Table, columns: Sequence[Column], rows: list[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        self._touch(table)
        try:
            await self._conn.copy_records_to_table(
                table.name.name,
                schema_name=table.name.schema,
                columns=[c.name for c in columns],
                records=_records(columns, rows),
                timeout=self._adapter.query_timeout,
            )
        except _DRIVER_ERRORS as exc:
            raise _db_error("COPY into", exc, table=table.name) from exc
        except RuntimeError as exc:
            raise _closed_transport("COPY into", exc, table.name) from exc

    async def write_batch(self, table: Table, batch: Batch) -> None:
        if not batch.size:
            return
        if not postgres_copy.supported(batch.columns):
            await self.write(table, batch.columns, batch.rows())
            return
        self._touch(table)
        order = postgres_copy.copy_order(batch.columns)
        stream = await cpu.run(postgres_copy.encode, batch, order)
        try:
            await self._conn.copy_to_table(
                table.name.name,
                schema_name=table.name.schema,
                columns=[batch.columns[i].name for i in order],
                source=_chunks(stream),
                format="binary",
                timeout=self._adapter.query_timeout,
            )
        except _DRIVER_ERRORS as exc:
            raise _db_error("COPY into", exc, table=table.name) from exc
        except RuntimeError as exc:
            raise _closed_transport("COPY into", exc, table.name) from exc

    async def write_batches(
        self, table: Table, columns: Sequence[Column], batches: AsyncIterator[Batch], count: int
    ) -> None:
        """All batches as one COPY: the server does its per-statement work (the RI triggers'
        set-up above all) once, and never waits for a round trip between batches.

        Each batch gets the budget of one COPY (`query_timeout`): the deadline moves on as
        each is taken, so a server that stops answering (a stalled link: the bytes go out,
        nothing comes back) ends the COPY one budget after the last batch, not `count`
        budgets after the first."""
        if not postgres_copy.supported(columns):
            await super().write_batches(table, columns, batches, count)
            return
        self._touch(table)
        order = postgres_copy.copy_order(columns)
        budget = self._adapter.query_timeout

        with anyio.CancelScope(deadline=anyio.current_time() + budget) as progress:

            async def source() -> AsyncIterator[bytes]:
                yield postgres_copy.HEADER
                async for batch in batches:
                    progress.deadline = anyio.current_time() + budget
                    if batch.size:
                        yield await cpu.run(postgres_copy.encode_rows, batch, order)
                progress.deadline = anyio.current_time() + budget
                yield postgres_copy.TRAILER

            try:
                await self._conn.copy_to_table(
                    table.name.name,
                    schema_name=table.name.schema,
                    columns=[columns[i].name for i in order],
                    source=source(),
                    format="binary",
                    timeout=budget * max(1, count),  # a backstop: `progress` ends it first
                )
            except _DRIVER_ERRORS as exc:
                raise _db_error("COPY into", exc, table=table.name) from exc
            except RuntimeError as exc:
                raise _closed_transport("COPY into", exc, table.name) from exc
        if progress.cancelled_caught:
            raise ConnectError(
                f"COPY into {table.name}: no answer from the server within {budget:g} s (timed out)"
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
        self._touch(table)
        q = self._adapter.quote
        self._temp_tables += 1
        temp = f"fastseed_update_{self._temp_tables}"
        names = [*key, *columns]
        select_list = ", ".join(q(c) for c in names)
        # CREATE TABLE AS copies each column's exact type (domains, typmods) from the target.
        await self._run(
            "preparing the update of",
            table.name,
            f"CREATE TEMP TABLE {q(temp)} ON COMMIT DROP AS SELECT {select_list} "
            f"FROM {self._adapter.from_clause(table)} WITH NO DATA",
        )
        try:
            await self._conn.copy_records_to_table(
                temp,
                columns=names,
                records=_records([table.column(c) for c in names], rows),
                timeout=self._adapter.query_timeout,
            )
        except _DRIVER_ERRORS as exc:
            raise _db_error("COPY of update rows for", exc, table=table.name) from exc
        except RuntimeError as exc:
            raise _closed_transport("COPY of update rows for", exc, table.name) from exc
        assignments = ", ".join(f"{q(c)} = s.{q(c)}" for c in columns)
        match = " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in key)
        status = await self._run(
            "UPDATE of",
            table.name,
            f"UPDATE {self._adapter.from_clause(table)} AS t SET {assignments} "
            f"FROM {q(temp)} AS s WHERE {match}",
            long=True,
        )
        await self._run("dropping the update rows of", table.name, f"DROP TABLE {q(temp)}")
        updated = int(status.rsplit(" ", 1)[-1])
        if updated < len(rows):
            raise LoadError(
                f"UPDATE of {table.name} matched {updated} of {len(rows)} rows by "
                f"({', '.join(key)}): the rows to update are missing"
            )

    async def commit(self) -> None:
        if self._altered:
            # Check everything now, so restoring NOT DEFERRABLE meets no pending trigger events.
            await self._run(
                "checking deferred constraints", None, "SET CONSTRAINTS ALL IMMEDIATE", long=True
            )
            for owner, name in self._altered:
                await self._run(
                    f"restoring {name} on",
                    owner,
                    f"ALTER TABLE {self._adapter.qualify(owner)} ALTER CONSTRAINT "
                    f"{self._adapter.quote(name)} NOT DEFERRABLE",
                )
        # Set before COMMIT is sent: from then on the rows may be committed, whatever happens
        # to this task, and undo by xmin is harmless for rows that never were.
        self.undo_token = UndoToken(self._xid, tuple(self._touched), frozenset(self._partitioned))
        await self._adapter._committing(self.undo_token)
        try:
            await self._conn.execute("COMMIT", timeout=self._adapter.query_timeout)
        except _DRIVER_ERRORS as exc:
            if not _is_connection_loss(exc):
                self.undo_token = None  # the server refused the COMMIT: nothing committed
                raise _db_error("COMMIT", exc) from exc
            # The COMMIT may have reached the server before the connection broke: ask.
            status = await self._adapter.transaction_status(self._full_xid)
            if status != "committed":
                raise ConnectError(
                    f"connection lost during COMMIT; transaction {self._full_xid} is "
                    f"{status or 'unknown'}"
                ) from exc

    async def rollback(self) -> bool:
        """Roll back, even while being cancelled; a connection that cannot is closed (False:
        the server may not know yet)."""
        with anyio.CancelScope(shield=True):
            try:
                await self._conn.execute("ROLLBACK", timeout=self._adapter.timeout)
            except Exception:
                # Closing the socket makes the server abort the transaction itself.
                _terminate(self._conn)
                return False
        return True


# The undo's sessions: ends this run's own (same database, same login) whose end was not
# seen, then waits until none is left. A pid the server reused meanwhile is another session
# of the same login on the same database: a risk taken only after a fault.
_TERMINATE_OWN_SQL = """
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
WHERE pid = ANY($1::int[]) AND pid <> pg_backend_pid()
  AND datname = current_database() AND usename = session_user
"""
_STILL_THERE_SQL = "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])"
# deadlock_detected, lock_not_available: the undo met a dying session's locks
_UNDO_CONFLICTS = ("40P01", "55P03")

# The run lock: one key space for fastseed (b'fsed'), one key per database of the cluster.
_TRY_LOCK_SQL = "SELECT pg_try_advisory_lock(1718838628, hashtext(current_database()))"
_UNLOCK_SQL = "SELECT pg_advisory_unlock(1718838628, hashtext(current_database()))"

# FKs pointing at any of the given tables (partitions' clones excluded), with the
# tables as regclass text (quoted and qualified as needed).
_REFERENCING_FKS_SQL = """
SELECT c.conname, c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o)
           AS cols,
       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o)
           AS ref_cols
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.confrelid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
WHERE c.contype = 'f' AND c.conparentid = 0
  AND (tn.nspname, t.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))
"""


# Row-level INSERT triggers with their function bodies (tgtype bit 2 = INSERT, bit 0 = ROW).
_INSERT_TRIGGERS_SQL = """
SELECT n.nspname AS schema, c.relname AS name, p.prosrc AS body
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
WHERE NOT t.tgisinternal AND (t.tgtype & 4) <> 0 AND (t.tgtype & 1) <> 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
"""


# User triggers whose function is one of $1 (names as error contexts print them), those on
# table $2.$3 marked.
_TRIGGERS_CALLING_SQL = """
SELECT t.tgname, n.nspname, c.relname, t.tgfoid::regproc::text,
       n.nspname = $2 AND c.relname = $3
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND t.tgfoid::regproc::text = ANY($1::text[])
ORDER BY 5 DESC, n.nspname, c.relname, t.tgname
"""


# FKs declared on the given tables (not inherited by partitions, not on partitioned parents).
_TABLE_FKS_SQL = """
SELECT n.nspname, cl.relname, c.conname, pg_get_constraintdef(c.oid), c.convalidated
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
JOIN unnest($1::text[], $2::text[]) AS t(schema, name) ON t.schema = n.nspname
    AND t.name = cl.relname
WHERE c.contype = 'f' AND c.conparentid = 0 AND cl.relkind = 'r'
ORDER BY n.nspname, cl.relname, c.conname
"""


# FKs the server keeps NOT VALID: rows written before they were added were never checked.
# An FK inherited by a partition is validated through its parent's.
_UNVALIDATED_FKS_SQL = """
SELECT n.nspname, cl.relname, c.conname
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
JOIN unnest($1::text[], $2::text[]) AS t(schema, name) ON t.schema = n.nspname
    AND t.name = cl.relname
WHERE c.contype = 'f' AND NOT c.convalidated AND c.conparentid = 0
"""

# FKs whose existing rows were all checked (convalidated) and whose RI triggers fire for this
# session's writes: a trigger set to fire only for replicas, or disabled, checks nothing.
_ENFORCED_FKS_SQL = """
SELECT n.nspname, cl.relname, c.conname
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
JOIN unnest($1::text[], $2::text[]) AS t(schema, name) ON t.schema = n.nspname
    AND t.name = cl.relname
WHERE c.contype = 'f' AND c.convalidated
  AND NOT EXISTS (
    SELECT 1 FROM pg_trigger g
    WHERE g.tgconstraint = c.oid AND g.tgrelid = c.conrelid
      AND NOT (g.tgenabled = 'A'
        OR g.tgenabled = 'O' AND current_setting('session_replication_role') <> 'replica'
        OR g.tgenabled = 'R' AND current_setting('session_replication_role') = 'replica'))
"""

# Unique indexes that are complete and in use; a constraint's name and its index's both count.
_ENFORCED_UNIQUES_SQL = """
SELECT n.nspname, cl.relname, ic.relname, con.conname
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class cl ON cl.oid = i.indrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
JOIN unnest($1::text[], $2::text[]) AS t(schema, name) ON t.schema = n.nspname
    AND t.name = cl.relname
LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
WHERE i.indisunique AND i.indisvalid AND i.indisready AND i.indislive
"""


# May this user skip FK triggers (superuser), and do the tables or their partitions have
# triggers or rules of their own, which session_replication_role = replica would skip too?
_SKIP_TRIGGERS_SQL = """
WITH RECURSIVE loaded AS (
    SELECT c.oid FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN unnest($1::text[], $2::text[]) AS t(schema, name) ON t.schema = n.nspname
        AND t.name = c.relname
    UNION
    SELECT i.inhrelid FROM pg_inherits i JOIN loaded l ON i.inhparent = l.oid
)
SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
       EXISTS (SELECT 1 FROM pg_trigger g JOIN loaded l ON g.tgrelid = l.oid
               WHERE NOT g.tgisinternal AND g.tgenabled <> 'D')
       OR EXISTS (SELECT 1 FROM pg_rewrite r JOIN loaded l ON r.ev_class = l.oid
                  WHERE r.rulename <> '_RETURN')
"""


@dataclass(frozen=True)
class _SuspendedFK:
    schema: str
    relname: str
    name: str
    definition: str
    validated: bool

    def table(self, adapter: Adapter) -> str:
        return adapter.qualify(TableName(self.schema, self.relname))


class PostgresAdapter(Adapter):
    """asyncpg pool; rows go in by binary COPY; hard FK cycles are deferred by transactional DDL."""

    name: ClassVar[str] = "postgres"

    def __init__(self, url: DatabaseURL, pool: Any, *, timeout: float, server_version: str) -> None:
        super().__init__(url)
        self._pool = pool
        self.timeout = timeout
        self.query_timeout = timeout * _QUERY_TIMEOUT_FACTOR
        self.server_version = server_version
        self.capabilities = Capabilities(
            deferrable_constraints=True,
            force_defer_any_fk=True,
            concurrent_sessions=True,
            checks_fk_per_row=False,
            load_method="binary COPY",
            session_skips_triggers=True,
            crash_journal=True,
        )

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    async def open(
        cls, url: DatabaseURL, *, pool_size: int = 4, timeout: float = 10.0
    ) -> PostgresAdapter:
        pool = asyncpg.create_pool(
            # no floor: asyncpg would replace dead connections in the background, and print
            # each failure (a server restarting) as a traceback
            min_size=0,
            max_size=max(1, pool_size),
            init=register_codecs,
            **_connect_args(url, timeout),
        )

        async def start() -> str:
            await pool
            version: str = await pool.fetchval("SHOW server_version", timeout=timeout)
            return version

        try:
            # Bounds the whole start-up, including the codec setup run on the first connection.
            version = await asyncio.wait_for(start(), timeout=timeout * 2)
        except _DRIVER_ERRORS as exc:
            pool.terminate()
            raise _connect_error(url, exc, timeout) from None
        return cls(url, pool, timeout=timeout, server_version=version)

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self._pool.close(), timeout=self.timeout)
        except (TimeoutError, OSError, asyncpg.InterfaceError):
            self._pool.terminate()

    # -- identifiers -------------------------------------------------------------------------

    def from_clause(self, table: Table) -> str:
        # ONLY keeps inheritance children's rows out; on a partitioned parent it reads nothing.
        if table.partitioning is not None:
            return self.qualify(table.name)
        return f"ONLY {self.qualify(table.name)}"

    # -- reading -----------------------------------------------------------------------------

    async def reflect(self, *, schemas: Sequence[str] | None = None) -> Catalog:
        try:
            async with self._connection() as conn, conn.transaction(readonly=True):
                # The recursive type query is estimated at a million rows for a handful,
                # which makes the server JIT-compile it: over a second on every run
                # (benchmarks/PROFILE.md). SET LOCAL: the pooled connection keeps its own.
                await conn.execute("SET LOCAL jit = off")
                tables = await read_catalog(conn, schemas, self.query_timeout)
                triggers = await conn.fetch(_INSERT_TRIGGERS_SQL, timeout=self.query_timeout)
        except _DRIVER_ERRORS as exc:
            raise _db_error("reading the catalog of", exc, table=self.url.redacted()) from exc
        catalog = Catalog(dialect="postgres", tables=tables, server_version=self.server_version)
        pairs = [(TableName(r["schema"], r["name"]), r["body"] or "") for r in triggers]
        return with_trigger_writes(catalog, pairs, case_insensitive=False)

    async def _call(self, what: str, method: str, sql: str, *args: Any) -> Any:
        """One statement on a connection of `_connection`, its errors in one line."""
        async with self._connection() as conn:
            try:
                return await getattr(conn, method)(sql, *args, timeout=self.query_timeout)
            except _DRIVER_ERRORS as exc:
                raise _db_error(what, exc) from exc

    async def fetch_value(self, sql: str, *args: Any) -> Any:
        return await self._call("query", "fetchval", sql, *args)

    async def fetch_rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self._call("query", "fetch", sql, *args)]

    async def fetch_row(self, sql: str, *args: Any) -> tuple[Any, ...]:
        row = await self._call("query", "fetchrow", sql, *args)
        return tuple(row) if row is not None else ()

    async def execute(self, sql: str) -> None:
        await self._call("statement", "execute", sql)

    async def transaction_status(self, full_xid: int) -> str | None:
        """'committed', 'aborted', 'in progress', or None when it cannot be known."""
        try:
            async with self._connection() as conn:
                status: str | None = await conn.fetchval(
                    "SELECT txid_status($1)", full_xid, timeout=self.timeout
                )
        except (*_DRIVER_ERRORS, FastseedError):
            return None
        return status

    # -- testing rows against CHECKs ----------------------------------------------------------

    async def failing_rows(
        self,
        table: Table,
        columns: Sequence[Column],
        rows: list[tuple[Any, ...]],
        checks: Sequence[Check],
    ) -> list[int]:
        """One array parameter per column, `unnest`ed WITH ORDINALITY into rows typed like the
        table's columns, filtered by ``(check) IS FALSE``: one statement, no chunking.

        Array columns cannot travel that way (an array of arrays is one flat 2-D array), so a
        check over one falls back to multi-row VALUES with one parameter per value, chunked
        under the 32767-parameter limit. Runs in a READ ONLY transaction, so even a function
        with side effects inside a check cannot write.
        """
        if not rows or not checks:
            return []
        q = self.quote
        at = {c.name: i for i, c in enumerate(columns)}
        needed = mentioned_columns(table, checks)
        bound = [columns[at[c.name]] for c in needed if c.name in at]
        data = _records(bound, [tuple(row[at[c.name]] for c in bound) for row in rows])
        pos = q(free_name([c.name for c in table.columns], "fastseed_row"))
        select = [f"s.{pos}"] + [
            f"s.{q(c.name)}" if c.name in at else f"NULL::{c.type.sql} AS {q(c.name)}"
            for c in needed
        ]
        failing = " OR ".join(f"({c.expression}) IS FALSE" for c in checks)

        def statement(source: str) -> str:
            return (
                f"SELECT {pos} FROM (SELECT {', '.join(select)} FROM {source}) "
                f"AS {q(table.name.name)} WHERE {failing}"
            )

        names = ", ".join([q(c.name) for c in bound] + [pos])
        batches: list[tuple[str, list[Any], int]] = []
        if not bound:
            source = f"generate_series(1, $1::int8) AS s({pos})"
            batches.append((statement(source), [len(rows)], -1))
        elif all(c.type.kind is not Kind.ARRAY for c in bound):
            arrays = ", ".join(f"${i}::{c.type.sql}[]" for i, c in enumerate(bound, 1))
            source = f"unnest({arrays}) WITH ORDINALITY AS s({names})"
            batches.append((statement(source), [list(v) for v in zip(*data, strict=True)], -1))
        else:
            names = ", ".join([pos] + [q(c.name) for c in bound])
            per_chunk = max(1, _MAX_BINDS // len(bound))
            for start in range(0, len(data), per_chunk):
                chunk = data[start : start + per_chunk]
                tuples = []
                for i in range(len(chunk)):
                    first = i * len(bound)
                    marks = (f"${first + k}::{c.type.sql}" for k, c in enumerate(bound, 1))
                    tuples.append(f"({i}, {', '.join(marks)})")
                source = f"(VALUES {', '.join(tuples)}) AS s({names})"
                args = [v for row in chunk for v in row]
                batches.append((statement(source), args, start))
        found: list[int] = []
        async with self._connection() as conn:
            try:
                async with conn.transaction(readonly=True):
                    for sql, args, offset in batches:
                        records = await conn.fetch(sql, *args, timeout=self.query_timeout)
                        found.extend(int(r[0]) + offset for r in records)
            except _DRIVER_ERRORS as exc:
                raise _db_error("testing CHECKs of", exc, table=table.name) from exc
        return sorted(found)

    # -- loading -----------------------------------------------------------------------------

    @asynccontextmanager
    async def _connection(self, *, fresh: bool = False) -> AsyncIterator[Any]:
        """A pooled connection; a new one of its own with `fresh` or once the pool is not
        trusted (see `Adapter.pool_trusted`), closed after."""
        if fresh or not self.pool_trusted:
            # the undo's own (`fresh`) write no values: no codecs to set up, fewer round trips
            async with self._fresh_connection(codecs=not fresh) as conn:
                yield conn
            return
        try:
            conn = await self._pool.acquire(timeout=self.query_timeout)
        except _DRIVER_ERRORS as exc:
            raise _db_error("acquiring a connection to", exc, table=self.url.redacted()) from exc
        try:
            yield conn
        finally:
            with anyio.CancelScope(shield=True):
                if _in_transaction(conn):
                    # a transaction whose fate this code did not decide (a cancelled statement
                    # still running): closing makes the server abort it, where the pool would
                    # reset it with a warning on stderr
                    _terminate(conn)
                try:
                    await self._pool.release(conn, timeout=self.timeout)
                except Exception:
                    _terminate(conn)

    @asynccontextmanager
    async def _fresh_connection(self, *, codecs: bool) -> AsyncIterator[Any]:
        try:
            # bounds the codec set-up too, as `open` does
            conn = await asyncio.wait_for(self._connect(codecs), timeout=self.timeout * 2)
        except _DRIVER_ERRORS as exc:
            raise _connect_error(self.url, exc, self.timeout) from None
        try:
            yield conn
        finally:
            with anyio.CancelScope(shield=True):
                if _in_transaction(conn):
                    _terminate(conn)
                try:
                    await conn.close(timeout=self.timeout)
                except Exception:
                    _terminate(conn)

    async def _connect(self, codecs: bool) -> Any:
        conn = await asyncpg.connect(**_connect_args(self.url, self.timeout))
        if not codecs:
            return conn
        try:
            await register_codecs(conn)
        except BaseException:
            _terminate(conn)
            raise
        return conn

    @asynccontextmanager
    async def session(self) -> AsyncIterator[PostgresSession]:
        """One connection, one transaction: committed on a clean exit, else rolled back."""
        async with self._connection() as conn:
            session = PostgresSession(self, conn)
            pid = conn.get_server_pid()
            self.unsettled.add(pid)  # until its transaction is seen to end
            try:
                # begin inside: a session cancelled while starting must not go back to the
                # pool with its transaction open
                await session.begin()
                yield session
            except BaseException:
                if await session.rollback():
                    self.unsettled.discard(pid)
                raise
            try:
                # Shielded: a COMMIT cut off by cancellation (another unit failed) could still
                # complete on the server, long after the undo read this session's token. Its
                # deferred FK checks can take seconds, so the window is wide.
                with anyio.CancelScope(shield=True):
                    await session.commit()
            except BaseException:
                if session.undo_token is None and await session.rollback():
                    self.unsettled.discard(pid)
                raise
            self.unsettled.discard(pid)

    def token_json(self, token: Any) -> Any:
        if not isinstance(token, UndoToken) or not token.tables:
            return None
        return {
            "tables": [str(n) for n in token.tables],
            "xid": token.xid,
            "names": [[n.schema, n.name] for n in token.tables],
            "partitioned": [[n.schema, n.name] for n in token.partitioned],
        }

    def token_from_json(self, data: Any) -> UndoToken:
        return UndoToken(
            int(data["xid"]),
            tuple(TableName(s, n) for s, n in data["names"]),
            frozenset(TableName(s, n) for s, n in data["partitioned"]),
        )

    @asynccontextmanager
    async def run_lock(
        self, timeout: float, waiting: Callable[[str], None] | None = None
    ) -> AsyncIterator[None]:
        """A session advisory lock keyed on the database's name, held on one pooled
        connection (the server releases it if this process dies)."""
        async with self._connection() as conn:

            async def attempt() -> bool:
                return bool(await conn.fetchval(_TRY_LOCK_SQL, timeout=self.timeout))

            try:
                await self._poll_lock(attempt, timeout, waiting)
            except _DRIVER_ERRORS as exc:
                raise _db_error(
                    "taking the fastseed run lock on", exc, table=self.url.redacted()
                ) from exc
            try:
                yield
            finally:
                with anyio.CancelScope(shield=True), suppress(*_DRIVER_ERRORS):
                    await conn.fetchval(_UNLOCK_SQL, timeout=self.timeout)

    async def undo(self, tokens: Sequence[Any]) -> None:
        """Delete exactly the rows the given sessions wrote, in one transaction.

        Every FK among the affected tables is checked at the end instead of per row, so rows
        that reference each other (cycles, self-references) go in any order; NOT DEFERRABLE
        ones are made deferrable for this transaction only.
        """
        tokens = [t for t in tokens if isinstance(t, UndoToken) and t.tables]
        self.pool_trusted = False
        if not tokens:
            return
        await self._end_unsettled()
        await retry_lock_conflicts(lambda: self._undo_once(tokens), _UNDO_CONFLICTS)

    async def _end_unsettled(self) -> None:
        """Terminate this run's sessions whose end was not seen (allowed for one's own
        role) and wait for them to go, boundedly: a backend whose client vanished keeps its
        locks (the undo would wait for them) and its COMMIT could still land after the undo
        read the rows."""
        pids = sorted(self.unsettled)
        if not pids:
            return
        async with self._connection(fresh=True) as conn:
            try:
                await conn.execute(_TERMINATE_OWN_SQL, pids, timeout=self.timeout)
                deadline = time.monotonic() + self.timeout * _LOCK_WAIT_FACTOR
                while time.monotonic() < deadline:
                    if not await conn.fetchval(_STILL_THERE_SQL, pids, timeout=self.timeout):
                        break
                    await anyio.sleep(0.05)
            except asyncpg.InsufficientPrivilegeError:
                pass  # not ours after all: the undo's retries wait for them instead
            except _DRIVER_ERRORS as exc:
                raise _db_error(
                    "undo: ending the run's sessions on", exc, table=self.url.redacted()
                ) from exc
        self.unsettled.clear()

    async def _undo_once(self, tokens: Sequence[UndoToken]) -> None:
        async with self._connection(fresh=True) as conn:
            session = PostgresSession(self, conn)
            try:
                await session.begin()
                # a server's statement_timeout is for the load's statements: one cutting the
                # undo would leave the run's rows behind (the DELETEs keep fastseed's own
                # timeout, `long`)
                await session._run("undo", None, "SET LOCAL statement_timeout = 0")
                unchecked = await self._skip_fk_triggers(session)
                if not unchecked:
                    await self._defer_among(session, tokens)
                before = await self._orphans(session, tokens) if unchecked else {}
                for token in tokens:
                    for name in reversed(token.tables):
                        target = self.qualify(name)
                        if name not in token.partitioned:
                            target = f"ONLY {target}"
                        await session._run(
                            "undo: DELETE from",
                            name,
                            f"DELETE FROM {target} WHERE xmin::text::bigint = $1",
                            token.xid,
                            long=True,
                        )
                if unchecked:
                    after = await self._orphans(session, tokens)
                    refuse_new_orphans(before, after)
                await session.commit()
            except BaseException:
                if session.undo_token is None:
                    await session.rollback()
                raise

    async def _orphans(
        self, session: PostgresSession, tokens: Sequence[UndoToken]
    ) -> dict[tuple[str, str, str], int]:
        """Orphans per FK pointing at the tables the tokens wrote: (child, FK, parent) ->
        rows. Counted before and after the deletes while the FK triggers are skipped, so an
        undo that would orphan a row this run did not write (another client wrote it
        meanwhile) is refused, while orphans that were there before do not stop it."""
        names = sorted({n for t in tokens for n in t.tables})
        rows = await session._conn.fetch(
            _REFERENCING_FKS_SQL,
            [n.schema or "public" for n in names],
            [n.name for n in names],
            timeout=self.timeout,
        )
        q = self.quote
        out = {}
        for r in rows:
            match = " AND ".join(
                f"p.{q(b)} = c.{q(a)}" for a, b in zip(r["cols"], r["ref_cols"], strict=True)
            )
            present = " AND ".join(f"c.{q(a)} IS NOT NULL" for a in r["cols"])
            out[(r["child"], r["conname"], r["parent"])] = await session._conn.fetchval(
                f"SELECT count(*) FROM {r['child']} c WHERE {present} AND NOT EXISTS "
                f"(SELECT 1 FROM {r['parent']} p WHERE {match})",
                timeout=self.query_timeout,
            )
        return out

    async def _skip_fk_triggers(self, session: PostgresSession) -> bool:
        """For a superuser, skip FK triggers while undoing: only this run's rows reference this
        run's rows, and per-row RI checks against unindexed FK columns make deleting a big
        parent quadratic. Others keep the checks (deferred to the end)."""
        superuser = await session._conn.fetchval(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user", timeout=self.timeout
        )
        if not superuser:
            return False
        await session._run(
            "undo: skipping FK triggers", None, "SET LOCAL session_replication_role = replica"
        )
        return True

    async def _defer_among(self, session: PostgresSession, tokens: Sequence[UndoToken]) -> None:
        # Only an FK whose child rows are deleted after its parent rows can fail; within one
        # DELETE statement (self-references) NO ACTION checks run at the statement's end.
        order = [name for token in tokens for name in reversed(token.tables)]
        first = {n: order.index(n) for n in order}
        last = {n: len(order) - 1 - order[::-1].index(n) for n in order}
        tables = sorted(first)
        rows = await session._conn.fetch(
            FIND_FKS_SQL,
            [n.schema or "public" for n in tables],
            [n.name for n in tables],
            False,
            timeout=self.timeout,
        )
        for r in rows:
            child = TableName(r["root_schema"], r["root_name"])
            parent = TableName(r["ref_root_schema"], r["ref_root_name"])
            if r["condeferrable"] or last[child] <= first[parent]:
                continue
            owner = TableName(r["schema"], r["table_name"])
            await session._run(
                f"undo: making {r['conname']} deferrable on",
                owner,
                f"ALTER TABLE {self.qualify(owner)} ALTER CONSTRAINT "
                f"{self.quote(r['conname'])} DEFERRABLE INITIALLY DEFERRED",
            )
            session._altered.append((owner, r["conname"]))
        await session._run("undo: deferring constraints", None, "SET CONSTRAINTS ALL DEFERRED")

    async def enforced_constraints(self, tables: Sequence[Table]) -> Enforced:
        schemas = [t.name.schema or "public" for t in tables]
        names = [t.name.name for t in tables]
        fks = await self.fetch_rows(_ENFORCED_FKS_SQL, schemas, names)
        keys = await self.fetch_rows(_ENFORCED_UNIQUES_SQL, schemas, names)
        return Enforced(
            frozenset((TableName(r[0], r[1]), r[2]) for r in fks),
            frozenset((TableName(r[0], r[1]), name) for r in keys for name in (r[2], r[3]) if name),
        )

    async def unvalidated_foreign_keys(self, tables: Sequence[Table]) -> set[tuple[TableName, str]]:
        schemas = [t.name.schema or "public" for t in tables]
        names = [t.name.name for t in tables]
        rows = await self.fetch_rows(_UNVALIDATED_FKS_SQL, schemas, names)
        return {(TableName(r[0], r[1]), r[2]) for r in rows}

    async def validate_foreign_key(self, table: Table, fk: ForeignKey) -> None:
        sql = f"ALTER TABLE {self.qualify(table.name)} VALIDATE CONSTRAINT {self.quote(fk.name)}"
        try:
            async with self._connection() as conn:
                await conn.execute(sql, timeout=self.query_timeout)
        except asyncpg.ForeignKeyViolationError as exc:
            raise VerifyError(f"the server finds rows violating it: {exc.detail or exc}") from exc
        except _DRIVER_ERRORS as exc:
            raise _db_error("validating a foreign key of", exc, table=table.name) from exc

    async def truncate(self, tables: Sequence[Table]) -> None:
        """One TRUNCATE of all of them: DELETE would fire an FK check per deleted parent row,
        a scan of the child table each when its FK column has no index. A table referenced
        from outside the set cannot be truncated without CASCADE (which would empty tables the
        user did not name), so then it falls back to DELETE, children first, in one
        transaction: a row outside the set that points into it fails the DELETE, and then
        nothing was deleted."""
        if not tables:
            return
        names = ", ".join(self.from_clause(t) for t in tables)
        try:
            async with self._connection() as conn:
                try:
                    await conn.execute(f"TRUNCATE {names}", timeout=self.query_timeout)
                except asyncpg.FeatureNotSupportedError:
                    async with conn.transaction():
                        for table in tables:
                            await conn.execute(
                                f"DELETE FROM {self.from_clause(table)}",
                                timeout=self.query_timeout,
                            )
        except _DRIVER_ERRORS as exc:
            raise _db_error("emptying tables", exc) from exc

    async def suspend_foreign_keys(self, tables: Sequence[Table], catalog: Catalog) -> Any:
        """A superuser loading tables without triggers of their own skips the FK triggers in
        each loading session and counts orphans afterwards (the schema is never touched);
        anyone else has the FKs dropped here and re-added afterwards."""
        if await self._may_skip_triggers(tables):
            method = "FK triggers skipped while loading, orphans counted after"
            return await self._load_unchecked(tables, catalog, method)
        return await self._drop_foreign_keys(tables)

    async def check_skip_triggers(self) -> None:
        """The loading sessions will run with session_replication_role = replica, as
        pg_restore --disable-triggers does (no user trigger fires, and no FK trigger either).
        That needs a superuser or the SET privilege on the setting: tried here."""
        try:
            async with self._connection() as conn, conn.transaction():
                await conn.execute(
                    "SET LOCAL session_replication_role = replica", timeout=self.timeout
                )
        except asyncpg.InsufficientPrivilegeError:
            raise UsageError(
                "--disable-triggers needs a superuser (the loading sessions set "
                f"session_replication_role = replica), and {self.url.user or 'this user'} "
                "is not one; nothing was written"
            ) from None
        except _DRIVER_ERRORS as exc:
            raise _db_error("checking the right to skip triggers on", exc) from exc

    async def rejecting_triggers(self, error: TriggerRejected) -> list[str]:
        """User triggers calling a function the error passed through: those on the
        written table, else any (the failing trigger may sit on a table a trigger writes)."""
        rows = await self.fetch_rows(
            _TRIGGERS_CALLING_SQL,
            list(error.functions),
            error.table.schema or "public",
            error.table.name,
        )
        own = [r for r in rows if r[4]] or rows
        return [f"trigger {r[0]} on {TableName(r[1], r[2])} (function {r[3]}())" for r in own]

    async def _may_skip_triggers(self, tables: Sequence[Table]) -> bool:
        schemas = [t.name.schema or "public" for t in tables]
        names = [t.name.name for t in tables]
        row = await self.fetch_rows(_SKIP_TRIGGERS_SQL, schemas, names)
        return bool(row and row[0][0] and not row[0][1])

    async def _drop_foreign_keys(self, tables: Sequence[Table]) -> list[_SuspendedFK]:
        """Drop the FKs declared on these tables (in one transaction), remembering each one's
        definition; FKs of partitioned parents stay, since they cannot come back NOT VALID."""
        schemas = [t.name.schema or "public" for t in tables]
        names = [t.name.name for t in tables]
        rows = await self.fetch_rows(_TABLE_FKS_SQL, schemas, names)
        fks = [_SuspendedFK(r[0], r[1], r[2], r[3], r[4]) for r in rows]
        if fks:
            statements = [
                f"ALTER TABLE {fk.table(self)} DROP CONSTRAINT {self.quote(fk.name)}" for fk in fks
            ]
            await self._in_transaction("dropping foreign keys", statements)
        return fks

    async def restore_foreign_keys(self, token: Any) -> None:
        if isinstance(token, UncheckedLoad):
            await super().restore_foreign_keys(token)
            return
        fks: list[_SuspendedFK] = token or []
        if not fks:
            return
        present = {
            (r[0], r[1], r[2]): r[3]
            for r in await self.fetch_rows(
                _TABLE_FKS_SQL, [f.schema for f in fks], [f.relname for f in fks]
            )
        }
        missing = [f for f in fks if (f.schema, f.relname, f.name) not in present]
        # NOT VALID first: adding is instant; the check of existing rows is VALIDATE's job,
        # which takes a weaker lock and can run for several tables at once
        await self._in_transaction(
            "restoring foreign keys",
            [
                f"ALTER TABLE {f.table(self)} ADD CONSTRAINT {self.quote(f.name)} "
                f"{f.definition} NOT VALID"
                for f in missing
            ],
        )
        limit = anyio.CapacityLimiter(2)

        async def validate(fk: _SuspendedFK) -> None:
            sql = f"ALTER TABLE {fk.table(self)} VALIDATE CONSTRAINT {self.quote(fk.name)}"
            async with limit:
                try:
                    async with self._connection() as conn:
                        await conn.execute(sql, timeout=self.query_timeout)
                except asyncpg.ForeignKeyViolationError as exc:
                    raise LoadError(
                        f"{fk.schema}.{fk.relname}: FK {fk.name} stays NOT VALID, rows violate "
                        f"it: {exc.detail or exc}"
                    ) from exc
                except _DRIVER_ERRORS as exc:
                    raise _db_error("statement", exc) from exc

        async with anyio.create_task_group() as tg:
            for fk in fks:
                if fk.validated:
                    tg.start_soon(validate, fk)

    def fast_method(self, token: Any) -> str:
        if isinstance(token, UncheckedLoad):
            return super().fast_method(token)
        return "FKs dropped while loading, re-added NOT VALID and VALIDATEd after"

    def proven_foreign_keys(self, token: Any) -> set[tuple[TableName, str]]:
        if isinstance(token, UncheckedLoad):
            return super().proven_foreign_keys(token)
        return {(TableName(f.schema, f.relname), f.name) for f in token or [] if f.validated}

    async def _in_transaction(self, what: str, statements: Sequence[str]) -> None:
        if not statements:
            return
        try:
            async with self._connection() as conn, conn.transaction():
                for sql in statements:
                    await conn.execute(sql, timeout=self.query_timeout)
        except _DRIVER_ERRORS as exc:
            raise _db_error(what, exc) from exc

    async def reset_sequences(self, tables: Sequence[Table]) -> None:
        """setval(seq, max over every table using it, never below the sequence's last value)."""
        users: dict[str, list[tuple[Table, Column]]] = {}
        for table in tables:
            for col in table.columns:
                if col.identity and col.sequence:
                    users.setdefault(col.sequence, []).append((table, col))
        if not users:
            return
        # One statement for all of them: a round trip (and a pooled connection's reset) per
        # sequence was most of this phase on schemas of many small tables.
        rows = []
        for i, cols in enumerate(users.values(), 1):
            # No ONLY: inheritance children (sakila's payment_p2007_*) draw on the same sequence.
            maxes = ", ".join(
                f"(SELECT max({_sequence_value(self.quote(c.name), c)}) "
                f"FROM {self.qualify(t.name)})"
                for t, c in cols
            )
            rows.append(f"(${i}::text, GREATEST({maxes})::bigint)")
        await self.fetch_rows(
            # text, not regclass, parameters: reg* values are OIDs on these connections
            "SELECT setval(s::regclass, GREATEST(top, "
            "coalesce(pg_sequence_last_value(s::regclass), top))) "
            f"FROM (VALUES {', '.join(rows)}) AS v(s, top) WHERE top IS NOT NULL",
            *users,
        )
