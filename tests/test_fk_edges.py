"""Foreign keys keep a Kuzu REL TABLE child -> parent in step with every write."""

from __future__ import annotations

import psycopg

from tests.serverproc import NodeProcess


def edges(c: psycopg.Connection, rel: str) -> list[tuple[int, int]]:
    rows = c.execute(
        f"SELECT * FROM cypher($$ MATCH (a)-[:{rel}]->(b) RETURN a.id, b.id ORDER BY a.id $$) "
        "AS (child int8, parent int8)"
    ).fetchall()
    return [(int(a), int(b)) for a, b in rows]


def test_edges_follow_inserts_updates_deletes(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE TABLE fk_mgr (id int PRIMARY KEY, name text)")
        c.execute(
            "CREATE TABLE fk_emp (id int PRIMARY KEY, mgr int REFERENCES fk_mgr(id), "
            "boss int REFERENCES fk_emp(id))"
        )
        rel = "_fk_fk_emp_fk_emp_mgr_fkey"
        self_rel = "_fk_fk_emp_fk_emp_boss_fkey"
        c.execute("INSERT INTO fk_mgr VALUES (1, 'a'), (2, 'b')")
        c.execute("INSERT INTO fk_emp VALUES (10, 1, NULL), (11, 1, 10), (12, NULL, 10)")
        assert edges(c, rel) == [(10, 1), (11, 1)]
        assert edges(c, self_rel) == [(11, 10), (12, 10)]
        c.execute("UPDATE fk_emp SET mgr = 2 WHERE id = 11")
        c.execute("UPDATE fk_emp SET mgr = 2 WHERE id = 12")
        assert edges(c, rel) == [(10, 1), (11, 2), (12, 2)]
        c.execute("UPDATE fk_emp SET mgr = NULL WHERE id = 10")
        assert edges(c, rel) == [(11, 2), (12, 2)]
        c.execute("DELETE FROM fk_emp WHERE id = 12")
        assert edges(c, rel) == [(11, 2)]
        c.execute("BEGIN")
        c.execute("INSERT INTO fk_emp VALUES (13, 1, 11)")
        c.execute("ROLLBACK")
        assert edges(c, rel) == [(11, 2)]
        # a foreign key added later links the existing rows
        c.execute("CREATE TABLE fk_note (id int PRIMARY KEY, emp int)")
        c.execute("INSERT INTO fk_note VALUES (100, 11), (101, NULL)")
        c.execute("ALTER TABLE fk_note ADD CONSTRAINT note_emp FOREIGN KEY (emp) REFERENCES fk_emp")
        assert edges(c, "_fk_fk_note_note_emp") == [(100, 11)]
        # dropping tables drops their REL tables first (Kuzu would refuse otherwise)
        c.execute("DROP TABLE fk_note")
        c.execute("DROP TABLE fk_mgr CASCADE")
        c.execute("DROP TABLE fk_emp")
        names = {
            r[0]
            for r in c.execute(
                "SELECT * FROM cypher($$ CALL show_tables() RETURN name $$) AS (n text)"
            ).fetchall()
        }
        assert not {n for n in names if n.startswith("_fk_fk_")}
