"""The vectorised paths give exactly what the per-value paths give (issue 15).

Each column kind that a generator makes as one array (`ColumnGen.raw`) and that the encoders
write without a Python call per value is compared here with its list path, value for value.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from fastseed.dialects import postgres_copy as copy
from fastseed.generate import concepts
from fastseed.generate.batch import ColumnData
from fastseed.generate.pools import Pools
from fastseed.generate.text import Utf8Array
from fastseed.generate.values import Builder
from fastseed.schema import Column, ColumnType, Kind, Table, TableName

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
