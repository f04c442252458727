"""Enum type names over real sockets: search_path resolution, PostgreSQL's errors, and
visibility that follows transactions (decision 0020)."""

from __future__ import annotations

import itertools
import time

import psycopg
import pytest
from psycopg import errors

from tests.serverproc import NodeProcess

_names = itertools.count()


def fresh(prefix: str) -> str:
    return f"{prefix}{next(_names)}_{int(time.time() * 1000) % 100000}"


def connect(node: NodeProcess, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(node.dsn, autocommit=autocommit)


def test_bare_names_follow_search_path(node: NodeProcess) -> None:
    s1, s2, table = fresh("es"), fresh("es"), fresh("et")
    with connect(node) as c:
        c.execute(f"CREATE SCHEMA {s1}")
        c.execute(f"CREATE SCHEMA {s2}")
        c.execute(f"CREATE TYPE {s1}.mood AS ENUM ('sad', 'ok', 'happy')")
        c.execute(f"CREATE TYPE {s2}.mood AS ENUM ('low', 'high')")
        with pytest.raises(errors.UndefinedObject) as err:
            c.execute("SELECT 'ok'::mood")
        assert err.value.diag.message_primary == 'type "mood" does not exist'
        assert err.value.diag.statement_position == "14"
        assert c.execute(f"SELECT 'ok'::{s1}.mood::text, 'high'::\"{s2}\".\"mood\"::text")
        c.execute(f"SET search_path = {s1}, public")
        assert c.execute("SELECT 'ok'::mood::text").fetchone() == ("ok",)
        with pytest.raises(errors.InvalidTextRepresentation):
            c.execute("SELECT 'high'::mood")  # s1's mood has no such label
        c.execute(f"CREATE TABLE {table} (id integer PRIMARY KEY, m mood, ms mood[])")
        c.execute(f"INSERT INTO {table} VALUES (1, 'happy', '{{sad,ok}}'), (2, 'sad', NULL)")
        rows = c.execute(f"SELECT id FROM {table} ORDER BY m").fetchall()
        assert rows == [(2,), (1,)]
        c.execute(f"SET search_path = {s2}, {s1}, public")
        assert c.execute("SELECT 'high'::mood::text").fetchone() == ("high",)
        # the column's type is s1's: shown qualified now that s2's mood hides it
        shown = c.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            f"WHERE attrelid = '{s1}.{table}'::regclass AND attnum > 1 ORDER BY attnum"
        ).fetchall()
        assert shown == [(f"{s1}.mood",), (f"{s1}.mood[]",)]
        regtypes = c.execute(
            f"SELECT '{s1}.mood'::regtype::text, '{s2}.mood'::regtype::text, "
            "pg_type_is_visible('mood'::regtype)"
        ).fetchone()
        assert regtypes == (f"{s1}.mood", "mood", True)
        c.execute("SET search_path = public")
        with pytest.raises(errors.UndefinedObject) as err:
            c.execute("CREATE TABLE nope (m mood)")
        assert err.value.diag.message_primary == 'type "mood" does not exist'


def test_rolled_back_create_type_is_gone(node: NodeProcess) -> None:
    name = fresh("rb_mood")
    with connect(node, autocommit=False) as a, connect(node) as b:
        a.execute(f"CREATE TYPE {name} AS ENUM ('x', 'y')")
        assert a.execute(f"SELECT 'x'::{name}::text").fetchone() == ("x",)
        with pytest.raises(errors.UndefinedObject):  # not committed: not b's
            b.execute(f"SELECT 'x'::{name}")
        # (b's DDL would wait for a's writer lock: kuzugres has one writer at a time)
        assert b.execute(f"SELECT to_regtype('{name}')").fetchone() == (None,)
        a.rollback()
        for conn in (a, b):
            with pytest.raises(errors.UndefinedObject):
                conn.execute(f"SELECT 'x'::{name}")
            conn.rollback()
        a.execute(f"CREATE TYPE {name} AS ENUM ('p')")  # the name is free again
        a.commit()
        assert b.execute(f"SELECT 'p'::{name}::text").fetchone() == ("p",)


def test_rolled_back_drop_and_alter_leave_the_type(node: NodeProcess) -> None:
    name, table = fresh("alt_mood"), fresh("alt_t")
    with connect(node) as c, connect(node) as other:
        c.execute(f"CREATE TYPE {name} AS ENUM ('sad', 'ok', 'happy')")
        c.execute(f"CREATE TABLE {table} (id integer PRIMARY KEY, m {name})")
        c.execute(f"INSERT INTO {table} VALUES (1, 'happy'), (2, 'sad'), (3, 'ok')")

        def order(conn: psycopg.Connection) -> list[str]:
            rows = conn.execute(f"SELECT m::text AS label FROM {table} ORDER BY m")
            return [r[0] for r in rows]

        with c.transaction(force_rollback=True):
            c.execute(f"DROP TYPE {name} CASCADE")
            with pytest.raises(errors.UndefinedObject):
                c.execute(f"SELECT 'ok'::{name}")
        assert c.execute(f"SELECT 'ok'::{name}::text").fetchone() == ("ok",)
        assert order(c) == ["sad", "ok", "happy"]

        with c.transaction(force_rollback=True):
            c.execute(f"ALTER TYPE {name} ADD VALUE 'meh' BEFORE 'sad'")
            c.execute(f"ALTER TYPE {name} RENAME VALUE 'happy' TO 'glad'")
            assert order(c) == ["sad", "ok", "glad"]
            # another session still sees the committed labels and order
            assert order(other) == ["sad", "ok", "happy"]
            assert other.execute(f"SELECT enum_range(NULL::{name})::text").fetchone() == (
                "{sad,ok,happy}",
            )
        with pytest.raises(errors.InvalidTextRepresentation):
            c.execute(f"SELECT 'meh'::{name}")
        assert order(c) == ["sad", "ok", "happy"]
        assert c.execute(f"SELECT enum_range(NULL::{name})::text").fetchone() == ("{sad,ok,happy}",)

        with c.transaction(force_rollback=True):
            c.execute(f"ALTER TYPE {name} RENAME TO {name}_new")
            assert c.execute(f"SELECT 'ok'::{name}_new::text").fetchone() == ("ok",)
            with pytest.raises(errors.UndefinedObject):
                other.execute(f"SELECT 'ok'::{name}_new")
        with pytest.raises(errors.UndefinedObject):
            c.execute(f"SELECT 'ok'::{name}_new")
        assert c.execute(f"SELECT 'ok'::{name}::text").fetchone() == ("ok",)
        assert c.execute(f"SELECT format_type('{name}'::regtype, NULL)").fetchone() == (name,)


def test_stored_expressions_keep_their_types(node: NodeProcess) -> None:
    """A DEFAULT or CHECK casting to a type found through search_path reads the same type
    under another search_path, as PostgreSQL binds it at creation."""
    schema, table = fresh("bs"), fresh("bt")
    with connect(node) as c:
        c.execute(f"CREATE SCHEMA {schema}")
        c.execute(f"CREATE TYPE {schema}.mood AS ENUM ('sad', 'ok')")
        c.execute(f"SET search_path = {schema}, public")
        c.execute(
            f"CREATE TABLE {table} (id integer PRIMARY KEY, m mood DEFAULT 'ok'::mood, "
            "CHECK (m <> 'sad'::mood))"
        )
        c.execute("SET search_path = public")
        c.execute(f"INSERT INTO {schema}.{table} (id) VALUES (1)")
        assert c.execute(f"SELECT m::text FROM {schema}.{table}").fetchone() == ("ok",)
        with pytest.raises(errors.CheckViolation):
            c.execute(f"INSERT INTO {schema}.{table} VALUES (2, 'sad')")


def test_binary_parameter_checks_the_session_labels(node: NodeProcess) -> None:
    """A label added by a transaction that rolled back is refused in binary too."""
    from psycopg import pq

    name = fresh("bin_mood")
    with connect(node) as c:
        c.execute(f"CREATE TYPE {name} AS ENUM ('sad', 'ok')")
        with c.transaction(force_rollback=True):
            c.execute(f"ALTER TYPE {name} ADD VALUE 'meh'")
        row = c.execute(f"SELECT '{name}'::regtype::oid::int8").fetchone()
        assert row is not None
        oid = row[0]

        def send(label: bytes) -> pq.PGresult:
            sql = f"SELECT $1::{name}::text".encode()
            return c.pgconn.exec_params(sql, [label], [oid], [1], result_format=0)

        assert send(b"ok").get_value(0, 0) == b"ok"
        res = send(b"meh")
        assert res.status == pq.ExecStatus.FATAL_ERROR
        assert res.error_field(pq.DiagnosticField.SQLSTATE) == b"22P02"
