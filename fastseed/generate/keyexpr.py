"""Expression parts of unique keys: which columns they read, and what those columns' values
need so the expressions stay unique.

A unique index on ``lower(email)`` is honoured by making ``email`` unique with a case-safe
encoding (see `values.Builder._unique_text`); ``date(created_at)`` needs one timestamp per day,
``left(code, 8)`` the unique part within the first 8 characters and ``coalesce(x, 0)`` no NULL
in ``x`` (NULL would become the constant and collide). The parser reads the part as each
server prints it (PostgreSQL casts ``x::text``, MySQL backticks and ``_utf8mb4'...'``, SQLite
``[x]``); a part it does not understand is reported by `unknown_parts`, and its columns are
still made unique (best effort).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from fastseed.schema import Kind, Table, UniqueKey

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>(?:_[A-Za-z0-9]+\s*)?[EeNn]?'(?:[^'\\]|''|\\.)*')
    | (?P<qid>"(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\])
    | (?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<op>::|\|\||<>|[<>!=]=|[-+*/%(),.;<>=~^&|@#!?:])
    | (?P<word>[A-Za-z_][\w$]*)
    )""",
    re.VERBOSE,
)

_DAY = 86400
_TRUNC_STEP = {
    "microseconds": 1,
    "milliseconds": 1,
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": _DAY,
    "week": 7 * _DAY,
    "month": 32 * _DAY,  # any two instants 32 days apart lie in different months
    "quarter": 93 * _DAY,
    "year": 366 * _DAY,
}
# One-argument functions that keep apart what the unique encodings keep apart: case folding
# (the unique suffix is single-case) and trimming (values never start or end with a space).
_KEEPING = frozenset(
    {"lower", "upper", "lcase", "ucase", "casefold", "trim", "btrim", "ltrim", "rtrim"}
)
# Hashes and reversible encodings: distinct inputs stay distinct in practice.
_HASHES = frozenset(
    {"md5", "sha", "sha1", "sha2", "sha224", "sha256", "sha384", "sha512", "hex", "reverse"}
)
_NULL_TO_VALUE = frozenset({"coalesce", "ifnull", "nvl"})
_TEXT_CASTS = re.compile(r"^(?:character varying|varchar|char|character|bpchar|nchar)\((\d+)\)$")
_INT_CASTS = frozenset(
    {"int", "integer", "bigint", "smallint", "int2", "int4", "int8", "signed", "unsigned"}
)


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str

    @property
    def word(self) -> str:
        return self.text.lower() if self.kind == "word" else ""


@dataclass(frozen=True)
class _Node:
    """A parsed key part: a column, a literal, a call, a cast, or something opaque."""

    kind: str  # 'col' | 'lit' | 'call' | 'cast' | 'opaque'
    name: str = ""
    """Column name, lower-case function name, cast type, or literal text."""
    args: tuple[_Node, ...] = ()


@dataclass(frozen=True)
class Effect:
    """What one key part keeps of the column it reads."""

    column: str | None
    """The column the part keeps apart; None for a constant."""
    step: int = 1
    """Seconds: the part tells a time column's values apart only at this granularity."""
    prefix: int | None = None
    """Only the first `prefix` characters count."""
    not_null: bool = False
    """NULL is turned into a value (coalesce), so NULLs would collide."""


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip() == "":
                break
            pos += 1  # a character no part of the grammar: skipped
            continue
        kind = m.lastgroup or "op"
        out.append(_Tok(kind, m.group(kind)))
        pos = m.end()
    return out


def _ident(tok: _Tok) -> str:
    if tok.kind == "qid":
        return tok.text[1:-1].replace(tok.text[0] * 2, tok.text[0])
    return tok.text


class _Parser:
    """A small recursive-descent reader of one key part; anything beyond calls, casts,
    columns and literals is an opaque node (`columns_read` still finds its columns)."""

    def __init__(self, text: str, columns: dict[str, str]) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.columns = columns  # lower-case name -> the column's own spelling

    def peek(self, k: int = 0) -> _Tok:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else _Tok("end", "")

    def take(self) -> _Tok:
        tok = self.peek()
        self.i += 1
        return tok

    def expr(self, stop: frozenset[str] = frozenset()) -> _Node:
        """Everything up to a ',' or ')' at this depth (or a `stop` word)."""
        start = self.i
        node = self.postfix(self.primary())
        if self._at_end(stop):
            return node
        self.i = start
        depth = 0
        while self.peek().kind != "end":
            tok = self.peek()
            if depth == 0 and (tok.text in {",", ")"} or tok.word in stop):
                break
            depth += tok.text == "("
            depth -= tok.text == ")"
            self.take()
        return _Node("opaque")

    def _at_end(self, stop: frozenset[str]) -> bool:
        tok = self.peek()
        return tok.kind == "end" or tok.text in {",", ")"} or tok.word in stop

    def _columns_in(self, start: int, stop: int) -> list[_Node]:
        out = []
        for j in range(start, stop):
            tok = self.toks[j]
            after = self.toks[j + 1].text if j + 1 < len(self.toks) else ""
            before = self.toks[j - 1].text if j > 0 else ""
            name = self.columns.get(_ident(tok).lower()) if tok.kind in {"word", "qid"} else None
            if name is not None and after != "(" and before.lower() not in {"::", "as"}:
                out.append(_Node("col", name))
        return out

    def primary(self) -> _Node:
        tok = self.take()
        if tok.text == "(":
            inner = self.expr()
            return inner if self.take().text == ")" else _Node("opaque")
        if tok.kind in {"str", "num"} or tok.word in {"null", "true", "false"}:
            return _Node("lit", tok.text)
        if tok.text == "-" and self.peek().kind == "num":
            return _Node("lit", "-" + self.take().text)
        if tok.word == "cast" and self.peek().text == "(":
            self.take()
            inner = self.expr(frozenset({"as"}))
            if self.take().word != "as":
                return _Node("opaque")
            cast = _Node("cast", self.type_name(), (inner,))
            while self.peek().kind == "word":  # CHARSET utf8mb4, UNSIGNED ...
                self.take()
            return cast if self.take().text == ")" else _Node("opaque")
        if tok.kind in {"word", "qid"}:
            if self.peek().text == "(":
                self.take()
                return self.call(_ident(tok).lower())
            if self.peek().text == "." and self.peek(1).kind in {"word", "qid"}:
                self.take()
                tok = self.take()  # table.column: the column
            name = self.columns.get(_ident(tok).lower())
            return _Node("col", name) if name is not None else _Node("lit", tok.text)
        return _Node("opaque")

    def call(self, name: str) -> _Node:
        args: list[_Node] = []
        if self.peek().text == ")":
            self.take()
            return _Node("call", name)
        while True:
            args.append(self.expr(frozenset({"from", "for"})))
            sep = self.take()
            if sep.text == ")":
                return _Node("call", name, tuple(args))
            if sep.text != "," and sep.word not in {"from", "for"}:
                return _Node("opaque", args=tuple(args))

    def postfix(self, node: _Node) -> _Node:
        while True:
            tok = self.peek()
            if tok.text == "::":
                self.take()
                node = _Node("cast", self.type_name(), (node,))
            elif tok.word == "collate":
                self.take()
                self.take()
            elif tok.word == "at" and self.peek(1).word == "time" and self.peek(2).word == "zone":
                self.i += 3
                self.primary()  # a shift to another zone: still one instant per value
            else:
                return node

    def type_name(self) -> str:
        words = [_ident(self.take()).lower()]
        while self.peek().word in {"varying", "precision", "without", "with", "time", "zone"}:
            words.append(self.take().word)
        name = " ".join(words)
        if self.peek().text == "(":
            self.take()
            inner = []
            while self.peek().kind != "end" and self.peek().text != ")":
                inner.append(self.take().text)
            self.take()
            name += "(" + "".join(inner) + ")"
        while self.peek().text == "[" and self.peek(1).text == "]":
            self.i += 2
            name += "[]"
        return name


def parse_part(text: str, table: Table) -> _Node:
    """One key part as a small tree (columns resolved against `table`)."""
    return _Parser(text, {c.name.lower(): c.name for c in table.columns}).expr()


def columns_read(expressions: Iterable[str], columns: Iterable[str]) -> tuple[str, ...]:
    """Which of `columns` the expressions read, in order of first mention, each once.

    Names are matched without regard to case (as MySQL and SQLite do; PostgreSQL prints a
    mixed-case name quoted, and two columns differing only in case are rare enough)."""
    by_lower = {c.lower(): c for c in columns}
    found: dict[str, None] = {}
    for text in expressions:
        parser = _Parser(text, by_lower)
        for node in parser._columns_in(0, len(parser.toks)):
            found.setdefault(node.name, None)
    return tuple(found)


def base_columns(
    expressions: Iterable[str], columns: Iterable[str], generation: Mapping[str, str]
) -> tuple[str, ...]:
    """The written columns the expressions read, through generated columns: a key on
    ``email_lc AS (lower(email))`` reads ``email``. `generation` maps a generated column's
    lower-case name to its expression."""
    names = list(columns)
    read: dict[str, None] = {}
    pending = list(expressions)
    for _ in range(len(names) + 1):  # a generated column may read another one
        found = columns_read(pending, names)
        read.update((c, None) for c in found if c.lower() not in generation)
        pending = [generation[c.lower()] for c in found if c.lower() in generation]
        if not pending:
            break
    return tuple(read)


def through_generated(
    key: UniqueKey,
    columns: Iterable[str],
    generation: Mapping[str, str],
    quote: Callable[[str], str],
) -> UniqueKey:
    """`key` with every part on a generated column replaced by its generation expression,
    and `columns` the written columns read; a key on no generated column is returned as is."""
    names = list(columns)
    parts = key.expressions or tuple(quote(c) for c in key.columns)
    if not any(c.lower() in generation for c in columns_read(parts, names)):
        return key
    if not key.expressions:
        parts = tuple(generation.get(c.lower(), quote(c)) for c in key.columns)
    return replace(key, columns=base_columns(parts, names, generation), expressions=parts)


def _literal(node: _Node) -> str | None:
    """A constant's text, lower-case and unquoted (through casts: 'day'::text), else None."""
    while node.kind == "cast":
        node = node.args[0]
    if node.kind != "lit":
        return None
    text = node.name
    if "'" in text:
        text = text[text.index("'") + 1 : text.rindex("'")]
    return text.lower()


def _int_literal(node: _Node) -> int | None:
    text = _literal(node) or ""
    return int(text) if text.isdigit() else None


def effect(node: _Node, table: Table) -> Effect | None:
    """What `node` keeps of its column, or None when fastseed cannot reason about it."""
    if node.kind == "col":
        return Effect(node.name)
    if node.kind == "lit":
        return Effect(None)
    if node.kind == "cast":
        return _cast_effect(node, table)
    if node.kind == "call":
        return _call_effect(node, table)
    return None


def _cast_effect(node: _Node, table: Table) -> Effect | None:
    inner = effect(node.args[0], table)
    if inner is None or inner.column is None:
        return inner
    kind = table.column(inner.column).type.kind
    if node.name == "date":
        return _coarser(inner, _DAY, kind)
    m = _TEXT_CASTS.match(node.name)
    if m:
        return _shorter(inner, int(m.group(1)), kind)
    if node.name in _INT_CASTS and kind not in {Kind.INTEGER, Kind.BOOLEAN, Kind.YEAR}:
        return None  # a fraction or text cut to an integer: values collapse
    return inner


def _call_effect(node: _Node, table: Table) -> Effect | None:
    name, args = node.name, node.args
    if not args:
        return None
    first = effect(args[0], table)
    kind = table.column(first.column).type.kind if first and first.column else None
    if name in _KEEPING and len(args) == 1:
        return first
    if name in _HASHES:
        return first
    if name in {"date", "to_days"} and len(args) == 1 and first is not None:
        return _coarser(first, _DAY, kind)
    if name == "date_trunc" and len(args) >= 2:
        step = _TRUNC_STEP.get(_literal(args[0]) or "")
        value = effect(args[1], table)
        if step is None or value is None or value.column is None:
            return None
        return _coarser(value, step, table.column(value.column).type.kind)
    if name == "left" and len(args) == 2 and first is not None:
        n = _int_literal(args[1])
        return _shorter(first, n, kind) if n is not None else None
    if name in {"substr", "substring"} and len(args) in {2, 3} and first is not None:
        if _int_literal(args[1]) != 1:
            return None
        n = _int_literal(args[2]) if len(args) == 3 else None
        return first if len(args) == 2 else (_shorter(first, n, kind) if n else None)
    if name in _NULL_TO_VALUE and len(args) >= 2:
        parts = [effect(a, table) for a in args]
        reading = [p for p in parts if p is not None and p.column is not None]
        if None in parts or len(reading) != 1:
            return None
        return replace(reading[0], not_null=True)
    return None


def _coarser(e: Effect, step: int, kind: Kind | None) -> Effect | None:
    if e.column is None:
        return e
    if kind not in {Kind.TIMESTAMP, Kind.DATE}:
        return None
    return replace(e, step=max(e.step, step))


def _shorter(e: Effect, n: int | None, kind: Kind | None) -> Effect | None:
    if e.column is None:
        return e
    if n is None or kind != Kind.TEXT:
        return None
    return replace(e, prefix=min(e.prefix or n, n))


def key_effects(table: Table, key: UniqueKey) -> list[tuple[str, Effect | None]]:
    """Each expression part of `key` with what it keeps (None: not understood)."""
    return [(part, effect(parse_part(part, table), table)) for part in key.expressions]


def unknown_parts(table: Table) -> list[str]:
    """Warnings for expression key parts fastseed cannot reason about, naming the index."""
    out = []
    for key in table.all_uniques:
        unclear = [part for part, e in key_effects(table, key) if e is None]
        if unclear:
            cols = ", ".join(key.columns) or "no column"
            out.append(
                f"{table.name}: unique index {key.name} on {', '.join(unclear)}: fastseed "
                f"cannot tell which values this expression keeps apart; it makes {cols} "
                "unique (best effort), which may still collide"
            )
    return out
