"""Every column type the server accepts gets valid values: one NOT NULL column of each, seeded
twice into the same database, on PostgreSQL (binary COPY, both encoders) and MariaDB (LOAD DATA
and multi-row INSERT). A type fastseed cannot produce is left to the server when it may be,
and is a plan problem naming it only otherwise."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import asyncpg
import pymysql
import pytest
from conftest import MY_ADMIN, pg_execute

import fastseed
from fastseed.plan import RowRequest

ROWS = 40

PG_TYPES = """
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN short_code AS varchar(8) CHECK (VALUE <> '');
CREATE DOMAIN int_list AS integer[] CHECK (cardinality(VALUE) <= 5);
CREATE TYPE address AS (street text, zip varchar(10), n integer, at timestamptz);
CREATE TABLE every_type (
    id serial PRIMARY KEY,
    c "char" NOT NULL, nm name NOT NULL, vb bit varying(12) NOT NULL, b bit(4) NOT NULL,
    m money NOT NULL, pt point NOT NULL, ln line NOT NULL, ls lseg NOT NULL, bx box NOT NULL,
    pa path NOT NULL, pg polygon NOT NULL, ci circle NOT NULL, tq tsquery NOT NULL,
    tv tsvector NOT NULL, lsn pg_lsn NOT NULL, r4 int4range NOT NULL, r8 int8range NOT NULL,
    rn numrange NOT NULL, rts tsrange NOT NULL, rtz tstzrange NOT NULL, rd daterange NOT NULL,
    mr4 int4multirange NOT NULL, mr8 int8multirange NOT NULL, mrn nummultirange NOT NULL,
    mrd datemultirange NOT NULL, mts tsmultirange NOT NULL, mtz tstzmultirange NOT NULL,
    addr address NOT NULL, moods mood[] NOT NULL, codes short_code[] NOT NULL,
    il int_list NOT NULL, o oid NOT NULL, rc regclass NOT NULL, rt regtype NOT NULL,
    rp regproc NOT NULL, rn2 regnamespace NOT NULL, rr regrole NOT NULL, rcf regconfig NOT NULL,
    x xml NOT NULL, iv interval NOT NULL, ttz timetz NOT NULL, ts timestamptz NOT NULL,
    js jsonb NOT NULL, j json NOT NULL, ip inet NOT NULL, cd cidr NOT NULL, mac macaddr NOT NULL,
    mac8 macaddr8 NOT NULL, u uuid NOT NULL, by bytea NOT NULL, f4 real NOT NULL,
    n numeric NOT NULL, t2 time(2) NOT NULL, ia int[] NOT NULL, ta text[][] NOT NULL,
    x8 xid8 NOT NULL, nothing tid
);
-- only types the numpy COPY encoder writes itself, "char" and catalog references among them
CREATE TABLE fast_types (id serial PRIMARY KEY, c "char" NOT NULL, nm name NOT NULL,
                         rc regclass NOT NULL, o oid NOT NULL, lsn pg_lsn NOT NULL);
"""

EXTENSION_TABLES = {
    "citext": "CREATE TABLE ci (id ext.citext PRIMARY KEY)",
    "hstore": "CREATE TABLE hs (id serial PRIMARY KEY, attrs ext.hstore NOT NULL)",
    "ltree": "CREATE TABLE lt (id serial PRIMARY KEY, path ext.ltree NOT NULL)",
}

MY_TYPES = """
CREATE TABLE every_type (
    id int PRIMARY KEY, b bit(5) NOT NULL, b1 bit NOT NULL, b64 bit(64) NOT NULL,
    s set('a','b','c') NOT NULL, y year NOT NULL, g geometry NOT NULL, p point NOT NULL,
    l linestring NOT NULL, pg polygon NOT NULL, mp multipoint NOT NULL,
    ml multilinestring NOT NULL, mpg multipolygon NOT NULL, gc geometrycollection NOT NULL,
    tt tinytext NOT NULL, mt mediumtext NOT NULL, lt longtext NOT NULL, tb tinyblob NOT NULL,
    mb mediumblob NOT NULL, lb longblob NOT NULL, vb varbinary(7) NOT NULL, bn binary(3) NOT NULL,
    d decimal(8,2) unsigned NOT NULL, fu float unsigned NOT NULL, du double NOT NULL,
    tiu tinyint unsigned NOT NULL, mi mediumint NOT NULL, bu bigint unsigned NOT NULL,
    i4 inet4 NOT NULL, i6 inet6 NOT NULL, u uuid NOT NULL, j json NOT NULL,
    e enum('x','y') NOT NULL, t time(3) NOT NULL, dt datetime(6) NOT NULL,
    ts timestamp NOT NULL, dd date NOT NULL, ch char(1) NOT NULL
) CHARACTER SET latin1
"""


def _seed(url: str) -> fastseed.SeedResult:
    return asyncio.run(fastseed.seed(url, rows=RowRequest(ROWS), seed=3))


def _pg_fetch(db: str, sql: str) -> list[Any]:
    async def go() -> list[Any]:
        conn = await asyncpg.connect(host="127.0.0.1", user="root", database=db)
        try:
            return list(await conn.fetch(sql))
        finally:
            await conn.close()

    return asyncio.run(go())


def _my(db: str, sql: str) -> list[Any]:
    conn = pymysql.connect(**MY_ADMIN, database=db, autocommit=True, connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())
    finally:
        conn.close()


@pytest.mark.postgres
def test_pg_every_type_gets_values(pg_db: str, pg_url: str) -> None:
    pg_execute(pg_db, PG_TYPES)
    available = {
        r[0]
        for r in _pg_fetch(
            pg_db,
            "SELECT name FROM pg_available_extensions WHERE name IN ('citext', 'hstore', 'ltree')",
        )
    }
    # extension types, in a schema of their own as careful installs do
    pg_execute(pg_db, "CREATE SCHEMA ext")
    for ext, ddl in EXTENSION_TABLES.items():
        if ext in available:
            pg_execute(pg_db, f"CREATE EXTENSION {ext} SCHEMA ext; {ddl}")
    for _run in (1, 2):
        result = _seed(pg_url)
        assert result.verify.ok, result.verify.failures()
    assert _pg_fetch(pg_db, "SELECT count(*) FROM every_type")[0][0] == 2 * ROWS
    assert _pg_fetch(pg_db, "SELECT count(*) FROM fast_types")[0][0] == 2 * ROWS
    # the column fastseed cannot produce is nullable: left to the server
    assert _pg_fetch(pg_db, "SELECT count(nothing) FROM every_type")[0][0] == 0
    row = _pg_fetch(
        pg_db,
        "SELECT rc::text, rt::text, tq::text, (addr).zip, pg_typeof(c)::text FROM every_type",
    )[0]
    assert row[0].startswith("pg_") and row[1] and " & " in row[2] and row[3] is not None
    assert row[4] == '"char"'
    if "hstore" in available:
        assert (
            _pg_fetch(pg_db, "SELECT count(*) FROM hs WHERE attrs OPERATOR(ext.?) 'source'")[0][0]
            == 2 * ROWS
        )
    if "ltree" in available:
        top = "SELECT count(*) FROM lt WHERE path OPERATOR(ext.<@) 'Top'::ext.ltree"
        assert _pg_fetch(pg_db, top)[0][0] == 2 * ROWS


@pytest.mark.postgres
def test_pg_type_fastseed_cannot_produce_is_a_plan_problem_only_when_not_null(
    pg_db: str, pg_url: str
) -> None:
    pg_execute(pg_db, "CREATE TABLE odd (id serial PRIMARY KEY, at tid NOT NULL)")
    done = subprocess.run(
        [sys.executable, "-m", "fastseed", "seed", pg_url, "--rows", "5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "public.odd.at" in done.stderr and "tid" in done.stderr


@pytest.mark.mysql
@pytest.mark.parametrize("load", ["infile", "insert"])
def test_mysql_every_type_gets_values(my_db: str, my_url: str, load: str) -> None:
    _my(my_db, MY_TYPES)
    for _run in (1, 2):
        result = _seed(f"{my_url}?load={load}")
        assert result.verify.ok, result.verify.failures()
    assert _my(my_db, "SELECT count(*) FROM every_type")[0][0] == 2 * ROWS
    shapes = _my(
        my_db,
        "SELECT ST_GeometryType(l), ST_GeometryType(pg), ST_GeometryType(mpg), "
        "ST_GeometryType(gc), i6 FROM every_type LIMIT 1",
    )[0]
    assert [s.upper() for s in shapes[:4]] == [
        "LINESTRING",
        "POLYGON",
        "MULTIPOLYGON",
        "GEOMETRYCOLLECTION",
    ]
    assert ":" in shapes[4]
