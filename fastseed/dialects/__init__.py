"""Dialect adapters; each module is imported only when its dialect is first used."""

from __future__ import annotations

import importlib

from fastseed.dialects.base import Adapter
from fastseed.errors import UsageError

_MODULES = {
    "postgres": ("fastseed.dialects.postgres", "PostgresAdapter"),
    "mysql": ("fastseed.dialects.mysql", "MySQLAdapter"),
    "sqlite": ("fastseed.dialects.sqlite", "SQLiteAdapter"),
}


def adapter_class(dialect: str) -> type[Adapter]:
    try:
        module_name, class_name = _MODULES[dialect]
    except KeyError:
        raise UsageError(f"unknown dialect {dialect!r}") from None
    cls: type[Adapter] = getattr(importlib.import_module(module_name), class_name)
    return cls


def backslash_escapes(dialect: str) -> bool:
    """Whether the server prints string literals with backslash escapes ('it\\'s') in the
    CHECK text it reflects (MySQL/MariaDB), rather than doubled quotes only."""
    return dialect == "mysql"
