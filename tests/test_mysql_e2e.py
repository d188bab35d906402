"""Seed and verify real schemas on the local MariaDB/MySQL server, end to end."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from conftest import SCHEMAS, my_execute, my_fetch

import fastseed
from fastseed.plan import FORCED, RowRequest

pytestmark = pytest.mark.mysql

# Identifiers and labels that break naive quoting: a reserved word, a space, a dash, a backtick,
# `%` (PyMySQL formats SQL with `%` when arguments are given), quotes, commas and a backslash.
HARD_SCHEMA = [
    """CREATE TABLE `user accounts` (
        id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
        `e-mail` VARCHAR(40) NOT NULL UNIQUE,
        manager_id INT UNSIGNED NULL,
        mood ENUM('sad', 'ok', 'it''s, "great"', 'a,b', '100%', 'back\\\\slash') NOT NULL,
        tags SET('x', 'y''z', 'w"', '%') NULL,
        active TINYINT(1) NOT NULL,
        tiny TINYINT UNSIGNED NOT NULL,
        small SMALLINT UNSIGNED NOT NULL,
        big BIGINT UNSIGNED NOT NULL,
        born YEAR NOT NULL,
        created DATETIME(6) NOT NULL,
        doc JSON,
        legacy VARCHAR(30) CHARACTER SET utf8mb3 NOT NULL,
        status VARCHAR(10) NOT NULL,
        score DECIMAL(5,2) NOT NULL,
        email_upper VARCHAR(40) AS (UPPER(`e-mail`)) VIRTUAL,
        tagged VARCHAR(45) AS (CONCAT('#', `e-mail`)) STORED,
        CONSTRAINT ua_manager FOREIGN KEY (manager_id) REFERENCES `user accounts` (id),
        CONSTRAINT ua_status CHECK (status IN ('new', 'paid', 'gone')),
        CONSTRAINT ua_score CHECK (score BETWEEN 0 AND 100)
    )""",
    """CREATE TABLE `order` (
        region CHAR(2) NOT NULL,
        `no` INT NOT NULL,
        account_id INT UNSIGNED NOT NULL,
        `pct%` INT NOT NULL,
        PRIMARY KEY (region, `no`),
        CONSTRAINT order_account FOREIGN KEY (account_id) REFERENCES `user accounts` (id)
    )""",
    """CREATE TABLE `order``line%` (
        region CHAR(2) NOT NULL,
        `no` INT NOT NULL,
        `li``ne` SMALLINT NOT NULL,
        qty INT NOT NULL CHECK (qty > 0 AND qty <= 10),
        PRIMARY KEY (region, `no`, `li``ne`),
        CONSTRAINT line_order FOREIGN KEY (region, `no`) REFERENCES `order` (region, `no`)
    )""",
    "CREATE TABLE code (id TINYINT UNSIGNED PRIMARY KEY, label VARCHAR(10) NOT NULL)",
]
MOODS = {"sad", "ok", 'it\'s, "great"', "a,b", "100%", "back\\slash"}
TAGS = ["x", "y'z", 'w"', "%"]  # MariaDB refuses a comma in a SET label


def seed(url: str, rows: int, seed: int = 42) -> fastseed.SeedResult:
    return asyncio.run(fastseed.seed(url, rows=RowRequest(rows), seed=seed))


def load_schema(db: str, name: str) -> None:
    """Feed the shared DDL to the `mariadb` client; sakila names its own database in views and
    routines, so the qualifier is pointed at the test database first."""
    text = (SCHEMAS / name / "mysql.sql").read_text()
    text = text.replace("sakila.", f"`{db}`.")
    subprocess.run(
        ["mariadb", "-h", "127.0.0.1", "-P", "3306", "-u", "root", db],
        input=text.encode(),
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextmanager
def fresh_db() -> Iterator[str]:
    """A second fresh database, for tests that compare two."""
    name = f"fs_test_{uuid.uuid4().hex[:12]}"
    my_execute("mysql", [f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"])
    try:
        yield name
    finally:
        my_execute("mysql", [f"DROP DATABASE IF EXISTS `{name}`"])


def table_digest(db: str, table: str, order_by: str) -> str:
    rows = my_fetch(db, f"SELECT * FROM `{table}` ORDER BY {order_by}")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def assert_clean(result: fastseed.SeedResult) -> None:
    assert result.verify.ok, result.verify.failures()
    for check in result.verify.tables:
        assert check.rows > 0, f"{check.table} is empty"
        assert not any(check.orphans.values()), check
        assert not any(check.duplicates.values()), check


@pytest.mark.parametrize("schema", ["chinook", "sakila", "employees", "kanboard", "quartz"])
def test_shared_schema_seeds_and_verifies(my_db: str, my_url: str, schema: str) -> None:
    load_schema(my_db, schema)
    result = seed(my_url, 1000)
    assert_clean(result)
    written = sum(t.rows for t in result.plan.tables.values())
    assert result.load.total == written


def test_sakila_hard_cycle_and_trigger_filled_film_text(my_db: str, my_url: str) -> None:
    load_schema(my_db, "sakila")
    tables = {r[0] for r in my_fetch(my_db, "SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")}
    assert len(tables) == 16
    result = seed(my_url, 200)
    assert_clean(result)
    # store <-> staff: both FKs NOT NULL, so one is checked at commit with FK checks off for the
    # loading session only; the server-wide setting and new sessions keep checking.
    forced = {
        (d.table.name, d.fk.ref_table.name)
        for tier in result.plan.tiers
        for unit in tier
        for d in unit.deferred
        if d.method == FORCED
    }
    assert forced & {("store", "staff"), ("staff", "store")}
    assert my_fetch(my_db, "SELECT @@GLOBAL.foreign_key_checks, @@SESSION.foreign_key_checks") == [
        (1, 1)
    ]
    orphans = my_fetch(
        my_db,
        "SELECT COUNT(*) FROM store s LEFT JOIN staff f ON f.staff_id = s.manager_staff_id "
        "WHERE f.staff_id IS NULL",
    )
    assert orphans == [(0,)]
    # film_text is written by the ins_film trigger, one row per film, and by nobody else.
    assert my_fetch(my_db, "SELECT COUNT(*) FROM film_text") == [(200,)]
    mismatched = my_fetch(
        my_db,
        "SELECT COUNT(*) FROM film f JOIN film_text t ON t.film_id = f.film_id "
        "WHERE t.title <> f.title",
    )
    assert mismatched == [(0,)]


def test_hard_schema_round_trips_mysql_types(my_db: str, my_url: str) -> None:
    my_execute(my_db, HARD_SCHEMA)
    result = seed(my_url, 300)
    assert_clean(result)
    counts = {c.table.name: c.rows for c in result.verify.tables}
    assert counts["user accounts"] == counts["order"] == counts["order`line%"] == 300
    # TINYINT UNSIGNED holds 0..255: the plan caps the key instead of overflowing it.
    assert counts["code"] == 255
    assert any("code" in w and "255" in w for w in result.plan.warnings)

    ua = "`user accounts`"
    assert {r[0] for r in my_fetch(my_db, f"SELECT DISTINCT mood FROM {ua}")} == MOODS
    for (tags,) in my_fetch(my_db, f"SELECT DISTINCT tags FROM {ua} WHERE tags IS NOT NULL"):
        assert set(tags.split(",")) - {""} <= set(TAGS)
    bounds = my_fetch(
        my_db,
        f"SELECT MIN(tiny), MAX(tiny), MIN(small), MAX(small), MIN(big), MAX(big), "
        f"MIN(born), MAX(born), MIN(active), MAX(active) FROM {ua}",
    )[0]
    assert 0 <= bounds[0] <= bounds[1] <= 255 and 0 <= bounds[2] <= bounds[3] <= 65535
    assert 0 <= bounds[4] <= bounds[5] <= 2**64 - 1
    assert 1901 <= bounds[6] <= bounds[7] <= 2155
    assert {bounds[8], bounds[9]} <= {0, 1}
    checks = my_fetch(
        my_db,
        f"SELECT SUM(email_upper <> UPPER(`e-mail`)), SUM(tagged <> CONCAT('#', `e-mail`)), "
        f"SUM(MICROSECOND(created) <> 0), SUM(doc IS NOT NULL AND NOT JSON_VALID(doc)), "
        f"SUM(status NOT IN ('new', 'paid', 'gone')), SUM(score NOT BETWEEN 0 AND 100), "
        f"SUM(manager_id >= id), SUM(legacy = ''), COUNT(*) FROM {ua}",
    )[0]
    # generated columns computed by the server, microseconds kept, JSON valid, CHECK lists and
    # ranges kept, self-reference to an earlier row, utf8mb3 text written
    assert tuple(int(v) for v in checks[:2]) == (0, 0)
    assert checks[2] > 0
    assert tuple(int(v) for v in checks[3:8]) == (0, 0, 0, 0, 0)
    assert my_fetch(my_db, "SELECT SUM(qty NOT BETWEEN 1 AND 10) FROM `order``line%`") == [(0,)]
    # AUTO_INCREMENT was moved past the loaded keys: an application INSERT without id works.
    my_execute(
        my_db,
        [
            f"INSERT INTO {ua} (`e-mail`, mood, active, tiny, small, big, born, created, legacy,"
            " status, score) VALUES ('app@example.com', 'ok', 1, 1, 1, 1, 2000, NOW(), 'x',"
            " 'new', 1)"
        ],
    )
    assert my_fetch(my_db, f"SELECT id FROM {ua} WHERE `e-mail` = 'app@example.com'") == [(301,)]


def test_same_seed_same_data_after_truncate(my_db: str, my_url: str) -> None:
    load_schema(my_db, "chinook")
    seed(my_url, 200, seed=7)
    first = table_digest(my_db, "Track", "TrackId")
    chinook = [r[0] for r in my_fetch(my_db, "SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")]
    wipe = ["SET FOREIGN_KEY_CHECKS = 0", *(f"TRUNCATE TABLE `{t}`" for t in chinook)]
    my_execute(my_db, wipe)
    seed(my_url, 200, seed=7)
    assert table_digest(my_db, "Track", "TrackId") == first
    my_execute(my_db, wipe)
    seed(my_url, 200, seed=8)
    assert table_digest(my_db, "Track", "TrackId") != first


def test_truncate_empties_self_references_and_refuses_rows_left_pointing_in(
    my_db: str, my_url: str
) -> None:
    # InnoDB checks each deleted row at once: a tree deleted in one DELETE failed (1451)
    my_execute(
        my_db,
        [
            "CREATE TABLE node (id INT PRIMARY KEY, parent_id INT, label VARCHAR(20),"
            " FOREIGN KEY (parent_id) REFERENCES node (id))",
            "CREATE TABLE leaf (id INT PRIMARY KEY, node_id INT NOT NULL REFERENCES node (id))",
        ],
    )
    for run in range(2):  # the second run finds rows and empties them first
        result = asyncio.run(
            fastseed.seed(my_url, rows=RowRequest(300), seed=run, on_existing="truncate")
        )
        assert result.verify.ok
        assert my_fetch(my_db, "SELECT COUNT(*) FROM node") == [(300,)]
        assert my_fetch(my_db, "SELECT COUNT(*) FROM node WHERE parent_id IS NOT NULL")[0][0] > 0
    # a table the run leaves alone points into it: refused before anything is deleted
    my_execute(
        my_db,
        [
            "CREATE TABLE outsider (id INT PRIMARY KEY, node_id INT REFERENCES node (id))",
            "INSERT INTO outsider SELECT id, id FROM node LIMIT 3",
        ],
    )
    rows = RowRequest(default=0, per_table={f"{my_db}.node": 5, f"{my_db}.leaf": 5})
    with pytest.raises(fastseed.FastseedError, match="outsider"):
        asyncio.run(fastseed.seed(my_url, rows=rows, seed=9, on_existing="truncate"))
    assert my_fetch(my_db, "SELECT COUNT(*) FROM node") == [(300,)]
    assert my_fetch(my_db, "SELECT COUNT(*) FROM leaf") == [(300,)]
    assert my_fetch(my_db, "SELECT @@GLOBAL.foreign_key_checks") == [(1,)]


def test_same_seed_same_data_across_fresh_databases(my_db: str, my_url: str) -> None:
    load_schema(my_db, "chinook")
    seed(my_url, 200, seed=7)
    first = table_digest(my_db, "Track", "TrackId")
    with fresh_db() as other:
        load_schema(other, "chinook")
        seed(f"mysql://root@127.0.0.1:3306/{other}", 200, seed=7)
        assert table_digest(other, "Track", "TrackId") == first


def test_failed_load_leaves_no_rows_behind(my_db: str, my_url: str) -> None:
    # A CHECK fastseed cannot parse: the child's rows violate it, the parent tier that already
    # committed is removed again, and the row that was there before is left alone.
    my_execute(
        my_db,
        [
            "CREATE TABLE parent (id INT PRIMARY KEY, note VARCHAR(20))",
            "INSERT INTO parent VALUES (1000000, 'keep me')",
            """CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL,
               a INT NOT NULL, b INT NOT NULL,
               CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id),
               CONSTRAINT a_big CHECK (a > b * 1000000))""",
        ],
    )
    with pytest.raises(fastseed.LoadError, match="child"):
        seed(my_url, 50)
    assert my_fetch(my_db, "SELECT id, note FROM parent") == [(1000000, "keep me")]
    assert my_fetch(my_db, "SELECT COUNT(*) FROM child") == [(0,)]


def test_verify_skips_only_what_innodb_checked_for_this_runs_rows(my_db: str, my_url: str) -> None:
    schema = [
        "CREATE TABLE parent (id int PRIMARY KEY, code varchar(20) NOT NULL UNIQUE) ENGINE=InnoDB",
        "CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL,"
        " CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id)) ENGINE=InnoDB",
    ]
    my_execute(my_db, schema)
    result = seed(my_url, 100)
    assert result.verify.ok
    assert {t.table.name: sorted(t.enforced) for t in result.verify.tables} == {
        "child": ["PRIMARY", "child_parent"],
        "parent": ["PRIMARY", "code"],
    }
    # an orphan that came in with FK checks off: the next run's child table held rows
    my_execute(
        my_db,
        ["SET FOREIGN_KEY_CHECKS = 0", "INSERT INTO child VALUES (1000000, 424242)"],
    )
    result = seed(my_url, 10, seed=3)
    assert result.verify.failures() == [f"{my_db}.child: 1 orphaned rows for FK child_parent"]


FAST_SCHEMA = [
    """CREATE TABLE team (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE,
       captain_id INT NULL)""",
    """CREATE TABLE player (id INT AUTO_INCREMENT PRIMARY KEY, team_id INT NOT NULL,
       mentor_id INT NULL,
       CONSTRAINT player_team FOREIGN KEY (team_id) REFERENCES team (id),
       CONSTRAINT player_mentor FOREIGN KEY (mentor_id) REFERENCES player (id))""",
    "ALTER TABLE team ADD CONSTRAINT team_captain FOREIGN KEY (captain_id) REFERENCES player (id)",
    """CREATE TABLE game (id INT AUTO_INCREMENT PRIMARY KEY, home INT NOT NULL,
       day DATE NOT NULL, UNIQUE KEY game_home_day (home, day),
       CONSTRAINT game_home FOREIGN KEY (home) REFERENCES team (id))""",
]
FAST_CHECKS_OFF = "FK checks off while loading, orphans counted after"


def test_fast_mode_loads_with_fk_checks_off_and_proves_every_fk(my_db: str, my_url: str) -> None:
    my_execute(my_db, FAST_SCHEMA)
    rows = RowRequest(default=0, per_table={"team": 40, "player": 400, "game": 300})
    result = asyncio.run(fastseed.seed(my_url, rows=rows, seed=3, fast=True))
    assert result.load.fast_method == FAST_CHECKS_OFF
    assert result.verify.ok, result.verify.failures()
    assert {fk for _, fk in result.load.proven_fks} == {
        "player_team",
        "player_mentor",
        "team_captain",
        "game_home",
    }
    # the counts came from the proof; verification agrees with the server
    assert my_fetch(my_db, "SELECT COUNT(*) FROM player") == [(400,)]
    assert {str(t.table.name): t.rows for t in result.verify.tables} == {
        "team": 40,
        "player": 400,
        "game": 300,
    }


def test_fast_mode_fails_and_undoes_when_a_foreign_key_does_not_hold(
    my_db: str, my_url: str
) -> None:
    # a row that slipped in with FK checks off: the count after the load finds it
    my_execute(
        my_db,
        [
            *FAST_SCHEMA,
            "SET SESSION foreign_key_checks = 0",
            "INSERT INTO game (id, home, day) VALUES (77, 999, '2020-01-01')",
        ],
    )
    rows = RowRequest(default=0, per_table={"team": 20, "player": 100, "game": 50})
    with pytest.raises(fastseed.LoadError, match=r"game.*FK game_home"):
        asyncio.run(fastseed.seed(my_url, rows=rows, seed=3, fast=True))
    assert my_fetch(my_db, "SELECT id FROM game") == [(77,)]
    assert my_fetch(my_db, "SELECT COUNT(*) FROM team") == [(0,)]
    assert my_fetch(my_db, "SELECT COUNT(*) FROM player") == [(0,)]
