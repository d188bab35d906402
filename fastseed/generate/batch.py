"""A batch of generated rows held column by column, as numpy arrays where possible.

Encoders that can (PostgreSQL's binary COPY) read the arrays directly; everyone else asks
for `rows()`, the canonical Python values of base.py's contract.
"""

from __future__ import annotations

import ipaddress
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from fastseed.generate.canonical import decimals, utc_datetimes, with_nulls
from fastseed.generate.text import Utf8Array
from fastseed.schema import Column, Kind


@dataclass(frozen=True)
class Lists:
    """Array values: row i holds items[offsets[i] : offsets[i + 1]], the items in their own
    raw form (scaled by 10**scale when decimal); no item is NULL."""

    offsets: np.ndarray
    items: np.ndarray | Utf8Array
    scale: int = 0

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)


@dataclass
class ColumnData:
    values: np.ndarray | Utf8Array | Lists | list[Any]
    """A numpy array in the generator's raw form (see ColumnGen.raw; bytes of one width
    as a (rows, width) uint8 matrix; ranges as (rows, 2) bounds), text as one UTF-8 buffer,
    arrays as `Lists`, or canonical values."""
    null: np.ndarray | None = None
    """True where the value is NULL (arrays and text only; lists hold None themselves)."""
    scale: int = 0
    """Decimal arrays are integers scaled by 10**scale."""


@dataclass
class Batch:
    columns: tuple[Column, ...]
    data: list[ColumnData]
    size: int

    def nbytes(self) -> int:
        """Bytes the batch's values take (for lists: their text and a pointer each)."""
        total = 0
        for d in self.data:
            v = d.values
            if isinstance(v, np.ndarray):
                total += v.nbytes
            elif isinstance(v, Utf8Array):
                total += v.data.nbytes + v.offsets.nbytes
            elif isinstance(v, Lists):
                items = v.items
                total += v.offsets.nbytes
                if isinstance(items, Utf8Array):
                    total += items.data.nbytes + items.offsets.nbytes
                else:
                    total += items.nbytes
            else:
                total += sum(len(x) if isinstance(x, str | bytes) else 8 for x in v) + 8 * len(v)
        return total

    def rows(self) -> list[tuple[Any, ...]]:
        cols = [to_python(c, d) for c, d in zip(self.columns, self.data, strict=True)]
        return list(zip(*cols, strict=True))


def to_python(column: Column, data: ColumnData) -> list[Any]:
    """Canonical Python values of one column of a batch."""
    values = data.values
    if isinstance(values, list):
        return values
    kind = column.type.kind
    element = column.type.element
    if isinstance(values, Utf8Array):
        out: list[Any] = values.tolist()
    elif isinstance(values, Lists):
        assert element is not None
        items = to_python(
            Column(column.name, element, False), ColumnData(values.items, None, values.scale)
        )
        bounds = values.offsets.tolist()
        out = [items[a:b] for a, b in itertools.pairwise(bounds)]
    elif kind == Kind.RANGE:  # (rows, 2): lower and upper bound, [lower, upper)
        assert element is not None
        inner = Column(column.name, element, False)
        ends = [to_python(inner, ColumnData(values[:, k], None, data.scale)) for k in (0, 1)]
        out = list(zip(*ends, strict=True))
    elif kind in FROM_BYTES:
        out = from_bytes(kind, values)
    elif kind == Kind.TIMESTAMP:
        if column.type.timezone:
            out = utc_datetimes(values)
        else:
            out = values.astype("datetime64[us]").astype(object).tolist()
    elif kind == Kind.DATE:
        out = values.astype("datetime64[D]").astype(object).tolist()
    elif kind in {Kind.NUMERIC, Kind.MONEY}:
        out = decimals(values, data.scale)
    else:
        out = values.tolist()
    return with_nulls(out, data.null)


def row_bytes(matrix: np.ndarray) -> list[bytes]:
    """The rows of a (rows, width) uint8 matrix as bytes (a numpy "S" view would drop
    trailing zero bytes)."""
    width = matrix.shape[1]
    if not width:
        return [b""] * len(matrix)
    raw = np.ascontiguousarray(matrix).tobytes()
    return [raw[i : i + width] for i in range(0, len(raw), width)]


FROM_BYTES: dict[Kind, Callable[[bytes], Any]] = {
    Kind.BINARY: bytes,
    Kind.UUID: lambda b: uuid.UUID(bytes=b),
    Kind.INET: ipaddress.ip_address,  # 4 bytes: IPv4, 16: IPv6
    Kind.CIDR: lambda b: ipaddress.ip_network((b[:-1], b[-1])),  # the address, then the prefix
    Kind.MACADDR: lambda b: b.hex(":"),
}
"""Kinds whose raw form is a (rows, width) byte matrix: each row's canonical value."""


def from_bytes(kind: Kind, matrix: np.ndarray) -> list[Any]:
    """Canonical values of a byte matrix of one of the `FROM_BYTES` kinds."""
    return list(map(FROM_BYTES[kind], row_bytes(matrix)))
