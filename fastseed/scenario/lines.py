"""Line numbers of the keys of a TOML document, for messages that point at the right line.

`tomllib` returns plain dicts without positions, so this scanner walks the text once more and
records where each key path first appears: table headers (`[tables.orders.columns.status]`),
`key = value` lines (dotted keys included), keys inside inline tables and the elements of
arrays. It runs only on text `tomllib` has already accepted, so it skips values without
checking them and never has to report a syntax error itself.
"""

from __future__ import annotations

import bisect
import re
import tomllib

Path = tuple[str | int, ...]
"""A key path: table keys are strings, array elements their index."""

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# A bare scalar (number, boolean, date/time) ends where the enclosing structure resumes.
_SCALAR_END = re.compile(r"[,\]}\n#]")


def key_lines(text: str) -> dict[Path, int]:
    """Key path -> 1-based line of its first appearance (a header counts for its parents)."""
    return _Scanner(text).scan()


def dotted(path: Path) -> str:
    """'tables.orders.columns.status', with array elements as 'anomalies.kinds[2]'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.lines: dict[Path, int] = {}
        self.elements: dict[Path, int] = {}

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def record(self, path: Path, pos: int) -> None:
        # Every prefix too: `[tables.orders.columns.status]` is the first mention of
        # `tables.orders` when no `[tables.orders]` header came before it.
        line = self.line(pos)
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], line)

    def scan(self) -> dict[Path, int]:
        prefix: Path = ()
        text = self.text
        while True:
            self.skip_space(newlines=True)
            if self.pos >= len(text):
                return self.lines
            start = self.pos
            if text.startswith("[[", start):
                self.pos += 2
                key = self.key()
                self.pos = text.index("]]", self.pos) + 2
                # Each [[header]] opens the next element of that array of tables.
                index = self.elements[key] = self.elements.get(key, -1) + 1
                prefix = (*key, index)
                self.record(prefix, start)
            elif text[start] == "[":
                self.pos += 1
                prefix = self.key()
                self.pos = text.index("]", self.pos) + 1
                self.record(prefix, start)
            else:
                self.key_value(prefix)

    def key_value(self, prefix: Path) -> None:
        start = self.pos
        path = prefix + self.key()
        self.skip_space()
        self.pos += 1  # '='
        self.record(path, start)
        self.value(path)

    def key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self.skip_space()
            parts.append(self.simple_key())
            self.skip_space()
            if self.text.startswith(".", self.pos):
                self.pos += 1
            else:
                return tuple(parts)

    def simple_key(self) -> str:
        text, start = self.text, self.pos
        if text[start] in "\"'":
            self.skip_string()
            # Decode escapes exactly as tomllib does, so the path matches the parsed dict's keys.
            decoded = tomllib.loads(f"k = {text[start : self.pos]}")["k"]
            assert isinstance(decoded, str)
            return decoded
        m = _BARE_KEY.match(text, start)
        assert m, "the text was already parsed by tomllib"
        self.pos = m.end()
        return m.group()

    def value(self, path: Path) -> None:
        self.skip_space()
        text, pos = self.text, self.pos
        if text[pos] in "\"'":
            self.skip_string()
        elif text[pos] == "{":
            self.pos += 1
            while True:
                self.skip_space(newlines=True)
                if text[self.pos] == "}":
                    self.pos += 1
                    return
                self.key_value(path)
                self.skip_space(newlines=True)
                if text[self.pos] == ",":
                    self.pos += 1
        elif text[pos] == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip_space(newlines=True)
                if text[self.pos] == "]":
                    self.pos += 1
                    return
                self.record((*path, index), self.pos)
                self.value((*path, index))
                self.skip_space(newlines=True)
                if text[self.pos] == ",":
                    self.pos += 1
                index += 1
        else:
            m = _SCALAR_END.search(text, pos)
            self.pos = m.start() if m else len(text)

    def skip_string(self) -> None:
        text, pos = self.text, self.pos
        quote = text[pos]
        if text.startswith(quote * 3, pos):
            end = pos + 3
            while True:
                if quote == '"' and text[end] == "\\":
                    end += 2
                elif text.startswith(quote * 3, end):
                    # Content may end with one or two quotes right before the delimiter
                    # ("""a "quote""""): the last three of the run close the string.
                    run = 3
                    while run < 5 and end + run < len(text) and text[end + run] == quote:
                        run += 1
                    self.pos = end + run
                    return
                else:
                    end += 1
        end = pos + 1
        while text[end] != quote:
            end += 2 if quote == '"' and text[end] == "\\" else 1
        self.pos = end + 1

    def skip_space(self, newlines: bool = False) -> None:
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in " \t" or (newlines and c in "\r\n"):
                self.pos += 1
            elif newlines and c == "#":
                nl = text.find("\n", self.pos)
                self.pos = len(text) if nl < 0 else nl + 1
            else:
                return
