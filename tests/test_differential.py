"""The differential SQL suite: every case on PostgreSQL 15 and on kuzugres (tests/differential/).

One test per case id. PostgreSQL starts once per session; each case file runs
once (setup, then its cases in order) on a fresh database and a fresh kuzugres
node, the first time one of its cases is asked for. A case listed in
known_failures.txt may fail; when it passes, the test fails so the list only
shrinks knowingly.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.differential import runner

CASES = runner.all_cases()
KNOWN = runner.load_known_failures()
UPDATE = "run python -m tests.differential.runner --update"


class FileResults:
    """Runs each case file at most once per session and keeps its results by case id."""

    def __init__(self, engines: runner.Engines) -> None:
        self.engines = engines
        self.results: dict[str, dict[str, runner.CaseResult] | runner.BrokenSetup] = {}

    def get(self, case: runner.Case) -> runner.CaseResult:
        if case.file not in self.results:
            path = runner.CASES_DIR / f"{case.file}.sql"
            try:
                self.results[case.file] = {r.id: r for r in self.engines.run(path)}
            except runner.BrokenSetup as exc:
                self.results[case.file] = exc
        found = self.results[case.file]
        if isinstance(found, runner.BrokenSetup):
            pytest.fail(f"broken case file: {found}")
        return found[case.id]


@pytest.fixture(scope="session")
def file_results() -> Iterator[FileResults]:
    from tests.pgserver import PostgresUnavailable

    try:
        engines = runner.Engines()
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL 15 is required in CI: {exc}")
        pytest.skip(f"PostgreSQL 15 is not available: {exc}")
    yield FileResults(engines)
    engines.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: runner.Case, file_results: FileResults) -> None:
    result = file_results.get(case)
    assert result.expectation_error is None, result.expectation_error
    if case.id in KNOWN:
        assert result.status == "fail", (
            f"{case.id} passes now: remove from known_failures.txt ({UPDATE})"
        )
    else:
        assert result.status == "pass", f"{case.id}: {result.detail}"


def test_known_failures_are_cases() -> None:
    ids = {c.id for c in CASES}
    stale = sorted(KNOWN - ids)
    assert not stale, f"known_failures.txt lists cases that do not exist: {stale} ({UPDATE})"


def test_report_is_current() -> None:
    """report.json matches the cases and known_failures.txt; the docs section renders it."""
    report = json.loads(runner.REPORT_JSON.read_text(encoding="utf-8"))
    assert set(report["failing"]) == KNOWN, f"report.json and known_failures.txt differ ({UPDATE})"
    counts: dict[str, int] = {}
    for c in CASES:
        counts[c.category] = counts.get(c.category, 0) + 1
    reported = {cat: row["cases"] for cat, row in report["categories"].items()}
    assert reported == counts, f"report.json counts are not those of the case files ({UPDATE})"
    tool = runner.load_report_tool()
    text = Path(tool.DOC).read_text(encoding="utf-8")
    assert tool.current_section(text) == tool.render(report), (
        "docs/compatibility.md's differential section is stale: run "
        "python tools/gen_differential_report.py"
    )


def test_case_files_are_well_formed() -> None:
    """Every file parses (names, categories, statements) and the suite is big enough."""
    assert len(CASES) >= 250
    for path in runner.case_files():
        runner.parse_file(path)
