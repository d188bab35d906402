"""From a catalog and a request to a plan: tiers of load units, row counts, deferred FKs.

The FK graph is condensed into strongly connected components; components are sorted into
tiers (every parent in an earlier tier), and each component becomes one load unit, written in
one transaction. Inside a cycle the planner picks the cheapest order and defers the FKs that
point forward: DEFERRABLE ones are deferred, nullable ones are written NULL and set by one
UPDATE afterwards, and NOT NULL ones are checked at commit by the dialect's own means.
Everything that cannot be satisfied is collected as a problem before anything is written.
"""

from __future__ import annotations

import graphlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastseed.dialects.base import Capabilities, TableState
from fastseed.errors import PlanError
from fastseed.schema import Catalog, ForeignKey, Kind, Table, TableName

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


@dataclass(frozen=True)
class RowRequest:
    default: int = 1000
    per_table: Mapping[str, int] = field(default_factory=dict)
    """Keys are table names, bare or schema-qualified."""

    def for_table(self, name: TableName) -> int:
        for key in (str(name), name.name):
            if key in self.per_table:
                return self.per_table[key]
        return self.default


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


def _edges(catalog: Catalog) -> dict[TableName, list[tuple[ForeignKey, TableName]]]:
    """child -> [(fk, parent)] between seedable tables, partitions mapped to their parent."""
    out: dict[TableName, list[tuple[ForeignKey, TableName]]] = {}
    for table in catalog.seedable():
        edges = []
        for fk in catalog.foreign_keys_of(table):
            parent = catalog.tables.get(fk.ref_table)
            if parent is None:
                continue
            target = parent.partition_of or parent.name
            edges.append((fk, target))
        out[table.name] = edges
    return out


def _components(
    nodes: list[TableName], edges: Mapping[TableName, list[tuple[ForeignKey, TableName]]]
) -> list[list[TableName]]:
    """Tarjan's strongly connected components (iterative; schemas can be large)."""
    index: dict[TableName, int] = {}
    low: dict[TableName, int] = {}
    on_stack: set[TableName] = set()
    stack: list[TableName] = []
    result: list[list[TableName]] = []
    counter = itertools.count()
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted({p for _, p in edges.get(root, [])})))]
        index[root] = low[root] = next(counter)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = next(counter)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted({p for _, p in edges.get(nxt, [])}))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                result.append(sorted(comp))
    return result


def _defer_method(table: Table, fk: ForeignKey, caps: Capabilities) -> str | None:
    if fk.deferrable and caps.deferrable_constraints:
        return DEFERRABLE
    has_key = table.primary_key is not None or any(
        all(not table.column(c).nullable for c in k.columns) for k in table.uniques
    )
    if all(table.column(c).nullable for c in fk.columns) and has_key:
        return NULL_THEN_UPDATE
    if caps.force_defer_any_fk:
        return FORCED
    return None


_COST = {DEFERRABLE: 1, NULL_THEN_UPDATE: 10, FORCED: 50, None: 10_000}


def _order_cycle(
    catalog: Catalog,
    members: list[TableName],
    edges: Mapping[TableName, list[tuple[ForeignKey, TableName]]],
    caps: Capabilities,
) -> tuple[tuple[TableName, ...], list[tuple[DeferredFK | None, str]]]:
    """The member order with the cheapest set of forward FKs to defer."""

    def deferrals(order: tuple[TableName, ...]) -> list[tuple[DeferredFK | None, str]]:
        pos = {t: i for i, t in enumerate(order)}
        out: list[tuple[DeferredFK | None, str]] = []
        for child in order:
            for fk, parent in edges[child]:
                if parent in pos and parent != child and pos[parent] > pos[child]:
                    method = _defer_method(catalog.tables[child], fk, caps)
                    out.append(
                        (
                            DeferredFK(child, fk, method) if method else None,
                            f"{child}.{fk.name} -> {parent}",
                        )
                    )
        return out

    def cost(order: tuple[TableName, ...]) -> int:
        return sum(_COST[d.method if d else None] for d, _ in deferrals(order))

    if len(members) <= 7:
        best = min(itertools.permutations(members), key=cost)
    else:  # greedy: repeatedly take the member with the cheapest unresolved incoming FKs
        remaining, order = list(members), []
        while remaining:

            def pending(t: TableName, remaining: list[TableName] = remaining) -> int:
                return sum(
                    _COST[_defer_method(catalog.tables[t], fk, caps)]
                    for fk, p in edges[t]
                    if p in remaining and p != t
                )

            nxt = min(remaining, key=pending)
            order.append(nxt)
            remaining.remove(nxt)
        best = tuple(order)
    return tuple(best), deferrals(tuple(best))


def build_plan(
    catalog: Catalog,
    request: RowRequest,
    states: Mapping[TableName, TableState],
    caps: Capabilities,
) -> Plan:
    """Plan the run; problems are collected, not raised (see `Plan.check`)."""
    problems: list[str] = []
    warnings: list[str] = []
    edges = _edges(catalog)
    seedable = {t.name: t for t in catalog.seedable()}
    _check_tables(catalog, seedable.values(), problems)

    comps = _components(sorted(seedable), edges)
    comp_of = {t: i for i, comp in enumerate(comps) for t in comp}
    sorter: graphlib.TopologicalSorter[int] = graphlib.TopologicalSorter()
    for i, comp in enumerate(comps):
        sorter.add(i, *{comp_of[p] for t in comp for _, p in edges[t] if comp_of[p] != i})
    sorter.prepare()
    tiers: list[tuple[Unit, ...]] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=lambda i: comps[i])
        units = []
        for i in ready:
            members = comps[i]
            if len(members) == 1:
                units.append(Unit((members[0],)))
            else:
                order, deferrals = _order_cycle(catalog, members, edges, caps)
                for d, label in deferrals:
                    if d is None:
                        problems.append(
                            f"cycle {' <-> '.join(map(str, members))}: FK {label} is "
                            "NOT NULL and not deferrable, and this server cannot "
                            "check it at commit"
                        )
                units.append(Unit(order, tuple(d for d, _ in deferrals if d is not None)))
            sorter.done(i)
        tiers.append(tuple(units))

    tables = _row_counts(catalog, tiers, request, states, problems, warnings)
    return Plan(catalog, tuple(tiers), tables, tuple(problems), tuple(warnings), caps.load_method)


def _check_tables(catalog: Catalog, tables: object, problems: list[str]) -> None:
    for table in catalog.seedable():
        if table.partitioning and not table.partitioning.bounds:
            problems.append(
                f"{table.name}: partitioned table without any partition: no row can be inserted"
            )
        for col in table.columns:
            if (
                col.type.kind == Kind.OTHER
                and not col.nullable
                and col.default is None
                and not col.generated
                and not col.identity
            ):
                problems.append(
                    f"{table.name}.{col.name}: fastseed cannot generate values of "
                    f"type {col.type.sql} and the column is NOT NULL without default"
                )


def _row_counts(
    catalog: Catalog,
    tiers: list[tuple[Unit, ...]],
    request: RowRequest,
    states: Mapping[TableName, TableState],
    problems: list[str],
    warnings: list[str],
) -> dict[TableName, TablePlan]:
    from fastseed.generate.table import unique_capacity

    out: dict[TableName, TablePlan] = {}
    writers = {
        target: t.name
        for t in catalog.seedable()
        if request.for_table(t.name) > 0
        for target in t.trigger_writes
    }
    for tier in tiers:
        for unit in tier:
            for name in unit.tables:
                table = catalog.tables[name]
                state = states.get(name, TableState(0))
                requested = max(0, request.for_table(name))
                rows = requested
                notes: list[str] = []
                writer = writers.get(name)
                if writer is not None:
                    # writing rows as well would collide with the trigger's (sakila's film_text)
                    note = f"filled by an INSERT trigger on {writer}"
                    warnings.append(f"{name}: {note}; fastseed writes no rows of its own")
                    out[name] = TablePlan(
                        name, 0, requested, state.rows, state.rows, (note,), writer
                    )
                    continue
                fks = catalog.foreign_keys_of(table)
                for fk in fks:
                    parent = catalog.tables.get(fk.ref_table)
                    pname = (parent.partition_of or parent.name) if parent else fk.ref_table
                    if pname == name:
                        continue
                    prows = out[pname].rows if pname in out else requested
                    required = not all(table.column(c).nullable for c in fk.columns)
                    if prows == 0 and rows > 0 and required:
                        problems.append(
                            f"{name}: FK {fk.name} needs rows in {pname}, "
                            "which this run does not fill"
                        )
                cap, why = unique_capacity(catalog, table, fks, out, requested)
                if cap is not None and cap < rows:
                    warnings.append(
                        f"{name}: {requested} rows asked, only {cap} possible ({why});"
                        f" loading {cap}"
                    )
                    notes.append(f"capped at {cap}: {why}")
                    rows = cap
                base = max(state.rows, max(state.key_max.values(), default=0))
                out[name] = TablePlan(name, rows, requested, state.rows, base, tuple(notes))
    return out
