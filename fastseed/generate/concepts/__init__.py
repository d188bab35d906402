"""The concept registry: what a column holds, how to make it, and why fastseed thinks so.

One module per family registers its concepts when imported (person, address and geo,
internet, commerce and payment, codes and identifiers, files and media, text, time, numbers,
flags). `match` answers the concept of a column (or None), `Match.why` the signal that
decided it.
"""

from __future__ import annotations

from fastseed.generate.concepts import (  # noqa: F401  (each registers its concepts)
    address,
    codes,
    commerce,
    files,
    flags,
    internet,
    numbers,
    person,
    ranks,
    text,
    time,
)
from fastseed.generate.concepts.registry import (
    Concept,
    Ctx,
    Made,
    Match,
    by_name,
    group_members,
    match,
    registered,
    tokens,
)

__all__ = [
    "Concept",
    "Ctx",
    "Made",
    "Match",
    "by_name",
    "group_members",
    "match",
    "registered",
    "tokens",
]
