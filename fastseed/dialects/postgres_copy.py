"""PostgreSQL binary COPY built with numpy, column by column, from a generated batch.

Per-value Python work (building datetime and Decimal objects, then asyncpg encoding each
one) was most of the client's time. Here numbers, timestamps, dates and decimals go from
numpy arrays to big-endian bytes in bulk, text and bytes are copied from their buffers, and
the rows are laid out with one gather per few hundred kilobytes. A column given as a Python
list is encoded value by value; types not listed in `SUPPORTED` make the caller fall back
to asyncpg's own encoder.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
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

    Each row is runs of fixed-width bytes (the field count, every length word, the values
    that have the same width in every row) between the bytes of the variable fields. A run
    is built for all rows at once as one (rows, width) matrix, column by column in strided
    copies; the rows are then gathered from the runs and the variable fields' buffers a few
    hundred kilobytes at a time, so that the index of source bytes stays in the cache.
    """
    n = batch.size
    order = range(len(batch.columns)) if order is None else order
    fields = [_field(batch.columns[i].type, batch.data[i], n) for i in order]
    pieces: list[np.ndarray] = [np.array([[len(fields) >> 8, len(fields) & 0xFF]], np.uint8)]
    runs: list[np.ndarray] = []
    variable: list[_Field] = []
    for f in fields:
        pieces.append(f.length_words(n))
        matrix = f.matrix(n)
        if matrix is not None:
            pieces.append(matrix)
            continue
        runs.append(_run(pieces, n))
        variable.append(f)
        pieces = []
    runs.append(_run(pieces, n))
    if not variable:
        return runs[0].tobytes()
    return _interleave(runs, variable, n)


def _run(pieces: list[np.ndarray], n: int) -> np.ndarray:
    """Pieces of (rows or 1, width) bytes side by side: one (rows, width) matrix."""
    out = np.empty((n, sum(p.shape[1] for p in pieces)), dtype=np.uint8)
    at = 0
    for p in pieces:
        out[:, at : at + p.shape[1]] = p
        at += p.shape[1]
    return out


_CHUNK_BYTES = 1 << 17
"""Output bytes gathered at once: the int64 index of their sources (8x as big) stays in the
cache; a batch-wide index (~10x the batch) came from fresh pages, a page fault per 4 KB."""


def _interleave(runs: list[np.ndarray], variable: list[_Field], n: int) -> bytes:
    """Row by row: runs[0], variable[0]'s value, runs[1], ..., runs[-1]."""
    sources: list[np.ndarray] = []
    starts, lengths = [], []
    base = 0
    rows = np.arange(n, dtype=np.int64)
    for k, run in enumerate(runs):
        sources.append(run.reshape(-1))
        starts.append(base + rows * run.shape[1])
        lengths.append(np.full(n, run.shape[1], dtype=np.int64))
        base += run.size
        if k < len(variable):
            f = variable[k]
            sources.append(f.data)
            starts.append(base + f.starts)
            lengths.append(np.maximum(f.lengths, 0))
            base += f.data.size
    per_row = len(starts)
    seg_start = np.stack(starts, axis=1).reshape(-1)
    seg_len = np.stack(lengths, axis=1).reshape(-1)
    ends = np.cumsum(seg_len.reshape(n, per_row).sum(axis=1))
    source = np.concatenate(sources)
    out = np.empty(int(ends[-1]), dtype=np.uint8)
    step = max(1, n * _CHUNK_BYTES // max(1, out.size))
    for a in range(0, n, step):
        b = min(n, a + step)
        first = int(ends[a - 1]) if a else 0
        segments = slice(a * per_row, b * per_row)
        index = segment_index(seg_start[segments], seg_len[segments])
        np.take(source, index, out=out[first : ends[b - 1]])
    return out.tobytes()


@dataclass(frozen=True)
class _Field:
    """One column's values in COPY's binary form: row r's bytes are
    data[starts[r] : starts[r] + lengths[r]]; a length of -1 is NULL."""

    lengths: np.ndarray
    data: np.ndarray
    starts: np.ndarray

    def length_words(self, n: int) -> np.ndarray:
        """The 4-byte big-endian length before each value, as (rows, 4) or (1, 4) bytes."""
        width = self.width(n)
        if width is not None:
            return np.frombuffer(width.to_bytes(4, "big"), dtype=np.uint8).reshape(1, 4)
        return self.lengths.astype(">i4").view(np.uint8).reshape(n, 4)

    def width(self, n: int) -> int | None:
        """The bytes of every row's value when they are all the same (no NULL), else None."""
        if not n:
            return 0
        w = int(self.lengths[0])
        return w if w >= 0 and (self.lengths == w).all() else None

    def matrix(self, n: int) -> np.ndarray | None:
        """The values as one (rows, width) matrix when they have one width."""
        w = self.width(n)
        if w is None:
            return None
        first = int(self.starts[0]) if n else 0
        # equal lengths: are the values laid end to end in the buffer (text, arrays), or apart?
        if n and int(self.starts[-1]) - first != (n - 1) * w:
            return None
        return self.data[first : first + n * w].reshape(n, w)


def _field(t: ColumnType, data: ColumnData, n: int) -> _Field:
    values = data.values
    if isinstance(values, Utf8Array):  # generators make these for text and enum columns only
        null = data.null if data.null is not None and data.null.any() else None
        return _text_field(values, null, t.kind == Kind.JSON and t.sql == "jsonb")
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
            return _text_field(_spread(utf8, null), null if null.any() else None, _jsonb(t))
    return _list_field(t, values, null)


_TEXT_KINDS = {Kind.TEXT, Kind.ENUM, Kind.JSON}


def _jsonb(t: ColumnType) -> bool:
    return t.kind == Kind.JSON and t.sql == "jsonb"


def _spread(present: Utf8Array, null: np.ndarray) -> Utf8Array:
    """Values of the non-NULL rows as values of all rows (empty where NULL)."""
    if not null.any():
        return present
    lengths = np.zeros(len(null), dtype=np.int64)
    lengths[~null] = present.lengths
    offsets = np.zeros(len(null) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return Utf8Array(present.data, offsets + present.offsets[0])


def _text_field(utf8: Utf8Array, null: np.ndarray | None, jsonb: bool) -> _Field:
    """Text of every row; jsonb puts its version byte before each value."""
    if jsonb:
        utf8 = text.concat([text.constant("\x01", len(utf8)), utf8])
    lengths = utf8.lengths if null is None else np.where(null, -1, utf8.lengths)
    return _Field(lengths, utf8.data, utf8.offsets[:-1])


def _bytes_field(lengths: np.ndarray, data: np.ndarray) -> _Field:
    """Values laid end to end in `data`, `lengths` bytes each (-1: NULL, no bytes)."""
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(np.maximum(lengths[:-1], 0), out=starts[1:])
    return _Field(lengths, data, starts)


def _fixed(null: np.ndarray, be: np.ndarray, width: int) -> _Field:
    """Values of `width` bytes each (a row of `be`), NULL rows' bytes left in place unread."""
    lengths = np.where(null, -1, width) if null.any() else np.full(len(null), width)
    starts = np.arange(0, len(null) * width, width, dtype=np.int64)
    return _Field(lengths.astype(np.int64), be.view(np.uint8).reshape(-1), starts)


def _array_field(t: ColumnType, values: np.ndarray, null: np.ndarray, scale: int) -> _Field:
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


def _numeric_array(scaled: np.ndarray, null: np.ndarray, scale: int) -> _Field:
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


def _list_field(t: ColumnType, values: Sequence[Any], null: np.ndarray) -> _Field:
    encoded = [_encode_one(t, v) for v in values if v is not None]
    lengths = np.full(len(values), -1, dtype=np.int64)
    lengths[~null] = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    return _bytes_field(lengths, np.frombuffer(b"".join(encoded), dtype=np.uint8))


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
