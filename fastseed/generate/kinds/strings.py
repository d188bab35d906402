"""Text columns: the column's concept (or generic words), patterns, unique text and codes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fastseed.generate import concepts, text
from fastseed.generate import hashing as h
from fastseed.generate.kinds.base import ColumnGen, Fn, Values
from fastseed.generate.kinds.structured import Structured
from fastseed.generate.pattern import PatternGen, UniquePattern
from fastseed.generate.text import Utf8Array
from fastseed.schema import Kind

_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


_CODE = "0123456789" + _UPPER
"""Characters of unique codes: distinct under case folding, accents and trailing spaces."""


_CJK = "".join(map(chr, range(0x4E00, 0xA000)))
"""CJK unified ideographs (3 bytes in UTF-8): caseless, accentless, distinct in collations."""


def _encode(i: int, alphabet: str, width: int | None = None) -> str:
    base = len(alphabet)
    out = ""
    while True:
        i, r = divmod(i, base)
        out = alphabet[r] + out
        if i == 0:
            break
    if width is not None:
        out = out.rjust(width, alphabet[0])
    return out


def suffixed(value: str, suffix: str, n: int | None, min_len: int, is_email: bool) -> str:
    """`value` made unique by `suffix` (the row index in base 36), in at most `n` and at least
    `min_len` characters: an email keeps its domain (`local.suffix@domain`)."""
    if is_email and "@" in value:
        local, dom = value.split("@", 1)
        full = f"{local}.{suffix}@{dom}"
        if n is None or len(full) <= n:
            return full
        room = n - len(suffix) - 2 - len(local) if n else 0
        if room >= 1:
            return f"{local}.{suffix}@{dom[:room]}"
        value = local
    full = f"{value}-{suffix}"
    if n is not None and len(full) > n:
        full = value[: max(0, n - len(suffix) - 1)] + "-" + suffix
    if len(full) < min_len:
        # pad before the suffix: padding after it could forge another suffix
        full = full[: -len(suffix) - 1].ljust(min_len - len(suffix) - 1, "x")
        full += "-" + suffix
    return full


class Strings(Structured):
    """Text columns, as Python strings and as UTF-8 arrays."""

    def made(self) -> concepts.Made | None:
        """The column's concept generator, built once (None: no concept, or one the Builder
        makes itself from the row's siblings: email, full name)."""
        found = self.match
        make = None if found is None else found.concept.make
        if found is None or make is None or self.tag in {"email", "full_name"}:
            return None
        if self._made is None:
            ctx = self.concept_ctx(found, self._max_len(), self.type.fixed_length)
            self._made = make(ctx)
        return self._made

    def _text_base(self) -> tuple[Fn, str]:
        """Realistic (non-unique) text: the column's concept, else two generic words; the
        label says which concept and the signal that chose it."""
        fn, label = self._concept_text()
        return fn, label + self.because()

    def _concept_text(self) -> tuple[Fn, str]:
        tag = self.tag
        pools = self.pools
        if tag == "full_name":
            first_col, last_col = self._name_siblings()

            def full(idx: h.I64) -> Values:
                first = self._names(first_col, "first_name", idx, 1)
                last = self._names(last_col, "last_name", idx, 2)
                return [f"{a} {b}" for a, b in zip(first, last, strict=True)]

            source = "the row's first + last name" if first_col else "mimesis first + last name"
            return full, source
        if tag == "email":
            first_col, last_col = self._name_siblings()

            def email(idx: h.I64) -> Values:
                first = self._names(first_col, "first_name", idx, 1)
                last = self._names(last_col, "last_name", idx, 2)
                dom = self.pick(pools.get("email_domain"), idx, 3)
                return [
                    f"{a}.{b}@{d}".lower().replace(" ", "")
                    for a, b, d in zip(first, last, dom, strict=True)
                ]

            source = "the row's names" if first_col else "names"
            return email, f"email from {source}"
        made = self.made()
        if made is not None:
            return made.fn, made.label

        def words(idx: h.I64) -> Values:
            pool = pools.get("word")
            a = self.pick(pool, idx, 1)
            b = self.pick(pool, idx, 2)
            return [f"{x} {y}" for x, y in zip(a, b, strict=True)]

        return words, "generic words"

    def _text_base_utf8(self) -> Callable[[h.I64], Utf8Array | None] | None:
        """`_text_base` for the values it can gather from encoded pools alone; None for the
        others, and a function that answers None for a batch it cannot do (non-ASCII
        emails, names the row's siblings do not give as UTF-8)."""
        tag = self.tag
        if tag == "full_name":
            first_col, last_col = self._name_siblings()

            def full(idx: h.I64) -> Utf8Array | None:
                first = self._names_utf8(first_col, "first_name", idx, 1)
                last = self._names_utf8(last_col, "last_name", idx, 2)
                if first is None or last is None:
                    return None
                return text.concat([first, text.constant(" ", len(idx)), last])

            return full
        if tag == "email":
            return self._email_utf8
        made = self.made()
        if made is not None:
            if made.utf8 is not None:
                return made.utf8
            if made.pool is None:
                return None  # a format of its own: the list path
            pool = text.from_strings(made.pool)
            return lambda idx: self.pick_utf8(pool, idx, made.salt, skew=made.skew)
        words = self.pools.utf8("word")
        return lambda idx: text.concat(
            [
                self.pick_utf8(words, idx, 1),
                text.constant(" ", len(idx)),
                self.pick_utf8(words, idx, 2),
            ]
        )

    def _email_utf8(self, idx: h.I64, suffix: Utf8Array | None = None) -> Utf8Array | None:
        """The email `_text_base` makes (`first.last@domain`, lowercase, without spaces), or
        with `suffix` `unique_text` puts after the local part (`first.last.suffix@domain`);
        None when a name is not ASCII or holds an '@' (the list path splits at the first)."""
        first_col, last_col = self._name_siblings()
        first = self._names_utf8(first_col, "first_name", idx, 1)
        last = self._names_utf8(last_col, "last_name", idx, 2)
        if first is None or last is None or any(text.contains_any(p, b"@") for p in (first, last)):
            return None
        n = len(idx)
        domain = self.pick_utf8(self.pools.utf8("email_domain"), idx, 3)
        tail = [] if suffix is None else [text.constant(".", n), suffix]
        parts = [first, text.constant(".", n), last, *tail, text.constant("@", n), domain]
        # a suffix (base 36) is lowercase without spaces: lowering it all at once is the same
        return text.ascii_lower_without_spaces(text.concat(parts))

    def _names_utf8(self, column: str | None, pool: str, idx: h.I64, salt: int) -> Utf8Array | None:
        if column is None or self.sibling is None:
            return self.pick_utf8(self.pools.utf8(pool), idx, salt)
        if self.sibling_text is None:
            return None
        values = self.sibling_text(column, idx)
        if values is None:
            return None
        empty = values.lengths == 0
        if not empty.any():
            return values
        return text.choose_rows(empty, self.pick_utf8(self.pools.utf8(pool), idx, salt), values)

    def _fitted_utf8(
        self, base: Callable[[h.I64], Utf8Array | None], fn: Fn, n: int | None, min_len: int
    ) -> Callable[[h.I64], Utf8Array]:
        """`base` where its values fit [min_len, n] characters; rows that do not (and batches
        `base` cannot do) come from the list path `fn`, which knows how to fit them."""
        fitted = self._fitted_or_none(base, fn, n, min_len)

        def raw(idx: h.I64) -> Utf8Array:
            values = fitted(idx)
            return text.from_strings(fn(idx)) if values is None else values

        return raw

    def _fitted_or_none(
        self, base: Callable[[h.I64], Utf8Array | None], fn: Fn, n: int | None, min_len: int
    ) -> Callable[[h.I64], Utf8Array | None]:
        """`_fitted_utf8`, None for a batch `base` cannot do."""

        def fitted(idx: h.I64) -> Utf8Array | None:
            values = base(idx)
            if values is None:
                return None
            if not min_len and (n is None or int(values.lengths.max(initial=0)) <= n):
                return values  # no more characters than bytes: all fit
            chars = values.char_lengths()
            bad = np.zeros(len(idx), dtype=bool)
            if n is not None:
                bad |= chars > n
            if min_len:
                bad |= chars < min_len
            where = np.flatnonzero(bad)
            return text.splice(values, where, fn(idx[where])) if len(where) else values

        return fitted

    def _kind_text(self) -> ColumnGen:
        n = self._max_len()
        min_len = self.rule.min_length or 0
        if n is not None and n < 1:
            return ColumnGen(lambda idx: [""] * len(idx), "empty string", 1)
        if self.rule.pattern is not None:
            return self._pattern(self.rule.pattern, n)
        if self.rule.json is not None:
            return self._kind_json()  # json_valid(col) on a text column (MariaDB's JSON)
        if self.unique:
            return self._unique_text(n)
        base, label = self._text_base()
        if n is not None and n <= 3 and self.match is None:
            # a code column such as char(1) or char(2): short uppercase codes
            width = n

            def letters(idx: h.I64) -> Utf8Array:
                picks = h.choose(self.key, idx, 26**width)
                return text.integers(picks, _UPPER.encode(), width)  # padded with "A"

            return ColumnGen(lambda idx: letters(idx).tolist(), f"{n}-letter code", raw=letters)

        # picks from a pool that fits the column need no length test per value
        made = self.made()
        lengths = None if made is None or made.pool is None else list(map(len, made.pool))
        long = n is not None and (lengths is None or max(lengths, default=0) > n)
        short = min_len > 0 and (lengths is None or min(lengths, default=0) < min_len)

        def fn(idx: h.I64) -> Values:
            vals = base(idx)
            if long and n is not None and max(map(len, vals), default=0) > n:
                vals = [v[:n].rstrip() or v[:n] for v in vals]
            if short:
                vals = [v.ljust(min_len, "x") if len(v) < min_len else v for v in vals]
            return vals

        fast = self._text_base_utf8()
        raw = None if fast is None else self._fitted_utf8(fast, fn, n, min_len)
        return ColumnGen(fn, label + (f", max {n} chars" if n else ""), raw=raw)

    def _pattern(self, regex: str, n: int | None) -> ColumnGen:
        if self.unique:
            layout = UniquePattern(regex, n)
            return ColumnGen(
                lambda idx: layout.make(self.key, idx),
                f"matches /{regex}/, row index encoded (unique)",
                layout.capacity,
            )
        gen = PatternGen(regex)
        fitted = UniquePattern(regex, n) if n is not None else None

        def fn(idx: h.I64) -> Values:
            words = h.mix(self.key, idx).tolist()
            out = [gen.make(w) for w in words]
            if fitted is not None and fitted.capacity:
                # a draw longer than the column: a laid-out value that fits (cutting it short
                # could lose the pattern's tail)
                long = [i for i, v in enumerate(out) if len(v) > (n or 0)]
                if long:
                    room = np.uint64(min(fitted.capacity, 1 << 62))
                    spread = h.mix(self.key + 1, idx[long]) % room
                    for i, v in zip(
                        long, fitted.make(self.key, spread.astype(np.int64)), strict=True
                    ):
                        out[i] = v
            return out

        return ColumnGen(fn, f"matches /{regex}/")

    def _unique_text(self, n: int | None) -> ColumnGen:
        """Unique by construction: a readable prefix plus the row index encoded in base 36."""
        made = self.made()
        if made is not None and made.capacity is not None and not self.rule.min_length:
            label = f"{made.label}, distinct per row{self.because()}"
            return ColumnGen(made.fn, label, made.capacity, raw=made.utf8)
        base, label = self._text_base()
        min_len = self.rule.min_length or 0
        if n is not None and n <= 8:
            return self._unique_code(n)
        is_email = self.tag == "email"

        def each(idx: h.I64) -> Values:
            suffixes = text.integers(idx, _B36.encode()).tolist()
            return [
                suffixed(v, sfx, n, min_len, is_email)
                for v, sfx in zip(base(idx), suffixes, strict=True)
            ]

        capacity = None if n is None else 36 ** (n - 1)
        fast = self._text_base_utf8()
        if fast is None:
            return ColumnGen(each, label + " + unique suffix", capacity)

        def unique(idx: h.I64) -> Utf8Array | None:
            suffix = text.integers(idx, _B36.encode())
            if is_email:
                return self._email_utf8(idx, suffix)
            values = fast(idx)
            if values is None:
                return None
            return text.concat([values, text.constant("-", len(idx)), suffix])

        # rows that overflow n take the per-value shortening
        fitted = self._fitted_or_none(unique, each, n, min_len)

        def fn(idx: h.I64) -> Values:
            # the UTF-8 path decoded costs a fraction of building each string in Python
            values = fitted(idx)
            return each(idx) if values is None else values.tolist()

        raw = self._fitted_utf8(unique, each, n, min_len)
        return ColumnGen(fn, label + " + unique suffix", capacity, raw=raw)

    def _unique_code(self, width: int) -> ColumnGen:
        """Unique codes of exactly `width` characters, as many as the type allows.

        The first 36**width are digits and capitals; past them each code starts with a letter
        of the column's charset beyond ASCII (CJK ideographs: no case, no accents), followed by
        any code characters. Every character is distinct from the others under case folding
        and accent stripping, and none is a space, so the codes stay distinct under MySQL's
        default collations and a unique index on lower()/upper().
        """
        extra = self._extra_letters()
        small = len(_CODE) ** width
        full = _CODE + extra
        cap = small + len(extra) * len(full) ** (width - 1) if extra else small
        # one permutation whatever the seed, so a later run's rows (past the rows already
        # there) never take a code an earlier run with another seed gave
        order = h.stream_key(0, self.table.name.name, self.column.name)

        def code(idx: h.I64) -> Values:
            perm = h.permute(order, np.minimum(idx, small - 1), small).tolist()
            out = []
            for i, p in zip(idx.tolist(), perm, strict=True):
                if i < small:
                    out.append(_encode(p, _CODE, width))
                    continue
                j = i - small
                tail = _encode(j // len(extra), full, width - 1) if width > 1 else ""
                out.append(extra[j % len(extra)] + tail)
            return out

        def raw(idx: h.I64) -> Utf8Array:
            if len(idx) and int(idx.max()) >= small:
                return text.from_strings(code(idx))  # codes past the ASCII ones
            perm = h.permute(order, idx, small)
            return text.integers(perm, _CODE.encode(), width)

        return ColumnGen(code, f"{width}-character unique code", cap, raw=raw)

    def _extra_letters(self) -> str:
        """Code characters beyond ASCII that the column's charset holds (none for latin1)."""
        per_char = self.type.max_bytes_per_char
        return _CJK if per_char is None or per_char >= 3 else ""

    def _name_siblings(self) -> tuple[str | None, str | None]:
        """The row's first/last name columns, so a full name or email is that person's: the
        ones of the column's own group (billing_first_name for billing_email), else the
        table's first ones."""
        if self.sibling is None or self.match is None:
            return None, None
        found: dict[str, str] = {}
        for key, name in concepts.group_members(self.table, self.match).items():
            if key in {"first_name", "last_name"} and name != self.column.name:
                found[key] = name
        if len(found) < 2:
            found = {}
            for col in self.table.columns:
                other = concepts.match(self.table, col) if col.type.kind == Kind.TEXT else None
                if other is not None and other.concept.name in {"first_name", "last_name"}:
                    found.setdefault(other.concept.name, col.name)
        if len(found) < 2:
            return None, None
        return found["first_name"], found["last_name"]

    def _names(self, column: str | None, pool: str, idx: h.I64, salt: int) -> list[str]:
        if column is not None and self.sibling is not None:
            vals = self.sibling(column, idx)
            fallback = self.pick(self.pools.get(pool), idx, salt)
            return [v if v else f for v, f in zip(vals, fallback, strict=True)]
        return self.pick(self.pools.get(pool), idx, salt)
