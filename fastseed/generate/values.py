"""Column value generators: (global row indexes) -> list of canonical Python values.

Each generator is built once per column and is a pure function of the row index, so a
child table can recompute any parent key without reading it back. Values always fit the
column: lengths, precision, integer widths, CHECK rules, enum labels.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from fastseed.generate import hashing as h
from fastseed.generate.batch import Lists
from fastseed.generate.kinds.base import ColumnGen, Values
from fastseed.generate.kinds.checks import _all_ranges, _successor, _within
from fastseed.generate.kinds.geometry import Geometry
from fastseed.generate.kinds.network import Network
from fastseed.generate.kinds.numbers import Numbers
from fastseed.generate.kinds.strings import Strings
from fastseed.generate.kinds.temporal import Temporal
from fastseed.generate.overrides import typed
from fastseed.generate.rules import CaseSplit, ColumnRule, LeafBound, case_index, leaf_index
from fastseed.generate.text import Utf8Array, put_rows
from fastseed.scenario import ColumnSpec
from fastseed.schema import Column, ColumnType, Kind


def _raw_successor(element: ColumnType, scale: int) -> int | None:
    """What `_successor` adds, in the raw form of the element's values (None: no raw form
    the range generator knows)."""
    steps = {
        Kind.INTEGER: 1,
        Kind.DATE: 1,  # a day
        Kind.TIMESTAMP: 1_000_000,  # a second, in microseconds
        Kind.NUMERIC: 10**scale,  # one, scaled
    }
    return steps.get(element.kind)


def override_gen(builder: Builder, spec: ColumnSpec) -> ColumnGen | None:
    """A generator for constant / choices / provider overrides (ranges and patterns are rules)."""
    column = builder.column
    if spec.has_constant:
        value = typed(column, spec.constant)
        return ColumnGen(lambda idx: [value] * len(idx), f"constant {spec.constant!r}", 1)
    if spec.choices is not None:
        values = [typed(column, v) for v, _ in spec.choices]
        weights = np.array([w for _, w in spec.choices], dtype=np.float64)

        def pick(idx: h.I64) -> list[Any]:
            chosen = h.choose(builder.key, idx, len(values), weights)
            return [values[i] for i in chosen.tolist()]

        return ColumnGen(pick, f"scenario choices ({len(values)})", len(values))
    if spec.provider is not None:
        pool = builder.pools.provider(spec.provider)
        limit = builder.type.length

        def provide(idx: h.I64) -> list[Any]:
            vals = builder.pick(pool, idx)
            return [v[:limit] for v in vals] if limit else vals

        return ColumnGen(provide, f"mimesis {spec.provider}", len(pool))
    return None


class Builder(Numbers, Temporal, Strings, Network, Geometry):
    """Builds the generator for one column given its rule, uniqueness and semantic tag."""

    def build(self) -> ColumnGen:
        if self.override is not None:
            forced = override_gen(self, self.override)
            if forced is not None:
                return forced
        split = self.rule.cases
        if split is not None and any(rule is not None for rule in split.rules):
            return self._per_case(split)
        if self.type.kind == Kind.ARRAY and self.type.element is not None:
            return self._array(self.type.element)
        if self.type.kind == Kind.RANGE and self.type.element is not None:
            return self._range(self.type.element)
        if self.rule.choices is not None:
            return self._in_order(self._choices(list(self.rule.choices)))
        if self.type.kind == Kind.INTEGER and self.type.labels:
            return self._choices(list(self.type.labels))
        if self.sampled is not None and not self.unique:
            return self._sampled(*self.sampled)
        if self.rule.leaves and (
            self.type.kind not in {Kind.TIMESTAMP, Kind.DATE}
            or any(leaf is not None and leaf[0] == "list" for leaf in self.rule.leaves)
        ):
            return self._per_leaf(self.rule.leaves)
        method = getattr(self, f"_kind_{self.type.kind.value}", None)
        if method is None:
            return ColumnGen(lambda idx: [None] * len(idx), f"unsupported type {self.type.sql}", 0)
        gen: ColumnGen = method()
        gen = self._in_order(self._avoiding(gen))
        if self.rule.differs and self.sibling is not None and not self.unique:
            gen = self._apart(gen, self.rule.differs)
        return gen

    def _with_rule(self, rule: ColumnRule) -> Builder:
        other = copy.copy(self)
        other.rule = rule
        return other

    def _per_case(self, split: CaseSplit) -> ColumnGen:
        """A column that a CHECK of cases limits: where the row's case (`case_index`) has
        a rule for it, a value of that rule, else the column's own. Column-wise when the
        column's own generator and every case's are."""
        own = self._with_rule(replace(self.rule, cases=None)).build()
        cases = {k: self._with_rule(rule).build() for k, rule in enumerate(split.rules) if rule}

        def case_rows(idx: h.I64) -> Iterator[tuple[h.I64, ColumnGen]]:
            """The rows whose case has a rule for the column, case by case, and its generator."""
            which = case_index(self.table, split, idx)
            for k, gen in cases.items():
                rows = np.flatnonzero(which == k)
                if len(rows):
                    yield rows, gen

        def fn(idx: h.I64) -> Values:
            out = list(own(idx))
            for rows, gen in case_rows(idx):
                for r, v in zip(rows.tolist(), gen(idx[rows]), strict=True):
                    out[r] = v
            return out

        label = f"{own.label}; as the row's case of CHECK {split.check} says"
        capacity = own.capacity
        if own.raw is None or any(
            g.raw is None or g.raw_scale != own.raw_scale for g in cases.values()
        ):
            return ColumnGen(fn, label, capacity)
        own_raw = own.raw

        def raw(idx: h.I64) -> Any:
            out = own_raw(idx)
            for rows, gen in case_rows(idx):
                assert gen.raw is not None
                out = _put_rows(out, rows, gen.raw(idx[rows]))
            return out

        return ColumnGen(fn, label, capacity, raw=raw, raw_scale=own.raw_scale)

    def _per_leaf(self, leaves: tuple[LeafBound | None, ...]) -> ColumnGen:
        """Values that put each row into its leaf partition (list values or a range), within
        the column's CHECKs: the column's own generator where its value already lands in the
        row's leaf (in any leaf when this column alone routes rows), else a value of the
        leaf's list or of its range narrowed to the CHECK bounds."""
        if self.unique and self.type.kind == Kind.INTEGER and _all_ranges(leaves):
            return self._unique_per_leaf(leaves)
        plain = Builder(
            self.pools,
            0,
            self.table,
            self.column,
            replace(self.rule, leaves=None),
            unique=self.unique,
            sibling=self.sibling,
            follows=self.follows,
        ).build()
        typed_lists = [
            [self.typed(v) for v in leaf[1]] if leaf is not None and leaf[0] == "list" else None
            for leaf in leaves
        ]
        spans = [self._leaf_span(leaf) for leaf in leaves]
        routed = self.rule.routed
        if self.unique and routed and all(v is not None for v in typed_lists):
            # a unique column that alone routes rows into list leaves: the i-th listed value,
            # and the row goes to the leaf that lists it
            listed = list(dict.fromkeys(v for values in typed_lists if values for v in values))
            return ColumnGen(
                lambda idx: [listed[i] for i in idx.tolist()],
                f"distinct, one of {len(listed)} values the partitions list",
                len(listed),
            )

        def inside(v: Any, k: int) -> bool:
            values, (lo, hi) = typed_lists[k], spans[k]
            if values is not None:
                return v in values
            return (lo is None or v >= lo) and (hi is None or v < hi)

        def fn(idx: h.I64) -> Values:
            which = leaf_index(self.table, idx, len(leaves)).tolist()
            base = plain(idx)
            u = self._u(idx, 13).tolist()
            out = []
            for k, v, x in zip(which, base, u, strict=True):
                values = typed_lists[k]
                if v is not None and (
                    inside(v, k) or (routed and any(inside(v, j) for j in range(len(leaves))))
                ):
                    out.append(v)
                elif values is not None:
                    out.append(values[int(x * len(values)) % len(values)])
                else:
                    out.append(_within(v, spans[k][0], spans[k][1], x))
            return out

        # a unique column keeps its own generator's distinct values where they land; list
        # leaves allow no more than the values they list (a key over an enum partition column)
        capacity = plain.capacity
        if self.unique and all(leaf is not None and leaf[0] == "list" for leaf in leaves):
            count = len({v for values in typed_lists if values for v in values})
            capacity = count if capacity is None else min(capacity, count)
        return ColumnGen(fn, f"within {len(leaves)} partitions", capacity)

    def _range(self, element: ColumnType) -> ColumnGen:
        """[lower, upper): two draws of the subtype, ordered, never empty."""
        inner_col = Column(self.column.name, element, nullable=False)
        inner = Builder(self.pools, 0, self.table, inner_col, None, unique=False).build()
        shift = np.int64(self.key % 1009)

        def fn(idx: h.I64) -> Values:
            a = inner(idx * 2 + shift)
            b = inner(idx * 2 + 1 + shift)
            out = []
            for x, y in zip(a, b, strict=True):
                lo, hi = (x, y) if x <= y else (y, x)
                if lo == hi:
                    hi = _successor(hi)
                out.append((lo, hi))
            return out

        step = _raw_successor(element, inner.raw_scale)
        raw = None
        if inner.raw is not None and step is not None:
            draw = inner.raw

            def raw(idx: h.I64) -> np.ndarray:
                a, b = draw(idx * 2 + shift), draw(idx * 2 + 1 + shift)
                lo, hi = np.minimum(a, b), np.maximum(a, b)
                return np.stack([lo, np.where(lo == hi, hi + step, hi)], axis=1)

        return ColumnGen(fn, f"range of {inner.label}", raw=raw, raw_scale=inner.raw_scale)

    def _array(self, element: ColumnType) -> ColumnGen:
        """Zero to three items a row: row i's items are the element generator's values at
        positions 4i, 4i + 1, ... (shifted by the column's key), made for all rows at once."""
        inner_col = Column(self.column.name, element, nullable=False)
        inner = Builder(self.pools, 0, self.table, inner_col, None, unique=False).build()
        shift = np.int64(self.key % 997)

        def layout(idx: h.I64) -> tuple[h.I64, h.I64]:
            """Row offsets into the items, and the items' positions for the element."""
            counts = (self._u(idx, 9) * 4).astype(np.int64)
            offsets = np.zeros(len(idx) + 1, dtype=np.int64)
            np.cumsum(counts, out=offsets[1:])
            within = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1], counts)
            return offsets, np.repeat(idx * 4 + shift, counts) + within

        def fn(idx: h.I64) -> Values:
            offsets, positions = layout(idx)
            items = inner(positions)
            return [items[a:b] for a, b in itertools.pairwise(offsets.tolist())]

        raw = None
        if inner.raw is not None:
            draw = inner.raw

            def raw(idx: h.I64) -> Lists:
                offsets, positions = layout(idx)
                return Lists(offsets, draw(positions), inner.raw_scale)

        return ColumnGen(fn, f"array of {inner.label}", raw=raw)

    def _kind_composite(self) -> ColumnGen:
        """A tuple of one generated value per attribute (NULL where an attribute cannot be)."""
        inner = [
            Builder(
                self.pools, 0, self.table, Column(f"{self.column.name}.{name}", t, True), None,
                unique=False,
            ).build()
            for name, t in self.type.fields
        ]  # fmt: skip
        key = np.int64(self.key % 1013)

        def fn(idx: h.I64) -> Values:
            columns = [gen(idx + key) for gen in inner]
            return [tuple(row) for row in zip(*columns, strict=True)] if columns else []

        return ColumnGen(fn, f"({', '.join(g.label for g in inner)})")


def _put_rows(values: Any, rows: h.I64, new: Any) -> Any:
    """`values` (one raw column: a numpy array or a Utf8Array) with its rows `rows` from
    `new`, which holds just those rows."""
    if isinstance(values, Utf8Array):
        return put_rows(values, rows, new)
    out = np.array(values, copy=True)
    out[rows] = new
    return out
