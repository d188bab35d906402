"""The binary COPY rows `postgres_copy` lays out with numpy, byte for byte against the same
rows encoded one value at a time from their canonical Python values (no server needed)."""

from __future__ import annotations

import numpy as np
import pytest

from fastseed.dialects import postgres_copy
from fastseed.generate import text
from fastseed.generate.batch import Batch, ColumnData, to_python
from fastseed.schema import Column, ColumnType, Kind


def per_value(batch: Batch, order: list[int]) -> bytes:
    """Each row as the protocol spells it: field count, then per field its length (-1 for
    NULL) and `_encode_one`'s bytes."""
    columns = [to_python(c, d) for c, d in zip(batch.columns, batch.data, strict=True)]
    out = []
    for r in range(batch.size):
        out.append(len(order).to_bytes(2, "big"))
        for i in order:
            v = columns[i][r]
            if v is None:
                out.append((-1).to_bytes(4, "big", signed=True))
                continue
            data = postgres_copy._encode_one(batch.columns[i].type, v)
            out += [len(data).to_bytes(4, "big"), data]
    return b"".join(out)


def col(name: str, kind: Kind, sql: str, **kw: object) -> Column:
    return Column(name, ColumnType(kind, sql, **kw), nullable=True)  # type: ignore[arg-type]


WORDS = ["", "a", "héllo", "🚀 rocket", "tab\tand\nnewline", "x" * 300, "\x1f", "ok"]


def mixed(n: int, seed: int) -> Batch:
    """Every field form the encoder lays out: fixed-width arrays with and without NULLs,
    text buffers of one width and of many (NULL rows still holding bytes), lists. (Numeric
    arrays keep leading zero digits that `_encode_one` drops: tested on their own.)"""
    r = np.random.default_rng(seed)
    null = r.random(n) < 0.3
    words = text.from_strings(WORDS)
    ragged = words.take(r.integers(0, len(WORDS), n))
    fixed = text.from_matrix(r.integers(97, 123, (n, 12)).astype(np.uint8))
    columns = [
        col("i4", Kind.INTEGER, "integer", bits=32),
        col("t_fixed", Kind.TEXT, "text"),
        col("i8_null", Kind.INTEGER, "bigint", bits=64),
        col("t_ragged", Kind.TEXT, "text"),
        col("b", Kind.BOOLEAN, "boolean"),
        col("t_null", Kind.TEXT, "text"),
        col("jb", Kind.JSON, "jsonb"),
        col("j_list", Kind.JSON, "json"),
        col("d", Kind.DATE, "date"),
        col("t_list", Kind.TEXT, "text"),
        col("ts_null", Kind.TIMESTAMP, "timestamp"),
    ]
    data = [
        ColumnData(r.integers(-(2**31), 2**31, n)),
        ColumnData(fixed),
        ColumnData(r.integers(-(2**62), 2**62, n), null),
        ColumnData(ragged),
        ColumnData(r.random(n) < 0.5),
        ColumnData(ragged, null),
        ColumnData(text.from_strings([f'{{"k": {i}}}' for i in range(n)])),
        ColumnData([None if z else f"[{i}]" for i, z in enumerate(null.tolist())]),
        ColumnData(r.integers(-20000, 40000, n)),
        ColumnData([None if z else WORDS[i % len(WORDS)] for i, z in enumerate(null.tolist())]),
        ColumnData(r.integers(-(2**50), 2**50, n), ~null),
    ]
    return Batch(tuple(columns), data, n)


@pytest.mark.parametrize("n", [1, 2, 7, 500])
@pytest.mark.parametrize("chunk", [1 << 17, 64], ids=["one-gather", "many-gathers"])
def test_rows_match_the_per_value_encoding(
    n: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_copy, "_CHUNK_BYTES", chunk)
    batch = mixed(n, seed=n)
    for order in (list(range(len(batch.columns))), postgres_copy.copy_order(batch.columns)):
        assert postgres_copy.encode_rows(batch, order) == per_value(batch, order)


def test_fixed_width_columns_only() -> None:
    """No variable field: the rows are one block."""
    n = 50
    columns = [col("a", Kind.INTEGER, "smallint", bits=16), col("t", Kind.TEXT, "char(3)")]
    data = [
        ColumnData(np.arange(n)),
        ColumnData(text.from_matrix(np.full((n, 3), 65, dtype=np.uint8))),
    ]
    batch = Batch(tuple(columns), data, n)
    assert postgres_copy.encode_rows(batch) == per_value(batch, [0, 1])
