"""Run SQLAlchemy's dialect compliance suite (sqlalchemy.testing.suite) against a fresh node.

    .venv/bin/python tools/sqlalchemy_suite/run.py [pytest args]   # e.g. -q -rf

What kuzugres lacks is declared in requirements.py (the blocklist) and conftest.py;
docs/compatibility.md records the counts.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

import psycopg  # noqa: E402

from tests.serverproc import start_node  # noqa: E402


def main() -> int:
    node = start_node(Path(tempfile.mkdtemp()) / "node")
    try:
        with psycopg.connect(node.dsn, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA test_schema")  # the suite's cross-schema tests
            conn.execute("CREATE SCHEMA test_schema_2")
        url = f"postgresql+psycopg://tester@127.0.0.1:{node.port}/kuzugres"
        argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--dburi", url]
        return subprocess.run([*argv, *sys.argv[1:]], cwd=HERE).returncode
    finally:
        node.stop()


if __name__ == "__main__":
    sys.exit(main())
