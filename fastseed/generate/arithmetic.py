"""Money that adds up within a row: quantity x unit price = line total; subtotal + tax
(+ shipping - discount) = total; tax and discount a plausible share of the subtotal; amounts
in the minor units of the row's currency (no decimals in yen).

`plan` reads the column names of one table once and says which columns are computed from
which; `table.py` computes them per batch as scaled integers (exact for decimals), so the
server's own arithmetic on the stored values gives the same result.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from fastseed.generate import concepts
from fastseed.generate import hashing as h
from fastseed.generate.classify import classify
from fastseed.generate.concepts.geo_data import COUNTRIES
from fastseed.generate.timeline import words
from fastseed.schema import Column, Kind, Table

NUMBER_KINDS = frozenset({Kind.INTEGER, Kind.NUMERIC, Kind.MONEY, Kind.FLOAT})

_QUANTITY = re.compile(r"(^|_)(quantity|qty|units|unit_count|item_count)$")
_UNIT_PRICE = re.compile(r"unit_?(price|cost|amount)|price_?(each|per_unit)|^(price|rate)$")
_LINE_TOTAL = re.compile(
    r"line_?(total|amount|price)|(^|_)(total|extended|net)_?(price|amount)$|^(total|amount)$"
)
_SUBTOTAL = re.compile(r"sub_?total")
_TAX = re.compile(r"(^|_)(tax|vat|gst|sales_tax)(_amount|_total)?$")
_SHIPPING = re.compile(r"(shipping|freight|postage|delivery)(_(cost|fee|amount|charge|price))?$")
_DISCOUNT = re.compile(r"discount(_amount|_total)?$")
_TOTAL = re.compile(r"(^|_)(grand_?)?total(_(amount|price|due))?$|^(amount|amount_total)$")


@dataclass(frozen=True)
class Product:
    """The column is `a` times `b` (a line total)."""

    a: str
    b: str


@dataclass(frozen=True)
class Sum:
    """The column is the sum of `plus` minus the sum of `minus` (a total)."""

    plus: tuple[str, ...]
    minus: tuple[str, ...] = ()


@dataclass(frozen=True)
class Share:
    """The column is `base` times a rate drawn in [low, high), zero in `zero` of the rows
    (tax, discount)."""

    base: str
    low: float
    high: float
    zero: float = 0.0


Formula = Product | Sum | Share


def describe(formula: Formula) -> str:
    """The formula for a label: 'quantity x unit_price', 'subtotal + tax - discount'."""
    if isinstance(formula, Product):
        return f"{formula.a} x {formula.b}"
    if isinstance(formula, Share):
        return f"{formula.low:.0%}-{formula.high:.0%} of {formula.base}"
    minus = "".join(f" - {m}" for m in formula.minus)
    return " + ".join(formula.plus) + minus


def plan(table: Table, skip: Collection[str] = ()) -> dict[str, Formula]:
    """The columns of `table` computed from others, and how. `skip` holds the columns that
    must keep their own values (keys, foreign keys, CHECK-bound or overridden columns)."""
    numeric = {
        words(c.name): c
        for c in table.columns
        if c.type.kind in NUMBER_KINDS and not c.generated and c.name not in skip
    }

    def find(rx: re.Pattern[str], kinds: frozenset[Kind] = NUMBER_KINDS) -> Column | None:
        found = [c for w, c in numeric.items() if rx.search(w) and c.type.kind in kinds]
        return found[0] if len(found) == 1 else None  # two candidates: which one is meant?

    money = frozenset({Kind.NUMERIC, Kind.MONEY})
    out: dict[str, Formula] = {}
    qty = find(_QUANTITY, frozenset({Kind.INTEGER, Kind.NUMERIC}))
    price = find(_UNIT_PRICE, money)
    subtotal = find(_SUBTOTAL, money)
    tax, shipping, discount = find(_TAX, money), find(_SHIPPING, money), find(_DISCOUNT, money)
    total = find(_TOTAL, money)
    if qty is not None and price is not None and qty.name != price.name:
        line = subtotal if subtotal is not None else None
        if line is None:
            lines = [
                c
                for w, c in numeric.items()
                if _LINE_TOTAL.search(w) and c.type.kind in money and c not in (qty, price)
            ]
            line = lines[0] if len(lines) == 1 else None
        if line is not None:
            out[line.name] = Product(qty.name, price.name)
            if line is total:
                total = None
    extras = [c for c in (tax, shipping, discount) if c is not None]
    if subtotal is not None and total is not None and extras and total is not subtotal:
        plus = (subtotal.name, *(c.name for c in (tax, shipping) if c is not None))
        minus = (discount.name,) if discount is not None else ()
        out[total.name] = Sum(plus, minus)
        if tax is not None:
            out[tax.name] = Share(subtotal.name, 0.05, 0.25)
        if discount is not None:
            out[discount.name] = Share(subtotal.name, 0.02, 0.3, zero=0.7)
    return out


_DIGITS = {c.currency: c.minor for c in COUNTRIES}


def currency_of(
    table: Table, skip: Collection[str] = (), computed: Collection[str] = ()
) -> dict[str, str]:
    """money column -> the row's currency column, when the table has one currency column:
    the amounts (and the `computed` ones: a discount) are written in that currency's minor
    units (JPY without decimals)."""
    found = [
        c.name
        for c in table.columns
        if c.type.kind == Kind.TEXT
        and (m := concepts.match(table, c)) is not None
        and m.concept.name == "currency"
    ]
    if len(found) != 1:
        return {}
    return {
        c.name: found[0]
        for c in table.columns
        if c.type.kind in {Kind.NUMERIC, Kind.MONEY}
        and (c.type.scale is None or c.type.scale > 0)
        and not c.generated
        and c.name not in skip
        and (classify(table, c) == "money" or c.name in computed)
    }


def in_minor_units(scaled: h.I64, scale: int, currencies: Sequence[object]) -> h.I64:
    """Amounts (integers scaled by 10**scale) rounded to each row's currency's minor unit;
    a positive amount stays positive (the currency's smallest coin)."""
    digits = np.array([_DIGITS.get(str(c).strip(), scale) for c in currencies], dtype=np.int64)
    step = 10 ** np.clip(scale - digits, 0, 18)
    rounded = (scaled + step // 2) // step * step
    out: h.I64 = np.where((rounded <= 0) & (scaled > 0), step, rounded)
    return out
