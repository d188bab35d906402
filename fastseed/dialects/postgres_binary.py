"""PostgreSQL's binary forms of single values (the per-value path of `postgres_copy`: a
column that reaches the COPY encoder as a Python list) and the constants both paths share."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from fastseed.schema import ColumnType, Kind

EPOCH_S = 946_684_800  # 2000-01-01, PostgreSQL's zero for dates and timestamps
EPOCH_DAYS = 10_957
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
EPOCH_NAIVE = dt.datetime(2000, 1, 1)
EPOCH_DATE = dt.date(2000, 1, 1)
_ONE_US = dt.timedelta(microseconds=1)
AF_INET, AF_INET6 = 2, 3  # PostgreSQL's own family codes in inet's binary form
RANGE_LOWER_INCLUSIVE = b"\x02"  # a range's flags: [lower, upper), both bounds finite

_ELEMENT_OIDS = {
    "boolean": 16, "bytea": 17, "bigint": 20, "smallint": 21, "integer": 23, "text": 25,
    "json": 114, "cidr": 650, "real": 700, "double precision": 701, "macaddr": 829,
    "inet": 869, "character": 1042, "character varying": 1043, "date": 1082,
    "timestamp without time zone": 1114, "timestamp with time zone": 1184, "numeric": 1700,
    "uuid": 2950, "jsonb": 3802,
}  # fmt: skip
"""pg_type OIDs of the built-in types an array may hold, by `format_type`'s name."""


def element_oid(t: ColumnType) -> int | None:
    """The OID of an array's element type, from its printed name (None: not a built-in,
    such as an enum or a domain, whose OID only the catalog knows)."""
    name = re.sub(r"\(.*?\)", "", t.sql).strip()  # varchar(20), timestamp(3) with time zone
    return _ELEMENT_OIDS.get(re.sub(r"\s+", " ", name))


def encode_value(t: ColumnType, v: Any) -> bytes:
    """One canonical value (base.py) in the binary form of the column's type."""
    kind = t.kind
    if kind in {Kind.TEXT, Kind.ENUM}:
        return str(v).encode()
    if kind == Kind.JSON:
        text = v.encode() if isinstance(v, str) else bytes(v)
        return b"\x01" + text if t.sql == "jsonb" else text
    if kind == Kind.INTEGER:
        return int(v).to_bytes((t.bits or 64) // 8, "big", signed=True)
    if kind == Kind.BOOLEAN:
        return b"\x01" if v else b"\x00"
    if kind == Kind.FLOAT:
        return np.array([v], dtype=">f4" if t.bits == 32 else ">f8").tobytes()
    if kind == Kind.TIMESTAMP:
        stamp: dt.datetime = v
        base = EPOCH if stamp.tzinfo is not None else EPOCH_NAIVE
        return ((stamp - base) // _ONE_US).to_bytes(8, "big", signed=True)
    if kind == Kind.DATE:
        day: dt.date = v
        return (day - EPOCH_DATE).days.to_bytes(4, "big", signed=True)
    if kind == Kind.NUMERIC:
        return _numeric_bytes(Decimal(v))
    if kind == Kind.UUID:
        return v.bytes if isinstance(v, uuid.UUID) else uuid.UUID(str(v)).bytes
    if kind == Kind.BINARY:
        return bytes(v)
    if kind in {Kind.INET, Kind.CIDR}:
        return _inet_bytes(v, cidr=kind == Kind.CIDR)
    if kind == Kind.BIT:  # '0'/'1' digits: their count, then the bits packed
        bits = np.frombuffer(str(v).encode(), dtype=np.uint8) == ord("1")
        return len(bits).to_bytes(4, "big") + np.packbits(bits).tobytes()
    if kind == Kind.MACADDR:
        return bytes.fromhex(str(v).replace(":", "").replace("-", ""))
    if kind == Kind.ARRAY and t.element is not None and isinstance(v, list | tuple):
        return _array_bytes(t.element, v)
    if kind == Kind.RANGE and t.element is not None and isinstance(v, tuple) and len(v) == 2:
        lower, upper = (encode_value(t.element, bound) for bound in v)
        return b"".join([RANGE_LOWER_INCLUSIVE, _word(len(lower)), lower, _word(len(upper)), upper])
    raise TypeError(f"no binary encoder for {t.sql}")


def _word(value: int) -> bytes:
    return value.to_bytes(4, "big", signed=True)


def _array_bytes(element: ColumnType, items: Sequence[Any]) -> bytes:
    oid = element_oid(element)
    assert oid is not None
    if not items:
        return b"".join(map(_word, (0, 0, oid)))
    has_null = any(v is None for v in items)
    out = [_word(w) for w in (1, int(has_null), oid, len(items), 1)]
    for v in items:
        data = b"" if v is None else encode_value(element, v)
        out += [_word(-1)] if v is None else [_word(len(data)), data]
    return b"".join(out)


def _inet_bytes(value: Any, cidr: bool) -> bytes:
    """An address (inet), an address with its network's prefix (inet) or a network (cidr)."""
    if cidr:
        net = ipaddress.ip_network(value)
        address, bits = net.network_address, net.prefixlen
    else:
        host = ipaddress.ip_interface(value)
        address, bits = host.ip, host.network.prefixlen
    family = AF_INET if address.version == 4 else AF_INET6
    return bytes([family, bits, int(cidr), len(address.packed)]) + address.packed


def _numeric_bytes(value: Decimal) -> bytes:
    """One Decimal in numeric's binary form (base-10000 digits around the point)."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    scale = max(0, -exponent)
    text = ("".join(map(str, digits)) or "0") + "0" * max(0, exponent)
    text = text.zfill(scale + 1)  # 0.000001 has fewer digits than its scale
    whole = text[: len(text) - scale] if scale else text
    frac = text[len(text) - scale :] if scale else ""
    whole = whole.lstrip("0") or "0"
    whole = whole.zfill(-(-len(whole) // 4) * 4)
    frac = frac.ljust(-(-len(frac) // 4) * 4, "0")
    groups = [int(whole[i : i + 4]) for i in range(0, len(whole), 4)]
    groups += [int(frac[i : i + 4]) for i in range(0, len(frac), 4)]
    weight = len(whole) // 4 - 1
    head = np.array([len(groups), weight, 0x4000 if sign else 0, scale], dtype=">i2")
    return head.tobytes() + np.array(groups, dtype=">i2").tobytes()
