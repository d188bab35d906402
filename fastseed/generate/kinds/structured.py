"""Values with a structure of their own: JSON, XML, full-text, hstore, ltree, enum, SET, bit."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import numpy as np

from fastseed.generate import hashing as h
from fastseed.generate import text
from fastseed.generate.kinds.base import ColumnGen, Values
from fastseed.generate.kinds.checks import Checks
from fastseed.generate.text import Utf8Array


def _joined(parts: Sequence[str | Utf8Array], n: int) -> Utf8Array:
    """Row-wise concatenation of text columns and constants."""
    return text.concat([text.constant(p, n) if isinstance(p, str) else p for p in parts])


def _label(word: str) -> str:
    """A word as an ltree label: letters, digits and underscores only."""
    return re.sub(r"[^A-Za-z0-9_]", "_", word) or "x"


def _lexeme(word: str) -> str:
    """A word as a quoted tsquery operand."""
    return "'" + word.lower().replace("'", "''").replace("\\", "\\\\") + "'"


class Structured(Checks):
    """Documents, label lists and bit strings."""

    def _kind_tsvector(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            pool = self.pools.get("word")
            a, b, c = (self.pick(pool, idx, s) for s in range(3))
            return [
                " ".join(sorted({x.lower(), y.lower(), z.lower()}))
                for x, y, z in zip(a, b, c, strict=True)
            ]

        return ColumnGen(fn, "words")

    def _kind_xml(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            return [
                f"<note><text>{w}</text></note>" for w in self.pick(self.pools.get("word"), idx)
            ]

        return ColumnGen(fn, "small XML document")

    def _kind_json(self) -> ColumnGen:
        if self.rule.json == "array":
            return self._json_array()

        def fn(idx: h.I64) -> Values:
            words = self.pick(self.pools.get("word"), idx)
            tags = self.pick(self.pools.get("word"), idx, 1)
            scores = (self._u(idx, 2) * 100).astype(int).tolist()
            keys = idx.tolist()
            return [
                json.dumps({"id": k, "source": w, "score": s, "tags": [w, t]})
                for k, w, s, t in zip(keys, words, scores, tags, strict=True)
            ]

        def raw(idx: h.I64) -> Utf8Array:
            quoted = self.pools.utf8_form("word", "json", json.dumps)
            word = self.pick_utf8(quoted, idx)
            scores = (self._u(idx, 2) * 100).astype(np.int64)
            parts: list[str | Utf8Array] = [
                '{"id": ', text.integers(idx), ', "source": ', word, ', "score": ',
                text.integers(scores), ', "tags": [', word, ", ",
                self.pick_utf8(quoted, idx, 1), "]}",
            ]  # fmt: skip
            return _joined(parts, len(idx))

        return ColumnGen(fn, "JSON object", None, raw=raw)

    def _json_array(self) -> ColumnGen:
        """CHECK (jsonb_typeof(col) = 'array'): a short list of words."""

        def fn(idx: h.I64) -> Values:
            counts = (self._u(idx, 4) * 4).astype(int).tolist()
            picks = [self.pick(self.pools.get("word"), idx, salt) for salt in range(3)]
            return [json.dumps([p[j] for p in picks[:k]]) for j, k in enumerate(counts)]

        def raw(idx: h.I64) -> Utf8Array:
            counts = (self._u(idx, 4) * 4).astype(np.int64)
            quoted = self.pools.utf8_form("word", "json", json.dumps)
            parts: list[str | Utf8Array] = ["["]
            for salt in range(3):
                item = self.pick_utf8(quoted, idx, salt)
                item = item if not salt else _joined([", ", item], len(idx))
                parts.append(text.keep_rows(item, counts > salt))
            return _joined([*parts, "]"], len(idx))

        return ColumnGen(fn, "JSON array", raw=raw)

    def _kind_enum(self) -> ColumnGen:
        return (
            self._choices(list(self.type.labels))
            if self.type.labels
            else ColumnGen(lambda idx: [None] * len(idx), "enum without labels", 0)
        )

    def _kind_set(self) -> ColumnGen:
        labels = list(self.type.labels)

        def fn(idx: h.I64) -> Values:
            bits = h.mix(self.key, idx).tolist()
            return [",".join(lab for j, lab in enumerate(labels) if (b >> j) & 1) for b in bits]

        def raw(idx: h.I64) -> Utf8Array:
            bits = h.mix(self.key, idx)
            n = len(idx)
            seen = np.zeros(n, dtype=bool)
            parts = []
            for j, label in enumerate(labels):
                member = ((bits >> np.uint64(j)) & np.uint64(1)).astype(bool)
                # a comma before every member but the first
                form = text.choose_rows(
                    seen, text.constant("," + label, n), text.constant(label, n)
                )
                parts.append(text.keep_rows(form, member))
                seen |= member
            return text.concat(parts) if parts else text.constant("", n)

        return ColumnGen(fn, "SET subset", 2 ** len(labels), raw=raw)

    def _kind_bit(self) -> ColumnGen:
        """n binary digits: the low min(n, 64) bits of a draw, zeros before them."""
        n = self.type.length or 1
        shifts = np.arange(n - 1, -1, -1)  # the bit each digit shows, most significant first
        shown = shifts < 64

        def raw(idx: h.I64) -> Utf8Array:
            draws = h.mix(self.key, idx)
            digits = np.full((len(idx), n), ord("0"), dtype=np.uint8)
            bits = (draws[:, None] >> shifts[shown].astype(np.uint64)) & np.uint64(1)
            digits[:, shown] += bits.astype(np.uint8)
            return text.from_matrix(digits)

        return ColumnGen(lambda idx: raw(idx).tolist(), f"bit({n})", 2 ** min(n, 62), raw=raw)

    def _kind_tsquery(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            pool = self.pools.get("word")
            a, b = (self.pick(pool, idx, s) for s in range(2))
            return [_lexeme(x) + " & " + _lexeme(y) for x, y in zip(a, b, strict=True)]

        return ColumnGen(fn, "two words, both required")

    def _kind_hstore(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            words = self.pick(self.pools.get("word"), idx)
            scores = (self._u(idx, 2) * 100).astype(int).tolist()
            return [{"source": w, "score": str(n)} for w, n in zip(words, scores, strict=True)]

        return ColumnGen(fn, "hstore of two keys")

    def _kind_ltree(self) -> ColumnGen:
        def fn(idx: h.I64) -> Values:
            pool = self.pools.get("word")
            parts = [self.pick(pool, idx, s) for s in range(3)]
            depth = (self._u(idx, 3) * 3).astype(int).tolist()
            return [
                ".".join(["Top", *(_label(p) for p in path[:d])])
                for d, *path in zip(depth, *parts, strict=True)
            ]

        return ColumnGen(fn, "label path under Top")
