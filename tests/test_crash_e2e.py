"""A run killed with SIGKILL is undone by `fastseed undo URL`; two runs at once take turns.

Both against the real servers, with child `fastseed` processes (the crash journal lives in
the per-test directory conftest's `journal_dir` sets through FASTSEED_JOURNAL_DIR).
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import asyncpg
import pymysql
import pytest
from audit import audit_my, audit_pg
from conftest import MY_ADMIN, my_fetch, pg_execute, pg_fetch


def fastseed(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastseed", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_seed(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "fastseed", "seed", url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


SCHEMA = [
    "CREATE TABLE users (id int PRIMARY KEY, email varchar(60) NOT NULL UNIQUE)",
    "CREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL,"
    " note varchar(40), FOREIGN KEY (user_id) REFERENCES users (id))",
    "CREATE TABLE items (id int PRIMARY KEY, order_id int NOT NULL,"
    " FOREIGN KEY (order_id) REFERENCES orders (id))",
    "INSERT INTO users VALUES (1, 'kept@example.com'), (7, 'also@example.com')",
    "INSERT INTO orders VALUES (1, 7, 'old order')",
]
SNAPSHOT = {
    "users": "SELECT id, email FROM users ORDER BY id",
    "orders": "SELECT id, user_id, note FROM orders ORDER BY id",
    "items": "SELECT count(*) FROM items",
}
KILL_ROWS = ["--rows", "users=20000", "--rows", "orders=200000", "--rows", "items=3000000"]


def kill_mid_load(url: str, fetch: Callable[[str], list[tuple[Any, ...]]]) -> str:
    """Start a seed, SIGKILL it once users and orders are committed and items is loading."""
    proc = start_seed(url, *KILL_ROWS, "--streams", "2")
    deadline = time.monotonic() + 120
    while fetch("SELECT count(*) FROM orders")[0][0] < 200001:
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    time.sleep(1.5)  # items is being written now (some of its parts may have committed)
    proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    return err


def crash_then_undo(url: str, fetch: Callable[[str], list[tuple[Any, ...]]], problems) -> None:
    before = {t: fetch(sql) for t, sql in SNAPSHOT.items()}
    kill_mid_load(url, fetch)
    assert fetch("SELECT count(*) FROM users")[0][0] == 20002  # the crash left rows

    # the next seed says so, and how to undo it (here it then stops: tables hold rows)
    nxt = fastseed("seed", url, "--rows", "1", "--on-existing", "fail")
    assert nxt.returncode == 3, nxt.stderr
    db = url.rsplit("/", 1)[1]
    assert "unfinished fastseed run" in nxt.stderr, nxt.stderr
    assert "`fastseed undo " in nxt.stderr and f"/{db}`" in nxt.stderr, nxt.stderr

    refused = fastseed("undo", url)  # not a terminal and no --yes: nothing removed
    assert refused.returncode == 4, refused.stderr
    assert "users" in refused.stdout and "--yes" in refused.stderr
    assert fetch("SELECT count(*) FROM users")[0][0] == 20002

    done = fastseed("undo", url, "--yes")
    assert done.returncode == 0, done.stderr
    assert "removed" in done.stdout
    assert {t: fetch(sql) for t, sql in SNAPSHOT.items()} == before
    assert not problems()

    again = fastseed("undo", url, "--yes")
    assert again.returncode == 0 and "nothing to undo" in again.stdout


@pytest.mark.postgres
def test_pg_sigkill_then_undo_restores_the_database(pg_db, pg_url, journal_dir):
    pg_execute(pg_db, ";".join(SCHEMA))
    crash_then_undo(
        pg_url,
        lambda sql: pg_fetch(pg_db, sql),
        lambda: audit_pg(pg_db).problems(lambda t: None),
    )
    assert not list(journal_dir.iterdir())


@pytest.mark.mysql
def test_mysql_sigkill_then_undo_restores_the_database(my_db, my_url, journal_dir):
    for sql in SCHEMA:
        my_fetch(my_db, sql)
    crash_then_undo(
        my_url,
        lambda sql: my_fetch(my_db, sql),
        lambda: audit_my(my_db).problems(lambda t: None),
    )
    assert not list(journal_dir.iterdir())


def two_runs_take_turns(url: str, fetch: Callable[[str], list[tuple[Any, ...]]], problems) -> None:
    rows = ["--rows", "users=3000", "--rows", "orders=30000", "--rows", "items=60000"]
    first = start_seed(url, *rows, "--seed", "1")
    second = start_seed(url, *rows, "--seed", "2")
    outs = [p.communicate(timeout=300) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    assert any("waiting for another fastseed run" in err for _, err in outs), outs
    assert fetch("SELECT count(*) FROM users") == [(6002,)]
    assert fetch("SELECT count(*) FROM orders") == [(60001,)]
    assert fetch("SELECT count(*) FROM items") == [(120000,)]
    assert not problems()


@pytest.mark.postgres
def test_pg_two_runs_at_once_take_turns(pg_db, pg_url):
    pg_execute(pg_db, ";".join(SCHEMA))
    two_runs_take_turns(
        pg_url,
        lambda sql: pg_fetch(pg_db, sql),
        lambda: audit_pg(pg_db).problems(lambda t: None),
    )


@pytest.mark.mysql
def test_mysql_two_runs_at_once_take_turns(my_db, my_url):
    for sql in SCHEMA:
        my_fetch(my_db, sql)
    two_runs_take_turns(
        my_url,
        lambda sql: my_fetch(my_db, sql),
        lambda: audit_my(my_db).problems(lambda t: None),
    )


@pytest.mark.postgres
def test_pg_lock_timeout_is_its_own_error(pg_db, pg_url):
    pg_execute(pg_db, ";".join(SCHEMA))

    async def held() -> subprocess.CompletedProcess[str]:
        conn = await asyncpg.connect(host="127.0.0.1", user="root", database=pg_db)
        try:
            await conn.execute("SELECT pg_advisory_lock(1718838628, hashtext(current_database()))")
            return await asyncio.to_thread(fastseed, "seed", pg_url, "--lock-timeout", "1")
        finally:
            await conn.close()

    out = asyncio.run(held())
    assert out.returncode == 8, out.stderr
    assert "another fastseed run" in out.stderr and "--lock-timeout" in out.stderr
    assert pg_fetch(pg_db, "SELECT count(*) FROM users") == [(2,)]


@pytest.mark.mysql
def test_mysql_lock_timeout_is_its_own_error(my_db, my_url):
    for sql in SCHEMA:
        my_fetch(my_db, sql)
    conn = pymysql.connect(**MY_ADMIN, database=my_db, autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT GET_LOCK(CONCAT('fastseed:', SHA1(DATABASE())), 0)")
            assert cur.fetchone() == (1,)
        out = fastseed("seed", my_url, "--lock-timeout", "1")
    finally:
        conn.close()
    assert out.returncode == 8, out.stderr
    assert "another fastseed run" in out.stderr and "--lock-timeout" in out.stderr
    assert my_fetch(my_db, "SELECT count(*) FROM users") == [(2,)]
