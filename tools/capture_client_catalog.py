"""Capture the catalog queries a client program sends, from a real PostgreSQL 15's log.

Starts a throwaway PostgreSQL 15 (tests/pgserver.py) with `log_statement = all`, creates
the `kuzugres` database a kuzugres node presents (and the role `tester` its compat
programs log in as), applies the client's setup DDL, runs the client against it and
parses the server log into the statements the client sent. Those that read the
catalog (`pg_catalog`, `information_schema`, `pg_*` functions and types) are written,
with the parameters of extended-protocol executions (the log's `DETAIL:  parameters:`
line), to tests/catalog_fixtures/<client>.sql; tests/test_catalog_fixtures.py replays
them on PostgreSQL 15 and on kuzugres and compares the answers.

A client is one entry in CLIENTS: a setup file and a function that runs the client
against a port. Statements are grouped under the step that sent them (`step #n`):
Python clients mark their steps; a Java program is one step.

OIDs of user objects in the query text or a parameter are written as `{oid:schema.name}`
placeholders that the replay test resolves on each server.

Usage: python -m tools.capture_client_catalog [client ...]   (default: every client)
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.pgserver import PostgresServer, start_postgres

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "catalog_fixtures"
JAVA = ROOT / "compat_tests" / "java"

#: Steps call this between the requests of one logical action; the tool reads the log
#: up to that point and files what it found under the step's name.
Mark = Callable[[str], None]


@dataclass(frozen=True)
class Client:
    """A client program whose catalog queries are captured."""

    setup: str  # file in tests/catalog_fixtures applied before the client runs
    run: Callable[[int, Mark], None]  # runs the client against 127.0.0.1:<port>
    about: str  # one line for the fixture's header


# -- clients


def _sqlalchemy(port: int, mark: Mark) -> None:
    """SQLAlchemy 2 on psycopg 3: what `inspect()` and `MetaData.reflect()` ask."""
    import sqlalchemy as sa

    engine = sa.create_engine(f"postgresql+psycopg://tester@127.0.0.1:{port}/kuzugres")
    try:
        with engine.connect() as conn:
            mark("connect")
            insp = sa.inspect(conn)
            for schema in (None, "sales"):
                insp.get_table_names(schema=schema)
                insp.get_view_names(schema=schema)
                insp.get_sequence_names(schema=schema)
                mark(f"names {schema or 'default'}")
            insp.get_schema_names()
            mark("get_schema_names")
            for table in ("customers", "orders", "items"):
                for method in (
                    "get_columns",
                    "get_pk_constraint",
                    "get_foreign_keys",
                    "get_indexes",
                    "get_unique_constraints",
                    "get_check_constraints",
                    "get_table_comment",
                ):
                    getattr(insp, method)(table)
                    mark(f"{method} {table}")
            insp.get_columns("order_totals")
            insp.get_view_definition("order_totals")
            mark("view order_totals")
            insp.get_multi_columns(schema="sales")
            mark("get_multi_columns sales")
        with engine.connect() as conn:
            sa.MetaData().reflect(conn)
            mark("MetaData.reflect")
    finally:
        engine.dispose()


def _asyncpg(port: int, mark: Mark) -> None:
    """asyncpg: its type introspection for jsonb codecs, arrays and domains."""
    import asyncpg

    async def main() -> None:
        conn = await asyncpg.connect(f"postgresql://tester@127.0.0.1:{port}/kuzugres")
        try:
            mark("connect")
            await conn.set_type_codec(
                "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
            )
            mark("set_type_codec jsonb")
            await conn.fetch("SELECT id, attrs, tags, scores FROM items")
            mark("fetch jsonb and arrays")
            await conn.fetch(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' ORDER BY 1, 2"
            )
            mark("fetch information_schema domains")
            await conn.fetchval("SELECT 'items'::regclass")
            mark("fetch regclass")
        finally:
            await conn.close()

    asyncio.run(main())


def _django(port: int, mark: Mark) -> None:
    """Django 5 (psycopg 3): the introspection of `inspectdb` and `showmigrations`."""
    manage = ROOT / "compat_tests" / "django_app" / "manage.py"
    env = dict(os.environ, DJANGO_DB_PORT=str(port), DJANGO_DB_USER="tester")
    for command in (["inspectdb"], ["showmigrations"]):
        subprocess.run(
            [sys.executable, str(manage), *command],
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        mark(command[0])


def _java(program: str, *args: str) -> Callable[[int, Mark], None]:
    """A Java program of compat_tests/java run with pgjdbc: `java <Program> <port> args...`,
    or with `args` as given when one of them holds a `{port}` placeholder."""

    def run(port: int, mark: Mark) -> None:
        javac, java = shutil.which("javac"), shutil.which("java")
        jar = Path(os.environ.get("PGJDBC_JAR", "/usr/share/java/postgresql.jar"))
        if javac is None or java is None or not jar.is_file():
            raise SystemExit("javac, java and pgjdbc (libpostgresql-jdbc-java) are needed")
        with tempfile.TemporaryDirectory() as classes:
            subprocess.run(
                [javac, "-encoding", "UTF-8", "-d", classes, "-cp", str(jar), str(JAVA / program)],
                check=True,
                timeout=300,
            )
            result = subprocess.run(
                [java, "-Duser.timezone=UTC", "-cp", f"{classes}{os.pathsep}{jar}"]
                + [program.removesuffix(".java"), *_java_args(port, args)],
                check=False,  # its checks are kuzugres's expectations, not PostgreSQL's
                capture_output=True,
                text=True,
                timeout=300,
            )
            if os.environ.get("CAPTURE_VERBOSE"):
                print(result.stdout, result.stderr)
        mark(program.removesuffix(".java"))

    return run


def _java_args(port: int, args: tuple[str, ...]) -> list[str]:
    if any("{port}" in a for a in args):
        return [a.format(port=port) for a in args]
    return [str(port), *args]


#: One entry per client. KuzugresJdbc sends no catalog query (pgjdbc knows the built-in
#: types); KuzugresJdbcMeta makes the DatabaseMetaData calls and a DBeaver-like session.
CLIENTS: dict[str, Client] = {
    "sqlalchemy": Client("clients_setup.sql", _sqlalchemy, "SQLAlchemy 2 on psycopg 3"),
    "asyncpg": Client("clients_setup.sql", _asyncpg, "asyncpg's type introspection"),
    "pgjdbc": Client("clients_setup.sql", _java("KuzugresJdbc.java", "jdbc_capture"), "pgjdbc"),
    "django": Client("clients_setup.sql", _django, "Django 5's inspectdb and showmigrations"),
    "pgjdbc_meta": Client(
        "clients_setup.sql",
        _java("KuzugresJdbcMeta.java", "127.0.0.1", "{port}", "kuzugres", "postgres"),
        "pgjdbc's DatabaseMetaData and a DBeaver-like session",
    ),
}


# -- the server log


@dataclass(frozen=True)
class Captured:
    """One statement the client sent, with its parameters (None: SQL NULL)."""

    step: str
    sql: str
    params: tuple[str | None, ...] = ()


_ENTRY = re.compile(r"^<\d+> (LOG|DETAIL|ERROR|STATEMENT|HINT|WARNING|NOTICE|FATAL):  ", re.M)
_EXECUTE = re.compile(r"^(?:statement|execute [^:]*): (.*)$", re.S)
_PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
CATALOG = re.compile(
    r"\bpg_\w+|\binformation_schema\b|\b(?:oid|regclass|regtype|regproc|regnamespace)\b", re.I
)


def parse_log(text: str, step: str) -> Iterator[Captured]:
    """The statements of a log excerpt written with log_line_prefix '<%p> '."""
    marks = list(_ENTRY.finditer(text))
    entries = [
        (m.group(1), text[m.end() : marks[i + 1].start() if i + 1 < len(marks) else None])
        for i, m in enumerate(marks)
    ]
    for i, (level, body) in enumerate(entries):
        found = _EXECUTE.match(body.rstrip("\n")) if level == "LOG" else None
        if found is None:
            continue
        params: tuple[str | None, ...] = ()
        if i + 1 < len(entries) and entries[i + 1][0] == "DETAIL":
            detail = entries[i + 1][1]
            if detail.startswith("parameters: "):
                params = tuple(
                    None if v == "NULL" else v[1:-1].replace("''", "'")
                    for _, v in _PARAM.findall(detail)
                )
        yield Captured(step, found.group(1).strip(), params)


# -- capture


def _admin(server: PostgresServer, sql: str, db: str = "postgres") -> list[tuple[Any, ...]]:
    import psycopg

    dsn = f"host=127.0.0.1 port={server.port} user=postgres dbname={db}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []


def capture(name: str, client: Client) -> list[Captured]:
    """Run one client against a fresh PostgreSQL 15; the catalog statements it sent."""
    server = start_postgres(
        {"log_statement": "'all'", "log_line_prefix": "'<%p> '", "log_min_messages": "warning"}
    )
    log = server.datadir.parent / "log"
    try:
        _admin(server, "CREATE ROLE tester SUPERUSER LOGIN")
        _admin(server, "CREATE DATABASE kuzugres")
        _admin(server, (FIXTURES / client.setup).read_text(), db="kuzugres")
        out: list[Captured] = []
        offset = log.stat().st_size

        def mark(step: str) -> None:
            nonlocal offset
            with open(log, encoding="utf-8", errors="replace") as f:
                f.seek(offset)
                text = f.read()
                offset = f.tell()
            out.extend(parse_log(text, step))

        client.run(server.port, mark)
        mark("end")
        oids = {
            str(oid): f"{schema}.{rel}"
            for oid, schema, rel in _admin(
                server,
                "SELECT c.oid::int8, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE c.oid >= 16384 UNION ALL "
                "SELECT oid::int8, nspname, nspname FROM pg_namespace WHERE oid >= 16384",
                db="kuzugres",
            )
        }
    finally:
        server.stop()

    def placeholders(text: str) -> str:
        return re.sub(
            r"\b\d{5,}\b",
            lambda m: f"{{oid:{oids[m.group(0)]}}}" if m.group(0) in oids else m.group(0),
            text,
        )

    seen: set[tuple[str, tuple[str | None, ...]]] = set()
    kept = []
    for c in out:
        if not CATALOG.search(c.sql):
            continue
        c = Captured(
            c.step,
            placeholders(c.sql),
            tuple(None if p is None else placeholders(p) for p in c.params),
        )
        if (c.sql, c.params) not in seen:
            seen.add((c.sql, c.params))
            kept.append(c)
    return kept


def write(name: str, client: Client, captured: list[Captured]) -> Path:
    """tests/catalog_fixtures/<name>.sql: `-- query: step #n`, `-- params: [...]`, the SQL."""
    parts = [
        f"-- {client.about}: catalog queries captured by tools/capture_client_catalog.py.\n"
        "-- Do not edit by hand: re-run the tool. `{oid:x}` is the OID of object x.\n"
        f"-- setup: {client.setup}\n"
    ]
    numbers: dict[str, int] = {}
    for c in captured:
        numbers[c.step] = numbers.get(c.step, 0) + 1
        parts.append(f"\n-- query: {c.step} #{numbers[c.step]}\n")
        if c.params:
            parts.append(f"-- params: {json.dumps(list(c.params))}\n")
        sql = c.sql if c.sql.endswith(";") else c.sql + ";"
        parts.append(sql + "\n")
    path = FIXTURES / f"{name}.sql"
    path.write_text("".join(parts))
    return path


def main(names: list[str]) -> None:
    for name in names or list(CLIENTS):
        client = CLIENTS[name]
        captured = capture(name, client)
        print(f"{write(name, client, captured)}: {len(captured)} queries")


if __name__ == "__main__":
    main(sys.argv[1:])
