"""The independent audit (tests/audit.py) finds what it must: orphans of simple and composite
FKs, duplicates of plain, composite, expression and partial unique keys, and wrong counts."""

from __future__ import annotations

import pytest
from audit import audit_my, audit_pg
from conftest import my_execute, pg_execute


@pytest.mark.postgres
def test_pg_audit_counts_orphans_duplicates_and_rows(pg_db: str) -> None:
    pg_execute(
        pg_db,
        """
        CREATE SCHEMA "other side";
        CREATE TABLE "other side"."Parent" (a int, "b""x" int, PRIMARY KEY (a, "b""x"));
        CREATE TABLE users (id int PRIMARY KEY, email text, kind text, deleted bool,
                            pa int, pb int);
        CREATE TABLE log (at date NOT NULL, user_id int REFERENCES users)
            PARTITION BY RANGE (at);
        CREATE TABLE log_2026 PARTITION OF log FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        INSERT INTO "other side"."Parent" VALUES (1, 1);
        INSERT INTO users VALUES (1, 'A@x', 'k', false, 1, 1), (2, 'a@x', 'k', false, 1, 2),
                                 (3, 'b@x', 'k', true, NULL, 9), (4, 'b@x', 'j', true, 2, 2);
        -- an inheritance child: its rows are neither the parent's count nor under its keys
        CREATE TABLE users_old () INHERITS (users);
        INSERT INTO users_old VALUES (1, 'A@x', 'k', false, NULL, NULL);
        SET session_replication_role = replica;
        ALTER TABLE users ADD CONSTRAINT users_pair FOREIGN KEY (pa, pb)
            REFERENCES "other side"."Parent" NOT VALID;
        INSERT INTO log VALUES ('2026-02-01', 1), ('2026-03-01', 7), ('2026-03-02', NULL);
        """,
    )
    # a unique index that cannot be built over duplicates stays behind, INVALID but unique
    for index in [
        "users_lower_email ON users (lower(email))",
        "users_live_kind ON users (kind) WHERE NOT deleted",
        "users_kind_deleted ON users (kind, deleted)",
    ]:
        with pytest.raises(Exception, match="could not create unique index"):
            pg_execute(pg_db, f"CREATE UNIQUE INDEX CONCURRENTLY {index}")
    audit = audit_pg(pg_db)
    assert audit.rows == {
        "other side.Parent": 1,
        "public.users": 4,
        "public.users_old": 1,
        "public.log": 3,
    }
    assert audit.orphans == {"public.log/log_user_id_fkey": 1, "public.users/users_pair": 2}
    assert audit.duplicates == {
        "other side.Parent/Parent_pkey": 0,
        "public.users/users_pkey": 0,
        "public.users/users_lower_email": 2,
        "public.users/users_live_kind": 1,
        "public.users/users_kind_deleted": 1,
    }
    problems = audit.problems(lambda t: 4 if t == "public.users" else None)
    assert len(problems) == 5 and not any("rows, expected" in p for p in problems)
    assert "public.log: 3 rows, expected 4" in audit.problems(lambda t: 4)


@pytest.mark.mysql
def test_my_audit_counts_orphans_and_reads_every_unique_key(my_db: str) -> None:
    my_execute(
        my_db,
        [
            "CREATE TABLE `Par%ent` (a INT, `b``x` INT, PRIMARY KEY (a, `b``x`))",
            """CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(50), kind VARCHAR(5),
                   pa INT, pb INT, note TEXT, UNIQUE KEY email_prefix (email(3)),
                   UNIQUE KEY kind_pa (kind, pa), UNIQUE KEY long_note (note),
                   CONSTRAINT users_pair FOREIGN KEY (pa, pb) REFERENCES `Par%ent` (a, `b``x`))""",
            "INSERT INTO `Par%ent` VALUES (1, 1)",
            "SET foreign_key_checks = 0",
            """INSERT INTO users VALUES (1, 'abc1', 'k', 1, 1, 'x'), (2, 'abd', 'j', 1, 2, 'y'),
                   (3, NULL, 'k', NULL, 9, NULL), (4, NULL, 'k', NULL, 8, NULL)""",
        ],
    )
    audit = audit_my(my_db)
    assert audit.rows == {f"{my_db}.Par%ent": 1, f"{my_db}.users": 4}
    assert audit.orphans == {f"{my_db}.users/users_pair": 1}
    assert audit.duplicates == {
        f"{my_db}.Par%ent/PRIMARY": 0,
        f"{my_db}.users/PRIMARY": 0,
        f"{my_db}.users/email_prefix": 0,
        f"{my_db}.users/kind_pa": 0,
        f"{my_db}.users/long_note": 0,
    }
    assert audit.problems(lambda t: 1) == [
        f"{my_db}.users: 4 rows, expected 1",
        f"{my_db}.users/users_pair: 1 orphan rows",
    ]
