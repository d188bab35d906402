"""Generators: determinism, slices, validity for lengths/precision/uniqueness, FK targets."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest
from helpers import catalog, col, fk, name, table, text
from hypothesis import given, settings
from hypothesis import strategies as st

from fastseed.generate import text as utf8
from fastseed.generate.kinds.strings import _encode
from fastseed.generate.pools import Pools
from fastseed.generate.table import RunGenerators
from fastseed.generate.text import Utf8Array
from fastseed.generate.values import Builder
from fastseed.plan import RowRequest
from fastseed.planner import build_plan
from fastseed.schema import Check, Column, ColumnType, Kind, Table, TableName, UniqueKey
from fastseed.server import Capabilities

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


def _self_plan(rows=400):
    tree = table("tree", [col("id"), col("root_id")], fks=(fk("t_r", ("root_id",), "tree"),))
    chain = table(
        "chain",
        [col("id"), col("head_id"), col("prev_id", nullable=True)],
        fks=(fk("c_h", ("head_id",), "chain"), fk("c_p", ("prev_id",), "chain")),
        uniques=(("head_id",), ("prev_id",)),
    )
    tenants = table("tenants", [col("id")])
    pages = table(
        "pages",
        [col("tenant_id"), col("id"), col("parent_id")],
        pk=("tenant_id", "id"),
        fks=(
            fk("p_p", ("tenant_id", "parent_id"), "pages", ("tenant_id", "id")),
            fk("p_t", ("tenant_id",), "tenants"),
        ),
    )
    docs = table(
        "docs",
        [col("space"), col("id"), col("parent_id")],
        pk=("space", "id"),
        fks=(fk("d_p", ("space", "parent_id"), "docs", ("space", "id")),),
    )
    cat = catalog(tree, chain, tenants, pages, docs)
    return build_plan(cat, RowRequest(rows, {"tenants": 5}), {}, CAPS)


def test_not_null_self_reference_starts_at_a_row_pointing_at_itself():
    tree = rows(_self_plan(), "tree")
    assert tree[0][1] == tree[0][0]
    assert all(parent <= rid for rid, parent in tree)
    assert sum(parent < rid for rid, parent in tree) > len(tree) // 2


def test_unique_self_references_are_one_to_one():
    chain = rows(_self_plan(), "chain")
    heads = [r[1] for r in chain]
    prevs = [r[2] for r in chain if r[2] is not None]
    assert len(set(heads)) == len(heads) and len(set(prevs)) == len(prevs)
    assert chain[0][2] is None and len(prevs) == len(chain) - 1


@pytest.mark.parametrize("table_name", ["pages", "docs"])
def test_self_reference_sharing_a_column_stays_within_it(table_name):
    got = rows(_self_plan(), table_name)
    keys = {(t, i) for t, i, _ in got}
    assert all((t, p) in keys for t, _, p in got)
    assert sum(p != i for _, i, p in got) > len(got) // 2  # mostly real parents, not itself


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


def _text_zoo(locale: str) -> tuple:
    """Text columns of the kinds built as UTF-8 arrays, with lengths that force cut rows."""
    mood = ColumnType(Kind.ENUM, "mood", labels=("sad", "ok", "très bien"))
    people = Table(
        TableName("public", "people"),
        (
            col("id"),
            col("first_name", text(6)),
            col("last_name", text(30), nullable=True),
            col("email", text(24)),
            col("username", text(12)),
            col("full_name", text(14)),
            col("phone", text(20), nullable=True),
            col("city", text(40)),
            col("status", text(20)),
            col("mood", mood),
            col("notes", text(60)),
            col("title", text(16)),
        ),
        uniques=(UniqueKey("people_email", ("email",)), UniqueKey("people_user", ("username",))),
        checks=(
            Check("people_status", "status IN ('new', 'señal', 'done')"),
            Check("people_notes", "char_length(notes) >= 12"),
        ),
    )
    people = replace(people, primary_key=UniqueKey("people_pkey", ("id",), primary=True))
    stamp = ColumnType(Kind.TIMESTAMP, "timestamptz", timezone=True)
    orders = table(
        "orders",
        [col("id"), col("status", text(10)), col("shipped_at", stamp, nullable=True)],
    )
    orders = replace(orders, checks=(Check("o_s", "status IN ('pending', 'PAID', 'shipped')"),))
    plan = build_plan(catalog(people, orders), RowRequest(3000), {}, CAPS)
    gens = RunGenerators(plan, seed=11, locale=locale)
    return gens.table(name("people")), gens.table(name("orders"))


@pytest.mark.parametrize("locale", ["en", "de", "ja"])
def test_text_arrays_hold_the_same_values_as_the_python_path(locale):
    for gen in _text_zoo(locale):
        batch = gen.batch(0, 3000)
        assert any(isinstance(d.values, Utf8Array) for d in batch.data)
        assert batch.rows() == gen.rows(0, 3000)
        for column, values in zip(gen.write_columns, zip(*batch.rows(), strict=True), strict=True):
            if column.type.length:
                assert all(v is None or len(v) <= column.type.length for v in values), column.name
    # an order is unshipped exactly while its status says so
    statuses = {status: shipped is None for _, status, shipped in gen.rows(0, 3000)}
    assert statuses == {"pending": True, "PAID": True, "shipped": False}


def test_utf8_array_operations_match_python_strings():
    words = ["", "a", "Zoë", "日本語", "two words", "x" * 40]
    pool = utf8.from_strings(words)
    idx = np.array([5, 0, 2, 3, 3, 1, 4], dtype=np.int64)
    picked = pool.take(idx)
    assert picked.tolist() == [words[i] for i in idx]
    assert picked.char_lengths().tolist() == [len(words[i]) for i in idx]
    dot = utf8.constant(".", len(idx))
    assert utf8.concat([picked, dot, picked]).tolist() == [f"{words[i]}.{words[i]}" for i in idx]
    nums = np.array([0, 9, 10, 35, 36, 10**15, 123456789], dtype=np.int64)
    b36 = "0123456789abcdefghijklmnopqrstuvwxyz"
    assert utf8.integers(nums, b36.encode()).tolist() == [_encode(int(v), b36) for v in nums]
    assert utf8.integers(nums, width=4).tolist() == [str(v).zfill(4) for v in nums]
    cut = utf8.truncate_bytes(picked, np.full(len(idx), 4))
    assert cut.tolist() == [words[i].encode()[:4].decode(errors="ignore") for i in idx]
    mask = np.array([True, False] * 3 + [True])
    assert utf8.choose_rows(mask, picked, pool.take(idx[::-1])).tolist() == [
        words[a] if m else words[b] for m, a, b in zip(mask, idx, idx[::-1], strict=True)
    ]
    assert utf8.splice(picked, np.array([1, 6]), ["p", "q"]).tolist()[1::5] == ["p", "q"]
    lowered = utf8.ascii_lower_without_spaces(utf8.from_strings(["Ann Lee", "BO"]))
    assert lowered is not None and lowered.tolist() == ["annlee", "bo"]
    assert utf8.ascii_lower_without_spaces(utf8.from_strings(["Zoë"])) is None


def test_utf8_array_tolist_decodes_each_value():
    """The one-decode path (values packed end to end, no separator byte among them) and the
    per-value one for the others."""
    values = ["", "Zoë", "日本語", "", "two words", "x" * 40, ""]
    assert utf8.from_strings(values).tolist() == values
    assert utf8.from_strings(["a\x1fb", "", "ü"]).tolist() == ["a\x1fb", "", "ü"]
    assert utf8.from_strings([]).tolist() == []
    inner = utf8.Utf8Array(np.frombuffer("..abÿ..".encode(), dtype=np.uint8), np.array([2, 4, 6]))
    assert inner.tolist() == ["ab", "ÿ"]


def test_a_not_null_share_keeps_the_nulls_of_its_base():
    """tax (a share of a nullable subtotal, NOT NULL itself) must not clear the subtotal's
    NULL mask, which the batch holds too: batch and rows agree."""
    num = ColumnType(Kind.NUMERIC, "numeric(10,2)", precision=10, scale=2)
    invoices = table(
        "invoices",
        [
            col("id"),
            col("subtotal", num, nullable=True),
            col("tax", num),
            col("total", num, nullable=True),
        ],
    )
    plan = build_plan(catalog(invoices), RowRequest(2000), {}, CAPS)
    gen = RunGenerators(plan, seed=1).table(name("invoices"))
    assert "of subtotal" in gen.labels()["tax"]
    rows = gen.rows(0, 2000)
    assert any(r[1] is None for r in rows)
    assert gen.batch(0, 2000).rows() == rows


def test_take_gathers_pool_entries_either_way():
    from fastseed.generate.concepts.kit import take

    pool = ["a", "b", "", "日本", "a"]
    for n in (3, 50):  # fewer picks than entries (a Python loop), more (an object array)
        picks = np.arange(n, dtype=np.int64) * 7 % len(pool)
        assert take(pool, picks) == [pool[i] for i in picks.tolist()]
    assert take(pool, np.zeros(0, dtype=np.int64)) == []


def test_lower_in_and_contains_any_on_utf8_arrays():
    from fastseed.generate.text import contains_any, from_strings, lower_in

    values = from_strings(
        ["Pending", "SHIPPED", "", "paid", "pendingx", "ship", "delivered", "paid\0", "pai"]
    )
    got = lower_in(values, {"pending", "paid", "ship"})
    assert got is not None
    assert got.tolist() == [True, False, False, True, False, True, False, False, False]
    assert lower_in(from_strings(["Émis"]), {"émis"}) is None  # non-ASCII: not decided here
    assert contains_any(from_strings(["a", "b\tc"]), b"\t\n")
    assert not contains_any(from_strings(["a", "bc"]), b"\t\n")
    assert not contains_any(from_strings([]), b"\t")


def test_name_pools_sample_the_locales_own_lists():
    from mimesis import Person
    from mimesis.locales import Locale

    from fastseed.generate.pools import POOL_SIZE, Pools

    first = Pools(42).get("first_name")
    assert first == Pools(42).get("first_name") and first != Pools(43).get("first_name")
    assert len(first) == POOL_SIZE == len(set(first)) and first == sorted(first)
    person = Person(Locale.EN, seed=1)
    known = {person.first_name() for _ in range(30000)}  # nearly all of mimesis' names
    assert len(set(first) - known) < 20
    # a list shorter than the pool is taken whole
    last = Pools(42, "de").get("last_name")
    assert set(last) >= {Person(Locale.DE, seed=s).last_name() for s in range(50)}


def test_pool_providers_draw_what_generic_draws():
    """`Providers` builds only the providers a recipe uses and reuses locale data between
    pools; every recipe still draws what mimesis' Generic with the same seed draws, also
    from a data provider another pool (another seed) used before."""
    from mimesis import Generic
    from mimesis.locales import Locale

    from fastseed.generate.pools import _RECIPES, Providers

    cache: dict = {}
    for locale in (Locale.EN, Locale.DE):
        for seed in (5, 6, 5):
            for pool, recipe in _RECIPES.items():
                generic, ours = Generic(locale, seed=seed), Providers(locale, seed, cache)
                expected = [recipe(generic) for _ in range(12)]
                assert [recipe(ours) for _ in range(12)] == expected, (locale, seed, pool)
    assert {"address", "person", "text"} <= {provider for provider, _ in cache}


def test_the_plan_names_the_columns_made_value_by_value():
    """A column without a column-wise form says so in its generator label (`fastseed plan`),
    and one with it does not: the batch then holds a Python list for it, else an array."""
    blobs = table(
        "blobs",
        [
            col("id"),
            col("payload", ColumnType(Kind.BINARY, "bytea")),
            col("doc", ColumnType(Kind.TSVECTOR, "tsvector")),
            col("title", text(80)),
        ],
    )
    gen = RunGenerators(build_plan(catalog(blobs), RowRequest(50), {}, CAPS), seed=3).table(
        name("blobs")
    )
    labels, batch = gen.labels(), gen.batch(0, 50)
    listed = {
        c.name
        for c, d in zip(gen.write_columns, batch.data, strict=True)
        if isinstance(d.values, list)
    }
    assert listed == {"doc"}
    assert {c for c, label in labels.items() if "made value by value" in label} == listed


@pytest.mark.parametrize("width", [1, 2, 3])
def test_unique_codes_are_made_column_wise_with_the_list_paths_values(width: int):
    """A unique char(n) code (n <= 8) has a UTF-8 form for the encoders: the same codes as
    the list path, also past the ASCII ones (where a charset letter leads)."""
    column = Column("currency", ColumnType(Kind.TEXT, f"character({width})", length=width), False)
    gen = Builder(Pools(3), 3, table("currencies", [column]), column, None, unique=True).build()
    assert gen.raw is not None and "unique code" in gen.label
    idx = np.arange(min(5000, 36**width), dtype=np.int64)
    codes = gen.raw(idx).tolist()
    assert codes == gen(idx) and len(set(codes)) == len(idx)
    past = np.arange(36**width - 3, 36**width + 3, dtype=np.int64)
    assert gen.raw(past).tolist() == gen(past)
