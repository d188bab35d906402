"""Hypothesis strategies for random valid schemas, emitted as PostgreSQL and MariaDB DDL.

A schema is drawn as a small model (tables, columns, keys, foreign keys, CHECKs, indexes) and
rendered per dialect, so one example exercises the same shape on both servers. The ingredients
are the constraint patterns real application schemas use: composite keys over FKs, enums and
booleans; overlapping unique keys; expression and partial unique indexes (MariaDB: unique keys on
generated columns); nullable and NOT NULL self-references; nullable, deferrable and NOT NULL
cycles; the common CHECK forms, contradictory ones included; identity/auto-increment and
generated columns; partitioned tables with and without partitions (PostgreSQL); reserved-word
and odd identifiers.

Every drawn schema is valid DDL on both servers; a model that a dialect cannot express (a
partial index on MariaDB, a partitioned table with FKs there) is rendered without that part.
`Switches` turns whole ingredients off, so that a run can steer around areas known to fail
while the `long` profile still draws everything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Literal

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

# Each example creates, seeds and audits a real database (~1 s): no deadline, and the health
# checks about slow or large draws do not apply.
_SLOW = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("ci", max_examples=40, derandomize=True, print_blob=True, **_SLOW)
settings.register_profile("long", max_examples=1000, print_blob=True, **_SLOW)
# `hunt`: many random examples and no shrinking (shrinking a schema that seeds a real database
# takes many minutes); minimise the DDL a failure notes by hand instead.
settings.register_profile(
    "hunt", max_examples=1000, print_blob=True, phases=[Phase.explicit, Phase.generate], **_SLOW
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ_SETTINGS = settings.get_profile(PROFILE)
"""The fuzz tests' settings: the `ci` profile unless HYPOTHESIS_PROFILE names another."""
if os.environ.get("FASTSEED_FUZZ_NO_SHRINK"):
    FUZZ_SETTINGS = settings(FUZZ_SETTINGS, phases=[Phase.explicit, Phase.generate])

Dialect = Literal["postgres", "mariadb"]
Kind = Literal["int", "bigint", "text", "bool", "enum", "date", "numeric", "json"]

TABLE_NAMES = ["accounts", "order", "user accounts", "e-mail", "group", "items", "select", "t"]
COLUMN_NAMES = [
    "name",
    "code",
    "status",
    "e-mail",
    "order",
    "user",
    "key",
    "from",
    "amount",
    "starts_on",
    "ends_on",
    "level",
    "title",
    "slug",
    "payload",
    "flag",
    "kind",
    "rank",
    "my col",
]
LABELS = ["new", "active", "closed", "on hold", "it's", "A", "b"]
PATTERNS = {  # pattern -> the shortest varchar it needs
    "^[a-z0-9-]+$": 1,
    "^[A-Z]{3}-[0-9]{4}$": 8,
    "^[a-z]{2,8}$": 8,
    "^[0-9]{5}$": 5,
    "^[a-f]{2}$": 2,
}


@dataclass(frozen=True)
class Switches:
    """Ingredients the strategy may draw; turn one off to avoid an area known to fail."""

    checks: bool = True
    """CHECK constraints of every form (off: no CHECK at all, so no contradiction either)."""
    contradictions: bool = True
    not_equal: bool = True
    """`col <> 7` CHECKs (the column may later join a unique key)."""
    partition_checks: bool = True
    """CHECKs on a partitioned table's partition column (alone or against another column)."""
    pair_checks: bool = True
    """`a < b` CHECKs between two columns (either may be or join a key)."""
    fk_part_uniques: bool = True
    """Unique keys that hold some but not all columns of a composite FK."""
    one_of_two: bool = True
    """Exactly-one / at-most-one of two nullable columns (FKs where a parent exists)."""
    partitions: bool = True
    empty_partitioned: bool = True
    not_null_self_refs: bool = True
    unique_self_refs: bool = True
    """Unique keys that hold a self-reference's column (one-to-one links within a table)."""
    not_null_cycles: bool = True
    expression_uniques: bool = True
    partial_uniques: bool = True
    json: bool = True

    @classmethod
    def from_env(cls, default: str = "", variable: str = "FASTSEED_FUZZ_OFF") -> Switches:
        """All ingredients, minus those named (comma-separated) in the environment variable,
        e.g. FASTSEED_FUZZ_OFF=checks,partitions, or in `default` when it is not set."""
        named = os.environ.get(variable, default)
        off = [n.strip() for n in named.split(",") if n.strip()]
        unknown = set(off) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"{variable}: unknown switch {sorted(unknown)}")
        return cls(**dict.fromkeys(off, False))


ALL = Switches()


@dataclass(frozen=True)
class Col:
    name: str
    kind: Kind
    nullable: bool = True
    length: int = 0
    """varchar length for text columns."""
    labels: tuple[str, ...] = ()
    """Enum labels (PostgreSQL: a type named after table and column)."""
    enum_type: str = ""
    identity: str = ""
    """'' or 'always', 'by default', 'serial' (PostgreSQL); any value is AUTO_INCREMENT."""
    generated: str = ""
    """'' or 'lower:<col>' / 'mod:<col>': a generated column computed from another."""
    stored: bool = True


@dataclass(frozen=True)
class Check:
    """One CHECK, as a form and its operands; `rendered` gives each dialect's SQL."""

    form: str
    cols: tuple[str, ...]
    args: tuple[object, ...] = ()
    contradictory: bool = False


@dataclass(frozen=True)
class FK:
    cols: tuple[str, ...]
    table: str
    ref: tuple[str, ...]
    deferrable: bool = False
    late: bool = False
    """Added by ALTER TABLE after every table exists: the back edge of a cycle."""


@dataclass(frozen=True)
class Index:
    """A unique index beyond the table's constraints: on lower(col), or partial."""

    form: Literal["lower", "partial"]
    col: str
    where: str = ""
    """For partial indexes: the column the predicate tests."""


@dataclass(frozen=True)
class Partitioning:
    method: Literal["hash", "range", "bounded", "list"]
    col: str
    with_partitions: bool


@dataclass
class TableModel:
    name: str
    cols: list[Col] = field(default_factory=list)
    pk: tuple[str, ...] = ()
    uniques: list[tuple[str, ...]] = field(default_factory=list)
    fks: list[FK] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    partitioning: Partitioning | None = None

    def col(self, name: str) -> Col:
        return next(c for c in self.cols if c.name == name)

    def free_name(self, wanted: str) -> str:
        taken = {c.name for c in self.cols}
        name, n = wanted, 2
        while name in taken:
            name, n = f"{wanted}_{n}", n + 1
        return name

    @property
    def plain(self) -> list[Col]:
        """Columns a CHECK or key may use: written by the loader, not keys of other rules."""
        fk_cols = {c for fk in self.fks for c in fk.cols}
        return [
            c
            for c in self.cols
            if not c.identity and not c.generated and c.name not in fk_cols and c.kind != "json"
        ]


@dataclass
class SchemaModel:
    tables: list[TableModel]

    @property
    def contradictory(self) -> bool:
        return any(ch.contradictory for t in self.tables for ch in t.checks)

    def ddl(self, dialect: Dialect) -> list[str]:
        """The statements that create this schema on `dialect`, in order."""
        return (postgres_ddl if dialect == "postgres" else mariadb_ddl)(self)

    def table(self, name: str) -> TableModel:
        return next(t for t in self.tables if t.name == name)


# -- rendering -------------------------------------------------------------------------------


def quote(dialect: Dialect, name: str) -> str:
    if dialect == "postgres":
        return '"' + name.replace('"', '""') + '"'
    return "`" + name.replace("`", "``") + "`"


def literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def col_type(d: Dialect, c: Col) -> str:
    if d == "postgres":
        if c.identity == "serial":
            return "serial"
        return {
            "int": "integer",
            "bigint": "bigint",
            "text": f"varchar({c.length})",
            "bool": "boolean",
            "enum": quote(d, c.enum_type),
            "date": "date",
            "numeric": "numeric(8,2)",
            "json": "jsonb",
        }[c.kind]
    return {
        "int": "int",
        "bigint": "bigint",
        "text": f"varchar({c.length})",
        "bool": "boolean",
        "enum": "enum(" + ", ".join(literal(x) for x in c.labels) + ")",
        "date": "date",
        "numeric": "decimal(8,2)",
        "json": "longtext",
    }[c.kind]


def generated_expr(d: Dialect, c: Col) -> str:
    fn, src = c.generated.split(":", 1)
    q = quote(d, src)
    return f"lower({q})" if fn == "lower" else f"({q} % 7)"


def col_def(d: Dialect, c: Col) -> str:
    parts = [quote(d, c.name), col_type(d, c)]
    if c.generated:
        expr = generated_expr(d, c)
        if d == "postgres":
            parts.append(f"GENERATED ALWAYS AS ({expr}) STORED")
        else:
            parts.append(f"AS ({expr}) {'STORED' if c.stored else 'VIRTUAL'}")
        return " ".join(parts)
    if c.identity and d == "mariadb":
        parts.append("AUTO_INCREMENT")
    elif c.identity and c.identity != "serial":
        parts.append(f"GENERATED {c.identity.upper()} AS IDENTITY")
    parts.append("NULL" if c.nullable else "NOT NULL")
    return " ".join(parts)


def check_sql(d: Dialect, ch: Check) -> str:
    q = [quote(d, c) for c in ch.cols]
    a = ch.args
    match ch.form:
        case "cmp":  # col op const
            return f"{q[0]} {a[0]} {literal(a[1])}"
        case "range":  # lo < col AND col < hi: contradictory when lo >= hi
            return f"{q[0]} > {literal(a[0])} AND {q[0]} < {literal(a[1])}"
        case "cols":  # a op b
            return f"{q[0]} {a[0]} {q[1]}"
        case "between":
            return f"{q[0]} BETWEEN {literal(a[0])} AND {literal(a[1])}"
        case "in":  # fn(col) IN (...)
            fn, values = a[0], a[1]
            assert isinstance(values, tuple)
            target = f"{fn}({q[0]})" if fn else q[0]
            if d == "postgres" and a[2]:
                return f"{target} = ANY (ARRAY[{', '.join(literal(v) for v in values)}])"
            return f"{target} IN ({', '.join(literal(v) for v in values)})"
        case "length":
            fn = "char_length" if d == "mariadb" or a[2] else "length"
            return f"{fn}({q[0]}) BETWEEN {a[0]} AND {a[1]}"
        case "regex":
            return f"{q[0]} {'~' if d == 'postgres' else 'REGEXP'} {literal(a[0])}"
        case "exactly_one":
            if d == "postgres" and a[0]:
                return f"num_nonnulls({q[0]}, {q[1]}) = 1"
            return f"({q[0]} IS NOT NULL) <> ({q[1]} IS NOT NULL)"
        case "at_most_one":
            return f"{q[0]} IS NULL OR {q[1]} IS NULL"
        case "json":
            if d == "postgres":
                return f"jsonb_typeof({q[0]}) = 'object'"
            return f"json_valid({q[0]})"
    raise AssertionError(ch.form)


def _body(d: Dialect, t: TableModel, fks: list[FK]) -> list[str]:
    lines = [col_def(d, c) for c in t.cols]
    if t.pk:
        lines.append(f"PRIMARY KEY ({', '.join(quote(d, c) for c in t.pk)})")
    lines += [f"UNIQUE ({', '.join(quote(d, c) for c in u)})" for u in t.uniques]
    lines += [f"CHECK ({check_sql(d, ch)})" for ch in t.checks]
    lines += [fk_sql(d, fk) for fk in fks]
    return lines


def fk_sql(d: Dialect, fk: FK) -> str:
    sql = (
        f"FOREIGN KEY ({', '.join(quote(d, c) for c in fk.cols)}) REFERENCES "
        f"{quote(d, fk.table)} ({', '.join(quote(d, c) for c in fk.ref)})"
    )
    if fk.deferrable and d == "postgres":
        sql += " DEFERRABLE INITIALLY DEFERRED"
    return sql


def postgres_ddl(s: SchemaModel) -> list[str]:
    d: Dialect = "postgres"
    out: list[str] = []
    enums = {c.enum_type: c.labels for t in s.tables for c in t.cols if c.kind == "enum"}
    for name, labels in enums.items():
        values = ", ".join(literal(x) for x in labels)
        out.append(f"CREATE TYPE {quote(d, name)} AS ENUM ({values})")
    for t in s.tables:
        body = ",\n  ".join(_body(d, t, [fk for fk in t.fks if not fk.late]))
        sql = f"CREATE TABLE {quote(d, t.name)} (\n  {body}\n)"
        p = t.partitioning
        if p is not None:
            method = "HASH" if p.method == "hash" else "LIST" if p.method == "list" else "RANGE"
            sql += f" PARTITION BY {method} ({quote(d, p.col)})"
        out.append(sql)
        if p is not None and p.with_partitions:
            out += _pg_partitions(t, p)
        for ix in t.indexes:
            name = quote(d, f"{t.name}_{ix.col}_{ix.form}_uq")
            if ix.form == "lower":
                target = f"(lower({quote(d, ix.col)}))"
                out.append(f"CREATE UNIQUE INDEX {name} ON {quote(d, t.name)} {target}")
            else:
                out.append(
                    f"CREATE UNIQUE INDEX {name} ON {quote(d, t.name)} ({quote(d, ix.col)}) "
                    f"WHERE {quote(d, ix.where)} IS NOT NULL"
                )
    out += _late_fks(d, s)
    return out


def _pg_partitions(t: TableModel, p: Partitioning) -> list[str]:
    d: Dialect = "postgres"
    parent = quote(d, t.name)
    part = [quote(d, f"{t.name}_p{i}") for i in range(3)]
    if p.method == "hash":
        return [
            f"CREATE TABLE {part[i]} PARTITION OF {parent} "
            f"FOR VALUES WITH (MODULUS 2, REMAINDER {i})"
            for i in range(2)
        ]
    if p.method == "range":
        return [
            f"CREATE TABLE {part[0]} PARTITION OF {parent} FOR VALUES FROM (MINVALUE) TO (0)",
            f"CREATE TABLE {part[1]} PARTITION OF {parent} FOR VALUES FROM (0) TO (MAXVALUE)",
        ]
    if p.method == "bounded":
        return [
            f"CREATE TABLE {part[0]} PARTITION OF {parent} FOR VALUES FROM (0) TO (500)",
            f"CREATE TABLE {part[1]} PARTITION OF {parent} FOR VALUES FROM (500) TO (1000000)",
        ]
    labels = t.col(p.col).labels
    return [
        f"CREATE TABLE {part[0]} PARTITION OF {parent} FOR VALUES IN "
        f"({', '.join(literal(x) for x in labels[:-1])})",
        f"CREATE TABLE {part[1]} PARTITION OF {parent} FOR VALUES IN ({literal(labels[-1])})",
    ]


def _late_fks(d: Dialect, s: SchemaModel) -> list[str]:
    return [
        f"ALTER TABLE {quote(d, t.name)} ADD {fk_sql(d, fk)}"
        for t in s.tables
        for fk in t.fks
        if fk.late
    ]


def mariadb_ddl(s: SchemaModel) -> list[str]:
    d: Dialect = "mariadb"
    out: list[str] = []
    for t in s.tables:
        lines = _body(d, t, [fk for fk in t.fks if not fk.late])
        for ix in t.indexes:
            # MariaDB has no functional or partial indexes: a unique key on a generated column
            if ix.form == "lower":
                lines.append(f"UNIQUE ({quote(d, _lower_col(ix))})")
        body = ",\n  ".join(lines)
        out.append(f"CREATE TABLE {quote(d, t.name)} (\n  {body}\n)")
    out += _late_fks(d, s)
    return out


def _lower_col(ix: Index) -> str:
    return f"{ix.col}_lc"


# -- drawing ---------------------------------------------------------------------------------


def one_in(draw: st.DrawFn, n: int) -> bool:
    """True about once in `n` draws. Hypothesis favours the ends of an integer range, so the
    rare outcome is a middle value: `integers(0, n - 1) == 0` would come up far more often."""
    return draw(st.integers(0, n - 1)) == n // 2


@st.composite
def _plain_col(draw: st.DrawFn, t: TableModel, switches: Switches) -> Col:
    kinds: list[Kind] = ["int", "bigint", "text", "bool", "enum", "date", "numeric"]
    if switches.json:
        kinds.append("json")
    kind = draw(st.sampled_from(kinds))
    name = t.free_name(draw(st.sampled_from(COLUMN_NAMES)))
    nullable = draw(st.booleans())
    if kind == "text":
        return Col(name, kind, nullable, length=draw(st.sampled_from([1, 3, 8, 20, 60])))
    if kind == "enum":
        labels = tuple(draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=4, unique=True)))
        return Col(name, kind, nullable, labels=labels, enum_type=f"{t.name}_{name}_t")
    return Col(name, kind, nullable)


def _copy_for_fk(parent: TableModel, ref: str, name: str, nullable: bool) -> Col:
    """A child column with the type of the parent's key column (an identity becomes plain)."""
    src = parent.col(ref)
    return replace(src, name=name, nullable=nullable, identity="", generated="")


@st.composite
def _add_fk(
    draw: st.DrawFn, t: TableModel, parent: TableModel, nullable: bool, late: bool = False
) -> FK:
    cols = []
    for ref in parent.pk:
        base = f"{parent.name}_{ref}" if len(parent.pk) > 1 else f"{parent.name}_id"
        c = _copy_for_fk(parent, ref, t.free_name(base), nullable)
        t.cols.append(c)
        cols.append(c.name)
    deferrable = late and draw(st.booleans())
    fk = FK(tuple(cols), parent.name, parent.pk, deferrable=deferrable, late=late)
    t.fks.append(fk)
    return fk


def _key_parent(tables: list[TableModel]) -> list[TableModel]:
    """Tables a foreign key may point at: keyed, not partitioned."""
    return [t for t in tables if t.pk and t.partitioning is None]


@st.composite
def _primary_key(draw: st.DrawFn, t: TableModel, earlier: list[TableModel]) -> None:
    parents = _key_parent(earlier)
    shapes = ["identity", "int", "text"]
    if parents:
        shapes += ["fk_pair", "fk_enum", "fk_bool"]
    shape = draw(st.sampled_from(shapes))
    if shape == "identity":
        ident = draw(st.sampled_from(["always", "by default", "serial"]))
        kind: Kind = "int" if ident == "serial" else draw(st.sampled_from(["int", "bigint"]))
        t.cols.append(Col("id", kind, False, identity=ident))
        t.pk = ("id",)
    elif shape == "int":
        t.cols.append(Col("id", "int", False))
        t.pk = ("id",)
    elif shape == "text":
        t.cols.append(Col("code", "text", False, length=draw(st.sampled_from([2, 12, 40]))))
        t.pk = ("code",)
    else:
        first = draw(st.sampled_from(parents))
        fk = draw(_add_fk(t, first, nullable=False))
        cols = list(fk.cols)
        if shape == "fk_pair":
            second = draw(st.sampled_from(parents))
            cols += draw(_add_fk(t, second, nullable=False)).cols
        elif shape == "fk_enum":
            labels = tuple(
                draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=3, unique=True))
            )
            role = t.free_name("role")
            t.cols.append(Col(role, "enum", False, labels=labels, enum_type=f"{t.name}_{role}_t"))
            cols.append(role)
        else:
            t.cols.append(Col(t.free_name("is_admin"), "bool", False))
            cols.append(t.cols[-1].name)
        t.pk = tuple(cols)


@st.composite
def _checks(draw: st.DrawFn, t: TableModel, switches: Switches) -> None:
    """A few CHECKs over the table's plain columns, each of a form that fits the types.

    One CHECK per column: two drawn independently could contradict each other (a length the
    IN list cannot meet), and only the deliberate contradictions should be unsatisfiable."""
    for _ in range(draw(st.integers(0, 3)) if switches.checks else 0):
        checked = {name for ch in t.checks for name in ch.cols}
        plain = [c for c in _checkable(t, switches) if c.name not in checked]
        if not plain:
            return
        c = draw(st.sampled_from(plain))
        contradict = switches.contradictions and not c.nullable and one_in(draw, 12)
        if c.kind in ("int", "bigint", "numeric"):
            form = draw(st.sampled_from(["cmp", "between", "in", "range", "cols"]))
            if contradict:
                t.checks.append(Check("range", (c.name,), (10, 5), contradictory=True))
            elif form == "cmp":
                ops = [(">", 0), (">=", 1), ("<", 1000)] + [("<>", 7)] * switches.not_equal
                op, k = draw(st.sampled_from(ops))
                t.checks.append(Check("cmp", (c.name,), (op, k)))
            elif form == "between":
                lo = draw(st.integers(-50, 50))
                t.checks.append(Check("between", (c.name,), (lo, lo + draw(st.integers(0, 100)))))
            elif form == "in":
                vals = tuple(
                    draw(st.lists(st.integers(-5, 99), min_size=1, max_size=5, unique=True))
                )
                t.checks.append(Check("in", (c.name,), ("", vals, draw(st.booleans()))))
            elif form == "range":
                t.checks.append(Check("range", (c.name,), (0, 100)))
            else:
                _column_pair_check(draw, t, c, switches)
        elif c.kind == "date":
            if contradict:
                t.checks.append(Check("range", (c.name,), ("2030-01-01", "2000-01-01"), True))
            elif draw(st.booleans()):
                t.checks.append(Check("cmp", (c.name,), (">=", "2000-01-01")))
            else:
                _column_pair_check(draw, t, c, switches)
        elif c.kind == "text":
            _text_check(draw, t, c, contradict)


def _checkable(t: TableModel, switches: Switches) -> list[Col]:
    """The plain columns a CHECK may test (not the partition column unless switched on)."""
    p = t.partitioning
    if switches.partition_checks or p is None:
        return t.plain
    return [c for c in t.plain if c.name != p.col]


def _column_pair_check(draw: st.DrawFn, t: TableModel, c: Col, switches: Switches) -> None:
    """`c < other` for another column of the same type; with its reverse when contradictory."""
    if not switches.pair_checks:
        return
    others = [o for o in _checkable(t, switches) if o.kind == c.kind and o.name != c.name]
    if not others:
        return
    o = draw(st.sampled_from(others))
    t.checks.append(Check("cols", (c.name, o.name), ("<",)))
    both_set = not c.nullable and not o.nullable
    if both_set and one_in(draw, 25):
        t.checks.append(Check("cols", (o.name, c.name), ("<",), contradictory=True))


def _text_check(draw: st.DrawFn, t: TableModel, c: Col, contradict: bool) -> None:
    form = draw(st.sampled_from(["in", "length", "regex"]))
    if contradict and c.length < 60:
        # a minimum length the type cannot hold
        t.checks.append(Check("length", (c.name,), (c.length + 1, c.length + 5, True), True))
    elif form == "in":
        fn = draw(st.sampled_from(["", "lower", "upper"]))
        words = draw(
            st.lists(
                st.sampled_from(["sc", "vc", "em", "in", "sp"]), min_size=1, max_size=4, unique=True
            )
        )
        fit = [w[: c.length] for w in words]
        vals = tuple(dict.fromkeys(w.upper() if fn == "upper" else w for w in fit))
        t.checks.append(Check("in", (c.name,), (fn, vals, draw(st.booleans()))))
    elif form == "length":
        lo = draw(st.integers(1, c.length))
        hi = draw(st.integers(lo, c.length))
        t.checks.append(Check("length", (c.name,), (lo, hi, draw(st.booleans()))))
    else:
        pattern = draw(
            st.sampled_from([p for p, n in PATTERNS.items() if n <= c.length] or ["^[a-z0-9-]+$"])
        )
        t.checks.append(Check("regex", (c.name,), (pattern,)))
        # (a unique key on a partitioned table must hold its partition column: not here)
        alone = (c.name,) not in t.uniques and t.pk != (c.name,) and t.partitioning is None
        if draw(st.booleans()) and alone:
            t.uniques.append((c.name,))


@st.composite
def _uniques(draw: st.DrawFn, t: TableModel, switches: Switches) -> None:
    self_ref = {c for fk in t.fks if fk.table == t.name for c in fk.cols}
    keyable = [
        c
        for c in t.cols
        if c.kind != "json"
        and not c.generated
        and (switches.unique_self_refs or c.name not in self_ref)
    ]
    for _ in range(draw(st.integers(0, 2))):
        key = tuple(
            draw(
                st.lists(
                    st.sampled_from([c.name for c in keyable]), min_size=1, max_size=3, unique=True
                )
            )
        )
        if (
            key != t.pk
            and key not in t.uniques
            and (switches.fk_part_uniques or _whole_fks(t, key))
        ):
            t.uniques.append(key)
    texts = [c for c in t.plain if c.kind == "text" and c.length >= 3]
    if switches.expression_uniques and texts and draw(st.booleans()):
        c = draw(st.sampled_from(texts))
        t.indexes.append(Index("lower", c.name))
        stored = draw(st.booleans())
        t.cols.append(
            Col(
                _lower_col(Index("lower", c.name)),
                "text",
                True,
                length=c.length,
                generated=f"lower:{c.name}",
                stored=stored,
            )
        )
    nullable = [c for c in t.plain if c.nullable and c.kind != "bool"]
    if switches.partial_uniques and nullable and one_in(draw, 4):
        key = draw(st.sampled_from([c.name for c in keyable]))
        t.indexes.append(Index("partial", key, where=draw(st.sampled_from(nullable)).name))


def _whole_fks(t: TableModel, key: tuple[str, ...]) -> bool:
    """Whether `key` holds each composite FK of `t` whole or not at all."""
    return all(
        len(set(fk.cols) & set(key)) in (0, len(fk.cols)) for fk in t.fks if len(fk.cols) > 1
    )


@st.composite
def _generated(draw: st.DrawFn, t: TableModel) -> None:
    ints = [c for c in t.plain if c.kind == "int"]
    if ints and draw(st.booleans()):
        src = draw(st.sampled_from(ints))
        t.cols.append(
            Col(
                t.free_name(f"{src.name}_mod"),
                "bigint",
                True,
                generated=f"mod:{src.name}",
                stored=draw(st.booleans()),
            )
        )


@st.composite
def _one_of_two(draw: st.DrawFn, t: TableModel, earlier: list[TableModel]) -> None:
    """Two nullable references (FKs when a parent exists) of which one, or at most one, is set."""
    parents = [p for p in _key_parent(earlier) if len(p.pk) == 1]
    names = []
    for _ in range(2):
        if parents and draw(st.booleans()):
            names.append(draw(_add_fk(t, draw(st.sampled_from(parents)), nullable=True)).cols[0])
        else:
            t.cols.append(Col(t.free_name("ref"), "int", True))
            names.append(t.cols[-1].name)
    if draw(st.booleans()):
        t.checks.append(Check("exactly_one", tuple(names), (draw(st.booleans()),)))
    else:
        t.checks.append(Check("at_most_one", tuple(names)))


@st.composite
def _partitioning(draw: st.DrawFn, t: TableModel, switches: Switches) -> None:
    """A partitioned table: its key holds the partition column, and nothing refers to it."""
    method = draw(st.sampled_from(["hash", "range", "bounded", "list"]))
    with_parts = not switches.empty_partitioned or not one_in(draw, 4)
    t.cols.append(Col("id", "bigint", False))
    if method == "list":
        labels = tuple(draw(st.lists(st.sampled_from(LABELS), min_size=2, max_size=4, unique=True)))
        t.cols.append(Col("region", "enum", False, labels=labels, enum_type=f"{t.name}_region_t"))
        pcol = "region"
    elif method == "hash":
        pcol = "id"
    else:
        t.cols.append(Col("bucket", "int", False))
        pcol = "bucket"
    t.pk = ("id", pcol) if pcol != "id" else ("id",)
    t.partitioning = Partitioning(method, pcol, with_parts)


@st.composite
def schemas(draw: st.DrawFn, switches: Switches = ALL) -> SchemaModel:
    """A random valid schema of 1-4 tables, each drawing a handful of the ingredients."""
    n = draw(st.integers(1, 4))
    names = draw(st.lists(st.sampled_from(TABLE_NAMES), min_size=n, max_size=n, unique=True))
    tables: list[TableModel] = []
    for name in names:
        t = TableModel(name)
        partitioned = switches.partitions and one_in(draw, 10)
        if partitioned:
            draw(_partitioning(t, switches))
        else:
            draw(_primary_key(t, tables))
        for _ in range(draw(st.integers(0, 4))):
            t.cols.append(draw(_plain_col(t, switches)))
        parents = _key_parent(tables)
        for _ in range(draw(st.integers(0, 2)) if parents else 0):
            draw(_add_fk(t, draw(st.sampled_from(parents)), nullable=draw(st.booleans())))
        if not partitioned:
            _self_reference(draw, t, switches)
            if switches.one_of_two and one_in(draw, 4):
                draw(_one_of_two(t, tables))
        draw(_checks(t, switches))
        if not partitioned:
            draw(_uniques(t, switches))
        draw(_generated(t))
        if switches.checks:
            _json_check(draw, t)
        tables.append(t)
    _cycle(draw, tables, switches)
    return SchemaModel(tables)


def _self_reference(draw: st.DrawFn, t: TableModel, switches: Switches) -> None:
    if t.pk != ("id",) or not one_in(draw, 4):
        return
    nullable = not switches.not_null_self_refs or draw(st.booleans())
    col = replace(_copy_for_fk(t, "id", t.free_name("parent_id"), nullable))
    t.cols.append(col)
    t.fks.append(FK((col.name,), t.name, ("id",)))


def _json_check(draw: st.DrawFn, t: TableModel) -> None:
    for c in t.cols:
        if c.kind == "json" and draw(st.booleans()):
            t.checks.append(Check("json", (c.name,)))


def _cycle(draw: st.DrawFn, tables: list[TableModel], switches: Switches) -> None:
    """Close a cycle: an earlier table gets an FK to a later one that (transitively) refers
    back; nullable, deferrable (PostgreSQL) or NOT NULL."""
    keyed = _key_parent(tables)
    pairs = [
        (a, b)
        for i, a in enumerate(tables)
        for b in tables[i + 1 :]
        if b in keyed and a.partitioning is None and any(fk.table == a.name for fk in b.fks)
    ]
    if not pairs or not one_in(draw, 3):
        return
    a, b = draw(st.sampled_from(pairs))
    nullable = not switches.not_null_cycles or draw(st.booleans())
    draw(_add_fk(a, b, nullable=nullable, late=True))
