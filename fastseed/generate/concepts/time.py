"""Time columns: the event a timestamp or date records (a row's creation, an update, a
shipment, a birth, the start or end of a period). The Builder draws the values (a window,
CHECK bounds, the row's timeline); the concept says which window and which null share."""

from __future__ import annotations

from fastseed.generate.concepts.registry import Concept, register
from fastseed.generate.concepts.valid import Valid, moment
from fastseed.schema import Kind

_TIME = frozenset({Kind.TIMESTAMP, Kind.DATE})


_EVENT = moment(1970, 2100)
"""Events of a row: after the Unix epoch, before the far 'now' a CHECK may name."""


def _event(name: str, *phrases: tuple[str, ...], valid: Valid = _EVENT) -> Concept:
    return Concept(name, "time", name, phrases, None, kinds=_TIME, valid=valid)


# registered in the order that settles a tie (a name that says two events: the first)
register(
    _event("created", ("created|creation|create|inserted|registered|registration|signup|joined|added",), ("sign", "up")),
    _event("updated", ("updated|update|modified|modify|modification|changed|edited",)),
    _event("deleted", ("deleted|delete|removed|archived",)),
    _event("birth", ("birth|birthday|born",), valid=moment(1900, 2026)),
    _event("shipped", (r"ship\w*|dispatched",)),
    _event("delivered", (r"deliver\w*",)),
    _event("ordered", ("ordered",), ("order", "date|time|at|on")),
    _event("end", ("end|ended|to|until|expire|expired|expiry|expiration|finish|finished|close|closed|due|deadline|return|returned",)),
    _event("start", ("start|started|from|begin|began|open|opened|opening|hire|hired|issue|issued|rental",)),
)  # fmt: skip
