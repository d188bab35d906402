"""Cheap structural checks of one value, one per concept (`Concept.valid`): a regular
expression, a check digit (GS1, Luhn, ISBN-10, IBAN mod 97), a range or a parse. They say a
value has the concept's form, not that it exists (a real validator judges that: tests/realism.py).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

Valid = Callable[[Any], bool]


def matches(pattern: str, flags: int = 0) -> Valid:
    """Text the whole of which matches `pattern`."""
    rx = re.compile(pattern, flags)
    return lambda v: isinstance(v, str) and rx.fullmatch(v) is not None


TEXT = matches(r"\S(.*\S)?", re.S)
"""Free text: not empty, no blank at either end."""
WORD = matches(r"[a-z][a-z0-9_.-]*")
"""A lowercase identifier-like word (a status, a mode, a role)."""
NAME = matches(r"[^\W\d_][^\n\t]*", re.U)
"""A proper name or title: starts with a letter, one line."""


def hex_text(low: int, high: int | None = None) -> Valid:
    """Lowercase hex digits, `low` to `high` of them."""
    return matches(rf"[0-9a-f]{{{low},{'' if high is None else high}}}")


def _digits(v: Any, *widths: int) -> list[int] | None:
    if not isinstance(v, str) or not v.isascii() or not v.isdigit() or len(v) not in widths:
        return None
    return [int(c) for c in v]


def gs1(*widths: int) -> Valid:
    """EAN-8/13, UPC-A, ISBN-13: the GS1 mod 10 check digit (weights 3, 1 from the right)."""

    def ok(v: Any) -> bool:
        d = _digits(v, *widths)
        return (
            d is not None and sum(x * (3 if i % 2 else 1) for i, x in enumerate(d[::-1])) % 10 == 0
        )

    return ok


def luhn(v: Any) -> bool:
    """A card number: 12-19 digits with a Luhn check digit."""
    d = _digits(v, *range(12, 20))
    if d is None:
        return False
    total = 0
    for i, x in enumerate(d[::-1]):
        total += (x * 2 - 9 if x > 4 else x * 2) if i % 2 else x
    return total % 10 == 0


def isbn10(v: Any) -> bool:
    """Nine digits and a mod 11 check character (X for 10)."""
    if not isinstance(v, str) or not re.fullmatch(r"\d{9}[\dX]", v):
        return False
    values = [10 if c == "X" else int(c) for c in v]
    return sum((10 - i) * x for i, x in enumerate(values)) % 11 == 0


def iban(v: Any) -> bool:
    """ISO 13616: country, two check digits, the BBAN; ISO 7064 mod 97 of the rearranged
    text is 1."""
    if not isinstance(v, str) or not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", v):
        return False
    moved = v[4:] + v[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def ip(version: int | None = None) -> Valid:
    """An IP address as text (of one version, or either)."""

    def ok(v: Any) -> bool:
        try:
            address = ipaddress.ip_address(v)
        except ValueError:
            return False
        return version is None or address.version == version

    return ok


def json_text(v: Any) -> bool:
    try:
        json.loads(v)
    except (TypeError, ValueError):
        return False
    return True


def xml_text(v: Any) -> bool:
    try:
        ElementTree.fromstring(v)
    except (TypeError, ElementTree.ParseError):
        return False
    return True


def regex_text(v: Any) -> bool:
    try:
        re.compile(v)
    except (TypeError, re.error):
        return False
    return True


def within(low: float, high: float) -> Valid:
    """A number (not a flag) in [low, high]."""
    return lambda v: (
        isinstance(v, int | float | Decimal) and not isinstance(v, bool) and low <= v <= high
    )


def moment(first_year: int, last_year: int) -> Valid:
    """A date or timestamp in the years [first_year, last_year]."""
    return lambda v: isinstance(v, dt.date) and first_year <= v.year <= last_year


def flag(v: Any) -> bool:
    """True/False, or 0/1 in an integer column."""
    return v in (True, False)
