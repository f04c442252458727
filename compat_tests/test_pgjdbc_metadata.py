"""pgjdbc's DatabaseMetaData and ResultSetMetaData: kuzugres answers as PostgreSQL 15 does.

compat_tests/java/KuzugresJdbcMeta.java runs the same setup DDL on a server, then calls
the DatabaseMetaData methods (getCatalogs, getSchemas, getTables, getColumns,
getPrimaryKeys, getImportedKeys, getExportedKeys, getIndexInfo, getTypeInfo, getFunctions,
...), describes the ResultSetMetaData of a join, and replays what DBeaver reads when it
opens a connection (current_schema(), SHOW search_path, pg_settings, pg_database,
pg_namespace, pg_class, pg_attribute, pg_type, keywords) and a free query session. It
prints one section per call. The program runs once against a fresh kuzugres node and once
against a throwaway PostgreSQL 15 made to look like one (a database named `kuzugres`
reached as `postgres`, its other databases dropped, as in tests/test_catalog_fixtures.py),
and each section must print the same text on both.

The program prints rows in the driver's order where JDBC fixes it and sorted where it
does not (getTypeInfo, getFunctions, getProcedures), and no user object's OID reaches
its output. One value is normalized: getIndexInfo's PAGES (pg_class.relpages of the
index), which kuzugres reports as 0 for every relation (Kuzu keeps all tables in one
file and cannot say how many pages one index uses; PostgreSQL counts a fresh btree's
metapage), as tests/test_catalog_fixtures.py's size differences. Sections that differ for a known reason are listed in
KNOWN_DIFFERENCES and expected to fail (strict xfail): one that starts passing fails
the suite until it is removed from the list.

The node is a fresh one rather than the session's shared `node`: getTables and getColumns
list everything in `public`, where other compat tests leave their tables.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from compat_tests.test_pgjdbc import compile_java
from tests.serverproc import start_node

SOURCE = Path(__file__).with_name("java") / "KuzugresJdbcMeta.java"

SETUP = """\
CREATE TABLE customers (id serial PRIMARY KEY, email varchar(80) NOT NULL UNIQUE,
                        name text DEFAULT 'anonymous', active boolean NOT NULL DEFAULT true);
CREATE TABLE tags (code varchar(10) PRIMARY KEY, label text);
CREATE TABLE orders (id bigint PRIMARY KEY,
                     customer_id integer NOT NULL REFERENCES customers (id),
                     total numeric(10,2),
                     placed timestamp,
                     ref uuid,
                     extra jsonb,
                     notes text[],
                     tag varchar(10) REFERENCES tags (code));
CREATE INDEX orders_customer ON orders (customer_id);
CREATE TABLE order_lines (order_id bigint NOT NULL REFERENCES orders (id),
                          line integer NOT NULL,
                          qty integer NOT NULL,
                          price numeric(8,3),
                          PRIMARY KEY (order_id, line));
CREATE VIEW order_totals AS SELECT customer_id, total FROM orders;
INSERT INTO customers (email, name) VALUES ('a@example.com', 'Ann');
INSERT INTO customers (email) VALUES ('b@example.com');
INSERT INTO orders (id, customer_id, total, placed) VALUES (10, 1, 12.50, '2024-01-02 03:04:05');
"""

TABLES = ("customers", "orders", "order_lines", "tags")
SECTIONS = (
    "getCatalogs",
    "getSchemas",
    "getSchemas(public)",
    "getTableTypes",
    "getTables",
    "getTables(VIEW)",
    "getColumns",
    *(
        f"{method} {table}"
        for table in TABLES
        for method in (
            "getPrimaryKeys",
            "getImportedKeys",
            "getExportedKeys",
            "getIndexInfo",
            "getIndexInfo unique",
            "getBestRowIdentifier",
        )
    ),
    "getCrossReference",
    "getTypeInfo",
    "getFunctions",
    "getProcedures",
    "getUDTs",
    "getSuperTables",
    "ResultSetMetaData join",
    "query current_schema",
    "query show search_path",
    "query settings",
    "query version",
    "query databases",
    "query namespaces",
    "query classes",
    "query attributes",
    "query types",
    "query constraints",
    "query indexes",
    "query keywords",
    "query keywords not in SQL:2003",
    "query namespace rows",
    "free query",
    "read-only transaction",
    "free query view",
)

KNOWN_DIFFERENCES: dict[str, str] = {
    "query version": (
        "kuzugres announces server_version 16 (compat_tests/test_pgjdbc.py checks it); "
        "the reference server is PostgreSQL 15"
    ),
}


def parse_sections(output: str) -> dict[str, list[str]]:
    """`== name` headers and the lines under each (PAGES normalized, see above)."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in output.splitlines():
        if line.startswith("== "):
            current = out.setdefault(line[3:], [])
        elif line == "DONE":
            current = None
        elif current is not None:
            current.append(re.sub(r"\|PAGES=\d+\|", "|PAGES=<pages>|", line))
    return out


@pytest.fixture(scope="module")
def answers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, list[str]], dict[str, list[str]]]]:
    """(PostgreSQL 15's sections, kuzugres's sections)."""
    work = tmp_path_factory.mktemp("jdbc_meta")
    java, jar = compile_java(SOURCE, work)
    setup = work / "setup.sql"
    setup.write_text(SETUP)

    def run(port: int) -> dict[str, list[str]]:
        result = subprocess.run(
            [
                java,
                "-Duser.timezone=UTC",
                "-Dfile.encoding=UTF-8",
                "-cp",
                f"{work}{os.pathsep}{jar}",
                "KuzugresJdbcMeta",
                "127.0.0.1",
                str(port),
                "kuzugres",
                "postgres",
                str(setup),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"java exited {result.returncode}:\n{result.stderr}"
        assert result.stdout.rstrip().endswith("DONE"), result.stdout
        return parse_sections(result.stdout)

    from tests.pgserver import PostgresUnavailable, start_postgres

    try:
        pg = start_postgres()
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL 15 is required in CI: {exc}")
        pytest.skip(f"PostgreSQL 15 is not available: {exc}")
    node = None
    try:
        import psycopg

        with psycopg.connect(pg.dsn, autocommit=True) as admin:
            admin.execute("CREATE DATABASE kuzugres")
        base = f"host=127.0.0.1 port={pg.port} user=postgres dbname=kuzugres"
        with psycopg.connect(base, autocommit=True) as admin:
            for db in ("template0", "template1"):
                admin.execute(f"ALTER DATABASE {db} IS_TEMPLATE false")
            for db in ("postgres", "template0", "template1"):
                admin.execute(f"DROP DATABASE {db}")
        expected = run(pg.port)
        node = start_node(work / "node")
        got = run(node.port)
        yield expected, got
    finally:
        if node is not None:
            node.stop()
        pg.stop()


@pytest.mark.parametrize("section", SECTIONS)
def test_section_matches_postgres(
    section: str, answers: tuple[dict[str, list[str]], dict[str, list[str]]]
) -> None:
    expected, got = answers
    assert section in expected, f"the program printed no section {section!r}"
    if section in KNOWN_DIFFERENCES:
        if got.get(section) == expected[section]:
            pytest.fail(f"{section} matches now: remove it from KNOWN_DIFFERENCES")
        pytest.xfail(KNOWN_DIFFERENCES[section])
    assert got.get(section) == expected[section]


def test_every_section_is_compared(
    answers: tuple[dict[str, list[str]], dict[str, list[str]]],
) -> None:
    expected, got = answers
    assert set(expected) == set(SECTIONS)
    assert set(got) == set(SECTIONS)
    assert not set(KNOWN_DIFFERENCES) - set(SECTIONS)
