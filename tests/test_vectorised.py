"""The vectorised paths give exactly what the per-value paths give (issue 15).

Each column kind that a generator makes as one array (`ColumnGen.raw`) and that the encoders
write without a Python call per value is compared here with its list path, value for value.
"""

from __future__ import annotations

import re

import helpers
import numpy as np
import pytest

from fastseed.dialects import postgres_copy as copy
from fastseed.generate import concepts
from fastseed.generate.batch import ColumnData
from fastseed.generate.kinds.strings import _B36, _encode, suffixed
from fastseed.generate.pools import Pools
from fastseed.generate.rules import ColumnRule
from fastseed.generate.table import RunGenerators
from fastseed.generate.text import Utf8Array
from fastseed.generate.values import Builder
from fastseed.plan import RowRequest
from fastseed.planner import build_plan
from fastseed.schema import Column, ColumnType, Kind, Table, TableName
from fastseed.server import Capabilities

IDX = np.concatenate([np.arange(0, 300), np.array([10**6, 2**40, 2**62 - 1])]).astype(np.int64)


def _table(*cols: Column) -> Table:
    return Table(TableName("public", "things"), cols, primary_key=())


def _text_columns() -> list[tuple[str, int | None]]:
    """One column per registered text concept phrase, open and at a few declared lengths."""
    cases: list[tuple[str, int | None]] = []
    for concept in concepts.registered():
        if Kind.TEXT not in concept.kinds:
            continue
        phrase = next(
            (p for p in concept.phrases if all(re.fullmatch(r"[a-z0-9]+", w) for w in p)), None
        )
        if phrase is None:
            continue
        cases += [("_".join(phrase), length) for length in (None, 12, 36, 80)]
    return list(dict.fromkeys(cases))


@pytest.mark.parametrize("unique", [False, True])
def test_text_arrays_equal_the_list_path(unique: bool) -> None:
    """Every text concept with an array path (`raw`) gives what its list path gives; one test
    over all of them, since most concepts have no array path yet (benchmarks/PROFILE.md)."""
    checked, wrong = 0, []
    for name, length in _text_columns():
        sql = f"varchar({length})" if length else "text"
        col = Column(name, ColumnType(Kind.TEXT, sql, length=length), nullable=False)
        gen = Builder(Pools(5), 5, _table(col), col, None, unique=unique).build()
        if gen.raw is None:
            continue
        checked += 1
        raw = gen.raw(IDX)
        if not isinstance(raw, Utf8Array) or raw.tolist() != gen.fn(IDX):
            wrong.append(f"{name}({length})")
    assert checked >= 20, f"only {checked} text columns have an array path"
    assert not wrong, f"array path differs from the list path: {', '.join(wrong)}"


def _one_by_one(builder: Builder, idx: np.ndarray, n: int | None, min_len: int) -> list[str]:
    """The column's non-unique text made unique one value at a time, as the list path did
    before it decoded the array path."""
    base, _ = builder._text_base()
    suffixes = [_encode(i, _B36) for i in idx.tolist()]
    is_email = builder.tag == "email"
    return [suffixed(v, s, n, min_len, is_email) for v, s in zip(base(idx), suffixes, strict=True)]


@pytest.mark.parametrize("min_len", [0, 40])
def test_unique_text_is_each_value_made_unique(min_len: int) -> None:
    """A unique text column's list path (the array path decoded) and array path give the
    column's text with each row's suffix, shortened or padded value by value where the
    column's length or a minimum length asks."""
    checked, wrong = 0, []
    for name_, length in _text_columns():
        sql = f"varchar({length})" if length else "text"
        column = Column(name_, ColumnType(Kind.TEXT, sql, length=length), nullable=False)
        rule = ColumnRule(min_length=min_len) if min_len and (length or 99) > min_len else None
        builder = Builder(Pools(5), 5, _table(column), column, rule, unique=True)
        gen = builder.build()
        if gen.raw is None or not gen.label.endswith("unique suffix"):
            continue
        checked += 1
        expected = _one_by_one(builder, IDX, length, rule.min_length or 0 if rule else 0)
        raw = gen.raw(IDX)
        if gen.fn(IDX) != expected or not isinstance(raw, Utf8Array) or raw.tolist() != expected:
            wrong.append(f"{name_}({length})")
    assert checked >= 5, f"only {checked} unique text columns have an array path"
    assert not wrong, f"not the per-value unique text: {', '.join(wrong)}"


@pytest.mark.parametrize("locale", ["en", "de", "ja"])
@pytest.mark.parametrize("length", [None, 40, 24])
def test_unique_emails_of_the_rows_names(locale: str, length: int | None) -> None:
    """A unique email made of the row's own names (ASCII or not, shortened or not) is the
    per-value one, in rows and in batches."""
    users = helpers.table(
        "users",
        [
            helpers.col("id"),
            helpers.col("email", helpers.text(length)),
            helpers.col("first_name", helpers.text(12)),
            helpers.col("last_name", helpers.text(12)),
        ],
        uniques=(("email",),),
    )
    plan = build_plan(helpers.catalog(users), RowRequest(3000), {}, Capabilities())
    gen = RunGenerators(plan, seed=3, locale=locale).table(helpers.name("users"))
    idx = np.arange(3000, dtype=np.int64)
    expected = _one_by_one(gen._builder("email"), idx, length, 0)
    position = [c.name for c in gen.write_columns].index("email")
    assert [r[position] for r in gen.rows(0, 3000)] == expected
    assert [r[position] for r in gen.batch(0, 3000).rows()] == expected


@pytest.mark.parametrize(
    "ctype",
    [
        ColumnType(Kind.TEXT, "varchar(40)", length=40),
        ColumnType(Kind.ENUM, "mood", labels=("sad", "ok")),
        ColumnType(Kind.JSON, "json"),
        ColumnType(Kind.JSON, "jsonb"),
    ],
    ids=lambda t: t.sql,
)
def test_copy_text_lists_are_encoded_as_one_buffer(ctype: ColumnType) -> None:
    """A list of strings (a concept without an array path) is joined and encoded once; the
    bytes are those of the per-value encoder, NULLs, separators and non-ASCII included."""
    values = ["ok", None, "", "naïve 日本", "a\x1fb", '{"k": [1, 2]}', None, "x" * 300]
    null = np.array([v is None for v in values])
    field = copy._field(ctype, ColumnData(values), len(values))
    expected = copy._list_field(ctype, values, null)
    assert _field_values(field) == _field_values(expected)


def _field_values(field: copy._Field) -> list[bytes | None]:
    """Each row's bytes as the COPY stream carries them (None: NULL)."""
    out: list[bytes | None] = []
    for n, start in zip(field.lengths.tolist(), field.starts.tolist(), strict=True):
        out.append(None if n < 0 else field.data[start : start + n].tobytes())
    return out
