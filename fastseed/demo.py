"""`fastseed demo`: a small shop schema in an embedded SQLite file, seeded and verified."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from fastseed import api
from fastseed.errors import UsageError
from fastseed.load import Progress
from fastseed.plan import Plan, RowRequest

SHOP_SCHEMA = """
CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES categories (id),
    name        VARCHAR(60) NOT NULL UNIQUE,
    description TEXT
);
CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    email       VARCHAR(120) NOT NULL UNIQUE,
    first_name  VARCHAR(50) NOT NULL,
    last_name   VARCHAR(50) NOT NULL,
    phone       VARCHAR(30),
    city        VARCHAR(80),
    is_active   BOOLEAN NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK (updated_at >= created_at)
);
CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    category_id INTEGER NOT NULL REFERENCES categories (id),
    sku         VARCHAR(20) NOT NULL UNIQUE,
    title       VARCHAR(100) NOT NULL,
    price       NUMERIC(10, 2) NOT NULL CHECK (price > 0),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    created_at  TIMESTAMP NOT NULL
);
CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    status      VARCHAR(12) NOT NULL
                CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
    total       NUMERIC(12, 2) NOT NULL CHECK (total >= 0),
    ordered_at  TIMESTAMP NOT NULL,
    shipped_at  TIMESTAMP
);
CREATE TABLE order_items (
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    product_id  INTEGER NOT NULL REFERENCES products (id),
    quantity    INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 20),
    unit_price  NUMERIC(10, 2) NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
"""


def demo_rows(users: int) -> RowRequest:
    """Row counts that keep the shop's proportions for a given number of users."""
    return RowRequest(
        default=users,
        per_table={
            "categories": max(10, users // 50),
            "users": users,
            "products": max(20, users // 5),
            "orders": users * 3,
            "order_items": users * 8,
        },
    )


def create_shop(path: str) -> None:
    """(Re)create the demo schema; the demo owns this file, so an old copy is replaced."""
    file = Path(path)
    if file.parent and not file.parent.exists():
        raise UsageError(f"directory {file.parent} does not exist")
    file.unlink(missing_ok=True)
    with sqlite3.connect(file) as conn:
        conn.executescript(SHOP_SCHEMA)


async def run_demo(
    path: str,
    *,
    users: int = 1000,
    seed: int = 42,
    progress: Progress | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> api.SeedResult:
    create_shop(path)
    return await api.seed(
        f"sqlite:///{path}", rows=demo_rows(users), seed=seed, progress=progress, on_plan=on_plan
    )
