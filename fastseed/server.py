"""What fastseed is told about a database before it plans: what the server can do, and what
each table holds already. Adapters read them; the planner and loader branch on them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Capabilities:
    """Server facts read once at connect; the loader and planner branch on these."""

    deferrable_constraints: bool = False
    """SET CONSTRAINTS ... DEFERRED works for DEFERRABLE foreign keys."""
    force_defer_any_fk: bool = True
    """Any FK (even NOT DEFERRABLE) can be checked at commit for one session (hard cycles)."""
    concurrent_sessions: bool = True
    """Several sessions can load at the same time (False for SQLite: one writer)."""
    checks_fk_per_row: bool = False
    """FKs are checked row by row (InnoDB), so a self-reference must point to an earlier row."""
    load_method: str = "insert"
    """How rows are written, for plans and reports ('binary COPY', 'multi-row INSERT', ...)."""
    session_skips_triggers: bool = False
    """A loading session can skip user triggers (`--disable-triggers`), given the privilege."""
    crash_journal: bool = False
    """Undo tokens can be journaled (`token_json`) and undone by a later process."""


@dataclass(frozen=True)
class TableState:
    """What a table holds before the run: row count and the max of each integer key column."""

    rows: int
    key_max: dict[str, int] = field(default_factory=dict)
