"""The user's scenario (fastseed.toml): read, validated, then checked against a database.

`model` holds the plain frozen data a run is told; `file` finds and reads a file into it (with
key line numbers from `lines`, for messages); `catalog` checks what it names against the
database. Semantics (how the planner and generators follow a scenario) live in planner.py
and generate/.
"""

from fastseed.scenario.catalog import resolve_fk, resolve_table, validate_against_catalog
from fastseed.scenario.file import find_scenario, load_scenario
from fastseed.scenario.model import (
    ANOMALY_KINDS,
    DISTRIBUTIONS,
    ON_EXISTING,
    AnomalySpec,
    ColumnSpec,
    FanOut,
    Scenario,
    TableSpec,
)

__all__ = [
    "ANOMALY_KINDS",
    "DISTRIBUTIONS",
    "ON_EXISTING",
    "AnomalySpec",
    "ColumnSpec",
    "FanOut",
    "Scenario",
    "TableSpec",
    "find_scenario",
    "load_scenario",
    "resolve_fk",
    "resolve_table",
    "validate_against_catalog",
]
