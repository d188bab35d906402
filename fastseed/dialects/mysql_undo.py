"""What a MySQL/MariaDB session wrote, kept so that a failed run can delete exactly those rows.

Integer keys are kept as ranges; other keys as the items of DELETE ... IN lists, in chunks.
Those chunks grow with the rows (flowable at 50,000 rows per table: 3.1M UUID keys, ~120 MB),
so they go to an unnamed temporary file as they are made and are read back only to undo or
to journal one session's unit: memory stays bounded by the batches, not by the run.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, NamedTuple

from fastseed.schema import TableName

UNDO_CHUNK_BYTES = 512 * 1024
"""An IN list's size per DELETE statement."""


class Stored(NamedTuple):
    """A chunk's place in the spill file."""

    offset: int
    size: int


class KeySpill:
    """An unnamed temporary file ($TMPDIR) of undo chunks; the system removes it when it is
    closed or the process ends, however it ends. Where no temporary file can be made (a
    read-only container), chunks stay in memory."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._end = 0
        self._unavailable = False
        self._lock = threading.Lock()
        """Sessions note their keys from worker threads."""

    def keep(self, text: str) -> str | Stored:
        data = text.encode("utf-8")
        with self._lock:
            if self._file is None and not self._unavailable:
                try:
                    self._file = tempfile.TemporaryFile()  # noqa: SIM115 (lives until close)
                except OSError:
                    self._unavailable = True
            if self._file is None:
                return text
            offset, self._end = self._end, self._end + len(data)
            view, done = memoryview(data), 0
            while done < len(data):
                done += os.pwrite(self._file.fileno(), view[done:], offset + done)
        return Stored(offset, len(data))

    def read(self, place: Stored) -> str:
        if self._file is None:
            raise RuntimeError("the undo key spill file is closed")
        return os.pread(self._file.fileno(), place.size, place.offset).decode("utf-8")

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


@dataclass
class UndoEntry:
    """What identifies the rows one session wrote to one table.

    `runs` holds (lo, hi) ranges of a single integer key; `chunks` holds the literal keys as
    the items of a DELETE's IN list, joined by commas, each chunk at most UNDO_CHUNK_BYTES
    (~40 bytes a UUID key), in `spill` where there is one. In `rows` mode (no usable key)
    `keys` holds whole rows as literal tuples, deleted one matching row per copy.
    """

    table: TableName
    columns: tuple[str, ...]
    mode: str  # 'range', 'keys' or 'rows'
    runs: list[tuple[int, int]] = field(default_factory=list)
    keys: list[tuple[str, ...]] = field(default_factory=list)
    chunks: list[str | Stored] = field(default_factory=list)
    spill: KeySpill | None = field(default=None, repr=False, compare=False)

    def add_keys(self, items: Sequence[str]) -> None:
        """Append IN-list items (a literal, or a parenthesised tuple of them) to the chunks."""
        chunk: list[str] = []
        size = 0
        for item in items:
            chunk.append(item)
            size += len(item) + 1
            if size > UNDO_CHUNK_BYTES:
                self._keep(",".join(chunk))
                chunk, size = [], 0
        if chunk:
            self._keep(",".join(chunk))

    def _keep(self, text: str) -> None:
        self.chunks.append(text if self.spill is None else self.spill.keep(text))

    def chunk_texts(self) -> Iterator[str]:
        """The chunks as text, one at a time, read back from the spill file."""
        for chunk in self.chunks:
            if isinstance(chunk, Stored):
                assert self.spill is not None
                yield self.spill.read(chunk)
            else:
                yield chunk

    def __bool__(self) -> bool:
        return bool(self.runs or self.keys or self.chunks)


@dataclass
class MySQLUndoToken:
    """Per table, in write order, the keys of the rows one session inserted."""

    entries: list[UndoEntry] = field(default_factory=list)
    spill: KeySpill | None = field(default=None, repr=False, compare=False)
    """Where its entries keep their key chunks: the adapter's, shared by its sessions."""

    def entry(self, table: TableName, columns: tuple[str, ...], mode: str) -> UndoEntry:
        for e in self.entries:
            if e.table == table and e.columns == columns and e.mode == mode:
                return e
        e = UndoEntry(table, columns, mode, spill=self.spill)
        self.entries.append(e)
        return e

    def __bool__(self) -> bool:
        return any(self.entries)
