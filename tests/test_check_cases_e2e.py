"""CHECKs of cases over several columns, seeded on the real servers: an OR of ANDs such as a
polymorphic reference (`kind = 'user' AND user_id IS NOT NULL AND team_id IS NULL OR ...`)
or a request's state machine (trafficcontrol's deliveryservice_request). Each must become a
per-row choice of case that every column of the check follows (none left to the per-batch
pre-test), every case a row can take must be taken, and the load must pass verification.
"""

from __future__ import annotations

import asyncio

import pytest
from conftest import pg_execute
from test_check_forms_e2e import my_execute

import fastseed
from fastseed.plan import RowRequest

ROWS = 2000

PG_SCHEMA = r"""
CREATE TYPE change_t AS ENUM ('create', 'update', 'delete');
CREATE TYPE state_t AS ENUM ('draft', 'submitted', 'pending', 'complete');
CREATE TABLE users (id serial PRIMARY KEY);
CREATE TABLE teams (id serial PRIMARY KEY);
CREATE TABLE grants (
    id serial PRIMARY KEY,
    kind text NOT NULL,
    user_id int REFERENCES users (id),
    team_id int REFERENCES teams (id),
    CONSTRAINT one_owner CHECK (
        (kind = 'user' AND user_id IS NOT NULL AND team_id IS NULL)
        OR (kind = 'team' AND team_id IS NOT NULL AND user_id IS NULL))
);
CREATE TABLE requests (
    id serial PRIMARY KEY,
    change change_t NOT NULL,
    state state_t NOT NULL,
    original jsonb,
    proposed jsonb,
    CONSTRAINT fits_change CHECK (
        (change = 'delete' AND original IS NOT NULL AND proposed IS NULL)
        OR (change = 'create' AND original IS NULL AND proposed IS NOT NULL)
        OR (change = 'update' AND proposed IS NOT NULL AND (
            (state IN ('pending', 'complete') AND original IS NOT NULL)
            OR (state IN ('draft', 'submitted') AND original IS NULL))))
);
CREATE TABLE prices (
    id serial PRIMARY KEY,
    tier varchar(10) NOT NULL,
    amount numeric(8, 2) NOT NULL,
    note text NOT NULL,
    CONSTRAINT tier_amount CHECK ((tier = 'free' AND amount = 0)
        OR (tier = 'paid' AND amount > 0 AND amount <= 100)),
    CONSTRAINT noted CHECK ((tier = 'free' AND note IS NULL) OR tier = 'paid')
);
"""

MY_SCHEMA = r"""
CREATE TABLE users (id int AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE teams (id int AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE grants (
    id int AUTO_INCREMENT PRIMARY KEY,
    kind varchar(10) NOT NULL,
    user_id int,
    team_id int,
    FOREIGN KEY (user_id) REFERENCES users (id),
    FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT one_owner CHECK (
        (kind = 'user' AND user_id IS NOT NULL AND team_id IS NULL)
        OR (kind = 'team' AND team_id IS NOT NULL AND user_id IS NULL))
);
CREATE TABLE requests (
    id int AUTO_INCREMENT PRIMARY KEY,
    `change` enum('create', 'update', 'delete') NOT NULL,
    state enum('draft', 'submitted', 'pending', 'complete') NOT NULL,
    original json,
    proposed json,
    CONSTRAINT fits_change CHECK (
        (`change` = 'delete' AND original IS NOT NULL AND proposed IS NULL)
        OR (`change` = 'create' AND original IS NULL AND proposed IS NOT NULL)
        OR (`change` = 'update' AND proposed IS NOT NULL AND (
            (state IN ('pending', 'complete') AND original IS NOT NULL)
            OR (state IN ('draft', 'submitted') AND original IS NULL))))
);
CREATE TABLE prices (
    id int AUTO_INCREMENT PRIMARY KEY,
    tier varchar(10) NOT NULL,
    amount decimal(8, 2) NOT NULL,
    note text NOT NULL,
    CONSTRAINT tier_amount CHECK ((tier = 'free' AND amount = 0)
        OR (tier = 'paid' AND amount > 0 AND amount <= 100)),
    CONSTRAINT noted CHECK ((tier = 'free' AND note IS NULL) OR tier = 'paid')
);
"""

SPREAD = [
    "SELECT count(*) FROM grants WHERE kind = 'user' AND user_id IS NOT NULL",
    "SELECT count(*) FROM grants WHERE kind = 'team' AND team_id IS NOT NULL",
    "SELECT count(*) FROM requests WHERE {change} = 'delete'",
    "SELECT count(*) FROM requests WHERE {change} = 'create'",
    "SELECT count(*) FROM requests WHERE {change} = 'update' AND original IS NULL",
    "SELECT count(*) FROM requests WHERE {change} = 'update' AND original IS NOT NULL",
    "SELECT count(*) FROM prices WHERE tier = 'paid' AND amount > 0",
    "SELECT count(*) FROM prices WHERE tier <> 'paid'",
]


def seed(url: str) -> fastseed.SeedResult:
    request = RowRequest(ROWS, {"users": 50, "teams": 20})
    return asyncio.run(fastseed.seed(url, rows=request, seed=5))


def assert_cases_taken(result: fastseed.SeedResult, counts: list[int]) -> None:
    assert result.verify.ok, result.verify.failures()
    assert fastseed.api.realism_stats(result.plan)["checks_not_understood"] == []
    users, teams, deletes, creates, drafts, updates, paid, free = counts
    assert users + teams == ROWS and users > ROWS / 4 and teams > ROWS / 4
    # four cases of fits_change, a quarter of the rows each
    for n in (deletes, creates, drafts, updates):
        assert ROWS / 8 < n < ROWS / 2.5, counts
    # note is NOT NULL: the case `tier = 'free' AND note IS NULL` can never be taken, and
    # a row of tier 'free' would fail `noted`
    assert paid == ROWS and free == 0, counts


@pytest.mark.postgres
def test_postgres_checks_of_cases_seed_as_rules(pg_db: str, pg_url: str) -> None:
    import asyncpg

    pg_execute(pg_db, PG_SCHEMA)
    result = seed(pg_url)

    async def counts() -> list[int]:
        conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="root", database=pg_db)
        try:
            return [await conn.fetchval(q.format(change="change")) for q in SPREAD]
        finally:
            await conn.close()

    assert_cases_taken(result, asyncio.run(counts()))


@pytest.mark.mysql
def test_mariadb_checks_of_cases_seed_as_rules(my_db: str, my_url: str) -> None:
    from test_check_forms_e2e import my_fetch

    my_execute(my_db, MY_SCHEMA)
    result = seed(my_url)
    counts = [my_fetch(my_db, q.format(change="`change`"))[0] for q in SPREAD]
    assert_cases_taken(result, counts)
