"""Numpy columns as Python values: the same values as the per-value conversions they replace."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from fastseed.generate.canonical import decimals, utc_datetimes, with_nulls

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_FIRST = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
_LAST = dt.datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)


def _micros(t: dt.datetime) -> int:
    return (t - _EPOCH) // dt.timedelta(microseconds=1)


def test_utc_datetimes_are_exact_over_datetimes_range() -> None:
    rng = np.random.default_rng(0)
    edges = [_FIRST, _LAST, _EPOCH, dt.datetime(2000, 2, 29, 23, 59, 59, 999_999, tzinfo=dt.UTC)]
    edges += [
        dt.datetime(y, 3, 1, tzinfo=dt.UTC) - dt.timedelta(microseconds=1)
        for y in (1900, 2100, 2400)
    ]
    low, high = _micros(_FIRST), _micros(_LAST)
    near = [_micros(t) + d for t in edges for d in (-1, 0, 1)]
    micros = np.array(
        [m for m in near if low <= m <= high] + rng.integers(low, high, 100_000).tolist(),
        dtype=np.int64,
    )
    got = utc_datetimes(micros)
    assert got == [_EPOCH + dt.timedelta(microseconds=v) for v in micros.tolist()]
    assert {t.tzinfo for t in got} == {dt.UTC}
    assert utc_datetimes(np.zeros(0, dtype=np.int64)) == []


def test_utc_datetimes_are_fromtimestamps_of_this_era() -> None:
    """fromtimestamp of float seconds (the conversion before) is exact in this era."""
    micros = np.random.default_rng(1).integers(-(10**15), 4 * 10**15, 100_000)
    expected = [dt.datetime.fromtimestamp(v, dt.UTC) for v in (micros / 1e6).tolist()]
    assert utc_datetimes(micros) == expected


def test_utc_datetimes_outside_datetimes_years_fail_as_before() -> None:
    """fromtimestamp's error, not a datetime made of wrapped fields."""
    with pytest.raises((ValueError, OverflowError)):
        utc_datetimes(np.array([0, _micros(_LAST) + 1], dtype=np.int64))
    with pytest.raises((ValueError, OverflowError)):
        utc_datetimes(np.array([_micros(_FIRST) - 86_400_000_000], dtype=np.int64))


@pytest.mark.parametrize("scale", [-3, 0, 1, 2, 6, 12])
def test_decimals_are_the_scaled_integers(scale: int) -> None:
    values = np.random.default_rng(scale + 5).integers(-(10**18), 10**18, 5000)
    values[:4] = [0, 1, -1, 100]
    got = decimals(values, scale)
    expected = [Decimal(v).scaleb(-scale) for v in values.tolist()]
    assert [d.as_tuple() for d in got] == [d.as_tuple() for d in expected]


def test_with_nulls_copies_only_when_a_row_is_null() -> None:
    values = [1, 2, 3]
    assert with_nulls(values, None) is values
    assert with_nulls(values, np.zeros(3, dtype=bool)) is values
    assert with_nulls(values, np.array([True, False, True])) == [None, 2, None]
    assert values == [1, 2, 3]
