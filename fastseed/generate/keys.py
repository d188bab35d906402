"""How a table's primary and unique keys are made unique by construction.

For every unique key one of two things holds after `key_strategy`:
- one of its free (non-FK) columns is generated injectively from the row index, or
- all its columns come from FKs, and those FKs pick their parent rows jointly through a
  permutation of the product of the parents' row spaces (a junction table's pairs, a
  one-to-one FK).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastseed.schema import ForeignKey, Kind, Table

# Which free column of a key to make unique: the one whose values stay most natural.
_PREFERENCE = {
    Kind.INTEGER: 0,
    Kind.UUID: 1,
    Kind.TEXT: 2,
    Kind.NUMERIC: 3,
    Kind.TIMESTAMP: 4,
    Kind.BINARY: 5,
    Kind.INET: 6,
    Kind.MACADDR: 6,
    Kind.FLOAT: 7,
    Kind.DATE: 8,
    Kind.TIME: 9,
    Kind.INTERVAL: 9,
    Kind.JSON: 9,
    Kind.ENUM: 20,
    Kind.BOOLEAN: 30,
}


@dataclass(frozen=True)
class KeyStrategy:
    unique_columns: frozenset[str]
    """Free columns generated injectively from the row index."""
    fk_groups: tuple[tuple[ForeignKey, ...], ...]
    """FK sets whose parent rows are chosen jointly by a permutation (no pair repeats)."""

    def group_of(self, fk: ForeignKey) -> tuple[ForeignKey, ...] | None:
        for group in self.fk_groups:
            if fk in group:
                return group
        return None


def key_strategy(table: Table, fks: tuple[ForeignKey, ...]) -> KeyStrategy:
    fk_of: dict[str, ForeignKey] = {}
    for fk in fks:
        for col in fk.columns:
            fk_of.setdefault(col, fk)
    unique: set[str] = set()
    groups: list[tuple[ForeignKey, ...]] = []
    for key in sorted(table.all_uniques, key=lambda k: (len(k.columns), not k.primary)):
        cols = set(key.columns)
        if cols & unique:
            continue
        if any({c for fk in g for c in fk.columns} <= cols for g in groups):
            continue
        free = [c for c in key.columns if c not in fk_of and _writable(table, c)]
        if free:
            best = min(free, key=lambda c: _PREFERENCE.get(table.column(c).type.kind, 10))
            unique.add(best)
            continue
        group = tuple(dict.fromkeys(fk_of[c] for c in key.columns if c in fk_of))
        if group and not any(set(g) & set(group) for g in groups):
            groups.append(group)
    return KeyStrategy(frozenset(unique), tuple(groups))


def _writable(table: Table, name: str) -> bool:
    col = table.column(name)
    return not col.generated
