"""Strings that match a simple regular expression (CHECK (code ~ '^[A-Z]{3}-\\d{4}$')).

Supported: anchors, literals and escapes, `.`, `\\d \\w \\s`, classes with ranges, groups with
alternation, and the quantifiers ? * + {n} {n,m}. Anything else raises `PatternError`, and
the check is reported as not handled.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

_CLASSES = {
    "d": string.digits,
    "w": string.ascii_letters + string.digits + "_",
    "s": " ",
}
_DOT = string.ascii_lowercase + string.digits


class PatternError(ValueError):
    pass


@dataclass
class _Node:
    kind: str  # 'chars' | 'group'
    chars: str = ""
    options: list[list[_Node]] | None = None
    low: int = 1
    high: int = 1


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def parse(self) -> list[list[_Node]]:
        alts = self.alternatives()
        if self.i != len(self.text):
            raise PatternError(f"unsupported pattern near {self.text[self.i :]!r}")
        return alts

    def alternatives(self) -> list[list[_Node]]:
        alts = [self.sequence()]
        while self.i < len(self.text) and self.text[self.i] == "|":
            self.i += 1
            alts.append(self.sequence())
        return alts

    def sequence(self) -> list[_Node]:
        seq: list[_Node] = []
        while self.i < len(self.text) and self.text[self.i] not in "|)":
            ch = self.text[self.i]
            if ch in "^$":
                self.i += 1
                continue
            node = self.atom()
            self.quantifier(node)
            seq.append(node)
        return seq

    def atom(self) -> _Node:
        ch = self.text[self.i]
        self.i += 1
        if ch == "(":
            if self.text.startswith("?:", self.i):
                self.i += 2
            options = self.alternatives()
            if self.i >= len(self.text) or self.text[self.i] != ")":
                raise PatternError("unclosed group")
            self.i += 1
            return _Node("group", options=options)
        if ch == "[":
            return _Node("chars", chars=self.char_class())
        if ch == "\\":
            esc = self.text[self.i]
            self.i += 1
            return _Node("chars", chars=_CLASSES.get(esc, esc))
        if ch == ".":
            return _Node("chars", chars=_DOT)
        if ch in "*+?{":
            raise PatternError("quantifier without atom")
        return _Node("chars", chars=ch)

    def char_class(self) -> str:
        if self.text.startswith("^", self.i):
            raise PatternError("negated class")
        chars: list[str] = []
        while self.i < len(self.text) and self.text[self.i] != "]":
            ch = self.text[self.i]
            if ch == "\\":
                self.i += 1
                chars.extend(_CLASSES.get(self.text[self.i], self.text[self.i]))
                self.i += 1
            elif (
                self.i + 2 < len(self.text)
                and self.text[self.i + 1] == "-"
                and self.text[self.i + 2] != "]"
            ):
                lo, hi = ch, self.text[self.i + 2]
                chars.extend(chr(c) for c in range(ord(lo), ord(hi) + 1))
                self.i += 3
            else:
                chars.append(ch)
                self.i += 1
        if self.i >= len(self.text):
            raise PatternError("unclosed class")
        self.i += 1
        if not chars:
            raise PatternError("empty class")
        return "".join(dict.fromkeys(chars))

    def quantifier(self, node: _Node) -> None:
        if self.i >= len(self.text):
            return
        ch = self.text[self.i]
        if ch in "?*+":
            node.low, node.high = {"?": (0, 1), "*": (0, 8), "+": (1, 8)}[ch]
            self.i += 1
        elif ch == "{":
            m = re.match(r"\{(\d+)(,(\d*))?\}", self.text[self.i :])
            if not m:
                raise PatternError("bad {n,m}")
            node.low = int(m.group(1))
            node.high = (
                int(m.group(3)) if m.group(3) else (node.low if not m.group(2) else node.low + 8)
            )
            self.i += m.end()


class PatternGen:
    """Produces a matching string from a stream of 64-bit random words."""

    def __init__(self, regex: str) -> None:
        self.regex = regex
        self.tree = _Parser(regex).parse()
        self.check = re.compile(regex)

    def make(self, seed: int) -> str:
        state = [seed & 0xFFFFFFFFFFFFFFFF or 1]

        def draw(n: int) -> int:
            x = state[0]
            x ^= (x << 13) & 0xFFFFFFFFFFFFFFFF
            x ^= x >> 7
            x ^= (x << 17) & 0xFFFFFFFFFFFFFFFF
            state[0] = x
            return x % n

        def seq(nodes: list[_Node]) -> str:
            out = []
            for node in nodes:
                count = node.low + draw(node.high - node.low + 1)
                for _ in range(count):
                    if node.kind == "chars":
                        out.append(node.chars[draw(len(node.chars))])
                    else:
                        opts = node.options or [[]]
                        out.append(seq(opts[draw(len(opts))]))
            return "".join(out)

        return seq(self.tree[draw(len(self.tree))])
