"""Hostile names where fastseed reads SQL text (trigger bodies) and prints names (rich)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import catalog, col, table

from fastseed.dialects.base import with_trigger_writes
from fastseed.schema import TableName

HOSTILE = ["a.b", 'log "x"', "o'k", "sp ace", "order", "Mixed", "ü.中", "back`tick"]


def writes(body: str, target: str, *, case_insensitive: bool) -> tuple[TableName, ...]:
    cat = catalog(table("src", [col("id")]), table(target, [col("id")]))
    out = with_trigger_writes(
        cat, [(TableName("public", "src"), body)], case_insensitive=case_insensitive
    )
    return out.tables[TableName("public", "src")].trigger_writes


@pytest.mark.parametrize("target", HOSTILE)
def test_a_trigger_writing_into_a_quoted_hostile_name_is_seen_pg(target: str) -> None:
    quoted = '"' + target.replace('"', '""') + '"'
    for ref in (quoted, f'"public".{quoted}', f"public . {quoted}"):
        body = f"BEGIN INSERT INTO {ref} (id) VALUES (NEW.id); RETURN NEW; END"
        assert writes(body, target, case_insensitive=False) == (TableName("public", target),)


@pytest.mark.parametrize("target", HOSTILE)
def test_a_trigger_writing_into_a_quoted_hostile_name_is_seen_mysql(target: str) -> None:
    quoted = "`" + target.replace("`", "``") + "`"
    for ref in (quoted, f"`public`.{quoted}"):
        body = f"BEGIN INSERT INTO {ref} (id) VALUES (NEW.id); END"
        assert writes(body, target, case_insensitive=True) == (TableName("public", target),)


def test_an_unquoted_name_folds_to_lower_case_on_postgres() -> None:
    body = "BEGIN INSERT INTO Audit_Log VALUES (NEW.id); RETURN NEW; END"
    assert writes(body, "audit_log", case_insensitive=False) == (TableName("public", "audit_log"),)
    assert writes(body, "Audit_Log", case_insensitive=False) == ()


def fastseed(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastseed", *args], capture_output=True, text=True, timeout=120
    )


def test_names_that_look_like_rich_markup_print_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "markup.db"
    with sqlite3.connect(path) as conn:
        conn.execute('CREATE TABLE "[/]" (id integer PRIMARY KEY, "[bold]x[/bold]" text)')
        conn.execute('CREATE TABLE "[red]t" (id integer PRIMARY KEY, a int REFERENCES "[/]")')
    url = f"sqlite:///{path}"
    for args in (["inspect", url], ["plan", url, "--rows", "5"], ["seed", url, "--rows", "5"]):
        done = fastseed(*args)
        assert done.returncode == 0, done.stderr
        assert "[/]" in done.stdout and "[red]t" in done.stdout, done.stdout
    done = fastseed("inspect", url)
    assert "[bold]x[/bold]" in done.stdout
