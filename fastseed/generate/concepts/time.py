"""Time columns: the event a timestamp or date records (a row's creation, an update, a
shipment, a birth, the start or end of a period) and its place in the row's life: which
events can be the row's birth, which it follows (ordered <= paid <= shipped <= delivered,
issued <= due, start <= end, created <= last_login), how long after and how often not at all.
The timeline (`generate/timeline.py`) reads the lifecycle; the Builder draws the values."""

from __future__ import annotations

from fastseed.generate.concepts.lifecycle import DAY, Lifecycle
from fastseed.generate.concepts.registry import Concept, register
from fastseed.generate.concepts.valid import Valid, moment
from fastseed.schema import Kind

_TIME = frozenset({Kind.TIMESTAMP, Kind.DATE})


_EVENT = moment(1970, 2100)
"""Events of a row: after the Unix epoch, before the far 'now' a CHECK may name."""

_TERMINAL = (
    "refunded", "returned", "completed", "delivered", "shipped", "cancelled", "rejected",
    "failed", "paid", "approved", "published", "start", "issued", "ordered", "submitted",
)  # fmt: skip
"""What an update comes after, latest in a row's life first."""


def _event(name: str, life: Lifecycle, *phrases: tuple[str, ...], valid: Valid = _EVENT) -> Concept:
    return Concept(name, "time", name, phrases, None, kinds=_TIME, valid=valid, life=life)


# Where a name says two events, the head noun wins ('order_ship_date': shipped), then the
# longer phrase, then the order below.
register(
    _event("birth", Lifecycle(of_row=False), (r"birth\w*",), ("born",), valid=moment(1900, 2026)),
    _event("last_seen", Lifecycle(after=("approved",), null_share=0.1), ("last", r"log(?:in|on)?|logged|seen|active|activity|access\w*|used|sign(?:in|on)?|visit\w*|run"), (r"last(?:login|logon|seen|active|activity|access|used|signin|visit|run)\w*",)),
    _event("updated", Lifecycle(after=_TERMINAL, null_share=0.05), (r"updated?|modified|modify|modification|changed|edited",), ("last", r"update\w*|modif\w*|change\w*|edit\w*")),
    _event("created", Lifecycle(birth_rank=0), ("created|creation|create|inserted|registered|registration|signup|joined|added",), ("sign(?:ed)?", "up")),
    _event("ordered", Lifecycle(birth_rank=1, after=("submitted",)), ("ordered",), ("order", "date|time|at|on|ts|timestamp|stamp"), (r"placed\w*",)),
    _event("issued", Lifecycle(birth_rank=1, after=("ordered", "submitted")), (r"issu\w*|\w*invoiced\w*|\w*billed\w*",)),
    _event("published", Lifecycle(birth_rank=1, after=("approved", "submitted")), (r"\w*publish\w*|posted\w*|\w*released\w*|\w*launched\w*",)),
    _event("submitted", Lifecycle(birth_rank=1), (r"\w*(?:submit|request|applied|reported|raised)\w*|opened\w*",)),
    _event("start", Lifecycle(birth_rank=1, after=("approved", "ordered", "issued"), happens_from=0.15), (r"start\w*|begin\w*|began|from|validfrom|effective|hire|hired|rental|enrol\w*|open|opening|checkin",), ("check", "in")),
    _event("paid", Lifecycle(after=("issued", "ordered", "approved", "submitted"), mean_gap=0.2 * DAY, happens_from=0.1), (r"paid\w*",), ("payment", "date|at|time|on|ts"), ("pay", "date|time")),
    _event("approved", Lifecycle(after=("submitted", "ordered", "issued"), mean_gap=1.0 * DAY, happens_from=0.1), (r"\w*(?:approv|accept|confirm|authori[sz])\w*",)),
    _event("shipped", Lifecycle(after=("paid", "approved", "ordered"), mean_gap=1.5 * DAY, happens_from=0.2), (r"ship\w*|\w*dispatch\w*",)),
    _event("delivered", Lifecycle(after=("shipped", "paid", "ordered"), mean_gap=3.0 * DAY, happens_from=0.3), (r"\w*(?:deliver|received|arriv)\w*",)),
    _event("completed", Lifecycle(after=("delivered", "shipped", "start", "approved", "paid", "submitted"), happens_from=0.35), (r"\w*(?:complet|finish|resolv|fulfil)\w*|done\w*|closed\w*",)),
    _event("returned", Lifecycle(after=("delivered", "shipped", "start"), mean_gap=7.0 * DAY, happens_from=0.97), (r"return\w*",)),
    _event("refunded", Lifecycle(after=("returned", "paid"), mean_gap=5.0 * DAY, happens_from=0.98), (r"\w*refund\w*",)),
    _event("cancelled", Lifecycle(after=("approved", "ordered", "issued", "submitted"), mean_gap=1.0 * DAY, stops_below=0.06), (r"\w*cancel\w*|void\w*",)),
    _event("rejected", Lifecycle(after=("submitted", "issued"), mean_gap=2.0 * DAY, stops_below=0.04), (r"\w*(?:reject|declin|denied)\w*",)),
    _event("failed", Lifecycle(after=("start", "submitted", "ordered"), mean_gap=0.1 * DAY, stops_below=0.03), (r"fail\w*",)),
    _event("revoked", Lifecycle(after=("approved", "start", "issued"), null_share=0.9), (r"\w*revok\w*",)),
    _event("deleted", Lifecycle(after=("updated", "archived", "completed", "last_seen"), null_share=0.9), (r"\w*(?:delet|remov)\w*|purged\w*",)),
    _event("archived", Lifecycle(after=("updated", "completed"), null_share=0.9), (r"\w*archiv\w*",)),
    _event("due", Lifecycle(after=("issued", "ordered", "start"), mean_gap=21.0 * DAY, null_share=0.0), ("due",), (r"\w*deadline\w*",)),
    _event("end", Lifecycle(after=("start", "published", "issued", "approved"), null_share=0.3), (r"end|ended|to|until|through|expir\w*|close|termin\w*|stop\w*|checkout|validto|validuntil",), ("check", "out")),
)  # fmt: skip
