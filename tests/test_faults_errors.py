"""The errors the fault cases end with: exit code and one clear line, per dialect."""

from __future__ import annotations

import asyncpg
import pymysql

from fastseed.dialects.mysql import MySQLAdapter
from fastseed.dialects.postgres import _db_error
from fastseed.errors import ConnectError, LoadError, PermissionDenied
from fastseed.schema import TableName
from fastseed.url import parse_url

TABLE = TableName("public", "orders")


def test_postgres_permission_denied_and_read_only_are_exit_7() -> None:
    for exc in (
        asyncpg.exceptions.InsufficientPrivilegeError("permission denied for table orders"),
        asyncpg.exceptions.ReadOnlySQLTransactionError(
            "cannot execute COPY FROM in a read-only transaction"
        ),
    ):
        error = _db_error("COPY into", exc, table=TABLE)
        assert isinstance(error, PermissionDenied) and error.exit_code == 7
        assert str(error).startswith("permission denied on public.orders: ")


def test_postgres_lock_timeout_names_the_table() -> None:
    exc = asyncpg.exceptions.LockNotAvailableError("canceling statement due to lock timeout")
    error = _db_error("COPY into", exc, table=TABLE)
    assert type(error) is LoadError and error.exit_code == 1
    assert "public.orders: another session holds a lock on it" in str(error)


def test_postgres_terminated_session_is_a_lost_connection() -> None:
    exc = asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator")
    assert isinstance(_db_error("COPY into", exc, table=TABLE), ConnectError)


def test_mysql_errors() -> None:
    adapter = MySQLAdapter(parse_url("mysql://root@127.0.0.1/x"))
    denied = pymysql.err.OperationalError(1142, "INSERT command denied to user 'u'@'%' for table")
    error = adapter._failure(denied, TABLE)
    assert isinstance(error, PermissionDenied) and error.exit_code == 7
    assert str(error).startswith("permission denied on public.orders: ")
    read_only = pymysql.err.OperationalError(1290, "The MariaDB server is running with --read-only")
    assert isinstance(adapter._failure(read_only, TABLE), PermissionDenied)
    killed = pymysql.err.OperationalError(1927, "Connection was killed")
    assert isinstance(adapter._failure(killed, TABLE), ConnectError)
    lock = pymysql.err.OperationalError(1205, "Lock wait timeout exceeded")
    error = adapter._failure(lock, TABLE)
    assert type(error) is LoadError and "another session holds a lock on it" in str(error)
