"""Database URLs: parse, pick the dialect, and never show the password."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from fastseed.errors import SafetyError, UsageError

_SCHEMES = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "pg": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
}

_LOCAL_NAMES = {"localhost", "localhost.localdomain", ""}
# scheme://user:PASSWORD@ in free text; the password runs to the last @ of the word, as
# urllib reads it
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]*:)\S*@", re.IGNORECASE)
_ENCODE_HINT = "percent-encode @ : / ? # % in the user name and password (@ is %40)"


@dataclass(frozen=True)
class DatabaseURL:
    dialect: str
    """'postgres', 'mysql' or 'sqlite'."""
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    """The database name, or the file path for SQLite."""
    params: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.redacted()

    def redacted(self) -> str:
        """The URL with any password replaced by ``***``: safe for logs and messages."""
        if self.dialect == "sqlite":
            return f"sqlite:///{self.database}"
        auth = ""
        if self.user:
            auth = self.user + (":***" if self.password else "") + "@"
        host = self.host or ""
        if host and ":" in host:
            host = f"[{host}]"
        port = f":{self.port}" if self.port else ""
        return f"{self.dialect}://{auth}{host}{port}/{self.database or ''}"

    def with_database(self, database: str) -> DatabaseURL:
        return DatabaseURL(
            self.dialect, self.host, self.port, self.user, self.password, database, self.params
        )

    def is_local(self) -> bool:
        """True for sockets, loopback addresses and SQLite files."""
        if self.dialect == "sqlite" or not self.host or self.host.startswith("/"):
            return True
        if self.host.lower() in _LOCAL_NAMES:
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_url(text: str) -> DatabaseURL:
    """Parse a database URL; raise UsageError (never echoing a password) when malformed."""
    if "://" not in text:
        if text.endswith((".db", ".sqlite", ".sqlite3")):
            return DatabaseURL("sqlite", database=str(Path(text)))
        raise UsageError(
            "not a database URL: expected postgresql://, mysql://, mariadb:// or sqlite:///PATH"
        )
    scheme = text.split("://", 1)[0].lower().split("+", 1)[0]
    dialect = _SCHEMES.get(scheme)
    if dialect is None:
        raise UsageError(
            f"unknown database scheme {scheme!r}: use postgresql://, mysql://, mariadb:// "
            "or sqlite:///PATH"
        )
    if dialect == "sqlite":
        path = text.split("://", 1)[1]
        path = path[1:] if path.startswith("/") else path
        if not path:
            raise UsageError("sqlite URL needs a file path: sqlite:///path/to/file.db")
        return DatabaseURL("sqlite", database=unquote(path))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        # urllib's message quotes the text it could not read: a raw password's characters
        raise UsageError(f"malformed database URL ({scheme}://...): {_ENCODE_HINT}") from None
    if "@" in parts.path or "@" in parts.query or "@" in parts.fragment:
        # a raw / ? or # in the password ended the host early: the rest of the password
        # would be taken (and shown) as the database name
        raise UsageError(
            f"malformed database URL ({scheme}://...): an @ after the host; {_ENCODE_HINT}"
        )
    database = unquote(parts.path.lstrip("/")) or None
    if database is None:
        raise UsageError(f"the URL names no database: {scheme}://HOST/DATABASE")
    return DatabaseURL(
        dialect,
        host=unquote(parts.hostname) if parts.hostname else None,
        port=port,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        database=database,
        params=tuple(parse_qsl(parts.query)),
    )


def redact_urls(text: str) -> str:
    """`text` with the password of every URL in it replaced by ``***``: for messages that may
    quote what the user typed (argparse echoes arguments it does not expect)."""
    return _URL_PASSWORD.sub(r"\1***@", text)


def guard_remote(url: DatabaseURL, *, allow_remote: bool) -> None:
    """Refuse a non-local host unless the user explicitly allowed it."""
    if not allow_remote and not url.is_local():
        raise SafetyError(
            f"refusing to write to non-local host {url.host!r}: pass --allow-remote "
            "(or set FASTSEED_ALLOW_REMOTE=1) if you mean it"
        )
