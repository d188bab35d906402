"""Unique keys made by construction where a CHECK or an FK narrows the values (issue 11)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import INT, catalog, col, fk, name, table, text
from hypothesis import given, settings
from hypothesis import strategies as st

from fastseed.generate.pools import Pools
from fastseed.generate.rules import ColumnRule
from fastseed.generate.table import RunGenerators
from fastseed.generate.values import Builder
from fastseed.plan import RowRequest
from fastseed.planner import build_plan
from fastseed.schema import Catalog, Column, ColumnType, Kind, Table, TableName
from fastseed.server import Capabilities

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


@pytest.mark.parametrize(
    ("column", "length"), [("name", None), ("name", 40), ("code", 12), ("title", 200)]
)
def test_unique_text_avoiding_values_stays_column_wise(column, length):
    """A unique name that must avoid reserved words (trafficcontrol: `name <> ALL
    (ARRAY['format', 'trred'])`) keeps its column-wise form: the same values as the list
    path, the excluded ones swapped out even when drawn in another case or with trailing
    whitespace. A varchar(40) key's capacity (36**39) is past int64: its reserve too."""
    ctype = text(length)
    t = Table(TableName(None, "t"), (Column(column, ctype, False),))
    idx = np.arange(3000, dtype=np.int64)
    plain_gen = Builder(POOLS, 3, t, t.columns[0], ColumnRule(), unique=True).build()
    plain = plain_gen(idx)
    banned = ("format", "trred", str(plain[7]).upper() + " ", str(plain[2999]) + "\t")
    gen = Builder(POOLS, 3, t, t.columns[0], ColumnRule(excluded=banned), unique=True).build()
    assert (gen.raw is None) == (plain_gen.raw is None)  # column-wise if it was without
    values = gen(idx)
    if gen.raw is not None:
        assert gen.raw(idx).tolist() == values
    folded = {b.casefold().rstrip() for b in banned}
    assert not {str(v).casefold().rstrip() for v in values} & folded
    assert len({str(v).casefold().rstrip() for v in values}) == len(values)
    assert values[:7] == plain[:7] and values[7] != plain[7]  # only the excluded rows move


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


ROLE = ColumnType(Kind.ENUM, "role", labels=("admin", "member", "guest"))


def _roles_schema(child_key: tuple[str, ...]) -> Catalog:
    """users; user_roles (user_id, role) keyed on both; a child whose FK names a user's role
    and whose unique key `child_key` holds part of that FK's columns."""
    users = table("users", [col("id")])
    roles = table(
        "user_roles",
        [col("user_id"), col("role", ROLE)],
        pk=("user_id", "role"),
        fks=(fk("r_u", ("user_id",), "users"),),
    )
    child = table(
        "profiles",
        [col("id"), col("user_id", nullable=True), col("role", ROLE, nullable=True)],
        fks=(fk("p_r", ("user_id", "role"), "user_roles", ("user_id", "role")),),
        uniques=(child_key,),
    )
    return catalog(users, roles, child)


@pytest.mark.parametrize("key", [("user_id",), ("role",)])
def test_unique_part_of_a_composite_fk_takes_parent_rows_distinct_in_it(key):
    """UNIQUE (user_id) beside FOREIGN KEY (user_id, role) REFERENCES user_roles: one profile
    per user (not per user_roles row), as many as user_roles holds distinct users, each
    naming a role that user has."""
    request = RowRequest(10, {"users": 7, "user_roles": 15, "profiles": 40})
    plan = build_plan(_roles_schema(key), request, {}, PG_LIKE)
    gens = RunGenerators(plan, seed=4)
    parents = gens.table(name("user_roles")).rows(0, plan.tables[name("user_roles")].rows)
    at = [("user_id", "role").index(c) for c in key]
    distinct = {tuple(p[i] for i in at) for p in parents}
    profiles = plan.tables[name("profiles")]
    assert profiles.rows == len(distinct) < 40
    got = gens.table(name("profiles")).rows(0, profiles.rows)
    cols = [c.name for c in gens.table(name("profiles")).write_columns]
    pairs = [(r[cols.index("user_id")], r[cols.index("role")]) for r in got]
    assert set(pairs) <= set(parents)  # no orphan
    assert len({tuple(p[i] for i in at) for p in pairs}) == len(pairs)  # the key holds


def test_a_parent_key_inside_the_held_columns_needs_no_narrowing():
    """FOREIGN KEY (order_id, tenant_id) REFERENCES orders (id, tenant_id) with UNIQUE
    (order_id): the parent's id is unique already, every parent row serves."""
    orders = table("orders", [col("id"), col("tenant_id")], uniques=(("id", "tenant_id"),))
    child = table(
        "invoices",
        [col("id"), col("order_id"), col("tenant_id")],
        fks=(fk("i_o", ("order_id", "tenant_id"), "orders", ("id", "tenant_id")),),
        uniques=(("order_id",),),
    )
    request = RowRequest(10, {"orders": 30, "invoices": 50})
    plan = build_plan(catalog(orders, child), request, {}, PG_LIKE)
    assert plan.tables[name("invoices")].rows == 30
    gen = RunGenerators(plan, seed=2).table(name("invoices"))
    assert gen.narrowed == {}
