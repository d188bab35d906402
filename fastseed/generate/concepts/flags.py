"""Flags: booleans, and integers whose name says yes or no (`is_active`, `deleted`). Which
share of rows is true comes from the name (`distributions.true_share`)."""

from __future__ import annotations

from fastseed.generate.concepts.registry import Concept, register
from fastseed.generate.concepts.valid import flag
from fastseed.schema import Kind

_FLAGS = frozenset({Kind.INTEGER, Kind.BOOLEAN})

register(
    Concept("flag", "flags", "flag", (("is|has|can|should|was|allow|enable|use|show", ".+"), (r"\w*(?:active|enabled|verified|deleted|visible|public|flag|confirmed|published|archived)",)), None, kinds=_FLAGS, weight=1, valid=flag),
    Concept("flag", "flags", "flag", (), None, kinds=frozenset({Kind.BOOLEAN}), valid=flag),
)  # fmt: skip
