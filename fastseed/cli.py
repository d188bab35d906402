"""The `fastseed` command: parse arguments, call the library, map errors to exit codes."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, NoReturn, TypeVar

import anyio
import typer
from rich.console import Console

from fastseed import api
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
from fastseed.url import parse_url

T = TypeVar("T")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Fill a database with realistic, constraint-valid test data.",
)
# rich assumes 80 columns when output is piped; plans and schemas read better wider
out = Console(width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 140)
_verbose = False

Url = Annotated[str, typer.Argument(help="postgresql://, mysql://, mariadb:// or sqlite:///PATH")]
Output = Annotated[str, typer.Option("--output", "-o", help="text or json")]
Schemas = Annotated[list[str] | None, typer.Option("--schema", help="only these schemas")]
Rows = Annotated[
    list[str] | None,
    typer.Option("--rows", "-r", help="rows per table: N for all, TABLE=N for one (repeatable)"),
]


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


async def _watched(fn: Callable[[], Awaitable[T]], caught: list[int], out: list[T]) -> None:
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
            traceback.print_exc()
        err.print(f"[red]error:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except (KeyboardInterrupt, Interrupted) as exc:
        term = isinstance(exc, Interrupted) and exc.signum == signal.SIGTERM
        err.print(
            ("terminated" if term else "interrupted") + ": rows written by this run were removed"
        )
        raise typer.Exit(143 if term else 130) from None


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
        err.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(exc.exit_code) from None


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="tracebacks")] = False,
) -> None:
    global _verbose
    _verbose = verbose


@app.command()
def inspect(
    url: Url,
    output: Output = "text",
    schema: Schemas = None,
    generators: Annotated[bool, typer.Option(help="show each column's generator")] = False,
    rows: Rows = None,
) -> None:
    """Print the schema as fastseed sees it, with the dependency tiers."""
    request = _guarded(lambda: parse_rows(rows))
    plan = run(lambda: api.inspect(url, rows=request, schemas=schema))
    gens = api.generator_labels(plan) if generators else None
    data = catalog_data(plan.catalog, plan, gens)
    if output == "json":
        print(to_json(data))
    else:
        print_catalog(out, data)


Config = Annotated[
    str | None,
    typer.Option(
        "--config", "-c", help="scenario file (default: $FASTSEED_CONFIG or ./fastseed.toml)"
    ),
]


def parse_rows_flag(values: list[str] | None) -> RowRequest | None:
    """--rows as given, or None so that the scenario file and defaults decide."""
    if not values:
        return None
    request = parse_rows(values, default=-1)
    return request


def read_scenario(config: str | None) -> Scenario | None:
    path = find_scenario(config)
    return load_scenario(path) if path is not None else None


@app.command()
def plan(
    url: Url,
    rows: Rows = None,
    config: Config = None,
    seed: Annotated[int | None, typer.Option("--seed", "-s")] = None,
    output: Output = "text",
    schema: Schemas = None,
) -> None:
    """Show what `seed` would do, without writing; exit 3 if it cannot be satisfied."""
    options = _guarded(
        lambda: api.RunOptions(
            rows=parse_rows_flag(rows),
            scenario=read_scenario(config),
            seed=seed,
            schemas=tuple(schema or ()),
        )
    )
    the_plan = run(lambda: api.plan_url(url, options))
    data = catalog_data(the_plan.catalog, the_plan, api.generator_labels(the_plan))
    data["realism"] = api.realism_stats(the_plan)
    if output == "json":
        print(to_json(data))
    else:
        print_catalog(out, data)
        print_plan_extras(out, data)
    if the_plan.problems:
        raise typer.Exit(3)


@app.command()
def seed(
    url: Url,
    rows: Rows = None,
    config: Config = None,
    seed: Annotated[int | None, typer.Option("--seed", "-s", help="same seed, same data")] = None,
    locale: Annotated[str | None, typer.Option(help="mimesis locale (en, de, fr, ...)")] = None,
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="rows per COPY/INSERT batch")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="sessions open at once (default 4)")
    ] = None,
    streams: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="concurrent sessions per big table (default: one per core when the database "
            "is on this machine, else 4)",
        ),
    ] = None,
    fast: Annotated[
        bool,
        typer.Option(help="drop the loaded tables' FKs during the load, re-add and VALIDATE after"),
    ] = False,
    schema: Schemas = None,
    on_existing: Annotated[
        str | None, typer.Option(help="append (default), truncate or fail when tables hold rows")
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="confirm --on-existing truncate")
    ] = False,
    output: Output = "text",
    allow_remote: Annotated[
        bool, typer.Option(help="allow a non-local host (also FASTSEED_ALLOW_REMOTE=1)")
    ] = False,
    dry_run: Annotated[bool, typer.Option(help="print the plan only")] = False,
    full_verify: Annotated[
        bool,
        typer.Option(
            help="scan for orphans and duplicates even where the server's checks rule them out"
        ),
    ] = False,
) -> None:
    """Fill every table, verify, print the summary. Exit 0 only if verification passes."""
    if dry_run:
        plan(url, rows, config, seed, output, schema)
        return
    request = _guarded(lambda: parse_rows_flag(rows))
    scenario = _guarded(lambda: read_scenario(config))
    mode = on_existing or (scenario.on_existing if scenario else None)
    if mode not in (None, "append", "truncate", "fail"):
        _guarded(lambda: _raise(UsageError("--on-existing must be append, truncate or fail")))
    if mode == "truncate" and not yes:
        _guarded(lambda: _confirm_truncate(url))
    remote_ok = allow_remote or os.environ.get("FASTSEED_ALLOW_REMOTE") == "1"
    result = run(
        lambda: api.seed(
            url,
            rows=request,
            seed=seed,
            scenario=scenario,
            locale=locale,
            batch_size=batch_size,
            workers=workers,
            streams=streams,
            fast=fast,
            schemas=schema,
            on_existing=mode,
            allow_remote=remote_ok,
            full_verify=full_verify,
        )
    )
    data = summary_data(result.verify, result.load, result.plan, api.realism_stats(result.plan))
    if output == "json":
        print(to_json(data))
    else:
        print_summary(out, data)
    if not result.verify.ok:
        raise typer.Exit(5)


def _raise(exc: Exception) -> None:
    raise exc


def _confirm_truncate(url: str) -> None:
    """Truncating needs --yes, or a 'yes' typed at a terminal."""
    if not sys.stdin.isatty():
        raise SafetyError("--on-existing truncate deletes existing rows: pass --yes to confirm")
    shown = parse_url(url).redacted()
    answer = input(f"delete every row of the tables fastseed fills in {shown}? [y/N] ")
    if answer.strip().lower() not in {"y", "yes"}:
        raise SafetyError("truncate not confirmed; nothing was changed")


@app.command()
def verify(url: Url, output: Output = "text", schema: Schemas = None) -> None:
    """Check row counts, orphaned foreign keys and duplicate keys; exit 5 on any violation."""
    result = run(lambda: api.verify_url(url, schemas=schema))
    data = summary_data(result)
    if output == "json":
        print(to_json(data))
    else:
        print_summary(out, data)
    if not result.ok:
        raise typer.Exit(5)


@app.command()
def demo(
    path: Annotated[str, typer.Option(help="SQLite file to create")] = "fastseed-demo.db",
    rows: Annotated[int, typer.Option(help="users (other tables scale from it)")] = 1000,
    seed: Annotated[int, typer.Option("--seed", "-s")] = 42,
    output: Output = "text",
) -> None:
    """Create a small shop database in a SQLite file, fill it, verify it."""
    from fastseed.demo import run_demo

    result = run(lambda: run_demo(path, users=rows, seed=seed))
    data = summary_data(result.verify, result.load, result.plan)
    if output == "json":
        print(to_json(data))
    else:
        out.print(f"demo database: [bold]{path}[/] (open it with: sqlite3 {path})")
        print_summary(out, data)
    if not result.verify.ok:
        raise typer.Exit(5)


def main() -> None:
    code: int | str | None = 0
    try:
        app()
    except BrokenPipeError:  # `fastseed ... | head`
        pass
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = 1
    _leave(code or 0)


def _leave(code: int) -> NoReturn:
    """Exit without the interpreter's teardown, which spends ~0.1 s freeing modules and data
    (numpy, mimesis, pydantic) a finished run no longer needs. By now every connection is
    closed and every transaction ended; exit handlers still run and output is flushed."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
