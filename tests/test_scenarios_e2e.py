"""Scenarios end to end on PostgreSQL and MariaDB, checked with SQL."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

PG_SHOP = """
CREATE TABLE users (id serial PRIMARY KEY, email varchar(120) NOT NULL UNIQUE,
                    first_name varchar(40) NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE orders (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users (id),
                     status varchar(12) NOT NULL, total numeric(10,2) NOT NULL,
                     note text, ordered_at timestamptz NOT NULL, shipped_at timestamptz);
CREATE TABLE profiles (user_id int PRIMARY KEY REFERENCES users (id), bio text NOT NULL);
"""
MY_SHOP = """
CREATE TABLE users (id int AUTO_INCREMENT PRIMARY KEY, email varchar(120) NOT NULL UNIQUE,
                    first_name varchar(40) NOT NULL, created_at datetime(6) NOT NULL);
CREATE TABLE orders (id int AUTO_INCREMENT PRIMARY KEY, user_id int NOT NULL,
                     status varchar(12) NOT NULL, total decimal(10,2) NOT NULL,
                     note text, ordered_at datetime(6) NOT NULL, shipped_at datetime(6) NULL,
                     FOREIGN KEY (user_id) REFERENCES users (id));
CREATE TABLE profiles (user_id int PRIMARY KEY, bio text NOT NULL,
                       FOREIGN KEY (user_id) REFERENCES users (id));
"""

SCENARIO = """
seed = 7
rows = 0
[tables.users]
rows = 100
[tables.orders]
per_parent = { user_id = "3-5" }
[tables.orders.columns.shipped_at]
null = "10%"
"""


def run_sql(dialect: str, db: str, sql: str) -> list[tuple]:
    if dialect == "postgres":
        import asyncpg

        async def go() -> list[tuple]:
            conn = await asyncpg.connect(host="127.0.0.1", user="root", database=db)
            try:
                if ";" in sql.strip().rstrip(";"):
                    await conn.execute(sql)
                    return []
                return [tuple(r) for r in await conn.fetch(sql)]
            finally:
                await conn.close()

        return asyncio.run(go())
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", user="root", password="", database=db, autocommit=True)
    try:
        out: list[tuple] = []
        with conn.cursor() as cur:
            for stmt in [s for s in sql.split(";") if s.strip()]:
                cur.execute(stmt)
                out = list(cur.fetchall())
        return out
    finally:
        conn.close()


@pytest.fixture(params=["postgres", "mysql"])
def shop(request):
    """(dialect, database, url) with the shop schema loaded."""
    if request.param == "postgres":
        db = request.getfixturevalue("pg_db")
        url = request.getfixturevalue("pg_url")
        run_sql("postgres", db, PG_SHOP)
    else:
        db = request.getfixturevalue("my_db")
        url = request.getfixturevalue("my_url")
        run_sql("mysql", db, MY_SHOP)
    return request.param, db, url


def fastseed(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastseed", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "fastseed.toml"
    path.write_text(text)
    return str(path)


def test_each_user_has_three_to_five_orders_and_ten_percent_unshipped(shop, tmp_path):
    dialect, db, url = shop
    done = fastseed("seed", url, "--config", write(tmp_path, SCENARIO), "--output", "json")
    assert done.returncode == 0, done.stderr
    per_user = run_sql(
        dialect,
        db,
        "SELECT u.id, COUNT(o.id) FROM users u LEFT JOIN orders o "
        "ON o.user_id = u.id GROUP BY u.id",
    )
    assert len(per_user) == 100
    assert all(3 <= n <= 5 for _, n in per_user)
    ((total, unshipped),) = run_sql(
        dialect,
        db,
        "SELECT COUNT(*), SUM(CASE WHEN shipped_at IS NULL THEN 1 ELSE 0 END) FROM orders",
    )
    assert abs(int(unshipped) - total * 0.10) <= 1
    assert run_sql(dialect, db, "SELECT COUNT(*) FROM profiles") == [(0,)]


def test_status_is_sampled_from_existing_rows(shop, tmp_path):
    dialect, db, url = shop
    run_sql(
        dialect,
        db,
        "INSERT INTO users (id, email, first_name, created_at) VALUES "
        "(1, 'a@example.com', 'Ann', '2024-01-01 00:00:00');"
        "INSERT INTO orders (user_id, status, total, ordered_at) VALUES "
        "(1, 'ON HOLD', 1, '2024-01-02'), (1, 'ON HOLD', 2, '2024-01-03'), "
        "(1, 'RETURNED', 3, '2024-01-04');",
    )
    done = fastseed("seed", url, "--rows", "200", "--rows", "profiles=0", "--seed", "3")
    assert done.returncode == 0, done.stderr
    statuses = {r[0] for r in run_sql(dialect, db, "SELECT DISTINCT status FROM orders")}
    assert statuses == {"ON HOLD", "RETURNED"}
    # the three existing orders are untouched and new keys start after them
    assert run_sql(dialect, db, "SELECT COUNT(*) FROM orders WHERE id <= 3") == [(3,)]


def test_orders_added_to_existing_users(shop, tmp_path):
    dialect, db, url = shop
    run_sql(
        dialect,
        db,
        "INSERT INTO users (id, email, first_name, created_at) VALUES "
        "(10, 'a@example.com', 'Ann', '2024-01-01 00:00:00'), "
        "(20, 'b@example.com', 'Bob', '2024-01-01 00:00:00');",
    )
    scenario = """
[tables.users]
rows = 0
[tables.profiles]
rows = 0
[tables.orders]
per_parent = { user_id = "2-4" }
use_existing_parents = ["user_id"]
"""
    done = fastseed("seed", url, "--config", write(tmp_path, scenario))
    assert done.returncode == 0, done.stderr
    per_user = dict(run_sql(dialect, db, "SELECT user_id, COUNT(*) FROM orders GROUP BY user_id"))
    assert set(per_user) == {10, 20} and all(2 <= n <= 4 for n in per_user.values())


def test_anomaly_run_loads_verifies_and_reports(shop, tmp_path):
    _, _, url = shop
    scenario = """
seed = 11
rows = 300
[anomalies]
enabled = true
share = "20%"
"""
    done = fastseed("seed", url, "--config", write(tmp_path, scenario), "--output", "json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["ok"]
    anomalies = summary["anomalies"]
    assert sum(anomalies.values()) > 50
    kinds = {key.rsplit(": ", 1)[1] for key in anomalies}
    assert {"duplicates", "boundaries"} <= kinds
    assert not any(key.split(": ")[0].endswith((".id", ".email", ".user_id")) for key in anomalies)


@pytest.mark.parametrize(
    ("scenario", "needle"),
    [
        ('[tables.profiles]\nper_parent = { user_id = "5" }\n', "at most 1 child per parent"),
        ('[tables.orders.columns.status]\nnull = "50%"\n', "NOT NULL"),
    ],
)
def test_impossible_scenarios_are_refused_before_writing(shop, tmp_path, scenario, needle):
    dialect, db, url = shop
    path = write(tmp_path, scenario)
    planned = fastseed("plan", url, "--config", path)
    assert planned.returncode == 3 and needle in planned.stdout + planned.stderr
    seeded = fastseed("seed", url, "--config", path)
    assert seeded.returncode == 3 and needle in seeded.stderr
    assert run_sql(dialect, db, "SELECT COUNT(*) FROM users") == [(0,)]
