"""CHECK constraints, domain checks and partition bounds turned into per-column value rules.

The common forms are parsed (comparisons with constants, BETWEEN, IN lists, `= ANY (ARRAY[..])`,
`length(col)` bounds, IS NOT NULL, AND of these, OR of equalities on one column) whether the
server prints them PostgreSQL-style (casts with ::) or MySQL-style (backticks). A check that
is not understood is reported by name so the plan can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from fastseed.generate import hashing as h
from fastseed.schema import Catalog, Table

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>[Ee]?'(?:[^']|'')*')
    | (?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<qid>"(?:[^"]|"")+"|`(?:[^`]|``)+`)
    | (?P<cast>::\s*(?:"[^"]+"|[A-Za-z_][\w.]*)
        (?:\s+(?:without|with|time|zone|varying|precision)\b)*
        (?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*)
    | (?P<op>!~~\*?|~~\*?|!~\*?|~\*?|<>|!=|>=|<=|=|<|>|\(|\)|,|\[|\])
    | (?P<word>[A-Za-z_][\w$]*)
    )""",
    re.VERBOSE,
)


LeafBound = tuple[str, Any, Any] | tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class ColumnRule:
    """What a column's values must satisfy; literals stay text until typed by the generator."""

    low: str | None = None
    low_inclusive: bool = True
    high: str | None = None
    high_inclusive: bool = True
    choices: tuple[str, ...] | None = None
    leaves: tuple[LeafBound | None, ...] | None = None
    """Per leaf partition of the table, what this column must hold to land there: a half-open
    ('range', low, high) or a ('list', values); None where the leaf does not constrain it.
    Every column of a row uses the same leaf (see `leaf_index`)."""
    min_length: int | None = None
    max_length: int | None = None
    excluded: tuple[str, ...] = ()
    not_null: bool = False
    after: str | None = None
    """Another column of the row this one must not be smaller than (CHECK (a <= b))."""
    after_strict: bool = False
    pattern: str | None = None
    """A simple regular expression the value must match (from `~` or LIKE)."""
    unique_step: int | None = None
    """Seconds: unique time values lie at least this far apart (a unique index on
    ``date(created_at)`` needs one value per day); see `keyexpr`."""

    def merge(self, other: ColumnRule) -> ColumnRule:
        out = self
        if other.low is not None:
            out = replace(out, low=other.low, low_inclusive=other.low_inclusive)
        if other.high is not None:
            out = replace(out, high=other.high, high_inclusive=other.high_inclusive)
        if other.choices is not None:
            keep = other.choices
            if out.choices is not None:
                keep = tuple(c for c in out.choices if c in other.choices)
            out = replace(out, choices=keep)
        if other.leaves is not None:
            out = replace(out, leaves=other.leaves)
        if other.min_length is not None:
            out = replace(out, min_length=max(other.min_length, out.min_length or 0))
        if other.max_length is not None:
            cur = out.max_length
            out = replace(out, max_length=min(other.max_length, cur or other.max_length))
        if other.after is not None:
            out = replace(out, after=other.after, after_strict=other.after_strict)
        if other.pattern is not None:
            out = replace(out, pattern=other.pattern)
        if other.unique_step is not None:
            out = replace(out, unique_step=max(other.unique_step, out.unique_step or 1))
        return replace(
            out, excluded=out.excluded + other.excluded, not_null=out.not_null or other.not_null
        )


@dataclass
class TableRules:
    columns: dict[str, ColumnRule] = field(default_factory=dict)
    handled: list[str] = field(default_factory=list)
    """Names of checks turned into rules."""
    unhandled: list[str] = field(default_factory=list)
    """Names of checks fastseed could not parse (values may violate them)."""

    def add(self, column: str, rule: ColumnRule) -> None:
        self.columns[column] = self.columns.get(column, ColumnRule()).merge(rule)


class _Unparsed(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise _Unparsed(text[pos:])
        pos = m.end()
        kind = m.lastgroup or ""
        if kind == "cast":
            continue  # casts only restate the column's type
        out.append((kind, m.group(kind)))
    return out


def _unquote_string(tok: str) -> str:
    if tok[0] in "Ee":
        tok = tok[1:]
    return tok[1:-1].replace("''", "'")


def _unquote_ident(tok: str) -> str:
    if tok[0] in '"`':
        return tok[1:-1].replace(tok[0] * 2, tok[0])
    return tok


class _Parser:
    """Recursive descent over a boolean expression; yields (column, rule) conjunctions."""

    def __init__(self, text: str, columns: set[str], value_name: str | None) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.columns = {c.lower(): c for c in columns}
        self.value_name = value_name

    def peek(self, k: int = 0) -> tuple[str, str]:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else ("eof", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        _, val = self.take()
        if val.upper() != value.upper():
            raise _Unparsed(f"expected {value}, got {val}")

    def parse(self) -> list[tuple[str, ColumnRule]]:
        out = self.disjunction()
        if self.peek()[0] != "eof":
            raise _Unparsed("trailing tokens")
        return out

    def disjunction(self) -> list[tuple[str, ColumnRule]]:
        parts = [self.conjunction()]
        while self.peek()[1].upper() == "OR":
            self.take()
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        # OR is understood only as a choice between values of one column
        cols = {c for part in parts for c, _ in part}
        if len(cols) != 1 or any(len(p) != 1 or p[0][1].choices is None for p in parts):
            raise _Unparsed("OR across columns")
        choices = tuple(v for p in parts for v in p[0][1].choices or ())
        return [(cols.pop(), ColumnRule(choices=choices))]

    def conjunction(self) -> list[tuple[str, ColumnRule]]:
        out = self.primary()
        while self.peek()[1].upper() == "AND":
            self.take()
            out += self.primary()
        return out

    def primary(self) -> list[tuple[str, ColumnRule]]:
        if self.peek()[1] == "(":
            # a parenthesised sub-expression, unless it is a parenthesised column reference
            save = self.i
            self.take()
            try:
                inner = self.disjunction()
                self.expect(")")
                if self.peek()[1].upper() in {"AND", "OR", ")", ""} or self.peek()[0] == "eof":
                    return inner
            except _Unparsed:
                pass
            self.i = save
        return self.comparison()

    def operand(self) -> tuple[str, str]:
        """('col', name) | ('len', name) | ('lit', text) | ('null', '')."""
        kind, val = self.peek()
        if val == "(":
            self.take()
            inner = self.operand()
            self.expect(")")
            return inner
        if kind == "str":
            self.take()
            return "lit", _unquote_string(val)
        if kind == "num":
            self.take()
            return "lit", val
        if kind in {"word", "qid"}:
            name = _unquote_ident(val)
            upper = name.upper() if kind == "word" else ""
            if upper in {"LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH"} and self.peek(1)[1] == "(":
                self.take()
                self.take()
                inner = self.operand()
                self.expect(")")
                if inner[0] != "col":
                    raise _Unparsed("length of non-column")
                return "len", inner[1]
            if upper == "NULL":
                self.take()
                return "null", ""
            if upper in {"TRUE", "FALSE"}:
                self.take()
                return "lit", upper.lower()
            if upper == "VALUE" and self.value_name is not None:
                self.take()
                return "col", self.value_name
            col = self.columns.get(name.lower())
            if col is not None:
                self.take()
                return "col", col
        if kind == "op" and val == "-" and self.peek(1)[0] == "num":
            self.take()
            return "lit", "-" + self.take()[1]
        raise _Unparsed(f"operand {val}")

    def literal_list(self) -> tuple[str, ...]:
        items: list[str] = []
        while True:
            kind, val = self.operand()
            if kind != "lit":
                raise _Unparsed("non-literal in list")
            items.append(val)
            if self.peek()[1] == ",":
                self.take()
                continue
            return tuple(items)

    def comparison(self) -> list[tuple[str, ColumnRule]]:
        left = self.operand()
        kind, val = self.peek()
        word = val.upper()
        negate = False
        if word == "NOT" and self.peek(1)[1].upper() in {"IN", "BETWEEN"}:
            self.take()
            negate = True
            word = self.peek()[1].upper()
        if word == "IS":
            self.take()
            not_ = self.peek()[1].upper() == "NOT"
            if not_:
                self.take()
            self.expect("NULL")
            if left[0] != "col":
                raise _Unparsed("IS on non-column")
            return [(left[1], ColumnRule(not_null=True))] if not_ else []
        if word == "IN":
            self.take()
            self.expect("(")
            items = self.literal_list()
            self.expect(")")
            return self._set(left, items, negate)
        if word == "BETWEEN":
            self.take()
            low = self.operand()
            self.expect("AND")
            high = self.operand()
            if negate or left[0] == "lit" or low[0] != "lit" or high[0] != "lit":
                raise _Unparsed("BETWEEN form")
            return self._bound(left, ">=", low[1]) + self._bound(left, "<=", high[1])
        if (kind == "op" and val in {"~", "~*", "~~", "~~*"}) or word in {"LIKE", "ILIKE"}:
            self.take()
            right = self.operand()
            if left[0] != "col" or right[0] != "lit":
                raise _Unparsed("pattern form")
            regex = right[1] if val in {"~", "~*"} else like_to_regex(right[1])
            return [(left[1], ColumnRule(pattern=regex))]
        if kind == "op" and val in {"=", "<>", "!=", ">=", "<=", "<", ">"}:
            self.take()
            if self.peek()[1].upper() in {"ANY", "SOME"}:
                self.take()
                self.expect("(")
                depth = 1
                while self.peek()[1] == "(":  # ((ARRAY[...])::text[])
                    self.take()
                    depth += 1
                self.expect("ARRAY")
                self.expect("[")
                items = self.literal_list()
                self.expect("]")
                for _ in range(depth):
                    self.expect(")")
                if val != "=":
                    raise _Unparsed("non-equality ANY")
                return self._set(left, items, False)
            right = self.operand()
            if left[0] == "lit" and right[0] != "lit":
                left, right = right, left
                val = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(val, val)
            if left[0] == "col" and right[0] == "col" and val in {"<", "<=", ">", ">="}:
                # a row-internal order (created_at <= updated_at): the later column follows
                early, late = (left[1], right[1]) if val in {"<", "<="} else (right[1], left[1])
                return [(late, ColumnRule(after=early, after_strict=val in {"<", ">"}))]
            if right[0] != "lit":
                raise _Unparsed("comparison between columns")
            return self._bound(left, val, right[1])
        raise _Unparsed(f"operator {val}")

    def _set(
        self, left: tuple[str, str], items: tuple[str, ...], negate: bool
    ) -> list[tuple[str, ColumnRule]]:
        if left[0] != "col":
            raise _Unparsed("IN on non-column")
        if negate:
            return [(left[1], ColumnRule(excluded=items))]
        return [(left[1], ColumnRule(choices=items))]

    def _bound(self, left: tuple[str, str], op: str, lit: str) -> list[tuple[str, ColumnRule]]:
        target, name = left
        if target == "len":
            n = int(float(lit))
            rules = {
                ">": ColumnRule(min_length=n + 1),
                ">=": ColumnRule(min_length=n),
                "<": ColumnRule(max_length=n - 1),
                "<=": ColumnRule(max_length=n),
                "=": ColumnRule(min_length=n, max_length=n),
                "<>": ColumnRule(min_length=1) if n == 0 else ColumnRule(),
                "!=": ColumnRule(min_length=1) if n == 0 else ColumnRule(),
            }
            return [(name, rules[op])]
        if target != "col":
            raise _Unparsed("bound on non-column")
        if op in {"<>", "!="}:
            return [(name, ColumnRule(excluded=(lit,)))]
        if op == "=":
            return [(name, ColumnRule(choices=(lit,)))]
        if op in {">", ">="}:
            return [(name, ColumnRule(low=lit, low_inclusive=op == ">="))]
        return [(name, ColumnRule(high=lit, high_inclusive=op == "<="))]


def like_to_regex(pattern: str) -> str:
    """A LIKE pattern as an anchored regular expression (backslash escapes honoured)."""
    out, i = ["^"], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    out.append("$")
    return "".join(out)


def parse_check(
    expression: str, columns: set[str], value_name: str | None = None
) -> list[tuple[str, ColumnRule]] | None:
    """The rules a CHECK expression implies, or None when fastseed cannot parse it."""
    try:
        return _Parser(expression, columns, value_name).parse()
    except (_Unparsed, ValueError, IndexError):
        return None


def table_rules(catalog: Catalog, table: Table) -> TableRules:
    """Rules for every column of a table: its CHECKs, its domains' CHECKs, its partitions."""
    rules = TableRules()
    names = {c.name for c in table.columns}
    for check in table.checks:
        parsed = parse_check(check.expression, names)
        if parsed is None:
            rules.unhandled.append(check.name)
            continue
        rules.handled.append(check.name)
        for col, rule in parsed:
            rules.add(col, rule)
    for col in table.columns:
        for i, expr in enumerate(col.type.checks):
            parsed = parse_check(expr, set(), value_name=col.name)
            label = f"{col.type.sql} check {i + 1} on {col.name}"
            if parsed is None:
                rules.unhandled.append(label)
                continue
            rules.handled.append(label)
            for name, rule in parsed:
                rules.add(name, rule)
    leaves = partition_leaves(catalog, table)
    if leaves != [{}]:
        for col in sorted({c for leaf in leaves for c in leaf}):
            rules.add(col, ColumnRule(leaves=tuple(leaf.get(col) for leaf in leaves)))
    from fastseed.generate.keyexpr import key_rules  # keyexpr builds on ColumnRule

    for col, rule in key_rules(table):
        rules.add(col, rule)
    return rules


def partition_leaves(catalog: Catalog, table: Table) -> list[dict[str, LeafBound]]:
    """The leaf partitions a row can land in, each as bounds per partition column.

    Sub-partitions are followed (pagila-style monthly ranges, range-then-list); default
    partitions are never aimed at, and hash partitions accept any value.
    """
    part = table.partitioning
    if part is None:
        return [{}]
    out: list[dict[str, LeafBound]] = []
    for bound in part.bounds:
        if bound.is_default:
            continue
        here: dict[str, LeafBound] = {}
        col = part.columns[0] if part.columns else None
        if col is not None and part.strategy == "range" and bound.lower:
            here[col] = ("range", _bound_text(bound.lower), _bound_text(bound.upper))
        elif col is not None and part.strategy == "list" and bound.values:
            values = tuple(v for v in bound.values if v.upper() != "NULL")
            if values:
                here[col] = ("list", values)
        child = catalog.tables.get(bound.table)
        below = partition_leaves(catalog, child) if child and child.partitioning else [{}]
        out.extend({**here, **sub} for sub in below)
    return out or [{}]


def leaf_index(table: Table, idx: npt.NDArray[np.int64], leaves: int) -> npt.NDArray[np.int64]:
    """Which leaf each row lands in: one draw per row, shared by all partition columns."""
    return h.choose(h.stream_key(0, table.name.name, "partition-leaf"), idx, leaves)


def _bound_text(values: tuple[str, ...]) -> str | None:
    if not values or values[0].upper() in {"MINVALUE", "MAXVALUE"}:
        return None
    return values[0]
