"""Generation alone on the shop schema (pg_shop.py's case f and f'), no database while timed.

    .venv/bin/python benchmarks/shop_gen.py                       # all three tables, then users
    .venv/bin/python benchmarks/shop_gen.py --profile users.prof  # cProfile of the last run
    .venv/bin/python benchmarks/shop_gen.py --digest              # one hash per table and column
    .venv/bin/python benchmarks/shop_gen.py --ab 6 HEAD~1 tree    # refs in turns, CPU medians
    .venv/bin/python benchmarks/shop_gen.py --what all:batch      # column-wise, as the loader
                                                                  # makes batches

The plan is reflected once from a scratch PostgreSQL database (pg_shop.py's schema and volumes)
and pickled to --plan, so later runs and every ref of an A/B read the same plan. Users are
timed as pg_shop.py's `generation_only` does (pools included); "all" is every table in
pg_shop.py's batches, as its `pregenerate` times them; by default in pg_shop.py's order, all
first (the process's caches cold), then users 3 times (pg_shop.py reports their median).
Rates are per CPU second (user + sys of this process), which the shared cores disturb less
than wall time. --digest hashes every
value's repr per column, to check that a change keeps a seed's values.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pg_shop  # noqa: E402


def cpu() -> float:
    t = os.times()
    return t.user + t.system


def make_plan(path: Path) -> None:
    """Reflect the shop schema from a scratch database and pickle the plan to `path`."""
    db = f"fastseed_bench_shop_gen_{os.getpid()}"
    pg_shop.psql("postgres", f'CREATE DATABASE "{db}"')
    try:
        pg_shop.psql(db, pg_shop.SCHEMA_SQL)
        counts = dict(pg_shop.BASE)
        plan = asyncio.run(pg_shop.build_plan(db, counts))
    finally:
        pg_shop.psql("postgres", f'DROP DATABASE "{db}"')
    path.write_bytes(pickle.dumps((plan, counts), protocol=pickle.HIGHEST_PROTOCOL))


def timed(plan: Any, counts: dict[str, int], batch: int, what: str) -> dict[str, float]:
    """`what` is users or all, as tuples (`rows`, what pg_shop.py times) or with a `:batch`
    suffix column-wise (`batch`, what the loader writes from)."""
    tables, _, path = what.partition(":")
    started = cpu()
    if tables == "users" and not path:
        pg_shop.generation_only(plan, counts["users"], batch)
        return {"rows": counts["users"], "cpu": cpu() - started}
    gens = pg_shop.run_generators(plan)
    rows = 0
    for t in ("users",) if tables == "users" else pg_shop.TABLES:
        gen = gens.table(pg_shop.table_name(plan, t))
        make = gen.batch if path == "batch" else gen.rows
        for start in range(0, counts[t], batch):
            make(start, min(counts[t], start + batch))
        rows += counts[t]
    return {"rows": rows, "cpu": cpu() - started}


def digest(plan: Any, counts: dict[str, int], batch: int) -> dict[str, str]:
    """A hash of each column's values (their repr), from `rows`; a column whose values from
    `batch(...).rows()` (the loader's path for drivers without binary COPY) differ is listed
    again with its hash from there, under `table.column:batch`."""
    gens = pg_shop.run_generators(plan)
    out = {}
    for t in pg_shop.TABLES:
        gen = gens.table(pg_shop.table_name(plan, t))
        names = [c.name for c in gen.write_columns]
        hashes = {(p, c): hashlib.sha256() for p in ("", ":batch") for c in names}
        for start in range(0, counts[t], batch):
            stop = min(counts[t], start + batch)
            for path, rows in (
                ("", gen.rows(start, stop)),
                (":batch", gen.batch(start, stop).rows()),
            ):
                for row in rows:
                    for c, v in zip(names, row, strict=True):
                        hashes[path, c].update(repr(v).encode() + b"\0")
        for c in names:
            out[f"{t}.{c}"] = hashes["", c].hexdigest()[:16]
            if hashes[":batch", c].digest() != hashes["", c].digest():
                out[f"{t}.{c}:batch"] = hashes[":batch", c].hexdigest()[:16]
    return out


def child(args: argparse.Namespace) -> None:
    import fastseed

    print(f"fastseed from {Path(fastseed.__file__).parent.parent}", file=sys.stderr)
    plan, counts = pickle.loads(Path(args.plan).read_bytes())
    counts = {t: max(1, round(n * args.scale)) for t, n in counts.items()}
    if args.digest:
        print(json.dumps(digest(plan, counts, args.batch), indent=1))
        return
    if args.profile:  # the last run only: the ones before it warm the caches, as in pg_shop.py
        *before, last = args.what.split(",")
        for what in before:
            timed(plan, counts, args.batch, what)
        prof = cProfile.Profile()
        prof.runcall(timed, plan, counts, args.batch, last)
        prof.dump_stats(args.profile)
        return
    print(json.dumps([[w, timed(plan, counts, args.batch, w)] for w in args.what.split(",")]))


def run_ab(args: argparse.Namespace, refs: list[str]) -> None:
    import ab  # not in the children: its mariadb_load puts the checkout first on sys.path

    tmp = Path(tempfile.mkdtemp(prefix="shop_gen_"))
    sources = {ref: str(ab.export(ref, tmp)) for ref in refs}
    rates: dict[str, dict[str, list[float]]] = {r: {} for r in refs}
    for rnd in range(args.ab):
        order = refs[rnd % len(refs) :] + refs[: rnd % len(refs)]
        for ref in order:
            env = {**os.environ, "PYTHONPATH": sources[ref]}
            cmd = [sys.executable, __file__, "--plan", args.plan, "--what", args.what]
            cmd += ["--scale", str(args.scale), "--batch", str(args.batch)]
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
            assert f"fastseed from {sources[ref]}" in out.stderr, out.stderr
            for what, r in json.loads(out.stdout):
                rates[ref].setdefault(what, []).append(r["rows"] / r["cpu"])
        print(f"round {rnd + 1}/{args.ab}", flush=True)
    for ref in refs:
        line = ", ".join(
            f"{w} {statistics.median(v):,.0f} (best {max(v):,.0f})" for w, v in rates[ref].items()
        )
        print(f"{ref}: rows per CPU second, median of {args.ab} rounds: {line}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--plan", default=str(Path(tempfile.gettempdir()) / "fastseed_shop_plan.pkl"))
    p.add_argument(
        "--what",
        default="all,users,users,users",
        help="runs in this order, comma-separated: users, all, users:batch, all:batch; the\n"
        "default is pg_shop.py's: all tables once (its caches cold), then users 3 times",
    )
    p.add_argument("--scale", type=float, default=1.0, help="multiply pg_shop.py's volume")
    p.add_argument("--batch", type=int, default=5000, help="rows per generator batch")
    p.add_argument("--profile", help="write a cProfile of the last --what run to this file")
    p.add_argument("--digest", action="store_true", help="print a hash per table and column")
    p.add_argument("--ab", type=int, default=0, help="rounds of an A/B between the refs given")
    p.add_argument("refs", nargs="*", help="git refs (or `tree`) for --ab")
    args = p.parse_args()
    if not Path(args.plan).exists():
        make_plan(Path(args.plan))
    if args.ab:
        run_ab(args, args.refs or ["tree"])
    else:
        started = time.perf_counter()
        child(args)
        print(f"({time.perf_counter() - started:.1f} s wall)", file=sys.stderr)


if __name__ == "__main__":
    main()
