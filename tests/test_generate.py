"""Generators: determinism, slices, validity for lengths/precision/uniqueness, FK targets."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from helpers import catalog, col, fk, name, table, text
from hypothesis import given, settings
from hypothesis import strategies as st

from fastseed.dialects.base import Capabilities
from fastseed.generate.pools import Pools
from fastseed.generate.table import RunGenerators
from fastseed.generate.values import Builder
from fastseed.plan import RowRequest, build_plan
from fastseed.schema import Column, ColumnType, Kind, Table, TableName

CAPS = Capabilities(deferrable_constraints=True)
POOLS = Pools(7)


def shop_plan(rows=300):
    users = table(
        "users",
        [
            col("id"),
            col("email", text(40)),
            col("first_name", text(10)),
            col("last_name", text(10)),
        ],
        uniques=(("email",),),
    )
    cats = table(
        "cats",
        [col("id"), col("parent_id", nullable=True)],
        fks=(fk("c_p", ("parent_id",), "cats"),),
    )
    orders = table(
        "orders",
        [col("id"), col("user_id"), col("cat_id")],
        fks=(fk("o_u", ("user_id",), "users"), fk("o_c", ("cat_id",), "cats")),
    )
    items = table(
        "items",
        [col("order_id"), col("line")],
        pk=("order_id", "line"),
        fks=(fk("i_o", ("order_id",), "orders"),),
    )
    pairs = table(
        "pairs",
        [col("user_id"), col("cat_id")],
        pk=("user_id", "cat_id"),
        fks=(fk("p_u", ("user_id",), "users"), fk("p_c", ("cat_id",), "cats")),
    )
    return build_plan(catalog(users, cats, orders, items, pairs), RowRequest(rows), {}, CAPS)


def rows(plan, table_name, seed=1, start=0, stop=None):
    gens = RunGenerators(plan, seed=seed)
    stop = plan.tables[name(table_name)].rows if stop is None else stop
    return gens.table(name(table_name)).rows(start, stop)


def test_same_seed_same_rows_and_slices_agree():
    plan = shop_plan()
    whole = rows(plan, "orders", seed=5)
    assert whole == rows(plan, "orders", seed=5)
    assert whole[100:200] == rows(plan, "orders", seed=5, start=100, stop=200)
    assert whole != rows(plan, "orders", seed=6)


def test_fk_values_are_parent_keys_and_self_refs_point_back():
    plan = shop_plan()
    user_ids = {r[0] for r in rows(plan, "users")}
    assert {r[1] for r in rows(plan, "orders")} <= user_ids
    cats = rows(plan, "cats")
    for i, (cid, parent) in enumerate(cats):
        assert parent is None or parent < cid
        assert cid == i + 1


def test_unique_keys_hold_by_construction():
    plan = shop_plan(rows=2000)
    users = rows(plan, "users")
    emails = [r[1] for r in users]
    assert len(set(emails)) == len(emails)
    assert all(len(e) <= 40 and "@" in e for e in emails)
    pairs = rows(plan, "pairs")
    assert len(set(pairs)) == len(pairs)
    items = rows(plan, "items")
    assert len({(o, line) for o, line in items}) == len(items)


def test_email_matches_the_row_names():
    plan = shop_plan()
    for _, email, first, last in rows(plan, "users")[:50]:
        assert email.startswith(f"{first}.{last}".lower().replace(" ", "")[:10])


def _values(ctype: ColumnType, n: int = 500, unique: bool = False, rule=None):
    t = Table(TableName(None, "t"), (Column("c", ctype, False),))
    gen = Builder(POOLS, 3, t, t.columns[0], rule, unique=unique).build()
    if unique and gen.capacity is not None:
        n = min(n, gen.capacity)  # the planner caps row counts the same way
    return gen(np.arange(n, dtype=np.int64))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), st.booleans())
def test_varchar_values_fit(length, unique):
    vals = _values(ColumnType(Kind.TEXT, f"varchar({length})", length=length), unique=unique)
    assert all(len(v) <= length for v in vals)
    if unique:
        assert len(set(vals)) == len(vals)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 18), st.data())
def test_numeric_values_fit_precision(precision, data):
    scale = data.draw(st.integers(0, precision))
    vals = _values(
        ColumnType(Kind.NUMERIC, f"numeric({precision},{scale})", precision=precision, scale=scale)
    )
    limit = Decimal(10) ** (precision - scale)
    for v in vals:
        assert abs(v) < limit
        assert -v.as_tuple().exponent <= scale


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([8, 16, 24, 32, 64]), st.booleans(), st.booleans())
def test_integers_fit_width(bits, unsigned, unique):
    ctype = ColumnType(Kind.INTEGER, "int", bits=bits, unsigned=unsigned)
    lo, hi = ctype.int_bounds()
    vals = _values(ctype, n=100, unique=unique)
    assert all(lo <= v <= hi for v in vals)
    if unique:
        assert len(set(vals)) == len(vals)


def test_uuid_unique_and_version_4():
    vals = _values(ColumnType(Kind.UUID, "uuid"), n=5000, unique=True)
    assert len(set(vals)) == 5000 and all(v.version == 4 for v in vals)


def test_enum_labels_only():
    labels = ("G", "PG", "PG-13", "it's, odd")
    vals = _values(ColumnType(Kind.ENUM, "mpaa", labels=labels))
    assert set(vals) <= set(labels) and len(set(vals)) > 1
