"""Strict, helpful flags and configuration from the environment: typos are refused with the
closest match, every option has help with its default, database texts print verbatim, and
flags > FASTSEED_<OPTION> > the scenario file > the defaults, as `plan` shows."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import pg_execute

import fastseed
from fastseed import settings
from fastseed.cli import build_parser
from fastseed.errors import UsageError


def fastseed_cmd(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FASTSEED_")}
    clean.pop("DATABASE_URL", None)
    clean["FASTSEED_JOURNAL_DIR"] = os.environ["FASTSEED_JOURNAL_DIR"]
    return subprocess.run(
        [sys.executable, "-m", "fastseed", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **(env or {})},
        cwd=cwd,
    )


def shop(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
            "CREATE TABLE orders (id INTEGER PRIMARY KEY,"
            " customer_id INTEGER NOT NULL REFERENCES customers (id));"
        )
    return f"sqlite:///{path}"


def test_version_is_written_once():
    done = fastseed_cmd("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"fastseed {fastseed.__version__}"
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    dynamic = pyproject["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "fastseed.__version__"}


def test_every_option_has_help_with_its_default():
    parser = build_parser()
    subparsers = next(
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    ).choices
    for name, sub in subparsers.items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction) or not action.option_strings:
                continue
            text = action.help or ""
            assert text and text != argparse.SUPPRESS, (name, action.option_strings)
            takes_value = action.nargs != 0 and not isinstance(
                action, argparse.BooleanOptionalAction
            )
            if takes_value and action.dest != "config":
                assert "default" in text, (name, action.option_strings, text)
            if action.dest in settings.BY_NAME and action.default is None:  # its variable
                assert settings.BY_NAME[action.dest].env in text, (name, action.dest)


def test_an_option_value_may_be_two_dashes():
    """`--schema=--` names a schema called `--` (legal in PostgreSQL): the value is kept,
    where argparse of Python 3.11 would drop it; `--` alone still ends the options."""
    parser = build_parser()
    args = parser.parse_args(["plan", "--schema=--", "--schema=-x", "postgresql://h/db"])
    assert args.schema == ["--", "-x"] and args.url == "postgresql://h/db"
    args = parser.parse_args(["plan", "--schema", "a", "--", "-odd.db"])
    assert args.schema == ["a"] and args.url == "-odd.db"
    assert parser.parse_args(["seed", "--locale=--", "x"]).locale == "--"


def test_typos_are_refused_with_the_closest_match(tmp_path):
    url = shop(tmp_path / "shop.db")
    done = fastseed_cmd("seed", url, "--rows", "customerz=10")
    assert done.returncode == 2 and "did you mean 'customers'" in done.stderr, done.stderr
    done = fastseed_cmd("inspect", url, "--rows", "order=1")
    assert done.returncode == 2 and "did you mean 'orders'" in done.stderr
    # a misspelt SQLite path is not created as a new, empty database
    typo = tmp_path / "shopp.db"
    done = fastseed_cmd("seed", f"sqlite:///{typo}")
    assert done.returncode == 2 and "did you mean" in done.stderr and "--create" in done.stderr
    assert not typo.exists()
    assert fastseed_cmd("verify", f"sqlite:///{typo}").returncode == 2 and not typo.exists()
    with sqlite3.connect(tmp_path / "shop.db") as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (0,)
    # --create makes it (empty schema: nothing to seed), demo always makes its own file
    assert fastseed_cmd("seed", f"sqlite:///{typo}", "--create").returncode == 0
    assert typo.exists()


def test_unknown_schema_on_postgres(pg_db):
    pg_execute(pg_db, "CREATE TABLE items (id int PRIMARY KEY)")
    url = f"postgresql://root@127.0.0.1:5432/{pg_db}"
    done = fastseed_cmd("seed", url, "--schema", "publik")
    assert done.returncode == 2 and "did you mean 'public'" in done.stderr, done.stderr


def test_database_texts_print_verbatim(tmp_path):
    path = tmp_path / "odd.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE \"[bold]t[/]\" (c TEXT CHECK (c <> '^[a-z0-9-]+$'),"
            " d TEXT CHECK (d GLOB '[red]*'))"
        )
    for command in ("inspect", "plan"):
        done = fastseed_cmd(command, f"sqlite:///{path}")
        assert done.returncode == 0, done.stderr
        assert "'^[a-z0-9-]+$'" in done.stdout and "'[red]*'" in done.stdout, done.stdout
        assert "[bold]t[/]" in done.stdout


def test_environment_configures_a_run_and_plan_says_from_where(tmp_path):
    url = shop(tmp_path / "shop.db")
    (tmp_path / "fastseed.toml").write_text("seed = 7\nworkers = 2\nbatch_size = 100\n")
    env = {"FASTSEED_URL": url, "FASTSEED_WORKERS": "3", "FASTSEED_SEED": "9"}
    done = fastseed_cmd("plan", "--seed", "11", "-o", "json", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    chosen = json.loads(done.stdout)["settings"]
    assert chosen["seed"] == {"value": 11, "from": "flag --seed"}
    assert chosen["workers"] == {"value": 3, "from": "env FASTSEED_WORKERS"}
    assert chosen["batch_size"] == {"value": 100, "from": "fastseed.toml:3"}
    assert chosen["locale"] == {"value": "en", "from": "default"}
    text = fastseed_cmd("plan", env=env, cwd=tmp_path).stdout
    assert "workers: 3  (env FASTSEED_WORKERS)" in text and "seed: 9  (env FASTSEED_SEED)" in text
    # DATABASE_URL when FASTSEED_URL is not set; rows and output from the environment
    env = {"DATABASE_URL": url, "FASTSEED_ROWS": "5,orders=8", "FASTSEED_OUTPUT": "json"}
    done = fastseed_cmd("seed", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["inserted_rows"] == 13
    bad = fastseed_cmd("seed", env={**env, "FASTSEED_WORKERS": "lots"}, cwd=tmp_path)
    assert bad.returncode == 2 and "FASTSEED_WORKERS" in bad.stderr
    none = fastseed_cmd("seed", cwd=tmp_path)
    assert none.returncode == 2 and "FASTSEED_URL" in none.stderr


def test_settings_order():
    args = argparse.Namespace(workers=None, seed=5, fast=None, timeout=None, wait=None)
    origin = settings.apply_environment(
        args, {"FASTSEED_WORKERS": "6", "FASTSEED_SEED": "1", "FASTSEED_FAST": "yes"}
    )
    assert (args.workers, args.seed, args.fast) == (6, 5, True)
    assert args.wait == 0.0 and args.timeout is None  # the library's default decides
    assert origin == {"workers": "FASTSEED_WORKERS", "seed": "flag", "fast": "FASTSEED_FAST"}
    with pytest.raises(UsageError, match="FASTSEED_FAST"):
        settings.apply_environment(argparse.Namespace(fast=None), {"FASTSEED_FAST": "maybe"})
    assert settings.database_url(None, {"DATABASE_URL": "b", "FASTSEED_URL": "a"}) == "a"
