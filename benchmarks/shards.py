"""The Dask runner with N = 1, 2, 4 workers against one process, shop schema, both servers.

    .venv/bin/python benchmarks/shards.py                       # pg 1.4M rows, mariadb 350k
    .venv/bin/python benchmarks/shards.py --scale 0.02 --runs 1 --no-write   # a quick check
    .venv/bin/python benchmarks/shards.py --fast                # every case with --fast

Cases per server, in turns in one run (round r starts one case later), on emptied tables:
  one     `fastseed seed URL`: one process, the CLI's defaults: the baseline
  dask N  `fastseed seed URL --dask local:N --shards N`: a LocalCluster of N worker processes,
          each loading one shard of every tier (process and cluster start included)
Same rows in every case (seed 42; the volumes of pg_shop.py and mariadb_load.py times
--scale): each case's digest must equal the baseline's, or the case is marked. Each case
also runs once per round with 1 row per table: its fixed cost (start, plan, cluster,
verify), taken off to give the marginal figures per row, which are what grows with N.

Measured: wall time; client CPU of the CLI and its worker processes (/usr/bin/time: the
workers are its reaped children); server CPU: on PostgreSQL, of the backends connected to the
benchmark database (sampled from /proc every 0.1 s, so other users of the server do not
count); on MariaDB, of the whole mariadbd (its threads cannot be told apart without
performance_schema: run it on a quiet server). Per case: rows/s end to end and its ratio to
`one`, marginal rows/s, and client and server CPU per row: the inputs of the model in
SCALING.md. On this machine client and server share 2 cores, so the server saturates early
and the curve is flat or falls past N = 1: that is the point measured here, not the scaling
on a remote server (SCALING.md). Written between the `shards` markers of
benchmarks/RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import mariadb_load  # noqa: E402
import pg_shop  # noqa: E402

WORKERS = (1, 2, 4)
MARKERS = ("<!-- BEGIN shards -->", "<!-- END shards -->")
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    wall: float
    client_cpu: float
    server_cpu: float


@dataclass
class Case:
    server: str
    key: str
    rows: int
    samples: list[Sample] = field(default_factory=list)
    empty: list[Sample] = field(default_factory=list)
    """Runs of 1 row per table: the fixed cost."""
    failure: str | None = None
    digest: str | None = None

    def median(self, attr: str, empty: bool = False) -> float:
        return statistics.median(getattr(s, attr) for s in (self.empty if empty else self.samples))

    def marginal(self, attr: str) -> float | None:
        """The median less the fixed cost's median (when it was measured); None when the
        difference is lost in the noise (too few rows for the fixed cost)."""
        fixed = self.median(attr, empty=True) if self.empty else 0.0
        more = self.median(attr) - fixed
        return more if more > 0.05 * self.median(attr) else None

    @property
    def rate(self) -> float:
        return self.rows / self.median("wall")

    def per_row(self, attr: str) -> str:
        """Marginal microseconds per row, or '-' when lost in the noise."""
        more = self.marginal(attr)
        return "-" if more is None else f"{more / self.rows * 1e6:.1f}"


@dataclass
class Server:
    """One local server: how to reach, empty and digest the shop tables, and its CPU."""

    name: str
    db: str
    url: str
    counts: dict[str, int]
    reset: Callable[[], None]
    digest: Callable[[], str]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def postgres(db: str, scale: float) -> Server:
    pg_shop.psql("postgres", f'CREATE DATABASE "{db}"')
    pg_shop.psql(db, pg_shop.SCHEMA_SQL)
    counts = {t: max(1, round(n * scale)) for t, n in pg_shop.BASE.items()}
    return Server(
        "postgres",
        db,
        pg_shop.url_of(db),
        counts,
        lambda: pg_shop.reset(db),
        lambda: pg_shop.digest(db),
    )


def mariadb(db: str, scale: float) -> Server:
    mariadb_load.sql(None, f"CREATE DATABASE `{db}` CHARACTER SET utf8mb4")
    counts = {t: max(1, round(n * scale)) for t, n in mariadb_load.BASE.items()}
    return Server(
        "mariadb",
        db,
        mariadb_load.url_of(db),
        counts,
        lambda: mariadb_load.recreate(db),
        lambda: mariadb_load.digest(db),
    )


def drop(server: Server) -> None:
    if server.name == "postgres":
        pg_shop.psql("postgres", f'DROP DATABASE IF EXISTS "{server.db}"')
    else:
        mariadb_load.sql(None, f"DROP DATABASE IF EXISTS `{server.db}`")


def _cpu_of(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


class BackendCPU:
    """CPU seconds of the PostgreSQL backends connected to one database while it runs: each
    backend's /proc figure, sampled every 0.1 s and kept at its last value once it exits."""

    def __init__(self, db: str):
        self.db = db
        self.last: dict[int, float] = {}
        self.first: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._poll()), daemon=True)

    async def _poll(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(pg_shop.url_of("postgres"))
        try:
            while True:
                rows = await conn.fetch(
                    "SELECT pid FROM pg_stat_activity WHERE datname = $1", self.db
                )
                for (pid,) in rows:
                    cpu = _cpu_of(pid)
                    if cpu is not None:
                        self.first.setdefault(pid, cpu)
                        self.last[pid] = cpu
                if self.stop.is_set():
                    return
                await asyncio.sleep(0.1)
        finally:
            await conn.close()

    def __enter__(self) -> BackendCPU:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.last[p] - self.first[p] for p in self.last)


class ProcessCPU:
    """CPU seconds of mariadbd (or mysqld) while it runs."""

    def __enter__(self) -> ProcessCPU:
        self.before = mariadb_load.server_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = mariadb_load.server_cpu() - self.before


def command(server: Server, workers: int | None, fast: bool, empty: bool) -> list[str]:
    cmd = [sys.executable, "-m", "fastseed", "seed", server.url, "--seed", str(pg_shop.SEED)]
    for table, n in server.counts.items():
        cmd += ["--rows", f"{table}={1 if empty else n}"]
    if workers is not None:
        cmd += ["--dask", f"local:{workers}", "--shards", str(workers)]
    return [*cmd, "--output", "json", "--progress", "none", *(["--fast"] if fast else [])]


def measure(server: Server, case: Case, cmd: list[str], cwd: Path, empty: bool) -> None:
    server.reset()
    pg_shop.wait_quiet()
    meter = BackendCPU(server.db) if server.name == "postgres" else ProcessCPU()
    with tempfile.TemporaryDirectory() as tmp:
        usage = Path(tmp) / "usage"
        started = time.perf_counter()
        with meter:
            done = subprocess.run(
                ["/usr/bin/time", "-o", str(usage), "-f", "%U %S", *cmd],
                capture_output=True,
                cwd=cwd,
                env=pg_shop.fastseed_env(),
                check=False,
            )
        wall = time.perf_counter() - started
        user, system = usage.read_text().split("\n")[-2].split()
    label = f"{server.name:8} {case.key:7}{' (fixed)' if empty else ''}"
    if done.returncode != 0:
        tail = (done.stderr.decode().strip() or done.stdout.decode().strip()).splitlines()[-3:]
        case.failure = f"exit {done.returncode}: {' | '.join(tail)}"
        print(f"  {label}: FAILED {case.failure}", flush=True)
        return
    sample = Sample(wall, float(user) + float(system), meter.seconds)
    (case.empty if empty else case.samples).append(sample)
    if not empty:
        case.digest = case.digest or server.digest()
    print(
        f"  {label:24} {wall:7.2f} s  cpu client {sample.client_cpu:6.2f} s "
        f"server {sample.server_cpu:6.2f} s",
        flush=True,
    )


def render(servers: list[Server], cases: list[Case], meta: str, fast: bool) -> str:
    lines = [
        f"### Dask runner: N workers against one process{' (--fast)' if fast else ''}\n",
        meta + "\n",
        "| server | case | rows | rows/s | vs one | fixed s | marginal rows/s | "
        "client CPU µs/row | server CPU µs/row |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for server in servers:
        mine = [c for c in cases if c.server == server.name]
        base = next((c for c in mine if c.key == "one" and c.samples), None)
        for c in mine:
            if not c.samples:
                lines.append(f"| {server.name} | {c.key} | {c.rows:,} | failed: {c.failure} |")
                continue
            ratio = f"{c.rate / base.rate:.2f}×" if base else "-"
            same = "" if base is None or c.digest == base.digest else " (rows differ!)"
            fixed = f"{c.median('wall', empty=True):.1f}" if c.empty else "-"
            wall = c.marginal("wall")
            marginal = "-" if wall is None else f"{c.rows / wall:,.0f}"
            lines.append(
                f"| {server.name} | {c.key}{same} | {c.rows:,} | {c.rate:,.0f} | {ratio} | "
                f"{fixed} | {marginal} | {c.per_row('client_cpu')} | {c.per_row('server_cpu')} |"
            )
    lines += [
        "",
        "rows/s: end to end (process start, plan, cluster start, load, verify), median of "
        "the runs. fixed: the same case with 1 row per table; marginal rows/s and the CPU "
        "per row are with that fixed cost taken off ('-': less than 5% of the case, lost in "
        "the noise: too few rows). Client CPU includes the worker "
        "processes. Server CPU: PostgreSQL backends of the benchmark database; MariaDB: "
        "all of mariadbd. Client and server share this machine's cores: see "
        "benchmarks/SCALING.md for what these figures predict on a remote server.",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    begin, end = MARKERS
    body = pg_shop.RESULTS.read_text()
    block = f"{begin}\n{text}{end}"
    if begin in body and end in body:
        pre, rest = body.split(begin, 1)
        body = pre + block + rest.split(end, 1)[1]
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    pg_shop.RESULTS.write_text(body)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0, help="multiply the default volumes")
    p.add_argument("--runs", type=int, default=3, help="runs per case; the median is reported")
    p.add_argument("--fast", action="store_true", help="every case with --fast")
    p.add_argument("--server", choices=("postgres", "mariadb"), action="append")
    p.add_argument("--no-write", action="store_true", help="print only, leave RESULTS.md alone")
    args = p.parse_args()
    db = f"fastseed_bench_shards_{os.getpid()}"
    cwd = Path(tempfile.mkdtemp(prefix="shards_"))  # no fastseed.toml: the CLI's defaults
    compileall.compile_dir(pg_shop.SOURCE / "fastseed", quiet=1)
    servers: list[Server] = []
    cases: list[Case] = []
    try:
        for name in args.server or ["postgres", "mariadb"]:
            server = (postgres if name == "postgres" else mariadb)(db, args.scale)
            servers.append(server)
            workers: list[int | None] = [None, *WORKERS]
            mine = [Case(name, f"dask {n}" if n else "one", server.rows) for n in workers]
            cases += mine
            print(f"{name}: {server.counts}, runs {args.runs}", flush=True)
            turns = [(i, empty) for i in range(len(workers)) for empty in (False, True)]
            for r in range(args.runs):
                for t in range(len(turns)):
                    i, empty = turns[(t + r) % len(turns)]
                    cmd = command(server, workers[i], args.fast, empty)
                    measure(server, mine[i], cmd, cwd, empty)
        cpu = "unknown CPU"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        meta = (
            f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"runs {args.runs}, scale {args.scale}, client and server on the same machine."
        )
        text = render(servers, cases, meta, args.fast)
        print("\n" + text)
        if not args.no_write:
            write_section(text)
    finally:
        for server in servers:
            drop(server)


if __name__ == "__main__":
    main()
