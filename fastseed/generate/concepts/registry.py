"""What a column holds, told by signals rather than an ordered list of regexes.

A `Concept` declares its signals (phrases of name tokens, the column's type and length, the
table's name, the neighbouring columns), its generator (text) or plausible range (numbers)
and how to recognise its values. `match` scores every concept whose
signals the column shows and keeps the strongest: a longer phrase beats a shorter one, a
phrase that ends the name (its head noun) beats one inside it, and the column's declared
length picks the form (`char(2)` country: alpha-2; `char(3)`: alpha-3; longer: the name).
Each family module registers its concepts when imported (`concepts/__init__.py`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastseed.generate import hashing as h
from fastseed.generate.concepts.lifecycle import Lifecycle
from fastseed.generate.concepts.valid import Valid
from fastseed.generate.text import Utf8Array
from fastseed.schema import Column, Kind, Table

Values = list[Any]
TextFn = Callable[[h.I64], Values]


@dataclass(frozen=True)
class Made:
    """A built generator: `fn(idx)` gives strings of the column's length at most."""

    fn: TextFn
    label: str
    capacity: int | None = None
    """Set when `fn` is injective in the row index: how many distinct values it gives."""
    pool: list[str] | None = None
    """When every value is one pick of this list (uniform, or skewed if `skew`): the
    generator can gather encoded bytes instead of building strings."""
    skew: bool = False
    salt: int = 0
    utf8: Callable[[h.I64], Utf8Array] | None = None
    """The same values as `fn`, made as one UTF-8 buffer without a string per row."""


@dataclass(frozen=True)
class Ctx:
    """What a concept's generator may use."""

    pools: Any
    """fastseed.generate.pools.Pools (untyped here to keep the import graph acyclic)."""
    seed: int
    key: int
    """The column's own stream key."""
    group_key: int
    """Shared by the columns of one group in a row (a person, an address, a card, a file):
    draws made from it agree across those columns."""
    length: int | None
    fixed: bool
    table: Table
    column: Column
    siblings: dict[str, str]
    """concept name -> column of the same group in this table (the row's other parts)."""
    sibling: Callable[[str, h.I64], Values] | None
    locale: str = "en"
    birth: Callable[[h.I64], h.F64] | None = None
    """The row's birth time (the timeline's created_at-like column) as epoch seconds, NaN
    where NULL; None when the table has no birth."""
    sibling_text: Callable[[str, h.I64], Utf8Array | None] | None = None
    """`sibling` as one UTF-8 buffer (NULL as empty), None for a batch not made that way."""


Maker = Callable[["Ctx"], Made]
Placed = Callable[["Ctx", h.I64, float, float], h.F64]


@dataclass(frozen=True)
class Concept:
    """One thing a column can hold."""

    name: str
    family: str
    tag: str
    """The short semantic tag `classify()` answers (kept for callers that branch on it)."""
    phrases: tuple[tuple[str, ...], ...]
    """Token patterns (regexes over whole tokens) that must appear consecutively."""
    make: Maker | None
    """Builds a text column's generator; None where the Builder's kind makes the values from
    the fields below (numbers, times, flags)."""
    min_len: int = 1
    """The shortest declared length that holds its form; a shorter column is not this."""
    max_len: int | None = None
    """The longest declared length that is this form (char(2) alpha-2: 2); None: any."""
    tables: str | None = None
    """A regex over the table's tokens that must match (context), e.g. 'country|nation'."""
    group: str | None = None
    """Columns of one group ('person', 'address', 'card', 'file', 'bank') are made together."""
    weight: int = 0
    """Added to the score: a concept that should win a tie with a vaguer one."""
    exact: bool = False
    """The phrase must be the whole name (e.g. 'name' alone in a countries table)."""
    sampled: bool = False
    """Status-like: values already in the table are drawn again (see api.read_samples)."""
    kinds: frozenset[Kind] = field(default_factory=lambda: frozenset({Kind.TEXT}))
    needs: str | None = None
    """A regex over the other columns' words that must match (neighbours: `state` is a
    place only beside a city, a postal code or a country)."""
    fact: bool = False
    """A fact of the row's country (currency, language, time zone): with no address of its
    own name prefix in the table, it joins the table's one address (`currency` beside
    `shipping_country`)."""
    span: tuple[float, float] | None = None
    """Numbers: the plausible range of values (a CHECK narrows it further)."""
    low_heavy: bool = False
    """Numbers: small values common, large ones rare (amounts, quantities)."""
    placed: Placed | None = None
    """Numbers the row's group decides (coordinates in the address's country, a file's size
    for its type, a card's expiry month): `placed(ctx, idx, low, high)` gives the values of
    rows `idx` within [low, high] (the span narrowed by the column's type and CHECKs)."""
    valid: Valid | None = None
    """A cheap check that one value has the concept's form (`concepts/valid.py`); every
    registered concept declares one (tests/test_concepts.py)."""
    life: Lifecycle | None = None
    """Time concepts: the event's place in the row's life (birth, order, gaps, NULLs)."""
    true_share: float | None = None
    """Flags: the share of rows that are true (revoked mostly not, active mostly); None:
    even."""
    ranked: bool = False
    """Roles and levels: the values rank by privilege or severity, the least privileged
    most common (`distributions.privilege_weights`)."""


@dataclass(frozen=True)
class Match:
    """Why a column is a concept: the phrase of the name that said so, and its place."""

    concept: Concept
    phrase: tuple[str, ...]
    prefix: str
    """The name's tokens before the phrase ('shipping' in shipping_city): its group."""
    why: str


_REGISTRY: list[Concept] = []
_COMPILED: dict[int, list[tuple[re.Pattern[str], ...]]] = {}
"""The phrases of _REGISTRY[i], compiled when a name first makes it a candidate (a concept
may be registered under several signal sets: `country_alpha2` by a short length or by
'country code'). Compiling all ~1,400 patterns at import took 30 ms of every run's start."""


_LAST_WORD: dict[str, set[int]] = {}
"""A word that can end a phrase -> the orders of the concepts with such a phrase: `match`
scores only the concepts one of a name's words can end a phrase of (a column would otherwise
run ~900 phrases' regexes, ~2 ms: a second of start-up on a 60-table schema)."""
_LAST_PATTERN: list[tuple[re.Pattern[str], int]] = []
"""Last-word patterns that are not a plain list of words, with their concept's order."""
_WORDS = re.compile(r"[a-z0-9_]+(?:\|[a-z0-9_]+)*")
_TYPE_ONLY_ORDERS: set[int] = set()
"""Concepts told by the column's type alone (no phrases): candidates for every name."""


def register(*concepts: Concept) -> None:
    for c in concepts:
        order = len(_REGISTRY)
        _REGISTRY.append(c)
        if not c.phrases:
            _TYPE_ONLY_ORDERS.add(order)
        for phrase in c.phrases:
            if _WORDS.fullmatch(phrase[-1]):
                for word in phrase[-1].split("|"):
                    _LAST_WORD.setdefault(word, set()).add(order)
            else:
                _LAST_PATTERN.append((re.compile(f"(?:{phrase[-1]})$"), order))
    _HITS.clear()


def _compiled(order: int) -> list[tuple[re.Pattern[str], ...]]:
    phrases = _COMPILED.get(order)
    if phrases is None:  # two threads may both compile it: the same patterns either way
        phrases = [tuple(re.compile(f"(?:{t})$") for t in p) for p in _REGISTRY[order].phrases]
        _COMPILED[order] = phrases
    return phrases


def _candidates(words: tuple[str, ...]) -> set[int]:
    """The orders of the concepts that have a phrase whose last pattern matches one of `words`,
    and those of the type alone."""
    out = set(_TYPE_ONLY_ORDERS)
    for w in words:
        out |= _LAST_WORD.get(w, set())
        out.update(order for p, order in _LAST_PATTERN if p.match(w))
    return out


_HITS: dict[tuple[str, ...], list[tuple[int, list[tuple[int, int]]]]] = {}


def _hits(words: tuple[str, ...]) -> list[tuple[int, list[tuple[int, int]]]]:
    """(order, [(phrase index, start), ...]) of each candidate concept, in registry order:
    where its phrases match `words`. The same for every column of that name, so kept: a
    schema repeats its names (flowable: 844 columns, 202 names)."""
    if words not in _HITS:
        out = []
        for order in sorted(_candidates(words)):
            found = [(i, _find(p, words)) for i, p in enumerate(_compiled(order))]
            out.append((order, [(i, start) for i, start in found if start >= 0]))
        _HITS[words] = out
    return _HITS[words]


def registered() -> list[Concept]:
    return list(_REGISTRY)


def by_name(name: str) -> Concept:
    return next(c for c in _REGISTRY if c.name == name)


# -- the name as words -------------------------------------------------------------------------

ABBREVIATIONS = {
    "addr": "address",
    "adr": "address",
    "amt": "amount",
    "cc": "card",
    "ccy": "currency",
    "cnt": "count",
    "ctry": "country",
    "cty": "city",
    "desc": "description",
    "descr": "description",
    "dob": "birth",
    "db": "database",
    "col": "column",
    "def": "definition",
    "cmd": "command",
    "dt": "date",
    "e": "e",
    "fam": "family",
    "fname": "first",
    "ip4": "ipv4",
    "ip6": "ipv6",
    "lname": "last",
    "img": "image",
    "lang": "language",
    "lat": "latitude",
    "lng": "longitude",
    "lon": "longitude",
    "msg": "message",
    "nbr": "number",
    "no": "number",
    "num": "number",
    "passwd": "password",
    "pwd": "password",
    "pic": "picture",
    "qty": "quantity",
    "res": "resource",
    "tel": "phone",
    "telephone": "phone",
    "tz": "timezone",
    "udf": "function",
    "ua": "agent",
    "uri": "url",
    "usr": "user",
    "var": "variable",
    "zipcode": "zip",
}
"""Short forms people write in column names, as the word the signals use."""

_HEADS = (
    "name",
    "names",
    "value",
    "values",
    "date",
    "time",
    "type",
    "code",
    "key",
    "id",
    "url",
    "path",
    "host",
    "count",
    "number",
    "address",
    "mail",
    "email",
    "agent",
    "stamp",
    "hash",
    "model",
    "policy",
    "by",
    "password",
    "domain",
    "node",
    "group",
    "json",
    "xml",
    "xslt",
    "data",
    "presence",
    "port",
    "num",
    "entry",
)
"""Words that end glued names ('groupname', 'propvalue', 'creationdate', 'serviceid')."""
_NOT_GLUED = {
    "discount",
    "metadata",
    "subdomain",
    "hostname",
    "username",
    "filename",
    "nickname",
    "surname",
    "timestamp",
    "update",
    "android",
    "valid",
    "invalid",
    "paid",
    "unpaid",
    "void",
    "grid",
    "fluid",
    "rapid",
    "squid",
    "hybrid",
    "liquid",
    "pyramid",
    "david",
    "covid",
    "candidate",
    "mandate",
    "lastname",
    "firstname",
}


def _unglue(token: str) -> list[str]:
    """'groupname' -> ['group', 'name'], 'serviceid' -> ['service', 'id']; known words stay."""
    if token in _NOT_GLUED or len(token) < 5:
        return [token]
    for head in _HEADS:
        rest = token[: -len(head)]
        if token.endswith(head) and len(rest) >= 3 and rest.isalpha():
            return [*_unglue(rest), head]
    return [token]


def _singular(token: str) -> str:
    if len(token) <= 3 or token.endswith(("ss", "us", "is", "os")):
        return token
    if token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith(("sses", "shes", "ches", "xes")):
        return token[:-2]
    return token[:-1] if token.endswith("s") else token


def tokens(identifier: str) -> list[str]:
    """'billingCity', 'e-mail', 'ADDR_LINE2', 'propValue', 'groupNames' ->
    ['billing', 'city'], ['e', 'mail'], ['address', 'line', '2'], ['prop', 'value'],
    ['group', 'name']: split at case changes, separators and digits after letters, glued
    head words apart, abbreviations spelled out, plurals made singular."""
    return list(_tokens(identifier))


@functools.lru_cache(maxsize=4096)
def _tokens(identifier: str) -> tuple[str, ...]:
    """`tokens`, memoised: each column's match reads every other column's name of its table."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", identifier)
    out: list[str] = []
    for raw in re.split(r"[^a-z0-9]+", spaced.lower()):
        if not raw:
            continue
        # 'address2', 'line1' apart; 'ipv4', 'sha256', 'md5', 'isbn13', 'ean13' kept
        parts = [raw]
        m = re.fullmatch(r"([a-z]{3,})(\d+)", raw)
        if m and not re.fullmatch(r"(ipv|sha|md|isbn|ean|upc|base|utf|iso|crc|ssn)\d+", raw):
            parts = [m[1], m[2]]
        for part in parts:
            for word in _unglue(part):
                word = ABBREVIATIONS.get(word) or ABBREVIATIONS.get(_singular(word), word)
                out.append(_singular(word))
    return tuple(out)


def _find(pattern: tuple[re.Pattern[str], ...], words: Sequence[str]) -> int:
    """The last start position where the patterns match consecutive words, or -1."""
    n = len(pattern)
    for start in range(len(words) - n, -1, -1):
        if all(p.match(words[start + k]) for k, p in enumerate(pattern)):
            return start
    return -1


_CACHE: dict[tuple[object, ...], Match | None] = {}


def match(table: Table, column: Column) -> Match | None:
    """The concept a column's name, type and table say it holds, or None."""
    key = (table.name, tuple(c.name for c in table.columns), column)
    if key not in _CACHE:
        found = _match(table, column)
        _CACHE[key] = None if found is None else _joined(table, column, found)
    return _CACHE[key]


def _joined(table: Table, column: Column, found: Match) -> Match:
    """A country fact with no address of its own prefix takes the prefix of the table's one
    address, so that the currency is the shipping country's."""
    if not found.concept.fact:
        return found
    places = set()
    for col in table.columns:
        other = _match(table, col) if col.name != column.name else None
        if other is not None and other.concept.group == "address" and not other.concept.fact:
            places.add(other.prefix)
    if found.prefix in places or len(places) != 1:
        return found
    prefix = places.pop()
    why = f"{found.why}, of the '{prefix.replace('_', ' ')}' address in its row"
    return Match(found.concept, found.phrase, prefix, why)


def group_members(table: Table, found: Match) -> dict[str, str]:
    """concept name -> column, for the columns of `found`'s group in the table (itself too):
    the other parts of the same person, address, card, file or bank account."""
    group = found.concept.group
    if group is None:
        return {}
    out: dict[str, str] = {}
    for col in table.columns:
        other = match(table, col)
        if other is not None and other.concept.group == group and other.prefix == found.prefix:
            out.setdefault(other.concept.name, col.name)
    return out


_TYPE_ONLY = (False, -1, False, 0, 0)
"""The score of a concept with no phrases: any phrase that matches beats it."""


def _match(table: Table, column: Column) -> Match | None:
    kind = column.type.kind
    words = tokens(column.name)
    if not words:
        return None
    table_words = " ".join(_tokens(table.name.name))
    neighbours: str | None = None
    length = column.type.length
    best: tuple[tuple[int, ...], Match] | None = None
    for order, hits in _hits(tuple(words)):
        concept = _REGISTRY[order]
        if kind not in concept.kinds:
            continue
        if length is not None and (
            length < concept.min_len or (concept.max_len is not None and length > concept.max_len)
        ):
            continue
        if concept.tables is not None and not re.search(concept.tables, table_words):
            continue
        if concept.needs is not None:
            if neighbours is None:
                neighbours = " ".join(
                    w for c in table.columns if c.name != column.name for w in _tokens(c.name)
                )
            if not re.search(concept.needs, neighbours):
                continue
        if not concept.phrases and (best is None or best[0] < _TYPE_ONLY):
            # a concept of the type alone (boolean: a flag; money: an amount): the weakest
            best = (_TYPE_ONLY, Match(concept, (), "", f"type {column.type.sql}"))
        for i, start in hits:
            phrase, pattern = concept.phrases[i], _compiled(order)[i]
            end = start + len(pattern)
            if concept.exact and (start, end) != (0, len(words)):
                continue
            # the head noun ends the name: 'country_code' is a code, 'code_country' a country
            at_end = end == len(words) or (end == len(words) - 1 and words[-1].isdigit())
            matched = sum(len(w) for w in words[start:end])
            score = (
                at_end,
                len(pattern) + concept.weight + (concept.tables is not None),
                concept.max_len is not None,
                matched,
                -order,
            )
            if best is None or score > best[0]:
                why = f"name '{' '.join(words[start:end])}'"
                if concept.tables is not None:
                    why += f" in table '{table.name.name}'"
                if concept.needs is not None and neighbours is not None:
                    beside = re.search(concept.needs, neighbours)
                    why += f", beside a '{beside[0] if beside else ''}' column"
                if concept.max_len is not None:
                    why += f", {column.type.sql} (the length picks the form)"
                prefix = "_".join(words[:start])
                best = (score, Match(concept, phrase, prefix, why))
    return None if best is None else best[1]
