"""The loader against the real PostgreSQL server: batches made ahead of their writers, and a
generation failure midway that leaves no rows behind."""

from __future__ import annotations

import asyncio
import threading

import asyncpg
import pytest
from conftest import pg_execute, pg_fetch

import fastseed
from fastseed import load
from fastseed.generate.table import TableGen
from fastseed.plan import RowRequest

pytestmark = pytest.mark.postgres

SCHEMA = """
CREATE TABLE parent (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE child (
    id bigint PRIMARY KEY,
    parent_id bigint NOT NULL REFERENCES parent (id),
    note text
);
"""


def counts(db: str) -> tuple[int, int]:
    async def go() -> tuple[int, int]:
        conn = await asyncpg.connect(host="127.0.0.1", user="root", database=db)
        try:
            row = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM parent), (SELECT count(*) FROM child)"
            )
            return row[0], row[1]
        finally:
            await conn.close()

    return asyncio.run(go())


def seed(url: str, **kwargs) -> fastseed.SeedResult:
    rows = RowRequest(default=0, per_table={"parent": 200, "child": 300})
    return asyncio.run(fastseed.seed(url, rows=rows, seed=7, batch_size=20, **kwargs))


def test_next_tier_batches_are_made_while_this_tier_loads(pg_db, pg_url, monkeypatch):
    """The child's first batch is generated before the parent's last one: the child's
    session does not start by waiting for generation (and the pools it builds)."""
    pg_execute(pg_db, SCHEMA)
    made: list[tuple[str, int]] = []
    lock = threading.Lock()
    real = TableGen.batch

    def batch(self, start, stop):
        with lock:
            made.append((self.table.name.name, start))
        return real(self, start, stop)

    monkeypatch.setattr(TableGen, "batch", batch)
    result = seed(pg_url, streams=1)
    assert result.verify.ok
    assert made.index(("child", 0)) < made.index(("parent", 180))
    assert sorted(made) == sorted(
        [("parent", s) for s in range(0, 200, 20)] + [("child", s) for s in range(0, 300, 20)]
    )


@pytest.mark.parametrize("fast", [False, True])
def test_generation_failing_midway_leaves_no_rows(pg_db, pg_url, monkeypatch, fast):
    """A batch that cannot be made ends the run with that error, and every row the run
    wrote (the parents, committed in an earlier tier, and the child's first batches) is
    removed: no cut-off table is committed."""
    pg_execute(pg_db, SCHEMA)
    real = TableGen.batch

    def batch(self, start, stop):
        if self.table.name.name == "child" and start == 140:
            raise RuntimeError("generator broke at row 140")
        return real(self, start, stop)

    monkeypatch.setattr(TableGen, "batch", batch)
    with pytest.raises(fastseed.LoadError, match="generator broke at row 140"):
        seed(pg_url, fast=fast)
    assert counts(pg_db) == (0, 0)


def test_a_database_without_tables_seeds_nothing_and_passes(pg_url):
    result = asyncio.run(fastseed.seed(pg_url, rows=RowRequest(10)))
    assert result.verify.ok and result.load.total == 0


def test_a_batch_closes_at_its_byte_limit(pg_db, pg_url, monkeypatch):
    """Wide rows close a batch before its row limit (as pgloader's batch size): every batch
    the loader asks for holds at most about BATCH_BYTES of values, and all rows arrive."""
    pg_execute(pg_db, SCHEMA)
    monkeypatch.setattr(load, "BATCH_BYTES", 1500)
    sizes: list[tuple[str, int]] = []
    real = TableGen.batch

    def batch(self, start, stop):
        made = real(self, start, stop)
        sizes.append((self.table.name.name, made.size, made.nbytes()))
        return made

    monkeypatch.setattr(TableGen, "batch", batch)
    rows = RowRequest(default=0, per_table={"parent": 200, "child": 300})
    result = asyncio.run(fastseed.seed(pg_url, rows=rows, seed=7, batch_size=100, streams=1))
    assert result.verify.ok and counts(pg_db) == (200, 300)
    written = [s for s in sizes if s[1] != load._SAMPLE_ROWS]  # not the sample that sizes them
    assert all(n < 100 for _, n, _ in written)  # the byte limit, not the row limit
    assert written and max(b for _, _, b in written) <= 2 * 1500


def test_a_child_starts_once_its_own_parents_are_committed(pg_db, pg_url, monkeypatch):
    """`child` waits for `parent`, not for `audit_log`, an unrelated table of the same tier
    that is still loading: the child's rows are written before audit_log's last batch."""
    pg_execute(pg_db, SCHEMA + "CREATE TABLE audit_log (id bigint PRIMARY KEY, note text);")
    events: list[tuple[str, str]] = []
    real = load._write_all

    async def write_all(session, table, *args):
        events.append(("start", table.name.name))
        await real(session, table, *args)
        events.append(("end", table.name.name))

    monkeypatch.setattr(load, "_write_all", write_all)
    rows = RowRequest(default=0, per_table={"parent": 20, "child": 20, "audit_log": 4000})
    result = asyncio.run(fastseed.seed(pg_url, rows=rows, seed=7, batch_size=20, streams=1))
    assert result.verify.ok
    assert events.index(("end", "child")) < events.index(("end", "audit_log"))


SMALL_TABLES = (
    "".join(f"CREATE TABLE t{i} (id bigint PRIMARY KEY, name text NOT NULL);" for i in range(6))
    + "CREATE TABLE big (id bigint PRIMARY KEY, t0_id bigint REFERENCES t0 (id));"
)


def test_small_tables_share_sessions(pg_db, pg_url, monkeypatch):
    """Six tables of a tenth of a batch each go in by `streams` sessions, not six; a bigger
    table keeps its own; every row arrives and verifies."""
    pg_execute(pg_db, SMALL_TABLES)
    opened: list[list[str]] = []
    real = load._load_session

    async def load_session(adapter, feeds, group, *args):
        opened.append(sorted(t.name for unit, _ in group for t in unit.tables))
        await real(adapter, feeds, group, *args)

    monkeypatch.setattr(load, "_load_session", load_session)
    per_table = {f"t{i}": 30 + i for i in range(6)} | {"big": 200}
    rows = RowRequest(default=0, per_table=per_table)
    result = asyncio.run(fastseed.seed(pg_url, rows=rows, seed=7, batch_size=500, streams=2))
    assert result.verify.ok
    assert sorted(map(len, opened)) == [1, 3, 3]  # t0..t5 dealt to two sessions
    assert opened.count(["big"]) == 1
    counted = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in per_table)
    assert dict(pg_fetch(pg_db, counted)) == per_table


def test_sessions_deal_small_jobs_to_the_least_loaded():
    """Unit check of the dealing: biggest first, each to the session with the fewest rows;
    a deferred unit or a multi-batch job is never shared; a lone small job keeps its own."""
    from types import SimpleNamespace

    def unit(name, deferred=()):
        return SimpleNamespace(tables=(name,), deferred=deferred)

    rows = {"a": 40, "b": 30, "c": 20, "d": 10, "e": 50, "f": 5}
    plan = SimpleNamespace(tables={n: SimpleNamespace(rows=r) for n, r in rows.items()})
    jobs = [(unit(n), None) for n in "abcde"] + [(unit("f", deferred=("x",)), None)]
    groups = load._sessions(plan, jobs, 2, 400)
    names = [[u.tables[0] for u, _ in g] for g in groups]
    assert names == [["a", "d"], ["b", "c"], ["e"], ["f"]]
    alone = load._sessions(plan, [(unit("a"), None), (unit("e"), None)], 2, 400)
    assert [[u.tables[0] for u, _ in g] for g in alone] == [["e"], ["a"]]
