"""Capture the catalog queries psql 15 sends for its describe commands.

Starts a throwaway PostgreSQL 15 (tests/pgserver.py), creates the `kuzugres`
database a kuzugres node presents, applies (as `postgres`) the setup DDL of
tests/catalog_fixtures/psql_setup.sql, runs `psql -E` for each backslash command
in COMMANDS and writes every query psql echoes to tests/catalog_fixtures/psql.sql.

OIDs of user objects appear as literals in psql's follow-up queries (psql first
looks the table up, then sends `WHERE c.oid = '16390'`); they are written as
`{oid:schema.name}` placeholders that the replay test resolves on each server.

Usage: python -m tools.capture_psql_catalog
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.pgserver import start_postgres

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "catalog_fixtures"
SETUP = FIXTURES / "psql_setup.sql"
OUT = FIXTURES / "psql.sql"

# The psql commands whose queries are captured, in order.
COMMANDS = (
    r"\l",
    r"\dn",
    r"\dt",
    r"\d",
    r"\d customers",
    r"\d orders",
    r"\d+ orders",
    r"\d order_totals",
    r"\di",
    r"\dv",
    r"\ds",
    r"\df",
    r"\du",
    r"\dT",
    r"\dt+",
    r"\dn+",
    r"\d+ customers",
    r"\l+",
    r"\di+",
    r"\ds+",
    r"\dv+",
    r"\d+ order_totals",
    r"\d invoice_numbers",
    r"\d customers_pkey",
    r"\d orders_customer",
    r"\dT+",
    r"\df+",
    r"\du+",
    r"\dp",
    r"\dd",
    r"\dx",
    r"\dE",
    r"\dm",
    r"\dD",
    r"\dC",
    r"\dc",
    r"\do",
    r"\dy",
    r"\dconfig",
    r"\dt sales.*",
    r"\d notes",
    r"\d customers_id_seq",
    r"\d+ customers_pkey",
    r"\dt public.*",
    r"\dt *.cust*",
    r"\dS pg_am",
    r"\d nosuch",
)

QUERY_BLOCK = re.compile(r"\*{9} QUERY \*{10}\n(.*?)\n\*{26}\n", re.S)


def _psql(port: int, command: str) -> str:
    psql = shutil.which("psql")
    assert psql is not None, "psql is not installed"
    env = dict(os.environ, PSQLRC="/dev/null", PAGER="cat", LC_ALL="C.UTF-8")
    result = subprocess.run(
        [psql, "-X", "-E", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "kuzugres"]
        + ["-c", command],
        capture_output=True,
        text=True,
        env=env,
        check=False,  # `\\d nosuch` exits 1 after sending its query
        timeout=60,
    )
    return result.stdout


def _admin(port: int, sql: str, db: str = "postgres", user: str = "postgres") -> str:
    psql = shutil.which("psql")
    assert psql is not None
    result = subprocess.run(
        [psql, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port)]
        + ["-U", user, "-d", db, "-c", sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


def user_oids(port: int) -> dict[str, str]:
    """OID -> `schema.name` for every user relation and schema."""
    rows = _admin(
        port,
        "SELECT c.oid, n.nspname || '.' || c.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid >= 16384 "
        "UNION ALL SELECT oid, nspname FROM pg_namespace WHERE oid >= 16384",
        db="kuzugres",
    )
    return dict(line.split("|", 1) for line in rows.splitlines() if line)


def main() -> None:
    server = start_postgres()
    try:
        _admin(server.port, "CREATE DATABASE kuzugres")
        _admin(server.port, SETUP.read_text(), db="kuzugres")
        oids = user_oids(server.port)
        parts = [
            "-- psql 15 describe-command queries, captured by tools/capture_psql_catalog.py.\n"
            "-- Do not edit by hand: re-run the tool. `{oid:x}` is the OID of object x.\n"
        ]
        for command in COMMANDS:
            for number, query in enumerate(QUERY_BLOCK.findall(_psql(server.port, command)), 1):
                query = re.sub(
                    r"'(\d{5,})'",
                    lambda m: f"'{{oid:{oids[m.group(1)]}}}'" if m.group(1) in oids else m.group(0),
                    query,
                )
                parts.append(f"\n-- command: {command} #{number}\n{query.strip()}\n")
        OUT.write_text("".join(parts))
        print(f"wrote {OUT}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
