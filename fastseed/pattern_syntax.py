"""The regular expressions fastseed can generate strings from, parsed into a tree.

Supported: anchors, literals and escapes, `.`, `\\d \\w \\s \\D \\W \\S`, classes with ranges and
POSIX classes ([[:alpha:]]), groups with alternation, and the quantifiers ? * + {n} {n,} {n,m}.
Anything else raises `PatternError`. What a pattern allows is known before any value exists,
so a scenario is checked here when read; generate/pattern.py draws the strings.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

_CLASSES = {
    "d": string.digits,
    "w": string.ascii_letters + string.digits + "_",
    "s": " ",
    "D": string.ascii_letters,
    "W": "-.",
    "S": string.ascii_letters + string.digits,
}
_DOT = string.ascii_lowercase + string.digits
_POSIX = {
    "alpha": string.ascii_letters,
    "digit": string.digits,
    "alnum": string.ascii_letters + string.digits,
    "upper": string.ascii_uppercase,
    "lower": string.ascii_lowercase,
    "xdigit": string.hexdigits,
    "space": " ",
    "blank": " ",
    "punct": "-_.,:;!?",
}
"""[[:alpha:]] and friends, as PostgreSQL and MySQL regular expressions spell classes."""


class PatternError(ValueError):
    pass


def python_regex(regex: str) -> str:
    """The pattern in Python's `re` syntax: POSIX classes spelt out."""
    return re.sub(
        r"\[:(\w+):\]",
        lambda m: "".join(re.escape(c) for c in _POSIX.get(m.group(1), m.group(0))),
        regex,
    )


@dataclass
class _Node:
    kind: str  # 'chars' | 'group'
    chars: str = ""
    options: list[list[_Node]] | None = None
    low: int = 1
    high: int = 1
    open: bool = False
    """`*`, `+` or `{n,}`: any count from `low` up (`high` is only the count drawn at most)."""


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
            posix = re.match(r"\[:(\w+):\]", self.text[self.i :])
            if posix:
                if posix.group(1) not in _POSIX:
                    raise PatternError(f"class [:{posix.group(1)}:]")
                chars.extend(_POSIX[posix.group(1)])
                self.i += posix.end()
            elif ch == "\\":
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
            node.open = ch != "?"
            self.i += 1
        elif ch == "{":
            m = re.match(r"\{(\d+)(,(\d*))?\}", self.text[self.i :])
            if not m:
                raise PatternError("bad {n,m}")
            node.low = int(m.group(1))
            node.high = (
                int(m.group(3)) if m.group(3) else (node.low if not m.group(2) else node.low + 8)
            )
            node.open = bool(m.group(2)) and not m.group(3)
            self.i += m.end()


def check_pattern(regex: str) -> None:
    """Raise `PatternError` (or `re.error`) unless fastseed can generate strings matching
    `regex`: the same parse and compile as `PatternGen`."""
    _Parser(regex).parse()
    re.compile(python_regex(regex))
