"""Differential SQL suite: each case runs on PostgreSQL 15 and on kuzugres; PostgreSQL is the oracle.

Case files
----------
`tests/differential/cases/<schema>_<category>.sql`, one file per schema and
category. A file is a setup section followed by titled cases::

    -- setup
    CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
    INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace');

    -- case: select_where_order
    -- category: queries
    SELECT id, name FROM customers WHERE id > 1 ORDER BY id;

    -- case: insert_not_null_violation
    -- category: constraints
    INSERT INTO customers (id) VALUES (99);

- `-- setup` starts the setup section (optional; it must come first). Its
  statements run once per file, on a fresh database, and must all succeed on
  PostgreSQL. `-- setup: <name>` starts it with the shared schema in
  `cases/setup/<name>.sql` (several files test the same e-commerce schema).
- `-- case: <name>` starts a case; the name is unique within the file and the
  case id is `<file stem>::<name>`. The next line is `-- category: <category>`,
  one of `CATEGORIES`. Other `--` comments are free text.
- A case is one or more statements (split with pglast). They run in order in
  one autocommit session; only the LAST statement's outcome is compared. The
  earlier statements must succeed on PostgreSQL, otherwise the case itself is
  broken (reported as an expectation error, which fails loudly).
- Cases run in file order, in one session per engine, and may change data:
  a case sees what the cases before it in the same file did. Write a case that
  changes data so that later cases still read well (or undo its change).
- Every statement must be deterministic on PostgreSQL: no now()/random(), and
  a top-level ORDER BY wherever LIMIT/OFFSET/FETCH picks rows (checked).

What is compared
----------------
For the last statement, with psycopg's text protocol (raw text values, so
formatting differences count): column names and type OIDs, the rows (in
order when the statement has a top-level ORDER BY, otherwise as multisets),
and the command tag. When PostgreSQL fails, kuzugres must fail with the same
SQLSTATE; both messages are kept in the result for information.

Databases
---------
PostgreSQL: one throwaway PostgreSQL 15 server, `CREATE DATABASE` per file.
kuzugres: one fresh node process (empty data directory) per file.

Command line
------------
``python -m tests.differential.runner [--update] [FILE_STEM ...]`` starts both
servers, runs every file (or the named ones), prints pass counts by category
and exits 1 on a broken case. ``--update`` rewrites (with file stems: only those files' entries)
`known_failures.txt`, `report.json` and the generated section of
docs/compatibility.md (via tools/gen_differential_report.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pglast
import psycopg
from pglast import ast

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CASES_DIR = HERE / "cases"
KNOWN_FAILURES = HERE / "known_failures.txt"
REPORT_JSON = HERE / "report.json"

CATEGORIES = (
    "ddl",
    "constraints",
    "dml",
    "queries",
    "aggregates",
    "joins",
    "subqueries",
    "cte",
    "setops",
    "window",
    "params",
)

# Same session settings on both engines; a runaway statement must not hang the suite.
SESSION_OPTIONS = "-c statement_timeout=20000 -c TimeZone=UTC"


class CaseFileError(ValueError):
    """A case file does not follow the format described in this module."""


class BrokenSetup(RuntimeError):
    """A file's setup failed on PostgreSQL: the file, not kuzugres, is wrong."""


@dataclass(frozen=True)
class Case:
    """One titled case: statements run in order, the last one is compared."""

    file: str
    name: str
    category: str
    statements: tuple[str, ...]
    line: int

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"


@dataclass(frozen=True)
class CaseFile:
    """A parsed case file: its setup statements and its cases, in file order."""

    path: Path
    setup: tuple[str, ...]
    cases: tuple[Case, ...]

    @property
    def stem(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class Outcome:
    """What one statement produced: a result (columns, text rows, tag) or an error."""

    columns: tuple[tuple[str, int], ...] = ()
    rows: tuple[tuple[bytes | None, ...], ...] = ()
    tag: str | None = None
    error: tuple[str, str] | None = None  # (SQLSTATE, primary message)

    def summary(self) -> str:
        if self.error is not None:
            return f"error {self.error[0]}: {self.error[1]}"
        return f"{self.tag} with {len(self.rows)} row(s)"


@dataclass(frozen=True)
class CaseResult:
    """The verdict for one case; `expectation_error` set means the case itself is broken."""

    file: str
    name: str
    category: str
    status: str  # 'pass' | 'fail'
    detail: str = ""
    expectation_error: str | None = None
    pg_message: str | None = None
    kuzu_message: str | None = None

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"

    @property
    def reason(self) -> str:
        """The first line of the detail (what the report shows)."""
        return self.detail.splitlines()[0] if self.detail else ""


# -- parsing case files -------------------------------------------------------


def split_statements(sql: str) -> tuple[str, ...]:
    """Split SQL text into statements with PostgreSQL's own parser, or its scanner.

    The scanner is the fallback for a case whose point is a syntax error.
    """
    try:
        parts = pglast.split(sql, with_parser=True)
    except pglast.parser.ParseError:
        parts = pglast.split(sql, with_parser=False)
    return tuple(s.strip() for s in parts if s.strip())


def parse_file(path: Path) -> CaseFile:
    """Parse one case file; raise CaseFileError on anything malformed."""
    stem = path.stem
    setup_lines: list[str] | None = None
    cases: list[tuple[str, str | None, int, list[str]]] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped == "-- setup" or stripped.startswith("-- setup:"):
            if setup_lines is not None or cases:
                raise CaseFileError(f"{path.name}:{lineno}: '-- setup' must come first, once")
            setup_lines = []
            shared = stripped[len("-- setup:") :].split()[0] if ":" in stripped else ""
            if shared:
                # a schema several files share: cases/setup/<name>.sql
                setup_lines += (
                    (path.parent / "setup" / f"{shared}.sql")
                    .read_text(encoding="utf-8")
                    .splitlines()
                )
        elif stripped.startswith("-- case:"):
            cases.append((stripped[len("-- case:") :].strip(), None, lineno, []))
        elif stripped.startswith("-- category:"):
            if not cases or cases[-1][1] is not None or cases[-1][3]:
                raise CaseFileError(f"{path.name}:{lineno}: '-- category:' must follow '-- case:'")
            name, _, at, body = cases[-1]
            cases[-1] = (name, stripped[len("-- category:") :].strip(), at, body)
        elif cases:
            cases[-1][3].append(line)
        elif setup_lines is not None:
            setup_lines.append(line)
        elif stripped and not stripped.startswith("--"):
            raise CaseFileError(f"{path.name}:{lineno}: SQL before '-- setup' or the first case")
    parsed: list[Case] = []
    seen: set[str] = set()
    for name, category, at, body in cases:
        where = f"{path.name}:{at}"
        if not name or not name.replace("_", "").isalnum():
            raise CaseFileError(f"{where}: case name {name!r} must be a word")
        if name in seen:
            raise CaseFileError(f"{where}: duplicate case name {name!r}")
        seen.add(name)
        if category not in CATEGORIES:
            raise CaseFileError(f"{where}: category {category!r} is not one of {CATEGORIES}")
        statements = split_statements("\n".join(body))
        if not statements:
            raise CaseFileError(f"{where}: case {name!r} has no statement")
        for stmt in statements:
            if unordered_limit(stmt):
                raise CaseFileError(
                    f"{where}: LIMIT/OFFSET/FETCH without ORDER BY is not deterministic"
                )
        parsed.append(Case(stem, name, category, statements, at))
    setup = split_statements("\n".join(setup_lines or []))
    return CaseFile(path, setup, tuple(parsed))


def case_files(directory: Path = CASES_DIR) -> list[Path]:
    """The case files, sorted by name."""
    return sorted(directory.glob("*.sql"))


def all_cases(directory: Path = CASES_DIR) -> list[Case]:
    """Every case of every file, in file order."""
    return [c for p in case_files(directory) for c in parse_file(p).cases]


def _top_select(stmt: str) -> ast.SelectStmt | None:
    try:
        node = pglast.parse_sql(stmt)[0].stmt
    except pglast.parser.ParseError:
        return None  # a syntax-error case: no rows to order
    return node if isinstance(node, ast.SelectStmt) else None


def has_top_level_order_by(stmt: str) -> bool:
    """Whether the statement is a SELECT whose outermost level has ORDER BY."""
    select = _top_select(stmt)
    return bool(select is not None and select.sortClause)


def unordered_limit(stmt: str) -> bool:
    """A top-level LIMIT/OFFSET/FETCH without ORDER BY picks rows arbitrarily."""
    select = _top_select(stmt)
    if select is None:
        return False
    limited = select.limitCount is not None or select.limitOffset is not None
    return limited and not select.sortClause


def load_known_failures(path: Path = KNOWN_FAILURES) -> set[str]:
    """Case ids listed in known_failures.txt (blank lines and # comments ignored)."""
    if not path.exists():
        return set()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line and not line.startswith("#")}


# -- running statements ---------------------------------------------------------


def connect(dsn: str) -> psycopg.Connection[Any]:
    """An autocommit session with the suite's settings."""
    return psycopg.connect(dsn, autocommit=True, options=SESSION_OPTIONS, connect_timeout=10)


def execute(conn: psycopg.Connection[Any], sql: str) -> Outcome:
    """Run one statement (simple query protocol, text results) and capture its outcome."""
    try:
        cur = conn.execute(sql.encode())  # no parameters: psycopg sends a simple Query
    except psycopg.Error as err:
        if conn.closed:
            raise
        return Outcome(error=(err.diag.sqlstate or "?????", err.diag.message_primary or str(err)))
    res = cur.pgresult
    columns: tuple[tuple[str, int], ...] = ()
    rows: tuple[tuple[bytes | None, ...], ...] = ()
    if res is not None and cur.description is not None:
        # User-defined types (enums) get their OIDs by allocation in PostgreSQL and by
        # stable_oid() in kuzugres: compare "a user type", not the number.
        columns = tuple(
            (d.name, d.type_code if d.type_code < 16384 else "user type") for d in cur.description
        )
        rows = tuple(
            tuple(res.get_value(r, c) for c in range(res.nfields)) for r in range(res.ntuples)
        )
    return Outcome(columns, rows, cur.statusmessage)


def _row_key(row: tuple[bytes | None, ...]) -> tuple[tuple[bool, bytes], ...]:
    return tuple((v is None, v or b"") for v in row)


def _show(row: tuple[bytes | None, ...]) -> str:
    return "(" + ", ".join("NULL" if v is None else v.decode(errors="replace") for v in row) + ")"


def compare(expected: Outcome, got: Outcome, ordered: bool) -> str | None:
    """None when `got` matches PostgreSQL's `expected`, else why not (first line is the gist)."""
    if expected.error is not None:
        if got.error is None:
            return f"expected error {expected.error[0]} ({expected.error[1]}), kuzugres gave {got.summary()}"
        if got.error[0] != expected.error[0]:
            return (
                f"expected SQLSTATE {expected.error[0]}, got {got.error[0]}: {got.error[1]}\n"
                f"PostgreSQL: {expected.error[1]}"
            )
        return None
    if got.error is not None:
        return f"kuzugres failed with {got.error[0]}: {got.error[1]}"
    if got.columns != expected.columns:
        return f"columns differ: expected {list(expected.columns)}, got {list(got.columns)}"
    if got.tag != expected.tag:
        return f"command tag differs: expected {expected.tag!r}, got {got.tag!r}"
    exp_rows, got_rows = list(expected.rows), list(got.rows)
    if not ordered:
        exp_rows.sort(key=_row_key)
        got_rows.sort(key=_row_key)
    if exp_rows != got_rows:
        lines = [f"rows differ ({'in order' if ordered else 'as multisets'})"]
        lines += ["  expected: " + _show(r) for r in exp_rows[:20]]
        lines += ["  got:      " + _show(r) for r in got_rows[:20]]
        return "\n".join(lines)
    return None


@dataclass(frozen=True)
class _Run:
    """One engine's run of a case: the last outcome, or why it did not get there."""

    last: Outcome | None
    failed_before: str | None = None  # "statement k/n failed: ..."


def _run_cases(dsn: str, casefile: CaseFile, engine: str) -> tuple[str | None, list[_Run]]:
    """Run setup and every case in one session; returns (setup failure, per-case runs)."""
    runs: list[_Run] = []
    setup_error: str | None = None
    try:
        conn = connect(dsn)
    except psycopg.Error as exc:
        msg = f"cannot connect to {engine}: {exc}"
        return msg, [_Run(None, msg) for _ in casefile.cases]
    with conn:
        for i, stmt in enumerate(casefile.setup, 1):
            out = execute(conn, stmt)
            if out.error is not None:
                setup_error = f"setup statement {i} failed on {engine}: {out.summary()}\n  {stmt}"
                break
        for case in casefile.cases:
            if conn.closed:
                runs.append(_Run(None, f"{engine} closed the connection"))
                continue
            try:
                runs.append(_run_case(conn, case))
            except psycopg.Error as exc:
                runs.append(_Run(None, f"{engine} closed the connection: {exc}"))
    return setup_error, runs


def _run_case(conn: psycopg.Connection[Any], case: Case) -> _Run:
    n = len(case.statements)
    for k, stmt in enumerate(case.statements[:-1], 1):
        out = execute(conn, stmt)
        if out.error is not None:
            return _Run(None, f"statement {k}/{n} failed with {out.error[0]}: {out.error[1]}")
    return _Run(execute(conn, case.statements[-1]))


def run_file(path: Path, pg_dsn: str, kuzu_dsn: str) -> list[CaseResult]:
    """Run one case file on two fresh databases and compare kuzugres with PostgreSQL.

    Raises BrokenSetup when the setup fails on PostgreSQL.
    """
    casefile = parse_file(path)
    pg_setup_error, pg_runs = _run_cases(pg_dsn, casefile, "PostgreSQL")
    if pg_setup_error is not None:
        raise BrokenSetup(f"{path.name}: {pg_setup_error}")
    kz_setup_error, kz_runs = _run_cases(kuzu_dsn, casefile, "kuzugres")
    results = []
    for case, pg, kz in zip(casefile.cases, pg_runs, kz_runs, strict=True):
        results.append(_verdict(case, pg, kz, kz_setup_error))
    return results


def _verdict(case: Case, pg: _Run, kz: _Run, kz_setup_error: str | None) -> CaseResult:
    base = {"file": case.file, "name": case.name, "category": case.category}
    if pg.last is None:
        broken = f"{case.id} is broken: on PostgreSQL, {pg.failed_before}"
        return CaseResult(**base, status="fail", detail=broken, expectation_error=broken)
    pg_message = pg.last.error[1] if pg.last.error else None
    if kz.last is None:
        detail = f"on kuzugres, {kz.failed_before}"
    else:
        ordered = has_top_level_order_by(case.statements[-1])
        detail = compare(pg.last, kz.last, ordered) or ""
    kz_message = kz.last.error[1] if kz.last is not None and kz.last.error else None
    if detail and kz_setup_error is not None:
        detail += "\n(" + kz_setup_error.splitlines()[0] + ")"
    return CaseResult(
        **base,
        status="fail" if detail else "pass",
        detail=detail,
        pg_message=pg_message,
        kuzu_message=kz_message,
    )


# -- servers ----------------------------------------------------------------------


class Engines:
    """A throwaway PostgreSQL 15 server plus a source of fresh kuzugres nodes."""

    def __init__(self) -> None:
        from tests.pgserver import start_postgres

        self.postgres = start_postgres()
        self._tmp = tempfile.TemporaryDirectory(prefix="kuzugres-diff-")
        self._serial = 0

    @contextmanager
    def databases(self, stem: str) -> Iterator[tuple[str, str]]:
        """A fresh PostgreSQL database and a fresh kuzugres node for one file: (pg_dsn, kuzu_dsn)."""
        from tests.serverproc import start_node

        self._serial += 1
        dbname = f"diff_{self._serial}_{stem}"[:63]
        with psycopg.connect(self.postgres.dsn, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{dbname}" TEMPLATE template0'.encode())
        pg_dsn = self.postgres.dsn.replace("dbname=postgres", f"dbname={dbname}")
        node = start_node(Path(self._tmp.name) / f"{self._serial}_{stem}")
        try:
            yield pg_dsn, node.dsn
        finally:
            node.stop()

    def run(self, path: Path) -> list[CaseResult]:
        """Run one case file on fresh databases."""
        with self.databases(path.stem) as (pg_dsn, kuzu_dsn):
            return run_file(path, pg_dsn, kuzu_dsn)

    def close(self) -> None:
        self.postgres.stop()
        self._tmp.cleanup()


# -- reporting ----------------------------------------------------------------------


def build_report(results: Iterable[CaseResult]) -> dict[str, Any]:
    """The JSON-able summary of a whole run (what report.json stores)."""
    results = list(results)
    cases: Counter[str] = Counter(r.category for r in results)
    passed: Counter[str] = Counter(r.category for r in results if r.status == "pass")
    categories = {
        cat: {"cases": cases[cat], "pass": passed[cat], "fail": cases[cat] - passed[cat]}
        for cat in CATEGORIES
        if cases[cat]
    }
    return {
        "categories": categories,
        "total": {
            "cases": len(results),
            "pass": sum(passed.values()),
            "fail": len(results) - sum(passed.values()),
        },
        "failing": {r.id: r.reason for r in results if r.status != "pass"},
    }


def load_report_tool() -> ModuleType:
    """tools/gen_differential_report.py as a module."""
    path = ROOT / "tools" / "gen_differential_report.py"
    spec = importlib.util.spec_from_file_location("gen_differential_report", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def previous_results(exclude: set[str]) -> list[CaseResult]:
    """The last recorded verdicts (report.json) of every case outside `exclude` files, so
    `--update FILE ...` refreshes only the files it ran."""
    failing = json.loads(REPORT_JSON.read_text(encoding="utf-8"))["failing"]
    return [
        CaseResult(
            case.file,
            case.name,
            case.category,
            "fail" if case.id in failing else "pass",
            failing.get(case.id, ""),
        )
        for case in all_cases()
        if case.file not in exclude
    ]


def write_update(results: list[CaseResult]) -> None:
    """Rewrite known_failures.txt, report.json and the docs section from a whole run."""
    report = build_report(results)
    failing = sorted(report["failing"])
    KNOWN_FAILURES.write_text(
        "# Generated by `python -m tests.differential.runner --update`: cases kuzugres does not\n"
        "# pass yet. A listed case that passes fails tests/test_differential.py.\n"
        + "".join(f"{case_id}\n" for case_id in failing),
        encoding="utf-8",
    )
    REPORT_JSON.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    load_report_tool().write_docs(report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.differential.runner", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--update", action="store_true", help="rewrite known_failures.txt, report.json and docs"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failing case")
    parser.add_argument("files", nargs="*", help="case file stems to run (default: all)")
    args = parser.parse_args(argv)
    paths = case_files()
    if args.files:
        paths = [p for p in paths if p.stem in set(args.files)]
    start = time.monotonic()
    engines = Engines()
    results: list[CaseResult] = []
    broken: list[str] = []
    try:
        for path in paths:
            try:
                results += engines.run(path)
            except BrokenSetup as exc:
                broken.append(str(exc))
    finally:
        engines.close()
    broken += [r.expectation_error for r in results if r.expectation_error]
    known = load_known_failures()
    report = build_report(results)
    print(f"{'category':<12} {'cases':>5} {'pass':>5} {'fail':>5}")
    for cat, row in report["categories"].items():
        print(f"{cat:<12} {row['cases']:>5} {row['pass']:>5} {row['fail']:>5}")
    total = report["total"]
    print(f"{'total':<12} {total['cases']:>5} {total['pass']:>5} {total['fail']:>5}")
    for r in results:
        if r.status == "fail" and (args.verbose or r.id not in known):
            print(f"FAIL {r.id}{'' if r.id not in known else ' (known)'}: {r.detail}")
        elif r.status == "pass" and r.id in known:
            print(f"PASS {r.id}: listed in known_failures.txt")
    for msg in broken:
        print(f"BROKEN {msg}", file=sys.stderr)
    print(f"{len(paths)} file(s) in {time.monotonic() - start:.1f} s")
    if broken:
        return 1
    if args.update:
        if args.files:
            results += previous_results(exclude={p.stem for p in paths})
        write_update(results)
        print("updated known_failures.txt, report.json and docs/compatibility.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
