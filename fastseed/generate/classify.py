"""A column's semantic tag ('email', 'created', 'money', 'flag', ...): the short name of the
concept the registry (`fastseed.generate.concepts`) finds for it; None when it finds none
("a plain value of the type")."""

from __future__ import annotations

from fastseed.generate.concepts import match
from fastseed.schema import Column, Table


def classify(table: Table, column: Column) -> str | None:
    """A semantic tag for the column, or None."""
    found = match(table, column)
    return None if found is None else found.concept.tag
