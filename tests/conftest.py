"""Fixtures that give each test its own fresh database on the real local servers.

Outside CI a test whose server is unreachable is skipped with the reason; with CI=true it
fails, so CI can never pass without having run the database tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PG_ADMIN = dict(host="127.0.0.1", port=5432, user="root", database="postgres")
MY_ADMIN = dict(host="127.0.0.1", port=3306, user="root", password="")
# real public schemas (DDL + licences), inside the repository so a fresh clone tests alone
SCHEMAS = Path(__file__).resolve().parent / "fixtures" / "schemas"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"database server required in CI: {reason}")
    pytest.skip(reason)


def _pg_run(sql: str, database: str = "postgres") -> None:
    """Run one statement with asyncpg on a short-lived connection."""
    import asyncio

    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(**{**PG_ADMIN, "database": database}, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(go())


def _my_run(sql: str) -> None:
    import pymysql

    conn = pymysql.connect(**MY_ADMIN, connect_timeout=5, autocommit=True)
    try:
        with conn.cursor() as cur:
            # a DROP DATABASE behind a stuck session fails after a minute instead of hanging
            # the whole run (MariaDB waits a year for a metadata lock by default)
            cur.execute("SET SESSION lock_wait_timeout = 60")
            cur.execute(sql)
    finally:
        conn.close()


@pytest.fixture
def pg_db() -> Iterator[str]:
    """The name of a fresh, empty PostgreSQL database, dropped after the test."""
    name = f"fs_test_{uuid.uuid4().hex[:12]}"
    try:
        _pg_run(f'CREATE DATABASE "{name}"')
    except OSError as exc:
        _unavailable(f"PostgreSQL at 127.0.0.1:5432 unreachable: {exc}")
    try:
        yield name
    finally:
        _pg_run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_db: str) -> str:
    return f"postgresql://root@127.0.0.1:5432/{pg_db}"


def pg_execute(database: str, sql: str) -> None:
    """Run a script (several statements) in `database`."""
    _pg_run(sql, database)


def pg_fetch(database: str, sql: str) -> list[tuple[Any, ...]]:
    """The rows of one query in `database`, as tuples."""
    import asyncio

    import asyncpg

    async def go() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(**{**PG_ADMIN, "database": database}, timeout=5)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return asyncio.run(go())


def my_execute(database: str, statements: list[str]) -> None:
    """Run statements one by one in the MariaDB/MySQL `database` (autocommit)."""
    import pymysql

    conn = pymysql.connect(**MY_ADMIN, database=database, autocommit=True, connect_timeout=5)
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
    finally:
        conn.close()


def my_fetch(database: str, sql: str) -> list[tuple[Any, ...]]:
    """The rows of one query in the MariaDB/MySQL `database`, as tuples."""
    import pymysql

    conn = pymysql.connect(**MY_ADMIN, database=database, autocommit=True, connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()]
    finally:
        conn.close()


@pytest.fixture
def my_db() -> Iterator[str]:
    """The name of a fresh, empty MariaDB/MySQL database, dropped after the test."""
    name = f"fs_test_{uuid.uuid4().hex[:12]}"
    try:
        _my_run(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    except Exception as exc:  # pymysql raises OperationalError for refused connections
        if "Can't connect" in str(exc) or isinstance(exc, OSError):
            _unavailable(f"MariaDB at 127.0.0.1:3306 unreachable: {exc}")
        raise
    try:
        yield name
    finally:
        _my_run(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def my_url(my_db: str) -> str:
    return f"mysql://root@127.0.0.1:3306/{my_db}"


@pytest.fixture(autouse=True)
def journal_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's crash journals in its own directory, never the user's cache (child
    `fastseed` processes inherit the variable)."""
    path = tmp_path / "journal"
    monkeypatch.setenv("FASTSEED_JOURNAL_DIR", str(path))
    return path
