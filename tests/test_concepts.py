"""The concept registry without a server: how names read, what signals decide, and that the
generated values pass the same real validators as the realism suite (tests/realism.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pytest
from realism import JUDGES
from stdnum import ean, iban, isbn, luhn

from fastseed.generate import concepts
from fastseed.generate.classify import classify
from fastseed.generate.pools import Pools
from fastseed.generate.values import Builder
from fastseed.schema import Column, ColumnType, Kind, Table, TableName


def text(n: int | None = None, fixed: bool = False) -> ColumnType:
    sql = f"{'char' if fixed else 'varchar'}({n})" if n else "text"
    return ColumnType(Kind.TEXT, sql, length=n, fixed_length=fixed)


def table(name: str, *cols: tuple[str, ColumnType]) -> Table:
    columns = tuple(Column(c, t, nullable=True) for c, t in cols)
    return Table(TableName("public", name), columns, primary_key=())


def concept_of(tname: str, column: str, ctype: ColumnType, *others: str) -> str | None:
    t = table(tname, (column, ctype), *((o, text(100)) for o in others))
    found = concepts.match(t, t.columns[0])
    return None if found is None else found.concept.name


def values(t: Table, column: str, n: int = 400, seed: int = 3) -> list[str]:
    col = next(c for c in t.columns if c.name == column)
    builder = Builder(Pools(seed), seed, t, col, None, unique=False)
    return builder.build()(np.arange(n, dtype=np.int64))


@pytest.mark.parametrize(
    "name, words",
    [
        ("billingCity", ["billing", "city"]),
        ("ADDR_LINE2", ["address", "line", "2"]),
        ("propValue", ["prop", "value"]),
        ("groupNames", ["group", "name"]),
        ("encryptedpassword", ["encrypted", "password"]),
        ("serviceID", ["service", "id"]),
        ("e-mail", ["e", "mail"]),
        ("card_last4", ["card", "last", "4"]),
        ("res_col_fams", ["resource", "column", "family"]),
        ("ipv6", ["ipv6"]),
    ],
)
def test_names_read_as_words(name: str, words: list[str]) -> None:
    assert concepts.tokens(name) == words


@pytest.mark.parametrize(
    "ctype, concept",
    [
        (text(2, fixed=True), "country_alpha2"),
        (text(3, fixed=True), "country_alpha3"),
        (text(60), "country_name"),
    ],
)
def test_the_length_picks_the_form(ctype: ColumnType, concept: str) -> None:
    assert concept_of("addresses", "country", ctype) == concept


def test_neighbours_tell_a_place_from_a_status() -> None:
    assert concept_of("addresses", "state", text(40), "city", "zip") == "state"
    assert concept_of("jobs", "state", text(40), "started_at") == "status"


def test_table_context_names_a_name_column() -> None:
    assert concept_of("countries", "name", text(80)) == "country_name"
    assert concept_of("suppliers", "name", text(80)) == "company"
    assert concept_of("customers", "name", text(80)) == "full_name"


def test_time_and_number_tags_keep_their_names() -> None:
    t = table(
        "orders",
        ("created_at", ColumnType(Kind.TIMESTAMP, "timestamptz")),
        ("price", ColumnType(Kind.NUMERIC, "numeric(10,2)", precision=10, scale=2)),
        ("email", text(100)),
    )
    assert [classify(t, c) for c in t.columns] == ["created", "money", "email"]


_BOOL = ColumnType(Kind.BOOLEAN, "boolean")
_INT = ColumnType(Kind.INTEGER, "integer")
_DEC = ColumnType(Kind.NUMERIC, "numeric(10,2)", precision=10, scale=2)
_TS = ColumnType(Kind.TIMESTAMP, "timestamp")


@pytest.mark.parametrize(
    "column, ctype, concept",
    [
        ("unitPrice", _DEC, "money"),
        ("zork", ColumnType(Kind.MONEY, "money"), "money"),  # the type alone
        ("num_items", _INT, "quantity"),
        ("deleted_count", _INT, "quantity"),  # the head noun, not the flag inside
        ("discount_pct", _DEC, "tax_rate"),  # a rate off a price: 0 to 30 percent
        ("rental_duration", _INT, "duration"),  # not a percent for the 'ratio' inside
        ("iterations", _INT, None),
        ("DateJoined", _TS, "created"),
        ("lastUpdate", _TS, "updated"),
        ("date_of_birth", ColumnType(Kind.DATE, "date"), "birth"),
        ("TOKEN_DATE_", _TS, None),  # 'token' is not 'to'
        ("isDeleted", _INT, "flag_rare"),
        ("anything", ColumnType(Kind.BOOLEAN, "boolean"), "flag"),
        # the time, flag, number and rank concepts read names as the text ones do:
        # camelCase, kebab-case, abbreviations, plurals, glued words
        ("CreatedAt", _TS, "created"),
        ("paidOn", _TS, "paid"),
        ("valid_until", _TS, "end"),
        ("valid-from", _TS, "start"),
        ("expiresAt", _TS, "end"),
        ("ShippedDate", _TS, "shipped"),
        ("orderdate", _TS, "ordered"),
        ("lastLoginAt", _TS, "last_seen"),
        ("invoice_due_dt", _TS, "due"),
        ("effective_to", _TS, "end"),  # the head noun, not the start word before it
        ("is-active", _BOOL, "flag_common"),
        ("isDeleted", _BOOL, "flag_rare"),
        ("emailVerified", _BOOL, "flag_common"),
        ("is_inactive", _BOOL, "flag_rare"),  # not 'active'
        ("BANNED", _BOOL, "flag_rare"),
        ("clock_enabled", _BOOL, "flag_common"),  # 'lock' inside a word says nothing
        ("lock_timeout", _INT, None),  # an integer is a flag only when named as one
        ("test_flag", _INT, "flag_rare"),
        ("qty", _INT, "quantity"),
        ("unitPrices", _INT, "money"),
        ("weightKg", _DEC, "weight"),
        ("vat-percent", _DEC, "tax_rate"),
        ("user_roles", text(20), "role"),
        ("accessLevel", text(20), "role"),
        ("ticket_priority", text(20), "priority"),
        ("subscription-tier", text(20), "tier"),
    ],
)
def test_number_time_and_flag_columns_are_concepts_too(
    column: str, ctype: ColumnType, concept: str | None
) -> None:
    assert concept_of("things", column, ctype) == concept


@pytest.mark.parametrize(
    "column, ctype, judge",
    [
        ("isbn", text(13, fixed=True), lambda v: len(v) == 13 and isbn.is_valid(v)),
        ("isbn", text(10, fixed=True), lambda v: len(v) == 10 and isbn.is_valid(v)),
        ("ean13", text(13, fixed=True), ean.is_valid),
        ("iban", text(34), iban.is_valid),
        ("card_number", text(19), luhn.is_valid),
        ("ip_address", text(15), JUDGES["ipv4"]),
        ("ip_address", text(45), JUDGES["ip"]),
        ("brand_color", text(7, fixed=True), JUDGES["hex_color"]),
        ("api_token", text(40, fixed=True), lambda v: len(v) == 40 and JUDGES["token"](v)),
        ("password_hash", text(60), JUDGES["password_hash"]),
        ("phone", text(32), JUDGES["phone"]),
        ("time_zone", text(64), JUDGES["timezone"]),
        ("locale", text(10), JUDGES["locale"]),
    ],
)
def test_values_pass_real_validators(column: str, ctype: ColumnType, judge) -> None:
    got = values(table("things", (column, ctype)), column)
    bad = [v for v in got if not judge(v)]
    assert not bad, bad[:5]


def test_one_card_and_one_address_per_row() -> None:
    t = table(
        "payments",
        ("card_brand", text(20)),
        ("card_number", text(19)),
        ("card_last4", text(4, fixed=True)),
    )
    brand, number, last4 = (values(t, c) for c in ("card_brand", "card_number", "card_last4"))
    assert all(n.endswith(tail) for n, tail in zip(number, last4, strict=True))
    assert all((b == "Visa") == n.startswith("4") for b, n in zip(brand, number, strict=True))
    t = table("addresses", ("country", text(2, fixed=True)), ("currency", text(3, fixed=True)))
    country, currency = values(t, "country"), values(t, "currency")
    assert {(a, c) for a, c in zip(country, currency, strict=True) if a == "US"} == {("US", "USD")}


def test_values_are_a_function_of_the_row_index() -> None:
    t = table("files", ("file_name", text(255)), ("mime_type", text(100)))
    full = values(t, "file_name", 300)
    col = t.columns[0]
    builder = Builder(Pools(3), 3, t, col, None, unique=False)
    assert builder.build()(np.arange(100, 300, dtype=np.int64)) == full[100:]


def _plain(phrase: tuple[str, ...]) -> bool:
    return all(re.fullmatch(r"[a-z0-9]+", w) for w in phrase)


def _signals() -> list[Any]:
    """One case per registered signal set: its concept, its plain phrases, the longest length
    it allows (80 if open) and a table name its signals ask for."""
    cases, seen = [], set()
    for concept in concepts.registered():
        phrases = tuple("_".join(p) for p in concept.phrases if _plain(p))
        if not phrases or Kind.TEXT not in concept.kinds:
            continue
        length = concept.max_len or max(concept.min_len, 80)
        tname = "things"
        if concept.tables:
            tname = next(w for w in _TABLE_WORDS if re.search(concept.tables, w))
        key = (concept.name, phrases[0], tname)
        if key not in seen:
            seen.add(key)
            cases.append(pytest.param(concept, phrases, length, tname, id="-".join(key)))
    return cases


_TABLE_WORDS = ["country", "city", "language", "customer", "company", "product", "colour",
                "department", "category", "file", "currency"]  # fmt: skip
_NEIGHBOURS = ("phone", "postal_code", "file_name", "card_number")
"""Neighbours that satisfy every `needs` signal (a place, a phone, a file, a card)."""


@pytest.mark.parametrize("concept, phrases, length, tname", _signals())
def test_every_concept_is_found_by_its_signals_and_passes_its_judge(
    concept: concepts.Concept, phrases: tuple[str, ...], length: int, tname: str
) -> None:
    """Some phrase of each concept finds it (no other concept shadows it everywhere), and
    what it makes passes the realism suite's validator for that concept."""
    for column in phrases:
        neighbours = [(n, text(40)) for n in _NEIGHBOURS if concept.needs and n != column]
        t = table(tname, (column, text(length)), *neighbours)
        found = concepts.match(t, t.columns[0])
        if found is not None and found.concept.name == concept.name:
            break
    else:
        pytest.fail(f"no phrase of {concept.name} finds it: {phrases}")
    judge = JUDGES[concept.name]
    got = values(t, column, 300)
    bad = [v for v in got if not judge(v)]
    assert len(bad) <= 3, bad[:5]


_TYPES = {
    Kind.INTEGER: _INT,
    Kind.NUMERIC: ColumnType(Kind.NUMERIC, "numeric(12,2)", precision=12, scale=2),
    Kind.FLOAT: ColumnType(Kind.FLOAT, "double precision"),
    Kind.MONEY: ColumnType(Kind.MONEY, "money", precision=19, scale=2),
    Kind.BOOLEAN: ColumnType(Kind.BOOLEAN, "boolean"),
    Kind.TIMESTAMP: _TS,
    Kind.DATE: ColumnType(Kind.DATE, "date"),
}


def _example(token: str) -> str:
    """A plain word the token pattern matches: its first alternative, regex syntax removed."""
    plain = re.sub(r"\\w[*+]|\(\?:|[()]", "", token).split("|")[0]
    return "x" if plain in {"", ".+"} else plain


def _registrations() -> list[Any]:
    """Every registered signal set, once per kind of column it applies to."""
    return [
        pytest.param(concept, kind, id=f"{concept.family}-{concept.name}-{kind.value}-{i}")
        for i, concept in enumerate(concepts.registered())
        for kind in sorted(concept.kinds, key=lambda k: k.value)
    ]


@pytest.mark.parametrize("concept, kind", _registrations())
def test_every_concept_passes_its_own_validator(concept: concepts.Concept, kind: Kind) -> None:
    """Each registered concept declares a validator, is found by one of its signals on a
    column of each kind it applies to, and what the Builder makes there passes it (>= 99%)."""
    assert concept.valid is not None, f"{concept.name} declares no validator"
    ctype = _TYPES.get(kind) or text(concept.max_len or max(concept.min_len, 80))
    tname = "things"
    if concept.tables:
        tname = next(w for w in _TABLE_WORDS if re.search(concept.tables, w))
    names = ["_".join(_example(t) for t in p) for p in concept.phrases] or ["zork"]
    for column in names:
        neighbours = [(n, text(40)) for n in _NEIGHBOURS if concept.needs and n != column]
        t = table(tname, (column, ctype), *neighbours)
        found = concepts.match(t, t.columns[0])
        if found is not None and found.concept == concept:
            break
    else:
        pytest.fail(f"no signal of {concept.name} finds it on a {kind.value} column: {names}")
    got = values(t, column, 300)
    bad = [v for v in got if not concept.valid(v)]
    assert len(bad) <= 3, bad[:5]


def test_the_validators_reject_a_wrong_check_digit_or_form() -> None:
    by = {c.name: c.valid for c in concepts.registered()}
    cases = {
        "isbn13": ("9780306406157", "9780306406158"),
        "isbn10": ("080442957X", "0804429571"),
        "ean8": ("96385074", "96385075"),
        "card_number": ("4111111111111111", "4111111111111112"),
        "iban": ("GB82WEST12345698765432", "GB82WEST12345698765433"),
        "hex_color": ("#a0b1c2", "White  "),
        "country_alpha2": ("DE", "Germany"),
        "ipv4": ("10.0.0.1", "10.0.0.256"),
        "latitude": (45.5, 91.0),
        "flag": (True, 2),
        "birth": (dt.date(1980, 5, 1), dt.date(1850, 5, 1)),
    }
    for name, (good, bad) in cases.items():
        valid = by[name]
        assert valid is not None and valid(good) and not valid(bad), name


def test_the_last_word_index_drops_no_concept(monkeypatch: pytest.MonkeyPatch) -> None:
    """`match` scores only the concepts a name's words can end a phrase of: for names made of
    every registered phrase (alone, after a prefix, before a suffix) the answer is the one of
    scoring every concept."""
    from fastseed.generate.concepts import registry

    names = {
        f"{pre}{'_'.join(w.split('|')[-1] for w in phrase)}{post}"
        for c in registry.registered()
        for phrase in c.phrases
        for pre, post in (("", ""), ("billing_", "_2"))
    }
    kinds = (text(3), text(64))  # taken in turn: scoring every concept is slow
    cases = [
        table("accounts", (n, kinds[i % 2]), ("city", text(40)))
        for i, n in enumerate(sorted(names))
    ]
    fast = [registry._match(t, t.columns[0]) for t in cases]
    every = set(range(len(registry.registered())))
    monkeypatch.setattr(registry, "_candidates", lambda words: every)
    assert fast == [registry._match(t, t.columns[0]) for t in cases]
    assert sum(m is not None for m in fast) > len(cases) // 3


@pytest.mark.parametrize("length", [None, 40, 255])
def test_every_utf8_path_gives_the_list_paths_values(length: int | None) -> None:
    """A concept that also makes its values as one UTF-8 buffer (for the encoders) makes the
    same values as its list path, row by row, at any length it fits."""
    from fastseed.generate.concepts import registry

    pools, idx = Pools(11), np.arange(3000, 4500, dtype=np.int64)
    t = table("things", ("value", text(length)))
    checked = set()
    for order, c in enumerate(registry.registered()):
        if Kind.TEXT not in c.kinds or (length is not None and length < c.min_len):
            continue
        ctx = registry.Ctx(pools, 11, 1000 + order, 77, length, False, t, t.columns[0], {}, None)
        made = c.make(ctx)
        if made.utf8 is not None:
            assert made.utf8(idx).tolist() == made.fn(idx), c.name
            checked.add(c.name)
    expected = {"title", "paragraph", "actor", "system_name", "label", "class_name", "query"}
    # addresses: a piece of the row's country's pool; country facts: one gather
    expected |= {"street_address", "city", "postal_code", "state", "country_alpha2"}
    expected |= {"timezone", "address_line2", "date_text"}
    assert expected | ({"json_text"} if (length or 255) >= 48 else set()) <= checked


@pytest.mark.parametrize("length", [8, 10, 12, 15])
def test_narrow_date_text_is_made_column_wise_too(length: int) -> None:
    """Dates kept in narrow text columns (YYYYMMDD, YYYY-MM-DD, epoch milliseconds): the
    UTF-8 path gives the list path's values."""
    from fastseed.generate.concepts import registry

    pools, idx = Pools(11), np.arange(3000, 4500, dtype=np.int64)
    t = table("stats", ("day", text(length)))
    (concept,) = [c for c in registry.registered() if c.name == "date_text"]
    ctx = registry.Ctx(pools, 11, 1000, 77, length, False, t, t.columns[0], {}, None)
    made = concept.make(ctx)
    assert made.utf8 is not None
    values = made.utf8(idx).tolist()
    assert values == made.fn(idx) and len(set(values)) > 100
    assert all(len(v) == (length if length in (8, 10, 15) else 10) for v in values)


def test_a_file_size_follows_its_type_in_the_column_unit() -> None:
    t = table("attachments", ("file_name", text(100)), ("mime_type", text(60)), ("size_kb", _INT))
    pairs = list(zip(values(t, "mime_type"), values(t, "size_kb"), strict=True))
    assert {m.split("/")[0] for m, _ in pairs} >= {"image", "text", "video"}
    for mime, kb in pairs:
        low, high = {"video": (4800, 4e6), "text": (0, 200), "image": (9, 8000)}.get(
            mime.split("/")[0], (0, 5e5)
        )
        assert low <= kb <= high, (mime, kb)


def test_a_card_expiry_year_too_small_for_four_digits_holds_two() -> None:
    tiny = ColumnType(Kind.INTEGER, "tinyint", bits=8)
    t = table("payment_methods", ("exp_month", _INT), ("exp_year", tiny), ("last4", text(4)))
    months, years = values(t, "exp_month"), values(t, "exp_year")
    assert set(months) <= set(range(1, 13)) and len(set(months)) == 12
    # no birth column: one to five years after a month of the three before the reference
    assert set(years) <= set(range(24, 32)), sorted(set(years))


@pytest.mark.parametrize("locale", ["en", "de", "ru"])
def test_a_username_from_the_rows_names_is_made_column_wise(locale: str) -> None:
    """A username made from the row's own first and last names (NULL among them) comes as
    one UTF-8 buffer with the per-value code's values (kept here): ASCII names lowered and
    stripped at once, accented ones folded (Zoë -> zoe), others (Cyrillic) the defaults."""
    import helpers

    from fastseed.generate.batch import to_python
    from fastseed.generate.concepts.person import ascii_word
    from fastseed.generate.hashing import integers
    from fastseed.generate.table import RunGenerators
    from fastseed.generate.text import Utf8Array
    from fastseed.plan import RowRequest
    from fastseed.planner import build_plan
    from fastseed.server import Capabilities

    users = helpers.table(
        "users",
        [
            helpers.col("id"),
            helpers.col("first_name", text(40), nullable=True),
            helpers.col("last_name", text(40)),
            helpers.col("username", text(80)),
        ],
    )
    plan = build_plan(helpers.catalog(users), RowRequest(3000), {}, Capabilities())
    gen = RunGenerators(plan, seed=4, locale=locale).table(users.name)
    assert "value by value" not in gen.labels()["username"]
    batch = gen.batch(0, 3000)
    at = {c.name: i for i, c in enumerate(batch.columns)}
    made = batch.data[at["username"]]
    assert isinstance(made.values, Utf8Array)
    first, last = (
        to_python(batch.columns[at[c]], batch.data[at[c]]) for c in ("first_name", "last_name")
    )
    assert None in first  # a NULL first name: the default's row
    key = gen._builder("username", 0).key
    idx = np.arange(3000, dtype=np.int64)
    styles, nums = integers(key + 3, idx, 0, 3).tolist(), integers(key + 4, idx, 1, 99).tolist()
    expected = []
    for x, y, s, n in zip(first, last, styles, nums, strict=True):
        f, l_ = ascii_word(x or "") or "user", ascii_word(y) or "name"
        expected.append((f"{f}.{l_}", f"{f[0]}{l_}", f"{f}_{l_}{n}", f"{f}{n}")[s])
    assert made.values.tolist() == expected
