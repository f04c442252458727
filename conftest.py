from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serverproc import NodeProcess, start_node


@pytest.fixture(scope="session")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    """One kuzugres node shared by a test session (trust auth on loopback)."""
    n = start_node(Path(tmp_path_factory.mktemp("node")) / "data")
    yield n
    n.stop()


def require_client(name: str, available: bool) -> None:
    """Skip when a client program is missing, but fail in CI (CI=true) where it must exist."""
    import os

    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is required in CI but is not installed")
    pytest.skip(f"{name} is not installed")
