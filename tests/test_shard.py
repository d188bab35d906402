"""Which rows a shard writes, and how a shard is named (flags, environment)."""

from __future__ import annotations

import itertools

import pytest

from fastseed.errors import UsageError
from fastseed.shard import Shard


def test_shards_cover_every_row_once() -> None:
    for total in (0, 1, 6, 7, 1000):
        for n in (1, 2, 3, 7):
            ranges = [Shard(k, n).rows(total) for k in range(n)]
            assert ranges[0][0] == 0 and ranges[-1][1] == total
            assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))


def test_shard_from_flag_environment_and_indexed_job() -> None:
    assert Shard.from_options("2/5", None, {}) == Shard(2, 5)
    assert Shard.from_options(None, None, {"FASTSEED_SHARD": "1/3"}) == Shard(1, 3)
    assert Shard.from_options(None, 4, {"JOB_COMPLETION_INDEX": "3"}) == Shard(3, 4)
    assert Shard.from_options(None, None, {"JOB_COMPLETION_INDEX": "3"}) is None
    for bad in ("3/3", "x/2", "2", "-1/2"):
        with pytest.raises(UsageError):
            Shard.parse(bad)
    with pytest.raises(UsageError, match="JOB_COMPLETION_INDEX"):
        Shard.from_options(None, 4, {})
