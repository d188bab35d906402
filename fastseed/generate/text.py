"""Text columns as one UTF-8 buffer plus offsets, built with numpy instead of per-value str.

Most generated text is a pick from a pool (names, cities, statuses, products) or a few such
picks joined with separators and numbers (emails, phones). Done value by value that costs a
Python string per row and again an `encode` per row in the COPY writer; here a whole column
is gathered from pool bytes at once and the encoders copy the buffer as it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

I64 = np.ndarray


@dataclass(frozen=True)
class Utf8Array:
    """Value i is data[offsets[i]:offsets[i + 1]], UTF-8 encoded."""

    data: np.ndarray
    """uint8"""
    offsets: np.ndarray
    """int64, one more than the values"""

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> I64:
        """Bytes per value."""
        return np.diff(self.offsets)

    def tolist(self) -> list[str]:
        raw = self.data.tobytes()
        bounds = self.offsets.tolist()
        return [raw[a:b].decode() for a, b in itertools.pairwise(bounds)]

    def take(self, idx: I64) -> Utf8Array:
        """The values at positions idx, in that order."""
        return gather(self.data, self.offsets, idx)

    def char_lengths(self) -> I64:
        """Characters per value (UTF-8 continuation bytes are not counted)."""
        starts = (self.data & 0xC0) != 0x80
        counts = np.concatenate(([0], np.cumsum(starts, dtype=np.int64)))
        return counts[self.offsets[1:]] - counts[self.offsets[:-1]]


def from_strings(values: Sequence[str]) -> Utf8Array:
    """Encode a list once (pools are built this way)."""
    encoded = [v.encode() for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return Utf8Array(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets)


def constant(text: str, n: int) -> Utf8Array:
    """The same text n times."""
    return from_strings([text]).take(np.zeros(n, dtype=np.int64))


def _segment_positions(lengths: I64) -> tuple[I64, I64]:
    """(starts of each segment in the packed output, for each output byte its segment)."""
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    return starts, np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)


def gather(data: np.ndarray, offsets: I64, idx: I64) -> Utf8Array:
    """Pack the segments data[offsets[i]:offsets[i+1]] for i in idx, in order."""
    lengths = offsets[idx + 1] - offsets[idx]
    out_offsets = np.zeros(len(idx) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out_offsets[1:])
    total = int(out_offsets[-1])
    # source byte of output byte k: its segment's source start + its position in the segment
    shift = np.repeat(offsets[idx] - out_offsets[:-1], lengths)
    src = np.arange(total, dtype=np.int64) + shift
    return Utf8Array(data[src], out_offsets)


def concat(parts: Sequence[Utf8Array]) -> Utf8Array:
    """Row-wise concatenation: value i is parts[0][i] + parts[1][i] + ..."""
    n = len(parts[0])
    lengths = np.stack([p.lengths for p in parts])  # (parts, n)
    row_len = lengths.sum(axis=0)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(row_len, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    before = offsets[:-1].copy()  # where the next part of each row goes
    for p, plen in zip(parts, lengths, strict=True):
        if p.data.size:
            shift = np.repeat(before - p.offsets[:-1], plen)
            out[np.arange(p.data.size, dtype=np.int64) + shift] = p.data[: p.offsets[-1]]
        before += plen
    return Utf8Array(out, offsets)


def decimal(values: I64, width: int = 0) -> Utf8Array:
    """Non-negative integers as decimal text, zero-padded to `width` digits when given."""
    v = np.asarray(values, dtype=np.int64)
    digits = np.ones(len(v), dtype=np.int64)
    for power in range(1, 19):
        digits += v >= 10**power
    digits = np.maximum(digits, width)
    offsets = np.zeros(len(v) + 1, dtype=np.int64)
    np.cumsum(digits, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    # the last digit of every value, then the one before it for values that have it, ...
    ends = offsets[1:] - 1
    rest = v.copy()
    for k in range(int(digits.max()) if len(v) else 0):
        alive = digits > k
        out[ends[alive] - k] = (rest[alive] % 10) + 48
        rest //= 10
    return Utf8Array(out, offsets)


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


def needs_escape(text: Utf8Array, special: bytes) -> bool:
    """True when any value holds one of the bytes in `special` (tab, newline, backslash...)."""
    if not text.data.size:
        return False
    return bool(np.isin(text.data, np.frombuffer(special, dtype=np.uint8)).any())
