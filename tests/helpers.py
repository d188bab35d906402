"""Small builders for hand-made catalogs in unit tests."""

from __future__ import annotations

from fastseed.schema import (
    Catalog,
    Column,
    ColumnType,
    ForeignKey,
    Kind,
    Table,
    TableName,
    UniqueKey,
)

INT = ColumnType(Kind.INTEGER, "integer", bits=32)
BOOL = ColumnType(Kind.BOOLEAN, "boolean")


def text(n: int | None = None) -> ColumnType:
    return ColumnType(Kind.TEXT, f"varchar({n})" if n else "text", length=n)


def col(name: str, type_: ColumnType = INT, nullable: bool = False) -> Column:
    return Column(name, type_, nullable)


def fk(
    name: str,
    cols: tuple[str, ...],
    parent: str,
    ref: tuple[str, ...] = ("id",),
    deferrable: bool = False,
) -> ForeignKey:
    return ForeignKey(name, cols, TableName("public", parent), ref, deferrable=deferrable)


def table(
    name: str,
    columns: list[Column],
    pk: tuple[str, ...] | None = ("id",),
    fks: tuple[ForeignKey, ...] = (),
    uniques: tuple[tuple[str, ...], ...] = (),
) -> Table:
    return Table(
        TableName("public", name),
        tuple(columns),
        primary_key=UniqueKey(f"{name}_pkey", pk, primary=True) if pk else None,
        uniques=tuple(UniqueKey(f"{name}_{'_'.join(u)}_key", u) for u in uniques),
        foreign_keys=fks,
    )


def catalog(*tables: Table) -> Catalog:
    return Catalog("test", {t.name: t for t in tables})


def name(t: str) -> TableName:
    return TableName("public", t)
