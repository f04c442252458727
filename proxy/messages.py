"""PostgreSQL v3 wire messages: one frozen dataclass per message, encode/decode, no sockets.

Frontend messages are decoded from (type byte, payload) pairs with `decode_frontend`;
the startup-phase packets (no type byte) with `decode_startup`. Backend messages
encode themselves to complete frames with `encode()`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kuzugres.errcodes import ProtocolViolation
from kuzugres.registry import registrar

PROTOCOL_V3 = 196608  # 3.0
SSL_REQUEST_CODE = 80877103
GSSENC_REQUEST_CODE = 80877104
CANCEL_REQUEST_CODE = 80877102

#: Largest message we accept from a client (PostgreSQL's limit for most messages is 1 GB;
#: we keep a lower bound so a bogus length cannot make us buffer gigabytes).
MAX_MESSAGE_LENGTH = 256 * 1024 * 1024
#: Largest startup packet (PostgreSQL: MAX_STARTUP_PACKET_LENGTH = 10000).
MAX_STARTUP_LENGTH = 10000

_I16 = struct.Struct("!h")
_I32 = struct.Struct("!i")
_HDR = struct.Struct("!ci")


class Cursor:
    """Reads fields from a message payload; every overrun is a protocol violation."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _need(self, n: int) -> None:
        if n < 0 or self.pos + n > len(self.data):
            raise ProtocolViolation("insufficient data left in message")

    def int16(self) -> int:
        self._need(2)
        (v,) = _I16.unpack_from(self.data, self.pos)
        self.pos += 2
        return int(v)

    def int32(self) -> int:
        self._need(4)
        (v,) = _I32.unpack_from(self.data, self.pos)
        self.pos += 4
        return int(v)

    def byte(self) -> bytes:
        self._need(1)
        b = self.data[self.pos : self.pos + 1]
        self.pos += 1
        return b

    def raw(self, n: int) -> bytes:
        self._need(n)
        b = self.data[self.pos : self.pos + n]
        self.pos += n
        return b

    def cstring(self) -> str:
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            raise ProtocolViolation("invalid string in message")
        raw = self.data[self.pos : end]
        self.pos = end + 1
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolViolation('invalid byte sequence for encoding "UTF8"') from None

    def rest(self) -> bytes:
        b = self.data[self.pos :]
        self.pos = len(self.data)
        return b

    def end(self) -> None:
        if self.pos != len(self.data):
            raise ProtocolViolation("invalid message format")


# ---------------------------------------------------------------- startup phase


@dataclass(frozen=True)
class StartupMessage:
    protocol: int
    params: dict[str, str]


@dataclass(frozen=True)
class SSLRequest:
    pass


@dataclass(frozen=True)
class GSSENCRequest:
    pass


@dataclass(frozen=True)
class CancelRequest:
    pid: int
    secret: int


StartupPacket = StartupMessage | SSLRequest | GSSENCRequest | CancelRequest


def decode_startup(payload: bytes) -> StartupPacket:
    """Decode a startup-phase packet (the bytes after its int32 length)."""
    cur = Cursor(payload)
    code = cur.int32()
    if code == SSL_REQUEST_CODE:
        cur.end()
        return SSLRequest()
    if code == GSSENC_REQUEST_CODE:
        cur.end()
        return GSSENCRequest()
    if code == CANCEL_REQUEST_CODE:
        pid, secret = cur.int32(), cur.int32()
        cur.end()
        return CancelRequest(pid, secret)
    if code >> 16 != 3:
        raise ProtocolViolation(
            f"unsupported frontend protocol {code >> 16}.{code & 0xFFFF}: "
            "server supports 3.0 to 3.0",
            sqlstate="0A000",
        )
    params: dict[str, str] = {}
    while True:
        key = cur.cstring()
        if key == "":
            break
        params[key] = cur.cstring()
    cur.end()
    return StartupMessage(code, params)


# ---------------------------------------------------------------- frontend messages


@dataclass(frozen=True)
class Query:
    sql: str


@dataclass(frozen=True)
class Parse:
    name: str
    sql: str
    param_types: tuple[int, ...]


@dataclass(frozen=True)
class Bind:
    portal: str
    statement: str
    param_formats: tuple[int, ...]
    params: tuple[bytes | None, ...]
    result_formats: tuple[int, ...]


@dataclass(frozen=True)
class Describe:
    kind: str  # 'S' statement or 'P' portal
    name: str


@dataclass(frozen=True)
class Execute:
    portal: str
    max_rows: int


@dataclass(frozen=True)
class Close:
    kind: str
    name: str


@dataclass(frozen=True)
class Sync:
    pass


@dataclass(frozen=True)
class Flush:
    pass


@dataclass(frozen=True)
class Terminate:
    pass


@dataclass(frozen=True)
class CopyData:
    data: bytes

    def encode(self) -> bytes:
        return _HDR.pack(b"d", 4 + len(self.data)) + self.data


@dataclass(frozen=True)
class CopyDone:
    def encode(self) -> bytes:
        return b"c\0\0\0\4"


@dataclass(frozen=True)
class CopyFail:
    message: str


@dataclass(frozen=True)
class PasswordMessage:
    """Any 'p' message: password, SASLInitialResponse or SASLResponse (raw body)."""

    payload: bytes


@dataclass(frozen=True)
class FunctionCall:
    payload: bytes


FrontendMessage = (
    Query
    | Parse
    | Bind
    | Describe
    | Execute
    | Close
    | Sync
    | Flush
    | Terminate
    | CopyData
    | CopyDone
    | CopyFail
    | PasswordMessage
    | FunctionCall
)

_DECODERS: dict[bytes, Callable[[Cursor], FrontendMessage]] = {}


_decoder = registrar(_DECODERS, "decoder")


@_decoder(b"Q")
def _query(cur: Cursor) -> FrontendMessage:
    return Query(cur.cstring())


@_decoder(b"P")
def _parse(cur: Cursor) -> FrontendMessage:
    name, sql = cur.cstring(), cur.cstring()
    n = cur.int16()
    if n < 0:
        raise ProtocolViolation("invalid number of parameter types")
    return Parse(name, sql, tuple(cur.int32() & 0xFFFFFFFF for _ in range(n)))


@_decoder(b"B")
def _bind(cur: Cursor) -> FrontendMessage:
    portal, stmt = cur.cstring(), cur.cstring()
    nf = cur.int16()
    if nf < 0:
        raise ProtocolViolation("invalid number of parameter formats")
    formats = tuple(cur.int16() for _ in range(nf))
    np_ = cur.int16()
    if np_ < 0:
        raise ProtocolViolation("invalid number of parameters")
    params: list[bytes | None] = []
    for _ in range(np_):
        n = cur.int32()
        if n == -1:
            params.append(None)
        elif n < -1:
            raise ProtocolViolation(f"invalid parameter length {n}")
        else:
            params.append(cur.raw(n))
    nr = cur.int16()
    if nr < 0:
        raise ProtocolViolation("invalid number of result formats")
    results = tuple(cur.int16() for _ in range(nr))
    for f in formats + results:
        if f not in (0, 1):
            raise ProtocolViolation(f"unsupported format code: {f}", sqlstate="22023")
    return Bind(portal, stmt, formats, tuple(params), results)


def _kind(cur: Cursor, what: str) -> str:
    k = cur.byte()
    if k not in (b"S", b"P"):
        raise ProtocolViolation(f"invalid {what} message subtype {k[0] if k else 0}")
    return k.decode()


@_decoder(b"D")
def _describe(cur: Cursor) -> FrontendMessage:
    return Describe(_kind(cur, "DESCRIBE"), cur.cstring())


@_decoder(b"E")
def _execute(cur: Cursor) -> FrontendMessage:
    return Execute(cur.cstring(), cur.int32())


@_decoder(b"C")
def _close(cur: Cursor) -> FrontendMessage:
    return Close(_kind(cur, "CLOSE"), cur.cstring())


@_decoder(b"S")
def _sync(cur: Cursor) -> FrontendMessage:
    return Sync()


@_decoder(b"H")
def _flush(cur: Cursor) -> FrontendMessage:
    return Flush()


@_decoder(b"X")
def _terminate(cur: Cursor) -> FrontendMessage:
    return Terminate()


@_decoder(b"d")
def _copy_data(cur: Cursor) -> FrontendMessage:
    return CopyData(cur.rest())


@_decoder(b"c")
def _copy_done(cur: Cursor) -> FrontendMessage:
    return CopyDone()


@_decoder(b"f")
def _copy_fail(cur: Cursor) -> FrontendMessage:
    return CopyFail(cur.cstring())


@_decoder(b"p")
def _password(cur: Cursor) -> FrontendMessage:
    return PasswordMessage(cur.rest())


@_decoder(b"F")
def _function_call(cur: Cursor) -> FrontendMessage:
    return FunctionCall(cur.rest())


def decode_frontend(tag: bytes, payload: bytes) -> FrontendMessage:
    """Decode one typed frontend message; unknown types and bad bodies raise 08P01."""
    fn = _DECODERS.get(tag)
    if fn is None:
        shown = tag.decode("latin-1") if tag.isascii() and tag.isalnum() else f"0x{tag.hex()}"
        raise ProtocolViolation(f'invalid frontend message type "{shown}"')
    cur = Cursor(payload)
    msg = fn(cur)
    if not isinstance(msg, CopyData | PasswordMessage | FunctionCall):
        cur.end()
    return msg


def check_length(length: int, *, startup: bool = False) -> None:
    """Validate a frame's int32 length field (it counts itself)."""
    limit = MAX_STARTUP_LENGTH if startup else MAX_MESSAGE_LENGTH
    if length < 4 or length > limit:
        raise ProtocolViolation(
            "invalid length of startup packet" if startup else f"invalid message length {length}"
        )


class FrameReader:
    """Sans-IO framing of the query phase: feed bytes, take complete (type, body) frames.

    A bad length raises ProtocolViolation as soon as the header is in, before any
    body is buffered, so a bogus length cannot make the server hold gigabytes.
    """

    __slots__ = ("_buf", "_pos")

    def __init__(self) -> None:
        self._buf = bytearray()
        self._pos = 0

    def feed(self, data: bytes) -> None:
        if self._pos:
            del self._buf[: self._pos]
            self._pos = 0
        self._buf += data

    def next_frame(self) -> tuple[bytes, bytes] | None:
        """The next complete frame, or None until more bytes arrive."""
        buf, pos = self._buf, self._pos
        if len(buf) - pos < 5:
            return None
        (length,) = _I32.unpack_from(buf, pos + 1)
        check_length(length)
        end = pos + 1 + length
        if len(buf) < end:
            return None
        self._pos = end
        return bytes(buf[pos : pos + 1]), bytes(buf[pos + 5 : end])

    @property
    def pending(self) -> int:
        """Bytes buffered but not yet returned as frames."""
        return len(self._buf) - self._pos


# ---------------------------------------------------------------- backend messages


def _frame(tag: bytes, body: bytes) -> bytes:
    return _HDR.pack(tag, 4 + len(body)) + body


def _cstr(s: str) -> bytes:
    return s.encode("utf-8") + b"\0"


@dataclass(frozen=True)
class Authentication:
    code: int
    data: bytes = b""

    def encode(self) -> bytes:
        return _frame(b"R", _I32.pack(self.code) + self.data)


@dataclass(frozen=True)
class ParameterStatus:
    name: str
    value: str

    def encode(self) -> bytes:
        return _frame(b"S", _cstr(self.name) + _cstr(self.value))


@dataclass(frozen=True)
class BackendKeyData:
    pid: int
    secret: int

    def encode(self) -> bytes:
        return _frame(b"K", struct.pack("!ii", self.pid, self.secret))


@dataclass(frozen=True)
class ReadyForQuery:
    status: str  # 'I' idle, 'T' in transaction, 'E' failed transaction

    def encode(self) -> bytes:
        return _frame(b"Z", self.status.encode())


@dataclass(frozen=True)
class FieldDescription:
    name: str
    type_oid: int
    type_size: int = -1
    type_modifier: int = -1
    format: int = 0
    table_oid: int = 0
    column: int = 0


@dataclass(frozen=True)
class RowDescription:
    fields: Sequence[FieldDescription]

    def encode(self) -> bytes:
        parts = [_I16.pack(len(self.fields))]
        for f in self.fields:
            parts.append(_cstr(f.name))
            parts.append(
                struct.pack(
                    "!ihIhih",
                    f.table_oid,
                    f.column,
                    f.type_oid,
                    f.type_size,
                    f.type_modifier,
                    f.format,
                )
            )
        return _frame(b"T", b"".join(parts))


def encode_data_row(values: Sequence[bytes | None]) -> bytes:
    """A DataRow frame; hot path, so it builds bytes directly."""
    parts = [_I16.pack(len(values))]
    for v in values:
        if v is None:
            parts.append(b"\xff\xff\xff\xff")
        else:
            parts.append(_I32.pack(len(v)))
            parts.append(v)
    body = b"".join(parts)
    return _HDR.pack(b"D", 4 + len(body)) + body


@dataclass(frozen=True)
class DataRow:
    values: Sequence[bytes | None]

    def encode(self) -> bytes:
        return encode_data_row(self.values)


@dataclass(frozen=True)
class CommandComplete:
    tag: str

    def encode(self) -> bytes:
        return _frame(b"C", _cstr(self.tag))


@dataclass(frozen=True)
class EmptyQueryResponse:
    def encode(self) -> bytes:
        return b"I\0\0\0\4"


@dataclass(frozen=True)
class ErrorResponse:
    fields: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        body = b"".join(k.encode() + _cstr(v) for k, v in self.fields.items()) + b"\0"
        return _frame(b"E", body)


@dataclass(frozen=True)
class NoticeResponse:
    fields: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        body = b"".join(k.encode() + _cstr(v) for k, v in self.fields.items()) + b"\0"
        return _frame(b"N", body)


@dataclass(frozen=True)
class ParseComplete:
    def encode(self) -> bytes:
        return b"1\0\0\0\4"


@dataclass(frozen=True)
class BindComplete:
    def encode(self) -> bytes:
        return b"2\0\0\0\4"


@dataclass(frozen=True)
class CloseComplete:
    def encode(self) -> bytes:
        return b"3\0\0\0\4"


@dataclass(frozen=True)
class NoData:
    def encode(self) -> bytes:
        return b"n\0\0\0\4"


@dataclass(frozen=True)
class PortalSuspended:
    def encode(self) -> bytes:
        return b"s\0\0\0\4"


@dataclass(frozen=True)
class ParameterDescription:
    type_oids: Sequence[int]

    def encode(self) -> bytes:
        body = _I16.pack(len(self.type_oids)) + b"".join(
            struct.pack("!I", t) for t in self.type_oids
        )
        return _frame(b"t", body)


@dataclass(frozen=True)
class CopyInResponse:
    format: int
    column_formats: Sequence[int]

    def encode(self) -> bytes:
        body = struct.pack("!bh", self.format, len(self.column_formats)) + b"".join(
            _I16.pack(f) for f in self.column_formats
        )
        return _frame(b"G", body)


@dataclass(frozen=True)
class CopyOutResponse:
    format: int
    column_formats: Sequence[int]

    def encode(self) -> bytes:
        body = struct.pack("!bh", self.format, len(self.column_formats)) + b"".join(
            _I16.pack(f) for f in self.column_formats
        )
        return _frame(b"H", body)


def decode_backend(tag: bytes, payload: bytes) -> tuple[str, object]:
    """Decode a backend frame for tests and tools: returns (name, fields)."""
    cur = Cursor(payload)
    if tag in (b"E", b"N"):
        fields: dict[str, str] = {}
        while True:
            code = cur.byte()
            if code == b"\0":
                break
            fields[code.decode()] = cur.cstring()
        return ("ErrorResponse" if tag == b"E" else "NoticeResponse", fields)
    if tag == b"Z":
        return ("ReadyForQuery", cur.byte().decode())
    if tag == b"C":
        return ("CommandComplete", cur.cstring())
    if tag == b"D":
        n = cur.int16()
        vals: list[bytes | None] = []
        for _ in range(n):
            ln = cur.int32()
            vals.append(None if ln == -1 else cur.raw(ln))
        return ("DataRow", vals)
    if tag == b"T":
        n = cur.int16()
        cols = []
        for _ in range(n):
            name = cur.cstring()
            table_oid, col = cur.int32(), cur.int16()
            oid = cur.int32() & 0xFFFFFFFF
            size, mod, fmt = cur.int16(), cur.int32(), cur.int16()
            cols.append(FieldDescription(name, oid, size, mod, fmt, table_oid, col))
        return ("RowDescription", cols)
    if tag == b"t":
        n = cur.int16()
        return ("ParameterDescription", [cur.int32() & 0xFFFFFFFF for _ in range(n)])
    if tag == b"S":
        return ("ParameterStatus", (cur.cstring(), cur.cstring()))
    if tag == b"R":
        return ("Authentication", (cur.int32(), cur.rest()))
    if tag == b"K":
        return ("BackendKeyData", (cur.int32(), cur.int32()))
    names = {
        b"1": "ParseComplete",
        b"2": "BindComplete",
        b"3": "CloseComplete",
        b"n": "NoData",
        b"s": "PortalSuspended",
        b"I": "EmptyQueryResponse",
        b"G": "CopyInResponse",
        b"H": "CopyOutResponse",
        b"d": "CopyData",
        b"c": "CopyDone",
    }
    return (names.get(tag, f"Unknown({tag!r})"), cur.rest())


BackendMessage = (
    Authentication
    | ParameterStatus
    | BackendKeyData
    | ReadyForQuery
    | RowDescription
    | DataRow
    | CommandComplete
    | EmptyQueryResponse
    | ErrorResponse
    | NoticeResponse
    | ParseComplete
    | BindComplete
    | CloseComplete
    | NoData
    | PortalSuspended
    | ParameterDescription
    | CopyInResponse
    | CopyOutResponse
    | CopyData
    | CopyDone
)
