"""The realism suite (issue 13): tests/fixtures/realism seeded at 2,000 rows per table on each
dialect with fastseed's defaults; every concept must pass its real validator for >= 99% of its
values, every coherence rule must hold in every row, and values spread as people's do (no
time zone in most rows; tests/realism.py holds the judges).
Run alone with `-s` to see the per-concept table."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import _my_run, _pg_run, _unavailable, my_execute, my_fetch, pg_fetch
from realism import CONCEPTS, FIXTURE, RULES, SPREADS, Verdict, judge_rows, table_of

import fastseed
from fastseed.plan import RowRequest

ROWS = 2000
CONCEPT_SHARE = 0.99
DIALECTS = ("postgres", "mysql")

NAMES = (
    sorted({f"concept:{c}" for cols in CONCEPTS.values() for c in cols.values()})
    + [f"rule:{r.table}: {r.name}" for r in RULES]
    + [f"spread:{s.table}.{s.column}" for s in SPREADS]
)


def _columns(table: str) -> list[str]:
    wanted = dict.fromkeys(CONCEPTS[table])
    for rule in RULES:
        if rule.table == table:
            wanted.update(dict.fromkeys(rule.columns))
    wanted.update(dict.fromkeys(s.column for s in SPREADS if s.table == table))
    return list(wanted)


def _rows(dialect: str, database: str) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for table in CONCEPTS:
        cols = _columns(table)
        if dialect == "postgres":
            sql = f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)} FROM "{table}"'
            got = pg_fetch(database, sql)
        else:
            got = my_fetch(database, f"SELECT {', '.join(f'`{c}`' for c in cols)} FROM `{table}`")
        out[table] = [dict(zip(cols, row, strict=True)) for row in got]
    return out


def _seeded(dialect: str) -> Iterator[dict[str, Verdict]]:
    name = f"fs_test_{uuid.uuid4().hex[:12]}"
    ddl = (FIXTURE / f"{dialect}.sql").read_text()
    try:
        if dialect == "postgres":
            _pg_run(f'CREATE DATABASE "{name}"')
        else:
            _my_run(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    except Exception as exc:
        _unavailable(f"{dialect} server unreachable: {exc}")
    try:
        if dialect == "postgres":
            _pg_run(ddl, name)
            url = f"postgresql://root@127.0.0.1:5432/{name}"
        else:
            statements = [s for s in ddl.split(";") if re.search(r"\w", re.sub(r"--.*", "", s))]
            my_execute(name, statements)
            url = f"mysql://root@127.0.0.1:3306/{name}"
        result = asyncio.run(fastseed.seed(url, rows=RowRequest(ROWS), seed=13))
        assert result.verify.ok, result.verify.failures()
        verdicts = judge_rows(_rows(dialect, name))
        print(f"\nrealism on {dialect}, {ROWS} rows per table\n{table_of(verdicts)}")
        yield verdicts
    finally:
        if dialect == "postgres":
            _pg_run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            _my_run(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture(scope="module")
def postgres_verdicts() -> Iterator[dict[str, Verdict]]:
    yield from _seeded("postgres")


@pytest.fixture(scope="module")
def mysql_verdicts() -> Iterator[dict[str, Verdict]]:
    yield from _seeded("mysql")


def _cases() -> list[Any]:
    out = []
    for dialect in DIALECTS:
        for name in NAMES:
            marks = [getattr(pytest.mark, dialect)]
            out.append(pytest.param(dialect, name, marks=marks, id=f"{dialect}-{name}"))
    return out


@pytest.mark.parametrize("dialect, name", _cases())
def test_concept_passes_its_validator(
    dialect: str, name: str, request: pytest.FixtureRequest
) -> None:
    verdict = request.getfixturevalue(f"{dialect}_verdicts")[name]
    assert verdict.judged >= ROWS // 4, f"{name}: only {verdict.judged} values judged"
    need = CONCEPT_SHARE if name.startswith("concept:") else 1.0
    assert verdict.share >= need, f"{name}: {verdict.share:.1%} pass; {verdict.failures}"
