"""Timestamps, dates, times of day, intervals and years, on the row's timeline."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from fastseed.generate import hashing as h
from fastseed.generate.canonical import utc_datetimes
from fastseed.generate.kinds.base import BuilderBase, ColumnGen, Values, _parse_time, array_gen
from fastseed.generate.rules import leaf_index
from fastseed.schema import Kind

# Fixed reference time: "now" for generated timestamps, so a seed gives the same data any day.
REFERENCE_TIME = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


_YEAR_S = 365.25 * 86400


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


class Temporal(BuilderBase):
    """Time columns: a window, CHECK bounds, and the earlier events a value follows."""

    def _time_window(self) -> tuple[float, float]:
        """Seconds since the epoch of the default window for this column."""
        ref = REFERENCE_TIME.timestamp()
        if self.tag == "birth":
            return ref - 80 * _YEAR_S, ref - 18 * _YEAR_S
        return ref - 3 * _YEAR_S, ref

    def _seconds(self, idx: h.I64) -> h.F64:
        """Timestamps as epoch seconds, honouring CHECK bounds and partition ranges, and
        earlier than the column a CHECK keeps this one before (`ColumnRule.before`)."""
        secs = self._drawn_seconds(idx)
        later = self._later_event()
        if later is None or self.sibling is None:
            return secs
        column, min_gap = later
        top = self._sibling_seconds(column, idx) - min_gap
        late = secs > top  # NaN (the later event NULL) compares False: no bound
        if not late.any():
            return secs
        lo = self._checked_window()[0]
        below = top - self._u(idx, 6) ** 3 * np.maximum(top - lo, 0.0)
        out: h.F64 = np.where(late, below, secs)
        return out

    def _later_event(self) -> tuple[str, float] | None:
        """The column this one must come before (CHECK (this < that) on a key `that`, which
        keeps its own values) and the least gap: a day for a strict order between dates."""
        if self.rule.before is None:
            return None
        return self.rule.before, self._strict_gap() if self.rule.before_strict else 0.0

    def _strict_gap(self) -> float:
        """The least gap of a strict order (a < b): a second, or a day between dates."""
        return 1.0 if self.type.kind == Kind.TIMESTAMP else 86400.0

    def _drawn_seconds(self, idx: h.I64) -> h.F64:
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
                # ...at its least gap: a date after a unique date past `hi` is a day later
                return np.clip(secs, lo, np.fmax(hi, base_s + min_gap))
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
            return self.rule.after, self._strict_gap() if self.rule.after_strict else 0.0, None
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
        later = self._later_event()
        if later:
            return f"{self.tag or 'last 3 years'}, before {later[0]}"
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
                return utc_datetimes(micros)
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
        first, step, count = self._date_sequence(days) if self.unique else (0, days, None)

        def raw(idx: h.I64) -> np.ndarray:
            if self.unique:
                return (first + idx * step).astype(np.int64)
            return np.floor(self._seconds(idx) / 86400).astype(np.int64)

        def fn(idx: h.I64) -> Values:
            dates: Values = raw(idx).astype("datetime64[D]").astype(object).tolist()
            return dates

        label = self._time_label()
        if self.unique and self.rule.after is not None:
            label = f"in sequence, after {self.rule.after}'s window"
        return ColumnGen(
            fn,
            f"date ({label})",
            count,
            # the moment within the day, as later events of the row read it: an invoice
            # issued on the day of its order is paid after the order, not after midnight
            seconds=(lambda idx: raw(idx) * 86400.0) if self.unique else self._seconds,
            raw=raw,
        )

    def _date_sequence(self, days: int) -> tuple[int, int, int]:
        """A unique date's sequence: (first day, step in days, how many fit), within its
        CHECK bounds: upward from the window's start, or from the CHECK's lower bound;
        downward from the upper bound when only that is set (d < '2020-01-01': the days
        before it); after the window when a CHECK keeps it after another key of the row
        (neither can move to follow the other)."""
        low, high = self._check_seconds()
        window = self._time_window()
        most = 40000 // days
        if self.rule.after is not None:
            return math.floor(window[1] / 86400) + 1, days, most
        top = math.floor(high / 86400) if math.isfinite(high) else None
        if math.isfinite(low):
            start = math.ceil(self._checked_window()[0] / 86400)
            room = most if top is None else max(0, (top - start) // days + 1)
            return start, days, min(most, room)
        if top is None:
            return math.floor(window[0] / 86400), days, most
        return min(top, math.floor(window[1] / 86400)), -days, most

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
            return array_gen(lambda idx: idx + lo, "sequential year", hi - lo + 1)
        return array_gen(lambda idx: h.integers(self.key, idx, lo, hi), f"year in [{lo}, {hi}]")
