"""Mobile numbers of the address countries, every row of a batch at once.

A number is its country's calling code, one of the country's mobile prefixes and `rest`
digits that never start with 0 or 1 (a real operator's range: US exchanges). The digits
come from one draw per row for all countries together; each country's layout (international,
compact, or the national number's tail when the column is short) is an index map into the
row's digits and a few literal characters, so a batch costs a handful of numpy operations
instead of a string per row and a pass per country.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from fastseed.generate import hashing as h
from fastseed.generate import text
from fastseed.generate.concepts.geo_data import ADDRESS_COUNTRIES
from fastseed.generate.concepts.kit import digit_matrix

_PHONES = [c.phone for c in ADDRESS_COUNTRIES]
"""(calling code, mobile prefixes, digits after the prefix) of each address country."""
assert all(len({len(p) for p in phone[1]}) == 1 for phone in _PHONES)
_PREFIX_LEN = [len(phone[1][0]) for phone in _PHONES]
_N_PREFIXES = np.array([len(phone[1]) for phone in _PHONES], dtype=np.uint64)
_REST = np.array([phone[2] for phone in _PHONES], dtype=np.int64)
assert _REST.min() >= 1 and _REST.max() <= 18  # one 64-bit draw per row
_TEN_REST = 10 ** _REST.astype(np.uint64)
_WIDTH = max(p + r for p, r in zip(_PREFIX_LEN, _REST.tolist(), strict=True))
"""Digits of the longest national number (prefix + rest)."""


def _prefix_table() -> npt.NDArray[np.int64]:
    """Each country's prefixes as integers, one row per country (zero-padded)."""
    table = np.zeros((len(_PHONES), int(_N_PREFIXES.max())), dtype=np.int64)
    for k, (_, prefixes, _) in enumerate(_PHONES):
        table[k, : len(prefixes)] = [int(p) for p in prefixes]
    return table


_PREFIXES = _prefix_table()
_LITERALS = b"\0 +0123456789"
"""Characters a layout may use besides the row's digits (the calling code's among them; NUL
pads the shorter layouts)."""


def _layout(k: int, room: int | None) -> list[int]:
    """Country k's number as positions in a row's buffer: the national number's digits
    right-aligned in the first _WIDTH bytes, then _LITERALS."""
    code, _, _ = _PHONES[k]
    m = _PREFIX_LEN[k] + int(_REST[k])
    national = list(range(_WIDTH - m, _WIDTH))
    p = _PREFIX_LEN[k]

    def lit(chars: str) -> list[int]:
        return [_WIDTH + _LITERALS.index(c.encode()) for c in chars]

    full = lit("+" + code + " ") + national[:p] + lit(" ") + national[p : p + 3]
    full += lit(" ") + national[p + 3 :]
    if room is None or room >= len(full):
        return full
    compact = lit("+" + code) + national
    if room >= len(compact):
        return compact
    return national[-room:]


@functools.cache
def _layouts(room: int | None) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(every country's layout, padded to one width; each one's length) for a column of
    `room` characters (None: no limit)."""
    maps = [_layout(k, room) for k in range(len(_PHONES))]
    width = max(map(len, maps))
    table = np.full((len(maps), width), _WIDTH, dtype=np.int64)  # NUL
    for k, positions in enumerate(maps):
        table[k, : len(positions)] = positions
    return table, np.array([len(m) for m in maps], dtype=np.int64)


def phone_matrix(
    country: h.I64, key: int, idx: h.I64, room: int | None
) -> tuple[npt.NDArray[np.uint8], h.I64]:
    """Mobile numbers of the rows' countries (positions in ADDRESS_COUNTRIES): international
    format, compact when the column is short, the national number's tail when even that
    does not fit; as a (rows, width) ASCII matrix padded with NULs, and each row's length."""
    pick = (h.mix(key + 1, idx) % _N_PREFIXES[country]).astype(np.int64)
    rest = _REST[country]
    tail = (h.mix(key + 2, idx) % _TEN_REST[country]).astype(np.int64)
    lead = 10 ** (rest - 1)
    first = tail // lead
    tail += np.where(first < 2, (2 - first) * lead, 0)  # the first digit: 2 for a 0 or 1
    national = _PREFIXES[country, pick] * 10**rest + tail
    digits = digit_matrix(national, _WIDTH) + np.uint8(ord("0"))
    literals = np.frombuffer(_LITERALS, dtype=np.uint8)
    buffer = np.hstack([digits, np.broadcast_to(literals, (len(idx), len(literals)))])
    table, widths = _layouts(room)
    rows = np.arange(len(idx), dtype=np.int64)[:, None] * buffer.shape[1]
    out = buffer.ravel()[table[country] + rows]  # a flat gather: take_along_axis costs 4x
    return out, widths[country]


def phone_numbers(country: h.I64, key: int, idx: h.I64, room: int | None) -> list[str]:
    """`phone_matrix` as strings."""
    return phone_utf8(country, key, idx, room).tolist()


def phone_utf8(country: h.I64, key: int, idx: h.I64, room: int | None) -> text.Utf8Array:
    """`phone_matrix` as one UTF-8 buffer."""
    matrix, lengths = phone_matrix(country, key, idx, room)
    return text.from_padded(matrix, lengths)
