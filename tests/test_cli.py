"""The command line: the demo end to end, exit codes, and no password in any output."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest


def fastseed(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastseed", *args], capture_output=True, text=True, timeout=timeout
    )


def test_demo_creates_fills_and_verifies_a_sqlite_shop(tmp_path):
    path = tmp_path / "shop.db"
    done = fastseed("demo", "--path", str(path), "--rows", "200", "--output", "json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["ok"] and summary["inserted_rows"] == 200 * 12 + 10 + 40
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM order_items").fetchone() == (1600,)
        orphans = conn.execute(
            "SELECT COUNT(*) FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE u.id IS NULL"
        ).fetchone()
        assert orphans == (0,)
        bad_time = conn.execute("SELECT COUNT(*) FROM users WHERE updated_at < created_at")
        assert bad_time.fetchone() == (0,)
    # the demo owns its file: a second run replaces it and gives the same data for the seed
    again = fastseed("demo", "--path", str(path), "--rows", "200", "--output", "json")
    assert again.returncode == 0 and json.loads(again.stdout)["inserted_rows"] == 2450


def test_demo_is_deterministic_for_a_seed(tmp_path):
    dumps = []
    for run in ("a", "b"):
        path = tmp_path / f"{run}.db"
        assert fastseed("demo", "--path", str(path), "--rows", "50").returncode == 0
        with sqlite3.connect(path) as conn:
            dumps.append(list(conn.iterdump()))
    assert dumps[0] == dumps[1]


def test_verify_finds_orphans_and_exits_5(tmp_path):
    path = tmp_path / "shop.db"
    assert fastseed("demo", "--path", str(path), "--rows", "50").returncode == 0
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute(
            "INSERT INTO orders (id, user_id, status, total, ordered_at) "
            "VALUES (99999, 424242, 'paid', 1, '2025-01-01')"
        )
        conn.execute("INSERT INTO order_items SELECT * FROM order_items LIMIT 0")
    done = fastseed("verify", f"sqlite:///{path}", "--output", "json")
    assert done.returncode == 5
    assert any("orders" in f and "orphaned" in f for f in json.loads(done.stdout)["failures"])


@pytest.mark.parametrize(
    ("url", "code", "needle"),
    [
        ("nonsense", 2, "not a database URL"),
        ("oracle://u@127.0.0.1/x", 2, "unknown database scheme"),
        ("postgresql://u:hunter2@127.0.0.1:1/db", 6, "127.0.0.1"),
        ("mysql://u:hunter2@127.0.0.1:1/db", 6, "127.0.0.1"),
        ("postgresql://u:hunter2@db.example.com/db", 4, "--allow-remote"),
    ],
)
def test_bad_targets_get_one_clear_line_and_a_documented_exit(url, code, needle):
    done = fastseed("seed", url, "--rows", "1", timeout=60)
    assert done.returncode == code, done.stderr
    assert needle in done.stderr
    assert "hunter2" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_bad_rows_flag_is_a_usage_error(tmp_path):
    done = fastseed("seed", f"sqlite:///{tmp_path}/x.db", "--rows", "users=many")
    assert done.returncode == 2 and "--rows" in done.stderr


@pytest.mark.parametrize("flag", ["--streams", "--workers", "--batch-size"])
def test_non_positive_counts_are_usage_errors(tmp_path, flag):
    done = fastseed("seed", f"sqlite:///{tmp_path}/x.db", flag, "0")
    assert done.returncode == 2 and flag in done.stderr
    assert not (tmp_path / "x.db").exists() or (tmp_path / "x.db").stat().st_size == 0


def test_fast_says_when_the_dialect_has_no_fast_mode(tmp_path):
    path = tmp_path / "shop.db"
    assert fastseed("demo", "--path", str(path), "--rows", "20").returncode == 0
    done = fastseed("seed", f"sqlite:///{path}", "--rows", "5", "--fast", "--output", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["fast_mode"] == "FKs in place (no fast mode in this dialect)"


def test_help_and_usage_exit_codes(tmp_path):
    assert fastseed().returncode == 2  # no command: usage on stdout, exit 2
    done = fastseed("seed", "--help")
    assert done.returncode == 0
    for flag in ("--rows", "--seed", "--config", "--fast", "--on-existing", "--full-verify"):
        assert flag in done.stdout
    assert fastseed("seed", "x", "--on-existing", "maybe").returncode == 2
    # --verbose before or after the command
    for args in (("-v", "verify", "nonsense"), ("verify", "nonsense", "--verbose")):
        done = fastseed(*args)
        assert done.returncode == 2 and "Traceback" in done.stderr, args


def test_plan_names_the_concept_of_every_column_and_why(tmp_path):
    path = tmp_path / "kinds.db"
    with sqlite3.connect(path) as db:
        db.executescript(
            """
            CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
            CREATE TABLE invoices (
                id INTEGER PRIMARY KEY,
                account_id INTEGER NOT NULL REFERENCES accounts(id),
                number_code VARCHAR(20) UNIQUE,
                qux VARCHAR(10) CHECK (qux IN ('draft', 'sent', 'paid')),
                unit_price NUMERIC(10, 2),
                quantity INTEGER,
                is_archived BOOLEAN,
                issued_at TIMESTAMP,
                paid_at TIMESTAMP,
                zork INTEGER
            );
            """
        )
    done = fastseed("plan", f"sqlite:///{path}", "--rows", "5", "--output", "json")
    assert done.returncode == 0, done.stderr
    tables = {t["table"]: t for t in json.loads(done.stdout)["tables"]}
    concept = {c["name"]: c["concept"] for c in tables["invoices"]["columns"]}
    assert all(concept.values()), concept
    assert concept["id"].startswith("key (")
    assert concept["account_id"].startswith("foreign key -> ")
    assert concept["qux"].startswith("enum (a CHECK lists 3 values")
    assert concept["unit_price"] == "money (name 'price')"
    assert concept["quantity"] == "quantity (name 'quantity')"
    assert concept["is_archived"] == "flag_rare (name 'archived')"
    assert concept["issued_at"] == "issued (name 'issued'); the row's birth"
    assert concept["paid_at"] == "paid (name 'paid'); timeline: after issued_at"
    assert not concept["paid_at"].startswith("none")
    assert concept["zork"].startswith("none (")
    text = fastseed("plan", f"sqlite:///{path}", "--rows", "5")
    assert "concept (why)" in text.stdout
