"""A model of time for the rows of one table: which event each time column records, which
column is the row's birth, which earlier events each later one follows, and which events a
status value says have happened.

Names decide the events (`created_at` is a birth, `shipped_at` follows `paid_at`, which follows
`ordered_at`); CHECKs ordering two columns come first, and an edge that would close a cycle with
them is dropped. Everything here is made once per table from the schema: the generators in
`values.py` and `table.py` read it per batch.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np

from fastseed.generate import hashing as h
from fastseed.schema import Column, Kind, Table

TIME_KINDS = frozenset({Kind.TIMESTAMP, Kind.DATE})
_DAY = 86400.0

# (event, pattern on the column's words); the first match wins, so specific names come first
_EVENT_NAMES: list[tuple[str, str]] = [
    ("birthdate", r"birth|(^|_)dob(_|$)|(^|_)born(_|$)"),
    ("last_seen", r"last_?(log_?in|seen|active|activity|access|used|sign_?in|visit|run)"),
    ("updated", r"^(updated|modified|changed|edited)|last_?(update|modif|change|edit)"),
    (
        "created",
        r"^(created|inserted|registered|signup|signed_up|joined|added|creation|create_)"
        r"|_created$|date_?(added|created|joined|registered)|^registration_",
    ),
    ("ordered", r"(^|_)order(ed)?_?(date|at|time|on|ts)$|^ordered|(^|_)placed"),
    ("issued", r"(^|_)issu|invoiced|billed"),
    ("published", r"publish|(^|_)posted|released|launched"),
    ("submitted", r"submit|request|applied|reported|raised|(^|_)opened"),
    (
        "start",
        r"^(start|starts|started|begin|begins|began|from|valid_?from|effective|hire|hired|"
        r"rental|check_?in|enrol)",
    ),
    ("paid", r"(^|_)paid|payment_?(date|at|time|on|ts)$|^pay_?(date|time)"),
    ("approved", r"approv|accept|confirm|authori[sz]"),
    ("shipped", r"ship|dispatch"),
    ("delivered", r"deliver|received|arriv"),
    ("completed", r"complet|finish|(^|_)done|resolv|(^|_)closed|fulfil"),
    ("returned", r"(^|_)return"),
    ("refunded", r"refund"),
    ("cancelled", r"cancel|(^|_)void"),
    ("rejected", r"reject|declin|denied"),
    ("failed", r"(^|_)fail"),
    ("revoked", r"revok"),
    ("deleted", r"delet|remov|(^|_)purged"),
    ("archived", r"archiv"),
    ("due", r"(^|_)due(_|$)|deadline"),
    (
        "end",
        r"^(end|ends|ended|to|until|valid_?(to|until|through)|expires?|expir|close|closes|"
        r"check_?out|termin|stop)|_(end|until|expiry|expires?)(_|$)",
    ),
]
_EVENT_RES = [(e, re.compile(p)) for e, p in _EVENT_NAMES]

_STAGE = {"created": 0, "ordered": 1, "issued": 1, "published": 1, "submitted": 1, "start": 1}
"""How early an event can be a row's birth (lower first); other events are never births while
one of these is present."""

_AFTER: dict[str, tuple[str, ...]] = {
    "ordered": ("submitted",),
    "issued": ("ordered", "submitted"),
    "published": ("approved", "submitted"),
    "submitted": (),
    "start": ("approved", "ordered", "issued"),
    "paid": ("issued", "ordered", "approved", "submitted"),
    "approved": ("submitted", "ordered", "issued"),
    "shipped": ("paid", "approved", "ordered"),
    "delivered": ("shipped", "paid", "ordered"),
    "completed": ("delivered", "shipped", "start", "approved", "paid", "submitted"),
    "returned": ("delivered", "shipped", "start"),
    "refunded": ("returned", "paid"),
    "cancelled": ("approved", "ordered", "issued", "submitted"),
    "rejected": ("submitted", "issued"),
    "failed": ("start", "submitted", "ordered"),
    "revoked": ("approved", "start", "issued"),
    "due": ("issued", "ordered", "start"),
    "end": ("start", "published", "issued", "approved"),
    "last_seen": ("approved",),
    "updated": (
        "refunded", "returned", "completed", "delivered", "shipped", "cancelled", "rejected",
        "failed", "paid", "approved", "published", "start", "issued", "ordered", "submitted",
    ),
    "deleted": ("updated", "archived", "completed", "last_seen"),
    "archived": ("updated", "completed"),
}  # fmt: skip
"""For each event, the events it comes after, nearest first; every event follows the birth."""

_MEAN_GAP: dict[str, float] = {
    "paid": 0.2 * _DAY,
    "approved": 1.0 * _DAY,
    "shipped": 1.5 * _DAY,
    "delivered": 3.0 * _DAY,
    "cancelled": 1.0 * _DAY,
    "refunded": 5.0 * _DAY,
    "returned": 7.0 * _DAY,
    "due": 21.0 * _DAY,
    "rejected": 2.0 * _DAY,
    "failed": 0.1 * _DAY,
}
"""Typical delays after the preceding event (exponential); other events spread over the time
left before the reference time, as before."""

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

_PROGRESS = {
    "paid": 0.1, "approved": 0.1, "start": 0.15, "shipped": 0.2, "delivered": 0.3,
    "completed": 0.35, "returned": 0.97, "refunded": 0.98,
}  # fmt: skip
"""Without a status: the event happened when the row's progress draw is at least this, one
draw per row for all of them, so a delivered row was also shipped and paid."""
_STOPPED = {"cancelled": 0.06, "rejected": 0.04, "failed": 0.03}
"""Without a status: the event happened when the progress draw is below this (rows that
stopped before anything else happened)."""
_NULL_SHARE = {
    "revoked": 0.9, "deleted": 0.9, "archived": 0.9, "last_seen": 0.1, "end": 0.3,
    "due": 0.0, "updated": 0.05,
}  # fmt: skip


def words(identifier: str) -> str:
    """'ShippedAt', 'e-mail', 'First Name' -> 'shipped_at', 'e_mail', 'first_name'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", identifier)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def event_of(column: Column) -> str | None:
    """The event a time column records ('created', 'shipped', ...), 'birthdate' for a date of
    birth (not an event of the row), or None when the name says nothing."""
    if column.type.kind not in TIME_KINDS:
        return None
    name = words(column.name)
    for event, rx in _EVENT_RES:
        if rx.search(name):
            return event
    return None


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
    """Each time column's event (None: unnamed, it follows the birth)."""
    follows: Mapping[str, Follow] = field(default_factory=dict)
    available: tuple[str, ...] = ()
    """The birth and the columns after which children may appear (published_at): a child's
    birth comes after each of them, where set."""

    def null_share(self, column: str) -> float | None:
        """The default share of NULLs of an event without a status to decide (None: the
        generic default)."""
        return _NULL_SHARE.get(self.events.get(column) or "")

    def progress_null(self, column: str, progress: h.F64) -> np.ndarray | None:
        """Where a lifecycle event did not happen, from the row's progress draw in [0, 1)."""
        event = self.events.get(column) or ""
        if event in _PROGRESS:
            out: np.ndarray = progress < _PROGRESS[event]
            return out
        if event in _STOPPED:
            stopped: np.ndarray = progress >= _STOPPED[event]
            return stopped
        return None


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
    events = {c.name: event_of(c) for c in cols}
    timed = [c.name for c in cols if events[c.name] != "birthdate"]
    births = [n for n in timed if n not in after and events[n] in _STAGE]
    births.sort(key=lambda n: _STAGE[events[n] or ""])
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

    order = sorted(timed, key=lambda n: (_STAGE.get(events[n] or "", 2), timed.index(n)))
    for name in order:
        if name == birth:
            continue
        event = events[name] or ""
        wanted = [
            other
            for want in _AFTER.get(event, ())
            for other in timed
            if events[other] == want and other != name
        ]
        if birth is not None:
            wanted.append(birth)
        for other in wanted:
            if other not in edges.get(name, ()) and not reaches(other, name):
                edges.setdefault(name, []).append(other)
    follows = {
        name: Follow(tuple(bases), _MEAN_GAP.get(events[name] or ""))
        for name, bases in edges.items()
        if bases
    }
    available = tuple(n for n in timed if n == birth or (events[n] == "published" and n in follows))
    return Timeline(birth, events, follows, available)


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
    for name, event in line.events.items():
        if name != line.birth and event != "birthdate" and table.column(name).nullable:
            stems.setdefault(re.sub(r"_(at|on|date|time|ts|timestamp)$", "", words(name)), name)
    out = {}
    for col in table.columns:
        if col.type.kind != Kind.BOOLEAN or col.generated or col.name in skip:
            continue
        stem = stems.get(re.sub(r"^(is|has|was|been)_", "", words(col.name)))
        if stem is not None:
            out[col.name] = stem
    return out
