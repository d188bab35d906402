"""fastseed against the client's own bulk load on wide, text-heavy real schemas (issue 15).

    .venv/bin/python benchmarks/wide_schemas.py                       # --rows 5000, 3 runs
    .venv/bin/python benchmarks/wide_schemas.py --rows 50000 --runs 1
    .venv/bin/python benchmarks/wide_schemas.py --schemas flowable --dialects postgres --no-write

For each schema (flowable, ranger, kanboard, trafficcontrol from tests/fixtures/schemas) on each
dialect it has, in a fresh database, FKs in place, each case on emptied tables:
  a  `fastseed seed URL --rows N --seed 42`, end to end (process start, reflect, plan, generate,
     load, verify), in a child process: wall time, client CPU, client peak RSS
  b  the client's bulk load of the very rows case a wrote, exported once to files: PostgreSQL,
     one psql session `\\copy`ing each table in FK order (in one transaction with deferrable
     constraints deferred, so a cycle of deferrable FKs loads as fastseed loads it); MariaDB,
     one `mariadb --local-infile` session running LOAD DATA LOCAL INFILE per table in FK order
     (foreign_key_checks off for the whole load where the schema has an FK cycle between tables,
     and for each self-referencing table, whose rows LOAD DATA checks one by one: both favour
     the baseline)
The ratio is b's time over a's (above 1: fastseed is faster); the median of --runs, a and b
alternating. Client CPU per row and per value are case a's user+system CPU over the rows and
over rows x written columns. Client and servers share this machine's cores: say so with the figures.
Figures go between the `wide` markers of benchmarks/RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymysql

HOST, USER, SEED = "127.0.0.1", "root", 42
PORT = {"postgres": 5432, "mysql": 3306}
HERE = Path(__file__).resolve().parent
SCHEMAS = HERE.parent / "tests" / "fixtures" / "schemas"
FILES = {"postgres": "postgres.sql", "mysql": "mysql.sql"}
DEFAULT_SCHEMAS = ("flowable", "ranger", "kanboard", "trafficcontrol")
RESULTS = HERE / "RESULTS.md"
FASTSEED = [sys.executable, "-m", "fastseed"]


@dataclass
class Sample:
    seconds: float
    cpu: float = 0.0
    rss_mb: float = 0.0


@dataclass
class Case:
    schema: str
    dialect: str
    rows: int = 0
    values: int = 0
    tables: int = 0
    fastseed: list[Sample] = field(default_factory=list)
    bulk: list[Sample] = field(default_factory=list)
    failure: str = ""

    def median(self, which: str, attr: str = "seconds") -> float:
        return float(statistics.median(getattr(s, attr) for s in getattr(self, which)))


# -- child processes ------------------------------------------------------------------------------


def timed_child(cmd: Sequence[str], **kw: Any) -> Sample:
    """Run `cmd` to the end, reaping it here so that wait4() gives its own CPU and peak RSS."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, **kw)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            err.seek(0)
            out.seek(0)
            text = (err.read() or out.read()).decode(errors="replace").strip()
            raise RuntimeError(f"{Path(cmd[0]).name} exited {proc.returncode}: {text[-600:]}")
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


# -- databases ------------------------------------------------------------------------------------


def url(dialect: str, db: str) -> str:
    scheme = "postgresql" if dialect == "postgres" else "mysql"
    return f"{scheme}://{USER}@{HOST}:{PORT[dialect]}/{db}"


def psql(db: str, *args: str) -> str:
    cmd = ["psql", "-h", HOST, "-p", str(PORT["postgres"]), "-U", USER, "-d", db, "-X", "-q"]
    done = subprocess.run(
        [*cmd, "-v", "ON_ERROR_STOP=1", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"psql: {done.stderr.strip()[-600:]}")
    return done.stdout


def mariadb(db: str | None, *args: str) -> str:
    cmd = ["mariadb", "-h", HOST, "-P", str(PORT["mysql"]), "-u", USER, "--local-infile=1"]
    done = subprocess.run([*cmd, *([db] if db else []), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mariadb: {done.stderr.strip()[-600:]}")
    return done.stdout


def create(dialect: str, db: str, schema: str) -> None:
    ddl = SCHEMAS / schema / FILES[dialect]
    if dialect == "postgres":
        psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{db}"', "-c", f'CREATE DATABASE "{db}"')
        psql(db, "-f", str(ddl))
    else:
        mariadb(None, "-e", f"DROP DATABASE IF EXISTS `{db}`; CREATE DATABASE `{db}`")
        mariadb(db, "-e", f"source {ddl}")


def drop(dialect: str, db: str) -> None:
    if dialect == "postgres":
        psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    else:
        mariadb(None, "-e", f"DROP DATABASE IF EXISTS `{db}`")


def plan(dialect: str, db: str, rows: int) -> dict[str, Any]:
    out = subprocess.run(
        [*FASTSEED, "plan", url(dialect, db), "--rows", str(rows), "--output", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out))


def load_order(the_plan: dict[str, Any]) -> tuple[list[str], bool]:
    """Tables in FK order (tier by tier), and whether some component is a cycle of tables."""
    order: list[str] = []
    cycle = False
    for tier in the_plan["tiers"]:
        for component in tier:
            order += component["tables"]
            cycle = cycle or len(component["tables"]) > 1
    skipped = set(the_plan.get("skipped") or {})
    return [t for t in order if t not in skipped], cycle


def split(qualified: str) -> tuple[str, str]:
    schema, _, name = qualified.rpartition(".")
    return schema, name


def quote(dialect: str, name: str) -> str:
    if dialect == "postgres":
        return '"' + name.replace('"', '""') + '"'
    return "`" + name.replace("`", "``") + "`"


def qualified(dialect: str, table: str) -> str:
    schema, name = split(table)
    if dialect == "postgres" and schema:
        return f"{quote(dialect, schema)}.{quote(dialect, name)}"
    return quote(dialect, name)


def written_columns(dialect: str, db: str, table: str) -> list[str]:
    """The columns a load writes: every column but generated ones."""
    schema, name = split(table)
    if dialect == "postgres":
        out = psql(
            db,
            "-At",
            "-c",
            "SELECT attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE n.nspname = '{schema}' AND c.relname = '{name}' AND attnum > 0 "
            "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
        )
        return out.split("\n")[:-1]
    with _my(db) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = %s AND extra NOT LIKE '%%GENERATED%%' ORDER BY ordinal_position",
            (db, name),
        )
        return [r[0] for r in cur.fetchall()]


_ENCODERS_ONLY = {k: v for k, v in pymysql.converters.conversions.items() if not isinstance(k, int)}


def _my(db: str) -> pymysql.connections.Connection[Any]:
    # no converters: every value comes back as the server's text (bytes for binary types),
    # which is what LOAD DATA reads back
    return pymysql.connect(
        host=HOST,
        port=PORT["mysql"],
        user=USER,
        database=db,
        conv=_ENCODERS_ONLY,
        charset="utf8mb4",
        init_command="SET time_zone = '+00:00'",
    )


def export(dialect: str, db: str, tables: list[str], workdir: Path) -> dict[str, list[str]]:
    """Each table's rows, as written by fastseed, to a file the client's bulk load reads."""
    columns = {t: written_columns(dialect, db, t) for t in tables}
    for i, t in enumerate(tables):
        cols = ", ".join(quote(dialect, c) for c in columns[t])
        path = workdir / f"{i}.txt"
        if dialect == "postgres":
            psql(db, "-c", f"\\copy (SELECT {cols} FROM {qualified(dialect, t)}) TO '{path}'")
            continue
        with _my(db) as conn, conn.cursor() as cur, open(path, "wb") as f:
            cur.execute(f"SELECT {cols} FROM {qualified(dialect, t)}")
            for row in cur.fetchall():
                f.write(b"\t".join(_tsv(v) for v in row) + b"\n")
    return columns


def _tsv(value: str | bytes | None) -> bytes:
    """LOAD DATA's default format: backslash escapes, \\N for NULL."""
    if value is None:
        return b"\\N"
    raw = value.encode() if isinstance(value, str) else value
    return (
        raw.replace(b"\\", b"\\\\")
        .replace(b"\t", b"\\t")
        .replace(b"\n", b"\\n")
        .replace(b"\0", b"\\0")
    )


def empty(dialect: str, db: str, tables: list[str]) -> None:
    if dialect == "postgres":
        names = ", ".join(qualified(dialect, t) for t in tables)
        psql(db, "-c", f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return
    stmts = ["SET foreign_key_checks = 0"]
    stmts += [f"TRUNCATE TABLE {qualified(dialect, t)}" for t in tables]
    mariadb(db, "-e", "; ".join(stmts))


def bulk_cmd(
    dialect: str,
    db: str,
    tables: list[str],
    columns: dict[str, list[str]],
    workdir: Path,
    cycle: bool,
) -> list[str]:
    """One client session loading every file in FK order."""
    if dialect == "postgres":
        lines = ["BEGIN;", "SET CONSTRAINTS ALL DEFERRED;"]
        for i, t in enumerate(tables):
            cols = ", ".join(quote(dialect, c) for c in columns[t])
            lines.append(f"\\copy {qualified(dialect, t)} ({cols}) FROM '{workdir / f'{i}.txt'}'")
        lines.append("COMMIT;")
        script = workdir / "load.sql"
        script.write_text("\n".join(lines) + "\n")
        return [
            "psql",
            "-h",
            HOST,
            "-p",
            str(PORT["postgres"]),
            "-U",
            USER,
            "-d",
            db,
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-f",
            str(script),
        ]
    stmts = ["SET SESSION time_zone = '+00:00'"]
    if cycle:
        stmts.append("SET SESSION foreign_key_checks = 0")
    self_referencing = _self_referencing(db)
    for i, t in enumerate(tables):
        cols = ", ".join(quote(dialect, c) for c in columns[t])
        if not cycle:
            # LOAD DATA checks an FK row by row, so a row naming a parent later in the file
            # fails (and LOCAL skips it with a warning): checks go off for such a table, which
            # favours the baseline
            off = split(t)[1] in self_referencing
            stmts.append(f"SET SESSION foreign_key_checks = {0 if off else 1}")
        stmts.append(
            f"LOAD DATA LOCAL INFILE '{workdir / f'{i}.txt'}' INTO TABLE {qualified(dialect, t)} "
            f"CHARACTER SET utf8mb4 ({cols})"
        )
    return [
        "mariadb",
        "--local-infile=1",
        "-h",
        HOST,
        "-P",
        str(PORT["mysql"]),
        "-u",
        USER,
        db,
        "-e",
        "; ".join(stmts) + ";",
    ]


def _self_referencing(db: str) -> set[str]:
    with _my(db) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT table_name FROM information_schema.key_column_usage "
            "WHERE table_schema = %s AND referenced_table_schema = table_schema "
            "AND referenced_table_name = table_name",
            (db,),
        )
        return {r[0].decode() if isinstance(r[0], bytes) else r[0] for r in cur.fetchall()}


def counts(dialect: str, db: str, tables: list[str]) -> list[int]:
    """Each table's row count, in one query."""
    union = " UNION ALL ".join(
        f"SELECT {i} AS i, count(*) AS n FROM {qualified(dialect, t)}" for i, t in enumerate(tables)
    )
    sql = f"SELECT n FROM ({union}) AS counts ORDER BY i"
    if dialect == "postgres":
        out = psql(db, "-At", "-c", sql)
    else:
        out = mariadb(db, "-N", "-B", "-e", sql)
    return [int(n) for n in out.split()]


# -- one schema -----------------------------------------------------------------------------------


def measure(schema: str, dialect: str, rows: int, runs: int) -> Case:
    case = Case(schema, dialect)
    db = f"fsbench_wide_{schema}"
    workdir = Path(tempfile.mkdtemp(prefix=f"fastseed-wide-{schema}-"))
    seed_cmd = [*FASTSEED, "seed", url(dialect, db), "--rows", str(rows), "--seed", str(SEED)]
    try:
        create(dialect, db, schema)
        the_plan = plan(dialect, db, rows)
        tables, cycle = load_order(the_plan)
        case.tables = len(tables)
        timed_child(seed_cmd)  # the rows case b loads
        expected = counts(dialect, db, tables)
        case.rows = sum(expected)
        columns = export(dialect, db, tables, workdir)
        case.values = sum(len(columns[t]) * n for t, n in zip(tables, expected, strict=True))
        for run in range(runs):
            order = ("a", "b") if run % 2 == 0 else ("b", "a")
            for which in order:
                empty(dialect, db, tables)
                if which == "a":
                    case.fastseed.append(timed_child(seed_cmd))
                else:
                    cmd = bulk_cmd(dialect, db, tables, columns, workdir, cycle)
                    case.bulk.append(timed_child(cmd))
                if (got := counts(dialect, db, tables)) != expected:
                    wrong = [
                        f"{t} {n} of {e}"
                        for t, n, e in zip(tables, got, expected, strict=True)
                        if n != e
                    ]
                    raise RuntimeError(f"case {which} loaded other counts: {', '.join(wrong)}")
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        case.failure = str(exc).splitlines()[0][:300]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        drop(dialect, db)
    return case


# -- report ---------------------------------------------------------------------------------------


def table(cases: list[Case], rows: int, runs: int) -> str:
    head = (
        "| schema | dialect | tables | rows | fastseed s | bulk load s | ratio | client CPU s "
        "| µs/row | µs/value | peak RSS MB |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = []
    for c in cases:
        bulk = "psql \\copy" if c.dialect == "postgres" else "LOAD DATA"
        if c.failure:
            lines.append(f"| {c.schema} | {c.dialect} | {c.tables} | | failed: {c.failure} |")
            continue
        a, b = c.median("fastseed"), c.median("bulk")
        cpu = c.median("fastseed", "cpu")
        lines.append(
            f"| {c.schema} | {c.dialect} | {c.tables} | {c.rows:,} | {a:.2f} | {b:.2f} ({bulk}) "
            f"| **{b / a:.2f}×** | {cpu:.2f} | {cpu / c.rows * 1e6:.1f} "
            f"| {cpu / c.values * 1e6:.2f} | {max(s.rss_mb for s in c.fastseed):.0f} |"
        )
    return (
        f"--rows {rows}, median of {runs} run(s), FKs in place; "
        f"{platform.machine()}, {os.cpu_count()} cores shared by client and servers; "
        f"{time.strftime('%Y-%m-%d')}\n\n" + head + "\n".join(lines) + "\n"
    )


def write_results(text: str, rows: int) -> None:
    begin, end = f"<!-- wide {rows} begin -->", f"<!-- wide {rows} end -->"
    current = RESULTS.read_text() if RESULTS.exists() else ""
    block = f"{begin}\n{text}{end}\n"
    if begin in current and end in current:
        head, _, rest = current.partition(begin)
        _, _, tail = rest.partition(end)
        current = head + block + tail.lstrip("\n")
    else:
        current = (
            current.rstrip("\n")
            + (f"\n\n## Wide real schemas, {rows} rows per table (benchmarks/wide_schemas.py)\n\n")
            + block
        )
    RESULTS.write_text(current)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=5000, help="rows per table (default 5000)")
    ap.add_argument("--runs", type=int, default=3, help="runs per case, median (default 3)")
    ap.add_argument("--schemas", default=",".join(DEFAULT_SCHEMAS))
    ap.add_argument("--dialects", default="postgres,mysql")
    ap.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = ap.parse_args()
    # as pip would at install: an editable checkout under PYTHONDONTWRITEBYTECODE=1 compiles
    # every module on every run, timed in case a only
    compileall.compile_dir(HERE.parent / "fastseed", quiet=1)
    cases = []
    for schema in args.schemas.split(","):
        for dialect in args.dialects.split(","):
            if not (SCHEMAS / schema / FILES[dialect]).exists():
                continue
            case = measure(schema, dialect, args.rows, args.runs)
            print(table([case], args.rows, args.runs).splitlines()[-1], flush=True)
            cases.append(case)
    text = table(cases, args.rows, args.runs)
    print("\n" + text)
    if not args.no_write:
        write_results(text, args.rows)


if __name__ == "__main__":
    main()
