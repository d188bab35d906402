"""The command at a terminal, in a pipeline and for a log collector: progress (a live display
in a pseudo-terminal, plain lines in a pipe), prompts that survive Ctrl-D and Ctrl-C, JSON
log lines and JSON errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import pg_execute, pg_fetch
from terminal import run_in_pty

from fastseed.progress import PlainProgress
from fastseed.schema import TableName

SHOP = """
CREATE TABLE customers (id int PRIMARY KEY, code text CHECK (code ~ '^[a-z0-9-]+$'));
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers);
"""


def fastseed(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "fastseed", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def sqlite_shop(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
            "CREATE TABLE orders (id INTEGER PRIMARY KEY,"
            " customer_id INTEGER NOT NULL REFERENCES customers (id));"
        )
    return f"sqlite:///{path}"


def test_rich_display_at_a_terminal_is_gone_when_done(pg_db):
    pg_execute(pg_db, SHOP)
    url = f"postgresql://root@127.0.0.1:5432/{pg_db}"
    code, screen = run_in_pty(["seed", url, "--rows", "12000"])
    assert code == 0, screen
    assert "all tables" in screen and "public.orders" in screen and "rows/s" in screen
    # the display ends (cursor shown again) before the summary, and never comes back
    end = screen.rindex("\x1b[?25h")
    assert "fastseed summary" in screen[end:] and "all tables" not in screen[end:]
    assert pg_fetch(pg_db, "SELECT count(*) FROM orders") == [(12000,)]


def test_plain_lines_in_a_pipe_and_none_on_request(tmp_path):
    url = sqlite_shop(tmp_path / "shop.db")
    done = fastseed("seed", url, "--rows", "300")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert any(line.startswith("customers: 300 rows in ") for line in lines), lines
    assert any(line.startswith("orders: 300 rows in ") for line in lines), lines
    assert "\x1b[" not in done.stderr  # no terminal codes in a log
    quiet = fastseed("seed", url, "--rows", "10", "--progress", "none")
    assert quiet.returncode == 0 and quiet.stderr == "" and "fastseed summary" in quiet.stdout
    silent = fastseed("seed", url, "--rows", "10", "--quiet")
    assert silent.returncode == 0 and silent.stderr == "" and silent.stdout == ""


def test_heartbeat_for_a_long_table():
    now = [0.0]
    lines: list[str] = []
    progress = PlainProgress(lines.append, clock=lambda: now[0], every=5.0)
    table = TableName("public", "events")
    progress.total = {table: 1000}
    progress(table, 0)
    for _ in range(9):
        now[0] += 2.0
        progress(table, 100)
    now[0] += 2.0
    progress(table, 100)
    assert lines == [
        "public.events: 300 of 1,000 rows (30%), 50 rows/s, about 14 s left",
        "public.events: 600 of 1,000 rows (60%), 50 rows/s, about 8 s left",
        "public.events: 900 of 1,000 rows (90%), 50 rows/s, about 2 s left",
        "public.events: 1,000 rows in 20.00 s (50 rows/s)",
    ]


def test_prompt_survives_ctrl_d_and_ctrl_c(tmp_path):
    url = sqlite_shop(tmp_path / "shop.db")
    assert fastseed("seed", url, "--rows", "5", "--progress", "none").returncode == 0
    question = b"[y/N] "
    args = ["seed", url, "--on-existing", "truncate", "--progress", "none"]
    code, out = run_in_pty(args, reply_to=question, reply=b"\x04")
    assert code == 1 and "Traceback" not in out and "nothing was changed" in out, out
    code, out = run_in_pty(args, reply_to=question, reply=b"\x03")
    assert code == 130 and "Traceback" not in out and "nothing was changed" in out, out
    code, out = run_in_pty(args, reply_to=question, reply=b"n\r")
    assert code == 4 and "Traceback" not in out, out
    with sqlite3.connect(tmp_path / "shop.db") as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (5,)


def test_json_log_lines(tmp_path):
    url = sqlite_shop(tmp_path / "shop.db")
    done = fastseed("seed", url, "--rows", "40", "--log-format", "json")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines()]
    assert [e["event"] for e in events] == ["start", "table_done", "table_done", "summary"]
    assert all({"time", "level", "event"} <= e.keys() for e in events)
    assert events[0]["command"] == "seed" and events[0]["url"] == url
    assert {(e["table"], e["rows"]) for e in events[1:3]} == {("customers", 40), ("orders", 40)}
    assert all(e["seconds"] >= 0 for e in events[1:3])
    summary = events[-1]
    assert summary["exit_code"] == 0 and summary["inserted_rows"] == 80
    assert summary["tables"] == {"customers": 80 // 2, "orders": 40}
    assert "fastseed summary" in done.stdout  # stdout still has the text summary


def test_json_warning_and_error_lines(tmp_path):
    url = sqlite_shop(tmp_path / "shop.db")
    # customers stays empty, so orders (a NOT NULL FK to it) cannot be filled: a warning
    done = fastseed("seed", url, "--rows", "customers=0", "--log-format", "json")
    events = [json.loads(line) for line in done.stderr.splitlines()]
    warnings = [e for e in events if e["event"] == "warning"]
    assert warnings and "orders" in warnings[0]["message"] and warnings[0]["level"] == "warning"
    failed = fastseed("seed", url, "--rows", "ordres=5", "--log-format", "json", "-o", "json")
    assert failed.returncode == 2
    error = json.loads(failed.stderr.splitlines()[-1])
    assert error["event"] == "error" and error["exit_code"] == 2
    assert "did you mean 'orders'" in error["message"]
    # --output json: stdout is a JSON error object, as it is the summary on success
    out = json.loads(failed.stdout)
    assert out["ok"] is False and out["exit_code"] == 2 and "ordres" in out["error"]["message"]
    usage = fastseed("seed", url, "--workers", "0", "--log-format", "json")
    assert usage.returncode == 2 and json.loads(usage.stderr)["exit_code"] == 2
