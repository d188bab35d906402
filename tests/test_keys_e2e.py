"""Unique keys hold together and report their real capacity, on PostgreSQL and MariaDB.

Each case is a pattern real application schemas use (role and permission tables, junction
tables with a second unique key, friendship tables with CHECK (a <> b), composite natural
keys, one-character codes); each is seeded on both servers and checked there with SQL.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pymysql
import pytest
from conftest import MY_ADMIN, pg_execute

import fastseed
from fastseed.plan import RowRequest

PARENTS = {"PG": "CREATE TABLE {t} (id serial PRIMARY KEY, name varchar(40) NOT NULL)"}
PARENTS["MY"] = "CREATE TABLE {t} (id int AUTO_INCREMENT PRIMARY KEY, name varchar(40) NOT NULL)"


def _setup(dialect: str, db: str, statements: list[str]) -> None:
    if dialect == "PG":
        pg_execute(db, ";\n".join(statements))
        return
    conn = pymysql.connect(**MY_ADMIN, database=db, autocommit=True, connect_timeout=5)
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
    finally:
        conn.close()


def _fetch(dialect: str, db: str, sql: str) -> list[tuple[Any, ...]]:
    if dialect == "PG":
        import asyncpg

        async def go() -> list[tuple[Any, ...]]:
            conn = await asyncpg.connect(host="127.0.0.1", user="root", database=db)
            try:
                return [tuple(r) for r in await conn.fetch(sql)]
            finally:
                await conn.close()

        return asyncio.run(go())
    conn = pymysql.connect(**MY_ADMIN, database=db, connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())
    finally:
        conn.close()


@pytest.fixture(
    params=[
        pytest.param("PG", marks=pytest.mark.postgres),
        pytest.param("MY", marks=pytest.mark.mysql),
    ]
)
def target(request: pytest.FixtureRequest) -> tuple[str, str, str]:
    """(dialect, database, url) of a fresh database on either server."""
    if request.param == "PG":
        db = request.getfixturevalue("pg_db")
        return "PG", db, request.getfixturevalue("pg_url")
    db = request.getfixturevalue("my_db")
    return "MY", db, request.getfixturevalue("my_url")


def _seed(url: str, rows: dict[str, int], default: int = 0) -> fastseed.SeedResult:
    request = RowRequest(default, rows)
    result = asyncio.run(fastseed.seed(url, rows=request, seed=7))
    assert result.verify.ok, result.verify.failures()
    return result


def _rows(result: fastseed.SeedResult, table: str) -> int:
    return next(t.rows for n, t in result.plan.tables.items() if n.name == table)


def _parents(dialect: str, *names: str) -> list[str]:
    return [PARENTS[dialect].format(t=t) for t in names]


def test_fk_and_enum_key_holds_the_product(target: tuple[str, str, str]) -> None:
    """user_roles: UNIQUE (user_id, role) with 200 users and 3 roles holds 600 rows."""
    dialect, db, url = target
    role = "role_kind" if dialect == "PG" else "enum('admin','member','viewer')"
    ddl = _parents(dialect, "users")
    if dialect == "PG":
        ddl.append("CREATE TYPE role_kind AS ENUM ('admin', 'member', 'viewer')")
    ddl.append(
        f"CREATE TABLE user_roles (id {'serial' if dialect == 'PG' else 'int AUTO_INCREMENT'} "
        f"PRIMARY KEY, user_id int NOT NULL REFERENCES users (id), role {role} NOT NULL, "
        "UNIQUE (user_id, role))"
    )
    _setup(dialect, db, ddl)
    result = _seed(url, {"users": 200, "user_roles": 600})
    assert _rows(result, "user_roles") == 600
    assert _fetch(dialect, db, "SELECT COUNT(*) FROM user_roles") == [(600,)]
    assert _fetch(dialect, db, "SELECT COUNT(DISTINCT user_id) FROM user_roles") == [(200,)]


def test_permission_key_over_two_fks_and_a_boolean(target: tuple[str, str, str]) -> None:
    """PRIMARY KEY (entity_id, object_id, permission, allowed): FK x FK x enum x boolean."""
    dialect, db, url = target
    perm = "varchar(10) NOT NULL CHECK (permission IN ('read', 'write', 'admin'))"
    ddl = [
        *_parents(dialect, "entities", "objects"),
        "CREATE TABLE acl (entity_id int NOT NULL REFERENCES entities (id), "
        "object_id int NOT NULL REFERENCES objects (id), "
        f"permission {perm}, allowed boolean NOT NULL, "
        "PRIMARY KEY (entity_id, object_id, permission, allowed))",
    ]
    _setup(dialect, db, ddl)
    result = _seed(url, {"entities": 10, "objects": 7, "acl": 1000})
    assert _rows(result, "acl") == 10 * 7 * 3 * 2
    assert any("420 possible" in w for w in result.plan.warnings), result.plan.warnings


def test_overlapping_keys_over_fks_hold_together(target: tuple[str, str, str]) -> None:
    """PRIMARY KEY (uid, cid) plus UNIQUE (uri_id, uid): both hold, at their joint capacity."""
    dialect, db, url = target
    ddl = [
        *_parents(dialect, "members", "channels", "uris"),
        "CREATE TABLE subs (uid int NOT NULL REFERENCES members (id), "
        "cid int NOT NULL REFERENCES channels (id), uri_id int NOT NULL REFERENCES uris (id), "
        "PRIMARY KEY (uid, cid), UNIQUE (uri_id, uid))",
    ]
    _setup(dialect, db, ddl)
    # 50 members x min(20 channels, 8 uris) = 400
    result = _seed(url, {"members": 50, "channels": 20, "uris": 8, "subs": 1000})
    assert _rows(result, "subs") == 400
    dup = "SELECT COUNT(*) FROM (SELECT 1 FROM subs GROUP BY {} HAVING COUNT(*) > 1) d"
    assert _fetch(dialect, db, dup.format("uid, cid")) == [(0,)]
    assert _fetch(dialect, db, dup.format("uri_id, uid")) == [(0,)]


def test_not_equal_fks_in_a_key_and_a_second_key(target: tuple[str, str, str]) -> None:
    """cachegroup_fallbacks: CHECK (primary_cg <> backup_cg), two unique keys."""
    dialect, db, url = target
    ddl = [
        *_parents(dialect, "cachegroups"),
        "CREATE TABLE fallbacks (primary_cg int NOT NULL REFERENCES cachegroups (id), "
        "backup_cg int NOT NULL REFERENCES cachegroups (id), set_order bigint NOT NULL, "
        "CONSTRAINT not_self CHECK (primary_cg <> backup_cg), "
        "UNIQUE (primary_cg, backup_cg), UNIQUE (primary_cg, set_order))",
    ]
    _setup(dialect, db, ddl)
    result = _seed(url, {"cachegroups": 30, "fallbacks": 2000})
    assert _rows(result, "fallbacks") == 30 * 29
    bad = _fetch(dialect, db, "SELECT COUNT(*) FROM fallbacks WHERE primary_cg = backup_cg")
    assert bad == [(0,)]


def test_not_equal_fks_outside_any_key(target: tuple[str, str, str]) -> None:
    """A follower table whose only key is its id: b is still drawn apart from a."""
    dialect, db, url = target
    ident = "serial" if dialect == "PG" else "int AUTO_INCREMENT"
    ddl = [
        *_parents(dialect, "people"),
        f"CREATE TABLE follows (id {ident} PRIMARY KEY, "
        "follower_id int NOT NULL REFERENCES people (id), "
        "followee_id int NOT NULL REFERENCES people (id), "
        "CHECK (follower_id <> followee_id))",
    ]
    _setup(dialect, db, ddl)
    _seed(url, {"people": 5, "follows": 500})
    bad = _fetch(dialect, db, "SELECT COUNT(*) FROM follows WHERE follower_id = followee_id")
    assert bad == [(0,)]


def test_free_column_chosen_by_capacity(target: tuple[str, str, str]) -> None:
    """ofGroupUser: PRIMARY KEY (group_name, username, administrator tinyint) is not capped at
    the tinyint's 127 values."""
    dialect, db, url = target
    admin = "smallint CHECK (administrator BETWEEN 0 AND 1)" if dialect == "PG" else "tinyint"
    ddl = [
        "CREATE TABLE group_users (group_name varchar(50) NOT NULL, "
        f"username varchar(100) NOT NULL, administrator {admin} NOT NULL, "
        "PRIMARY KEY (group_name, username, administrator))"
    ]
    _setup(dialect, db, ddl)
    result = _seed(url, {"group_users": 500})
    assert _rows(result, "group_users") == 500


def test_one_character_key_holds_what_its_type_allows(target: tuple[str, str, str]) -> None:
    """UNIQUE char(1): far more than 26 values, distinct under a case-insensitive collation."""
    dialect, db, url = target
    _setup(
        dialect,
        db,
        ["CREATE TABLE job_seq (id bigint NOT NULL, unique_key char(1) NOT NULL UNIQUE)"],
    )
    result = _seed(url, {"job_seq": 300})
    assert _rows(result, "job_seq") == 300
    folded = _fetch(dialect, db, "SELECT COUNT(DISTINCT upper(unique_key)) FROM job_seq")
    assert folded == [(300,)]


def test_append_continues_a_key_group_over_existing_parents(target: tuple[str, str, str]) -> None:
    """A second run that adds only role rows draws from the users already there, takes the
    combinations the first run left, and is capped at what is left."""
    dialect, db, url = target
    ddl = _parents(dialect, "users")
    ddl.append(
        "CREATE TABLE grants (user_id int NOT NULL REFERENCES users (id), "
        "admin boolean NOT NULL, PRIMARY KEY (user_id, admin))"
    )
    _setup(dialect, db, ddl)
    _seed(url, {"users": 100, "grants": 120})
    result = _seed(url, {"users": 0, "grants": 150})
    assert _rows(result, "grants") == 80
    assert any("80 possible" in w for w in result.plan.warnings), result.plan.warnings
    assert _fetch(dialect, db, "SELECT COUNT(*) FROM grants") == [(200,)]
    again = _seed(url, {"users": 50, "grants": 70})
    assert _rows(again, "grants") == 70


def test_unique_self_reference_is_a_chain(target: tuple[str, str, str]) -> None:
    """replaced_by_id UNIQUE REFERENCES same table: each row points at a distinct row."""
    dialect, db, url = target
    ident = "serial" if dialect == "PG" else "int AUTO_INCREMENT"
    _setup(
        dialect,
        db,
        [
            f"CREATE TABLE versions (id {ident} PRIMARY KEY, "
            "replaced_by_id int NULL UNIQUE REFERENCES versions (id), label varchar(20))"
        ],
    )
    result = _seed(url, {"versions": 300})
    assert _rows(result, "versions") == 300
    got = _fetch(dialect, db, "SELECT COUNT(DISTINCT replaced_by_id) FROM versions")
    assert got == [(299,)]


def test_composite_fk_times_a_boolean_and_a_second_key(target: tuple[str, str, str]) -> None:
    """A two-column FK is one digit; a second key shares it with a small integer."""
    dialect, db, url = target
    ddl = [
        "CREATE TABLE shops (region char(2) NOT NULL, no int NOT NULL, PRIMARY KEY (region, no))",
        "CREATE TABLE slots (region char(2) NOT NULL, no int NOT NULL, "
        "open boolean NOT NULL, pos smallint NOT NULL CHECK (pos BETWEEN 1 AND 4), "
        "PRIMARY KEY (region, no, open), UNIQUE (region, no, pos), "
        "FOREIGN KEY (region, no) REFERENCES shops (region, no))",
    ]
    _setup(dialect, db, ddl)
    result = _seed(url, {"shops": 40, "slots": 1000})
    # 40 shops x min(2 open values, 4 positions)
    assert _rows(result, "slots") == 80
    dup = "SELECT COUNT(*) FROM (SELECT 1 FROM slots GROUP BY {} HAVING COUNT(*) > 1) d"
    assert _fetch(dialect, db, dup.format("region, no, open")) == [(0,)]
    assert _fetch(dialect, db, dup.format("region, no, pos")) == [(0,)]
