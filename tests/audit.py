"""An independent SQL audit of a seeded database, written from the catalogs directly.

It shares no code with fastseed (not its reflection, not its verify queries), so a bug there
cannot hide itself here. For every base table (a partitioned table as a whole, not its
partitions) it counts the rows; for every foreign key, composite ones too, the orphans (child rows
whose FK columns are all non-NULL but match no parent row, MATCH SIMPLE as both servers
enforce it); for every unique key or unique index, expression and partial ones included, the
duplicate groups. PostgreSQL reads pg_catalog (`pg_get_indexdef` spells each key part, columns and
expressions alike, `pg_get_expr` the partial index's predicate); MySQL/MariaDB reads
information_schema (KEY_COLUMN_USAGE, STATISTICS).

    audit = audit_pg("fs_test_x")            # or audit_my(...)
    assert not audit.problems(lambda table: 200)

Tables are named `schema.table` (on MySQL the schema is the database), constraints
`schema.table/constraint`, as the server spells them, unquoted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PG = dict(host="127.0.0.1", port=5432, user="root")
MY = dict(host="127.0.0.1", port=3306, user="root", password="")

# schemas that hold the servers' own tables, never seeded
PG_SYSTEM = "('pg_catalog', 'information_schema')"


@dataclass
class Audit:
    """Row counts per table, orphans per FK, duplicate groups per unique key/index."""

    rows: dict[str, int] = field(default_factory=dict)
    orphans: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)

    def problems(self, expected_rows: Callable[[str], int | None]) -> list[str]:
        """Every deviation, one line each: a table whose count differs from
        `expected_rows(table)` (None: no expectation), any orphan, any duplicate."""
        out = [
            f"{t}: {n} rows, expected {want}"
            for t, n in sorted(self.rows.items())
            if (want := expected_rows(t)) is not None and n != want
        ]
        out += [f"{fk}: {n} orphan rows" for fk, n in sorted(self.orphans.items()) if n]
        out += [f"{k}: {n} duplicated values" for k, n in sorted(self.duplicates.items()) if n]
        return out


# ---------------------------------------------------------------- PostgreSQL


def pg_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


PG_TABLES = f"""
SELECT c.oid, n.nspname, c.relname, c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN {PG_SYSTEM} AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY 2, 3"""

# conparentid <> 0 are the clones PostgreSQL makes on partitions (of either side) of an FK
# declared on a partitioned table: the declared one covers them.
PG_FKS = f"""
SELECT con.conname, cn.nspname, c.relname, c.relkind, pn.nspname AS pschema,
       p.relname AS pname, p.relkind AS pkind,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
             ORDER BY k.i)::text[] AS cols,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
             ORDER BY k.i)::text[] AS refcols
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
JOIN pg_class p ON p.oid = con.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0 AND cn.nspname NOT IN {PG_SYSTEM}
ORDER BY 2, 3, 1"""

# Every unique index (primary keys, unique constraints, expression and partial indexes),
# except a partition's index attached to its parent's: the parent's covers it.
PG_UNIQUES = f"""
SELECT i.relname AS iname, n.nspname, c.relname, c.relkind, x.indnkeyatts,
       x.indnullsnotdistinct AS nulls_equal,
       ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
             FROM generate_series(1, x.indnkeyatts) k ORDER BY k)::text[] AS parts,
       pg_get_expr(x.indpred, x.indrelid, true) AS pred
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE x.indisunique AND NOT i.relispartition AND c.relkind IN ('r', 'p')
  AND n.nspname NOT IN {PG_SYSTEM} AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY 2, 3, 1"""


def _pg_from(schema: str, table: str, kind: str) -> str:
    # ONLY: an inheritance parent's own rows, as its FKs and indexes see them; a partitioned
    # table holds no rows of its own, so it is read whole
    only = "ONLY " if kind == "r" else ""
    return f"{only}{pg_ident(schema)}.{pg_ident(table)}"


def _pg_orphans_sql(r: Any) -> str:
    child = _pg_from(r["nspname"], r["relname"], r["relkind"])
    parent = _pg_from(r["pschema"], r["pname"], r["pkind"])
    on = " AND ".join(
        f"p.{pg_ident(pc)} = c.{pg_ident(cc)}"
        for cc, pc in zip(r["cols"], r["refcols"], strict=True)
    )
    present = " AND ".join(f"c.{pg_ident(cc)} IS NOT NULL" for cc in r["cols"])
    return (
        f"SELECT count(*) FROM {child} c LEFT JOIN {parent} p ON {on} "
        f"WHERE p.{pg_ident(r['refcols'][0])} IS NULL AND {present}"
    )


def _pg_duplicates_sql(r: Any) -> str:
    parts = [f"({p})" for p in r["parts"]]
    where = [f"({r['pred']})"] if r["pred"] else []
    if not r["nulls_equal"]:
        where += [f"{p} IS NOT NULL" for p in parts]
    cond = f" WHERE {' AND '.join(where)}" if where else ""
    source = _pg_from(r["nspname"], r["relname"], r["relkind"])
    return (
        f"SELECT count(*) FROM (SELECT 1 FROM {source}{cond} "
        f"GROUP BY {', '.join(parts)} HAVING count(*) > 1) g"
    )


async def _audit_pg(database: str) -> Audit:
    import asyncpg

    conn = await asyncpg.connect(**PG, database=database, timeout=10)
    try:
        audit = Audit()
        for r in await conn.fetch(PG_TABLES):
            source = _pg_from(r["nspname"], r["relname"], r["relkind"])
            audit.rows[f"{r['nspname']}.{r['relname']}"] = await conn.fetchval(
                f"SELECT count(*) FROM {source}"
            )
        for r in await conn.fetch(PG_FKS):
            key = f"{r['nspname']}.{r['relname']}/{r['conname']}"
            audit.orphans[key] = await conn.fetchval(_pg_orphans_sql(r))
        for r in await conn.fetch(PG_UNIQUES):
            key = f"{r['nspname']}.{r['relname']}/{r['iname']}"
            audit.duplicates[key] = await conn.fetchval(_pg_duplicates_sql(r))
        return audit
    finally:
        await conn.close()


def audit_pg(database: str) -> Audit:
    """Audit the PostgreSQL database `database` on 127.0.0.1:5432 (every non-system schema)."""
    return asyncio.run(_audit_pg(database))


# ---------------------------------------------------------------- MySQL / MariaDB


def my_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


MY_TABLES = """
SELECT TABLE_NAME FROM information_schema.TABLES
WHERE TABLE_SCHEMA = %s AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME"""

MY_FK_COLUMNS = """
SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME,
       REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = %s AND REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION"""

# EXPRESSION (MySQL 8.0.13+ functional key parts) does not exist on MariaDB: asked for only
# where the column is there. SUB_PART is a prefix length: the key holds only that prefix.
MY_UNIQUE_COLUMNS = """
SELECT s.TABLE_NAME, s.INDEX_NAME, s.COLUMN_NAME, s.SUB_PART, {expression}
FROM information_schema.STATISTICS s
JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = s.TABLE_SCHEMA
     AND t.TABLE_NAME = s.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'
WHERE s.TABLE_SCHEMA = %s AND s.NON_UNIQUE = 0
ORDER BY s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX"""


def _my_part(column: str | None, sub_part: int | None, expr: Any) -> str:
    if column is None:  # a functional key part: the server spells the expression
        return f"({expr.decode() if isinstance(expr, bytes) else expr})"
    if sub_part is None:
        return my_ident(column)
    # LEFT counts bytes on binary strings and characters on the others, as SUB_PART does
    return f"LEFT({my_ident(column)}, {int(sub_part)})"


def _group(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """Rows ordered by (table, name, position) grouped into one list per (table, name)."""
    out: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for r in rows:
        out.setdefault((r[0], r[1]), []).append(r[2:])
    return out


def audit_my(database: str) -> Audit:
    """Audit the MySQL/MariaDB database `database` on 127.0.0.1:3306."""
    import pymysql

    conn = pymysql.connect(**MY, database=database, connect_timeout=10)
    try:
        with conn.cursor() as cur:

            def val(sql: str, *args: Any) -> int:
                cur.execute(sql, args or None)
                return int(cur.fetchone()[0])

            def rows(sql: str, *args: Any) -> list[tuple[Any, ...]]:
                cur.execute(sql, args or None)
                return list(cur.fetchall())

            db = my_ident(database)
            audit = Audit()
            for (table,) in rows(MY_TABLES, database):
                audit.rows[f"{database}.{table}"] = val(
                    f"SELECT COUNT(*) FROM {db}.{my_ident(table)}"
                )
            for (table, name), cols in _group(rows(MY_FK_COLUMNS, database)).items():
                child = f"{db}.{my_ident(table)}"
                parent = f"{my_ident(cols[0][1])}.{my_ident(cols[0][2])}"
                on = " AND ".join(f"p.{my_ident(c[3])} = c.{my_ident(c[0])}" for c in cols)
                present = " AND ".join(f"c.{my_ident(c[0])} IS NOT NULL" for c in cols)
                audit.orphans[f"{database}.{table}/{name}"] = val(
                    f"SELECT COUNT(*) FROM {child} c LEFT JOIN {parent} p ON {on} "
                    f"WHERE p.{my_ident(cols[0][3])} IS NULL AND {present}"
                )
            has_expr = val(
                "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                "'information_schema' AND TABLE_NAME = 'STATISTICS' AND COLUMN_NAME = 'EXPRESSION'"
            )
            expression = "s.EXPRESSION" if has_expr else "NULL"
            uniques = rows(MY_UNIQUE_COLUMNS.format(expression=expression), database)
            for (table, name), cols in _group(uniques).items():
                parts = [_my_part(*c) for c in cols]
                present = " AND ".join(f"{p} IS NOT NULL" for p in parts)
                audit.duplicates[f"{database}.{table}/{name}"] = val(
                    f"SELECT COUNT(*) FROM (SELECT 1 FROM {db}.{my_ident(table)} "
                    f"WHERE {present} GROUP BY {', '.join(parts)} HAVING COUNT(*) > 1) g"
                )
            return audit
    finally:
        conn.close()
