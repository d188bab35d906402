"""Column kinds made column-wise (issue 15): each raw form gives, row by row, the values the
per-value code gave before it (kept here as the reference), and its Python values (the
list path, `batch.to_python`) are those same values."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from fastseed.generate import hashing as h
from fastseed.generate.batch import ColumnData, to_python
from fastseed.generate.pools import Pools
from fastseed.generate.values import Builder
from fastseed.schema import Column, ColumnType, Kind, Table, TableName

IDX = np.concatenate([np.arange(0, 300), np.array([10**6, 2**24 - 1])]).astype(np.int64)
SEED = 5


def build(ctype: ColumnType, unique: bool = False, name: str = "thing") -> tuple[Any, int]:
    """The column's generator and its stream key."""
    col = Column(name, ctype, nullable=False)
    table = Table(TableName("public", "things"), (col,), primary_key=())
    builder = Builder(Pools(SEED), SEED, table, col, None, unique=unique)
    return builder.build(), builder.key


def same_both_ways(ctype: ColumnType, gen: Any, expected: list[Any]) -> None:
    assert gen.raw is not None, f"{ctype.sql} has no column-wise form"
    assert gen.fn(IDX) == expected
    assert to_python(Column("c", ctype, False), ColumnData(gen.raw(IDX))) == expected


# -- the per-value generators these kinds had (fastseed/generate/kinds/network.py) -------------


def old_uuids(key: int, idx: np.ndarray) -> list[uuid.UUID]:
    out = []
    for a, b in zip(h.mix(key, idx).tolist(), h.mix(key + 17, idx).tolist(), strict=True):
        a = (a & ~0xF000) | 0x4000
        b = (b & ~(0xC << 60)) | (0x8 << 60)
        out.append(uuid.UUID(int=(a << 64) | b))
    return out


def old_binary(key: int, idx: np.ndarray, n: int | None, fixed: bool, unique: bool) -> list[bytes]:
    size = min(n or 16, 16)
    if unique:
        out = [int(i).to_bytes(8, "big")[-size:] for i in idx.tolist()]
    else:
        out = [
            (int(a).to_bytes(8, "big") + int(b).to_bytes(8, "big"))[:size]
            for a, b in zip(h.mix(key, idx).tolist(), h.mix(key + 1, idx).tolist(), strict=True)
        ]
    return [v.rjust(n, b"\0") for v in out] if fixed and n else out


def old_inet(key: int, idx: np.ndarray, unique: bool) -> list[Any]:
    if unique:
        return [ipaddress.IPv4Address(0x0A000000 + int(i)) for i in idx.tolist()]
    return [
        ipaddress.IPv4Address(0x0A000000 | (int(v) & 0xFFFFFF)) for v in h.mix(key, idx).tolist()
    ]


def old_inet6(key: int, idx: np.ndarray, unique: bool) -> list[Any]:
    src = idx.tolist() if unique else h.mix(key, idx).tolist()
    return [ipaddress.IPv6Address((0x20010DB8 << 96) | (int(v) & (2**64 - 1))) for v in src]


def old_cidr(key: int, idx: np.ndarray, unique: bool) -> list[Any]:
    return [
        ipaddress.IPv4Network(((0x0A000000 | ((int(v) & 0xFFFF) << 8)), 24))
        for v in h.mix(key, idx).tolist()
    ]


def old_mac(key: int, idx: np.ndarray, unique: bool) -> list[str]:
    src = idx.tolist() if unique else h.mix(key, idx).tolist()
    return [":".join(f"{(int(v) >> s) & 255:02x}" for s in range(40, -8, -8)) for v in src]


@pytest.mark.parametrize("unique", [False, True])
def test_uuid(unique: bool) -> None:
    ctype = ColumnType(Kind.UUID, "uuid")
    gen, key = build(ctype, unique)
    same_both_ways(ctype, gen, old_uuids(key, IDX))


@pytest.mark.parametrize("unique", [False, True])
@pytest.mark.parametrize(
    ("length", "fixed"), [(None, False), (4, False), (12, True), (16, False), (32, True)]
)
def test_binary(length: int | None, fixed: bool, unique: bool) -> None:
    ctype = ColumnType(Kind.BINARY, "bytea", length=length, fixed_length=fixed)
    gen, key = build(ctype, unique)
    same_both_ways(ctype, gen, old_binary(key, IDX, length, fixed, unique))


Old = Callable[[int, np.ndarray, bool], list[Any]]


@pytest.mark.parametrize("unique", [False, True])
@pytest.mark.parametrize(
    ("ctype", "old"),
    [
        (ColumnType(Kind.INET, "inet"), old_inet),
        (ColumnType(Kind.INET, "inet6"), old_inet6),
        (ColumnType(Kind.CIDR, "cidr"), old_cidr),
        (ColumnType(Kind.MACADDR, "macaddr"), old_mac),
    ],
    ids=lambda v: getattr(v, "sql", ""),
)
def test_network(ctype: ColumnType, old: Old, unique: bool) -> None:
    gen, key = build(ctype, unique)
    same_both_ways(ctype, gen, old(key, IDX, unique))


# -- text kinds whose list path stays the reference -------------------------------------------


@pytest.mark.parametrize(
    ("ctype", "json_rule"),
    [
        (ColumnType(Kind.JSON, "json"), None),
        (ColumnType(Kind.JSON, "jsonb"), None),
        (ColumnType(Kind.JSON, "jsonb"), "array"),
        (ColumnType(Kind.TEXT, "longtext"), "array"),
        (ColumnType(Kind.SET, "set('a','b b','ç','d')", labels=("a", "b b", "ç", "d")), None),
        (ColumnType(Kind.SET, "set('x')", labels=("x",)), None),
    ],
    ids=lambda v: getattr(v, "sql", str(v)),
)
def test_text_kinds(ctype: ColumnType, json_rule: str | None) -> None:
    from fastseed.generate.rules import ColumnRule

    col = Column("doc", ctype, nullable=False)
    table = Table(TableName("public", "things"), (col,), primary_key=())
    rule = ColumnRule(json=json_rule) if json_rule else None
    gen = Builder(Pools(SEED), SEED, table, col, rule, unique=False).build()
    assert gen.raw is not None
    assert gen.raw(IDX).tolist() == gen.fn(IDX)


@pytest.mark.parametrize("unique", [False, True])
@pytest.mark.parametrize(
    ("ctype", "choices"),
    [
        (ColumnType(Kind.TEXT, "text"), ("low", "médium", "high")),
        (ColumnType(Kind.INTEGER, "integer", bits=32), ("-1", "0", "7", "2147483647")),
        (ColumnType(Kind.ENUM, "mood", labels=("sad", "ok", "glad")), None),
    ],
    ids=lambda v: getattr(v, "sql", str(v)),
)
def test_check_lists(ctype: ColumnType, choices: tuple[str, ...] | None, unique: bool) -> None:
    """A CHECK (x IN (...)) list or an enum's labels: weighted picks, or the i-th item for row
    i of a unique column."""
    from fastseed.generate.rules import ColumnRule

    col = Column("level", ctype, nullable=False)
    table = Table(TableName("public", "things"), (col,), primary_key=())
    rule = ColumnRule(choices=choices) if choices else None
    gen = Builder(Pools(SEED), SEED, table, col, rule, unique=unique).build()
    idx = IDX[: gen.capacity] if unique else IDX
    assert gen.raw is not None
    assert to_python(col, ColumnData(gen.raw(idx))) == gen.fn(idx)


# -- arrays and ranges ---------------------------------------------------------------------------


def old_array(builder_key: int, inner: Any, u: np.ndarray, idx: np.ndarray) -> list[Any]:
    """The per-row array generator: the element generator called once per row."""
    counts = (u * 4).astype(np.int64).tolist()
    out = []
    for i, k in zip(idx.tolist(), counts, strict=True):
        sub = np.arange(k, dtype=np.int64) + np.int64(i * 4) + np.int64(builder_key % 997)
        out.append(inner(sub) if k else [])
    return out


ELEMENTS = [
    ColumnType(Kind.INTEGER, "integer", bits=32),
    ColumnType(Kind.TEXT, "text"),
    ColumnType(Kind.TEXT, "character varying(12)", length=12),
    ColumnType(Kind.UUID, "uuid"),
    ColumnType(Kind.NUMERIC, "numeric(8,3)", precision=8, scale=3),
    ColumnType(Kind.TIMESTAMP, "timestamp with time zone", timezone=True),
    ColumnType(Kind.DATE, "date"),
    ColumnType(Kind.BOOLEAN, "boolean"),
]


@pytest.mark.parametrize("element", ELEMENTS, ids=lambda t: t.sql)
@pytest.mark.parametrize("name", ["tags", "value"])
def test_arrays(element: ColumnType, name: str) -> None:
    ctype = ColumnType(Kind.ARRAY, element.sql + "[]", element=element)
    col = Column(name, ctype, nullable=False)
    table = Table(TableName("public", "things"), (col,), primary_key=())
    builder = Builder(Pools(SEED), SEED, table, col, None, unique=False)
    gen = builder.build()
    inner_col = Column(name, element, nullable=False)
    inner = Builder(Pools(SEED), 0, table, inner_col, None, unique=False).build()
    expected = old_array(builder.key, inner, builder._u(IDX, 9), IDX)
    assert gen.fn(IDX) == expected
    assert gen.raw is not None
    assert to_python(col, ColumnData(gen.raw(IDX))) == expected


RANGES = [
    ColumnType(Kind.INTEGER, "integer", bits=32),
    ColumnType(Kind.INTEGER, "bigint", bits=64),
    ColumnType(Kind.NUMERIC, "numeric"),
    ColumnType(Kind.TIMESTAMP, "timestamp without time zone"),
    ColumnType(Kind.TIMESTAMP, "timestamp with time zone", timezone=True),
    ColumnType(Kind.DATE, "date"),
]


@pytest.mark.parametrize("element", RANGES, ids=lambda t: t.sql)
def test_ranges(element: ColumnType) -> None:
    ctype = ColumnType(Kind.RANGE, "some range", element=element)
    gen, _ = build(ctype)
    values = gen.fn(IDX)
    assert all(lo < hi for lo, hi in values)
    assert gen.raw is not None
    assert (
        to_python(Column("r", ctype, False), ColumnData(gen.raw(IDX), None, gen.raw_scale))
        == values
    )


@pytest.mark.parametrize("length", [1, 5, 63, 64, 70])
def test_bits(length: int) -> None:
    """bit(n): the per-value generator's digits (kept here), column-wise."""
    ctype = ColumnType(Kind.BIT, f"bit({length})", length=length, fixed_length=True)
    gen, key = build(ctype)
    expected = [
        format(int(v) & ((1 << min(length, 64)) - 1), f"0{length}b")[-length:]
        for v in h.mix(key, IDX).tolist()
    ]
    assert gen.fn(IDX) == expected
    assert gen.raw is not None and gen.raw(IDX).tolist() == expected


@pytest.mark.parametrize("width", [1, 2, 3])
def test_letter_codes(width: int) -> None:
    """char(1)..char(3) code columns: the per-value base-26 codes (kept here), column-wise."""
    ctype = ColumnType(Kind.TEXT, f"char({width})", length=width, fixed_length=True)
    gen, key = build(ctype, name="flag")
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def code(v: int) -> str:
        return "".join(letters[v // 26**k % 26] for k in reversed(range(width)))

    expected = [code(v) for v in h.choose(key, IDX, 26**width).tolist()]
    if gen.label != f"{width}-letter code":
        pytest.skip(f"char({width}) named {gen.label!r} here")
    assert gen.fn(IDX) == expected
    assert gen.raw is not None and gen.raw(IDX).tolist() == expected


def test_codes_urns_extensions_and_cloud_regions() -> None:
    """Concepts that were made value by value (code patterns, URNs, phone extensions, cloud
    regions): their column-wise values are the per-value code's (kept here), row by row."""
    from mimesis.datasets import CLOUD_REGION_DIRECTIONS, CLOUD_REGION_PREFIXES

    from fastseed.generate.concepts import registry
    from fastseed.generate.concepts.kit import chars, pick

    pools = Pools(SEED)
    words = pools.get("word")
    column = Column("v", ColumnType(Kind.TEXT, "text"), False)
    table = Table(TableName("public", "things"), (column,))
    old: dict[str, Callable[[int, np.ndarray], list[str]]] = {
        "code": lambda key, idx: [
            f"{w[:3].upper()}-{n}"
            for w, n in zip(
                pick(words, key, idx), h.integers(key + 5, idx, 1000, 9999).tolist(), strict=True
            )
        ],
        "urn": lambda key, idx: [
            f"urn:{w.lower().replace(' ', '-')}:{i.lower()}"
            for w, i in zip(
                pick(words, key, idx),
                chars(key + 1, idx, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 12),
                strict=True,
            )
        ],
        "phone_extension": lambda key, idx: [
            str(v) for v in h.integers(key, idx, 100, 9999).tolist()
        ],
        "cloud_region": lambda key, idx: [
            f"{a}-{w}-{k}"
            for a, w, k in zip(
                pick(CLOUD_REGION_PREFIXES, key, idx, 1, skew=True),
                pick(CLOUD_REGION_DIRECTIONS, key, idx, 2, skew=True),
                h.integers(key + 3, idx, 1, 3).tolist(),
                strict=True,
            )
        ],
    }
    concepts = {c.name: c for c in registry.registered() if c.name in old}
    assert set(concepts) == set(old)
    for name, concept in concepts.items():
        ctx = registry.Ctx(pools, SEED, 4242, 77, None, False, table, table.columns[0], {}, None)
        made = concept.make(ctx)
        assert made.utf8 is not None, name
        expected = old[name](4242, IDX)
        assert made.utf8(IDX).tolist() == expected == made.fn(IDX), name


@pytest.mark.parametrize("unique", [False, True])
def test_year(unique: bool) -> None:
    """MySQL's YEAR: the per-value integers (kept here), as one int64 array."""
    ctype = ColumnType(Kind.YEAR, "year")
    gen, key = build(ctype, unique)
    if unique:
        expected = [int(i) + 1950 for i in IDX[:77].tolist()]
        idx = IDX[:77]
    else:
        expected, idx = h.integers(key, IDX, 1950, 2026).tolist(), IDX
    assert gen.fn(idx) == expected
    assert gen.raw is not None and gen.raw(idx).tolist() == expected
