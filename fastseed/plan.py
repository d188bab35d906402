"""What a plan is: tiers of load units, row counts, deferred FKs, per-parent fan-outs.

Plain frozen data, built by planner.py from a catalog and a request and read by the
generators, the loader and the reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from fastseed.errors import PlanError
from fastseed.scenario.model import FanOut, Scenario, TableSpec
from fastseed.schema import Catalog, ForeignKey, TableName

_I64 = npt.NDArray[np.int64]

DEFERRABLE = "deferrable"
NULL_THEN_UPDATE = "null-then-update"
FORCED = "checked at commit"


Sample = tuple[tuple[Any, ...], tuple[int, ...]]


@dataclass(frozen=True)
class DeferredFK:
    table: TableName
    fk: ForeignKey
    method: str


@dataclass(frozen=True)
class Unit:
    """Tables loaded together in one transaction, in this order."""

    tables: tuple[TableName, ...]
    deferred: tuple[DeferredFK, ...] = ()


@dataclass(frozen=True)
class TablePlan:
    name: TableName
    rows: int
    """Rows this run writes."""
    requested: int
    existing: int
    index_base: int
    """Row i of this run uses index index_base + i: past existing rows and integer keys."""
    notes: tuple[str, ...] = ()
    filled_by_trigger: TableName | None = None
    """Rows come from an INSERT trigger on this table, so fastseed writes none itself."""
    skipped: str | None = None
    """Why no insert can fill this table in this run (it gets no rows); None when it is filled."""


@dataclass(frozen=True)
class RowRequest:
    default: int = 1000
    per_table: Mapping[str, int] = field(default_factory=dict)
    """Keys are table names, bare or schema-qualified."""
    named: frozenset[str] | None = None
    """Tables the user asked for by name (bare or qualified); None: every key of `per_table`."""

    def for_table(self, name: TableName) -> int:
        for key in (str(name), name.name):
            if key in self.per_table:
                return self.per_table[key]
        return self.default

    def is_named(self, name: TableName) -> bool:
        """True when the user asked for this table by name, so skipping it would be a surprise."""
        named = self.per_table.keys() if self.named is None else self.named
        return str(name) in named or name.name in named


@dataclass(frozen=True)
class Plan:
    catalog: Catalog
    tiers: tuple[tuple[Unit, ...], ...]
    tables: dict[TableName, TablePlan]
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    load_method: str = ""
    samples: Mapping[TableName, Mapping[str, Sample]] = field(default_factory=dict)
    """Values already in status-like columns, with their frequencies, to draw from."""
    scenario: Scenario = field(default_factory=Scenario)
    fanouts: Mapping[TableName, FanoutPlan] = field(default_factory=dict)
    """Tables whose rows follow a per-parent cardinality on one FK."""
    existing_keys: Mapping[tuple[TableName, str], Sequence[tuple[Any, ...]]] = field(
        default_factory=dict
    )
    """(table, FK name) -> keys of rows already in the parent that this FK draws from."""
    existing_births: Mapping[tuple[TableName, str], Sequence[float]] = field(default_factory=dict)
    """(table, FK name) -> the birth of each of those parent rows (epoch seconds, NaN when
    unknown), in the same order."""

    def parent_rows(self, table: TableName, fk: ForeignKey) -> int:
        """How many parent rows the FK can point at in this run."""
        keys = self.existing_keys.get((table, fk.name))
        if keys is not None:
            return len(keys)
        parent = self.catalog.tables.get(fk.ref_table)
        pname = (parent.partition_of or parent.name) if parent else fk.ref_table
        return self.tables[pname].rows if pname in self.tables else 0

    def table_spec(self, name: TableName) -> TableSpec | None:
        return self.scenario.table(str(name)) or self.scenario.table(name.name)

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def check(self) -> None:
        """Raise PlanError listing every problem, if any."""
        if self.problems:
            lines = "\n  ".join(self.problems)
            raise PlanError(
                f"the schema cannot be seeded as asked (nothing was written):\n  {lines}"
            )


@dataclass(frozen=True)
class FanoutPlan:
    """Children per parent on one FK, as running totals over the parents."""

    fk: ForeignKey
    spec: FanOut
    ends: _I64
    """ends[p] = children of parents 0..p; the child rows of p are ends[p-1]..ends[p]-1."""

    @property
    def rows(self) -> int:
        return int(self.ends[-1]) if len(self.ends) else 0

    def parent_of(self, local: _I64) -> tuple[_I64, _I64]:
        """For child rows `local`: the parent position and the row's rank among its siblings."""
        parent = np.searchsorted(self.ends, local, side="right").astype(np.int64)
        starts = np.where(parent > 0, self.ends[np.maximum(parent - 1, 0)], 0)
        return parent, local - starts
