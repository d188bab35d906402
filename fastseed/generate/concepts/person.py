"""People: first, last and full names, email, username, gender, titles, jobs, SSNs.

The columns of one person in a row (same table, same name prefix) are made together: the
full name is the row's first and last name, the email and username are built from them
(fastseed.generate.values reads the row's name columns through its sibling hook).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from fastseed.generate import hashing as h
from fastseed.generate import text as utf8
from fastseed.generate.concepts.kit import digit_matrix, from_matrix, numbers, pick, pick_utf8
from fastseed.generate.concepts.registry import Concept, Ctx, Made, Maker, register
from fastseed.generate.concepts.valid import NAME, WORD, matches

_GENDERS = ["female", "male", "non-binary", "unspecified"]
_HONORIFICS = ["Mr.", "Ms.", "Mrs.", "Dr.", "Prof."]
_DEPARTMENTS = [
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "Support",
    "Operations",
    "Human Resources",
    "Legal",
    "Research",
    "Customer Success",
    "Logistics",
]
_PERSON_TABLES = (
    r"\b(user|customer|employee|staff|person|people|actor|author|member|contact|client|"
    r"student|teacher|patient|driver|artist|account|profile|manager|owner|guest|player)\b"
)


def ascii_word(text: str) -> str:
    """'Zoë O'Brien' -> 'zoeobrien': letters and digits of a name, as an address can hold."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _pool(name: str, label: str, skew: bool = False) -> Maker:
    def make(ctx: Ctx) -> Made:
        pool = ctx.pools.get(name)
        return Made(lambda idx: pick(pool, ctx.key, idx, skew=skew), label, pool=pool, skew=skew)

    return make


def _listed(items: list[str], label: str) -> Maker:
    def make(ctx: Ctx) -> Made:
        return Made(lambda idx: pick(items, ctx.key, idx, skew=True), label, pool=items, skew=True)

    return make


def _full_name(ctx: Ctx) -> Made:
    # the Builder joins the row's own first and last name when the table has them
    first, last = ctx.pools.get("first_name"), ctx.pools.get("last_name")

    def fn(idx: h.I64) -> list[str]:
        a, b = pick(first, ctx.key, idx, 1), pick(last, ctx.key, idx, 2)
        return [f"{x} {y}" for x, y in zip(a, b, strict=True)]

    return Made(fn, "mimesis first + last name")


def _username(ctx: Ctx) -> Made:
    first, last = ctx.pools.get("first_name"), ctx.pools.get("last_name")
    first_col, last_col = ctx.siblings.get("first_name"), ctx.siblings.get("last_name")
    from_row = bool(first_col and last_col and ctx.sibling is not None)

    def fn(idx: h.I64) -> list[str]:
        if from_row:
            assert first_col and last_col and ctx.sibling is not None
            a = [v or "" for v in ctx.sibling(first_col, idx)]
            b = [v or "" for v in ctx.sibling(last_col, idx)]
        else:
            a, b = pick(first, ctx.key, idx, 1), pick(last, ctx.key, idx, 2)
        style = h.integers(ctx.key + 3, idx, 0, 3).tolist()
        nums = numbers(ctx.key + 4, idx, 1, 99)
        out = []
        for x, y, s, n in zip(a, b, style, nums, strict=True):
            f, l_ = ascii_word(x) or "user", ascii_word(y) or "name"
            out.append((f"{f}.{l_}", f"{f[0]}{l_}", f"{f}_{l_}{n}", f"{f}{n}")[s])
        return out

    def styled(
        idx: h.I64, f: utf8.Utf8Array, initial: utf8.Utf8Array, l_: utf8.Utf8Array
    ) -> utf8.Utf8Array:
        """The four styles, each row its own (`fn`'s order)."""
        style = h.integers(ctx.key + 3, idx, 0, 3)
        num = utf8.integers(h.integers(ctx.key + 4, idx, 1, 99))
        sep = [utf8.constant(c, len(idx)) for c in "._"]
        out = utf8.concat([f, num])
        out = utf8.choose_rows(style == 2, utf8.concat([f, sep[1], l_, num]), out)
        out = utf8.choose_rows(style == 1, utf8.concat([initial, l_]), out)
        return utf8.choose_rows(style == 0, utf8.concat([f, sep[0], l_]), out)

    def encoded(idx: h.I64) -> utf8.Utf8Array:
        """From pools of the names' ASCII forms."""
        forms = ctx.pools.utf8_form
        f = pick_utf8(forms("first_name", "ascii-or-user", _ascii_or("user")), ctx.key, idx, 1)
        initial = pick_utf8(
            forms("first_name", "ascii-or-user-initial", lambda x: _ascii_or("user")(x)[0]),
            ctx.key,
            idx,
            1,
        )
        l_ = pick_utf8(forms("last_name", "ascii-or-name", _ascii_or("name")), ctx.key, idx, 2)
        return styled(idx, f, initial, l_)

    def from_names(idx: h.I64) -> utf8.Utf8Array:
        """From the row's own name columns where they are made as UTF-8, else `fn`."""
        assert first_col and last_col
        names = [
            ctx.sibling_text(c, idx) if ctx.sibling_text else None for c in (first_col, last_col)
        ]
        if names[0] is None or names[1] is None:
            return utf8.from_strings(fn(idx))
        f = ascii_words(names[0], "user")
        l_ = ascii_words(names[1], "name")
        offsets = f.offsets
        initial = utf8.Utf8Array(f.data[offsets[:-1]], np.arange(len(idx) + 1, dtype=np.int64))
        return styled(idx, f, initial, l_)

    source = "the row's names" if first_col and last_col else "names"
    return Made(fn, f"username from {source}", utf8=from_names if from_row else encoded)


def ascii_words(names: utf8.Utf8Array, default: str) -> utf8.Utf8Array:
    """`ascii_word(name) or default` for each value: for ASCII names their letters lowered
    and digits, kept with one mask over the buffer; names with other bytes (accents to strip)
    go through `ascii_word` one by one."""
    data, offsets = names.data, names.offsets
    lowered = utf8.ascii_lower(data)
    keep = ((lowered >= 97) & (lowered <= 122)) | ((lowered >= 48) & (lowered <= 57))
    out = utf8.keep_bytes(lowered, offsets, keep)
    other = np.flatnonzero(utf8.keep_bytes(data, offsets, data >= 0x80).lengths)
    if len(other):
        out = utf8.splice(out, other, [ascii_word(v) for v in names.take(other).tolist()])
    empty = out.lengths == 0
    if empty.any():
        out = utf8.choose_rows(empty, utf8.constant(default, len(names)), out)
    return out


def _ascii_or(default: str) -> Callable[[str], str]:
    return lambda name: ascii_word(name) or default


def _ssn(ctx: Ctx) -> Made:
    """US SSNs as issued: area 001-665 or 667-899, group 01-99, serial 0001-9999."""
    dash = ctx.length is None or ctx.length >= 11

    def matrix(idx: h.I64) -> npt.NDArray[np.uint8]:
        area = h.integers(ctx.key, idx, 1, 898)
        parts = [
            digit_matrix(area + (area >= 666), 3),
            digit_matrix(h.integers(ctx.key + 1, idx, 1, 99), 2),
            digit_matrix(h.integers(ctx.key + 2, idx, 1, 9999), 4),
        ]
        digits = [p + np.uint8(48) for p in parts]
        if dash:
            gap = np.full((len(idx), 1), ord("-"), dtype=np.uint8)
            digits = [digits[0], gap, digits[1], gap, digits[2]]
        return np.hstack(digits)

    return from_matrix(matrix, "US social security number")


def _email(ctx: Ctx) -> Made:
    return Made(lambda idx: [], "email")  # made by the Builder from the row's names


register(
    Concept("first_name", "person", "first_name", (("first", "name"), ("given", "name"), ("fore", "name"), ("first",), ("firstname",), ("middle", "name"), ("christian", "name")), _pool("first_name", "mimesis first_name"), min_len=3, group="person", valid=NAME),
    Concept("last_name", "person", "last_name", (("last", "name"), ("family", "name"), ("sur", "name"), ("surname",), ("last",), ("lastname",), ("maiden", "name")), _pool("last_name", "mimesis last_name"), min_len=3, group="person", valid=NAME),
    Concept("full_name", "person", "full_name", (("full", "name"), ("display", "name"), ("contact", "name"), ("person", "name"), ("holder", "name"), ("cardholder",), ("cardholder", "name"), ("author",), ("composer",), ("artist",), ("writer",), ("editor",), ("creator", "name"), ("recipient",), ("recipient", "name"), ("contact", "person"), ("customer", "name"), ("real", "name"), ("ship", "name"), ("assignee", "name"), ("owner", "name"), ("author", "name"), ("poc",), ("point", "of", "contact")), _full_name, min_len=8, group="person", valid=matches(r"\S+( \S+)+")),
    Concept("full_name", "person", "full_name", (("name",),), _full_name, min_len=8, group="person", tables=_PERSON_TABLES, exact=True, valid=matches(r"\S+( \S+)+")),
    Concept("email", "person", "email", (("email",), ("e", "mail"), ("mail",), ("email", "address"), ("mail", "address")), _email, min_len=6, group="person", weight=1, valid=matches(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")),
    Concept("username", "person", "username", (("user", "name"), ("username",), ("login",), ("login", "name"), ("handle",), ("nick", "name"), ("nickname",), ("screen", "name"), ("account", "name"), ("nick",)), _username, min_len=4, group="person", valid=matches(r"[\w.-]{2,}")),
    Concept("gender", "person", "gender", (("gender",), ("sex",)), _listed(_GENDERS, "gender list, skewed"), min_len=4, sampled=True, valid=WORD),
    Concept("honorific", "person", "honorific", (("courtesy",), ("salutation",), ("honorific",), ("prefix",), ("title", "of", "courtesy")), _listed(_HONORIFICS, "honorific list, skewed"), min_len=3, sampled=True, valid=matches(r"[A-Z][a-z]+\.?")),
    Concept("job_title", "person", "job_title", (("job", "title"), ("occupation",), ("position",), ("designation",), ("contact", "title"), ("job",), ("profession",), ("role", "title")), _pool("job_title", "mimesis job_title"), min_len=6, valid=NAME),
    Concept("department", "person", "department", (("department",), ("department", "name"), ("dept",), ("dept", "name"), ("division",)), _listed(_DEPARTMENTS, "department list, skewed"), min_len=5, sampled=True, valid=NAME),
    Concept("department", "person", "department", (("name",),), _listed(_DEPARTMENTS, "department list, skewed"), min_len=5, tables=r"department", exact=True, sampled=True, valid=NAME),
    Concept("ssn", "person", "ssn", (("ssn",), ("social", "security"), ("social", "security", "number")), _ssn, min_len=9, valid=matches(r"\d{3}-\d{2}-\d{4}")),
    Concept("university", "person", "university", (("university",), ("school",), ("college",), ("alma", "mater")), _pool("university", "mimesis university"), min_len=8, valid=NAME),
)  # fmt: skip
