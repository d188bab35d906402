"""Shards of a saved plan, on PostgreSQL and MariaDB: their union is the single run's data,
row for row (a hash of every table's sorted rows), whatever the number of shards."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import my_execute, my_fetch, pg_execute, pg_fetch

from fastseed import api
from fastseed.errors import LoadError
from fastseed.scenario.file import load_scenario
from fastseed.shard import Shard
from fastseed.sharded import save_plan, seed_shard
from fastseed.snapshot import Snapshot

# per-parent fan-out (orders), NULL shares (nickname, shipped_at, note), a cycle
# (departments <-> employees), a self-reference (users.referrer_id), a split child of a
# split table (items), and rows already there (users, products)
PG_SCHEMA = """
CREATE TABLE users (id serial PRIMARY KEY, email varchar(120) NOT NULL UNIQUE,
                    nickname varchar(40), referrer_id int REFERENCES users (id));
CREATE TABLE products (id serial PRIMARY KEY, name varchar(60) NOT NULL,
                       price numeric(10,2) NOT NULL);
CREATE TABLE orders (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users (id),
                     status varchar(12) NOT NULL, shipped_at timestamp);
CREATE TABLE items (id serial PRIMARY KEY, order_id int NOT NULL REFERENCES orders (id),
                    product_id int NOT NULL REFERENCES products (id), quantity int NOT NULL,
                    note text);
CREATE TABLE departments (id serial PRIMARY KEY, name varchar(60) NOT NULL, manager_id int);
CREATE TABLE employees (id serial PRIMARY KEY, name varchar(60) NOT NULL,
                        department_id int NOT NULL REFERENCES departments (id));
ALTER TABLE departments ADD FOREIGN KEY (manager_id) REFERENCES employees (id);
INSERT INTO users (email, nickname) VALUES ('a@example.com', 'a'), ('b@example.com', NULL);
INSERT INTO products (name, price) VALUES ('tea', 3.50), ('cup', 7.00), ('pot', 21.00);
"""
MY_SCHEMA = [
    "CREATE TABLE users (id int AUTO_INCREMENT PRIMARY KEY, email varchar(120) NOT NULL UNIQUE,"
    " nickname varchar(40), referrer_id int, FOREIGN KEY (referrer_id) REFERENCES users (id))",
    "CREATE TABLE products (id int AUTO_INCREMENT PRIMARY KEY, name varchar(60) NOT NULL,"
    " price decimal(10,2) NOT NULL)",
    "CREATE TABLE orders (id int AUTO_INCREMENT PRIMARY KEY, user_id int NOT NULL,"
    " status varchar(12) NOT NULL, shipped_at datetime NULL,"
    " FOREIGN KEY (user_id) REFERENCES users (id))",
    "CREATE TABLE items (id int AUTO_INCREMENT PRIMARY KEY, order_id int NOT NULL,"
    " product_id int NOT NULL, quantity int NOT NULL, note text,"
    " FOREIGN KEY (order_id) REFERENCES orders (id),"
    " FOREIGN KEY (product_id) REFERENCES products (id))",
    "CREATE TABLE departments (id int AUTO_INCREMENT PRIMARY KEY, name varchar(60) NOT NULL,"
    " manager_id int)",
    "CREATE TABLE employees (id int AUTO_INCREMENT PRIMARY KEY, name varchar(60) NOT NULL,"
    " department_id int NOT NULL, FOREIGN KEY (department_id) REFERENCES departments (id))",
    "ALTER TABLE departments ADD FOREIGN KEY (manager_id) REFERENCES employees (id)",
    "INSERT INTO users (email, nickname) VALUES ('a@example.com', 'a'), ('b@example.com', NULL)",
    "INSERT INTO products (name, price) VALUES ('tea', 3.50), ('cup', 7.00), ('pot', 21.00)",
]
TABLES = ("users", "products", "orders", "items", "departments", "employees")
SCENARIO = """
seed = 11
rows = 0
[tables.users]
rows = 60
[tables.users.columns.nickname]
null = "30%"
[tables.orders]
per_parent = { user_id = "0-7" }
[tables.orders.columns.shipped_at]
null = "25%"
[tables.items]
rows = 700
use_existing_parents = ["product_id"]
[tables.items.columns.note]
null = "60%"
[tables.departments]
rows = 9
[tables.employees]
rows = 50
"""
BATCH = 64  # several batches per table, so shard bounds fall inside and between them


class Target:
    """One dialect's database: reset to the schema and its rows, and hashed per table."""

    def __init__(
        self,
        url: str,
        reset: Callable[[], None],
        fetch: Callable[[str], list[tuple[Any, ...]]],
        execute: Callable[[str], None],
    ):
        self.url, self.reset, self.fetch, self.execute = url, reset, fetch, execute

    def checksums(self) -> dict[str, str]:
        out = {}
        for name in TABLES:
            rows = sorted(repr(r) for r in self.fetch(f"SELECT * FROM {name}"))
            out[name] = f"{len(rows)}:{hashlib.md5('|'.join(rows).encode()).hexdigest()}"
        return out


@pytest.fixture(params=["postgres", "mariadb"])
def target(request: pytest.FixtureRequest) -> Target:
    if request.param == "postgres":
        db = request.getfixturevalue("pg_db")

        def pg_reset() -> None:
            pg_execute(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" + PG_SCHEMA)

        return Target(
            f"postgresql://root@127.0.0.1:5432/{db}",
            pg_reset,
            lambda sql: pg_fetch(db, sql),
            lambda sql: pg_execute(db, sql),
        )
    db = request.getfixturevalue("my_db")

    def my_reset() -> None:
        drops = [f"DROP TABLE IF EXISTS {', '.join(TABLES)}"]
        my_execute(db, ["SET FOREIGN_KEY_CHECKS = 0", *drops, *MY_SCHEMA])

    return Target(
        f"mysql://root@127.0.0.1:3306/{db}",
        my_reset,
        lambda sql: my_fetch(db, sql),
        lambda sql: my_execute(db, [sql]),
    )


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "fastseed.toml"
    path.write_text(SCENARIO)
    return path


def _options(scenario_file: Path) -> api.RunOptions:
    return api.RunOptions(scenario=load_scenario(scenario_file))


def _single(target: Target, scenario_file: Path) -> dict[str, str]:
    target.reset()
    result = asyncio.run(
        api.seed(target.url, scenario=load_scenario(scenario_file), batch_size=BATCH)
    )
    assert result.verify.ok, result.verify.failures()
    return target.checksums()


def _snapshot(target: Target, scenario_file: Path, path: Path) -> Snapshot:
    target.reset()
    return asyncio.run(save_plan(target.url, _options(scenario_file), path))


def test_union_of_shards_tier_by_tier_is_the_single_run(
    target: Target, scenario_file: Path, tmp_path: Path
) -> None:
    single = _single(target, scenario_file)
    assert all(not v.startswith("0:") for v in single.values()), single
    for n in (1, 2, 3, 7):
        snapshot = _snapshot(target, scenario_file, tmp_path / f"plan{n}")
        written = 0
        # FKs checked: every shard of a tier is committed before the next tier starts
        for tier in range(len(snapshot.plan.tiers)):
            for k in range(n):
                shard = Shard(k, n)
                result = asyncio.run(
                    seed_shard(target.url, snapshot, shard, tiers=[tier], batch_size=BATCH)
                )
                written += result.total
        assert written == snapshot.plan.total_rows
        assert target.checksums() == single, f"{n} shards"
        assert asyncio.run(api.verify_url(target.url)).ok


def test_fast_shards_in_any_order_are_the_single_run(
    target: Target, scenario_file: Path, tmp_path: Path
) -> None:
    """FK checks skipped per session: each shard loads every tier, the last one first, and
    `verify` proves the FKs once all are in."""
    single = _single(target, scenario_file)
    snapshot = _snapshot(target, scenario_file, tmp_path / "plan")
    for k in reversed(range(3)):
        asyncio.run(seed_shard(target.url, snapshot, Shard(k, 3), fast=True, batch_size=BATCH))
    assert target.checksums() == single
    assert asyncio.run(api.verify_url(target.url)).ok


def test_a_failed_shard_removes_its_own_rows(
    target: Target, scenario_file: Path, tmp_path: Path
) -> None:
    snapshot = _snapshot(target, scenario_file, tmp_path / "plan")
    before = target.checksums()
    # a child tier before its parents, FKs checked: this shard's rows match no parent
    last = len(snapshot.plan.tiers) - 1
    with pytest.raises(LoadError):
        asyncio.run(seed_shard(target.url, snapshot, Shard(0, 2), tiers=[last]))
    assert target.checksums() == before


def test_cli_saves_a_plan_and_loads_it_as_an_indexed_job(pg_db: str, tmp_path: Path) -> None:
    """`plan --save`, then one `seed --plan --shards 2` per JOB_COMPLETION_INDEX and tier."""
    url = f"postgresql://root@127.0.0.1:5432/{pg_db}"
    pg_execute(pg_db, PG_SCHEMA)
    (tmp_path / "fastseed.toml").write_text(SCENARIO)
    plan = tmp_path / "plan.bin"
    env = {**os.environ, "FASTSEED_CONFIG": str(tmp_path / "fastseed.toml")}

    def fastseed(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "fastseed", *args],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=300,
        )

    saved = fastseed("plan", url, "--save", str(plan), "-o", "json")
    assert saved.returncode == 0, saved.stderr
    tiers = len(Snapshot.load(plan).plan.tiers)
    for tier in range(tiers):
        for index in ("0", "1"):
            done = fastseed(
                "seed", url, "--plan", str(plan), "--shards", "2", "--tier", str(tier),
                "-o", "json", JOB_COMPLETION_INDEX=index,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            assert json.loads(done.stdout)["shard"] == f"{index}/2"
    verified = fastseed("verify", url, "-o", "json")
    assert verified.returncode == 0, verified.stdout
    rows = {t["table"]: t["rows"] for t in json.loads(verified.stdout)["tables"]}
    assert rows["public.users"] == 62 and rows["public.items"] == 700
    refused = fastseed("seed", url, "--shard", "0/2")
    assert refused.returncode == 2 and "--plan" in refused.stderr
