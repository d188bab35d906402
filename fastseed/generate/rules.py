"""CHECK constraints, domain checks and partition bounds turned into per-column value rules.

The common forms are parsed (comparisons with constants or now(), BETWEEN, IN lists,
`= ANY (ARRAY[..])`, `length(col)` bounds, upper/lower/trim/casts around the column, `~`,
LIKE, REGEXP, json_valid / jsonb_typeof, IS NOT NULL, AND of these, OR of equalities on one
column, `col IS NULL OR <rule on col>`) whether the server prints them PostgreSQL-style (casts
with ::) or MySQL-style (backticks, charset introducers). Checks made only of NULL tests
(exactly one of several columns set, both or neither...) become NULL patterns across columns.
A check that is not understood is reported by name so the plan can say so; checks that
contradict each other are reported as problems naming them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from fastseed.generate import hashing as h
from fastseed.generate.keyexpr import key_effects
from fastseed.generate.pattern import PatternError, PatternGen, python_regex
from fastseed.schema import Catalog, ColumnType, Kind, Table

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>(?:[Ee]|_[A-Za-z0-9]+)?'(?:[^']|'')*')
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
_MYSQL_STRING = re.compile(r"\s*(?:_[A-Za-z0-9]+)?'(?:[^'\\]|''|\\.)*'")
"""A string literal where backslash escapes ('it\\'s'), as MySQL/MariaDB print CHECKs."""
_MYSQL_ESCAPES = {"0": "\0", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "%": "\\%", "_": "\\_"}


LeafBound = (
    tuple[Literal["range"], str | None, str | None] | tuple[Literal["list"], tuple[str, ...]]
)

NOW = "\x00now"
"""The literal a CHECK's now() / CURRENT_DATE / CURRENT_TIMESTAMP / localtimestamp stands for."""
PAST_NOW = "2026-07-01 00:00:00+00:00"
"""now() as an upper bound: the reference time values are drawn before
(kinds.temporal.REFERENCE_TIME), which is in the past whenever the check runs, so
`at <= now()` holds on any day."""
FUTURE_NOW = "2100-01-01 00:00:00+00:00"
"""now() as a lower bound: a fixed point far ahead, so `expires_at > now()` holds for decades
and the same seed still gives the same data."""


@dataclass(frozen=True)
class CaseSplit:
    """A CHECK of cases over several columns, as it bears on one of them: `(kind = 'a' AND
    a_id IS NOT NULL) OR (kind = 'b' AND a_id IS NULL)`. Each row takes one case
    (`case_index`, the same for every column of the check); per case, the column's full
    rule where the case limits its values (else None: the column's own), and whether the
    case wants it NULL (True), not NULL (False) or either (None)."""

    check: str
    rules: tuple[ColumnRule | None, ...]
    nulls: tuple[bool | None, ...]


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
    Every column of a row uses the same leaf (see `leaf_index`); leaves no value allowed by
    the column's other rules fits are left out (see `_add_leaves`)."""
    routed: bool = False
    """This is the only column partition routing looks at: a value inside any leaf is placed,
    whichever leaf the row was aimed at."""
    min_length: int | None = None
    max_length: int | None = None
    excluded: tuple[str, ...] = ()
    not_null: bool = False
    after: str | None = None
    """Another column of the row this one must not be smaller than (CHECK (a <= b))."""
    after_strict: bool = False
    before: str | None = None
    """Another column of the row this one must not be greater than: the same order seen
    from its smaller side, when the greater column is a key or an FK whose values must not
    move (see `_orient_orders`)."""
    before_strict: bool = False
    pattern: str | None = None
    """A simple regular expression the value must match (from `~`, LIKE or REGEXP)."""
    json: str | None = None
    """'valid' (json_valid), or the JSON type the value must have ('object', 'array')."""
    differs: tuple[str, ...] = ()
    """Earlier columns of the row this one must differ from (CHECK (a <> b))."""
    unique_step: int | None = None
    """Seconds: unique time values lie at least this far apart (a unique index on
    ``date(created_at)`` needs one value per day); see `keyexpr`."""
    cases: CaseSplit | None = None
    """The row's case of a CHECK of cases decides this column's values or NULLs."""

    def merge(self, other: ColumnRule) -> ColumnRule:
        out = self
        if other.low is not None and (
            out.low is None
            or _order(other.low, out.low) > 0
            or (_order(other.low, out.low) == 0 and not other.low_inclusive)
        ):
            out = replace(out, low=other.low, low_inclusive=other.low_inclusive)
        if other.high is not None and (
            out.high is None
            or _order(other.high, out.high) < 0
            or (_order(other.high, out.high) == 0 and not other.high_inclusive)
        ):
            out = replace(out, high=other.high, high_inclusive=other.high_inclusive)
        if other.choices is not None:
            keep = other.choices
            if out.choices is not None:
                keep = tuple(c for c in out.choices if c in other.choices)
            out = replace(out, choices=keep)
        if other.leaves is not None:
            out = replace(out, leaves=other.leaves, routed=other.routed)
        if other.min_length is not None:
            out = replace(out, min_length=max(other.min_length, out.min_length or 0))
        if other.max_length is not None:
            cur = out.max_length
            out = replace(out, max_length=min(other.max_length, cur or other.max_length))
        if other.after is not None:
            out = replace(out, after=other.after, after_strict=other.after_strict)
        if other.before is not None:
            out = replace(out, before=other.before, before_strict=other.before_strict)
        if other.pattern is not None:
            out = replace(out, pattern=other.pattern)
        if other.unique_step is not None:
            out = replace(out, unique_step=max(other.unique_step, out.unique_step or 1))
        if other.json is not None and out.json in {None, "valid"}:
            out = replace(out, json=other.json)
        if other.cases is not None:
            out = replace(out, cases=other.cases)
        return replace(
            out,
            excluded=out.excluded + other.excluded,
            not_null=out.not_null or other.not_null,
            differs=tuple(dict.fromkeys(out.differs + other.differs)),
        )


_NULL_OK = ColumnRule()
"""Marks `col IS NULL` inside the rule parser: meaningful only as one side of an OR."""


@dataclass(frozen=True)
class NullRule:
    """A CHECK made only of NULL tests over several columns: the NULL patterns it allows."""

    name: str
    columns: tuple[str, ...]
    allowed: frozenset[tuple[bool, ...]]
    """Each allowed pattern: True where the column (in `columns` order) is NULL."""


@dataclass
class TableRules:
    columns: dict[str, ColumnRule] = field(default_factory=dict)
    handled: list[str] = field(default_factory=list)
    """Names of checks turned into rules."""
    unhandled: list[str] = field(default_factory=list)
    """Names of checks fastseed could not parse (values may violate them)."""
    nulls: list[NullRule] = field(default_factory=list)
    """Checks over which of several columns are NULL, decided per row (see `null_patterns`)."""
    sources: dict[str, list[str]] = field(default_factory=dict)
    """For each column, the checks its rule comes from (to name them in problems)."""
    problems: list[str] = field(default_factory=list)
    """Checks no row can satisfy, each naming the checks and the column."""

    def add(self, column: str, rule: ColumnRule, source: str | None = None) -> None:
        self.columns[column] = self.columns.get(column, ColumnRule()).merge(rule)
        if source is not None and source not in self.sources.setdefault(column, []):
            self.sources[column].append(source)

    def ordered_columns(self) -> frozenset[str]:
        """Columns a CHECK places after or before another column of the row."""
        return frozenset(n for n, r in self.columns.items() if r.after or r.before)


class _Unparsed(Exception):
    pass


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _moment(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        try:
            value = dt.datetime.fromisoformat(text.strip() + ":00")  # '...+02'
        except ValueError:
            return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _order(a: str, b: str) -> int:
    """-1, 0 or 1 comparing two CHECK literals: as numbers, as moments, else as text."""
    x: Any
    y: Any
    x, y = _number(a), _number(b)
    if x is None or y is None:
        x, y = _moment(a), _moment(b)
    if x is None or y is None:
        x, y = a, b
    return int(x > y) - int(x < y)


def _tokens(text: str, escapes: bool = False) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        quoted = _MYSQL_STRING.match(text, pos) if escapes else None
        if quoted:
            pos = quoted.end()
            out.append(("str", _unescape(quoted.group().strip())))
            continue
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


def _unescape(tok: str) -> str:
    """A backslash-escaped literal rewritten with doubled quotes only."""
    start = tok.index("'")
    body = re.sub(
        r"\\(.)", lambda m: _MYSQL_ESCAPES.get(m.group(1), m.group(1)), tok[start + 1 : -1]
    )
    return "'" + body.replace("''", "'").replace("'", "''") + "'"


def _unquote_string(tok: str) -> str:
    tok = tok[tok.index("'") :]  # E'..' and MySQL charset introducers (_utf8mb4'..')
    return tok[1:-1].replace("''", "'")


def _unquote_ident(tok: str) -> str:
    if tok[0] in '"`':
        return tok[1:-1].replace(tok[0] * 2, tok[0])
    return tok


_NOW_WORDS = {
    "NOW", "CURRENT_DATE", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP", "LOCALTIME", "CURDATE",
    "SYSDATE", "STATEMENT_TIMESTAMP", "TRANSACTION_TIMESTAMP", "CLOCK_TIMESTAMP", "UTC_TIMESTAMP",
}  # fmt: skip
_LENGTHS = {"LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH"}
_TRIMS = {"TRIM", "BTRIM", "LTRIM", "RTRIM"}
_CASES = {"UPPER": "upper", "UCASE": "upper", "LOWER": "lower", "LCASE": "lower"}
_JSON_TYPES = {"JSONB_TYPEOF", "JSON_TYPEOF", "JSON_TYPE"}
_FIXED_POINT: dict[str, Callable[[str], str]] = {
    "col:upper": str.upper,
    "col:lower": str.lower,
    "col:trim": str.strip,
}
"""f(col) IN list holds for a value v of the list exactly when f(v) == v."""


class _Parser:
    """Recursive descent over a boolean expression; yields (column, rule) conjunctions."""

    def __init__(
        self, text: str, columns: set[str], value_name: str | None, escapes: bool = False
    ) -> None:
        self.toks = _tokens(text, escapes)
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

    def at_end_of_term(self) -> bool:
        return self.peek()[0] == "eof" or self.peek()[1].upper() in {"AND", "OR", ")"}

    def parse(self) -> list[tuple[str, ColumnRule]]:
        out = self.disjunction()
        if self.peek()[0] != "eof":
            raise _Unparsed("trailing tokens")
        if any(rule is _NULL_OK for _, rule in out):
            raise _Unparsed("a NULL test: a NULL pattern, not a value rule")
        return out

    def disjunction(self) -> list[tuple[str, ColumnRule]]:
        parts = [self.conjunction()]
        while self.peek()[1].upper() == "OR":
            self.take()
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        # `col IS NULL OR <rule on col>`: a NULL passes anyway, values follow the rule
        cols = {c for part in parts for c, _ in part}
        if len(cols) == 1:
            values = [p for p in parts if not (len(p) == 1 and p[0][1] is _NULL_OK)]
            if len(values) == 1 and len(values) < len(parts):
                return values[0]
            parts = values
        # otherwise OR is understood only as a choice between values of one column
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
                if self.at_end_of_term():
                    return inner
            except _Unparsed:
                pass
            self.i = save
        return self.comparison()

    def call_argument(self) -> tuple[str, str]:
        """The operand inside f( ... ), the closing parenthesis taken."""
        self.take()
        self.take()
        if self.peek()[1].upper() in {"BOTH", "LEADING", "TRAILING"}:
            self.take()  # TRIM(BOTH FROM x), as PostgreSQL prints trim(x)
        if self.peek()[1].upper() == "FROM":
            self.take()
        inner = self.operand()
        if self.peek()[1].upper() == "AS":  # CAST(x AS type ...): the type restates the column
            depth = 0
            while depth or self.peek()[1] != ")":
                kind, val = self.take()
                if kind == "eof":
                    raise _Unparsed("unclosed CAST")
                depth += {"(": 1, ")": -1}.get(val, 0)
        self.expect(")")
        return inner

    def function(self, upper: str) -> tuple[str, str] | None:
        """A function call around a column, as an operand kind; None if not one we know."""
        if upper in _NOW_WORDS and (self.peek(1)[1] == "(" or upper.lower() not in self.columns):
            self.take()
            if self.peek()[1] == "(":
                self.take()
                while self.peek()[1] != ")":  # now(3), precision only
                    self.take()
                self.take()
            return "lit", NOW
        if self.peek(1)[1] != "(":
            return None
        if upper == "CAST":
            return self.call_argument()
        kind = {"OCTET_LENGTH": "bytes", **dict.fromkeys(_LENGTHS, "len")}.get(upper)
        if kind is not None:
            inner = self.call_argument()
            if inner[0] not in {"col", "col:trim"}:
                raise _Unparsed("length of non-column")
            return kind, inner[1]  # generated text has no surrounding blanks: trim is a no-op
        if upper in _TRIMS or upper in _CASES:
            inner = self.call_argument()
            if inner[0] != "col":
                raise _Unparsed("function of non-column")
            return ("col:trim" if upper in _TRIMS else "col:" + _CASES[upper]), inner[1]
        if upper in _JSON_TYPES:
            inner = self.call_argument()
            if inner[0] != "col":
                raise _Unparsed("JSON type of non-column")
            return "json", inner[1]
        if upper == "JSON_VALID":
            inner = self.call_argument()
            if inner[0] != "col":
                raise _Unparsed("json_valid of non-column")
            return "valid", inner[1]
        return None

    def operand(self) -> tuple[str, str]:
        """(kind, text): kind is 'col', 'col:upper|lower|trim' (a function around a column),
        'len' / 'bytes' (its length in characters / bytes), 'json' (its JSON type), 'valid'
        (json_valid of it), 'lit' (NOW for the current time) or 'null'."""
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
            called = self.function(upper) if upper else None
            if called is not None:
                return called
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
            if kind != "lit" or val == NOW:
                raise _Unparsed("non-literal in list")
            items.append(val)
            if self.peek()[1] == ",":
                self.take()
                continue
            return tuple(items)

    def comparison(self) -> list[tuple[str, ColumnRule]]:
        if self.peek()[1].upper() == "REGEXP_LIKE" and self.peek(1)[1] == "(":
            self.take()
            self.take()
            target = self.operand()
            self.expect(",")
            regex = self.operand()
            self.expect(")")
            return self._pattern(target, regex, "~")
        left = self.operand()
        kind, val = self.peek()
        word = val.upper()
        if left[0] == "valid" and self.at_end_of_term():
            return [(left[1], ColumnRule(json="valid"))]
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
            return [(left[1], ColumnRule(not_null=True) if not_ else _NULL_OK)]
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
        if (kind == "op" and val in {"~", "~*", "~~", "~~*"}) or word in {
            "LIKE",
            "ILIKE",
            "REGEXP",
            "RLIKE",
        }:
            self.take()
            return self._pattern(left, self.operand(), val)
        if kind == "op" and val in {"=", "<>", "!=", ">=", "<=", "<", ">"}:
            self.take()
            quantifier = self.peek()[1].upper()
            if quantifier in {"ANY", "SOME", "ALL"}:
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
                if quantifier != "ALL" and val == "=":
                    return self._set(left, items, False)
                if quantifier == "ALL" and val in {"<>", "!="}:  # NOT IN, as PostgreSQL prints it
                    return self._set(left, items, True)
                raise _Unparsed("quantified comparison")
            right = self.operand()
            if left[0] == "lit" and right[0] != "lit":
                left, right = right, left
                val = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(val, val)
            if left[0] == "col" and right[0] == "col" and val in {"<", "<=", ">", ">="}:
                # a row-internal order (created_at <= updated_at): the later column follows
                early, late = (left[1], right[1]) if val in {"<", "<="} else (right[1], left[1])
                return [(late, ColumnRule(after=early, after_strict=val in {"<", ">"}))]
            if left[0] == "col" and right[0] == "col" and val in {"<>", "!="}:
                # (a <> b): the column made second differs (see `_oriented`)
                return [(right[1], ColumnRule(differs=(left[1],)))]
            if right[0] != "lit":
                raise _Unparsed("comparison between columns")
            return self._bound(left, val, right[1])
        raise _Unparsed(f"operator {val}")

    def _pattern(
        self, left: tuple[str, str], right: tuple[str, str], op: str
    ) -> list[tuple[str, ColumnRule]]:
        if left[0] != "col" or right[0] != "lit" or right[1] == NOW:
            raise _Unparsed("pattern form")
        like = op in {"~~", "~~*"} or op.upper() in {"LIKE", "ILIKE"}
        regex = like_to_regex(right[1]) if like else right[1]
        return [(left[1], ColumnRule(pattern=regex))]

    def _set(
        self, left: tuple[str, str], items: tuple[str, ...], negate: bool
    ) -> list[tuple[str, ColumnRule]]:
        kind, name = left
        if kind == "json" and not negate:
            return [(name, _json_rule(items))]
        if kind in _FIXED_POINT and not negate:
            # upper(x) IN ('SC', 'VC'): a value is one of the items its function leaves as is
            fixed = _FIXED_POINT[kind]
            return [(name, ColumnRule(choices=tuple(v for v in items if fixed(v) == v)))]
        if kind != "col":
            raise _Unparsed("IN on non-column")
        if negate:
            return [(name, ColumnRule(excluded=items))]
        return [(name, ColumnRule(choices=items))]

    def _bound(self, left: tuple[str, str], op: str, lit: str) -> list[tuple[str, ColumnRule]]:
        target, name = left
        if target in {"len", "bytes"}:
            n = int(float(lit))
            if target == "bytes" and op in {"<", "<=", "="}:
                # a byte limit is not a character limit once text leaves ASCII
                raise _Unparsed("upper bound on bytes")
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
        if target == "json" and op == "=":
            return [(name, _json_rule((lit,)))]
        if target == "col:trim" and op in {"<>", "!="} and lit == "":
            return [(name, ColumnRule(min_length=1))]  # generated text is never blank
        if target in _FIXED_POINT and op == "=":
            return self._set(left, (lit,), False)
        if target != "col":
            raise _Unparsed("bound on non-column")
        if lit == NOW:
            if op in {">", ">="}:
                return [(name, ColumnRule(low=FUTURE_NOW, low_inclusive=op == ">="))]
            if op in {"<", "<="}:
                return [(name, ColumnRule(high=PAST_NOW, high_inclusive=op == "<="))]
            raise _Unparsed("equality with now()")
        if op in {"<>", "!="}:
            return [(name, ColumnRule(excluded=(lit,)))]
        if op == "=":
            return [(name, ColumnRule(choices=(lit,)))]
        if op in {">", ">="}:
            return [(name, ColumnRule(low=lit, low_inclusive=op == ">="))]
        return [(name, ColumnRule(high=lit, high_inclusive=op == "<="))]


def _json_rule(types: tuple[str, ...]) -> ColumnRule:
    """jsonb_typeof(x) = 'object' / IN (...): the first type fastseed can make."""
    for want in ("object", "array"):
        if want in {t.lower() for t in types}:
            return ColumnRule(json=want)
    raise _Unparsed("JSON type fastseed does not make")


class _NullLogic:
    """A boolean expression whose atoms are NULL tests (`a IS NULL`, `num_nonnulls(a, b)`)
    as a predicate over which columns are NULL; anything else is not one of these."""

    def __init__(self, text: str, columns: set[str], escapes: bool) -> None:
        self.p = _Parser(text, columns, None, escapes)
        self.used: list[str] = []

    def parse(self) -> tuple[tuple[str, ...], Callable[[dict[str, bool]], bool]]:
        fn = self.disjunction()
        if self.p.peek()[0] != "eof" or not self.used:
            raise _Unparsed("not a NULL pattern")
        return tuple(self.used), fn

    def disjunction(self) -> Callable[[dict[str, bool]], bool]:
        parts = [self.conjunction()]
        while self.p.peek()[1].upper() == "OR":
            self.p.take()
            parts.append(self.conjunction())
        return lambda row: any(f(row) for f in parts)

    def conjunction(self) -> Callable[[dict[str, bool]], bool]:
        parts = [self.negation()]
        while self.p.peek()[1].upper() == "AND":
            self.p.take()
            parts.append(self.negation())
        return lambda row: all(f(row) for f in parts)

    def negation(self) -> Callable[[dict[str, bool]], bool]:
        if self.p.peek()[1].upper() == "NOT":
            self.p.take()
            inner = self.negation()
            return lambda row: not inner(row)
        left = self.atom()
        op = self.p.peek()[1]
        if op in {"=", "<>", "!="}:  # (a IS NULL) = (b IS NULL): both or neither
            self.p.take()
            right = self.atom()
            if op == "=":
                return lambda row: left(row) == right(row)
            return lambda row: left(row) != right(row)
        return left

    def atom(self) -> Callable[[dict[str, bool]], bool]:
        p = self.p
        if p.peek()[1] == "(":
            p.take()
            inner = self.disjunction()
            p.expect(")")
            return inner
        word = p.peek()[1].upper()
        if word in {"NUM_NULLS", "NUM_NONNULLS"} and p.peek(1)[1] == "(":
            return self.count(word == "NUM_NULLS")
        kind, col = p.operand()
        if kind != "col":
            raise _Unparsed("not a NULL test")
        p.expect("IS")
        is_not = p.peek()[1].upper() == "NOT"
        if is_not:
            p.take()
        p.expect("NULL")
        self._use(col)
        return lambda row: row[col] != is_not

    def count(self, of_nulls: bool) -> Callable[[dict[str, bool]], bool]:
        p = self.p
        p.take()
        p.expect("(")
        cols = []
        while True:
            kind, col = p.operand()
            if kind != "col":
                raise _Unparsed("num_nulls of non-column")
            cols.append(col)
            self._use(col)
            if p.peek()[1] != ",":
                break
            p.take()
        p.expect(")")
        op = p.take()[1]
        kind, lit = p.operand()
        if kind != "lit" or _number(lit) is None:
            raise _Unparsed("num_nulls compared with non-number")
        n = int(float(lit))
        test = _COMPARE.get(op)
        if test is None:
            raise _Unparsed("num_nulls operator")
        return lambda row: test(sum(row[c] == of_nulls for c in cols), n)

    def _use(self, col: str) -> None:
        if col not in self.used:
            self.used.append(col)


_MAX_CASES = 16
"""Cases a CHECK may come to once its ORs of ANDs are written out; more are pre-tested."""

Atom = tuple[str, "ColumnRule | None"]
"""One test of a case: a column and the rule its value follows (None: `col IS NULL`)."""


class _CaseLogic:
    """A CHECK of ANDs and ORs over tests the rule parser knows, written out as an OR of
    cases, each an AND of atoms: `(a = 1 AND b IS NULL) OR (a = 2 AND (c = 'x' OR c = 'y'))`
    is three cases."""

    def __init__(self, text: str, columns: set[str], escapes: bool) -> None:
        self.p = _Parser(text, columns, None, escapes)

    def parse(self) -> list[tuple[Atom, ...]]:
        cases = self.disjunction()
        if self.p.peek()[0] != "eof":
            raise _Unparsed("trailing tokens")
        return cases

    def disjunction(self) -> list[tuple[Atom, ...]]:
        cases = self.conjunction()
        while self.p.peek()[1].upper() == "OR":
            self.p.take()
            cases = _bounded(cases + self.conjunction())
        return cases

    def conjunction(self) -> list[tuple[Atom, ...]]:
        cases = self.primary()
        while self.p.peek()[1].upper() == "AND":
            self.p.take()
            right = self.primary()
            cases = _bounded([a + b for a in cases for b in right])
        return cases

    def primary(self) -> list[tuple[Atom, ...]]:
        p = self.p
        if p.peek()[1] == "(":
            save = p.i
            p.take()
            try:
                inner = self.disjunction()
                p.expect(")")
                return inner
            except _Unparsed:
                p.i = save  # a parenthesised operand: `(col)::text = 'x'`
        atoms = p.comparison()
        return [tuple((c, None if r is _NULL_OK else r) for c, r in atoms)]


def _bounded(cases: list[tuple[Atom, ...]]) -> list[tuple[Atom, ...]]:
    if len(cases) > _MAX_CASES:
        raise _Unparsed("too many cases")
    return cases


CaseTests = dict[str, tuple[bool, "ColumnRule | None"]]
"""One case as what it wants of each column it tests: NULL (True) or a value (False), and
the rule the value follows (None: any value)."""


def parse_cases(
    expression: str, columns: set[str], escapes: bool = False
) -> list[CaseTests] | None:
    """The cases of a CHECK that is an OR of ANDs (see `_CaseLogic`), each with what it
    wants of each column; None for a CHECK of another form, or of one case only. A case
    whose own tests contradict each other (`a IS NULL AND a = 1`) is left out: a row taking
    a case makes every test of it TRUE."""
    try:
        cases = _CaseLogic(expression, columns, escapes).parse()
    except (_Unparsed, ValueError, IndexError):
        return None
    if len(cases) < 2:
        return None
    out = []
    for case in cases:
        nulls: dict[str, bool] = {}
        values: dict[str, ColumnRule | None] = {}
        possible = True
        for col, rule in case:
            wants_null = rule is None
            if nulls.setdefault(col, wants_null) != wants_null:
                possible = False  # a IS NULL AND a = 1
            if rule is not None and rule != ColumnRule(not_null=True):
                known = values.get(col)
                values[col] = rule if known is None else known.merge(rule)
            else:
                values.setdefault(col, None)
        if possible:
            out.append({c: (nulls[c], values[c]) for c in nulls})
    return _merged_lists(out) or None


def _merged_lists(cases: list[CaseTests]) -> list[CaseTests]:
    """Cases that differ only in the list of one column as one case: `kind = 'a' AND
    (state = 'x' OR state = 'y')` writes out as two cases, and rows would take the kind
    'a' twice as often as another."""
    out = list(cases)
    merged = True
    while merged:
        merged = False
        for i, j in itertools.combinations(range(len(out)), 2):
            a, b = out[i], out[j]
            differ = [c for c in a if a[c] != b.get(c)]
            if a.keys() != b.keys() or len(differ) != 1:
                continue
            (na, ra), (nb, rb) = a[differ[0]], b[differ[0]]
            if na or nb or not _only_list(ra) or not _only_list(rb):
                continue
            assert ra is not None and rb is not None and ra.choices and rb.choices
            both = tuple(dict.fromkeys(ra.choices + rb.choices))
            out[i] = {**a, differ[0]: (False, ColumnRule(choices=both))}
            del out[j]
            merged = True
            break
    return out


def _only_list(rule: ColumnRule | None) -> bool:
    return rule is not None and bool(rule.choices) and rule == ColumnRule(choices=rule.choices)


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def parse_null_check(expression: str, columns: set[str], escapes: bool = False) -> NullRule | None:
    """The NULL patterns a CHECK made only of NULL tests allows, or None for other checks."""
    try:
        cols, fn = _NullLogic(expression, columns, escapes).parse()
    except (_Unparsed, ValueError, IndexError):
        return None
    if len(cols) > 12:
        return None
    allowed = frozenset(
        combo
        for combo in itertools.product((False, True), repeat=len(cols))
        if fn(dict(zip(cols, combo, strict=True)))
    )
    return NullRule("", cols, allowed)


@dataclass(frozen=True)
class NullPatterns:
    """Columns whose NULLs one or more NULL checks tie together, and the patterns allowed."""

    columns: tuple[str, ...]
    allowed: npt.NDArray[np.bool_]
    """One row per allowed pattern, one column per entry of `columns`: True where NULL."""


def null_patterns(
    table: Table, rules: TableRules, written_null: Collection[str] = ()
) -> list[NullPatterns]:
    """The NULL checks of a table grouped by shared columns, each group's allowed patterns
    (NOT NULL columns never NULL); a row picks one pattern per group.

    `written_null`: columns inserted NULL and set by a later UPDATE (an FK deferred in a
    cycle); a pattern is kept only if the row passes the checks at insert time too."""
    groups: list[list[NullRule]] = []
    for rule in rules.nulls:
        joined = [g for g in groups if any(set(r.columns) & set(rule.columns) for r in g)]
        merged = [rule] + [r for g in joined for r in g]
        groups = [g for g in groups if g not in joined] + [merged]
    out = []
    for group in groups:
        cols = tuple(dict.fromkeys(c for r in group for c in r.columns))
        if len(cols) > 12:
            continue
        required = {c for c in cols if not table.column(c).nullable}
        first = tuple(c in written_null for c in cols)
        patterns = [
            combo
            for combo in itertools.product((False, True), repeat=len(cols))
            if _passes(combo, cols, group, required)
            and _passes(
                tuple(a or b for a, b in zip(combo, first, strict=True)), cols, group, required
            )
        ]
        if patterns:
            out.append(NullPatterns(cols, np.array(patterns, dtype=bool)))
    return out


def _passes(
    combo: tuple[bool, ...], cols: tuple[str, ...], group: list[NullRule], required: set[str]
) -> bool:
    """Whether a NULL pattern over `cols` passes every check of the group and NOT NULL."""
    return not any(n and c in required for n, c in zip(combo, cols, strict=True)) and all(
        tuple(combo[cols.index(c)] for c in r.columns) in r.allowed for r in group
    )


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
    expression: str, columns: set[str], value_name: str | None = None, escapes: bool = False
) -> list[tuple[str, ColumnRule]] | None:
    """The rules a CHECK expression implies, or None when fastseed cannot parse it.

    `escapes`: string literals use backslash escapes (see `Catalog.backslash_escapes`)."""
    try:
        return _Parser(expression, columns, value_name, escapes).parse()
    except (_Unparsed, ValueError, IndexError):
        return None


def table_rules(catalog: Catalog, table: Table) -> TableRules:
    """Rules for every column of a table: its CHECKs, its domains' CHECKs, its partitions."""
    rules = TableRules()
    names = {c.name for c in table.columns}
    escapes = catalog.backslash_escapes
    case_checks: list[tuple[str, list[CaseTests]]] = []
    for check in table.checks:
        parsed = parse_check(check.expression, names, escapes=escapes)
        if parsed is not None:
            parsed = _oriented(table, parsed)
        if parsed is not None and _generable(table, parsed):
            rules.handled.append(check.name)
            for name, rule in parsed:
                rules.add(name, rule, check.name)
            continue
        null_rule = parse_null_check(check.expression, names, escapes)
        if null_rule is not None:
            rules.handled.append(check.name)
            rules.nulls.append(replace(null_rule, name=check.name))
            continue
        cases = parse_cases(check.expression, names, escapes)
        if cases is not None:
            case_checks.append((check.name, cases))  # once every other rule is known
            continue
        rules.unhandled.append(check.name)
    for col in table.columns:
        for i, expr in enumerate(col.type.checks):
            parsed = parse_check(expr, set(), value_name=col.name, escapes=escapes)
            label = f"{col.type.sql} check {i + 1} on {col.name}"
            if parsed is None or not _generable(table, parsed):
                rules.unhandled.append(label)
                continue
            rules.handled.append(label)
            for name, rule in parsed:
                rules.add(name, rule, label)
    _add_leaves(table, rules, partition_leaves(catalog, table))
    for key_col, rule in key_rules(table):
        rules.add(key_col, rule)
    _settle(table, rules)
    for joined, cases in _joined_cases(case_checks):
        if _add_cases(table, rules, ", ".join(joined), cases):
            rules.handled += joined
        else:
            rules.unhandled += joined
    return rules


def _joined_cases(
    checks: list[tuple[str, list[CaseTests]]],
) -> list[tuple[list[str], list[CaseTests]]]:
    """CHECKs of cases that test a column in common as one: a row's case must pass all of
    them, so the joint cases are each pair's tests together (those whose NULL tests
    disagree left out; lists that share no value are left out by `_add_cases`)."""
    out: list[tuple[list[str], list[CaseTests]]] = []
    for name, cases in checks:
        columns = {c for case in cases for c in case}
        names, joint = [name], cases
        for other in [g for g in out if columns & {c for case in g[1] for c in case}]:
            out.remove(other)
            names = other[0] + names
            joint = [j for a in other[1] for b in joint if (j := _both(a, b)) is not None]
        if len(joint) > 4 * _MAX_CASES:
            joint = []  # pre-tested rather than a huge split
        out.append((names, joint))
    return out


def _both(a: CaseTests, b: CaseTests) -> CaseTests | None:
    """The tests of two cases together, or None when they want NULL differently."""
    out = dict(a)
    for col, (null, rule) in b.items():
        if col not in out:
            out[col] = (null, rule)
            continue
        other_null, other_rule = out[col]
        if other_null != null:
            return None
        if rule is not None and other_rule is not None:
            rule = other_rule.merge(rule)
        out[col] = (null, rule if rule is not None else other_rule)
    return out


def _add_cases(table: Table, rules: TableRules, name: str, cases: list[CaseTests]) -> bool:
    """A CHECK of cases as a `CaseSplit` on each column it tests, keeping the cases the
    columns allow (a NOT NULL column is never NULL, a list narrowed by the column's other
    checks may be empty). False leaves the check to the pre-test: a column that another
    per-row choice already drives (a NULL check, partitions, another CHECK of cases), the
    values of a key or FK column (they are not free to pick), no case left."""
    columns = list(dict.fromkeys(c for case in cases for c in case))
    driven = {c for n in rules.nulls for c in n.columns}
    driven |= {c for c, r in rules.columns.items() if r.leaves is not None or r.cases}
    fixed = {c for key in table.all_uniques for c in key.columns}
    fixed |= {c for fk in table.foreign_keys for c in fk.columns}
    if driven & set(columns):
        return False
    kept: list[dict[str, tuple[bool, ColumnRule | None]]] = []
    for case in cases:
        full: dict[str, tuple[bool, ColumnRule | None]] = {}
        for col, (null, value) in case.items():
            column = table.column(col)
            if null and (not column.nullable or rules.columns.get(col, ColumnRule()).not_null):
                break  # NOT NULL, or another check's `col IS NOT NULL`
            if value is None:
                full[col] = (null, None)
                continue
            if col in fixed:
                return False
            rule, why = _narrowed(column.type, rules.columns.get(col, ColumnRule()).merge(value))
            if why is not None:
                break
            full[col] = (False, rule)
        else:
            kept.append(full)
    if not kept:
        return False
    for col in columns:
        tests = [case.get(col) for case in kept]
        split = CaseSplit(
            name,
            tuple(t[1] if t is not None else None for t in tests),
            tuple(t[0] if t is not None else None for t in tests),
        )
        rules.add(col, ColumnRule(cases=split), name)
    return True


def _narrowed(type_: ColumnType, rule: ColumnRule) -> tuple[ColumnRule, str | None]:
    """The rule with its list cut to what its other parts and the column's length admit,
    and why no value passes it (None when some does)."""
    why = _contradiction(rule, type_.kind == Kind.INTEGER) or _too_long(rule, type_)
    if rule.choices is None or why is not None:
        return rule, why
    fits = rule.merge(ColumnRule(max_length=type_.length)) if _bounded_text(type_) else rule
    keep = tuple(v for v in rule.choices if _admits(fits, v))
    why = None if keep else "no value of its list passes its other checks"
    return replace(rule, choices=keep), why


def case_index(table: Table, split: CaseSplit, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The case of a CHECK of cases each row (by global index) takes: the same for every
    column of the check."""
    return h.choose(h.stream_key(0, table.name.name, "case", split.check), idx, len(split.nulls))


def key_rules(table: Table) -> list[tuple[str, ColumnRule]]:
    """Value rules that keep the table's expression keys unique when their columns are."""
    out: list[tuple[str, ColumnRule]] = []
    for key in table.all_uniques:
        for _, e in key_effects(table, key):
            if e is None or e.column is None:
                continue
            rule = ColumnRule(
                max_length=e.prefix,
                not_null=e.not_null,
                unique_step=e.step if e.step > 1 else None,
            )
            if rule != ColumnRule():
                out.append((e.column, rule))
    return out


def _add_leaves(table: Table, rules: TableRules, leaves: list[dict[str, LeafBound]]) -> None:
    """Partition leaves as rules on their columns, narrowed to what the columns' checks allow:
    a leaf no valid row fits is never aimed at; when none is left, the table is a problem
    (unless a default partition takes the rows the checks allow)."""
    if leaves == [{}]:
        return
    fitted = [f for f in (_fit_leaf(table, rules, leaf) for leaf in leaves) if f is not None]
    part_cols = sorted({c for leaf in leaves for c in leaf})
    if not fitted:
        part = table.partitioning
        if part is None or not any(b.is_default for b in part.bounds):
            why = "no partition's bounds admit a value its checks allow"
            rules.problems.append(_problem(table, rules, part_cols, why))
        return
    for part_col in part_cols:
        bounds = tuple(leaf.get(part_col) for leaf in fitted)
        rules.add(part_col, ColumnRule(leaves=bounds, routed=len(part_cols) == 1))


def _fit_leaf(
    table: Table, rules: TableRules, leaf: dict[str, LeafBound]
) -> dict[str, LeafBound] | None:
    """The leaf with its value lists narrowed to what each column's checks allow, or None
    when a column's checks exclude every value the leaf holds."""
    out: dict[str, LeafBound] = {}
    for name, bound in leaf.items():
        rule = rules.columns.get(name, ColumnRule())
        if bound[0] == "list":
            keep = tuple(v for v in bound[1] if _admits(rule, v))
            if not keep:
                return None
            out[name] = ("list", keep)
            continue
        inside = rule.merge(ColumnRule(low=bound[1], high=bound[2], high_inclusive=False))
        if _contradiction(inside, table.column(name).type.kind == Kind.INTEGER) is not None:
            return None
        out[name] = bound
    return out


def _oriented(table: Table, parsed: list[tuple[str, ColumnRule]]) -> list[tuple[str, ColumnRule]]:
    """`a <> b` rules on the later column of the table, so no two columns wait on each other."""
    order = {c.name: i for i, c in enumerate(table.columns)}
    out = []
    for name, rule in parsed:
        if rule.differs and order[rule.differs[0]] > order[name]:
            name, rule = rule.differs[0], replace(rule, differs=(name,))
        out.append((name, rule))
    return out


def _apart_generable(table: Table, name: str, other: str) -> bool:
    """`name <> other` is kept by generation when neither is an FK column (the later one is
    re-drawn where they meet) or both are one-column FKs to the same parent key (the later
    one moves to the next parent row); never on a unique column (moving it could repeat)."""
    if any(name in key.columns for key in table.all_uniques):
        return False
    fks = {fk.columns[0]: fk for fk in table.foreign_keys if len(fk.columns) == 1}
    a, b = fks.get(name), fks.get(other)
    if a is None and b is None:
        return not any(name in fk.columns or other in fk.columns for fk in table.foreign_keys)
    return (
        a is not None
        and b is not None
        and (a.ref_table, a.ref_columns) == (b.ref_table, b.ref_columns)
        and a.ref_table != table.name
    )


def _generable(table: Table, parsed: list[tuple[str, ColumnRule]]) -> bool:
    """Whether the generators can follow these rules; if not, the check is pre-tested."""
    for name, rule in parsed:
        if any(not _apart_generable(table, name, other) for other in rule.differs):
            return False
        kind = table.column(name).type.kind
        if rule.pattern is not None:
            if kind != Kind.TEXT:
                return False  # `n::text ~ '^[0-9]+$'` on a number: the server tests it
            try:
                PatternGen(rule.pattern)
            except (PatternError, re.error):
                return False
        if rule.json is not None and kind not in {Kind.JSON, Kind.TEXT}:
            return False
    return True


def _settle(table: Table, rules: TableRules) -> None:
    """Break cycles of column orders, carry bounds along the orders left, narrow each
    column's list to what its other rules allow, and record what no row can satisfy as
    problems naming the checks."""
    for cycle in _after_cycles(rules):
        # a > b with b > a: following each column's order would recurse without end
        for name in cycle:
            rules.columns[name] = replace(rules.columns[name], after=None, after_strict=False)
        orders = " > ".join([*cycle, cycle[0]])
        rules.problems.append(
            _problem(table, rules, cycle, f"each must be greater than the next ({orders})")
        )
    _orient_orders(table, rules)
    _carry_bounds(table, rules)
    for name, rule in list(rules.columns.items()):
        type_ = table.column(name).type
        rules.columns[name], why = _narrowed(type_, rule)
        if why is not None:
            rules.problems.append(_problem(table, rules, [name], why))
    not_null = {c.name for c in table.columns if not c.nullable}
    for null_rule in rules.nulls:
        if not any(
            not any(p and c in not_null for p, c in zip(pattern, null_rule.columns, strict=True))
            for pattern in null_rule.allowed
        ):
            cols = ", ".join(null_rule.columns)
            rules.problems.append(
                f"{table.name}: check {null_rule.name} on {cols}: no row can pass it "
                "(with the columns' NOT NULL)"
            )


_ORDERED = {Kind.INTEGER, Kind.NUMERIC, Kind.FLOAT, Kind.MONEY}
"""Kinds whose row-internal orders (CHECK (a < b)) the generators keep by moving a value."""
_TIMES = {Kind.DATE, Kind.TIMESTAMP}
"""Kinds whose orders the generators keep by drawing one value after (or before) the other."""


def _pinned(table: Table) -> set[str]:
    """Columns whose values must not move to follow an order: keys (made injective), FKs
    (a parent's key) and generated columns (the server computes them). A key holding a
    smaller one is unique through it: its other columns are free (UNIQUE (id, name) beside
    PRIMARY KEY (id) leaves name free)."""
    sets = [set(key.columns) for key in table.all_uniques if key.columns]
    keys = {c for k in sets if not any(o < k for o in sets) for c in k}
    generated = {c.name for c in table.columns if c.generated}
    return keys | generated | {c for fk in table.foreign_keys for c in fk.columns}


def _orient_orders(table: Table, rules: TableRules) -> None:
    """CHECK (small < big) raises `big` above `small`; when `big` is a key or an FK and
    `small` is neither (and follows no order of its own), `small` is lowered below `big`
    instead: a key moved to fit would repeat (`code < id` on PRIMARY KEY (id)), and a unique
    date is made in sequence, not after another column (`starts_on < ends_on`, ends_on
    UNIQUE)."""
    pinned = _pinned(table)
    for big, rule in list(rules.columns.items()):
        small = rule.after
        if small is None or big not in pinned or small in pinned:
            continue
        kinds = {table.column(big).type.kind, table.column(small).type.kind}
        if kinds - _ORDERED and kinds - _TIMES:
            continue
        other = rules.columns.get(small, ColumnRule())
        if other.after is not None or other.before is not None:
            continue
        rules.columns[big] = replace(rule, after=None, after_strict=False)
        rules.columns[small] = replace(other, before=big, before_strict=rule.after_strict)
        rules.sources.setdefault(small, []).extend(
            c for c in rules.sources.get(big, []) if c not in rules.sources.get(small, [])
        )


def _carry_bounds(table: Table, rules: TableRules) -> None:
    """Along each order small < big between numbers, big's lower bound is at least small's
    and small's upper bound at most big's (a list counts by its smallest and largest value):
    the value moved to follow the order then stays within its own CHECKs, and orders no
    value can keep become contradictions."""
    pairs = []
    for name, rule in rules.columns.items():
        if rule.after is not None:
            pairs.append((rule.after, name, rule.after_strict))
        if rule.before is not None:
            pairs.append((name, rule.before, rule.before_strict))
    pairs = [
        p
        for p in pairs
        if not {table.column(p[0]).type.kind, table.column(p[1]).type.kind} - _ORDERED
    ]
    for _ in range(len(pairs)):  # a chain a < b < c carries bounds along in as many passes
        changed = False
        for small, big, strict in pairs:
            whole = table.column(small).type.kind == table.column(big).type.kind == Kind.INTEGER
            lo = _lowest(rules.columns.get(small, ColumnRule()), whole)
            if lo is not None:
                changed |= _tighten(rules, big, _shifted(lo, strict, whole, up=True), small)
            hi = _highest(rules.columns.get(big, ColumnRule()), whole)
            if hi is not None:
                changed |= _tighten(rules, small, _shifted(hi, strict, whole, up=False), big)
        if not changed:
            return


def _lowest(rule: ColumnRule, whole: bool) -> tuple[str, bool] | None:
    """The rule's least allowed value (as text, inclusive?), from its bound or its list."""
    out = None if rule.low is None else (rule.low, rule.low_inclusive)
    if whole and out is not None and not out[1] and _number(out[0]) is not None:
        out = (str(math.floor(float(out[0])) + 1), True)
    allowed = [v for v in rule.choices or () if _admits(rule, v)]
    if allowed:
        least = min(allowed, key=lambda v: _number(v) or 0.0)
        if out is None or _order(least, out[0]) > 0:
            out = (least, True)
    return out


def _highest(rule: ColumnRule, whole: bool) -> tuple[str, bool] | None:
    out = None if rule.high is None else (rule.high, rule.high_inclusive)
    if whole and out is not None and not out[1] and _number(out[0]) is not None:
        out = (str(math.ceil(float(out[0])) - 1), True)
    allowed = [v for v in rule.choices or () if _admits(rule, v)]
    if allowed:
        most = max(allowed, key=lambda v: _number(v) or 0.0)
        if out is None or _order(most, out[0]) < 0:
            out = (most, True)
    return out


def _shifted(bound: tuple[str, bool], strict: bool, whole: bool, up: bool) -> ColumnRule:
    """The bound a strict or loose order carries to the other column, as a rule."""
    value, inclusive = bound
    if whole and strict and _number(value) is not None:
        n = float(value)
        value, inclusive = str(math.ceil(n) + 1 if up else math.floor(n) - 1), True
    else:
        inclusive = inclusive and not strict
    if up:
        return ColumnRule(low=value, low_inclusive=inclusive)
    return ColumnRule(high=value, high_inclusive=inclusive)


def _tighten(rules: TableRules, name: str, bound: ColumnRule, origin: str) -> bool:
    """Merge a bound carried from column `origin` into the column's rule (its checks become
    sources of this rule too, to name them in a problem); whether it narrowed it."""
    before = rules.columns.get(name, ColumnRule())
    after = before.merge(bound)
    if after == before:
        return False
    rules.columns[name] = after
    for check in rules.sources.get(origin, []):
        rules.add(name, ColumnRule(), check)
    return True


def _contradiction(rule: ColumnRule, whole: bool) -> str | None:
    """Why no value passes the rule, or None; `whole`: the column holds integers."""
    if rule.choices is not None and not rule.choices:
        return "its value lists have no value in common"
    if rule.low is not None and rule.high is not None:
        order = _order(rule.low, rule.high)
        if order > 0 or (order == 0 and not (rule.low_inclusive and rule.high_inclusive)):
            low = (">= " if rule.low_inclusive else "> ") + rule.low
            high = ("<= " if rule.high_inclusive else "< ") + rule.high
            return f"no value is {low} and {high}"
    bottom, top = _number(rule.low or ""), _number(rule.high or "")
    if whole and bottom is not None and top is not None and top - bottom <= len(rule.excluded) + 1:
        # a few whole numbers, all excluded (x BETWEEN 1 AND 2 AND x NOT IN (1, 2))
        first = math.ceil(bottom) + (not rule.low_inclusive and bottom.is_integer())
        last = math.floor(top) - (not rule.high_inclusive and top.is_integer())
        excluded = {_number(v) for v in rule.excluded}
        if all(v in excluded for v in range(first, last + 1)):
            return "no whole number of its range is allowed"
    if (rule.min_length or 0) > (rule.max_length if rule.max_length is not None else 1 << 62):
        return f"no text is at least {rule.min_length} and at most {rule.max_length} long"
    return None


def _too_long(rule: ColumnRule, type_: ColumnType) -> str | None:
    """Why the column's declared length cannot hold the shortest text its checks allow
    (`char_length(code) >= 20` on varchar(12)), or None."""
    if not _bounded_text(type_) or (rule.min_length or 0) <= (type_.length or 0):
        return None
    return f"no text of at least {rule.min_length} characters fits its type {type_.sql}"


def _bounded_text(type_: ColumnType) -> bool:
    """A character column of bounded length (varchar(n), char(n))."""
    return type_.kind == Kind.TEXT and type_.length is not None


def _admits(rule: ColumnRule, value: str) -> bool:
    """Whether one literal of a CHECK list passes the column's other rules."""
    if value in rule.excluded:
        return False
    if rule.low is not None:
        order = _order(value, rule.low)
        if order < 0 or (order == 0 and not rule.low_inclusive):
            return False
    if rule.high is not None:
        order = _order(value, rule.high)
        if order > 0 or (order == 0 and not rule.high_inclusive):
            return False
    if rule.min_length is not None and len(value) < rule.min_length:
        return False
    if rule.max_length is not None and len(value) > rule.max_length:
        return False
    return rule.pattern is None or re.search(python_regex(rule.pattern), value) is not None


def _after_cycles(rules: TableRules) -> list[list[str]]:
    """Cycles of `after` (each column has at most one), each listed once."""
    seen: set[str] = set()
    out = []
    for start in rules.columns:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in seen and node not in path:
            path.append(node)
            rule = rules.columns.get(node)
            node = rule.after if rule is not None else None
        if node is not None and node in path:
            out.append(path[path.index(node) :])
        seen.update(path)
    return out


def _problem(table: Table, rules: TableRules, columns: list[str], why: str) -> str:
    checks = sorted({c for col in columns for c in rules.sources.get(col, [])})
    what = "column " + columns[0] if len(columns) == 1 else "columns " + ", ".join(columns)
    if len(checks) == 1:
        return f"{table.name}: check {checks[0]} on {what} can never hold: {why}"
    named = ", ".join(checks) if checks else "its checks"
    return f"{table.name}: checks {named} contradict each other on {what}: {why}"


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
