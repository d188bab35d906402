"""Numpy columns as the canonical Python values drivers take (aware datetimes, Decimals), and
NULLs put into a list: one call per column, no Python-level work per value beyond making it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]

_DAY_US = 86_400_000_000
_EPOCH_DAYS = dt.date(1970, 1, 1).toordinal()
_LOW_US = (dt.date(1, 1, 1).toordinal() - _EPOCH_DAYS) * _DAY_US
_HIGH_US = (dt.date(9999, 12, 31).toordinal() + 1 - _EPOCH_DAYS) * _DAY_US - 1
"""Microseconds since the epoch of datetime's first and last instant."""


def utc_datetimes(micros: I64) -> list[dt.datetime]:
    """Microseconds since the epoch as aware UTC datetimes, exactly.

    Each is made from datetime's pickled form (10 bytes: year in two, month, day, hour,
    minute, second, microsecond in three), which `datetime(state, tzinfo)` unpacks as pickle
    does; the fields of the whole column come from numpy at once. fromtimestamp per value did
    the calendar arithmetic in C too, but cost two to three times as much per value.
    """
    if not len(micros):
        return []
    if int(micros.min()) < _LOW_US or int(micros.max()) > _HIGH_US:
        # outside datetime's years: the error fromtimestamp always gave
        return [dt.datetime.fromtimestamp(v, dt.UTC) for v in (micros / 1e6).tolist()]
    days, in_day = np.divmod(micros, _DAY_US)
    year, month, day = civil_from_days(days)
    seconds, us = np.divmod(in_day, 1_000_000)
    state = np.empty((len(micros), 10), dtype=np.uint8)
    state[:, 0], state[:, 1] = year >> 8, year & 0xFF
    state[:, 2], state[:, 3] = month, day
    state[:, 4], state[:, 5], state[:, 6] = seconds // 3600, seconds // 60 % 60, seconds % 60
    state[:, 7], state[:, 8], state[:, 9] = us >> 16, (us >> 8) & 0xFF, us & 0xFF
    states = state.view("S10").ravel().tolist()
    raw = state.tobytes()
    for i in np.flatnonzero(state[:, 9] == 0).tolist():  # numpy dropped the trailing NULs
        states[i] = raw[10 * i : 10 * i + 10]
    return list(map(_from_state, states, itertools.repeat(dt.UTC)))


_from_state = cast(Callable[[bytes, dt.tzinfo], dt.datetime], dt.datetime)
"""datetime's constructor as pickle calls it (typeshed knows only the one of fields)."""


def civil_from_days(days: I64) -> tuple[I64, I64, I64]:
    """(year, month, day) of days since 1970-01-01 in the proleptic Gregorian calendar
    (H. Hinnant's civil_from_days: the year counted from March, so that February is last)."""
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def decimals(scaled: I64, scale: int) -> list[Decimal]:
    """Integers scaled by 10**scale as Decimals of that exponent (1234, 2 -> 12.34), the
    values Decimal(v).scaleb(-scale) gives: the product by one unit is exact and costs less."""
    unit = Decimal(1).scaleb(-scale)
    return list(map(unit.__mul__, map(Decimal, scaled.tolist())))


def with_nulls(values: list[Any], null: np.ndarray | None) -> list[Any]:
    """A copy of `values` with None where `null` is set (`values` itself when none is)."""
    if null is None or not null.any():
        return values
    out = list(values)
    for i in np.flatnonzero(null).tolist():
        out[i] = None
    return out
