"""node-postgres (the `pg` npm package) against a kuzugres node, through compat_tests/node."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from conftest import require_client
from tests.serverproc import NodeProcess

NODE_DIR = Path(__file__).with_name("node")


def ensure_pg_module(npm: str) -> bool:
    """Install node_modules with npm unless present (CI's .ci/run installs it beforehand)."""
    if (NODE_DIR / "node_modules" / "pg").is_dir():
        return True
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent"],
        cwd=NODE_DIR,
        capture_output=True,
        timeout=180,
        check=False,
    )
    return (NODE_DIR / "node_modules" / "pg").is_dir()


@pytest.fixture(scope="module")
def pg_results(node: NodeProcess) -> dict[str, object]:
    """Run pg_test.js once; the OK values by name (FAIL lines are kept under 'FAIL <name>')."""
    node_bin, npm = shutil.which("node"), shutil.which("npm")
    require_client("node", node_bin is not None)
    require_client("npm", npm is not None)
    assert node_bin and npm
    require_client("node-postgres (npm install in compat_tests/node)", ensure_pg_module(npm))
    table = f"nodepg_{uuid.uuid4().hex[:10]}"
    result = subprocess.run(
        [node_bin, "pg_test.js", node.url, table],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode in (0, 1), (
        f"node exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    found: dict[str, object] = {"_stdout": result.stdout}
    for line in result.stdout.splitlines():
        kind, _, rest = line.partition(" ")
        name, _, value = rest.partition(" ")
        if kind == "OK":
            found[name] = json.loads(value) if value else None
        elif kind == "FAIL":
            found[f"FAIL {name}"] = value
    return found


def fails(results: dict[str, object], prefix: str) -> dict[str, object]:
    return {k: v for k, v in results.items() if k.startswith(f"FAIL {prefix}")}


def test_parameterized_query(pg_results: dict[str, object]) -> None:
    assert fails(pg_results, "params") == {}
    assert pg_results["params.rows"] == [{"n": 42, "s": "héllo"}]
    assert pg_results["params.fields"] == [["n", 23], ["s", 25]]


def test_types(pg_results: dict[str, object]) -> None:
    assert fails(pg_results, "types") == {}
    assert pg_results["types.int8"] == "9007199254740993"
    assert pg_results["types.timestamptz"] == "2024-02-29T12:34:56.789Z"
    assert pg_results["types.jsonb"] == {"a": [1, 2]}
    assert pg_results["types.int4_array"] == [1, 2, 3]


def test_named_prepared_statement(pg_results: dict[str, object]) -> None:
    assert fails(pg_results, "named") == {}
    assert pg_results["named.results"] == [0, 2, 4, 6, 8]


def test_row_mode_and_simple_protocol(pg_results: dict[str, object]) -> None:
    assert fails(pg_results, "rowmode") == {}
    assert fails(pg_results, "simple") == {}
    assert pg_results["rowmode.rows"] == [[1, "x"]]
    assert pg_results["simple.results"] == ["SET", "SHOW"]


def test_transaction_with_cypher(pg_results: dict[str, object]) -> None:
    assert fails(pg_results, "transaction") == {}
    assert pg_results["transaction.after"] == [1, 2]
    assert pg_results["transaction.read_back"] == [{"name": "Alan"}]


def test_errors_have_sqlstate(pg_results: dict[str, object]) -> None:
    assert fails(pg_results, "errors") == {}
    for code in ("22012", "22P02", "42601", "42704", "25P02"):
        assert pg_results[f"errors.{code}"] == code
    assert pg_results["errors.alive"] == "alive"


def test_script_finished_cleanly(pg_results: dict[str, object]) -> None:
    out = str(pg_results["_stdout"])
    assert "FAIL " not in out, out
    assert out.rstrip().endswith("DONE"), out
