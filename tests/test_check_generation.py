"""Rows made from CHECK rules, without a server: NULL patterns across columns (FKs too),
unique values matching a pattern, and column orders that must not recurse."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
from helpers import INT, catalog, col, fk, name, table, text

from fastseed.generate.table import RunGenerators
from fastseed.plan import RowRequest
from fastseed.planner import build_plan
from fastseed.schema import Check, ColumnType, Kind
from fastseed.server import Capabilities

CAPS = Capabilities(deferrable_constraints=True)
TS = ColumnType(Kind.TIMESTAMP, "timestamp with time zone", timezone=True)


def rows_of(*tables, of: str, rows: int = 3000) -> list[dict]:
    plan = build_plan(catalog(*tables), RowRequest(rows), {}, CAPS)
    plan.check()
    gen = RunGenerators(plan, seed=9).table(name(of))
    names = [c.name for c in gen.write_columns]
    return [dict(zip(names, r, strict=True)) for r in gen.rows(0, plan.tables[name(of)].rows)]


def with_checks(t, *exprs: str):
    return replace(t, checks=tuple(Check(f"{t.name.name}_c{i}", e) for i, e in enumerate(exprs)))


def test_exactly_one_of_two_fks_and_other_null_patterns():
    plans = table("plans", [col("id")])
    subs = table("subs", [col("id")])
    charges = with_checks(
        table(
            "charges",
            [
                col("id"),
                col("plan_id", INT, True),
                col("sub_id", INT, True),
                col("card", INT, True),
                col("bank", INT, True),
                col("street", text(), True),
                col("city", text(), True),
            ],
            fks=(fk("c_plan", ("plan_id",), "plans"), fk("c_sub", ("sub_id",), "subs")),
        ),
        "((plan_id IS NOT NULL) <> (sub_id IS NOT NULL))",
        "(num_nonnulls(card, bank) = 1)",
        "((street IS NULL) = (city IS NULL))",
    )
    rows = rows_of(plans, subs, charges, of="charges")
    assert all((r["plan_id"] is None) != (r["sub_id"] is None) for r in rows)
    assert all((r["card"] is None) != (r["bank"] is None) for r in rows)
    assert all((r["street"] is None) == (r["city"] is None) for r in rows)
    assert 0 < sum(r["plan_id"] is None for r in rows) < len(rows)
    assert 0 < sum(r["street"] is None for r in rows) < len(rows)


def test_fast_batches_follow_the_null_pattern_too():
    plans = table("plans", [col("id")])
    t = with_checks(
        table(
            "t",
            [col("id"), col("plan_id", INT, True), col("other", INT, True)],
            fks=(fk("t_plan", ("plan_id",), "plans"),),
        ),
        "((plan_id IS NULL) OR (other IS NULL))",
        "(NOT ((plan_id IS NULL) AND (other IS NULL)))",
    )
    plan = build_plan(catalog(plans, t), RowRequest(2000), {}, CAPS)
    batch = RunGenerators(plan, seed=1).table(name("t")).batch(0, 2000)
    cols = {c.name: i for i, c in enumerate(batch.columns)}
    plan_null = batch.data[cols["plan_id"]].null
    other_null = batch.data[cols["other"]].null
    assert plan_null is not None and other_null is not None
    assert (plan_null ^ other_null).all()


def test_unique_pattern_column_is_unique_at_any_count():
    t = with_checks(
        table("t", [col("id"), col("slug", text(60))], uniques=(("slug",),)),
        "((slug)::text ~ '^[a-z0-9-]+$'::text)",
    )
    rows = rows_of(t, of="t", rows=20_000)
    slugs = [r["slug"] for r in rows]
    assert len(set(slugs)) == 20_000
    assert all(re.fullmatch(r"[a-z0-9-]+", s) and len(s) <= 60 for s in slugs)


def test_small_unique_pattern_is_capped_at_its_capacity():
    t = with_checks(
        table("t", [col("id"), col("code", text(2))], uniques=(("code",),)),
        "(code ~ '^[A-Z]{2}$'::text)",
    )
    plan = build_plan(catalog(t), RowRequest(1000), {}, CAPS)
    assert plan.tables[name("t")].rows == 676
    assert any("676" in w for w in plan.warnings)


def test_a_check_against_the_name_based_chronology_does_not_recurse():
    # created_at follows deleted_at by CHECK; deleted follows updated follows created by name
    t = with_checks(
        table(
            "ev",
            [col("id"), col("created_at", TS), col("updated_at", TS), col("deleted_at", TS)],
        ),
        "(created_at >= deleted_at)",
    )
    rows = rows_of(t, of="ev", rows=500)
    assert all(r["created_at"] >= r["deleted_at"] for r in rows)


def test_contradictory_checks_refuse_the_plan():
    t = with_checks(
        table("t", [col("id"), col("a", INT, True), col("b", INT, True)]),
        "(a > b)",
        "(b > a)",
    )
    plan = build_plan(catalog(t), RowRequest(10), {}, CAPS)
    assert any("t_c0, t_c1 contradict each other on columns a, b" in p for p in plan.problems)


def test_excluded_values_are_never_drawn():
    t = with_checks(
        table(
            "t",
            [col("id"), col("score", INT), col("level", INT), col("name", text(20))],
        ),
        "((score >= 0) AND (score <= 3) AND (score <> 1))",
        "((level <> ALL (ARRAY[0, 2])) AND (level BETWEEN 0 AND 3))",
        "((name)::text <> ''::text)",
    )
    rows = rows_of(t, of="t", rows=2000)
    assert {r["score"] for r in rows} == {2, 3}  # a score is 1-5 unless told: 1 is excluded
    assert {r["level"] for r in rows} == {1, 3}
    plan = build_plan(catalog(t), RowRequest(2000), {}, CAPS)
    batch = RunGenerators(plan, seed=9).table(name("t")).batch(0, 2000)
    score = batch.data[[c.name for c in batch.columns].index("score")]
    assert set(np.asarray(score.values).tolist()) == {2, 3}


def test_two_columns_that_must_differ():
    users = table("users", [col("id")])
    follows = with_checks(
        table(
            "follows",
            [col("id"), col("follower", INT), col("followed", INT), col("a", INT), col("b", INT)],
            fks=(fk("f1", ("follower",), "users"), fk("f2", ("followed",), "users")),
        ),
        "((follower <> followed))",
        "((a >= 0) AND (a <= 2) AND (b >= 0) AND (b <= 2))",
        "`b` <> `a`",
    )
    plan = build_plan(catalog(users, follows), RowRequest(3), {}, CAPS)
    rows = RunGenerators(plan, seed=2).table(name("follows")).rows(0, 3)
    assert rows and all(r[1] != r[2] and r[3] != r[4] for r in rows)
    many = rows_of(users, follows, of="follows", rows=3000)
    assert all(r["follower"] != r["followed"] and r["a"] != r["b"] for r in many)


def test_time_bounds_narrow_the_usual_window_instead_of_replacing_it():
    import datetime as dt

    from fastseed.generate.kinds.temporal import REFERENCE_TIME

    date = ColumnType(Kind.DATE, "date")
    t = with_checks(
        table("people", [col("id"), col("birth_date", date), col("created_at", TS), col("at", TS)]),
        "((birth_date <= CURRENT_DATE))",
        "((created_at < '2030-01-01 00:00:00+00'::timestamp with time zone))",
        "((at >= '2007-01-01'::date) AND (at < '2007-02-01'::date))",
    )
    rows = rows_of(t, of="people", rows=2000)
    adults = REFERENCE_TIME.date() - dt.timedelta(days=365 * 18 - 5)
    assert all(r["birth_date"] <= adults for r in rows)
    assert all(r["created_at"] <= REFERENCE_TIME for r in rows)
    january = (dt.datetime(2007, 1, 1, tzinfo=dt.UTC), dt.datetime(2007, 2, 1, tzinfo=dt.UTC))
    assert all(january[0] <= r["at"] < january[1] for r in rows)


def test_pattern_values_fit_the_column_without_losing_the_tail():
    t = with_checks(
        table("t", [col("id"), col("ref", text(6))]),
        "((ref)::text ~ '^[a-z]+-[0-9]+$'::text)",
    )
    rows = rows_of(t, of="t", rows=2000)
    assert all(re.fullmatch(r"[a-z]+-[0-9]+", r["ref"]) and len(r["ref"]) <= 6 for r in rows)


def test_an_order_below_a_key_lowers_the_other_column_never_the_key():
    # CHECK (code < id) on PRIMARY KEY (id): raising a key to fit would repeat it
    t = with_checks(
        table("t", [col("id"), col("code", INT, True), col("low", INT)], pk=("id",)),
        "(code < id)",
        "(id <= low)",  # and a key below a plain column: that column goes up, as before
    )
    rows = rows_of(t, of="t", rows=500)
    assert len({r["id"] for r in rows}) == 500
    assert all(r["code"] is None or r["code"] < r["id"] for r in rows)
    assert all(r["id"] <= r["low"] for r in rows)
    assert sum(r["code"] is not None for r in rows) > 400


def test_an_order_carries_bounds_and_lists_to_the_moved_column():
    t = with_checks(
        table("t", [col("id"), col("a"), col("b"), col("c", INT, True)], pk=("id",)),
        "(a < b)",
        "(b < 100)",
        "(c IN (3, 50, 70))",
        "(c < id)",
        "(c > 40)",
    )
    rows = rows_of(t, of="t", rows=300)
    assert all(r["a"] < r["b"] < 100 for r in rows)
    assert all(r["c"] is None or (r["c"] in (50, 70) and r["c"] < r["id"]) for r in rows)
    assert len({r["id"] for r in rows}) == 300
    assert min(r["id"] for r in rows) >= 51  # above the least value c may take


def test_an_order_no_value_can_keep_is_a_contradiction():
    t = with_checks(
        table("t", [col("id"), col("a"), col("b")], pk=("id",)),
        "(a >= 60)",
        "(b IN (1, 2))",
        "(a < b)",
    )
    plan = build_plan(catalog(t), RowRequest(10), {}, CAPS)
    assert any("t_c1" in p and "t_c2" in p for p in plan.problems), plan.problems
