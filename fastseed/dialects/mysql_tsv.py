"""LOAD DATA text built with numpy, column by column, from a generated batch.

Turning the arrays back into Python objects and formatting each value (`mysql_values`) took
11% + 27% of a profiled MariaDB load (benchmarks/PROFILE.md section 4). Here integers,
decimals, timestamps, dates and booleans become ASCII digits with numpy divmod, text is
joined, escaped and copied as bytes, and the rows are gathered from the columns' fields a
few hundred kilobytes at a time. The bytes are those `mysql_values.tsv_payload` gives for
the same rows; a column of any other kind or form goes through its per-value converter,
alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fastseed.dialects import mysql_values as mv
from fastseed.generate import text as utf8
from fastseed.generate.batch import Batch, ColumnData, to_python
from fastseed.generate.canonical import civil_from_days
from fastseed.generate.text import Utf8Array
from fastseed.schema import Column, Kind

_BACKSLASH = 92
# What `mysql_values.tsv_text` escapes: each byte becomes a backslash and this letter.
_ESCAPE_TO = np.zeros(256, dtype=np.uint8)
for _byte, _letter in {0: "0", 9: "t", 10: "n", 13: "r", _BACKSLASH: "\\"}.items():
    _ESCAPE_TO[_byte] = ord(_letter)
# Joins a text column: LOAD DATA does not escape it, and generated text hardly ever holds it.
_SEP = "\x1f"
_POW10 = np.array([10**k for k in range(1, 20)], dtype=np.uint64)
_MAX_SCALE = 19  # 10**scale must fit in uint64
_DAY_US = 86_400_000_000
# datetime's years 1..9999 in days since the Unix epoch; the per-value path handles the rest
_MIN_DAY, _END_DAY = -719_162, 2_932_897
_TIMESTAMP = np.frombuffer(b"0000-00-00 00:00:00.000000", dtype=np.uint8)


@dataclass(frozen=True)
class _Fixed:
    """Field i is chars[skip[i] : skip[i] + size[i], i]: one row of `chars` per character
    position, so that digits are written with contiguous numpy operations."""

    chars: np.ndarray
    skip: np.ndarray
    size: np.ndarray

    def segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(bytes, start of each field in them, its size): the matrix transposed, so that
        each field's characters follow each other."""
        width, n = self.chars.shape
        rows = np.ascontiguousarray(self.chars.T).reshape(-1)
        return rows, np.arange(0, n * width, width, dtype=np.int64) + self.skip, self.size


@dataclass(frozen=True)
class _Ragged:
    """Field i is data[offsets[i] : offsets[i + 1] - trail] (the `trail` bytes after a
    field separate it from the next one in `data`)."""

    data: np.ndarray
    offsets: np.ndarray
    trail: int

    def segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.data, self.offsets[:-1], np.diff(self.offsets) - self.trail


_Field = _Fixed | _Ragged
_SEPARATORS = np.frombuffer(b"\t\n\\N", dtype=np.uint8)
_TAB_AT, _NEWLINE_AT, _NULL_AT = 0, 1, 2  # where each is in _SEPARATORS


def encode(batch: Batch) -> bytes:
    """The LOAD DATA file for a batch with rows and columns: tab-separated fields,
    backslash escapes, \\N for NULL, a newline after each row; the bytes of
    `mysql_values.tsv_payload(mysql_values.tsv_converters(batch.columns), batch.rows())`.

    Each column's fields are made for all rows at once; the rows are then gathered from
    them, segment by segment (a field, or \\N, then a tab or the newline)."""
    n = batch.size
    convs = mv.tsv_converters(batch.columns)
    sources, starts, lengths = [_SEPARATORS], [], []
    base = len(_SEPARATORS)
    last = len(batch.columns) - 1
    for k, args in enumerate(zip(batch.columns, batch.data, convs, strict=True)):
        field, null = _column(*args)
        data, start, size = field.segments()
        if null is None:
            starts.append(start + base)
            lengths.append(size)
        else:
            starts.append(np.where(null, _NULL_AT, start + base))
            lengths.append(np.where(null, 2, size))
        sources.append(data)
        base += data.size
        starts.append(np.full(n, _NEWLINE_AT if k == last else _TAB_AT, dtype=np.int64))
        lengths.append(np.ones(n, dtype=np.int64))
    seg_start = np.stack(starts, axis=1).reshape(-1)
    seg_len = np.stack(lengths, axis=1).reshape(-1)
    return utf8.concat_segments(np.concatenate(sources), seg_start, seg_len).tobytes()


def _column(column: Column, data: ColumnData, conv: mv.Convert) -> tuple[_Field, np.ndarray | None]:
    """One column's fields and its NULL mask (None when no row is NULL)."""
    values = data.values
    null = data.null if data.null is not None and data.null.any() else None
    if isinstance(values, np.ndarray):
        field = _array(column, values, data.scale)
        if field is not None:
            return field, null
    elif isinstance(values, Utf8Array):
        if conv is mv.tsv_text:
            return _escaped(_Ragged(values.data, values.offsets, 0)), null
        if column.type.kind == Kind.BIT:
            number = _bit_number(values)
            if number is not None:
                return number, null
    elif isinstance(values, list) and conv is mv.tsv_text:
        listed = _text_list(values)
        if listed is not None:
            return listed
    python = to_python(column, data)
    return _utf8([mv.NULL_FIELD if v is None else conv(v) for v in python]), None


# -- numbers, booleans, timestamps, dates ------------------------------------------------------


def _array(column: Column, values: np.ndarray, scale: int) -> _Field | None:
    """A raw array (see ColumnGen.raw) as text; None for a kind or dtype not handled here."""
    kind = column.type.kind
    if values.ndim == 2:  # bytes of one width (`batch.FROM_BYTES`)
        return _byte_text(kind, values)
    if kind == Kind.BOOLEAN and values.dtype in (np.bool_, np.int64):
        return _uniform((values != 0).astype(np.uint8)[None, :] + 48)
    if values.dtype != np.int64:
        return None
    if kind in {Kind.INTEGER, Kind.YEAR}:
        return _decimal(values, 0)
    if kind in {Kind.NUMERIC, Kind.MONEY} and scale <= _MAX_SCALE:
        return _decimal(values, scale)
    if kind == Kind.TIMESTAMP:
        return _timestamp(values)
    if kind == Kind.DATE:
        return _date(values)
    return None


def _bit_number(digits: Utf8Array) -> _Fixed | None:
    """'0'/'1' digits of one width as the decimal number they spell (what `_sql_bit`
    writes; the SET clause casts it); None beyond 63 bits or for many widths."""
    n = len(digits)
    width = int(digits.lengths[0]) if n else 0
    if not n or width > 63 or (digits.lengths != width).any():
        return None
    start = int(digits.offsets[0])
    bits = digits.data[start : start + n * width].reshape(n, width) == ord("1")
    weights = np.int64(1) << np.arange(width - 1, -1, -1, dtype=np.int64)
    return _decimal(bits.astype(np.int64) @ weights, 0)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_UUID_DASHES = (8, 13, 18, 23)


def _byte_text(kind: Kind, matrix: np.ndarray) -> _Field | None:
    """Binary as hex digits (the SET clause unhexes them), a UUID as its 36 characters, an
    IPv4 address dotted; None for the others (IPv6's compressed text: per value)."""
    if kind == Kind.INET and matrix.shape[1] == 4:
        octets = [utf8.integers(matrix[:, j].astype(np.int64)) for j in range(4)]
        dot = utf8.constant(".", len(matrix))
        dotted = utf8.concat([octets[0], dot, octets[1], dot, octets[2], dot, octets[3]])
        return _Ragged(dotted.data, dotted.offsets, 0)
    if kind not in {Kind.BINARY, Kind.UUID}:
        return None
    digits = np.empty((2 * matrix.shape[1], len(matrix)), dtype=np.uint8)
    digits[0::2] = _HEX[matrix.T >> 4]
    digits[1::2] = _HEX[matrix.T & 15]
    if kind == Kind.BINARY:
        return _uniform(digits)
    chars = np.empty((36, len(matrix)), dtype=np.uint8)
    keep = np.ones(36, dtype=bool)
    keep[list(_UUID_DASHES)] = False
    chars[keep] = digits
    chars[~keep] = ord("-")
    return _uniform(chars)


def _uniform(chars: np.ndarray) -> _Fixed:
    """Fields that fill the whole width."""
    width, n = chars.shape
    return _Fixed(chars, np.zeros(n, dtype=np.int64), np.full(n, width, dtype=np.int64))


def _digits(chars: np.ndarray, right: int, value: np.ndarray, count: int) -> None:
    """Write the last `count` digits of `value` into chars[right - count : right]."""
    for k in range(1, count + 1):
        value, digit = np.divmod(value, value.dtype.type(10))
        chars[right - k] = digit
        chars[right - k] += 48


def _decimal(values: np.ndarray, scale: int) -> _Fixed:
    """Integers scaled by 10**scale as `str(Decimal(v).scaleb(-scale))` prints them: a sign,
    the integer part (at least one digit), then a point and exactly `scale` digits."""
    neg = values < 0
    unsigned = values.view(np.uint64)
    magnitude = np.where(neg, np.negative(unsigned), unsigned)  # exact for -2**63 too
    whole, frac = np.divmod(magnitude, np.uint64(10**scale))
    whole_digits = np.searchsorted(_POW10, whole, side="right") + 1
    tail = scale + 1 if scale else 0  # the point and the fraction
    size = whole_digits + tail + neg
    width = int(size.max())
    chars = np.empty((width, len(values)), dtype=np.uint8)
    if scale:
        _digits(chars, width, frac, scale)
        chars[width - tail] = ord(".")
    # leading zeros land before a field's start, outside it
    _digits(chars, width - tail, whole, int(whole_digits.max()))
    skip = width - size
    chars[skip[neg], np.flatnonzero(neg)] = ord("-")
    return _Fixed(chars, skip, size)


def _calendar(days: np.ndarray, width: int) -> np.ndarray:
    """`width` characters per value from the template, starting with YYYY-MM-DD."""
    year, month, day = civil_from_days(days)
    chars = np.empty((width, len(days)), dtype=np.uint8)
    chars[:] = _TIMESTAMP[:width, None]
    _digits(chars, 4, year, 4)
    _digits(chars, 7, month, 2)
    _digits(chars, 10, day, 2)
    return chars


def _in_calendar(days: np.ndarray) -> bool:
    return int(days.min()) >= _MIN_DAY and int(days.max()) < _END_DAY


def _date(days: np.ndarray) -> _Fixed | None:
    """Days since the epoch as `date.isoformat()`."""
    return _uniform(_calendar(days, 10)) if _in_calendar(days) else None


def _timestamp(micros: np.ndarray) -> _Fixed | None:
    """Microseconds since the epoch as `datetime.isoformat(" ")` of the naive UTC time: a
    fraction only when it is not zero. Sessions run with time_zone '+00:00', so this is also
    what the per-value path sends for aware values."""
    days, in_day = np.divmod(micros, _DAY_US)
    if not _in_calendar(days):
        return None
    seconds, fraction = np.divmod(in_day, 1_000_000)
    has_fraction = fraction != 0
    chars = _calendar(days, len(_TIMESTAMP) if has_fraction.any() else 19)
    _digits(chars, 19, seconds % 60, 2)
    _digits(chars, 16, seconds // 60 % 60, 2)
    _digits(chars, 13, seconds // 3600, 2)
    if len(chars) == 19:
        return _uniform(chars)
    _digits(chars, 26, fraction, 6)
    size = np.where(has_fraction, 26, 19)
    return _Fixed(chars, np.zeros(len(micros), dtype=np.int64), size)


# -- text --------------------------------------------------------------------------------------


def _text_list(values: list[Any]) -> tuple[_Ragged, np.ndarray | None] | None:
    """Python strings (None for NULL) escaped as `tsv_text` does; None if a value is of
    another type (then `tsv_text` has to make its text first)."""
    try:  # `join` refuses None and anything that is not a str
        return _escaped(_utf8(values)), None
    except TypeError:
        pass
    null = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    try:
        return _escaped(_utf8(["" if v is None else v for v in values])), null
    except TypeError:
        return None


def _utf8(texts: Sequence[str]) -> _Ragged:
    """Strings as one UTF-8 buffer, each followed by `_SEP`: one join and one encode for
    the column, and the separators give the offsets."""
    joined = _SEP.join(texts) + _SEP
    data = np.frombuffer(joined.encode(), dtype=np.uint8)
    ends = np.flatnonzero(data == ord(_SEP))
    if len(ends) != len(texts):  # a text holds the separator itself: count characters
        chars = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)
        is_ascii = len(data) == len(joined)
        ends = chars - 1 if is_ascii else np.flatnonzero((data & 0xC0) != 0x80)[chars - 1]
    return _Ragged(data, np.concatenate(([0], ends + 1)), 1)


def _escaped(text: _Ragged) -> _Ragged:
    """Backslash-escape tab, newline, carriage return, NUL and backslash, all at once."""
    first, last = int(text.offsets[0]), int(text.offsets[-1])
    data, offsets = text.data[first:last], text.offsets - first
    if not ((data == _BACKSLASH) | (data <= 13)).any():  # cheaper than the lookup below
        return _Ragged(data, offsets, text.trail)
    letter = _ESCAPE_TO[data]
    special = letter != 0
    # each byte's last output byte moves right by the escapes up to and including it
    shift = np.cumsum(special, dtype=np.int64)
    dest = np.arange(len(data)) + shift
    out = np.empty(len(data) + int(shift[-1]), dtype=np.uint8)
    out[dest] = np.where(special, letter, data)
    out[dest[special] - 1] = _BACKSLASH
    before = np.concatenate(([0], shift))
    return _Ragged(out, offsets + before[offsets], text.trail)
