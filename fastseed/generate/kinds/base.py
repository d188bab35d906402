"""What every column generator shares: the built generator (`ColumnGen`), and the state
and helpers of the Builder (the column, its rule, its random stream, its concept)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from fastseed.generate import concepts, text
from fastseed.generate import hashing as h
from fastseed.generate.classify import classify
from fastseed.generate.concepts.kit import take
from fastseed.generate.overrides import range_rule
from fastseed.generate.pools import Pools
from fastseed.generate.rules import ColumnRule
from fastseed.generate.text import Utf8Array
from fastseed.generate.timeline import Follow
from fastseed.scenario import ColumnSpec
from fastseed.schema import Column, Kind, Table

Values = list[Any]
Fn = Callable[[h.I64], Values]


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
    days for dates, int64 scaled by 10**raw_scale for decimals; text as a Utf8Array; a
    (rows, width) uint8 matrix of each value's bytes for the kinds of `batch.FROM_BYTES`
    (binary; uuid: 16; inet: 4 or 16; cidr: the address then the prefix length; macaddr)."""
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


def _parse_time(text: str) -> dt.datetime:
    t = text.strip()
    if len(t) > 3 and t[-3] in "+-" and t[-2:].isdigit():
        t += ":00"
    value = dt.datetime.fromisoformat(t)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class BuilderBase:
    """The column being built and the helpers every kind of value uses."""

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
        birth: Callable[[h.I64], h.F64] | None = None,
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
        self.birth = birth
        """The row's birth time (created_at...) as epoch seconds, for columns that follow it
        without being time columns (a card's expiry); None when the table has none."""
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
        room = self._max_len()
        if self.match is not None and room is not None and room < self.match.concept.min_len:
            # a CHECK narrows the column below the concept's shortest value (varchar(3) with
            # char_length(rank) = 2: no tier name fits): the column's length rules instead
            self.match = None
        self._made: concepts.Made | None = None

    def _u(self, idx: h.I64, salt: int = 0) -> h.F64:
        return h.uniform(self.key + salt, idx)

    def pick(self, pool: list[str], idx: h.I64, salt: int = 0, skew: bool = False) -> list[str]:
        weights = skew_weights(len(pool)) if skew else None
        return take(pool, h.choose(self.key + salt, idx, len(pool), weights))

    def pick_utf8(
        self, pool: Utf8Array, idx: h.I64, salt: int = 0, skew: bool = False
    ) -> Utf8Array:
        """`pick` without Python strings: the same choice of pool entries."""
        weights = skew_weights(len(pool)) if skew else None
        return pool.take(h.choose(self.key + salt, idx, len(pool), weights))

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

    def _listed_raw(self, items: list[Any], weights: h.F64 | None) -> Callable[[h.I64], Any] | None:
        """The picks of `_choices` and `_sampled` (weighted; None: the i-th item for row i),
        as one array when the items are text or integers of an integer column."""
        taken = self._items_raw(items)
        if taken is None:
            return None
        if weights is None:
            return taken
        return lambda idx: taken(h.choose(self.key, idx, len(items), weights))

    def _items_raw(self, items: list[Any]) -> Callable[[h.I64], Any] | None:
        """items[i] for each position i, as the raw form of the column's values."""
        if items and all(isinstance(x, str) for x in items):
            pool = text.from_strings(items)
            return pool.take
        integer = self.type.kind in {Kind.INTEGER, Kind.YEAR}
        if items and integer and all(type(x) is int and -(2**63) <= x < 2**63 for x in items):
            values = np.array(items, dtype=np.int64)
            return lambda positions: values[positions]
        return None

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

    def num_bounds(self, default: tuple[float, float]) -> tuple[float, float]:
        """`default` (the plausible span of what the column holds) within the type's and
        the CHECKs' bounds; where they do not meet (a rating of 1-5 that a CHECK puts in
        8-48), the bounds alone, 1000 wide where one side is open (as for integers)."""
        p, s = self.type.precision, self.type.scale or 0
        cap = 10.0 ** (p - s) - 10.0 ** (-s) if p is not None else math.inf
        r = self.rule
        step = 10.0 ** (-s) if p is not None else 0.001
        low, high = -cap, cap
        if r.low is not None:
            low = max(low, float(r.low) + (0 if r.low_inclusive else step))
        if r.high is not None:
            high = min(high, float(r.high) - (0 if r.high_inclusive else step))
        lo, hi = max(default[0], low), min(default[1], high)
        if lo > hi:
            if math.isfinite(low):
                lo, hi = low, min(high, low + 1000)
            else:
                lo, hi = max(low, high - 1000), high
        if lo > hi:  # the bounds contradict each other: the plan says so
            lo = hi
        return lo, hi

    def _max_len(self) -> int | None:
        n = self.type.length
        if self.rule.max_length is not None:
            n = min(n or self.rule.max_length, self.rule.max_length)
        return n

    def concept_ctx(self, found: concepts.Match, length: int | None, fixed: bool) -> concepts.Ctx:
        """What the column's concept generator may use (its group's key, its siblings)."""
        return concepts.Ctx(
            pools=self.pools,
            seed=self.seed,
            key=self.key,
            group_key=self._group_key(found),
            length=length,
            fixed=fixed,
            table=self.table,
            column=self.column,
            siblings=concepts.group_members(self.table, found),
            sibling=self.sibling,
            locale=self.pools.locale,
            birth=self.birth,
            sibling_text=self.sibling_text,
        )

    def _group_key(self, found: concepts.Match) -> int:
        """Shared by the columns of one person, address, card, file in a row."""
        group = found.concept.group or found.concept.name
        return h.stream_key(self.seed, self.table.name.name, "group", group, found.prefix)

    def because(self) -> str:
        """' (concept NAME: why)' for labels, '' when no concept was recognised."""
        found = self.match
        return "" if found is None else f" (concept {found.concept.name}: {found.why})"
