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
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from fastseed.generate.fanout import plan_fanout
from fastseed.generate.keyexpr import unknown_parts
from fastseed.plan import (
    DEFERRABLE,
    FORCED,
    NULL_THEN_UPDATE,
    DeferredFK,
    FanoutPlan,
    Plan,
    RowRequest,
    TablePlan,
    Unit,
)
from fastseed.scenario import Scenario, TableSpec
from fastseed.schema import Catalog, ForeignKey, Kind, Table, TableName
from fastseed.server import Capabilities, TableState

_CYCLE_ROUNDS = 20
"""Countings of a cycle's tables at most (`_RowCounter.count_unit`); two or three suffice."""


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


def _defer_method(catalog: Catalog, table: Table, fk: ForeignKey, caps: Capabilities) -> str | None:
    if fk.deferrable and caps.deferrable_constraints:
        return DEFERRABLE
    has_key = table.primary_key is not None or any(
        all(not table.column(c).nullable for c in k.columns) for k in table.uniques
    )
    nulls = _null_first(catalog, table, fk) if has_key else None
    if all(table.column(c).nullable for c in fk.columns) and nulls == "free":
        return NULL_THEN_UPDATE
    if caps.force_defer_any_fk:
        return FORCED
    if all(table.column(c).nullable for c in fk.columns) and nulls == "narrowed":
        return NULL_THEN_UPDATE  # the rows a NULL check would break keep the FK NULL
    return None


def _null_first(catalog: Catalog, table: Table, fk: ForeignKey) -> str:
    """How the table's NULL checks take the FK written NULL first and set by an UPDATE:
    'free' (every pattern they allow still holds at insert time), 'narrowed' (only patterns
    with the FK NULL do: exactly one of the FK and another column set), or 'impossible'."""
    from fastseed.generate.rules import null_patterns, table_rules

    rules = table_rules(catalog, table)
    before = null_patterns(table, rules)
    after = null_patterns(table, rules, fk.columns)
    if len(after) < len(before):
        return "impossible"
    same = all(len(a.allowed) == len(b.allowed) for a, b in zip(before, after, strict=True))
    return "free" if same else "narrowed"


_COST = {DEFERRABLE: 1, NULL_THEN_UPDATE: 10, FORCED: 50, None: 10_000}


def _order_cycle(
    catalog: Catalog,
    members: list[TableName],
    edges: Mapping[TableName, list[tuple[ForeignKey, TableName]]],
    caps: Capabilities,
) -> tuple[tuple[TableName, ...], list[tuple[DeferredFK | None, str]]]:
    """The member order with the cheapest set of forward FKs to defer."""

    methods = {
        (child, fk.name): _defer_method(catalog, catalog.tables[child], fk, caps)
        for child in members
        for fk, parent in edges[child]
        if parent in members and parent != child
    }

    def deferrals(order: tuple[TableName, ...]) -> list[tuple[DeferredFK | None, str]]:
        pos = {t: i for i, t in enumerate(order)}
        out: list[tuple[DeferredFK | None, str]] = []
        for child in order:
            for fk, parent in edges[child]:
                if parent in pos and parent != child and pos[parent] > pos[child]:
                    method = methods[(child, fk.name)]
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
                    _COST[methods[(t, fk.name)]] for fk, p in edges[t] if p in remaining and p != t
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
    *,
    scenario: Scenario | None = None,
    seed: int = 0,
    existing_keys: Mapping[tuple[TableName, str], Sequence[tuple[Any, ...]]] | None = None,
) -> Plan:
    """Plan the run; problems are collected, not raised (see `Plan.check`)."""
    problems: list[str] = []
    warnings: list[str] = []
    edges = _edges(catalog)
    seedable = {t.name: t for t in catalog.seedable()}
    _check_tables(catalog, seedable.values(), problems)
    for table in seedable.values():
        warnings.extend(unknown_parts(table))

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

    plan = Plan(
        catalog,
        tuple(tiers),
        {},
        load_method=caps.load_method,
        scenario=scenario or Scenario(),
        existing_keys=dict(existing_keys or {}),
    )
    counter = _RowCounter(plan, request, states, seed, problems, warnings)
    tables, fanouts = counter.run()
    if scenario is not None:
        from fastseed.generate.overrides import check_scenario

        check_scenario(plan, tables, problems)
    return replace(
        plan, tables=tables, fanouts=fanouts, problems=tuple(problems), warnings=tuple(warnings)
    )


def _check_tables(catalog: Catalog, tables: object, problems: list[str]) -> None:
    from fastseed.generate.rules import table_rules

    for table in catalog.seedable():
        problems.extend(table_rules(catalog, table).problems)  # contradictory CHECKs
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


class _RowCounter:
    """Row counts per table in tier order: requests, triggers, fan-outs, key-space caps."""

    def __init__(
        self,
        plan: Plan,
        request: RowRequest,
        states: Mapping[TableName, TableState],
        seed: int,
        problems: list[str],
        warnings: list[str],
    ) -> None:
        self.plan = plan
        self.catalog = plan.catalog
        self.request = request
        self.states = states
        self.seed = seed
        self.problems = problems
        self.warnings = warnings
        self.out: dict[TableName, TablePlan] = {}
        self.fanouts: dict[TableName, FanoutPlan] = {}
        self.seedable = {t.name for t in self.catalog.seedable()}

    def run(self) -> tuple[dict[TableName, TablePlan], dict[TableName, FanoutPlan]]:
        writers = {
            target: t.name
            for t in self.catalog.seedable()
            if self.request.for_table(t.name) > 0
            for target in t.trigger_writes
        }
        for tier in self.plan.tiers:
            for unit in tier:
                self.count_unit(unit, writers)
        self.settle()
        return self.out, self.fanouts

    def count_unit(self, unit: Unit, writers: Mapping[TableName, TableName]) -> None:
        """Count a unit's tables. In a cycle a member's key capacity depends on the rows of
        members counted after it, first taken as what they ask for: the unit is counted
        again, with its own notes, until no count changes (a cap only lowers a parent's
        rows, and so its children's capacities)."""
        problems, warnings = len(self.problems), len(self.warnings)
        for _ in range(_CYCLE_ROUNDS):
            before = {n: self.out[n].rows for n in unit.tables if n in self.out}
            del self.problems[problems:], self.warnings[warnings:]
            for name in unit.tables:
                self.out[name] = self.one(name, writers.get(name))
            if len(unit.tables) == 1 or before == {n: self.out[n].rows for n in unit.tables}:
                return

    def settle(self) -> None:
        """Skip what a later skip made unfillable: in a cycle, a member counted before the
        one it needs saw that one's requested rows, not that it was skipped."""
        refused = {p.split(":")[0] for p in self.problems}
        changed = True
        while changed:
            changed = False
            for name, tp in self.out.items():
                if not tp.rows or str(name) in refused:
                    continue
                table = self.catalog.tables[name]
                why_not = self.unfillable(name, table, self.catalog.foreign_keys_of(table))
                if why_not is None:
                    continue
                if self.request.is_named(name):
                    self.problems.append(f"{name}: {why_not}")
                    refused.add(str(name))
                else:
                    self.warnings.append(f"{name}: skipped, {why_not}")
                    self.out[name] = replace(tp, rows=0, notes=(), skipped=why_not)
                    self.fanouts.pop(name, None)
                    changed = True

    def parent_rows(self, name: TableName, fk: ForeignKey, fallback: int) -> int:
        keys = self.plan.existing_keys.get((name, fk.name))
        if keys is not None:
            return len(keys)
        parent = self.catalog.tables.get(fk.ref_table)
        pname = (parent.partition_of or parent.name) if parent else fk.ref_table
        if pname in self.out:
            return self.out[pname].rows
        # a member of this cycle not counted yet: at most what it asks for
        return max(0, self.request.for_table(pname)) if pname in self.seedable else fallback

    def one(self, name: TableName, writer: TableName | None) -> TablePlan:
        from fastseed.generate.table import unique_capacity

        table = self.catalog.tables[name]
        state = self.states.get(name, TableState(0))
        requested = max(0, self.request.for_table(name))
        if writer is not None:
            # writing rows as well would collide with the trigger's (sakila's film_text)
            note = f"filled by an INSERT trigger on {writer}"
            self.warnings.append(f"{name}: {note}; fastseed writes no rows of its own")
            return TablePlan(name, 0, requested, state.rows, state.rows, (note,), writer)
        rows = requested
        notes: list[str] = []
        known = len(self.problems)  # fan_out's own problems say it more precisely
        fks = self.catalog.foreign_keys_of(table)
        spec = self.plan.table_spec(name)
        if spec is not None and spec.per_parent:
            rows = self.fan_out(name, table, spec, notes)
            requested = rows
        base = max(state.rows, max(state.key_max.values(), default=0))
        why_not = self.unfillable(name, table, fks) if rows > 0 else None
        if why_not is not None:
            if self.request.is_named(name):
                self.problems.append(f"{name}: {why_not}")
            else:
                # an app's table that only fills at run time (partitions made on demand, a
                # parent nobody seeds) must not cost the user every other table
                self.warnings.append(f"{name}: skipped, {why_not}")
                return TablePlan(name, 0, requested, state.rows, base, (), skipped=why_not)
        fanout = self.fanouts.get(name)
        keys = unique_capacity(
            self.catalog,
            table,
            fks,
            lambda fk: self.parent_rows(name, fk, requested),
            requested + base,
            fanout.fk if fanout else None,
            base,
            lambda fk: (name, fk.name) in self.plan.existing_keys,
            lambda fk, parts: self.distinct_rows(table, fk, parts),
        )
        cap, why = keys.rows, keys.why
        if keys.loose:
            self.warnings.append(
                f"{name}: fastseed cannot build unique keys {', '.join(keys.loose)} by "
                "construction (a self-reference with no other part to carry them); their "
                "values may collide"
            )
        if fanout is not None and keys.per_parent is not None and len(self.problems) == known:
            most = int(np.diff(fanout.ends, prepend=0).max(initial=0))
            if most > keys.per_parent:
                self.problems.append(
                    f"{name}: the per-parent rule gives a parent {most} rows, but its unique "
                    f"keys allow at most {keys.per_parent} per parent"
                )
        if cap is not None and cap < rows:
            if name in self.fanouts:
                self.problems.append(
                    f"{name}: the per-parent rule asks for {rows} rows, but only {cap} are "
                    f"possible ({why})"
                )
            else:
                self.warnings.append(
                    f"{name}: {requested} rows asked, only {cap} possible ({why}); loading {cap}"
                )
                notes.append(f"capped at {cap}: {why}")
                rows = cap
        return TablePlan(name, rows, requested, state.rows, base, tuple(notes))

    def distinct_rows(
        self, table: Table, fk: ForeignKey, parts: tuple[tuple[str, ...], ...]
    ) -> int:
        """How many of the FK's parent rows differ in each of `parts`: the parent's rows are
        generated as the run will (the parent is counted already) and compared."""
        from fastseed.generate.table import RunGenerators, distinct_parent_rows

        so_far = replace(self.plan, tables=dict(self.out), fanouts=dict(self.fanouts))
        gens = RunGenerators(so_far, seed=self.seed)
        return len(distinct_parent_rows(gens, table, fk, parts))

    def unfillable(self, name: TableName, table: Table, fks: tuple[ForeignKey, ...]) -> str | None:
        """Why no INSERT into the table can succeed in this run, or None when one can."""
        if table.partitioning and not table.partitioning.bounds:
            return "partitioned table without any partition: no row can be inserted"
        for fk in fks:
            parent = self.catalog.tables.get(fk.ref_table)
            pname = (parent.partition_of or parent.name) if parent else fk.ref_table
            required = not all(table.column(c).nullable for c in fk.columns)
            if pname == name or not required or self.parent_rows(name, fk, 1) > 0:
                continue
            skipped = self.out[pname].skipped if pname in self.out else None
            if skipped is not None:
                return f"its NOT NULL FK {fk.name} needs rows in {pname}, which is skipped"
            return (
                f"its NOT NULL FK {fk.name} needs rows in {pname}, which has none and which "
                "this run does not fill"
            )
        return None

    def fan_out(self, name: TableName, table: Table, spec: TableSpec, notes: list[str]) -> int:
        from fastseed.scenario import resolve_fk

        (ref, fan), *others = spec.per_parent
        fk = resolve_fk(table, ref, catalog=self.catalog)
        if others:
            self.warnings.append(
                f"{name}: only the first per-parent rule ({ref}) sets the row count; "
                f"{', '.join(r for r, _ in others)} pick parents freely"
            )
        single = [k for k in table.all_uniques if set(k.columns) <= set(fk.columns)]
        if single and fan.high > 1:
            self.problems.append(
                f"{name}: {fan.low}-{fan.high} children per parent on FK {fk.name}, but "
                f"{'/'.join(single[0].columns)} is unique: at most 1 child per parent"
            )
        parents = self.parent_rows(name, fk, 0)
        plan = plan_fanout(self.seed, name, fk, parents, fan)
        self.fanouts[name] = plan
        notes.append(f"{fan.low}-{fan.high} per parent on {fk.name} ({fan.distribution})")
        return plan.rows
