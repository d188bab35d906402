"""Text columns as one UTF-8 buffer plus offsets, built with numpy instead of per-value str.

Most generated text is a pick from a pool (names, cities, statuses, products) or a few such
picks joined with separators and numbers (emails, phones). Done value by value that costs a
Python string per row and again an `encode` per row in the COPY writer; here a whole column
is gathered from pool bytes at once and the encoders copy the buffer as it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


class Utf8Array:
    """Value i is data[offsets[i]:offsets[i + 1]], UTF-8 encoded.

    A composition of other columns (picks from a pool, row-wise concatenation, rows kept or
    chosen) is held as pieces until its bytes are read: each value as k (start, length)
    slices of one source buffer, copied out once when `data` is first asked for. A title of
    five words picked from pools and joined by spaces was 18 copies of the column's bytes
    (a pick, a separator, a kept row, the join: each a gather), now one.
    """

    __slots__ = ("_data", "_lengths", "_offsets", "_source", "_starts")

    def __init__(self, data: np.ndarray, offsets: np.ndarray) -> None:
        self._data: np.ndarray | None = data
        self._offsets: np.ndarray | None = offsets
        self._source: np.ndarray | None = None
        self._starts: I64 | None = None
        self._lengths: I64 | None = None

    @classmethod
    def of_pieces(cls, source: np.ndarray, starts: I64, lengths: I64) -> Utf8Array:
        """Value i is source[starts[i, 0]:][:lengths[i, 0]] + source[starts[i, 1]:]... ."""
        out = cls.__new__(cls)
        out._data = out._offsets = None
        out._source, out._starts, out._lengths = source, starts, lengths
        if starts.shape[1] > _MAX_PIECES:  # a long chain of choices: settle it now
            out._settle()
        return out

    def pieces(self) -> tuple[np.ndarray, I64, I64]:
        """(source, starts, lengths): each value as (rows, k) slices of `source`."""
        if self._source is not None:
            assert self._starts is not None and self._lengths is not None
            return self._source, self._starts, self._lengths
        offsets = self.offsets
        return self.data, offsets[:-1, None], np.diff(offsets)[:, None]

    def _settle(self) -> None:
        source, starts, lengths = self.pieces()
        per_row = lengths.sum(axis=1)
        offsets = np.zeros(len(per_row) + 1, dtype=np.int64)
        np.cumsum(per_row, out=offsets[1:])
        self._data = source[segment_index(starts.reshape(-1), lengths.reshape(-1))]
        self._offsets = offsets
        self._source = self._starts = self._lengths = None

    @property
    def data(self) -> np.ndarray:
        """uint8"""
        if self._data is None:
            self._settle()
        assert self._data is not None
        return self._data

    @property
    def offsets(self) -> np.ndarray:
        """int64, one more than the values"""
        if self._offsets is None:
            assert self._lengths is not None
            offsets = np.zeros(len(self._lengths) + 1, dtype=np.int64)
            np.cumsum(self._lengths.sum(axis=1), out=offsets[1:])
            self._offsets = offsets
        return self._offsets

    def __len__(self) -> int:
        return len(self._lengths) if self._lengths is not None else len(self.offsets) - 1

    @property
    def lengths(self) -> I64:
        """Bytes per value."""
        if self._lengths is not None:
            summed: I64 = self._lengths.sum(axis=1)
            return summed
        return np.diff(self.offsets)

    def tolist(self) -> list[str]:
        """The values as strings: one decode of the buffer with a separator after each value,
        split (about half the cost of a slice and a decode per value)."""
        n = len(self)
        packed = n > 0 and int(self.offsets[0]) == 0 and int(self.offsets[-1]) == len(self.data)
        if packed and not contains_any(self, _SEP.encode()):
            joined = np.full(len(self.data) + n, ord(_SEP), dtype=np.uint8)
            value_byte = np.ones(len(joined), dtype=bool)
            value_byte[self.offsets[1:] + np.arange(n)] = False  # value i's end moved by i
            joined[value_byte] = self.data
            return joined.tobytes().decode().split(_SEP)[:-1]
        raw = self.data.tobytes()
        bounds = self.offsets.tolist()
        return [raw[a:b].decode() for a, b in itertools.pairwise(bounds)]

    def take(self, idx: I64) -> Utf8Array:
        """The values at positions idx, in that order."""
        source, starts, lengths = self.pieces()
        return Utf8Array.of_pieces(source, starts[idx], lengths[idx])

    def char_lengths(self) -> I64:
        """Characters per value (UTF-8 continuation bytes are not counted)."""
        starts = (self.data & 0xC0) != 0x80
        counts = np.concatenate(([0], np.cumsum(starts, dtype=np.int64)))
        lengths: I64 = counts[self.offsets[1:]] - counts[self.offsets[:-1]]
        return lengths


_MAX_PIECES = 16
"""Pieces per value beyond which a composition is copied out at once: every piece costs its
(start, length) per row even when empty, and choices made in a loop add up."""


def _joined(parts: Sequence[Utf8Array]) -> tuple[np.ndarray, list[I64], list[I64]]:
    """The parts' pieces over one source buffer (each distinct source once: five picks from
    one pool share it)."""
    sources: list[np.ndarray] = []
    shifts: dict[int, int] = {}
    size = 0
    starts, lengths = [], []
    for part in parts:
        source, s, n = part.pieces()
        if id(source) not in shifts:
            shifts[id(source)] = size
            sources.append(source)
            size += len(source)
        starts.append(s + shifts[id(source)])
        lengths.append(n)
    source = sources[0] if len(sources) == 1 else np.concatenate(sources)
    return source, starts, lengths


def from_strings(values: Sequence[str]) -> Utf8Array:
    """Encode a list once (pools are built this way)."""
    encoded = [v.encode() for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return Utf8Array(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets)


_SEP = "\x1f"
"""Joins a column's strings: generated text hardly ever holds it (then: one count per value)."""


def from_text_list(values: Sequence[str]) -> Utf8Array:
    """A list of strings as one buffer with one join and one encode for the whole column,
    instead of an `encode` per value; the separators give the offsets."""
    joined = _SEP.join(values) + _SEP
    data = np.frombuffer(joined.encode(), dtype=np.uint8)
    ends = np.flatnonzero(data == ord(_SEP))
    if len(ends) != len(values):  # a value holds the separator itself: count characters
        chars = np.cumsum(np.fromiter(map(len, values), dtype=np.int64, count=len(values)) + 1)
        is_ascii = len(data) == len(joined)
        ends = chars - 1 if is_ascii else np.flatnonzero((data & 0xC0) != 0x80)[chars - 1]
    keep = np.ones(len(data), dtype=bool)
    keep[ends] = False  # drop the separators: value i then starts i bytes earlier
    offsets = np.concatenate(([0], ends + 1)) - np.arange(len(values) + 1, dtype=np.int64)
    return Utf8Array(data[keep], offsets)


def from_matrix(matrix: npt.NDArray[np.uint8]) -> Utf8Array:
    """The rows of a (rows, width) byte matrix as values of `width` bytes each."""
    n, width = matrix.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    return Utf8Array(np.ascontiguousarray(matrix).reshape(-1), offsets)


def from_padded(matrix: npt.NDArray[np.uint8], lengths: I64) -> Utf8Array:
    """Row i of a (rows, width) byte matrix cut to its first lengths[i] bytes."""
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    inside = np.arange(matrix.shape[1]) < lengths[:, None]
    return Utf8Array(matrix[inside], offsets)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HEX_PAIRS = np.stack([_HEX[np.arange(256) >> 4], _HEX[np.arange(256) & 15]], axis=1)
_HEX_PAIRS16 = np.ascontiguousarray(_HEX_PAIRS).view(np.uint16).reshape(256)
"""Each byte's two hex digits as one uint16: one lookup per byte instead of one per nibble."""


def hex_bytes(data: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """A (rows, k) byte matrix as (rows, 2k) lowercase hex digits."""
    rows = data.shape[0]
    return _HEX_PAIRS16[data].view(np.uint8).reshape(rows, -1)


def hex_matrix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint8]:
    """64-bit values as (rows, 16) lowercase hex digits, most significant first."""
    return hex_bytes(values.astype(">u8").view(np.uint8).reshape(-1, 8))


def constant(text: str, n: int) -> Utf8Array:
    """The same text n times."""
    data = np.frombuffer(text.encode(), dtype=np.uint8)
    return Utf8Array.of_pieces(
        data, np.zeros((n, 1), dtype=np.int64), np.full((n, 1), len(data), dtype=np.int64)
    )


def segment_index(starts: I64, lengths: I64) -> I64:
    """For segments source[starts[j]:starts[j] + lengths[j]] laid end to end: the source
    position of every output byte. Built as a running sum of steps (1 inside a segment, a
    jump at each segment start), which costs a fraction of repeat + arange on big batches."""
    keep = lengths > 0
    s, n = starts[keep], lengths[keep]
    if not len(n):
        return np.zeros(0, dtype=np.int64)
    out_start = np.zeros(len(n), dtype=np.int64)
    np.cumsum(n[:-1], out=out_start[1:])
    steps = np.ones(int(out_start[-1] + n[-1]), dtype=np.int64)
    steps[out_start[1:]] = s[1:] - (s[:-1] + n[:-1] - 1)
    steps[0] = s[0]
    return np.cumsum(steps, out=steps)


CHUNK_BYTES = 1 << 17
"""Output bytes `concat_segments` gathers at once: the int64 index of their sources (8x as
big) stays in the cache; a batch-wide index came from fresh pages, a page fault per 4 KB."""


def concat_segments(source: np.ndarray, starts: I64, lengths: I64) -> np.ndarray:
    """The segments source[starts[j] : starts[j] + lengths[j]] end to end (uint8), gathered
    `CHUNK_BYTES` at a time."""
    ends = np.cumsum(lengths)
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    step = max(1, len(ends) * CHUNK_BYTES // max(1, out.size))
    for a in range(0, len(ends), step):
        b = min(len(ends), a + step)
        first = int(ends[a - 1]) if a else 0
        np.take(source, segment_index(starts[a:b], lengths[a:b]), out=out[first : ends[b - 1]])
    return out


def gather(data: np.ndarray, offsets: I64, idx: I64) -> Utf8Array:
    """The segments data[offsets[i]:offsets[i+1]] for i in idx, in order."""
    return Utf8Array.of_pieces(data, offsets[idx, None], (offsets[idx + 1] - offsets[idx])[:, None])


def concat(parts: Sequence[Utf8Array]) -> Utf8Array:
    """Row-wise concatenation: value i is parts[0][i] + parts[1][i] + ..."""
    source, starts, lengths = _joined(parts)
    return Utf8Array.of_pieces(source, np.hstack(starts), np.hstack(lengths))


_DECIMAL = b"0123456789"


def integers(values: I64, alphabet: bytes = _DECIMAL, width: int = 0) -> Utf8Array:
    """Non-negative integers as text in base len(alphabet), left-padded to `width` digits."""
    v = np.asarray(values, dtype=np.int64)
    base = len(alphabet)
    digits = np.ones(len(v), dtype=np.int64)
    rest = v // base
    while rest.any():
        digits += rest > 0
        rest //= base
    digits = np.maximum(digits, width)
    offsets = np.zeros(len(v) + 1, dtype=np.int64)
    np.cumsum(digits, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    table = np.frombuffer(alphabet, dtype=np.uint8)
    # the last digit of every value, then the one before it for values that have it, ...
    ends = offsets[1:] - 1
    rest = v.copy()
    for k in range(int(digits.max()) if len(v) else 0):
        alive = digits > k
        out[ends[alive] - k] = table[rest[alive] % base]
        rest //= base
    return Utf8Array(out, offsets)


def keep_rows(values: Utf8Array, mask: np.ndarray) -> Utf8Array:
    """Value i where mask[i], else the empty string."""
    source, starts, lengths = values.pieces()
    return Utf8Array.of_pieces(source, starts, lengths * mask[:, None])


def choose_rows(mask: np.ndarray, if_true: Utf8Array, if_false: Utf8Array) -> Utf8Array:
    """Row i from if_true where mask[i], else from if_false."""
    if not mask.any():
        return if_false
    source, (ts, fs), (tn, fn) = _joined([if_true, if_false])
    keep = mask[:, None]
    return Utf8Array.of_pieces(
        source, np.hstack([ts, fs]), np.hstack([tn * keep, np.where(keep, 0, fn)])
    )


def splice(text: Utf8Array, positions: I64, values: Sequence[str]) -> Utf8Array:
    """`text` with the rows at `positions` replaced by `values`."""
    return put_rows(text, positions, from_strings(values)) if len(positions) else text


def put_rows(text: Utf8Array, positions: I64, values: Utf8Array) -> Utf8Array:
    """`text` with the rows at `positions` replaced by those of `values` (one per position)."""
    mask = np.zeros(len(text), dtype=bool)
    mask[positions] = True
    where = np.zeros(len(text), dtype=np.int64)
    where[positions] = np.arange(len(positions))
    return choose_rows(mask, values.take(where), text)


def ascii_lower(data: np.ndarray) -> np.ndarray:
    """A UTF-8 buffer with its ASCII capitals lowered (every other byte as it is)."""
    return np.where((data >= 0x41) & (data <= 0x5A), data + 32, data).astype(np.uint8)


def keep_bytes(data: np.ndarray, offsets: I64, keep: np.ndarray) -> Utf8Array:
    """The values data[offsets[i]:offsets[i + 1]] with only the bytes where `keep`."""
    kept = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
    return Utf8Array(data[keep], kept[offsets])


def ascii_lower_without_spaces(text: Utf8Array) -> Utf8Array | None:
    """str.lower() then removing spaces, for ASCII text only (None when any byte is not)."""
    data = text.data
    if data.size and int(data.max()) >= 0x80:
        return None
    lowered = ascii_lower(data)
    keep = lowered != 0x20
    if keep.all():
        return Utf8Array(lowered, text.offsets)
    return keep_bytes(lowered, text.offsets, keep)


def truncate_bytes(text: Utf8Array, limits: I64) -> Utf8Array:
    """Cut values to at most `limits` bytes, never inside a character."""
    keep = np.minimum(text.lengths, limits)
    if np.array_equal(keep, text.lengths):
        return text
    starts = text.offsets[:-1]
    cut = starts + keep
    for _ in range(3):  # a UTF-8 character has at most 3 continuation bytes
        inside = (keep < text.lengths) & (keep > 0)
        inside[inside] = (text.data[cut[inside]] & 0xC0) == 0x80
        keep = keep - inside
        cut = starts + keep
    idx = np.arange(len(text), dtype=np.int64)
    return gather(text.data, np.stack([starts, cut]).T.reshape(-1), idx * 2)


def _lowered(text: Utf8Array, width: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The values at most `width` bytes long (their positions) and their lowercase forms as
    fixed-width byte records; None for non-ASCII text, where str.lower() and a byte-wise
    lowercase could differ."""
    data = text.data
    if data.size and int(data.max()) >= 0x80:
        return None
    lengths = text.lengths
    # each value that can match, lowercased and zero-padded to one fixed-width record
    rows = np.flatnonzero(lengths <= width)
    padded = np.zeros((len(rows), width), dtype=np.uint8)
    if len(rows):
        cols = np.arange(width)
        inside = cols[None, :] < lengths[rows, None]
        source = text.offsets[rows, None] + cols[None, :]
        padded[inside] = data[source[inside]]
        upper = (padded >= 0x41) & (padded <= 0x5A)
        padded[upper] += 32
    return rows, padded.view(f"S{width}").reshape(-1)


def lower_in(text: Utf8Array, words: Collection[str]) -> np.ndarray | None:
    """Per value: is its lowercase form one of `words` (lowercase ASCII)? None for non-ASCII
    text, where str.lower() and a byte-wise lowercase could differ."""
    lowered = _lowered(text, max(len(w) for w in words))
    if lowered is None:
        return None
    rows, records = lowered
    # numpy compares the records without their zero padding (hence the length test): a
    # handful of words, one vectorised comparison each (np.isin would sort, and import
    # numpy.ma)
    kept = text.lengths[rows]
    found = np.zeros(len(rows), dtype=bool)
    for w in words:
        found |= (records == w.encode()) & (kept == len(w))
    out = np.zeros(len(text), dtype=bool)
    out[rows] = found
    return out


def lower_groups(text: Utf8Array, groups: Sequence[Collection[str]]) -> list[np.ndarray] | None:
    """Per group of words (lowercase ASCII): is each value's lowercase form one of them? One
    pass for many words: the distinct values of the batch are looked up, not every word
    compared. None for non-ASCII text."""
    lowered = _lowered(text, max(len(w) for g in groups for w in g))
    if lowered is None:
        return None
    rows, records = lowered
    distinct, back = np.unique(records, return_inverse=True)
    # a value with a trailing NUL would read as the word without it: lengths must agree
    names = [v.decode() for v in distinct.tolist()]
    same = text.lengths[rows] == np.array([len(n) for n in names], dtype=np.int64)[back]
    out = []
    for words in groups:
        hit = np.array([n in words for n in names], dtype=bool)
        mask = np.zeros(len(text), dtype=bool)
        mask[rows] = hit[back] & same
        out.append(mask)
    return out


def contains_any(text: Utf8Array, special: bytes) -> bool:
    """True when any value holds one of the bytes in `special` (tab, newline, backslash...)."""
    if not text.data.size:
        return False
    return any(bool((text.data == b).any()) for b in special)
