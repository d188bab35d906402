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
import warnings
from collections.abc import Awaitable, Callable
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import anyio

from fastseed import __version__, api, settings
from fastseed.dask_runner import DaskRunner
from fastseed.dialects.base import LOST_CONNECTION_ERRORS
from fastseed.errors import FastseedError, SafetyError, UsageError, first_leaf
from fastseed.logs import JsonLog, JsonProgress
from fastseed.plan import RowRequest
from fastseed.progress import PlainProgress, RichProgress, RunProgress
from fastseed.report import (
    catalog_data,
    print_catalog,
    print_plan_extras,
    print_summary,
    summary_data,
    to_json,
)
from fastseed.scenario import Scenario, find_scenario, load_scenario
from fastseed.settings import help_text
from fastseed.shard import Shard
from fastseed.sharded import save_plan, seed_shard
from fastseed.snapshot import Snapshot
from fastseed.url import DatabaseURL, parse_url, redact_urls

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
_log: JsonLog | None = None
"""Set by --log-format json: messages go out as JSON lines instead of text."""
_json_output = False
"""Set by --output json: a failure also writes a JSON error object on stdout."""


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
        _fail(exc)
    except (KeyboardInterrupt, Interrupted) as exc:
        term = isinstance(exc, Interrupted) and exc.signum == signal.SIGTERM
        what = "terminated" if term else "interrupted"
        _fail(f"{what}: rows written by this run were removed", 143 if term else 130, what)


def _fail(error: FastseedError | str, code: int = 1, kind: str | None = None) -> NoReturn:
    """Say what failed (one line on stderr, or a JSON log line) and leave with its code;
    with --output json, stdout gets the error as a JSON object too."""
    message = redact_urls(str(error))
    if isinstance(error, FastseedError):
        code, kind = error.exit_code, type(error).__name__
    if _log is not None:
        _log.event("error", level="error", message=message, exit_code=code, kind=kind)
    elif kind in ("interrupted", "terminated"):
        console(stderr=True).print(message, markup=False, highlight=False, soft_wrap=True)
    else:
        from rich.markup import escape

        # one line whatever its length, so that logs and scripts can grep it
        console(stderr=True).print(
            f"[red]error:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True
        )
    if _json_output:
        error_object = {"ok": False, "error": {"message": message, "kind": kind}}
        print(to_json({**error_object, "exit_code": code}))
    raise Exit(code)


class _Parser(argparse.ArgumentParser):
    """argparse quotes arguments it cannot place (a URL given where a command is expected):
    their passwords are hidden. An option's value may be `--` (`--schema=--`, a legal
    schema name), which argparse of Python 3.11 drops as if it ended the options."""

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)

    def error(self, message: str) -> NoReturn:
        if _log is None and not _json_output:
            super().error(redact_urls(message))
        _fail(UsageError(f"{self.prog}: {message}"))


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
        if _verbose:
            sys.stderr.write(redact_urls(traceback.format_exc()))
        _fail(exc)


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
    if not _ask(f"delete every row of the tables fastseed fills in {shown}? [y/N] "):
        raise SafetyError("truncate not confirmed; nothing was changed")


def _ask(question: str) -> bool:
    """A yes/no question at the terminal. Ctrl-D (no answer) leaves with 1 and Ctrl-C with
    130, as any interrupted command does: nothing was changed either way."""
    try:
        answer = input(question)
    except EOFError:
        print(file=sys.stderr)
        _fail("no answer (end of input); nothing was changed", 1, "no_answer")
    except KeyboardInterrupt:
        print(file=sys.stderr)
        _fail("interrupted; nothing was changed", 130, "interrupted")
    return answer.strip().lower() in {"y", "yes"}


def _target(a: argparse.Namespace) -> DatabaseURL:
    """The database a command works on; a SQLite file must exist unless `--create` (a
    misspelt path would otherwise become a new, empty database). Waits for the server
    first with --wait."""
    db = _guarded(lambda: parse_url(a.url))
    if db.dialect == "sqlite" and db.database not in (":memory:", ""):
        path = Path(db.database or "")
        if not path.exists() and not getattr(a, "create", False):
            create = "; pass --create to make a new database" if hasattr(a, "create") else ""
            _fail(UsageError(f"no SQLite file {str(path)!r}{_nearby(path)}{create}"))
    if getattr(a, "wait", 0) and db.dialect != "sqlite":
        from fastseed.wait import wait_for_server

        timeout = getattr(a, "timeout", None) or 10.0
        run(lambda: wait_for_server(db, a.wait, timeout=timeout, notice=_notice))
    return db


def _nearby(path: Path) -> str:
    """' (did you mean 'x.db'?)' for the closest file beside a missing one."""
    try:
        beside = [p.name for p in (path.parent if str(path.parent) else Path()).iterdir()]
    except OSError:
        return ""
    close = get_close_matches(path.name, beside, n=1)
    return f" (did you mean {str(path.with_name(close[0]))!r}?)" if close else ""


def cmd_inspect(a: argparse.Namespace) -> None:
    """Print the schema as fastseed sees it, with the dependency tiers."""
    request = _guarded(lambda: parse_rows(a.rows))
    _target(a)
    plan = run(lambda: api.inspect(a.url, rows=request, schemas=a.schema))
    gens = api.generator_labels(plan) if a.generators else None
    found = api.column_concepts(plan) if a.generators else None
    data = catalog_data(plan.catalog, plan, gens, found)
    if a.output == "json":
        print(to_json(data))
    elif not a.quiet:
        print_catalog(console(), data)


def cmd_plan(a: argparse.Namespace) -> None:
    """Show what `seed` would do and where each setting came from, without writing; exit 3
    if it cannot be satisfied."""
    scenario = _guarded(lambda: read_scenario(a.config))
    options = _guarded(
        lambda: api.RunOptions(
            rows=parse_rows_flag(a.rows),
            scenario=scenario,
            seed=a.seed,
            schemas=tuple(a.schema or (scenario.schemas if scenario else ())),
        )
    )
    db = _target(a)
    if a.save:
        locale = scenario.locale if scenario else None
        saved = run(
            lambda: save_plan(
                db, options, a.save, locale=locale, allow_remote=a.allow_remote, timeout=a.timeout
            )
        )
        the_plan = saved.plan
    else:
        the_plan = run(lambda: api.plan_url(a.url, options))
    labels = api.generator_labels(the_plan)
    data = catalog_data(the_plan.catalog, the_plan, labels, api.column_concepts(the_plan))
    data["realism"] = api.realism_stats(the_plan, labels)
    data["settings"] = _guarded(lambda: settings.explain(a, a.origin, scenario, os.environ))
    if scenario is not None:
        data["scenario_file"] = scenario.source
    if a.output == "json":
        print(to_json(data))
    elif not a.quiet:
        print_catalog(console(), data)
        print_plan_extras(console(), data)
    if the_plan.problems:
        raise Exit(3)


def cmd_seed(a: argparse.Namespace) -> None:
    """Fill every table, verify, print the summary. Exit 0 only if verification passes."""
    if a.dry_run:
        cmd_plan(a)
        return
    shard = None if a.dask else _guarded(lambda: Shard.from_options(a.shard, a.shards))
    if shard is not None or a.plan:
        _seed_shard(a, shard or Shard(0, 1))
        return
    request = _guarded(lambda: parse_rows_flag(a.rows))
    scenario = _guarded(lambda: read_scenario(a.config))
    mode = a.on_existing or (scenario.on_existing if scenario else None)
    db = _target(a)
    if mode == "truncate" and not a.yes:
        _guarded(lambda: _confirm_truncate(a.url))
    progress = _progress(a)
    try:
        result = run(
            lambda: api.seed(
                db,
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
                allow_remote=a.allow_remote,
                full_verify=a.full_verify,
                disable_triggers=a.disable_triggers,
                timeout=a.timeout,
                lock_timeout=a.lock_timeout,
                notice=_notice,
                progress=progress,
                on_plan=_on_plan(progress),
                **({"loader": DaskRunner(a.dask, a.shards)} if a.dask else {}),
            )
        )
    finally:
        if progress is not None:
            progress.close()
    data = summary_data(
        result.verify, result.load, result.plan, api.realism_stats(result.plan, result.load.labels)
    )
    _summary(a, data)


def _seed_shard(a: argparse.Namespace, shard: Shard) -> None:
    """Load one shard of a saved plan; print what it wrote (not verified: other shards'
    rows may still be on their way)."""
    if not a.plan:
        _fail(UsageError("--shard needs --plan FILE (`fastseed plan URL --save FILE` makes it)"), 2)
    if a.disable_triggers or a.on_existing == "truncate":
        _fail(UsageError("a shard run appends: --disable-triggers and truncate are refused"), 2)
    db = _target(a)
    snapshot = _guarded(lambda: Snapshot.load(a.plan))
    tiers = None if a.tier is None else [a.tier]
    progress = _progress(a)
    try:
        result = run(
            lambda: seed_shard(
                db,
                snapshot,
                shard,
                tiers=tiers,
                batch_size=a.batch_size or 5000,
                workers=a.workers or 4,
                streams=a.streams,
                fast=a.fast,
                allow_remote=a.allow_remote,
                timeout=a.timeout,
                progress=progress,
                notice=_notice,
            )
        )
    finally:
        if progress is not None:
            progress.close()
    data = {
        "ok": True,
        "shard": str(shard),
        "tiers": tiers,
        "inserted_rows": result.total,
        "load_seconds": round(result.seconds, 3),
        "tables": {str(t): n for t, n in sorted(result.rows.items())},
        "verified": False,
    }
    if _log is not None:
        _log.event("summary", level="info", exit_code=0, **data)
    if a.output == "json":
        print(to_json(data))
    elif not a.quiet:
        print(
            f"shard {shard}: {result.total} rows in {result.seconds:.2f} s; not verified: "
            f"run `fastseed verify` once every shard is done"
        )


def _progress(a: argparse.Namespace) -> RunProgress | None:
    """What shows the load's progress on stderr: JSON lines with --log-format json, else a
    live display at a terminal and plain lines elsewhere (`--progress` decides)."""
    if _log is not None:
        return JsonProgress(_log)
    mode = "none" if a.quiet else a.progress
    if mode == "auto":
        mode = "rich" if sys.stderr.isatty() else "plain"
    if mode == "rich":
        return RichProgress(console(stderr=True))
    if mode == "plain":
        return PlainProgress(_plain)
    return None


def _on_plan(progress: RunProgress | None) -> Callable[[Any], None]:
    def planned(plan: Any) -> None:
        if _log is not None:
            for warning in plan.warnings:
                _log.event("warning", level="warning", message=warning)
        if progress is not None:
            progress.plan(plan)

    return planned


def _summary(a: argparse.Namespace, data: dict[str, Any]) -> None:
    """The summary (text or JSON on stdout, a `summary` log line); exit 5 unless it is ok."""
    code = 0 if data["ok"] else 5
    if _log is not None:
        brief = {k: v for k, v in data.items() if k not in ("realism", "tables", "warnings")}
        brief["tables"] = {t["table"]: t["rows"] for t in data["tables"]}
        _log.event("summary", level="info" if code == 0 else "error", exit_code=code, **brief)
    if a.output == "json":
        print(to_json(data))
    elif not a.quiet:
        print_summary(console(), data)
    if code:
        raise Exit(code)


def _plain(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _notice(message: str) -> None:
    if _log is not None:
        level = "warning" if message.startswith("warning:") else "info"
        _log.event(level if level == "warning" else "notice", level=level, message=message)
        return
    console(stderr=True).print(message, markup=False, highlight=False, soft_wrap=True)


def cmd_undo(a: argparse.Namespace) -> None:
    """Remove the rows a crashed (killed) seed run left; exit 0 when nothing is left."""
    db = _target(a)
    runs = run(
        lambda: api.unfinished_runs(
            db, allow_remote=a.allow_remote, lock_timeout=a.lock_timeout, notice=_notice
        )
    )
    shown = db.redacted()
    if not runs:
        _say(f"nothing to undo: no unfinished fastseed run on {shown}")
        return
    for r in runs:
        tables = ", ".join(r.tables()) or "no table"
        _say(f"{r.describe()}: removes the rows it wrote to {tables}")
    if not a.yes:
        _guarded(lambda: _confirm_undo(shown))
    units = run(
        lambda: api.undo(
            db, runs, allow_remote=a.allow_remote, lock_timeout=a.lock_timeout, notice=_notice
        )
    )
    _say(f"removed the rows of {len(runs)} unfinished run(s) ({units} unit(s)) from {shown}")


def _say(line: str) -> None:
    """A result line on stdout (a `notice` log line with --log-format json)."""
    if _log is not None:
        _log.event("notice", message=line)
    else:
        print(line)


def _confirm_undo(shown: str) -> None:
    """Undoing needs --yes, or a 'yes' typed at a terminal."""
    if not sys.stdin.isatty():
        raise SafetyError("undo deletes rows: pass --yes to confirm")
    if not _ask(f"delete these rows from {shown}? [y/N] "):
        raise SafetyError("undo not confirmed; nothing was changed")


def cmd_verify(a: argparse.Namespace) -> None:
    """Check row counts, orphaned foreign keys and duplicate keys; exit 5 on any violation."""
    db = _target(a)
    result = run(lambda: api.verify_url(db, schemas=a.schema, prove_fks=a.prove_fks))
    _summary(a, summary_data(result))


def cmd_demo(a: argparse.Namespace) -> None:
    """Create a small shop database in a SQLite file, fill it, verify it."""
    from fastseed.demo import run_demo

    progress = _progress(a)
    try:
        result = run(
            lambda: run_demo(
                a.path, users=a.rows, seed=a.seed, progress=progress, on_plan=_on_plan(progress)
            )
        )
    finally:
        if progress is not None:
            progress.close()
    data = summary_data(result.verify, result.load, result.plan)
    if a.output != "json" and not a.quiet and _log is None:
        from rich.markup import escape

        shown = escape(a.path)
        console().print(f"demo database: [bold]{shown}[/] (open it with: sqlite3 {shown})")
    _summary(a, data)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fastseed",
        description="Fill a database with realistic, constraint-valid test data. Every option "
        "can also be set as FASTSEED_<OPTION> (flags win over the environment, which wins over "
        "the scenario file); the URL comes from FASTSEED_URL or DATABASE_URL when not given.",
        epilog="exit codes: 0 ok, 1 load failed (its rows removed), 2 usage, 3 unsatisfiable, "
        "4 refused by a safety guard, 5 verification failed, 6 server unreachable, "
        "7 permission denied, 8 another fastseed run held the database past --lock-timeout, "
        "130 interrupted, 143 terminated",
    )
    parser.add_argument("--version", action="version", version=f"fastseed {__version__}")
    # options every command takes, before or after its name
    shared = _Parser(add_help=False)
    shared.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show tracebacks and library warnings (default: off)",
    )
    shared.add_argument(
        "--log-format",
        choices=("text", "json"),
        default=argparse.SUPPRESS,
        help=help_text(
            "log_format", "json: messages, progress and errors as one JSON object per line"
        ),
    )
    shared.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help=help_text("quiet", "print no progress and no text summary; errors still print"),
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=False, help="tracebacks (default: off)"
    )
    parser.add_argument(
        "--log-format", choices=("text", "json"), default=None, help=argparse.SUPPRESS
    )
    parser.add_argument("-q", "--quiet", action="store_true", default=None, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    flag = argparse.BooleanOptionalAction

    def command(fn: Callable[[argparse.Namespace], None], name: str) -> argparse.ArgumentParser:
        doc = " ".join((fn.__doc__ or "").split())
        sub = commands.add_parser(name, help=doc, description=doc, parents=[shared])
        sub.set_defaults(func=fn)
        return sub

    def url(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "url",
            nargs="?",
            help="postgresql://, mysql://, mariadb:// or sqlite:///PATH (default: "
            "$FASTSEED_URL, else $DATABASE_URL)",
        )
        sub.add_argument(
            "--wait",
            type=settings.seconds_or_none,
            metavar="SECONDS",
            help=help_text(
                "wait", "retry connecting this long while the server is not up yet; exit 6 after"
            ),
        )
        sub.add_argument(
            "--timeout",
            type=settings.seconds,
            metavar="SECONDS",
            help=help_text(
                "timeout",
                "wait this long for the server to connect or answer; lock waits end after 3x "
                "as long, a load batch after 30x (PostgreSQL) or 12x (MySQL)",
            ),
        )

    def output(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "-o",
            "--output",
            choices=("text", "json"),
            help=help_text("output", "text for people, json for scripts (on stdout)"),
        )

    def schema(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--schema",
            action="append",
            metavar="NAME",
            help=help_text("schema", "only these schemas (repeatable)"),
        )

    def rows(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "-r",
            "--rows",
            action="append",
            metavar="N|TABLE=N",
            help=help_text("rows", "rows per table: N for all, TABLE=N for one (repeatable)"),
        )

    def scenario(sub: argparse.ArgumentParser) -> None:
        rows(sub)
        sub.add_argument(
            "-c",
            "--config",
            metavar="FILE",
            help="scenario file (default: $FASTSEED_CONFIG, else ./fastseed.toml if present)",
        )
        sub.add_argument(
            "-s", "--seed", type=settings.integer, help=help_text("seed", "same seed, same data")
        )

    def remote(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--allow-remote",
            action=flag,
            help=help_text("allow_remote", "allow a database host that is not this machine"),
        )

    def lock_timeout(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--lock-timeout",
            type=settings.seconds,
            metavar="SECONDS",
            help=help_text(
                "lock_timeout", "wait this long for another fastseed run on the database; exit 8"
            ),
        )

    sub = command(cmd_inspect, "inspect")
    url(sub)
    output(sub)
    schema(sub)
    sub.add_argument(
        "--generators",
        action=flag,
        default=False,
        help="show each column's generator (default: off)",
    )
    rows(sub)

    sub = command(cmd_plan, "plan")
    url(sub)
    scenario(sub)
    output(sub)
    schema(sub)
    sub.add_argument(
        "--save",
        metavar="FILE",
        help="also save the plan for `seed --plan FILE --shard K/N`, a pickle: keep it "
        "private (default: not saved)",
    )
    remote(sub)

    sub = command(cmd_seed, "seed")
    url(sub)
    scenario(sub)
    output(sub)
    schema(sub)
    sub.add_argument("--locale", help=help_text("locale", "mimesis locale (en, de, fr, ...)"))
    sub.add_argument(
        "--batch-size",
        type=settings.count,
        metavar="N",
        help=help_text("batch_size", "rows per COPY/INSERT batch"),
    )
    sub.add_argument(
        "--workers",
        type=settings.count,
        metavar="N",
        help=help_text("workers", "sessions open at once"),
    )
    sub.add_argument(
        "--streams",
        type=settings.count,
        metavar="N",
        help=help_text(
            "streams",
            "concurrent sessions per big table, shared by the tables that load at the same time",
        ),
    )
    sub.add_argument(
        "--fast",
        action=flag,
        help=help_text(
            "fast",
            "for empty targets: FKs not checked while loading (all tables at once), every "
            "row checked against them after (PostgreSQL, MySQL/MariaDB)",
        ),
    )
    sub.add_argument(
        "--disable-triggers",
        action=flag,
        help=help_text(
            "disable_triggers",
            "loading sessions skip user triggers (PostgreSQL as a superuser, like "
            "pg_restore's option; FKs are then checked after the load); refused on MySQL",
        ),
    )
    sub.add_argument(
        "--on-existing",
        choices=("append", "truncate", "fail"),
        help=help_text("on_existing", "when tables hold rows: append, truncate or fail"),
    )
    sub.add_argument(
        "-y",
        "--yes",
        action="store_true",
        default=None,
        help=help_text("yes", "confirm --on-existing truncate without asking"),
    )
    remote(sub)
    sub.add_argument(
        "--create",
        action="store_true",
        default=None,
        help=help_text("create", "create the SQLite file if it does not exist"),
    )
    sub.add_argument(
        "--dry-run",
        action="store_true",
        default=None,
        help=help_text("dry_run", "print the plan only"),
    )
    sub.add_argument(
        "--full-verify",
        action=flag,
        help=help_text(
            "full_verify",
            "scan for orphans and duplicates even where the server's checks rule them out",
        ),
    )
    sub.add_argument(
        "--progress",
        choices=("auto", "rich", "plain", "none"),
        help=help_text(
            "progress",
            "on stderr: auto is a live display at a terminal and a line per table otherwise",
        ),
    )
    lock_timeout(sub)
    sub.add_argument(
        "--plan",
        metavar="FILE",
        help=help_text("plan", "load this saved plan (`fastseed plan --save`) instead of planning"),
    )
    sub.add_argument(
        "--shard",
        metavar="K/N",
        help=help_text(
            "shard", "write only shard K (from 0) of N of every table; needs --plan; no verify"
        ),
    )
    sub.add_argument(
        "--shards",
        type=settings.count,
        metavar="N",
        help=help_text(
            "shards", "N shards: this one is JOB_COMPLETION_INDEX (Indexed Job), or with --dask"
        ),
    )
    sub.add_argument(
        "--dask",
        metavar="ADDRESS|local:W",
        help=help_text(
            "dask",
            "plan here, load each tier's --shards (default: one per worker) as Dask tasks on "
            "this scheduler (local:W starts W worker processes), verify here",
        ),
    )
    sub.add_argument(
        "--tier",
        type=settings.integer,
        metavar="I",
        help=help_text("tier", "with --shard: only the plan's tier I (from 0)"),
    )

    sub = command(cmd_undo, "undo")
    url(sub)
    sub.add_argument(
        "-y",
        "--yes",
        action="store_true",
        default=None,
        help=help_text("yes", "remove without asking"),
    )
    remote(sub)
    lock_timeout(sub)

    sub = command(cmd_verify, "verify")
    url(sub)
    output(sub)
    schema(sub)
    sub.add_argument(
        "--prove-fks",
        action="store_true",
        help="after a load with FK checks off (--fast shards): list every FK with its orphan "
        "count, and have the server validate the FKs it holds as NOT VALID (PostgreSQL)",
    )

    sub = command(cmd_demo, "demo")
    sub.add_argument(
        "--path",
        default="fastseed-demo.db",
        help="SQLite file to create, replacing it (default: fastseed-demo.db)",
    )
    sub.add_argument(
        "--rows",
        type=settings.count,
        default=1000,
        help="users; the other tables scale from it (default: 1000)",
    )
    sub.add_argument("-s", "--seed", type=settings.integer, default=42, help="(default: 42)")
    output(sub)
    sub.add_argument(
        "--progress",
        choices=("auto", "rich", "plain", "none"),
        help=help_text("progress", "how the load's progress shows on stderr"),
    )
    return parser


def _prescan(argv: list[str]) -> None:
    """--log-format json and --output json from the raw arguments and the environment, so
    that even a usage error argparse reports comes out as the caller asked."""
    global _log, _json_output

    def given(option: str, env: str) -> str | None:
        for i, arg in enumerate(argv):
            if arg == option and i + 1 < len(argv):
                return argv[i + 1]
            if arg.startswith(option + "="):
                return arg.split("=", 1)[1]
        return os.environ.get(env)

    if given("--log-format", "FASTSEED_LOG_FORMAT") == "json":
        _log = JsonLog()
    if given("--output", "FASTSEED_OUTPUT") == "json" or given("-o", "") == "json":
        _json_output = True


def main(argv: list[str] | None = None) -> None:
    global _verbose, _log, _json_output
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    code = 0
    try:
        _prescan(argv)
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            raise Exit(2)
        args.origin = _guarded(lambda: settings.apply_environment(args, os.environ))
        _verbose = args.verbose
        _log = JsonLog() if args.log_format == "json" else None
        _json_output = getattr(args, "output", None) == "json"
        if not _verbose:
            # a library's warning is not the user's business; -v shows them
            warnings.filterwarnings("ignore", module=r"(?!fastseed)")
        if hasattr(args, "url"):
            args.url = _guarded(lambda: settings.database_url(args.url, os.environ))
        if _log is not None:
            where = {"url": _shown(args.url)} if hasattr(args, "url") else {}
            _log.event("start", command=args.command, version=__version__, **where)
        args.func(args)
    except Exit as exc:
        code = exc.code
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        code = exc.code if isinstance(exc.code, int) else 2
    except BrokenPipeError:  # `fastseed ... | head`
        pass
    _leave(code)


def _shown(url: str) -> str:
    try:
        return parse_url(url).redacted()
    except FastseedError:
        return redact_urls(url)


def _leave(code: int) -> NoReturn:
    """Exit without the interpreter's teardown, which spends ~0.1 s freeing modules and data
    (numpy, mimesis, pydantic) a finished run no longer needs. By now every connection is
    closed and every transaction ended; exit handlers still run and output is flushed."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
