"""When a load unit may start: once the units holding its parent tables have committed.

Tiers order the units by their FKs (every parent in an earlier tier); waiting for a whole tier
held a child back until the slowest unrelated table of the tier was done. Here each unit waits
only for the units of earlier tiers that hold a table one of its FKs references, all of their
row ranges (sessions) committed.
"""

from __future__ import annotations

from collections.abc import Sequence

import anyio

from fastseed.plan import Plan, Unit
from fastseed.schema import TableName


class LoadOrder:
    """Parents and completion of the units of `tiers`, numbered in tier order."""

    def __init__(self, plan: Plan, tiers: Sequence[Sequence[Unit]], parts: Sequence[int]):
        """`parts`: sessions (row ranges) per unit, in the same order; a unit with none has
        nothing to load and counts as committed."""
        units = [unit for tier in tiers for unit in tier]
        tier_of = [i for i, tier in enumerate(tiers) for _ in tier]
        holder: dict[TableName, int] = {t: u for u, unit in enumerate(units) for t in unit.tables}
        catalog = plan.catalog
        self.parents: list[set[int]] = []
        for u, unit in enumerate(units):
            parents = set()
            for name in unit.tables:
                for fk in catalog.foreign_keys_of(catalog.tables[name]):
                    ref = catalog.tables.get(fk.ref_table)
                    if ref is None:
                        continue
                    p = holder.get(ref.partition_of or ref.name)
                    if p is not None and tier_of[p] < tier_of[u]:
                        parents.add(p)
            self.parents.append(parents)
        self._left = list(parts)
        self._done = [anyio.Event() for _ in units]
        for u, left in enumerate(self._left):
            if not left:
                self._done[u].set()

    async def parents_committed(self, unit: int) -> None:
        for p in sorted(self.parents[unit]):
            await self._done[p].wait()

    def part_committed(self, unit: int) -> None:
        self._left[unit] -= 1
        if not self._left[unit]:
            self._done[unit].set()
