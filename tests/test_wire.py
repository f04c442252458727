"""The wire protocol against a real node process: conversations, errors, adversity."""

from __future__ import annotations

import socket
import struct
import threading
import time
from pathlib import Path

import psycopg
import pytest

from tests.serverproc import NodeProcess, free_port, start_node
from tests.wire import RawClient, cstr, error, msg, names


def test_startup_reports_parameters(node: NodeProcess) -> None:
    c = RawClient(node.port)
    p = c.params
    assert p["server_version"].startswith("15.")
    assert p["kuzugres_version"]
    assert p["server_encoding"] == "UTF8" and p["client_encoding"] == "UTF8"
    assert p["DateStyle"] == "ISO, MDY"
    assert p["integer_datetimes"] == "on"
    assert p["standard_conforming_strings"] == "on"
    assert p["session_authorization"] == "tester"
    for key in ("IntervalStyle", "TimeZone", "application_name", "is_superuser"):
        assert key in p
    assert c.pid > 0
    c.close()


def test_simple_query_several_statements_and_empty(node: NodeProcess) -> None:
    c = RawClient(node.port)
    out = c.query("SELECT 1 AS a; SELECT 'x' AS b, 2.5 AS c")
    assert names(out) == [
        "RowDescription",
        "DataRow",
        "CommandComplete",
        "RowDescription",
        "DataRow",
        "CommandComplete",
        "ReadyForQuery",
    ]
    assert out[1][1] == [b"1"] and out[4][1] == [b"x", b"2.5"]
    assert out[-1][1] == "I"
    assert names(c.query("")) == ["EmptyQueryResponse", "ReadyForQuery"]
    assert names(c.query("  ;  ")) == ["EmptyQueryResponse", "ReadyForQuery"]
    c.close()


def test_error_stops_the_rest_of_a_simple_query(node: NodeProcess) -> None:
    c = RawClient(node.port)
    out = c.query("SELECT 1; SELECT 1/0; SELECT 2")
    assert names(out) == [
        "RowDescription",
        "DataRow",
        "CommandComplete",
        "ErrorResponse",
        "ReadyForQuery",
    ]
    assert error(out)["C"] == "22012"
    c.close()


def test_syntax_error_has_position(node: NodeProcess) -> None:
    c = RawClient(node.port)
    e = error(c.query("SELECT 1 FRM x"))
    assert e["C"] == "42601" and e["P"] == "14"
    c.close()


def test_unsupported_sql_names_construct(node: NodeProcess) -> None:
    c = RawClient(node.port)
    e = error(c.query("SELECT 1;\nLISTEN chan"))
    assert e["C"] == "0A000"
    assert "LISTEN" in e["M"]
    assert e["P"] == "11"
    c.close()


def test_transaction_status_and_failed_block(node: NodeProcess) -> None:
    c = RawClient(node.port)
    assert c.query("BEGIN")[-1] == ("ReadyForQuery", "T")
    out = c.query("SELECT 1/0")
    assert out[-1] == ("ReadyForQuery", "E")
    out = c.query("SELECT 1")
    assert error(out)["C"] == "25P02" and out[-1] == ("ReadyForQuery", "E")
    out = c.query("COMMIT")  # COMMIT of a failed block rolls back
    assert ("CommandComplete", "ROLLBACK") in out and out[-1] == ("ReadyForQuery", "I")
    c.close()


def test_extended_protocol_discards_until_sync(node: NodeProcess) -> None:
    c = RawClient(node.port)
    c.send(
        msg(b"P", cstr("") + cstr("SELECT 1/0") + struct.pack("!h", 0))
        + msg(b"B", cstr("") + cstr("") + struct.pack("!hhh", 0, 0, 0))
        + msg(b"E", cstr("") + struct.pack("!i", 0))
        + msg(b"P", cstr("") + cstr("SELECT 2") + struct.pack("!h", 0))  # discarded
        + msg(b"B", cstr("") + cstr("") + struct.pack("!hhh", 0, 0, 0))
        + msg(b"E", cstr("") + struct.pack("!i", 0))
        + msg(b"S")
    )
    out = c.until_ready()
    assert names(out) == ["ParseComplete", "BindComplete", "ErrorResponse", "ReadyForQuery"]
    assert error(out)["C"] == "22012"
    c.close()


def test_extended_describe_and_row_limit(node: NodeProcess) -> None:
    c = RawClient(node.port)
    sql = "VALUES ($1::int4), (2), (3)"
    c.send(
        msg(b"P", cstr("s1") + cstr(sql) + struct.pack("!h", 0))
        + msg(b"D", b"S" + cstr("s1"))
        + msg(
            b"B",
            cstr("p1")
            + cstr("s1")
            + struct.pack("!hh", 0, 1)
            + struct.pack("!i", 1)
            + b"1"
            + struct.pack("!hh", 1, 1),
        )
        + msg(b"D", b"P" + cstr("p1"))
        + msg(b"E", cstr("p1") + struct.pack("!i", 2))
        + msg(b"E", cstr("p1") + struct.pack("!i", 2))
        + msg(b"C", b"P" + cstr("p1"))
        + msg(b"C", b"S" + cstr("s1"))
        + msg(b"S")
    )
    out = c.until_ready()
    assert names(out) == [
        "ParseComplete",
        "ParameterDescription",
        "RowDescription",
        "BindComplete",
        "RowDescription",
        "DataRow",
        "DataRow",
        "PortalSuspended",
        "DataRow",
        "CommandComplete",
        "CloseComplete",
        "CloseComplete",
        "ReadyForQuery",
    ]
    assert out[1][1] == [23]
    assert out[4][1][0].format == 1  # binary result requested at Bind
    assert out[5][1] == [struct.pack("!i", 1)]
    assert out[9][1] == "SELECT 1"  # the rows of the last Execute, as PostgreSQL counts
    c.close()


def test_extended_errors(node: NodeProcess) -> None:
    c = RawClient(node.port)
    c.send(msg(b"B", cstr("") + cstr("nope") + struct.pack("!hhh", 0, 0, 0)) + msg(b"S"))
    assert error(c.until_ready())["C"] == "26000"
    c.send(
        msg(b"P", cstr("s") + cstr("SELECT $1::int") + struct.pack("!h", 0))
        + msg(b"B", cstr("") + cstr("s") + struct.pack("!hhh", 0, 0, 0))
        + msg(b"S")
    )
    assert error(c.until_ready())["C"] == "08P01"  # wrong parameter count
    c.send(msg(b"P", cstr("s") + cstr("SELECT 1") + struct.pack("!h", 0)) + msg(b"S"))
    assert error(c.until_ready())["C"] == "42P05"  # already exists
    c.send(
        msg(
            b"B",
            cstr("")
            + cstr("s")
            + struct.pack("!hh", 0, 1)
            + struct.pack("!i", 3)
            + b"abc"
            + struct.pack("!h", 0),
        )
        + msg(b"S")
    )
    assert error(c.until_ready())["C"] == "22P02"
    c.send(msg(b"P", cstr("") + cstr("SELECT 1; SELECT 2") + struct.pack("!h", 0)) + msg(b"S"))
    assert error(c.until_ready())["C"] == "42601"
    # still usable
    assert ("DataRow", [b"1"]) in c.query("SELECT 1")
    c.close()


def test_set_sends_parameter_status(node: NodeProcess) -> None:
    c = RawClient(node.port)
    out = c.query("SET application_name = 'wiretest'")
    assert ("ParameterStatus", ("application_name", "wiretest")) in out
    out = c.query("SET TimeZone = 'Europe/Berlin'")
    assert ("ParameterStatus", ("TimeZone", "Europe/Berlin")) in out
    assert error(c.query("SET nosuch = 1"))["C"] == "42704"
    assert "CommandComplete" in names(c.query("SET myapp.tenant = 'acme'"))
    assert ("DataRow", [b"acme"]) in c.query("SHOW myapp.tenant")
    c.close()


@pytest.mark.parametrize(
    "garbage",
    [
        msg(b"?", b"junk"),  # unknown message type
        b"Q" + struct.pack("!i", 2),  # length below 4
        b"Q" + struct.pack("!i", 2**30 + 5),  # oversized
        msg(b"Q", b"SELECT 1"),  # missing NUL
        msg(b"B", b"\0"),  # truncated bind
    ],
)
def test_garbage_gets_error_and_close_others_unaffected(node: NodeProcess, garbage: bytes) -> None:
    other = RawClient(node.port)
    c = RawClient(node.port)
    c.send(garbage)
    out = c.until_ready()
    assert error(out)["C"] == "08P01"
    assert out[-1] == ("EOF", None)
    assert ("DataRow", [b"1"]) in other.query("SELECT 1")
    other.close()


def test_disconnect_mid_message(node: NodeProcess) -> None:
    c = RawClient(node.port)
    c.send(b"Q" + struct.pack("!i", 100) + b"SELECT")
    c.sock.close()
    c2 = RawClient(node.port)
    c2.send(b"BEGIN")  # not even a header
    c2.sock.close()
    with psycopg.connect(node.dsn) as conn:
        assert conn.execute("SELECT 42").fetchone() == (42,)


def test_messages_out_of_order(node: NodeProcess) -> None:
    # A password message after startup is not a valid query-phase message.
    c = RawClient(node.port)
    c.send(msg(b"p", cstr("secret")) + msg(b"S"))
    out = c.until_ready()
    assert error(out)["C"] == "08P01"
    c.close()


def test_bad_startup_packets(node: NodeProcess) -> None:
    for payload in (
        struct.pack("!i", 3) + b"x",  # too short
        struct.pack("!ii", 20000, 196608),  # too long
        struct.pack("!ii", 8, 1234),  # unknown protocol
    ):
        s = socket.create_connection(("127.0.0.1", node.port), timeout=5)
        s.sendall(payload)
        data = s.recv(4096)
        assert data == b"" or data[:1] == b"E"
        s.close()
    with pytest.raises(psycopg.OperationalError, match="does not exist"):
        psycopg.connect(node.dsn.replace("dbname=kuzugres", "dbname=other"))


def test_ssl_and_gss_negotiation_without_tls(node: NodeProcess) -> None:
    for code in (80877103, 80877104):
        s = socket.create_connection(("127.0.0.1", node.port), timeout=5)
        s.sendall(struct.pack("!ii", 8, code))
        assert s.recv(1) == b"N"
        s.close()


def test_cancel_request_interrupts_kuzu(node: NodeProcess) -> None:
    c = RawClient(node.port)
    long = (
        "SELECT * FROM cypher($$ UNWIND range(1,100000) AS x UNWIND range(1,100000) AS y "
        "RETURN sum(x * y) $$) AS (n int8)"
    )
    c.send(msg(b"Q", cstr(long)))
    time.sleep(0.5)
    s = socket.create_connection(("127.0.0.1", node.port), timeout=5)
    s.sendall(struct.pack("!iiii", 16, 80877102, c.pid, c.secret))
    s.close()
    out = c.until_ready()
    assert error(out)["C"] == "57014"
    assert ("DataRow", [b"1"]) in c.query("SELECT 1")
    c.close()


def test_many_idle_and_concurrent_clients(node: NodeProcess) -> None:
    idle = [RawClient(node.port) for _ in range(200)]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            with psycopg.connect(node.dsn, autocommit=True) as conn:
                for j in range(20):
                    got = conn.execute("SELECT %s::int8 * 2", [i * 100 + j]).fetchone()
                    assert got == ((i * 100 + j) * 2,)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    for c in idle:
        c.close()


def test_busy_port_and_held_data_dir(node: NodeProcess, tmp_path: Path) -> None:
    import subprocess
    import sys

    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "kuzugres",
            "serve",
            "--data",
            str(tmp_path / "d"),
            "--port",
            str(node.port),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode != 0 and "already in use" in r.stderr
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "kuzugres",
            "serve",
            "--data",
            str(node.data),
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode != 0 and "in use by another running kuzugres node" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    bad = tmp_path / "file"
    bad.write_text("x")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "kuzugres",
            "serve",
            "--data",
            str(bad / "sub"),
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode != 0 and "not usable" in r.stderr


def test_non_loopback_without_users_refuses(tmp_path: Path) -> None:
    import subprocess
    import sys

    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "kuzugres",
            "serve",
            "--data",
            str(tmp_path / "d"),
            "--host",
            "0.0.0.0",
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode != 0 and "no users configured" in r.stderr


def test_sigterm_then_restart_keeps_data(tmp_path: Path) -> None:
    n = start_node(tmp_path / "data")
    with psycopg.connect(n.dsn, autocommit=True) as c:
        c.execute(
            "SELECT * FROM cypher($$ CREATE NODE TABLE kept(id INT64, PRIMARY KEY(id)) $$)"
            " AS (r text)"
        )
        c.execute("SELECT * FROM cypher($$ CREATE (:kept {id: 7}) $$) AS (r text)")
    assert n.stop() == 0
    n2 = start_node(tmp_path / "data")
    with psycopg.connect(n2.dsn) as c:
        got = c.execute("SELECT * FROM cypher($$ MATCH (k:kept) RETURN k.id $$) AS (id int8)")
        assert got.fetchall() == [(7,)]
    n2.stop()


def test_deallocate_and_discard_drop_protocol_statements(node: NodeProcess) -> None:
    c = RawClient(node.port)
    parse = msg(b"P", cstr("s1") + cstr("SELECT 1") + struct.pack("!h", 0)) + msg(b"S")
    c.send(parse)
    assert "ParseComplete" in names(c.until_ready())
    assert ("CommandComplete", "DEALLOCATE") in c.query("DEALLOCATE s1")
    assert error(c.query("DEALLOCATE s1"))["C"] == "26000"
    c.send(parse)
    c.until_ready()
    assert ("CommandComplete", "DISCARD ALL") in c.query("DISCARD ALL")
    c.send(msg(b"B", cstr("") + cstr("s1") + struct.pack("!hhh", 0, 0, 0)) + msg(b"S"))
    assert error(c.until_ready())["C"] == "26000"
    c.close()


@pytest.mark.parametrize(
    "cypher",
    ["BEGIN TRANSACTION", "COMMIT", "ATTACH 'x' AS y (dbtype kuzu)", "CALL threads = 1", "USE y"],
)
def test_cypher_cannot_touch_connection_state(node: NodeProcess, cypher: str) -> None:
    c = RawClient(node.port)
    e = error(c.query(f"SELECT * FROM cypher($$ {cypher} $$) AS (r text)"))
    assert e["C"] == "0A000"
    assert ("DataRow", [b"1"]) in c.query("SELECT 1")
    c.close()


def test_startup_options_set_session_defaults(node: NodeProcess) -> None:
    with psycopg.connect(
        node.dsn,
        options="-c statement_timeout=5s -c search_path=app,public",
        application_name="opts",
    ) as c:
        assert c.execute("SHOW statement_timeout").fetchone() == ("5s",)
        assert c.execute("SHOW search_path").fetchone() == ("app, public",)
        assert c.execute("SHOW application_name").fetchone() == ("opts",)
        c.execute("RESET statement_timeout")  # RESET goes back to the session default
        assert c.execute("SHOW statement_timeout").fetchone() == ("5s",)


def test_kill_9_then_restart_keeps_committed_data(tmp_path: Path) -> None:
    n = start_node(tmp_path / "data")
    with psycopg.connect(n.dsn, autocommit=True) as c:
        c.execute(
            "SELECT * FROM cypher($$ CREATE NODE TABLE k9(id INT64, PRIMARY KEY(id)) $$) AS (r text)"
        )
        for i in range(5):
            c.execute(
                "SELECT * FROM cypher($$ CREATE (:k9 {id: $i}) $$, %s::json) AS (r text)",
                [f'{{"i": {i}}}'],
            )
    n.kill()
    n2 = start_node(tmp_path / "data")  # the lock and Kuzu's WAL recover by themselves
    with psycopg.connect(n2.dsn) as c:
        got = c.execute("SELECT * FROM cypher($$ MATCH (k:k9) RETURN count(*) $$) AS (n int8)")
        assert got.fetchone() == (5,)
    n2.stop()
