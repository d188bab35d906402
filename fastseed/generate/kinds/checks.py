"""CHECK constraints and partition bounds on generated values: excluded values, columns
ordered against each other, CHECK lists, unique keys that step over values, range leaves."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np

from fastseed.generate import distributions, text
from fastseed.generate import hashing as h
from fastseed.generate.kinds.base import BuilderBase, ColumnGen, Values, array_gen, skew_weights
from fastseed.generate.rules import LeafBound, leaf_index
from fastseed.generate.text import Utf8Array
from fastseed.schema import Kind

_ORDERED_NUMBERS = {Kind.INTEGER, Kind.NUMERIC, Kind.FLOAT, Kind.MONEY}


def collation_key(value: Any) -> Any:
    """A text key as collations compare it: case and trailing spaces ignored."""
    return value.casefold().rstrip() if isinstance(value, str) else value


def _swapping_text(
    raw: Callable[[h.I64], Utf8Array], rank: dict[Any, int], spare: list[Any]
) -> Callable[[h.I64], Utf8Array]:
    """`_skipping`'s swap on column-wise text. Case folding never shortens a value, so only a
    row of at most the longest excluded value's characters, or one ending in whitespace
    (which collations ignore) or in a non-ASCII byte (Unicode has more whitespace), can
    fold to an excluded value: those rows alone are decoded and looked up."""
    longest = max(len(k) for k in rank)

    def swapped(idx: h.I64) -> Utf8Array:
        out = raw(idx)
        maybe = out.char_lengths() <= longest
        data, lengths = out.data, out.lengths
        if len(data):
            last = data[np.maximum(out.offsets[1:] - 1, 0)]
            maybe |= (lengths > 0) & ((last <= 0x20) | (last >= 0x80))
        rows = np.flatnonzero(maybe)
        if not len(rows):
            return out
        hits = [
            (row, spare[rank[key]])
            for row, value in zip(rows.tolist(), out.take(rows).tolist(), strict=True)
            if (key := collation_key(value)) in rank
        ]
        if not hits:
            return out
        positions, values = zip(*hits, strict=True)
        return text.splice(out, np.array(positions, dtype=np.int64), values)

    return swapped


def _nearest_allowed(value: int, banned: set[Any], lo: int, hi: int) -> int:
    """The integer of [lo, hi] nearest to `value` that is not banned (value if none is)."""
    for step in range(1, len(banned) + 2):
        for v in (value + step, value - step):
            if lo <= v <= hi and v not in banned:
                return v
    return value


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


class Checks(BuilderBase):
    """Generators shaped by the CHECK rules and partition bounds of the column."""

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

    def _sampled(self, values: tuple[Any, ...], counts: tuple[int, ...]) -> ColumnGen:
        weights = np.array(counts, dtype=np.float64)
        pool = list(values)

        def fn(idx: h.I64) -> Values:
            return [pool[i] for i in h.choose(self.key, idx, len(pool), weights).tolist()]

        raw = self._listed_raw(pool, weights)
        return ColumnGen(fn, f"sampled from {len(pool)} existing values", len(pool), raw=raw)

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
        ranked = distributions.privilege_weights(self.match, items)
        if ranked is not None:  # roles: the least privileged common, owners rare
            items = ranked[0]
        typed = [self.typed(x) for x in items]
        if self.unique:
            return ColumnGen(
                lambda idx: [typed[i] for i in idx.tolist()],
                "CHECK list (unique)",
                len(typed),
                raw=self._listed_raw(typed, None),
            )
        weights = skew_weights(len(typed))
        if ranked is not None:
            weights = np.array(ranked[1], dtype=np.float64) / sum(ranked[1])

        def fn(idx: h.I64) -> Values:
            return [typed[i] for i in h.choose(self.key, idx, len(typed), weights).tolist()]

        raw = self._listed_raw(typed, weights)
        return ColumnGen(fn, "CHECK/enum list, skewed", len(typed), raw=raw)

    def _skipping(self, gen: ColumnGen, banned: set[Any]) -> ColumnGen:
        """A unique generator that never gives an excluded value (`code NOT IN (...)`).

        The top 2k positions of its capacity (k excluded values) are held in reserve: at most
        k of them are excluded, so at least k allowed values remain there, and the j-th
        excluded value (in sorted order) becomes the j-th of them. Rows use the positions
        below the reserve only, so every value stays distinct; the capacity shrinks by 2k.
        Text made column-wise stays so; other kinds go through Python lists (a rare shape: a
        CHECK excluding values of a key)."""
        fold = collation_key if self.type.kind == Kind.TEXT else (lambda v: v)
        rank = {fold(v): j for j, v in enumerate(sorted(banned, key=str))}
        size = 2 * len(rank)
        # rows never reach 2**40 positions: a wider capacity (varchar(40): 36**39) keeps its
        # reserve there, within int64
        top = min(gen.capacity, 1 << 40) if gen.capacity is not None else 1 << 40
        if top < size:
            return ColumnGen(gen.fn, gen.label, 0)
        base = gen.fn
        spare = [v for v in base(np.arange(top - size, top, dtype=np.int64)) if fold(v) not in rank]

        def fn(idx: h.I64) -> Values:
            return [spare[rank[f]] if (f := fold(v)) in rank else v for v in base(idx)]

        label = f"{gen.label}, not {', '.join(map(str, sorted(banned, key=str)))}"
        capacity = None if gen.capacity is None else gen.capacity - size
        raw = None  # numbers and times: the list path (seconds would miss the swap too)
        if gen.raw is not None and self.type.kind == Kind.TEXT:
            raw = _swapping_text(gen.raw, rank, spare)
        return ColumnGen(fn, label, capacity, raw=raw)

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
