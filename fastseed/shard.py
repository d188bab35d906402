"""Deterministic shards: which rows of a plan shard K of N writes.

Rows are pure functions of (seed, table, index), so shards need no coordination of values:
shard K writes rows [K*R/N, (K+1)*R/N) of each table whose rows need no order among
themselves, and every unit whose rows do (a self-reference, a deferred FK fix-up) whole,
when its ordinal in the plan is K modulo N. The union of the N shards is the single run's
data, row for row. What shards must share is the plan (made once, before any of them writes:
see `snapshot.py`) and the order of tiers when FKs are checked.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fastseed.errors import UsageError
from fastseed.plan import Plan, Unit

Job = tuple[Unit, tuple[int, int] | None]
"""One session's work: a unit, and a row range of its one table (None: all of it)."""


@dataclass(frozen=True)
class Shard:
    index: int
    """K, from 0."""
    count: int
    """N."""

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise UsageError(f"shard {self.index}/{self.count}: need 0 <= K < N")

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @classmethod
    def parse(cls, text: str) -> Shard:
        """'K/N', K from 0 (as Kubernetes' JOB_COMPLETION_INDEX)."""
        k, sep, n = text.partition("/")
        try:
            if not sep:
                raise ValueError
            return cls(int(k), int(n))
        except ValueError:
            raise UsageError(f"--shard {text!r}: expected K/N, e.g. 0/4") from None

    @classmethod
    def from_options(
        cls, shard: str | None, shards: int | None, env: Mapping[str, str] = os.environ
    ) -> Shard | None:
        """`--shard K/N`, else FASTSEED_SHARD, else `--shards N` with the pod's
        JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); None when none is given."""
        text = shard or env.get("FASTSEED_SHARD")
        if text:
            return cls.parse(text)
        if shards is None:
            return None
        index = env.get("JOB_COMPLETION_INDEX")
        if index is None:
            raise UsageError("--shards N needs --shard K/N or JOB_COMPLETION_INDEX (Indexed Job)")
        return cls(int(index), shards)

    def rows(self, total: int) -> tuple[int, int]:
        """This shard's rows of a split table of `total` rows."""
        return total * self.index // self.count, total * (self.index + 1) // self.count

    def jobs(self, plan: Plan, tier_jobs: Sequence[Job]) -> list[Job]:
        """This shard's part of one tier's sessions: each split table's ranges cut to this
        shard's rows, and whole the units this shard owns."""
        ordinal = {unit: i for i, unit in enumerate(u for tier in plan.tiers for u in tier)}
        out: list[Job] = []
        for unit, part in tier_jobs:
            if not splittable(plan, unit):
                if ordinal[unit] % self.count == self.index:
                    out.append((unit, part))
                continue
            total = plan.tables[unit.tables[0]].rows
            first, last = part or (0, total)
            mine = self.rows(total)
            lo, hi = max(first, mine[0]), min(last, mine[1])
            if lo < hi:
                out.append((unit, (lo, hi)))
        return out


def splittable(plan: Plan, unit: Unit) -> bool:
    """True when a unit's rows may go in by several sessions, in any order: one table, no
    deferred FK fix-up (those need all rows in one transaction) and no self-reference (a row
    points at an earlier one, which another session would not see yet)."""
    if len(unit.tables) != 1 or unit.deferred:
        return False
    name = unit.tables[0]
    for fk in plan.catalog.foreign_keys_of(plan.catalog.tables[name]):
        parent = plan.catalog.tables.get(fk.ref_table)
        if parent is not None and (parent.partition_of or parent.name) == name:
            return False
    return True
