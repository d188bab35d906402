"""The per-schema matrix: every schema in tests/fixtures/schemas, on each dialect it has, seeded
twice into the same database by the `fastseed` command, as a user would, each run audited.

A run passes when `fastseed seed URL --rows N` exits 0, at most 5% of the schema's text
columns get generic words (issue 13), and the independent audit (tests/audit.py) finds every
table at the asked count, cumulative over the runs, or at the capacity the plan stated in its
warnings, no orphan and no duplicate.

tests/test_schema_matrix.py runs it at --rows 200 inside the suite; this script runs it at any
size, by default the 2000 rows of issue 11's "done" criterion:

    .venv/bin/python tests/schema_matrix.py                      # every case, --rows 2000
    .venv/bin/python tests/schema_matrix.py --rows 200 sakila pagila:postgres
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit import audit_my, audit_pg
from conftest import SCHEMAS, _my_run, _pg_run

FILES = {"postgres": "postgres.sql", "mysql": "mysql.sql"}
SEEDS = (42, 7)  # the second run appends with another seed
# a warning of the plan about table T starts "T: "; a capped table says how many rows this
# run loads ("...; loading 3"), else at least how many are possible
LOADING = re.compile(r"\bloading (\d+)\b")
CAPPED = re.compile(r"\bonly (\d+) possible\b")


def cases() -> list[tuple[str, str]]:
    """(schema, dialect) for every schema folder and each DDL file it has."""
    return [
        (d.name, dialect)
        for d in sorted(p for p in SCHEMAS.iterdir() if p.is_dir())
        for dialect, file in FILES.items()
        if (d / file).exists()
    ]


def url(dialect: str, database: str) -> str:
    if dialect == "postgres":
        return f"postgresql://root@127.0.0.1:5432/{database}"
    return f"mysql://root@127.0.0.1:3306/{database}"


def load_ddl(schema: str, dialect: str, database: str) -> None:
    """Load the schema's DDL with the server's own client, stopping at the first error."""
    path = SCHEMAS / schema / FILES[dialect]
    if dialect == "postgres":
        cmd = ["psql", "-h", "127.0.0.1", "-U", "root", "-d", database, "-q"]
        cmd += ["-v", "ON_ERROR_STOP=1", "-f", str(path)]
        done = subprocess.run(cmd, capture_output=True, timeout=300)
    else:
        # a MySQL dump may qualify names with its own database (sakila's views and routines):
        # point that qualifier at the database the test made
        own = re.compile(rf"(?<![\w.`]){re.escape(schema)}\.(?=`?\w)")
        text = own.sub(f"`{database}`.", path.read_text())
        cmd = ["mariadb", "-h", "127.0.0.1", "-P", "3306", "-u", "root", database]
        done = subprocess.run(cmd, input=text.encode(), capture_output=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{path} did not load: {done.stderr.decode(errors='replace')}")


def run_seed(
    target: str, rows: int, seed: int, *extra: str
) -> tuple[int, dict[str, Any] | None, str]:
    """`fastseed seed` as a subprocess (`extra`: more options): (exit code, its JSON summary
    if any, stderr)."""
    cmd = [sys.executable, "-m", "fastseed", "seed", target, "--rows", str(rows)]
    cmd += ["--seed", str(seed), "--output", "json", *extra]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    try:
        summary = json.loads(done.stdout)
    except json.JSONDecodeError:
        summary = None
    return done.returncode, summary, done.stderr


def stated_rows(warnings: list[str], table: str, asked: int) -> int | None:
    """Rows the plan said it would write to `table`: the asked count, the capacity a warning
    states, or None (no expectation) when another warning concerns the table (filled by a
    trigger, skipped)."""
    about = [w for w in warnings if w.startswith(f"{table}: ")]
    if not about:
        return asked
    capped = [int(m.group(1)) for w in about if (m := LOADING.search(w) or CAPPED.search(w))]
    return min(capped) if capped else None


def first_error(stderr: str, summary: dict[str, Any] | None) -> str:
    """The line that says what went wrong: fastseed's `error:` line (a traceback from a
    library may come first), else the first verify failure, else stderr's last line."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error:")]
    if errors:
        return errors[0]
    if summary is not None and summary.get("failures"):
        return str(summary["failures"][0])
    return lines[-1] if lines else ""


@dataclass
class Expected:
    """Cumulative rows expected per table over the runs so far."""

    asked: int
    runs: list[list[str]]  # each run's plan warnings

    def __call__(self, table: str) -> int | None:
        total = 0
        for warnings in self.runs:
            n = stated_rows(warnings, table, self.asked)
            if n is None:
                return None
            total += n
        return total


GENERIC_SHARE = 0.05
"""At most this share of a schema's text columns may fall back to generic words (issue 13)."""


def generic_words(summary: dict[str, Any] | None) -> str | None:
    """A failure line when too many text columns got generic words (the share `plan` and
    `seed` print), else None."""
    real = (summary or {}).get("realism")
    if not real:
        return "the summary has no realism section"
    generic, total = real["generic_text_columns"], real["text_columns"]
    if total and len(generic) / total > GENERIC_SHARE:
        return f"generic words in {len(generic)} of {total} text columns: {', '.join(generic)}"
    return None


def seed_twice(
    schema: str, dialect: str, database: str, rows: int, extra: Sequence[str] = ()
) -> list[str]:
    """Load the DDL into the empty `database`, seed it twice (`extra`: more seed options),
    audit after each run. Returns the failures, one line each, prefixed by the run (empty:
    all clean)."""
    load_ddl(schema, dialect, database)
    audit: Callable[[str], Any] = audit_pg if dialect == "postgres" else audit_my
    expected = Expected(rows, [])
    for run, seed in enumerate(SEEDS, 1):
        code, summary, stderr = run_seed(url(dialect, database), rows, seed, *extra)
        if code != 0:
            return [f"run {run}: exit {code}: {first_error(stderr, summary)}"]
        expected.runs.append(list((summary or {}).get("warnings", [])))
        generic = generic_words(summary)
        if generic:
            return [f"run {run}: {generic}"]
        problems = audit(database).problems(expected)
        if problems:
            return [f"run {run}: {p}" for p in problems]
    return []


@contextmanager
def scratch_database(dialect: str) -> Iterator[str]:
    """A fresh database for the script (the tests use conftest's fixtures), dropped after."""
    name = f"fs_matrix_{uuid.uuid4().hex[:12]}"
    if dialect == "postgres":
        _pg_run(f'CREATE DATABASE "{name}"')
    else:
        _my_run(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield name
    finally:
        if dialect == "postgres":
            _pg_run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            _my_run(f"DROP DATABASE IF EXISTS `{name}`")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument(
        "--dask",
        metavar="local:W",
        help="seed through the Dask runner on this cluster, with --shards 3 (issue 16)",
    )
    parser.add_argument(
        "only", nargs="*", help="schema or schema:dialect (postgres, mysql); default all"
    )
    a = parser.parse_args(argv)
    chosen = [(s, d) for s, d in cases() if not a.only or s in a.only or f"{s}:{d}" in a.only]
    failed = 0
    for schema, dialect in chosen:
        start = time.monotonic()
        with scratch_database(dialect) as db:
            try:
                extra = ("--dask", a.dask, "--shards", "3") if a.dask else ()
                failures = seed_twice(schema, dialect, db, a.rows, extra)
            except RuntimeError as exc:
                failures = [str(exc)[:300]]
        failed += bool(failures)
        verdict = "ok" if not failures else "FAIL"
        print(f"{schema:18} {dialect:8} {verdict:4} {time.monotonic() - start:6.1f} s", flush=True)
        for line in failures[:5]:
            print(f"    {line}", flush=True)
    how = f" through --dask {a.dask} --shards 3" if a.dask else ""
    print(f"{len(chosen) - failed}/{len(chosen)} cases clean at --rows {a.rows}{how}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
