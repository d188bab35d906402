"""Dump what `plan` says of every column of every fixture schema (its concept and generator),
so that a change to the concept registry can be compared before and after:

    .venv/bin/python tests/concept_dump.py OUT.json [--python OTHER/.venv/bin/python --cwd OTHER]
    .venv/bin/python tests/concept_dump.py --diff BEFORE.json AFTER.json

Each schema's DDL is loaded once per dialect into a database of its own (dropped after) and
`fastseed plan URL --output json` runs with the given interpreter and checkout."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import _my_run, _pg_run
from schema_matrix import FILES, SCHEMAS, load_ddl, url

FIXTURES = SCHEMAS.parent


def cases() -> list[tuple[str, str]]:
    """(fixture folder relative to tests/fixtures, dialect) for every DDL file."""
    folders = [p for p in sorted(SCHEMAS.iterdir()) if p.is_dir()]
    folders += [FIXTURES / "realism", FIXTURES / "timeline"]
    return [
        (str(d.relative_to(FIXTURES)), dialect)
        for d in folders
        for dialect, file in FILES.items()
        if (d / file).exists()
    ]


def plan_json(python: str, cwd: str, target: str) -> dict[str, Any]:
    cmd = [python, "-m", "fastseed", "plan", target, "--rows", "100", "--output", "json"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=cwd)
    return json.loads(done.stdout)


def columns(plan: dict[str, Any]) -> dict[str, dict[str, str]]:
    """'table.column' -> its concept and generator."""
    out = {}
    for table in plan.get("tables", []):
        for col in table.get("columns", []):
            key = f"{table['table']}.{col['name']}"
            out[key] = {"concept": col.get("concept", ""), "generator": col.get("generator", "")}
    return out


def dump(out: Path, python: str, cwd: str) -> None:
    result: dict[str, Any] = {}
    for folder, dialect in cases():
        schema = folder.split("/")[-1]
        database = f"fs_dump_{uuid.uuid4().hex[:8]}"
        if dialect == "postgres":
            _pg_run(f'CREATE DATABASE "{database}"')
        else:
            _my_run(f"CREATE DATABASE `{database}`")
        try:
            if folder.startswith("schemas/"):
                load_ddl(schema, dialect, database)  # qualifiers pointed at the new database
            else:
                _load_other(folder, dialect, database)
            plan = plan_json(python, cwd, url(dialect, database))
            result[f"{folder}:{dialect}"] = {
                "columns": columns(plan),
                "realism": plan.get("realism"),
            }
        finally:
            if dialect == "postgres":
                _pg_run(f'DROP DATABASE "{database}" WITH (FORCE)')
            else:
                _my_run(f"DROP DATABASE `{database}`")
        print(folder, dialect, file=sys.stderr)
    out.write_text(json.dumps(result, indent=1, sort_keys=True))


def _load_other(folder: str, dialect: str, database: str) -> None:
    path = FIXTURES / folder / FILES[dialect]
    if dialect == "postgres":
        cmd = ["psql", "-h", "127.0.0.1", "-U", "root", "-d", database, "-q"]
        cmd += ["-v", "ON_ERROR_STOP=1", "-f", str(path)]
        subprocess.run(cmd, capture_output=True, timeout=300, check=True)
    else:
        cmd = ["mariadb", "-h", "127.0.0.1", "-P", "3306", "-u", "root", database]
        subprocess.run(cmd, input=path.read_bytes(), capture_output=True, timeout=300, check=True)


def _load(path: Path) -> dict[str, Any]:
    """A dump with each run's own database name (MySQL's schema) taken out."""
    own = re.compile(r"fs_dump_[0-9a-f]{8}\.")
    out: dict[str, Any] = json.loads(own.sub("", path.read_text()))
    return out


def diff(before: Path, after: Path) -> None:
    a, b = _load(before), _load(after)
    for case in sorted(a.keys() | b.keys()):
        ca, cb = a.get(case, {}), b.get(case, {})
        ra, rb = ca.get("realism") or {}, cb.get("realism") or {}
        share = ("generic_text_columns", "text_columns")
        if [ra.get(k) for k in share] != [rb.get(k) for k in share]:
            print(f"{case}: generic {[ra.get(k) for k in share]} -> {[rb.get(k) for k in share]}")
        cols_a, cols_b = ca.get("columns", {}), cb.get("columns", {})
        for col in sorted(cols_a.keys() | cols_b.keys()):
            x, y = cols_a.get(col, {}), cols_b.get(col, {})
            for field in ("concept", "generator"):
                if x.get(field) != y.get(field):
                    print(f"{case} {col} {field}:\n  - {x.get(field)}\n  + {y.get(field)}")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path, nargs="?")
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--cwd", default=str(Path(__file__).resolve().parent.parent))
    p.add_argument("--diff", nargs=2, type=Path)
    a = p.parse_args()
    if a.diff:
        diff(*a.diff)
    else:
        dump(a.out, a.python, a.cwd)


if __name__ == "__main__":
    main()
