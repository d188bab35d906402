"""fastseed: fill a database with large volumes of realistic, constraint-valid test data.

The async API (no driver is imported until a URL of its dialect is used)::

    import anyio, fastseed
    result = anyio.run(lambda: fastseed.seed("postgresql://root@127.0.0.1/db", rows=1000, seed=42))

The names below load on first use, so that `fastseed.command` can settle process-wide settings
before numpy loads (importing `fastseed.cli` or any submodule runs this file first).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastseed.api import SeedResult, inspect, seed, verify_url
    from fastseed.errors import (
        ConnectError,
        FastseedError,
        LoadError,
        PlanError,
        SafetyError,
        UsageError,
        VerifyError,
    )
    from fastseed.plan import RowRequest

__version__ = "0.1.0"

_HOMES = {
    "SeedResult": "fastseed.api",
    "inspect": "fastseed.api",
    "seed": "fastseed.api",
    "verify_url": "fastseed.api",
    "ConnectError": "fastseed.errors",
    "FastseedError": "fastseed.errors",
    "LoadError": "fastseed.errors",
    "PlanError": "fastseed.errors",
    "SafetyError": "fastseed.errors",
    "UsageError": "fastseed.errors",
    "VerifyError": "fastseed.errors",
    "RowRequest": "fastseed.plan",
}

__all__ = [
    "ConnectError",
    "FastseedError",
    "LoadError",
    "PlanError",
    "RowRequest",
    "SafetyError",
    "SeedResult",
    "UsageError",
    "VerifyError",
    "__version__",
    "inspect",
    "seed",
    "verify_url",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'fastseed' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value
