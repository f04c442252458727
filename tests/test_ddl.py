"""DDL on a real node: CREATE/DROP/TRUNCATE, transactional DDL, the catalog across restarts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from tests.serverproc import start_node


@contextmanager
def connected(data: Path) -> Iterator[psycopg.Connection]:
    """An autocommit connection to a node started on `data`; the node stops afterwards."""
    n = start_node(data)
    try:
        with psycopg.connect(n.dsn, autocommit=True) as c:
            yield c
    finally:
        n.stop()


def kuzu_tables(c: psycopg.Connection) -> set[str]:
    rows = c.execute("SELECT * FROM cypher($$ CALL show_tables() RETURN name $$) AS (n text)")
    return {r[0] for r in rows.fetchall() if not r[0].startswith(("_kuzugres_", "_fk_"))}


def test_create_drop_and_errors(tmp_path: Path) -> None:
    with connected(tmp_path / "data") as c:
        c.execute(
            "CREATE TABLE parent (id serial PRIMARY KEY, name varchar(10) NOT NULL, "
            "price numeric(10,2) CHECK (price > 0), UNIQUE (name))"
        )
        c.execute("CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent)")
        c.execute("CREATE TABLE nokey (a int, b text)")
        assert kuzu_tables(c) == {"parent", "child", "nokey"}
        with pytest.raises(errors.DuplicateTable):
            c.execute("CREATE TABLE parent (a int)")
        notices: list[str] = []
        c.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
        c.execute("CREATE TABLE IF NOT EXISTS parent (a int)")
        assert notices == ['relation "parent" already exists, skipping']
        with pytest.raises(errors.UndefinedTable):
            c.execute("CREATE TABLE bad (x int REFERENCES nowhere)")
        with pytest.raises(errors.InvalidForeignKey):
            c.execute("CREATE TABLE bad (x int REFERENCES nokey(a))")
        with pytest.raises(errors.InvalidTableDefinition):
            c.execute("CREATE TABLE bad (a int PRIMARY KEY, b int PRIMARY KEY)")
        with pytest.raises(errors.DependentObjectsStillExist):
            c.execute("DROP TABLE parent")
        with pytest.raises(errors.FeatureNotSupported):
            c.execute("TRUNCATE parent")
        c.execute("TRUNCATE parent CASCADE")
        c.execute("DROP TABLE parent CASCADE")
        with pytest.raises(errors.UndefinedTable):
            c.execute("DROP TABLE parent")
        c.execute("DROP TABLE IF EXISTS parent")
        assert kuzu_tables(c) == {"child", "nokey"}


def test_ddl_is_transactional_and_survives_restart(tmp_path: Path) -> None:
    with connected(tmp_path / "data") as c:
        c.execute("BEGIN")
        c.execute("CREATE TABLE gone (a int)")
        c.execute("ROLLBACK")
        c.execute("BEGIN")
        c.execute("CREATE TABLE kept (id bigserial PRIMARY KEY, v text)")
        c.execute("COMMIT")
        with pytest.raises(errors.UndefinedTable):
            c.execute("DROP TABLE gone")
        assert kuzu_tables(c) == {"kept"}
    with connected(tmp_path / "data") as c:
        with pytest.raises(errors.DuplicateTable):
            c.execute("CREATE TABLE kept (a int)")
        c.execute("DROP TABLE kept")
        assert kuzu_tables(c) == set()
