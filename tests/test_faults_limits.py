"""Fault injection: lock waits on a table another session holds, statement timeouts, and
users who may not write (read-only, or no privileges on one table)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
import pymysql
import pytest
from conftest import MY_ADMIN, PG_ADMIN
from faults import (
    POINTS,
    TABLES,
    Target,
    check,
    check_undone,
    fastseed_undo,
    figures,  # noqa: F401  (the session fixture)
    rng,
    run_fastseed,
    seed_args,
    target,
)

DIALECTS = ["postgres", "mysql"]


def _hold_lock(t: Target, table: str, locked: threading.Event, release: threading.Event) -> None:
    """Hold a lock that lets others read `table` but not write it, until `release`."""
    if t.dialect == "postgres":
        import asyncio

        async def go() -> None:
            conn = await asyncpg.connect(**{**PG_ADMIN, "database": t.name})
            try:
                async with conn.transaction():
                    await conn.execute(f"LOCK TABLE {table} IN SHARE MODE")  # CREATE INDEX's
                    locked.set()
                    await asyncio.to_thread(release.wait, 120)
            finally:
                await conn.close()

        asyncio.run(go())
        return
    conn = pymysql.connect(**MY_ADMIN, database=t.name)
    try:
        with conn.cursor() as cur:
            cur.execute(f"LOCK TABLES {table} READ")
            locked.set()
            release.wait(120)
            cur.execute("UNLOCK TABLES")
    finally:
        conn.close()


@pytest.mark.parametrize("point", range(POINTS))
@pytest.mark.parametrize("dialect", DIALECTS)
def test_lock_wait_is_bounded(dialect: str, point: int, figures) -> None:  # noqa: F811
    """Another session holds a table: a short hold is waited out, a long one ends the run
    after the lock timeout (3 x --timeout, 3 s) with a message that says so."""
    r = rng("lock wait", dialect, point)
    table = r.choice(TABLES)
    hold = r.choice([0.5, None])  # seconds, or until the run ends
    with target(dialect) as t:
        locked, release = threading.Event(), threading.Event()
        holder = threading.Thread(target=_hold_lock, args=(t, table, locked, release))
        holder.start()
        try:
            assert locked.wait(30)
            if hold is not None:
                threading.Timer(hold, release.set).start()
            run = run_fastseed(seed_args(t.url(), "--timeout", "1"))
        finally:
            release.set()
            holder.join(30)
        if hold is None:
            assert run.code == 1, run.stderr
            line = run.error_line()
            assert table in line and "another session holds a lock" in line, line
            if "then the undo failed" in line:
                # MySQL/MariaDB: deleting the parent rows of a held table needs a lock on it
                # too, held past the undo's bounded retries: the run says its rows stay and
                # how to remove them, which works once the lock is gone
                assert "stay" in line and "`fastseed undo " in line, line
                cleaned = fastseed_undo(t.url())
                assert cleaned.code == 0 and "removed the rows" in cleaned.stdout, cleaned
        check(figures, "lock wait", t, run, injected=True)


@contextmanager
def _user(t: Target, grants: list[str], options: str = "") -> Iterator[str]:
    """A login of its own with just `grants` on the target database; dropped after."""
    name = f"fsf_{uuid.uuid4().hex[:8]}"
    if t.dialect == "postgres":
        t.execute(f"CREATE ROLE {name} LOGIN; GRANT USAGE ON SCHEMA public TO {name};")
        if options:
            t.execute(f"ALTER ROLE {name} {options}")
        for grant in grants:
            t.execute(grant.format(user=name))
        try:
            yield name
        finally:
            t.execute(f"DROP OWNED BY {name}; DROP ROLE {name}")
        return
    t.execute(f"CREATE USER '{name}'@'%' {options}")
    for grant in grants:
        t.execute(grant.format(user=f"'{name}'@'%'", db=f"`{t.name}`"))
    try:
        yield name
    finally:
        for pid in t.sessions():
            t.kill(pid)
        t.execute(f"DROP USER '{name}'@'%'")


def _privileges(dialect: str, kind: str, table: str) -> list[str]:
    """Grants of a read-only user, or of one with every privilege but on `table`."""
    if dialect == "postgres":
        read = ["GRANT SELECT ON ALL TABLES IN SCHEMA public TO {user}"]
        if kind == "read-only":
            return read
        return [
            "GRANT ALL ON ALL TABLES IN SCHEMA public TO {user}",
            "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {user}",
            f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {{user}}",
        ]
    if kind == "read-only":
        return ["GRANT SELECT ON {db}.* TO {user}"]
    grants = ["GRANT SELECT ON {db}.* TO {user}"]
    grants += [
        f"GRANT INSERT, UPDATE, DELETE ON {{db}}.{other} TO {{user}}"
        for other in TABLES
        if other != table
    ]
    return grants


@pytest.mark.parametrize("point", range(POINTS))
@pytest.mark.parametrize("dialect", DIALECTS)
def test_permission_denied_has_its_own_exit_code(dialect: str, point: int, figures) -> None:  # noqa: F811
    r = rng("permission", dialect, point)
    kind = r.choice(["read-only", "one table"])
    table = r.choice(TABLES)
    with target(dialect) as t, _user(t, _privileges(dialect, kind, table)) as user:
        run = run_fastseed(seed_args(t.url(user=user)))
        assert run.code == 7, run.stderr
        line = run.error_line()
        assert line.startswith("error: permission denied"), line
        if kind == "one table":
            assert table in line, line
        check_undone(figures, f"permission {kind}", t, run)


def _statement_limit(t: Target, ms: int) -> Any:
    """A user whose statements the server cancels after `ms` milliseconds."""
    if t.dialect == "postgres":
        grants = [
            "GRANT ALL ON ALL TABLES IN SCHEMA public TO {user}",
            "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {user}",
        ]
        return _user(t, grants, f"SET statement_timeout = {ms}")
    grants = ["GRANT ALL ON {db}.* TO {user}"]
    return _user(t, grants, f"WITH MAX_STATEMENT_TIME {ms / 1000:g}")


@pytest.mark.parametrize("point", range(POINTS))
@pytest.mark.parametrize("dialect", DIALECTS)
def test_statement_timeout(dialect: str, point: int, figures) -> None:  # noqa: F811
    """The server cancels a statement that runs too long: the run fails and is undone."""
    ms = rng("statement timeout", dialect, point).randint(20, 200)
    with target(dialect) as t, _statement_limit(t, ms) as user:
        run = run_fastseed(seed_args(t.url(user=user)))
        if run.code != 0:
            assert run.code == 1, run.stderr
            line = run.error_line()
            assert "statement timeout" in line or "max_statement_time" in line, line
        check(figures, "statement timeout", t, run, injected=run.code != 0)
