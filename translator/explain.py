"""What a plan runs where: the Cypher sent to Kuzu and the residual steps (EXPLAIN)."""

from __future__ import annotations

from kuzugres.translator.ddl import quote
from kuzugres.translator.dml import DeletePlan, InsertPlan, SelectPlan, UpdatePlan
from kuzugres.translator.plans import ConstantPlan, CypherPlan, ExplainPlan, Plan
from kuzugres.translator.pushdown import (
    GroupedScan,
    JoinScan,
    MergedScan,
    Scan,
    TableScan,
    scan_cypher,
)

__all__ = ["explain_lines", "plan_scans", "scan_cypher", "scan_title"]


def scan_title(scan: Scan) -> str:
    """What a scan reads, for EXPLAIN: `scan on t`, `join along foreign keys ...`."""
    if isinstance(scan, GroupedScan):
        return f"grouped {scan_title(scan.source)}"
    if isinstance(scan, JoinScan):
        segs = scan.segments
        links = ", ".join(
            f"{segs[link.child].alias} -> {segs[link.parent].alias}" for link in scan.links
        )
        names = ", ".join(
            s.table.name if s.alias == s.table.name else f"{s.table.name} {s.alias}" for s in segs
        )
        return f"join along foreign keys on {names} ({links})"
    assert isinstance(scan, TableScan)
    return f"scan on {scan.table.name}"


def plan_scans(plan: Plan) -> tuple[Scan, ...]:
    """The Kuzu scans a plan reads (merged table scans read nothing)."""
    scans: tuple[Scan, ...] = ()
    if isinstance(plan, SelectPlan):
        scans = plan.query.scans
    elif isinstance(plan, UpdatePlan | DeletePlan):
        scans = plan.joined.scans if plan.joined is not None else (plan.scan,)
    elif isinstance(plan, InsertPlan) and plan.query is not None:
        scans = plan.query.scans
    return tuple(s for s in scans if not isinstance(s, MergedScan))


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
        pushed = ", ".join(
            f"{seg.alias}.{c.name} = <value>" if len(scan.segments) > 1 else f"{c.name} = <value>"
            for seg in scan.segments
            for c, _ in seg.equals
        )
        lines.append(
            f"  -> Kuzu {scan_title(scan)}" + (f" (pushed down: {pushed})" if pushed else "")
        )
        lines.append(f"       Cypher: {scan_cypher(scan)}")
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
