"""Column value generators: (global row indexes) -> list of canonical Python values.

Each generator is built once per column and is a pure function of the row index, so a
child table can recompute any parent key without reading it back. Values always fit the
column: lengths, precision, integer widths, CHECK rules, enum labels.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import numpy as np

from fastseed.generate import concepts, distributions, text
from fastseed.generate import hashing as h
from fastseed.generate.classify import classify
from fastseed.generate.concepts.address import coordinates
from fastseed.generate.overrides import range_rule, typed
from fastseed.generate.pattern import PatternGen, UniquePattern
from fastseed.generate.pools import Pools
from fastseed.generate.rules import ColumnRule, LeafBound, leaf_index
from fastseed.generate.text import Utf8Array
from fastseed.generate.timeline import Follow
from fastseed.scenario import ColumnSpec
from fastseed.schema import Column, ColumnType, Kind, Table

# Fixed reference time: "now" for generated timestamps, so a seed gives the same data any day.
REFERENCE_TIME = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_from_epoch = dt.datetime.fromtimestamp
_YEAR_S = 365.25 * 86400

Values = list[Any]
Fn = Callable[[h.I64], Values]

_ORDERED_NUMBERS = {Kind.INTEGER, Kind.NUMERIC, Kind.FLOAT, Kind.MONEY}
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CODE = "0123456789" + _UPPER
"""Characters of unique codes: distinct under case folding, accents and trailing spaces."""
_CJK = "".join(map(chr, range(0x4E00, 0xA000)))
"""CJK unified ideographs (3 bytes in UTF-8): caseless, accentless, distinct in collations."""


@dataclass
class ColumnGen:
    """A built generator: `fn(idx)` gives the values, `label` says how they are made."""

    fn: Fn
    label: str
    capacity: int | None = None
    """How many distinct values it can give when unique; None when practically unbounded."""
    seconds: Callable[[h.I64], h.F64] | None = None
    """For time columns: the same values as epoch seconds, for siblings that follow them."""
    raw: Callable[[h.I64], Any] | None = None
    """The same values as one numpy array, for encoders that skip Python objects: int64 for
    integers, bool, float64, int64 microseconds since the Unix epoch for timestamps, int64
    days for dates, int64 scaled by 10**raw_scale for decimals; text as a Utf8Array."""
    raw_scale: int = 0

    def __call__(self, idx: h.I64) -> Values:
        return self.fn(idx)


def array_gen(
    raw: Callable[[h.I64], np.ndarray], label: str, capacity: int | None = None
) -> ColumnGen:
    """A generator whose values come from one numpy array (Python values on request)."""
    return ColumnGen(lambda idx: raw(idx).tolist(), label, capacity, raw=raw)


def skew_weights(n: int) -> h.F64:
    """Zipf-like weights: the first value is common, the last rare."""
    return 1.0 / np.arange(1, n + 1, dtype=np.float64) ** 0.9


def _encode(i: int, alphabet: str, width: int | None = None) -> str:
    base = len(alphabet)
    out = ""
    while True:
        i, r = divmod(i, base)
        out = alphabet[r] + out
        if i == 0:
            break
    if width is not None:
        out = out.rjust(width, alphabet[0])
    return out


def _parse_time(text: str) -> dt.datetime:
    t = text.strip()
    if len(t) > 3 and t[-3] in "+-" and t[-2:].isdigit():
        t += ":00"
    value = dt.datetime.fromisoformat(t)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


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


class Builder:
    """Builds the generator for one column given its rule, uniqueness and semantic tag."""

    def __init__(
        self,
        pools: Pools,
        seed: int,
        table: Table,
        column: Column,
        rule: ColumnRule | None,
        *,
        unique: bool,
        sibling: Callable[[str, h.I64], Values] | None = None,
        sibling_text: Callable[[str, h.I64], Utf8Array | None] | None = None,
        sibling_seconds: Callable[[str, h.I64], h.F64 | None] | None = None,
        sampled: tuple[tuple[Any, ...], tuple[int, ...]] | None = None,
        anchor: Callable[[h.I64], h.F64] | None = None,
        override: ColumnSpec | None = None,
        follows: Follow | None = None,
    ) -> None:
        self.pools = pools
        self.table = table
        self.column = column
        self.type = column.type
        self.rule = rule or ColumnRule()
        self.unique = unique
        self.key = h.stream_key(seed, table.name.name, column.name)
        self.sibling = sibling
        self.sibling_text = sibling_text
        self.sibling_seconds = sibling_seconds
        self.sampled = sampled
        self.anchor = anchor
        self.follows = follows
        """For a time column: the earlier events of the row it comes after (`timeline`)."""
        self.override = override
        if override is not None:
            extra = range_rule(override)
            if extra is not None:
                self.rule = self.rule.merge(extra)
            if override.pattern is not None:
                self.rule = self.rule.merge(ColumnRule(pattern=override.pattern))
        self.seed = seed
        self.tag = classify(table, column)
        self.match = concepts.match(table, column)
        self._made: concepts.Made | None = None

    # -- entry ---------------------------------------------------------------------------------

    def build(self) -> ColumnGen:
        if self.override is not None:
            forced = override_gen(self, self.override)
            if forced is not None:
                return forced
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

    def _apart(self, gen: ColumnGen, others: tuple[str, ...]) -> ColumnGen:
        """Enforce CHECK (other <> this): rows that drew the other column's value take the
        value of another row position, then (integers) the nearest value that differs."""
        sibling = self.sibling
        assert sibling is not None
        base = gen.fn
        lo, hi = self.int_range() if self.type.kind == Kind.INTEGER else (0, -1)

        def fn(idx: h.I64) -> Values:
            vals = base(idx)
            theirs = [sibling(other, idx) for other in others]
            for attempt in range(9):
                bad = [
                    i
                    for i, v in enumerate(vals)
                    if v is not None and any(t[i] == v for t in theirs)
                ]
                if not bad:
                    break
                if attempt == 8 and lo <= hi:
                    for i in bad:
                        vals[i] = _nearest_allowed(vals[i], {t[i] for t in theirs}, lo, hi)
                    break
                shifted = base(idx[bad] + np.int64(attempt + 1) * np.int64(1 << 40))
                for i, v in zip(bad, shifted, strict=True):
                    vals[i] = v
            return vals

        label = f"{gen.label}, not equal to {', '.join(others)}"
        return ColumnGen(fn, label, gen.capacity)  # seconds would be the unmoved values

    def _avoiding(self, gen: ColumnGen) -> ColumnGen:
        """Enforce CHECK (x <> 'v') / NOT IN: rows that drew an excluded value take the value
        of another row position (a few tries: excluded values are rare draws), then, for
        integers, the nearest allowed value. Generated text is never empty, so `<> ''` alone
        needs nothing; a unique generator swaps them for values it keeps in reserve
        (`_skipping`: a shifted position could repeat a key)."""
        banned = {self.typed(v) for v in self.rule.excluded}
        if self.type.kind == Kind.TEXT:
            banned.discard("")
        if not banned or (self.unique and self.type.kind == Kind.INTEGER):
            return gen  # unique integers step over them (`_sequential`)
        if self.unique:
            return self._skipping(gen, banned)
        base = gen.fn
        lo, hi = self.int_range() if self.type.kind == Kind.INTEGER else (0, -1)

        def fn(idx: h.I64) -> Values:
            vals = base(idx)
            for attempt in range(1, 9):
                bad = [i for i, v in enumerate(vals) if v in banned]
                if not bad:
                    break
                shifted = base(idx[bad] + np.int64(attempt) * np.int64(1 << 40))
                for i, v in zip(bad, shifted, strict=True):
                    vals[i] = v
            if lo <= hi:
                vals = [_nearest_allowed(v, banned, lo, hi) if v in banned else v for v in vals]
            return vals

        raw = gen.raw
        if raw is not None and self.type.kind in {Kind.INTEGER, Kind.FLOAT, Kind.BOOLEAN}:
            plain = raw
            banned_raw = np.array(sorted(banned, key=float), dtype=np.float64)

            def avoid_raw(idx: h.I64) -> Any:
                out = plain(idx)
                for attempt in range(1, 9):
                    bad = np.flatnonzero(np.isin(out, banned_raw))
                    if not len(bad):
                        break
                    out[bad] = plain(idx[bad] + np.int64(attempt) * np.int64(1 << 40))
                bad = np.flatnonzero(np.isin(out, banned_raw))
                if lo <= hi and len(bad):
                    out[bad] = [_nearest_allowed(v, banned, lo, hi) for v in out[bad].tolist()]
                return out

            raw = avoid_raw
        else:
            raw = None  # the list path checks each value against the excluded ones
        label = f"{gen.label}, not {', '.join(map(str, sorted(banned, key=str)))}"
        return ColumnGen(fn, label, gen.capacity, gen.seconds, raw, gen.raw_scale)

    def _in_order(self, gen: ColumnGen) -> ColumnGen:
        """Enforce CHECK (other <= this) / (this <= other) on numbers (`ColumnRule.after`,
        `ColumnRule.before`): a value on the wrong side moves to the nearest allowed one on
        the right side (the other column's bounds were carried to this one, so one exists)."""
        if self.sibling is None or self.type.kind not in _ORDERED_NUMBERS:
            return gen
        if self.rule.after:
            gen = self._beside(gen, self.rule.after, self.rule.after_strict, up=True)
        if self.rule.before:
            gen = self._beside(gen, self.rule.before, self.rule.before_strict, up=False)
        return gen

    def _beside(self, gen: ColumnGen, other: str, strict: bool, up: bool) -> ColumnGen:
        """Values not below (`up`) or not above the other column, strictly or not."""
        sibling = self.sibling
        assert sibling is not None
        if self.type.kind == Kind.INTEGER:
            step: Any = 1 if strict else 0
        elif self.type.kind == Kind.FLOAT:
            step = 1e-6 if strict else 0.0
        else:
            step = Decimal(1).scaleb(-(self.type.scale or 0)) if strict else Decimal(0)
        listed = sorted(self.typed(v) for v in self.rule.choices or ())
        banned = {self.typed(v) for v in self.rule.excluded}
        whole = self.type.kind == Kind.INTEGER

        def nearest(limit: Any) -> Any:
            """The allowed value nearest to `limit` on the right side of it."""
            if listed:
                if up:
                    return next((c for c in listed if c >= limit), listed[-1])
                return next((c for c in reversed(listed) if c <= limit), listed[0])
            for _ in range(len(banned) if whole else 0):
                if limit not in banned:
                    break
                limit += 1 if up else -1
            return limit

        def fn(idx: h.I64) -> Values:
            out = []
            for v, b in zip(gen(idx), sibling(other, idx), strict=True):
                if b is None or v is None or (v >= b + step if up else v <= b - step):
                    out.append(v)
                else:
                    out.append(nearest(b + step if up else b - step))
            return out

        side = "not below" if up else "not above"
        return ColumnGen(fn, f"{gen.label}, {side} {other}", gen.capacity)

    # -- helpers -------------------------------------------------------------------------------

    def _u(self, idx: h.I64, salt: int = 0) -> h.F64:
        return h.uniform(self.key + salt, idx)

    def pick(self, pool: list[str], idx: h.I64, salt: int = 0, skew: bool = False) -> list[str]:
        weights = skew_weights(len(pool)) if skew else None
        picks = h.choose(self.key + salt, idx, len(pool), weights)
        return [pool[i] for i in picks.tolist()]

    def _bound(self, text: str | None) -> Any:
        """A partition bound as this column's type; None for MINVALUE/MAXVALUE."""
        return None if text is None else self.typed(text)

    def typed(self, text: str) -> Any:
        """A literal from a CHECK or partition bound, as this column's Python type."""
        kind = self.type.kind
        if kind in {Kind.INTEGER, Kind.YEAR}:
            return int(Decimal(text))
        if kind in {Kind.NUMERIC, Kind.MONEY}:
            return Decimal(text)
        if kind == Kind.FLOAT:
            return float(text)
        if kind == Kind.BOOLEAN:
            return text.lower() in {"true", "t", "1", "yes"}
        if kind == Kind.DATE:
            return dt.date.fromisoformat(text.strip()[:10])
        if kind == Kind.TIMESTAMP:
            value = _parse_time(text)
            return value if self.type.timezone else value.replace(tzinfo=None)
        return text

    def _sampled(self, values: tuple[Any, ...], counts: tuple[int, ...]) -> ColumnGen:
        weights = np.array(counts, dtype=np.float64)
        pool = list(values)

        def fn(idx: h.I64) -> Values:
            return [pool[i] for i in h.choose(self.key, idx, len(pool), weights).tolist()]

        raw = self._listed_utf8(pool, weights)
        return ColumnGen(fn, f"sampled from {len(pool)} existing values", len(pool), raw=raw)

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

    def _leaf_span(self, leaf: LeafBound | None) -> tuple[Any, Any]:
        """A range leaf's [low, high) narrowed to the column's CHECK bounds (None: open)."""
        lo = hi = None
        if leaf is not None and leaf[0] == "range":
            lo = None if leaf[1] is None else self.typed(leaf[1])
            hi = None if leaf[2] is None else self.typed(leaf[2])
        r = self.rule
        if self.type.kind == Kind.INTEGER:
            first, last = self.int_range()
            low, high = (first if r.low else None), (last + 1 if r.high else None)
        else:
            low = None if r.low is None else self.typed(r.low)
            if low is not None and not r.low_inclusive:
                low = self._next_after(low)
            high = None if r.high is None else self.typed(r.high)
            if high is not None and r.high_inclusive:
                high = self._next_after(high)
        if low is not None:
            lo = low if lo is None else max(lo, low)
        if high is not None:
            hi = high if hi is None else min(hi, high)
        return lo, hi

    def _next_after(self, value: Any) -> Any:
        """The smallest value of the column's type above `value`."""
        if self.type.kind in {Kind.NUMERIC, Kind.MONEY}:
            return value + Decimal(1).scaleb(-(self.type.scale or 0))
        if self.type.kind == Kind.FLOAT:
            return math.nextafter(value, math.inf)
        if isinstance(value, dt.datetime):
            return value + dt.timedelta(microseconds=1)
        if isinstance(value, dt.date):
            return value + dt.timedelta(days=1)
        return value + 1

    def _unique_per_leaf(self, leaves: tuple[LeafBound | None, ...]) -> ColumnGen:
        """Distinct integers, each in its row's leaf range: a key column that is also the
        range partition column. Pulling an outside value into a range (as `_per_leaf` does)
        maps many values onto one, so here a row's value is its index counted from the edge
        of its (disjoint) range, within the CHECK bounds; a bounded range holds as many rows
        as it is wide."""
        # each range narrowed to the column's CHECK bounds (bucket > 0 in a [0, MAXVALUE) leaf)
        ranges = [self._leaf_span(b) for b in leaves if b is not None and b[0] == "range"]
        # count up from a lower bound, down from an upper one, from 0 in an unbounded range
        los = np.array([_range_edge(lo, hi) for lo, hi in ranges], dtype=np.int64)
        step = np.array(
            [-1 if lo is None and hi is not None else 1 for lo, hi in ranges], dtype=np.int64
        )
        spans = [hi - lo for lo, hi in ranges if lo is not None and hi is not None]

        def raw(idx: h.I64) -> h.I64:
            which = leaf_index(self.table, idx, len(leaves))
            out: h.I64 = los[which] + step[which] * idx
            return out

        return array_gen(
            raw, f"distinct, within {len(leaves)} partitions", min(spans, default=None)
        )

    def _choices(self, items: list[str]) -> ColumnGen:
        ranked = distributions.privilege_weights(self.column.name, items)
        if ranked is not None:  # roles: the least privileged common, owners rare
            items = ranked[0]
        typed = [self.typed(x) for x in items]
        if self.unique:
            return ColumnGen(
                lambda idx: [typed[i] for i in idx.tolist()], "CHECK list (unique)", len(typed)
            )
        weights = skew_weights(len(typed))
        if ranked is not None:
            weights = np.array(ranked[1], dtype=np.float64) / sum(ranked[1])

        def fn(idx: h.I64) -> Values:
            return [typed[i] for i in h.choose(self.key, idx, len(typed), weights).tolist()]

        raw = self._listed_utf8(typed, weights)
        return ColumnGen(fn, "CHECK/enum list, skewed", len(typed), raw=raw)

    def _listed_utf8(self, items: list[Any], weights: h.F64) -> Callable[[h.I64], Utf8Array] | None:
        """The weighted picks of `_choices` and `_sampled`, as text when the items are text."""
        if not items or not all(isinstance(x, str) for x in items):
            return None
        pool = text.from_strings(items)
        return lambda idx: pool.take(h.choose(self.key, idx, len(pool), weights))

    # -- numbers -------------------------------------------------------------------------------

    def _skipping(self, gen: ColumnGen, banned: set[Any]) -> ColumnGen:
        """A unique generator that never gives an excluded value (`code NOT IN (...)`).

        The top 2k positions of its capacity (k excluded values) are held in reserve: at most
        k of them are excluded, so at least k allowed values remain there, and the j-th
        excluded value (in sorted order) becomes the j-th of them. Rows use the positions
        below the reserve only, so every value stays distinct; the capacity shrinks by 2k.
        Values go through Python lists (a rare shape: a CHECK excluding values of a key)."""
        fold = collation_key if self.type.kind == Kind.TEXT else (lambda v: v)
        rank = {fold(v): j for j, v in enumerate(sorted(banned, key=str))}
        size = 2 * len(rank)
        top = gen.capacity if gen.capacity is not None else 1 << 40
        if top < size:
            return ColumnGen(gen.fn, gen.label, 0)
        base = gen.fn
        spare = [v for v in base(np.arange(top - size, top, dtype=np.int64)) if fold(v) not in rank]

        def fn(idx: h.I64) -> Values:
            return [spare[rank[f]] if (f := fold(v)) in rank else v for v in base(idx)]

        label = f"{gen.label}, not {', '.join(map(str, sorted(banned, key=str)))}"
        capacity = None if gen.capacity is None else gen.capacity - size
        return ColumnGen(fn, label, capacity)  # no raw nor seconds: they would miss the swap

    def int_range(self) -> tuple[int, int]:
        lo, hi = self.type.int_bounds()
        if self.type.kind == Kind.YEAR:
            lo, hi = 1901, 2155
        r = self.rule
        if r.low is not None:
            lo = max(
                lo,
                int(np.ceil(float(r.low)))
                + (0 if r.low_inclusive or float(r.low) != int(float(r.low)) else 1),
            )
        if r.high is not None:
            hi = min(
                hi,
                int(np.floor(float(r.high)))
                - (0 if r.high_inclusive or float(r.high) != int(float(r.high)) else 1),
            )
        return lo, hi

    def _kind_integer(self) -> ColumnGen:
        lo, hi = self.int_range()
        if self.unique:
            # keys count from 1, unless a CHECK's lower bound says where the values start
            # (a weekday 0-6 keeps its 0); never 0 in an auto-increment column
            bounded = self.rule.low is not None and not self.column.identity
            start = lo if bounded or hi < 1 else max(lo, 1)
            return self._sequential(start, hi)
        tag = self.tag
        if tag == "flag" and lo <= 0 and hi >= 1:  # a CHECK may leave no room for 0 and 1
            return self._flag_numbers(lo, hi)
        soft = {
            "quantity": (1, 20),
            "rating": (1, 5),
            "age": (18, 90),
            "year": (1950, 2026),
            "percent": (0, 100),
            "duration": (1, 240),
            "measure": (1, 500),
            "money": (1, 5000),
        }.get(tag or "", (0, 1000))
        a, b = max(lo, soft[0]), min(hi, soft[1])
        if a > b:
            a, b = lo, min(hi, lo + 1000)
        power = 2.5 if tag in {"quantity", "money"} else 1.0
        span = b - a

        def raw(idx: h.I64) -> np.ndarray:
            return np.floor(self._u(idx) ** power * (span + 1)).astype(np.int64) + a

        return array_gen(raw, f"{tag or 'integer'} in [{a}, {b}]")

    def _sequential(self, start: int, hi: int) -> ColumnGen:
        """Unique integers from `start` up, stepping over the values a CHECK (x <> 7) or
        NOT IN excludes: index i takes the i-th allowed value, so keys stay injective and the
        capacity shrinks by exactly the excluded values in range."""
        banned = sorted({v for v in map(self.typed, self.rule.excluded) if start <= v <= hi})
        if not banned:
            return array_gen(lambda idx: idx + start, "sequential key", hi - start + 1)
        # the j-th excluded offset minus j: how many allowed values lie below it
        below = np.array(banned, dtype=np.int64) - start - np.arange(len(banned))

        def raw(idx: h.I64) -> np.ndarray:
            return idx + start + np.searchsorted(below, idx, side="right")

        label = f"sequential key, not {', '.join(map(str, banned))}"
        return array_gen(raw, label, hi - start + 1 - len(banned))

    def _flag_numbers(self, lo: int, hi: int) -> ColumnGen:
        p = self._true_share()
        return array_gen(
            lambda idx: np.where(self._u(idx) < p, min(1, hi), max(0, lo)).astype(np.int64),
            f"flag ({p:.0%} true)",
        )

    def _true_share(self) -> float:
        share = distributions.true_share(self.column.name)
        return 0.5 if share is None else share

    def _kind_boolean(self) -> ColumnGen:
        if self.unique:
            return array_gen(lambda idx: idx % 2 == 1, "boolean (unique)", 2)
        p = self._true_share()
        return array_gen(lambda idx: self._u(idx) < p, f"boolean ({p:.0%} true)")

    def num_bounds(self, default: tuple[float, float]) -> tuple[float, float]:
        p, s = self.type.precision, self.type.scale or 0
        lo, hi = default
        if p is not None:
            cap = 10.0 ** (p - s) - 10.0 ** (-s)
            lo, hi = max(lo, -cap), min(hi, cap)
        r = self.rule
        step = 10.0 ** (-s) if p is not None else 0.001
        if r.low is not None:
            lo = max(lo, float(r.low) + (0 if r.low_inclusive else step))
        if r.high is not None:
            hi = min(hi, float(r.high) - (0 if r.high_inclusive else step))
        if lo > hi:
            lo = hi
        return lo, hi

    def _kind_numeric(self) -> ColumnGen:
        s = self.type.scale if self.type.scale is not None else 2
        if self.unique:
            lo, hi = self.num_bounds((1, 1e15))
            base = int(np.ceil(lo))
            return ColumnGen(
                lambda idx: [Decimal(int(i) + base) for i in idx.tolist()],
                "sequential decimal",
                int(hi) - base + 1,
            )
        tag = self.tag
        default = distributions.soft_range(self.column.name) or {
            "money": (0.5, 2000.0),
            "percent": (0, 100),
            "rating": (1, 5),
            "latitude": (-90, 90),
            "longitude": (-180, 180),
            "quantity": (1, 50),
        }.get(tag or "", (0, 1000))
        lo, hi = self.num_bounds(default)
        log_scale = tag == "money" and lo > 0
        placed = self._coordinates()

        def raw(idx: h.I64) -> np.ndarray:
            u = self._u(idx)
            x: h.F64
            if placed is not None:
                x = placed(idx)
            elif log_scale:
                x = np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
            else:
                x = lo + u * (hi - lo)
            x = np.clip(np.round(x, s), lo, hi)
            return np.round(x * 10.0**s).astype(np.int64)

        def fn(idx: h.I64) -> Values:
            # exact: the scaled integer, shifted back by the scale
            return [Decimal(v).scaleb(-s) for v in raw(idx).tolist()]

        label = f"{tag or 'decimal'} in [{lo:g}, {hi:g}] scale {s}"
        if placed is not None:
            label = f"{tag} in the row's country, scale {s}{self.because()}"
        return ColumnGen(fn, label, raw=raw, raw_scale=s)

    _kind_money = _kind_numeric

    def _coordinates(self) -> Callable[[h.I64], h.F64] | None:
        """Latitude or longitude inside the country of the row's address (its group)."""
        found = self.match
        if found is None or found.concept.name not in {"latitude", "longitude"}:
            return None
        which = found.concept.name
        ctx = concepts.Ctx(
            pools=self.pools,
            seed=self.seed,
            key=self.key,
            group_key=self._group_key(found),
            length=None,
            fixed=False,
            table=self.table,
            column=self.column,
            siblings=concepts.group_members(self.table, found),
            sibling=None,
            locale=self.pools.locale,
        )
        return lambda idx: coordinates(ctx, idx, which)

    def _group_key(self, found: concepts.Match) -> int:
        """Shared by the columns of one person, address, card, file in a row."""
        group = found.concept.group or found.concept.name
        return h.stream_key(self.seed, self.table.name.name, "group", group, found.prefix)

    def _kind_float(self) -> ColumnGen:
        tag = self.tag
        default = distributions.soft_range(self.column.name) or {
            "money": (0.5, 2000.0),
            "latitude": (-90, 90),
            "longitude": (-180, 180),
            "percent": (0, 100),
            "rating": (1, 5),
        }.get(tag or "", (0, 1000))
        r = self.rule
        lo = float(r.low) if r.low is not None else default[0]
        hi = float(r.high) if r.high is not None else default[1]
        if self.unique:
            return array_gen(
                lambda idx: idx.astype(np.float64) + max(lo, 0) + 1, "sequential float", 2**53
            )
        span = hi - lo
        margin = span * 1e-6
        placed = self._coordinates()

        def raw(idx: h.I64) -> np.ndarray:
            if placed is not None:
                return np.clip(np.round(placed(idx), 6), lo, hi)
            return np.round(lo + margin + self._u(idx) * (span - 2 * margin), 4)

        if placed is not None:
            return array_gen(raw, f"{tag} in the row's country{self.because()}")
        return array_gen(raw, f"{tag or 'float'} in [{lo:g}, {hi:g}]")

    # -- text ----------------------------------------------------------------------------------

    def _max_len(self) -> int | None:
        n = self.type.length
        if self.rule.max_length is not None:
            n = min(n or self.rule.max_length, self.rule.max_length)
        return n

    def made(self) -> concepts.Made | None:
        """The column's concept generator, built once (None: no concept, or one the Builder
        makes itself from the row's siblings: email, full name)."""
        if self.match is None or self.tag in {"email", "full_name"}:
            return None
        if self._made is None:
            found = self.match
            ctx = concepts.Ctx(
                pools=self.pools,
                seed=self.seed,
                key=self.key,
                group_key=self._group_key(found),
                length=self._max_len(),
                fixed=self.type.fixed_length,
                table=self.table,
                column=self.column,
                siblings=concepts.group_members(self.table, found),
                sibling=self.sibling,
                locale=self.pools.locale,
            )
            self._made = found.concept.make(ctx)
        return self._made

    def _text_base(self) -> tuple[Fn, str]:
        """Realistic (non-unique) text: the column's concept, else two generic words; the
        label says which concept and the signal that chose it."""
        fn, label = self._concept_text()
        return fn, label + self.because()

    def because(self) -> str:
        """' (concept NAME: why)' for labels, '' when no concept was recognised."""
        found = self.match
        return "" if found is None else f" (concept {found.concept.name}: {found.why})"

    def _concept_text(self) -> tuple[Fn, str]:
        tag = self.tag
        pools = self.pools
        if tag == "full_name":
            first_col, last_col = self._name_siblings()

            def full(idx: h.I64) -> Values:
                first = self._names(first_col, "first_name", idx, 1)
                last = self._names(last_col, "last_name", idx, 2)
                return [f"{a} {b}" for a, b in zip(first, last, strict=True)]

            source = "the row's first + last name" if first_col else "mimesis first + last name"
            return full, source
        if tag == "email":
            first_col, last_col = self._name_siblings()

            def email(idx: h.I64) -> Values:
                first = self._names(first_col, "first_name", idx, 1)
                last = self._names(last_col, "last_name", idx, 2)
                dom = self.pick(pools.get("email_domain"), idx, 3)
                return [
                    f"{a}.{b}@{d}".lower().replace(" ", "")
                    for a, b, d in zip(first, last, dom, strict=True)
                ]

            source = "the row's names" if first_col else "names"
            return email, f"email from {source}"
        made = self.made()
        if made is not None:
            return made.fn, made.label

        def words(idx: h.I64) -> Values:
            pool = pools.get("word")
            a = self.pick(pool, idx, 1)
            b = self.pick(pool, idx, 2)
            return [f"{x} {y}" for x, y in zip(a, b, strict=True)]

        return words, "generic words"

    # -- text as UTF-8 arrays: the same values as above, gathered from encoded pools ------------

    def pick_utf8(
        self, pool: Utf8Array, idx: h.I64, salt: int = 0, skew: bool = False
    ) -> Utf8Array:
        """`pick` without Python strings: the same choice of pool entries."""
        weights = skew_weights(len(pool)) if skew else None
        return pool.take(h.choose(self.key + salt, idx, len(pool), weights))

    def _text_base_utf8(self) -> Callable[[h.I64], Utf8Array | None] | None:
        """`_text_base` for the values it can gather from encoded pools alone; None for the
        others, and a function that answers None for a batch it cannot do (non-ASCII
        emails, names the row's siblings do not give as UTF-8)."""
        tag = self.tag
        if tag == "full_name":
            first_col, last_col = self._name_siblings()

            def full(idx: h.I64) -> Utf8Array | None:
                first = self._names_utf8(first_col, "first_name", idx, 1)
                last = self._names_utf8(last_col, "last_name", idx, 2)
                if first is None or last is None:
                    return None
                return text.concat([first, text.constant(" ", len(idx)), last])

            return full
        if tag == "email":
            parts = self._email_parts_utf8

            def email(idx: h.I64) -> Utf8Array | None:
                split = parts(idx)
                if split is None:
                    return None
                return text.concat([split[0], text.constant("@", len(idx)), split[1]])

            return email
        made = self.made()
        if made is not None:
            if made.utf8 is not None:
                return made.utf8
            if made.pool is None:
                return None  # a format of its own: the list path
            pool = text.from_strings(made.pool)
            return lambda idx: self.pick_utf8(pool, idx, made.salt, skew=made.skew)
        words = self.pools.utf8("word")
        return lambda idx: text.concat(
            [
                self.pick_utf8(words, idx, 1),
                text.constant(" ", len(idx)),
                self.pick_utf8(words, idx, 2),
            ]
        )

    def _email_parts_utf8(self, idx: h.I64) -> tuple[Utf8Array, Utf8Array] | None:
        """(local part, domain) of the email `_text_base` makes, or None when not ASCII."""
        first_col, last_col = self._name_siblings()
        first = self._names_utf8(first_col, "first_name", idx, 1)
        last = self._names_utf8(last_col, "last_name", idx, 2)
        if first is None or last is None:
            return None
        local = text.ascii_lower_without_spaces(
            text.concat([first, text.constant(".", len(idx)), last])
        )
        domain = text.ascii_lower_without_spaces(
            self.pick_utf8(self.pools.utf8("email_domain"), idx, 3)
        )
        if local is None or domain is None or text.contains_any(local, b"@"):
            return None  # the list path splits at the first '@'
        return local, domain

    def _names_utf8(self, column: str | None, pool: str, idx: h.I64, salt: int) -> Utf8Array | None:
        fallback = self.pick_utf8(self.pools.utf8(pool), idx, salt)
        if column is None or self.sibling is None:
            return fallback
        if self.sibling_text is None:
            return None
        values = self.sibling_text(column, idx)
        if values is None:
            return None
        return text.choose_rows(values.lengths == 0, fallback, values)

    def _fitted_utf8(
        self, base: Callable[[h.I64], Utf8Array | None], fn: Fn, n: int | None, min_len: int
    ) -> Callable[[h.I64], Utf8Array]:
        """`base` where its values fit [min_len, n] characters; rows that do not (and batches
        `base` cannot do) come from the list path `fn`, which knows how to fit them."""

        def raw(idx: h.I64) -> Utf8Array:
            values = base(idx)
            if values is None:
                return text.from_strings(fn(idx))
            if not min_len and (n is None or int(values.lengths.max(initial=0)) <= n):
                return values  # no more characters than bytes: all fit
            chars = values.char_lengths()
            bad = np.zeros(len(idx), dtype=bool)
            if n is not None:
                bad |= chars > n
            if min_len:
                bad |= chars < min_len
            where = np.flatnonzero(bad)
            return text.splice(values, where, fn(idx[where])) if len(where) else values

        return raw

    def _kind_text(self) -> ColumnGen:
        n = self._max_len()
        min_len = self.rule.min_length or 0
        if n is not None and n < 1:
            return ColumnGen(lambda idx: [""] * len(idx), "empty string", 1)
        if self.rule.pattern is not None:
            return self._pattern(self.rule.pattern, n)
        if self.rule.json is not None:
            return self._kind_json()  # json_valid(col) on a text column (MariaDB's JSON)
        if self.unique:
            return self._unique_text(n)
        base, label = self._text_base()
        if n is not None and n <= 3 and self.match is None:
            # a code column such as char(1) or char(2): short uppercase codes
            width = n
            return ColumnGen(
                lambda idx: [
                    _encode(int(v), _UPPER, width)[-width:]
                    for v in h.choose(self.key, idx, 26**width).tolist()
                ],
                f"{n}-letter code",
            )

        def fn(idx: h.I64) -> Values:
            vals = base(idx)
            if n is not None and max(map(len, vals), default=0) > n:
                vals = [v[:n].rstrip() or v[:n] for v in vals]
            if min_len:
                vals = [v.ljust(min_len, "x") if len(v) < min_len else v for v in vals]
            return vals

        fast = self._text_base_utf8()
        raw = None if fast is None else self._fitted_utf8(fast, fn, n, min_len)
        return ColumnGen(fn, label + (f", max {n} chars" if n else ""), raw=raw)

    def _pattern(self, regex: str, n: int | None) -> ColumnGen:
        if self.unique:
            layout = UniquePattern(regex, n)
            return ColumnGen(
                lambda idx: layout.make(self.key, idx),
                f"matches /{regex}/, row index encoded (unique)",
                layout.capacity,
            )
        gen = PatternGen(regex)
        fitted = UniquePattern(regex, n) if n is not None else None

        def fn(idx: h.I64) -> Values:
            words = h.mix(self.key, idx).tolist()
            out = [gen.make(w) for w in words]
            if fitted is not None and fitted.capacity:
                # a draw longer than the column: a laid-out value that fits (cutting it short
                # could lose the pattern's tail)
                long = [i for i, v in enumerate(out) if len(v) > (n or 0)]
                if long:
                    room = np.uint64(min(fitted.capacity, 1 << 62))
                    spread = h.mix(self.key + 1, idx[long]) % room
                    for i, v in zip(
                        long, fitted.make(self.key, spread.astype(np.int64)), strict=True
                    ):
                        out[i] = v
            return out

        return ColumnGen(fn, f"matches /{regex}/")

    def _unique_text(self, n: int | None) -> ColumnGen:
        """Unique by construction: a readable prefix plus the row index encoded in base 36."""
        made = self.made()
        if made is not None and made.capacity is not None and not self.rule.min_length:
            label = f"{made.label}, distinct per row{self.because()}"
            return ColumnGen(made.fn, label, made.capacity, raw=made.utf8)
        base, label = self._text_base()
        min_len = self.rule.min_length or 0
        if n is not None and n <= 8:
            return self._unique_code(n)
        is_email = self.tag == "email"

        def fn(idx: h.I64) -> Values:
            vals = base(idx)
            out = []
            for v, i in zip(vals, idx.tolist(), strict=True):
                suffix = _encode(int(i), _B36)
                if is_email and "@" in v:
                    local, dom = v.split("@", 1)
                    full = f"{local}.{suffix}@{dom}"
                    if n is None or len(full) <= n:
                        out.append(full)
                        continue
                    room = n - len(suffix) - 2 - len(local) if n else 0
                    if room >= 1:
                        out.append(f"{local}.{suffix}@{dom[:room]}")
                        continue
                    v = local
                full = f"{v}-{suffix}"
                if n is not None and len(full) > n:
                    full = v[: max(0, n - len(suffix) - 1)] + "-" + suffix
                if len(full) < min_len:
                    # pad before the suffix: padding after it could forge another suffix
                    full = full[: -len(suffix) - 1].ljust(min_len - len(suffix) - 1, "x")
                    full += "-" + suffix
                out.append(full)
            return out

        fast = self._text_base_utf8()
        raw = None
        if fast is not None:

            def unique(idx: h.I64) -> Utf8Array | None:
                suffix = text.integers(idx, _B36.encode())
                if is_email:
                    parts = self._email_parts_utf8(idx)
                    if parts is None:
                        return None
                    dot, at = text.constant(".", len(idx)), text.constant("@", len(idx))
                    return text.concat([parts[0], dot, suffix, at, parts[1]])
                values = fast(idx)
                if values is None:
                    return None
                return text.concat([values, text.constant("-", len(idx)), suffix])

            # rows that overflow n take the list path's shortening
            raw = self._fitted_utf8(unique, fn, n, min_len)
        capacity = None if n is None else 36 ** (n - 1)
        return ColumnGen(fn, label + " + unique suffix", capacity, raw=raw)

    def _unique_code(self, width: int) -> ColumnGen:
        """Unique codes of exactly `width` characters, as many as the type allows.

        The first 36**width are digits and capitals; past them each code starts with a letter
        of the column's charset beyond ASCII (CJK ideographs: no case, no accents), followed by
        any code characters. Every character is distinct from the others under case folding
        and accent stripping, and none is a space, so the codes stay distinct under MySQL's
        default collations and a unique index on lower()/upper().
        """
        extra = self._extra_letters()
        small = len(_CODE) ** width
        full = _CODE + extra
        cap = small + len(extra) * len(full) ** (width - 1) if extra else small
        # one permutation whatever the seed, so a later run's rows (past the rows already
        # there) never take a code an earlier run with another seed gave
        order = h.stream_key(0, self.table.name.name, self.column.name)

        def code(idx: h.I64) -> Values:
            perm = h.permute(order, np.minimum(idx, small - 1), small).tolist()
            out = []
            for i, p in zip(idx.tolist(), perm, strict=True):
                if i < small:
                    out.append(_encode(p, _CODE, width))
                    continue
                j = i - small
                tail = _encode(j // len(extra), full, width - 1) if width > 1 else ""
                out.append(extra[j % len(extra)] + tail)
            return out

        return ColumnGen(code, f"{width}-character unique code", cap)

    def _extra_letters(self) -> str:
        """Code characters beyond ASCII that the column's charset holds (none for latin1)."""
        per_char = self.type.max_bytes_per_char
        return _CJK if per_char is None or per_char >= 3 else ""

    def _name_siblings(self) -> tuple[str | None, str | None]:
        """The row's first/last name columns, so a full name or email is that person's: the
        ones of the column's own group (billing_first_name for billing_email), else the
        table's first ones."""
        if self.sibling is None or self.match is None:
            return None, None
        found: dict[str, str] = {}
        for key, name in concepts.group_members(self.table, self.match).items():
            if key in {"first_name", "last_name"} and name != self.column.name:
                found[key] = name
        if len(found) < 2:
            found = {}
            for col in self.table.columns:
                other = concepts.match(self.table, col) if col.type.kind == Kind.TEXT else None
                if other is not None and other.concept.name in {"first_name", "last_name"}:
                    found.setdefault(other.concept.name, col.name)
        if len(found) < 2:
            return None, None
        return found["first_name"], found["last_name"]

    def _names(self, column: str | None, pool: str, idx: h.I64, salt: int) -> list[str]:
        if column is not None and self.sibling is not None:
            vals = self.sibling(column, idx)
            fallback = self.pick(self.pools.get(pool), idx, salt)
            return [v if v else f for v, f in zip(vals, fallback, strict=True)]
        return self.pick(self.pools.get(pool), idx, salt)

    def _kind_tsvector(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            pool = self.pools.get("word")
            a, b, c = (self.pick(pool, idx, s) for s in range(3))
            return [
                " ".join(sorted({x.lower(), y.lower(), z.lower()}))
                for x, y, z in zip(a, b, c, strict=True)
            ]

        return ColumnGen(fn, "words")

    def _kind_xml(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            return [
                f"<note><text>{w}</text></note>" for w in self.pick(self.pools.get("word"), idx)
            ]

        return ColumnGen(fn, "small XML document")

    def _kind_json(self) -> ColumnGen:
        if self.rule.json == "array":
            return self._json_array()

        def fn(idx: h.I64) -> Values:
            words = self.pick(self.pools.get("word"), idx)
            tags = self.pick(self.pools.get("word"), idx, 1)
            scores = (self._u(idx, 2) * 100).astype(int).tolist()
            keys = idx.tolist()
            return [
                json.dumps({"id": k, "source": w, "score": s, "tags": [w, t]})
                for k, w, s, t in zip(keys, words, scores, tags, strict=True)
            ]

        return ColumnGen(fn, "JSON object", None)

    def _json_array(self) -> ColumnGen:
        """CHECK (jsonb_typeof(col) = 'array'): a short list of words."""

        def fn(idx: h.I64) -> Values:
            counts = (self._u(idx, 4) * 4).astype(int).tolist()
            picks = [self.pick(self.pools.get("word"), idx, salt) for salt in range(3)]
            return [json.dumps([p[j] for p in picks[:k]]) for j, k in enumerate(counts)]

        return ColumnGen(fn, "JSON array")

    def _kind_enum(self) -> ColumnGen:
        return (
            self._choices(list(self.type.labels))
            if self.type.labels
            else ColumnGen(lambda idx: [None] * len(idx), "enum without labels", 0)
        )

    def _kind_set(self) -> ColumnGen:
        labels = list(self.type.labels)

        def fn(idx: h.I64) -> Values:
            bits = h.mix(self.key, idx).tolist()
            return [",".join(lab for j, lab in enumerate(labels) if (b >> j) & 1) for b in bits]

        return ColumnGen(fn, "SET subset", 2 ** len(labels))

    def _kind_bit(self) -> ColumnGen:
        n = self.type.length or 1

        def fn(idx: h.I64) -> Values:
            return [
                format(int(v) & ((1 << min(n, 64)) - 1), f"0{n}b")[-n:]
                for v in h.mix(self.key, idx).tolist()
            ]

        return ColumnGen(fn, f"bit({n})", 2 ** min(n, 62))

    # -- binary / identifiers ---------------------------------------------------------------------

    def _uuids(self, idx: h.I64) -> list[uuid.UUID]:
        """Version-4 shaped UUIDs; the low 64 bits are a bijection of the index (unique)."""
        high = h.mix(self.key, idx).tolist()
        low = h.mix(self.key + 17, idx).tolist()
        out = []
        for a, b in zip(high, low, strict=True):
            a = (a & ~0xF000) | 0x4000  # version 4
            b = (b & ~(0xC << 60)) | (0x8 << 60)  # RFC 4122 variant
            out.append(uuid.UUID(int=(a << 64) | b))
        return out

    def _kind_uuid(self) -> ColumnGen:
        # the variant bits take 2 of the 64 bijective bits: 2**62 distinct values remain
        label = "uuid v4" + (" (unique)" if self.unique else "")
        return ColumnGen(self._uuids, label, 2**62 if self.unique else None)

    def _kind_binary(self) -> ColumnGen:
        n = self.type.length
        size = min(n or 16, 16)
        fixed = self.type.fixed_length

        def fn(idx: h.I64) -> Values:
            if self.unique:  # the index itself, big-endian: unique by construction
                out = [int(i).to_bytes(8, "big")[-size:] for i in idx.tolist()]
            else:
                out = [
                    (int(a).to_bytes(8, "big") + int(b).to_bytes(8, "big"))[:size]
                    for a, b in zip(
                        h.mix(self.key, idx).tolist(),
                        h.mix(self.key + 1, idx).tolist(),
                        strict=True,
                    )
                ]
            if fixed and n:
                out = [v.rjust(n, b"\0") for v in out]
            return out

        return ColumnGen(fn, f"{size} bytes", 256 ** min(size, 7))

    def _kind_inet(self) -> ColumnGen:
        if self.type.sql.lower().startswith("inet6"):
            return self._ipv6()

        def fn(idx: h.I64) -> Values:
            if self.unique:
                return [ipaddress.IPv4Address(0x0A000000 + int(i)) for i in idx.tolist()]
            return [
                ipaddress.IPv4Address(0x0A000000 | (int(v) & 0xFFFFFF))
                for v in h.mix(self.key, idx).tolist()
            ]

        return ColumnGen(fn, "IPv4 address", 1 << 24)

    def _ipv6(self) -> ColumnGen:
        """Addresses in the documentation prefix 2001:db8::/32 (MariaDB's INET6 refuses IPv4)."""

        def fn(idx: h.I64) -> Values:
            src = idx.tolist() if self.unique else h.mix(self.key, idx).tolist()
            return [ipaddress.IPv6Address((0x20010DB8 << 96) | (int(v) & (2**64 - 1))) for v in src]

        return ColumnGen(fn, "IPv6 address", 1 << 62)

    def _kind_cidr(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            return [
                ipaddress.IPv4Network(((0x0A000000 | ((int(v) & 0xFFFF) << 8)), 24))
                for v in h.mix(self.key, idx).tolist()
            ]

        return ColumnGen(fn, "IPv4 /24 network", 1 << 16)

    def _kind_macaddr(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            src = idx.tolist() if self.unique else h.mix(self.key, idx).tolist()
            return [":".join(f"{(int(v) >> s) & 255:02x}" for s in range(40, -8, -8)) for v in src]

        return ColumnGen(fn, "MAC address", 1 << 48)

    def _lon_lat(self, idx: h.I64, salt: int = 0) -> list[tuple[float, float]]:
        lon = self._u(idx, 1 + 2 * salt) * 360 - 180
        lat = self._u(idx, 2 + 2 * salt) * 180 - 90
        return list(zip(np.round(lon, 6).tolist(), np.round(lat, 6).tolist(), strict=True))

    def _kind_geometry(self) -> ColumnGen:
        """WKT of the column's geometry type (MySQL/MariaDB spatial types, SQLite text)."""
        shape = self.type.sql.split("(")[0].strip().lower()
        make = _WKT.get(shape, _wkt_point)

        def fn(idx: h.I64) -> Values:
            points = [self._lon_lat(idx, k) for k in range(3)]
            return [make(*corner) for corner in zip(*points, strict=True)]

        return ColumnGen(fn, f"WKT {shape if shape in _WKT else 'point'}")

    def _kind_shape(self) -> ColumnGen:
        """PostgreSQL's own geometric types, as the tuples asyncpg's encoders take."""
        shape = self.type.sql.lower()
        make = _SHAPES.get(shape)
        if make is None:
            return ColumnGen(lambda idx: [None] * len(idx), f"unsupported type {shape}", 0)

        def fn(idx: h.I64) -> Values:
            points = [self._lon_lat(idx, k) for k in range(3)]
            return [make(*corner) for corner in zip(*points, strict=True)]

        return ColumnGen(fn, shape)

    def _kind_tsquery(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            pool = self.pools.get("word")
            a, b = (self.pick(pool, idx, s) for s in range(2))
            return [_lexeme(x) + " & " + _lexeme(y) for x, y in zip(a, b, strict=True)]

        return ColumnGen(fn, "two words, both required")

    def _kind_hstore(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            words = self.pick(self.pools.get("word"), idx)
            scores = (self._u(idx, 2) * 100).astype(int).tolist()
            return [{"source": w, "score": str(n)} for w, n in zip(words, scores, strict=True)]

        return ColumnGen(fn, "hstore of two keys")

    def _kind_ltree(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            pool = self.pools.get("word")
            parts = [self.pick(pool, idx, s) for s in range(3)]
            depth = (self._u(idx, 3) * 3).astype(int).tolist()
            return [
                ".".join(["Top", *(_label(p) for p in path[:d])])
                for d, *path in zip(depth, *parts, strict=True)
            ]

        return ColumnGen(fn, "label path under Top")

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

    # -- time ----------------------------------------------------------------------------------

    def _time_window(self) -> tuple[float, float]:
        """Seconds since the epoch of the default window for this column."""
        ref = REFERENCE_TIME.timestamp()
        if self.tag == "birth":
            return ref - 80 * _YEAR_S, ref - 18 * _YEAR_S
        return ref - 3 * _YEAR_S, ref

    def _seconds(self, idx: h.I64) -> h.F64:
        """Timestamps as epoch seconds, honouring CHECK bounds and partition ranges."""
        r = self.rule
        if r.leaves:
            window = self._time_window()
            spans = [
                (
                    _parse_time(leaf[1]).timestamp() if leaf[1] else window[0],
                    _parse_time(leaf[2]).timestamp() if leaf[2] else window[1],
                )
                if leaf is not None and leaf[0] == "range"
                else window
                for leaf in r.leaves
            ]
            low, high = self._check_seconds()  # leaves are narrowed to the CHECK bounds
            pick = leaf_index(self.table, idx, len(spans))
            lows = np.array([max(s[0], low) for s in spans], dtype=np.float64)[pick]
            highs = np.array([min(s[1], high + 1) for s in spans], dtype=np.float64)[pick]
            return lows + self._u(idx) * (highs - lows - 1)
        lo, hi = self._checked_window()
        sibling = self._chronology_base()
        if sibling is not None and self.sibling is not None:
            base_col, min_gap, mean = sibling
            base_s = self._sibling_seconds(base_col, idx)
            for other in self.follows.bases[1:] if self.follows is not None else ():
                # a NULL event: after the one before it, so the chain still holds
                gone = np.isnan(base_s)
                if not gone.any():
                    break
                base_s = np.where(gone, self._sibling_seconds(other, idx), base_s)
            if mean is None:
                gap = self._u(idx, 3) ** 3 * np.maximum(hi - base_s, 0) + min_gap
            else:
                gap = -np.log1p(-self._u(idx, 3)) * mean + min_gap
            secs = np.where(np.isnan(base_s), lo + self._u(idx) * (hi - lo), base_s + gap)
            if r.high is None:  # an event after the reference time (a row of today) follows
                return np.clip(secs, lo, np.fmax(hi, base_s))
            return np.clip(secs, lo, hi)
        if self.unique:
            # a minute apart, or further when a key keeps only days (date(created_at))
            return lo + idx.astype(np.float64) * max(60.0, float(r.unique_step or 0))
        if self.anchor is not None and r.low is None and r.high is None:
            # after the parent row's creation: an order comes after its user signed up
            base_s = self.anchor(idx)
            start = np.where(np.isnan(base_s), lo, np.maximum(base_s, lo))
            secs = start + 60.0 + self._u(idx, 5) ** 1.5 * np.maximum(hi - start - 60.0, 0)
            # after the reference time only behind a parent born later (a row of today)
            return np.minimum(secs, np.maximum(hi, start + 60.0))
        skew = 0.6 if self.tag in {"created", "ordered"} else 1.0
        return hi - (self._u(idx) ** skew) * (hi - lo)

    def _checked_window(self) -> tuple[float, float]:
        """The default window narrowed to the CHECK bounds (a birth date <= CURRENT_DATE stays
        18-80 years back, created_at < '2030-01-01' stays in the past); a year at the bound
        when they leave none of it."""
        lo, hi = self._time_window()
        low, high = self._check_seconds()
        a, b = max(lo, low), min(hi, high)
        if a < b:
            return a, b
        if math.isfinite(low) and math.isfinite(high):
            return low, high
        if math.isfinite(low):
            return low, low + _YEAR_S
        return high - _YEAR_S, high

    def _check_seconds(self) -> tuple[float, float]:
        """The CHECK bounds as inclusive epoch seconds (infinite where there is none)."""
        r = self.rule
        low = -math.inf if r.low is None else _parse_time(r.low).timestamp() + (not r.low_inclusive)
        high = (
            math.inf if r.high is None else _parse_time(r.high).timestamp() - (not r.high_inclusive)
        )
        return low, high

    def _sibling_seconds(self, column: str, idx: h.I64) -> h.F64:
        """Another time column of the row as epoch seconds (NaN where NULL)."""
        if self.sibling_seconds is not None:
            fast = self.sibling_seconds(column, idx)
            if fast is not None:
                return fast
        assert self.sibling is not None
        return seconds_of(self.sibling(column, idx))

    def _chronology_base(self) -> tuple[str, float, float | None] | None:
        """The earlier event this column follows, the least gap and the typical gap (None:
        spread over the time left); from a CHECK ordering the two, else the row's timeline."""
        if self.rule.after is not None:
            strict_gap = 1.0 if self.type.kind == Kind.TIMESTAMP else 86400.0
            return self.rule.after, strict_gap if self.rule.after_strict else 0.0, None
        if self.follows is None or not self.follows.bases:
            return None
        gap = 1.0 if self.type.kind == Kind.TIMESTAMP else 0.0
        return self.follows.bases[0], gap, self.follows.mean_gap

    def _time_label(self) -> str:
        if self.rule.leaves:
            return f"within {len(self.rule.leaves)} partitions"
        if self.rule.low is not None or self.rule.high is not None:
            return f"CHECK range [{self.rule.low or ''}, {self.rule.high or ''}]"
        follows = self._chronology_base()
        what = self.tag or "an event of the row"  # last_used_at: no tag, ordered all the same
        if follows:
            return f"{what}, after {follows[0]}"
        if self.anchor is not None:
            return f"{what}, after the parent row's creation"
        return self.tag or "last 3 years"

    def _kind_timestamp(self) -> ColumnGen:
        tz = self.type.timezone
        precision = self.type.precision if self.type.precision is not None else 6

        def raw(idx: h.I64) -> np.ndarray:
            micros = np.floor(self._seconds(idx) * 1e6).astype(np.int64)
            if precision < 6:
                q = 10 ** (6 - precision)
                micros = micros // q * q
            return micros

        def fn(idx: h.I64) -> Values:
            micros = raw(idx)
            if tz:
                # fromtimestamp rounds to the nearest microsecond, which float64 seconds in
                # this era resolve: exact, and 3x faster than naive values .replace()d
                return [_from_epoch(v, dt.UTC) for v in (micros / 1e6).tolist()]
            naive: Values = micros.astype("datetime64[us]").astype(object).tolist()
            return naive

        return ColumnGen(
            fn,
            f"timestamp ({self._time_label()})",
            2**40 if self.unique else None,
            seconds=self._seconds,
            raw=raw,
        )

    def _kind_date(self) -> ColumnGen:
        days = max(1, (self.rule.unique_step or 0) // 86400)  # a key on date_trunc('month', d)

        def raw(idx: h.I64) -> np.ndarray:
            if self.unique:
                return (self._time_window()[0] // 86400 + idx * days).astype(np.int64)
            return np.floor(self._seconds(idx) / 86400).astype(np.int64)

        def fn(idx: h.I64) -> Values:
            dates: Values = raw(idx).astype("datetime64[D]").astype(object).tolist()
            return dates

        return ColumnGen(
            fn,
            f"date ({self._time_label()})",
            40000 // days if self.unique else None,
            # midnight UTC, as a later event of the row reads it (due_on after issued_on)
            seconds=lambda idx: raw(idx) * 86400.0,
            raw=raw,
        )

    def _kind_time(self) -> ColumnGen:
        tz = self.type.timezone

        def fn(idx: h.I64) -> Values:
            secs = (self._u(idx) * 86400).astype(np.int64).tolist()
            if self.unique:
                secs = idx.tolist()
            return [
                dt.time(s // 3600 % 24, s // 60 % 60, s % 60, tzinfo=dt.UTC if tz else None)
                for s in secs
            ]

        return ColumnGen(fn, "time of day", 86400)

    def _kind_interval(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            mins = (self._u(idx) ** 2 * 60 * 24 * 14).astype(np.int64).tolist()
            if self.unique:
                mins = idx.tolist()
            return [dt.timedelta(minutes=m) for m in mins]

        return ColumnGen(fn, "interval up to 14 days")

    def _kind_year(self) -> ColumnGen:
        lo, hi = self.int_range()
        lo, hi = max(lo, 1950), min(hi, 2026) if hi >= 1950 else hi
        if self.unique:
            return ColumnGen(lambda idx: (idx + lo).tolist(), "sequential year", hi - lo + 1)
        return ColumnGen(
            lambda idx: h.integers(self.key, idx, lo, hi).tolist(), f"year in [{lo}, {hi}]"
        )

    def _range(self, element: ColumnType) -> ColumnGen:
        """[lower, upper): two draws of the subtype, ordered, never empty."""
        inner_col = Column(self.column.name, element, nullable=False)
        inner = Builder(self.pools, 0, self.table, inner_col, None, unique=False).build()
        key = self.key

        def fn(idx: h.I64) -> Values:
            a = inner(idx * 2 + np.int64(key % 1009))
            b = inner(idx * 2 + 1 + np.int64(key % 1009))
            out = []
            for x, y in zip(a, b, strict=True):
                lo, hi = (x, y) if x <= y else (y, x)
                if lo == hi:
                    hi = _successor(hi)
                out.append((lo, hi))
            return out

        return ColumnGen(fn, f"range of {inner.label}")

    # -- arrays --------------------------------------------------------------------------------

    def _array(self, element: ColumnType) -> ColumnGen:
        inner_col = Column(self.column.name, element, nullable=False)
        inner = Builder(self.pools, 0, self.table, inner_col, None, unique=False).build()
        inner_key = self.key

        def fn(idx: h.I64) -> Values:
            counts = (self._u(idx, 9) * 4).astype(np.int64).tolist()
            out = []
            for i, k in zip(idx.tolist(), counts, strict=True):
                sub = np.arange(k, dtype=np.int64) + np.int64(i * 4) + np.int64(inner_key % 997)
                out.append(inner(sub) if k else [])
            return out

        return ColumnGen(fn, f"array of {inner.label}")


def collation_key(value: Any) -> Any:
    """A text key as collations compare it: case and trailing spaces ignored."""
    return value.casefold().rstrip() if isinstance(value, str) else value


def _nearest_allowed(value: int, banned: set[Any], lo: int, hi: int) -> int:
    """The integer of [lo, hi] nearest to `value` that is not banned (value if none is)."""
    for step in range(1, len(banned) + 2):
        for v in (value + step, value - step):
            if lo <= v <= hi and v not in banned:
                return v
    return value


Point = tuple[float, float]


def _wkt_point(a: Point, b: Point, c: Point) -> str:
    return f"POINT({a[0]} {a[1]})"


def _ring(a: Point, b: Point, c: Point) -> str:
    """A closed triangle; a degenerate (collinear) one is still a valid polygon for MySQL."""
    return ", ".join(f"{x} {y}" for x, y in (a, b, c, a))


_WKT: dict[str, Callable[[Point, Point, Point], str]] = {
    "point": _wkt_point,
    "geometry": _wkt_point,
    "linestring": lambda a, b, c: f"LINESTRING({a[0]} {a[1]}, {b[0]} {b[1]})",
    "polygon": lambda a, b, c: f"POLYGON(({_ring(a, b, c)}))",
    "multipoint": lambda a, b, c: f"MULTIPOINT({a[0]} {a[1]}, {b[0]} {b[1]})",
    "multilinestring": lambda a, b, c: f"MULTILINESTRING(({a[0]} {a[1]}, {b[0]} {b[1]}))",
    "multipolygon": lambda a, b, c: f"MULTIPOLYGON((({_ring(a, b, c)})))",
    "geometrycollection": lambda a, b, c: f"GEOMETRYCOLLECTION(POINT({a[0]} {a[1]}))",
    "geomcollection": lambda a, b, c: f"GEOMETRYCOLLECTION(POINT({a[0]} {a[1]}))",
}

_SHAPES: dict[str, Callable[[Point, Point, Point], Any]] = {
    "point": lambda a, b, c: a,
    # a x + b y + c = 0 through two points; a vertical offset keeps it from being degenerate
    "line": lambda a, b, c: (b[1] - a[1], a[0] - b[0] - 1.0, a[1] * (b[0] + 1.0) - a[0] * b[1]),
    "lseg": lambda a, b, c: (a, b),
    "box": lambda a, b, c: (a, b),
    "path": lambda a, b, c: (a, b, c),
    "polygon": lambda a, b, c: (a, b, c),
    "circle": lambda a, b, c: (a, abs(b[1]) / 10 + 0.5),
}


def _label(word: str) -> str:
    """A word as an ltree label: letters, digits and underscores only."""
    return re.sub(r"[^A-Za-z0-9_]", "_", word) or "x"


def _lexeme(word: str) -> str:
    """A word as a quoted tsquery operand."""
    return "'" + word.lower().replace("'", "''").replace("\\", "\\\\") + "'"


def _range_edge(lo: int | None, hi: int | None) -> int:
    """Where distinct values start in [lo, hi): at lo, else just below hi, else at 0."""
    return lo if lo is not None else hi - 1 if hi is not None else 0


def _all_ranges(leaves: tuple[LeafBound | None, ...]) -> bool:
    """Whether every leaf bounds the column by a range (not a list, not unbounded)."""
    return all(leaf is not None and leaf[0] == "range" for leaf in leaves)


def _within(value: Any, lo: Any, hi: Any, u: float) -> Any:
    """`value` if it lies in [lo, hi), else a point of that range drawn from u."""
    if (lo is None or value >= lo) and (hi is None or value < hi):
        return value
    if lo is not None and hi is not None:
        span = hi - lo
        if isinstance(lo, int):
            return lo + int(u * span)
        return lo + span * type(span)(u) if not isinstance(span, dt.timedelta) else lo + span * u
    return lo if lo is not None else _predecessor(hi)


def _predecessor(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value - dt.timedelta(seconds=1)
    if isinstance(value, dt.date):
        return value - dt.timedelta(days=1)
    return value - 1


def _successor(value: Any) -> Any:
    """A value just above `value`, so that [value, successor) is not empty."""
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(seconds=1)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, Decimal):
        return value + 1
    return value + 1


def seconds_of(values: Values) -> h.F64:
    return np.array([_to_seconds(v) if v is not None else np.nan for v in values])


def _to_seconds(value: Any) -> float:
    if isinstance(value, dt.datetime):
        v = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return (v - _EPOCH).total_seconds()
    if isinstance(value, dt.date):
        return (
            dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC) - _EPOCH
        ).total_seconds()
    return float("nan")
