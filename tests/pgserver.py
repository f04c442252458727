"""A throwaway PostgreSQL 15 server for differential tests.

`start_postgres()` runs initdb in a temporary directory, starts the server on a
free local port and returns a handle with `.port`, `.dsn` and `.stop()`. When
the tests run as root, the server runs as the `postgres` OS user (PostgreSQL
refuses to run as root).
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PG_BIN_CANDIDATES = ("/usr/lib/postgresql/15/bin",)


class PostgresUnavailable(RuntimeError):
    """PostgreSQL 15 binaries are not installed or the server did not start."""


def find_pg_bin() -> Path | None:
    """The directory holding PostgreSQL 15's initdb and pg_ctl, if installed."""
    env = os.environ.get("PG15_BIN")
    for candidate in ((env,) if env else ()) + PG_BIN_CANDIDATES:
        path = Path(candidate)
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class PostgresServer:
    """A running throwaway server; `stop()` shuts it down and removes its files."""

    port: int
    datadir: Path
    bin_dir: Path
    run_as: str | None
    user: str = "postgres"
    _stopped: bool = field(default=False, repr=False)

    @property
    def dsn(self) -> str:
        """A libpq connection string for the server's `postgres` database."""
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres"

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its data directory."""
        if self._stopped:
            return
        self._stopped = True
        try:
            _run(
                self.run_as,
                [str(self.bin_dir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop"],
            )
        finally:
            shutil.rmtree(self.datadir.parent, ignore_errors=True)


def _run(run_as: str | None, argv: list[str]) -> subprocess.CompletedProcess[str]:
    if run_as is not None:
        argv = ["su", run_as, "-s", "/bin/sh", "-c", " ".join(shlex.quote(a) for a in argv)]
    return subprocess.run(argv, check=True, capture_output=True, text=True, timeout=120)


def start_postgres(settings: dict[str, str] | None = None) -> PostgresServer:
    """Start a fresh PostgreSQL 15 cluster on a free port (trust auth, UTF8, C locale)."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise PostgresUnavailable("PostgreSQL 15 binaries not found")
    run_as = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="kuzugres-pg15-"))
    datadir = base / "data"
    if run_as is not None:
        shutil.chown(base, user=run_as)
        os.chmod(base, 0o700)
    try:
        _run(
            run_as,
            [
                str(bin_dir / "initdb"),
                "-D",
                str(datadir),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )
        port = _free_port()
        opts = {
            "port": str(port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{base}'",
            "fsync": "off",
            "timezone": "'UTC'",
            **(settings or {}),
        }
        with open(datadir / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
            for key, value in opts.items():
                conf.write(f"{key} = {value}\n")
        _run(
            run_as,
            [str(bin_dir / "pg_ctl"), "-D", str(datadir), "-l", str(base / "log"), "-w", "start"],
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(base, ignore_errors=True)
        detail = getattr(exc, "stderr", "") or str(exc)
        raise PostgresUnavailable(f"could not start PostgreSQL: {detail}") from exc
    server = PostgresServer(port=port, datadir=datadir, bin_dir=bin_dir, run_as=run_as)
    _wait_ready(port)
    return server


def _wait_ready(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise PostgresUnavailable(f"PostgreSQL did not accept connections on port {port}")
