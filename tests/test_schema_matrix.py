"""Every schema in tests/fixtures/schemas, on each dialect it has: `fastseed seed URL --rows 200`
twice into the same database (the second run appends with another seed), each run exiting 0
with a clean independent audit (tests/audit.py). tests/schema_matrix.py runs the same at
--rows 2000."""

from __future__ import annotations

import pytest
from schema_matrix import Expected, cases, seed_twice

ROWS = 200


def _param(schema: str, dialect: str) -> object:
    mark = getattr(pytest.mark, dialect)
    return pytest.param(schema, dialect, marks=mark, id=f"{schema}-{dialect}")


@pytest.mark.parametrize("schema, dialect", [_param(s, d) for s, d in cases()])
def test_schema_seeds_twice_with_a_clean_audit(
    schema: str, dialect: str, request: pytest.FixtureRequest
) -> None:
    database = request.getfixturevalue("pg_db" if dialect == "postgres" else "my_db")
    assert seed_twice(schema, dialect, database, ROWS) == []


def test_expected_rows_follow_the_plans_warnings() -> None:
    runs = [
        ["s.roles: 200 rows asked, only 3 possible (enum key); loading 3", "s.other: note"],
        ["s.roles: 200 rows asked, only 0 possible (enum key); loading 0"],
    ]
    expected = Expected(200, runs)
    assert expected("s.users") == 400  # no warning: the asked count, each run
    assert expected("s.roles") == 3  # the capacity each run stated
    assert expected("s.other") is None  # another warning (trigger-filled, skipped): no count
    assert expected("s.role") == 400  # a warning names its table exactly
