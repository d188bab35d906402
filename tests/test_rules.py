"""CHECK expressions as PostgreSQL and MySQL print them, turned into column rules."""

from __future__ import annotations

import pytest

from fastseed.generate.rules import parse_check


def one(expr: str, cols: set[str], value_name: str | None = None):
    parsed = parse_check(expr, cols, value_name)
    assert parsed is not None, expr
    out = {}
    for c, r in parsed:
        out[c] = out[c].merge(r) if c in out else r
    return out


def test_domain_range_over_value():
    r = one("((VALUE >= 1901) AND (VALUE <= 2155))", set(), "year")["year"]
    assert (r.low, r.low_inclusive, r.high, r.high_inclusive) == ("1901", True, "2155", True)


def test_pg_timestamp_range_with_casts():
    r = one(
        "((payment_date >= '2007-01-01 00:00:00'::timestamp without time zone) AND "
        "(payment_date < '2007-02-01 00:00:00'::timestamp without time zone))",
        {"payment_date"},
    )["payment_date"]
    assert r.low == "2007-01-01 00:00:00" and r.high == "2007-02-01 00:00:00"
    assert not r.high_inclusive


@pytest.mark.parametrize(
    "expr",
    [
        "((status)::text = ANY ((ARRAY['new'::character varying, 'it''s'::character varying])"
        "::text[]))",
        "(status = ANY (ARRAY['new'::text, 'it''s'::text]))",
        "`status` in ('new','it''s')",
        "((status = 'new') OR (status = 'it''s'))",
    ],
)
def test_value_lists(expr):
    assert one(expr, {"status"})["status"].choices == ("new", "it's")


def test_mysql_between_and_comparison_flipped():
    r = one("`rating` between 1 and 5 and 0 < `price`", {"rating", "price"})
    assert (r["rating"].low, r["rating"].high) == ("1", "5")
    assert r["price"].low == "0" and not r["price"].low_inclusive


def test_length_and_not_null():
    r = one("((length((name)::text) > 2) AND (name IS NOT NULL))", {"name"})["name"]
    assert r.min_length == 3 and r.not_null


def test_order_between_two_columns():
    assert one("(created_at <= updated_at)", {"created_at", "updated_at"})["updated_at"].after == (
        "created_at"
    )
    r = one("`ends` > `starts`", {"starts", "ends"})["ends"]
    assert r.after == "starts" and r.after_strict


def test_regex_and_like_patterns():
    assert one("((code)::text ~ '^[A-Z]{3}$'::text)", {"code"})["code"].pattern == "^[A-Z]{3}$"
    assert one("((sku)::text ~~ 'AB\\_%'::text)", {"sku"})["sku"].pattern == "^AB_.*$"
    assert one("`sku` like 'X_'", {"sku"})["sku"].pattern == "^X.$"


@pytest.mark.parametrize(
    "expr", ["(a < b + 1)", "json_length(`x`) > 2", "(a > 1) OR (b > 2)", "(a !~ 'x')"]
)
def test_unparsed_forms_are_reported_not_guessed(expr):
    assert parse_check(expr, {"a", "b", "x"}) is None


# -- CHECK forms of real schemas, verbatim as each server prints them ----------------------------
# PostgreSQL: pg_get_constraintdef() without "CHECK "; MariaDB 10.11: CHECK_CONSTRAINTS.CHECK_CLAUSE

COLS = {"persontype", "x", "y", "z", "w", "m", "j", "born", "at", "k", "doc", "o", "e", "slug"}


@pytest.mark.parametrize(
    ("expr", "column", "field", "value"),
    [
        # a function around the column in a list or comparison
        (
            "((upper((persontype)::text) = ANY (ARRAY['SC'::text, 'VC'::text, 'IN'::text])))",
            "persontype",
            "choices",
            ("SC", "VC", "IN"),
        ),
        ("ucase(`persontype`) in ('SC','VC','IN')", "persontype", "choices", ("SC", "VC", "IN")),
        ("((lower(x) = ANY (ARRAY['red'::text, 'Blue'::text])))", "x", "choices", ("red",)),
        ("lcase(`x`) in ('red','blue')", "x", "choices", ("red", "blue")),
        ("(upper(x) = 'AB'::text)", "x", "choices", ("AB",)),
        ("((btrim(y) <> ''::text))", "y", "min_length", 1),
        ("trim(`y`) <> ''", "y", "min_length", 1),
        ("((length(TRIM(BOTH FROM w)) > 0))", "w", "min_length", 1),
        ("(((char_length(z) >= 2) AND (char_length(z) <= 10)))", "z", "max_length", 10),
        ("char_length(`z`) between 2 and 10", "z", "min_length", 2),
        ("octet_length(`o`) >= 4", "o", "min_length", 4),
        # casts
        ("((m > (0)::numeric))", "m", "low", "0"),
        ("(((slug)::text ~ '^[a-z0-9-]+$'::text))", "slug", "pattern", "^[a-z0-9-]+$"),
        ("cast(`slug` as char charset utf8mb3) regexp '^[a-z]+$'", "slug", "pattern", "^[a-z]+$"),
        # JSON
        ("((jsonb_typeof(j) = 'object'::text))", "j", "json", "object"),
        ("((jsonb_typeof(j) = 'array'::text))", "j", "json", "array"),
        ("json_valid(`doc`)", "doc", "json", "valid"),
        ("`doc` is null or json_valid(`doc`)", "doc", "json", "valid"),
        # MySQL/MariaDB spellings
        ("`slug` regexp '^[a-z0-9-]+$'", "slug", "pattern", "^[a-z0-9-]+$"),
        ("`slug` rlike '^[a-z]{2}$'", "slug", "pattern", "^[a-z]{2}$"),
        ("regexp_like(`slug`,'^[a-z]+$')", "slug", "pattern", "^[a-z]+$"),
        ("`e` <> ''", "e", "excluded", ("",)),
        ("`k` in (_utf8mb4'p',_utf8mb4'it''s')", "k", "choices", ("p", "it's")),
        # the current time: upper bounds sit at the reference time, lower ones far ahead
        ("((born <= CURRENT_DATE))", "born", "high", "2026-07-01 00:00:00+00:00"),
        ("((at < now()))", "at", "high", "2026-07-01 00:00:00+00:00"),
        ("((at <= LOCALTIMESTAMP))", "at", "high", "2026-07-01 00:00:00+00:00"),
        ("((at <= CURRENT_TIMESTAMP))", "at", "high", "2026-07-01 00:00:00+00:00"),
        ("((at > now()))", "at", "low", "2100-01-01 00:00:00+00:00"),
        ("(slug IS NULL OR slug ~ '^[a-z]+$')", "slug", "pattern", "^[a-z]+$"),
    ],
)
def test_real_schema_check_forms(expr, column, field, value):
    assert getattr(one(expr, COLS)[column], field) == value


def test_now_matches_the_reference_time():
    from fastseed.generate.kinds.base import _parse_time
    from fastseed.generate.kinds.temporal import REFERENCE_TIME
    from fastseed.generate.rules import PAST_NOW

    assert _parse_time(PAST_NOW) == REFERENCE_TIME


@pytest.mark.parametrize(
    "expr",
    [
        "octet_length(`o`) <= 8",  # a byte limit is not a character limit
        "(a IS NULL)",  # a NULL test alone is a NULL pattern, not a value rule
        "((at = now()))",
        "(upper(x) <> 'AB'::text)",
    ],
)
def test_forms_left_to_the_server(expr):
    assert parse_check(expr, {"a", "o", "at", "x"}) is None


NN, NV = True, False  # NULL, value


@pytest.mark.parametrize(
    ("expr", "allowed"),
    [
        ("(((a IS NOT NULL) <> (b IS NOT NULL)))", {(NN, NV), (NV, NN)}),
        ("`a` is not null <> (`b` is not null)", {(NN, NV), (NV, NN)}),
        ("((num_nonnulls(a, b) = 1))", {(NN, NV), (NV, NN)}),
        ("((num_nulls(a, b) >= 1))", {(NN, NV), (NV, NN), (NN, NN)}),
        ("(((a IS NULL) OR (b IS NULL)))", {(NN, NV), (NV, NN), (NN, NN)}),
        ("`a` is null or `b` is null", {(NN, NV), (NV, NN), (NN, NN)}),
        ("(((a IS NULL) = (b IS NULL)))", {(NN, NN), (NV, NV)}),
        ("((NOT ((a IS NULL) AND (b IS NULL))))", {(NN, NV), (NV, NN), (NV, NV)}),
        ("`a` is not null or `b` is not null", {(NN, NV), (NV, NN), (NV, NV)}),
    ],
)
def test_null_patterns_across_columns(expr, allowed):
    from fastseed.generate.rules import parse_null_check

    rule = parse_null_check(expr, {"a", "b"})
    assert rule is not None and rule.columns == ("a", "b")
    assert set(rule.allowed) == allowed


def _rules_of(*checks: str, columns=None):
    from helpers import INT, catalog, col, table

    from fastseed.generate.rules import table_rules
    from fastseed.schema import Check

    cols = columns or [col("id"), col("x", INT, True), col("a", INT, True), col("b", INT, True)]
    t = table("t", cols)
    t = type(t)(**{**t.__dict__, "checks": tuple(Check(f"c{i}", e) for i, e in enumerate(checks))})
    return table_rules(catalog(t), t)


@pytest.mark.parametrize(
    ("checks", "named"),
    [
        (["((x > 10) AND (x < 5))"], "check c0 on column x"),
        (["(x > 10)", "(x < 5)"], "checks c0, c1 contradict each other on column x"),
        (["(x = ANY (ARRAY[1, 2, 3]))", "(x > 5)"], "checks c0, c1 contradict each other"),
        (["(x IN (1, 2))", "(x IN (3, 4))"], "on column x"),
        (["(a > b)", "(b > a)"], "checks c0, c1 contradict each other on columns a, b"),
    ],
)
def test_contradictory_checks_are_problems_naming_them(checks, named):
    rules = _rules_of(*checks)
    assert len(rules.problems) == 1 and named in rules.problems[0], rules.problems
    # no column is left ordered after another in a cycle (that recursed without end)
    assert all(r.after is None for r in rules.columns.values())


def test_exactly_one_of_two_not_null_columns_is_a_problem():
    from helpers import INT, col

    rules = _rules_of("(num_nonnulls(a, b) = 1)", columns=[col("id"), col("a"), col("b", INT)])
    assert rules.problems and "c0" in rules.problems[0]


def test_bounds_keep_the_tightest_and_lists_follow_them():
    rules = _rules_of("(x > 10)", "(x > 5)", "(x <= 50)", "(x < 99)", "(x IN (3, 20, 60))")
    r = rules.columns["x"]
    assert (r.low, r.low_inclusive, r.high, r.choices) == ("10", False, "50", ("20",))
    assert not rules.problems


def test_pattern_on_a_number_is_left_to_the_server():
    rules = _rules_of("(((x)::text ~ '^[0-9]+$'::text))")
    assert rules.unhandled == ["c0"] and "x" not in rules.columns


# -- UNIQUE plus a pattern: the row index written into the pattern's free parts ----------------


@pytest.mark.parametrize(
    ("regex", "length", "capacity"),
    [
        ("^[A-Z]{2}$", 2, 676),
        ("^[a-z0-9-]+$", 60, None),
        ("^[a-z0-9]+(-[a-z0-9]+)*$", 60, None),
        ("^(jpg|png|gif)-[0-9]{3}$", None, 3000),
        ("^SKU-\\d{4}$", 20, 10_000),
        ("^[A-Za-z]{3}$", None, 26**3),  # case counts once: distinct under _ci collations
        ("^[a-z]{2,}$", 4, 26**4),
    ],
)
def test_unique_pattern_values(regex, length, capacity):
    import re

    import numpy as np

    from fastseed.generate.pattern import UniquePattern

    layout = UniquePattern(regex, length)
    if capacity is not None:
        assert layout.capacity == capacity
    else:
        assert layout.capacity > 10**12
    rows = min(layout.capacity, 30_000)
    values = layout.make(7, np.arange(rows, dtype=np.int64))
    assert len({v.lower() for v in values}) == rows
    assert all(re.search(regex, v) for v in values)
    assert all(len(v) <= length for v in values) if length else True


def test_unique_pattern_too_long_for_the_column_holds_nothing():
    from fastseed.generate.pattern import UniquePattern

    assert UniquePattern("^[a-z]{5}$", 3).capacity == 0


def test_capacity_of_a_unique_pattern_column():
    from helpers import catalog, col, table, text

    from fastseed.generate.table import unique_capacity
    from fastseed.schema import Check

    t = table("t", [col("id"), col("code", text(2))], uniques=(("code",),))
    t = type(t)(**{**t.__dict__, "checks": (Check("c", "((code)::text ~ '^[A-Z]{2}$'::text)"),)})
    keys = unique_capacity(catalog(t), t, (), lambda fk: 0)
    assert keys.rows == 676 and "code" in keys.why


def test_mysql_string_escapes():
    """MariaDB prints 'it''s' as 'it\\'s' and a backslash doubled; PostgreSQL keeps both."""
    my = r"`kind` in ('a','it\'s','b\\c',_utf8mb4'x''y')"
    assert one_escaped(my)["kind"].choices == ("a", "it's", "b\\c", "x'y")
    assert one_escaped(r"`code` regexp '^\\d{3}$'")["code"].pattern == r"^\d{3}$"
    assert one(r"((code)::text ~ '^\d{3}\'::text)", {"code"})["code"].pattern == "^\\d{3}\\"


def one_escaped(expr: str):
    parsed = parse_check(expr, {"kind", "code"}, escapes=True)
    assert parsed is not None, expr
    return dict(parsed)


def test_not_in_as_postgres_prints_it():
    r = one("((name <> ALL (ARRAY['format'::text, 'trred'::text])))", {"name"})["name"]
    assert r.excluded == ("format", "trred")
    assert parse_check("((n > ALL (ARRAY[1, 2])))", {"n"}) is None


def test_a_range_whose_every_value_is_excluded_is_a_problem():
    rules = _rules_of("((x >= 1) AND (x <= 2))", "(x <> ALL (ARRAY[1, 2]))")
    assert rules.problems and "no whole number" in rules.problems[0]
    assert _rules_of("((x > 1) AND (x < 2))").problems  # integers
    assert not _rules_of("((x >= 1) AND (x <= 3))", "(x NOT IN (1, 2))").problems


@pytest.mark.parametrize(
    ("length", "check", "problem"),
    [
        (12, "(char_length(s) >= 13)", "no text of at least 13 characters fits its type"),
        (12, "((length(s) >= 13) AND (length(s) <= 17))", "varchar(12)"),
        (12, "(s IN ('abcdefghijklm', 'nopqrstuvwxyz'))", "no value of its list passes"),
        (12, "(char_length(s) >= 12)", None),
        (None, "(char_length(s) >= 30)", None),  # unbounded text holds any length
    ],
)
def test_lengths_the_declared_type_cannot_hold_are_problems(length, check, problem):
    from helpers import col, text

    rules = _rules_of(check, columns=[col("id"), col("s", text(length), True)])
    if problem is None:
        assert not rules.problems, rules.problems
    else:
        assert len(rules.problems) == 1 and "c0 on column s" in rules.problems[0]
        assert problem in rules.problems[0], rules.problems


def test_list_values_longer_than_the_column_are_dropped():
    from helpers import col, text

    rules = _rules_of("(s IN ('ok', 'too long'))", columns=[col("id"), col("s", text(3))])
    assert rules.columns["s"].choices == ("ok",) and not rules.problems


def test_columns_that_must_differ_are_ruled_on_the_later_column():
    rules = _rules_of("((a <> b))", "(`b` != `x`)")  # columns in order: id, x, a, b
    assert rules.columns["b"].differs == ("a", "x")
    assert "a" not in rules.columns and "x" not in rules.columns
    assert rules.handled == ["c0", "c1"]


@pytest.mark.parametrize(
    "regex",
    [
        "^[[:alpha:]][[:alnum:]_]{2,}$",
        "^[[:upper:]]{3}-[[:digit:]]{4}$",
        "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$",
        "^[a-z0-9]+(?:-[a-z0-9]+)*$",
        "^\\S+\\W\\D$",
    ],
)
def test_patterns_of_real_schemas_generate_matching_values(regex):
    import re

    import numpy as np

    from fastseed.generate.pattern import PatternGen, UniquePattern, python_regex

    check = re.compile(python_regex(regex))
    gen = PatternGen(regex)
    assert all(check.search(gen.make(s)) for s in range(1, 500))
    unique = UniquePattern(regex, 60).make(3, np.arange(5000, dtype=np.int64))
    assert len(set(unique)) == 5000 and all(check.search(v) for v in unique)


def _partitioned(check: str, bounds: list[tuple[str, str]], default: bool = False):
    from helpers import INT, catalog, col, table

    from fastseed.generate.rules import table_rules
    from fastseed.schema import Check, PartitionBound, Partitioning, TableName

    parts = [
        PartitionBound(TableName("public", f"p{i}"), (lo,), (hi,))
        for i, (lo, hi) in enumerate(bounds)
    ]
    if default:
        parts.append(PartitionBound(TableName("public", "rest"), is_default=True))
    t = table("t", [col("id"), col("k", INT)], pk=None)
    t = type(t)(
        **{
            **t.__dict__,
            "checks": (Check("c0", check),),
            "partitioning": Partitioning("range", ("k",), tuple(parts)),
        }
    )
    return table_rules(catalog(t), t)


def test_partition_leaves_a_check_excludes_are_left_out():
    rules = _partitioned(
        "(k > 0)", [("MINVALUE", "0"), ("0", "1"), ("1", "500"), ("500", "MAXVALUE")]
    )
    assert rules.columns["k"].leaves == (("range", "1", "500"), ("range", "500", None))
    assert rules.columns["k"].routed and not rules.problems


def test_no_partition_leaf_fits_the_checks_is_a_problem_unless_a_default_takes_rows():
    rules = _partitioned("(k > 0)", [("MINVALUE", "0"), ("0", "1")])
    assert len(rules.problems) == 1 and "c0 on column k" in rules.problems[0]
    assert "partition" in rules.problems[0]
    rules = _partitioned("(k > 0)", [("MINVALUE", "0")], default=True)
    assert not rules.problems and rules.columns["k"].leaves is None


def cases_of(expr: str, cols: set[str]) -> list[dict]:
    from fastseed.generate.rules import parse_cases

    parsed = parse_cases(expr, cols)
    assert parsed is not None, expr
    return [
        {c: (null, rule.choices if rule else None) for c, (null, rule) in case.items()}
        for case in parsed
    ]


def test_cases_written_out_with_lists_of_one_column_merged():
    """An OR of ANDs becomes cases; `state IN (...)` inside one keeps one case per list
    (written out, each value would be a case, and rows would favour that branch)."""
    expr = (
        "((((change_type = 'delete'::change_types) AND (original IS NOT NULL) AND "
        "(ds IS NULL)) OR ((change_type = 'create'::change_types) AND (original IS NULL) AND "
        "(ds IS NOT NULL)) OR ((change_type = 'update'::change_types) AND (ds IS NOT NULL) AND "
        "((((status = 'complete'::workflow_states) OR (status = 'pending'::workflow_states)) "
        "AND (original IS NOT NULL)) OR ((status = 'draft'::workflow_states) AND "
        "(original IS NULL))))))"
    )
    assert cases_of(expr, {"change_type", "original", "ds", "status"}) == [
        {"change_type": (False, ("delete",)), "original": (False, None), "ds": (True, None)},
        {"change_type": (False, ("create",)), "original": (True, None), "ds": (False, None)},
        {
            "change_type": (False, ("update",)),
            "ds": (False, None),
            "status": (False, ("complete", "pending")),
            "original": (False, None),
        },
        {
            "change_type": (False, ("update",)),
            "ds": (False, None),
            "status": (False, ("draft",)),
            "original": (True, None),
        },
    ]


@pytest.mark.parametrize(
    "expr",
    [
        "a > 0 AND b < 3",  # one case: the plain rule parser's
        "(a = 1) OR (b IS NULL AND NOT c)",  # NOT is not a test of the case parser
        "(a = 1) OR (lower(b) || c = 'x')",
        " OR ".join(f"(a = {i} AND b = {i})" for i in range(17)),  # too many cases
    ],
)
def test_not_checks_of_cases(expr: str):
    from fastseed.generate.rules import parse_cases

    assert parse_cases(expr, {"a", "b", "c"}) is None


def test_a_case_whose_tests_contradict_is_left_out():
    assert cases_of("(a IS NULL AND a = 1) OR (b = 2)", {"a", "b"}) == [{"b": (False, ("2",))}]


def test_checks_of_cases_as_splits_or_left_to_the_pretest():
    """Cases as a per-row split on each column; cases a NOT NULL column rules out dropped;
    two checks over a shared column joined into one split; a check that would pick the
    values of a key or FK column, or of a column a NULL check drives, stays pre-tested."""
    from dataclasses import replace

    from helpers import catalog, col, fk, table, text

    from fastseed.generate.rules import table_rules
    from fastseed.schema import Check

    t = table(
        "t",
        [
            col("id"),
            col("tier", text(10)),
            col("amount"),
            col("note", text(), nullable=False),
            col("user_id", nullable=True),
            col("kind", text(10)),
            col("code", text(10)),
            col("a", nullable=True),
            col("b", nullable=True),
            col("level"),
            col("c", nullable=True),
            col("stage"),
        ],
        fks=(fk("t_user", ("user_id",), "users"),),
        uniques=(("code",),),
    )
    checks = (
        Check("tier_amount", "(tier = 'free' AND amount = 0) OR (tier = 'paid' AND amount > 0)"),
        Check("noted", "(tier = 'free' AND note IS NULL) OR tier = 'paid'"),
        Check(
            "owner",
            "(kind = 'user' AND user_id IS NOT NULL) OR (kind = 'none' AND user_id IS NULL)",
        ),
        Check("coded", "(code = 'x' AND a IS NULL) OR (a IS NOT NULL)"),
        Check("ab", "(a IS NULL) <> (b IS NULL)"),
        Check("b_case", "(b IS NULL) OR (b = 1 AND level = 2)"),
        Check("lvl", "(stage = 1 AND c IS NULL) OR (stage = 2 AND c IS NOT NULL)"),
        Check("c_set", "c IS NOT NULL"),
    )
    users = table("users", [col("id")])
    rules = table_rules(catalog(replace(t, checks=checks), users), replace(t, checks=checks))
    assert "noted" in rules.handled and "tier_amount" in rules.handled and "owner" in rules.handled
    assert set(rules.unhandled) == {"coded", "b_case"}
    split = rules.columns["tier"].cases
    assert split is not None and split.check == "tier_amount, noted"
    # free rows would need note NULL (NOT NULL column): only the paid case is left
    assert [r.choices for r in split.rules] == [("paid",)]
    assert rules.columns["amount"].cases.rules[0].low == "0"
    owner = rules.columns["user_id"].cases
    assert owner.rules == (None, None) and owner.nulls == (False, True)
    assert [r.choices for r in rules.columns["kind"].cases.rules] == [("user",), ("none",)]
    # another check says `c IS NOT NULL`: the case that wants it NULL is never taken
    lvl = rules.columns["stage"].cases
    assert lvl.check == "lvl" and [r.choices for r in lvl.rules] == [("2",)]
