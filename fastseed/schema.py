"""The dialect-neutral schema model that every adapter fills and every later layer reads.

Everything here is a frozen dataclass: adapters build it once from the catalogs, and the
planner, generators, loader and verifier only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, order=True)
class TableName:
    """A table's schema-qualified name, exactly as the server spells it (no quoting)."""

    schema: str | None
    name: str

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


class Kind(StrEnum):
    """The value family of a column type; generators pick values by kind."""

    INTEGER = "integer"
    NUMERIC = "numeric"  # exact decimal: precision/scale
    FLOAT = "float"
    BOOLEAN = "boolean"
    TEXT = "text"  # character data; `length` is the limit in characters
    BINARY = "binary"
    DATE = "date"
    TIME = "time"
    TIMESTAMP = "timestamp"
    INTERVAL = "interval"
    YEAR = "year"
    UUID = "uuid"
    JSON = "json"
    INET = "inet"
    CIDR = "cidr"
    MACADDR = "macaddr"
    TSVECTOR = "tsvector"
    ENUM = "enum"  # `labels` holds the allowed values
    SET = "set"  # MySQL SET: any combination of `labels`
    BIT = "bit"  # `length` bits
    ARRAY = "array"  # `element` is the element type
    RANGE = "range"  # PostgreSQL range; `element` is the subtype
    GEOMETRY = "geometry"
    XML = "xml"
    MONEY = "money"
    SHAPE = "shape"  # PostgreSQL geometric types (point, line, lseg, box, path, polygon, circle)
    TSQUERY = "tsquery"
    COMPOSITE = "composite"  # PostgreSQL composite type: `fields` hold its attributes
    HSTORE = "hstore"  # PostgreSQL extension: a flat text -> text map
    LTREE = "ltree"  # PostgreSQL extension: a dotted label path
    OTHER = "other"  # a type fastseed cannot produce; a NOT NULL column of it blocks the table


@dataclass(frozen=True)
class ColumnType:
    """A column's type reduced to what value generation needs."""

    kind: Kind
    sql: str
    """The type as the server prints it, for messages (e.g. ``character varying(40)``)."""
    length: int | None = None
    """Max characters for text, bytes for binary, bits for bit; None when unbounded."""
    fixed_length: bool = False
    """char(n)/binary(n): values are padded to `length` by the server."""
    precision: int | None = None
    """Digits for numeric; fractional-second digits for time/timestamp."""
    scale: int | None = None
    bits: int | None = None
    """Storage width of an integer type (8, 16, 24, 32, 64)."""
    unsigned: bool = False
    timezone: bool = False
    labels: tuple[str, ...] = ()
    """Enum or SET labels in declaration order; for an integer, the only values it may take
    (PostgreSQL's regclass & co. hold OIDs of objects that must exist)."""
    element: ColumnType | None = None
    """Element type of an array (of a multirange: its range type)."""
    fields: tuple[tuple[str, ColumnType], ...] = ()
    """Attributes of a composite type, in order."""
    checks: tuple[str, ...] = ()
    """Domain CHECK expressions over ``VALUE``, as the server prints them."""
    max_bytes_per_char: int | None = None
    """MySQL: 3 for utf8mb3 columns (no 4-byte characters), 1 for latin1; None if unlimited."""

    def int_bounds(self) -> tuple[int, int]:
        """The inclusive value range of an integer type."""
        bits = self.bits or 64
        if self.unsigned:
            return 0, (1 << bits) - 1
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool
    default: str | None = None
    """The default expression as the server prints it, or None."""
    identity: bool = False
    """Values come from a sequence: identity, serial, AUTO_INCREMENT, INTEGER PRIMARY KEY."""
    generated: bool = False
    """Computed by the server (GENERATED ... STORED/VIRTUAL): never written."""
    sequence: str | None = None
    """The sequence behind an identity/serial column (qualified, server spelling), if any."""


@dataclass(frozen=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_table: TableName
    ref_columns: tuple[str, ...]
    deferrable: bool = False
    initially_deferred: bool = False


@dataclass(frozen=True)
class UniqueKey:
    """A primary key, unique constraint or unique index.

    An expression (functional) unique index, such as ``(lower(email))`` or a MySQL/MariaDB
    unique key on a generated column, lists its key parts in `expressions` and the table
    columns those parts read in `columns`: making `columns` unique keeps key construction
    working, and `fastseed.keyexpr` says what more the expressions need.
    """

    name: str
    columns: tuple[str, ...]
    """The key's columns; for an expression key, the columns its expressions read."""
    primary: bool = False
    predicate: str | None = None
    """The WHERE clause of a partial unique index; rows outside it are not constrained."""
    is_constraint: bool = True
    """False for a unique index that is not a constraint (matters for DDL, not for values)."""
    expressions: tuple[str, ...] = ()
    """Every key part as SQL, as the server prints it (a plain column part as its quoted
    name), when any part is an expression; empty for a plain column key."""

    @property
    def parts(self) -> tuple[str, ...]:
        """The key parts for messages: the expressions, or else the column names."""
        return self.expressions or self.columns


@dataclass(frozen=True)
class Check:
    name: str
    expression: str
    """The boolean expression as the server prints it (without the CHECK keyword)."""


@dataclass(frozen=True)
class PartitionBound:
    """One partition's bound; literals are the server's text for each partition column."""

    table: TableName
    lower: tuple[str, ...] = ()
    """RANGE: inclusive lower bound per column ('MINVALUE' allowed)."""
    upper: tuple[str, ...] = ()
    """RANGE: exclusive upper bound per column ('MAXVALUE' allowed)."""
    values: tuple[str, ...] = ()
    """LIST: the allowed values of the (single) partition column."""
    is_default: bool = False


@dataclass(frozen=True)
class Partitioning:
    """How a partitioned table routes rows; a row must land in one of `bounds`."""

    strategy: str
    """'range', 'list' or 'hash'."""
    columns: tuple[str, ...]
    bounds: tuple[PartitionBound, ...]


@dataclass(frozen=True)
class Table:
    name: TableName
    columns: tuple[Column, ...]
    primary_key: UniqueKey | None = None
    uniques: tuple[UniqueKey, ...] = ()
    """Unique constraints and unique indexes other than the primary key."""
    foreign_keys: tuple[ForeignKey, ...] = ()
    checks: tuple[Check, ...] = ()
    partitioning: Partitioning | None = None
    """Set on a partitioned parent; its partitions are not separate tables to seed."""
    partition_of: TableName | None = None
    """Set on a partition: rows are written through the parent."""
    inherits: tuple[TableName, ...] = ()
    """PostgreSQL table inheritance parents (rows of this table are its own)."""
    has_children: bool = False
    """PostgreSQL: other tables inherit from this one, so reads must say ONLY."""
    trigger_writes: tuple[TableName, ...] = ()
    """Tables that this table's INSERT triggers write rows into (sakila's film -> film_text)."""
    comment: str | None = None

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def all_uniques(self) -> tuple[UniqueKey, ...]:
        """Primary key first, then the other unique keys."""
        return ((self.primary_key,) if self.primary_key else ()) + self.uniques

    @property
    def writable_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.generated)


@dataclass(frozen=True)
class Catalog:
    """Everything fastseed knows about one database's schema."""

    dialect: str
    tables: dict[TableName, Table] = field(default_factory=dict)
    server_version: str = ""
    backslash_escapes: bool = False
    """The server prints string literals in reflected expressions with backslash escapes
    (MySQL/MariaDB print 'it\\'s'), not with doubled quotes only."""

    def table(self, name: TableName) -> Table:
        return self.tables[name]

    def seedable(self) -> list[Table]:
        """Tables rows are written to: partitions are filled through their parent."""
        return [t for t in self.tables.values() if t.partition_of is None]

    def foreign_keys_of(self, table: Table) -> tuple[ForeignKey, ...]:
        """A table's FKs, plus those declared only on its partitions (pagila's payment)."""
        seen = {(fk.columns, fk.ref_table, fk.ref_columns) for fk in table.foreign_keys}
        extra: list[ForeignKey] = []
        if table.partitioning:
            for bound in table.partitioning.bounds:
                part = self.tables.get(bound.table)
                for fk in part.foreign_keys if part else ():
                    key = (fk.columns, fk.ref_table, fk.ref_columns)
                    if key not in seen:
                        seen.add(key)
                        extra.append(fk)
        return table.foreign_keys + tuple(extra)
