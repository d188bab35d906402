"""No password in any output: a PostgreSQL role and a MariaDB user with a password holding
@ : / % quotes, a backslash and unicode, given raw and percent-encoded in the URL, on every
failure path (unreachable host, missing database, failed authentication, failed load, failed
verify, an unparseable URL) and on success, with --verbose tracebacks, in text and JSON output.

The local PostgreSQL trusts 127.0.0.1, so its authentication failure is an unknown role there;
MariaDB checks the password itself.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pymysql
import pytest
from conftest import MY_ADMIN, _pg_run, pg_execute

PASSWORD = "Kx9Tq@Vb3Lm:Wr8Zp/Nf4Hs%Gd2Jc中ö'\"\\Qy6Rt %41Mv7Ub"
WRONG = "Zt5Pw@Ja8Rk:Ub2Nq/%Yc3Lw"
SEGMENTS = ["Kx9Tq", "Vb3Lm", "Wr8Zp", "Nf4Hs", "Gd2Jc", "Qy6Rt", "Mv7Ub", "Zt5Pw", "Ja8Rk"]


def secrets(password: str) -> set[str]:
    """The password as it may be printed: raw, percent-encoded, and its distinctive parts."""
    return {password, quote(password, safe=""), quote(password)} | {
        s for s in SEGMENTS if s in password
    }


def fastseed(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastseed", "--verbose", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_no_password(done: subprocess.CompletedProcess[str], *passwords: str) -> None:
    shown = done.stdout + done.stderr
    for password in passwords:
        for secret in secrets(password):
            assert secret not in shown, f"{secret!r} printed:\n{shown}"


@dataclass(frozen=True)
class Account:
    user: str
    db: str
    port: int
    scheme: str

    def url(
        self,
        *,
        password: str = PASSWORD,
        raw: bool = False,
        db: str | None = None,
        port: int | None = None,
        user: str | None = None,
    ) -> str:
        secret = password if raw else quote(password, safe="")
        return (
            f"{self.scheme}://{user or self.user}:{secret}@127.0.0.1:{port or self.port}/"
            f"{db or self.db}"
        )


def pg_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture
def pg_account(pg_db: str) -> Iterator[Account]:
    user = f"fs_hostile_pw_{uuid.uuid4().hex[:8]}"
    _pg_run(f'CREATE ROLE "{user}" LOGIN PASSWORD {pg_literal(PASSWORD)}')
    try:
        pg_execute(
            pg_db,
            f"""
            CREATE TABLE parent (id serial PRIMARY KEY, name text NOT NULL);
            CREATE TABLE child (id serial PRIMARY KEY, parent_id int NOT NULL, note text);
            GRANT ALL ON ALL TABLES IN SCHEMA public TO "{user}";
            GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{user}";
            """,
        )
        yield Account(user, pg_db, 5432, "postgresql")
    finally:
        _pg_run(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')
        _pg_run(f'DROP ROLE IF EXISTS "{user}"')


@pytest.fixture
def my_account(my_db: str) -> Iterator[Account]:
    user = f"fs_hpw_{uuid.uuid4().hex[:8]}"
    conn = pymysql.connect(**MY_ADMIN, autocommit=True, connect_timeout=5)
    hosts = ("%", "localhost", "127.0.0.1")
    try:
        with conn.cursor() as cur:
            for host in hosts:
                cur.execute("CREATE USER %s@%s IDENTIFIED BY %s", (user, host, PASSWORD))
                cur.execute(f"GRANT ALL ON `{my_db}`.* TO %s@%s", (user, host))
            cur.execute(f"USE `{my_db}`")
            cur.execute("CREATE TABLE parent (id int AUTO_INCREMENT PRIMARY KEY, name text)")
            cur.execute(
                "CREATE TABLE child (id int AUTO_INCREMENT PRIMARY KEY, parent_id int NOT NULL, "
                "note text)"
            )
        yield Account(user, my_db, 3306, "mysql")
    finally:
        with conn.cursor() as cur:
            for host in hosts:
                cur.execute("DROP USER IF EXISTS %s@%s", (user, host))
        conn.close()


def pg_add_fk(account: Account, *, orphans: bool) -> None:
    """The child's FK; with `orphans`, rows that break it first (the FK is NOT VALID)."""
    sql = "INSERT INTO child (parent_id) VALUES (424242);" if orphans else ""
    valid = " NOT VALID" if orphans else ""
    pg_execute(
        account.db,
        f"{sql} ALTER TABLE child ADD FOREIGN KEY (parent_id) REFERENCES parent{valid};",
    )


def my_run(db: str, *statements: str) -> None:
    conn = pymysql.connect(**MY_ADMIN, database=db, autocommit=True, connect_timeout=5)
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
    finally:
        conn.close()


def my_add_fk(account: Account, *, orphans: bool) -> None:
    fill = ["INSERT INTO child (parent_id) VALUES (424242)"] if orphans else []
    my_run(
        account.db,
        "SET foreign_key_checks = 0",
        *fill,
        "ALTER TABLE child ADD FOREIGN KEY (parent_id) REFERENCES parent (id)",
    )


ACCOUNTS = ["pg_account", "my_account"]


@pytest.fixture(params=ACCOUNTS)
def account(request: pytest.FixtureRequest) -> Account:
    return request.getfixturevalue(request.param)


def add_fk(account: Account, *, orphans: bool) -> None:
    (pg_add_fk if account.scheme == "postgresql" else my_add_fk)(account, orphans=orphans)


def reject_rows(account: Account) -> None:
    """A trigger that fails every child row: a load that fails after the parent committed."""
    if account.scheme == "postgresql":
        pg_execute(
            account.db,
            "CREATE FUNCTION no_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'no rows'; END $$; "
            "CREATE TRIGGER no_rows BEFORE INSERT ON child FOR EACH ROW EXECUTE FUNCTION no_rows()",
        )
    else:
        my_run(
            account.db,
            "CREATE TRIGGER no_rows BEFORE INSERT ON child "
            "FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no rows'",
        )


@pytest.mark.parametrize("output", ["json", "text"])
def test_no_password_when_the_seed_succeeds(account: Account, output: str) -> None:
    add_fk(account, orphans=False)
    done = fastseed("seed", account.url(), "--rows", "20", "-o", output)
    assert done.returncode == 0, done.stderr
    assert_no_password(done, PASSWORD)
    assert_no_password(fastseed("inspect", account.url(), "-o", output), PASSWORD)


@pytest.mark.parametrize(
    ("case", "code"),
    [("unreachable", 6), ("no database", 2), ("authentication", 2), ("unparseable", 2)],
)
def test_no_password_when_the_connection_fails(account: Account, case: str, code: int) -> None:
    url = {
        "unreachable": lambda: account.url(port=1),
        "no database": lambda: account.url(db=f"fs_missing_{uuid.uuid4().hex[:8]}"),
        "authentication": lambda: (
            account.url(password=WRONG)
            if account.scheme == "mysql"
            else account.url(user=f"fs_nobody_{uuid.uuid4().hex[:8]}")
        ),
        "unparseable": lambda: account.url(raw=True),
    }[case]()
    for args in (["seed", url, "-o", "json"], ["verify", url]):
        done = fastseed(*args)
        assert done.returncode == code, done.stderr
        assert_no_password(done, PASSWORD, WRONG)


def test_no_password_when_the_load_fails(account: Account) -> None:
    add_fk(account, orphans=False)
    reject_rows(account)
    done = fastseed("seed", account.url(), "--rows", "20", "-o", "json")
    assert done.returncode == 1, done.stderr
    assert_no_password(done, PASSWORD)


@pytest.mark.parametrize("output", ["json", "text"])
def test_no_password_when_verify_fails(account: Account, output: str) -> None:
    add_fk(account, orphans=True)
    done = fastseed("verify", account.url(), "-o", output)
    assert done.returncode == 5, done.stderr
    assert_no_password(done, PASSWORD)


@pytest.mark.parametrize(
    "args",
    [
        ["postgresql://u:{pw}@127.0.0.1/db"],  # the command forgotten
        ["seed", "sqlite:///x.db", "postgresql://u:{pw}@127.0.0.1/db"],  # one URL too many
        ["--verbose", "seed", "--rows", "postgresql://u:{pw}@127.0.0.1/db", "sqlite:///x.db"],
    ],
)
def test_no_password_when_argparse_or_rows_echo_a_url(tmp_path, args: list[str]) -> None:
    raw = "".join(c for c in PASSWORD if c not in "/?# ")  # what urllib would read whole
    for pw in (raw, quote(PASSWORD, safe="")):
        done = subprocess.run(
            [sys.executable, "-m", "fastseed", *(a.format(pw=pw) for a in args)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert done.returncode == 2, done.stderr
        assert_no_password(done, PASSWORD)
