"""PostgreSQL binary COPY built with numpy, column by column, from a generated batch.

Per-value Python work (building datetime and Decimal objects, then asyncpg encoding each
one) was most of the client's time. Here numbers, timestamps, dates and decimals go from
numpy arrays to big-endian bytes in bulk, and every field is placed into the stream with one
scatter per column. Text is encoded once per value; types not listed in `SUPPORTED` make
the caller fall back to asyncpg's own encoder.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from fastseed.generate import text
from fastseed.generate.batch import Batch, ColumnData
from fastseed.generate.text import Utf8Array, segment_index
from fastseed.schema import Column, ColumnType, Kind

HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"
_PG_EPOCH_S = 946_684_800  # 2000-01-01, PostgreSQL's zero for dates and timestamps
_PG_EPOCH_DAYS = 10_957
_PG_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_PG_EPOCH_NAIVE = dt.datetime(2000, 1, 1)
_PG_DATE = dt.date(2000, 1, 1)
_ONE_US = dt.timedelta(microseconds=1)
_INT_TYPES = {16: ">i2", 32: ">i4", 64: ">i8"}
_NUMERIC_INT_DIGITS = 4  # base-10000 digits before the point: values below 10**16

SUPPORTED = {
    Kind.INTEGER, Kind.FLOAT, Kind.BOOLEAN, Kind.TEXT, Kind.ENUM, Kind.TIMESTAMP, Kind.DATE,
    Kind.NUMERIC, Kind.UUID, Kind.JSON, Kind.BINARY,
}  # fmt: skip


def supported(columns: Sequence[Column]) -> bool:
    """True when every column's binary format is written here."""
    for col in columns:
        t = col.type
        if t.kind not in SUPPORTED:
            return False
        if t.kind == Kind.INTEGER and (t.bits or 64) not in _INT_TYPES:
            return False
        if t.kind == Kind.JSON and t.sql not in {"json", "jsonb"}:
            return False  # a domain over json: which of the two formats is unknown here
        if t.max_bytes_per_char == 1 and t.kind == Kind.TEXT:
            return False  # PostgreSQL's one-byte "char": asyncpg's path cuts it to a byte
    return True


_FIXED_KINDS = {
    Kind.INTEGER,
    Kind.FLOAT,
    Kind.BOOLEAN,
    Kind.TIMESTAMP,
    Kind.DATE,
    Kind.NUMERIC,
    Kind.UUID,
}


def copy_order(columns: Sequence[Column]) -> list[int]:
    """The column order to COPY in: NOT NULL fixed-width columns first, so that each row
    starts with a block of the same width that numpy fills column by column in place."""
    fixed = [i for i, c in enumerate(columns) if c.type.kind in _FIXED_KINDS and not c.nullable]
    return fixed + [i for i in range(len(columns)) if i not in fixed]


def encode(batch: Batch, order: Sequence[int] | None = None) -> bytes:
    """One complete binary COPY stream (header, rows, trailer) for the batch."""
    return HEADER + encode_rows(batch, order) + TRAILER


def encode_rows(batch: Batch, order: Sequence[int] | None = None) -> bytes:
    """The batch's rows in binary COPY format (columns in `order`), to go between HEADER and
    TRAILER.

    The leading fixed-width fields of all rows form one (rows, width) block, written column
    by column as strided copies. The rest of each row (length and bytes of each variable
    field) is gathered after it in one pass over an index of source bytes.
    """
    n = batch.size
    order = range(len(batch.columns)) if order is None else order
    fields = [_field(batch.columns[i].type, batch.data[i], n) for i in order]
    k = 0
    while k < len(fields) and _fixed_width(*fields[k], n) is not None:
        k += 1
    widths = [int(fields[j][0][0]) for j in range(k)] if n else [0] * k
    block = np.empty((n, 2 + sum(4 + w for w in widths)), dtype=np.uint8)
    block[:, 0], block[:, 1] = len(fields) >> 8, len(fields) & 0xFF
    at = 2
    for (_, payload), w in zip(fields[:k], widths, strict=True):
        block[:, at : at + 4] = np.frombuffer(w.to_bytes(4, "big"), dtype=np.uint8)
        block[:, at + 4 : at + 4 + w] = payload.reshape(n, w)
        at += 4 + w
    if k == len(fields):
        return block.tobytes()
    # segments in output order, row by row: the block's row, then per variable field its
    # 4-byte length and its bytes; each segment as (start in `source`, length)
    rows = np.arange(n, dtype=np.int64)
    sources, starts, lengths = [block.reshape(-1)], [rows * block.shape[1]], []
    lengths.append(np.full(n, block.shape[1], dtype=np.int64))
    base = block.size
    for field_lengths, payload in fields[k:]:
        sources.append(field_lengths.astype(">i4").view(np.uint8))
        starts.append(base + rows * 4)
        lengths.append(np.full(n, 4, dtype=np.int64))
        base += 4 * n
        size = np.maximum(field_lengths, 0)
        first = np.zeros(n, dtype=np.int64)
        np.cumsum(size[:-1], out=first[1:])
        sources.append(payload)
        starts.append(base + first)
        lengths.append(size)
        base += payload.size
    seg_start = np.stack(starts, axis=1).reshape(-1)
    seg_len = np.stack(lengths, axis=1).reshape(-1)
    return np.concatenate(sources)[segment_index(seg_start, seg_len)].tobytes()


def _fixed_width(lengths: np.ndarray, payload: np.ndarray, n: int) -> int | None:
    """The field's width when every row has a value of that many bytes, else None."""
    if not n:
        return 0
    w = int(lengths[0])
    if w < 0 or payload.size != n * w or not (lengths == w).all():
        return None
    return w


def _field(t: ColumnType, data: ColumnData, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(length per row, -1 for NULL; the non-NULL values' bytes concatenated in row order)."""
    values = data.values
    if isinstance(values, Utf8Array):  # generators make these for text and enum columns only
        if data.null is None or not data.null.any():
            return values.lengths, values.data
        kept = values.take(np.flatnonzero(~data.null))
        return np.where(data.null, -1, values.lengths), kept.data
    if isinstance(values, np.ndarray):
        null = data.null if data.null is not None else np.zeros(n, dtype=bool)
        return _array_field(t, values, null, data.scale)
    null = np.fromiter((v is None for v in values), dtype=bool, count=n)
    if t.kind in _TEXT_KINDS:
        present = [v for v in values if v is not None] if null.any() else values
        try:  # one join for the column; `join` refuses anything but str
            utf8 = text.from_text_list(present)
        except TypeError:
            pass
        else:
            return _text_field(utf8, null, t.kind == Kind.JSON and t.sql == "jsonb")
    return _list_field(t, values, null)


_TEXT_KINDS = {Kind.TEXT, Kind.ENUM, Kind.JSON}


def _text_field(utf8: Utf8Array, null: np.ndarray, jsonb: bool) -> tuple[np.ndarray, np.ndarray]:
    """Text of the non-NULL rows, one buffer; jsonb puts its version byte before each value."""
    if jsonb:
        utf8 = text.concat([text.from_matrix(np.ones((len(utf8), 1), dtype=np.uint8)), utf8])
    lengths = np.full(len(null), -1, dtype=np.int64)
    lengths[~null] = utf8.lengths
    return lengths, utf8.data


def _fixed(null: np.ndarray, be: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.where(null, -1, width).astype(np.int64)
    payload = be[~null].view(np.uint8).reshape(-1) if null.any() else be.view(np.uint8)
    return lengths, payload.reshape(-1)


def _array_field(
    t: ColumnType, values: np.ndarray, null: np.ndarray, scale: int
) -> tuple[np.ndarray, np.ndarray]:
    kind = t.kind
    if kind == Kind.INTEGER:
        code = _INT_TYPES[t.bits or 64]
        return _fixed(null, values.astype(code), int(code[-1]))
    if kind == Kind.BOOLEAN:
        return _fixed(null, values.astype(np.uint8), 1)
    if kind == Kind.FLOAT:
        code = ">f4" if t.bits == 32 else ">f8"
        return _fixed(null, values.astype(code), int(code[-1]))
    if kind == Kind.TIMESTAMP:  # microseconds since the Unix epoch
        return _fixed(null, (values - _PG_EPOCH_S * 1_000_000).astype(">i8"), 8)
    if kind == Kind.DATE:  # days since the Unix epoch
        return _fixed(null, (values - _PG_EPOCH_DAYS).astype(">i4"), 4)
    if kind == Kind.NUMERIC:
        return _numeric_array(values, null, scale)
    python = [None if z else v for v, z in zip(values.tolist(), null.tolist(), strict=True)]
    return _list_field(t, python, null)


def _numeric_array(
    scaled: np.ndarray, null: np.ndarray, scale: int
) -> tuple[np.ndarray, np.ndarray]:
    """numeric's binary form with a fixed digit layout; the server strips the zeros."""
    frac_digits = -(-scale // 4)
    limit = 10 ** (4 * _NUMERIC_INT_DIGITS)
    magnitude = np.abs(scaled)
    whole, frac = np.divmod(magnitude, 10**scale)
    if whole.size and int(whole.max()) >= limit:
        values = [
            None if z else Decimal(int(v)).scaleb(-scale)
            for v, z in zip(scaled.tolist(), null.tolist(), strict=True)
        ]
        return _list_field(ColumnType(Kind.NUMERIC, "numeric"), values, null)
    frac = frac * 10 ** (4 * frac_digits - scale)
    digits = []
    for i in range(_NUMERIC_INT_DIGITS - 1, -1, -1):
        digits.append((whole // 10 ** (4 * i)) % 10000)
    for i in range(frac_digits - 1, -1, -1):
        digits.append((frac // 10 ** (4 * i)) % 10000)
    ndigits = len(digits)
    out = np.empty((len(scaled), 4 + ndigits), dtype=">i2")
    out[:, 0] = ndigits
    out[:, 1] = _NUMERIC_INT_DIGITS - 1  # weight of the first digit
    out[:, 2] = np.where(scaled < 0, 0x4000, 0)
    out[:, 3] = scale
    for i, d in enumerate(digits):
        out[:, 4 + i] = d
    width = 2 * (4 + ndigits)
    return _fixed(null, out, width)


def _list_field(
    t: ColumnType, values: Sequence[Any], null: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    encoded = [_encode_one(t, v) for v in values if v is not None]
    lengths = np.full(len(values), -1, dtype=np.int64)
    lengths[~null] = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    return lengths, np.frombuffer(b"".join(encoded), dtype=np.uint8)


def _encode_one(t: ColumnType, v: Any) -> bytes:
    kind = t.kind
    if kind in {Kind.TEXT, Kind.ENUM}:
        return str(v).encode()
    if kind == Kind.JSON:
        text = v.encode() if isinstance(v, str) else bytes(v)
        return b"\x01" + text if t.sql == "jsonb" else text
    if kind == Kind.INTEGER:
        return int(v).to_bytes((t.bits or 64) // 8, "big", signed=True)
    if kind == Kind.BOOLEAN:
        return b"\x01" if v else b"\x00"
    if kind == Kind.FLOAT:
        return np.array([v], dtype=">f4" if t.bits == 32 else ">f8").tobytes()
    if kind == Kind.TIMESTAMP:
        stamp: dt.datetime = v
        base = _PG_EPOCH if stamp.tzinfo is not None else _PG_EPOCH_NAIVE
        return ((stamp - base) // _ONE_US).to_bytes(8, "big", signed=True)
    if kind == Kind.DATE:
        day: dt.date = v
        return (day - _PG_DATE).days.to_bytes(4, "big", signed=True)
    if kind == Kind.NUMERIC:
        return _numeric_bytes(Decimal(v))
    if kind == Kind.UUID:
        return v.bytes if isinstance(v, uuid.UUID) else uuid.UUID(str(v)).bytes
    if kind == Kind.BINARY:
        return bytes(v)
    raise TypeError(f"no binary encoder for {t.sql}")


def _numeric_bytes(value: Decimal) -> bytes:
    """One Decimal in numeric's binary form (base-10000 digits around the point)."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    scale = max(0, -exponent)
    text = ("".join(map(str, digits)) or "0") + "0" * max(0, exponent)
    text = text.zfill(scale + 1)  # 0.000001 has fewer digits than its scale
    whole = text[: len(text) - scale] if scale else text
    frac = text[len(text) - scale :] if scale else ""
    whole = whole.lstrip("0") or "0"
    whole = whole.zfill(-(-len(whole) // 4) * 4)
    frac = frac.ljust(-(-len(frac) // 4) * 4, "0")
    groups = [int(whole[i : i + 4]) for i in range(0, len(whole), 4)]
    groups += [int(frac[i : i + 4]) for i in range(0, len(frac), 4)]
    weight = len(whole) // 4 - 1
    head = np.array([len(groups), weight, 0x4000 if sign else 0, scale], dtype=">i2")
    return head.tobytes() + np.array(groups, dtype=">i2").tobytes()
