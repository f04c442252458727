"""Where the relational catalog lives: one JSON document inside the Kuzu database.

The committed catalog is shared by every session of the node; a transaction that runs
DDL sees its own version until COMMIT publishes it (ROLLBACK forgets it). Writers are
serialized by the engine's writer lock, so DDL always applies to the latest catalog.
"""

from __future__ import annotations

from typing import Any

from kuzugres.engine import Engine, KuzuResult
from kuzugres.translator.catalog import CATALOG_TABLE, SEQUENCE_TABLE, Catalog


class CatalogStore:
    """The node's committed catalog and the Cypher that persists a new one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.catalog = Catalog()
        #: Last value handed out per sequence (sequences are not transactional).
        self.sequence_last: dict[str, int] = {}

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
    def create_sequence_statements(
        names: tuple[str, ...], catalog: Catalog
    ) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for name in names:
            seq = catalog.sequences[name]
            out.append(
                (
                    f"MERGE (s:{SEQUENCE_TABLE} {{name: CAST($name AS STRING)}}) "
                    "SET s.value = CAST($value AS INT64), s.called = false",
                    {"name": name, "value": seq.start},
                )
            )
        return out
