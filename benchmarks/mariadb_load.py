"""fastseed against real baselines on a three-table shop schema, MariaDB, in one run.

    .venv/bin/python benchmarks/mariadb_load.py              # users 25k / orders 75k / items 250k
    .venv/bin/python benchmarks/mariadb_load.py --scale 2    # 50k / 150k / 500k, ~4 minutes
    .venv/bin/pip install -e '.[bench]'                      # Faker, for case e

Cases (each on freshly recreated tables, FKs in place, median of --runs):
  a  fastseed.seed() end to end: reflect, plan, generate, load (LOAD DATA LOCAL from memory),
     AUTO_INCREMENT reset, verify
  i  the same with fast=True: FK checks off while loading, all tables at once, orphans counted
  a2 fastseed's MySQL adapter writing the pre-generated rows (LOAD DATA LOCAL from memory)
  a3 the same with load=insert (fastseed's multi-row INSERT path)
  b  `mariadb --local-infile` LOAD DATA LOCAL INFILE of the same rows, from files written before
  k  b in the mode of i: FOREIGN_KEY_CHECKS = 0 for the session, then each FK's orphans counted
  c  plain multi-row INSERTs, 1000 rows per statement, one aiomysql connection
  e  a typical Faker script: row by row, INSERTs of 10-20 rows, one transaction (if installed)

The pre-generated rows are made once with fastseed's own generators, so a2, a3, b and c load the
very same rows (checked by a digest). Every case runs in a child process under /usr/bin/time for
its own peak RSS; server CPU is the mariadbd process's CPU time over the case. The table is
printed and written between the `mariadb` markers of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import datetime as dt
import json
import os
import pickle
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pymysql

HOST, PORT, USER = "127.0.0.1", 3306, "root"  # loopback only, by design
SEED = 42
TABLES = ("users", "orders", "order_items")
# 350k rows: with 3 runs of 6 cases the default run takes about 2 minutes on 2 cores.
BASE = {"users": 25_000, "orders": 75_000, "order_items": 250_000}
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
MARKERS = ("<!-- BEGIN mariadb -->", "<!-- END mariadb -->")
# Run as a script, sys.path[0] is benchmarks/: make the checkout's fastseed the one imported.
sys.path.insert(0, str(HERE.parent))

SCHEMA = [
    """CREATE TABLE users (
        id BIGINT AUTO_INCREMENT PRIMARY KEY,
        email VARCHAR(255) NOT NULL UNIQUE,
        first_name VARCHAR(100) NOT NULL,
        last_name VARCHAR(100) NOT NULL,
        phone VARCHAR(32),
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL,
        is_active TINYINT(1) NOT NULL DEFAULT 1
    )""",
    """CREATE TABLE orders (
        id BIGINT AUTO_INCREMENT PRIMARY KEY,
        user_id BIGINT NOT NULL,
        status VARCHAR(20) NOT NULL
            CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
        total DECIMAL(12, 2) NOT NULL CHECK (total >= 0),
        ordered_at DATETIME NOT NULL,
        shipped_at DATETIME NULL,
        CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id)
    )""",
    """CREATE TABLE order_items (
        id BIGINT AUTO_INCREMENT PRIMARY KEY,
        order_id BIGINT NOT NULL,
        product_name VARCHAR(200) NOT NULL,
        quantity INT NOT NULL CHECK (quantity > 0),
        unit_price DECIMAL(10, 2) NOT NULL CHECK (unit_price >= 0),
        CONSTRAINT order_items_order FOREIGN KEY (order_id) REFERENCES orders (id)
    )""",
]


def url_of(db: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"mysql://{USER}@{HOST}:{PORT}/{db}" + (f"?{query}" if query else "")


def sql(db: str | None, *statements: str) -> list[tuple[Any, ...]]:
    conn = pymysql.connect(
        host=HOST, port=PORT, user=USER, password="", database=db, autocommit=True
    )
    try:
        with conn.cursor() as cur:
            for s in statements:
                cur.execute(s)
            return list(cur.fetchall())
    finally:
        conn.close()


def recreate(db: str) -> None:
    sql(db, "DROP TABLE IF EXISTS order_items, orders, users", *SCHEMA)


def digest(db: str) -> str:
    """Per table: row count and a sum of CRC32 over every column, order-independent."""
    parts = []
    for t in TABLES:
        cols = [r[0] for r in sql(db, f"SHOW COLUMNS FROM {t}")]
        expr = "CONCAT_WS('|', " + ", ".join(f"IFNULL({c}, '~')" for c in cols) + ")"
        ((n, s),) = sql(db, f"SELECT COUNT(*), SUM(CRC32({expr})) FROM {t}")
        parts.append(f"{t}={n}:{s}")
    return " ".join(parts)


# -- child processes ------------------------------------------------------------------------------


def _load_pickle(path: str) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    with open(path, "rb") as f:
        data: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = pickle.load(f)
    return data


async def _seed_child(url: str, counts: dict[str, int], fast: bool = False) -> dict[str, Any]:
    import fastseed
    from fastseed.plan import RowRequest

    started = time.perf_counter()
    rows = RowRequest(default=0, per_table=counts)
    result = await fastseed.seed(url, rows=rows, seed=SEED, fast=fast)
    return {
        "seconds": time.perf_counter() - started,
        "load_seconds": result.load.seconds,
        "ok": result.verify.ok,
        "failures": result.verify.failures(),
    }


async def _adapter_child(url: str, path: str, batch: int) -> dict[str, Any]:
    """fastseed's adapter as the loader drives it: one session per table, tiers in order."""
    from fastseed.dialects.base import opened
    from fastseed.url import parse_url

    data = _load_pickle(path)  # untimed: the rows are "pre-generated"
    started = time.perf_counter()
    async with opened(parse_url(url)) as adapter:
        catalog = await adapter.reflect()
        tables = {t.name.name: t for t in catalog.tables.values()}
        for name in TABLES:
            table = tables[name]
            names, rows = data[name]
            columns = [table.column(c) for c in names]
            async with adapter.session() as session:
                for i in range(0, len(rows), batch):
                    await session.write(table, columns, rows[i : i + batch])
        await adapter.reset_sequences(list(tables.values()))
        method = adapter.capabilities.load_method
    return {"seconds": time.perf_counter() - started, "method": method}


def _insert_sql(table: str, cols: Sequence[str], n: int) -> str:
    group = "(" + ", ".join(["%s"] * len(cols)) + ")"
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES " + ", ".join([group] * n)


async def _insert_child(db: str, path: str, per_stmt: int) -> dict[str, Any]:
    import aiomysql

    data = _load_pickle(path)
    started = time.perf_counter()
    conn = await aiomysql.connect(host=HOST, port=PORT, user=USER, password="", db=db)
    try:
        async with conn.cursor() as cur:
            for table in TABLES:
                cols, rows = data[table]
                await conn.begin()
                for i in range(0, len(rows), per_stmt):
                    chunk = rows[i : i + per_stmt]
                    args = [v for row in chunk for v in row]
                    await cur.execute(_insert_sql(table, cols, len(chunk)), args)
                await conn.commit()
    finally:
        conn.close()
    return {"seconds": time.perf_counter() - started}


async def _faker_child(db: str, n_users: int, n_orders: int, n_items: int) -> dict[str, Any]:
    """What people write by hand: Faker row by row, small multi-row INSERTs, one transaction."""
    import aiomysql
    from faker import Faker

    started = time.perf_counter()
    fake = Faker()
    Faker.seed(SEED)
    rnd = random.Random(SEED)
    statuses = ["pending", "paid", "shipped", "delivered", "cancelled"]

    def users() -> Iterable[tuple[Any, ...]]:
        for _ in range(n_users):
            created = fake.date_time_between(start_date="-3y", end_date="now")
            yield (
                fake.unique.email(),
                fake.first_name(),
                fake.last_name(),
                fake.phone_number()[:32],
                created,
                fake.date_time_between(start_date=created, end_date="now"),
                fake.boolean(chance_of_getting_true=85),
            )

    def orders() -> Iterable[tuple[Any, ...]]:
        for _ in range(n_orders):
            status = fake.random_element(statuses)
            ordered = fake.date_time_between(start_date="-2y", end_date="now")
            shipped = (
                fake.date_time_between(start_date=ordered, end_date="now")
                if status in ("shipped", "delivered")
                else None
            )
            total = fake.pydecimal(left_digits=4, right_digits=2, positive=True)
            yield (rnd.randint(1, n_users), status, total, ordered, shipped)

    def items() -> Iterable[tuple[Any, ...]]:
        for _ in range(n_items):
            yield (
                rnd.randint(1, n_orders),
                fake.catch_phrase()[:200],
                fake.random_int(1, 10),
                fake.pydecimal(left_digits=3, right_digits=2, positive=True),
            )

    conn = await aiomysql.connect(host=HOST, port=PORT, user=USER, password="", db=db)

    async def insert(table: str, cols: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
        async with conn.cursor() as cur:
            batch: list[tuple[Any, ...]] = []
            size = rnd.randint(10, 20)
            for row in rows:
                batch.append(row)
                if len(batch) == size:
                    await cur.execute(_insert_sql(table, cols, size), [v for r in batch for v in r])
                    batch, size = [], rnd.randint(10, 20)
            if batch:
                args = [v for r in batch for v in r]
                await cur.execute(_insert_sql(table, cols, len(batch)), args)

    try:
        await conn.begin()
        user_cols = ["email", "first_name", "last_name", "phone", "created_at", "updated_at"]
        await insert("users", [*user_cols, "is_active"], users())
        await insert("orders", ["user_id", "status", "total", "ordered_at", "shipped_at"], orders())
        await insert("order_items", ["order_id", "product_name", "quantity", "unit_price"], items())
        await conn.commit()
    finally:
        conn.close()
    return {"seconds": time.perf_counter() - started}


def child_main(argv: list[str]) -> None:
    mode, target, *rest = argv
    if mode == "_seed":
        out = asyncio.run(_seed_child(target, json.loads(rest[0]), rest[1:] == ["fast"]))
    elif mode == "_adapter":
        out = asyncio.run(_adapter_child(target, rest[0], int(rest[1])))
    elif mode == "_insert":
        out = asyncio.run(_insert_child(target, rest[0], int(rest[1])))
    elif mode == "_faker":
        out = asyncio.run(_faker_child(target, *(int(x) for x in rest)))
    else:
        raise SystemExit(f"unknown child mode {mode}")
    print(json.dumps(out))


# -- measurement ----------------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    rss_kib: int
    client_cpu: float
    server_cpu: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Case:
    key: str
    method: str
    rows: int
    note: str = ""
    samples: list[Sample] = field(default_factory=list)
    failure: str | None = None

    @property
    def seconds(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)


def server_cpu() -> float:
    """CPU seconds used so far by the mariadbd process(es)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        if stat[stat.index("(") + 1 : stat.rindex(")")] not in {"mariadbd", "mysqld"}:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def run_child(cmd: list[str]) -> tuple[Sample, str, str, int]:
    """Run `cmd` under /usr/bin/time: a child forked straight from this process (which holds
    every pre-generated row) would report this process's RSS high-water mark as its own."""
    with tempfile.TemporaryDirectory() as tmp:
        usage = Path(tmp) / "usage"
        before = server_cpu()
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-o", str(usage), "-f", "%M %U %S", *cmd],
            capture_output=True,
            cwd=HERE.parent,
            check=False,
        )
        wall = time.perf_counter() - started
        after = server_cpu()
        rss, user, system = usage.read_text().split("\n")[-2].split()
    sample = Sample(wall, int(rss), float(user) + float(system), after - before)
    return sample, done.stdout.decode(), done.stderr.decode(), done.returncode


def measure(case: Case, db: str, cmd: list[str]) -> None:
    recreate(db)
    sample, out, err, code = run_child(cmd)
    if code != 0:
        tail = (err.strip() or out.strip()).splitlines()[-3:]
        case.failure = f"exit {code}: {' | '.join(tail)}"
        print(f"  {case.key}: FAILED {case.failure}", flush=True)
        return
    lines = out.strip().splitlines()
    data: dict[str, Any] = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
    if "seconds" in data:  # timed inside the child: pre-generated rows are read untimed
        sample.wall = data["seconds"]
    if data.get("ok") is False:
        case.failure = f"verify failed: {data.get('failures')}"
    sample.extra = data
    case.samples.append(sample)
    print(
        f"  {case.key:>2}: {sample.wall:6.2f} s {case.rows / sample.wall:>10,.0f} rows/s  "
        f"rss {sample.rss_kib / 1024:5.0f} MiB  cpu client {sample.client_cpu:5.1f} s "
        f"server {sample.server_cpu:5.1f} s",
        flush=True,
    )


# -- pre-generation with fastseed's own generators ------------------------------------------------


def pregenerate(db: str, counts: dict[str, int], workdir: Path, batch: int) -> float:
    """Every row fastseed would write, pickled (tuples) and as LOAD DATA files; returns the
    generation time."""
    from fastseed.api import plan_for
    from fastseed.dialects.base import opened
    from fastseed.generate.table import RunGenerators, deferred_null_columns
    from fastseed.plan import RowRequest
    from fastseed.url import parse_url

    async def plan_it() -> Any:
        async with opened(parse_url(url_of(db))) as adapter:
            return await plan_for(adapter, RowRequest(default=0, per_table=counts))

    plan = asyncio.run(plan_it())
    plan.check()
    gens = RunGenerators(plan, seed=SEED, deferred_null=deferred_null_columns(plan))
    data: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    seconds = 0.0
    for t in TABLES:
        (name,) = [k for k in plan.tables if k.name == t]
        gen = gens.table(name)
        rows: list[tuple[Any, ...]] = []
        started = time.perf_counter()
        for start in range(0, counts[t], batch):
            rows.extend(gen.rows(start, min(counts[t], start + batch)))
        seconds += time.perf_counter() - started
        cols = [c.name for c in gen.write_columns]
        data[t] = (cols, rows)
        with open(workdir / f"{t}.txt", "w", encoding="utf-8", newline="\n") as f:
            for row in rows:
                f.write("\t".join(_field(v) for v in row) + "\n")
    with open(workdir / "rows.pickle", "wb") as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
    return seconds


def _field(value: Any) -> str:
    """LOAD DATA's default format: tab-separated, backslash escapes, \\N for NULL."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


# (child, FK column, parent) of the schema: the orphan counts of the fast-mode baseline
FKS = (("orders", "user_id", "users"), ("order_items", "order_id", "orders"))


def load_data_cmd(
    db: str, workdir: Path, columns: dict[str, list[str]], *, fast: bool = False
) -> list[str]:
    """The mariadb client loading the files; with `fast`, as fastseed --fast runs: FK checks
    off for the session, then each FK's orphans counted with a join."""
    stmts = ["SET SESSION time_zone = '+00:00'"]
    if fast:
        stmts.append("SET SESSION foreign_key_checks = 0")
    for t in TABLES:
        stmts.append(
            f"LOAD DATA LOCAL INFILE '{workdir / (t + '.txt')}' INTO TABLE {t} "
            f"CHARACTER SET utf8mb4 ({', '.join(columns[t])})"
        )
    if fast:
        stmts.append("SET SESSION foreign_key_checks = 1")
        stmts += [
            f"SELECT COUNT(*) FROM {child} c LEFT JOIN {parent} p ON p.id = c.{col} "
            f"WHERE c.{col} IS NOT NULL AND p.id IS NULL"
            for child, col, parent in FKS
        ]
    script = "; ".join(stmts) + ";"
    return [
        "mariadb",
        "--local-infile=1",
        "-h",
        HOST,
        "-P",
        str(PORT),
        "-u",
        USER,
        db,
        "-e",
        script,
    ]


# -- report ---------------------------------------------------------------------------------------


def _rate(cases: list[Case], key: str) -> float | None:
    case = next((c for c in cases if c.key == key and c.samples and not c.failure), None)
    return case.rows / case.seconds if case else None


def render(cases: list[Case], meta: dict[str, str]) -> str:
    ref_rate = _rate(cases, "b")
    lines = [
        "| case | method | rows | seconds | rows/s | ratio vs LOAD DATA | client peak RSS "
        "| client CPU s | server CPU s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cases:
        if not c.samples or c.failure:
            lines.append(f"| {c.key} | {c.method} | {c.rows:,} | {c.failure or 'skipped'} |||||")
            continue
        rate = c.rows / c.seconds
        ratio = f"{rate / ref_rate:.2f}" if ref_rate else "-"
        rss = max(s.rss_kib for s in c.samples) / 1024
        lines.append(
            f"| {c.key} | {c.method} | {c.rows:,} | {c.seconds:.2f} | {rate:,.0f} | {ratio} "
            f"| {rss:,.0f} MiB | {c.median('client_cpu'):.1f} | {c.median('server_cpu'):.1f} |"
        )
    notes = "\n".join(f"- {c.key}: {c.note}" for c in cases if c.note)
    a, i, k = _rate(cases, "a"), _rate(cases, "i"), _rate(cases, "k")

    def ratio(x: float | None, y: float | None) -> str:
        return f"{x / y:.2f}×" if x and y else "not measured"

    met = a is not None and ref_rate is not None and a / ref_rate >= 0.9
    met_fast = i is not None and ref_rate is not None and i / ref_rate >= 0.9
    verdict = "met" if met else ("met with --fast only" if met_fast else "not met")
    target = (
        f"Target 4 (issue 6): fastseed ≥ 0.9× LOAD DATA LOCAL INFILE (b): FKs checked per row "
        f"(a/b) {ratio(a, ref_rate)}; --fast (i/b) {ratio(i, ref_rate)}, and against the "
        f"mariadb client in the same mode (i/k) {ratio(i, k)}: **{verdict}**."
    )
    lines += ["", target]
    return (
        "### MariaDB: shop schema (users / orders / order_items, FKs and CHECKs in place)\n\n"
        f"{meta['machine']}\n\n"
        f"- Command: `{meta['command']}`\n- Versions: {meta['versions']}\n- {meta['runs']}\n\n"
        + "\n".join(lines)
        + "\n\nCase notes:\n\n"
        + notes
        + "\n"
    )


def write_section(text: str) -> None:
    """Replace only the text between this script's markers; other scripts own other sections."""
    begin, end = MARKERS
    body = RESULTS.read_text() if RESULTS.exists() else "# fastseed benchmarks\n"
    block = f"{begin}\n{text}{end}"
    if begin in body and end in body:
        pre, rest = body.split(begin, 1)
        _, post = rest.split(end, 1)
        body = pre + block + post
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(body)


def machine_meta(db: str, runs_text: str) -> dict[str, str]:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    ((version, pool, flush, binlog),) = sql(
        db,
        "SELECT VERSION(), @@innodb_buffer_pool_size, @@innodb_flush_log_at_trx_commit, @@log_bin",
    )
    commit = subprocess.run(
        ["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    try:
        faker = f", Faker {metadata.version('faker')}"
    except metadata.PackageNotFoundError:
        faker = ""
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = (
        f"Machine: {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, shared by the client "
        f"processes and the server, which talk over loopback TCP; MariaDB {version} "
        f"(innodb_buffer_pool_size {int(pool) // 2**20} MiB, innodb_flush_log_at_trx_commit "
        f"{flush}, binary log {'on' if binlog else 'off'}); Python {platform.python_version()}; "
        f"run on {date}. With two cores the client's CPU time competes with the server's, so "
        "client-heavy cases (generation, Python-side escaping) also slow the server down."
    )
    return {
        "machine": machine,
        "command": " ".join([".venv/bin/python benchmarks/mariadb_load.py", *sys.argv[1:]]),
        "versions": f"fastseed {metadata.version('fastseed')} (git {commit}), PyMySQL "
        f"{pymysql.__version__}, aiomysql {metadata.version('aiomysql')}{faker}",
        "runs": runs_text,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0, help="multiply the default row counts")
    p.add_argument("--runs", type=int, default=3, help="runs per case; the median is reported")
    p.add_argument("--batch", type=int, default=5000, help="rows per adapter write / generator")
    p.add_argument(
        "--faker-share", type=float, default=0.05, help="volume share for the slow Faker case"
    )
    p.add_argument("--no-write", action="store_true", help="print only, leave RESULTS.md alone")
    p.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = p.parse_args()
    counts = {t: max(1, round(BASE[t] * args.scale)) for t in TABLES}
    total = sum(counts.values())
    fc = {t: max(1, round(counts[t] * args.faker_share)) for t in TABLES}
    try:
        import faker  # noqa: F401

        have_faker = True
    except ImportError:
        have_faker = False
        print("Faker not installed (pip install -e '.[bench]'): case e skipped", flush=True)

    # Bytecode compiled once, as `pip install` does (PYTHONDONTWRITEBYTECODE may be set).
    compileall.compile_dir(HERE.parent / "fastseed", quiet=1)
    db = f"fastseed_bench_mariadb_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="mariadb_load_"))
    sql(None, f"CREATE DATABASE `{db}` CHARACTER SET utf8mb4")
    me = [sys.executable, __file__]
    try:
        recreate(db)
        print(f"database {db}; {counts}; runs {args.runs}", flush=True)
        gen_seconds = pregenerate(db, counts, workdir, args.batch)
        print(f"pre-generation: {total:,} rows in {gen_seconds:.2f} s", flush=True)
        columns = {t: v[0] for t, v in _load_pickle(str(workdir / "rows.pickle")).items()}
        pickled = str(workdir / "rows.pickle")
        cases: list[tuple[Case, list[str]]] = [
            (
                Case(
                    "a",
                    "`fastseed.seed()` end to end (reflect, generate, load, verify)",
                    total,
                    "timed in the child around `fastseed.seed()`: reflection, plan, generation "
                    "(in a worker thread, overlapping the load), LOAD DATA LOCAL from memory, "
                    "AUTO_INCREMENT reset and the verify queries",
                ),
                [*me, "_seed", url_of(db), json.dumps(counts)],
            ),
            (
                Case(
                    "i",
                    "`fastseed.seed(fast=True)` end to end (FK checks off, orphans counted after)",
                    total,
                    "as a, with the loading sessions at FOREIGN_KEY_CHECKS = 0, all tables at "
                    "once, and each FK's orphans counted after the load (the run would fail and "
                    "be undone if one did not hold)",
                ),
                [*me, "_seed", url_of(db), json.dumps(counts), "fast"],
            ),
            (
                Case(
                    "a2",
                    "fastseed adapter, pre-generated rows (LOAD DATA LOCAL from memory)",
                    total,
                    f"one session per table, {args.batch:,}-row writes, as the loader drives it; "
                    "timed in the child from connect to the last commit; peak RSS includes every "
                    "pre-generated row (unpickled before timing), as for a3 and c",
                ),
                [*me, "_adapter", url_of(db), pickled, str(args.batch)],
            ),
            (
                Case(
                    "a3",
                    "fastseed adapter, pre-generated rows, `load=insert` (multi-row INSERT)",
                    total,
                    "statements sized by bytes (4 MB cap) and the placeholder limit",
                ),
                [*me, "_adapter", url_of(db, load="insert"), pickled, str(args.batch)],
            ),
            (
                Case(
                    "b",
                    "`mariadb --local-infile` LOAD DATA LOCAL INFILE, files written beforehand",
                    total,
                    "wall clock of the client process (3 statements, autocommit)",
                ),
                load_data_cmd(db, workdir, columns),
            ),
            (
                Case(
                    "k",
                    "`mariadb` LOAD DATA in the mode of i: FOREIGN_KEY_CHECKS = 0, orphans counted",
                    total,
                    "the client as b, with FK checks off for its session and one orphan-count "
                    "join per FK after the three statements",
                ),
                load_data_cmd(db, workdir, columns, fast=True),
            ),
            (
                Case(
                    "c",
                    "multi-row INSERT, 1000 rows/statement, one aiomysql connection",
                    total,
                    "PyMySQL escaping, one transaction per table",
                ),
                [*me, "_insert", db, pickled, "1000"],
            ),
        ]
        if have_faker:
            cases.append(
                (
                    Case(
                        "e",
                        "Faker row by row + INSERTs of 10-20 rows, one transaction",
                        sum(fc.values()),
                        f"run at {args.faker_share:g} of the volume to keep the run bounded "
                        f"({fc['users']:,} / {fc['orders']:,} / {fc['order_items']:,}); "
                        "rows/s is what compares",
                    ),
                    [*me, "_faker", db, *(str(fc[t]) for t in TABLES)],
                )
            )
        digests: dict[str, str] = {}
        for run in range(args.runs):
            print(f"run {run + 1}/{args.runs}", flush=True)
            # each run starts one case later, so no case always follows the same one
            for case, cmd in cases[run % len(cases) :] + cases[: run % len(cases)]:
                measure(case, db, cmd)
                if run == 0 and case.key != "e" and case.samples:
                    digests[case.key] = digest(db)
        seeded = cases[0][0]
        load_phase = [s.extra["load_seconds"] for s in seeded.samples if "load_seconds" in s.extra]
        if load_phase:
            med = statistics.median(load_phase)
            seeded.note += (
                f". Its load phase alone (generation overlapping the writes, no reflect/verify): "
                f"{med:.2f} s = {seeded.rows / med:,.0f} rows/s"
            )
        same = len(set(digests.values())) == 1
        digest_note = (
            f"Cases {', '.join(digests)} loaded identical rows (per-table count and CRC32 sum)."
            if same
            else "Row digests DIFFER between cases: " + json.dumps(digests)
        )
        print(digest_note)
        runs_text = (
            f"Median of {args.runs} run(s) per case, each run starting one case later in the "
            f"list; before each case the three tables are dropped and recreated (untimed). "
            f"Pre-generation of the {total:,} rows with "
            f"fastseed's generators took {gen_seconds:.2f} s ({total / gen_seconds:,.0f} "
            f"rows/s, one core), not counted in a2, a3, b, c. {digest_note}"
        )
        text = render([c for c, _ in cases], machine_meta(db, runs_text))
        print()
        print(text)
        if not args.no_write:
            write_section(text)
            print(f"written between the mariadb markers of {RESULTS}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            sql(None, f"DROP DATABASE IF EXISTS `{db}`")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        child_main(sys.argv[1:])
    else:
        main()
