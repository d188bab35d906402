"""PostgreSQL catalog reflection: one pg_catalog query per aspect, assembled into a `Catalog`.

Every query filters through the same `user_tables` CTE (tables and partitioned tables outside
the system schemas that no extension owns), so the number of round trips does not grow with
the number of tables.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from fastseed.generate.keyexpr import columns_read, through_generated
from fastseed.schema import (
    Check,
    Column,
    ColumnType,
    ForeignKey,
    Kind,
    PartitionBound,
    Partitioning,
    Table,
    TableName,
    UniqueKey,
)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# $1 is NULL for "every schema" or a text[] of schema names. RECURSIVE is for TYPES_SQL only.
_USER_TABLES = r"""
WITH RECURSIVE user_tables AS (
    SELECT c.oid, n.nspname, c.relname, c.relkind, c.relispartition, c.relpartbound
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p')
      AND n.nspname <> 'information_schema'
      AND n.nspname NOT LIKE 'pg\_%'
      AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend d
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
)
"""

TABLES_SQL = (
    _USER_TABLES
    + """
SELECT t.oid, t.nspname, t.relname, t.relkind::text, t.relispartition,
       pg_get_expr(t.relpartbound, t.oid) AS bound,
       obj_description(t.oid, 'pg_class') AS comment
FROM user_tables t
ORDER BY t.nspname, t.relname
"""
)

# The sequence behind a column: an identity's internal sequence, an OWNED BY sequence, or the
# one a `nextval(...)` default depends on (sakila's payment children share one that way).
COLUMNS_SQL = (
    _USER_TABLES
    + """
SELECT a.attrelid AS table_oid, a.attname, a.atttypid, a.atttypmod, a.attnotnull,
       a.attidentity::text, a.attgenerated::text,
       format_type(a.atttypid, a.atttypmod) AS sql,
       pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       seq.name AS sequence
FROM user_tables t
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN LATERAL (
    SELECT quote_ident(sn.nspname) || '.' || quote_ident(sc.relname) AS name
    FROM (
        SELECT d.objid AS seq_oid, 1 AS dep_rank FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
          AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype IN ('i', 'a')
        UNION ALL
        SELECT d.refobjid, 2 FROM pg_depend d
        WHERE d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
          AND d.refclassid = 'pg_class'::regclass
    ) dep
    JOIN pg_class sc ON sc.oid = dep.seq_oid AND sc.relkind = 'S'
    JOIN pg_namespace sn ON sn.oid = sc.relnamespace
    ORDER BY dep.dep_rank
    LIMIT 1
) seq ON true
ORDER BY a.attrelid, a.attnum
"""
)

# Every type the columns use, plus (recursively) domain base types and array element types.
TYPES_SQL = (
    _USER_TABLES
    + """
, used(oid) AS (
    SELECT DISTINCT a.atttypid FROM user_tables t
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
    UNION
    SELECT x.oid FROM used u JOIN pg_type ty ON ty.oid = u.oid,
        LATERAL (SELECT ty.typbasetype
                 UNION ALL SELECT CASE WHEN ty.typcategory = 'A' THEN ty.typelem END
                 UNION ALL SELECT a.atttypid FROM pg_attribute a
                           WHERE ty.typtype = 'c' AND a.attrelid = ty.typrelid
                             AND a.attnum > 0 AND NOT a.attisdropped) AS x(oid)
    WHERE x.oid IS NOT NULL AND x.oid <> 0
)
SELECT ty.oid, n.nspname, ty.typname, ty.typtype::text, ty.typcategory = 'A' AS is_array,
       ty.typelem, ty.typbasetype, ty.typtypmod, ty.typnotnull,
       ARRAY(SELECT jsonb_build_array(a.attname, a.atttypid::int8, a.atttypmod,
                                      format_type(a.atttypid, a.atttypmod))::text
             FROM pg_attribute a
             WHERE ty.typtype = 'c' AND a.attrelid = ty.typrelid AND a.attnum > 0
               AND NOT a.attisdropped ORDER BY a.attnum) AS fields,
       ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
             WHERE c.contypid = ty.oid AND c.contype = 'c' ORDER BY c.conname) AS checks,
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e
             WHERE e.enumtypid = ty.oid ORDER BY e.enumsortorder) AS labels
FROM used u
JOIN pg_type ty ON ty.oid = u.oid
JOIN pg_namespace n ON n.oid = ty.typnamespace
"""
)

# Column lists keep the key's declared order: conkey/confkey are unnested WITH ORDINALITY.
CONSTRAINTS_SQL = (
    _USER_TABLES
    + """
SELECT c.conrelid AS table_oid, c.conname, c.contype::text, c.condeferrable, c.condeferred,
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS columns,
       rn.nspname AS ref_schema, r.relname AS ref_name,
       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS ref_columns,
       pg_get_constraintdef(c.oid) AS definition
FROM user_tables t
JOIN pg_constraint c ON c.conrelid = t.oid AND c.contype IN ('p', 'u', 'f', 'c')
LEFT JOIN pg_class r ON r.oid = c.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
ORDER BY c.conrelid, c.contype, c.conname
"""
)

# Unique indexes that back no constraint; INCLUDE columns are not part of the key. An
# expression index (attnum 0 in indkey) also gives every key part as the server prints it.
UNIQUE_INDEXES_SQL = (
    _USER_TABLES
    + """
SELECT i.indrelid AS table_oid, ic.relname AS name,
       ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns,
       CASE WHEN i.indexprs IS NOT NULL THEN
           ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
                 FROM generate_series(1, i.indnkeyatts::int) k ORDER BY k)
       END AS expressions,
       pg_get_expr(i.indpred, i.indrelid) AS predicate
FROM user_tables t
JOIN pg_index i ON i.indrelid = t.oid AND i.indisunique
JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE NOT EXISTS (
      SELECT 1 FROM pg_constraint c
      WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
        AND c.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
"""
)

PARTITIONED_SQL = (
    _USER_TABLES
    + """
SELECT p.partrelid AS table_oid, p.partstrat::text,
       ARRAY(SELECT coalesce(a.attname::text, '')
             FROM unnest(p.partattrs::int2[]) WITH ORDINALITY k(attnum, ord)
             LEFT JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS columns,
       pg_get_partkeydef(p.partrelid) AS keydef
FROM user_tables t
JOIN pg_partitioned_table p ON p.partrelid = t.oid
"""
)

# Partitions are pg_inherits rows too (relispartition tells them from inheritance children).
INHERITS_SQL = (
    _USER_TABLES
    + """
SELECT i.inhrelid AS child_oid, t.relispartition, i.inhparent AS parent_oid,
       pn.nspname AS parent_schema, pc.relname AS parent_name
FROM user_tables t
JOIN pg_inherits i ON i.inhrelid = t.oid
JOIN pg_class pc ON pc.oid = i.inhparent
JOIN pg_namespace pn ON pn.oid = pc.relnamespace
ORDER BY i.inhrelid, i.inhseqno
"""
)

# FKs declared on the given tables ($1 schemas, $2 names) or their partitions; $3 true: to any
# parent, false: only among those tables. root_* names the given table a row was found under.
# Clones on partitions (conparentid <> 0) are left out: ALTER CONSTRAINT goes to the parent.
FIND_FKS_SQL = """
WITH targets AS (
    SELECT t.oid, tn.nspname AS root_schema, t.relname AS root_name
    FROM pg_class t JOIN pg_namespace tn ON tn.oid = t.relnamespace
    WHERE (tn.nspname, t.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))
), tree AS (
    SELECT oid, root_schema, root_name FROM targets
    UNION
    SELECT pt.relid, root_schema, root_name FROM targets, LATERAL pg_partition_tree(targets.oid) pt
)
SELECT n.nspname AS schema, r.relname AS table_name, c.conname, c.condeferrable,
       rn.nspname AS ref_schema, rr.relname AS ref_name,
       ot.root_schema, ot.root_name, rt.root_schema AS ref_root_schema,
       rt.root_name AS ref_root_name,
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS columns,
       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS ref_columns
FROM pg_constraint c
JOIN tree ot ON ot.oid = c.conrelid
LEFT JOIN tree rt ON rt.oid = c.confrelid
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
JOIN pg_class rr ON rr.oid = c.confrelid
JOIN pg_namespace rn ON rn.oid = rr.relnamespace
WHERE c.contype = 'f' AND c.conparentid = 0 AND ($3 OR rt.oid IS NOT NULL)
"""

FORMAT_TYPES_SQL = "SELECT format_type(o, m) FROM unnest($1::oid[], $2::int4[]) AS x(o, m)"


@dataclass(frozen=True)
class HashPartitionBound(PartitionBound):
    """A hash partition: rows whose partition-key hash is `remainder` modulo `modulus`.

    `PartitionBound` has no fields for hash bounds; this subclass carries them without
    changing the shared model (see the adapter's report for the wanted contract change).
    """

    modulus: int | None = None
    remainder: int | None = None


# -- text parsing of server-printed expressions ------------------------------------------------


def _unquoted(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, parenthesis depth after it) of every character outside 'string
    literals' and "quoted identifiers" (a doubled quote stays inside)."""
    depth = 0
    quote: str | None = None
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                if i + 1 < len(text) and text[i + 1] == quote:
                    i += 1
                else:
                    quote = None
        elif ch in "'\"":
            quote = ch
        else:
            depth += (ch == "(") - (ch == ")")
            yield i, ch, depth
        i += 1


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split at `sep` outside parentheses, 'string literals' and "quoted identifiers"."""
    parts: list[str] = []
    start = 0
    for i, ch, depth in _unquoted(text):
        if ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _closing_paren(text: str, open_at: int) -> int:
    """Index of the parenthesis closing the one at `open_at`, or -1."""
    for i, ch, depth in _unquoted(text, open_at):
        if ch == ")" and depth == 0:
            return i
    return -1


def strip_outer_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and _closing_paren(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def check_expression(definition: str) -> str:
    """``CHECK ((a > 0)) NOT VALID`` → ``a > 0``: the boolean expression alone."""
    text = definition.strip()
    if text.upper().startswith("CHECK"):
        text = text[5:].strip()
    if text.startswith("("):
        end = _closing_paren(text, 0)
        if end > 0:
            # Drops trailing NOT VALID / NO INHERIT, which do not change what a row must satisfy.
            text = text[: end + 1]
    return strip_outer_parens(text)


def unquote_literal(token: str) -> str:
    """A printed constant as its text: ``'2022-01-01'`` → ``2022-01-01``, ``MINVALUE`` as is."""
    token = token.strip()
    if len(token) >= 2 and token[0] == "'" and token[-1] == "'":
        return token[1:-1].replace("''", "'")
    return token


def _parenthesised_list(text: str, keyword: str) -> tuple[str, ...]:
    """The literals of ``KEYWORD (a, b)`` within `text`."""
    at = text.upper().find(keyword + " (")
    if at < 0:
        return ()
    open_at = at + len(keyword) + 1
    end = _closing_paren(text, open_at)
    return tuple(unquote_literal(p) for p in split_top_level(text[open_at + 1 : end]))


def parse_partition_bound(table: TableName, expr: str | None) -> PartitionBound:
    """Parse ``pg_get_expr(relpartbound)``: FROM/TO, IN, WITH (MODULUS, REMAINDER), DEFAULT."""
    text = (expr or "").strip()
    upper = text.upper()
    if upper == "DEFAULT":
        return PartitionBound(table, is_default=True)
    if " WITH (" in upper:
        opts = dict(
            part.split(None, 1) for part in split_top_level(text[upper.index(" WITH (") + 7 : -1])
        )
        opts = {k.lower(): v for k, v in opts.items()}
        return HashPartitionBound(
            table, modulus=int(opts["modulus"]), remainder=int(opts["remainder"])
        )
    if " IN (" in upper:
        return PartitionBound(table, values=_parenthesised_list(text, "IN"))
    return PartitionBound(
        table, lower=_parenthesised_list(text, "FROM"), upper=_parenthesised_list(text, "TO")
    )


# -- types --------------------------------------------------------------------------------------

_BUILTIN_KINDS: dict[str, tuple[Kind, int | None]] = {
    "int2": (Kind.INTEGER, 16),
    "int4": (Kind.INTEGER, 32),
    "int8": (Kind.INTEGER, 64),
    "numeric": (Kind.NUMERIC, None),
    "float4": (Kind.FLOAT, 32),
    "float8": (Kind.FLOAT, 64),
    "bool": (Kind.BOOLEAN, None),
    "text": (Kind.TEXT, None),
    "varchar": (Kind.TEXT, None),
    "bpchar": (Kind.TEXT, None),
    "name": (Kind.TEXT, None),
    "char": (Kind.TEXT, None),  # "char": one byte
    "bytea": (Kind.BINARY, None),
    "date": (Kind.DATE, None),
    "time": (Kind.TIME, None),
    "timetz": (Kind.TIME, None),
    "timestamp": (Kind.TIMESTAMP, None),
    "timestamptz": (Kind.TIMESTAMP, None),
    "interval": (Kind.INTERVAL, None),
    "uuid": (Kind.UUID, None),
    "json": (Kind.JSON, None),
    "jsonb": (Kind.JSON, None),
    "inet": (Kind.INET, None),
    "cidr": (Kind.CIDR, None),
    "macaddr": (Kind.MACADDR, None),
    "macaddr8": (Kind.MACADDR, None),
    "tsvector": (Kind.TSVECTOR, None),
    "bit": (Kind.BIT, None),
    "varbit": (Kind.BIT, None),
    "money": (Kind.MONEY, None),
    "xml": (Kind.XML, None),
    "tsquery": (Kind.TSQUERY, None),
    "point": (Kind.SHAPE, None),
    "line": (Kind.SHAPE, None),
    "lseg": (Kind.SHAPE, None),
    "box": (Kind.SHAPE, None),
    "path": (Kind.SHAPE, None),
    "polygon": (Kind.SHAPE, None),
    "circle": (Kind.SHAPE, None),
    "oid": (Kind.INTEGER, 32),  # unsigned: see _UNSIGNED
    "xid": (Kind.INTEGER, 32),
    "cid": (Kind.INTEGER, 32),
    "xid8": (Kind.INTEGER, 64),
    "pg_lsn": (Kind.INTEGER, 64),
}
_UNSIGNED = {"oid", "xid", "cid", "xid8", "pg_lsn"}

# Built-in range types and their subtypes (multiranges stay OTHER).
_RANGE_SUBTYPES = {
    "int4range": "int4",
    "int8range": "int8",
    "numrange": "numeric",
    "daterange": "date",
    "tsrange": "timestamp",
    "tstzrange": "timestamptz",
}

# Types of common extensions, in whichever schema the extension was installed.
_EXTENSION_KINDS = {"citext": Kind.TEXT, "hstore": Kind.HSTORE, "ltree": Kind.LTREE}

# A multirange is generated as a list of ranges of its range type.
_MULTIRANGES = {
    "int4multirange": "int4range",
    "int8multirange": "int8range",
    "nummultirange": "numrange",
    "datemultirange": "daterange",
    "tsmultirange": "tsrange",
    "tstzmultirange": "tstzrange",
}

# reg* types hold the OID of a catalog object that must exist: built-in objects whose OIDs
# are fixed in every PostgreSQL release (pg_class, int4, now(), the "simple" text search
# configuration, ...), so any value drawn from them is accepted.
_CATALOG_REFERENCES: dict[str, tuple[int, ...]] = {
    "regclass": (1259, 1247, 1255, 1249),
    "regtype": (16, 20, 23, 25, 1043, 1082, 1114, 1184, 2950, 3802),
    "regproc": (1299, 870, 871, 1317),
    "regprocedure": (1299, 870, 871, 1317),
    "regoper": (96, 98, 97),
    "regoperator": (96, 98, 97),
    "regnamespace": (11, 99),
    "regrole": (10,),
    "regconfig": (3748,),
    "regdictionary": (3765,),
    "regcollation": (100, 950, 951),
}

_VARHDRSZ = 4
_NAMEDATALEN = 64
_DEFAULT_FRACTIONAL_DIGITS = 6


def _range_type(name: str, sql: str, checks: tuple[str, ...]) -> ColumnType:
    """A built-in range type: its subtype is the element."""
    sub_kind, sub_bits = _BUILTIN_KINDS[_RANGE_SUBTYPES[name]]
    element = ColumnType(
        sub_kind, _RANGE_SUBTYPES[name], bits=sub_bits, timezone=name == "tstzrange"
    )
    return ColumnType(Kind.RANGE, sql, element=element, checks=checks)


@dataclass(frozen=True)
class _PgType:
    oid: int
    schema: str
    name: str
    typtype: str
    is_array: bool
    element: int
    base: int
    base_typmod: int
    not_null: bool
    checks: tuple[str, ...]
    labels: tuple[str, ...]
    fields: tuple[tuple[str, int, int, str], ...] = ()
    """A composite's attributes: (name, type oid, typmod, printed type)."""


def _typmod_facts(name: str, typmod: int) -> dict[str, Any]:
    """Length, precision and scale encoded in a type modifier (see PostgreSQL's *typmodout)."""
    if name in ("varchar", "bpchar"):
        length = typmod - _VARHDRSZ if typmod >= _VARHDRSZ else None
        return {"length": length, "fixed_length": name == "bpchar" and length is not None}
    if name == "name":
        return {"length": _NAMEDATALEN - 1}
    if name == "char":
        return {"length": 1, "fixed_length": True, "max_bytes_per_char": 1}
    if name in _UNSIGNED:
        return {"unsigned": True}
    if name in ("bit", "varbit"):
        return {"length": typmod if typmod >= 0 else None, "fixed_length": name == "bit"}
    if name == "numeric" and typmod >= _VARHDRSZ:
        packed = typmod - _VARHDRSZ
        # PostgreSQL 15 allows a negative scale, stored as 11-bit two's complement.
        return {"precision": (packed >> 16) & 0xFFFF, "scale": ((packed & 0x7FF) ^ 1024) - 1024}
    if name in ("time", "timetz", "timestamp", "timestamptz"):
        return {
            "precision": typmod if typmod >= 0 else _DEFAULT_FRACTIONAL_DIGITS,
            "timezone": name in ("timetz", "timestamptz"),
        }
    return {}


class _TypeResolver:
    """Turns (type oid, typmod) into a `ColumnType`, resolving domains and arrays."""

    def __init__(self, types: dict[int, _PgType], formatted: dict[tuple[int, int], str]) -> None:
        self.types = types
        self.formatted = formatted

    def needed_formats(self, pairs: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
        """(element oid, typmod) pairs whose printed name only the server can produce."""
        out: set[tuple[int, int]] = set()
        for oid, typmod in pairs:
            base, mod, _, _ = self._resolve_domain(oid, typmod)
            if base.is_array:
                out.add((base.element, mod))
                out |= self.needed_formats([(base.element, mod)])
        return out

    def _resolve_domain(self, oid: int, typmod: int) -> tuple[_PgType, int, bool, tuple[str, ...]]:
        """Follow domains to the base type, collecting NOT NULL and CHECKs of every level."""
        not_null = False
        checks: list[str] = []
        ty = self.types[oid]
        while ty.typtype == "d":
            not_null = not_null or ty.not_null
            checks.extend(check_expression(c) for c in ty.checks)
            typmod = ty.base_typmod
            ty = self.types[ty.base]
        return ty, typmod, not_null, tuple(checks)

    def column_type_by_name(self, name: str) -> tuple[ColumnType, bool]:
        """A built-in range type by name (a multirange's element)."""
        return _range_type(name, name, ()), False

    def column_type(self, oid: int, typmod: int, sql: str) -> tuple[ColumnType, bool]:
        """The column's type and whether a domain forbids NULL."""
        ty, typmod, not_null, checks = self._resolve_domain(oid, typmod)
        if ty.is_array:
            elem_sql = self.formatted.get((ty.element, typmod), ty.name)
            element, _ = self.column_type(ty.element, typmod, elem_sql)
            return ColumnType(Kind.ARRAY, sql, element=element, checks=checks), not_null
        if ty.typtype == "e":
            return ColumnType(Kind.ENUM, sql, labels=ty.labels, checks=checks), not_null
        if ty.typtype == "c":
            fields = tuple(
                (fname, self.column_type(foid, fmod, fsql)[0])
                for fname, foid, fmod, fsql in ty.fields
            )
            return ColumnType(Kind.COMPOSITE, sql, fields=fields, checks=checks), not_null
        name = ty.name
        if ty.schema != "pg_catalog":
            kind = _EXTENSION_KINDS.get(name) if ty.typtype == "b" else None
            return ColumnType(kind or Kind.OTHER, sql, checks=checks), not_null
        if name in _MULTIRANGES:
            inner, _ = self.column_type_by_name(_MULTIRANGES[name])
            return ColumnType(Kind.ARRAY, sql, element=inner, checks=checks), not_null
        if name in _CATALOG_REFERENCES:
            labels = tuple(map(str, _CATALOG_REFERENCES[name]))
            return (
                ColumnType(Kind.INTEGER, sql, bits=32, unsigned=True, labels=labels, checks=checks),
                not_null,
            )
        if name in _RANGE_SUBTYPES:
            return _range_type(name, sql, checks), not_null
        kind, bits = _BUILTIN_KINDS.get(name, (Kind.OTHER, None))
        facts = _typmod_facts(name, typmod)
        return ColumnType(kind, sql, bits=bits, checks=checks, **facts), not_null


# -- assembly -----------------------------------------------------------------------------------


async def read_catalog(
    conn: Any, schemas: Sequence[str] | None, timeout: float
) -> dict[TableName, Table]:
    """Read every user table with its columns, keys, checks and partitioning."""
    arg = list(schemas) if schemas is not None else None
    tables = await conn.fetch(TABLES_SQL, arg, timeout=timeout)
    columns = await conn.fetch(COLUMNS_SQL, arg, timeout=timeout)
    type_rows = await conn.fetch(TYPES_SQL, arg, timeout=timeout)
    constraints = await conn.fetch(CONSTRAINTS_SQL, arg, timeout=timeout)
    indexes = await conn.fetch(UNIQUE_INDEXES_SQL, arg, timeout=timeout)
    partitioned = await conn.fetch(PARTITIONED_SQL, arg, timeout=timeout)
    inherits = await conn.fetch(INHERITS_SQL, arg, timeout=timeout)

    types = {
        r["oid"]: _PgType(
            r["oid"],
            r["nspname"],
            r["typname"],
            r["typtype"],
            r["is_array"],
            r["typelem"],
            r["typbasetype"],
            r["typtypmod"],
            r["typnotnull"],
            tuple(r["checks"]),
            tuple(r["labels"]),
            tuple(tuple(json.loads(f)) for f in r["fields"]),
        )
        for r in type_rows
    }
    resolver = _TypeResolver(types, {})
    pairs = sorted(resolver.needed_formats([(c["atttypid"], c["atttypmod"]) for c in columns]))
    if pairs:
        printed = await conn.fetch(
            FORMAT_TYPES_SQL, [p[0] for p in pairs], [p[1] for p in pairs], timeout=timeout
        )
        resolver.formatted.update(zip(pairs, (r[0] for r in printed), strict=True))

    names = {r["oid"]: TableName(r["nspname"], r["relname"]) for r in tables}
    cols_of: dict[int, list[Column]] = defaultdict(list)
    generation: dict[int, dict[str, str]] = defaultdict(dict)  # lower-case name -> expression
    for c in columns:
        col_type, domain_not_null = resolver.column_type(c["atttypid"], c["atttypmod"], c["sql"])
        default = c["default_expr"]
        if c["attgenerated"] != "":
            generation[c["table_oid"]][c["attname"].lower()] = default
            default = None
        cols_of[c["table_oid"]].append(
            Column(
                name=c["attname"],
                type=col_type,
                nullable=not (c["attnotnull"] or domain_not_null),
                default=default,
                identity=c["attidentity"] != "" or (default or "").startswith("nextval("),
                generated=c["attgenerated"] != "",
                sequence=c["sequence"],
            )
        )

    pk_of: dict[int, UniqueKey] = {}
    uniques_of: dict[int, list[UniqueKey]] = defaultdict(list)
    fks_of: dict[int, list[ForeignKey]] = defaultdict(list)
    checks_of: dict[int, list[Check]] = defaultdict(list)
    for k in constraints:
        oid, name, kind, cols = k["table_oid"], k["conname"], k["contype"], tuple(k["columns"])
        if kind == "p":
            pk_of[oid] = UniqueKey(name, cols, primary=True)
        elif kind == "u":
            uniques_of[oid].append(UniqueKey(name, cols))
        elif kind == "f":
            fks_of[oid].append(
                ForeignKey(
                    name,
                    cols,
                    TableName(k["ref_schema"], k["ref_name"]),
                    tuple(k["ref_columns"]),
                    deferrable=k["condeferrable"],
                    initially_deferred=k["condeferred"],
                )
            )
        else:
            checks_of[oid].append(Check(name, check_expression(k["definition"])))
    for ix in indexes:
        oid, expressions = ix["table_oid"], tuple(ix["expressions"] or ())
        table_columns = [c.name for c in cols_of[oid]]
        uniques_of[oid].append(
            UniqueKey(
                ix["name"],
                columns_read(expressions, table_columns) if expressions else tuple(ix["columns"]),
                predicate=ix["predicate"],
                is_constraint=False,
                expressions=expressions,
            )
        )

    partitions_of: dict[int, list[int]] = defaultdict(list)
    partition_of: dict[int, TableName] = {}
    inherits_of: dict[int, list[TableName]] = defaultdict(list)
    has_children: set[int] = set()
    for r in inherits:
        parent = TableName(r["parent_schema"], r["parent_name"])
        if r["relispartition"]:
            partition_of[r["child_oid"]] = parent
            partitions_of[r["parent_oid"]].append(r["child_oid"])
        else:
            inherits_of[r["child_oid"]].append(parent)
            has_children.add(r["parent_oid"])

    bound_text = {r["oid"]: r["bound"] for r in tables}
    partitioning_of: dict[int, Partitioning] = {}
    strategies = {"r": "range", "l": "list", "h": "hash"}
    for p in partitioned:
        oid = p["table_oid"]
        keys = split_top_level(strip_outer_parens(p["keydef"].split(None, 1)[1]))
        # An expression key has no column name: keep the expression as the server prints it.
        columns_ = tuple(
            col or (keys[i] if i < len(keys) else "") for i, col in enumerate(p["columns"])
        )
        bounds = tuple(
            parse_partition_bound(names[child], bound_text.get(child))
            for child in sorted(partitions_of[oid], key=lambda o: names[o])
            if child in names
        )
        partitioning_of[oid] = Partitioning(strategies[p["partstrat"]], columns_, bounds)

    result: dict[TableName, Table] = {}
    for r in tables:
        oid = r["oid"]
        # a key on a generated column constrains its expression over the written columns
        col_names = [c.name for c in cols_of[oid]]
        pk, uniques = pk_of.get(oid), uniques_of[oid]
        if generation[oid]:
            gen = generation[oid]
            pk = pk and through_generated(pk, col_names, gen, _quote)
            uniques = [through_generated(k, col_names, gen, _quote) for k in uniques]
        result[names[oid]] = Table(
            name=names[oid],
            columns=tuple(cols_of[oid]),
            primary_key=pk,
            uniques=tuple(uniques),
            foreign_keys=tuple(fks_of[oid]),
            checks=tuple(checks_of[oid]),
            partitioning=partitioning_of.get(oid),
            partition_of=partition_of.get(oid),
            inherits=tuple(inherits_of[oid]),
            has_children=oid in has_children,
            comment=r["comment"],
        )
    return result
