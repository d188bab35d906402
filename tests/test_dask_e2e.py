"""The Dask runner on a LocalCluster of 2 worker processes: the same data and audit as a
single run, and a failed shard leaves nothing."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any

import pytest
import test_shards_e2e as shards
from conftest import IN_CI
from test_shards_e2e import BATCH, SCENARIO, Target

from fastseed import api
from fastseed.errors import LoadError
from fastseed.plan import Plan
from fastseed.scenario.file import load_scenario

if importlib.util.find_spec("distributed") is None and not IN_CI:
    pytest.skip(
        "the Dask extra is not installed: pip install 'fastseed[dask]'", allow_module_level=True
    )

from fastseed.dask_runner import DaskRunner

CLUSTER = "local:2"
target = shards.target  # the same databases, reset to the same schema


def _seed(target: Target, scenario_file: Path, **kwargs: Any) -> api.SeedResult:
    return asyncio.run(
        api.seed(target.url, scenario=load_scenario(scenario_file), batch_size=BATCH, **kwargs)
    )


def test_dask_runner_loads_the_single_runs_data(target: Target, tmp_path: Path) -> None:
    scenario_file = tmp_path / "fastseed.toml"
    scenario_file.write_text(SCENARIO)
    target.reset()
    single = _seed(target, scenario_file)
    expected = target.checksums()
    target.reset()
    seen: dict[str, int] = {}

    def progress(table: object, n: int) -> None:
        seen[str(table)] = seen.get(str(table), 0) + n

    for fast in (False, True):
        target.reset()
        seen.clear()
        result = _seed(
            target, scenario_file, fast=fast, progress=progress, loader=DaskRunner(CLUSTER, 3)
        )
        assert result.verify.ok, result.verify.failures()
        assert target.checksums() == expected, f"fast={fast}"
        assert result.load.total == single.load.total
        assert sum(seen.values()) == single.load.total  # progress came back from the tasks


def test_a_failed_shard_leaves_nothing(target: Target, tmp_path: Path) -> None:
    """Every tier but the last committed by every shard, then the last one's rows break a
    NOT NULL added after planning: the run removes what the finished shards committed."""
    scenario_file = tmp_path / "fastseed.toml"
    scenario_file.write_text(SCENARIO)
    target.reset()
    before = target.checksums()

    def break_after_plan(plan: Plan) -> None:
        assert [u.tables[0].name for u in plan.tiers[-1]] == ["items"]
        is_pg = target.url.startswith("postgresql")
        target.execute(
            "ALTER TABLE items ALTER COLUMN note SET NOT NULL"
            if is_pg
            else "ALTER TABLE items MODIFY note text NOT NULL"
        )

    with pytest.raises(LoadError):
        _seed(target, scenario_file, on_plan=break_after_plan, loader=DaskRunner(CLUSTER, 3))
    assert target.checksums() == before
