"""Start real kuzugres node processes for tests (a temp data dir, a free loopback port)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class NodeProcess:
    """A running `kuzugres serve` process."""

    data: Path
    port: int
    proc: subprocess.Popen[bytes]
    log: Path
    args: list[str] = field(default_factory=list)

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} dbname=kuzugres user=tester"

    @property
    def url(self) -> str:
        return f"postgresql://tester@127.0.0.1:{self.port}/kuzugres"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return int(self.proc.returncode)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


def kuzugres_cmd() -> list[str]:
    return [sys.executable, "-m", "kuzugres"]


def verify_data(data: Path) -> str:
    """`kuzugres verify` of a stopped node's data directory; asserts it passed and returns
    its output (which names the state digest)."""
    done = subprocess.run(
        [*kuzugres_cmd(), "verify", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert "digest: " in done.stdout
    return done.stdout


def start_node(
    data: Path, *extra: str, port: int | None = None, wait: bool = True, timeout: float = 30
) -> NodeProcess:
    """Start a node on `data`; wait until it accepts connections."""
    port = port or free_port()
    log = data.with_name(data.name + f".{port}.log")
    args = [*kuzugres_cmd(), "serve", "--data", str(data), "--port", str(port), *extra]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
    node = NodeProcess(data, port, proc, log, args)
    if wait:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"kuzugres exited with {proc.returncode}:\n{node.output()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    node.kill()
                    raise RuntimeError(f"kuzugres did not start:\n{node.output()}") from None
                time.sleep(0.05)
    return node
