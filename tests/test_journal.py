"""The crash journal on its own: where it lives, what it keeps, what a crash leaves."""

from __future__ import annotations

from pathlib import Path

from fastseed import journal
from fastseed.url import parse_url

URL = parse_url("postgresql://alice:s3cret@127.0.0.1:5432/shop")


def test_records_before_commit_and_is_gone_once_closed(journal_dir: Path) -> None:
    run = journal.Journal.create(URL)
    assert run.path.parent == journal_dir
    run.record({"tables": ["public.users"], "xid": 7})
    run.record(None)  # a session that wrote nothing
    [left] = journal.unfinished(URL)
    assert left.tokens == [{"tables": ["public.users"], "xid": 7}]
    assert left.tables() == ["public.users"]
    assert "s3cret" not in run.path.read_text()
    run.close()
    assert journal.unfinished(URL) == []


def test_a_line_cut_off_by_the_crash_was_never_committed(journal_dir: Path) -> None:
    run = journal.Journal.create(URL)
    run.record({"tables": ["public.a"], "xid": 1})
    with run.path.open("a") as out:
        out.write('{"token":{"tables":["public.b"')  # killed while writing
    assert [t["xid"] for t in journal.unfinished(URL)[0].tokens] == [1]


def test_journals_are_per_database_whoever_connects(journal_dir: Path) -> None:
    journal.Journal.create(URL)
    same = parse_url("postgresql://bob@127.0.0.1:5432/shop")
    other = parse_url("postgresql://alice@127.0.0.1:5432/other")
    assert len(journal.unfinished(same)) == 1
    assert journal.unfinished(other) == []


def test_cache_directory_follows_xdg(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv(journal.ENV_DIR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert journal.journal_dir() == tmp_path / "fastseed" / "journal"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert journal.journal_dir() == Path.home() / ".cache" / "fastseed" / "journal"
