"""Run SQLAlchemy's dialect compliance suite (sqlalchemy.testing.suite) against a fresh node.

    .venv/bin/python tools/sqlalchemy_suite/run.py [pytest args]   # e.g. -q -rf -k Numeric
    .venv/bin/python tools/sqlalchemy_suite/run.py --check         # the whole suite, compared
                                                                   # with blocklist.txt

What kuzugres lacks as a feature is declared in requirements.py and conftest.py (those
tests are skipped); tests that run and fail are listed, grouped by reason, in
blocklist.txt. tests/test_sqlalchemy_suite.py runs `--check`'s comparison in `make test`;
docs/compatibility.md records the counts.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BLOCKLIST = HERE / "blocklist.txt"
sys.path.insert(0, str(ROOT))

from tests.serverproc import start_node  # noqa: E402

# The suite names its test classes per backend and server version
# (`ComponentReflectionTest_postgresql+psycopg_16_4`); ids drop that suffix.
_BACKEND_SUFFIX = re.compile(r"_postgresql\+\w+?(_\d+)+$")


def run_suite(pytest_args: list[str], workdir: Path) -> int:
    """Start a node under `workdir`, run the suite against it with `pytest_args`; exit code."""
    import psycopg

    node = start_node(workdir / "node")
    try:
        with psycopg.connect(node.dsn, autocommit=True) as conn:
            conn.execute("CREATE SCHEMA test_schema")  # the suite's cross-schema tests
            conn.execute("CREATE SCHEMA test_schema_2")
        url = f"postgresql+psycopg://tester@127.0.0.1:{node.port}/kuzugres"
        argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--dburi", url]
        return subprocess.run([*argv, *pytest_args], cwd=HERE, check=False).returncode
    finally:
        node.stop()


def outcomes(junit_xml: Path) -> dict[str, str]:
    """Test id (`Class::test[params]`) -> passed, failed, error or skipped, from JUnit XML."""
    out: dict[str, str] = {}
    rank = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}
    for case in ET.parse(junit_xml).iter("testcase"):
        cls = _BACKEND_SUFFIX.sub("", case.get("classname", "").rsplit(".", 1)[-1])
        test_id = f"{cls}::{case.get('name')}"
        tags = {child.tag for child in case}
        outcome = (
            "error"
            if "error" in tags
            else "failed"
            if "failure" in tags
            else "skipped"
            if "skipped" in tags
            else "passed"
        )
        # A test that fails and then errors in teardown appears twice: keep the worst.
        if rank[outcome] >= rank[out.get(test_id, "passed")]:
            out[test_id] = outcome
    return out


@dataclass
class Blocklist:
    """blocklist.txt: `[reason]` headers, each followed by the ids of the tests it explains."""

    reasons: dict[str, str] = field(default_factory=dict)  # test id -> reason
    groups: dict[str, list[str]] = field(default_factory=dict)  # reason -> test ids

    @classmethod
    def load(cls, path: Path = BLOCKLIST) -> Blocklist:
        """Parse the file; an id listed twice or before any reason is an error."""
        blocklist = cls()
        reason: str | None = None
        for number, raw in enumerate(path.read_text().splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                reason = line[1:-1].strip()
                if reason in blocklist.groups:
                    raise ValueError(f"{path}:{number}: reason listed twice: {reason}")
                blocklist.groups[reason] = []
                continue
            if reason is None:
                raise ValueError(f"{path}:{number}: test id before any [reason]")
            if line in blocklist.reasons:
                raise ValueError(f"{path}:{number}: {line} listed twice")
            blocklist.reasons[line] = reason
            blocklist.groups[reason].append(line)
        return blocklist


@dataclass(frozen=True)
class Verdict:
    """How one run compares with the blocklist."""

    counts: Counter[str]
    unexpected_failures: list[str]  # failed or errored, not in the blocklist
    unexpected_passes: list[str]  # in the blocklist, but passed (or skipped)
    unknown: list[str]  # in the blocklist, but not run at all

    @property
    def ok(self) -> bool:
        return not (self.unexpected_failures or self.unexpected_passes or self.unknown)

    def report(self, blocklist: Blocklist) -> str:
        """A summary line and every difference from the blocklist, with reasons."""
        lines = [
            ", ".join(f"{self.counts[k]} {k}" for k in ("passed", "failed", "error", "skipped"))
            + f"; {len(blocklist.reasons)} blocklisted"
        ]
        if self.unexpected_failures:
            lines.append("failing, and not in tools/sqlalchemy_suite/blocklist.txt:")
            lines += [f"  {t}" for t in self.unexpected_failures]
        if self.unexpected_passes:
            lines.append("in the blocklist but not failing (remove them from it):")
            lines += [f"  {t}  [{blocklist.reasons[t]}]" for t in self.unexpected_passes]
        if self.unknown:
            lines.append("in the blocklist but not in the suite:")
            lines += [f"  {t}" for t in self.unknown]
        return "\n".join(lines)


def compare(results: dict[str, str], blocklist: Blocklist) -> Verdict:
    """Strict comparison: every failure is listed and every listed test fails."""
    failing = {t for t, o in results.items() if o in ("failed", "error")}
    listed = set(blocklist.reasons)
    return Verdict(
        counts=Counter(results.values()),
        unexpected_failures=sorted(failing - listed),
        unexpected_passes=sorted(t for t in listed - failing if t in results),
        unknown=sorted(t for t in listed if t not in results),
    )


def check(workdir: Path, extra: list[str] | None = None) -> tuple[Verdict, Blocklist]:
    """Run the whole suite quietly and compare its outcomes with blocklist.txt."""
    junit = workdir / "suite.xml"
    args = ["-q", "--no-header", "-p", "no:randomly", f"--junitxml={junit}"]
    args += ["-o", "addopts=--tb=line --maxfail=10000 -p no:warnings -p no:logging"]
    run_suite([*args, *(extra or [])], workdir)
    if not junit.exists():
        raise RuntimeError("the suite wrote no JUnit report (did pytest start?)")
    blocklist = Blocklist.load()
    return compare(outcomes(junit), blocklist), blocklist


def main() -> int:
    args = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="kuzugres-sasuite-") as tmp:
        if args[:1] == ["--check"]:
            verdict, blocklist = check(Path(tmp), args[1:])
            print(verdict.report(blocklist))
            return 0 if verdict.ok else 1
        return run_suite(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
