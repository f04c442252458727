"""Joins along foreign keys read the REL TABLE; aggregates run in Kuzu (on a real node)."""

from __future__ import annotations

import psycopg

from tests.serverproc import NodeProcess

JOIN = "SELECT o.id, c.name FROM pd_order o JOIN pd_cust c ON c.id = o.cust ORDER BY o.id"
# the same join on an expression: not pushed, answered from the column values
RESIDUAL = "SELECT o.id, c.name FROM pd_order o JOIN pd_cust c ON c.id = o.cust + 0 ORDER BY o.id"


def _schema(c: psycopg.Connection, name: str) -> None:
    c.execute(f"CREATE TABLE {name}_cust (id int PRIMARY KEY, name text)")
    c.execute(f"CREATE TABLE {name}_order (id int PRIMARY KEY, cust int REFERENCES {name}_cust)")
    c.execute(f"INSERT INTO {name}_cust VALUES (1, 'a'), (2, 'b')")
    c.execute(f"INSERT INTO {name}_order VALUES (10, 1), (11, 2), (12, NULL), (13, 1)")


def test_fk_join_reads_the_rel_table(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, autocommit=True) as c:
        _schema(c, "pd")
        plan = [r[0] for r in c.execute("EXPLAIN " + JOIN).fetchall()]
        assert any("-[:`_fk_pd_order_pd_order_cust_fkey`]->" in line for line in plan), plan
        assert c.execute(JOIN).fetchall() == [(10, "a"), (11, "b"), (13, "a")]
        # an edge removed behind SQL's back (cypher() bypasses the edge upkeep): the
        # pushed join no longer sees that row, the residual join still does
        c.execute(
            "SELECT * FROM cypher($$ MATCH (o:pd_order)-[e]->() WHERE o.id = 11 DELETE e "
            "RETURN 1 $$) AS (x int)"
        )
        assert c.execute(JOIN).fetchall() == [(10, "a"), (13, "a")]
        assert c.execute(RESIDUAL).fetchall() == [(10, "a"), (11, "b"), (13, "a")]


def test_grouped_aggregate_runs_in_kuzu(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, autocommit=True) as c:
        _schema(c, "pa")
        sql = (
            "SELECT c.name, count(*), sum(o.id), avg(o.id) FROM pa_order o "
            "JOIN pa_cust c ON c.id = o.cust GROUP BY c.name ORDER BY c.name"
        )
        plan = [r[0] for r in c.execute("EXPLAIN " + sql).fetchall()]
        assert any("grouped join along foreign keys" in line for line in plan), plan
        assert any("count(*)" in line and "sum(" in line for line in plan), plan
        got = [(n, k, s, str(a)) for n, k, s, a in c.execute(sql).fetchall()]
        assert got == [("a", 2, 23, "11.5000000000000000"), ("b", 1, 11, "11.0000000000000000")]


def test_single_row_insert_keeps_the_edge_invariant(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute("CREATE TABLE pi_cust (id int PRIMARY KEY, name text)")
        c.execute("CREATE TABLE pi_order (id int PRIMARY KEY, cust int REFERENCES pi_cust)")
        c.execute("INSERT INTO pi_cust VALUES (1, 'a'), (2, 'b')")
        c.execute("INSERT INTO pi_order VALUES (10, 1), (11, 2)")
        c.execute("INSERT INTO pi_order VALUES (12, 1)")
        edges = c.execute(
            "SELECT * FROM cypher($$ MATCH (o:pi_order)-[]->(c:pi_cust) RETURN o.id, c.id "
            "ORDER BY o.id $$) AS (o int, c int)"
        ).fetchall()
        assert edges == [(10, 1), (11, 2), (12, 1)]
