"""CHECK forms of real application schemas, seeded on the real servers (issue 11 items 4, 5).

UNIQUE plus a pattern CHECK; NULL patterns across columns (exactly one of two FKs set, both or
neither, at least one); functions and casts around the column; JSON type checks; comparisons
with the current time; MySQL/MariaDB REGEXP, RLIKE and json_valid. Every one must become a
generation rule (none left to the per-batch pre-test) and the load must pass verification.
Contradictory CHECKs make `plan` and `seed` exit 3 naming them, before anything is written.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pymysql
import pytest
from conftest import MY_ADMIN, pg_execute

import fastseed
from fastseed.plan import RowRequest

ROWS = 2000

PG_SCHEMA = r"""
CREATE TABLE plans (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE subscriptions (id serial PRIMARY KEY, started_at timestamptz NOT NULL);
CREATE TABLE articles (
    id bigserial PRIMARY KEY,
    slug varchar(60) NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
    handle varchar(30) UNIQUE CHECK (handle ~* '^[a-z][a-z0-9_]{2,}$'),
    persontype char(2) NOT NULL
        CHECK (upper(persontype) = ANY (ARRAY['SC', 'VC', 'IN', 'EM', 'SP', 'GC'])),
    color text CHECK (lower(color) IN ('red', 'green', 'blue')),
    title text NOT NULL CHECK (btrim(title) <> ''),
    summary text CHECK (char_length(summary) BETWEEN 10 AND 200),
    name text NOT NULL CHECK (length(trim(name)) > 0),
    zip text CHECK (zip::text ~ '^[0-9]{5}$'),
    amount numeric(10, 2) NOT NULL CHECK ((amount)::numeric > 0),
    settings jsonb NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
    tags jsonb CHECK (jsonb_typeof(tags) = 'array'),
    born date CHECK (born <= CURRENT_DATE),
    published_at timestamptz NOT NULL CHECK (published_at <= now()),
    seen_at timestamp CHECK (seen_at < localtimestamp),
    expires_at timestamptz CHECK (expires_at > CURRENT_TIMESTAMP),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL CHECK (updated_at >= created_at)
);
CREATE TABLE charges (
    id serial PRIMARY KEY,
    plan_id int REFERENCES plans (id),
    subscription_id int REFERENCES subscriptions (id),
    card_id int,
    bank_id int,
    coupon text,
    discount int,
    street text,
    city text,
    email text,
    phone text,
    CHECK ((plan_id IS NOT NULL) <> (subscription_id IS NOT NULL)),
    CHECK (num_nonnulls(card_id, bank_id) = 1),
    CHECK (coupon IS NULL OR discount IS NULL),
    CHECK ((street IS NULL) = (city IS NULL)),
    CHECK (NOT (email IS NULL AND phone IS NULL)),
    CHECK (num_nulls(card_id, coupon) >= 1)
);
CREATE TABLE countries (code char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'), name text);
CREATE TABLE teams (id serial PRIMARY KEY);
CREATE TABLE matches (
    id serial PRIMARY KEY,
    home_id int NOT NULL REFERENCES teams (id),
    away_id int NOT NULL REFERENCES teams (id),
    home_score int NOT NULL CHECK (home_score BETWEEN 0 AND 2),
    away_score int NOT NULL CHECK (away_score BETWEEN 0 AND 2),
    CHECK (home_id <> away_id),
    CHECK (away_score <> home_score)
);
"""

MY_SCHEMA = r"""
CREATE TABLE plans (id int AUTO_INCREMENT PRIMARY KEY, name varchar(40) NOT NULL);
CREATE TABLE subscriptions (id int AUTO_INCREMENT PRIMARY KEY, started_at datetime NOT NULL);
CREATE TABLE articles (
    id bigint AUTO_INCREMENT PRIMARY KEY,
    slug varchar(60) NOT NULL UNIQUE CHECK (slug REGEXP '^[a-z0-9-]+$'),
    handle varchar(30) UNIQUE CHECK (handle RLIKE '^[a-z][a-z0-9_]{2,}$'),
    persontype char(2) NOT NULL CHECK (upper(persontype) IN ('SC','VC','IN','EM','SP','GC')),
    color varchar(10) CHECK (lower(color) IN ('red', 'green', 'blue')),
    title varchar(100) NOT NULL CHECK (trim(title) <> ''),
    summary varchar(200) CHECK (char_length(summary) BETWEEN 10 AND 200),
    code varchar(20) NOT NULL CHECK (octet_length(code) >= 4),
    nick varchar(20) NOT NULL CHECK (nick <> ''),
    kind varchar(10) NOT NULL CHECK (kind IN ('a', 'b\\c', 'it''s')),
    zip varchar(5) CHECK (cast(zip as char) regexp '^[0-9]{5}$'),
    settings longtext NOT NULL CHECK (json_valid(settings)),
    doc json,
    extra text CHECK (extra IS NULL OR json_valid(extra)),
    created_at datetime NOT NULL,
    updated_at datetime NOT NULL CHECK (updated_at >= created_at)
);
CREATE TABLE charges (
    id int AUTO_INCREMENT PRIMARY KEY,
    plan_id int REFERENCES plans (id),
    subscription_id int REFERENCES subscriptions (id),
    card_id int,
    bank_id int,
    coupon varchar(20),
    discount int,
    street varchar(60),
    city varchar(60),
    email varchar(80),
    phone varchar(30),
    FOREIGN KEY (plan_id) REFERENCES plans (id),
    FOREIGN KEY (subscription_id) REFERENCES subscriptions (id),
    CHECK ((plan_id IS NOT NULL) <> (subscription_id IS NOT NULL)),
    CHECK (coupon IS NULL OR discount IS NULL),
    CHECK ((street IS NULL) = (city IS NULL)),
    CHECK (NOT (email IS NULL AND phone IS NULL)),
    CHECK ((card_id IS NULL) <> (bank_id IS NULL))
);
CREATE TABLE countries (code char(2) PRIMARY KEY CHECK (code RLIKE '^[A-Z]{2}$'), name text);
CREATE TABLE teams (id int AUTO_INCREMENT PRIMARY KEY);
CREATE TABLE matches (
    id int AUTO_INCREMENT PRIMARY KEY,
    home_id int NOT NULL,
    away_id int NOT NULL,
    home_score int NOT NULL CHECK (home_score BETWEEN 0 AND 2),
    away_score int NOT NULL CHECK (away_score BETWEEN 0 AND 2),
    FOREIGN KEY (home_id) REFERENCES teams (id),
    FOREIGN KEY (away_id) REFERENCES teams (id),
    CHECK (home_id <> away_id),
    CHECK (away_score <> home_score)
);
"""

CONTRADICTIONS = r"""
CREATE TABLE odd (
    id int PRIMARY KEY,
    x int CHECK (x > 10 AND x < 5),
    a int,
    b int,
    k int CHECK (k IN (1, 2, 3)),
    CONSTRAINT a_over_b CHECK (a > b),
    CONSTRAINT b_over_a CHECK (b > a),
    CONSTRAINT k_big CHECK (k > 5),
    code varchar(12) NOT NULL,
    tag varchar(3),
    CONSTRAINT code_long CHECK (char_length(code) BETWEEN 13 AND 17),
    CONSTRAINT tag_list CHECK (tag IN ('long', 'longer'))
)
"""

LENGTHS = r"""
CREATE TABLE codes (
    id int PRIMARY KEY,
    code varchar(12) NOT NULL CHECK (char_length(code) BETWEEN 10 AND 17),
    handle varchar(12) NOT NULL UNIQUE CHECK (char_length(handle) >= 12),
    short varchar(3) CHECK (char_length(short) >= 2),
    word varchar(4) NOT NULL CHECK (word IN ('a', 'bb', 'toolong'))
)
"""
LENGTHS_SPREAD = (
    "SELECT min(char_length(code)), max(char_length(code)), min(char_length(handle)), "
    "min(char_length(short)), max(char_length(short)), count(DISTINCT word), "
    "count(DISTINCT handle) FROM codes"
)


def seed(url: str, rows: int) -> fastseed.SeedResult:
    # three teams play 2000 matches: a team meets itself unless CHECK (home_id <> away_id) holds
    request = RowRequest(rows, {"teams": 3})
    return asyncio.run(fastseed.seed(url, rows=request, seed=3))


def my_execute(db: str, script: str) -> None:
    conn = pymysql.connect(**MY_ADMIN, database=db)
    try:
        with conn.cursor() as cur:
            for stmt in script.split(";"):
                if stmt.strip():
                    cur.execute(stmt)
        conn.commit()
    finally:
        conn.close()


def my_fetch(db: str, sql: str) -> tuple:
    conn = pymysql.connect(**MY_ADMIN, database=db)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()
    finally:
        conn.close()


def pg_fetch(db: str, sql: str) -> tuple:
    import asyncpg

    async def go() -> tuple:
        conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="root", database=db)
        try:
            return tuple(await conn.fetchrow(sql))
        finally:
            await conn.close()

    return asyncio.run(go())


def assert_every_check_generated(result: fastseed.SeedResult) -> None:
    assert result.verify.ok, result.verify.failures()
    counts = {c.table.name: c.rows for c in result.verify.tables}
    assert counts["articles"] == ROWS and counts["charges"] == ROWS
    assert counts["matches"] == ROWS
    assert counts["countries"] == 26 * 26  # the pattern's capacity, as the plan says
    assert any("676" in w for w in result.plan.warnings)
    stats = fastseed.api.realism_stats(result.plan)
    assert stats["checks_not_understood"] == []  # rules, not re-draws


CHARGES_SPREAD = (
    "SELECT count(plan_id), count(subscription_id), count(card_id), count(bank_id), "
    "count(street), count(email), count(phone), "
    "(SELECT count(DISTINCT slug) FROM articles) FROM charges"
)


def assert_both_branches(spread: tuple) -> None:
    """Each side of every exactly-one / at-least-one rule is taken by some rows."""
    plans, subs, cards, banks, streets, emails, phones, slugs = spread
    assert plans + subs == ROWS and 0 < plans < ROWS
    assert cards + banks == ROWS and 0 < cards < ROWS
    assert 0 < streets < ROWS and emails > 0 and phones > 0
    assert slugs == ROWS


@pytest.mark.postgres
def test_postgres_check_forms_seed_as_rules(pg_db: str, pg_url: str) -> None:
    pg_execute(pg_db, PG_SCHEMA)
    result = seed(pg_url, ROWS)
    assert_every_check_generated(result)
    assert_both_branches(pg_fetch(pg_db, CHARGES_SPREAD))
    far = pg_fetch(pg_db, "SELECT min(expires_at) > now() FROM articles")
    assert far == (True,)


@pytest.mark.mysql
def test_mariadb_check_forms_seed_as_rules(my_db: str, my_url: str) -> None:
    my_execute(my_db, MY_SCHEMA)
    result = seed(my_url, ROWS)
    assert_every_check_generated(result)
    assert_both_branches(my_fetch(my_db, CHARGES_SPREAD))
    assert my_fetch(my_db, "SELECT count(*) FROM articles WHERE NOT json_valid(extra)") == (0,)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastseed", *args], capture_output=True, text=True, timeout=300
    )


def assert_refused(url: str) -> None:
    for command in ("plan", "seed"):
        done = cli(command, url, "--rows", "50")
        out = done.stdout + done.stderr
        assert done.returncode == 3, out
        assert "Traceback" not in out and "RecursionError" not in out
        assert "a_over_b, b_over_a contradict each other on columns" in out, out
        assert "on column x can never hold: no value is > 10 and < 5" in out, out
        assert "k_big" in out and "column k" in out, out
        # a length the declared type cannot hold; a list of values too long for it
        assert "code_long on column code can never hold" in out and "(12)" in out, out
        assert "tag_list on column tag can never hold" in out, out


@pytest.mark.postgres
def test_postgres_contradictory_checks_exit_3(pg_db: str, pg_url: str) -> None:
    pg_execute(pg_db, CONTRADICTIONS)
    assert_refused(pg_url)
    assert pg_fetch(pg_db, "SELECT count(*) FROM odd") == (0,)


@pytest.mark.mysql
def test_mariadb_contradictory_checks_exit_3(my_db: str, my_url: str) -> None:
    my_execute(my_db, CONTRADICTIONS)
    assert_refused(my_url)
    assert my_fetch(my_db, "SELECT count(*) FROM odd") == (0,)


def assert_lengths_within_type_and_check(spread: tuple) -> None:
    """Satisfiable length CHECKs on bounded columns: values within both bounds."""
    code_lo, code_hi, handle_lo, short_lo, short_hi, words, handles = spread
    assert 10 <= code_lo <= code_hi <= 12 and handle_lo == 12 and handles == 50, spread
    assert 2 <= short_lo <= short_hi <= 3 and words <= 2, spread  # 'toolong' does not fit


@pytest.mark.postgres
def test_postgres_length_checks_within_the_declared_length(pg_db: str, pg_url: str) -> None:
    pg_execute(pg_db, LENGTHS)
    result = asyncio.run(fastseed.seed(pg_url, rows=RowRequest(50), seed=4))
    assert result.verify.ok, result.verify.failures()
    assert_lengths_within_type_and_check(pg_fetch(pg_db, LENGTHS_SPREAD))


@pytest.mark.mysql
def test_mariadb_length_checks_within_the_declared_length(my_db: str, my_url: str) -> None:
    my_execute(my_db, LENGTHS)
    result = asyncio.run(fastseed.seed(my_url, rows=RowRequest(50), seed=4))
    assert result.verify.ok, result.verify.failures()
    assert_lengths_within_type_and_check(my_fetch(my_db, LENGTHS_SPREAD))


PARTITIONED = r"""
CREATE TABLE readings (
    id int NOT NULL,
    bucket int NOT NULL CHECK (bucket > 0),
    below int NOT NULL,
    region text NOT NULL CHECK (region <> 'xx'),
    at date NOT NULL CHECK (at >= '2024-03-15'),
    CHECK (below < bucket)
) PARTITION BY RANGE (bucket);
CREATE TABLE readings_neg PARTITION OF readings FOR VALUES FROM (MINVALUE) TO (0);
CREATE TABLE readings_low PARTITION OF readings FOR VALUES FROM (0) TO (500);
CREATE TABLE readings_high PARTITION OF readings FOR VALUES FROM (500) TO (MAXVALUE);
CREATE TABLE visits (
    id int NOT NULL,
    region text NOT NULL CHECK (region <> 'xx'),
    at date NOT NULL CHECK (at >= '2024-03-15')
) PARTITION BY RANGE (at);
CREATE TABLE visits_jan PARTITION OF visits FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE visits_mar PARTITION OF visits FOR VALUES FROM ('2024-03-01') TO ('2024-04-01')
    PARTITION BY LIST (region);
CREATE TABLE visits_mar_x PARTITION OF visits_mar FOR VALUES IN ('xx');
CREATE TABLE visits_mar_eu PARTITION OF visits_mar FOR VALUES IN ('eu', 'xx2');
CREATE TABLE visits_apr PARTITION OF visits FOR VALUES FROM ('2024-04-01') TO ('2024-05-01');
"""
PARTITIONED_SPREAD = (
    "SELECT (SELECT count(*) FROM readings_neg), (SELECT min(bucket) FROM readings), "
    "(SELECT count(*) FROM readings WHERE below >= bucket), (SELECT count(*) FROM visits_jan), "
    "(SELECT count(*) FROM visits_mar_x), (SELECT min(at) >= '2024-03-15' FROM visits), "
    "(SELECT count(*) FROM visits_mar_eu) > 0 AND (SELECT count(*) FROM visits_apr) > 0"
)


@pytest.mark.postgres
def test_postgres_partition_routing_follows_the_checks(pg_db: str, pg_url: str) -> None:
    """Leaves a CHECK excludes (bucket > 0 vs a negative range, at >= a day vs a month, a
    list value `<>` forbids) are never aimed at; a CHECK ordering another column below the
    partition column holds."""
    pg_execute(pg_db, PARTITIONED)
    result = asyncio.run(fastseed.seed(pg_url, rows=RowRequest(200), seed=5))
    assert result.verify.ok, result.verify.failures()
    empty, low, disordered, january, excluded, after, spread = pg_fetch(pg_db, PARTITIONED_SPREAD)
    assert (empty, disordered, january, excluded) == (0, 0, 0, 0) and low > 0
    assert after and spread


NO_LEAF = r"""
CREATE TABLE readings (bucket int NOT NULL CONSTRAINT positive CHECK (bucket > 0))
    PARTITION BY RANGE (bucket);
CREATE TABLE readings_neg PARTITION OF readings FOR VALUES FROM (MINVALUE) TO (0);
CREATE TABLE readings_zero PARTITION OF readings FOR VALUES FROM (0) TO (1);
"""


@pytest.mark.postgres
def test_postgres_no_partition_fits_the_checks_exit_3(pg_db: str, pg_url: str) -> None:
    pg_execute(pg_db, NO_LEAF)
    for command in ("plan", "seed"):
        done = cli(command, pg_url, "--rows", "20")
        out = done.stdout + done.stderr
        assert done.returncode == 3, out
        assert "positive on column bucket can never hold" in out and "partition" in out, out
    assert pg_fetch(pg_db, "SELECT count(*) FROM readings") == (0,)
    # a default partition takes the rows the checks allow
    pg_execute(pg_db, "CREATE TABLE readings_rest PARTITION OF readings DEFAULT")
    result = asyncio.run(fastseed.seed(pg_url, rows=RowRequest(20), seed=5))
    assert result.verify.ok, result.verify.failures()
    assert pg_fetch(pg_db, "SELECT count(*), min(bucket) > 0 FROM readings_rest") == (20, True)
