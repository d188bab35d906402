"""Per-parent cardinality: 'each user has 3-5 orders'.

The number of children of parent p is a pure function of (seed, table, FK, p); their running
sum says which parent child row i belongs to, so children stay index-addressable and every
parent gets exactly its count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastseed.generate import hashing as h
from fastseed.scenario import FanOut
from fastseed.schema import ForeignKey, TableName


def fanout_counts(seed: int, table: TableName, fk: ForeignKey, parents: int, spec: FanOut) -> h.I64:
    """Children per parent, each in [spec.low, spec.high], shaped by the distribution."""
    idx = np.arange(parents, dtype=np.int64)
    key = h.stream_key(seed, table.name, fk.name, "fanout")
    span = spec.high - spec.low
    u = h.uniform(key, idx)
    if spec.distribution == "zipf":
        extra = np.floor(u**3 * (span + 1))
    elif spec.distribution == "normal":
        # sum of three uniforms: a bell shape that cannot leave the range
        u2, u3 = h.uniform(key + 1, idx), h.uniform(key + 2, idx)
        extra = np.round((u + u2 + u3) / 3 * span)
    else:
        extra = np.floor(u * (span + 1))
    return (np.minimum(extra, span) + spec.low).astype(np.int64)


@dataclass(frozen=True)
class FanoutPlan:
    """Children per parent on one FK, as running totals over the parents."""

    fk: ForeignKey
    spec: FanOut
    ends: h.I64
    """ends[p] = children of parents 0..p; the child rows of p are ends[p-1]..ends[p]-1."""

    @property
    def rows(self) -> int:
        return int(self.ends[-1]) if len(self.ends) else 0

    def parent_of(self, local: h.I64) -> tuple[h.I64, h.I64]:
        """For child rows `local`: the parent position and the row's rank among its siblings."""
        parent = np.searchsorted(self.ends, local, side="right").astype(np.int64)
        starts = np.where(parent > 0, self.ends[np.maximum(parent - 1, 0)], 0)
        return parent, local - starts


def plan_fanout(
    seed: int, table: TableName, fk: ForeignKey, parents: int, spec: FanOut
) -> FanoutPlan:
    counts = fanout_counts(seed, table, fk, parents, spec)
    return FanoutPlan(fk, spec, np.cumsum(counts, dtype=np.int64))
