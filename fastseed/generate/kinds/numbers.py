"""Integers, decimals, floats and booleans: plausible ranges per concept, flags."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np

from fastseed.generate import distributions
from fastseed.generate import hashing as h
from fastseed.generate.canonical import decimals
from fastseed.generate.kinds.base import ColumnGen, Values, array_gen
from fastseed.generate.kinds.checks import Checks


class Numbers(Checks):
    """Integer, numeric, money, float and boolean columns."""

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
        soft = self._plausible()
        a, b = max(lo, int(soft[0])), min(hi, int(soft[1]))
        if a > b:
            a, b = lo, min(hi, lo + 1000)
        power = 2.5 if self._low_heavy() else 1.0
        span = b - a
        placed = self._placed()
        if placed is not None:
            return array_gen(
                lambda idx: np.clip(np.round(placed(idx, a, b)), a, b).astype(np.int64),
                f"{tag} of the row's {self._group()} in [{a}, {b}]{self.because()}",
            )

        def raw(idx: h.I64) -> np.ndarray:
            return np.floor(self._u(idx) ** power * (span + 1)).astype(np.int64) + a

        return array_gen(raw, f"{tag or 'integer'} in [{a}, {b}]")

    def _plausible(self) -> tuple[float, float]:
        """The range the column's number concept gives its values, else [0, 1000]."""
        found = self.match
        span = None if found is None else found.concept.span
        return (0, 1000) if span is None else span

    def _low_heavy(self) -> bool:
        """Small values common, large ones rare (amounts, quantities)."""
        return self.match is not None and self.match.concept.low_heavy

    def _flag_numbers(self, lo: int, hi: int) -> ColumnGen:
        p = self._true_share()
        return array_gen(
            lambda idx: np.where(self._u(idx) < p, min(1, hi), max(0, lo)).astype(np.int64),
            f"flag ({p:.0%} true)",
        )

    def _true_share(self) -> float:
        share = distributions.true_share(self.match)
        return 0.5 if share is None else share

    def _kind_boolean(self) -> ColumnGen:
        if self.unique:
            return array_gen(lambda idx: idx % 2 == 1, "boolean (unique)", 2)
        p = self._true_share()
        return array_gen(lambda idx: self._u(idx) < p, f"boolean ({p:.0%} true)")

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
        default = self._plausible()
        lo, hi = self.num_bounds(default)
        log_scale = self._low_heavy() and lo > 0
        placed = self._placed()

        def raw(idx: h.I64) -> np.ndarray:
            u = self._u(idx)
            x: h.F64
            if placed is not None:
                x = placed(idx, lo, hi)
            elif log_scale:
                x = np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
            else:
                x = lo + u * (hi - lo)
            x = np.clip(np.round(x, s), lo, hi)
            return np.round(x * 10.0**s).astype(np.int64)

        def fn(idx: h.I64) -> Values:
            return decimals(raw(idx), s)  # exact: the scaled integer, shifted back

        label = f"{tag or 'decimal'} in [{lo:g}, {hi:g}] scale {s}"
        if placed is not None:
            label = f"{tag} of the row's {self._group()}, scale {s}{self.because()}"
        return ColumnGen(fn, label, raw=raw, raw_scale=s)

    _kind_money = _kind_numeric

    def _placed(self) -> Callable[[h.I64, float, float], h.F64] | None:
        """Values the row's group decides (`Concept.placed`): coordinates in the address's
        country, a file's size for its type, a card's expiry."""
        found = self.match
        place = None if found is None else found.concept.placed
        if found is None or place is None:
            return None
        ctx = self.concept_ctx(found, None, False)
        return lambda idx, lo, hi: place(ctx, idx, lo, hi)

    def _group(self) -> str:
        found = self.match
        return "row" if found is None else found.concept.group or found.concept.name

    def _kind_float(self) -> ColumnGen:
        tag = self.tag
        default = self._plausible()
        r = self.rule
        lo = float(r.low) if r.low is not None else default[0]
        hi = float(r.high) if r.high is not None else default[1]
        if self.unique:
            return array_gen(
                lambda idx: idx.astype(np.float64) + max(lo, 0) + 1, "sequential float", 2**53
            )
        span = hi - lo
        margin = span * 1e-6
        placed = self._placed()

        def raw(idx: h.I64) -> np.ndarray:
            if placed is not None:
                return np.clip(np.round(placed(idx, lo, hi), 6), lo, hi)
            return np.round(lo + margin + self._u(idx) * (span - 2 * margin), 4)

        if placed is not None:
            return array_gen(raw, f"{tag} of the row's {self._group()}{self.because()}")
        return array_gen(raw, f"{tag or 'float'} in [{lo:g}, {hi:g}]")
