"""The Dask runner on a LocalCluster of 2 worker processes: the same data and audit as a
single run, and a failed shard leaves nothing."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import test_shards_e2e as shards
from audit import audit_my, audit_pg
from conftest import IN_CI
from schema_matrix import Expected, first_error, load_ddl, run_seed, url
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


class _BrokenItems(DaskRunner):
    """Hands out a plan whose items point at orders that will never exist: every tier but
    the last is committed by every shard, then each shard of the last one fails its FK."""

    async def __call__(self, adapter: Any, plan: Plan, **kwargs: Any) -> Any:
        items = next(n for n in plan.tables if n.name == "items")
        fk = next(f for f in plan.catalog.tables[items].foreign_keys if f.columns == ("order_id",))
        keys = {**plan.existing_keys, (items, fk.name): [(10**9,)]}
        return await super().__call__(adapter, replace(plan, existing_keys=keys), **kwargs)


def test_a_failed_shard_leaves_nothing(target: Target, tmp_path: Path) -> None:
    scenario_file = tmp_path / "fastseed.toml"
    scenario_file.write_text(SCENARIO)
    target.reset()
    before = target.checksums()
    with pytest.raises(LoadError):
        _seed(target, scenario_file, loader=_BrokenItems(CLUSTER, 3))
    assert target.checksums() == before


@pytest.mark.parametrize(
    "schema, dialect",
    [
        pytest.param("pagila", "postgres", marks=pytest.mark.postgres, id="pagila-postgres"),
        pytest.param("sakila", "mysql", marks=pytest.mark.mysql, id="sakila-mysql"),
    ],
)
def test_dask_runner_seeds_a_fixture_schema_with_the_single_runs_audit(
    schema: str, dialect: str, request: pytest.FixtureRequest
) -> None:
    """The schema matrix's check (tests/schema_matrix.py) with the run spread over 3 shards on
    the cluster: every table at its stated count, no orphan, no duplicate."""
    database = request.getfixturevalue("pg_db" if dialect == "postgres" else "my_db")
    load_ddl(schema, dialect, database)
    extra = ("--dask", CLUSTER, "--shards", "3")
    code, summary, stderr = run_seed(url(dialect, database), 200, 42, *extra)
    assert code == 0, first_error(stderr, summary)
    expected = Expected(200, [list((summary or {}).get("warnings", []))])
    audit = audit_pg if dialect == "postgres" else audit_my
    assert audit(database).problems(expected) == []


def test_a_killed_coordinator_leaves_running_tasks_rows_in_the_journal(
    target: Target, tmp_path: Path, journal_dir: Path
) -> None:
    """The coordinator (and its LocalCluster) is killed with SIGKILL once three sessions'
    tokens are journaled (so one task has committed a session and begun another), while the
    tasks are still loading: `fastseed undo` then finds every row that was committed, those
    of tasks that never finished included."""
    bigger = SCENARIO.replace("rows = 700", "rows = 30000").replace("rows = 60", "rows = 3000")
    (tmp_path / "fastseed.toml").write_text(bigger)
    target.reset()
    before = target.checksums()
    env = {**os.environ, "FASTSEED_CONFIG": str(tmp_path / "fastseed.toml")}
    run = [sys.executable, "-m", "fastseed", "seed", target.url, "--dask", CLUSTER]
    run += ["--shards", "2", "--workers", "1", "--batch-size", str(BATCH)]
    child = subprocess.Popen(
        run, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 240
        while sum("token" in line for p in journal_dir.glob("*.jsonl") for line in _lines(p)) < 3:
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "no session was journaled"
            time.sleep(0.02)
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the coordinator and its worker processes
        child.wait()
    assert target.checksums() != before  # some sessions had committed
    undo = [sys.executable, "-m", "fastseed", "undo", target.url, "--yes"]
    done = subprocess.run(undo, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert target.checksums() == before
    assert not list(journal_dir.glob("*.jsonl"))


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines()
    except FileNotFoundError:
        return []
