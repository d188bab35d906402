"""Unique keys made by construction where a CHECK or an FK narrows the values (issue 11)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import INT, text
from hypothesis import given, settings
from hypothesis import strategies as st

from fastseed.generate.pools import Pools
from fastseed.generate.rules import ColumnRule
from fastseed.generate.values import Builder
from fastseed.schema import Column, ColumnType, Table, TableName

POOLS = Pools(5)


def _unique(ctype: ColumnType, rule: ColumnRule) -> tuple[list[object], int | None]:
    t = Table(TableName(None, "t"), (Column("c", ctype, False),))
    gen = Builder(POOLS, 3, t, t.columns[0], rule, unique=True).build()
    n = 2000 if gen.capacity is None else min(2000, gen.capacity)
    return gen(np.arange(n, dtype=np.int64)), gen.capacity


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-3, 40), min_size=1, max_size=6), st.integers(0, 5))
def test_unique_integers_step_over_excluded_values(banned, low):
    """CHECK (id <> 7) / NOT IN on a key: every allowed value once, in order, none excluded."""
    rule = ColumnRule(low=str(low), high="60", excluded=tuple(map(str, banned)))
    vals, cap = _unique(INT, rule)
    allowed = [v for v in range(low, 61) if v not in banned]
    assert cap == len(allowed)
    assert vals == allowed


def test_unique_integer_raw_matches_values():
    t = Table(TableName(None, "t"), (Column("id", INT, False),))
    rule = ColumnRule(excluded=("7", "8", "1"))
    gen = Builder(POOLS, 3, t, t.columns[0], rule, unique=True).build()
    idx = np.arange(10, dtype=np.int64)
    assert gen.raw is not None
    assert gen.raw(idx).tolist() == gen(idx) == [2, 3, 4, 5, 6, 9, 10, 11, 12, 13]


@pytest.mark.parametrize("length", [1, 2, 12])
def test_unique_text_never_gives_an_excluded_value(length):
    """CHECK (code NOT IN (...)) on a unique code: the excluded values (any case, trailing
    spaces) never appear, the others stay distinct, and the capacity says how many remain."""
    ctype = text(length)
    plain, cap = _unique(ctype, ColumnRule())
    banned = (*(str(v) for v in plain[:3]), str(plain[5]).upper() + " ")
    vals, narrowed = _unique(ctype, ColumnRule(excluded=banned))
    folded = {b.casefold().rstrip() for b in banned}
    assert not {str(v).casefold().rstrip() for v in vals} & folded
    assert len({str(v).casefold().rstrip() for v in vals}) == len(vals)
    if cap is not None:
        assert narrowed == cap - 2 * len(folded)
