"""Authentication and TLS end to end: `kuzugres user add`, a real node, real clients."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.serverproc import NodeProcess, start_node


def add_user(data: Path, name: str, password: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kuzugres", "user", "add", name, "--data", str(data), *extra],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def make_cert(dir: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = dir / "server.crt", dir / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    base = tmp_path_factory.mktemp("auth")
    data = base / "data"
    add_user(data, "alice", "s3cret pass")
    add_user(data, "bob", "md5pw", "--md5")
    cert, key = make_cert(base)
    n = start_node(data, "--tls-cert", str(cert), "--tls-key", str(key))
    yield n
    n.stop()


def dsn(node: NodeProcess, user: str, password: str, **kw: str) -> str:
    extra = " ".join(f"{k}={v}" for k, v in kw.items())
    return (
        f"host=127.0.0.1 port={node.port} dbname=kuzugres user={user} password='{password}' {extra}"
    )


def test_users_file_holds_no_plaintext(secured: NodeProcess) -> None:
    raw = (secured.data / "users.json").read_text()
    assert "s3cret" not in raw and "md5pw" not in raw
    users = {u["name"]: u for u in json.loads(raw)["users"]}
    assert users["alice"]["secret"].startswith("SCRAM-SHA-256$4096:")
    assert users["bob"]["secret"].startswith("md5")


def test_scram_login_and_wrong_password(secured: NodeProcess) -> None:
    with psycopg.connect(dsn(secured, "alice", "s3cret pass", sslmode="disable")) as c:
        assert c.execute("SELECT current_user").fetchone() == ("alice",)
    for user, pw in (("alice", "wrong"), ("nobody", "whatever")):
        with pytest.raises(psycopg.OperationalError) as e:
            psycopg.connect(dsn(secured, user, pw, sslmode="disable"))
        assert f'password authentication failed for user "{user}"' in str(e.value)


def test_wrong_password_sqlstate_via_asyncpg(secured: NodeProcess) -> None:
    async def go() -> None:
        with pytest.raises(asyncpg.InvalidPasswordError) as e:
            await asyncpg.connect(
                host="127.0.0.1",
                port=secured.port,
                user="alice",
                password="nope",
                database="kuzugres",
                ssl=False,
            )
        assert e.value.sqlstate == "28P01"
        conn = await asyncpg.connect(
            host="127.0.0.1",
            port=secured.port,
            user="alice",
            password="s3cret pass",
            database="kuzugres",
            ssl=False,
        )
        assert await conn.fetchval("SELECT 1") == 1
        await conn.close()

    asyncio.run(go())


def test_md5_user_gets_in_with_scram_method_fails(secured: NodeProcess) -> None:
    # Default method with users is scram-sha-256: an md5-stored user cannot log in,
    # exactly like PostgreSQL.
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(dsn(secured, "bob", "md5pw", sslmode="disable"))


def test_tls_and_channel_binding(secured: NodeProcess) -> None:
    with psycopg.connect(
        dsn(secured, "alice", "s3cret pass", sslmode="require", channel_binding="require")
    ) as c:
        assert c.pgconn.ssl_in_use
        assert c.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.parametrize("method", ["md5", "password"])
def test_md5_and_password_methods(tmp_path: Path, method: str) -> None:
    data = tmp_path / "data"
    add_user(data, "carol", "pw1", "--md5")
    add_user(data, "dave", "pw2")
    n = start_node(data, "--auth", method)
    try:
        with psycopg.connect(dsn(n, "carol", "pw1", sslmode="disable")) as c:
            assert c.execute("SELECT current_user").fetchone() == ("carol",)
        # a SCRAM-stored user under md5 is upgraded to SCRAM, as in PostgreSQL
        with psycopg.connect(dsn(n, "dave", "pw2", sslmode="disable")) as c:
            assert c.execute("SELECT 1").fetchone() == (1,)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(dsn(n, "carol", "bad", sslmode="disable"))
    finally:
        n.stop()
