"""Reading a recursive CTE's walks from Kuzu (translator/traversal.py's TraversalScan).

Kuzu bounds a variable-length pattern at 30 edges, so a walk that may be longer is read
in rounds: the walks (or, for reachability, the nodes) that reached the round's bound
continue from their last node in the next round, until none does or the walk limit is
reached. Rows: (start value, steps, path values, node columns..., node key).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from kuzugres.proxy.types import FormatContext
from kuzugres.tables import from_kuzu, rows_from_kuzu
from kuzugres.translator.traversal import (
    KUZU_MAX_HOPS,
    MAX_ROWS,
    Counted,
    TraversalScan,
    runaway,
)

RunCypher = Callable[[str, dict[str, Any]], Awaitable[Any]]  # -> KuzuResult
Rows = list[tuple[Any, ...]]


async def read_walks(
    scan: TraversalScan,
    run: RunCypher,
    start_params: dict[str, Any],
    max_steps: int | None,
    fmt: FormatContext,
) -> Rows:
    """Every walk of at most `max_steps` steps (None: unbounded) from the start nodes."""
    lo = 1 - scan.offset
    limit = None if max_steps is None else max_steps - scan.offset  # edges
    if limit is not None and limit < lo:
        return []

    async def round_(lo: int, hi: int, params: dict[str, Any], from_keys: bool) -> Rows:
        # LIMIT: a walk explosion stops at the guard instead of exhausting memory
        cypher = scan.cypher(lo, hi, from_keys) + f" LIMIT {MAX_ROWS + 1}"
        result = await run(cypher, params)
        if len(result.rows) > MAX_ROWS:
            raise runaway()
        nodes = rows_from_kuzu(scan.table, [list(r[3:]) for r in result.rows], fmt)
        col = scan.table.column(scan.start_column.name) if not from_keys else None
        return [
            (from_kuzu(col, r[0], fmt) if col is not None else r[0], r[1], r[2], *n)
            for r, n in zip(result.rows, nodes, strict=True)
        ]

    hi = KUZU_MAX_HOPS if limit is None else min(limit, KUZU_MAX_HOPS)
    # the start nodes: a step's row when walking up (offset 1), or where a link row
    # to NULL may start
    need_anchors = lo == 0 or scan.dangling is not None or scan.mode == "shortest"
    anchors = await round_(0, 0, start_params, False) if need_anchors else []
    walks = [(w[0], w[1] + scan.offset, w[2], *w[3:]) for w in anchors]
    if hi >= 1:
        walks += [
            (w[0], w[1] + scan.offset, w[2], *w[3:])
            for w in await round_(1, hi, start_params, False)
        ]
    done = hi  # edges read so far
    frontier = [w for w in walks if w[1] - scan.offset == done]
    reached = {(w[0], w[-1]) for w in walks}
    while frontier and (limit is None or done < limit):
        step = KUZU_MAX_HOPS if limit is None else min(limit - done, KUZU_MAX_HOPS)
        ends: dict[Any, list[tuple[Any, ...]]] = {}
        for w in frontier:
            ends.setdefault(w[-1], []).append(w)
        more = await round_(1, step, {"keys": list(ends)}, True)
        frontier = []
        for m in more:
            for w in ends[m[0]]:
                joined = (w[0], w[1] + m[1], list(w[2]) + list(m[2][1:]), *m[3:])
                if scan.mode == "shortest":
                    if (w[0], joined[-1]) in reached:
                        continue
                    reached.add((w[0], joined[-1]))
                walks.append(joined)
                if m[1] == step:
                    frontier.append(joined)
                if len(walks) > MAX_ROWS:
                    raise runaway()
        done += step
    if scan.mode == "shortest":
        walks += await _back_to_start(scan, run, start_params, anchors, walks)
    dangling = scan.dangling_cypher()
    if dangling is not None:
        counts = {r[0]: r[1] for r in (await run(dangling, {})).rows}
        blank = (None,) * (len(scan.table.columns) + 1)
        for w in list(walks):
            if max_steps is None or w[1] < max_steps:
                more = counts.get(w[-1], 0)
                walks += [(w[0], w[1] + 1, [*w[2], None], *blank)] * more
        if len(walks) > MAX_ROWS:
            raise runaway()
    return [w for w in walks if w[1] >= 1]


async def count_reached(
    scan: TraversalScan,
    run: RunCypher,
    start_params: dict[str, Any],
    max_steps: int | None,
    fmt: FormatContext,
) -> Counted | None:
    """(start value, reached nodes) per start value, or None when counts cannot give
    the exact answer (the caller reads the walks instead)."""
    if max_steps is not None and max_steps > KUZU_MAX_HOPS:
        return None
    if scan.count == "star":
        dangling = scan.dangling_cypher()
        # a link row to NULL would add a NULL row: leave that to the walks
        if dangling is not None and (await run(dangling, {})).rows:
            return None
    if max_steps == 0:
        return Counted()
    hi = KUZU_MAX_HOPS if max_steps is None else max_steps
    lengths = max_steps is None  # then: does a shortest path reach Kuzu's bound?
    result = await run(scan.count_cypher(hi, lengths), start_params)
    if lengths and any(r[1] >= KUZU_MAX_HOPS for r in result.rows):
        return None  # may reach further than Kuzu's bound: the walks go on in rounds
    reached: dict[Any, int] = {}
    for r in result.rows:
        reached[r[0]] = reached.get(r[0], 0) + r[-1]
    col = scan.table.column(scan.start_column.name)
    return Counted((from_kuzu(col, s, fmt), n) for s, n in reached.items())


async def _back_to_start(
    scan: TraversalScan, run: RunCypher, params: dict[str, Any], anchors: Rows, walks: Rows
) -> Rows:
    """Shortest paths never end where they start: the start node's own row when a walk
    returns to it (an edge into it from itself or from a node it reaches)."""
    result = await run(scan.into_start_cypher(), params)
    into: dict[Any, set[Any]] = {}
    for s, x in result.rows:
        into.setdefault(s, set()).add(x)
    reached: dict[Any, set[Any]] = {}
    longest: dict[Any, int] = {}
    for w in walks:
        if w[1] >= 1:  # not the start nodes themselves
            reached.setdefault(w[0], set()).add(w[-1])
            longest[w[0]] = max(longest.get(w[0], 0), w[1])
    out: Rows = []
    for a in anchors:
        start, seen = a[0], reached.get(a[0], set())
        if start not in seen and any(x == start or x in seen for x in into.get(start, ())):
            out.append((start, longest.get(start, 0) + 1, [], *a[3:]))
    return out
