"""MySQL/MariaDB catalog reflection: one information_schema query per aspect, then pure parsing.

`CatalogQueries` holds the SQL; `build_catalog` turns the result rows (already fetched) into the
dialect-neutral `Catalog`, so everything below the queries is plain functions over tuples.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastseed.generate.keyexpr import base_columns
from fastseed.schema import (
    Catalog,
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

# `{schemas}` becomes a list of %s placeholders; only schema names are bound, never identifiers.
TABLES_SQL = """
SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_COMMENT
FROM information_schema.TABLES
WHERE TABLE_SCHEMA IN ({schemas}) AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
ORDER BY TABLE_SCHEMA, TABLE_NAME
"""

COLUMNS_SQL = """
SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE,
       COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION,
       NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_SET_NAME, EXTRA, GENERATION_EXPRESSION
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA IN ({schemas})
ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION
"""

# PRIMARY KEY and UNIQUE constraints are unique indexes in MySQL, so STATISTICS has them all.
# SUB_PART is a prefix key part's length; EXPRESSION a MySQL 8.0.13+ functional key part's
# text (COLUMN_NAME is NULL then). MariaDB has no EXPRESSION column: it indexes generated
# columns instead, resolved in `build_catalog`.
_UNIQUES = """
SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, COLUMN_NAME, SUB_PART, {expression}
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA IN ({{schemas}}) AND NON_UNIQUE = 0
ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
"""
UNIQUES_SQL = _UNIQUES.format(expression="NULL")
UNIQUES_FUNCTIONAL_SQL = _UNIQUES.format(expression="EXPRESSION")

FOREIGN_KEYS_SQL = """
SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME,
       k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME
 AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.TABLE_SCHEMA IN ({schemas}) AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION
"""

# MariaDB's CHECK_CONSTRAINTS carries TABLE_NAME (check names are per table there).
CHECKS_MARIADB_SQL = """
SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA IN ({schemas})
ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME
"""

# MySQL 8.0.16+: names are per schema, the table comes from TABLE_CONSTRAINTS, and a
# NOT ENFORCED check constrains nothing.
CHECKS_MYSQL_SQL = """
SELECT t.TABLE_SCHEMA, t.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE
FROM information_schema.TABLE_CONSTRAINTS t
JOIN information_schema.CHECK_CONSTRAINTS c
  ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME
WHERE t.TABLE_SCHEMA IN ({schemas}) AND t.CONSTRAINT_TYPE = 'CHECK' AND t.ENFORCED = 'YES'
ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME, c.CONSTRAINT_NAME
"""

PARTITIONS_SQL = """
SELECT TABLE_SCHEMA, TABLE_NAME, PARTITION_NAME, PARTITION_METHOD, PARTITION_EXPRESSION,
       PARTITION_DESCRIPTION
FROM information_schema.PARTITIONS
WHERE TABLE_SCHEMA IN ({schemas}) AND PARTITION_NAME IS NOT NULL
ORDER BY TABLE_SCHEMA, TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION
"""

TRIGGERS_SQL = """
SELECT EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE, ACTION_STATEMENT
FROM information_schema.TRIGGERS
WHERE EVENT_OBJECT_SCHEMA IN ({schemas}) AND EVENT_MANIPULATION = 'INSERT'
"""

CHARSETS_SQL = "SELECT CHARACTER_SET_NAME, MAXLEN FROM information_schema.CHARACTER_SETS"


@dataclass
class CatalogRows:
    """The raw rows of each aspect query, as fetched."""

    tables: list[tuple[Any, ...]]
    columns: list[tuple[Any, ...]]
    uniques: list[tuple[Any, ...]]
    foreign_keys: list[tuple[Any, ...]]
    checks: list[tuple[Any, ...]]
    partitions: list[tuple[Any, ...]]
    charsets: list[tuple[Any, ...]] = field(default_factory=list)


def text(value: Any) -> str | None:
    """information_schema columns come back as bytes on some MySQL 8 builds."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8")
    return None if value is None else str(value)


# -- types -------------------------------------------------------------------------------------

_INT_BITS = {"tinyint": 8, "smallint": 16, "mediumint": 24, "int": 32, "integer": 32, "bigint": 64}
_TEXT_TYPES = {"char", "varchar", "tinytext", "text", "mediumtext", "longtext"}
_BLOB_TYPES = {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"}
_UNBOUNDED = {"mediumtext", "longtext", "mediumblob", "longblob"}
_SPATIAL = {
    "geometry",
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
    "geomcollection",
}
# Character sets that encode every Unicode character need no per-character limit; utf8mb3 and
# ucs2 stop at the BMP (no 4-byte characters), which is what `max_bytes_per_char = 3` means.
_FULL_UNICODE = {"utf8mb4", "utf16", "utf16le", "utf32", "binary"}
_BMP_ONLY = {"utf8mb3", "utf8", "ucs2"}
_UNESCAPE = {"0": "\0", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "Z": "\032"}


def parse_labels(column_type: str) -> tuple[str, ...]:
    """ENUM/SET labels from COLUMN_TYPE: quotes doubled, backslashes escaped, commas inside."""
    labels: list[str] = []
    i = column_type.index("(") + 1
    n = len(column_type)
    while i < n:
        ch = column_type[i]
        if ch == ")":
            break
        if ch != "'":
            i += 1
            continue
        i += 1
        buf: list[str] = []
        while i < n:
            ch = column_type[i]
            if ch == "'":
                if i + 1 < n and column_type[i + 1] == "'":
                    buf.append("'")
                    i += 2
                    continue
                i += 1
                break
            if ch == "\\" and i + 1 < n:
                nxt = column_type[i + 1]
                buf.append(_UNESCAPE.get(nxt, nxt))
                i += 2
                continue
            buf.append(ch)
            i += 1
        labels.append("".join(buf))
    return tuple(labels)


def max_bytes_per_char(charset: str | None, maxlen: dict[str, int]) -> int | None:
    if charset is None or charset in _FULL_UNICODE:
        return None
    if charset in _BMP_ONLY:
        return 3
    return maxlen.get(charset, 1)


def column_type(row: dict[str, Any], maxlen: dict[str, int], is_json: bool) -> ColumnType:
    """Reduce one information_schema.COLUMNS row to a `ColumnType`."""
    data_type = (row["DATA_TYPE"] or "").lower()
    sql = row["COLUMN_TYPE"] or data_type
    lowered = sql.lower()
    unsigned = "unsigned" in lowered or "zerofill" in lowered
    charset = row["CHARACTER_SET_NAME"]
    if is_json or data_type == "json":
        return ColumnType(Kind.JSON, sql)
    if data_type in _INT_BITS:
        # MySQL 8.0.19+ drops display widths from COLUMN_TYPE but keeps tinyint(1) for this.
        if data_type == "tinyint" and lowered.startswith("tinyint(1)"):
            return ColumnType(Kind.BOOLEAN, sql)
        return ColumnType(Kind.INTEGER, sql, bits=_INT_BITS[data_type], unsigned=unsigned)
    if data_type in {"decimal", "numeric", "dec", "fixed"}:
        return ColumnType(
            Kind.NUMERIC,
            sql,
            precision=_int(row["NUMERIC_PRECISION"]),
            scale=_int(row["NUMERIC_SCALE"]) or 0,
            unsigned=unsigned,
        )
    if data_type in {"float", "double", "real", "double precision"}:
        return ColumnType(
            Kind.FLOAT, sql, precision=_int(row["NUMERIC_PRECISION"]), unsigned=unsigned
        )
    if data_type == "bit":
        return ColumnType(Kind.BIT, sql, length=_int(row["NUMERIC_PRECISION"]) or 1)
    if data_type in _TEXT_TYPES:
        mb = max_bytes_per_char(charset, maxlen)
        if data_type in {"char", "varchar"}:
            length = _int(row["CHARACTER_MAXIMUM_LENGTH"])
        elif data_type in _UNBOUNDED:
            length = None
        else:
            # TINYTEXT/TEXT limits are bytes: allow only as many characters as surely fit.
            octets = _int(row["CHARACTER_OCTET_LENGTH"]) or 0
            length = octets // max(maxlen.get(charset or "", 4), 1)
        return ColumnType(
            Kind.TEXT,
            sql,
            length=length,
            fixed_length=data_type == "char",
            max_bytes_per_char=mb,
        )
    if data_type in _BLOB_TYPES:
        length = None if data_type in _UNBOUNDED else _int(row["CHARACTER_OCTET_LENGTH"])
        return ColumnType(Kind.BINARY, sql, length=length, fixed_length=data_type == "binary")
    if data_type == "date":
        return ColumnType(Kind.DATE, sql)
    if data_type == "time":
        return ColumnType(Kind.TIME, sql, precision=_int(row["DATETIME_PRECISION"]) or 0)
    if data_type in {"datetime", "timestamp"}:
        # TIMESTAMP stores an instant (converted from the session time zone, which fastseed
        # sets to UTC); DATETIME is a wall-clock value.
        return ColumnType(
            Kind.TIMESTAMP,
            sql,
            precision=_int(row["DATETIME_PRECISION"]) or 0,
            timezone=data_type == "timestamp",
        )
    if data_type == "year":
        return ColumnType(Kind.YEAR, sql)
    if data_type == "enum":
        return ColumnType(Kind.ENUM, sql, labels=parse_labels(sql))
    if data_type == "set":
        return ColumnType(Kind.SET, sql, labels=parse_labels(sql))
    if data_type in _SPATIAL:
        return ColumnType(Kind.GEOMETRY, sql)
    if data_type == "uuid":  # MariaDB 10.7+
        return ColumnType(Kind.UUID, sql)
    if data_type in {"inet4", "inet6"}:  # MariaDB 10.10+
        return ColumnType(Kind.INET, sql)
    return ColumnType(Kind.OTHER, sql)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


_QUOTED_KINDS = {
    Kind.TEXT,
    Kind.ENUM,
    Kind.SET,
    Kind.DATE,
    Kind.TIME,
    Kind.TIMESTAMP,
    Kind.BINARY,
    Kind.JSON,
    Kind.UUID,
    Kind.INET,
}


def column_default(raw: str | None, extra: str, kind: Kind, mariadb: bool) -> str | None:
    """The default as an SQL expression. MariaDB (10.2.7+) already prints expressions, with
    'NULL' for no default; MySQL prints string literals bare and flags expressions in EXTRA."""
    if raw is None:
        return None
    if mariadb:
        return None if raw == "NULL" else raw
    if "DEFAULT_GENERATED" in extra or raw.upper().startswith("CURRENT_TIMESTAMP"):
        return raw
    if kind in _QUOTED_KINDS:
        return "'" + raw.replace("'", "''") + "'"
    return raw


# -- partitions --------------------------------------------------------------------------------


def split_top(text_: str) -> list[str]:
    """Split on commas outside quotes and parentheses: "10,'a,b'" → ["10", "'a,b'"]."""
    parts: list[str] = []
    buf: list[str] = []
    depth = 0
    quote: str | None = None
    i = 0
    while i < len(text_):
        ch = text_[i]
        if quote:
            buf.append(ch)
            if ch == "\\" and i + 1 < len(text_):
                buf.append(text_[i + 1])
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
            buf.append(ch)
        elif ch == "(":
            depth += 1
            buf.append(ch)
        elif ch == ")":
            depth -= 1
            buf.append(ch)
        elif ch == "," and depth == 0:
            parts.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
        i += 1
    if buf or parts:
        parts.append("".join(buf).strip())
    return parts


_IDENT = re.compile(r"^\s*`((?:[^`]|``)+)`\s*$")
_FUNC = re.compile(r"^\s*(year|to_days|unix_timestamp)\s*\(\s*`((?:[^`]|``)+)`\s*\)\s*$", re.I)


def _unquote_ident(text_: str) -> str | None:
    m = _IDENT.match(text_)
    return m.group(1).replace("``", "`") if m else None


def _bound_from_function(func: str, value: str) -> str:
    """A RANGE bound on YEAR(c)/TO_DAYS(c)/UNIX_TIMESTAMP(c) as the equivalent bound on c."""
    if value.upper() == "MAXVALUE":
        return value
    n = int(value)
    if func == "year":
        return f"'{n:04d}-01-01'"
    if func == "to_days":
        # TO_DAYS counts from year 0, Python ordinals from year 1: they differ by 365 days.
        return f"'{dt.date.fromordinal(n - 365).isoformat()}'"
    stamp = dt.datetime.fromtimestamp(n, dt.UTC).replace(tzinfo=None)
    return f"'{stamp.isoformat(sep=' ')}'"


def _literal_text(value: str) -> str:
    """A bound literal as its text: the model holds '2025-01-01', not "'2025-01-01'"."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'").replace("\\'", "'")
    return value


def partitioning(
    table: TableName, rows: Sequence[tuple[str, str, str | None, str | None]]
) -> Partitioning:
    """Rows are (partition name, method, expression, description) in partition order.

    MySQL partitions are not tables, so each bound names a pseudo table `parent#P#partition`
    (the server's own file naming) that is absent from the catalog.
    """
    method = rows[0][1].upper()
    expression = rows[0][2] or ""
    strategy = "range" if method.startswith("RANGE") else "list" if "LIST" in method else "hash"
    func: str | None = None
    if method.endswith("COLUMNS") or method in {"KEY", "LINEAR KEY"}:
        names = [_unquote_ident(p) for p in split_top(expression)]
        columns = tuple(n for n in names if n is not None)
    elif (col := _unquote_ident(expression)) is not None:
        columns = (col,)
    elif strategy == "range" and (m := _FUNC.match(expression)):
        func = m.group(1).lower()
        columns = (m.group(2).replace("``", "`"),)
    else:
        # An expression fastseed cannot invert: keep the server's text so the planner can
        # report it rather than guess.
        columns = (expression,)
    bounds: list[PartitionBound] = []
    previous: tuple[str, ...] = ()
    for name, _method, _expr, description in rows:
        part = TableName(table.schema, f"{table.name}#P#{name}")
        desc = description or ""
        if strategy == "range":
            upper = tuple(split_top(desc))
            if func:
                upper = tuple(_bound_from_function(func, v) for v in upper)
            upper = tuple(_literal_text(v) for v in upper)
            lower = previous or tuple("MINVALUE" for _ in upper)
            bounds.append(PartitionBound(part, lower=lower, upper=upper))
            previous = upper
        elif strategy == "list":
            if desc.upper() == "DEFAULT":
                bounds.append(PartitionBound(part, is_default=True))
            else:
                values = tuple(_literal_text(v) for v in split_top(desc))
                bounds.append(PartitionBound(part, values=values))
        else:
            bounds.append(PartitionBound(part))
    return Partitioning(strategy, columns, tuple(bounds))


# -- assembly ----------------------------------------------------------------------------------

_COLUMN_FIELDS = (
    "TABLE_SCHEMA",
    "TABLE_NAME",
    "COLUMN_NAME",
    "COLUMN_DEFAULT",
    "IS_NULLABLE",
    "DATA_TYPE",
    "COLUMN_TYPE",
    "CHARACTER_MAXIMUM_LENGTH",
    "CHARACTER_OCTET_LENGTH",
    "NUMERIC_PRECISION",
    "NUMERIC_SCALE",
    "DATETIME_PRECISION",
    "CHARACTER_SET_NAME",
    "EXTRA",
    "GENERATION_EXPRESSION",
)
_TEXT_FIELDS = {
    "TABLE_SCHEMA",
    "TABLE_NAME",
    "COLUMN_NAME",
    "COLUMN_DEFAULT",
    "IS_NULLABLE",
    "DATA_TYPE",
    "COLUMN_TYPE",
    "CHARACTER_SET_NAME",
    "EXTRA",
    "GENERATION_EXPRESSION",
}
_JSON_CHECK = re.compile(r"^\s*json_valid\(\s*`((?:[^`]|``)+)`\s*\)\s*$", re.I)


@dataclass(frozen=True)
class KeyPart:
    """One row of STATISTICS for a unique index."""

    column: str | None
    sub_part: int | None = None
    """A prefix key part's length in characters (bytes for binary strings)."""
    expression: str | None = None
    """A functional key part's expression (MySQL 8.0.13+); `column` is None then."""


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _part_sql(part: KeyPart, generation: dict[str, str]) -> str:
    if part.column is None:
        return part.expression or ""
    if part.column.lower() in generation:
        return generation[part.column.lower()]
    if part.sub_part is not None:
        return f"left({_quote(part.column)}, {part.sub_part})"
    return _quote(part.column)


def unique_key(
    index: str, parts: Sequence[KeyPart], names: Sequence[str], generation: dict[str, str]
) -> UniqueKey:
    """A unique index as a `UniqueKey`. A functional part, a prefix part and a part on a
    generated column become expressions over the base columns they read (a unique key on
    ``email_lc AS (lcase(email))`` constrains ``lcase(email)``, and ``email`` is what is
    written)."""
    primary = index == "PRIMARY"
    plain = [p.column for p in parts if _part_sql(p, generation) == _quote(p.column or "")]
    if len(plain) == len(parts):
        return UniqueKey(index, tuple(c or "" for c in plain), primary=primary)
    exprs = tuple(_part_sql(p, generation) for p in parts)
    columns = base_columns(exprs, names, generation)
    return UniqueKey(index, columns, primary=primary, expressions=exprs)


def build_catalog(
    rows: CatalogRows, *, mariadb: bool, case_insensitive: bool, server_version: str
) -> Catalog:
    def tname(schema: Any, name: Any) -> TableName:
        return TableName(text(schema), text(name) or "")

    known: dict[TableName, str | None] = {}
    for schema, name, comment in rows.tables:
        known[tname(schema, name)] = text(comment) or None
    # lower_case_table_names 1/2: references may spell a table in another case than TABLES.
    folded = {(t.schema or "").lower() + "\0" + t.name.lower(): t for t in known}

    def resolve(schema: Any, name: Any) -> TableName:
        t = tname(schema, name)
        if t in known or not case_insensitive:
            return t
        return folded.get((t.schema or "").lower() + "\0" + t.name.lower(), t)

    maxlen = {text(n) or "": int(m) for n, m in rows.charsets}

    checks: dict[TableName, list[Check]] = defaultdict(list)
    json_columns: set[tuple[TableName, str]] = set()
    for schema, table, name, clause in rows.checks:
        t, clause_text = resolve(schema, table), text(clause) or ""
        m = _JSON_CHECK.match(clause_text)
        if mariadb and m:
            # MariaDB's JSON is LONGTEXT plus this check; the JSON kind says it all.
            json_columns.add((t, m.group(1).replace("``", "`")))
            continue
        checks[t].append(Check(text(name) or "", clause_text))

    columns: dict[TableName, list[Column]] = defaultdict(list)
    generation: dict[TableName, dict[str, str]] = defaultdict(dict)
    for raw in rows.columns:
        rec = {
            k: (text(v) if k in _TEXT_FIELDS else v)
            for k, v in zip(_COLUMN_FIELDS, raw, strict=True)
        }
        t = resolve(rec["TABLE_SCHEMA"], rec["TABLE_NAME"])
        if t not in known:
            continue  # a view's columns
        name = rec["COLUMN_NAME"] or ""
        extra = rec["EXTRA"] or ""
        ctype = column_type(rec, maxlen, (t, name) in json_columns)
        generated = bool(rec["GENERATION_EXPRESSION"]) and "DEFAULT_GENERATED" not in extra
        generated = generated or any(
            w in extra.upper()
            for w in ("VIRTUAL", "STORED GENERATED", "PERSISTENT", "ROW START", "ROW END")
        )
        if generated and rec["GENERATION_EXPRESSION"]:
            generation[t][name.lower()] = rec["GENERATION_EXPRESSION"]
        columns[t].append(
            Column(
                name=name,
                type=ctype,
                nullable=rec["IS_NULLABLE"] == "YES",
                default=None
                if generated
                else column_default(rec["COLUMN_DEFAULT"], extra, ctype.kind, mariadb),
                identity="auto_increment" in extra.lower(),
                generated=generated,
            )
        )

    def fix_case(t: TableName, names: Iterable[str]) -> tuple[str, ...]:
        # Column names are case-insensitive in MySQL, so a reference may differ in case.
        by_lower = {c.name.lower(): c.name for c in columns.get(t, ())}
        return tuple(by_lower.get(n.lower(), n) for n in names)

    keys: dict[TableName, dict[str, list[KeyPart]]] = defaultdict(dict)
    for schema, table, index, column, sub_part, expression in rows.uniques:
        part = KeyPart(text(column), int(sub_part) if sub_part else None, text(expression))
        keys[resolve(schema, table)].setdefault(text(index) or "", []).append(part)

    fk_cols: dict[TableName, dict[str, tuple[TableName, list[str], list[str]]]] = defaultdict(dict)
    for schema, table, name, column, ref_schema, ref_table, ref_column in rows.foreign_keys:
        t = resolve(schema, table)
        ref = resolve(ref_schema, ref_table)
        entry = fk_cols[t].setdefault(text(name) or "", (ref, [], []))
        entry[1].append(text(column) or "")
        entry[2].append(text(ref_column) or "")

    parts: dict[TableName, list[tuple[str, str, str | None, str | None]]] = defaultdict(list)
    seen_parts: set[tuple[TableName, str]] = set()
    for schema, table, pname, method, expression, description in rows.partitions:
        t, p = resolve(schema, table), text(pname) or ""
        if (t, p) in seen_parts:
            continue  # one row per subpartition
        seen_parts.add((t, p))
        parts[t].append((p, text(method) or "", text(expression), text(description)))

    tables: dict[TableName, Table] = {}
    for t, comment in known.items():
        primary: UniqueKey | None = None
        uniques: list[UniqueKey] = []
        for index, key_parts in keys.get(t, {}).items():
            key = unique_key(index, key_parts, [c.name for c in columns[t]], generation[t])
            if key.primary:
                primary = key
            else:
                uniques.append(key)
        fks = tuple(
            ForeignKey(name, fix_case(t, cols), ref, fix_case(ref, ref_cols))
            for name, (ref, cols, ref_cols) in sorted(fk_cols.get(t, {}).items())
        )
        tables[t] = Table(
            name=t,
            columns=tuple(columns.get(t, ())),
            primary_key=primary,
            uniques=tuple(uniques),
            foreign_keys=fks,
            checks=tuple(checks.get(t, ())),
            partitioning=partitioning(t, parts[t]) if t in parts else None,
            comment=comment,
        )
    return Catalog(
        dialect="mysql", tables=tables, server_version=server_version, backslash_escapes=True
    )
