"""Which recursive CTEs run as Kuzu traversals (translator/traversal.py), and which stay
on the Python fixpoint. Their results are checked against PostgreSQL 15 in
tests/differential/cases/traversal_cte.sql."""

from __future__ import annotations

import pytest

from kuzugres.translator.catalog import Catalog, with_rel_tables
from kuzugres.translator.dml import SelectPlan
from kuzugres.translator.explain import explain_lines
from kuzugres.translator.query import QueryPlan
from kuzugres.translator.statements import translate
from kuzugres.translator.traversal import TraversalScan

SCHEMA = (
    "CREATE TABLE emp (id int PRIMARY KEY, name text, boss int REFERENCES emp(id))",
    "CREATE TABLE users (id int PRIMARY KEY, name text)",
    "CREATE TABLE follows (id int PRIMARY KEY, follower int REFERENCES users(id), "
    "followee int REFERENCES users(id))",
)


def catalog() -> Catalog:
    cat = Catalog()
    for sql in SCHEMA:
        plan = translate(sql, (), cat)[0].plan
        cat = with_rel_tables(plan.apply(cat).catalog)  # type: ignore[union-attr]
    return cat


CATALOG = catalog()


def query(sql: str, params: tuple[int, ...] = ()) -> QueryPlan:
    plan = translate(sql, params, CATALOG)[0].plan
    assert isinstance(plan, SelectPlan)
    return plan.query


def only(sql: str, params: tuple[int, ...] = ()) -> TraversalScan:
    q = query(sql, params)
    assert len(q.traversals) == 1, "expected a traversal"
    return q.traversals[0]


DOWN = (
    "WITH RECURSIVE sub(id, name, depth, path) AS ("
    "SELECT id, name, 0, ARRAY[id] FROM emp WHERE id = 1 UNION ALL "
    "SELECT e.id, e.name, r.depth + 1, r.path || e.id FROM emp e JOIN sub r "
    "ON e.boss = r.id{cond}) SELECT * FROM sub"
)


def test_down_the_tree_with_depth_and_path() -> None:
    t = only(DOWN.format(cond=""))
    assert (t.rel, t.forward, t.offset, t.mode, t.bound) == (
        "_fk_emp_emp_boss_fkey",
        False,
        0,
        "walk",
        None,
    )
    assert t.start.equals[0][0].name == "id"
    # the recursive term's table scan is gone: the non-recursive term's lookup remains
    (scan,) = query(DOWN.format(cond="")).scans
    assert scan.equals


def test_depth_bound_and_cycle_check() -> None:
    t = only(DOWN.format(cond=" WHERE r.depth < $1 AND NOT e.id = ANY(r.path)"), (23,))
    assert t.mode == "trail" and t.bound is not None and not t.inclusive
    assert only(DOWN.format(cond=" WHERE r.depth <= 3")).inclusive


def test_up_the_tree_and_comma_join() -> None:
    t = only(
        "WITH RECURSIVE up AS (SELECT id, boss FROM emp WHERE id = 5 UNION ALL "
        "SELECT e.id, e.boss FROM emp e, up r WHERE e.id = r.boss) SELECT * FROM up"
    )
    assert (t.forward, t.offset, t.start_column.name) == (True, 0, "boss")
    t = only(
        "WITH RECURSIVE up(boss) AS (SELECT 5 UNION ALL "
        "SELECT e.boss FROM emp e JOIN up r ON e.id = r.boss) SELECT * FROM up"
    )
    assert (t.forward, t.offset, t.start_column.name) == (True, 1, "id")


def test_reachability_over_a_link_table() -> None:
    t = only(
        "WITH RECURSIVE reach(id) AS (SELECT 1 UNION SELECT f.followee FROM follows f "
        "JOIN reach r ON f.follower = r.id) SELECT count(*) FROM reach"
    )
    assert (t.rel, t.forward, t.mode) == ("_link_follows", True, "shortest")
    assert t.table.name == "users" and t.dangling is not None
    t = only(
        "WITH RECURSIVE reach(id, depth) AS (SELECT 1, 0 UNION SELECT f.follower, r.depth + 1 "
        "FROM follows f JOIN reach r ON f.followee = r.id WHERE r.depth < 4) "
        "SELECT count(DISTINCT id) FROM reach"
    )
    assert (t.forward, t.mode) == (False, "walk")


def test_explain_shows_the_traversal() -> None:
    plan = translate("EXPLAIN " + DOWN.format(cond=""), (), CATALOG)[0].plan
    text = "\n".join(explain_lines(plan))  # type: ignore[arg-type]
    assert "Kuzu traversal on emp over _fk_emp_emp_boss_fkey" in text
    assert "<-[:`_fk_emp_emp_boss_fkey`*1..30]-(b:`emp`)" in text
    assert "CAST($p0 AS INT32)" in text


@pytest.mark.parametrize(
    "sql",
    [
        # another condition in the recursive term
        DOWN.format(cond=" WHERE e.name <> 'x'"),
        # the working table's depth used otherwise than + 1
        "WITH RECURSIVE s(id, d) AS (SELECT 1, 0 UNION ALL SELECT e.id, r.d + 2 FROM emp e "
        "JOIN s r ON e.boss = r.id) SELECT * FROM s",
        # no start filter Kuzu can apply
        "WITH RECURSIVE s(id) AS (SELECT id FROM emp WHERE name LIKE 'a%' UNION "
        "SELECT e.id FROM emp e JOIN s r ON e.boss = r.id) SELECT * FROM s",
        # the next step would not join on the walked node's key
        "WITH RECURSIVE s(id) AS (SELECT 1 UNION SELECT e.boss FROM emp e "
        "JOIN s r ON e.boss = r.id) SELECT * FROM s",
        # a link-table column other than the two keys
        "WITH RECURSIVE s(id, e) AS (SELECT 1, 0 UNION SELECT f.followee, f.id FROM follows f "
        "JOIN s r ON f.follower = r.id) SELECT * FROM s",
        # SEARCH/CYCLE clauses stay on the fixpoint
        "WITH RECURSIVE s(id) AS (SELECT 1 UNION ALL SELECT e.id FROM emp e JOIN s r "
        "ON e.boss = r.id) CYCLE id SET c USING p SELECT * FROM s",
        # a depth bound that is not a constant
        "WITH RECURSIVE s(id, d) AS (SELECT 1, 0 UNION ALL SELECT e.id, r.d + 1 FROM emp e "
        "JOIN s r ON e.boss = r.id WHERE r.d < e.id) SELECT * FROM s",
        # a join that is not along a foreign key
        "WITH RECURSIVE s(id) AS (SELECT 1 UNION SELECT u.id FROM users u JOIN s r "
        "ON u.id = r.id + 1) SELECT * FROM s",
    ],
)
def test_other_shapes_stay_on_the_fixpoint(sql: str) -> None:
    q = query(sql)
    assert not q.traversals
    assert q.scans  # the recursive term's table is scanned for the fixpoint
