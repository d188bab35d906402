"""Counter-based randomness: every draw is a hash of (stream key, row index), vectorised.

No generator state is carried between rows, so any slice of any table can be produced alone,
in any order, by any worker, and still give the same values for the same seed.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def stream_key(seed: int, *parts: object) -> int:
    """A 64-bit key for one named stream (table, column, purpose) under a seed.

    Callers name tables without their schema: on MySQL the schema is the database's name,
    and the same seed must give the same data in any database.
    """
    text = "\x1f".join([str(seed), *map(str, parts)]).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def mix(key: int, idx: npt.NDArray[np.integer]) -> U64:
    """splitmix64 of (key + idx·golden): a bijection of idx for a fixed key, well scrambled.
    In place on one copy of idx: the hash is the most called function of generation."""
    z: U64 = idx.astype(np.uint64)
    with np.errstate(over="ignore"):
        z *= _GOLDEN
        z += np.uint64(key)
        z ^= z >> _S30
        z *= _M1
        z ^= z >> _S27
        z *= _M2
        z ^= z >> _S31
    return z


def uniform(key: int, idx: npt.NDArray[np.integer]) -> F64:
    """Floats in [0, 1)."""
    return (mix(key, idx) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def integers(key: int, idx: npt.NDArray[np.integer], low: int, high: int) -> I64:
    """Integers in [low, high] inclusive (ranges up to 2**63; tiny modulo bias is fine here)."""
    span = high - low + 1
    if span <= 0:
        raise ValueError("empty range")
    if span >= 1 << 63:
        return (mix(key, idx).astype(np.int64)).astype(np.int64)
    return (mix(key, idx) % np.uint64(span)).astype(np.int64) + np.int64(low)


def choose(key: int, idx: npt.NDArray[np.integer], n: int, weights: F64 | None = None) -> I64:
    """Indexes into a pool of n items, uniform or by weights."""
    if weights is None:
        return (mix(key, idx) % np.uint64(n)).astype(np.int64)
    cum = np.cumsum(weights / weights.sum())
    return np.minimum(np.searchsorted(cum, uniform(key, idx), side="right"), n - 1).astype(np.int64)


def skewed(key: int, idx: npt.NDArray[np.integer], n: int, power: float = 2.0) -> I64:
    """Indexes in [0, n) where low indexes are more popular (some users have many orders).

    The popular ones are scattered over [0, n) by an affine permutation, so popularity does
    not follow insertion order.
    """
    raw = np.floor(uniform(key, idx) ** power * n).astype(np.int64)
    return permute(key ^ 0x5BD1E995, np.minimum(raw, n - 1), n)


def coprime_multiplier(key: int, n: int) -> int:
    """A multiplier coprime with n (for affine permutations of [0, n))."""
    import math

    a = (key | 1) % n if n > 1 else 1
    a = max(a, 1)
    while math.gcd(a, n) != 1:
        a += 1
    return a


def permute(key: int, idx: npt.NDArray[np.integer], n: int) -> I64:
    """A bijection of [0, n): (a·i + c) mod n with a coprime to n. Exact for n < 2**62."""
    if n <= 1:
        return np.zeros(len(idx), dtype=np.int64)
    a = coprime_multiplier(key * 2654435761 + 12345, n)
    c = key % n
    if n < (1 << 31) and a < (1 << 31):
        return ((idx.astype(np.int64) * np.int64(a) + np.int64(c)) % np.int64(n)).astype(np.int64)
    if n < (1 << 62):
        # a big key space (a junction table of two large parents): exact, still vectorised
        return _add_mod(_mul_mod(idx.astype(np.uint64) % np.uint64(n), a, n), c % n, n)
    return np.array([(int(i) * a + c) % n for i in idx], dtype=np.int64)


def _mul_mod(x: U64, a: int, n: int) -> U64:
    """(x * a) mod n for x < n < 2**62 by doubling: no intermediate leaves 64 bits."""
    out = np.zeros_like(x)
    nn = np.uint64(n)
    while a:
        if a & 1:
            out += x
            out[out >= nn] -= nn
        x = x + x
        x[x >= nn] -= nn
        a >>= 1
    return out


def _add_mod(x: U64, c: int, n: int) -> I64:
    out = x + np.uint64(c)
    out[out >= np.uint64(n)] -= np.uint64(n)
    return out.astype(np.int64)
