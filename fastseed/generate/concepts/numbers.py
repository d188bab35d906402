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


def _number(
    name: str,
    phrases: tuple[tuple[str, ...], ...],
    kinds: frozenset[Kind],
    span: tuple[float, float],
    low_heavy: bool = False,
    weight: int = 0,
) -> Concept:
    """A number concept; its values are valid when they lie in its plausible span."""
    return Concept(
        name, "numbers", name, phrases, None,
        kinds=kinds, span=span, low_heavy=low_heavy, valid=within(*span), weight=weight,
    )  # fmt: skip


register(
    # integer amounts count whole units (a price of 0 would be odd): 1 to 5000
    _number("money", (_MONEY,), _INTEGER, (1, 5000), low_heavy=True),
    _number("money", (_MONEY,), _DECIMAL, (0.5, 2000), low_heavy=True),
    _number("money", (), frozenset({Kind.MONEY}), (0.5, 2000), low_heavy=True),  # the type alone
    _number("quantity", _QUANTITY, _INTEGER, (1, 20), low_heavy=True),
    _number("quantity", _QUANTITY, _DECIMAL, (1, 50)),
    _number("percent", ((r"percent\w*|pct|rate|\w*ratio|discount",),), _ANY, (0, 100)),
    _number("rating", ((r"\w*rating|\w*score|star|rank\w*",),), _ANY, (1, 5)),
    _number("age", (("age",),), _ANY, (18, 90)),
    _number("year", ((r"\w*year",),), _ANY, (1950, 2026)),
    _number("duration", ((r"\w*duration|length|minute|second|millisecond",),), _ANY, (1, 240)),
    _number("measure", ((r"\w*(?:height|width|size|weight)",),), _ANY, (1, 500)),
    # a weight with decimals is in kg (a parcel, a product); a tax or discount rate in percent
    _number("weight", ((r"\w*(?:weight|mass)",),), _DECIMAL, (0.05, 50), weight=1),
    _number("tax_rate", (("tax|vat|discount", r"pct|percent\w*|rate"), (r"(?:tax|vat|discount)(?:pct|percent\w*|rate)",)), _ANY, (0, 30)),
)  # fmt: skip
