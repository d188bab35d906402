"""MySQL/MariaDB undo keys on their own: kept on disk as they are made, read back exactly."""

from __future__ import annotations

import concurrent.futures
import sys
import tempfile

import pytest

from fastseed.dialects.mysql_undo import UNDO_CHUNK_BYTES, KeySpill, MySQLUndoToken, Stored
from fastseed.schema import TableName

TABLE = TableName("shop", "item")


def uuid_keys(n: int, salt: str = "") -> list[str]:
    return [f"'{i:08x}-{salt}9c1e-4f0b-a7d2-0242ac120002'" for i in range(n)]


def test_text_keys_live_in_the_spill_file_not_in_memory() -> None:
    """100,000 UUID keys (~4 MB of IN lists) leave a few Stored places in memory, and come
    back as the very items, in order, in chunks no bigger than a DELETE's."""
    spill = KeySpill()
    token = MySQLUndoToken(spill=spill)
    keys = uuid_keys(100_000)
    entry = token.entry(TABLE, ("id",), "keys")
    entry.add_keys(keys[:60_000])
    entry.add_keys(keys[60_000:])  # a second batch of the same session
    assert len(entry.chunks) > 1
    assert all(isinstance(c, Stored) for c in entry.chunks)
    held = sum(sys.getsizeof(c) for c in entry.chunks)
    assert held < 10_000  # against ~4 MB of key text
    texts = list(entry.chunk_texts())
    assert all(len(t.encode()) <= UNDO_CHUNK_BYTES + 64 for t in texts)
    assert ",".join(texts).split(",") == keys
    spill.close()


def test_sessions_share_one_spill_from_threads() -> None:
    """Sessions note keys from worker threads at once: each entry reads back its own."""
    spill = KeySpill()
    tokens = [MySQLUndoToken(spill=spill) for _ in range(4)]

    def note(i: int) -> None:
        entry = tokens[i].entry(TABLE, ("id",), "keys")
        for part in range(20):
            entry.add_keys(uuid_keys(2_000, salt=f"{i}{part:02d}"))

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(note, range(4)))
    for i, token in enumerate(tokens):
        [entry] = token.entries
        want = [k for part in range(20) for k in uuid_keys(2_000, salt=f"{i}{part:02d}")]
        assert ",".join(entry.chunk_texts()).split(",") == want
    spill.close()


def test_non_ascii_keys_round_trip() -> None:
    spill = KeySpill()
    entry = MySQLUndoToken(spill=spill).entry(TABLE, ("name",), "keys")
    keys = ["'Zoë'", "'日本語'", "'emoji 🙂'", "'it\\'s'"]
    entry.add_keys(keys)
    assert ",".join(entry.chunk_texts()) == ",".join(keys)
    spill.close()


def test_without_a_temporary_directory_keys_stay_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A read-only container: no temporary file can be made, and undo still has its keys."""

    def refuse(*args: object, **kw: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    spill = KeySpill()
    entry = MySQLUndoToken(spill=spill).entry(TABLE, ("id",), "keys")
    entry.add_keys(uuid_keys(1_000))
    assert all(isinstance(c, str) for c in entry.chunks)
    assert ",".join(entry.chunk_texts()).split(",") == uuid_keys(1_000)


def test_a_closed_spill_says_so() -> None:
    spill = KeySpill()
    entry = MySQLUndoToken(spill=spill).entry(TABLE, ("id",), "keys")
    entry.add_keys(uuid_keys(10))
    spill.close()
    with pytest.raises(RuntimeError, match="closed"):
        list(entry.chunk_texts())
