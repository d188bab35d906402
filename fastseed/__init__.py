"""fastseed: fill a database with large volumes of realistic, constraint-valid test data.

The async API (no driver is imported until a URL of its dialect is used)::

    import anyio, fastseed
    result = anyio.run(lambda: fastseed.seed("postgresql://root@127.0.0.1/db", rows=1000, seed=42))
"""

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
