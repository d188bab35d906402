"""Unit tests of key construction: every unique key of a table holds, at the reported capacity."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from helpers import BOOL, catalog, col, fk, name, table, text
from hypothesis import given, settings
from hypothesis import strategies as st

from fastseed.generate import hashing as h
from fastseed.generate.table import RunGenerators
from fastseed.plan import RowRequest
from fastseed.planner import build_plan
from fastseed.scenario import FanOut, Scenario, TableSpec
from fastseed.schema import Check, ColumnType, Kind
from fastseed.server import Capabilities

CAPS = Capabilities(deferrable_constraints=True, force_defer_any_fk=True)
ROLE = ColumnType(Kind.ENUM, "role", labels=("admin", "member", "viewer"))
TINY = ColumnType(Kind.INTEGER, "tinyint", bits=8)


def _users(n: str = "users"):
    return table(n, [col("id")])


def _seeded(tables, rows, default=0):
    plan = build_plan(catalog(*tables), RowRequest(default, rows), {}, CAPS)
    gens = RunGenerators(plan, seed=3)
    out = {}
    for t in tables:
        tplan = plan.tables[t.name]
        gen = gens.table(t.name)
        names = [c.name for c in gen.write_columns]
        out[t.name.name] = [dict(zip(names, r, strict=True)) for r in gen.rows(0, tplan.rows)]
    return plan, out


def _distinct(rows, *cols):
    return len({tuple(r[c] for c in cols) for r in rows}) == len(rows)


def test_fk_times_enum_capacity_and_values():
    roles = table(
        "user_roles",
        [col("id"), col("user_id"), col("role", ROLE)],
        fks=(fk("ur_u", ("user_id",), "users"),),
        uniques=(("user_id", "role"),),
    )
    plan, data = _seeded([_users(), roles], {"users": 50, "user_roles": 1000})
    assert plan.tables[name("user_roles")].rows == 150
    assert any("only 150 possible" in w for w in plan.warnings), plan.warnings
    assert _distinct(data["user_roles"], "user_id", "role")


def test_two_booleans_and_an_fk_combine():
    prefs = table(
        "prefs",
        [col("user_id"), col("a", BOOL), col("b", BOOL)],
        pk=("user_id", "a", "b"),
        fks=(fk("p_u", ("user_id",), "users"),),
    )
    plan, data = _seeded([_users(), prefs], {"users": 10, "prefs": 100})
    assert plan.tables[name("prefs")].rows == 40
    assert _distinct(data["prefs"], "user_id", "a", "b")


def test_overlapping_fk_keys_hold_together_with_joint_capacity():
    subs = table(
        "subs",
        [col("uid"), col("cid"), col("uri_id")],
        pk=("uid", "cid"),
        fks=(
            fk("s_u", ("uid",), "users"),
            fk("s_c", ("cid",), "chans"),
            fk("s_r", ("uri_id",), "uris"),
        ),
        uniques=(("uri_id", "uid"),),
    )
    tables = [_users(), _users("chans"), _users("uris"), subs]
    plan, data = _seeded(tables, {"users": 30, "chans": 12, "uris": 5, "subs": 10_000})
    assert plan.tables[name("subs")].rows == 30 * 5
    assert _distinct(data["subs"], "uid", "cid")
    assert _distinct(data["subs"], "uri_id", "uid")


def test_not_equal_fks_in_a_key():
    edges = table(
        "edges",
        [col("a"), col("b")],
        pk=("a", "b"),
        fks=(fk("e_a", ("a",), "users"), fk("e_b", ("b",), "users")),
    )
    edges = replace(edges, checks=(Check("no_loop", "(a <> b)"),))
    plan, data = _seeded([_users(), edges], {"users": 9, "edges": 1000})
    assert plan.tables[name("edges")].rows == 9 * 8
    assert _distinct(data["edges"], "a", "b")
    assert all(r["a"] != r["b"] for r in data["edges"])


def test_free_column_with_room_is_preferred_over_a_tinyint():
    members = table(
        "members",
        [col("group_name", text(50)), col("username", text(100)), col("admin", TINY)],
        pk=("group_name", "username", "admin"),
    )
    plan, data = _seeded([members], {"members": 400})
    assert plan.tables[name("members")].rows == 400
    assert _distinct(data["members"], "group_name", "username", "admin")


def test_short_codes_are_distinct_case_folded_and_trimmed():
    codes = table("codes", [col("code", replace(text(2), fixed_length=True))], pk=("code",))
    _, data = _seeded([codes], {"codes": 3000})
    values = [r["code"] for r in data["codes"]]
    assert len(values) == 3000
    assert len({v.casefold().rstrip() for v in values}) == 3000
    assert all(len(v) == 2 for v in values)


def test_per_parent_rule_beyond_the_partners_a_key_allows_is_a_problem():
    likes = table(
        "likes",
        [col("user_id"), col("post_id")],
        pk=("user_id", "post_id"),
        fks=(fk("l_u", ("user_id",), "users"), fk("l_p", ("post_id",), "posts")),
    )
    fan = Scenario(tables=(("likes", TableSpec(per_parent=(("user_id", FanOut(2, 6)),))),))
    tables = [_users(), _users("posts"), likes]
    rows = RowRequest(0, {"users": 20, "posts": 4})
    plan = build_plan(catalog(*tables), rows, {}, CAPS, scenario=fan)
    assert any("at most 4 per parent" in p for p in plan.problems), plan.problems
    fine = Scenario(tables=(("likes", TableSpec(per_parent=(("user_id", FanOut(1, 4)),))),))
    plan = build_plan(catalog(*tables), rows, {}, CAPS, scenario=fine)
    assert not plan.problems
    gen = RunGenerators(plan, seed=5).table(name("likes"))
    got = gen.rows(0, plan.tables[name("likes")].rows)
    assert len(set(got)) == len(got)


def _overlapping(keys, sizes, shared_role=False):
    """A table over one FK per entry of `sizes` (each to a parent with that many rows, or the
    3-label enum `role` for 0), with these unique keys; planned at 1000 rows and generated."""
    cols = [f"p{i}" for i in range(len(sizes))]
    fks = tuple(fk(f"f{i}", (c,), f"par{i}") for i, c in enumerate(cols) if sizes[i])
    columns = [col(c, ROLE if not n else col(c).type) for c, n in zip(cols, sizes, strict=True)]
    keys = [tuple(cols[i] for i in k) + (("role",) if shared_role else ()) for k in keys]
    if shared_role:
        columns.append(col("role", ROLE))
    t = table("t", columns, pk=keys[0], fks=fks, uniques=tuple(keys[1:]))
    parents = [_users(f"par{i}") for i, n in enumerate(sizes) if n]
    rows = {f"par{i}": n for i, n in enumerate(sizes) if n} | {"t": 1000}
    plan, data = _seeded([*parents, t], rows)
    return plan.tables[name("t")].rows, data["t"], keys


def test_three_keys_overlapping_in_a_ring_hold_at_the_two_smallest_sizes():
    # PRIMARY KEY (a, b), UNIQUE (b, c), UNIQUE (c, a): a Latin square, as many rows as the
    # smallest pair allows (no construction can do better: each pair is a key)
    for shared in (False, True):
        got, rows, keys = _overlapping([(0, 1), (1, 2), (2, 0)], [7, 3, 5], shared)
        assert got == 3 * 5 * (3 if shared else 1)
        for key in keys:
            assert _distinct(rows, *key), key
    # sets of several parts: (a, b, c), (c, d), (d, a, b) is the ring {a, b} {c} {d}
    got, rows, keys = _overlapping([(0, 1, 2), (2, 3), (3, 0, 1)], [2, 3, 4, 0])
    assert got == 3 * 4
    for key in keys:
        assert _distinct(rows, *key), key


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 8), min_size=4, max_size=4),
    st.lists(
        st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
        min_size=1,
        max_size=4,
    ),
)
def test_any_overlap_of_keys_holds_at_the_stated_capacity(sizes, keys):
    """Whatever the keys over four FKs (or enums), every key is unique at the plan's count,
    and that count is at least what the key with the fewest values in its largest part holds
    alone (the cyclic form's floor)."""
    got, rows, named = _overlapping(keys, sizes)
    assert len(rows) == got
    for key in named:
        assert _distinct(rows, *key), key
    floor = min(max(sizes[i] or 3 for i in k) for k in keys)
    assert got >= min(floor, 1000)


def test_unique_text_padded_to_a_minimum_length_stays_distinct():
    # a status-like column draws from six words: padding after the suffix would turn
    # "active-1" into "active-1xxx…", which is also "active-" + the suffix "1x"
    rule = Check("min_len", "(char_length(status) >= 20)")
    codes = table("codes", [col("id"), col("status", text(40))], uniques=(("status",),))
    codes = replace(codes, checks=(rule,))
    _, data = _seeded([codes], {"codes": 3000})
    values = [r["status"] for r in data["codes"]]
    assert all(len(v) >= 20 for v in values)
    assert len({v.casefold() for v in values}) == len(values)


def test_key_over_a_nullable_fk_to_an_empty_parent_is_not_capped():
    tags = table(
        "tags",
        [col("id"), col("owner_id", nullable=True), col("kind", ROLE)],
        fks=(fk("t_o", ("owner_id",), "users"),),
        uniques=(("owner_id", "kind"),),
    )
    plan, data = _seeded([_users(), tags], {"users": 0, "tags": 50})
    assert plan.tables[name("tags")].rows == 50
    assert all(r["owner_id"] is None for r in data["tags"])


def test_not_equal_check_kept_by_construction_is_not_tested_in_the_database():
    follows = table(
        "follows",
        [col("id"), col("a"), col("b")],
        fks=(fk("f_a", ("a",), "users"), fk("f_b", ("b",), "users")),
    )
    follows = replace(follows, checks=(Check("no_self", "(a <> b)"),))
    plan, data = _seeded([_users(), follows], {"users": 3, "follows": 300})
    assert all(r["a"] != r["b"] for r in data["follows"])
    assert RunGenerators(plan, seed=3).table(name("follows")).unhandled_checks == ()


def test_fk_times_an_integer_check_range():
    hours = table(
        "opening_hours",
        [col("id"), col("shop_id"), col("weekday", TINY)],
        fks=(fk("o_s", ("shop_id",), "users"),),
        uniques=(("shop_id", "weekday"),),
    )
    hours = replace(hours, checks=(Check("wd", "((weekday >= 0) AND (weekday <= 6))"),))
    plan, data = _seeded([_users(), hours], {"users": 12, "opening_hours": 500})
    assert plan.tables[name("opening_hours")].rows == 12 * 7
    assert all(0 <= r["weekday"] <= 6 for r in data["opening_hours"])
    assert _distinct(data["opening_hours"], "shop_id", "weekday")


def test_key_over_a_self_reference_holds_through_its_other_parts():
    # (parent_id, slot): the parent is an earlier row, so slot alone is made unique (3 rows)
    nodes = table(
        "nodes",
        [col("id"), col("parent_id", nullable=True), col("slot", ROLE)],
        fks=(fk("n_p", ("parent_id",), "nodes"),),
        uniques=(("parent_id", "slot"),),
    )
    plan, data = _seeded([nodes], {"nodes": 10})
    assert plan.tables[name("nodes")].rows == 3
    assert _distinct(data["nodes"], "parent_id", "slot")
    # a unique nullable self-reference is a chain: each row after the first points at the
    # row before it
    links = table(
        "links",
        [col("id"), col("prev_id", nullable=True)],
        fks=(fk("l_p", ("prev_id",), "links"),),
        uniques=(("prev_id",),),
    )
    plan, data = _seeded([links], {"links": 50})
    prev = [r["prev_id"] for r in data["links"]]
    assert prev[0] is None and prev[1:] == [r["id"] for r in data["links"][:-1]]
    # NOT NULL, it cannot be promised: the plan says so
    links = table(
        "links",
        [col("id"), col("prev_id")],
        fks=(fk("l_p", ("prev_id",), "links"),),
        uniques=(("prev_id",),),
    )
    plan = build_plan(catalog(links), RowRequest(10), {}, CAPS)
    assert any("links_prev_id_key" in w for w in plan.warnings), plan.warnings


def test_permutation_of_a_big_key_space_is_exact():
    # junction tables of two large parents permute a space past 2**31: the vectorised
    # modular product must equal exact integer arithmetic
    idx = np.array([0, 1, 2**31, 10**9 + 7, 2**40 + 3, 2**61 - 2], dtype=np.int64)
    for n in (2**31 + 11, 10**10, 2**61 - 1, 2**62 - 3):
        a = h.coprime_multiplier(5 * 2654435761 + 12345, n)
        want = [(int(i % n) * a + 5 % n) % n for i in idx]
        assert h.permute(5, idx % n, n).tolist() == want
