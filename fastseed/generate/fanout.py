"""Per-parent cardinality: 'each user has 3-5 orders'.

The number of children of parent p is a pure function of (seed, table, FK, p); their running
sum says which parent child row i belongs to, so children stay index-addressable and every
parent gets exactly its count.
"""

from __future__ import annotations

import numpy as np

from fastseed.generate import hashing as h
from fastseed.plan import FanoutPlan
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


def plan_fanout(
    seed: int, table: TableName, fk: ForeignKey, parents: int, spec: FanOut
) -> FanoutPlan:
    counts = fanout_counts(seed, table, fk, parents, spec)
    return FanoutPlan(fk, spec, np.cumsum(counts, dtype=np.int64))
