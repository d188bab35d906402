"""Number columns: amounts of money, quantities, percentages, ratings, ages, years, durations
and measures, each with the range its values plausibly take. The Builder draws the values
(`kinds/numbers.py`) within that range narrowed by the column's type and CHECKs; latitude and
longitude, placed in the row's country, are address concepts."""

from __future__ import annotations

from fastseed.generate.concepts.registry import Concept, register
from fastseed.generate.concepts.valid import within
from fastseed.schema import Kind

_INTEGER = frozenset({Kind.INTEGER})
_DECIMAL = frozenset({Kind.NUMERIC, Kind.FLOAT, Kind.MONEY})
_ANY = _INTEGER | _DECIMAL

_MONEY = (
    r"\w*(?:price|amount|cost|total|balance|salary|fee|freight|charge|revenue|budget|wage|payment|subtotal|tax|income|value)",
)
_QUANTITY = ((r"quantity|\w*count|stock|unit|inventory",), ("number", ".+"))

register(
    # whole currency units are rarely fractions of a cent: integers run higher
    Concept("money", "numbers", "money", (_MONEY,), None, kinds=_INTEGER, span=(1, 5000), low_heavy=True, valid=within(1, 5000)),
    Concept("money", "numbers", "money", (_MONEY,), None, kinds=_DECIMAL, span=(0.5, 2000), low_heavy=True, valid=within(0.5, 2000)),
    Concept("money", "numbers", "money", (), None, kinds=frozenset({Kind.MONEY}), span=(0.5, 2000), low_heavy=True, valid=within(0.5, 2000)),
    Concept("quantity", "numbers", "quantity", _QUANTITY, None, kinds=_INTEGER, span=(1, 20), low_heavy=True, valid=within(1, 20)),
    Concept("quantity", "numbers", "quantity", _QUANTITY, None, kinds=_DECIMAL, span=(1, 50), valid=within(1, 50)),
    Concept("percent", "numbers", "percent", ((r"percent\w*|pct|rate|\w*ratio|discount",),), None, kinds=_ANY, span=(0, 100), valid=within(0, 100)),
    Concept("rating", "numbers", "rating", ((r"\w*rating|\w*score|star|rank\w*",),), None, kinds=_ANY, span=(1, 5), valid=within(1, 5)),
    Concept("age", "numbers", "age", (("age",),), None, kinds=_ANY, span=(18, 90), valid=within(18, 90)),
    Concept("year", "numbers", "year", ((r"\w*year",),), None, kinds=_ANY, span=(1950, 2026), valid=within(1950, 2026)),
    Concept("duration", "numbers", "duration", ((r"\w*duration|length|minute|second|millisecond",),), None, kinds=_ANY, span=(1, 240), valid=within(1, 240)),
    Concept("measure", "numbers", "measure", ((r"\w*(?:weight|height|width|size)",),), None, kinds=_ANY, span=(1, 500), valid=within(1, 500)),
)  # fmt: skip
