"""The user's scenario (fastseed.toml) as plain frozen data: what a run can be told."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
