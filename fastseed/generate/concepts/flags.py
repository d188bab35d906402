"""Flags: booleans, and integers whose name says yes or no (`is_active`, `deleted`), with the
share of rows that are true: what goes wrong or is taken away (revoked, deleted, banned,
locked, archived) is rare, what a working row is (active, enabled, verified) is common."""

from __future__ import annotations

from fastseed.generate.concepts.registry import Concept, register
from fastseed.generate.concepts.valid import flag
from fastseed.schema import Kind

_BOOLEAN = frozenset({Kind.BOOLEAN})
_INTEGER = frozenset({Kind.INTEGER})
_PREFIX = "is|has|can|should|was|allow|enable|use|show"
"""An integer is a flag only behind one of these (is_locked), before 'flag' (test_flag), or
named as one below."""

_RARE = (
    r"\w*(?:revok|delet|remov|archiv|block|lock|suspend|disabl|expir|spam|hidden|muted|flagged|"
    r"deactivat|cancel|reject|fail|fraud|superuser|staff|trash|dismiss|closed|blacklist|"
    r"inactive|invalid)\w*|\w*ban|\w*banned|test\w*|draft\w*|admin\w*|system\w*"
)
_COMMON = (
    r"\w*(?:active|enabled|verified|confirmed|approved|visible|available|valid|accept|subscrib|"
    r"consent|published|allow)\w*|public\w*|instock|optin"
)
_IN_STOCK = (("in", "stock"), ("opt", "in"))


def _flag(
    name: str,
    share: float | None,
    *phrases: tuple[str, ...],
    kinds: frozenset[Kind] = _BOOLEAN,
    weight: int = 0,
) -> Concept:
    return Concept(
        name, "flags", "flag", phrases, None,
        kinds=kinds, weight=weight, valid=flag, true_share=share,
    )  # fmt: skip


# the share concepts outweigh the plain flag's 'is_' phrase; a rare word outweighs a common
# one in the same word (inactive, invalid)
register(
    _flag("flag", None, (_PREFIX, ".+"), (r"\w*(?:active|enabled|verified|deleted|visible|public|flag|confirmed|published|archived)",), kinds=_BOOLEAN | _INTEGER, weight=1),
    _flag("flag", None),  # a boolean of any name
    _flag("flag_rare", 0.05, (_RARE,), weight=4),
    _flag("flag_rare", 0.05, (_PREFIX, _RARE), (_RARE, "flag"), (r"\w*(?:deleted|archived|inactive)",), kinds=_INTEGER, weight=4),
    _flag("flag_common", 0.85, (_COMMON,), *_IN_STOCK, weight=3),
    _flag("flag_common", 0.85, (_PREFIX, _COMMON), (_COMMON, "flag"), (r"\w*(?:active|enabled|verified|visible|public|confirmed|published)",), kinds=_INTEGER, weight=3),
)  # fmt: skip
