"""PostgreSQL binary COPY built with numpy, column by column, from a generated batch.

Per-value Python work (building datetime and Decimal objects, then asyncpg encoding each
one) was most of the client's time. Here numbers, timestamps, dates and decimals go from
numpy arrays to big-endian bytes in bulk, text and bytes are copied from their buffers, and
the rows are laid out with one gather per few hundred kilobytes. A column given as a Python
list is encoded value by value; types not listed in `SUPPORTED` make the caller fall back
to asyncpg's own encoder. The binary form of one value is `postgres_binary`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from fastseed.dialects import postgres_binary as pg
from fastseed.generate import text
from fastseed.generate.batch import Batch, ColumnData, Lists
from fastseed.generate.text import Utf8Array
from fastseed.schema import Column, ColumnType, Kind

HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"
_INT_TYPES = {16: ">i2", 32: ">i4", 64: ">i8"}

SUPPORTED = {
    Kind.INTEGER, Kind.FLOAT, Kind.BOOLEAN, Kind.TEXT, Kind.ENUM, Kind.TIMESTAMP, Kind.DATE,
    Kind.NUMERIC, Kind.UUID, Kind.JSON, Kind.BINARY, Kind.INET, Kind.CIDR, Kind.MACADDR,
    Kind.ARRAY, Kind.RANGE, Kind.BIT,
}  # fmt: skip

_RANGE_BOUNDS = {Kind.INTEGER, Kind.NUMERIC, Kind.TIMESTAMP, Kind.DATE}


def supported(columns: Sequence[Column]) -> bool:
    """True when every column's binary format is written here."""
    return all(_writes(col.type) for col in columns)


def _writes(t: ColumnType) -> bool:
    if t.kind not in SUPPORTED:
        return False
    if t.kind == Kind.INTEGER and (t.bits or 64) not in _INT_TYPES:
        return False
    if t.kind == Kind.JSON and t.sql not in {"json", "jsonb"}:
        return False  # a domain over json: which of the two formats is unknown here
    if t.max_bytes_per_char == 1 and t.kind == Kind.TEXT:
        return False  # PostgreSQL's one-byte "char": asyncpg's path cuts it to a byte
    if t.kind == Kind.MACADDR and t.sql != "macaddr":
        return False  # macaddr8 (8 bytes) or a domain over either
    if t.kind == Kind.ARRAY:  # the stream names the element type by OID: built-ins only
        element = t.element  # (a multirange is held as an array of ranges: not an array)
        return element is not None and pg.element_oid(element) is not None and _writes(element)
    if t.kind == Kind.RANGE:
        return t.element is not None and t.element.kind in _RANGE_BOUNDS and _writes(t.element)
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
        width = f.width(n)
        pieces.append(f.length_words(width, n))
        matrix = f.matrix(width, n)
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
    seg_start = np.stack(starts, axis=1).reshape(-1)
    seg_len = np.stack(lengths, axis=1).reshape(-1)
    return text.concat_segments(np.concatenate(sources), seg_start, seg_len).tobytes()


@dataclass(frozen=True)
class _Field:
    """One column's values in COPY's binary form: row r's bytes are
    data[starts[r] : starts[r] + lengths[r]]; a length of -1 is NULL."""

    lengths: np.ndarray
    data: np.ndarray
    starts: np.ndarray

    def length_words(self, width: int | None, n: int) -> np.ndarray:
        """The 4-byte big-endian length before each value, as (rows, 4) or (1, 4) bytes."""
        if width is not None:
            return np.frombuffer(width.to_bytes(4, "big"), dtype=np.uint8).reshape(1, 4)
        return self.lengths.astype(">i4").view(np.uint8).reshape(n, 4)

    def width(self, n: int) -> int | None:
        """The bytes of every row's value when they are all the same (no NULL), else None."""
        if not n:
            return 0
        w = int(self.lengths[0])
        return w if w >= 0 and (self.lengths == w).all() else None

    def matrix(self, w: int | None, n: int) -> np.ndarray | None:
        """The values as one (rows, w) matrix when they have one width `w` (`width`)."""
        if w is None:
            return None
        first = int(self.starts[0]) if n else 0
        # equal lengths: are the values laid end to end in the buffer (text, arrays), or apart?
        if n and int(self.starts[-1]) - first != (n - 1) * w:
            return None
        return self.data[first : first + n * w].reshape(n, w)


def _field(t: ColumnType, data: ColumnData, n: int) -> _Field:
    values = data.values
    if isinstance(values, Utf8Array):  # text, enum, json and bit columns
        null = data.null if data.null is not None and data.null.any() else None
        if t.kind == Kind.BIT:
            return _bit_field(t, values, null if null is not None else np.zeros(n, dtype=bool))
        return _text_field(values, null, _jsonb(t))
    if isinstance(values, np.ndarray | Lists):
        null = data.null if data.null is not None else np.zeros(n, dtype=bool)
        if isinstance(values, Lists):
            return _lists_field(t, values, null)
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


def _bit_field(t: ColumnType, digits: Utf8Array, null: np.ndarray) -> _Field:
    """Bit strings ('0'/'1' digits) as their length in bits, then the bits packed from the
    most significant one of the first byte."""
    n = len(digits)
    width = int(digits.lengths[0]) if n else 0
    if n and (digits.lengths != width).any():  # bit varying of many lengths
        return _list_field(
            t, [None if z else v for v, z in zip(digits.tolist(), null, strict=True)], null
        )
    matrix = digits.data[digits.offsets[0] : digits.offsets[0] + n * width].reshape(n, width)
    packed = np.packbits(matrix == ord("1"), axis=1)
    head = np.tile(np.frombuffer(width.to_bytes(4, "big"), dtype=np.uint8), (n, 1))
    return _fixed(null, np.hstack([head, packed]), 4 + packed.shape[1])


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
        return _fixed(null, (values - pg.EPOCH_S * 1_000_000).astype(">i8"), 8)
    if kind == Kind.DATE:  # days since the Unix epoch
        return _fixed(null, (values - pg.EPOCH_DAYS).astype(">i4"), 4)
    if kind == Kind.NUMERIC:
        return _numeric_array(values, null, scale)
    if kind == Kind.RANGE:
        return _range_field(t, values, null, scale)
    if values.ndim == 2:  # bytes of one width (`batch.FROM_BYTES`)
        return _byte_matrix(kind, values, null)
    python = [None if z else v for v, z in zip(values.tolist(), null.tolist(), strict=True)]
    return _list_field(t, python, null)


def _words(values: np.ndarray) -> _Field:
    """Integers as 4-byte big-endian fields (length words, counts)."""
    return _fixed(np.zeros(len(values), dtype=bool), values.astype(">i4"), 4)


def _constant(data: bytes, n: int) -> _Field:
    bytes_ = np.frombuffer(data, dtype=np.uint8)
    return _fixed(np.zeros(n, dtype=bool), np.tile(bytes_, (n, 1)), len(data))


def _joined(parts: list[_Field], n: int) -> _Field:
    """Per row, the bytes of every part one after the other (no part is NULL)."""
    matrices = [p.matrix(p.width(n), n) for p in parts]
    if all(m is not None for m in matrices):
        run = _run([m for m in matrices if m is not None], n)
        return _fixed(np.zeros(n, dtype=bool), run, run.shape[1])
    sources, starts, lengths = [], [], []
    base = 0
    for p in parts:
        sources.append(p.data)
        starts.append(base + p.starts)
        lengths.append(p.lengths)
        base += p.data.size
    seg_len = np.stack(lengths, axis=1)
    data = text.concat_segments(
        np.concatenate(sources), np.stack(starts, axis=1).reshape(-1), seg_len.reshape(-1)
    )
    return _bytes_field(seg_len.sum(axis=1), data)


def _range_field(t: ColumnType, bounds: np.ndarray, null: np.ndarray, scale: int) -> _Field:
    """[lower, upper) from (rows, 2) bounds in the element's raw form: flags, then each
    bound's length and bytes."""
    assert t.element is not None
    n = len(bounds)
    none = np.zeros(n, dtype=bool)
    lower, upper = (_array_field(t.element, bounds[:, k], none, scale) for k in (0, 1))
    parts = [_constant(pg.RANGE_LOWER_INCLUSIVE, n), _words(lower.lengths), lower]
    joined = _joined([*parts, _words(upper.lengths), upper], n)
    return _Field(np.where(null, -1, joined.lengths), joined.data, joined.starts)


def _lists_field(t: ColumnType, lists: Lists, null: np.ndarray) -> _Field:
    """PostgreSQL's one-dimensional arrays: a header (dimensions, no NULLs, the element's
    OID, then the count and lower bound 1 unless empty), then each item's length and bytes."""
    assert t.element is not None
    oid = pg.element_oid(t.element)
    assert oid is not None
    counts = lists.counts
    n, m = len(counts), int(lists.offsets[-1])
    items = _field(t.element, ColumnData(lists.items, None, lists.scale), m)
    head = np.zeros((n, 5), dtype=">i4")
    head[:, 0] = counts > 0  # dimensions: an empty array has none
    head[:, 2], head[:, 3], head[:, 4] = oid, counts, 1
    head_len = np.where(counts > 0, 20, 12)
    # segments: each row's header, then per item its length word and its bytes
    row_of = np.repeat(np.arange(n), counts)
    at_head = np.arange(n) + 2 * lists.offsets[:-1]
    at_item = row_of + 1 + 2 * np.arange(m)
    seg_start = np.empty(n + 2 * m, dtype=np.int64)
    seg_len = np.empty(n + 2 * m, dtype=np.int64)
    seg_start[at_head], seg_len[at_head] = np.arange(n) * 20, head_len
    seg_start[at_item], seg_len[at_item] = 20 * n + 4 * np.arange(m), 4
    seg_start[at_item + 1] = 20 * n + 4 * m + items.starts
    seg_len[at_item + 1] = items.lengths
    words = items.lengths.astype(">i4").view(np.uint8)
    source = np.concatenate([head.view(np.uint8).reshape(-1), words, items.data])
    item_bytes = np.concatenate(([0], np.cumsum(items.lengths)))[lists.offsets]
    sizes = head_len + 4 * counts + np.diff(item_bytes)
    field = _bytes_field(sizes, text.concat_segments(source, seg_start, seg_len))
    return _Field(np.where(null, -1, sizes), field.data, field.starts)


def _byte_matrix(kind: Kind, matrix: np.ndarray, null: np.ndarray) -> _Field:
    """uuid, bytea and macaddr as they are; inet and cidr after their 4-byte header:
    family, prefix bits, is-cidr, address bytes."""
    n, width = matrix.shape
    if kind in {Kind.INET, Kind.CIDR}:
        address = matrix[:, :-1] if kind == Kind.CIDR else matrix
        size = address.shape[1]
        head = np.empty((n, 4), dtype=np.uint8)
        head[:, 0] = pg.AF_INET if size == 4 else pg.AF_INET6
        head[:, 1] = matrix[:, -1] if kind == Kind.CIDR else 8 * size
        head[:, 2] = kind == Kind.CIDR
        head[:, 3] = size
        matrix, width = np.hstack([head, address]), 4 + size
    return _fixed(null, np.ascontiguousarray(matrix), width)


_NUMERIC_MAX_SCALE = 16  # the fraction's base-10000 digits, scaled up, fit in uint64


def _numeric_array(scaled: np.ndarray, null: np.ndarray, scale: int) -> _Field:
    """numeric's binary form: base-10000 digits, as many before the point as the batch's
    largest value needs (the smaller ones start with zero digits, which the server strips)."""
    if not 0 <= scale <= _NUMERIC_MAX_SCALE:
        values = [
            None if z else Decimal(int(v)).scaleb(-scale)
            for v, z in zip(scaled.tolist(), null.tolist(), strict=True)
        ]
        return _list_field(ColumnType(Kind.NUMERIC, "numeric"), values, null)
    negative = scaled < 0
    unsigned = scaled.astype(np.int64).view(np.uint64)
    magnitude = np.where(negative, np.negative(unsigned), unsigned)  # exact for -2**63 too
    whole, frac = np.divmod(magnitude, np.uint64(10**scale))
    frac_digits = -(-scale // 4)
    frac = frac * np.uint64(10 ** (4 * frac_digits - scale))
    largest = int(whole.max()) if whole.size else 0
    int_digits = max(1, -(-len(str(largest)) // 4))
    digits = [whole // np.uint64(10 ** (4 * i)) % np.uint64(10000) for i in range(int_digits)]
    digits = digits[::-1]
    for i in range(frac_digits - 1, -1, -1):
        digits.append(frac // np.uint64(10 ** (4 * i)) % np.uint64(10000))
    ndigits = len(digits)
    out = np.empty((len(scaled), 4 + ndigits), dtype=">i2")
    out[:, 0] = ndigits
    out[:, 1] = int_digits - 1  # weight of the first digit
    out[:, 2] = np.where(negative, 0x4000, 0)
    out[:, 3] = scale
    for i, d in enumerate(digits):
        out[:, 4 + i] = d
    return _fixed(null, out, 2 * (4 + ndigits))


def _list_field(t: ColumnType, values: Sequence[Any], null: np.ndarray) -> _Field:
    encoded = [pg.encode_value(t, v) for v in values if v is not None]
    lengths = np.full(len(values), -1, dtype=np.int64)
    lengths[~null] = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    return _bytes_field(lengths, np.frombuffer(b"".join(encoded), dtype=np.uint8))
