"""How a table's primary and unique keys are made unique by construction, all at once.

A key's *parts* are its FKs (the parent row, as a position) and its free columns (a position
in the column's injective generator: an enum label, a boolean, a small integer, a code).
After `key_strategy`, every key of the table is covered one of two ways:
- one of its free columns can hold every row and is generated injectively from the row
  index (`unique_columns`), or
- it belongs to a `KeyGroup`: its parts are the mixed-radix digits of a permutation of the
  row index over the product of their domains, so capacity = that product (`user_roles` with
  200 users and a 3-label enum holds 600 rows).

Keys that share parts form one group. The shared parts are the most significant digits, so
rows with the same shared values get distinct ranks m below; each key takes its other parts
from (m + offset_k(shared)) mod their product, injective while m is below every key's
product: the group holds prod(shared) * min(products) rows.

Keys whose other parts overlap cannot take them that way (one part, two values). Two forms
cover them, both still injective by construction:
- a *ring*: three keys S+A+B, S+B+C, S+A+C (PRIMARY KEY (g, role), UNIQUE (g2, g), UNIQUE
  (role, g2)). The two smallest of A, B, C are the digits u, v of m, the third is
  (u + v + offset(shared)) mod its size, a Latin square: any two of the three give back the
  third, so the group holds prod(shared) * the two smallest sizes, which is also the most any
  construction can reach (each pair is a key).
- any other overlap is *cyclic*: every other part is (m + offset_p) mod its size, so a key's
  parts give back m modulo the lcm of their sizes: the group holds prod(shared) * the least
  such lcm over the keys. Fewer rows than the keys might allow, never a duplicate.

A CHECK (a <> b) between two FKs to the same parent draws b from the parent's other rows:
b = (a + 1 + r) mod n with r < n - 1, inside a group (b's domain is n - 1) or outside one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from fastseed.generate import hashing as h
from fastseed.schema import ForeignKey, Kind, Table, UniqueKey

Part = ForeignKey | str
"""One digit of a key: an FK (its parent row's position) or a free column's name."""

Sizes = dict[Part, int]

# A free column whose generator holds at least this many values is never needed as a digit
# of a larger product; capping keeps every product inside int64.
_PART_LIMIT = 1 << 24
_SPACE_LIMIT = 1 << 62

# Which free column of a key to make unique: the one whose values stay most natural.
_PREFERENCE = {
    Kind.INTEGER: 0,
    Kind.UUID: 1,
    Kind.TEXT: 2,
    Kind.NUMERIC: 3,
    Kind.TIMESTAMP: 4,
    Kind.BINARY: 5,
    Kind.INET: 6,
    Kind.MACADDR: 6,
    Kind.FLOAT: 7,
    Kind.DATE: 8,
    Kind.TIME: 9,
    Kind.INTERVAL: 9,
    Kind.JSON: 9,
    Kind.ENUM: 20,
    Kind.BOOLEAN: 30,
}

_NOT_EQUAL = re.compile(r"^\s*([\w$]+)\s*(?:<>|!=)\s*([\w$]+)\s*$")


@dataclass(frozen=True)
class KeyGroup:
    """Parts of one or more unique keys, chosen jointly (see the module docstring)."""

    shared: tuple[Part, ...]
    """Parts common to every key of the group: the most significant digits."""
    rests: tuple[tuple[Part, ...], ...] = ()
    """Each key's other parts (pairwise disjoint)."""
    distinct: tuple[tuple[ForeignKey, ForeignKey], ...] = ()
    """(a, b): b != a by a CHECK; a is shared or in b's rest, so b's digit ranges n - 1."""
    form: Literal["product", "ring", "cyclic"] = "product"
    """How the rests are made (module docstring): disjoint rests, one per key ("product");
    three disjoint sets A, B, C whose pairs are the keys ("ring"); overlapping rests, one per
    key ("cyclic")."""

    @property
    def parts(self) -> tuple[Part, ...]:
        return tuple(dict.fromkeys(self.shared + tuple(p for rest in self.rests for p in rest)))

    def sizes(self, size: Callable[[Part], int]) -> Sizes:
        """Each part's digit range; `size` gives parent rows or a column's capacity."""
        out = {p: min(size(p), _PART_LIMIT) if isinstance(p, str) else size(p) for p in self.parts}
        for _, b in self.distinct:
            out[b] = max(out[b] - 1, 0)
        return out

    def layout(self, sizes: Sizes) -> tuple[int, int]:
        """(prod(shared), rank range M): the group holds their product."""
        shared = _prod(sizes[p] for p in self.shared)
        if self.form == "ring":
            small = sorted(_prod(sizes[p] for p in rest) for rest in self.rests)[:2]
            return shared, _prod(small)
        if self.form == "cyclic":
            lcms = (_lcm(sizes[p] for p in rest) for rest in self.rests)
            return shared, min(lcms, default=1)
        rank = min((_prod(sizes[p] for p in rest) for rest in self.rests), default=1)
        return shared, rank

    def capacity(self, sizes: Sizes) -> int:
        shared, rank = self.layout(sizes)
        return min(shared * rank, _SPACE_LIMIT)

    def digits(
        self, key: int, sizes: Sizes, shared_code: h.I64, rank: h.I64, n: Callable[[Part], int]
    ) -> dict[Part, h.I64]:
        """Every part's position for rows with these shared codes and ranks; `n` gives an
        FK's parent rows (for the a <> b step)."""
        out = _decode(shared_code, self.shared, sizes)
        if self.form == "ring":
            out.update(self._ring_digits(key, sizes, shared_code, rank))
        elif self.form == "cyclic":
            for k, part in enumerate(p for p in self.parts if p not in self.shared):
                size = np.uint64(max(sizes[part], 1))
                off = (h.mix(key + 1 + k, shared_code) % size).astype(np.int64)
                out[part] = (rank + off) % max(sizes[part], 1)
        for k, rest in enumerate(self.rests if self.form == "product" else ()):
            space = min(_prod(sizes[p] for p in rest), _SPACE_LIMIT)
            code = rank
            if k:  # the first key keeps its natural order; the others shift per shared value
                off = (h.mix(key + k, shared_code) % np.uint64(max(space, 1))).astype(np.int64)
                code = (rank + off) % max(space, 1)
            out.update(_decode(code, rest, sizes))
        for a, b in self.distinct:
            out[b] = (out[a] + 1 + out[b]) % max(n(b), 1)
        return out

    def _ring_digits(
        self, key: int, sizes: Sizes, shared_code: h.I64, rank: h.I64
    ) -> dict[Part, h.I64]:
        """The ring's three sets: the two smallest are the digits of the rank, the largest
        their sum shifted per shared value, modulo its size (a Latin square)."""
        spaces = [max(_prod(sizes[p] for p in rest), 1) for rest in self.rests]
        first, second, third = sorted(range(3), key=lambda k: spaces[k])
        u, v = rank // spaces[second], rank % spaces[second]
        off = (h.mix(key + 1, shared_code) % np.uint64(spaces[third])).astype(np.int64)
        w = (u + v + off) % spaces[third]
        out: dict[Part, h.I64] = {}
        for k, code in ((first, u), (second, v), (third, w)):
            out.update(_decode(code, self.rests[k], sizes))
        return out

    def holds_apart(self, a: Part, b: Part) -> bool:
        """Whether b's digit may be shifted past a's (a <> b) without breaking a key: a is
        shared, or every key that holds b holds a too."""
        if a in self.shared or not self.rests:
            return True
        if self.form == "ring":  # each set is whole in both keys that hold it
            return any(a in r and b in r for r in self.rests)
        return all(a in r for r in self.rests if b in r)


@dataclass(frozen=True)
class KeyStrategy:
    unique_columns: frozenset[str]
    """Free columns generated injectively from the row index."""
    groups: tuple[KeyGroup, ...] = ()
    """Parts chosen jointly by a permutation over the product of their domains."""
    apart: tuple[tuple[ForeignKey, ForeignKey], ...] = ()
    """(a, b) FK pairs outside a common group that a CHECK (a <> b) keeps apart."""
    loose: tuple[UniqueKey, ...] = ()
    """Keys no construction covers: built on a self-reference (which must point at an
    earlier row) with no other part to carry them."""
    kept_checks: frozenset[str] = frozenset()
    """Names of CHECKs (a <> b) the construction keeps: no need to test them in the database."""
    chained: frozenset[ForeignKey] = frozenset()
    """Nullable self-references that are unique alone: each row points at the row before
    it (the first at none), a chain (previous_version_id, replaced_by_id)."""
    projected: tuple[tuple[ForeignKey, tuple[str, ...]], ...] = ()
    """(fk, columns): a key holds only these of the FK's columns (UNIQUE (order_id) beside
    FOREIGN KEY (order_id, line) REFERENCES lines): distinct parent rows are not enough,
    their values in these columns must differ too (see `table.distinct_parent_rows`)."""

    def projections(self, fk: ForeignKey) -> tuple[tuple[str, ...], ...]:
        """The column subsets of `fk` some key makes unique on their own."""
        return tuple(cols for f, cols in self.projected if f == fk)

    def keeps_apart(self, a: ForeignKey, b: ForeignKey) -> bool:
        """Whether the construction already keeps FKs a and b on different parent rows."""
        pairs = {*self.apart, *(p for g in self.groups for p in g.distinct)}
        return (a, b) in pairs or (b, a) in pairs

    def group_of(self, part: Part) -> KeyGroup | None:
        for group in self.groups:
            if part in group.parts:
                return group
        return None

    @property
    def injective_columns(self) -> frozenset[str]:
        """Free columns whose generator must be injective: unique ones and group digits."""
        grouped = {p for g in self.groups for p in g.parts if isinstance(p, str)}
        return self.unique_columns | grouped


def key_strategy(
    table: Table,
    fks: tuple[ForeignKey, ...],
    capacity: Callable[[str], int | None] = lambda _: None,
    needed: int = 0,
    lead: ForeignKey | None = None,
    ordered: Collection[str] = (),
) -> KeyStrategy:
    """Cover every unique key of `table`.

    `capacity` gives a free column's distinct values when generated injectively (None: no
    practical limit); `needed` is the highest row index the run uses, so a key's free column
    is chosen only if it can hold the rows (natural values first, capacity otherwise). `lead`
    is the FK a per-parent rule fills row by row: it leads its group's digits. `ordered`
    names the columns a CHECK places after or before another: a key's distinct column is one
    of the others where it can be (UNIQUE (ends_on, starts_on) with starts_on < ends_on:
    starts_on made in sequence, ends_on after it).
    """
    fk_of = fk_sources(table, fks)
    # a self-reference's column that maps onto itself (the tenant of a tree) is copied from
    # the row's root: it cannot carry a key
    tree = {c for fk in fks if _is_self(table, fk) for c in fk.columns} - set(fk_of)

    def pref(c: str) -> tuple[int, int, int]:
        cap = capacity(c)
        fits = cap is None or cap >= needed
        return (
            (0 if fits else 1),
            int(c in ordered),
            (_PREFERENCE.get(table.column(c).type.kind, 10) if fits else -(cap or 0)),
        )

    unique: set[str] = set()
    joint: list[tuple[Part, ...]] = []
    names: dict[tuple[Part, ...], UniqueKey] = {}
    selfish: set[tuple[Part, ...]] = set()
    chained: set[ForeignKey] = set()
    projected: dict[tuple[ForeignKey, tuple[str, ...]], None] = {}
    for key in sorted(table.all_uniques, key=lambda k: (len(k.columns), not k.primary)):
        cols = key.columns
        if not cols or set(cols) & unique:
            continue  # a key on constants alone holds one row: a capacity, not a construction
        free = [c for c in cols if c not in fk_of and c not in tree and _writable(table, c)]
        best = min(free, key=pref, default=None)
        parts = tuple(dict.fromkeys(fk_of.get(c, c) for c in cols if c in fk_of or c in free))
        # a self-reference points at an earlier row, which no permutation can promise: the
        # key's other parts alone are made unique (a stronger key), if it has any
        others = tuple(p for p in parts if not _is_self(table, p))
        names.setdefault(others or parts, key)
        if best is not None and (pref(best)[0] == 0 or len(others) == 1):
            unique.add(best)
        elif not others:
            only = parts[0]
            if len(parts) == 1 and isinstance(only, ForeignKey) and _nullable(table, only):
                chained.add(only)
            else:
                selfish.add(parts)
        else:
            joint.append(others)
            projected.update(dict.fromkeys(_projections(table, cols, fk_of)))
    joint = _minimal([p for p in joint if not {c for c in p if isinstance(c, str)} & unique])
    groups, loose_parts = _groups(joint, lead)
    pairs = _not_equal_pairs(table, fk_of)
    groups, apart, kept = _place_pairs(groups, pairs)
    selfish = {
        p
        for p in selfish
        if not any(set(j) <= set(p) for j in joint)
        and not {c for c in p if isinstance(c, str)} & unique
    }
    loose = tuple(names[p] for p in [*loose_parts, *selfish])
    return KeyStrategy(
        frozenset(unique),
        tuple(groups),
        tuple(apart),
        loose,
        frozenset(kept),
        frozenset(chained),
        tuple(projected),
    )


def _projections(
    table: Table, cols: tuple[str, ...], fk_of: dict[str, ForeignKey]
) -> list[tuple[ForeignKey, tuple[str, ...]]]:
    """The FKs of which the key holds some columns but not all, with those columns."""
    out = []
    for fk in dict.fromkeys(fk_of[c] for c in cols if c in fk_of):
        part = tuple(c for c in fk.columns if c in cols)
        if len(part) < len(fk.columns) and not _is_self(table, fk):
            out.append((fk, part))
    return out


def _groups(
    keys: list[tuple[Part, ...]], lead: ForeignKey | None
) -> tuple[list[KeyGroup], set[tuple[Part, ...]]]:
    """One group per cluster of keys sharing parts (none is left loose: see `KeyGroup.form`)."""
    groups = []
    for cluster in _clusters(keys):
        if len(cluster) == 1 or _expressible(cluster):
            groups.append(_group(cluster, lead))
        else:
            groups.append(_overlapping(cluster, lead))
    return groups, set()


def _expressible(keys: list[tuple[Part, ...]]) -> bool:
    shared = set.intersection(*(set(k) for k in keys))
    rests = [tuple(p for p in k if p not in shared) for k in keys]
    return bool(shared) and all(rests) and _disjoint(rests)


def _group(keys: list[tuple[Part, ...]], lead: ForeignKey | None) -> KeyGroup:
    first = keys[0]
    shared = set.intersection(*(set(k) for k in keys))
    order = [p for p in first if p in shared]
    if lead is not None and lead in shared:
        order.remove(lead)
        order.insert(0, lead)
    if len(keys) > 1:
        return KeyGroup(tuple(order), tuple(tuple(p for p in k if p not in shared) for k in keys))
    if lead is not None and lead in first and len(first) > 1:
        # per-parent rows: the parent leads, its children take distinct partners
        return KeyGroup((lead,), (tuple(p for p in first if p != lead),))
    return KeyGroup(tuple(order))


def _overlapping(keys: list[tuple[Part, ...]], lead: ForeignKey | None) -> KeyGroup:
    """A group for keys whose other parts overlap: a ring when they are the three pairs of
    three disjoint sets, else cyclic (see the module docstring)."""
    common = set.intersection(*(set(k) for k in keys))
    shared = [p for p in keys[0] if p in common]
    if lead is not None and lead in common:
        shared.remove(lead)
        shared.insert(0, lead)
    rests = [tuple(p for p in k if p not in common) for k in keys]
    if len(rests) == 3:
        one, two, three = (set(r) for r in rests)
        sets = (one & three, one & two, two & three)  # A, B, C
        if all(sets) and (one, two, three) == (
            sets[0] | sets[1],
            sets[1] | sets[2],
            sets[0] | sets[2],
        ):
            order = [p for r in rests for p in r]
            ring = tuple(tuple(p for p in dict.fromkeys(order) if p in part) for part in sets)
            return KeyGroup(tuple(shared), ring, form="ring")
    return KeyGroup(tuple(shared), tuple(rests), form="cyclic")


def _clusters(keys: list[tuple[Part, ...]]) -> list[list[tuple[Part, ...]]]:
    out: list[list[tuple[Part, ...]]] = []
    for key in keys:
        touching = [c for c in out if any(set(key) & set(k) for k in c)]
        merged = [k for c in touching for k in c] + [key]
        out = [c for c in out if c not in touching] + [merged]
    return out


def _minimal(keys: list[tuple[Part, ...]]) -> list[tuple[Part, ...]]:
    """Drop keys implied by a smaller (or equal, earlier) one."""
    out: list[tuple[Part, ...]] = []
    for key in keys:
        if not any(set(k) <= set(key) for k in out):
            out.append(key)
    return out


def _disjoint(rests: list[tuple[Part, ...]]) -> bool:
    seen: set[Part] = set()
    for rest in rests:
        if seen & set(rest):
            return False
        seen |= set(rest)
    return True


def _not_equal_pairs(
    table: Table, fk_of: dict[str, ForeignKey]
) -> list[tuple[ForeignKey, ForeignKey, str]]:
    """CHECK (a <> b) between two single-column FKs to the same parent column, with the
    CHECK's name."""
    out = []
    for check in table.checks:
        m = _NOT_EQUAL.match(re.sub(r'[()`"]', " ", check.expression))
        if m is None:
            continue
        a, b = fk_of.get(m.group(1)), fk_of.get(m.group(2))
        if (
            a is not None
            and b is not None
            and a != b
            and len(a.columns) == len(b.columns) == 1
            and (a.ref_table, a.ref_columns) == (b.ref_table, b.ref_columns)
        ):
            out.append((a, b, check.name))
    return out


def _place_pairs(
    groups: list[KeyGroup], pairs: list[tuple[ForeignKey, ForeignKey, str]]
) -> tuple[list[KeyGroup], list[tuple[ForeignKey, ForeignKey]], set[str]]:
    """Put each a <> b pair into the group holding both FKs, or draw b apart from a; also
    the names of the CHECKs so kept."""
    apart = []
    kept: set[str] = set()
    for a, b, check in pairs:
        home = next((g for g in groups if a in g.parts and b in g.parts), None)
        if home is None:
            if any(b in g.parts for g in groups):
                a, b = b, a
            if not any(b in g.parts for g in groups):
                apart.append((a, b))
                kept.add(check)
            continue
        if b in home.shared and a not in home.shared:
            a, b = b, a
        if home.holds_apart(a, b):
            placed = KeyGroup(home.shared, home.rests, (*home.distinct, (a, b)))
            groups = [placed if g is home else g for g in groups]
            kept.add(check)
    return groups, apart, kept


def _decode(code: h.I64, parts: tuple[Part, ...], sizes: Sizes) -> dict[Part, h.I64]:
    """Mixed-radix digits of `code`, the last part least significant."""
    out: dict[Part, h.I64] = {}
    for part in reversed(parts):
        size = max(sizes[part], 1)
        out[part] = code % size
        code = code // size
    return out


def _prod(values: Iterable[int]) -> int:
    return min(math.prod(values), _SPACE_LIMIT)


def _lcm(values: Iterable[int]) -> int:
    return min(math.lcm(*values), _SPACE_LIMIT)


def _nullable(table: Table, fk: ForeignKey) -> bool:
    return all(table.column(c).nullable for c in fk.columns)


def fk_sources(table: Table, fks: tuple[ForeignKey, ...]) -> dict[str, ForeignKey]:
    """The FK each FK column takes its values from.

    A column in several FKs follows the widest: `(interface, server) REFERENCES
    interface (name, server)` beside `server REFERENCES server (id)` takes both from one
    interface row, whose own server is valid, where mixing the two FKs' picks would name an
    interface that does not exist. A column shared with a self-reference (the tenant id of
    `(tenant_id, parent_id) REFERENCES same (tenant_id, id)`) follows the other FK, or its own
    generator when the self-reference maps it onto itself: a row's value cannot come from its
    parent row when the first row is its own parent."""
    out: dict[str, ForeignKey] = {}
    selfs = [fk for fk in fks if _is_self(table, fk)]
    others = sorted((fk for fk in fks if fk not in selfs), key=lambda fk: -len(fk.columns))
    for fk in others + selfs:
        for col, ref in zip(fk.columns, fk.ref_columns, strict=True):
            if not (fk in selfs and col == ref):
                out.setdefault(col, fk)
    return out


def _is_self(table: Table, part: Part) -> bool:
    return not isinstance(part, str) and part.ref_table in {table.name, table.partition_of}


def _writable(table: Table, name: str) -> bool:
    col = table.column(name)
    return not col.generated
