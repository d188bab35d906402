"""Unit tests for seeding a table that already holds rows: what the unique keys leave."""

from __future__ import annotations

import numpy as np
from helpers import catalog, col, table, text

from fastseed.generate.pools import Pools
from fastseed.generate.table import unique_capacity
from fastseed.generate.values import Builder


def test_short_unique_codes_do_not_depend_on_the_seed():
    """Row i's code is the same under every seed, so the indexes of a later run (past the
    rows already there) give codes no earlier run gave, whatever its seed."""
    t = table("currency", [col("code", text(3))], pk=("code",))
    codes = {
        seed: Builder(Pools(seed), seed, t, t.columns[0], None, unique=True).build()
        for seed in (1, 2)
    }
    first = codes[1].fn(np.arange(0, 300, dtype=np.int64))
    second = codes[2].fn(np.arange(300, 600, dtype=np.int64))
    assert len(set(first) | set(second)) == 600
    assert codes[1].fn(np.arange(5, dtype=np.int64)) == codes[2].fn(np.arange(5, dtype=np.int64))


def test_capacity_counts_the_values_existing_rows_took():
    t = table("flag", [col("code", text(1))], pk=("code",))
    whole = unique_capacity(catalog(t), t, (), lambda fk: 0).rows
    assert whole is not None
    left = unique_capacity(catalog(t), t, (), lambda fk: 0, base=whole - 5)
    assert left.rows == 5
    assert f"{whole - 5} taken" in left.why
    assert unique_capacity(catalog(t), t, (), lambda fk: 0, base=whole + 5).rows == 0
