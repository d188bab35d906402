"""`fastseed verify --prove-fks`: every FK's orphans counted (composite ones too) and, on
PostgreSQL, FKs held NOT VALID validated by the server once they are found clean."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
from conftest import my_execute, pg_execute, pg_fetch

from fastseed import api

PG_SCHEMA = """
CREATE TABLE shops (region int NOT NULL, code int NOT NULL, PRIMARY KEY (region, code));
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users (id),
                     region int, code int,
                     CONSTRAINT orders_shop FOREIGN KEY (region, code) REFERENCES shops);
INSERT INTO shops VALUES (1, 1), (1, 2), (2, 1);
INSERT INTO users SELECT generate_series(1, 5);
INSERT INTO orders VALUES (1, 1, 1, 1), (2, 5, 1, 2), (3, NULL, 2, 1), (4, 2, NULL, 7);
"""
MY_SCHEMA = [
    "CREATE TABLE shops (region int NOT NULL, code int NOT NULL, PRIMARY KEY (region, code))",
    "CREATE TABLE users (id int PRIMARY KEY)",
    "CREATE TABLE orders (id int PRIMARY KEY, user_id int, region int, code int,"
    " CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id),"
    " CONSTRAINT orders_shop FOREIGN KEY (region, code) REFERENCES shops (region, code))",
    "INSERT INTO shops VALUES (1, 1), (1, 2), (2, 1)",
    "INSERT INTO users VALUES (1), (2), (3), (4), (5)",
    "INSERT INTO orders VALUES (1, 1, 1, 1), (2, 5, 1, 2), (3, NULL, 2, 1), (4, 2, NULL, 7)",
]
# rows a load with FK checks off could leave: one order of a missing shop (2, 2), two of a
# missing user; (NULL, 7) above matches nothing but is no orphan (MATCH SIMPLE)
PG_ORPHANS = """
SET session_replication_role = replica;
INSERT INTO orders VALUES (5, 9, 2, 2), (6, 8, 1, 1);
"""
MY_ORPHANS = [
    "SET FOREIGN_KEY_CHECKS = 0",
    "INSERT INTO orders VALUES (5, 9, 2, 2), (6, 8, 1, 1)",
]


def prove(url: str) -> tuple[int, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "fastseed", "verify", url, "--prove-fks", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, json.loads(done.stdout)


def by_name(data: dict[str, object]) -> dict[str, dict[str, object]]:
    fks = data["foreign_keys"]
    assert isinstance(fks, list)
    return {f["fk"]: f for f in fks}


@pytest.mark.parametrize("dialect", ["postgres", "mariadb"])
def test_orphans_written_with_fk_checks_off_are_found_per_fk(
    dialect: str, request: pytest.FixtureRequest
) -> None:
    if dialect == "postgres":
        db = request.getfixturevalue("pg_db")
        url = f"postgresql://root@127.0.0.1:5432/{db}"
        pg_execute(db, PG_SCHEMA)
        user_fk = "orders_user_id_fkey"
    else:
        db = request.getfixturevalue("my_db")
        url = f"mysql://root@127.0.0.1:3306/{db}"
        my_execute(db, MY_SCHEMA)
        user_fk = "orders_user"
    code, clean = prove(url)
    assert code == 0 and clean["ok"], clean
    assert {n: f["orphans"] for n, f in by_name(clean).items()} == {user_fk: 0, "orders_shop": 0}

    if dialect == "postgres":
        pg_execute(db, PG_ORPHANS)
    else:
        my_execute(db, MY_ORPHANS)
    code, found = prove(url)
    assert code == 5 and not found["ok"]
    fks = by_name(found)
    assert fks[user_fk]["orphans"] == 2 and fks["orders_shop"]["orphans"] == 1
    assert fks[user_fk]["parent"].endswith("users") and not fks[user_fk]["ok"]
    assert any("orders_shop" in line for line in found["failures"])  # type: ignore[attr-defined]


def test_not_valid_fks_are_validated_by_the_server_once_clean(pg_db: str) -> None:
    url = f"postgresql://root@127.0.0.1:5432/{pg_db}"
    pg_execute(pg_db, PG_SCHEMA)
    # what a fast load interrupted before VALIDATE leaves, or a user's own NOT VALID FKs
    pg_execute(
        pg_db,
        "ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey, DROP CONSTRAINT orders_shop;"
        "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) "
        "REFERENCES users NOT VALID, ADD CONSTRAINT orders_shop FOREIGN KEY (region, code) "
        "REFERENCES shops NOT VALID;" + PG_ORPHANS + "DELETE FROM orders WHERE id = 5;",
    )

    def validated() -> dict[str, bool]:
        sql = "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f'"
        return dict(pg_fetch(pg_db, sql))  # type: ignore[arg-type]

    # plain verify reads only; the orphan of order 6 keeps its FK from being validated
    assert not asyncio.run(api.verify_url(url)).ok
    assert validated() == {"orders_user_id_fkey": False, "orders_shop": False}
    result = asyncio.run(api.verify_url(url, prove_fks=True))
    assert not result.ok
    states = {f.name: (f.orphans, f.validated, f.unvalidated) for f in result.foreign_keys or ()}
    assert states == {"orders_user_id_fkey": (1, False, True), "orders_shop": (0, True, False)}
    assert validated() == {"orders_user_id_fkey": False, "orders_shop": True}

    pg_execute(pg_db, "DELETE FROM orders WHERE id = 6")
    code, data = prove(url)
    assert code == 0, data
    assert {n: f["server"] for n, f in by_name(data).items()} == {
        "orders_user_id_fkey": "validated now",
        "orders_shop": "unchanged",
    }
    assert validated() == {"orders_user_id_fkey": True, "orders_shop": True}
