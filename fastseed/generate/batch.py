"""A batch of generated rows held column by column, as numpy arrays where possible.

Encoders that can (PostgreSQL's binary COPY) read the arrays directly; everyone else asks
for `rows()`, the canonical Python values of base.py's contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fastseed.generate.canonical import decimals, utc_datetimes, with_nulls
from fastseed.generate.text import Utf8Array
from fastseed.schema import Column, Kind


@dataclass
class ColumnData:
    values: np.ndarray | Utf8Array | list[Any]
    """A numpy array in the generator's raw form (see ColumnGen.raw), text as one UTF-8
    buffer, or canonical values."""
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
    if isinstance(values, Utf8Array):
        out: list[Any] = values.tolist()
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
