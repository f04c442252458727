"""What a plan runs where: the Cypher sent to Kuzu and the residual steps (EXPLAIN)."""

from __future__ import annotations

from kuzugres.translator.ddl import quote
from kuzugres.translator.dml import DeletePlan, InsertPlan, SelectPlan, UpdatePlan
from kuzugres.translator.plans import ConstantPlan, CypherPlan, ExplainPlan, Plan
from kuzugres.translator.query import QueryPlan, TableScan
from kuzugres.translator.traversal import KUZU_MAX_HOPS, TraversalScan


def scan_cypher(scan: TableScan) -> str:
    """The Cypher reading a scan's rows: visible columns, then the key.

    Pushed-down equalities become `n.col = CAST($pN AS <type>)`: values always travel as
    typed Kuzu parameters, never in the text.
    """
    table = scan.table
    where = equals_cypher(scan, "n")
    ret = ", ".join(
        [f"n.{quote(c.name)} AS c{i}" for i, c in enumerate(table.columns)]
        + [f"n.{quote(table.key)} AS k"]
    )
    return f"MATCH (n:{quote(table.kuzu_name)}){' WHERE ' + where if where else ''} RETURN {ret}"


def equals_cypher(scan: TableScan, var: str) -> str:
    """A scan's pushed-down equalities on the node variable `var` (parameters $p0...)."""
    return " AND ".join(
        f"{var}.{quote(c.name)} = CAST($p{i} AS {c.kuzu_type})"
        for i, (c, _) in enumerate(scan.equals)
    )


def plan_scans(plan: Plan) -> tuple[TableScan, ...]:
    """The Kuzu scans a plan reads."""
    if isinstance(plan, SelectPlan):
        return plan.query.scans
    if isinstance(plan, UpdatePlan | DeletePlan):
        return plan.joined.scans if plan.joined is not None else (plan.scan,)
    if isinstance(plan, InsertPlan) and plan.query is not None:
        return plan.query.scans
    return ()


def plan_traversals(plan: Plan) -> tuple[TraversalScan, ...]:
    """The Kuzu traversals (recursive CTEs over a foreign key) a plan reads."""
    query: QueryPlan | None = None
    if isinstance(plan, SelectPlan):
        query = plan.query
    elif isinstance(plan, InsertPlan):
        query = plan.query
    return query.traversals if query is not None else ()


def traversal_lines(t: TraversalScan) -> list[str]:
    """EXPLAIN's lines for one traversal: what it walks and the Cypher it runs."""
    semantics = {
        "walk": "every walk",
        "trail": "paths without repeated nodes (cycle check)",
        "shortest": "reachable nodes (shortest paths)",
    }[t.mode]
    bound = "steps bounded by the depth condition" if t.bound is not None else "unbounded"
    hi = KUZU_MAX_HOPS
    lines = [
        f"  -> Kuzu traversal on {t.table.name} over {t.rel}: {semantics}, {bound}",
        f"       Cypher: {t.cypher(1, hi, False)}",
    ]
    if t.bound is not None:
        lines.append(
            f"       (upper bound: the steps the depth condition allows, at most {hi}, set at "
            "run time)"
        )
    lines.append(f"       (walks reaching {hi} edges continue from their last node)")
    return lines


def explain_lines(explain: ExplainPlan) -> list[str]:
    """EXPLAIN's text: the residual steps, then each Kuzu scan and its Cypher."""
    inner = explain.inner
    lines: list[str] = []
    if isinstance(inner, CypherPlan):
        lines.append(f"Kuzu: {inner.cypher.strip()}")
    elif isinstance(inner, ConstantPlan):
        lines.append("Result (constant expressions, evaluated by kuzugres)")
    if explain.residual:
        lines.append("Residual (kuzugres): " + " -> ".join(explain.residual))
    for scan in plan_scans(inner):
        pushed = ", ".join(f"{c.name} = <value>" for c, _ in scan.equals)
        lines.append(
            f"  -> Kuzu scan on {scan.table.name}" + (f" (pushed down: {pushed})" if pushed else "")
        )
        lines.append(f"       Cypher: {scan_cypher(scan)}")
    for t in plan_traversals(inner):
        lines += traversal_lines(t)
    if isinstance(inner, InsertPlan):
        cols = ", ".join(
            f"{quote(c.name)}: CAST(r.c{i} AS {c.kuzu_type})"
            for i, c in enumerate(inner.table.columns)
        )
        lines.append(
            f"  -> Kuzu write: UNWIND $rows AS r CREATE (n:{quote(inner.table.kuzu_name)}"
            f" {{{cols}}}) RETURN n.{quote(inner.table.key)}"
        )
    return lines
