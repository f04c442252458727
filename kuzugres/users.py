"""The user store: login roles and their password secrets in `<data_dir>/users.json`.

Secrets use PostgreSQL's pg_authid format, never plaintext:

- SCRAM-SHA-256: ``SCRAM-SHA-256$<iterations>:<salt b64>$<StoredKey b64>:<ServerKey b64>``
- MD5: ``md5`` + 32 hex digits of md5(password + username)

so secrets can be copied to and from a PostgreSQL server unchanged.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import secrets
import sys
import tempfile
from base64 import b64decode, b64encode
from binascii import Error as Base64Error
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scramp import ScramException
from scramp.utils import saslprep

SCRAM_ITERATIONS = 4096
"""PostgreSQL's default scram_iterations."""
SCRAM_SALT_LEN = 16
"""PostgreSQL's SCRAM_DEFAULT_SALT_LEN."""
NAME_MAX_BYTES = 63
"""PostgreSQL's NAMEDATALEN - 1."""
USERS_FILE = "users.json"
_FORMAT_VERSION = 1

Method = Literal["scram-sha-256", "md5"]


@dataclass(frozen=True)
class User:
    """A login role: its name, its stored secret (never plaintext) and whether it is superuser."""

    name: str
    secret: str
    superuser: bool = True

    @property
    def method(self) -> Method | None:
        """The kind of secret stored: 'scram-sha-256', 'md5', or None if unrecognised."""
        return secret_method(self.secret)


@dataclass(frozen=True)
class ScramSecret:
    """A parsed SCRAM-SHA-256 secret, as PostgreSQL stores it in pg_authid.rolpassword."""

    iterations: int
    salt: bytes
    stored_key: bytes
    server_key: bytes

    def __str__(self) -> str:
        return (
            f"SCRAM-SHA-256${self.iterations}:{_b64(self.salt)}"
            f"${_b64(self.stored_key)}:{_b64(self.server_key)}"
        )

    @classmethod
    def parse(cls, secret: str) -> ScramSecret | None:
        """Parse a secret in PostgreSQL's format; None if `secret` is not a valid SCRAM secret."""
        prefix, sep, rest = secret.partition("$")
        if prefix != "SCRAM-SHA-256" or not sep:
            return None
        try:
            iter_salt, keys = rest.split("$")
            iterations_s, salt_b64 = iter_salt.split(":")
            stored_b64, server_b64 = keys.split(":")
            if not iterations_s.isascii() or not iterations_s.isdigit():
                return None
            iterations = int(iterations_s)
            salt = b64decode(salt_b64, validate=True)
            stored_key = b64decode(stored_b64, validate=True)
            server_key = b64decode(server_b64, validate=True)
        except (ValueError, Base64Error):
            return None
        digest_len = hashlib.sha256().digest_size
        if iterations < 1 or not salt or len(stored_key) != digest_len:
            return None
        if len(server_key) != digest_len:
            return None
        return cls(iterations, salt, stored_key, server_key)

    @classmethod
    def derive(
        cls, password: str | bytes, *, iterations: int = SCRAM_ITERATIONS, salt: bytes | None = None
    ) -> ScramSecret:
        """Derive the secret for `password` (SASLprep'd like PostgreSQL does) with a given salt."""
        if salt is None:
            salt = secrets.token_bytes(SCRAM_SALT_LEN)
        salted = hashlib.pbkdf2_hmac("sha256", scram_normalize(password), salt, iterations)
        client_key = hmac.digest(salted, b"Client Key", "sha256")
        stored_key = hashlib.sha256(client_key).digest()
        server_key = hmac.digest(salted, b"Server Key", "sha256")
        return cls(iterations, salt, stored_key, server_key)


def _b64(data: bytes) -> str:
    return b64encode(data).decode("ascii")


def scram_normalize(password: str | bytes) -> bytes:
    """The bytes SCRAM hashes for `password`, as PostgreSQL's pg_saslprep decides.

    ASCII passwords are used as they are; other valid UTF-8 is SASLprep'd; a password
    that is not valid UTF-8 or that SASLprep prohibits is used as raw bytes.
    """
    raw = password.encode("utf-8", "surrogateescape") if isinstance(password, str) else password
    if raw.isascii():
        return raw
    try:
        prepared: str = saslprep(raw.decode("utf-8"))
        return prepared.encode("utf-8")
    except (UnicodeDecodeError, ScramException):
        return raw


def scram_secret(
    password: str | bytes, *, iterations: int = SCRAM_ITERATIONS, salt: bytes | None = None
) -> str:
    """A new SCRAM-SHA-256 secret for `password` in PostgreSQL's pg_authid format."""
    return str(ScramSecret.derive(password, iterations=iterations, salt=salt))


def md5_secret(password: str | bytes, username: str) -> str:
    """PostgreSQL's md5 secret: 'md5' + hex md5(password + username)."""
    raw = password.encode("utf-8") if isinstance(password, str) else password
    return "md5" + hashlib.md5(raw + username.encode("utf-8")).hexdigest()


def is_md5_secret(secret: str) -> bool:
    """True if `secret` has the form of PostgreSQL's md5 secret."""
    return (
        len(secret) == 35
        and secret.startswith("md5")
        and all(c in "0123456789abcdef" for c in secret[3:])
    )


def secret_method(secret: str) -> Method | None:
    """'scram-sha-256' or 'md5' for a secret in one of those formats, else None."""
    if ScramSecret.parse(secret) is not None:
        return "scram-sha-256"
    if is_md5_secret(secret):
        return "md5"
    return None


def check_password(secret: str, username: str, password: str | bytes) -> bool:
    """True if the cleartext `password` matches the stored `secret` of role `username`."""
    scram = ScramSecret.parse(secret)
    if scram is not None:
        derived = ScramSecret.derive(password, iterations=scram.iterations, salt=scram.salt)
        ok_stored = hmac.compare_digest(derived.stored_key, scram.stored_key)
        ok_server = hmac.compare_digest(derived.server_key, scram.server_key)
        return ok_stored and ok_server
    if is_md5_secret(secret):
        return hmac.compare_digest(md5_secret(password, username), secret)
    return False


def validate_name(name: str) -> None:
    """Raise ValueError unless `name` is a valid role name: 1..63 UTF-8 bytes, no NUL."""
    if not isinstance(name, str):
        raise ValueError("role name must be a string")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise ValueError("role name must be valid Unicode") from exc
    if size == 0:
        raise ValueError("role name must not be empty")
    if size > NAME_MAX_BYTES:
        raise ValueError(f"role name is {size} bytes long, at most {NAME_MAX_BYTES} allowed")
    if "\x00" in name:
        raise ValueError("role name must not contain NUL")


class UserStore:
    """Login roles kept in a JSON file, rewritten atomically (mode 0600) on every change."""

    def __init__(self, path: Path) -> None:
        """Open the store at `path` and read it if the file exists."""
        self.path = Path(path)
        self._users: dict[str, User] = {}
        self.load()

    def load(self) -> None:
        """(Re)read the file; a missing file means no users. Raise ValueError if it is invalid."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self._users = {}
            return
        try:
            doc = json.loads(text)
            if doc.get("version") != _FORMAT_VERSION:
                raise ValueError(f"unsupported version {doc.get('version')!r}")
            users: dict[str, User] = {}
            for entry in doc["users"]:
                user = User(str(entry["name"]), str(entry["secret"]), bool(entry["superuser"]))
                validate_name(user.name)
                if user.method is None:
                    raise ValueError(f"user {user.name!r} has an unrecognised secret")
                users[user.name] = user
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{self.path}: invalid user store: {exc}") from exc
        self._users = users

    def get(self, name: str) -> User | None:
        """The user called `name`, or None."""
        return self._users.get(name)

    def add(
        self, name: str, password: str, *, method: Method = "scram-sha-256", superuser: bool = True
    ) -> User:
        """Store (or replace) user `name` with a secret derived from `password`; save the file."""
        validate_name(name)
        if method == "scram-sha-256":
            secret = scram_secret(password)
        elif method == "md5":
            secret = md5_secret(password, name)
        else:
            raise ValueError(f"unknown password method {method!r}")
        user = User(name, secret, superuser)
        users = dict(self._users)
        users[name] = user
        self._save(users)
        return user

    def remove(self, name: str) -> bool:
        """Remove user `name` and save the file; False if there was no such user."""
        if name not in self._users:
            return False
        users = dict(self._users)
        del users[name]
        self._save(users)
        return True

    def names(self) -> list[str]:
        """All user names, sorted."""
        return sorted(self._users)

    def __len__(self) -> int:
        return len(self._users)

    def __contains__(self, name: object) -> bool:
        return name in self._users

    def _save(self, users: dict[str, User]) -> None:
        doc = {
            "version": _FORMAT_VERSION,
            "users": [
                {"name": u.name, "secret": u.secret, "superuser": u.superuser}
                for u in sorted(users.values(), key=lambda u: u.name)
            ],
        }
        _write_atomically(self.path, json.dumps(doc, indent=2) + "\n")
        self._users = users


def _write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so readers see the old or the new file, never a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    # Make the rename itself durable.
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _read_password(name: str) -> str | None:
    """Ask twice on a TTY, else read one line from stdin; None (after a message) on mismatch."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"Password for {name}: ")
        second = getpass.getpass("Repeat: ")
        if first != second:
            print("error: passwords do not match", file=sys.stderr)
            return None
        return first
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


def cmd_user_add(data_dir: Path, name: str, *, password: str | None, md5: bool) -> int:
    """CLI `user add`: store user `name` (password from the argument, a prompt or stdin)."""
    method: Method = "md5" if md5 else "scram-sha-256"
    try:
        validate_name(name)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if password is None:
        password = _read_password(name)
        if password is None:
            return 1
    if not password:
        print("error: empty passwords are not allowed", file=sys.stderr)
        return 1
    try:
        UserStore(Path(data_dir) / USERS_FILE).add(name, password, method=method)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"user {name} stored ({method})")
    return 0


def cmd_user_list(data_dir: Path) -> int:
    """CLI `user list`: print one line per user: name, secret method, 'superuser' if so."""
    try:
        store = UserStore(Path(data_dir) / USERS_FILE)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name in store.names():
        user = store.get(name)
        assert user is not None
        flags = "\tsuperuser" if user.superuser else ""
        print(f"{name}\t{user.method}{flags}")
    return 0


def cmd_user_remove(data_dir: Path, name: str) -> int:
    """CLI `user remove`: delete user `name`; exit code 1 if there is no such user."""
    try:
        removed = UserStore(Path(data_dir) / USERS_FILE).remove(name)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not removed:
        print(f'error: user "{name}" does not exist', file=sys.stderr)
        return 1
    print(f"user {name} removed")
    return 0
