"""Check a loaded scenario against the database it will fill: tables, columns, FK references.

The file is validated on its own when loaded; what it names can only be checked once the
catalog has been read. Every error is a `ConfigError` pointing at the line that names the
missing thing, with a close match among the real names.
"""

from __future__ import annotations

from fastseed.errors import ConfigError
from fastseed.scenario.file import suggest
from fastseed.scenario.model import Scenario
from fastseed.schema import Catalog, ForeignKey, Table, TableName


def resolve_table(catalog: Catalog, name: str) -> Table:
    """The table a scenario names: 'schema.table' exactly, or a bare name found in one schema.

    Raises `ConfigError` (without a file location) when there is none or more than one.
    """
    by_qualified = {str(t.name): t for t in catalog.tables.values()}
    if name in by_qualified:
        table = by_qualified[name]
    else:
        bare = [t for t in catalog.tables.values() if t.name.name == name]
        if not bare:
            candidates = [*by_qualified, *(t.name for t in catalog.tables)]
            raise ConfigError(f"no table {name!r} in the database{suggest(name, candidates)}")
        if len(bare) > 1:
            listed = ", ".join(sorted(str(t.name) for t in bare))
            raise ConfigError(f"table {name!r} is ambiguous ({listed}): qualify it with its schema")
        table = bare[0]
    if table.partition_of is not None:
        # Rows go through the partitioned parent, which routes them (see Catalog.seedable).
        raise ConfigError(f"{table.name} is a partition of {table.partition_of}: configure that")
    return table


def resolve_fk(table: Table, ref: str, *, catalog: Catalog | None = None) -> ForeignKey:
    """The one foreign key of `table` that `ref` names.

    `ref` is, in order of precedence, the FK's constraint name, its column(s) joined by ','
    ('user_id', 'order_id,line_no') or the parent table (bare or schema-qualified). Pass the
    catalog to include FKs declared only on partitions. Raises `ConfigError` (without a file
    location) when nothing or more than one FK matches.
    """
    fks = catalog.foreign_keys_of(table) if catalog else table.foreign_keys
    columns = tuple(part.strip() for part in ref.split(","))
    for matches in (
        [fk for fk in fks if fk.name == ref],
        [fk for fk in fks if fk.columns == columns],
        # Column order of a composite FK is easy to get wrong and not meaningful here.
        [fk for fk in fks if sorted(fk.columns) == sorted(columns)],
        [fk for fk in fks if ref in (str(fk.ref_table), fk.ref_table.name)],
    ):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            listed = ", ".join(",".join(fk.columns) for fk in matches)
            raise ConfigError(
                f"{ref!r} matches {len(matches)} foreign keys of {table.name} ({listed}):"
                " name one by its column(s)"
            )
    if not fks:
        raise ConfigError(f"{table.name} has no foreign keys, so {ref!r} cannot name one")
    candidates = [name for fk in fks for name in (fk.name, ",".join(fk.columns), fk.ref_table.name)]
    raise ConfigError(f"{table.name} has no foreign key {ref!r}{suggest(ref, candidates)}")


def validate_against_catalog(scenario: Scenario, catalog: Catalog) -> None:
    """Raise `ConfigError` ("FILE:LINE: ...") for the first name the catalog does not have."""

    def fail(path: str, message: str) -> ConfigError:
        return ConfigError(f"{scenario.where(path)}: {path}: {message}")

    schemas = {t.schema for t in catalog.tables if t.schema is not None}
    for i, schema in enumerate(scenario.schemas):
        # SQLite has no schemas (TableName.schema is None): nothing to check there.
        if schemas and schema not in schemas:
            raise fail(
                f"schemas[{i}]", f"no schema {schema!r} with tables{suggest(schema, schemas)}"
            )

    seen: dict[TableName, str] = {}
    for name, spec in scenario.tables:
        path = f"tables.{name}"
        try:
            table = resolve_table(catalog, name)
        except ConfigError as exc:
            raise fail(path, str(exc)) from None
        if table.name in seen:
            raise fail(path, f"{table.name} is already configured as {seen[table.name]!r}")
        seen[table.name] = name

        used: dict[str, str] = {}
        refs = [(f"{path}.per_parent.{ref}", ref) for ref, _ in spec.per_parent]
        for ref_path, ref in refs:
            try:
                fk = resolve_fk(table, ref, catalog=catalog)
            except ConfigError as exc:
                raise fail(ref_path, str(exc)) from None
            if fk.name in used:
                raise fail(ref_path, f"names the same foreign key as {used[fk.name]!r}")
            used[fk.name] = ref
        for i, ref in enumerate(spec.use_existing_parents):
            try:
                resolve_fk(table, ref, catalog=catalog)
            except ConfigError as exc:
                raise fail(f"{path}.use_existing_parents[{i}]", str(exc)) from None

        columns = {c.name: c for c in table.columns}
        for column_name, column_spec in spec.columns:
            col_path = f"{path}.columns.{column_name}"
            column = columns.get(column_name)
            if column is None:
                hint = suggest(column_name, columns)
                raise fail(col_path, f"{table.name} has no column {column_name!r}{hint}")
            if column.generated:
                raise fail(
                    col_path, f"{column_name!r} is a generated column: the database computes it"
                )
            for other, _ in column_spec.null_when:
                if other not in columns:
                    hint = suggest(other, columns)
                    raise fail(
                        f"{col_path}.null_when.{other}",
                        f"{table.name} has no column {other!r}{hint}",
                    )
            can_be_null = column_spec.null_when or (column_spec.null_share or 0) > 0
            if can_be_null and not column.nullable:
                raise fail(col_path, f"{column_name!r} is NOT NULL, so it cannot be made NULL")
