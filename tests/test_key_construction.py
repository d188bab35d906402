"""Unique keys made by construction where a CHECK or an FK narrows the values (issue 11)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import INT, catalog, col, fk, name, table, text
from hypothesis import given, settings
from hypothesis import strategies as st

from fastseed.dialects.base import Capabilities
from fastseed.generate.pools import Pools
from fastseed.generate.rules import ColumnRule
from fastseed.generate.values import Builder
from fastseed.plan import RowRequest, build_plan
from fastseed.schema import Column, ColumnType, Table, TableName

POOLS = Pools(5)
PG_LIKE = Capabilities(deferrable_constraints=True, force_defer_any_fk=True)


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


@pytest.mark.parametrize(("child", "parent"), [("a", "b"), ("b", "a")])
def test_unique_fk_in_a_not_null_cycle_is_capped_by_the_parent_counted_later(child, parent):
    """A NOT NULL cycle whose one member has a unique key over its FK to the other: it holds
    at most the other's rows, whichever of the two the plan counts first."""
    tables = (
        table(child, [col("id"), col(f"{parent}_id")], fks=(fk("c_p", (f"{parent}_id",), parent),),
              uniques=((f"{parent}_id",),)),
        table(parent, [col("id"), col(f"{child}_id")], fks=(fk("p_c", (f"{child}_id",), child),)),
    )  # fmt: skip
    plan = build_plan(catalog(*tables), RowRequest(10, {child: 40, parent: 16}), {}, PG_LIKE)
    assert not plan.problems
    assert plan.tables[name(child)].rows == 16
    assert plan.tables[name(parent)].rows == 16
    assert sum("only 16 possible" in w for w in plan.warnings) == 1  # said once, not per round


def test_chained_caps_in_a_cycle_settle():
    """Each member unique over its FK to the next: every count falls to the smallest."""
    tables = [
        table(t, [col("id"), col("next_id")], fks=(fk(f"{t}_next", ("next_id",), nxt),),
              uniques=(("next_id",),))
        for t, nxt in (("a", "b"), ("b", "c"), ("c", "a"))
    ]  # fmt: skip
    plan = build_plan(catalog(*tables), RowRequest(10, {"a": 50, "b": 30, "c": 7}), {}, PG_LIKE)
    assert not plan.problems
    assert {str(t): tp.rows for t, tp in plan.tables.items()} == {
        "public.a": 7,
        "public.b": 7,
        "public.c": 7,
    }
