"""`--wait`: retry connecting until the server accepts connections. Compose and Kubernetes
start the database and fastseed together; the server takes seconds to come up."""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio

from fastseed.dialects.base import opened
from fastseed.errors import ConnectError
from fastseed.url import DatabaseURL

FIRST_PAUSE = 0.25
LONGEST_PAUSE = 5.0


async def wait_for_server(
    url: DatabaseURL,
    seconds: float,
    *,
    timeout: float = 10.0,
    notice: Callable[[str], None] | None = None,
) -> None:
    """Return once `url`'s server accepts a connection; retry with a doubling pause (0.25 s,
    then up to 5 s) while it is unreachable (ConnectError), for up to `seconds`. Any other
    error (unknown database, bad password) is raised at once: waiting would not fix it.
    Raises ConnectError, naming the last reason, when the time is up."""
    deadline = time.monotonic() + seconds
    pause = FIRST_PAUSE
    told = False
    while True:
        left = deadline - time.monotonic()
        try:
            async with opened(url, pool_size=1, timeout=max(0.5, min(timeout, left))):
                return
        except ConnectError as exc:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ConnectError(f"still unreachable after {seconds:g} s: {exc}") from None
            if notice is not None and not told:
                notice(f"waiting up to {seconds:g} s for {url.redacted()}: {exc}")
                told = True
        await anyio.sleep(min(pause, left))
        pause = min(pause * 2, LONGEST_PAUSE)
