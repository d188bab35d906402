"""The `fastseed` command: parse arguments, call the library, map errors to exit codes.

argparse rather than typer: typer 0.29 builds a pydantic adapter for every option on every run
(~0.15 s with its imports), a tenth of a fast-mode load of a million rows."""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import functools
import os
import signal
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import anyio

from fastseed import api
from fastseed.dialects.base import LOST_CONNECTION_ERRORS
from fastseed.errors import FastseedError, SafetyError, UsageError, first_leaf
from fastseed.plan import RowRequest
from fastseed.report import (
    catalog_data,
    print_catalog,
    print_plan_extras,
    print_summary,
    summary_data,
    to_json,
)
from fastseed.scenario import Scenario, find_scenario, load_scenario
from fastseed.url import parse_url, redact_urls

T = TypeVar("T")

if TYPE_CHECKING:
    from rich.console import Console


@functools.cache
def console(stderr: bool = False) -> Console:
    """stdout's or stderr's rich console, made on first use (JSON output needs neither)."""
    from rich.console import Console

    tty = (sys.stderr if stderr else sys.stdout).isatty()
    # rich assumes 80 columns when output is piped; plans and schemas read better wider
    return Console(stderr=stderr, width=None if tty else 140)


_verbose = False


class Exit(Exception):
    """Leave with this exit code once the command's output is written."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class Interrupted(Exception):
    """Ctrl-C or SIGTERM arrived; the run was cancelled and cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


async def _cancellable(fn: Callable[[], Awaitable[T]]) -> T:
    """Run `fn`, cancelling it on SIGINT/SIGTERM: cancellation unwinds through the loader,
    which rolls back open sessions (the server stops the running COPY) and removes the rows
    this run committed, before the process exits."""
    caught: list[int] = []
    out: list[T] = []
    try:
        await _watched(fn, caught, out)
    except BaseExceptionGroup as group:
        raise first_leaf(group) from None
    if caught:
        raise Interrupted(caught[0])
    return out[0]


def _quiet_lost_connections(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Drop asyncio's 'Future exception was never retrieved' for a connection the server
    closed: a driver's internal future holds it, and the run already reports the loss once."""
    exc = context.get("exception")
    while exc is not None:
        if isinstance(exc, tuple(LOST_CONNECTION_ERRORS)):
            return
        exc = exc.__cause__ or exc.__context__
    loop.default_exception_handler(context)


async def _watched(fn: Callable[[], Awaitable[T]], caught: list[int], out: list[T]) -> None:
    if not _verbose:
        asyncio.get_running_loop().set_exception_handler(_quiet_lost_connections)
    async with anyio.create_task_group() as tg:

        async def watch() -> None:
            with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                async for signum in signals:
                    caught.append(signum)
                    tg.cancel_scope.cancel()
                    return

        tg.start_soon(watch)
        out.append(await fn())
        tg.cancel_scope.cancel()


def run(fn: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine on uvloop when installed; map every failure to its exit code."""
    options: dict[str, Any] = {}
    try:
        import uvloop  # noqa: F401

        options["use_uvloop"] = True
    except ImportError:
        pass
    try:
        return anyio.run(_cancellable, fn, backend_options=options)
    except FastseedError as exc:
        if _verbose:
            sys.stderr.write(redact_urls(traceback.format_exc()))
        _print_error(exc)
        raise Exit(exc.exit_code) from None
    except (KeyboardInterrupt, Interrupted) as exc:
        term = isinstance(exc, Interrupted) and exc.signum == signal.SIGTERM
        console(stderr=True).print(
            ("terminated" if term else "interrupted") + ": rows written by this run were removed"
        )
        raise Exit(143 if term else 130) from None


def _print_error(exc: FastseedError) -> None:
    """One line on stderr; any URL in it (echoed from what the user typed) without password."""
    from rich.markup import escape

    text = escape(redact_urls(str(exc)))
    # one line whatever its length, so that logs and scripts can grep it
    console(stderr=True).print(
        f"[red]error:[/] {text}", markup=True, highlight=False, soft_wrap=True
    )


class _Parser(argparse.ArgumentParser):
    """argparse quotes arguments it cannot place (a URL given where a command is expected):
    their passwords are hidden."""

    def error(self, message: str) -> NoReturn:
        super().error(redact_urls(message))


def parse_rows(values: list[str] | None, default: int = 1000) -> RowRequest:
    per: dict[str, int] = {}
    for value in values or []:
        for part in value.split(","):
            name, sep, count = part.rpartition("=")
            try:
                n = int(count)
            except ValueError:
                raise UsageError(f"--rows expects N or TABLE=N, got {part!r}") from None
            if n < 0:
                raise UsageError(f"--rows must not be negative: {part!r}")
            if sep:
                per[name.strip()] = n
            else:
                default = n
    return RowRequest(default=default, per_table=per)


def _guarded(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except FastseedError as exc:
        _print_error(exc)
        raise Exit(exc.exit_code) from None


def parse_rows_flag(values: list[str] | None) -> RowRequest | None:
    """--rows as given, or None so that the scenario file and defaults decide."""
    if not values:
        return None
    request = parse_rows(values, default=-1)
    return request


def read_scenario(config: str | None) -> Scenario | None:
    path = find_scenario(config)
    return load_scenario(path) if path is not None else None


def _confirm_truncate(url: str) -> None:
    """Truncating needs --yes, or a 'yes' typed at a terminal."""
    if not sys.stdin.isatty():
        raise SafetyError("--on-existing truncate deletes existing rows: pass --yes to confirm")
    shown = parse_url(url).redacted()
    answer = input(f"delete every row of the tables fastseed fills in {shown}? [y/N] ")
    if answer.strip().lower() not in {"y", "yes"}:
        raise SafetyError("truncate not confirmed; nothing was changed")


def cmd_inspect(a: argparse.Namespace) -> None:
    """Print the schema as fastseed sees it, with the dependency tiers."""
    request = _guarded(lambda: parse_rows(a.rows))
    plan = run(lambda: api.inspect(a.url, rows=request, schemas=a.schema))
    gens = api.generator_labels(plan) if a.generators else None
    data = catalog_data(plan.catalog, plan, gens)
    if a.output == "json":
        print(to_json(data))
    else:
        print_catalog(console(), data)


def cmd_plan(a: argparse.Namespace) -> None:
    """Show what `seed` would do, without writing; exit 3 if it cannot be satisfied."""
    options = _guarded(
        lambda: api.RunOptions(
            rows=parse_rows_flag(a.rows),
            scenario=read_scenario(a.config),
            seed=a.seed,
            schemas=tuple(a.schema or ()),
        )
    )
    the_plan = run(lambda: api.plan_url(a.url, options))
    labels = api.generator_labels(the_plan)
    data = catalog_data(the_plan.catalog, the_plan, labels)
    data["realism"] = api.realism_stats(the_plan, labels)
    if a.output == "json":
        print(to_json(data))
    else:
        print_catalog(console(), data)
        print_plan_extras(console(), data)
    if the_plan.problems:
        raise Exit(3)


def cmd_seed(a: argparse.Namespace) -> None:
    """Fill every table, verify, print the summary. Exit 0 only if verification passes."""
    if a.dry_run:
        cmd_plan(a)
        return
    request = _guarded(lambda: parse_rows_flag(a.rows))
    scenario = _guarded(lambda: read_scenario(a.config))
    mode = a.on_existing or (scenario.on_existing if scenario else None)
    if mode == "truncate" and not a.yes:
        _guarded(lambda: _confirm_truncate(a.url))
    remote_ok = a.allow_remote or os.environ.get("FASTSEED_ALLOW_REMOTE") == "1"
    result = run(
        lambda: api.seed(
            a.url,
            rows=request,
            seed=a.seed,
            scenario=scenario,
            locale=a.locale,
            batch_size=a.batch_size,
            workers=a.workers,
            streams=a.streams,
            fast=a.fast,
            schemas=a.schema,
            on_existing=mode,
            allow_remote=remote_ok,
            full_verify=a.full_verify,
            disable_triggers=a.disable_triggers,
            timeout=a.timeout,
            lock_timeout=a.lock_timeout,
            notice=_notice,
        )
    )
    data = summary_data(
        result.verify, result.load, result.plan, api.realism_stats(result.plan, result.load.labels)
    )
    if a.output == "json":
        print(to_json(data))
    else:
        print_summary(console(), data)
    if not result.verify.ok:
        raise Exit(5)


def _notice(message: str) -> None:
    console(stderr=True).print(message, markup=False, highlight=False, soft_wrap=True)


def cmd_undo(a: argparse.Namespace) -> None:
    """Remove the rows a crashed (killed) seed run left; exit 0 when nothing is left."""
    remote_ok = a.allow_remote or os.environ.get("FASTSEED_ALLOW_REMOTE") == "1"
    runs = run(
        lambda: api.unfinished_runs(
            a.url, allow_remote=remote_ok, lock_timeout=a.lock_timeout, notice=_notice
        )
    )
    shown = _guarded(lambda: parse_url(a.url).redacted())
    if not runs:
        print(f"nothing to undo: no unfinished fastseed run on {shown}")
        return
    for r in runs:
        tables = ", ".join(r.tables()) or "no table"
        print(f"{r.describe()}: removes the rows it wrote to {tables}")
    if not a.yes:
        _guarded(lambda: _confirm_undo(shown))
    units = run(
        lambda: api.undo(
            a.url, runs, allow_remote=remote_ok, lock_timeout=a.lock_timeout, notice=_notice
        )
    )
    print(f"removed the rows of {len(runs)} unfinished run(s) ({units} unit(s)) from {shown}")


def _confirm_undo(shown: str) -> None:
    """Undoing needs --yes, or a 'yes' typed at a terminal."""
    if not sys.stdin.isatty():
        raise SafetyError("undo deletes rows: pass --yes to confirm")
    answer = input(f"delete these rows from {shown}? [y/N] ")
    if answer.strip().lower() not in {"y", "yes"}:
        raise SafetyError("undo not confirmed; nothing was changed")


def cmd_verify(a: argparse.Namespace) -> None:
    """Check row counts, orphaned foreign keys and duplicate keys; exit 5 on any violation."""
    result = run(lambda: api.verify_url(a.url, schemas=a.schema))
    data = summary_data(result)
    if a.output == "json":
        print(to_json(data))
    else:
        print_summary(console(), data)
    if not result.ok:
        raise Exit(5)


def cmd_demo(a: argparse.Namespace) -> None:
    """Create a small shop database in a SQLite file, fill it, verify it."""
    from fastseed.demo import run_demo

    result = run(lambda: run_demo(a.path, users=a.rows, seed=a.seed))
    data = summary_data(result.verify, result.load, result.plan)
    if a.output == "json":
        print(to_json(data))
    else:
        console().print(f"demo database: [bold]{a.path}[/] (open it with: sqlite3 {a.path})")
        print_summary(console(), data)
    if not result.verify.ok:
        raise Exit(5)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text!r}")
    return value


def _count(text: str) -> int:
    """A count of at least 1 (--streams, --workers, --batch-size)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fastseed",
        description="Fill a database with realistic, constraint-valid test data.",
        epilog="exit codes: 0 ok, 1 load failed (its rows removed), 2 usage, 3 unsatisfiable, "
        "4 refused by a safety guard, 5 verification failed, 6 server unreachable, "
        "7 permission denied, 8 another fastseed run held the database past --lock-timeout",
    )
    verbose = _Parser(add_help=False)
    verbose.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="tracebacks"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="tracebacks")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(fn: Callable[[argparse.Namespace], None], name: str) -> argparse.ArgumentParser:
        doc = (fn.__doc__ or "").strip()
        sub = commands.add_parser(name, help=doc, description=doc, parents=[verbose])
        sub.set_defaults(func=fn)
        return sub

    def url(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("url", help="postgresql://, mysql://, mariadb:// or sqlite:///PATH")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("-o", "--output", choices=("text", "json"), default="text")
        sub.add_argument(
            "--schema", action="append", metavar="NAME", help="only these schemas (repeatable)"
        )

    def rows(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "-r",
            "--rows",
            action="append",
            metavar="N|TABLE=N",
            help="rows per table: N for all, TABLE=N for one (repeatable)",
        )

    def scenario(sub: argparse.ArgumentParser, seed_help: str | None = None) -> None:
        rows(sub)
        sub.add_argument(
            "-c",
            "--config",
            metavar="FILE",
            help="scenario file (default: $FASTSEED_CONFIG or ./fastseed.toml)",
        )
        sub.add_argument("-s", "--seed", type=int, help=seed_help)

    def lock_timeout(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--lock-timeout",
            type=float,
            default=api.DEFAULT_LOCK_TIMEOUT,
            metavar="SECONDS",
            help="wait this long for another fastseed run on the database (default "
            f"{api.DEFAULT_LOCK_TIMEOUT:g}); exit 8 after",
        )

    sub = command(cmd_inspect, "inspect")
    url(sub)
    common(sub)
    sub.add_argument(
        "--generators",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="show each column's generator",
    )
    rows(sub)

    sub = command(cmd_plan, "plan")
    url(sub)
    scenario(sub)
    common(sub)

    sub = seed_parser = command(cmd_seed, "seed")
    url(sub)
    scenario(sub, "same seed, same data")
    common(sub)
    flag = argparse.BooleanOptionalAction
    sub.add_argument("--locale", help="mimesis locale (en, de, fr, ...)")
    sub.add_argument("--batch-size", type=_count, metavar="N", help="rows per COPY/INSERT batch")
    sub.add_argument(
        "--workers", type=_count, metavar="N", help="sessions open at once (default 4)"
    )
    sub.add_argument(
        "--streams",
        type=_count,
        metavar="N",
        help="concurrent sessions per big table (default: one per core when the database "
        "is on this machine, else 4, shared by the tables that load at the same time)",
    )
    sub.add_argument(
        "--fast",
        action=flag,
        default=False,
        help="for empty targets: FKs not checked while loading (all tables at once), every "
        "row checked against them after (PostgreSQL, MySQL/MariaDB)",
    )
    sub.add_argument(
        "--disable-triggers",
        action=flag,
        default=False,
        help="loading sessions skip user triggers (PostgreSQL as a superuser, like "
        "pg_restore's option; FKs are then checked after the load); refused on MySQL/MariaDB",
    )
    sub.add_argument(
        "--on-existing",
        choices=("append", "truncate", "fail"),
        help="when tables hold rows: append (default), truncate or fail",
    )
    sub.add_argument("-y", "--yes", action="store_true", help="confirm --on-existing truncate")
    sub.add_argument(
        "--allow-remote",
        action=flag,
        default=False,
        help="allow a non-local host (also FASTSEED_ALLOW_REMOTE=1)",
    )
    sub.add_argument("--dry-run", action="store_true", help="print the plan only")
    sub.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="wait this long for the server to connect or answer (default 10); lock waits "
        "end after 3x as long, a load batch after 30x (PostgreSQL) or 12x (MySQL)",
    )
    sub.add_argument(
        "--full-verify",
        action=flag,
        default=False,
        help="scan for orphans and duplicates even where the server's checks rule them out",
    )

    lock_timeout(seed_parser)

    sub = command(cmd_undo, "undo")
    url(sub)
    sub.add_argument("-y", "--yes", action="store_true", help="remove without asking")
    sub.add_argument(
        "--allow-remote",
        action=flag,
        default=False,
        help="allow a non-local host (also FASTSEED_ALLOW_REMOTE=1)",
    )
    lock_timeout(sub)

    sub = command(cmd_verify, "verify")
    url(sub)
    common(sub)

    sub = command(cmd_demo, "demo")
    sub.add_argument("--path", default="fastseed-demo.db", help="SQLite file to create")
    sub.add_argument("--rows", type=int, default=1000, help="users (other tables scale from it)")
    sub.add_argument("-s", "--seed", type=int, default=42)
    sub.add_argument("-o", "--output", choices=("text", "json"), default="text")
    return parser


def main(argv: list[str] | None = None) -> None:
    global _verbose
    parser = build_parser()
    code = 0
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            raise Exit(2)
        _verbose = args.verbose
        args.func(args)
    except Exit as exc:
        code = exc.code
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        code = exc.code if isinstance(exc.code, int) else 2
    except BrokenPipeError:  # `fastseed ... | head`
        pass
    _leave(code)


def _leave(code: int) -> NoReturn:
    """Exit without the interpreter's teardown, which spends ~0.1 s freeing modules and data
    (numpy, mimesis, pydantic) a finished run no longer needs. By now every connection is
    closed and every transaction ended; exit handlers still run and output is flushed."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
