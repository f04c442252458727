"""psycopg 3 against a kuzugres node: types, prepared statements, COPY, transactions, cancel."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg import errors, pq
from psycopg.types.json import Json, Jsonb
from psycopg.types.numeric import Float4, Int2, Int4, Int8

from tests.serverproc import NodeProcess

# About 30 s of work if never interrupted (2.5 billion rows through a filter; a bare
# count(*) over the cross product is computed without enumerating it, in well under a second).
SLOW_QUERY = (
    "SELECT * FROM cypher($$ UNWIND range(1, 50000) AS x UNWIND range(1, 50000) AS y"
    " WITH x, y WHERE (x + y) % 7 = 3 RETURN count(*) $$) AS (n int8)"
)

BERLIN = timezone(timedelta(hours=2))
U = uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")

# (id, cast, value, expected back); expected None means "the value itself".
ROUND_TRIPS: list[tuple[str, str, Any, Any]] = [
    ("bool-true", "bool", True, None),
    ("bool-false", "bool", False, None),
    ("int2", "int2", Int2(-32768), -32768),
    ("int4", "int4", Int4(2147483647), 2147483647),
    ("int8", "int8", Int8(-(2**62)), -(2**62)),
    ("int-python", "int8", 42, None),
    ("float4", "float4", Float4(1.5), 1.5),
    ("float8", "float8", 3.141592653589793, None),
    ("float8-inf", "float8", float("inf"), None),
    ("numeric", "numeric", Decimal("12345.678901"), None),
    ("numeric-negative", "numeric", Decimal("-0.0001"), None),
    ("numeric-big", "numeric", Decimal("123456789012345678901234567890.5"), None),
    ("text", "text", "héllo wörld ✓", None),
    ("text-empty", "text", "", None),
    ("text-quotes", "text", 'it\'s "quoted" \\ back', None),
    ("varchar", "varchar", "abc", None),
    ("bytea", "bytea", b"\x00\x01\xfe\xff'\\", None),
    ("date", "date", date(2024, 2, 29), None),
    ("time", "time", dtime(12, 34, 56, 789012), None),
    ("timestamp", "timestamp", datetime(2024, 2, 29, 12, 34, 56, 123456), None),
    ("timestamptz", "timestamptz", datetime(2024, 2, 29, 12, 34, 56, tzinfo=BERLIN), None),
    ("interval", "interval", timedelta(days=3, hours=4, seconds=5, microseconds=6), None),
    ("interval-negative", "interval", timedelta(days=-1, seconds=30), None),
    ("uuid", "uuid", U, None),
    ("json", "json", Json({"a": [1, 2, None], "b": "x"}), {"a": [1, 2, None], "b": "x"}),
    ("jsonb", "jsonb", Jsonb({"k": {"n": 1.5}}), {"k": {"n": 1.5}}),
    ("int8-array", "int8[]", [1, 2, None, 2**40], None),
    ("int4-array", "int4[]", [Int4(1), Int4(-2)], [1, -2]),
    ("text-array", "text[]", ["a", "b c", None, 'd"e', "{}"], None),
    ("empty-array", "int8[]", [], None),
    ("bool-array", "bool[]", [True, False, None], None),
    ("float8-array", "float8[]", [1.25, -2.5], None),
    ("numeric-array", "numeric[]", [Decimal("1.10"), Decimal("-2")], None),
    ("date-array", "date[]", [date(2020, 1, 1), date(1999, 12, 31)], None),
    ("uuid-array", "uuid[]", [U, None], None),
    ("null", "int4", None, None),
]


@pytest.fixture
def conn(node: NodeProcess) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(node.dsn, autocommit=True, connect_timeout=10) as c:
        yield c


def node_table(conn: psycopg.Connection[Any], prefix: str) -> str:
    """Create a fresh node table `<prefix>_<random>(id INT64, name STRING, age INT64)`."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn.execute(
        f"SELECT * FROM cypher($$ CREATE NODE TABLE {name}"
        "(id INT64, name STRING, age INT64, PRIMARY KEY(id)) $$) AS (r text)"
    )
    return name


def node_ids(conn: psycopg.Connection[Any], table: str) -> list[int]:
    rows = conn.execute(
        f"SELECT * FROM cypher($$ MATCH (p:{table}) RETURN p.id ORDER BY p.id $$) AS (id int8)"
    ).fetchall()
    return [r[0] for r in rows]


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize(("cast", "value", "expected"), [r[1:] for r in ROUND_TRIPS],
                         ids=[r[0] for r in ROUND_TRIPS])  # fmt: skip
def test_parameter_round_trip(
    conn: psycopg.Connection[Any], binary: bool, cast: str, value: Any, expected: Any
) -> None:
    want = value if expected is None else expected
    with conn.cursor(binary=binary) as cur:
        cur.execute(f"SELECT %s::{cast} AS v", [value])
        assert cur.description is not None and cur.description[0].name == "v"
        (got,) = cur.fetchone() or (object(),)
        assert got == want
        assert cur.pgresult is not None
        assert cur.pgresult.fformat(0) == (pq.Format.BINARY if binary else pq.Format.TEXT)


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_many_types_in_one_row(conn: psycopg.Connection[Any], binary: bool) -> None:
    values = [v for _, _, v, _ in ROUND_TRIPS]
    wanted = [v if e is None else e for _, _, v, e in ROUND_TRIPS]
    sql = "SELECT " + ", ".join(f"%s::{cast}" for _, cast, _, _ in ROUND_TRIPS)
    with conn.cursor(binary=binary) as cur:
        cur.execute(sql, values)
        assert list(cur.fetchone() or ()) == wanted


def test_result_type_oids(conn: psycopg.Connection[Any]) -> None:
    cur = conn.execute(
        "SELECT 1::int2, 1, 1::int8, 1.5::float4, 1.5::float8, 1.5, 'x', true,"
        " now(), '2024-01-01'::date, '{}'::jsonb, ARRAY[1], '1 day'::interval"
    )
    oids = [d.type_code for d in cur.description or ()]
    # int2 int4 int8 float4 float8 numeric text bool timestamptz date jsonb int4[] interval
    assert oids == [21, 23, 20, 700, 701, 1700, 25, 16, 1184, 1082, 3802, 1007, 1186]


def test_server_side_expressions(conn: psycopg.Connection[Any]) -> None:
    row = conn.execute(
        "SELECT 7 / 2, 7 / 2.0, 'a' || 'b', current_user, current_database(),"
        " pg_backend_pid() = %s, version() LIKE 'PostgreSQL 15%%'",
        [conn.info.backend_pid],
    ).fetchone()
    assert row == (3, Decimal("3.5000000000000000"), "ab", "tester", "kuzugres", True, True)


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_prepared_repeated_executions(conn: psycopg.Connection[Any], binary: bool) -> None:
    with conn.cursor(binary=binary) as cur:
        for i in range(10):
            cur.execute(
                "SELECT %s::int4 * 2 AS n, %s::text || '!' AS s, %s::date + 1 AS d",
                [i, f"v{i}", date(2024, 1, 1)],
                prepare=True,
            )
            assert cur.fetchone() == (i * 2, f"v{i}!", date(2024, 1, 2))


def test_prepare_threshold_switches_to_named_statements(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, autocommit=True, prepare_threshold=2) as conn:
        for i in range(8):
            row = conn.execute("SELECT %s::int8 + %s::int8", [i, 100]).fetchone()
            assert row == (i + 100,)
        # Another query with the same shape but other types is a different statement.
        assert conn.execute("SELECT %s::text", ["x"]).fetchone() == ("x",)


def test_executemany_cypher_create(conn: psycopg.Connection[Any]) -> None:
    t = node_table(conn, "pg_em")
    with conn.cursor() as cur:
        cur.executemany(
            f"SELECT * FROM cypher($$ CREATE (:{t} {{id: $id, name: $name, age: $age}}) $$, %s)"
            " AS (r text)",
            [(Json({"id": i, "name": f"n{i}", "age": 20 + i}),) for i in range(25)],
        )
    assert node_ids(conn, t) == list(range(25))
    rows = conn.execute(
        f"SELECT * FROM cypher($$ MATCH (p:{t}) WHERE p.age >= $min RETURN p.name, p.age"
        " ORDER BY p.age $$, %s) AS (name text, age int8)",
        [Json({"min": 43})],
    ).fetchall()
    assert rows == [("n23", 43), ("n24", 44)]


def test_cypher_params_as_text(conn: psycopg.Connection[Any]) -> None:
    t = node_table(conn, "pg_cy")
    conn.execute(
        f"SELECT * FROM cypher($$ CREATE (:{t} {{id: 1, name: 'Ada', age: 36}}) $$) AS (r text)"
    )
    rows = conn.execute(
        f"SELECT * FROM cypher($$ MATCH (p:{t}) WHERE p.name = $n RETURN p.id, p.age $$, %s)"
        " AS (id int8, age int4)",
        ['{"n": "Ada"}'],
    ).fetchall()
    assert rows == [(1, 36)]


def test_copy_from_and_to_stdout(conn: psycopg.Connection[Any]) -> None:
    t = node_table(conn, "pg_copy")
    rows = [
        (1, "Ada", 36),
        (2, "tab\there", 41),
        (3, "new\nline", None),
        (4, "back\\slash", 7),
        (5, "ünïcode ✓", 0),
    ]
    with conn.cursor() as cur:
        with cur.copy(f"COPY {t} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        assert cur.rowcount == len(rows)
        with cur.copy(f"COPY {t} TO STDOUT") as copy:
            copy.set_types(["int8", "text", "int8"])
            got = sorted(copy.rows())
    assert got == rows
    assert node_ids(conn, t) == [1, 2, 3, 4, 5]


def test_copy_csv_raw(conn: psycopg.Connection[Any]) -> None:
    t = node_table(conn, "pg_csv")
    with conn.cursor() as cur:
        with cur.copy(f"COPY {t} FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(b'1,"Smith, John",50\n2,"say ""hi""",\n')
        out = bytearray()
        with cur.copy(f"COPY {t} TO STDOUT WITH (FORMAT csv)") as copy:
            for chunk in copy:
                out += chunk
    assert sorted(bytes(out).decode().splitlines()) == ['1,"Smith, John",50', '2,"say ""hi""",']


def test_copy_query_to_stdout(conn: psycopg.Connection[Any]) -> None:
    with conn.cursor() as cur:
        with cur.copy("COPY (SELECT 1 AS a, 'x' AS b, NULL::int4 AS c) TO STDOUT") as copy:
            assert list(copy.rows()) == [("1", "x", None)]


def test_transaction_commit_and_rollback(node: NodeProcess, conn: psycopg.Connection[Any]) -> None:
    t = node_table(conn, "pg_tx")
    create = f"SELECT * FROM cypher($$ CREATE (:{t} {{id: $id}}) $$, %s) AS (r text)"
    with psycopg.connect(node.dsn, connect_timeout=10) as tx:
        with tx.transaction():
            tx.execute(create, [Json({"id": 1})])
            assert tx.info.transaction_status == pq.TransactionStatus.INTRANS
        assert tx.info.transaction_status == pq.TransactionStatus.IDLE
        with tx.transaction(force_rollback=True):
            tx.execute(create, [Json({"id": 2})])
            # Our own write is visible inside the transaction...
            assert 2 in node_ids(tx, t)
        with pytest.raises(ZeroDivisionError):
            with tx.transaction():
                tx.execute(create, [Json({"id": 3})])
                raise ZeroDivisionError
    # ...and only committed ones are visible from another session.
    assert node_ids(conn, t) == [1]


def test_failed_transaction_until_rollback(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, connect_timeout=10) as tx:
        tx.execute("SELECT 1")
        with pytest.raises(errors.DivisionByZero):
            tx.execute("SELECT 1/0")
        assert tx.info.transaction_status == pq.TransactionStatus.INERROR
        with pytest.raises(errors.InFailedSqlTransaction) as exc:
            tx.execute("SELECT 1")
        assert exc.value.sqlstate == "25P02"
        tx.rollback()
        assert tx.info.transaction_status == pq.TransactionStatus.IDLE
        assert tx.execute("SELECT 2").fetchone() == (2,)


def test_error_inside_transaction_block_context(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, autocommit=True, connect_timeout=10) as c:
        with pytest.raises(errors.InvalidTextRepresentation):
            with c.transaction():
                c.execute("SELECT 'abc'::int4")
        assert c.info.transaction_status == pq.TransactionStatus.IDLE
        assert c.execute("SELECT 'ok'").fetchone() == ("ok",)


def _run_cancelled(conn: psycopg.Connection[Any], cancel: Any) -> None:
    """Run SLOW_QUERY while another thread cancels it; return the seconds it took."""
    stop = threading.Event()

    def canceller() -> None:
        # Repeat: a CancelRequest that arrives before the query starts is ignored.
        while not stop.wait(0.3):
            cancel()

    thread = threading.Thread(target=canceller, daemon=True)
    thread.start()
    try:
        with pytest.raises(errors.QueryCanceled) as exc:
            conn.execute(SLOW_QUERY)
    finally:
        stop.set()
        thread.join()
    assert exc.value.sqlstate == "57014"
    assert "canceling statement due to user request" in str(exc.value)


@pytest.mark.parametrize("method", ["cancel", "cancel_safe"])
def test_cancel_from_another_thread(node: NodeProcess, method: str) -> None:
    with psycopg.connect(node.dsn, autocommit=True, connect_timeout=10) as conn:
        _run_cancelled(conn, getattr(conn, method))
        time.sleep(0.3)  # let any late CancelRequest land while idle; it must be ignored
        assert conn.execute("SELECT 'still usable'").fetchone() == ("still usable",)
        assert conn.execute("SELECT %s::int4", [5]).fetchone() == (5,)


def test_cancel_inside_transaction_fails_the_block(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, connect_timeout=10) as conn:
        conn.execute("SELECT 1")
        _run_cancelled(conn, conn.cancel)
        assert conn.info.transaction_status == pq.TransactionStatus.INERROR
        conn.rollback()
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_statement_timeout(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET statement_timeout = '300ms'")
    assert conn.execute("SHOW statement_timeout").fetchone() == ("300ms",)
    with pytest.raises(errors.QueryCanceled) as exc:
        conn.execute(SLOW_QUERY)
    assert exc.value.sqlstate == "57014"
    assert "canceling statement due to statement timeout" in str(exc.value)
    conn.execute("RESET statement_timeout")
    assert conn.execute("SHOW statement_timeout").fetchone() == ("0",)
    assert conn.execute("SELECT 1").fetchone() == (1,)


def test_unknown_setting(conn: psycopg.Connection[Any]) -> None:
    with pytest.raises(errors.UndefinedObject) as exc:
        conn.execute("SET no_such_setting_xyz = 1")
    assert exc.value.sqlstate == "42704"
    assert 'unrecognized configuration parameter "no_such_setting_xyz"' in str(exc.value)
    with pytest.raises(errors.UndefinedObject):
        conn.execute("SHOW no_such_setting_xyz")
    with pytest.raises(errors.UndefinedObject):
        conn.execute("SELECT current_setting('no_such_setting_xyz')")
    assert conn.execute("SELECT current_setting('no_such_setting_xyz', true)").fetchone() == (None,)


def test_custom_placeholder_setting(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET myapp.flavour = 'vanilla'")
    assert conn.execute("SHOW myapp.flavour").fetchone() == ("vanilla",)
    assert conn.execute("SELECT set_config('myapp.flavour', 'mint', false)").fetchone() == ("mint",)
    assert conn.execute("SELECT current_setting('myapp.flavour')").fetchone() == ("mint",)


def test_set_timezone_changes_timestamptz_output(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET TimeZone = 'Europe/Berlin'")
    assert conn.info.parameter_status("TimeZone") == "Europe/Berlin"
    got = conn.execute("SELECT '2026-01-01 12:00:00+00'::timestamptz::text").fetchone()
    assert got == ("2026-01-01 13:00:00+01",)
    conn.execute("RESET TimeZone")


def test_parameter_status(conn: psycopg.Connection[Any]) -> None:
    info = conn.info
    assert (info.parameter_status("server_version") or "").startswith("15.")
    assert 150000 <= info.server_version < 160000
    assert info.parameter_status("server_encoding") == "UTF8"
    assert info.parameter_status("client_encoding") == "UTF8"
    assert info.parameter_status("standard_conforming_strings") == "on"
    assert info.parameter_status("integer_datetimes") == "on"
    assert info.parameter_status("DateStyle") == "ISO, MDY"
    assert info.parameter_status("kuzugres_version")
    assert info.backend_pid > 0
    assert conn.execute("SHOW server_version").fetchone() == (
        info.parameter_status("server_version"),
    )


def test_application_name_reported(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, application_name="compat_app", connect_timeout=10) as c:
        assert c.info.parameter_status("application_name") == "compat_app"
        c.execute("SET application_name = 'renamed'")
        assert c.info.parameter_status("application_name") == "renamed"


def test_discard_all(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET application_name = 'before_discard'")
    conn.execute("DISCARD ALL")
    assert conn.execute("SHOW application_name").fetchone() == ("",)


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_enum_info_and_adapter(conn: psycopg.Connection[Any], binary: bool) -> None:
    """psycopg's EnumInfo reads pg_type/pg_enum; labels then travel as Python enum members
    in text and binary formats, scalars and arrays."""
    import enum

    from psycopg.types.enum import EnumInfo, register_enum

    name = f"mood_{uuid.uuid4().hex[:8]}"
    conn.execute(f"CREATE TYPE {name} AS ENUM ('sad', 'ok', 'happy')")
    conn.execute(f"CREATE TABLE t_{name} (id int PRIMARY KEY, m {name}, ms {name}[])")
    info = EnumInfo.fetch(conn, name)
    assert info is not None
    assert info.labels == ["sad", "ok", "happy"]

    class Mood(enum.Enum):
        sad = "sad"
        ok = "ok"
        happy = "happy"

    register_enum(info, conn, Mood)
    cur = conn.cursor(binary=binary)
    cur.execute(f"INSERT INTO t_{name} VALUES (%s, %s, %s)", [1, Mood.happy, [Mood.sad, Mood.ok]])
    assert cur.execute(f"SELECT m, ms FROM t_{name}").fetchall() == [
        (Mood.happy, [Mood.sad, Mood.ok])
    ]
    assert cur.execute(f"SELECT id FROM t_{name} WHERE m > %s", [Mood.ok]).fetchall() == [(1,)]
