"""A model of time for the rows of one table: which event each time column records, which
column is the row's birth, which earlier events each later one follows, and which events a
status value says have happened.

The time concepts decide the events and declare their place in a row's life
(`concepts/time.py`: `created_at` is a birth, `shipped_at` follows `paid_at`, which follows
`ordered_at`); CHECKs ordering two columns come first, and an edge that would close a cycle with
them is dropped. Everything here is made once per table from the schema: the generators in
`kinds/` and `table.py` read it per batch.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np

from fastseed.generate import concepts
from fastseed.generate import hashing as h
from fastseed.generate.concepts import Match
from fastseed.generate.concepts.lifecycle import Lifecycle
from fastseed.schema import Column, Kind, Table

TIME_KINDS = frozenset({Kind.TIMESTAMP, Kind.DATE})

# What a status value says has happened; a value not listed says nothing.
_STATUS_WORDS = [
    (
        "pending new draft open created placed unpaid awaiting_payment on_hold submitted "
        "requested queued scheduled todo to_do backlog waiting initiated ordered unconfirmed "
        "issued not_started",
        "",
    ),
    (
        "paid confirmed authorized authorised processing approved accepted captured ready "
        "packed packing",
        "paid approved",
    ),
    ("in_progress started running doing in_review review assigned", "start"),
    ("shipped dispatched in_transit out_for_delivery", "paid approved shipped"),
    (
        "delivered received fulfilled completed complete done closed resolved finished "
        "succeeded success settled",
        "paid approved shipped delivered start completed",
    ),
    ("returned", "paid approved shipped delivered start completed returned"),
    ("refunded", "paid approved refunded"),
    ("cancelled canceled voided void aborted", "cancelled"),
    ("rejected declined denied", "rejected"),
    ("failed error errored", "failed"),
    ("revoked", "revoked"),
    ("deleted removed", "deleted"),
    ("archived", "archived"),
]
STATUS_GROUPS: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (
        frozenset(v for w in group.split() for v in (w, w.replace("_", " "), w.replace("_", "-"))),
        frozenset(events.split()),
    )
    for group, events in _STATUS_WORDS
)
"""(status words in lowercase, the events they say have happened)."""
GOVERNED = frozenset(e for _, events in STATUS_GROUPS for e in events)
"""Events whose NULLs a status column decides, when its value is one of the words above."""


def words(identifier: str) -> str:
    """'ShippedAt', 'e-mail', 'First Name' -> 'shipped_at', 'e_mail', 'first_name'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", identifier)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def event_of(table: Table, column: Column) -> Match | None:
    """The time concept of a column ('created', 'shipped', ... or 'birth' for a date of
    birth, which is no event of the row), None when the name says none."""
    if column.type.kind not in TIME_KINDS:
        return None
    found = concepts.match(table, column)
    return found if found is not None and found.concept.life is not None else None


@dataclass(frozen=True)
class Follow:
    """How a time column follows the row's earlier events."""

    bases: tuple[str, ...]
    """Earlier time columns, nearest first: the value comes after the first that is not NULL
    (the chain keeps its order, so that is the latest of them)."""
    mean_gap: float | None = None
    """Typical delay in seconds (exponential); None: spread over the time left."""


@dataclass(frozen=True)
class Timeline:
    """The time model of one table."""

    birth: str | None
    """The column the row starts with (created_at, else ordered_at, issued_on, start...)."""
    events: Mapping[str, str | None] = field(default_factory=dict)
    """Each time column's event, the name of its time concept (None: unnamed, it follows the
    birth)."""
    follows: Mapping[str, Follow] = field(default_factory=dict)
    available: tuple[str, ...] = ()
    """The birth and the columns after which children may appear (published_at): a child's
    birth comes after each of them, where set."""
    lives: Mapping[str, Lifecycle] = field(default_factory=dict)
    """Each named time column's place in the row's life, as its concept declares it."""

    def null_share(self, column: str) -> float | None:
        """The default share of NULLs of an event without a status to decide (None: the
        generic default)."""
        life = self.lives.get(column)
        return None if life is None else life.null_share

    def progress_null(self, column: str, progress: h.F64) -> np.ndarray | None:
        """Where a lifecycle event did not happen, from the row's progress draw in [0, 1)."""
        life = self.lives.get(column)
        if life is not None and life.happens_from is not None:
            out: np.ndarray = progress < life.happens_from
            return out
        if life is not None and life.stops_below is not None:
            stopped: np.ndarray = progress >= life.stops_below
            return stopped
        return None


_UNNAMED = Lifecycle()
"""An unnamed time column: no birth, it follows the birth."""


def plan(
    table: Table,
    after: Mapping[str, str],
    skip: Collection[str] = (),
) -> Timeline:
    """The time model of `table`. `after` holds the orderings CHECKs impose (column -> the
    column it must not precede); `skip` the columns that must keep their own values (keys,
    foreign keys, generated)."""
    cols = [
        c
        for c in table.columns
        if c.type.kind in TIME_KINDS and not c.generated and c.name not in skip
    ]
    found = {c.name: event_of(table, c) for c in cols}
    lives = {n: m.concept.life for n, m in found.items() if m is not None and m.concept.life}
    events = {n: None if m is None else m.concept.name for n, m in found.items()}
    timed = [c.name for c in cols if lives.get(c.name, _UNNAMED).of_row]

    def rank(name: str) -> int | None:
        return lives.get(name, _UNNAMED).birth_rank

    births = sorted(
        (n for n in timed if n not in after and rank(n) is not None), key=lambda n: rank(n) or 0
    )
    birth = births[0] if births else None
    if birth is None:
        # a lone column is the birth, unless it records a later event (shipped_at alone)
        roots = [n for n in timed if n not in after and events[n] not in GOVERNED]
        birth = roots[0] if len(roots) == 1 else None
    edges: dict[str, list[str]] = {n: [after[n]] for n in timed if n in after}

    def reaches(start: str, target: str) -> bool:
        seen: set[str] = set()
        todo = [start]
        while todo:
            node = todo.pop()
            if node == target:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(edges.get(node, ()))
        return False

    # births first (created before ordered), then the other events in the table's order
    order = sorted(timed, key=lambda n: (2 if rank(n) is None else rank(n), timed.index(n)))
    for name in order:
        if name == birth:
            continue
        wanted = [
            other
            for want in lives.get(name, _UNNAMED).after
            for other in timed
            if events[other] == want and other != name
        ]
        if birth is not None:
            wanted.append(birth)
        for other in wanted:
            if other not in edges.get(name, ()) and not reaches(other, name):
                edges.setdefault(name, []).append(other)
    follows = {
        name: Follow(tuple(bases), lives.get(name, _UNNAMED).mean_gap)
        for name, bases in edges.items()
        if bases
    }
    # children may appear once a row is published (a review after the book's publication)
    available = tuple(n for n in timed if n == birth or (events[n] == "published" and n in follows))
    return Timeline(birth, events, follows, available, lives)


def status_nulls(event: str | None, groups: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For a status-governed event: (rows where it has not happened, rows where it has), from
    `groups`, the rows holding a word of each of `STATUS_GROUPS`. Rows whose status says
    nothing are in neither."""
    null = np.zeros(len(groups[0]), dtype=bool)
    done = np.zeros(len(groups[0]), dtype=bool)
    for (_, events), mask in zip(STATUS_GROUPS, groups, strict=True):
        if event in events:
            done |= mask
        else:
            null |= mask
    return null, done


def events_of_status(value: str) -> frozenset[str] | None:
    """The events a status value says have happened; None when it says nothing."""
    low = value.strip().lower()
    return next((events for group, events in STATUS_GROUPS if low in group), None)


def flag_events(table: Table, line: Timeline, skip: Collection[str] = ()) -> dict[str, str]:
    """Boolean columns that say whether an event of the row happened, and the nullable time
    column of that event: `revoked` and `revoked_at`, `is_deleted` and `deleted_at`."""
    stems: dict[str, str] = {}
    for name in line.events:
        life = line.lives.get(name, _UNNAMED)
        if name != line.birth and life.of_row and table.column(name).nullable:
            stems.setdefault(re.sub(r"_(at|on|date|time|ts|timestamp)$", "", words(name)), name)
    out = {}
    for col in table.columns:
        if col.type.kind != Kind.BOOLEAN or col.generated or col.name in skip:
            continue
        stem = stems.get(re.sub(r"^(is|has|was|been)_", "", words(col.name)))
        if stem is not None:
            out[col.name] = stem
    return out
