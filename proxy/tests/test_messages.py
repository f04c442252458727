"""Codec round trips and malformed input for the wire messages (no sockets)."""

from __future__ import annotations

import struct

import pytest

from kuzugres.errors import PgError
from kuzugres.proxy import messages as m


def frame(tag: bytes, body: bytes) -> tuple[bytes, bytes]:
    return tag, body


def cstr(s: str) -> bytes:
    return s.encode() + b"\0"


def test_startup_message_decodes_parameters() -> None:
    body = struct.pack("!i", m.PROTOCOL_V3) + cstr("user") + cstr("bob") + cstr("database")
    body += cstr("db") + b"\0"
    pkt = m.decode_startup(body)
    assert pkt == m.StartupMessage(m.PROTOCOL_V3, {"user": "bob", "database": "db"})


@pytest.mark.parametrize(
    ("code", "cls"),
    [(m.SSL_REQUEST_CODE, m.SSLRequest), (m.GSSENC_REQUEST_CODE, m.GSSENCRequest)],
)
def test_negotiation_requests(code: int, cls: type) -> None:
    assert isinstance(m.decode_startup(struct.pack("!i", code)), cls)


def test_cancel_request() -> None:
    pkt = m.decode_startup(struct.pack("!iii", m.CANCEL_REQUEST_CODE, 42, 7))
    assert pkt == m.CancelRequest(42, 7)


def test_unsupported_protocol_version() -> None:
    with pytest.raises(PgError) as e:
        m.decode_startup(struct.pack("!i", 2 << 16) + b"\0")
    assert e.value.code == "0A000"


def test_parse_bind_execute_round_trip() -> None:
    parse = m.decode_frontend(b"P", cstr("s1") + cstr("SELECT $1") + struct.pack("!hI", 1, 23))
    assert parse == m.Parse("s1", "SELECT $1", (23,))
    body = cstr("p") + cstr("s1") + struct.pack("!hh", 1, 1) + struct.pack("!h", 2)
    body += struct.pack("!i", 4) + b"\0\0\0\1" + struct.pack("!i", -1) + struct.pack("!hh", 1, 0)
    bind = m.decode_frontend(b"B", body)
    assert bind == m.Bind("p", "s1", (1,), (b"\0\0\0\1", None), (0,))
    assert m.decode_frontend(b"E", cstr("p") + struct.pack("!i", 10)) == m.Execute("p", 10)
    assert m.decode_frontend(b"D", b"S" + cstr("s1")) == m.Describe("S", "s1")
    assert m.decode_frontend(b"C", b"P" + cstr("p")) == m.Close("P", "p")
    assert m.decode_frontend(b"S", b"") == m.Sync()
    assert m.decode_frontend(b"H", b"") == m.Flush()
    assert m.decode_frontend(b"X", b"") == m.Terminate()


@pytest.mark.parametrize(
    ("tag", "body"),
    [
        (b"Q", b"SELECT 1"),  # no terminating NUL
        (b"P", cstr("s") + cstr("q") + struct.pack("!h", 3)),  # fewer types than announced
        (b"B", cstr("p") + cstr("s") + struct.pack("!h", -1)),  # negative count
        (b"B", cstr("p") + cstr("s") + struct.pack("!hh", 0, 1) + struct.pack("!i", 100)),
        (b"B", cstr("") + cstr("") + struct.pack("!hhh", 1, 7, 0) + struct.pack("!h", 0)),
        (b"D", b"Z" + cstr("x")),  # bad describe kind
        (b"E", cstr("p")),  # truncated
        (b"S", b"extra"),  # trailing garbage
        (b"?", b""),  # unknown type
        (b"\x00", b""),
        (b"Q", b"\xff\xfe\0"),  # invalid UTF-8
    ],
)
def test_malformed_messages_are_protocol_errors(tag: bytes, body: bytes) -> None:
    with pytest.raises(PgError) as e:
        m.decode_frontend(tag, body)
    assert e.value.code in ("08P01", "22023")


@pytest.mark.parametrize("length", [-1, 0, 3, m.MAX_MESSAGE_LENGTH + 1])
def test_bad_lengths(length: int) -> None:
    with pytest.raises(PgError) as e:
        m.check_length(length)
    assert e.value.code == "08P01"


def test_backend_messages_round_trip() -> None:
    fields = [m.FieldDescription("a", 23, 4, -1, 0), m.FieldDescription("b", 25, -1, -1, 1, 99, 2)]
    for msg, expect in [
        (m.ReadyForQuery("T"), ("ReadyForQuery", "T")),
        (m.CommandComplete("SELECT 1"), ("CommandComplete", "SELECT 1")),
        (m.DataRow([b"1", None, b""]), ("DataRow", [b"1", None, b""])),
        (m.RowDescription(fields), ("RowDescription", fields)),
        (m.ParameterDescription([23, 2950]), ("ParameterDescription", [23, 2950])),
        (m.ParameterStatus("TimeZone", "UTC"), ("ParameterStatus", ("TimeZone", "UTC"))),
        (m.BackendKeyData(5, 6), ("BackendKeyData", (5, 6))),
        (
            m.ErrorResponse({"S": "ERROR", "C": "42601", "M": "x"}),
            ("ErrorResponse", {"S": "ERROR", "C": "42601", "M": "x"}),
        ),
        (
            m.Authentication(10, b"SCRAM-SHA-256\0\0"),
            ("Authentication", (10, b"SCRAM-SHA-256\0\0")),
        ),
    ]:
        data = msg.encode()
        (length,) = struct.unpack("!i", data[1:5])
        assert length == len(data) - 1
        assert m.decode_backend(data[:1], data[5:]) == expect
    for msg in (
        m.ParseComplete(),
        m.BindComplete(),
        m.CloseComplete(),
        m.NoData(),
        m.PortalSuspended(),
        m.EmptyQueryResponse(),
        m.CopyDone(),
    ):
        assert msg.encode()[1:] == b"\0\0\0\4"
