"""Canonical Python values → MySQL SQL literals (multi-row INSERT) or LOAD DATA fields.

Converters are chosen once per column (by `Kind`) and then applied to every value of a batch,
so the per-value cost is one small function call. Values become literals in the statement text
instead of bind parameters: PyMySQL interpolates parameters client-side anyway, and building the
text ourselves avoids its `%`-formatting pass (which would also trip over a `%` in an
identifier) and its per-value type dispatch.

Also holds the in-memory source for LOAD DATA LOCAL INFILE (see `_MemoryInfile`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import numpy as np
from aiomysql import connection as _aioconnection
from pymysql.err import OperationalError

from fastseed.generate import text
from fastseed.generate.batch import ColumnData
from fastseed.generate.text import Utf8Array
from fastseed.schema import Column, Kind

Convert = Callable[[Any], str]

NULL_FIELD = "\\N"


def _as_text(value: Any) -> str:
    """A canonical value of a text-like kind as the text MySQL should store."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return _datetime_text(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _timedelta_text(value)
    if isinstance(value, list | dict):
        # ARRAY has no MySQL type; arrays and documents are stored as JSON text.
        return json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return str(value)  # int, float, uuid.UUID, ipaddress objects


def _datetime_text(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        # Sessions run with time_zone '+00:00', so naive UTC is what DATETIME stores and what
        # TIMESTAMP converts from.
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ")


def _timedelta_text(value: dt.timedelta) -> str:
    micros = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if micros < 0 else ""
    secs, frac = divmod(abs(micros), 1_000_000)
    hours, rest = divmod(secs, 3600)
    return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}.{frac:06d}"


def _bits_int(value: Any) -> int:
    """BIT values arrive as '0'/'1' digit strings; ints and bytes are accepted too."""
    if isinstance(value, str):
        return int(value, 2) if value else 0
    if isinstance(value, bytes):
        return int.from_bytes(value, "big")
    return int(value)


# -- SQL literals ------------------------------------------------------------------------------
# Chained str.replace is ~5x faster than str.translate with multi-character replacements.


def _sql_text(value: Any) -> str:
    text = value if type(value) is str else _as_text(value)
    # Inside '...' only the backslash, the quote and NUL need escaping (backslash escapes are
    # on: the session sql_mode drops NO_BACKSLASH_ESCAPES).
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\0", "\\0") + "'"


def string_literal(text: str) -> str:
    """`text` as a quoted SQL string literal."""
    return _sql_text(text)


def _number(value: Any) -> str:
    if type(value) is decimal.Decimal:
        text = str(value)
        return format(value, "f") if "E" in text else text
    return repr(value) if type(value) is float else str(value)


def _sql_bool(value: Any) -> str:
    return "1" if value else "0"


def _sql_timestamp(value: Any) -> str:
    if type(value) is dt.datetime:
        return "'" + (value.isoformat(" ") if value.tzinfo is None else _datetime_text(value)) + "'"
    return _sql_text(value)


def _sql_binary(value: Any) -> str:
    data = value if isinstance(value, bytes) else _as_text(value).encode()
    return "X'" + data.hex() + "'"


def _sql_bit(value: Any) -> str:
    return str(_bits_int(value))


def _sql_geometry(value: Any) -> str:
    if isinstance(value, bytes):
        return "ST_GeomFromWKB(X'" + value.hex() + "')"
    return "ST_GeomFromText(" + _sql_text(value) + ")"


_SQL_BY_KIND: dict[Kind, Convert] = {
    Kind.INTEGER: str,
    Kind.YEAR: str,
    Kind.BOOLEAN: _sql_bool,
    Kind.NUMERIC: _number,
    Kind.MONEY: _number,
    Kind.FLOAT: _number,
    Kind.TIMESTAMP: _sql_timestamp,
    Kind.BINARY: _sql_binary,
    Kind.BIT: _sql_bit,
    Kind.GEOMETRY: _sql_geometry,
}


def sql_converters(columns: Sequence[Column]) -> list[Convert]:
    """One literal converter per column (NULL is handled by the caller)."""
    return [_SQL_BY_KIND.get(c.type.kind, _sql_text) for c in columns]


def key_literals(column: Column, data: ColumnData) -> list[str] | None:
    """One column of a batch as `sql_converters`' literals without a converter call per
    value, where that is the same text: integers, and text with nothing to escape. None for
    anything else (and NULLs): the caller converts value by value."""
    values = data.values
    if data.null is not None and data.null.any():
        return None
    kind = column.type.kind
    if kind in {Kind.INTEGER, Kind.YEAR} and isinstance(values, np.ndarray):
        return list(map(str, values.tolist()))
    if _SQL_BY_KIND.get(kind, _sql_text) is _sql_text and isinstance(values, Utf8Array):
        if text.contains_any(values, b"\\'\0"):
            return None
        quote = text.constant("'", len(values))
        return text.concat([quote, values, quote]).tolist()
    return None


def _encode(
    converters: Sequence[Convert], rows: Sequence[Sequence[Any]], null: str
) -> list[list[str]]:
    """Convert column by column: `map` with one converter per column avoids a Python-level
    branch per value (about twice as fast as converting row by row)."""
    if not rows:
        return [[] for _ in converters]
    out: list[list[str]] = []
    for conv, col in zip(converters, zip(*rows, strict=True), strict=True):
        if None in col:
            out.append([null if v is None else conv(v) for v in col])
        else:
            out.append(list(map(conv, col)))
    return out


def sql_rows(converters: Sequence[Convert], rows: Sequence[Sequence[Any]]) -> list[str]:
    """Each row as a parenthesised literal tuple, ready for VALUES."""
    return ["(" + ",".join(r) + ")" for r in zip(*_encode(converters, rows, "NULL"), strict=True)]


def sql_literals(
    converters: Sequence[Convert], rows: Sequence[Sequence[Any]]
) -> list[tuple[str, ...]]:
    """Each row as a tuple of SQL literals (kept in undo tokens)."""
    return list(zip(*_encode(converters, rows, "NULL"), strict=True))


# -- typed literals (testing rows against CHECKs) ----------------------------------------------


def typed_wrappers(
    columns: Sequence[Column], *, mariadb: bool, float_cast: bool
) -> list[tuple[str, str]]:
    """Per column, the (prefix, suffix) around a literal from `sql_converters` (or NULL) that
    gives it the column's type where the bare literal would not: quoted temporals, exact
    decimals standing for floats, hex literals for fixed-length BINARY, JSON on MySQL.

    `float_cast`: the server has CAST(... AS FLOAT) (MySQL 8.0.17+, MariaDB 10.4.5+).
    """
    out: list[tuple[str, str]] = []
    for col in columns:
        t = col.type
        kind = t.kind
        fsp = f"({min(t.precision, 6)})" if t.precision else ""
        if kind is Kind.NUMERIC and t.precision:
            out.append(("CAST(", f" AS DECIMAL({t.precision},{t.scale or 0}))"))
        elif kind is Kind.FLOAT:
            single = t.sql.lower().startswith("float")
            # 1.5 is a DECIMAL literal; adding the DOUBLE 0e0 makes it a double.
            out.append(("CAST(", " AS FLOAT)") if single and float_cast else ("(", " + 0e0)"))
        elif kind is Kind.DATE:
            out.append(("CAST(", " AS DATE)"))
        elif kind is Kind.TIMESTAMP:
            out.append(("CAST(", f" AS DATETIME{fsp})"))
        elif kind is Kind.TIME:
            out.append(("CAST(", f" AS TIME{fsp})"))
        elif kind is Kind.BINARY and t.fixed_length and t.length:
            out.append(("CAST(", f" AS BINARY({t.length}))"))  # padded with 0x00 as stored
        elif kind is Kind.BINARY:
            out.append(("CAST(", " AS BINARY)"))  # a binary string, never a number
        elif kind is Kind.JSON and not mariadb:
            out.append(("CAST(", " AS JSON)"))  # MariaDB's JSON is LONGTEXT
        else:
            out.append(("", ""))
    return out


# -- LOAD DATA fields --------------------------------------------------------------------------


def tsv_text(value: Any) -> str:
    """A text field: the value's text with LOAD DATA's escapes (what `mysql_tsv` vectorises)."""
    text = value if type(value) is str else _as_text(value)
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\0", "\\0")
    )


def _tsv_timestamp(value: Any) -> str:
    if type(value) is dt.datetime:
        return value.isoformat(" ") if value.tzinfo is None else _datetime_text(value)
    return tsv_text(value)


def _tsv_binary(value: Any) -> str:
    data = value if isinstance(value, bytes) else _as_text(value).encode()
    return data.hex()


_TSV_BY_KIND: dict[Kind, Convert] = {
    Kind.INTEGER: str,
    Kind.YEAR: str,
    Kind.BOOLEAN: _sql_bool,
    Kind.NUMERIC: _number,
    Kind.MONEY: _number,
    Kind.FLOAT: _number,
    Kind.TIMESTAMP: _tsv_timestamp,
    Kind.BINARY: _tsv_binary,
    Kind.BIT: _sql_bit,
}

# Kinds whose field is read into a user variable and converted in the SET clause: LOAD DATA
# cannot take raw bytes safely inside a utf8mb4 file, BIT would get the digits' character codes,
# and geometry needs parsing from WKT.
_TSV_SET_EXPR = {
    Kind.BINARY: "UNHEX({})",
    Kind.BIT: "CAST({} AS UNSIGNED)",
    Kind.GEOMETRY: "ST_GeomFromText({})",
}


def tsv_converters(columns: Sequence[Column]) -> list[Convert]:
    return [_TSV_BY_KIND.get(c.type.kind, tsv_text) for c in columns]


def tsv_targets(columns: Sequence[Column], quote: Callable[[str], str]) -> tuple[str, str]:
    """The LOAD DATA column list and SET clause (empty when every field loads directly)."""
    targets: list[str] = []
    sets: list[str] = []
    for i, col in enumerate(columns):
        expr = _TSV_SET_EXPR.get(col.type.kind)
        if expr is None:
            targets.append(quote(col.name))
        else:
            var = f"@v{i}"
            targets.append(var)
            sets.append(f"{quote(col.name)} = {expr.format(var)}")
    return "(" + ", ".join(targets) + ")", (" SET " + ", ".join(sets)) if sets else ""


def tsv_payload(converters: Sequence[Convert], rows: Sequence[Sequence[Any]]) -> bytes:
    lines = map("\t".join, zip(*_encode(converters, rows, NULL_FIELD), strict=True))
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- LOAD DATA LOCAL INFILE from memory --------------------------------------------------------

_INFILES_ATTR = "_fastseed_infiles"
_STREAM_PACKET = 64 * 1024


def register_infile(conn: Any, data: bytes | AsyncIterator[bytes]) -> str:
    """Make `data` the content the server gets when it asks this connection for the file name
    returned here: one buffer, or chunks pulled one at a time while the statement runs (one
    LOAD DATA for many batches). The source is handed out once."""
    sources: dict[bytes, AsyncIterator[bytes]] = getattr(conn, _INFILES_ATTR)
    name = f"fastseed-{uuid.uuid4().hex}.tsv"
    sources[name.encode()] = _once(data) if isinstance(data, bytes) else data
    return name


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def forget_infile(conn: Any, name: str) -> None:
    getattr(conn, _INFILES_ATTR, {}).pop(name.encode(), None)


def enable_memory_infile(conn: Any) -> None:
    """Serve LOAD DATA LOCAL requests on `conn` only from registered buffers.

    The server names the file it wants, so a client that allows LOCAL INFILE normally lets a
    hostile server read any file the client can. Our connections refuse every name they did
    not register, and no data ever touches the disk.
    """
    if not hasattr(conn, _INFILES_ATTR):
        setattr(conn, _INFILES_ATTR, {})


class _StreamedFile:
    """A file-like view of an async chunk source, read by `_MemoryInfile`."""

    def __init__(self, chunks: AsyncIterator[bytes], conn: Any) -> None:
        self._chunks = chunks
        self._conn = conn
        self._pending = memoryview(b"")

    async def read(self, size: int) -> bytes:
        while not self._pending:
            # aiomysql writes packets without draining: wait until what is queued has gone
            # to the server before pulling the next chunk, so memory stays one chunk deep.
            writer = getattr(self._conn, "_writer", None)
            if writer is not None:
                await writer.drain()
            try:
                self._pending = memoryview(await anext(self._chunks))
            except StopAsyncIteration:
                return b""
        # Packets of 64 KiB: the server parses one while the next is on its way (it reads a
        # whole packet before parsing any of it).
        size = min(size, _STREAM_PACKET)
        chunk, self._pending = self._pending[:size], self._pending[size:]
        return bytes(chunk)

    def __enter__(self) -> _StreamedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pending = memoryview(b"")


class _MemoryInfile(_aioconnection.LoadLocalFile):  # type: ignore[misc]
    """aiomysql's LOAD DATA LOCAL sender, reading our connections' in-memory sources.

    aiomysql (0.3) only opens files by name (`open(filename)` in an executor); it has no hook
    for a stream, so this subclass replaces the two methods that touch the file. Connections
    that never called `enable_memory_infile` keep aiomysql's behaviour unchanged.
    """

    async def _open_file(self) -> None:
        sources: dict[bytes, AsyncIterator[bytes]] | None = getattr(
            self.connection, _INFILES_ATTR, None
        )
        if sources is None:
            await super()._open_file()
            return
        chunks = sources.pop(bytes(self.filename), None)
        if chunks is None:
            raise OperationalError(1017, f"fastseed refused LOCAL INFILE request {self.filename!r}")
        self._file_object = _StreamedFile(chunks, self.connection)

    async def _file_read(self, chunk_size: int) -> bytes:
        if isinstance(self._file_object, _StreamedFile):
            return await self._file_object.read(chunk_size)
        chunk: bytes = await super()._file_read(chunk_size)
        return chunk


def install_memory_infile() -> bool:
    """Route aiomysql's LOAD DATA LOCAL handling through `_MemoryInfile`; False if this
    aiomysql version is laid out differently (then LOAD DATA is simply not used)."""
    original = getattr(_aioconnection, "LoadLocalFile", None)
    if original is None or not hasattr(original, "_open_file"):
        return False
    if original is not _MemoryInfile:
        _aioconnection.LoadLocalFile = _MemoryInfile
    return True
