"""Server side of PostgreSQL authentication, sans-IO: bytes of 'p' messages in, requests out.

The server sends each returned `AuthRequest` as an AuthenticationXXX ('R') message, feeds
the body of every PasswordMessage/SASLInitialResponse/SASLResponse ('p') to
`Authenticator.respond`, and sends AuthenticationOk once `done` is True. Failures raise
`InvalidPassword` (28P01) with one message whatever went wrong, so a client learns nothing
about which roles exist; broken 'p' framing raises `ProtocolViolation` (08P01).

Behaviour follows PostgreSQL 15 (src/backend/libpq/auth.c, auth-sasl.c, auth-scram.c):
'md5' falls back to SCRAM when the role's secret is a SCRAM secret (or the role does not
exist); SCRAM against a missing role or an md5 secret runs a mock exchange that fails at
the last step.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import ssl
import struct
from dataclasses import dataclass
from enum import Enum, auto
from pathlib import Path
from typing import NoReturn

import scramp
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from kuzugres.errcodes import InvalidPassword, ProtocolViolation
from kuzugres.users import (
    SCRAM_ITERATIONS,
    SCRAM_SALT_LEN,
    ScramSecret,
    User,
    check_password,
    is_md5_secret,
    scram_secret,
)

AUTH_OK = 0
AUTH_CLEARTEXT_PASSWORD = 3
AUTH_MD5_PASSWORD = 5
AUTH_SASL = 10
AUTH_SASL_CONTINUE = 11
AUTH_SASL_FINAL = 12

METHODS = frozenset({"trust", "password", "md5", "scram-sha-256"})
"""The pg_hba.conf methods an Authenticator implements."""

SCRAM_SHA_256 = "SCRAM-SHA-256"
SCRAM_SHA_256_PLUS = "SCRAM-SHA-256-PLUS"
CHANNEL_BINDING_TYPE = "tls-server-end-point"

# Keys the mock SCRAM salt of a missing role, so repeated attempts see the same salt
# (PostgreSQL's mock_auth_nonce).
_MOCK_NONCE = secrets.token_bytes(32)
# Checked against when a cleartext password arrives for a role without a usable secret,
# so that costs about as much time as a real check.
_MOCK_SECRET = scram_secret(secrets.token_bytes(16))
# scramp's SCRAM server rejects the empty username libpq sends ("n=,r=..."); PostgreSQL
# ignores that username anyway (the startup packet names the role), so scramp gets this one.
_USERNAME_PLACEHOLDER = "user"


@dataclass(frozen=True)
class AuthRequest:
    """One AuthenticationXXX ('R') message to send: the int32 code and the bytes after it."""

    code: int
    data: bytes = b""


class _Stage(Enum):
    NEW = auto()
    CLEARTEXT = auto()
    MD5 = auto()
    SASL_INITIAL = auto()
    SASL_FIRST = auto()
    SASL_FINAL = auto()
    DONE = auto()
    FAILED = auto()


class Authenticator:
    """Authenticate one connection's role with one method; see the module docstring."""

    def __init__(
        self,
        method: str,
        username: str,
        user: User | None,
        *,
        channel_binding: bytes | None = None,
    ) -> None:
        """Prepare to authenticate `username` (found as `user`, or None if no such role).

        `channel_binding` is the tls-server-end-point hash of the server certificate when
        the connection uses TLS (see `tls_server_end_point`), which enables SCRAM-SHA-256-PLUS.
        """
        if method not in METHODS:
            raise ValueError(f"unknown authentication method {method!r}")
        if channel_binding is not None and not channel_binding:
            raise ValueError("channel_binding must not be empty")
        self.method = method
        self.username = username
        self.user = user
        self.channel_binding = channel_binding
        self.done = False
        self._stage = _Stage.NEW
        self._md5_salt = b""
        self._mechanisms: tuple[str, ...] = ()
        self._scram: _ScramExchange | None = None

    def start(self) -> list[AuthRequest]:
        """The first message(s) to send; [] (and `done`) for 'trust'."""
        if self._stage is not _Stage.NEW:
            raise RuntimeError("authentication already started")
        if self.method == "trust":
            self._stage = _Stage.DONE
            self.done = True
            return []
        if self.method == "password":
            self._stage = _Stage.CLEARTEXT
            return [AuthRequest(AUTH_CLEARTEXT_PASSWORD)]
        if self.method == "md5" and self.user is not None and is_md5_secret(self.user.secret):
            self._md5_salt = os.urandom(4)
            self._stage = _Stage.MD5
            return [AuthRequest(AUTH_MD5_PASSWORD, self._md5_salt)]
        # 'scram-sha-256', or 'md5' for a role with a SCRAM secret or no role at all
        # (PostgreSQL then uses its password_encryption default, SCRAM).
        if self.channel_binding is not None:
            self._mechanisms = (SCRAM_SHA_256_PLUS, SCRAM_SHA_256)
        else:
            self._mechanisms = (SCRAM_SHA_256,)
        self._stage = _Stage.SASL_INITIAL
        data = b"".join(m.encode("ascii") + b"\0" for m in self._mechanisms) + b"\0"
        return [AuthRequest(AUTH_SASL, data)]

    def respond(self, payload: bytes) -> list[AuthRequest]:
        """Take the body of the client's 'p' message; return what to send next.

        When this returns with `done` True the role is authenticated (the list may hold a
        final SASL message to send before AuthenticationOk).
        """
        match self._stage:
            case _Stage.CLEARTEXT:
                return self._check_cleartext(_password_packet(payload))
            case _Stage.MD5:
                return self._check_md5(_password_packet(payload))
            case _Stage.SASL_INITIAL:
                return self._sasl_initial(payload)
            case _Stage.SASL_FIRST:
                return self._sasl_first(payload)
            case _Stage.SASL_FINAL:
                return self._sasl_final(payload)
            case _:
                raise ProtocolViolation("unexpected password message: no authentication pending")

    def _fail(self) -> NoReturn:
        self._stage = _Stage.FAILED
        raise InvalidPassword(f'password authentication failed for user "{self.username}"')

    def _succeed(self, messages: list[AuthRequest]) -> list[AuthRequest]:
        self._stage = _Stage.DONE
        self.done = True
        return messages

    def _check_cleartext(self, password: bytes) -> list[AuthRequest]:
        if self.user is None or not password:
            check_password(_MOCK_SECRET, self.username, password)
            self._fail()
        if not check_password(self.user.secret, self.username, password):
            self._fail()
        return self._succeed([])

    def _check_md5(self, response: bytes) -> list[AuthRequest]:
        assert self.user is not None
        digest = hashlib.md5(self.user.secret[3:].encode("ascii") + self._md5_salt).hexdigest()
        if not hmac.compare_digest(response, b"md5" + digest.encode("ascii")):
            self._fail()
        return self._succeed([])

    def _sasl_initial(self, payload: bytes) -> list[AuthRequest]:
        mechanism, data = _sasl_initial_response(payload)
        if mechanism not in self._mechanisms:
            self._stage = _Stage.FAILED
            raise ProtocolViolation("client selected an invalid SASL authentication mechanism")
        secret = None if self.user is None else ScramSecret.parse(self.user.secret)
        try:
            self._scram = _ScramExchange(mechanism, secret, self.username, self.channel_binding)
        except scramp.ScramException:
            self._fail()
        if data is None:
            # No initial response: send an empty challenge; the client-first message
            # comes in the next SASLResponse.
            self._stage = _Stage.SASL_FIRST
            return [AuthRequest(AUTH_SASL_CONTINUE)]
        return self._sasl_first(data)

    def _sasl_first(self, data: bytes) -> list[AuthRequest]:
        assert self._scram is not None
        try:
            server_first = self._scram.first(data)
        except (scramp.ScramException, ValueError):
            self._fail()
        self._stage = _Stage.SASL_FINAL
        return [AuthRequest(AUTH_SASL_CONTINUE, server_first)]

    def _sasl_final(self, data: bytes) -> list[AuthRequest]:
        assert self._scram is not None
        try:
            server_final = self._scram.final(data)
        except (scramp.ScramException, ValueError):
            self._fail()
        return self._succeed([AuthRequest(AUTH_SASL_FINAL, server_final)])


class _ScramExchange:
    """One SCRAM-SHA-256(-PLUS) server exchange, run by scramp, with PostgreSQL's rules."""

    def __init__(
        self, mechanism: str, secret: ScramSecret | None, username: str, cb_data: bytes | None
    ) -> None:
        self._plus = mechanism == SCRAM_SHA_256_PLUS
        # A missing role or a non-SCRAM secret: carry on with a mock secret and fail at
        # the end, so the failure looks like a wrong password (PostgreSQL's "doomed").
        self._doomed = secret is None
        self._secret = secret if secret is not None else _mock_secret(username)
        cb = None if cb_data is None else (CHANNEL_BINDING_TYPE, cb_data)
        self._server = scramp.ScramMechanism(mechanism).make_server(
            self._auth_info, channel_binding=cb
        )

    def _auth_info(self, _username: str) -> tuple[bytes, bytes, bytes, int]:
        s = self._secret
        return s.salt, s.stored_key, s.server_key, s.iterations

    def first(self, message: bytes) -> bytes:
        text = message.decode("utf-8")
        try:
            second_comma = text.index(",", text.index(",") + 1)
        except ValueError:
            raise ValueError("malformed SCRAM client-first message") from None
        flag = text[:1]
        # scramp would silently upgrade a 'p' under SCRAM-SHA-256 to -PLUS; PostgreSQL
        # refuses it, as it refuses PLUS without channel binding data.
        if (flag == "p") != self._plus:
            raise ValueError("SCRAM channel binding negotiation error")
        bare = text[second_comma + 1 :]
        name_attr, sep, rest = bare.partition(",")
        if not name_attr.startswith("n="):
            raise ValueError("malformed SCRAM client-first message")
        self._server.set_client_first(
            text[: second_comma + 1] + "n=" + _USERNAME_PLACEHOLDER + sep + rest
        )
        # The AuthMessage the proofs sign holds the client's own client-first-bare.
        self._server.client_first_bare = bare
        server_first: str = self._server.get_server_first()
        return server_first.encode("ascii")

    def final(self, message: bytes) -> bytes:
        self._server.set_client_final(message.decode("utf-8"))
        if self._doomed:
            raise ValueError("mock SCRAM exchange")
        server_final: str = self._server.get_server_final()
        return server_final.encode("ascii")


def _mock_secret(username: str) -> ScramSecret:
    salt = hashlib.sha256(_MOCK_NONCE + username.encode("utf-8")).digest()[:SCRAM_SALT_LEN]
    return ScramSecret(SCRAM_ITERATIONS, salt, secrets.token_bytes(32), secrets.token_bytes(32))


def _password_packet(payload: bytes) -> bytes:
    """The password of a PasswordMessage body: one NUL-terminated string, nothing after."""
    end = payload.find(b"\0")
    if end < 0 or end != len(payload) - 1:
        raise ProtocolViolation("invalid password packet size")
    return payload[:end]


def _sasl_initial_response(payload: bytes) -> tuple[str, bytes | None]:
    """Mechanism name and initial client response (None if absent) of a SASLInitialResponse."""
    end = payload.find(b"\0")
    if end < 0 or len(payload) < end + 5:
        raise ProtocolViolation("invalid SASLInitialResponse message")
    try:
        mechanism = payload[:end].decode("ascii")
    except UnicodeDecodeError:
        raise ProtocolViolation("invalid SASL authentication mechanism name") from None
    (length,) = struct.unpack_from("!i", payload, end + 1)
    rest = payload[end + 5 :]
    if length == -1 and not rest:
        return mechanism, None
    if length != len(rest):
        raise ProtocolViolation("invalid SASLInitialResponse message")
    return mechanism, rest


def server_ssl_context(certfile: Path, keyfile: Path) -> ssl.SSLContext:
    """A server-side TLS context (TLS 1.2 or later) with the given certificate chain and key."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(certfile, keyfile)
    # libpq 17 offers ALPN "postgresql"; agreeing to it is harmless for older clients.
    ctx.set_alpn_protocols(["postgresql"])
    return ctx


def certificate_der(certfile: Path) -> bytes:
    """The DER bytes of the first (leaf) certificate in PEM file `certfile`."""
    cert = x509.load_pem_x509_certificate(Path(certfile).read_bytes())
    return cert.public_bytes(Encoding.DER)


def tls_server_end_point(cert_der: bytes) -> bytes:
    """RFC 5929 tls-server-end-point channel binding data for a DER server certificate.

    The certificate hashed with its signature's hash algorithm, SHA-256 if that is MD5 or
    SHA-1. Raise ValueError when the signature has no separate hash (Ed25519, Ed448), for
    which the binding is undefined (PostgreSQL then refuses channel binding too).
    """
    cert = x509.load_der_x509_certificate(cert_der)
    try:
        algorithm = cert.signature_hash_algorithm
    except UnsupportedAlgorithm as exc:
        raise ValueError(f"unsupported certificate signature algorithm: {exc}") from exc
    if algorithm is None:
        raise ValueError("certificate signature algorithm has no hash; no tls-server-end-point")
    if isinstance(algorithm, hashes.MD5 | hashes.SHA1):
        algorithm = hashes.SHA256()
    digest = hashes.Hash(algorithm)
    digest.update(cert_der)
    return digest.finalize()
