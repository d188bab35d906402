"""One error tree; each error carries the process exit code the CLI returns for it.

Exit codes (stable, documented in README.md):
0 ok · 1 load failed · 2 usage or bad URL · 3 config or plan cannot be satisfied ·
4 refused by a safety guard · 5 verify found violations · 6 transient (unreachable, connection
lost; retrying may help) · 7 permission denied (the user may not write or read a table) ·
8 another fastseed run holds the database past --lock-timeout ·
130 interrupted (Ctrl-C) · 143 terminated (SIGTERM).
"""

from __future__ import annotations

from typing import Any


class FastseedError(Exception):
    """Base of every error fastseed raises on purpose; `str()` is one clear line."""

    exit_code = 1
    code: int | str | None = None
    """The server's error code behind it (SQLSTATE, MySQL error number), when there is one."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own pickling calls cls(*args), which fails for a subclass whose
        # __init__ takes more than the message (a Dask worker then logs "Failed to
        # serialize" and sends a bare Exception): rebuild from args and fields instead
        return (_rebuild, (type(self), self.args), self.__dict__)


class LoadError(FastseedError):
    """The load failed; rows this run wrote have been removed."""

    exit_code = 1


class UsageError(FastseedError):
    """Bad arguments, a malformed URL or an unknown dialect."""

    exit_code = 2


class ConfigError(FastseedError):
    """The scenario file is unreadable or invalid; the message starts with FILE:LINE."""

    exit_code = 3


class PlanError(FastseedError):
    """The schema or scenario cannot be satisfied; nothing was written."""

    exit_code = 3


class SafetyError(FastseedError):
    """Refused by a safety guard (a remote host, a destructive option without --yes)."""

    exit_code = 4


class VerifyError(FastseedError):
    """Verification found orphans, duplicates or wrong counts."""

    exit_code = 5


class ConnectError(FastseedError):
    """The server is unreachable or the connection was lost; retrying may help."""

    exit_code = 6


class PermissionDenied(LoadError):
    """The server refused a table to this user (no privilege, read-only user or server);
    rows this run wrote have been removed. Retrying as the same user cannot help."""

    exit_code = 7


class LockTimeout(FastseedError):
    """Another fastseed run held the database for longer than `--lock-timeout`."""

    exit_code = 8


def _rebuild(cls: type[FastseedError], args: tuple[Any, ...]) -> FastseedError:
    error = cls.__new__(cls)
    error.args = args
    return error


def first_leaf(exc: BaseException) -> BaseException:
    """The first exception inside (possibly nested) exception groups, or `exc` itself.

    Task groups wrap what a task raised; callers report and map the original one.
    """
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc
