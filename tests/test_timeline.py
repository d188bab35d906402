"""The time model, the distributions and the money arithmetic, without a server: names to
events, chains, status agreement, and generated rows checked in Python."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
from helpers import BOOL, INT, catalog, col, fk, name, table, text

from fastseed.generate import arithmetic, concepts, distributions, timeline
from fastseed.generate import table as table_module
from fastseed.generate.table import RunGenerators
from fastseed.plan import RowRequest
from fastseed.planner import build_plan
from fastseed.schema import Check, ColumnType, Kind
from fastseed.server import Capabilities

STAMP = ColumnType(Kind.TIMESTAMP, "timestamptz", timezone=True)
DAY = ColumnType(Kind.DATE, "date")
MONEY = ColumnType(Kind.NUMERIC, "numeric(12,2)", precision=12, scale=2)


def _events(*names: str) -> dict[str, str | None]:
    t = table("t", [col(n, STAMP) for n in names])
    found = {c.name: timeline.event_of(t, c) for c in t.columns}
    return {n: None if m is None else m.concept.name for n, m in found.items()}


def test_names_give_events_in_any_spelling():
    assert _events("created_at", "CreatedAt", "date_added", "registered_on") == dict.fromkeys(
        ["created_at", "CreatedAt", "date_added", "registered_on"], "created"
    )
    assert _events("orderDate", "paid_at", "ShippedDate", "delivered-at") == {
        "orderDate": "ordered",
        "paid_at": "paid",
        "ShippedDate": "shipped",
        "delivered-at": "delivered",
    }
    assert _events("last_login_at", "valid_from", "valid_to", "due_on", "birth_date") == {
        "last_login_at": "last_seen",
        "valid_from": "start",
        "valid_to": "end",
        "due_on": "due",
        "birth_date": "birth",
    }
    assert timeline.event_of(table("t", [col("created_at")]), col("created_at")) is None


def test_a_row_has_one_birth_and_its_events_follow_in_order():
    orders = table(
        "orders",
        [col("id")]
        + [
            col(n, STAMP, nullable=True)
            for n in ("delivered_at", "shipped_at", "updated_at", "paid_at", "ordered_at")
        ]
        + [col("created_at", STAMP), col("dob", DAY)],
    )
    line = timeline.plan(orders, {})
    assert line.birth == "created_at"
    assert line.follows["ordered_at"].bases == ("created_at",)
    assert line.follows["paid_at"].bases == ("ordered_at", "created_at")
    assert line.follows["shipped_at"].bases == ("paid_at", "ordered_at", "created_at")
    assert line.follows["delivered_at"].bases[0] == "shipped_at"
    assert line.follows["updated_at"].bases[0] == "delivered_at"
    assert "dob" not in line.follows  # a birth date is no event of the row
    assert line.available == ("created_at",)


def test_a_check_ordering_two_columns_wins_and_no_cycle_is_made():
    # CHECK (created_at >= deleted_at): odd, but the name chain must not follow it back
    t = table("t", [col("id"), col("created_at", STAMP), col("deleted_at", STAMP)])
    line = timeline.plan(t, {"created_at": "deleted_at"})
    assert line.follows["created_at"].bases == ("deleted_at",)
    assert "deleted_at" not in line.follows


def test_status_words_decide_which_events_happened():
    groups = timeline.STATUS_GROUPS
    values = ["pending", "shipped", "Delivered", "cancelled", "active"]
    masks = [np.array([v.lower() in words for v in values]) for words, _ in groups]
    null, done = timeline.status_nulls("shipped", masks)
    assert null.tolist() == [True, False, False, True, False]
    assert done.tolist() == [False, True, True, False, False]  # 'active' says nothing
    assert timeline.events_of_status("In Progress") == frozenset({"start"})


def _shop(rows: int = 400) -> RunGenerators:
    users = table(
        "users",
        [
            col("id"),
            col("created_at", STAMP),
            col("last_login_at", STAMP, nullable=True),
            col("is_banned", BOOL),
            col("is_active", BOOL),
        ],
    )
    orders = table(
        "orders",
        [
            col("id"),
            col("user_id"),
            col("status", text(10)),
            col("ordered_at", STAMP),
            col("paid_at", STAMP, nullable=True),
            col("shipped_at", STAMP, nullable=True),
            col("delivered_at", STAMP, nullable=True),
            col("subtotal", MONEY),
            col("tax", MONEY),
            col("discount", MONEY),
            col("total", MONEY),
        ],
        fks=(fk("orders_user", ("user_id",), "users"),),
    )
    statuses = "'pending', 'paid', 'shipped', 'delivered', 'cancelled'"
    orders = replace(orders, checks=(Check("st", f"status IN ({statuses})"),))
    items = table(
        "items",
        [
            col("id"),
            col("order_id"),
            col("parent_id", nullable=True),
            col("quantity"),
            col("unit_price", MONEY),
            col("line_total", MONEY),
            col("created_at", STAMP),
        ],
        fks=(
            fk("items_order", ("order_id",), "orders"),
            fk("items_parent", ("parent_id",), "items"),
        ),
    )
    memberships = table(
        "memberships",
        [col("id"), col("role", text(10))],
    )
    roles = "'owner', 'admin', 'member', 'viewer'"
    memberships = replace(memberships, checks=(Check("r", f"role IN ({roles})"),))
    plan = build_plan(
        catalog(users, orders, items, memberships),
        RowRequest(rows),
        {},
        Capabilities(deferrable_constraints=True),
    )
    return RunGenerators(plan, seed=3)


def _column(gen, column: str, rows: int = 400) -> list:
    at = [c.name for c in gen.write_columns].index(column)
    return [r[at] for r in gen.rows(0, rows)]


def test_generated_rows_keep_time_order_status_and_parent_births():
    run = _shop()
    users, orders, items = (run.table(name(t)) for t in ("users", "orders", "items"))
    born = _column(users, "created_at")
    assert all(
        login is None or login >= c
        for login, c in zip(_column(users, "last_login_at"), born, strict=True)
    )
    rows = orders.rows(0, 400)
    cols = [c.name for c in orders.write_columns]
    get = {n: [r[cols.index(n)] for r in rows] for n in cols}
    for i in range(400):
        chain = [get[n][i] for n in ("ordered_at", "paid_at", "shipped_at", "delivered_at")]
        present = [t for t in chain if t is not None]
        assert present == sorted(present)
        assert get["ordered_at"][i] >= born[get["user_id"][i] - 1]  # after the user signed up
        happened = timeline.events_of_status(get["status"][i]) or frozenset()
        for event in ("paid", "shipped", "delivered"):
            assert (get[f"{event}_at"][i] is not None) == (event in happened)
    item_born = _column(items, "created_at")
    parents = _column(items, "parent_id")
    order_of = _column(items, "order_id")
    for i in range(400):
        assert item_born[i] >= get["ordered_at"][order_of[i] - 1]
        if parents[i] is not None:
            assert item_born[i] >= item_born[parents[i] - 1]  # after its parent item
            assert order_of[i] == order_of[parents[i] - 1]  # and in the same order


def test_money_adds_up_within_the_row():
    run = _shop()
    orders, items = run.table(name("orders")), run.table(name("items"))
    assert orders.money["total"] == arithmetic.Sum(("subtotal", "tax"), ("discount",))
    for sub, tax, disc, total in zip(
        *(_column(orders, c) for c in ("subtotal", "tax", "discount", "total")), strict=True
    ):
        assert total == sub + tax - disc
        assert Decimal(0) <= tax <= sub * Decimal("0.25") + Decimal("0.01")
        assert Decimal(0) <= disc <= sub * Decimal("0.3") + Decimal("0.01")
    for q, p, line in zip(
        *(_column(items, c) for c in ("quantity", "unit_price", "line_total")), strict=True
    ):
        assert line == q * p
    # and the batch path, as loaders read it, agrees with the rows
    batch = items.batch(0, 400)
    assert batch.rows() == items.rows(0, 400)
    assert "quantity x unit_price" in items.labels()["line_total"]


def test_flags_and_roles_follow_what_the_names_say():
    run = _shop(2000)
    users = run.table(name("users"))
    banned = _column(users, "is_banned", 2000)
    active = _column(users, "is_active", 2000)
    assert sum(banned) < 0.1 * 2000 < 0.8 * 2000 < sum(active)
    roles = _column(run.table(name("memberships")), "role", 2000)
    assert roles.count("owner") < roles.count("admin") < roles.count("viewer")
    assert roles.count("owner") < 0.05 * 2000 and roles.count("member") > 0.4 * 2000


def _match(column: str, kind: ColumnType = BOOL):
    t = table("t", [col("id"), col(column, kind)])
    return concepts.match(t, t.column(column))


def test_distributions_are_what_the_concepts_declare():
    assert distributions.true_share(_match("api_key_revoked")) == 0.05
    assert distributions.true_share(_match("emailVerified")) == 0.85
    assert distributions.true_share(_match("is-inactive")) == 0.05  # not 'active'
    assert distributions.true_share(_match("color")) is None
    assert distributions.true_share(_match("lock_timeout", INT)) is None  # no flag at all
    assert distributions.true_share(_match("is_locked", INT)) == 0.05
    ranked = distributions.privilege_weights(
        _match("priority", text(10)), ["urgent", "high", "medium", "low"]
    )
    assert ranked is not None and ranked[0][0] == "low" and ranked[0][-1] == "urgent"
    assert distributions.privilege_weights(_match("status", text(10)), ["owner", "member"]) is None
    assert distributions.privilege_weights(_match("role", text(10)), ["alpha", "beta"]) is None
    weight = _match("weight_kg", MONEY)
    assert weight is not None and weight.concept.span == (0.05, 50.0)
    tax = _match("vatPercent", MONEY)
    assert tax is not None and tax.concept.span == (0.0, 30.0)


def test_births_not_kept_are_computed_on_demand_with_the_same_values(monkeypatch):
    kept = _column(_shop().table(name("items")), "created_at")
    # a run whose birth budget is spent: parents' births are computed per batch instead
    monkeypatch.setattr(table_module, "_BIRTHS_BUDGET", 0)
    assert _column(_shop().table(name("items")), "created_at") == kept


def test_a_flag_follows_the_time_of_its_event():
    keys = table(
        "api_keys",
        [
            col("id"),
            col("created_at", STAMP),
            col("revoked", BOOL),
            col("is_deleted", BOOL),
            col("deleted_at", STAMP, nullable=True),
            col("revoked_at", STAMP, nullable=True),
            col("is_public", BOOL),
        ],
    )
    line = timeline.plan(keys, {})
    assert timeline.flag_events(keys, line) == {"revoked": "revoked_at", "is_deleted": "deleted_at"}
    plan = build_plan(catalog(keys), RowRequest(500), {}, Capabilities())
    gen = RunGenerators(plan, seed=5).table(name("api_keys"))
    flags, times = _column(gen, "revoked", 500), _column(gen, "revoked_at", 500)
    for revoked, revoked_at in zip(flags, times, strict=True):
        assert revoked == (revoked_at is not None)
    assert 0 < sum(_column(gen, "revoked", 500)) < 0.2 * 500


def test_every_time_concept_declares_its_place_and_names_real_events():
    times = [c for c in concepts.registered() if c.family == "time"]
    names = {c.name for c in times}
    assert {"created", "paid", "shipped", "delivered", "due", "start", "end"} <= names
    for concept in times:
        assert concept.life is not None, concept.name
        assert set(concept.life.after) <= names, concept.name
        assert concept.name not in concept.life.after
