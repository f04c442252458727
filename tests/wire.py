"""A minimal raw PostgreSQL wire client for protocol tests (bytes in, messages out)."""

from __future__ import annotations

import socket
import struct
from typing import Any

from kuzugres.proxy import messages as m


def cstr(s: str) -> bytes:
    return s.encode() + b"\0"


def msg(tag: bytes, body: bytes = b"") -> bytes:
    return tag + struct.pack("!i", len(body) + 4) + body


class RawClient:
    """Speaks the protocol by hand so tests can send anything, valid or not."""

    def __init__(
        self, port: int, *, startup: bool = True, user: str = "tester", database: str = "kuzugres"
    ) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.pid = 0
        self.secret = 0
        self.params: dict[str, str] = {}
        if startup:
            self.startup(user, database)

    def startup(self, user: str, database: str) -> list[tuple[str, Any]]:
        body = struct.pack("!i", m.PROTOCOL_V3) + cstr("user") + cstr(user)
        body += cstr("database") + cstr(database) + b"\0"
        self.send(struct.pack("!i", len(body) + 4) + body)
        out = self.until_ready()
        for name, value in out:
            if name == "BackendKeyData":
                self.pid, self.secret = value
            if name == "ParameterStatus":
                self.params[value[0]] = value[1]
        return out

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv_message(self) -> tuple[str, Any] | None:
        while True:
            if len(self.buf) >= 5:
                (length,) = struct.unpack("!i", self.buf[1:5])
                if len(self.buf) >= length + 1:
                    tag, body = self.buf[:1], self.buf[5 : length + 1]
                    self.buf = self.buf[length + 1 :]
                    return m.decode_backend(tag, body)
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk

    def until_ready(self) -> list[tuple[str, Any]]:
        out = []
        while True:
            r = self.recv_message()
            if r is None:
                out.append(("EOF", None))
                return out
            out.append(r)
            if r[0] == "ReadyForQuery":
                return out
            if r[0] == "ErrorResponse" and r[1].get("S") == "FATAL":
                rest = self.recv_message()
                out.append(("EOF", None) if rest is None else rest)
                return out

    def query(self, sql: str) -> list[tuple[str, Any]]:
        self.send(msg(b"Q", cstr(sql)))
        return self.until_ready()

    def close(self) -> None:
        try:
            self.send(msg(b"X"))
        except OSError:
            pass
        self.sock.close()


def names(out: list[tuple[str, Any]]) -> list[str]:
    return [n for n, _ in out]


def error(out: list[tuple[str, Any]]) -> dict[str, str]:
    for n, v in out:
        if n == "ErrorResponse":
            return dict(v)
    raise AssertionError(f"no ErrorResponse in {out}")
