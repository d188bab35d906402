"""The binary COPY rows `postgres_copy` lays out with numpy, byte for byte against the same
rows encoded one value at a time from their canonical Python values (no server needed)."""

from __future__ import annotations

import struct
from decimal import Decimal

import numpy as np
import pytest

from fastseed.dialects import postgres_binary, postgres_copy
from fastseed.generate import text
from fastseed.generate.batch import Batch, ColumnData, to_python
from fastseed.schema import Column, ColumnType, Kind


def per_value(batch: Batch, order: list[int]) -> bytes:
    """Each row as the protocol spells it: field count, then per field its length (-1 for
    NULL) and `encode_value`'s bytes."""
    columns = [to_python(c, d) for c, d in zip(batch.columns, batch.data, strict=True)]
    out = []
    for r in range(batch.size):
        out.append(len(order).to_bytes(2, "big"))
        for i in order:
            v = columns[i][r]
            if v is None:
                out.append((-1).to_bytes(4, "big", signed=True))
                continue
            data = postgres_binary.encode_value(batch.columns[i].type, v)
            out += [len(data).to_bytes(4, "big"), data]
    return b"".join(out)


def col(name: str, kind: Kind, sql: str, **kw: object) -> Column:
    return Column(name, ColumnType(kind, sql, **kw), nullable=True)  # type: ignore[arg-type]


WORDS = ["", "a", "héllo", "🚀 rocket", "tab\tand\nnewline", "x" * 300, "\x1f", "ok"]


def mixed(n: int, seed: int) -> Batch:
    """Every field form the encoder lays out: fixed-width arrays with and without NULLs,
    text buffers of one width and of many (NULL rows still holding bytes), lists. (Numeric
    arrays keep leading zero digits that `encode_value` drops: tested on their own.)"""
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
        col("bits", Kind.BIT, "bit(11)", length=11),
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
        ColumnData(text.from_matrix(r.integers(48, 50, (n, 11)).astype(np.uint8)), null),
    ]
    return Batch(tuple(columns), data, n)


@pytest.mark.parametrize("n", [1, 2, 7, 500])
@pytest.mark.parametrize("chunk", [1 << 17, 64], ids=["one-gather", "many-gathers"])
def test_rows_match_the_per_value_encoding(
    n: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text, "CHUNK_BYTES", chunk)
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


def test_arrays_and_ranges() -> None:
    """Arrays (`Lists`: empty, NULL rows still holding items) and ranges from their bounds."""
    from fastseed.generate.batch import Lists

    n = 400
    r = np.random.default_rng(9)
    null = r.random(n) < 0.25
    counts = r.integers(0, 4, n)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    m = int(offsets[-1])
    words = text.from_strings(WORDS).take(r.integers(0, len(WORDS), m))

    def array(element: ColumnType) -> ColumnType:
        return ColumnType(Kind.ARRAY, element.sql + "[]", element=element)

    def range_of(element: ColumnType) -> ColumnType:
        return ColumnType(Kind.RANGE, "a range", element=element)

    int4 = ColumnType(Kind.INTEGER, "integer", bits=32)
    num = ColumnType(Kind.NUMERIC, "numeric(10,2)", precision=10, scale=2)
    bounds = np.sort(r.integers(-(10**9), 10**9, (n, 2)), axis=1)
    columns = [
        Column("ints", array(int4), True),
        Column("texts", array(ColumnType(Kind.TEXT, "character varying(20)", length=20)), True),
        Column("ids", array(ColumnType(Kind.UUID, "uuid")), True),
        Column("nums", array(num), True),
        Column("span", range_of(int4), True),
        Column("money", range_of(num), True),
    ]
    data = [
        ColumnData(Lists(offsets, r.integers(-(2**31), 2**31, m)), null),
        ColumnData(Lists(offsets, words), None),
        ColumnData(Lists(offsets, r.integers(0, 256, (m, 16)).astype(np.uint8)), null),
        ColumnData(Lists(offsets, r.integers(-(10**9), 10**9, m), 2), None),
        ColumnData(bounds, null),
        ColumnData(bounds, None, 2),
    ]
    batch = Batch(tuple(columns), data, n)
    assert postgres_copy.supported(batch.columns)
    # numeric items keep leading zero digits that `encode_value` drops: compare without them
    order = [0, 1, 2, 4]
    assert postgres_copy.encode_rows(batch, order) == per_value(batch, order)
    assert len(postgres_copy.encode_rows(batch)) > 0


@pytest.mark.parametrize(
    ("element", "writes"),
    [
        (ColumnType(Kind.INTEGER, "integer", bits=32), True),
        (ColumnType(Kind.TEXT, "character varying(20)", length=20), True),
        (ColumnType(Kind.TIMESTAMP, "timestamp(3) with time zone", timezone=True), True),
        (ColumnType(Kind.NUMERIC, "numeric(10,2)", precision=10, scale=2), True),
        (ColumnType(Kind.ENUM, "mood", labels=("a",)), False),  # its OID is the catalog's
        (ColumnType(Kind.TEXT, "short_code"), False),  # a domain: likewise
        (ColumnType(Kind.RANGE, "int4range", element=ColumnType(Kind.INTEGER, "integer")), False),
    ],
    ids=lambda v: getattr(v, "sql", str(v)),
)
def test_array_elements_named_by_oid(element: ColumnType, writes: bool) -> None:
    ctype = ColumnType(Kind.ARRAY, element.sql + "[]", element=element)
    assert postgres_copy.supported([Column("a", ctype, True)]) is writes


def numeric_value(data: bytes) -> Decimal:
    """numeric's binary form read back (PostgreSQL's numeric_recv)."""
    ndigits, weight, sign, dscale = struct.unpack(">hhHh", data[:8])
    digits = struct.unpack(f">{ndigits}h", data[8:])
    value = sum(Decimal(d) * Decimal(10000) ** (weight - i) for i, d in enumerate(digits))
    value = -value if sign == 0x4000 else value
    return value.quantize(Decimal(1).scaleb(-dscale))


@pytest.mark.parametrize("scale", [0, 2, 3, 6, 16])
def test_numeric_arrays_of_any_integer_digits(scale: int) -> None:
    """Scaled integers of every size int64 holds, 2**63 - 1 and -2**63 included: their
    values come back exact, however many digits stand before the point."""
    r = np.random.default_rng(scale)
    edges = [0, 1, -1, 9999, 10**4, 10**16 - 1, 10**16, 10**18, -(2**63), 2**63 - 1]
    values = np.array(edges + r.integers(-(2**63), 2**63 - 1, 200).tolist(), dtype=np.int64)
    null = np.zeros(len(values), dtype=bool)
    null[3] = True
    ctype = ColumnType(Kind.NUMERIC, "numeric")
    field = postgres_copy._field(ctype, ColumnData(values, null, scale), len(values))
    got = []
    for n, start in zip(field.lengths.tolist(), field.starts.tolist(), strict=True):
        got.append(None if n < 0 else numeric_value(field.data[start : start + n].tobytes()))
    assert got == to_python(Column("n", ctype, True), ColumnData(values, null, scale))
