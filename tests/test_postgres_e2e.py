"""Seed and verify real schemas on the local PostgreSQL server, end to end."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import asyncpg
import pytest
from conftest import SCHEMAS, pg_execute

import fastseed
from fastseed.plan import RowRequest

pytestmark = pytest.mark.postgres

HARD_SCHEMA = """
CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s, "great"');
CREATE DOMAIN positive_price AS numeric(8,2) CHECK (VALUE > 0);
CREATE TABLE "user accounts" (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "e-mail" varchar(40) NOT NULL UNIQUE,
    manager_id bigint REFERENCES "user accounts" (id),
    mood mood NOT NULL,
    score numeric(5,2) NOT NULL CHECK (score BETWEEN 0 AND 100),
    code char(3) NOT NULL,
    name_upper text GENERATED ALWAYS AS (upper("e-mail")) STORED
);
CREATE TABLE "order" (
    region char(2) NOT NULL,
    no integer NOT NULL,
    account_id bigint NOT NULL REFERENCES "user accounts" (id),
    price positive_price NOT NULL,
    status text NOT NULL CHECK (status IN ('new', 'paid', 'gone')),
    PRIMARY KEY (region, no)
);
CREATE TABLE order_line (
    region char(2) NOT NULL,
    no integer NOT NULL,
    line smallint NOT NULL,
    qty integer NOT NULL CHECK (qty > 0 AND qty <= 10),
    PRIMARY KEY (region, no, line),
    FOREIGN KEY (region, no) REFERENCES "order" (region, no)
);
CREATE TABLE team (id serial PRIMARY KEY, captain_id integer NOT NULL);
CREATE TABLE player (id serial PRIMARY KEY, team_id integer REFERENCES team (id));
ALTER TABLE team ADD FOREIGN KEY (captain_id) REFERENCES player (id);
CREATE TABLE egg (id int PRIMARY KEY, hen_id int NOT NULL);
CREATE TABLE hen (id int PRIMARY KEY, egg_id int NOT NULL REFERENCES egg (id)
                  DEFERRABLE INITIALLY IMMEDIATE);
ALTER TABLE egg ADD FOREIGN KEY (hen_id) REFERENCES hen (id) DEFERRABLE;
CREATE UNIQUE INDEX one_open_order ON "order" (account_id) WHERE status = 'new';
"""


def seed(url: str, rows, seed: int = 42) -> fastseed.SeedResult:
    request = rows if isinstance(rows, RowRequest) else RowRequest(rows)
    return asyncio.run(fastseed.seed(url, rows=request, seed=seed))


def fetch(db: str, sql: str):
    async def go():
        conn = await asyncpg.connect(host="127.0.0.1", user="root", database=db)
        try:
            return await conn.fetch(sql)
        finally:
            await conn.close()

    return asyncio.run(go())


def load_schema(db: str, name: str) -> None:
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "root",
            "-d",
            db,
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-f",
            str(SCHEMAS / name / "postgres.sql"),
        ],
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize(
    "schema", ["pagila", "chinook", "northwind", "sakila", "kanboard", "quartz"]
)
def test_shared_schema_seeds_and_verifies(pg_db, pg_url, schema):
    load_schema(pg_db, schema)
    planned = subprocess.run(
        [sys.executable, "-m", "fastseed", "plan", pg_url, "--rows", "1000"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert planned.returncode == 0, planned.stderr
    assert "dependency tiers" in planned.stdout and "rows to write" in planned.stdout
    result = seed(pg_url, 1000)
    assert result.verify.ok, result.verify.failures()
    for check in result.verify.tables:
        assert check.rows > 0, f"{check.table} is empty"
    assert result.load.total == sum(t.rows for t in result.plan.tables.values())


def test_hard_schema_seeds_verifies_and_keeps_sequences_usable(pg_db, pg_url):
    pg_execute(pg_db, HARD_SCHEMA)
    result = seed(pg_url, 300)
    assert result.verify.ok, result.verify.failures()
    counts = {str(c.table): c.rows for c in result.verify.tables}
    assert counts["public.user accounts"] == 300 and counts["public.order_line"] == 300
    # identity and serial sequences were moved past the loaded keys
    pg_execute(
        pg_db,
        """INSERT INTO "user accounts" ("e-mail", mood, score, code)
                         VALUES ('new@example.com', 'ok', 1, 'abc');
                         INSERT INTO player (team_id) VALUES (NULL);""",
    )
    moods = {r[0] for r in fetch(pg_db, 'SELECT DISTINCT mood::text FROM "user accounts"')}
    assert moods <= {"sad", "ok", 'it\'s, "great"'}
    emails = fetch(pg_db, 'SELECT "e-mail", name_upper FROM "user accounts" LIMIT 5')
    assert all(r[1] == r[0].upper() for r in emails)


def test_same_seed_same_data_different_seed_different(pg_db, pg_url):
    load_schema(pg_db, "chinook")
    seed(pg_url, 200, seed=7)
    first = fetch(pg_db, "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM track t")
    pg_execute(
        pg_db,
        "TRUNCATE invoice_line, invoice, customer, employee, track, album, artist,"
        " genre, media_type, playlist, playlist_track CASCADE",
    )
    seed(pg_url, 200, seed=7)
    again = fetch(pg_db, "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM track t")
    assert first == again
    pg_execute(
        pg_db,
        "TRUNCATE invoice_line, invoice, customer, employee, track, album, artist,"
        " genre, media_type, playlist, playlist_track CASCADE",
    )
    seed(pg_url, 200, seed=8)
    other = fetch(pg_db, "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM track t")
    assert other != first


def test_appending_keeps_existing_rows_and_starts_keys_after_them(pg_db, pg_url):
    pg_execute(
        pg_db,
        """CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE NOT NULL);
                         INSERT INTO users VALUES (500, 'keep@example.com');""",
    )
    result = seed(pg_url, 100)
    assert result.verify.ok
    rows = fetch(pg_db, "SELECT min(id), max(id), count(*) FROM users WHERE id <> 500")
    assert tuple(rows[0]) == (501, 600, 100)
    assert fetch(pg_db, "SELECT email FROM users WHERE id = 500")[0][0] == "keep@example.com"


def test_failed_load_leaves_no_rows_behind(pg_db, pg_url):
    # a CHECK fastseed cannot parse and values violate: the load fails, earlier tiers undone
    pg_execute(
        pg_db,
        """CREATE TABLE parent (id int PRIMARY KEY);
                         INSERT INTO parent VALUES (1000000);
                         CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL
                             REFERENCES parent (id), a int NOT NULL, b int NOT NULL,
                             CHECK (a > b * 1000000));""",
    )
    with pytest.raises(fastseed.LoadError, match="child"):
        seed(pg_url, 50)
    assert [tuple(r) for r in fetch(pg_db, "SELECT id FROM parent")] == [(1000000,)]
    assert fetch(pg_db, "SELECT count(*) FROM child")[0][0] == 0


def test_verify_reports_orphans(pg_db, pg_url):
    # PostgreSQL never holds duplicate unique keys; orphans appear through NOT VALID FKs
    pg_execute(
        pg_db,
        """CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));
                         CREATE TABLE c (id int PRIMARY KEY, a int, b int);
                         INSERT INTO p VALUES (1, 1);
                         INSERT INTO c VALUES (1, 1, 1), (2, 1, 2), (3, NULL, 2), (4, 2, 2);
                         ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (a, b) REFERENCES p (a, b)
                             NOT VALID;""",
    )
    result = asyncio.run(fastseed.verify_url(pg_url))
    assert not result.ok
    assert result.failures() == ["public.c: 2 orphaned rows for FK c_p"]


CATALOG_SNAPSHOT = """
SELECT conrelid::regclass::text, conname, contype::text, pg_get_constraintdef(oid),
       convalidated, condeferrable, condeferred
FROM pg_constraint WHERE connamespace = 'public'::regnamespace
UNION ALL
SELECT tablename, indexname, 'i', indexdef, true, false, false FROM pg_indexes
WHERE schemaname = 'public'
ORDER BY 1, 2, 3
"""

FAST_SCHEMA = """
CREATE TABLE team (id int PRIMARY KEY, captain_id int NOT NULL);
CREATE TABLE player (id int PRIMARY KEY, team_id int NOT NULL REFERENCES team (id)
                     DEFERRABLE INITIALLY DEFERRED, mentor_id int REFERENCES player (id));
ALTER TABLE team ADD CONSTRAINT team_captain FOREIGN KEY (captain_id) REFERENCES player (id);
CREATE TABLE game (home int, day date, PRIMARY KEY (home, day),
                   FOREIGN KEY (home) REFERENCES team (id) ON DELETE CASCADE);
CREATE TABLE ticket (id int PRIMARY KEY, home int NOT NULL, day date NOT NULL,
                     price numeric(6,2) NOT NULL,
                     FOREIGN KEY (home, day) REFERENCES game (home, day) MATCH FULL);
CREATE TABLE note (id int PRIMARY KEY, ticket_id int);
INSERT INTO note VALUES (1, 999);
ALTER TABLE note ADD CONSTRAINT note_ticket FOREIGN KEY (ticket_id) REFERENCES ticket (id)
    NOT VALID;
"""


SKIPPED = "FK triggers skipped while loading, orphans counted after"
DROPPED = "FKs dropped while loading, re-added NOT VALID and VALIDATEd after"
OWNER = "fs_test_owner"


def _fast_setup(pg_db: str, pg_url: str, how: str, extra: str = "") -> str:
    """FAST_SCHEMA for the way fast mode should take: 'superuser' skips FK triggers; a user
    trigger on a loaded table, or a plain owner, makes it drop and re-add the FKs."""
    if how == "owner":
        pg_execute(
            pg_db,
            f"""DO $$ BEGIN CREATE ROLE {OWNER} LOGIN;
                EXCEPTION WHEN duplicate_object THEN NULL; END $$;
                GRANT CREATE, USAGE ON SCHEMA public TO {OWNER};
                SET ROLE {OWNER};"""
            + FAST_SCHEMA
            + extra,
        )
        return pg_url.replace("root@", f"{OWNER}@")
    if how == "trigger":
        extra += """CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql
                        AS $$ BEGIN RETURN NEW; END $$;
                    CREATE TRIGGER keep BEFORE INSERT ON game
                        FOR EACH ROW EXECUTE FUNCTION keep();"""
    pg_execute(pg_db, FAST_SCHEMA + extra)
    return pg_url


@pytest.mark.parametrize(
    ("how", "method"), [("superuser", SKIPPED), ("trigger", DROPPED), ("owner", DROPPED)]
)
def test_fast_mode_restores_the_schema_exactly(pg_db, pg_url, how, method):
    url = _fast_setup(pg_db, pg_url, how)
    before = fetch(pg_db, CATALOG_SNAPSHOT)
    result = asyncio.run(fastseed.seed(url, rows=RowRequest(300), seed=1, fast=True))
    assert result.load.fast_method == method
    assert result.verify.failures() == ["public.note: 1 orphaned rows for FK note_ticket"]
    # validated FKs need no orphan query; the one that was NOT VALID before is still counted
    assert {fk for _, fk in result.load.proven_fks} == {
        "player_team_id_fkey",
        "player_mentor_id_fkey",
        "team_captain",
        "game_home_fkey",
        "ticket_home_day_fkey",
    }
    assert fetch(pg_db, CATALOG_SNAPSHOT) == before
    assert fetch(pg_db, "SELECT count(*) FROM ticket")[0][0] == 300


@pytest.mark.parametrize("how", ["superuser", "trigger", "owner"])
def test_fast_mode_restores_the_schema_when_the_load_fails(pg_db, pg_url, how):
    url = _fast_setup(pg_db, pg_url, how, "ALTER TABLE ticket ADD CHECK (price * 0 > 1);")
    before = fetch(pg_db, CATALOG_SNAPSHOT)
    with pytest.raises(fastseed.LoadError, match="ticket"):
        asyncio.run(fastseed.seed(url, rows=RowRequest(300), seed=1, fast=True))
    assert fetch(pg_db, CATALOG_SNAPSHOT) == before
    assert fetch(pg_db, "SELECT count(*) FROM team")[0][0] == 0
    assert fetch(pg_db, "SELECT id FROM note") == fetch(pg_db, "SELECT 1 AS id")


@pytest.mark.parametrize("how", ["superuser", "trigger"])
def test_fast_mode_fails_and_undoes_when_a_foreign_key_does_not_hold(pg_db, pg_url, how):
    # a row that slipped in with the FK triggers off: the check after the load finds it
    url = _fast_setup(
        pg_db,
        pg_url,
        how,
        """SET session_replication_role = replica;
           INSERT INTO ticket VALUES (77, 999, '2020-01-01', 1);
           RESET session_replication_role;""",
    )
    before = fetch(pg_db, CATALOG_SNAPSHOT)
    with pytest.raises(fastseed.LoadError, match="ticket") as failure:
        asyncio.run(fastseed.seed(url, rows=RowRequest(50), seed=1, fast=True))
    after = fetch(pg_db, CATALOG_SNAPSHOT)
    if how == "superuser":
        assert after == before  # nothing was dropped
    else:  # re-added, but VALIDATE cannot pass while the old row is there: it says so
        assert "ticket_home_day_fkey stays NOT VALID" in str(failure.value)
        changed = [(a[1], a[4], b[4]) for a, b in zip(before, after, strict=True) if a != b]
        assert changed == [("ticket_home_day_fkey", True, False)]
    assert [tuple(r) for r in fetch(pg_db, "SELECT id FROM ticket")] == [(77,)]
    assert fetch(pg_db, "SELECT count(*) FROM team")[0][0] == 0


@pytest.mark.parametrize(("signum", "code"), [(2, 130), (15, 143)])
def test_interrupt_removes_this_runs_rows_and_exits_with_the_signal_code(
    pg_db, pg_url, signum, code
):
    import signal as _signal
    import time

    pg_execute(
        pg_db,
        """CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE);
                         CREATE TABLE orders (id int PRIMARY KEY,
                                              user_id int NOT NULL REFERENCES users (id));
                         INSERT INTO users VALUES (1, 'kept@example.com');""",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fastseed",
            "seed",
            pg_url,
            "--rows",
            "users=20000",
            "--rows",
            "orders=3000000",
            "--streams",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while fetch(pg_db, "SELECT count(*) FROM users")[0][0] < 20001:
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.2)
    time.sleep(1)  # orders is being written now
    proc.send_signal(_signal.Signals(signum))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert "removed" in err
    assert fetch(pg_db, "SELECT count(*) FROM orders")[0][0] == 0
    assert [tuple(r) for r in fetch(pg_db, "SELECT id FROM users")] == [(1,)]


ENFORCED_SCHEMA = """
CREATE TABLE parent (id int PRIMARY KEY, code text NOT NULL UNIQUE);
CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL,
                    CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id));
"""


def test_verify_skips_only_what_the_server_checked_for_this_runs_rows(pg_db, pg_url):
    pg_execute(pg_db, ENFORCED_SCHEMA)
    result = seed(pg_url, 200)
    assert result.verify.ok
    enforced = {str(t.table): sorted(t.enforced) for t in result.verify.tables}
    assert enforced == {
        "public.child": ["child_parent", "child_pkey"],
        "public.parent": ["parent_code_key", "parent_pkey"],
    }
    full = asyncio.run(fastseed.seed(pg_url, rows=RowRequest(10), seed=2, full_verify=True))
    assert full.verify.ok and not any(t.enforced for t in full.verify.tables)


def test_verify_scans_fks_of_tables_that_held_rows_or_whose_checks_were_off(pg_db, pg_url):
    # an orphan slipped in with the FK triggers off: the next run must still find it
    pg_execute(
        pg_db,
        ENFORCED_SCHEMA
        + """ALTER TABLE child DISABLE TRIGGER ALL;
             INSERT INTO child VALUES (1000000, 424242);
             ALTER TABLE child ENABLE TRIGGER ALL;""",
    )
    result = seed(pg_url, 50)
    assert result.verify.failures() == ["public.child: 1 orphaned rows for FK child_parent"]
    pg_execute(pg_db, "DELETE FROM child; ALTER TABLE child DISABLE TRIGGER ALL")
    result = seed(pg_url, 50, seed=3)  # the checks are off for this run's rows too
    check = next(t for t in result.verify.tables if t.table.name == "child")
    assert check.enforced == ["child_pkey"] and check.orphans == {"child_parent": 0}


def test_truncate_empties_the_tables_in_one_statement_or_falls_back_to_delete(pg_db, pg_url):
    pg_execute(
        pg_db,
        ENFORCED_SCHEMA
        + """INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 20000) g;
             INSERT INTO child SELECT g, g FROM generate_series(1, 20000) g;""",
    )
    result = asyncio.run(fastseed.seed(pg_url, rows=RowRequest(30), seed=1, on_existing="truncate"))
    assert result.verify.ok
    assert fetch(pg_db, "SELECT count(*), max(id) FROM child")[0][:] == (30, 30)
    # a table outside the run refers to parent: TRUNCATE would need CASCADE, so DELETE it is
    pg_execute(pg_db, "CREATE TABLE outsider (id int PRIMARY KEY REFERENCES parent (id))")
    result = asyncio.run(
        fastseed.seed(
            pg_url,
            rows=RowRequest(default=0, per_table={"public.parent": 5, "public.child": 5}),
            seed=1,
            on_existing="truncate",
        )
    )
    assert result.verify.ok
    assert fetch(pg_db, "SELECT count(*) FROM parent")[0][0] == 5
    # ... and when the outsider has rows pointing in, the DELETE fails and nothing is deleted
    pg_execute(pg_db, "INSERT INTO outsider SELECT id FROM parent LIMIT 2")
    with pytest.raises(fastseed.FastseedError):
        asyncio.run(
            fastseed.seed(
                pg_url,
                rows=RowRequest(default=0, per_table={"public.parent": 5, "public.child": 5}),
                seed=2,
                on_existing="truncate",
            )
        )
    assert fetch(pg_db, "SELECT (SELECT count(*) FROM parent), (SELECT count(*) FROM child)")[0][
        :
    ] == (5, 5)
