"""Distributions people expect, as the column's concept declares them: flags that are mostly
off (revoked, banned, deleted) or mostly on (active, verified), and roles and levels skewed to
the least privileged value. Plausible ranges of measured quantities are the number concepts'
spans (`concepts/numbers.py`). The concepts decide, by general signals, never by a table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from fastseed.generate.concepts import Match
from fastseed.generate.timeline import words

_RANK = [
    (4, r"super|root|owner|sysadmin|god|blocker|emergency|founder|executive"),
    (3, r"admin|critical|urgent|enterprise|platinum|highest|vip"),
    (2, r"manager|moderator|maintainer|editor|lead|operator|supervisor|approver|staff|"
     r"high|major|premium|gold|pro$|professional|business|senior|write|publisher"),
    (0, r"member|user|viewer|guest|reader|basic|standard|customer|subscriber|free|regular|"
     r"normal|default|read|low|minor|trivial|lowest|bronze|starter|junior|anonymous|"
     r"visitor|student|none|public|info"),
]  # fmt: skip
"""How privileged (or severe) a value sounds, by its words."""
_RANK_WEIGHT = {0: 1.0, 1: 0.4, 2: 0.15, 3: 0.05, 4: 0.025}
_RANK_RES = [(rank, re.compile(p)) for rank, p in _RANK]

T = TypeVar("T")


def true_share(found: Match | None) -> float | None:
    """The share of rows where a flag is true, as its concept declares (None: even)."""
    return None if found is None else found.concept.true_share


def rank(label: str) -> int:
    """How privileged (or severe) a role/level value sounds: 0 least, 4 most, 1 unknown."""
    low = words(label)
    return next((r for r, rx in _RANK_RES if rx.search(low)), 1)


def privilege_weights(
    found: Match | None, items: Sequence[T]
) -> tuple[list[T], list[float]] | None:
    """For the listed values of a column whose concept ranks them (roles, levels): the values
    least privileged first and their weights, each step up in privilege several times rarer
    (`owner` and `admin` a few percent, `member` and `viewer` most rows). None for other
    columns and lists whose values say nothing, which keep the generic skew."""
    out = list(items)
    if found is None or not found.concept.ranked or not all(isinstance(x, str) for x in out):
        return None
    ranks = [rank(str(x)) for x in out]
    if len(set(ranks)) < 2:
        return None
    order = sorted(range(len(out)), key=lambda i: (ranks[i], i))
    weights, seen = [], dict.fromkeys(ranks, 0)
    for i in order:
        # within one rank the listed order decides, as with any list
        weights.append(_RANK_WEIGHT[ranks[i]] / (1 + seen[ranks[i]]))
        seen[ranks[i]] += 1
    return [out[i] for i in order], weights
