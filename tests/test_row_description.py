"""RowDescription names the table and column a result column comes from (issue 4).

pgjdbc's ResultSetMetaData.getTableName/isAutoIncrement and BI tools' editable result
sets read these two fields; PostgreSQL sends 0 for computed columns.
"""

from __future__ import annotations

import psycopg

from tests.serverproc import NodeProcess
from tests.wire import RawClient


def _fields(node: NodeProcess, sql: str) -> list[tuple[str, int, int]]:
    client = RawClient(node.port)
    try:
        out = client.query(sql)
    finally:
        client.close()
    desc = next(v for n, v in out if n == "RowDescription")
    return [(f.name, f.table_oid, f.column) for f in desc]


def test_table_columns_carry_their_origin(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE TABLE rd_owner (id int PRIMARY KEY, name text, note text)")
        c.execute("CREATE TABLE rd_pet (id int PRIMARY KEY, owner int REFERENCES rd_owner)")
        owner = c.execute("SELECT 'rd_owner'::regclass::oid").fetchone()[0]  # type: ignore[index]
        pet = c.execute("SELECT 'rd_pet'::regclass::oid").fetchone()[0]  # type: ignore[index]
    assert _fields(node, "SELECT * FROM rd_owner") == [
        ("id", owner, 1),
        ("name", owner, 2),
        ("note", owner, 3),
    ]
    assert _fields(
        node,
        "SELECT p.id, o.name AS who, upper(o.name), 1 AS one "
        "FROM rd_pet p JOIN rd_owner o ON o.id = p.owner",
    ) == [("id", pet, 1), ("who", owner, 2), ("upper", 0, 0), ("one", 0, 0)]
    # a derived table passes its columns' origin through; a set operation does not
    assert _fields(node, "SELECT s.name FROM (SELECT name FROM rd_owner) s") == [("name", owner, 2)]
    assert _fields(node, "SELECT id FROM rd_owner UNION SELECT id FROM rd_pet") == [("id", 0, 0)]


def test_catalog_columns_carry_their_origin(node: NodeProcess) -> None:
    assert _fields(node, "SELECT relname FROM pg_catalog.pg_class LIMIT 1") == [
        ("relname", 1259, 2)
    ]
