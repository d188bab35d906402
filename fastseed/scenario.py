"""The user's scenario (fastseed.toml) validated into plain frozen data.

The data model is below. Reading a file lives in scenario_file.py (`find_scenario`,
`load_scenario`, with key line numbers from scenario_lines.py) and checking it against a
database in scenario_catalog.py (`validate_against_catalog`, `resolve_fk`); they are
re-exported here. Semantics (how the planner and generators follow a scenario) live in plan.py
and generate/.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastseed.schema import Catalog, ForeignKey, Table

ANOMALY_KINDS = ("duplicates", "boundaries", "max_length", "unicode", "whitespace", "empty")
DISTRIBUTIONS = ("uniform", "normal", "zipf")
ON_EXISTING = ("append", "truncate", "fail")


@dataclass(frozen=True)
class FanOut:
    """Children per parent row on one FK: 'each user has 3-5 orders'."""

    low: int
    high: int
    distribution: str = "uniform"
    """'uniform', 'normal' (centred in [low, high]) or 'zipf' (most parents near low)."""


@dataclass(frozen=True)
class ColumnSpec:
    """Overrides for one column; every field is optional."""

    null_share: float | None = None
    """Share of rows (0..1) where the column is NULL."""
    null_when: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    """NULL exactly when another column of the row holds one of these values."""
    choices: tuple[tuple[Any, float], ...] | None = None
    """Fixed values with weights."""
    range: tuple[Any, Any] | None = None
    """Inclusive numeric or date/time bounds, as given in the file (typed by the generator)."""
    provider: str | None = None
    """A mimesis provider method, 'person.first_name', 'address.city', ..."""
    pattern: str | None = None
    """A regular expression the values match (e.g. '^ORD-[0-9]{6}$')."""
    constant: Any | None = None
    has_constant: bool = False
    """True when `constant` was given (it may legitimately be None/false/0)."""


@dataclass(frozen=True)
class TableSpec:
    rows: int | None = None
    per_parent: tuple[tuple[str, FanOut], ...] = ()
    """(FK reference, fan-out): the reference is an FK name, its column(s) joined by ',',
    or the parent table's name."""
    columns: tuple[tuple[str, ColumnSpec], ...] = ()
    use_existing_parents: tuple[str, ...] = ()
    """FK references whose values come from rows already in the parent table."""

    def column(self, name: str) -> ColumnSpec | None:
        return dict(self.columns).get(name)


@dataclass(frozen=True)
class AnomalySpec:
    enabled: bool = False
    share: float = 0.01
    """Share of rows that get an anomalous value in some column."""
    kinds: tuple[str, ...] = ANOMALY_KINDS


@dataclass(frozen=True)
class Scenario:
    """Everything a run can be told; None means 'not said here' (flags or defaults decide)."""

    source: str | None = None
    """The file it came from, for messages."""
    seed: int | None = None
    locale: str | None = None
    rows: int | None = None
    """Default rows per table."""
    scale: float = 1.0
    batch_size: int | None = None
    workers: int | None = None
    schemas: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    """Glob patterns of table names (bare or schema-qualified) to fill; empty means all."""
    exclude: tuple[str, ...] = ()
    on_existing: str | None = None
    anomalies: AnomalySpec = field(default_factory=AnomalySpec)
    tables: tuple[tuple[str, TableSpec], ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False)
    """Dotted key path ('tables.orders.columns.status') -> line in the file, for messages."""

    def table(self, name: str) -> TableSpec | None:
        return dict(self.tables).get(name)

    def where(self, path: str) -> str:
        """'FILE:LINE' of a dotted key path, or of its nearest enclosing key, for messages."""
        while path:
            line = self.lines.get(path)
            if line is not None:
                return f"{self.source}:{line}"
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.source or "scenario"


# The loaders import this module's classes, so they are imported when called, not at import
# time: a module-level re-export would fail whenever a loader module is imported first.


def find_scenario(explicit: str | None) -> Path | None:
    """The scenario file: `--config PATH`, else $FASTSEED_CONFIG, else ./fastseed.toml."""
    from fastseed.scenario_file import find_scenario

    return find_scenario(explicit)


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file; problems raise ConfigError ("FILE:LINE: ...")."""
    from fastseed.scenario_file import load_scenario

    return load_scenario(path)


def validate_against_catalog(scenario: Scenario, catalog: Catalog) -> None:
    """Check that the tables, columns and FK references the scenario names exist."""
    from fastseed.scenario_catalog import validate_against_catalog

    validate_against_catalog(scenario, catalog)


def resolve_table(catalog: Catalog, name: str) -> Table:
    """The table a scenario key names ('schema.table', or a bare name found in one schema)."""
    from fastseed.scenario_catalog import resolve_table

    return resolve_table(catalog, name)


def resolve_fk(table: Table, ref: str, *, catalog: Catalog | None = None) -> ForeignKey:
    """The one FK of `table` named by `ref` (constraint name, column(s) or parent table)."""
    from fastseed.scenario_catalog import resolve_fk

    return resolve_fk(table, ref, catalog=catalog)
