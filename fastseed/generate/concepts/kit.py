"""Small vectorised helpers the concept families share: picks, digits, check digits."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fastseed.generate import hashing as h


def skew_weights(n: int) -> h.F64:
    """Zipf-like weights: the first value is common, the last rare."""
    return 1.0 / np.arange(1, n + 1, dtype=np.float64) ** 0.9


def pick(pool: Sequence[str], key: int, idx: h.I64, salt: int = 0, skew: bool = False) -> list[str]:
    weights = skew_weights(len(pool)) if skew else None
    return [pool[i] for i in h.choose(key + salt, idx, len(pool), weights).tolist()]


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


def hex_digits(key: int, idx: h.I64, width: int, injective: bool = False) -> list[str]:
    """`width` lowercase hex digits per row; with `injective`, the first 16 are a bijection
    of the row index (distinct rows, distinct values)."""
    chunks = [
        [f"{v:016x}" for v in h.mix(key + salt, idx).tolist()]
        for salt in range(max(1, -(-width // 16)))
    ]
    if injective:
        chunks[0] = [f"{v:016x}" for v in h.mix(key, idx).tolist()]
    return ["".join(p)[:width] for p in zip(*chunks, strict=True)]


def chars(key: int, idx: h.I64, alphabet: str, width: int) -> list[str]:
    """`width` characters of `alphabet` per row."""
    base = len(alphabet)
    out = [""] * len(idx)
    per = max(1, int(60 // np.log2(base)))
    for salt, start in enumerate(range(0, width, per)):
        n = min(per, width - start)
        vals = h.integers(key + 101 * salt, idx, 0, base**n - 1).tolist()
        for i, v in enumerate(vals):
            s = ""
            for _ in range(n):
                v, r = divmod(v, base)
                s += alphabet[r]
            out[i] += s
    return out


# -- check digits (the real algorithms: Luhn, GS1 mod 10, ISBN-10 mod 11, ISO 7064 mod 97) --


def luhn_digit(body: str) -> str:
    """The digit that makes body + digit pass the Luhn check (card numbers)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str(-total % 10)


def gs1_digit(body: str) -> str:
    """EAN-8/EAN-13/UPC-A/ISBN-13 check digit: weights 3 and 1 from the right."""
    total = sum(int(ch) * (3 if i % 2 == 0 else 1) for i, ch in enumerate(reversed(body)))
    return str(-total % 10)


def isbn10_digit(body: str) -> str:
    total = sum(int(ch) * (10 - i) for i, ch in enumerate(body))
    d = -total % 11
    return "X" if d == 10 else str(d)


def iban(country: str, bban: str) -> str:
    """ISO 13616: the check digits are 98 - (BBAN + country + '00' as digits) mod 97."""
    moved = bban + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in moved))
    return f"{country}{98 - number % 97:02d}{bban}"
