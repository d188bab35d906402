"""Guess what a column holds from its name, its type and its table's name.

The result is a semantic tag ('email', 'first_name', 'price', ...); None means "nothing
recognised: a plain value of the type". Text columns are told by the concept registry
(`fastseed.generate.concepts`), which also makes their values; time, number and flag columns
by the name patterns here.
"""

from __future__ import annotations

import re

from fastseed.generate.concepts import match
from fastseed.schema import Column, Kind, Table

# (pattern on the column name, tag); the first match wins, so specific names come first.
_NUMBER_NAMES: list[tuple[str, str]] = [
    (
        r"price|amount|cost|total|balance|salary|fee|freight|charge|revenue|budget|wage|"
        r"payment|subtotal|tax|income|value",
        "money",
    ),
    (r"quantity|^qty|_qty$|count$|stock|units|^num_|_num$|inventory", "quantity"),
    (r"percent|pct|rate$|ratio|discount", "percent"),
    (r"rating|score|stars|rank", "rating"),
    (r"^age$|_age$", "age"),
    (r"lat(itude)?$", "latitude"),
    (r"lon(gitude)?$|lng$", "longitude"),
    (r"year", "year"),
    (r"duration|length|minutes|seconds", "duration"),
    (r"weight|height|width|size", "measure"),
]
_NUMBER_RES = [(re.compile(p), tag) for p, tag in _NUMBER_NAMES]

_BOOL_RE = re.compile(
    r"^(is|has|can|should|was|allow|enable|use|show)_|active|enabled|"
    r"verified|deleted|visible|public|flag|confirmed|published|archived"
)

_TIME_NAMES: list[tuple[str, str]] = [
    (
        r"^created|_created$|create_?(date|time)|^inserted|registered|signup|sign_up|joined|"
        r"^added|date_?added",
        "created",
    ),
    (r"^updated|modified|changed|last_?update|last_?modified|^edited", "updated"),
    (r"deleted|removed|archived_?at", "deleted"),
    (r"birth|^dob$|born", "birth"),
    (r"ship", "shipped"),
    (r"deliver", "delivered"),
    (r"order(ed)?_?(date|at|time)", "ordered"),
    (r"^(end|ends|to|until|expires?|expiry|finish|close|due|return)", "end"),
    (r"^(start|starts|from|begin|open|hire|issue|valid_from|rental)", "start"),
]
_TIME_RES = [(re.compile(p), tag) for p, tag in _TIME_NAMES]


def _words(identifier: str) -> str:
    """'BillingCity', 'e-mail', 'First Name' -> 'billing_city', 'e_mail', 'first_name'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", identifier)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def classify(table: Table, column: Column) -> str | None:
    """A semantic tag for the column, or None."""
    # 'e-mail', 'First Name' and 'first_name' are the same column to a reader
    name = _words(column.name)
    kind = column.type.kind
    if kind == Kind.BOOLEAN:
        return "flag"
    if kind in {Kind.TIMESTAMP, Kind.DATE}:
        for rx, tag in _TIME_RES:
            if rx.search(name):
                return tag
        return None
    if kind in {Kind.INTEGER, Kind.NUMERIC, Kind.FLOAT, Kind.MONEY}:
        if kind == Kind.INTEGER and _BOOL_RE.search(name):
            return "flag"
        for rx, tag in _NUMBER_RES:
            if rx.search(name):
                return tag
        return "money" if kind == Kind.MONEY else None
    if kind != Kind.TEXT:
        return None
    found = match(table, column)
    return None if found is None else found.concept.tag
