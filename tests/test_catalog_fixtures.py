"""Replay clients' captured catalog queries on PostgreSQL 15 and on kuzugres.

tests/catalog_fixtures/psql.sql holds every query psql 15 sends for its describe
commands (\\l, \\dn, \\dt, \\d, \\d t, \\d+ t, \\di, \\dv, \\ds, \\df, \\du, \\dT, ...), captured
from a real PostgreSQL 15 by tools/capture_psql_catalog.py after running
tests/catalog_fixtures/psql_setup.sql. The other files (sqlalchemy.sql, asyncpg.sql,
pgjdbc.sql, ...) hold what other clients send, captured from PostgreSQL 15's statement
log by tools/capture_client_catalog.py after the setup file named in their header,
with the parameters of extended-protocol queries (`-- params: [...]`, sent as text of
unknown type). Each query becomes one test that runs it on both servers (same setup
DDL) and compares the answers.

Both servers are made to hold the same facts: the client connects as `postgres` to a
database named `kuzugres`, and PostgreSQL's other databases (postgres, template0,
template1) are dropped, since a kuzugres node serves exactly one database and its
session user is the bootstrap role (OID 10).

Comparison rules:
- column names, column type OIDs and the number of rows must be equal;
- values are compared in PostgreSQL's text output, row by row, in the order the
  query returns them (psql's queries all have ORDER BY where order matters); the rows
  of a query without ORDER BY anywhere are compared sorted, since their order is
  unspecified in PostgreSQL; so are the rows naming a user object's (masked) OID, since
  an ORDER BY over OIDs orders them by OIDs that legitimately differ (see below);
- OIDs of user objects legitimately differ (kuzugres derives them from names with
  `stable_oid`, PostgreSQL counts from 16384): on each server every user object's
  OID (relations, row types, schemas, constraints, defaults, the database) is
  replaced, wherever it appears as a whole number in a value, by `<kind:name>`;
  `{oid:x}` placeholders in the fixture text are resolved per server the same way;
- nothing else is masked: sizes, owners, ACLs and descriptions must match.

Queries that do not pass yet are listed in KNOWN_FAILURES (`client: query id`) with the
reason; they are expected to fail (strict xfail), so one that starts passing fails the
suite until it is removed from the list: the number of passing queries can only grow.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pglast
import pytest

from tests.serverproc import NodeProcess, start_node

FIXTURES = Path(__file__).with_name("catalog_fixtures")

# "client: step #n" -> why kuzugres's answer differs from PostgreSQL 15's (for now).
_SIZES = (
    "relation sizes: kuzugres reports 0 bytes (Kuzu keeps every table in one file and "
    "cannot say how much of it one relation uses); PostgreSQL counts its pages"
)
KNOWN_FAILURES: dict[str, str] = {
    r"psql: \dt+ #1": _SIZES,
    r"psql: \di+ #1": _SIZES,
    r"psql: \ds+ #1": _SIZES,
    r"psql: \l+ #1": "database size: kuzugres reports 0 bytes (see relation sizes)",
    r"psql: \dx #1": "kuzugres has no extensions (pg_extension is empty); PostgreSQL lists plpgsql",
    r"psql: \dconfig #1": (
        "settings changed from their defaults are per server by nature (port, data "
        "directory, config files, listen_addresses ...)"
    ),
    "sqlalchemy: connect #1": (
        "version() says kuzugres on Kuzu (and the PostgreSQL version it presents), by design"
    ),
    **{
        f"pgjdbc_meta: KuzugresJdbcMeta #{n}": (
            "getIndexInfo's PAGES: kuzugres reports 0 pages for every relation (see relation "
            "sizes); PostgreSQL counts a new btree's metapage"
        )
        for n in (12, 13, 18, 19)
    },
}


@dataclass(frozen=True)
class FixtureQuery:
    id: str  # "client: step #n"
    sql: str
    setup: str  # file of tests/catalog_fixtures applied to both servers first
    params: tuple[str | None, ...] | None = None  # None: no parameters (psql's queries)


def load_fixtures() -> list[FixtureQuery]:
    """Every captured query: psql.sql's `-- command: <psql command> #<n>` blocks and the
    other files' `-- query: <step> #<n>` blocks (with `-- params: <JSON list>`)."""
    out = []
    for path in sorted(FIXTURES.glob("*.sql")):
        client = path.stem
        if client.endswith("_setup"):
            continue
        text = path.read_text()
        if client == "psql":
            setup, header = "psql_setup.sql", "command"
        else:
            found = re.search(r"^-- setup: (\S+)$", text, re.M)
            assert found is not None, f"{path} names no setup file"
            setup, header = found.group(1), "query"
        for block in re.split(rf"^-- {header}: ", text, flags=re.M)[1:]:
            name, _, sql = block.partition("\n")
            params = None
            if sql.startswith("-- params: "):
                line, _, sql = sql.partition("\n")
                params = tuple(json.loads(line.removeprefix("-- params: ")))
            out.append(FixtureQuery(f"{client}: {name.strip()}", sql.strip(), setup, params))
    return out


QUERIES = load_fixtures()

# Every user object's OID on a server, as `<kind:name>`.
USER_OIDS = """
SELECT oid::int8, 'rel:' || relname FROM pg_catalog.pg_class WHERE oid >= 16384
UNION ALL SELECT oid::int8, 'type:' || typname FROM pg_catalog.pg_type WHERE oid >= 16384
UNION ALL SELECT oid::int8, 'schema:' || nspname FROM pg_catalog.pg_namespace WHERE oid >= 16384
UNION ALL SELECT oid::int8, 'con:' || conname FROM pg_catalog.pg_constraint WHERE oid >= 16384
UNION ALL SELECT oid::int8, 'def:' || adrelid::int8 || '.' || adnum
  FROM pg_catalog.pg_attrdef WHERE oid >= 16384
UNION ALL SELECT oid::int8, 'db:' || datname FROM pg_catalog.pg_database
"""


class Server:
    """A connection to one server with its user-object OID map."""

    def __init__(self, dsn: str, setup: str) -> None:
        import psycopg

        self.conn = psycopg.connect(dsn, autocommit=True)
        for statement in (s.strip() for s in setup.split(";")):
            if statement:
                self.conn.execute(statement)
        rows = self.conn.execute(USER_OIDS).fetchall()
        self.masks = {str(oid): f"<{name}>" for oid, name in rows}
        self.oid_of = {
            name.split(":", 1)[1]: str(oid)
            for oid, name in rows
            if name.startswith(("rel:", "schema:"))
        }

    def resolve(self, sql: str) -> str:
        def oid(m: re.Match[str]) -> str:
            name = m.group(1)
            return self.oid_of[name.rsplit(".", 1)[-1] if "." in name else name]

        return re.sub(r"\{oid:([^}]+)\}", oid, sql)

    def answer(self, sql: str, params: tuple[str | None, ...] | None = None) -> tuple[Any, ...]:
        """(column names, type OIDs, rows of masked text values) or ('error', sqlstate, msg).

        With `params` the query runs as one extended-protocol execution of `$n` SQL,
        the parameters sent as text of unknown type (the server infers them, as for
        the client, which sent them typed or not)."""
        import psycopg
        from psycopg import pq

        text = self.resolve(sql)
        if params is None:
            try:
                cur = self.conn.execute(text.encode(), binary=False)
            except psycopg.Error as exc:
                return ("error", exc.sqlstate, str(exc).splitlines()[0])
            res = cur.pgresult
        else:
            values = [None if p is None else self.resolve(p).encode() for p in params]
            res = self.conn.pgconn.exec_params(text.encode(), values, result_format=0)
            if res.status not in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
                state = res.error_field(pq.DiagnosticField.SQLSTATE) or b""
                message = res.error_field(pq.DiagnosticField.MESSAGE_PRIMARY) or b""
                return ("error", state.decode(), message.decode())
        assert res is not None
        names = [(res.fname(c) or b"").decode() for c in range(res.nfields)]
        types = [res.ftype(c) for c in range(res.nfields)]
        rows = []
        for r in range(res.ntuples):
            row = []
            for c in range(res.nfields):
                value = res.get_value(r, c)
                row.append(None if value is None else self.mask(value.decode()))
            rows.append(tuple(row))
        return (names, types, rows)

    def mask(self, text: str) -> str:
        return re.sub(r"\b\d{5,}\b", lambda m: self.masks.get(m.group(0), m.group(0)), text)


@pytest.fixture(scope="module")
def server_pair(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str], tuple[Server, Server]]]:
    """(PostgreSQL 15, kuzugres) with a setup file applied, one pair per setup file."""
    pairs: dict[str, tuple[Server, Server]] = {}
    stack = contextlib.ExitStack()

    def pair(setup: str) -> tuple[Server, Server]:
        if setup not in pairs:
            pg_dsn, kuzu_dsn = stack.enter_context(_servers(tmp_path_factory))
            text = (FIXTURES / setup).read_text()
            pairs[setup] = (Server(pg_dsn, text), Server(kuzu_dsn, text))
        return pairs[setup]

    with stack:
        yield pair


@contextlib.contextmanager
def _servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    from tests.pgserver import PostgresUnavailable, start_postgres

    try:
        pg = start_postgres()
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL 15 is required in CI: {exc}")
        pytest.skip(f"PostgreSQL 15 is not available: {exc}")
    node: NodeProcess | None = None
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
        node = start_node(Path(tmp_path_factory.mktemp("fixtures")) / "node")
        kuzu_dsn = f"host=127.0.0.1 port={node.port} user=postgres dbname=kuzugres"
        yield base, kuzu_dsn
    finally:
        if node is not None:
            node.stop()
        pg.stop()


@pytest.mark.parametrize("query", QUERIES, ids=[q.id for q in QUERIES])
def test_catalog_query_matches_postgres(
    query: FixtureQuery, server_pair: Callable[[str], tuple[Server, Server]]
) -> None:
    pg, kuzugres = server_pair(query.setup)
    expected = pg.answer(query.sql, query.params)
    assert expected[0] != "error", f"PostgreSQL rejects the fixture: {expected}"
    got = kuzugres.answer(query.sql, query.params)
    if not _ordered(query.sql):
        expected, got = _unordered(expected), _unordered(got)
    else:
        expected, got = _user_rows_unordered(expected), _user_rows_unordered(got)
    if query.id in KNOWN_FAILURES:
        if got == expected:
            pytest.fail(f"{query.id} passes now: remove it from KNOWN_FAILURES")
        pytest.xfail(KNOWN_FAILURES[query.id])
    assert got == expected


def _ordered(sql: str) -> bool:
    """Whether the statement's own (top-level) ORDER BY fixes its row order; an ORDER BY
    inside an aggregate or subquery does not."""
    try:
        stmt = pglast.parse_sql(sql)[0].stmt
    except pglast.parser.ParseError:  # `{oid:...}` placeholders: read the text instead
        return re.search(r"\bORDER\s+BY\b", sql, re.I) is not None
    return bool(getattr(stmt, "sortClause", None))


def _user_rows_unordered(answer: tuple[Any, ...]) -> tuple[Any, ...]:
    """The rows naming a user object (a masked `<kind:name>` OID) moved to the end and
    sorted: an ORDER BY over OIDs orders them by OIDs that legitimately differ; every
    other row keeps its place."""
    if answer[0] == "error":
        return answer
    names, types, rows = answer
    user = [r for r in rows if any(v is not None and _USER_OID.search(v) for v in r)]
    if not user:
        return answer
    rest = [r for r in rows if r not in user]
    return (names, types, rest + sorted(user, key=lambda r: [(v is None, v or "") for v in r]))


_USER_OID = re.compile(r"<\w+:[^>]*>")


def _unordered(answer: tuple[Any, ...]) -> tuple[Any, ...]:
    if answer[0] == "error":
        return answer
    names, types, rows = answer
    return (names, types, sorted(rows, key=lambda r: [(v is None, v or "") for v in r]))


def test_known_failures_name_fixture_queries() -> None:
    ids = {q.id for q in QUERIES}
    assert not set(KNOWN_FAILURES) - ids
