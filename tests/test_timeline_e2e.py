"""The time model, status/timestamp agreement, money arithmetic and plausible distributions,
judged with SQL on a schema seeded at 2,000 rows per table, on PostgreSQL and MariaDB
(tests/fixtures/timeline/). Every time order, status and arithmetic rule must hold in 100% of
rows; the distributions within their bounds."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import my_execute, my_fetch, pg_execute, pg_fetch

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "timeline"
ROWS = 2000

# (rule, query counting the rows that break it); NULLs break nothing unless the rule says so
ORDERED = [
    ("user updated after created", "SELECT count(*) FROM users WHERE updated_at < created_at"),
    ("user login after created", "SELECT count(*) FROM users WHERE last_login_at < created_at"),
    ("user deleted after updated", "SELECT count(*) FROM users WHERE deleted_at < updated_at"),
    (
        "project after its owner",
        "SELECT count(*) FROM projects p JOIN users u ON u.id = p.owner_id "
        "WHERE p.created_at < u.created_at",
    ),
    (
        "project starts after created",
        "SELECT count(*) FROM projects WHERE starts_on < CAST(created_at AS date)",
    ),
    ("project ends after start", "SELECT count(*) FROM projects WHERE ends_on < starts_on"),
    (
        "member joined after user and project",
        "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id "
        "JOIN projects p ON p.id = m.project_id "
        "WHERE m.joined_at < u.created_at OR m.joined_at < p.created_at",
    ),
    (
        "membership valid from joining, to after from",
        "SELECT count(*) FROM memberships WHERE valid_from < CAST(joined_at AS date) "
        "OR valid_to < valid_from",
    ),
    (
        "task after its project, assignee and parent",
        "SELECT count(*) FROM tasks t JOIN projects p ON p.id = t.project_id "
        "LEFT JOIN users u ON u.id = t.assignee_id LEFT JOIN tasks s ON s.id = t.parent_id "
        "WHERE t.created_at < p.created_at OR t.created_at < u.created_at "
        "OR t.created_at < s.created_at",
    ),
    (
        "task started, completed, cancelled in order",
        "SELECT count(*) FROM tasks WHERE started_at < created_at OR completed_at < started_at "
        "OR completed_at < created_at OR cancelled_at < created_at "
        "OR due_date < CAST(created_at AS date)",
    ),
    (
        "comment after its task, author and parent",
        "SELECT count(*) FROM comments c JOIN tasks t ON t.id = c.task_id "
        "JOIN users u ON u.id = c.author_id LEFT JOIN comments p ON p.id = c.parent_id "
        "WHERE c.created_at < t.created_at OR c.created_at < u.created_at "
        "OR c.created_at < p.created_at OR c.edited_at < c.created_at",
    ),
    (
        "order after its user",
        "SELECT count(*) FROM orders o JOIN users u ON u.id = o.user_id "
        "WHERE o.ordered_at < u.created_at",
    ),
    (
        "ordered <= paid <= shipped <= delivered",
        "SELECT count(*) FROM orders WHERE paid_at < ordered_at OR shipped_at < paid_at "
        "OR shipped_at < ordered_at OR delivered_at < shipped_at OR delivered_at < ordered_at "
        "OR cancelled_at < ordered_at",
    ),
    (
        "payment after its order, paid, refunded in order",
        "SELECT count(*) FROM payments p JOIN orders o ON o.id = p.order_id "
        "WHERE p.created_at < o.ordered_at OR p.paid_at < p.created_at "
        "OR p.refunded_at < p.paid_at OR p.refunded_at < p.created_at",
    ),
    (
        "shipment after its order, shipped before delivered",
        "SELECT count(*) FROM shipments s JOIN orders o ON o.id = s.order_id "
        "WHERE s.created_at < o.ordered_at OR s.shipped_at < s.created_at "
        "OR s.delivered_at < s.shipped_at OR s.delivered_at < s.created_at",
    ),
    (
        "invoice issued after the order, due after issued",
        "SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id "
        "WHERE i.issued_on < CAST(o.ordered_at AS date) OR i.due_on < i.issued_on",
    ),
    (
        "invoice paid on or after it was issued, after the order",
        "SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id "
        "WHERE CAST(i.paid_at AS date) < i.issued_on OR i.paid_at < o.ordered_at",
    ),
    (
        "events and uploads after their user was created",
        "SELECT (SELECT count(*) FROM events e JOIN users u ON u.id = e.user_id "
        "WHERE e.occurred_at < u.created_at) + (SELECT count(*) FROM uploads f "
        "JOIN users u ON u.id = f.user_id WHERE f.uploaded_at < u.created_at)",
    ),
    (
        "api key after its user, used/expiring/revoked after created",
        "SELECT count(*) FROM api_keys k JOIN users u ON u.id = k.user_id "
        "WHERE k.created_at < u.created_at OR k.last_used_at < k.created_at "
        "OR k.expires_at < k.created_at OR k.revoked_at < k.created_at",
    ),
    (
        "review after the book was created and published, and after its user",
        "SELECT count(*) FROM reviews r JOIN books b ON b.id = r.book_id "
        "JOIN users u ON u.id = r.user_id "
        "WHERE r.created_at < b.created_at OR r.created_at < b.published_at "
        "OR r.created_at < u.created_at",
    ),
    ("book published after created", "SELECT count(*) FROM books WHERE published_at < created_at"),
]
STATUS = [
    (
        "pending orders: nothing paid, shipped, delivered or cancelled",
        "SELECT count(*) FROM orders WHERE status = 'pending' AND (paid_at IS NOT NULL "
        "OR shipped_at IS NOT NULL OR delivered_at IS NOT NULL OR cancelled_at IS NOT NULL)",
    ),
    (
        "paid orders: paid, not shipped",
        "SELECT count(*) FROM orders WHERE status = 'paid' "
        "AND (paid_at IS NULL OR shipped_at IS NOT NULL)",
    ),
    (
        "shipped orders: paid and shipped, not delivered",
        "SELECT count(*) FROM orders WHERE status = 'shipped' "
        "AND (paid_at IS NULL OR shipped_at IS NULL OR delivered_at IS NOT NULL)",
    ),
    (
        "delivered orders: paid, shipped and delivered",
        "SELECT count(*) FROM orders WHERE status = 'delivered' "
        "AND (paid_at IS NULL OR shipped_at IS NULL OR delivered_at IS NULL)",
    ),
    (
        "cancelled orders: cancelled_at set, never shipped",
        "SELECT count(*) FROM orders WHERE status = 'cancelled' "
        "AND (cancelled_at IS NULL OR shipped_at IS NOT NULL)",
    ),
    (
        "cancelled_at only on cancelled orders",
        "SELECT count(*) FROM orders WHERE status <> 'cancelled' AND cancelled_at IS NOT NULL",
    ),
    (
        "tasks: todo not started, done completed, cancelled cancelled",
        "SELECT count(*) FROM tasks WHERE (status = 'todo' AND (started_at IS NOT NULL "
        "OR completed_at IS NOT NULL)) OR (status = 'in_progress' AND (started_at IS NULL "
        "OR completed_at IS NOT NULL)) OR (status = 'done' AND completed_at IS NULL) "
        "OR (status = 'cancelled' AND cancelled_at IS NULL) "
        "OR (status <> 'cancelled' AND cancelled_at IS NOT NULL)",
    ),
    (
        "payments: completed paid, pending not, refunded refunded",
        "SELECT count(*) FROM payments WHERE (status = 'completed' AND paid_at IS NULL) "
        "OR (status = 'pending' AND paid_at IS NOT NULL) "
        "OR (status = 'refunded' AND refunded_at IS NULL) "
        "OR (status <> 'refunded' AND refunded_at IS NOT NULL)",
    ),
    (
        "shipments: pending not shipped, delivered delivered",
        "SELECT count(*) FROM shipments WHERE (status = 'pending' AND shipped_at IS NOT NULL) "
        "OR (status = 'delivered' AND delivered_at IS NULL) "
        "OR (status = 'in_transit' AND (shipped_at IS NULL OR delivered_at IS NOT NULL))",
    ),
]
ARITHMETIC = [
    (
        "line total = quantity x unit price",
        "SELECT count(*) FROM order_items WHERE line_total <> quantity * unit_price",
    ),
    (
        "total = subtotal + tax + shipping - discount",
        "SELECT count(*) FROM orders WHERE total <> subtotal + tax + shipping_cost - discount",
    ),
    (
        "tax and discount a share of the subtotal",
        "SELECT count(*) FROM orders WHERE tax < 0 OR tax > subtotal * 0.3 "
        "OR discount < 0 OR discount > subtotal * 0.35",
    ),
    (
        "a key is revoked exactly when it has revoked_at",
        "SELECT count(*) FROM api_keys WHERE (CASE WHEN revoked THEN 1 ELSE 0 END) "
        "<> (CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END)",
    ),
    (
        "a subtask is in its parent task's project",
        "SELECT count(*) FROM tasks t JOIN tasks p ON p.id = t.parent_id "
        "WHERE p.project_id <> t.project_id",
    ),
    (
        "a reply is on its parent comment's task",
        "SELECT count(*) FROM comments c JOIN comments p ON p.id = c.parent_id "
        "WHERE p.task_id <> c.task_id",
    ),
]
# (what, query giving one share in [0, 1], low, high)
SHARES = [
    ("revoked api keys", "SELECT avg(CASE WHEN revoked THEN 1.0 ELSE 0 END) FROM api_keys", 0, 0.2),
    ("banned users", "SELECT avg(CASE WHEN is_banned THEN 1.0 ELSE 0 END) FROM users", 0, 0.2),
    (
        "archived projects",
        "SELECT avg(CASE WHEN archived THEN 1.0 ELSE 0 END) FROM projects",
        0,
        0.2,
    ),
    ("active users", "SELECT avg(CASE WHEN is_active THEN 1.0 ELSE 0 END) FROM users", 0.7, 1),
    (
        "verified users",
        "SELECT avg(CASE WHEN email_verified THEN 1.0 ELSE 0 END) FROM users",
        0.7,
        1,
    ),
    (
        "owners among members",
        "SELECT avg(CASE WHEN role = 'owner' THEN 1.0 ELSE 0 END) FROM memberships",
        0,
        0.15,
    ),
    (
        "members and viewers among members",
        "SELECT avg(CASE WHEN role IN ('member', 'viewer') THEN 1.0 ELSE 0 END) FROM memberships",
        0.6,
        1,
    ),
    (
        "urgent tasks",
        "SELECT avg(CASE WHEN priority = 'urgent' THEN 1.0 ELSE 0 END) FROM tasks",
        0,
        0.15,
    ),
    (
        "deleted users",
        "SELECT avg(CASE WHEN deleted_at IS NULL THEN 0 ELSE 1.0 END) FROM users",
        0,
        0.2,
    ),
    (
        "users aged 13 to 100",
        "SELECT avg(CASE WHEN birth_date BETWEEN '1926-07-01' AND '2013-07-01' THEN 1.0 "
        "ELSE 0 END) FROM users WHERE birth_date IS NOT NULL",
        1,
        1,
    ),
    (
        "ratings 1 to 5",
        "SELECT avg(CASE WHEN rating BETWEEN 1 AND 5 THEN 1.0 ELSE 0 END) FROM reviews",
        1,
        1,
    ),
    (
        "item weights 10 g to 100 kg",
        "SELECT avg(CASE WHEN weight_kg BETWEEN 0.01 AND 100 THEN 1.0 ELSE 0 END) "
        "FROM order_items WHERE weight_kg IS NOT NULL",
        1,
        1,
    ),
    (
        "quantities 1 to 100",
        "SELECT avg(CASE WHEN quantity BETWEEN 1 AND 100 THEN 1.0 ELSE 0 END) FROM order_items",
        1,
        1,
    ),
    # every status of the lists still appears: agreement did not come from dropping some
    ("distinct order statuses", "SELECT count(DISTINCT status) / 6.0 FROM orders", 1, 1),
]


def _seed(url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fastseed", "seed", url, "--rows", str(ROWS), "--seed", "13"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _judge(fetch: Callable[[str], list[tuple[Any, ...]]]) -> None:
    broken = {}
    for rule, sql in ORDERED + STATUS + ARITHMETIC:
        (count,) = fetch(sql)[0]
        if count:
            broken[rule] = count
    for what, sql, low, high in SHARES:
        (share,) = fetch(sql)[0]
        if not low <= float(share) <= high:
            broken[what] = float(share)
    if broken:
        pytest.fail("broken: " + "; ".join(f"{k}: {v}" for k, v in broken.items()))
    (orders,) = fetch("SELECT count(*) FROM orders")[0]
    assert orders == ROWS


def _statements(path: Path) -> list[str]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("--")]
    return [s for s in "\n".join(lines).split(";") if s.strip()]


@pytest.mark.postgres
def test_timeline_holds_on_postgres(pg_db: str, pg_url: str) -> None:
    pg_execute(pg_db, (FIXTURES / "postgres.sql").read_text())
    _seed(pg_url)
    _judge(lambda sql: pg_fetch(pg_db, sql))


@pytest.mark.mysql
def test_timeline_holds_on_mysql(my_db: str, my_url: str) -> None:
    my_execute(my_db, _statements(FIXTURES / "mysql.sql"))
    _seed(my_url)
    _judge(lambda sql: my_fetch(my_db, sql))


EXISTING = {
    "postgres": [
        "CREATE TABLE users (id serial PRIMARY KEY, created_at timestamptz NOT NULL)",
        "CREATE TABLE orders (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users (id),"
        " ordered_at timestamptz NOT NULL, shipped_at timestamptz)",
    ],
    "mysql": [
        "CREATE TABLE users (id int AUTO_INCREMENT PRIMARY KEY, created_at datetime NOT NULL)",
        "CREATE TABLE orders (id int AUTO_INCREMENT PRIMARY KEY, user_id int NOT NULL,"
        " ordered_at datetime NOT NULL, shipped_at datetime,"
        " FOREIGN KEY (user_id) REFERENCES users (id))",
    ],
}
# users who signed up after fastseed's reference time (2026-07-01): rows of today
USERS = "INSERT INTO users (created_at) VALUES ('2026-11-02 10:00:00'), ('2020-01-01 00:00:00')"
LATE = (
    "SELECT count(*) FROM orders o JOIN users u ON u.id = o.user_id "
    "WHERE o.ordered_at < u.created_at OR o.shipped_at < o.ordered_at"
)


def _add_orders(url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fastseed", "seed", url, "--rows", "users=0", "--rows", "200"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.postgres
def test_children_of_existing_rows_come_after_them_on_postgres(pg_db: str, pg_url: str) -> None:
    pg_execute(pg_db, ";".join([*EXISTING["postgres"], USERS]))
    _add_orders(pg_url)
    assert pg_fetch(pg_db, LATE) == [(0,)]
    assert pg_fetch(pg_db, "SELECT count(DISTINCT user_id) FROM orders") == [(2,)]


@pytest.mark.mysql
def test_children_of_existing_rows_come_after_them_on_mysql(my_db: str, my_url: str) -> None:
    my_execute(my_db, [*EXISTING["mysql"], USERS])
    _add_orders(my_url)
    assert my_fetch(my_db, LATE) == [(0,)]
    assert my_fetch(my_db, "SELECT count(DISTINCT user_id) FROM orders") == [(2,)]
