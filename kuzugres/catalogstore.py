"""Where the relational catalog lives: one JSON document inside the Kuzu database.

The committed catalog is shared by every session of the node; a transaction that runs
DDL sees its own version until COMMIT publishes it (ROLLBACK forgets it). Writers are
serialized by the engine's writer lock, so DDL always applies to the latest catalog.
"""

from __future__ import annotations

from typing import Any

from kuzugres.engine import Engine, KuzuResult
from kuzugres.sequences import SequenceState
from kuzugres.translator.catalog import APPLIED_TABLE, CATALOG_TABLE, SEQUENCE_TABLE, Catalog


class CatalogStore:
    """The node's committed catalog and the Cypher that persists a new one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.catalog = Catalog()
        #: Every sequence's current value (sequences are not transactional).
        self.sequences = SequenceState()
        #: Next hidden row id per Kuzu table (filled on first use; see the executor).
        self.next_rowids: dict[str, int] = {}

    async def load(self) -> None:
        """Read the catalog at start-up, creating its tables in a new database."""
        conn = await self.engine.acquire()
        try:
            tables: KuzuResult = await conn.run("CALL show_tables() RETURN name")
            names = {row[0] for row in tables.rows}
            if CATALOG_TABLE not in names:
                await conn.run(
                    f"CREATE NODE TABLE {CATALOG_TABLE}(id INT64, doc STRING, PRIMARY KEY(id))"
                )
            if APPLIED_TABLE not in names:
                await conn.run(
                    f"CREATE NODE TABLE {APPLIED_TABLE}(origin STRING, seq INT64, "
                    "PRIMARY KEY(origin))"
                )
            if SEQUENCE_TABLE not in names:
                await conn.run(
                    f"CREATE NODE TABLE {SEQUENCE_TABLE}(name STRING, value INT64, "
                    "called BOOL, PRIMARY KEY(name))"
                )
            found: KuzuResult = await conn.run(
                f"MATCH (c:{CATALOG_TABLE}) WHERE c.id = 0 RETURN c.doc"
            )
            if found.rows:
                self.catalog = Catalog.from_json(found.rows[0][0])
            values: KuzuResult = await conn.run(
                f"MATCH (s:{SEQUENCE_TABLE}) RETURN s.name, s.value, s.called"
            )
            self.sequences.load([(r[0], r[1], r[2]) for r in values.rows])
        finally:
            self.engine.release(conn)

    @staticmethod
    def save_statements(catalog: Catalog) -> list[tuple[str, dict[str, Any]]]:
        """Cypher that stores `catalog` (run in the DDL's own Kuzu transaction)."""
        return [
            (
                f"MERGE (c:{CATALOG_TABLE} {{id: 0}}) SET c.doc = CAST($doc AS STRING)",
                {"doc": catalog.to_json()},
            )
        ]

    @staticmethod
    def sequence_save_statements(
        values: dict[str, tuple[int, bool]],
    ) -> list[tuple[str, dict[str, Any]]]:
        """Cypher storing sequences' (value, is_called), from `SequenceState.dirty()`."""
        if not values:
            return []
        rows = [{"n": n, "v": v, "c": c} for n, (v, c) in sorted(values.items())]
        return [
            (
                f"UNWIND $rows AS r MERGE (s:{SEQUENCE_TABLE} {{name: CAST(r.n AS STRING)}}) "
                "SET s.value = CAST(r.v AS INT64), s.called = CAST(r.c AS BOOL)",
                {"rows": rows},
            )
        ]

    @staticmethod
    def sequence_drop_statements(names: list[str]) -> list[tuple[str, dict[str, Any]]]:
        """Cypher forgetting dropped sequences' stored values."""
        if not names:
            return []
        return [
            (
                # never `name IN $list`: Kuzu 0.11.3 can match the wrong node with it
                # inside a write transaction (docs/decisions/0009)
                f"UNWIND CAST($names AS STRING[]) AS k MATCH (s:{SEQUENCE_TABLE}) "
                "WHERE s.name = k DELETE s",
                {"names": sorted(names)},
            )
        ]
