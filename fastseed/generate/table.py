"""Row generation for whole tables: keys, foreign keys, NULL shares, and plain columns.

`RunGenerators` holds one `TableGen` per table; a child asks its parent's generator for the
referenced key values at chosen parent indexes, so parents are never read back.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from fastseed.generate import hashing as h
from fastseed.generate import text
from fastseed.generate.anomalies import TableAnomalies
from fastseed.generate.batch import Batch, ColumnData
from fastseed.generate.classify import classify
from fastseed.generate.keys import KeyStrategy, key_strategy
from fastseed.generate.pools import Pools
from fastseed.generate.rules import TableRules, table_rules
from fastseed.generate.text import Utf8Array
from fastseed.generate.values import Builder, ColumnGen, Values, seconds_of
from fastseed.schema import Catalog, Column, ForeignKey, Kind, Table, TableName

if TYPE_CHECKING:
    from fastseed.plan import Plan, TablePlan

NULLABLE_FK_NULL_SHARE = 0.1
_NULL_SHARES = {"deleted": 0.9, "shipped": 0.1, "delivered": 0.2, "address_line2": 0.7, "end": 0.3}
DEFAULT_NULL_SHARE = 0.05
_NOT_YET = {  # statuses of an order that has not shipped
    "pending", "new", "cancelled", "canceled", "processing", "draft", "open", "created",
    "unpaid", "placed", "awaiting_payment", "on hold", "on_hold", "paid", "confirmed",
    "authorized", "failed",
}  # fmt: skip


def unique_capacity(
    catalog: Catalog,
    table: Table,
    fks: tuple[ForeignKey, ...],
    parent_rows: Callable[[ForeignKey], int],
    index_base: int = 0,
) -> tuple[int | None, str]:
    """The most rows the table's unique keys allow, and why (None: no practical limit).

    A unique column's values come from the row index, and this run's indexes start at
    `index_base` (past the rows already there), so the first `index_base` values are spent."""
    strategy = key_strategy(table, fks)
    rules = table_rules(catalog, table)
    best: tuple[int | None, str] = (None, "")
    pools = Pools(0)
    for name in strategy.unique_columns:
        col = table.column(name)
        gen = Builder(pools, 0, table, col, rules.columns.get(name), unique=True).build()
        if gen.capacity is None:
            continue
        left = max(0, gen.capacity - index_base)
        if best[0] is None or left < best[0]:
            why = f"{name} {col.type.sql} has {gen.capacity} distinct values"
            if index_base:
                why += f", {gen.capacity - left} taken by the rows already there"
            best = (left, why)
    for group in strategy.fk_groups:
        space = 1
        for fk in group:
            space *= parent_rows(fk)
        if best[0] is None or space < best[0]:
            names = " x ".join(str(fk.ref_table) for fk in group)
            best = (space, f"unique over FKs to {names}: {space} distinct parent choices")
    return best


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

    def anomaly_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for name, gen in sorted(self._tables.items()):
            for (column, kind), n in sorted(gen.anomaly_counts.items()):
                out[f"{name}.{column}: {kind}"] = n
        return out

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
        self.strategy: KeyStrategy = key_strategy(table, self.fks)
        self.rules: TableRules = table_rules(run.catalog, table)
        self.fk_of: dict[str, ForeignKey] = {}
        for fk in self.fks:
            for col in fk.columns:
                self.fk_of.setdefault(col, fk)
        self.key_columns = {c for k in table.all_uniques for c in k.columns}
        self.write_columns: tuple[Column, ...] = tuple(
            c for c in table.columns if not c.generated and not self._left_to_server(c)
        )
        self.nulled: set[str] = set(run.deferred_null.get(table.name, set()))
        self.fanout = run.plan.fanouts.get(table.name)
        self.unhandled_checks = tuple(
            c for c in table.checks if c.name in set(self.rules.unhandled)
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
        )
        anomaly = run.plan.scenario.anomalies
        self.anomalies = (
            TableAnomalies(
                anomaly,
                run.seed,
                table,
                self.rules,
                self.key_columns | set(self.fk_of) | self.retry_columns | self._overridden(),
            )
            if anomaly.enabled
            else None
        )
        self.anomaly_counts: dict[tuple[str, str], int] = {}
        self._gens: dict[tuple[str, int], ColumnGen] = {}
        self._lock = threading.RLock()
        self._memo = threading.local()

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
        gen = self._column_gen(column, 0)
        if gen.raw is None:
            return None
        values = gen.raw(local + self.plan.index_base)
        null = self._null_mask(self.table.column(column), local)
        return ColumnData(values, null if null is not None and null.any() else None, gen.raw_scale)

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
        fk = self.fk_of.get(column)
        if fk is not None:
            return self._fk_values(fk, column, local)
        gen = self._column_gen(column, attempt)
        gidx = local + self.plan.index_base
        vals = gen(gidx)
        if self.anomalies is not None:
            vals = self.anomalies.apply(
                self._builder(column), column, gidx, vals, lambda other: gen(other)
            )
        null = self._null_mask(self.table.column(column), local, attempt)
        if null is not None and null.any():
            vals = [None if n else v for v, n in zip(vals, null.tolist(), strict=True)]
        return vals

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
                elif self.strategy.group_of(fk):
                    mode = "joint permutation"
                else:
                    mode = "earlier row" if self._is_self(fk) else "skewed pick"
                out[col.name] = f"FK {fk.name} -> {fk.ref_table} ({mode})"
            else:
                out[col.name] = self._column_gen(col.name, 0).label
        return out

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
            unique=name in self.strategy.unique_columns,
            sibling=self._sibling,
            sibling_text=self._sibling_text,
            sibling_seconds=self._sibling_seconds,
            sampled=self.run.plan.samples.get(self.table.name, {}).get(name),
            anchor=self._creation_anchor(col),
            override=self.spec.column(name) if self.spec else None,
        )

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
        if column in self.fk_of or self.anomalies is not None:
            return None
        gen = self._column_gen(column, 0)
        if gen.seconds is None:
            return None
        secs = gen.seconds(local + self.plan.index_base)
        null = self._null_mask(self.table.column(column), local)
        return np.where(null, np.nan, secs) if null is not None else secs

    def _sibling_seconds(self, name: str, global_idx: h.I64) -> h.F64 | None:
        return self.seconds(name, global_idx - self.plan.index_base)

    def _creation_anchor(self, col: Column) -> Callable[[h.I64], h.F64] | None:
        """For a child's creation time: the parent row's creation time, via the first FK."""
        if col.type.kind not in {Kind.TIMESTAMP, Kind.DATE}:
            return None
        if classify(self.table, col) not in {"created", "ordered", "start"}:
            return None
        for fk in self.fks:
            if self._is_self(fk) or (self.table.name, fk.name) in self.run.plan.existing_keys:
                continue
            parent = self._parent(fk)
            created = [
                c.name
                for c in parent.table.columns
                if c.type.kind in {Kind.TIMESTAMP, Kind.DATE}
                and classify(parent.table, c) == "created"
                and c.name not in parent.fk_of
            ]
            if created:
                return self._anchor_on(fk, parent, created[0])
        return None

    def _anchor_on(self, fk: ForeignKey, parent: TableGen, ref: str) -> Callable[[h.I64], h.F64]:
        def anchor(global_idx: h.I64) -> h.F64:
            pidx, null = self._parent_index(fk, global_idx - self.plan.index_base)
            secs = parent.seconds(ref, pidx)
            if secs is None:
                secs = seconds_of(parent.values(ref, pidx))
            return np.where(null, np.nan, secs)

        return anchor

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
        """Rows where the column is NULL: the scenario's exact share or rule, else a default."""
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
        if not col.nullable or col.name in self.key_columns or col.name in self.rules.columns:
            return None
        if spec is not None:
            return None  # an override without a NULL rule: always a value
        tag = classify(self.table, col)
        share = _NULL_SHARES.get(tag or "", DEFAULT_NULL_SHARE)
        key = h.stream_key(self.run.seed, self.table.name.name, col.name, "null", attempt or "")
        status = self._status_column() if tag in {"shipped", "delivered"} else None
        if status is not None:
            # NULL exactly when the order has not shipped yet: the row tells one story
            data = self.raw(status, local)
            if data is not None and isinstance(data.values, Utf8Array):
                mask = text.lower_in(data.values, _NOT_YET)
                if mask is not None:
                    return mask if data.null is None else mask & ~data.null
            got = self.values(status, local)
            return np.array([str(v).lower() in _NOT_YET for v in got], dtype=bool)
        return h.uniform(key, local + self.plan.index_base) < share

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
        """Parent positions for each row, and a mask of rows whose FK is NULL."""
        key = h.stream_key(self.run.seed, self.table.name.name, fk.name)
        gidx = local + self.plan.index_base
        nullable = all(self.table.column(c).nullable for c in fk.columns)
        null = np.zeros(len(local), dtype=bool)
        if self._is_self(fk):
            # an earlier row of this run, so the parent exists whenever the row is checked
            idx = np.floor(h.uniform(key, gidx) * local).astype(np.int64)
            if nullable:
                null = (local == 0) | (h.uniform(key + 1, gidx) < NULLABLE_FK_NULL_SHARE)
            return idx, null
        parent_rows = self.run.plan.parent_rows(self.table.name, fk)
        if parent_rows == 0:
            return np.zeros(len(local), dtype=np.int64), np.ones(len(local), dtype=bool)
        group = self.strategy.group_of(fk)
        if self.fanout is not None:
            parent, rank = self.fanout.parent_of(local)
            if self.fanout.fk == fk:
                return parent, null
            if group is not None and self.fanout.fk in group:
                # siblings of one parent take distinct partners: a permutation per parent
                return _per_parent_permutation(key, parent, rank, parent_rows), null
        if group is not None:
            sizes = [self.run.plan.parent_rows(self.table.name, g) for g in group]
            space = math.prod(sizes)
            gkey = h.stream_key(
                self.run.seed, self.table.name.name, "group", *(g.name for g in group)
            )
            combo = h.permute(gkey, local % max(space, 1), space)
            pos = group.index(fk)
            for size in sizes[pos + 1 :]:
                combo = combo // size
            return combo % sizes[pos], null
        idx = h.skewed(key, gidx, parent_rows, power=1.6)
        if nullable and not any(c in self.key_columns for c in fk.columns):
            null = h.uniform(key + 1, gidx) < NULLABLE_FK_NULL_SHARE
        return idx, null

    def _fk_values(self, fk: ForeignKey, column: str, local: h.I64) -> Values:
        idx, null = self._parent_index(fk, local)
        pos = fk.columns.index(column)
        existing = self.run.plan.existing_keys.get((self.table.name, fk.name))
        if existing is not None:
            vals = [existing[i][pos] for i in idx.tolist()]
        else:
            source = self if self._is_self(fk) else self._parent(fk)
            vals = source.values(fk.ref_columns[pos], idx)
        if null.any():
            vals = [None if n else v for v, n in zip(vals, null.tolist(), strict=True)]
        return vals


def _per_parent_permutation(key: int, parent: h.I64, rank: h.I64, size: int) -> h.I64:
    """Position rank r of parent p maps to a distinct partner in [0, size) for each p."""
    offset = (h.mix(key, parent) % np.uint64(size)).astype(np.int64)
    return (rank + offset) % size


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
