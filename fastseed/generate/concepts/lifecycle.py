"""Where a time concept sits in a row's life: whether it can be the row's birth, which events
it comes after, how long after them, and how often it has not happened (yet). The timeline
(`generate/timeline.py`) reads these; the time concepts (`concepts/time.py`) declare them."""

from __future__ import annotations

from dataclasses import dataclass

DAY = 86400.0


@dataclass(frozen=True)
class Lifecycle:
    """The place of one event in the life of a row."""

    birth_rank: int | None = None
    """How early the event can be the row's birth (0 first: created before ordered); None:
    never a birth while a birth event is present."""
    after: tuple[str, ...] = ()
    """The events it comes after, nearest first (time concept names); every event of the
    row also comes after the birth."""
    mean_gap: float | None = None
    """Typical delay in seconds after the preceding event (exponential); None: spread over
    the time left before the reference time."""
    null_share: float | None = None
    """The default share of NULLs when no status decides (None: the generic default)."""
    happens_from: float | None = None
    """Lifecycle progress: without a status, the event happened where the row's progress
    draw in [0, 1) is at least this (one draw per row, so delivered implies shipped)."""
    stops_below: float | None = None
    """Stopped rows: without a status, the event happened where the progress draw is below
    this (a row cancelled before anything else happened)."""
    of_row: bool = True
    """False for a date of the row's subject rather than an event of the row (a birth
    date): it neither follows nor precedes the row's events."""
