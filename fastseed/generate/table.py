"""Row generation for whole tables: keys, foreign keys, NULL shares, and plain columns.

`RunGenerators` holds one `TableGen` per table; a child asks its parent's generator for the
referenced key values at chosen parent indexes, so parents are never read back.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from fastseed.generate import arithmetic, concepts, text, timeline
from fastseed.generate import hashing as h
from fastseed.generate.anomalies import TableAnomalies
from fastseed.generate.batch import Batch, ColumnData
from fastseed.generate.canonical import decimals, with_nulls
from fastseed.generate.classify import classify
from fastseed.generate.keys import KeyGroup, KeyStrategy, Part, fk_sources, key_strategy
from fastseed.generate.kinds.base import ColumnGen, Values
from fastseed.generate.kinds.checks import collation_key
from fastseed.generate.kinds.temporal import seconds_of
from fastseed.generate.pools import Pools
from fastseed.generate.rules import (
    ColumnRule,
    NullPatterns,
    TableRules,
    case_index,
    null_patterns,
    table_rules,
)
from fastseed.generate.text import Utf8Array
from fastseed.generate.timeline import words
from fastseed.generate.values import Builder
from fastseed.schema import Catalog, Column, ForeignKey, Kind, Table, TableName

if TYPE_CHECKING:
    from fastseed.plan import Plan, TablePlan

NULLABLE_FK_NULL_SHARE = 0.1
_PERSON = re.compile(
    r"user|author|owner|assign|creator|reporter|review|(^|_)by($|_)|sender|recipient|member|"
    r"person|people|employee|staff|account|customer|editor|actor|agent|manager|approver|"
    r"contact|client|patient|student|teacher|driver|player|guest|profile"
)
"""Names of FKs to people: a row's own, never shared down a tree."""
_CACHED_BIRTHS = 1 << 22
"""Tables up to this many rows keep their birth times for their children (32 MiB)..."""
_BIRTHS_BUDGET = 1 << 25
"""... and a run keeps at most this many in all (256 MiB); others compute them on demand."""
_BIRTH_CHUNK = 1 << 16
_ROOT_SHARE = 0.1
"""Rows that start a tree of their own in a self-reference sharing columns (a tenant's tree)."""
_NULL_SHARES = {"deleted": 0.9, "shipped": 0.1, "delivered": 0.2, "address_line2": 0.7, "end": 0.3}
DEFAULT_NULL_SHARE = 0.05


@dataclass(frozen=True)
class KeyCapacity:
    """What a table's unique keys allow this run, together."""

    rows: int | None
    """The most rows this run can add (None: no practical limit)."""
    why: str
    per_parent: int | None = None
    """With a per-parent rule: the most children one parent can take under the keys."""
    loose: tuple[str, ...] = ()
    """Names of keys no construction covers: their uniqueness is not guaranteed."""


def unique_capacity(
    catalog: Catalog,
    table: Table,
    fks: tuple[ForeignKey, ...],
    parent_rows: Callable[[ForeignKey], int],
    needed: int = 0,
    lead: ForeignKey | None = None,
    base: int = 0,
    reused: Callable[[ForeignKey], bool] = lambda _: False,
    distinct_rows: Callable[[ForeignKey, Projections], int] | None = None,
) -> KeyCapacity:
    """The most rows this run can add under the table's unique keys together, and why.

    `needed` and `lead` are what `key_strategy` takes, as the run will use them. Values
    continue past row index `base`, so a key whose parts are all drawn again from the same
    space (free columns, FKs to `reused` existing parent rows) has `base` fewer left; a key
    with an FK to parent rows new in this run starts afresh. `distinct_rows` counts an FK's
    parent rows that differ in each of the given column subsets (`distinct_parent_rows`);
    without it such an FK holds no rows (nothing can say how many would be distinct)."""
    rules = table_rules(catalog, table)
    pools = Pools(0)

    def capacity(name: str) -> int | None:
        col = table.column(name)
        return Builder(pools, 0, table, col, rules.columns.get(name), unique=True).build().capacity

    strategy = key_strategy(table, fks, capacity, needed, lead, rules.ordered_columns())
    best: tuple[int | None, str] = (None, "")
    for name in strategy.unique_columns:
        cap = capacity(name)
        if cap is not None and (best[0] is None or cap - base < best[0]):
            col = table.column(name)
            note = f", {base} taken" if base else ""
            best = (max(cap - base, 0), f"{name} {col.type.sql} has {cap} distinct values{note}")

    for key in table.all_uniques:
        if key.expressions and not key.columns:  # ((1)) or ((true)): a singleton table
            left = max(1 - base, 0)
            if best[0] is None or left < best[0]:
                best = (
                    left,
                    f"unique index {key.name} on ({', '.join(key.expressions)}) holds one row",
                )

    narrowed = projections(catalog, strategy)

    def size(part: Part) -> int:
        if isinstance(part, str):
            return capacity(part) or _UNBOUNDED
        if part in narrowed:
            return distinct_rows(part, narrowed[part]) if distinct_rows else 0
        return parent_rows(part)

    def all_null(part: Part) -> bool:
        # a nullable FK to a parent without rows is NULL in every row: NULLs never collide
        nullable = all(table.column(c).nullable for c in getattr(part, "columns", ()))
        return not isinstance(part, str) and nullable and parent_rows(part) == 0

    per_parent: int | None = None
    for group in strategy.groups:
        if any(all_null(p) for p in group.parts):
            continue
        sizes = group.sizes(size)
        space = group.capacity(sizes)
        fresh = any(not isinstance(p, str) and not reused(p) for p in group.parts)
        left = space if fresh else max(space - base, 0)
        if best[0] is None or left < best[0]:
            taken = "" if left == space else f", {space - left} taken"
            about = _describe(table, group, narrowed)
            best = (left, f"unique over {about}: {space} combinations{taken}")
        if lead is not None and group.shared[:1] == (lead,):
            per_parent = space // max(sizes[lead], 1)
    for a, b in strategy.apart:
        if parent_rows(a) < 2 and (best[0] is None or best[0] > 0):
            best = (0, f"CHECK ({a.columns[0]} <> {b.columns[0]}) needs 2 rows in {a.ref_table}")
    return KeyCapacity(*best, per_parent, tuple(k.name for k in strategy.loose))


_UNBOUNDED = 1 << 62

Projections = tuple[tuple[str, ...], ...]
"""Column subsets of one FK that must each take distinct values (`KeyStrategy.projected`)."""


def projections(catalog: Catalog, strategy: KeyStrategy) -> dict[ForeignKey, Projections]:
    """The FKs whose parent rows must also differ in part of their columns: a key holds
    those columns alone, and no unique key of the parent lies inside them (UNIQUE (user_id)
    beside FOREIGN KEY (user_id, role) REFERENCES user_roles (user_id, role))."""
    out: dict[ForeignKey, Projections] = {}
    for fk, cols in strategy.projected:
        parent = catalog.tables.get(fk.ref_table)
        refs = {fk.ref_columns[fk.columns.index(c)] for c in cols}
        keys = parent.all_uniques if parent is not None else ()
        if not any(k.columns and set(k.columns) <= refs for k in keys):
            out[fk] = (*out.get(fk, ()), cols)
    return out


def distinct_parent_rows(
    run: RunGenerators, table: Table, fk: ForeignKey, parts: Projections
) -> h.I64:
    """Positions of the FK's parent rows that differ from every earlier one kept in each
    column subset of `parts` (text compared as collations do: case and trailing spaces
    ignored). Made once per run and FK from the parent's generated values (or the rows
    already there): a bounded pass over the parent, for a rare shape of key."""
    existing = run.plan.existing_keys.get((table.name, fk.name))
    if existing is not None:
        rows: list[tuple[Any, ...]] = [tuple(r) for r in existing]
    else:
        parent = run.catalog.tables[fk.ref_table]
        gen = run.table(parent.partition_of or parent.name)
        idx = np.arange(run.plan.parent_rows(table.name, fk), dtype=np.int64)
        rows = list(zip(*(gen.values(c, idx) for c in fk.ref_columns), strict=True))
    at = [tuple(fk.columns.index(c) for c in part) for part in parts]
    seen: list[set[tuple[Any, ...]]] = [set() for _ in parts]
    keep = []
    for i, row in enumerate(rows):
        keys = [tuple(collation_key(row[j]) for j in cols) for cols in at]
        if any(None in k for k in keys) or any(k in s for k, s in zip(keys, seen, strict=True)):
            continue
        for k, s in zip(keys, seen, strict=True):
            s.add(k)
        keep.append(i)
    return np.array(keep, dtype=np.int64)


def _describe(
    table: Table, group: KeyGroup, narrowed: Mapping[ForeignKey, Projections] | None = None
) -> str:
    """The group's parts for a message: FKs by parent, columns by name and type."""
    names = []
    for part in group.parts:
        if isinstance(part, str):
            names.append(f"{part} {table.column(part).type.sql}")
        else:
            minus = " (minus the other)" if any(b == part for _, b in group.distinct) else ""
            held = (narrowed or {}).get(part, ())
            if held:
                minus += f" (rows distinct in {' and '.join('/'.join(c) for c in held)})"
            names.append(f"{'/'.join(part.columns)} -> {part.ref_table}{minus}")
    about = {
        "ring": " (three keys overlapping pairwise: as many as the two smallest parts hold)",
        "cyclic": " (keys overlapping: as many as each key's parts tell apart, cycled)",
    }
    return " x ".join(names) + about.get(group.form, "")


class RunGenerators:
    """All table generators of one run; shared pools; thread-safe lazy building."""

    def __init__(
        self,
        plan: Plan,
        *,
        seed: int,
        locale: str = "en",
        deferred_null: Mapping[TableName, set[str]] | None = None,
    ) -> None:
        self.plan = plan
        self.catalog = plan.catalog
        self.seed = seed
        self.pools = Pools(seed, locale)
        self._tables: dict[TableName, TableGen] = {}
        self._lock = threading.RLock()
        self.deferred_null = deferred_null or {}
        self._units: dict[TableName, int] | None = None
        self._births_left = _BIRTHS_BUDGET

    def anomaly_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for name, gen in sorted(self._tables.items()):
            for (column, kind), n in sorted(gen.anomaly_counts.items()):
                out[f"{name}.{column}: {kind}"] = n
        return out

    def unit_of(self, name: TableName) -> int:
        """The position of the load unit holding the table (tables of one FK cycle share
        one); -1 for a table outside the plan."""
        if self._units is None:
            self._units = {
                t: n
                for n, unit in enumerate(u for tier in self.plan.tiers for u in tier)
                for t in unit.tables
            }
        return self._units.get(name, -1)

    def reserve_births(self, rows: int) -> bool:
        """Whether a table may keep `rows` birth times for its children: the run keeps at
        most `_BIRTHS_BUDGET` of them, so memory stays bounded whatever the schema."""
        with self._lock:
            if rows > self._births_left:
                return False
            self._births_left -= rows
            return True

    def table(self, name: TableName) -> TableGen:
        gen = self._tables.get(name)
        if gen is None:
            with self._lock:
                gen = self._tables.get(name)
                if gen is None:
                    gen = TableGen(self, self.catalog.tables[name], self.plan.tables[name])
                    self._tables[name] = gen
        return gen


class TableGen:
    """Generates any slice of one table's rows for this run."""

    def __init__(self, run: RunGenerators, table: Table, tplan: TablePlan) -> None:
        self.run = run
        self.table = table
        self.plan = tplan
        self.spec = run.plan.table_spec(table.name)
        self.fks = run.catalog.foreign_keys_of(table)
        self.rules: TableRules = table_rules(run.catalog, table)
        self.fanout = run.plan.fanouts.get(table.name)
        self._lock = threading.RLock()
        self._gens: dict[tuple[str, int], ColumnGen] = {}
        self._capacities: dict[str, int | None] = {}
        # the same inputs as the plan's capacity, so both choose the same construction
        self.strategy: KeyStrategy = key_strategy(
            table,
            self.fks,
            self._injective_capacity,
            tplan.requested + tplan.index_base,
            self.fanout.fk if self.fanout else None,
            self.rules.ordered_columns(),
        )
        self.fk_of = fk_sources(table, self.fks)
        self.narrowed = projections(run.catalog, self.strategy)
        self._distinct: dict[ForeignKey, h.I64] = {}
        # columns a self-reference shares with the rest of the row (the tenant of a tree): a
        # row takes them from the root of its tree, so that its parent always agrees
        self.tree_columns: dict[str, ForeignKey] = {}
        for fk in self.fks:
            if self._is_self(fk):
                for c in fk.columns:
                    if self.fk_of.get(c) is not fk:
                        self.tree_columns.setdefault(c, fk)
        self.key_columns = {c for k in table.all_uniques for c in k.columns}
        self.write_columns: tuple[Column, ...] = tuple(
            c for c in table.columns if not c.generated and not self._left_to_server(c)
        )
        self.nulled: set[str] = set(run.deferred_null.get(table.name, set()))
        # rows whose FK is written NULL first must pass the NULL checks then too
        self.null_groups: dict[str, NullPatterns] = {
            col: group
            for group in null_patterns(table, self.rules, self.nulled)
            for col in group.columns
        }
        self._share_groups()
        self.timeline = timeline.plan(
            table,
            {c: r.after for c, r in self.rules.columns.items() if r.after},
            self.key_columns | set(self.fk_of),
        )
        self.unhandled_checks = tuple(
            c
            for c in table.checks
            if c.name in set(self.rules.unhandled) and c.name not in self.strategy.kept_checks
        )
        # columns a CHECK fastseed cannot parse may name: they are re-drawn when the server
        # says a row violates it; keys and FKs never are
        self.retry_columns = (
            {
                col.name
                for col in self.write_columns
                for check in self.unhandled_checks
                if _mentions(check.expression, col.name)
            }
            - self.key_columns
            - set(self.fk_of)
            - set(self.tree_columns)
        )
        anomaly = run.plan.scenario.anomalies
        self.anomalies = (
            TableAnomalies(
                anomaly,
                run.seed,
                table,
                self.rules,
                self.key_columns
                | set(self.fk_of)
                | set(self.tree_columns)
                | self.retry_columns
                | self._overridden(),
            )
            if anomaly.enabled
            else None
        )
        self.anomaly_counts: dict[tuple[str, str], int] = {}
        self._memo = threading.local()
        self._births: dict[str, h.F64] = {}
        self._building: dict[str, tuple[h.F64, int]] = {}
        self._births_lock = threading.RLock()
        # money computed from the row's other columns (total = subtotal + tax ...); not with
        # anomalies, which change values one by one
        fixed = (
            self.key_columns
            | set(self.fk_of)
            | set(self.tree_columns)
            | self.retry_columns
            | self._overridden()
            | {c for c, r in self.rules.columns.items() if not _bounds_only(r)}
        )
        self.money = {} if self.anomalies is not None else arithmetic.plan(table, fixed)
        # money columns -> the row's currency column: amounts in its minor units
        self.currency_of = (
            {} if self.anomalies is not None else arithmetic.currency_of(table, fixed, self.money)
        )
        # flags that say an event happened: true exactly where its time is set
        self.flag_of = (
            {} if self.anomalies is not None else timeline.flag_events(table, self.timeline, fixed)
        )
        self._bounds: dict[str, tuple[int, int]] = {}

    def _share_groups(self) -> None:
        """A row in a tree of a one-column self-reference takes its group from the root of
        its tree: a subtask is in its parent task's project, a reply on its parent comment's
        task. Groups are the FKs to other tables that name no person (an assignee or author
        is the row's own) and that no key, CHECK or per-parent rule holds."""
        selfs = [
            fk
            for fk in self.fks
            if self._is_self(fk)
            and len(fk.columns) == 1
            and not any(set(k.columns) <= set(fk.columns) for k in self.table.all_uniques)
            and not any(f is fk for f in self.tree_columns.values())
        ]
        if len(selfs) != 1:
            return
        lead = self.fanout.fk if self.fanout is not None else None
        # a NULL check ties the column to others of its own row (exactly one of two FKs set)
        held = (
            self.key_columns
            | set(self.rules.columns)
            | set(self.tree_columns)
            | set(self.null_groups)
        )
        for fk in self.fks:
            if self._is_self(fk) or fk == lead or any(c in held for c in fk.columns):
                continue
            if any(self.fk_of.get(c) is not fk for c in fk.columns):
                continue  # a column shared with another FK
            named = " ".join(words(n) for n in (*fk.columns, fk.ref_table.name))
            if not _PERSON.search(named):
                for c in fk.columns:
                    self.tree_columns[c] = selfs[0]

    def _injective_capacity(self, name: str) -> int | None:
        """Distinct values of the column when generated injectively (for key choices)."""
        if name not in self._capacities:
            col = self.table.column(name)
            rule = self.rules.columns.get(name)
            gen = Builder(self.run.pools, 0, self.table, col, rule, unique=True).build()
            self._capacities[name] = gen.capacity
        return self._capacities[name]

    def _left_to_server(self, col: Column) -> bool:
        """Columns fastseed cannot produce but the server fills (a default) are not written."""
        return col.type.kind == Kind.OTHER and (col.default is not None or col.nullable)

    def _overridden(self) -> set[str]:
        return {name for name, _ in self.spec.columns} if self.spec else set()

    # -- public ----------------------------------------------------------------------------------

    def rows(self, start: int, stop: int) -> list[tuple[Any, ...]]:
        """Rows start..stop-1 of this run, values in `write_columns` order."""
        return self.rows_at(np.arange(start, stop, dtype=np.int64))

    def batch(self, start: int, stop: int) -> Batch:
        """Rows start..stop-1 column by column, as numpy arrays where the generator can."""
        local = np.arange(start, stop, dtype=np.int64)
        if self.anomalies is not None or self.nulled:
            rows = self.rows_at(local)
            cols = [list(c) for c in zip(*rows, strict=True)] if rows else []
            return Batch(self.write_columns, [ColumnData(c) for c in cols], len(local))
        data = []
        self._memo.local, self._memo.cache = local, {}
        try:
            for col in self.write_columns:
                raw = self.raw(col.name, local)
                data.append(raw if raw is not None else ColumnData(self.values(col.name, local)))
        finally:
            self._memo.local, self._memo.cache = None, {}
        return Batch(self.write_columns, data, len(local))

    def raw(self, column: str, local: h.I64) -> ColumnData | None:
        """The column as a numpy array with a NULL mask, or None when only lists will do."""
        if self.anomalies is not None:
            return None
        # a batch asks again for a column another one depends on (the status behind
        # shipped_at's NULLs): made once per batch
        data: ColumnData | None = self._memoized(
            ("raw", column), local, lambda: self._raw(column, local)
        )
        return data

    def _raw(self, column: str, local: h.I64) -> ColumnData | None:
        tree = self.tree_columns.get(column)
        if tree is not None:
            local = self._roots(tree, local)
        fk = self.fk_of.get(column)
        if fk is not None:
            if (self.table.name, fk.name) in self.run.plan.existing_keys:
                return None
            idx, null = self._parent_index(fk, local)
            source = self if self._is_self(fk) else self._parent(fk)
            ref = source.raw(fk.ref_columns[fk.columns.index(column)], idx)
            if ref is None:
                return None
            both = null if ref.null is None else (null | ref.null)
            return ColumnData(ref.values, both if both.any() else None, ref.scale)
        if column in self.money:
            return self._in_currency(column, local, self._money(column, local))
        if column in self.flag_of:
            return ColumnData(self._happened(self.flag_of[column], local))
        gen = self._column_gen(column, 0)
        if gen.raw is None:
            return None
        values = gen.raw(self._column_index(column, local))
        mask = self._null_mask(self.table.column(column), local)
        data = ColumnData(values, mask if mask is not None and mask.any() else None, gen.raw_scale)
        return self._in_currency(column, local, data)

    def _in_currency(self, column: str, local: h.I64, data: ColumnData) -> ColumnData:
        """An amount rounded to the minor units of its row's currency, within its bounds."""
        currency = self.currency_of.get(column)
        if currency is None or not isinstance(data.values, np.ndarray):
            return data
        scaled = arithmetic.in_minor_units(data.values, data.scale, self.values(currency, local))
        lo, hi = self._money_bounds(column, data.scale)
        return ColumnData(np.clip(scaled, lo, hi), data.null, data.scale)

    def rows_at(self, local: h.I64, attempt: int = 0) -> list[tuple[Any, ...]]:
        """Rows at positions `local`; attempt > 0 re-draws the columns of unparsed CHECKs."""
        cols = []
        # siblings (created_at for updated_at) and anchors ask for the same column of the
        # same rows again: remember each column once per batch, per thread
        self._memo.local, self._memo.cache = local, {}
        try:
            for col in self.write_columns:
                if col.name in self.nulled:
                    cols.append([None] * len(local))
                    continue
                retry = attempt if col.name in self.retry_columns else 0
                cols.append(self.values(col.name, local, retry))
                if self.anomalies is not None and attempt == 0:
                    self._count_anomalies(col.name, local)
        finally:
            self._memo.local, self._memo.cache = None, {}
        return list(zip(*cols, strict=True))

    def _count_anomalies(self, column: str, local: h.I64) -> None:
        assert self.anomalies is not None
        counts = self.anomalies.count(column, local + self.plan.index_base)
        if counts:
            with self._lock:
                for kind, n in counts.items():
                    key = (column, kind)
                    self.anomaly_counts[key] = self.anomaly_counts.get(key, 0) + n

    def update_rows(
        self, fk: ForeignKey, key: tuple[str, ...], start: int, stop: int
    ) -> list[tuple[Any, ...]]:
        """(key values..., fk values...) for the NULL-then-UPDATE fix-up of `fk`."""
        local = np.arange(start, stop, dtype=np.int64)
        cols = [self.values(c, local) for c in key] + [self.values(c, local) for c in fk.columns]
        return list(zip(*cols, strict=True))

    def values(self, column: str, local: h.I64, attempt: int = 0) -> Values:
        """The column's values at this run's row positions `local` (0-based)."""
        if attempt:
            return self._values(column, local, attempt)
        vals: Values = self._memoized(column, local, lambda: self._values(column, local, 0))
        return vals

    def _memoized(self, key: object, local: h.I64, make: Callable[[], Any]) -> Any:
        """make(), remembered for the rows `local` of the batch this thread is making:
        siblings (created_at for updated_at), anchors and NULL rules ask for a column again."""
        memo = getattr(self._memo, "local", None)
        cacheable = memo is not None and (
            memo is local or (len(memo) == len(local) and np.array_equal(memo, local))
        )
        if cacheable and key in self._memo.cache:
            return self._memo.cache[key]
        out = make()
        if cacheable:
            self._memo.cache[key] = out
        return out

    def _values(self, column: str, local: h.I64, attempt: int) -> Values:
        tree = self.tree_columns.get(column)
        if tree is not None:
            local = self._roots(tree, local)
        fk = self.fk_of.get(column)
        if fk is not None:
            return self._fk_values(fk, column, local)
        if column in self.money or (column in self.currency_of and self.raw(column, local)):
            data = self.raw(column, local) or self._money(column, local)
            scale = data.scale
            assert isinstance(data.values, np.ndarray)
            money: Values = (
                decimals(data.values, scale)
                if self.table.column(column).type.kind != Kind.INTEGER
                else data.values.tolist()
            )
            return with_nulls(money, data.null)
        if column in self.flag_of:
            flags: Values = self._happened(self.flag_of[column], local).tolist()
            return flags
        gen = self._column_gen(column, attempt)
        gidx = self._column_index(column, local)
        vals = gen(gidx)
        if self.anomalies is not None:
            vals = self.anomalies.apply(
                self._builder(column), column, gidx, vals, lambda other: gen(other)
            )
        return with_nulls(vals, self._null_mask(self.table.column(column), local, attempt))

    def labels(self) -> dict[str, str]:
        """How each written column is generated (for `inspect --generators` and plans)."""
        out = {}
        for col in self.table.columns:
            if col.generated:
                out[col.name] = "generated by the server"
            elif self._left_to_server(col):
                out[col.name] = "left to the server (default or NULL)"
            elif col.name in self.fk_of:
                fk = self.fk_of[col.name]
                if (self.table.name, fk.name) in self.run.plan.existing_keys:
                    mode = "existing parent rows"
                elif self.fanout is not None and self.fanout.fk == fk:
                    spec = self.fanout.spec
                    mode = f"{spec.low}-{spec.high} per parent, {spec.distribution}"
                elif self._is_self(fk):
                    mode = "earlier row or itself"
                elif self.strategy.group_of(fk):
                    mode = "joint permutation"
                elif any(b == fk for _, b in self.strategy.apart):
                    mode = "skewed pick, not the other FK's row"
                else:
                    mode = "skewed pick"
                out[col.name] = f"FK {fk.name} -> {fk.ref_table} ({mode})"
            elif col.name in self.flag_of:
                out[col.name] = f"flag, true where {self.flag_of[col.name]} is set"
            elif col.name in self.money:
                out[col.name] = f"money, {arithmetic.describe(self.money[col.name])}"
            else:
                gen = self._column_gen(col.name, 0)
                joint = self.strategy.group_of(col.name) is not None
                out[col.name] = f"{gen.label}, digit of a joint key" if joint else gen.label
                if gen.raw is None:
                    # the encoders then take a Python object per row (benchmarks/PROFILE.md)
                    out[col.name] += f"; made value by value (no column-wise {col.type.kind} form)"
            if col.name in self.tree_columns:
                out[col.name] += (
                    f", the root's value down each tree of {self.tree_columns[col.name].name}"
                )
        return out

    def column_concepts(self) -> dict[str, str]:
        """What each column holds and why fastseed thinks so (for plans): the concept the
        registry found and the signal that decided it, else what decides its values (the
        server, a foreign key, the scenario, a CHECK list, a key), else 'none'."""
        overridden = self._overridden()
        out = {}
        for col in self.table.columns:
            name = col.name
            found = concepts.match(self.table, col)
            if col.generated:
                what = "computed by the server (a generated column)"
            elif self._left_to_server(col):
                what = f"left to the server (a {col.type.sql} fastseed does not make)"
            elif name in self.fk_of:
                fk = self.fk_of[name]
                what = f"foreign key -> {fk.ref_table} ({fk.name})"
            elif name in overridden:
                what = "scenario (the column's settings in the scenario file)"
            elif name in self.flag_of:
                what = f"flag (true where {self.flag_of[name]} is set: the row's timeline)"
            elif name in self.money:
                what = f"money (the row's arithmetic: {arithmetic.describe(self.money[name])})"
            elif found is not None:
                what = f"{found.concept.name} ({found.why})"
            elif (rule := self.rules.columns.get(name)) is not None and rule.choices:
                what = f"enum (a CHECK lists {len(rule.choices)} values)"
            elif col.type.labels:
                what = f"enum (the type {col.type.sql} lists {len(col.type.labels)} labels)"
            elif name in self.strategy.injective_columns:
                what = "key (distinct per row: a primary or unique key)"
            else:
                what = f"none (a plain {col.type.kind.value}: no signal in the name)"
            out[name] = what + self._time_place(name)
        return out

    def _time_place(self, name: str) -> str:
        """'; the row's birth', '; timeline: after paid_at, ordered_at' for a time column of
        the row's timeline (its event is its concept), else ''."""
        if name == self.timeline.birth:
            return "; the row's birth"
        follows = self.timeline.follows.get(name)
        if follows is not None and name in self.timeline.events:
            return f"; timeline: after {', '.join(follows.bases)}"
        return ""

    # -- internals -------------------------------------------------------------------------------

    def _builder(self, name: str, attempt: int = 0) -> Builder:
        col = self.table.column(name)
        seed = self.run.seed if attempt == 0 else h.stream_key(self.run.seed, "retry", attempt)
        return Builder(
            self.run.pools,
            seed,
            self.table,
            col,
            self.rules.columns.get(name),
            unique=name in self.strategy.injective_columns,
            sibling=self._sibling,
            sibling_text=self._sibling_text,
            sibling_seconds=self._sibling_seconds,
            sampled=self.run.plan.samples.get(self.table.name, {}).get(name),
            anchor=self._creation_anchor(col),
            override=self.spec.column(name) if self.spec else None,
            follows=self.timeline.follows.get(name),
            birth=self._birth_of(col),
        )

    def _birth_of(self, col: Column) -> Callable[[h.I64], h.F64] | None:
        """The row's birth as epoch seconds, for a column that is not itself a time column
        (a card's expiry month follows it; time columns follow it through the timeline)."""
        birth = self.timeline.birth
        if birth is None or col.type.kind in timeline.TIME_KINDS:
            return None
        return lambda idx: self.time_of(birth, idx - self.plan.index_base)

    def _column_gen(self, name: str, attempt: int = 0) -> ColumnGen:
        gen = self._gens.get((name, attempt))
        if gen is None:
            with self._lock:
                gen = self._gens.get((name, attempt))
                if gen is None:
                    gen = self._builder(name, attempt).build()
                    self._gens[(name, attempt)] = gen
        return gen

    def seconds(self, column: str, local: h.I64) -> h.F64 | None:
        """A time column as epoch seconds (NaN where NULL), when it is generated as time."""
        if column in self.fk_of or self.anomalies is not None or self.strategy.group_of(column):
            return None
        gen = self._column_gen(column, 0)
        if gen.seconds is None:
            return None
        secs = gen.seconds(local + self.plan.index_base)
        null = self._null_mask(self.table.column(column), local)
        return np.where(null, np.nan, secs) if null is not None else secs

    def time_of(self, column: str, local: h.I64) -> h.F64:
        """A time column as epoch seconds (NaN where NULL), however it is generated."""
        secs = self.seconds(column, local)
        return secs if secs is not None else seconds_of(self.values(column, local))

    def birth_seconds(self, column: str, local: h.I64) -> h.F64:
        """A birth (or publication) column as epoch seconds for children: made once for all
        the run's rows when they fit `_CACHED_BIRTHS`, so that children of children gather
        instead of recomputing each ancestor's birth per FK path (a schema whose tables all
        refer to users twice would take exponential time); rows still being made, and larger
        tables, are computed on demand."""
        if self.plan.rows > _CACHED_BIRTHS or len(local) == 0:
            return self.time_of(column, local)
        with self._births_lock:
            done = self._births.get(column)
            if done is None and column in self._building:
                partial, filled = self._building[column]
                out = np.empty(len(local))
                ready = local < filled
                out[ready] = partial[local[ready]]
                if not ready.all():  # parents in the chunk being made: a few steps up
                    out[~ready] = self.time_of(column, local[~ready])
                return out
            if done is None:
                if column not in self._births and not self.run.reserve_births(self.plan.rows):
                    return self.time_of(column, local)
                done = self._make_births(column)
        return done[local]

    def _make_births(self, column: str) -> h.F64:
        rows = self.plan.rows
        out = np.full(rows, np.nan)
        self._building[column] = (out, 0)
        try:
            # in index order, in chunks that double up to _BIRTH_CHUNK: a self-reference's
            # parents are earlier rows, mostly made already (at most half in the same chunk)
            start = 0
            while start < rows:
                stop = min(start + min(max(start, 1), _BIRTH_CHUNK), rows)
                out[start:stop] = self.time_of(column, np.arange(start, stop, dtype=np.int64))
                self._building[column] = (out, stop)
                start = stop
        finally:
            del self._building[column]
        self._births[column] = out
        return out

    def _sibling_seconds(self, name: str, global_idx: h.I64) -> h.F64 | None:
        return self.seconds(name, global_idx - self.plan.index_base)

    def _creation_anchor(self, col: Column) -> Callable[[h.I64], h.F64] | None:
        """For the row's birth: the latest birth (or publication) of its parent rows, so a
        comment comes after its task, a review after its book was published, a subtask after
        its parent task. Parents in the same load unit (a cycle) are left out: their births
        could depend on this one."""
        if col.name != self.timeline.birth:
            return None
        unit = self.run.unit_of(self.table.name)
        parts: list[Callable[[h.I64], h.F64]] = []
        by_parent: dict[TableName, list[ForeignKey]] = {}
        for fk in self.fks:
            if (self.table.name, fk.name) in self.run.plan.existing_keys:
                births = self.run.plan.existing_births.get((self.table.name, fk.name))
                if births is not None:
                    parts.append(self._anchor_existing(fk, np.array(births, dtype=np.float64)))
                continue
            if self._is_self(fk):
                if any(set(k.columns) <= set(fk.columns) for k in self.table.all_uniques):
                    continue  # a chain (prev_id UNIQUE): as deep as the table is long
            elif self.run.unit_of(self._parent(fk).table.name) == unit:
                continue
            parent = self.table.name if self._is_self(fk) else self._parent(fk).table.name
            by_parent.setdefault(parent, []).append(fk)
        for name, fks in by_parent.items():
            gen = self if name == self.table.name else self.run.table(name)
            refs = (col.name,) if gen is self else gen.timeline.available
            parts.extend(self._anchor_on(fks, gen, ref) for ref in refs)
        if not parts:
            return None

        def anchor(global_idx: h.I64) -> h.F64:
            out = parts[0](global_idx)
            for part in parts[1:]:
                out = np.fmax(out, part(global_idx))
            return out

        return anchor

    def _anchor_on(
        self, fks: list[ForeignKey], source: TableGen, ref: str
    ) -> Callable[[h.I64], h.F64]:
        """The latest `ref` time of the rows of `source` that the FKs point at. Each parent
        row is asked once for all the FKs to it (added_by and updated_by), so the work stays
        linear where the births are not kept (`birth_seconds`). In a self-reference the
        parent is an earlier row, whose own birth follows its parent's: a few steps up the
        (shallow) tree; a root is its own parent and is left out."""
        own = source is self
        trees = [None if own else self.tree_columns.get(fk.columns[0]) for fk in fks]

        def anchor(global_idx: h.I64) -> h.F64:
            local = global_idx - self.plan.index_base
            picks = []
            for fk, tree in zip(fks, trees, strict=True):
                # the parent a row takes from the root of its tree, where it shares one
                at = self._roots(tree, local) if tree is not None else local
                pidx, null = self._parent_index(fk, at)
                picks.append((pidx, ~null & (pidx < local) if own else ~null))
            out = np.full(len(local), np.nan)
            every = np.concatenate([pidx[keep] for pidx, keep in picks])
            if not len(every):
                return out
            if source.plan.rows <= _CACHED_BIRTHS:
                secs = source.birth_seconds(ref, every)  # kept: a gather
            else:
                parents, back = np.unique(every, return_inverse=True)
                secs = source.birth_seconds(ref, parents)[back]
            start = 0
            for _pidx, keep in picks:
                part = np.full(len(local), np.nan)
                part[keep] = secs[start : start + int(keep.sum())]
                start += int(keep.sum())
                out = np.fmax(out, part)
            return out

        return anchor

    def _anchor_existing(self, fk: ForeignKey, births: h.F64) -> Callable[[h.I64], h.F64]:
        """The birth of the existing parent row each row points at (read with its key)."""
        tree = self.tree_columns.get(fk.columns[0])

        def anchor(global_idx: h.I64) -> h.F64:
            local = global_idx - self.plan.index_base
            if tree is not None:
                local = self._roots(tree, local)
            pidx, null = self._parent_index(fk, local)
            return np.where(null, np.nan, births[np.minimum(pidx, len(births) - 1)])

        return anchor

    def _happened(self, event: str, local: h.I64) -> np.ndarray:
        """Rows where the event's time column is set."""
        data = self.raw(event, local)
        if data is not None:
            return np.ones(len(local), dtype=bool) if data.null is None else ~data.null
        return np.array([v is not None for v in self.values(event, local)], dtype=bool)

    def _money(self, column: str, local: h.I64) -> ColumnData:
        """A column computed from others of the row (`arithmetic`), as integers scaled like
        the column's decimals, within its precision and CHECK bounds."""
        col = self.table.column(column)
        scale = _scale_of(col)
        formula = self.money[column]
        null = np.zeros(len(local), dtype=bool)
        if isinstance(formula, arithmetic.Product):
            (a, sa, na), (b, sb, nb) = (
                self._scaled(formula.a, local),
                self._scaled(formula.b, local),
            )
            out = _rescale(a * b, sa + sb, scale)
            null = na | nb
        elif isinstance(formula, arithmetic.Sum):
            out = np.zeros(len(local), dtype=np.int64)
            for sign, names in ((1, formula.plus), (-1, formula.minus)):
                for name in names:
                    v, s, n = self._scaled(name, local)
                    out += sign * np.where(n, 0, _rescale(v, s, scale))  # NULL counts as 0
        else:
            base, sb, null = self._scaled(formula.base, local)
            key = h.stream_key(self.run.seed, self.table.name.name, column, "share")
            gidx = local + self.plan.index_base
            rate = formula.low + h.uniform(key, gidx) * (formula.high - formula.low)
            rate = np.where(h.uniform(key + 1, gidx) < formula.zero, 0.0, rate)
            out = np.round(base * rate * 10.0 ** (scale - sb)).astype(np.int64)
        lo, hi = self._money_bounds(column, scale)
        out = np.clip(out, lo, hi)  # a CHECK wins over the sum, in the rare row it must
        if not col.nullable:
            # a NULL input counts as 0; a new mask: `null` may be the input's own (its
            # batch's ColumnData, memoized), whose NULLs setting it in place erased
            null = np.zeros(len(local), dtype=bool)
        return ColumnData(out, null if null.any() else None, scale)

    def _money_bounds(self, column: str, scale: int) -> tuple[int, int]:
        """The column's precision and CHECK bounds, scaled like its values."""
        bounds = self._bounds.get(column)
        if bounds is None:
            builder = self._builder(column)
            if self.table.column(column).type.kind == Kind.INTEGER:
                bounds = builder.int_range()
            else:
                low, high = builder.num_bounds((-1e18, 1e18))
                bounds = (
                    int(np.ceil(low * 10**scale - 1e-6)),
                    int(np.floor(high * 10**scale + 1e-6)),
                )
            self._bounds[column] = bounds
        return bounds

    def _scaled(self, column: str, local: h.I64) -> tuple[h.I64, int, np.ndarray]:
        """A number column as integers scaled by 10**scale (0 where NULL), the scale, and
        the NULL mask."""
        data = self.raw(column, local)
        if data is not None and isinstance(data.values, np.ndarray):
            null = data.null if data.null is not None else np.zeros(len(local), dtype=bool)
            return np.where(null, 0, data.values).astype(np.int64), data.scale, null
        scale = _scale_of(self.table.column(column))
        got = self.values(column, local)
        null = np.array([v is None for v in got], dtype=bool)
        ints = [0 if v is None else int(Decimal(v).scaleb(scale)) for v in got]
        return np.array(ints, dtype=np.int64), scale, null

    def _sibling(self, name: str, global_idx: h.I64) -> Values:
        return self.values(name, global_idx - self.plan.index_base)

    def _sibling_text(self, name: str, global_idx: h.I64) -> Utf8Array | None:
        """A sibling text column as UTF-8 (NULL as empty), when it is generated that way."""
        data = self.raw(name, global_idx - self.plan.index_base)
        if data is None or not isinstance(data.values, Utf8Array):
            return None
        if data.null is None:
            return data.values
        return text.choose_rows(data.null, text.constant("", len(global_idx)), data.values)

    def _null_mask(self, col: Column, local: h.I64, attempt: int = 0) -> np.ndarray | None:
        """Rows where the column is NULL: a NULL check's pattern, the scenario's exact share or
        rule, else a default."""
        tied = self._tied_nulls(col.name, local)
        if tied is not None:
            return tied  # the check decides (exactly one of plan_id / subscription_id set)
        spec = self.spec.column(col.name) if self.spec else None
        if spec is not None and (spec.null_share is not None or spec.null_when):
            mask = np.zeros(len(local), dtype=bool)
            if spec.null_share:
                # exactly round(share * rows) rows: a permutation of the run's row positions
                total = max(self.plan.rows, 1)
                key = h.stream_key(self.run.seed, self.table.name.name, col.name, "null-share")
                mask |= h.permute(key, local % total, total) < round(spec.null_share * total)
            for other, values in spec.null_when:
                got = self.values(other, local)
                wanted = set(values)
                mask |= np.array([v in wanted for v in got], dtype=bool)
            return mask
        if not col.nullable or col.name in self.key_columns or spec is not None:
            return None  # an override without a NULL rule: always a value
        key = h.stream_key(self.run.seed, self.table.name.name, col.name, "null", attempt or "")
        found = concepts.match(self.table, col) if col.type.kind == Kind.TEXT else None
        if found is not None and found.concept.group in {"card", "file", "bank", "address"}:
            # the parts of one card, file or address are missing together (nested by their
            # NULL shares: a row without a country has no postal code either)
            group = (found.concept.group, found.prefix, attempt or "")
            key = h.stream_key(self.run.seed, self.table.name.name, "null-group", *group)
        rule = self.rules.columns.get(col.name)
        if (
            col.name in self.timeline.events
            and col.name != self.timeline.birth
            and (rule is None or (not rule.not_null and rule.leaves is None))
        ):
            # NULL passes the CHECKs that order events (shipped_at >= paid_at)
            event = self._event_nulls(col.name, key, local)
            if event is not None:
                return event
        if rule is not None:
            return None
        share = _NULL_SHARES.get(classify(self.table, col) or "", DEFAULT_NULL_SHARE)
        return h.uniform(key, local + self.plan.index_base) < share

    def _event_nulls(self, column: str, key: int, local: h.I64) -> np.ndarray | None:
        """Where an event of the row's lifecycle has not happened: as the row's status says
        (pending: not shipped; delivered: delivered), else from one progress draw per row,
        so that a delivered row was shipped and paid too."""
        gidx = local + self.plan.index_base
        progress = h.uniform(h.stream_key(self.run.seed, self.table.name.name, "progress"), gidx)
        null = self.timeline.progress_null(column, progress)
        if null is None:
            share = self.timeline.null_share(column)
            if share is None:
                return None
            null = h.uniform(key, gidx) < share
        event = self.timeline.events.get(column)
        status = self._status_column() if event in timeline.GOVERNED else None
        if status is None:
            return null
        said_null, said_done = timeline.status_nulls(event, self._status_groups(status, local))
        out: np.ndarray = said_null | (null & ~said_done)
        return out

    def _status_groups(self, status: str, local: h.I64) -> list[np.ndarray]:
        """The rows whose status is a word of each of `timeline.STATUS_GROUPS` (once per
        batch: every event column of the row asks)."""

        def make() -> list[np.ndarray]:
            data = self.raw(status, local)
            if data is not None and isinstance(data.values, Utf8Array):
                masks = text.lower_groups(data.values, [w for w, _ in timeline.STATUS_GROUPS])
                if masks is not None:
                    keep = ~data.null if data.null is not None else None
                    return [m if keep is None else m & keep for m in masks]
            got = self.values(status, local)
            low = [None if v is None else str(v).strip().lower() for v in got]
            return [np.array([v in w for v in low], dtype=bool) for w, _ in timeline.STATUS_GROUPS]

        groups: list[np.ndarray] = self._memoized(("status-groups", status), local, make)
        return groups

    def _tied_nulls(self, column: str, local: h.I64) -> np.ndarray | None:
        """Where a NULL check over several columns puts NULL in this one: one pattern per row
        and group, drawn from those the checks allow, so the columns agree."""
        group = self.null_groups.get(column)
        if group is None:
            return self._case_nulls(column, local)
        key = h.stream_key(self.run.seed, self.table.name.name, "null-pattern", *group.columns)
        pick = h.choose(key, local + self.plan.index_base, len(group.allowed))
        mask: np.ndarray = group.allowed[pick, group.columns.index(column)]
        return mask

    def _case_nulls(self, column: str, local: h.I64) -> np.ndarray | None:
        """Where the row's case of a CHECK of cases wants this column NULL (`CaseSplit`):
        no NULL elsewhere, so a case's `IS NOT NULL` holds too."""
        rule = self.rules.columns.get(column)
        split = rule.cases if rule is not None else None
        if split is None:
            return None
        null_cases = [k for k, null in enumerate(split.nulls) if null]
        which = case_index(self.table, split, local + self.plan.index_base)
        mask: np.ndarray = np.isin(which, null_cases)
        return mask

    def _status_column(self) -> str | None:
        for col in self.write_columns:
            textual = col.type.kind in {Kind.TEXT, Kind.ENUM} and col.name not in self.fk_of
            if textual and classify(self.table, col) == "status":
                return col.name
        return None

    def _is_self(self, fk: ForeignKey) -> bool:
        parent = self.run.catalog.tables.get(fk.ref_table)
        return parent is not None and (parent.partition_of or parent.name) == self.table.name

    def _parent(self, fk: ForeignKey) -> TableGen:
        parent = self.run.catalog.tables[fk.ref_table]
        return self.run.table(parent.partition_of or parent.name)

    def _parent_index(self, fk: ForeignKey, local: h.I64) -> tuple[h.I64, np.ndarray]:
        """Parent positions for each row, and a mask of rows whose FK is NULL (once per batch:
        the FK's values, the row's creation anchor and NULL rules ask)."""
        picked: tuple[h.I64, np.ndarray] = self._memoized(
            ("parent", fk.name), local, lambda: self._pick_parents(fk, local)
        )
        return picked

    def _pick_parents(self, fk: ForeignKey, local: h.I64) -> tuple[h.I64, np.ndarray]:
        idx, null = self._parent_pick(fk, local)
        tied = next((m for c in fk.columns if (m := self._tied_nulls(c, local)) is not None), None)
        if tied is not None:
            # the first row has no earlier row to point at
            null = tied | (local == 0) if self._is_self(fk) else tied
        rule = self.rules.columns.get(fk.columns[0])
        for other in rule.differs if rule is not None else ():
            if not self.strategy.keeps_apart(fk, self.fk_of[other]):
                idx = self._apart(fk, idx, null, self.fk_of[other], local)
        return idx, null

    def _apart(
        self, fk: ForeignKey, idx: h.I64, null: np.ndarray, other: ForeignKey, local: h.I64
    ) -> h.I64:
        """CHECK (a <> b) on two FKs to the same parent key: where this row picked the same
        parent for both, this FK takes the next parent row."""
        size = self.run.plan.parent_rows(self.table.name, fk)
        if size < 2:
            return idx
        theirs, their_null = self._parent_index(other, local)
        meet = (idx == theirs) & ~null & ~their_null
        moved: h.I64 = np.where(meet, (idx + 1) % size, idx)
        return moved

    def _parent_pick(self, fk: ForeignKey, local: h.I64) -> tuple[h.I64, np.ndarray]:
        key = h.stream_key(self.run.seed, self.table.name.name, fk.name)
        gidx = local + self.plan.index_base
        nullable = all(self.table.column(c).nullable for c in fk.columns)
        null = np.zeros(len(local), dtype=bool)
        if self._is_self(fk):
            return self._self_index(fk, key, local, nullable)
        parent_rows = self.run.plan.parent_rows(self.table.name, fk)
        if parent_rows == 0:
            return np.zeros(len(local), dtype=np.int64), np.ones(len(local), dtype=bool)
        group = self.strategy.group_of(fk)
        if group is not None:
            digit = self._group_digits(group, local)[fk]
            distinct = self._distinct_parents(fk)
            return (digit if distinct is None else distinct[digit]), null
        if self.fanout is not None and self.fanout.fk == fk:
            return self.fanout.parent_of(local)[0], null
        for a, b in self.strategy.apart:
            if b == fk and parent_rows > 1:
                # CHECK (a <> b): one of the parent's other rows
                other, _ = self._parent_index(a, local)
                step = 1 + h.skewed(key, gidx, parent_rows - 1, power=1.6)
                return (other + step) % parent_rows, null
        idx = h.skewed(key, gidx, parent_rows, power=1.6)
        if nullable and not any(c in self.key_columns for c in fk.columns):
            null = h.uniform(key + 1, gidx) < NULLABLE_FK_NULL_SHARE
        return idx, null

    def _self_index(
        self, fk: ForeignKey, key: int, local: h.I64, nullable: bool
    ) -> tuple[h.I64, np.ndarray]:
        """Parent positions for a self-reference: an earlier row of this run or the row itself,
        so the parent exists whenever the server checks the row (row by row on InnoDB). The
        first row is a root: NULL when the FK allows it, else its own parent."""
        gidx = local + self.plan.index_base
        if any(set(k.columns) <= set(fk.columns) for k in self.table.all_uniques):
            # one child per parent (prev_id UNIQUE): a chain when NULL may start it, else
            # every row is its own parent, the only one-to-one choice among earlier rows
            if nullable:
                return np.maximum(local - 1, 0), local == 0
            return local.copy(), np.zeros(len(local), dtype=bool)
        if any(f is fk for f in self.tree_columns.values()):
            idx = self._tree_parent(fk, local)
            return idx, (idx == local) if nullable else np.zeros(len(local), dtype=bool)
        null = np.zeros(len(local), dtype=bool)
        if nullable:
            null = (local == 0) | (h.uniform(key + 1, gidx) < NULLABLE_FK_NULL_SHARE)
        return np.floor(h.uniform(key, gidx) * local).astype(np.int64), null

    def _tree_parent(self, fk: ForeignKey, local: h.I64) -> h.I64:
        """Parents in a forest: a share of rows (and the first) are roots, their own parent
        (NULL where the FK allows it); the others point at an earlier row."""
        key = h.stream_key(self.run.seed, self.table.name.name, fk.name, "tree")
        gidx = local + self.plan.index_base
        root = (local == 0) | (h.uniform(key, gidx) < _ROOT_SHARE)
        earlier = np.floor(h.uniform(key + 1, gidx) * local).astype(np.int64)
        return np.where(root, local, earlier)

    def _roots(self, fk: ForeignKey, local: h.I64) -> h.I64:
        """The root of each row's tree: parents are followed until a row is its own, each
        step to a strictly earlier row (a handful of vectorised steps: trees are shallow),
        only for the rows not there yet; once per batch (each shared column asks)."""

        def find() -> h.I64:
            at = local.copy()
            todo = np.arange(len(at))
            while len(todo):
                up = self._tree_parent(fk, at[todo])
                moved = up != at[todo]
                at[todo] = up
                todo = todo[moved]
            return at

        roots: h.I64 = self._memoized(("roots", fk.name), local, find)
        return roots

    def _column_index(self, column: str, local: h.I64) -> h.I64:
        """The index a free column's generator gets: its digit when it is part of a key
        group, else the row's global index."""
        group = self.strategy.group_of(column)
        if group is None:
            return local + self.plan.index_base
        return self._group_digits(group, local)[column]

    def _group_digits(self, group: KeyGroup, local: h.I64) -> dict[Part, h.I64]:
        """Every part's position for the rows `local` (once per batch)."""
        digits: dict[Part, h.I64] = self._memoized(
            ("group", id(group)), local, lambda: self._make_digits(group, local)
        )
        return digits

    def _make_digits(self, group: KeyGroup, local: h.I64) -> dict[Part, h.I64]:
        sizes = group.sizes(self._part_size)
        rank = max(group.layout(sizes)[1], 1)
        space = max(group.capacity(sizes), 1)
        names = (p if isinstance(p, str) else p.name for p in group.parts)
        gkey = h.stream_key(self.run.seed, self.table.name.name, "group", *names)
        lead = self.fanout.fk if self.fanout is not None else None
        if lead is not None and group.shared[:1] == (lead,):
            # per-parent rows: the parent is the leading digit, each child a distinct rank
            parent, sibling = self.fanout.parent_of(local)  # type: ignore[union-attr]
            low = max(space // max(sizes[lead], 1), 1)
            off = (h.mix(gkey, parent) % np.uint64(low)).astype(np.int64)
            code = parent * low + (sibling + off) % low
        else:
            # the global index: an append continues the permutation past the rows before
            code = h.permute(gkey, (local + self.plan.index_base) % space, space)
        return group.digits(gkey, sizes, code // rank, code % rank, self._part_size)

    def _part_size(self, part: Part) -> int:
        if isinstance(part, str):
            cap = self._injective_capacity(part)
            return cap if cap is not None else 1 << 62
        distinct = self._distinct_parents(part)
        if distinct is not None:
            return len(distinct)
        return self.run.plan.parent_rows(self.table.name, part)

    def _distinct_parents(self, fk: ForeignKey) -> h.I64 | None:
        """For an FK a key holds only part of: the parent rows its digit ranges over."""
        if fk not in self.narrowed:
            return None
        with self._lock:
            if fk not in self._distinct:
                self._distinct[fk] = distinct_parent_rows(
                    self.run, self.table, fk, self.narrowed[fk]
                )
        return self._distinct[fk]

    def _fk_values(self, fk: ForeignKey, column: str, local: h.I64) -> Values:
        idx, null = self._parent_index(fk, local)
        pos = fk.columns.index(column)
        existing = self.run.plan.existing_keys.get((self.table.name, fk.name))
        if existing is not None:
            vals = [existing[i][pos] for i in idx.tolist()]
        else:
            source = self if self._is_self(fk) else self._parent(fk)
            vals = source.values(fk.ref_columns[pos], idx)
        return with_nulls(vals, null)


def _bounds_only(rule: ColumnRule) -> bool:
    """Whether a column's CHECK rule only bounds its value (total >= 0): a computed value
    clipped to the bounds still holds it."""
    return (
        replace(rule, low=None, high=None, low_inclusive=True, high_inclusive=True, not_null=False)
        == ColumnRule()
    )


def _scale_of(col: Column) -> int:
    """Decimal digits of a number column as generated (integers 0; numeric without a scale 2)."""
    if col.type.kind == Kind.INTEGER:
        return 0
    return col.type.scale if col.type.scale is not None else 2


def _rescale(values: h.I64, scale: int, to: int) -> h.I64:
    """Integers scaled by 10**scale as integers scaled by 10**to (rounded half away)."""
    if to >= scale:
        out: h.I64 = values * 10 ** (to - scale)
        return out
    q = 10 ** (scale - to)
    rounded: h.I64 = (np.sign(values) * ((np.abs(values) + q // 2) // q)).astype(np.int64)
    return rounded


def _reaches(base: Mapping[str, str], start: str, target: str) -> bool:
    """Whether following `base` (column -> the column it follows) from start meets target."""
    seen: set[str] = set()
    node: str | None = start
    while node is not None and node not in seen:
        if node == target:
            return True
        seen.add(node)
        node = base.get(node)
    return False


def _mentions(expression: str, column: str) -> bool:
    return re.search(rf"(?<![\w$]){re.escape(column)}(?![\w$])", expression) is not None


def deferred_null_columns(plan: Plan) -> dict[TableName, set[str]]:
    """Columns written NULL first because their FK is fixed up by an UPDATE."""
    from fastseed.plan import NULL_THEN_UPDATE

    out: dict[TableName, set[str]] = {}
    for tier in plan.tiers:
        for unit in tier:
            for d in unit.deferred:
                if d.method == NULL_THEN_UPDATE:
                    out.setdefault(d.table, set()).update(d.fk.columns)
    return out
