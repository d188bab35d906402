"""Expression (functional) unique keys: reflected, shown, honoured when seeding, verified.

`CREATE UNIQUE INDEX ON users (lower(email))`, MySQL functional key parts, MariaDB unique keys
on generated columns and SQLite expression indexes are what real application schemas use for
case-insensitive logins, one-row-per-day tables and prefix keys.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pymysql
import pytest
from conftest import MY_ADMIN, pg_execute
from helpers import INT, col, text

import fastseed
from fastseed.api import opened
from fastseed.dialects.mysql_reflect import KeyPart, unique_key
from fastseed.generate.keyexpr import columns_read, parse_part, unknown_parts
from fastseed.generate.keyexpr import effect as part_effect
from fastseed.generate.rules import key_rules, table_rules
from fastseed.plan import RowRequest
from fastseed.schema import Catalog, ColumnType, Kind, Table, TableName, UniqueKey
from fastseed.url import parse_url
from fastseed.verify import verify

TS = ColumnType(Kind.TIMESTAMP, "timestamp")
DATE = ColumnType(Kind.DATE, "date")


def fastseed_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastseed", *args], capture_output=True, text=True, timeout=300
    )


def users(*expressions: str, predicate: str | None = None) -> Table:
    columns = (
        col("id"),
        col("email", text(120)),
        col("code", text(40)),
        col("nick", text(40), nullable=True),
        col("created_at", TS),
        col("born", DATE),
        col("score", ColumnType(Kind.NUMERIC, "numeric(6,2)", precision=6, scale=2)),
    )
    names = [c.name for c in columns]
    key = UniqueKey(
        "users_expr",
        columns_read(expressions, names),
        predicate=predicate,
        is_constraint=False,
        expressions=expressions,
    )
    return Table(TableName("public", "users"), columns, uniques=(key,))


# -- unit: what an expression keeps ------------------------------------------------------------


@pytest.mark.parametrize(
    "expression, column, step, prefix, not_null",
    [
        ("lower(email::text)", "email", 1, None, False),  # PostgreSQL
        ("lcase(`email`)", "email", 1, None, False),  # MariaDB generated column
        ("upper(trim([email]))", "email", 1, None, False),  # SQLite quoting
        ("btrim(lower((email)::text))", "email", 1, None, False),
        ("CAST(`email` AS CHAR CHARSET utf8mb4)", "email", 1, None, False),
        ("md5(email)", "email", 1, None, False),
        ("date(created_at)", "created_at", 86400, None, False),
        ("(created_at)::date", "created_at", 86400, None, False),
        ("cast(`created_at` as date)", "created_at", 86400, None, False),
        ("date_trunc('day'::text, created_at)", "created_at", 86400, None, False),
        ("date_trunc('month'::text, born)", "born", 32 * 86400, None, False),
        ("((created_at AT TIME ZONE 'UTC'::text))::date", "created_at", 86400, None, False),
        ('"left"(code, 6)', "code", 1, 6, False),
        ("left(`code`, 10)", "code", 1, 10, False),
        ("SUBSTRING(code FROM 1 FOR 4)", "code", 1, 4, False),
        ("substr(code, 1, 5)", "code", 1, 5, False),
        ("(code)::character varying(8)", "code", 1, 8, False),
        ("COALESCE(nick, ''::text)", "nick", 1, None, True),
        ("ifnull(`nick`,_utf8mb4'-')", "nick", 1, None, True),
        ("COALESCE(created_at, '1970-01-01 00:00:00'::timestamp without time zone)",
         "created_at", 1, None, True),
    ],
)  # fmt: skip
def test_what_a_key_expression_keeps(expression, column, step, prefix, not_null):
    table = users(expression)
    assert table.uniques[0].columns == (column,)
    found = part_effect(parse_part(expression, table), table)
    assert found is not None
    assert (found.column, found.step, found.prefix, found.not_null) == (
        column,
        step,
        prefix,
        not_null,
    )
    assert unknown_parts(table) == []


@pytest.mark.parametrize(
    "expression",
    [
        "concat(email, code)",
        "(email || code)",
        "substr(code, 3, 4)",  # not a prefix
        "(score)::integer",  # a fraction cut off: values collapse
        "left(created_at::text, 4)",
        "date_trunc('decade'::text, created_at)",
        "(data ->> 'email'::text)",
    ],
)
def test_an_expression_fastseed_cannot_reason_about_is_a_warning_naming_the_index(expression):
    table = users(expression)
    warnings = unknown_parts(table)
    assert len(warnings) == 1 and "users_expr" in warnings[0] and expression in warnings[0]


def test_columns_read_skip_functions_types_and_strings():
    names = ["email", "text", "date", "lower", "Code"]
    assert columns_read(["lower(email::text)", "date(x)"], names) == ("email",)
    assert columns_read(['"left"("Code", 3)', "'email'", "CAST(email AS text)"], names) == (
        "Code",
        "email",
    )


def test_key_expressions_become_value_rules():
    table = users("date(created_at)", "left(code, 6)", "COALESCE(nick, '')")
    assert {c: r for c, r in key_rules(table)} == {
        "created_at": table_rules(Catalog("test"), table).columns["created_at"],
        "code": table_rules(Catalog("test"), table).columns["code"],
        "nick": table_rules(Catalog("test"), table).columns["nick"],
    }
    rules = table_rules(Catalog("test"), table).columns
    assert rules["created_at"].unique_step == 86400
    assert rules["code"].max_length == 6
    assert rules["nick"].not_null


def test_a_plain_column_key_has_no_expressions():
    table = users()
    assert table.uniques[0].expressions == () and key_rules(table) == []
    assert UniqueKey("k", ("a",)).parts == ("a",)
    assert UniqueKey("k", ("a",), expressions=("lower(a)",)).parts == ("lower(a)",)
    assert INT.kind == Kind.INTEGER


# -- PostgreSQL ----------------------------------------------------------------------------------

PG_SCHEMA = """
CREATE TABLE tenant (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE users (
    id serial PRIMARY KEY,
    tenant_id integer NOT NULL REFERENCES tenant (id),
    email varchar(120) NOT NULL,
    username varchar(40) NOT NULL,
    slug varchar(80) NOT NULL,
    nickname text,
    created_at timestamp NOT NULL,
    deleted_at timestamp
);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
CREATE UNIQUE INDEX users_tenant_username ON users (tenant_id, lower(username))
    WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_signup_day ON users (date(created_at));
CREATE UNIQUE INDEX users_slug_prefix ON users ("left"(slug, 12));
CREATE UNIQUE INDEX users_nickname ON users (coalesce(nickname, ''));
CREATE UNIQUE INDEX users_odd ON users ((email || slug));
CREATE TABLE accounts (
    id serial PRIMARY KEY,
    login text NOT NULL,
    login_key text GENERATED ALWAYS AS (upper(btrim(login))) STORED UNIQUE
);
CREATE TABLE settings (id serial PRIMARY KEY, theme text NOT NULL);
CREATE UNIQUE INDEX settings_singleton ON settings ((true));
"""


def _keys(catalog: Catalog, table: str) -> dict[str, UniqueKey]:
    t = next(t for n, t in catalog.tables.items() if n.name == table)
    return {k.name: k for k in t.uniques}


@pytest.mark.postgres
def test_postgres_reflects_expression_indexes(pg_db, pg_url):
    pg_execute(pg_db, PG_SCHEMA)
    plan = asyncio.run(fastseed.inspect(pg_url, rows=10))
    keys = _keys(plan.catalog, "users")
    assert keys["users_email_lower"] == UniqueKey(
        "users_email_lower",
        ("email",),
        is_constraint=False,
        expressions=("lower(email::text)",),
    )
    mixed = keys["users_tenant_username"]
    assert mixed.columns == ("tenant_id", "username")
    assert mixed.expressions == ("tenant_id", "lower(username::text)")
    assert mixed.predicate == "(deleted_at IS NULL)"
    assert keys["users_signup_day"].columns == ("created_at",)
    assert keys["users_slug_prefix"].expressions == ('"left"(slug::text, 12)',)
    assert keys["users_nickname"].columns == ("nickname",)
    assert keys["users_odd"].columns == ("email", "slug")
    [generated] = _keys(plan.catalog, "accounts").values()
    assert (generated.columns, generated.expressions) == (("login",), ("upper(btrim(login))",))
    [warning] = [w for w in plan.warnings if "users_odd" in w]
    assert "best effort" in warning


@pytest.mark.postgres
def test_postgres_seeds_expression_keys_and_verify_scans_them(pg_db, pg_url):
    pg_execute(pg_db, PG_SCHEMA)
    result = asyncio.run(fastseed.seed(pg_url, rows=RowRequest(2000), seed=7))
    assert result.verify.ok, result.verify.failures()
    import asyncpg

    async def scan() -> tuple[int, ...]:
        conn = await asyncpg.connect(pg_url)
        try:
            row = await conn.fetchrow(
                "SELECT count(DISTINCT lower(email)), count(DISTINCT date(created_at)), "
                "count(DISTINCT left(slug, 12)), count(nickname) FROM users"
            )
            return tuple(row)
        finally:
            await conn.close()

    assert asyncio.run(scan()) == (2000, 2000, 2000, 2000)
    assert result.load.rows[TableName("public", "accounts")] == 2000
    # a unique index on a constant holds one row: the plan says so and loads one
    assert result.load.rows[TableName("public", "settings")] == 1
    assert any("settings_singleton" in w for w in result.plan.warnings)
    # every expression key scanned by fastseed verify, grouping by the expressions
    assert asyncio.run(fastseed.verify_url(pg_url)).ok


@pytest.mark.postgres
def test_postgres_verify_finds_duplicates_under_an_expression(pg_db, pg_url):
    # an index built CONCURRENTLY over duplicates stays behind INVALID: the server no longer
    # vouches for it, and the scan must group by lower(email), not by email
    pg_execute(
        pg_db,
        """CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, gone boolean NOT NULL);
           INSERT INTO users VALUES (1, 'Ann@x.org', false), (2, 'ann@x.org', false),
                                    (3, 'ANN@X.ORG', true), (4, 'bob@x.org', false);""",
    )
    with pytest.raises(Exception, match="could not create unique index"):
        pg_execute(pg_db, "CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (lower(email))")
    with pytest.raises(Exception, match="could not create unique index"):
        pg_execute(
            pg_db,
            "CREATE UNIQUE INDEX CONCURRENTLY users_live_email ON users (lower(email)) "
            "WHERE NOT gone",
        )
    result = asyncio.run(fastseed.verify_url(pg_url))
    assert sorted(result.failures()) == [
        "public.users: 1 duplicate rows for key users_live_email",
        "public.users: 2 duplicate rows for key users_email",
    ]


@pytest.mark.postgres
def test_inspect_and_plan_show_expression_keys(pg_db, pg_url):
    pg_execute(pg_db, PG_SCHEMA)
    shown = fastseed_cli("inspect", pg_url)
    assert shown.returncode == 0, shown.stderr
    assert "unique users_email_lower: (lower(email::text))" in shown.stdout
    assert (
        "unique users_tenant_username: (tenant_id, lower(username::text)) "
        "WHERE (deleted_at IS NULL)" in shown.stdout
    )
    planned = fastseed_cli("plan", pg_url, "--rows", "50", "--output", "json")
    assert planned.returncode == 0, planned.stderr
    data = json.loads(planned.stdout)
    users_entry = next(t for t in data["tables"] if t["table"] == "public.users")
    day = next(u for u in users_entry["unique"] if u["name"] == "users_signup_day")
    assert day == {
        "name": "users_signup_day",
        "columns": ["created_at"],
        "expressions": ["date(created_at)"],
        "where": None,
    }
    assert any("users_odd" in w for w in data["warnings"])
    text_plan = fastseed_cli("plan", pg_url, "--rows", "50")
    assert "unique users_signup_day: (date(created_at))" in text_plan.stdout
    assert "users_odd" in text_plan.stdout


# -- MariaDB / MySQL -----------------------------------------------------------------------------


def test_mysql_functional_and_prefix_key_parts_become_expressions():
    names = ["id", "tenant_id", "email", "email_lc", "url"]
    generated = {"email_lc": "lcase(`email`)"}
    functional = unique_key(
        "by_email",
        [KeyPart("tenant_id"), KeyPart(None, expression="lower(`email`)")],
        names,
        generated,
    )
    assert functional == UniqueKey(
        "by_email", ("tenant_id", "email"), expressions=("`tenant_id`", "lower(`email`)")
    )
    assert unique_key("lc", [KeyPart("EMAIL_LC")], names, generated) == UniqueKey(
        "lc", ("email",), expressions=("lcase(`email`)",)
    )
    assert unique_key("u", [KeyPart("url", sub_part=40)], names, generated) == UniqueKey(
        "u", ("url",), expressions=("left(`url`, 40)",)
    )
    plain = unique_key("PRIMARY", [KeyPart("id")], names, generated)
    assert plain == UniqueKey("PRIMARY", ("id",), primary=True)


MY_SCHEMA = [
    "CREATE TABLE tenant (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL)",
    """CREATE TABLE users (
        id INT AUTO_INCREMENT PRIMARY KEY,
        tenant_id INT NOT NULL,
        email VARCHAR(255) NOT NULL,
        email_lc VARCHAR(255) AS (lower(email)) VIRTUAL,
        username VARCHAR(40) NOT NULL,
        username_key VARCHAR(60) AS (upper(trim(username))) STORED,
        created_at DATETIME NOT NULL,
        signup_day DATE AS (cast(created_at AS date)) PERSISTENT,
        url VARCHAR(500) NOT NULL,
        UNIQUE KEY users_email_lc (email_lc),
        UNIQUE KEY users_tenant_username (tenant_id, username_key),
        UNIQUE KEY users_signup_day (signup_day),
        UNIQUE KEY users_url (url(40)),
        CONSTRAINT users_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id)
    )""",
]


def _my_execute(database: str, *statements: str) -> None:
    conn = pymysql.connect(**MY_ADMIN, database=database, autocommit=True)
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
    finally:
        conn.close()


@pytest.mark.mysql
def test_mariadb_reflects_keys_on_generated_columns_and_prefixes(my_db, my_url):
    _my_execute(my_db, *MY_SCHEMA)
    plan = asyncio.run(fastseed.inspect(my_url, rows=10))
    keys = _keys(plan.catalog, "users")
    email = keys["users_email_lc"]
    assert email.columns == ("email",) and email.expressions[0].lower() in {
        "lcase(`email`)",
        "lower(`email`)",
    }
    mixed = keys["users_tenant_username"]
    assert mixed.columns == ("tenant_id", "username")
    assert mixed.expressions[0] == "`tenant_id`"
    assert keys["users_signup_day"].columns == ("created_at",)
    assert keys["users_url"] == UniqueKey("users_url", ("url",), expressions=("left(`url`, 40)",))
    assert plan.warnings == ()


@pytest.mark.mysql
def test_mariadb_seeds_keys_on_generated_columns(my_db, my_url):
    _my_execute(my_db, *MY_SCHEMA)
    result = asyncio.run(fastseed.seed(my_url, rows=RowRequest(2000), seed=7))
    assert result.verify.ok, result.verify.failures()
    conn = pymysql.connect(**MY_ADMIN, database=my_db)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT count(DISTINCT email_lc), count(DISTINCT signup_day), "
                "count(DISTINCT left(url, 40)), count(*) FROM users"
            )
            assert cur.fetchone() == (2000, 2000, 2000, 2000)
    finally:
        conn.close()
    assert asyncio.run(fastseed.verify_url(my_url)).ok


@pytest.mark.mysql
def test_mariadb_verify_groups_by_the_key_expression(my_db, my_url):
    # MariaDB never holds duplicates in a unique key: reflect the keys, drop them, break them
    _my_execute(
        my_db,
        "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(80) NOT NULL, "
        "email_lc VARCHAR(80) AS (lower(email)) VIRTUAL, code VARCHAR(20) NOT NULL, "
        "UNIQUE KEY users_email_lc (email_lc), UNIQUE KEY users_code (code(3)))",
    )

    async def run() -> list[str]:
        async with opened(parse_url(my_url)) as adapter:
            catalog = await adapter.reflect()
            _my_execute(
                my_db,
                "ALTER TABLE users DROP INDEX users_email_lc, DROP INDEX users_code",
                "INSERT INTO users (id, email, code) VALUES (1, 'Ann@x.org', 'abc1'), "
                "(2, 'ann@x.org ', 'abc2'), (3, 'ANN@x.org', 'xyz'), (4, 'bob@x.org', 'uvw')",
            )
            return (await verify(adapter, catalog)).failures()

    # 'ann@x.org ' equals 'ann@x.org' under MariaDB's PAD SPACE collations, as the key did;
    # the prefix key holds only the first 3 characters
    assert sorted(asyncio.run(run())) == [
        f"{my_db}.users: 1 duplicate rows for key users_code",
        f"{my_db}.users: 2 duplicate rows for key users_email_lc",
    ]


# -- SQLite --------------------------------------------------------------------------------------

SQLITE_SCHEMA = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    tenant INTEGER NOT NULL,
    email TEXT NOT NULL,
    code VARCHAR(20) NOT NULL,
    created_at DATETIME NOT NULL,
    deleted_at DATETIME
);
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE UNIQUE INDEX users_code ON users (tenant, upper(code) COLLATE NOCASE DESC)
    WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_day ON users (date(created_at));
"""


def test_sqlite_reflects_and_seeds_expression_indexes(tmp_path: Path):
    path = tmp_path / "users.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(SQLITE_SCHEMA)
    url = f"sqlite:///{path}"
    plan = asyncio.run(fastseed.inspect(url, rows=10))
    keys = _keys(plan.catalog, "users")
    assert keys["users_email"].expressions == ("lower(email)",)
    assert keys["users_code"] == UniqueKey(
        "users_code",
        ("tenant", "code"),
        predicate="deleted_at IS NULL",
        is_constraint=False,
        expressions=("tenant", "upper(code)"),
    )
    assert keys["users_day"].columns == ("created_at",)
    result = asyncio.run(fastseed.seed(url, rows=RowRequest(1500), seed=3))
    assert result.verify.ok, result.verify.failures()
    with sqlite3.connect(path) as conn:
        days = conn.execute("SELECT count(DISTINCT date(created_at)) FROM users").fetchone()
    assert days == (1500,)
