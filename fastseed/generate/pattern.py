"""Strings that match a simple regular expression (CHECK (code ~ '^[A-Z]{3}-\\d{4}$')).

Supported: anchors, literals and escapes, `.`, `\\d \\w \\s \\D \\W \\S`, classes with ranges and
POSIX classes ([[:alpha:]]), groups with alternation, and the quantifiers ? * + {n} {n,} {n,m}.
Anything else raises `PatternError`, and the check is reported as not handled.
`UniquePattern` gives distinct matching values, one per row index, for UNIQUE columns.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np

from fastseed.generate import hashing as h
from fastseed.pattern_syntax import PatternError as PatternError  # re-exported
from fastseed.pattern_syntax import _Node, _Parser
from fastseed.pattern_syntax import python_regex as python_regex


class PatternGen:
    """Produces a matching string from a stream of 64-bit random words."""

    def __init__(self, regex: str) -> None:
        self.regex = regex
        self.tree = _Parser(regex).parse()
        self.check = re.compile(python_regex(regex))

    def make(self, seed: int) -> str:
        state = [seed & 0xFFFFFFFFFFFFFFFF or 1]

        def draw(n: int) -> int:
            x = state[0]
            x ^= (x << 13) & 0xFFFFFFFFFFFFFFFF
            x ^= x >> 7
            x ^= (x << 17) & 0xFFFFFFFFFFFFFFFF
            state[0] = x
            return x % n

        def seq(nodes: list[_Node]) -> str:
            out = []
            for node in nodes:
                count = node.low + draw(node.high - node.low + 1)
                for _ in range(count):
                    if node.kind == "chars":
                        out.append(node.chars[draw(len(node.chars))])
                    else:
                        opts = node.options or [[]]
                        out.append(seq(opts[draw(len(opts))]))
            return "".join(out)

        return seq(self.tree[draw(len(self.tree))])


_ENOUGH = 1 << 64
"""Distinct values past which a unique layout need not grow: more than any row count."""
_WORD = 1 << 64


@dataclass
class _Unit:
    options: tuple[str, ...]
    """The strings one position can hold (single characters, or equal-length alternatives)."""
    count: int
    high: int | None
    """The most repetitions the pattern allows; None when unbounded."""


class UniquePattern:
    """Distinct strings matching a regular expression, one per row index, vectorised.

    The pattern is laid out as a fixed sequence of positions (each repeat count chosen once,
    grown until the values are plenty or the column is full); the row index is written into
    those positions as a mixed-radix number, each digit shifted by a hash of the digits above
    it, which keeps the map one-to-one while neighbouring rows look unrelated. Letters that
    differ only in case count once, so values stay distinct under case-insensitive collations.
    """

    def __init__(self, regex: str, max_len: int | None) -> None:
        tree = _Parser(regex).parse()
        limit = max_len if max_len is not None else 64
        layouts = [_layout(alt, limit) for alt in tree]
        fitting = [lay for lay in layouts if lay is not None]
        self.slots: list[tuple[str, ...]] = max(fitting, key=lambda lay: _capacity(lay), default=[])
        self.capacity = _capacity(self.slots) if fitting else 0

    def make(self, key: int, idx: h.I64) -> list[str]:
        """The values of rows `idx` (each below `capacity`): distinct for distinct rows."""
        if not self.slots:
            return [""] * len(idx)
        value = self._scrambled(key, idx)
        parts = []
        weight = 1
        for pos in range(len(self.slots) - 1, -1, -1):
            options = np.array(self.slots[pos])
            r = len(options)
            zero = np.zeros(len(idx), dtype=np.uint64)
            digit = zero if weight >= _WORD else (value // np.uint64(weight)) % np.uint64(r)
            above = zero if weight * r >= _WORD else value // np.uint64(weight * r)
            shift = h.mix(key + pos, above) % np.uint64(r)
            parts.append(options[((digit + shift) % np.uint64(r)).astype(np.int64)])
            weight *= r
        joined = functools.reduce(np.char.add, reversed(parts))
        return [str(v) for v in joined.tolist()]

    def _scrambled(self, key: int, idx: h.I64) -> h.U64:
        """A one-to-one map of row indexes into [0, capacity), so neighbours differ early."""
        if self.capacity >= _WORD:
            return h.mix(key, idx)  # a bijection of 64-bit words
        if self.capacity < 1 << 31:
            return h.permute(key, idx, self.capacity).astype(np.uint64)
        return idx.astype(np.uint64)


def _capacity(slots: list[tuple[str, ...]]) -> int:
    out = 1
    for options in slots:
        out *= len(options)
    return out


def _layout(seq: list[_Node], limit: int) -> list[tuple[str, ...]] | None:
    """Positions for one alternative within `limit` characters, or None if it cannot fit."""
    units = _units(seq)
    size = sum(len(u.options[0]) * u.count for u in units)
    if size > limit:
        return None
    space = _capacity([u.options for u in units for _ in range(u.count)])
    growable = sorted(
        (u for u in units if len(u.options) > 1), key=lambda u: len(u.options), reverse=True
    )
    while space < _ENOUGH:
        unit = next(
            (
                u
                for u in growable
                if (u.high is None or u.count < u.high) and size + len(u.options[0]) <= limit
            ),
            None,
        )
        if unit is None:
            break
        unit.count += 1
        size += len(unit.options[0])
        space *= len(unit.options)
    return [u.options for u in units for _ in range(u.count)]


def _units(seq: list[_Node]) -> list[_Unit]:
    out = []
    for node in seq:
        high = None if node.open else node.high
        if node.kind == "chars":
            out.append(_Unit(_case_once(tuple(node.chars)), node.low, high))
            continue
        options = node.options or [[]]
        words = [_literal(opt) for opt in options]
        if all(w is not None for w in words) and len({len(w or "") for w in words}) == 1:
            out.append(_Unit(_case_once(tuple(w or "" for w in words)), node.low, high))
            continue
        # a group of varied alternatives: its first one, repeated the fewest times allowed
        for _ in range(node.low):
            out.extend(_units(options[0]))
    return out


def _literal(seq: list[_Node]) -> str | None:
    """The one string a sequence matches, or None when it matches several."""
    if all(n.kind == "chars" and len(n.chars) == 1 and n.low == n.high for n in seq):
        return "".join(n.chars * n.low for n in seq)
    return None


def _case_once(options: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for opt in options:
        seen.setdefault(opt.lower(), opt)
    return tuple(seen.values())
