"""Anomalous but valid values on request: duplicates, boundaries, max-length, unicode, blanks.

A share of rows gets one anomalous value each, in a column where the schema allows it: never
a key or FK column, never a column under an enum, CHECK list, pattern or a CHECK fastseed does
not understand, and only values the column's type, length and CHECK bounds accept.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from fastseed.generate import hashing as h
from fastseed.generate.rules import ColumnRule, TableRules
from fastseed.scenario import AnomalySpec
from fastseed.schema import Column, Kind, Table

if TYPE_CHECKING:
    from fastseed.generate.values import Builder

_UNICODE = [
    "Zoë Ålvarez-Núñez",
    "مرحبا بالعالم",  # right-to-left
    "e\u0301\u0301\u0300 combining",
    "Ελληνικά και кириллица",
    "日本語のテキスト",
]
_EMOJI = ["🚀 launch 🎉", "👩‍💻 dev", "😀"]
_TEXTUAL = {Kind.TEXT}
_BOUNDED = {Kind.INTEGER, Kind.NUMERIC, Kind.FLOAT, Kind.DATE, Kind.TIMESTAMP, Kind.MONEY}


class TableAnomalies:
    """Which rows of one table get an anomaly, in which column, of which kind."""

    def __init__(
        self, spec: AnomalySpec, seed: int, table: Table, rules: TableRules, excluded: set[str]
    ) -> None:
        self.spec = spec
        self.key = h.stream_key(seed, table.name.name, "anomaly")
        involved = {r.after for r in rules.columns.values() if r.after} | {
            c for c, r in rules.columns.items() if r.after
        }
        self.kinds: dict[str, list[str]] = {}
        for col in table.writable_columns:
            rule = rules.columns.get(col.name, ColumnRule())
            if (
                col.name in excluded
                or rule.choices is not None
                or rule.pattern is not None
                or rule.json
                or rule.cases is not None  # the row's case of a CHECK picks its value
            ):
                continue
            kinds = [k for k in spec.kinds if _applies(k, col, rule, col.name in involved)]
            if kinds:
                self.kinds[col.name] = kinds
        self.columns = sorted(self.kinds)

    def chosen(self, column: str, gidx: h.I64) -> tuple[np.ndarray, h.I64]:
        """Mask of rows whose anomaly falls on `column`, and a kind position per row."""
        if column not in self.kinds:
            return np.zeros(len(gidx), dtype=bool), np.zeros(len(gidx), dtype=np.int64)
        hit = h.uniform(self.key, gidx) < self.spec.share
        which = h.choose(self.key + 1, gidx, len(self.columns))
        mask = hit & (which == self.columns.index(column))
        kind = h.choose(self.key + 2, gidx, len(self.kinds[column]))
        return mask, kind

    def count(self, column: str, gidx: h.I64) -> dict[str, int]:
        """How many anomalies of each kind these rows get in `column`."""
        mask, kind = self.chosen(column, gidx)
        if not mask.any():
            return {}
        kinds = self.kinds[column]
        values, counts = np.unique(kind[mask], return_counts=True)
        return {kinds[int(v)]: int(n) for v, n in zip(values, counts, strict=True)}

    def apply(
        self, builder: Builder, column: str, gidx: h.I64, values: list[Any], normal: Any
    ) -> list[Any]:
        """Values with this column's anomalies applied."""
        mask, kind = self.chosen(column, gidx)
        if not mask.any():
            return values
        kinds = self.kinds[column]
        out = list(values)
        positions = np.flatnonzero(mask)
        by_kind: dict[str, list[int]] = {}
        for pos in positions.tolist():
            by_kind.setdefault(kinds[int(kind[pos])], []).append(pos)
        for name, where in by_kind.items():
            sub = gidx[where]
            if name == "duplicates":
                # the value of another row of the run: a repeat no constraint forbids
                other = h.mix(self.key + 3, sub) % np.uint64(max(int(gidx.max()) + 1, 1))
                repl = normal(other.astype(np.int64))
            else:
                repl = _values(name, builder, sub)
            for pos, value in zip(where, repl, strict=True):
                out[pos] = value
        return out


def _applies(kind: str, col: Column, rule: ColumnRule, ordered: bool) -> bool:
    t = col.type
    if t.kind in {Kind.ENUM, Kind.SET, Kind.BOOLEAN, Kind.OTHER} and kind != "duplicates":
        return False
    if kind == "duplicates":
        return True
    if kind == "boundaries":
        dated = t.kind in {Kind.DATE, Kind.TIMESTAMP}
        bounded_date = dated and (rule.low is not None or rule.high is not None)
        return t.kind in _BOUNDED and not ordered and not rule.leaves and not bounded_date
    if t.kind not in _TEXTUAL:
        return False
    blank_ok = not rule.min_length and "" not in rule.excluded
    if kind == "max_length":
        return t.length is not None
    if kind == "unicode":
        return (t.max_bytes_per_char or 4) >= 2
    if kind == "whitespace":
        return blank_ok
    if kind == "empty":
        return blank_ok and not t.fixed_length
    return False


def _values(kind: str, builder: Builder, idx: h.I64) -> list[Any]:
    t = builder.type
    n = len(idx)
    pick = h.choose(builder.key + 99, idx, 1 << 30).tolist()
    if kind == "boundaries":
        edges = _boundaries(builder)
        return [edges[p % len(edges)] for p in pick]
    limit = t.length
    if kind == "max_length":
        return ["".join("abcdefghij"[(p + i) % 10] for i in range(limit or 0)) for p in pick]
    if kind == "unicode":
        pool = _UNICODE + (_EMOJI if t.max_bytes_per_char is None else [])
        return [pool[p % len(pool)][:limit] if limit else pool[p % len(pool)] for p in pick]
    if kind == "whitespace":
        return [" " * min(limit or 3, 3)] * n
    return [""] * n


def _boundaries(builder: Builder) -> list[Any]:
    t = builder.type
    rule = builder.rule
    if t.kind == Kind.INTEGER:
        lo, hi = builder.int_range()
        return sorted({v for v in (lo, hi, 0, -1, 1) if lo <= v <= hi})
    if t.kind in {Kind.NUMERIC, Kind.MONEY}:
        lo_f, hi_f = builder.num_bounds((-1e15, 1e15))
        scale = t.scale or 0
        q = Decimal(1).scaleb(-scale)
        cands = [Decimal(repr(lo_f)).quantize(q), Decimal(repr(hi_f)).quantize(q), Decimal(0)]
        return [c for c in cands if Decimal(repr(lo_f)) <= c <= Decimal(repr(hi_f))] or cands[:1]
    if t.kind == Kind.FLOAT:
        lo_x = float(rule.low) if rule.low is not None else -1e15
        hi_x = float(rule.high) if rule.high is not None else 1e15
        return [v for v in (lo_x, hi_x, 0.0) if lo_x <= v <= hi_x]
    # dates and times: epoch, a leap day, a far-future day (2037 keeps MySQL TIMESTAMP valid)
    days = [dt.date(1970, 1, 2), dt.date(2024, 2, 29), dt.date(2037, 12, 31)]
    if t.kind == Kind.DATE:
        return days
    tz = dt.UTC if t.timezone else None
    return [dt.datetime(d.year, d.month, d.day, 12, 0, tzinfo=tz) for d in days]
