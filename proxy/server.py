"""asyncio glue: accept connections, run the startup phase (TLS, auth), then feed
frontend messages to a Session and write its output back.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
import ssl
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kuzugres.errcodes import (
    AdminShutdown,
    IdleInTransactionSessionTimeout,
    IdleSessionTimeout,
    InvalidAuthorizationSpecification,
    InvalidCatalogName,
    ProtocolViolation,
    TooManyConnections,
)
from kuzugres.errors import PgError
from kuzugres.proxy import messages as m
from kuzugres.proxy.auth import Authenticator
from kuzugres.proxy.session import Session
from kuzugres.settings import parse_duration_ms

log = logging.getLogger("kuzugres.server")


@dataclass
class StartupInfo:
    """What the client said at startup."""

    user: str
    database: str
    params: dict[str, str]
    tls: bool


class ConnectionClosed(Exception):
    """The client went away (EOF or reset)."""


class Server:
    """The PostgreSQL front door of one node."""

    def __init__(
        self,
        *,
        database: str,
        auth_method: str,
        users: Any,
        make_session: Callable[[StartupInfo, int], Session],
        ssl_context: ssl.SSLContext | None = None,
        channel_binding: bytes | None = None,
        max_connections: int = 300,
    ) -> None:
        self.database = database
        self.auth_method = auth_method
        self.users = users
        self.make_session = make_session
        self.ssl_context = ssl_context
        self.channel_binding = channel_binding
        self.max_connections = max_connections
        self.sessions: dict[int, tuple[int, Session]] = {}
        self._pids = itertools.count(10_000)
        self._connections = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.shutting_down = False

    async def start(self, host: str, port: int) -> asyncio.Server:
        self._server = await asyncio.start_server(self._client, host, port, limit=2**20)
        return self._server

    async def stop_accepting(self) -> None:
        if self._server is not None:
            self._server.close()

    def busy_sessions(self) -> int:
        return sum(1 for _, s in self.sessions.values() if s._task is not None)

    async def terminate_all(self) -> None:
        """Shut down: tell every client why, then close."""
        self.shutting_down = True
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task

    # ------------------------------------------------------------------ one client
    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._connections += 1
        session: Session | None = None
        pid = 0
        try:
            startup = await self._startup(reader, writer)
            if startup is None:
                return
            if self._connections > self.max_connections:
                raise TooManyConnections("sorry, too many clients already", severity="FATAL")
            await self._authenticate(startup, reader, writer)
            pid = next(self._pids)
            secret = secrets.randbits(31)
            session = self.make_session(startup, pid)
            self.sessions[pid] = (secret, session)
            out = [m.Authentication(0).encode()]
            for name, value in session.ex.settings.changed_reports():
                out.append(m.ParameterStatus(name, value).encode())
            out.append(m.BackendKeyData(pid, secret).encode())
            out.append(m.ReadyForQuery("I").encode())
            writer.write(b"".join(out))
            await writer.drain()
            await self._serve(session, reader, writer)
        except PgError as err:
            if err.severity == "ERROR":
                err.severity = "FATAL"
            with contextlib.suppress(Exception):
                writer.write(m.ErrorResponse(err.fields()).encode())
                await writer.drain()
        except asyncio.CancelledError:
            if self.shutting_down:
                bye = AdminShutdown(
                    "terminating connection due to administrator command", severity="FATAL"
                )
                with contextlib.suppress(Exception):
                    writer.write(m.ErrorResponse(bye.fields()).encode())
                    await asyncio.wait_for(writer.drain(), 1)
        except (ConnectionClosed, ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        except Exception:
            log.exception("unexpected error in connection handler")
        finally:
            self._connections -= 1
            if session is not None:
                self.sessions.pop(pid, None)
                with contextlib.suppress(BaseException):
                    await asyncio.shield(session.close())
            with contextlib.suppress(Exception):
                writer.close()
            self._tasks.discard(task)

    async def _read_startup_packet(self, reader: asyncio.StreamReader) -> m.StartupPacket:
        (length,) = struct.unpack("!i", await reader.readexactly(4))
        m.check_length(length, startup=True)
        return m.decode_startup(await reader.readexactly(length - 4))

    async def _startup(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> StartupInfo | None:
        tls = False
        while True:
            try:
                pkt = await asyncio.wait_for(self._read_startup_packet(reader), 60)
            except TimeoutError:
                return None
            if isinstance(pkt, m.SSLRequest):
                if tls:
                    raise ProtocolViolation("SSL negotiation already done", severity="FATAL")
                if self.ssl_context is None:
                    writer.write(b"N")
                    await writer.drain()
                    continue
                writer.write(b"S")
                await writer.drain()
                await writer.start_tls(self.ssl_context)
                tls = True
                continue
            if isinstance(pkt, m.GSSENCRequest):
                writer.write(b"N")
                await writer.drain()
                continue
            if isinstance(pkt, m.CancelRequest):
                entry = self.sessions.get(pkt.pid)
                if entry is not None and entry[0] == pkt.secret:
                    entry[1].cancel()
                return None
            params = pkt.params
            if "replication" in params and params["replication"] not in ("false", "0", "off"):
                raise ProtocolViolation(
                    "replication connections are not supported", sqlstate="0A000"
                )
            user = params.get("user")
            if not user:
                raise InvalidAuthorizationSpecification(
                    "no PostgreSQL user name specified in startup packet"
                )
            database = params.get("database") or user
            if database != self.database:
                raise InvalidCatalogName(f'database "{database}" does not exist')
            return StartupInfo(user, database, params, tls)

    async def _authenticate(
        self, startup: StartupInfo, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        user = self.users.get(startup.user) if self.users is not None else None
        auth = Authenticator(
            self.auth_method,
            startup.user,
            user,
            channel_binding=self.channel_binding if startup.tls else None,
        )
        requests = auth.start()
        while not auth.done:
            writer.write(b"".join(m.Authentication(r.code, r.data).encode() for r in requests))
            await writer.drain()
            tag, payload = await self._read_message(reader, timeout=60)
            if tag != b"p":
                raise ProtocolViolation(f"expected password response, got message type {tag[0]}")
            requests = auth.respond(payload)
        if requests:
            writer.write(b"".join(m.Authentication(r.code, r.data).encode() for r in requests))

    async def _read_message(
        self, reader: asyncio.StreamReader, timeout: float | None = None
    ) -> tuple[bytes, bytes]:
        async def read() -> tuple[bytes, bytes]:
            header = await reader.readexactly(5)
            tag = header[:1]
            (length,) = struct.unpack("!i", header[1:])
            m.check_length(length)
            return tag, await reader.readexactly(length - 4)

        if timeout is None:
            return await read()
        try:
            return await asyncio.wait_for(read(), timeout)
        except TimeoutError:
            raise ConnectionClosed() from None

    async def _serve(
        self, session: Session, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        frames = m.FrameReader()
        while not session.closed:
            frame = frames.next_frame()  # ProtocolViolation closes the connection
            if frame is None:
                if session.out:
                    writer.write(await session.drain_output())
                    await writer.drain()
                data = await self._read_idle(session, reader)
                if not data:
                    return
                frames.feed(data)
                continue
            msg = m.decode_frontend(*frame)
            await session.handle(msg)
            if session.out and (
                isinstance(msg, m.Flush) or (len(session.out) > 256 and not session.holding)
            ):
                writer.write(await session.drain_output())
                await writer.drain()
        if session.out:
            writer.write(await session.drain_output())
            await writer.drain()

    async def _read_idle(self, session: Session, reader: asyncio.StreamReader) -> bytes:
        """Wait for the client's next bytes, enforcing the idle timeouts."""
        in_tx = session.ex.tx_status != "I"
        name = "idle_in_transaction_session_timeout" if in_tx else "idle_session_timeout"
        ms = parse_duration_ms(name, session.ex.settings.get(name) or "0")
        if ms <= 0:
            return await reader.read(1 << 16)
        try:
            return await asyncio.wait_for(reader.read(1 << 16), ms / 1000)
        except TimeoutError:
            if in_tx:
                raise IdleInTransactionSessionTimeout(
                    "terminating connection due to idle-in-transaction timeout",
                    severity="FATAL",
                ) from None
            raise IdleSessionTimeout(
                "terminating connection due to idle-session timeout", severity="FATAL"
            ) from None
