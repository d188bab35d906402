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
    "expr", ["(a < b + 1)", "json_valid(`x`)", "(a > 1) OR (b > 2)", "(a !~ 'x')"]
)
def test_unparsed_forms_are_reported_not_guessed(expr):
    assert parse_check(expr, {"a", "b", "x"}) is None
