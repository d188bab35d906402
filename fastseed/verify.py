"""Check a loaded database with SQL: row counts, orphaned foreign keys, duplicate keys."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import anyio

from fastseed.dialects.base import Adapter
from fastseed.errors import VerifyError
from fastseed.schema import Catalog, ForeignKey, Table, TableName


@dataclass
class TableCheck:
    table: TableName
    rows: int = 0
    expected: int | None = None
    orphans: dict[str, int] = field(default_factory=dict)
    """FK name -> rows pointing at no parent."""
    duplicates: dict[str, int] = field(default_factory=dict)
    """Unique key name -> surplus rows sharing a value."""
    enforced: list[str] = field(default_factory=list)
    """FKs and keys not scanned because the server's own checks rule violations out."""

    @property
    def ok(self) -> bool:
        return (
            not any(self.orphans.values())
            and not any(self.duplicates.values())
            and (self.expected is None or self.rows == self.expected)
        )


@dataclass(frozen=True)
class ForeignKeyProof:
    """One FK as `verify(prove_fks=True)` left it."""

    table: TableName
    name: str
    parent: TableName
    orphans: int
    """Rows pointing at no parent, counted by SQL (never taken from the server's word)."""
    validated: bool = False
    """The server held it as not checked (NOT VALID) and has now checked and recorded it."""
    unvalidated: bool = False
    """The server still holds it as not checked: orphans were found, or it refused."""
    refused: str | None = None
    """Why the server would not validate it although no orphan was counted."""

    @property
    def ok(self) -> bool:
        return not self.orphans and self.refused is None


@dataclass
class VerifyResult:
    tables: list[TableCheck]
    seconds: float = 0.0
    foreign_keys: list[ForeignKeyProof] | None = None
    """Every FK between the checked tables, with `prove_fks`; None otherwise."""

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables) and all(f.ok for f in self.foreign_keys or ())

    def failures(self) -> list[str]:
        out = []
        for t in self.tables:
            if t.expected is not None and t.rows != t.expected:
                out.append(f"{t.table}: {t.rows} rows, expected {t.expected}")
            out += [f"{t.table}: {n} orphaned rows for FK {fk}" for fk, n in t.orphans.items() if n]
            out += [
                f"{t.table}: {n} duplicate rows for key {k}" for k, n in t.duplicates.items() if n
            ]
        out += [
            f"{f.table}: FK {f.name} stays not validated: {f.refused}"
            for f in self.foreign_keys or ()
            if f.refused
        ]
        return out


async def verify(
    adapter: Adapter,
    catalog: Catalog,
    *,
    expected: Mapping[TableName, int] | None = None,
    proven: set[tuple[TableName, str]] | None = None,
    proven_keys: set[tuple[TableName, str]] | None = None,
    counted: Mapping[TableName, int] | None = None,
    concurrency: int = 4,
    prove_fks: bool = False,
) -> VerifyResult:
    """Run every check; partitions are checked for their own FKs and keys, counted via parent.

    `proven` FKs and `proven_keys` are reported as clean without a scan: the caller knows the
    server checked them (see api.seed), and each is named in `TableCheck.enforced`. `counted`
    rows were counted by SQL after the load (by fast mode's orphan count) and are not counted
    again.
    """
    started = time.perf_counter()
    checks = {
        name: TableCheck(name, expected=(expected or {}).get(name)) for name in catalog.tables
    }
    limit = anyio.CapacityLimiter(concurrency if adapter.capabilities.concurrent_sessions else 1)
    fks = []
    for name, table in sorted(catalog.tables.items()):
        for fk in table.foreign_keys:
            parent = catalog.tables.get(fk.ref_table)
            if parent is None:
                continue
            if (name, fk.name) in (proven or ()) and not prove_fks:
                checks[name].orphans[fk.name] = 0
                checks[name].enforced.append(fk.name)
            else:
                fks.append((table, fk, parent))
    rows = dict(counted or {})
    found: dict[tuple[TableName, str], int] = {}
    # the orphan scan counts the rows of the tables it reads whole: counted after it
    scanned = {t.name for check in fks for t in (check[0], check[2])}

    async def count(name: TableName) -> None:
        if name not in rows:
            async with limit:
                rows[name] = await adapter.count_rows(catalog.tables[name])

    async def orphans() -> None:
        scan = await adapter.scan_orphans(fks, limit)
        rows.update(scan.rows)
        found.update(scan.orphans)
        for (name, fk_name), n in scan.orphans.items():
            checks[name].orphans[fk_name] = n
        async with anyio.create_task_group() as tg:
            for name in scanned:
                tg.start_soon(count, name)

    async def duplicates(name: TableName, key_index: int) -> None:
        table = catalog.tables[name]
        key = table.all_uniques[key_index]
        if (name, key.name) in (proven_keys or ()):
            checks[name].duplicates[key.name] = 0
            checks[name].enforced.append(key.name)
            return
        async with limit:
            checks[name].duplicates[key.name] = await adapter.count_duplicates(table, key)

    async with anyio.create_task_group() as tg:
        tg.start_soon(orphans)
        for name, table in sorted(catalog.tables.items()):
            if name not in scanned:
                tg.start_soon(count, name)
            for i in range(len(table.all_uniques)):
                tg.start_soon(duplicates, name, i)
    for name, check in checks.items():
        check.rows = rows[name]
    proofs = await _prove(adapter, fks, found, limit) if prove_fks else None
    shown = [c for n, c in sorted(checks.items()) if catalog.tables[n].partition_of is None]
    # a partition's violations are reported on its parent's line
    for n, c in checks.items():
        parent_name = catalog.tables[n].partition_of
        if parent_name is not None and parent_name in checks:
            on_parent = checks[parent_name]
            for fk_name, v in c.orphans.items():
                on_parent.orphans[f"{n.name}.{fk_name}"] = v
            for k, v in c.duplicates.items():
                on_parent.duplicates[f"{n.name}.{k}"] = v
            on_parent.enforced += [f"{n.name}.{e}" for e in c.enforced]
    return VerifyResult(shown, time.perf_counter() - started, proofs)


async def _prove(
    adapter: Adapter,
    fks: list[tuple[Table, ForeignKey, Table]],
    orphans: Mapping[tuple[TableName, str], int],
    limit: anyio.CapacityLimiter,
) -> list[ForeignKeyProof]:
    """Each scanned FK's proof; the server validates those it holds unchecked and clean
    (one with orphans stays unchecked: validating it would fail on the same rows)."""
    pending = await adapter.unvalidated_foreign_keys(list({t.name: t for t, _, _ in fks}.values()))
    proofs: dict[tuple[TableName, str], ForeignKeyProof] = {}

    async def prove(table: Table, fk: ForeignKey, parent: Table) -> None:
        key = (table.name, fk.name)
        proof = ForeignKeyProof(table.name, fk.name, parent.name, orphans[key])
        if key in pending and proof.orphans:
            proof = replace(proof, unvalidated=True)
        elif key in pending:
            try:
                async with limit:
                    await adapter.validate_foreign_key(table, fk)
                proof = replace(proof, validated=True)
            except VerifyError as exc:
                proof = replace(proof, unvalidated=True, refused=str(exc))
        proofs[key] = proof

    async with anyio.create_task_group() as tg:
        for check in fks:
            tg.start_soon(prove, *check)
    return [proofs[t.name, fk.name] for t, fk, _ in fks]
