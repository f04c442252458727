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


def link_edges(c: psycopg.Connection, rel: str) -> list[tuple[int, int, int]]:
    rows = c.execute(
        f"SELECT * FROM cypher($$ MATCH (a)-[e:{rel}]->(b) RETURN a.id, b.id, e.k "
        "ORDER BY e.k $$) AS (a int8, b int8, k int8)"
    ).fetchall()
    return [(int(a), int(b), int(k)) for a, b, k in rows]


def test_link_table_edges_follow_every_write(node: NodeProcess) -> None:
    """A table with two foreign keys to one parent keeps a parent -> parent REL table."""
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE TABLE lk_user (id int PRIMARY KEY, name text)")
        c.execute(
            "CREATE TABLE lk_follows (id int PRIMARY KEY, "
            "src int REFERENCES lk_user(id) ON DELETE CASCADE, "
            "dst int REFERENCES lk_user(id) ON DELETE SET NULL)"
        )
        rel = "_link_lk_follows"
        c.execute("INSERT INTO lk_user VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        c.execute("INSERT INTO lk_follows VALUES (10, 1, 2), (11, 2, 3), (12, 3, NULL)")
        assert link_edges(c, rel) == [(1, 2, 10), (2, 3, 11)]
        c.execute("UPDATE lk_follows SET dst = 1 WHERE id = 12")
        c.execute("UPDATE lk_follows SET src = 3 WHERE id = 11")
        assert link_edges(c, rel) == [(1, 2, 10), (3, 3, 11), (3, 1, 12)]
        c.execute("UPDATE lk_follows SET id = 13 WHERE id = 12")
        assert link_edges(c, rel) == [(1, 2, 10), (3, 3, 11), (3, 1, 13)]
        c.execute("DELETE FROM lk_follows WHERE id = 10")
        assert link_edges(c, rel) == [(3, 3, 11), (3, 1, 13)]
        c.execute("BEGIN")
        c.execute("INSERT INTO lk_follows VALUES (14, 1, 3)")
        c.execute("DELETE FROM lk_follows WHERE id = 11")
        assert link_edges(c, rel) == [(3, 1, 13), (1, 3, 14)]
        c.execute("ROLLBACK")
        assert link_edges(c, rel) == [(3, 3, 11), (3, 1, 13)]
        # ON DELETE SET NULL unlinks, ON DELETE CASCADE deletes the link row
        c.execute("INSERT INTO lk_follows VALUES (15, 2, 3)")
        c.execute("DELETE FROM lk_user WHERE id = 1")
        assert link_edges(c, rel) == [(3, 3, 11), (2, 3, 15)]
        assert c.execute("SELECT id, src, dst FROM lk_follows ORDER BY id").fetchall() == [
            (11, 3, 3),
            (13, 3, None),
            (15, 2, 3),
        ]
        c.execute("DELETE FROM lk_user WHERE id = 3")
        assert link_edges(c, rel) == []
        c.execute("INSERT INTO lk_user VALUES (1, 'a'), (3, 'c')")
        c.execute("INSERT INTO lk_follows VALUES (20, 1, 2), (21, 2, 1)")
        # Kuzu 0.11.3 finds the wrong row by `key IN [...]` after a delete in the same
        # transaction: the writer must not (it would delete row 20 here)
        c.execute("BEGIN")
        c.execute("DELETE FROM lk_follows WHERE id = 21")
        c.execute("INSERT INTO lk_follows VALUES (22, 3, 1)")
        c.execute("DELETE FROM lk_follows WHERE id = 22")
        c.execute("COMMIT")
        assert c.execute("SELECT id FROM lk_follows ORDER BY id").fetchall() == [(15,), (20,)]
        assert link_edges(c, rel) == [(1, 2, 20)]
        c.execute("TRUNCATE lk_follows")
        assert link_edges(c, rel) == []
        # a link table made later links its existing rows; losing a key drops the REL table
        c.execute("INSERT INTO lk_follows VALUES (30, 1, 2)")
        c.execute("ALTER TABLE lk_follows DROP CONSTRAINT lk_follows_dst_fkey")
        c.execute("ALTER TABLE lk_follows ADD FOREIGN KEY (dst) REFERENCES lk_user(id)")
        assert link_edges(c, rel) == [(1, 2, 30)]
        c.execute("ALTER TABLE lk_follows DROP COLUMN src")
        c.execute("DROP TABLE lk_user CASCADE")
        c.execute("DROP TABLE lk_follows")
        names = {
            r[0]
            for r in c.execute(
                "SELECT * FROM cypher($$ CALL show_tables() RETURN name $$) AS (n text)"
            ).fetchall()
        }
        assert not {n for n in names if n.startswith(("_fk_lk_", "_link_lk_"))}


def test_recursive_cte_walks_the_link_table_with_bound_parameters(node: NodeProcess) -> None:
    """A depth bound passed as a parameter is a validated int in the Kuzu pattern, and
    the walk sees the link edges of rows written in the same transaction."""
    sql = (
        "WITH RECURSIVE reach(id, depth) AS (SELECT %s::int, 0 UNION "
        "SELECT f.dst, r.depth + 1 FROM tr_follows f JOIN reach r ON f.src = r.id "
        "WHERE r.depth < %s) SELECT id, depth FROM reach ORDER BY depth, id"
    )
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE TABLE tr_user (id int PRIMARY KEY)")
        c.execute(
            "CREATE TABLE tr_follows (id int PRIMARY KEY, src int REFERENCES tr_user(id), "
            "dst int REFERENCES tr_user(id))"
        )
        c.execute("INSERT INTO tr_user VALUES (1), (2), (3), (4), (5)")
        c.execute("INSERT INTO tr_follows VALUES (1, 1, 2), (2, 2, 3), (3, 3, 1), (4, 3, 4)")
        plan = "\n".join(r[0] for r in c.execute("EXPLAIN " + sql, (1, 2)).fetchall())
        assert "Kuzu traversal on tr_user over _link_tr_follows" in plan
        assert c.execute(sql, (1, 2)).fetchall() == [(1, 0), (2, 1), (3, 2)]
        assert c.execute(sql, (1, 0)).fetchall() == [(1, 0)]
        assert c.execute(sql, (1, None)).fetchall() == [(1, 0)]
        assert c.execute(sql, (9, 3)).fetchall() == [(9, 0)]
        c.execute("BEGIN")
        c.execute("INSERT INTO tr_follows VALUES (5, 4, 5)")
        c.execute("DELETE FROM tr_follows WHERE id = 1")
        assert c.execute(sql, (3, 3)).fetchall() == [(3, 0), (1, 1), (4, 1), (5, 2)]
        c.execute("ROLLBACK")
        assert c.execute(sql, (3, 3)).fetchall() == [(3, 0), (1, 1), (4, 1), (2, 2), (3, 3)]


def test_deferred_foreign_key_links_at_commit(node: NodeProcess) -> None:
    """A child written before its parent (DEFERRABLE INITIALLY DEFERRED) gets its edge at
    COMMIT; a parent deleted and re-inserted in the block is linked again."""
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE TABLE df_author (id int PRIMARY KEY)")
        c.execute(
            "CREATE TABLE df_book (id int PRIMARY KEY, author int, CONSTRAINT df_fk "
            "FOREIGN KEY (author) REFERENCES df_author(id) DEFERRABLE INITIALLY DEFERRED)"
        )
        rel = "_fk_df_book_df_fk"
        c.execute("BEGIN")
        c.execute("INSERT INTO df_book VALUES (10, 1), (11, 2)")
        c.execute("INSERT INTO df_author VALUES (1), (2)")
        c.execute("COMMIT")
        assert edges(c, rel) == [(10, 1), (11, 2)]
        c.execute("BEGIN")
        c.execute("DELETE FROM df_author WHERE id = 2")
        c.execute("INSERT INTO df_author VALUES (2)")
        c.execute("COMMIT")
        assert edges(c, rel) == [(10, 1), (11, 2)]
        # a parent's key changes, then its children follow: linked to the new key
        c.execute("BEGIN")
        c.execute("UPDATE df_author SET id = 5 WHERE id = 2")
        c.execute("UPDATE df_book SET author = 5 WHERE author = 2")
        c.execute("COMMIT")
        assert edges(c, rel) == [(10, 1), (11, 5)]
        c.execute("BEGIN")
        c.execute("INSERT INTO df_book VALUES (12, 3)")
        try:
            c.execute("COMMIT")
            raise AssertionError("COMMIT should fail")
        except psycopg.errors.ForeignKeyViolation as exc:
            assert 'violates foreign key constraint "df_fk"' in str(exc)
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert edges(c, rel) == [(10, 1), (11, 5)]
        assert c.execute("SELECT count(*) FROM df_book").fetchone() == (2,)
