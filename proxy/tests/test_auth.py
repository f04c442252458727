"""Authentication: the sans-IO Authenticator driven by client sides, the user store, TLS."""

from __future__ import annotations

import base64
import datetime
import getpass
import hashlib
import hmac
import io
import json
import os
import socket
import ssl
import stat
import struct
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import scramp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from kuzugres.errcodes import InvalidPassword, ProtocolViolation
from kuzugres.errors import PgError
from kuzugres.proxy.auth import (
    AUTH_CLEARTEXT_PASSWORD,
    AUTH_MD5_PASSWORD,
    AUTH_SASL,
    AUTH_SASL_CONTINUE,
    AUTH_SASL_FINAL,
    Authenticator,
    AuthRequest,
    certificate_der,
    server_ssl_context,
    tls_server_end_point,
)
from kuzugres.users import (
    ScramSecret,
    User,
    UserStore,
    check_password,
    cmd_user_add,
    cmd_user_list,
    cmd_user_remove,
    md5_secret,
    scram_secret,
)

# Made by PostgreSQL 15: CREATE ROLE u LOGIN PASSWORD 'pw' (password_encryption scram-sha-256)
# and, with password_encryption = md5, CREATE ROLE m LOGIN PASSWORD 'pw'; then
# SELECT rolpassword FROM pg_authid.
PG15_SCRAM_SECRET_U_PW = (
    "SCRAM-SHA-256$4096:5d8IBsUrDRgs57GW7dH8kA==$RUzWhCF2fsxjwM9r9/q1iB2NWHYzj/kpFbbnt8Psu0w="
    ":gCu4pXUDJVI/2F2xY8IvnicNWr+wAr/JtMfGaC4inzo="
)
PG15_MD5_SECRET_M_PW = "md57764e463c73a54e4bb79b9b9e419e145"

SigningHash = hashes.SHA256 | hashes.SHA384 | hashes.SHA512

CB_DATA = hashlib.sha256(b"a server certificate").digest()


def scram_user(name: str = "alice", password: str = "s3cret") -> User:
    return User(name, scram_secret(password))


def md5_user(name: str = "alice", password: str = "s3cret") -> User:
    return User(name, md5_secret(password, name))


def failure_message(name: str) -> str:
    return f'password authentication failed for user "{name}"'


def sasl_initial(mechanism: str, data: bytes | None) -> bytes:
    if data is None:
        return mechanism.encode() + b"\0" + struct.pack("!i", -1)
    return mechanism.encode() + b"\0" + struct.pack("!i", len(data)) + data


def mechanisms(req: AuthRequest) -> list[str]:
    assert req.code == AUTH_SASL
    assert req.data.endswith(b"\0\0")
    return [m.decode() for m in req.data[:-2].split(b"\0")]


def scram_login(auth: Authenticator, client: scramp.ScramClient) -> None:
    """Run a full SCRAM exchange with a scramp client; the server's proof is checked too."""
    [req] = auth.start()
    assert client.mechanism_name in mechanisms(req)
    first = client.get_client_first().encode()
    [cont] = auth.respond(sasl_initial(client.mechanism_name, first))
    assert cont.code == AUTH_SASL_CONTINUE
    assert not auth.done
    client.set_server_first(cont.data.decode())
    [final] = auth.respond(client.get_client_final().encode())
    assert final.code == AUTH_SASL_FINAL
    client.set_server_final(final.data.decode())
    assert auth.done


class LibpqScramClient:
    """SCRAM-SHA-256 the way libpq sends it (empty username), written from RFC 5802."""

    def __init__(self, password: bytes, *, cb_data: bytes | None = None) -> None:
        self.password = password
        self.nonce = base64.b64encode(os.urandom(18)).decode()
        self.cb_data = cb_data
        self.gs2 = "p=tls-server-end-point,," if cb_data is not None else "n,,"
        self.bare = f"n=,r={self.nonce}"

    def first(self) -> bytes:
        return (self.gs2 + self.bare).encode()

    def final(self, server_first: bytes) -> bytes:
        attrs = dict(a.split("=", 1) for a in server_first.decode().split(","))
        assert attrs["r"].startswith(self.nonce)
        salted = hashlib.pbkdf2_hmac(
            "sha256", self.password, base64.b64decode(attrs["s"]), int(attrs["i"])
        )
        client_key = hmac.digest(salted, b"Client Key", "sha256")
        cbind = self.gs2.encode() + (self.cb_data or b"")
        without_proof = f"c={base64.b64encode(cbind).decode()},r={attrs['r']}"
        auth_message = f"{self.bare},{server_first.decode()},{without_proof}".encode()
        signature = hmac.digest(hashlib.sha256(client_key).digest(), auth_message, "sha256")
        proof = bytes(a ^ b for a, b in zip(client_key, signature, strict=True))
        server_key = hmac.digest(salted, b"Server Key", "sha256")
        self.expected_server_final = (
            "v=" + base64.b64encode(hmac.digest(server_key, auth_message, "sha256")).decode()
        ).encode()
        return f"{without_proof},p={base64.b64encode(proof).decode()}".encode()


def libpq_md5_response(password: str, user: str, salt: bytes) -> bytes:
    inner = hashlib.md5((password + user).encode()).hexdigest()
    return b"md5" + hashlib.md5(inner.encode() + salt).hexdigest().encode() + b"\0"


# --- trust and cleartext ---------------------------------------------------------------


def test_trust_needs_no_exchange() -> None:
    auth = Authenticator("trust", "alice", None)
    assert auth.start() == []
    assert auth.done


@pytest.mark.parametrize("make_user", [scram_user, md5_user])
def test_cleartext_password(make_user: Callable[[], User]) -> None:
    auth = Authenticator("password", "alice", make_user())
    assert auth.start() == [AuthRequest(AUTH_CLEARTEXT_PASSWORD)]
    assert auth.respond(b"s3cret\0") == []
    assert auth.done


@pytest.mark.parametrize("user", [scram_user(), md5_user(), None])
@pytest.mark.parametrize("password", [b"wrong\0", b"\0"])
def test_cleartext_wrong_password_or_missing_user(user: User | None, password: bytes) -> None:
    auth = Authenticator("password", "alice", user)
    auth.start()
    with pytest.raises(InvalidPassword) as info:
        auth.respond(password)
    assert info.value.code == "28P01"
    assert info.value.message == failure_message("alice")
    assert not auth.done


@pytest.mark.parametrize("payload", [b"s3cret", b"s3cret\0extra", b"s3\0cret\0", b""])
def test_cleartext_bad_framing_is_protocol_violation(payload: bytes) -> None:
    auth = Authenticator("password", "alice", scram_user())
    auth.start()
    with pytest.raises(ProtocolViolation) as info:
        auth.respond(payload)
    assert info.value.code == "08P01"


def test_cleartext_non_ascii_password_is_saslprepped() -> None:
    # U+00A0 NO-BREAK SPACE maps to a space under SASLprep, as in PostgreSQL.
    user = User("alice", scram_secret("pass word"))
    auth = Authenticator("password", "alice", user)
    auth.start()
    auth.respond("pass\u00a0word".encode() + b"\0")
    assert auth.done


# --- md5 -------------------------------------------------------------------------------


def test_md5_as_libpq_computes_it() -> None:
    auth = Authenticator("md5", "alice", md5_user())
    [req] = auth.start()
    assert req.code == AUTH_MD5_PASSWORD
    assert len(req.data) == 4
    assert auth.respond(libpq_md5_response("s3cret", "alice", req.data)) == []
    assert auth.done


def test_md5_salt_is_random() -> None:
    salts = {Authenticator("md5", "alice", md5_user()).start()[0].data for _ in range(8)}
    assert len(salts) > 1


def test_md5_wrong_password() -> None:
    auth = Authenticator("md5", "alice", md5_user())
    [req] = auth.start()
    with pytest.raises(InvalidPassword) as info:
        auth.respond(libpq_md5_response("nope", "alice", req.data))
    assert info.value.message == failure_message("alice")


def test_md5_method_with_scram_secret_uses_scram() -> None:
    auth = Authenticator("md5", "alice", scram_user())
    scram_login(auth, scramp.ScramClient(["SCRAM-SHA-256"], "alice", "s3cret"))


def test_md5_method_with_missing_user_uses_scram_and_fails_at_the_end() -> None:
    expected = (2, "28P01 " + failure_message("ghost"))
    assert scram_failure_step(None, "ghost", "s3cret", method="md5") == expected


# --- SCRAM -----------------------------------------------------------------------------


def test_scram_with_scramp_client() -> None:
    auth = Authenticator("scram-sha-256", "alice", scram_user())
    scram_login(auth, scramp.ScramClient(["SCRAM-SHA-256"], "alice", "s3cret"))


def test_scram_without_tls_offers_no_plus() -> None:
    [req] = Authenticator("scram-sha-256", "alice", scram_user()).start()
    assert mechanisms(req) == ["SCRAM-SHA-256"]


def test_scram_plus_with_channel_binding() -> None:
    auth = Authenticator("scram-sha-256", "alice", scram_user(), channel_binding=CB_DATA)
    [req] = auth.start()
    assert mechanisms(req) == ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]
    client = scramp.ScramClient(
        mechanisms(req), "alice", "s3cret", channel_binding=("tls-server-end-point", CB_DATA)
    )
    assert client.mechanism_name == "SCRAM-SHA-256-PLUS"
    auth = Authenticator("scram-sha-256", "alice", scram_user(), channel_binding=CB_DATA)
    scram_login(auth, client)


def test_scram_plus_with_other_channel_binding_data_fails() -> None:
    auth = Authenticator("scram-sha-256", "alice", scram_user(), channel_binding=CB_DATA)
    other = hashlib.sha256(b"a man in the middle").digest()
    client = scramp.ScramClient(
        ["SCRAM-SHA-256-PLUS"], "alice", "s3cret", channel_binding=("tls-server-end-point", other)
    )
    with pytest.raises(InvalidPassword) as info:
        scram_login(auth, client)
    assert info.value.message == failure_message("alice")


def test_scram_without_plus_on_tls() -> None:
    auth = Authenticator("scram-sha-256", "alice", scram_user(), channel_binding=CB_DATA)
    scram_login(auth, scramp.ScramClient(["SCRAM-SHA-256"], "alice", "s3cret"))


@pytest.mark.parametrize("cb", [None, CB_DATA])
def test_scram_as_libpq_sends_it(cb: bytes | None) -> None:
    auth = Authenticator("scram-sha-256", "alice", scram_user(), channel_binding=cb)
    [req] = auth.start()
    client = LibpqScramClient(b"s3cret", cb_data=cb)
    mech = mechanisms(req)[0]
    [cont] = auth.respond(sasl_initial(mech, client.first()))
    [final] = auth.respond(client.final(cont.data))
    assert final == AuthRequest(AUTH_SASL_FINAL, client.expected_server_final)
    assert auth.done


def test_scram_without_initial_response_gets_empty_challenge() -> None:
    auth = Authenticator("scram-sha-256", "alice", scram_user())
    auth.start()
    client = LibpqScramClient(b"s3cret")
    assert auth.respond(sasl_initial("SCRAM-SHA-256", None)) == [AuthRequest(AUTH_SASL_CONTINUE)]
    [cont] = auth.respond(client.first())
    [final] = auth.respond(client.final(cont.data))
    assert final.data == client.expected_server_final
    assert auth.done


def scram_failure_step(
    user: User | None, name: str, password: str, method: str = "scram-sha-256"
) -> tuple[int, str]:
    """Run a SCRAM exchange; return the step (1 first, 2 final) it failed at and the message."""
    auth = Authenticator(method, name, user)
    assert mechanisms(auth.start()[0]) == ["SCRAM-SHA-256"]
    client = scramp.ScramClient(["SCRAM-SHA-256"], name, password)
    try:
        [cont] = auth.respond(sasl_initial("SCRAM-SHA-256", client.get_client_first().encode()))
    except PgError as exc:
        return 1, f"{exc.code} {exc.message}"
    client.set_server_first(cont.data.decode())
    with pytest.raises(PgError) as info:
        auth.respond(client.get_client_final().encode())
    assert not auth.done
    return 2, f"{info.value.code} {info.value.message}"


def test_scram_wrong_password_missing_user_and_md5_secret_fail_alike() -> None:
    expected = (2, "28P01 " + failure_message("alice"))
    assert scram_failure_step(scram_user(), "alice", "wrong") == expected
    assert scram_failure_step(None, "alice", "s3cret") == expected
    # PostgreSQL cannot do SCRAM against an md5 secret either.
    assert scram_failure_step(md5_user(), "alice", "s3cret") == expected


def test_mock_salt_is_stable_per_missing_user() -> None:
    def server_first(name: str) -> dict[str, str]:
        auth = Authenticator("scram-sha-256", name, None)
        auth.start()
        [cont] = auth.respond(sasl_initial("SCRAM-SHA-256", f"n,,n=,r={name}nonce".encode()))
        return dict(a.split("=", 1) for a in cont.data.decode().split(","))

    assert server_first("ghost")["s"] == server_first("ghost")["s"]
    assert server_first("ghost")["s"] != server_first("spook")["s"]
    assert server_first("ghost")["i"] == "4096"


@pytest.mark.parametrize(
    "first",
    [
        b"",
        b"garbage",
        b"n,,r=abc",  # no username attribute
        b"n,,n=,r=",  # empty nonce
        b"n,,m=ext,n=,r=abc",  # mandatory extension
        b"x,,n=,r=abc",  # bad gs2 flag
        b"n,a=bob,n=,r=abc",  # authzid
        b"p=tls-server-end-point,,n=,r=abc",  # channel binding without PLUS
        b"\xff\xfe,,n=,r=abc",
    ],
)
def test_malformed_scram_first_message_is_28p01(first: bytes) -> None:
    auth = Authenticator("scram-sha-256", "alice", scram_user())
    auth.start()
    with pytest.raises(InvalidPassword) as info:
        auth.respond(sasl_initial("SCRAM-SHA-256", first))
    assert info.value.message == failure_message("alice")


def test_client_flag_y_on_tls_is_refused() -> None:
    # 'y' means "I think the server has no channel binding": a downgrade when it does.
    auth = Authenticator("scram-sha-256", "alice", scram_user(), channel_binding=CB_DATA)
    auth.start()
    with pytest.raises(InvalidPassword):
        auth.respond(sasl_initial("SCRAM-SHA-256", b"y,,n=,r=abc"))


def test_client_flag_y_without_tls_is_fine() -> None:
    auth = Authenticator("scram-sha-256", "alice", scram_user())
    auth.start()
    [cont] = auth.respond(sasl_initial("SCRAM-SHA-256", b"y,,n=,r=abc"))
    assert cont.code == AUTH_SASL_CONTINUE


def test_plus_without_channel_binding_flag_is_refused() -> None:
    auth = Authenticator("scram-sha-256", "alice", scram_user(), channel_binding=CB_DATA)
    auth.start()
    with pytest.raises(InvalidPassword):
        auth.respond(sasl_initial("SCRAM-SHA-256-PLUS", b"n,,n=,r=abc"))


@pytest.mark.parametrize(
    "final",
    [b"", b"c=biws", b"c=biws,r=wrongnonce,p=AAAA", b"not a message", b"\xff"],
)
def test_malformed_scram_final_message_is_28p01(final: bytes) -> None:
    auth = Authenticator("scram-sha-256", "alice", scram_user())
    auth.start()
    auth.respond(sasl_initial("SCRAM-SHA-256", b"n,,n=,r=abc"))
    with pytest.raises(InvalidPassword) as info:
        auth.respond(final)
    assert info.value.message == failure_message("alice")


@pytest.mark.parametrize(
    ("payload", "channel_binding"),
    [
        (b"SCRAM-SHA-256", None),  # no NUL
        (b"SCRAM-SHA-256\0\0\0", None),  # truncated length
        (b"SCRAM-SHA-256\0" + struct.pack("!i", 5) + b"abc", None),  # length too long
        (b"SCRAM-SHA-256\0" + struct.pack("!i", 1) + b"abc", None),  # length too short
        (b"SCRAM-SHA-256\0" + struct.pack("!i", -1) + b"abc", None),  # data after -1
        (sasl_initial("SCRAM-SHA-1", b"n,,n=,r=abc"), None),  # mechanism not offered
        (sasl_initial("SCRAM-SHA-256-PLUS", b"p=tls-server-end-point,,n=,r=a"), None),
    ],
)
def test_bad_sasl_initial_response_is_protocol_violation(
    payload: bytes, channel_binding: bytes | None
) -> None:
    auth = Authenticator("scram-sha-256", "alice", scram_user(), channel_binding=channel_binding)
    auth.start()
    with pytest.raises(ProtocolViolation) as info:
        auth.respond(payload)
    assert info.value.code == "08P01"


def test_password_message_out_of_turn_is_protocol_violation() -> None:
    auth = Authenticator("trust", "alice", None)
    with pytest.raises(ProtocolViolation):
        auth.respond(b"s3cret\0")
    auth.start()
    with pytest.raises(ProtocolViolation):
        auth.respond(b"s3cret\0")


def test_unknown_method_is_rejected() -> None:
    with pytest.raises(ValueError):
        Authenticator("ident", "alice", None)


# --- PostgreSQL's secret formats -------------------------------------------------------


def test_parse_postgresql_scram_secret() -> None:
    parsed = ScramSecret.parse(PG15_SCRAM_SECRET_U_PW)
    assert parsed is not None
    assert parsed.iterations == 4096
    assert len(parsed.salt) == 16
    assert str(parsed) == PG15_SCRAM_SECRET_U_PW
    # Same derivation as PostgreSQL: with PostgreSQL's salt we get PostgreSQL's secret.
    assert scram_secret("pw", salt=parsed.salt) == PG15_SCRAM_SECRET_U_PW
    assert check_password(PG15_SCRAM_SECRET_U_PW, "u", b"pw")
    assert not check_password(PG15_SCRAM_SECRET_U_PW, "u", b"pw2")


def test_postgresql_scram_secret_authenticates() -> None:
    auth = Authenticator("scram-sha-256", "u", User("u", PG15_SCRAM_SECRET_U_PW))
    scram_login(auth, scramp.ScramClient(["SCRAM-SHA-256"], "u", "pw"))


def test_postgresql_md5_secret() -> None:
    assert md5_secret("pw", "m") == PG15_MD5_SECRET_M_PW
    auth = Authenticator("md5", "m", User("m", PG15_MD5_SECRET_M_PW))
    [req] = auth.start()
    auth.respond(libpq_md5_response("pw", "m", req.data))
    assert auth.done


def test_store_secret_has_postgresql_shape() -> None:
    secret = scram_secret("pw")
    parsed = ScramSecret.parse(secret)
    assert parsed is not None and str(parsed) == secret
    assert secret.startswith("SCRAM-SHA-256$4096:")
    assert len(parsed.salt) == 16


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "pw",
        "SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA",  # keys too short
        "SCRAM-SHA-256$x:c2FsdA==$" + "A" * 43 + "=:" + "A" * 43 + "=",
        "SCRAM-SHA-1$4096:c2FsdA==$AAAA:AAAA",
        "md5" + "g" * 32,
    ],
)
def test_invalid_secrets_never_match(secret: str) -> None:
    assert ScramSecret.parse(secret) is None or secret.startswith("md5")
    assert not check_password(secret, "alice", b"pw")


# --- the user store --------------------------------------------------------------------


def test_user_store_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    store = UserStore(path)
    assert len(store) == 0 and store.names() == []
    alice = store.add("alice", "s3cret")
    bob = store.add("bob", "hunter2", method="md5", superuser=False)
    assert alice.secret.startswith("SCRAM-SHA-256$4096:")
    assert bob.secret == md5_secret("hunter2", "bob")
    again = UserStore(path)
    assert again.names() == ["alice", "bob"]
    assert again.get("alice") == alice
    assert again.get("bob") == bob
    assert again.get("carol") is None
    assert len(again) == 2


def test_user_store_file_is_private_and_holds_no_plaintext(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    UserStore(path).add("alice", "correct horse battery staple")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "correct horse" not in text
    assert json.loads(text)["users"][0]["name"] == "alice"


def test_user_store_replace_and_remove(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "users.json")
    old = store.add("alice", "one")
    new = store.add("alice", "two")
    assert old.secret != new.secret
    assert store.names() == ["alice"]
    stored = UserStore(store.path).get("alice")
    assert stored is not None and check_password(stored.secret, "alice", b"two")
    assert store.remove("alice")
    assert not store.remove("alice")
    assert UserStore(store.path).names() == []


def test_user_store_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "users.json"
    store = UserStore(path)
    store.add("alice", "s3cret")
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk on fire"):
        store.add("bob", "hunter2")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["users.json"]
    assert store.names() == ["alice"]


@pytest.mark.parametrize("name", ["", "a" * 64, "é" * 32, "a\0b"])
def test_invalid_user_names(tmp_path: Path, name: str) -> None:
    store = UserStore(tmp_path / "users.json")
    with pytest.raises(ValueError):
        store.add(name, "pw")
    assert not (tmp_path / "users.json").exists()


def test_longest_user_name(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "users.json")
    store.add("a" * 63, "pw")
    store.add("é" * 31, "pw")
    assert len(store) == 2


def test_corrupt_user_store_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text('{"version": 1, "users": [{"name": "a", "secret": "pw", "superuser": true}]}')
    with pytest.raises(ValueError, match="unrecognised secret"):
        UserStore(path)
    path.write_text("not json")
    with pytest.raises(ValueError):
        UserStore(path)


def test_stored_user_authenticates(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "users.json")
    store.add("alice", "s3cret")
    user = UserStore(store.path).get("alice")
    scram_login(
        Authenticator("scram-sha-256", "alice", user),
        scramp.ScramClient(["SCRAM-SHA-256"], "alice", "s3cret"),
    )


# --- the CLI commands ------------------------------------------------------------------


def test_cmd_user_add_with_password(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cmd_user_add(tmp_path, "alice", password="s3cret", md5=False) == 0
    assert capsys.readouterr().out == "user alice stored (scram-sha-256)\n"
    assert cmd_user_add(tmp_path, "bob", password="s3cret", md5=True) == 0
    assert capsys.readouterr().out == "user bob stored (md5)\n"
    assert cmd_user_list(tmp_path) == 0
    assert capsys.readouterr().out == "alice\tscram-sha-256\tsuperuser\nbob\tmd5\tsuperuser\n"
    assert cmd_user_remove(tmp_path, "bob") == 0
    assert capsys.readouterr().out == "user bob removed\n"
    assert cmd_user_remove(tmp_path, "bob") == 1
    assert "does not exist" in capsys.readouterr().err


def test_cmd_user_add_reads_stdin_when_not_a_tty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("from stdin\nnext line\n"))
    assert cmd_user_add(tmp_path, "alice", password=None, md5=False) == 0
    user = UserStore(tmp_path / "users.json").get("alice")
    assert user is not None and check_password(user.secret, "alice", b"from stdin")


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cmd_user_add_prompts_twice_on_a_tty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts: list[str] = []
    answers = iter(["one", "two", "same", "same"])

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(sys, "stdin", FakeTty())
    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    assert cmd_user_add(tmp_path, "alice", password=None, md5=False) == 1
    assert prompts == ["Password for alice: ", "Repeat: "]
    assert "do not match" in capsys.readouterr().err
    assert not (tmp_path / "users.json").exists()
    assert cmd_user_add(tmp_path, "alice", password=None, md5=False) == 0
    user = UserStore(tmp_path / "users.json").get("alice")
    assert user is not None and check_password(user.secret, "alice", b"same")


@pytest.mark.parametrize(("name", "password"), [("", "pw"), ("a" * 64, "pw"), ("alice", "")])
def test_cmd_user_add_rejects_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, password: str
) -> None:
    assert cmd_user_add(tmp_path, name, password=password, md5=False) == 1
    assert capsys.readouterr().err.startswith("error: ")


# --- TLS -------------------------------------------------------------------------------


def make_cert(
    tmp_path: Path,
    key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey,
    algorithm: SigningHash | None,
) -> tuple[Path, Path, bytes]:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, algorithm)
    )
    certfile, keyfile = tmp_path / "server.crt", tmp_path / "server.key"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certfile, keyfile, cert.public_bytes(serialization.Encoding.DER)


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        (hashes.SHA256(), hashlib.sha256),
        (hashes.SHA384(), hashlib.sha384),
        (hashes.SHA512(), hashlib.sha512),
    ],
)
def test_tls_server_end_point(
    tmp_path: Path, algorithm: SigningHash, expected: Callable[[bytes], Any]
) -> None:
    _, _, der = make_cert(tmp_path, ec.generate_private_key(ec.SECP256R1()), algorithm)
    assert tls_server_end_point(der) == expected(der).digest()


SHA256_WITH_RSA = bytes.fromhex("06092a864886f70d01010b")  # OID 1.2.840.113549.1.1.11


@pytest.mark.parametrize("last_oid_byte", [0x04, 0x05])  # md5WithRSA, sha1WithRSA
def test_tls_server_end_point_md5_and_sha1_become_sha256(
    tmp_path: Path, last_oid_byte: int
) -> None:
    # cryptography refuses to sign with MD5 or SHA-1, so relabel a SHA-256 signature:
    # only the algorithm identifier matters for the binding (RFC 5929 section 4.1).
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _, _, der = make_cert(tmp_path, key, hashes.SHA256())
    assert der.count(SHA256_WITH_RSA) == 2
    relabelled = der.replace(SHA256_WITH_RSA, SHA256_WITH_RSA[:-1] + bytes([last_oid_byte]))
    cert = x509.load_der_x509_certificate(relabelled)
    assert isinstance(cert.signature_hash_algorithm, hashes.MD5 | hashes.SHA1)
    assert tls_server_end_point(relabelled) == hashlib.sha256(relabelled).digest()


def test_tls_server_end_point_undefined_for_ed25519(tmp_path: Path) -> None:
    _, _, der = make_cert(tmp_path, ed25519.Ed25519PrivateKey.generate(), None)
    with pytest.raises(ValueError):
        tls_server_end_point(der)


def test_scram_plus_over_real_tls(tmp_path: Path) -> None:
    """A TLS handshake, then SCRAM-SHA-256-PLUS with the client binding the certificate it saw."""
    certfile, keyfile, der = make_cert(
        tmp_path, ec.generate_private_key(ec.SECP256R1()), hashes.SHA384()
    )
    server_ctx = server_ssl_context(certfile, keyfile)
    assert server_ctx.minimum_version == ssl.TLSVersion.TLSv1_2
    assert certificate_der(certfile) == der
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.load_verify_locations(certfile)
    client_ctx.check_hostname = False

    server_sock, client_sock = socket.socketpair()
    tls_server: list[ssl.SSLSocket] = []

    def handshake() -> None:
        tls_server.append(server_ctx.wrap_socket(server_sock, server_side=True))

    thread = threading.Thread(target=handshake)
    thread.start()
    with client_ctx.wrap_socket(client_sock, server_hostname="localhost") as tls_client:
        thread.join(timeout=10)
        assert tls_client.version() in ("TLSv1.2", "TLSv1.3")
        client = scramp.ScramClient(
            ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"],
            "alice",
            "s3cret",
            channel_binding=("tls-server-end-point", tls_client),
        )
    tls_server[0].close()
    auth = Authenticator(
        "scram-sha-256",
        "alice",
        scram_user(),
        channel_binding=tls_server_end_point(certificate_der(certfile)),
    )
    assert client.mechanism_name == "SCRAM-SHA-256-PLUS"
    scram_login(auth, client)
