"""The worker thread that makes and encodes batches, off the event loop.

Generation and encoding are Python and numpy under one GIL: more threads than one add no
parallelism, only GIL hand-offs. Measured on flowable (PostgreSQL, 5,000 rows per table, 2
cores): anyio's default 40 threads 7.4-7.9 s of client CPU and ~90k-140k voluntary context
switches; 2 threads 6.1-7.4 s; one thread 5.6-6.2 s and ~2.6k switches, the wall time no worse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
from anyio.lowlevel import RunVar

T = TypeVar("T")

THREADS = 1

_LIMITER: RunVar[anyio.CapacityLimiter] = RunVar("fastseed_cpu_limiter")


def _limiter() -> anyio.CapacityLimiter:
    """One per event loop: a limiter belongs to the loop that made it."""
    try:
        return _LIMITER.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(THREADS)
        _LIMITER.set(limiter)
        return limiter


async def run(fn: Callable[..., T], *args: object) -> T:
    """`fn(*args)` in the CPU worker thread."""
    return await anyio.to_thread.run_sync(fn, *args, limiter=_limiter())
