"""Distributions people expect: flags that are mostly off (revoked, banned, deleted) or mostly
on (active, verified), roles and levels skewed to the least privileged value, and plausible
ranges for measured quantities. Decided by general signals in the names, never by a table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from fastseed.generate.timeline import words

_RARE_FLAG = re.compile(
    r"revok|delet|remov|archiv|ban(ned)?($|_)|block|lock|suspend|disabl|expir|spam|hidden|"
    r"muted|flagged|deactivat|cancel|reject|fail|fraud|test|draft|(^|_)(is_)?admin|"
    r"superuser|staff|(^|_)(is_)?system|trash|dismiss|closed|blacklist|inactive"
)
_COMMON_FLAG = re.compile(
    r"active|enabled|verified|confirmed|approved|visible|available|valid|accept|subscrib|"
    r"in_stock|opt_in|consent|(^|_)(is_)?public|published|allow"
)

_PRIVILEGE_COLUMN = re.compile(
    r"(^|_)(role|roles|level|tier|plan|permission|permissions|access|privilege|priority|"
    r"severity|membership|grade|rank|seniority)($|_)"
)
_RANK = [
    (4, r"super|root|owner|sysadmin|god|blocker|emergency|founder|executive"),
    (3, r"admin|critical|urgent|enterprise|platinum|highest|vip"),
    (2, r"manager|moderator|maintainer|editor|lead|operator|supervisor|approver|staff|"
     r"high|major|premium|gold|pro$|professional|business|senior|write|publisher"),
    (0, r"member|user|viewer|guest|reader|basic|standard|customer|subscriber|free|regular|"
     r"normal|default|read|low|minor|trivial|lowest|bronze|starter|junior|anonymous|"
     r"visitor|student|none|public|info"),
]  # fmt: skip
_RANK_WEIGHT = {0: 1.0, 1: 0.4, 2: 0.15, 3: 0.05, 4: 0.025}
_RANK_RES = [(rank, re.compile(p)) for rank, p in _RANK]

T = TypeVar("T")


def true_share(column: str) -> float | None:
    """The share of rows where a flag column is true, when its name says (None: even)."""
    name = words(column)
    if _RARE_FLAG.search(name):
        return 0.05
    if _COMMON_FLAG.search(name):
        return 0.85
    return None


def rank(label: str) -> int:
    """How privileged (or severe) a role/level value sounds: 0 least, 4 most, 1 unknown."""
    low = words(label)
    return next((r for r, rx in _RANK_RES if rx.search(low)), 1)


def privilege_weights(column: str, items: Sequence[T]) -> tuple[list[T], list[float]] | None:
    """For a role/level column's listed values: the values least privileged first and their
    weights, each step up in privilege several times rarer (`owner` and `admin` a few percent,
    `member` and `viewer` most rows). None for other columns and lists whose values say
    nothing, which keep the generic skew."""
    out = list(items)
    if not _PRIVILEGE_COLUMN.search(words(column)) or not all(isinstance(x, str) for x in out):
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


_MEASURES = [
    (re.compile(r"weight|mass"), (0.05, 50.0)),
    (re.compile(r"(tax|vat|discount)_?(pct|percent|percentage)$"), (0.0, 30.0)),
]


def soft_range(column: str) -> tuple[float, float] | None:
    """A plausible range for a measured quantity named by the column (weights in kg, tax
    and discount rates in percent), or None."""
    name = words(column)
    return next((span for rx, span in _MEASURES if rx.search(name)), None)
