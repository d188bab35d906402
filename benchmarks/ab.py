"""A/B: fastseed as committed at several git refs, and the baseline, alternating in one loop.

    .venv/bin/python benchmarks/ab.py postgres --rounds 6 --fast 25feedd HEAD
    .venv/bin/python benchmarks/ab.py postgres --rounds 6 --fast "HEAD:--streams 1" HEAD
    .venv/bin/python benchmarks/ab.py mariadb --rounds 6 25feedd HEAD "HEAD:fast"

This machine's speed drifts by 10-40% over minutes, so a change is judged by cases that run
round after round in turns (each round starting one case later), not by two runs minutes
apart. Each REF is a git ref whose `fastseed/` is exported to a temporary directory, or
`tree` for the working tree; after a colon come extra CLI arguments (postgres) or `fast`
(mariadb). The baseline is psql `\\copy` (postgres; with --fast, psql in fastseed's fast mode:
FK triggers skipped, orphans counted) or the mariadb client's LOAD DATA (mariadb; also with FK
checks off and orphans counted when a case runs in fast mode), of the same rows, pre-generated
once. Shop schema and volumes as in pg_shop.py and mariadb_load.py; prints
the median per case and its ratio to the baseline (higher is faster).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import mariadb_load  # noqa: E402
import pg_shop  # noqa: E402


def export(ref: str, into: Path) -> Path:
    """A directory holding `fastseed/` as committed at `ref` (or the working tree)."""
    if ref == "tree":
        return HERE.parent
    out = into / ref.replace("/", "_")
    if not out.exists():
        out.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(HERE.parent), "archive", ref, "fastseed"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    compileall.compile_dir(out / "fastseed", quiet=1)  # as pip would: no compiling while timed
    return out


def seed_child(source: str, url: str, counts: str, fast: bool) -> None:
    """mariadb_load.py's case a (fastseed.seed(), timed around the call), from `source`."""
    sys.path.insert(0, source)
    import fastseed

    assert fastseed.__file__.startswith(source), fastseed.__file__
    out = asyncio.run(mariadb_load._seed_child(url, json.loads(counts), fast))
    print(json.dumps(out))


def postgres_cases(args: argparse.Namespace, work: Path) -> tuple[dict[str, list[str]], str]:
    db = f"fastseed_ab_{os.getpid()}"
    counts = dict(pg_shop.BASE)
    pg_shop.psql("postgres", f'CREATE DATABASE "{db}"')
    pg_shop.psql(db, pg_shop.SCHEMA_SQL)
    plan = asyncio.run(pg_shop.build_plan(db, counts))
    cols = pg_shop.pregenerate(plan, counts, work, 10_000)["columns"]
    copies = pg_shop.copy_commands(work, cols)
    base = pg_shop.psql_base(db)
    if args.fast:
        baseline = pg_shop.psql_skip_cmd(base, copies, pg_shop.fk_defs(db))
    else:
        baseline = base + [arg for c in copies for arg in ("-c", c)]
    cases = {"psql": baseline}
    for spec in args.refs:
        ref, _, extra = spec.partition(":")
        source = export(ref, work)
        cmd = pg_shop.fastseed_cmd(db, counts, fast=args.fast) + extra.split()
        cases[spec] = ["env", f"PYTHONPATH={source}", *cmd]
    return cases, db


def mariadb_cases(args: argparse.Namespace, work: Path) -> tuple[dict[str, list[str]], str]:
    db = f"fastseed_ab_{os.getpid()}"
    counts = dict(mariadb_load.BASE)
    mariadb_load.sql(None, f"CREATE DATABASE `{db}` CHARACTER SET utf8mb4")
    mariadb_load.recreate(db)
    mariadb_load.pregenerate(db, counts, work, 5000)
    pickled = mariadb_load._load_pickle(str(work / "rows.pickle"))
    columns = {t: v[0] for t, v in pickled.items()}
    cases: dict[str, list[str]] = {}
    if not args.fast:
        cases["mariadb"] = mariadb_load.load_data_cmd(db, work, columns)
    if args.fast or any(spec.endswith(":fast") for spec in args.refs):
        cases["mariadb, FK checks off"] = mariadb_load.load_data_cmd(db, work, columns, fast=True)
    for spec in args.refs:
        ref, _, extra = spec.partition(":")
        source = export(ref, work)
        url = mariadb_load.url_of(db)
        wants_fast = "fast" if args.fast or extra == "fast" else "slow"
        cases[spec] = [sys.executable, __file__, "_seed", str(source), url, json.dumps(counts)]
        cases[spec].append(wants_fast)
    return cases, db


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_seed":
        seed_child(*sys.argv[2:5], fast=sys.argv[5] == "fast")
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("dialect", choices=("postgres", "mariadb"))
    p.add_argument("refs", nargs="+", help="git refs (or 'tree'), each optionally REF:EXTRA")
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--fast", action="store_true", help="every case in fast mode")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fastseed_ab_"))
    make = postgres_cases if args.dialect == "postgres" else mariadb_cases
    cases, db = make(args, work)
    times: dict[str, list[float]] = {name: [] for name in cases}
    try:
        names = list(cases)
        for r in range(args.rounds):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                if args.dialect == "postgres":
                    pg_shop.reset(db)
                    pg_shop.wait_quiet()
                    sample, out, err, code = pg_shop.run_child(cases[name], cwd=work)
                else:
                    mariadb_load.recreate(db)
                    sample, out, err, code = mariadb_load.run_child(cases[name])
                if code != 0:
                    raise SystemExit(f"{name} failed: {err.strip()[-800:]}")
                if name in args.refs and args.dialect == "mariadb":
                    data = json.loads(out.strip().splitlines()[-1])
                    assert data["ok"], data
                    sample.wall = data["seconds"]
                times[name].append(sample.wall)
                print(
                    f"round {r + 1}: {name:>24} {sample.wall:6.2f} s  client CPU "
                    f"{sample.client_cpu:4.2f} s  server CPU {sample.server_cpu:4.2f} s",
                    flush=True,
                )
    finally:
        if args.dialect == "postgres":
            pg_shop.psql("postgres", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        else:
            mariadb_load.sql(None, f"DROP DATABASE IF EXISTS `{db}`")
    baselines = {n: statistics.median(times[n]) for n in cases if n not in args.refs}
    print()
    for name, walls in times.items():
        med = statistics.median(walls)
        runs = " ".join(f"{w:.2f}" for w in walls)
        ratios = ", ".join(f"{b / med:.3f}x {n}" for n, b in baselines.items())
        print(f"{name:>24}: median {med:6.3f} s  ({runs})  vs {ratios}")


if __name__ == "__main__":
    main()
