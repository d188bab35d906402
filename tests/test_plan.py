"""Planner: tiers, cycles and their deferral methods, refusals and capacity caps."""

from __future__ import annotations

from dataclasses import replace

import pytest
from helpers import BOOL, catalog, col, fk, name, table, text

from fastseed.errors import PlanError
from fastseed.plan import DEFERRABLE, FORCED, NULL_THEN_UPDATE, RowRequest
from fastseed.planner import build_plan
from fastseed.schema import Partitioning
from fastseed.server import Capabilities

PG_LIKE = Capabilities(deferrable_constraints=True, force_defer_any_fk=True)
NO_FORCE = Capabilities(deferrable_constraints=False, force_defer_any_fk=False)


def tiers_of(plan):
    return [[list(map(str, u.tables)) for u in tier] for tier in plan.tiers]


def shop():
    users = table("users", [col("id"), col("email", text(80))], uniques=(("email",),))
    orders = table("orders", [col("id"), col("user_id")], fks=(fk("o_u", ("user_id",), "users"),))
    products = table("products", [col("id")])
    items = table(
        "items",
        [col("order_id"), col("product_id")],
        pk=("order_id", "product_id"),
        fks=(fk("i_o", ("order_id",), "orders"), fk("i_p", ("product_id",), "products")),
    )
    return catalog(users, orders, products, items)


def test_tiers_put_parents_first_and_siblings_together():
    plan = build_plan(shop(), RowRequest(10), {}, PG_LIKE)
    assert tiers_of(plan) == [
        [["public.products"], ["public.users"]],
        [["public.orders"]],
        [["public.items"]],
    ]
    assert not plan.problems


def test_self_reference_is_one_unit_without_deferral():
    cats = table(
        "cats",
        [col("id"), col("parent_id", nullable=True)],
        fks=(fk("c_p", ("parent_id",), "cats"),),
    )
    plan = build_plan(catalog(cats), RowRequest(10), {}, PG_LIKE)
    assert tiers_of(plan) == [[["public.cats"]]]
    assert plan.tiers[0][0].deferred == ()


def _cycle(a_nullable: bool, b_nullable: bool, deferrable: bool = False):
    a = table(
        "a",
        [col("id"), col("b_id", nullable=a_nullable)],
        fks=(fk("a_b", ("b_id",), "b", deferrable=deferrable),),
    )
    b = table(
        "b",
        [col("id"), col("a_id", nullable=b_nullable)],
        fks=(fk("b_a", ("a_id",), "a", deferrable=deferrable),),
    )
    return catalog(a, b)


def test_nullable_cycle_defers_the_nullable_fk_by_update():
    plan = build_plan(_cycle(True, False), RowRequest(10), {}, NO_FORCE)
    (unit,) = plan.tiers[0]
    assert [str(t) for t in unit.tables] == ["public.a", "public.b"]
    assert [(d.fk.name, d.method) for d in unit.deferred] == [("a_b", NULL_THEN_UPDATE)]


def test_deferrable_cycle_uses_deferred_constraints():
    plan = build_plan(_cycle(False, False, deferrable=True), RowRequest(10), {}, PG_LIKE)
    (unit,) = plan.tiers[0]
    assert [d.method for d in unit.deferred] == [DEFERRABLE]


def test_hard_cycle_is_checked_at_commit_where_the_server_can():
    plan = build_plan(_cycle(False, False), RowRequest(10), {}, PG_LIKE)
    assert [d.method for d in plan.tiers[0][0].deferred] == [FORCED]
    assert not plan.problems


def test_hard_cycle_is_refused_where_the_server_cannot():
    plan = build_plan(_cycle(False, False), RowRequest(10), {}, NO_FORCE)
    assert plan.problems and "NOT NULL and not deferrable" in plan.problems[0]
    with pytest.raises(PlanError, match="nothing was written"):
        plan.check()


def test_child_of_an_empty_unfilled_parent_is_skipped_with_its_children():
    plan = build_plan(shop(), RowRequest(10, {"users": 0}), {}, PG_LIKE)
    assert not plan.problems
    orders, items = plan.tables[name("orders")], plan.tables[name("items")]
    assert orders.rows == 0 and "public.users" in (orders.skipped or "")
    assert items.rows == 0 and "public.orders, which is skipped" in (items.skipped or "")
    assert (
        plan.tables[name("products")].rows == 10 and plan.tables[name("products")].skipped is None
    )
    assert any(w.startswith("public.orders: skipped") for w in plan.warnings)


def test_a_table_the_user_named_is_never_skipped_silently():
    request = RowRequest(10, {"users": 0, "items": 5}, named=frozenset({"users", "items"}))
    plan = build_plan(shop(), request, {}, PG_LIKE)
    assert plan.tables[name("orders")].skipped is not None
    assert [p for p in plan.problems if p.startswith("public.items")], plan.problems
    with pytest.raises(PlanError, match=r"public\.orders, which is skipped"):
        plan.check()


def test_a_nullable_fk_to_an_empty_parent_does_not_skip_the_child():
    child = table("notes", [col("id"), col("user_id", nullable=True)],
                  fks=(fk("n_u", ("user_id",), "users"),))  # fmt: skip
    users = table("users", [col("id")])
    plan = build_plan(catalog(users, child), RowRequest(10, {"users": 0}), {}, PG_LIKE)
    assert plan.tables[name("notes")].rows == 10 and not plan.problems


def test_junction_table_is_capped_by_parent_pairs():
    plan = build_plan(
        shop(), RowRequest(10, {"orders": 3, "products": 4, "items": 100}), {}, PG_LIKE
    )
    assert plan.tables[name("items")].rows == 12
    assert any("items" in w and "12" in w for w in plan.warnings)


def test_boolean_primary_key_is_capped_at_two_rows():
    flags = table("flags", [col("id", BOOL)])
    plan = build_plan(catalog(flags), RowRequest(10), {}, PG_LIKE)
    assert plan.tables[name("flags")].rows == 2


def test_short_code_key_capacity_follows_the_charset():
    # latin1: digits and capitals only (case-insensitive collations fold the rest)
    latin1 = replace(text(2), max_bytes_per_char=1)
    codes = table("codes", [col("code", latin1)], pk=("code",))
    plan = build_plan(catalog(codes), RowRequest(5000), {}, PG_LIKE)
    assert plan.tables[name("codes")].rows == 36 * 36
    # UTF-8: CJK ideographs too, far beyond 26 letters even for char(1)
    wide = table("codes", [col("code", text(1))], pk=("code",))
    plan = build_plan(catalog(wide), RowRequest(50_000), {}, PG_LIKE)
    assert plan.tables[name("codes")].rows == 36 + 20992


def test_partitioned_table_without_partitions_is_skipped_unless_named():
    t = table("events", [col("id")])
    t = type(t)(t.name, t.columns, t.primary_key, partitioning=Partitioning("range", ("id",), ()))
    child = table("event_tags", [col("id"), col("event_id")],
                  fks=(fk("t_e", ("event_id",), "events"),))  # fmt: skip
    plan = build_plan(catalog(t, child), RowRequest(10), {}, PG_LIKE)
    assert not plan.problems
    assert "without any partition" in (plan.tables[name("events")].skipped or "")
    assert "public.events, which is skipped" in (plan.tables[name("event_tags")].skipped or "")
    named = build_plan(catalog(t), RowRequest(10, {"events": 10}), {}, PG_LIKE)
    assert any("without any partition" in p for p in named.problems)


def test_a_cycle_member_that_needs_a_skipped_member_is_skipped_too():
    cyc = _cycle(False, False)
    b = replace(cyc.tables[name("b")], partitioning=Partitioning("range", ("id",), ()))
    # a is loaded first: it was counted while b still looked fillable
    plan = build_plan(catalog(cyc.tables[name("a")], b), RowRequest(10), {}, PG_LIKE)
    assert plan.tiers[0][0].tables == (name("a"), name("b"))
    assert plan.tables[name("b")].skipped and plan.tables[name("a")].skipped
    assert plan.tables[name("a")].rows == 0 and not plan.problems


def test_existing_rows_move_the_index_base():
    from fastseed.server import TableState

    plan = build_plan(shop(), RowRequest(10), {name("users"): TableState(5, {"id": 40})}, PG_LIKE)
    assert plan.tables[name("users")].index_base == 40
    assert plan.tables[name("users")].existing == 5


def test_default_streams_follow_this_machines_cores_only_for_a_local_server(monkeypatch):
    from fastseed.load import default_streams
    from fastseed.url import parse_url

    local = parse_url("postgresql://root@127.0.0.1:5432/db")
    for cores, want in [(1, 2), (2, 2), (6, 6), (64, 8)]:
        monkeypatch.setattr("os.sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert default_streams(local) == want
    # a server elsewhere: its cores are not ours to count
    assert default_streams(parse_url("postgresql://u@db.example.com/db")) == 4


def test_default_streams_are_shared_by_the_tables_loading_side_by_side():
    import sqlite3

    from fastseed.dialects.sqlite import SQLiteAdapter
    from fastseed.load import _tier_jobs
    from fastseed.url import parse_url

    tables = [table(n, [col("id"), col("note", text(20))]) for n in ("big", "mid", "small")]
    rows = {"big": 100_000, "mid": 30_000, "small": 10_000}
    plan = build_plan(catalog(*tables), RowRequest(0, rows), {}, PG_LIKE)
    adapter = SQLiteAdapter(parse_url("sqlite:///x.db"), sqlite3.connect(":memory:"), 5.0)
    (tier,) = plan.tiers  # no FKs: all three load at once

    def sessions(streams, shared):
        jobs = _tier_jobs(adapter, plan, tier, streams, 1000, shared)
        return {t: sum(1 for u, _ in jobs if u.tables[0].name == t) for t in rows}

    # two cores: three tables already keep them busy, one session each
    assert sessions(2, shared=True) == {"big": 1, "mid": 1, "small": 1}
    # eight: split by rows (5.7, 1.7, 0.6 of them)
    assert sessions(8, shared=True) == {"big": 6, "mid": 2, "small": 1}
    # --streams given: that many per big table, as it says
    assert sessions(2, shared=False) == {"big": 2, "mid": 2, "small": 2}


def test_tables_named_by_flags_or_the_scenario_are_the_ones_never_skipped():
    from fastseed.api import RunOptions, resolve_rows
    from fastseed.scenario import Scenario, TableSpec

    scenario = Scenario(rows=50, tables=(("orders", TableSpec(rows=5)), ("items", TableSpec())))
    request = resolve_rows(shop(), RunOptions(RowRequest(10, {"users": 0}), scenario))
    assert request.is_named(name("users")) and request.is_named(name("orders"))
    assert not request.is_named(name("items")) and not request.is_named(name("products"))
    plan = build_plan(shop(), request, {}, PG_LIKE)
    assert [p for p in plan.problems if p.startswith("public.orders")]


def _checked_cycle(check: str):
    """a.b_id (nullable) closes a cycle and is tied to a.ref by a NULL check."""
    from fastseed.schema import Check

    cat = _cycle(True, False)
    a = cat.tables[name("a")]
    a = replace(a, columns=(*a.columns, col("ref", nullable=True)), checks=(Check("one", check),))
    return replace(cat, tables={**cat.tables, a.name: a})


@pytest.mark.parametrize(
    ("check", "caps", "method"),
    [
        # b_id written NULL then set by UPDATE would break exactly-one at insert time
        ("(num_nonnulls(b_id, ref) = 1)", PG_LIKE, FORCED),
        ("((b_id IS NOT NULL) <> (ref IS NOT NULL))", PG_LIKE, FORCED),
        # where nothing else can, the rows the check ties to b_id keep it NULL (see below)
        ("(num_nonnulls(b_id, ref) = 1)", NO_FORCE, NULL_THEN_UPDATE),
        # NULL first passes: at most one set, or a check on other columns only
        ("((b_id IS NULL) OR (ref IS NULL))", PG_LIKE, NULL_THEN_UPDATE),
        ("(num_nonnulls(id, ref) >= 1)", PG_LIKE, NULL_THEN_UPDATE),
    ],
)
def test_an_fk_deferred_as_null_then_update_agrees_with_the_null_checks(check, caps, method):
    plan = build_plan(_checked_cycle(check), RowRequest(10), {}, caps)
    assert [(d.fk.name, d.method) for d in plan.tiers[0][0].deferred] == [("a_b", method)]
    assert not plan.problems


def test_rows_written_with_a_deferred_null_fk_pass_the_null_check_at_insert():
    from fastseed.generate.table import RunGenerators, deferred_null_columns

    plan = build_plan(_checked_cycle("(num_nonnulls(b_id, ref) = 1)"), RowRequest(50), {}, NO_FORCE)
    gens = RunGenerators(plan, seed=3, deferred_null=deferred_null_columns(plan))
    rows = gens.table(name("a")).rows(0, 50)  # (id, b_id, ref): b_id NULL until the UPDATE
    assert all(b is None and ref is not None for _, b, ref in rows)


def test_exactly_one_with_a_deferred_fk_that_can_never_be_null_first_is_not_deferred_so():
    plan = build_plan(
        _checked_cycle("((b_id IS NOT NULL) AND (ref IS NULL))"), RowRequest(10), {}, NO_FORCE
    )
    assert plan.problems  # neither order can be loaded on this server
