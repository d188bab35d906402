"""The adapter contract every dialect implements, plus ANSI SQL helpers that always quote.

Code outside `fastseed/dialects/` talks to a database only through `Adapter` and `Session`,
and branches on `Capabilities`, never on the dialect's name.

Values handed to `Session.write` are plain Python objects, one canonical type per `Kind`:
int (INTEGER, YEAR), decimal.Decimal (NUMERIC, MONEY), float, bool, str (TEXT, ENUM, JSON text,
SET as comma-joined labels, BIT as '0'/'1' digits, MACADDR, TSVECTOR text, GEOMETRY as WKT, XML),
bytes, datetime.date, datetime.time, datetime.datetime (aware in UTC when the column has a time
zone, naive otherwise), datetime.timedelta, uuid.UUID, ipaddress objects (INET, CIDR), list
(ARRAY), a (lower, upper) tuple for a half-open RANGE. An adapter converts them to what its
driver wants.
"""

from __future__ import annotations

import abc
import importlib
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import anyio

from fastseed.errors import FastseedError, LoadError, LockTimeout, UsageError
from fastseed.generate.batch import Batch
from fastseed.generate.keyexpr import columns_read
from fastseed.schema import Catalog, Check, Column, ForeignKey, Kind, Table, TableName, UniqueKey
from fastseed.server import Capabilities as Capabilities  # re-exported: adapters build it
from fastseed.server import TableState as TableState
from fastseed.url import DatabaseURL

LOST_CONNECTION_ERRORS: list[type[BaseException]] = [OSError]
"""Exceptions that only say a connection is gone; each dialect adds its driver's. The CLI
keeps asyncio's 'Future exception was never retrieved' for them off stderr: a driver's
internal future holds one after a cut, and the run already reports the loss once."""


@dataclass(frozen=True)
class Enforced:
    """Constraints the server enforces, as (table, constraint or index name) pairs."""

    foreign_keys: frozenset[tuple[TableName, str]] = frozenset()
    unique_keys: frozenset[tuple[TableName, str]] = frozenset()


class Session(abc.ABC):
    """One connection inside one transaction, loading one plan unit (a table or a cycle).

    `Adapter.session()` commits when the block exits cleanly and rolls back otherwise; after a
    commit, `undo_token` lets `Adapter.undo` remove exactly the rows this session wrote.
    """

    undo_token: Any = None

    @abc.abstractmethod
    async def defer(self, table: Table, fk: ForeignKey) -> None:
        """Check `fk` at commit instead of per row (deferrable, altered, or checks off)."""

    @abc.abstractmethod
    async def write(
        self, table: Table, columns: Sequence[Column], rows: list[tuple[Any, ...]]
    ) -> None:
        """Write one batch of rows (values in `columns` order)."""

    async def write_batch(self, table: Table, batch: Batch) -> None:
        """Write a column-wise batch; adapters with a bulk encoder override this."""
        await self.write(table, batch.columns, batch.rows())

    async def write_batches(
        self, table: Table, columns: Sequence[Column], batches: AsyncIterator[Batch], count: int
    ) -> None:
        """Write `count` batches as they come; adapters that can stream them as one statement
        override this (no round trip per batch, one statement's overhead)."""
        del columns, count
        async for batch in batches:
            await self.write_batch(table, batch)

    @abc.abstractmethod
    async def update(
        self,
        table: Table,
        key: Sequence[str],
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
    ) -> None:
        """Set `columns` on the rows identified by `key`; each row is key values + new values."""


class TriggerRejected(LoadError):
    """A write failed inside trigger code; `Adapter.explain` names the trigger(s)."""

    def __init__(self, message: str, table: TableName, functions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.table = table
        self.functions = tuple(functions)
        """The trigger functions the server's error names, innermost first (when it does)."""


@dataclass
class UncheckedLoad:
    """Fast mode without DDL: the loading sessions do not check these FKs; their orphans are
    counted once the load is committed (`Adapter.restore_foreign_keys`)."""

    checks: list[tuple[Table, ForeignKey, Table]]
    method: str
    """How the sessions skip the checks, for the summary."""
    proven: set[tuple[TableName, str]] = field(default_factory=set)
    rows: dict[TableName, int] = field(default_factory=dict)
    """Row counts taken by the orphan count, once the load was committed."""
    done: bool = False


class Adapter(abc.ABC):
    """A connection pool to one database plus everything dialect-specific fastseed needs."""

    name: ClassVar[str]
    quote_char: ClassVar[str] = '"'
    capabilities: Capabilities

    def __init__(self, url: DatabaseURL) -> None:
        self.url = url
        self.capabilities = Capabilities()
        self.skip_fk_checks = False
        """Set by `suspend_foreign_keys` (an `UncheckedLoad`): new sessions skip FK checks."""
        self.before_commit: Callable[[Any], None] | None = None
        """Called with a session's `token_json` just before its COMMIT is sent (the crash
        journal), so a run killed at any point can still find its rows."""
        self.unsettled: set[int] = set()
        """Server ids (backend pid, thread id) of this run's sessions whose transaction was
        not seen to end (a lost or stalled connection): `undo` ends them first, since the
        server may still hold their locks and their COMMIT may still land."""
        self.pool_trusted = True
        """False once `undo` ran: after a fault the pool's idle connections may be dead
        without knowing it, so every later statement gets a new connection of its own."""

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    @abc.abstractmethod
    async def open(cls, url: DatabaseURL, *, pool_size: int = 4, timeout: float = 10.0) -> Adapter:
        """Connect (raising ConnectError when unreachable) and read the server's capabilities."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> Adapter:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- identifiers ---------------------------------------------------------------------------

    def quote(self, ident: str) -> str:
        q = self.quote_char
        return q + ident.replace(q, q + q) + q

    def qualify(self, table: TableName) -> str:
        if table.schema:
            return f"{self.quote(table.schema)}.{self.quote(table.name)}"
        return self.quote(table.name)

    def from_clause(self, table: Table) -> str:
        """The table as a FROM item that reads only its own rows (PostgreSQL adds ONLY)."""
        return self.qualify(table.name)

    # -- reading -------------------------------------------------------------------------------

    @abc.abstractmethod
    async def reflect(self, *, schemas: Sequence[str] | None = None) -> Catalog:
        """Read the whole schema (all non-system schemas unless `schemas` says) set-based."""

    @abc.abstractmethod
    async def fetch_value(self, sql: str, *args: Any) -> Any:
        """Run a query and return the first column of the first row (None when no row)."""

    @abc.abstractmethod
    async def execute(self, sql: str) -> None:
        """Run one statement outside any load session (autocommit)."""

    async def table_state(self, table: Table, int_columns: Sequence[str]) -> TableState:
        """Row count and the max of the given integer columns, read in one query."""
        exprs = ["COUNT(*)"] + [f"MAX({self.quote(c)})" for c in int_columns]
        sql = f"SELECT {', '.join(exprs)} FROM {self.from_clause(table)}"
        row = await self.fetch_row(sql)
        key_max = {c: int(v) for c, v in zip(int_columns, row[1:], strict=True) if v is not None}
        return TableState(rows=int(row[0]), key_max=key_max)

    @abc.abstractmethod
    async def fetch_row(self, sql: str, *args: Any) -> tuple[Any, ...]:
        """Run a query and return its first row as a tuple (() when there is none)."""

    @abc.abstractmethod
    async def fetch_rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Run a query and return all its rows as tuples."""

    async def sample_values(
        self, table: Table, column: str, *, limit: int = 50
    ) -> list[tuple[Any, int]]:
        """The most frequent non-NULL values of a column with their counts, most common first."""
        q = self.quote(column)
        sql = (
            f"SELECT {q}, COUNT(*) FROM {self.from_clause(table)} WHERE {q} IS NOT NULL "
            f"GROUP BY {q} ORDER BY COUNT(*) DESC, {q} LIMIT {int(limit)}"
        )
        return [(row[0], int(row[1])) for row in await self.fetch_rows(sql)]

    @abc.abstractmethod
    async def failing_rows(
        self,
        table: Table,
        columns: Sequence[Column],
        rows: list[tuple[Any, ...]],
        checks: Sequence[Check],
    ) -> list[int]:
        """Positions in `rows` for which any of `checks` is FALSE (NULL passes, as in a CHECK).
        Values are in `columns` order and use the canonical types; nothing is written.

        The server evaluates each check's own text set-based, with the row's values bound under
        the real column names and typed like `table`'s columns (after the same conversion
        `Session.write` applies). Table columns not in `columns` (defaults, identities,
        generated columns) are NULL there. Runs on a pooled connection, outside any session.
        """

    # -- loading -------------------------------------------------------------------------------

    @abc.abstractmethod
    def session(self) -> Any:
        """An async context manager yielding a `Session` (one connection, one transaction)."""

    @asynccontextmanager
    async def run_lock(
        self, timeout: float, waiting: Callable[[str], None] | None = None
    ) -> AsyncIterator[None]:
        """Hold the database-wide fastseed lock for the block, so that two runs never read
        the same largest keys: wait up to `timeout` seconds (calling `waiting` once with a
        message), then raise LockTimeout. Dialects without one (SQLite, one writer) hold
        nothing."""
        yield

    async def _poll_lock(
        self,
        attempt: Callable[[], Awaitable[bool]],
        timeout: float,
        waiting: Callable[[str], None] | None,
    ) -> None:
        """Try `attempt` until it takes the lock or `timeout` seconds have passed."""
        deadline = time.monotonic() + timeout
        told = False
        while not await attempt():
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"another fastseed run is writing to {self.url.redacted()}; gave up after "
                    f"{timeout:g} s (--lock-timeout); nothing was written"
                )
            if not told and waiting is not None:
                waiting(
                    f"waiting for another fastseed run on {self.url.redacted()} to finish "
                    f"(up to {timeout:g} s, --lock-timeout)"
                )
                told = True
            await anyio.sleep(min(0.5, max(0.0, deadline - time.monotonic())))

    def token_json(self, token: Any) -> Any:
        """A session's undo token as JSON data for the crash journal (a dict whose "tables"
        lists the tables it wrote, for messages); None if the dialect keeps no journal."""
        return None

    def token_from_json(self, data: Any) -> Any:
        """The undo token `token_json` wrote."""
        raise NotImplementedError

    async def _committing(self, token: Any) -> None:
        """A session is about to send COMMIT: journal what it wrote first. In a worker
        thread: the journal's fsync (milliseconds) would hold up every other session's I/O."""
        if self.before_commit is not None:
            data = self.token_json(token)
            if data is not None:
                await anyio.to_thread.run_sync(self.before_commit, data)

    @abc.abstractmethod
    async def undo(self, tokens: Sequence[Any]) -> None:
        """Remove the rows written by committed sessions, given their tokens in reverse order.

        Runs on new connections (never a pooled one, which the fault may have killed too),
        after ending the `unsettled` sessions; retries lock conflicts with them within a
        bound. Raises ConnectError when the server cannot be reached: the rows then stay."""

    async def truncate(self, tables: Sequence[Table]) -> None:
        """Delete every row of `tables`, given children first (`--on-existing truncate`)."""
        for table in tables:
            await self.execute(f"DELETE FROM {self.from_clause(table)}")

    async def suspend_foreign_keys(self, tables: Sequence[Table], catalog: Catalog) -> Any:
        """Fast mode: take the FKs declared on `tables` out of the way for the load.

        Returns what `restore_foreign_keys` needs, or None when the dialect has no such mode
        (the load then runs with the FKs in place).
        """
        del tables, catalog
        return None

    def streams_for(self, table: Table, streams: int) -> int:
        """How many sessions can usefully load `table` at the same time (at most `streams`)."""
        del table
        return streams

    async def foreign_keys_unchecked(self, token: Any, tables: Sequence[Table]) -> bool:
        """True when, with `token` from `suspend_foreign_keys`, no FK of `tables` is checked
        while loading, so tables need not wait for their parents."""
        if isinstance(token, UncheckedLoad):
            return True
        return not (await self.enforced_constraints(tables)).foreign_keys

    async def _load_unchecked(
        self, tables: Sequence[Table], catalog: Catalog, method: str
    ) -> UncheckedLoad:
        """Fast mode without DDL: from now on new sessions skip FK checks (`method` says how);
        the FKs the server would have checked are counted after the load."""
        enforced = (await self.enforced_constraints(tables)).foreign_keys
        checks = [
            (t, fk, catalog.tables[fk.ref_table])
            for t in tables
            for fk in t.foreign_keys
            if (t.name, fk.name) in enforced and fk.ref_table in catalog.tables
        ]
        self.skip_fk_checks = True
        return UncheckedLoad(checks, method)

    async def check_skip_triggers(self) -> None:
        """Raise UsageError unless the loading sessions can skip user triggers
        (`--disable-triggers`); called before anything is written."""
        raise UsageError(
            f"--disable-triggers is not available on {self.name}: triggers cannot be skipped "
            "for one session there; drop or relax the trigger for the load, or seed without it"
        )

    async def skip_triggers(self, tables: Sequence[Table], catalog: Catalog) -> UncheckedLoad:
        """`--disable-triggers`: from now on the loading sessions skip user triggers, and
        with them the FK checks, so each FK's orphans are counted after the load."""
        await self.check_skip_triggers()
        method = "triggers skipped while loading (--disable-triggers), FK orphans counted after"
        return await self._load_unchecked(tables, catalog, method)

    async def rejecting_triggers(self, error: TriggerRejected) -> list[str]:
        """The user triggers that may have raised `error`, described for a message
        ('trigger NAME on TABLE (...)'); empty when none can be found."""
        del error
        return []

    async def explain(self, error: BaseException) -> BaseException:
        """`error` with the trigger that raised it named, and what can be done about it;
        any other error (or one whose trigger cannot be read) as it is."""
        if not isinstance(error, TriggerRejected):
            return error
        try:
            triggers = await self.rejecting_triggers(error)
        except FastseedError:
            return error
        if not triggers:
            return error
        if self.capabilities.session_skips_triggers:
            hint = "--disable-triggers skips user triggers while loading (needs a superuser)"
        else:
            hint = (
                f"--disable-triggers is not available on {self.name} (triggers cannot be "
                "skipped for one session); drop or relax the trigger for the load"
            )
        return LoadError(f"{error}; rejected by {'; '.join(triggers)}; {hint}")

    async def restore_foreign_keys(self, token: Any) -> None:
        """Put back exactly what `suspend_foreign_keys` removed, checking the loaded rows.

        Idempotent: called again after a failure it finishes what is missing.
        """
        if isinstance(token, UncheckedLoad):
            await self._count_unchecked_orphans(token)

    async def _count_unchecked_orphans(self, token: UncheckedLoad) -> None:
        """Once, after the load (or its undo): every FK the sessions skipped must hold, as
        the server's own check would have demanded."""
        self.skip_fk_checks = False
        if token.done:
            return
        token.done = True
        found: list[str] = []
        scan = await self.scan_orphans(token.checks, anyio.CapacityLimiter(2))
        for table, fk, parent in token.checks:
            n = scan.orphans[(table.name, fk.name)]
            if n:
                found.append(f"{table.name}: {n} rows match no {parent.name} row (FK {fk.name})")
            else:
                token.proven.add((table.name, fk.name))
        token.rows = scan.rows
        if found:
            raise LoadError("foreign keys do not hold after the fast load: " + "; ".join(found))

    def fast_method(self, token: Any) -> str:
        """How `suspend_foreign_keys` took the FKs out of the way, for the summary."""
        if isinstance(token, UncheckedLoad):
            return token.method
        return "FKs in place (no fast mode in this dialect)"

    def proven_foreign_keys(self, token: Any) -> set[tuple[TableName, str]]:
        """(table, FK name) pairs that `restore_foreign_keys` proved (orphans counted, or
        validated by the server)."""
        return set(token.proven) if isinstance(token, UncheckedLoad) else set()

    def counted_rows(self, token: Any) -> dict[TableName, int]:
        """Row counts that `restore_foreign_keys` took by SQL after the load, on its way to
        proving the FKs; verification need not count these tables again."""
        return dict(token.rows) if isinstance(token, UncheckedLoad) else {}

    async def enforced_constraints(self, tables: Sequence[Table]) -> Enforced:
        """FKs and unique keys of `tables` that the server checks on every write right now.

        Verification skips their scans where that proves the outcome: a unique index cannot
        hold duplicates, and a checked FK cannot have let an orphan in among rows this run
        wrote. Dialects that cannot tell return nothing, and everything is scanned.
        """
        del tables
        return Enforced()

    async def unvalidated_foreign_keys(self, tables: Sequence[Table]) -> set[tuple[TableName, str]]:
        """FKs of `tables` the server keeps as not checked against the rows they hold
        (PostgreSQL's NOT VALID); `verify --prove-fks` has the server validate them once no
        orphan is found. Dialects without such a state (an InnoDB FK added or loaded with
        foreign_key_checks off is recorded as any other) have none."""
        del tables
        return set()

    async def validate_foreign_key(self, table: Table, fk: ForeignKey) -> None:
        """Have the server check every row of `table` against `fk` and record it as valid;
        raises VerifyError when rows violate it. Called only for what
        `unvalidated_foreign_keys` returned."""
        raise UsageError(f"{self.name} keeps no validation state for FK {fk.name} of {table.name}")

    @abc.abstractmethod
    async def reset_sequences(self, tables: Sequence[Table]) -> None:
        """Move identity/serial/auto-increment counters past the largest loaded key."""

    # -- verification (ANSI SQL; dialects override only what differs) --------------------------

    async def count_rows(self, table: Table) -> int:
        return int(await self.fetch_value(f"SELECT COUNT(*) FROM {self.from_clause(table)}"))

    async def count_orphans(self, table: Table, fk: ForeignKey, parent: Table) -> int:
        """Rows whose FK columns are all non-NULL and match no parent row (MATCH SIMPLE)."""
        scan = await self.scan_orphans([(table, fk, parent)])
        return scan.orphans[(table.name, fk.name)]

    async def scan_orphans(
        self,
        checks: Sequence[tuple[Table, ForeignKey, Table]],
        limit: anyio.CapacityLimiter | None = None,
    ) -> OrphanScan:
        """The orphans of each (child, FK, parent), with as few passes over the tables as the
        keys allow, and the row counts those passes give on the way.

        A parent whose one-column integer primary key holds every integer from lo to hi (how
        generated parents usually look) is read once for COUNT/MIN/MAX; then a child's key has
        a parent exactly when it lies in that range, so one pass over each child counts its
        rows and the orphans of all such FKs together. Other FKs are counted by a join.
        `limit` bounds the queries at once (the caller's, when it runs others meanwhile).
        """
        if limit is None:
            limit = anyio.CapacityLimiter(4 if self.capabilities.concurrent_sessions else 1)
        result = OrphanScan()
        spans: dict[TableName, tuple[int, int] | None] = {}

        async def span(parent: Table, key: str) -> None:
            k = self.quote(key)
            async with limit:
                row = await self.fetch_row(
                    f"SELECT COUNT(*), COUNT({k}), MIN({k}), MAX({k}) "
                    f"FROM {self.from_clause(parent)}"
                )
            rows, keys, lo, hi = row
            result.rows[parent.name] = int(rows)
            dense = keys and int(hi) - int(lo) + 1 == int(keys)
            spans[parent.name] = (int(lo), int(hi)) if dense else None

        keyed = {p.name: (p, key) for _, fk, p in checks if (key := _range_key(fk, p))}
        async with anyio.create_task_group() as tg:
            for parent, key in keyed.values():
                tg.start_soon(span, parent, key)

        ranged: dict[TableName, tuple[Table, list[tuple[ForeignKey, int, int]]]] = {}
        joined = []
        for table, fk, parent in checks:
            # the span is of the parent's integer key: only an FK to that key can use it
            found = spans.get(parent.name) if _range_key(fk, parent) else None
            if found is not None:
                ranged.setdefault(table.name, (table, []))[1].append((fk, *found))
            else:
                joined.append((table, fk, parent))

        async def by_range(table: Table, fks: list[tuple[ForeignKey, int, int]]) -> None:
            # per FK, the rows whose key lies outside the parent's span (NULL counts 0)
            outside = [
                f"SUM(CASE WHEN {col} < {lo} OR {col} > {hi} THEN 1 ELSE 0 END)"
                for fk, lo, hi in fks
                for col in [self.quote(fk.columns[0])]
            ]
            async with limit:
                row = await self.fetch_row(
                    f"SELECT COUNT(*), {', '.join(outside)} FROM {self.from_clause(table)}"
                )
            result.rows[table.name] = int(row[0])
            for (fk, _, _), n in zip(fks, row[1:], strict=True):
                result.orphans[(table.name, fk.name)] = int(n or 0)

        async def by_join(table: Table, fk: ForeignKey, parent: Table) -> None:
            join = " AND ".join(
                f"p.{self.quote(pc)} = c.{self.quote(cc)}"
                for cc, pc in zip(fk.columns, fk.ref_columns, strict=True)
            )
            not_null = " AND ".join(f"c.{self.quote(cc)} IS NOT NULL" for cc in fk.columns)
            first = self.quote(fk.ref_columns[0])
            sql = (
                f"SELECT COUNT(*) FROM {self.from_clause(table)} c "
                f"LEFT JOIN {self.from_clause(parent)} p ON {join} "
                f"WHERE {not_null} AND p.{first} IS NULL"
            )
            async with limit:
                result.orphans[(table.name, fk.name)] = int(await self.fetch_value(sql))

        async with anyio.create_task_group() as tg:
            for table, fks in ranged.values():
                tg.start_soon(by_range, table, fks)
            for check in joined:
                tg.start_soon(by_join, *check)
        return result

    async def count_duplicates(self, table: Table, key: UniqueKey) -> int:
        """Surplus rows sharing a key value (NULLs never collide, partial predicates apply).

        An expression key groups by its expressions, as the server printed them; a part that
        reads no column (a singleton table's ``((true))``) is the same for every row."""
        names = [c.name for c in table.columns]
        parts = [f"({e})" for e in key.expressions] or [self.quote(c) for c in key.columns]
        grouped = [p for p in parts if not key.expressions or columns_read([p], names)]
        where = " AND ".join(f"{p} IS NOT NULL" for p in parts)
        if key.predicate:
            where += f" AND ({key.predicate})"
        group = f" GROUP BY {', '.join(grouped)}" if grouped else ""
        sql = (
            f"SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM "
            f"{self.from_clause(table)} WHERE {where}{group}) d WHERE n > 1"
        )
        return int(await self.fetch_value(sql))


UNDO_ATTEMPTS = 6
"""Tries of an undo that meets a lock conflict (0.25 s, then twice as long each time)."""


async def retry_lock_conflicts(
    attempt: Callable[[], Awaitable[None]], conflicts: Iterable[int | str]
) -> None:
    """Run `attempt`, again while it fails with one of the server's `conflicts` codes
    (deadlock, lock wait timeout): a session of the failed run that the server is still
    rolling back holds locks on the same rows, and the undo it picked as the victim was
    rolled back whole, so trying again is safe. Bounded: the last failure is raised."""
    codes = set(conflicts)
    for n in range(UNDO_ATTEMPTS):
        try:
            await attempt()
            return
        except FastseedError as exc:
            if exc.code not in codes or n == UNDO_ATTEMPTS - 1:
                raise
        await anyio.sleep(0.25 * 2**n)


@dataclass
class OrphanScan:
    """What `Adapter.scan_orphans` found."""

    orphans: dict[tuple[TableName, str], int] = field(default_factory=dict)
    """(child, FK name) -> rows pointing at no parent."""
    rows: dict[TableName, int] = field(default_factory=dict)
    """Row counts of the tables the scan read whole (COUNT(*), as `count_rows` gives)."""


def _range_key(fk: ForeignKey, parent: Table) -> str | None:
    """The parent's key column when `fk` is one column pointing at the parent's one-column
    integer primary key: then the FK can be checked by the key's range, if it has no gap."""
    pk = parent.primary_key
    if len(fk.columns) != 1 or pk is None or tuple(pk.columns) != tuple(fk.ref_columns):
        return None
    key = pk.columns[0]
    return key if parent.column(key).type.kind == Kind.INTEGER else None


def refuse_new_orphans(
    before: dict[tuple[str, str, str], int], after: dict[tuple[str, str, str], int]
) -> None:
    """Raise LoadError (rolling the undo back) when an undo run without FK checks left more
    orphans than there were before it, per (child, FK, parent): leaving the run's rows is
    better than breaking the user's FKs."""
    for (child, fk, parent), n in after.items():
        if n > before.get((child, fk, parent), 0):
            raise LoadError(
                f"undo: rows of {child} this run did not write point at rows of {parent} it "
                f"did (FK {fk}); nothing was removed"
            )


def mentioned_columns(table: Table, checks: Sequence[Check]) -> list[Column]:
    """The table's columns whose name occurs in some check's text (bare or with its quote
    characters doubled): a superset of the columns the checks use."""
    texts = [c.expression.casefold() for c in checks]
    variants = [
        (col, {col.name.casefold(), *(col.name.replace(c, c + c).casefold() for c in '"`')})
        for col in table.columns
    ]
    return [col for col, names in variants if any(n in t for n in names for t in texts)]


def free_name(taken: Iterable[str], base: str) -> str:
    """`base`, or `base_N`, whichever no name in `taken` already is (case-insensitively)."""
    used = {n.casefold() for n in taken}
    name, n = base, 0
    while name.casefold() in used:
        n += 1
        name = f"{base}_{n}"
    return name


# One name part: quoted ("" or `` inside doubled, so any character, dots included) or bare.
_NAME_PART = r'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|[\w$]+)'
_INSERT_INTO = re.compile(
    rf"\bINSERT\s+(?:IGNORE\s+)?INTO\s+({_NAME_PART}(?:\s*\.\s*{_NAME_PART})?)",
    re.IGNORECASE,
)


def _name_parts(text: str, *, case_insensitive: bool) -> list[str]:
    """`schema.table` or `table` as written in SQL, unquoted. A bare name is folded to lower
    case where names are case-sensitive (PostgreSQL folds what is not quoted)."""
    parts = []
    for part in re.findall(_NAME_PART, text):
        if part[0] in '`"':
            parts.append(part[1:-1].replace(part[0] * 2, part[0]))
        else:
            parts.append(part if case_insensitive else part.lower())
    return parts


def with_trigger_writes(
    catalog: Catalog, triggers: Sequence[tuple[TableName, str]], *, case_insensitive: bool = True
) -> Catalog:
    """Record which tables each table's INSERT triggers write into, from the trigger bodies.

    `triggers` holds (table, body) pairs; targets are matched against the catalog's tables
    (unqualified names in the trigger's own schema).
    """

    def norm(text: str) -> str:
        return text.lower() if case_insensitive else text

    known = {(norm(t.schema or ""), norm(t.name)): t for t in catalog.tables}
    writes: dict[TableName, list[TableName]] = {}
    for table, body in triggers:
        for match in _INSERT_INTO.finditer(body):
            parts = _name_parts(match.group(1), case_insensitive=case_insensitive)
            schema, name = (
                (parts[0], parts[1]) if len(parts) == 2 else (table.schema or "", parts[0])
            )
            target = known.get((norm(schema), norm(name)))
            if target is not None and target != table and target not in writes.get(table, []):
                writes.setdefault(table, []).append(target)
    if not writes:
        return catalog
    tables = {
        name: replace(t, trigger_writes=tuple(writes[name])) if name in writes else t
        for name, t in catalog.tables.items()
    }
    return replace(catalog, tables=tables)


_MODULES = {
    "postgres": ("fastseed.dialects.postgres", "PostgresAdapter"),
    "mysql": ("fastseed.dialects.mysql", "MySQLAdapter"),
    "sqlite": ("fastseed.dialects.sqlite", "SQLiteAdapter"),
}


def adapter_class(dialect: str) -> type[Adapter]:
    try:
        module_name, class_name = _MODULES[dialect]
    except KeyError:
        raise UsageError(f"unknown dialect {dialect!r}") from None
    cls: type[Adapter] = getattr(importlib.import_module(module_name), class_name)
    return cls


@asynccontextmanager
async def opened(
    url: DatabaseURL, *, pool_size: int = 4, timeout: float = 10.0
) -> AsyncIterator[Adapter]:
    """Open the adapter for `url`'s dialect (imported on first use) and close it afterwards."""
    adapter = await adapter_class(url.dialect).open(url, pool_size=pool_size, timeout=timeout)
    try:
        yield adapter
    finally:
        await adapter.close()
