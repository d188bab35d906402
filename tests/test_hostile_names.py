"""Hostile names in the few places fastseed reads SQL text: trigger bodies."""

from __future__ import annotations

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
