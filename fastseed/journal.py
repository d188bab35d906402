"""The crash journal: what a run needs to find its rows again, kept on the local disk.

A run killed with SIGKILL, or whose server restarts mid-load, cannot remove its rows itself.
Before each unit commits, its undo token (PostgreSQL: the transaction id and the tables it
wrote; MySQL/MariaDB: the key ranges and keys per table) is appended to a file in the user's
cache directory, and the file is removed once the run ends cleanly (success, or a failure
fully undone). `fastseed undo URL` reads what is left and removes those rows.

One file per run, JSON lines: a header, then one line per committing unit. Appending a line
per unit (not per row) keeps it off the hot path. Never the target database (a run that lost
its server could not write there) and never the password (the URL is stored redacted).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from fastseed.url import DatabaseURL

ENV_DIR = "FASTSEED_JOURNAL_DIR"
"""Overrides the journal directory (tests, or a cache elsewhere)."""


def journal_dir() -> Path:
    """$FASTSEED_JOURNAL_DIR, else $XDG_CACHE_HOME/fastseed/journal, else
    ~/.cache/fastseed/journal."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "fastseed" / "journal"


def database_key(url: DatabaseURL) -> str:
    """Names one database whoever connects to it (user and password left out)."""
    where = f"{url.dialect}|{url.host or ''}|{url.port or ''}|{url.database or ''}"
    return hashlib.sha1(where.encode()).hexdigest()[:16]


class TokenSink(Protocol):
    """Where a load sends each unit's undo token before its COMMIT: a `Journal`, or (in a
    Dask task) the coordinator that owns the run's journal."""

    def record(self, token: Any) -> None: ...

    def close(self) -> None: ...


@dataclass
class Journal:
    """One run's journal file; `record` appends a token, `close` removes the file."""

    path: Path
    url: str
    started: float = field(default_factory=time.time)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    """Sessions record from worker threads: one line at a time."""

    @classmethod
    def create(cls, url: DatabaseURL) -> Journal:
        folder = journal_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        path = folder / f"{database_key(url)}-{stamp}-{os.getpid()}.jsonl"
        journal = cls(path, url.redacted())
        header = {"url": journal.url, "started": journal.started, "pid": os.getpid()}
        journal._append(header)
        return journal

    def record(self, token: Any) -> None:
        """Append one unit's token (as the adapter serialised it), durable before COMMIT."""
        if token is not None:
            self._append({"token": token})

    def close(self) -> None:
        """The run ended cleanly: nothing is left to undo."""
        self.path.unlink(missing_ok=True)

    def _append(self, data: dict[str, Any]) -> None:
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(data, separators=(",", ":")) + "\n")
            out.flush()
            os.fsync(out.fileno())


@dataclass(frozen=True)
class Unfinished:
    """What a run that did not end cleanly left in the journal."""

    path: Path
    url: str
    started: float
    pid: int
    tokens: list[Any]

    def tables(self) -> list[str]:
        """The tables the run's committed units wrote, in write order."""
        names = (n for token in self.tokens for n in token.get("tables", ()))
        return list(dict.fromkeys(names))

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.started))
        return f"run started {when} (pid {self.pid}), {len(self.tokens)} committed unit(s)"


def unfinished(url: DatabaseURL) -> list[Unfinished]:
    """Journals of runs on this database that did not end cleanly, newest first.

    Call it holding the run lock: a run writes its journal only while it holds the lock and
    removes it before letting go, so any journal found then was left by a run that died."""
    out = []
    for path in sorted(journal_dir().glob(f"{database_key(url)}-*.jsonl"), reverse=True):
        run = _read(path)
        if run is not None:
            out.append(run)
    return out


def _read(path: Path) -> Unfinished | None:
    lines = list(_lines(path))
    if not lines:
        return None
    head = lines[0]
    tokens = [line["token"] for line in lines[1:] if "token" in line]
    return Unfinished(
        path, head.get("url", ""), head.get("started", 0.0), head.get("pid", 0), tokens
    )


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    for line in text.splitlines():
        try:
            yield json.loads(line)
        except json.JSONDecodeError:  # the last line, cut off by the crash: never committed
            return
