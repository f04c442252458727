"""ALTER TABLE, schemas and search_path, sequences, views, indexes and comments on a node."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from tests.serverproc import NodeProcess
from tests.test_ddl import connected


def test_alter_table(tmp_path: Path) -> None:
    with connected(tmp_path / "data") as c:
        c.execute("CREATE TABLE p (id int PRIMARY KEY, name text)")
        c.execute("INSERT INTO p VALUES (1, 'a'), (2, NULL), (3, 'a')")
        c.execute("ALTER TABLE p ADD COLUMN n serial, ADD COLUMN d date DEFAULT '2024-01-02'")
        rows = c.execute("SELECT id, n, d::text FROM p ORDER BY id").fetchall()
        assert [r[1] for r in rows] == [1, 2, 3] and rows[0][2] == "2024-01-02"
        with pytest.raises(errors.NotNullViolation):
            c.execute("ALTER TABLE p ALTER COLUMN name SET NOT NULL")
        with pytest.raises(errors.UniqueViolation):
            c.execute("ALTER TABLE p ADD UNIQUE (name)")
        with pytest.raises(errors.CheckViolation):
            c.execute("ALTER TABLE p ADD CHECK (id < 3)")
        c.execute("CREATE TABLE ch (id int PRIMARY KEY, p_id int)")
        c.execute("INSERT INTO ch VALUES (1, 9)")
        with pytest.raises(errors.ForeignKeyViolation):
            c.execute("ALTER TABLE ch ADD FOREIGN KEY (p_id) REFERENCES p")
        c.execute("UPDATE ch SET p_id = 1")
        c.execute("ALTER TABLE ch ADD FOREIGN KEY (p_id) REFERENCES p")
        with pytest.raises(errors.ForeignKeyViolation):
            c.execute("INSERT INTO ch VALUES (2, 7)")
        c.execute("ALTER TABLE p RENAME COLUMN id TO pid")
        c.execute("ALTER TABLE p RENAME TO parent")
        c.execute("INSERT INTO ch VALUES (2, 2)")
        with pytest.raises(errors.ForeignKeyViolation):
            c.execute("DELETE FROM parent WHERE pid = 2")
        with pytest.raises(errors.FeatureNotSupported):
            c.execute("ALTER TABLE parent DROP COLUMN pid")
        c.execute("ALTER TABLE parent DROP COLUMN name")
        assert c.execute("SELECT * FROM parent WHERE pid = 1").fetchone() is not None
        with pytest.raises(errors.DependentObjectsStillExist):
            c.execute("ALTER TABLE parent DROP CONSTRAINT p_pkey")
        c.execute("ALTER TABLE parent DROP CONSTRAINT p_pkey CASCADE")
        c.execute("INSERT INTO ch VALUES (3, 99)")
    with connected(tmp_path / "data") as c:
        assert c.execute("SELECT count(*) FROM ch").fetchone() == (3,)
        c.execute("INSERT INTO parent (pid) VALUES (10)")
        assert c.execute("SELECT n FROM parent WHERE pid = 10").fetchone() == (4,)


def test_sequences_survive_restart(tmp_path: Path) -> None:
    with connected(tmp_path / "data") as c:
        c.execute("CREATE SEQUENCE s START 10 INCREMENT 5 MAXVALUE 30")
        with pytest.raises(errors.ObjectNotInPrerequisiteState):
            c.execute("SELECT currval('s')")
        with pytest.raises(errors.ObjectNotInPrerequisiteState):
            c.execute("SELECT lastval()")
        assert c.execute("SELECT nextval('s'), nextval('s')").fetchone() == (10, 15)
        assert c.execute("SELECT currval('s'), lastval()").fetchone() == (15, 15)
        assert c.execute("SELECT setval('s', 25)").fetchone() == (25,)
        assert c.execute("SELECT nextval('s')").fetchone() == (30,)
        with pytest.raises(errors.SequenceGeneratorLimitExceeded):
            c.execute("SELECT nextval('s')")
        c.execute("ALTER SEQUENCE s RESTART WITH 12")
        assert c.execute("SELECT nextval('s')").fetchone() == (12,)
        c.execute("CREATE SEQUENCE c MINVALUE 1 MAXVALUE 2 CYCLE")
        got = [c.execute("SELECT nextval('c')").fetchone() for _ in range(3)]
        assert got == [(1,), (2,), (1,)]
    with connected(tmp_path / "data") as c:
        assert c.execute("SELECT nextval('s')").fetchone() == (17,)
        c.execute("DROP SEQUENCE s, c")
        with pytest.raises(errors.UndefinedTable):
            c.execute("SELECT nextval('s')")


def test_schemas_views_indexes_comments(tmp_path: Path) -> None:
    with connected(tmp_path / "data") as c:
        c.execute("CREATE SCHEMA app")
        with pytest.raises(errors.DuplicateSchema):
            c.execute("CREATE SCHEMA app")
        c.execute("SET search_path = app, public")
        c.execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
        c.execute("CREATE SEQUENCE app_seq")
        c.execute("CREATE TABLE u (id int PRIMARY KEY DEFAULT nextval('app_seq'))")
        c.execute("INSERT INTO u DEFAULT VALUES")
        c.execute("RESET search_path")
        with pytest.raises(errors.UndefinedTable):
            c.execute("SELECT * FROM t")
        assert c.execute("SELECT id FROM app.u").fetchall() == [(1,)]
        c.execute("CREATE UNIQUE INDEX t_v ON app.t (v)")
        c.execute("INSERT INTO app.t VALUES (1, 'x')")
        with pytest.raises(errors.UniqueViolation):
            c.execute("INSERT INTO app.t VALUES (2, 'x')")
        c.execute("DROP INDEX app.t_v")
        c.execute("INSERT INTO app.t VALUES (2, 'x')")
        with pytest.raises(errors.UniqueViolation):
            c.execute("CREATE UNIQUE INDEX t_v ON app.t (v)")
        c.execute("CREATE VIEW app.tv AS SELECT id FROM app.t")
        with pytest.raises(errors.DuplicateTable):
            c.execute("CREATE VIEW app.tv AS SELECT id FROM app.t")
        with pytest.raises(errors.WrongObjectType):
            c.execute("DROP TABLE app.tv")
        with pytest.raises(errors.DependentObjectsStillExist):
            c.execute("DROP TABLE app.t")
        c.execute("COMMENT ON TABLE app.t IS 'things'")
        c.execute("COMMENT ON COLUMN app.t.v IS 'value'")
        with pytest.raises(errors.DependentObjectsStillExist):
            c.execute("DROP SCHEMA app")
        c.execute("DROP SCHEMA app CASCADE")
        with pytest.raises(errors.InvalidSchemaName):
            c.execute("DROP SCHEMA app")


def test_discard_forgets_currval(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE SEQUENCE IF NOT EXISTS discard_seq")
        c.execute("SELECT nextval('discard_seq')")
        assert c.execute("SELECT currval('discard_seq')").fetchone() is not None
        c.execute("DISCARD SEQUENCES")
        with pytest.raises(errors.ObjectNotInPrerequisiteState):
            c.execute("SELECT currval('discard_seq')")
        c.execute("SELECT nextval('discard_seq')")
        c.execute("DISCARD ALL")
        with pytest.raises(errors.ObjectNotInPrerequisiteState):
            c.execute("SELECT lastval()")
