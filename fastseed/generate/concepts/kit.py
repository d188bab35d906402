"""Small vectorised helpers the concept families share: picks, digits, check digits."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from fastseed.generate import hashing as h
from fastseed.generate import text
from fastseed.generate.concepts.registry import Made


def skew_weights(n: int) -> h.F64:
    """Zipf-like weights: the first value is common, the last rare."""
    return 1.0 / np.arange(1, n + 1, dtype=np.float64) ** 0.9


def pick(pool: Sequence[str], key: int, idx: h.I64, salt: int = 0, skew: bool = False) -> list[str]:
    weights = skew_weights(len(pool)) if skew else None
    return take(pool, h.choose(key + salt, idx, len(pool), weights))


def take(pool: Sequence[str], picks: h.I64) -> list[str]:
    """pool[i] for each of `picks`: gathered from an object array in one C loop when the picks
    outnumber the pool (the array costs less to build than the Python loop it saves)."""
    if len(picks) < len(pool):
        return [pool[i] for i in picks.tolist()]
    out: list[str] = np.fromiter(pool, dtype=object, count=len(pool))[picks].tolist()
    return out


def pick_utf8(
    pool: text.Utf8Array, key: int, idx: h.I64, salt: int = 0, skew: bool = False
) -> text.Utf8Array:
    """`pick` as one UTF-8 buffer: the same entries of a pool encoded in the same order."""
    weights = skew_weights(len(pool)) if skew else None
    return pool.take(h.choose(key + salt, idx, len(pool), weights))


def listed_utf8(
    items: Sequence[str], key: int, idx: h.I64, salt: int = 0, skew: bool = False
) -> text.Utf8Array:
    """`pick` of a short literal list, as one UTF-8 buffer."""
    return pick_utf8(text.from_strings(items), key, idx, salt, skew)


def join_first(parts: Sequence[text.Utf8Array], counts: h.I64, sep: str) -> text.Utf8Array:
    """Row j: the first counts[j] of `parts` joined by `sep` (counts >= 1)."""
    n = len(counts)
    out = [parts[0]]
    gap = text.constant(sep, n)
    for k, part in enumerate(parts[1:], 1):
        more = counts > k
        out += [text.keep_rows(gap, more), text.keep_rows(part, more)]
    return text.concat(out)


def fitted(
    utf8: Callable[[h.I64], text.Utf8Array], fn: Callable[[h.I64], list[str]], room: int | None
) -> Callable[[h.I64], text.Utf8Array]:
    """`utf8` where its values hold at most `room` characters; elsewhere `fn`, which knows how
    to shorten them: the values of `fn`, for a maker whose `fn` fits prose to the column."""

    def made(idx: h.I64) -> text.Utf8Array:
        values = utf8(idx)
        if room is None or int(values.lengths.max(initial=0)) <= room:
            return values
        where = np.flatnonzero(values.char_lengths() > room)
        return text.splice(values, where, fn(idx[where])) if len(where) else values

    return made


def numbers(key: int, idx: h.I64, low: int, high: int) -> list[int]:
    out: list[int] = h.integers(key, idx, low, high).tolist()
    return out


def digits(key: int, idx: h.I64, width: int) -> list[str]:
    """`width` decimal digits per row (any width: 18 digits per draw)."""
    parts: list[list[str]] = []
    left, salt = width, 0
    while left > 0:
        w = min(left, 18)
        parts.append([f"{v:0{w}d}" for v in h.integers(key + salt, idx, 0, 10**w - 1).tolist()])
        left, salt = left - w, salt + 1
    return ["".join(p) for p in zip(*parts, strict=True)] if parts else [""] * len(idx)


def from_matrix(
    matrix: Callable[[h.I64], npt.NDArray[np.uint8]], label: str, capacity: int | None = None
) -> Made:
    """A concept whose values are the rows of an ASCII byte matrix (fixed width): strings for
    the list path, and the matrix's bytes as they are for the encoders."""
    return Made(
        lambda idx: strings(matrix(idx)),
        label,
        capacity=capacity,
        utf8=lambda idx: text.from_matrix(matrix(idx)),
    )


def from_utf8(utf8: Callable[[h.I64], text.Utf8Array], label: str) -> Made:
    """A concept made as one UTF-8 buffer: the encoders take it as it is, the list path
    decodes it."""
    return Made(lambda idx: utf8(idx).tolist(), label, utf8=utf8)


def hex_digits(key: int, idx: h.I64, width: int) -> list[str]:
    """`width` lowercase hex digits per row; the first 16 are a bijection of the row index
    (distinct rows, distinct values)."""
    return strings(hex_digit_matrix(key, idx, width))


def hex_digit_matrix(key: int, idx: h.I64, width: int) -> npt.NDArray[np.uint8]:
    """`hex_digits` as a (rows, width) ASCII byte matrix."""
    chunks = [text.hex_matrix(h.mix(key + salt, idx)) for salt in range(max(1, -(-width // 16)))]
    return np.hstack(chunks)[:, :width] if len(chunks) > 1 else chunks[0][:, :width]


def char_matrix(key: int, idx: h.I64, alphabet: str, width: int) -> npt.NDArray[np.uint8]:
    """`width` ASCII characters of `alphabet` per row, as a (rows, width) byte matrix: as
    many characters per 64-bit draw as it holds, all rows at once."""
    base = len(alphabet)
    table = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
    out = np.empty((len(idx), width), dtype=np.uint8)
    per = max(1, int(63 // np.log2(base)))
    for salt, start in enumerate(range(0, width, per)):
        n = min(per, width - start)
        v = h.mix(key + 101 * salt, idx) % np.uint64(base**n)
        for j in range(n):
            out[:, start + j] = table[(v % np.uint64(base)).astype(np.int64)]
            v //= np.uint64(base)
    return out


def strings(matrix: npt.NDArray[np.uint8]) -> list[str]:
    """The rows of an ASCII byte matrix as strings."""
    if matrix.shape[1] == 0:
        return [""] * matrix.shape[0]
    flat = np.ascontiguousarray(matrix).view(f"S{matrix.shape[1]}").ravel()
    out: list[str] = flat.astype(f"U{matrix.shape[1]}").tolist()
    return out


def chars(key: int, idx: h.I64, alphabet: str, width: int) -> list[str]:
    """`width` characters of `alphabet` per row."""
    return strings(char_matrix(key, idx, alphabet, width))


# -- check digits, vectorised: GS1 mod 10 (EAN, UPC, ISBN-13), Luhn (cards), ISO 7064 mod 97
# (IBAN); ISBN-10 mod 11 is in commerce.py


def digit_matrix(values: npt.NDArray[np.int64], width: int) -> npt.NDArray[np.uint8]:
    """Non-negative integers as (rows, width) decimal digits, most significant first."""
    out = np.empty((len(values), width), dtype=np.uint8)
    v = values.astype(np.int64).copy()
    for j in range(width - 1, -1, -1):
        out[:, j] = v % 10
        v //= 10
    return out


def gs1_digits(body: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The GS1 check digit of each row of a digit matrix (weights 3, 1, ... from the right)."""
    weights = np.where(np.arange(body.shape[1])[::-1] % 2 == 0, 3, 1)
    total = (body.astype(np.int64) * weights).sum(axis=1)
    out: npt.NDArray[np.uint8] = ((-total) % 10).astype(np.uint8)
    return out


def luhn_digits(body: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The Luhn check digit of each row of a digit matrix."""
    d = body.astype(np.int64)
    doubled = np.arange(body.shape[1])[::-1] % 2 == 0  # from the right, every other digit
    d[:, doubled] = np.where(d[:, doubled] > 4, d[:, doubled] * 2 - 9, d[:, doubled] * 2)
    out: npt.NDArray[np.uint8] = ((-d.sum(axis=1)) % 10).astype(np.uint8)
    return out


def digit_strings(matrix: npt.NDArray[np.uint8]) -> list[str]:
    return strings(matrix + np.uint8(48))


def iban_numbers(country: str, bban: npt.NDArray[np.uint8]) -> list[str]:
    """IBANs of one country from a matrix of ASCII BBANs (digits and capitals), all rows at
    once: ISO 7064 mod 97 over the BBAN, the country and '00', letters counting 10-35."""
    tail = np.tile(np.frombuffer((country + "00").encode(), dtype=np.uint8), (len(bban), 1))
    chars = np.hstack([bban, tail]).astype(np.int64)
    value = np.where(chars >= 65, chars - 55, chars - 48)
    r = np.zeros(len(bban), dtype=np.int64)
    for j in range(value.shape[1]):
        v = value[:, j]
        r = (r * np.where(v >= 10, 100, 10) + v) % 97
    check = (98 - r).tolist()
    return [f"{country}{c:02d}{b}" for c, b in zip(check, strings(bban), strict=True)]
