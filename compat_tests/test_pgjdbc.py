"""pgjdbc (the PostgreSQL JDBC driver) against a kuzugres node, through a small Java program."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from conftest import require_client
from tests.serverproc import NodeProcess

SOURCE = Path(__file__).with_name("java") / "KuzugresJdbc.java"
JAR_CANDIDATES = (os.environ.get("PGJDBC_JAR", ""), "/usr/share/java/postgresql.jar")


def find_jar() -> Path | None:
    for candidate in JAR_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def compile_java(source: Path, classes: Path) -> tuple[str, Path]:
    """Compile a compat_tests/java program against pgjdbc into `classes`; (java, jar).
    A missing JDK or pgjdbc skips the test, and fails it in CI."""
    javac, java, jar = shutil.which("javac"), shutil.which("java"), find_jar()
    require_client("javac", javac is not None)
    require_client("java", java is not None)
    require_client("pgjdbc (libpostgresql-jdbc-java)", jar is not None)
    assert javac and java and jar
    subprocess.run(
        # `classes` on the class path: a program may use one compiled there before
        [
            javac,
            "-encoding",
            "UTF-8",
            "-d",
            str(classes),
            "-cp",
            f"{jar}{os.pathsep}{classes}",
            str(source),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return java, jar


@pytest.fixture(scope="module")
def jdbc_output(node: NodeProcess, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Compile KuzugresJdbc.java and run it once against the node; its stdout."""
    classes = tmp_path_factory.mktemp("jdbc")
    java, jar = compile_java(SOURCE, classes)
    table = f"jdbc_{uuid.uuid4().hex[:10]}"
    result = subprocess.run(
        [
            java,
            "-Duser.timezone=UTC",
            "-Dfile.encoding=UTF-8",
            "-cp",
            f"{classes}{os.pathsep}{jar}",
            "KuzugresJdbc",
            str(node.port),
            table,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = result.stdout
    assert result.returncode in (0, 1), f"java exited {result.returncode}:\n{out}\n{result.stderr}"
    return out


def oks(output: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in output.splitlines():
        if line.startswith("OK "):
            _, name, *value = line.split(" ", 2)
            found[name] = value[0] if value else ""
    return found


def failures(output: str, prefix: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"FAIL {prefix}")]


def test_metadata(jdbc_output: str) -> None:
    assert failures(jdbc_output, "metadata") == []
    got = oks(jdbc_output)
    assert got["product"] == "PostgreSQL"
    assert got["version"].startswith("15."), got["version"]
    assert got["major"] == "15"


def test_plain_statements(jdbc_output: str) -> None:
    assert failures(jdbc_output, "statement") == []
    for name in ("current_user", "current_database", "int_division", "version_prefix"):
        assert f"FAIL {name} " not in jdbc_output
        assert name in oks(jdbc_output)
    assert oks(jdbc_output)["show_setting"] == "jdbc_renamed"


@pytest.mark.parametrize("label", ["default", "threshold1", "simple"])
def test_typed_prepared_statement(jdbc_output: str, label: str) -> None:
    assert failures(jdbc_output, f"{label}") == []
    got = oks(jdbc_output)
    times = {"default": 10, "threshold1": 3, "simple": 2}[label]
    assert got.get(f"{label}.executions") == str(times), jdbc_output
    assert got[f"{label}.int4"] == str(41 + times - 1)
    assert got[f"{label}.text"] == f"héllo {times - 1}"
    assert got[f"{label}.numeric"] == "12345.678"
    assert got[f"{label}.date"] == "2024-02-29"
    assert got[f"{label}.timestamp"] == "2024-02-29 12:34:56.789"
    assert got[f"{label}.uuid"] == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    assert got[f"{label}.bytea"] == "[0, 1, -2, -1]"


def test_nulls(jdbc_output: str) -> None:
    assert failures(jdbc_output, "null") == []
    assert oks(jdbc_output)["null.is_null"] == "true"


def test_batch_of_cypher_creates(jdbc_output: str) -> None:
    assert failures(jdbc_output, "batch") == []
    got = oks(jdbc_output)
    assert got["batch.counts"] == "[0, 0, 0, 0, 0, 0]"
    assert got["batch.ids"] == "[1, 2, 3, 4, 5, 6]"
    assert got["batch.match"] == "[n5, n6]"


def test_transactions(jdbc_output: str) -> None:
    assert failures(jdbc_output, "tx") == []
    assert failures(jdbc_output, "transaction") == []
    got = oks(jdbc_output)
    assert got["tx.committed"] == "true"
    assert got["tx.rolled_back"] == "false"
    assert got["tx.aborted"] == "25P02"


def test_errors_carry_sqlstate(jdbc_output: str) -> None:
    assert failures(jdbc_output, "error") == []
    got = oks(jdbc_output)
    assert got["error.22P02"] == "22P02"
    assert got["error.42601"] == "42601"
    assert got["error.42704"] == "42704"
    assert got["error.connection_alive"] == "alive"


def test_program_finished_cleanly(jdbc_output: str) -> None:
    assert "FAIL " not in jdbc_output, jdbc_output
    assert jdbc_output.rstrip().endswith("DONE"), jdbc_output
