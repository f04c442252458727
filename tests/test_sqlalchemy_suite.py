"""SQLAlchemy's dialect compliance suite against a fresh node, held to its blocklist.

tools/sqlalchemy_suite/run.py runs sqlalchemy.testing.suite (PostgreSQL's dialect on
psycopg 3) in a subprocess against a new node and reads its JUnit report. The tests
that fail today are listed, grouped by reason, in tools/sqlalchemy_suite/blocklist.txt.
The comparison is strict both ways: a failure outside the list fails this test, and so
does a listed test that passes (remove it from the list), so the number of passing
tests can only grow. Takes about two minutes.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

RUN = Path(__file__).resolve().parent.parent / "tools" / "sqlalchemy_suite" / "run.py"


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sqlalchemy_suite_run", RUN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_blocklist_is_well_formed() -> None:
    blocklist = _runner().Blocklist.load()  # may be empty: every test passes
    assert all(blocklist.groups.values()), "a [reason] with no test under it"


@pytest.mark.timeout(900)
def test_sqlalchemy_compliance_suite_matches_blocklist(tmp_path: Path) -> None:
    runner = _runner()
    verdict, blocklist = runner.check(tmp_path)
    print(verdict.report(blocklist))
    assert verdict.ok, verdict.report(blocklist)
