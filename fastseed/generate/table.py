"""Row generation for whole tables: keys, foreign keys, NULL shares, and plain columns.

`RunGenerators` holds one `TableGen` per table; a child asks its parent's generator for the
referenced key values at chosen parent indexes, so parents are never read back.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from fastseed.generate import hashing as h
from fastseed.generate.classify import classify
from fastseed.generate.keys import KeyStrategy, key_strategy
from fastseed.generate.pools import Pools
from fastseed.generate.rules import TableRules, table_rules
from fastseed.generate.values import Builder, ColumnGen, Values
from fastseed.schema import Catalog, Column, ForeignKey, Kind, Table, TableName

if TYPE_CHECKING:
    from fastseed.plan import Plan, TablePlan

NULLABLE_FK_NULL_SHARE = 0.1
_NULL_SHARES = {"deleted": 0.9, "shipped": 0.1, "delivered": 0.2, "address_line2": 0.7, "end": 0.3}
DEFAULT_NULL_SHARE = 0.05


def unique_capacity(
    catalog: Catalog,
    table: Table,
    fks: tuple[ForeignKey, ...],
    planned: Mapping[TableName, TablePlan],
    requested: int,
) -> tuple[int | None, str]:
    """The most rows the table's unique keys allow, and why (None: no practical limit)."""
    strategy = key_strategy(table, fks)
    rules = table_rules(catalog, table)
    best: tuple[int | None, str] = (None, "")
    pools = Pools(0)
    for name in strategy.unique_columns:
        col = table.column(name)
        gen = Builder(pools, 0, table, col, rules.columns.get(name), unique=True).build()
        if gen.capacity is not None and (best[0] is None or gen.capacity < best[0]):
            best = (gen.capacity, f"{name} {col.type.sql} has {gen.capacity} distinct values")
    for group in strategy.fk_groups:
        space = 1
        for fk in group:
            parent = catalog.tables.get(fk.ref_table)
            pname = (parent.partition_of or parent.name) if parent else fk.ref_table
            space *= planned[pname].rows if pname in planned else requested
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
        self.fks = run.catalog.foreign_keys_of(table)
        self.strategy: KeyStrategy = key_strategy(table, self.fks)
        self.rules: TableRules = table_rules(run.catalog, table)
        self.fk_of: dict[str, ForeignKey] = {}
        for fk in self.fks:
            for col in fk.columns:
                self.fk_of.setdefault(col, fk)
        key_cols = {c for k in table.all_uniques for c in k.columns}
        self.key_columns = key_cols
        self.write_columns: tuple[Column, ...] = tuple(
            c for c in table.columns if not c.generated and not self._left_to_server(c)
        )
        self.nulled: set[str] = set(run.deferred_null.get(table.name, set()))
        self._gens: dict[str, ColumnGen] = {}
        self._lock = threading.RLock()

    def _left_to_server(self, col: Column) -> bool:
        """Columns fastseed cannot produce but the server fills (a default) are not written."""
        return col.type.kind == Kind.OTHER and (col.default is not None or col.nullable)

    # -- public ----------------------------------------------------------------------------------

    def rows(self, start: int, stop: int) -> list[tuple[Any, ...]]:
        """Rows start..stop-1 of this run, values in `write_columns` order."""
        local = np.arange(start, stop, dtype=np.int64)
        cols = []
        for col in self.write_columns:
            if col.name in self.nulled:
                cols.append([None] * len(local))
            else:
                cols.append(self.values(col.name, local))
        return list(zip(*cols, strict=True))

    def update_rows(
        self, fk: ForeignKey, key: tuple[str, ...], start: int, stop: int
    ) -> list[tuple[Any, ...]]:
        """(key values..., fk values...) for the NULL-then-UPDATE fix-up of `fk`."""
        local = np.arange(start, stop, dtype=np.int64)
        cols = [self.values(c, local) for c in key] + [self.values(c, local) for c in fk.columns]
        return list(zip(*cols, strict=True))

    def values(self, column: str, local: h.I64) -> Values:
        """The column's values at this run's row positions `local` (0-based)."""
        fk = self.fk_of.get(column)
        if fk is not None:
            return self._fk_values(fk, column, local)
        gen = self._column_gen(column)
        vals = gen(local + self.plan.index_base)
        share = self._null_share(self.table.column(column))
        if share > 0:
            nulls = (
                h.uniform(
                    h.stream_key(self.run.seed, self.table.name, column, "null"),
                    local + self.plan.index_base,
                )
                < share
            )
            vals = [None if n else v for v, n in zip(vals, nulls.tolist(), strict=True)]
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
                mode = (
                    "joint permutation"
                    if self.strategy.group_of(fk)
                    else ("earlier row" if self._is_self(fk) else "skewed pick")
                )
                out[col.name] = f"FK {fk.name} -> {fk.ref_table} ({mode})"
            else:
                out[col.name] = self._column_gen(col.name).label
        return out

    # -- internals -------------------------------------------------------------------------------

    def _column_gen(self, name: str) -> ColumnGen:
        gen = self._gens.get(name)
        if gen is None:
            with self._lock:
                gen = self._gens.get(name)
                if gen is None:
                    col = self.table.column(name)
                    gen = Builder(
                        self.run.pools,
                        self.run.seed,
                        self.table,
                        col,
                        self.rules.columns.get(name),
                        unique=name in self.strategy.unique_columns,
                        sibling=self._sibling,
                        sampled=self.run.plan.samples.get(self.table.name, {}).get(name),
                        anchor=self._creation_anchor(col),
                    ).build()
                    self._gens[name] = gen
        return gen

    def _creation_anchor(self, col: Column) -> Callable[[h.I64], Values] | None:
        """For a child's creation time: the parent row's creation time, via the first FK."""
        if col.type.kind not in {Kind.TIMESTAMP, Kind.DATE}:
            return None
        if classify(self.table, col) not in {"created", "ordered", "start"}:
            return None
        for fk in self.fks:
            if self._is_self(fk):
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

    def _anchor_on(self, fk: ForeignKey, parent: TableGen, ref: str) -> Callable[[h.I64], Values]:
        def anchor(global_idx: h.I64) -> Values:
            pidx, null = self._parent_index(fk, global_idx - self.plan.index_base)
            vals = parent.values(ref, pidx)
            return [None if n else v for v, n in zip(vals, null.tolist(), strict=True)]

        return anchor

    def _sibling(self, name: str, global_idx: h.I64) -> Values:
        return self.values(name, global_idx - self.plan.index_base)

    def _null_share(self, col: Column) -> float:
        if not col.nullable or col.name in self.key_columns or col.name in self.rules.columns:
            return 0.0
        tag = classify(self.table, col)
        return _NULL_SHARES.get(tag or "", DEFAULT_NULL_SHARE)

    def _is_self(self, fk: ForeignKey) -> bool:
        parent = self.run.catalog.tables.get(fk.ref_table)
        return parent is not None and (parent.partition_of or parent.name) == self.table.name

    def _parent(self, fk: ForeignKey) -> TableGen:
        parent = self.run.catalog.tables[fk.ref_table]
        return self.run.table(parent.partition_of or parent.name)

    def _parent_index(self, fk: ForeignKey, local: h.I64) -> tuple[h.I64, np.ndarray]:
        """Parent positions for each row, and a mask of rows whose FK is NULL."""
        key = h.stream_key(self.run.seed, self.table.name, fk.name)
        gidx = local + self.plan.index_base
        nullable = all(self.table.column(c).nullable for c in fk.columns)
        null = np.zeros(len(local), dtype=bool)
        if self._is_self(fk):
            # an earlier row of this run, so the parent exists whenever the row is checked
            idx = np.floor(h.uniform(key, gidx) * local).astype(np.int64)
            if nullable:
                null = (local == 0) | (h.uniform(key + 1, gidx) < NULLABLE_FK_NULL_SHARE)
            return idx, null
        parent_rows = self.run.plan.tables[self._parent(fk).table.name].rows
        if parent_rows == 0:
            return np.zeros(len(local), dtype=np.int64), np.ones(len(local), dtype=bool)
        group = self.strategy.group_of(fk)
        if group is not None:
            sizes = [self.run.plan.tables[self._parent(g).table.name].rows for g in group]
            space = math.prod(sizes)
            gkey = h.stream_key(self.run.seed, self.table.name, "group", *(g.name for g in group))
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
        ref = fk.ref_columns[fk.columns.index(column)]
        source = self if self._is_self(fk) else self._parent(fk)
        vals = source.values(ref, idx)
        if null.any():
            vals = [None if n else v for v, n in zip(vals, null.tolist(), strict=True)]
        return vals


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
