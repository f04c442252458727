"""The relational catalog: SQL tables, columns, constraints and sequences, and how each
table is stored as a Kuzu node table.

A `Catalog` is an immutable snapshot with a version; DDL produces a new one. It is kept
as one JSON document in the Kuzu database itself (node table `_kuzugres_catalog`), written
in the same Kuzu transaction as the DDL, so schema and data never disagree.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from kuzugres.errcodes import UndefinedTable
from kuzugres.proxy import types as T

CATALOG_TABLE = "_kuzugres_catalog"
SEQUENCE_TABLE = "_kuzugres_sequence"
ROWID = "_rowid"  # hidden Kuzu primary key of tables without a usable single-column key

#: PostgreSQL types stored as a native Kuzu type (value passed through unchanged,
#: modulo the codec in the executor). Everything else is stored as its PostgreSQL
#: text form in a STRING, which is exact.
_NATIVE: dict[int, str] = {
    T.BOOL: "BOOL",
    T.INT2: "INT16",
    T.INT4: "INT32",
    T.INT8: "INT64",
    T.FLOAT4: "FLOAT",
    T.FLOAT8: "DOUBLE",
    T.TEXT: "STRING",
    T.VARCHAR: "STRING",
    T.BPCHAR: "STRING",
    T.DATE: "DATE",
    T.TIMESTAMP: "TIMESTAMP",
    T.UUID: "UUID",
}
#: Types Kuzu can use as a primary key.
_KEYABLE = {T.INT2, T.INT4, T.INT8, T.TEXT, T.VARCHAR, T.BPCHAR, T.DATE, T.UUID}


@dataclass(frozen=True)
class ColumnDef:
    """One SQL column."""

    name: str
    type_oid: int
    typmod: int = -1
    not_null: bool = False
    default: str | None = None  # SQL expression text, evaluated at INSERT
    identity: str | None = None  # 'a' ALWAYS, 'd' BY DEFAULT
    attnum: int = 0  # stable column number (pg_attribute.attnum), never reused

    @property
    def kuzu_type(self) -> str:
        """The Kuzu property type this column is stored as."""
        return _NATIVE.get(self.type_oid, "STRING")

    @property
    def native(self) -> bool:
        return self.type_oid in _NATIVE


@dataclass(frozen=True)
class ConstraintDef:
    """PRIMARY KEY ('p'), UNIQUE ('u'), CHECK ('c') or FOREIGN KEY ('f')."""

    name: str
    kind: str
    columns: tuple[str, ...] = ()
    check: str | None = None  # SQL expression text for CHECK
    ref_table: str | None = None  # qualified "schema.name" for FOREIGN KEY
    ref_columns: tuple[str, ...] = ()
    on_delete: str = "a"  # a no action, r restrict, c cascade, n set null, d set default
    on_update: str = "a"


@dataclass(frozen=True)
class TableDef:
    """One SQL table and its Kuzu node table."""

    schema: str
    name: str
    columns: tuple[ColumnDef, ...]
    constraints: tuple[ConstraintDef, ...] = ()
    oid: int = 0
    kuzu_name: str = ""
    key: str = ROWID  # the Kuzu primary-key property: a user column or ROWID
    next_attnum: int = 1

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> ColumnDef | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    @property
    def primary_key(self) -> ConstraintDef | None:
        for c in self.constraints:
            if c.kind == "p":
                return c
        return None

    def constraint_name_taken(self, name: str) -> bool:
        return any(c.name == name for c in self.constraints)


@dataclass(frozen=True)
class SequenceDef:
    """A sequence (also behind serial and identity columns)."""

    schema: str
    name: str
    start: int = 1
    increment: int = 1
    min_value: int = 1
    max_value: int = 2**63 - 1
    cycle: bool = False
    owned_by: str | None = None  # "schema.table.column"

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Catalog:
    """An immutable snapshot of the schema."""

    version: int = 0
    tables: dict[str, TableDef] = field(default_factory=dict)  # key: "schema.name"
    sequences: dict[str, SequenceDef] = field(default_factory=dict)
    schemas: tuple[str, ...] = ("public",)

    def lookup(
        self, name: str, schema: str | None = None, *, position: int | None = None
    ) -> TableDef:
        """Resolve a table name like PostgreSQL (search_path: public); 42P01 if missing."""
        table = self.find(name, schema)
        if table is None:
            shown = f"{schema}.{name}" if schema else name
            raise UndefinedTable(f'relation "{shown}" does not exist', position=position)
        return table

    def find(self, name: str, schema: str | None = None) -> TableDef | None:
        return self.tables.get(f"{schema or 'public'}.{name}")

    def with_table(self, table: TableDef) -> Catalog:
        tables = dict(self.tables)
        tables[table.qualified] = table
        return replace(self, version=self.version + 1, tables=tables)

    def without_table(self, qualified: str) -> Catalog:
        tables = dict(self.tables)
        tables.pop(qualified, None)
        sequences = {
            k: s
            for k, s in self.sequences.items()
            if not (s.owned_by or "").startswith(qualified + ".")
        }
        return replace(self, version=self.version + 1, tables=tables, sequences=sequences)

    def with_sequence(self, seq: SequenceDef) -> Catalog:
        sequences = dict(self.sequences)
        sequences[seq.qualified] = seq
        return replace(self, version=self.version + 1, sequences=sequences)

    def referencing(self, qualified: str) -> list[tuple[TableDef, ConstraintDef]]:
        """Foreign keys of other tables (or this one) that point at `qualified`."""
        out = []
        for t in self.tables.values():
            for c in t.constraints:
                if c.kind == "f" and c.ref_table == qualified:
                    out.append((t, c))
        return out

    # -- persistence
    def to_json(self) -> str:
        return json.dumps(
            {
                "version": self.version,
                "schemas": list(self.schemas),
                "tables": [asdict(t) for t in self.tables.values()],
                "sequences": [asdict(s) for s in self.sequences.values()],
            },
            sort_keys=True,
        )

    @staticmethod
    def from_json(text: str) -> Catalog:
        doc = json.loads(text)
        tables = {}
        for t in doc["tables"]:
            cols = tuple(ColumnDef(**c) for c in t.pop("columns"))
            cons = tuple(
                ConstraintDef(
                    **{
                        **c,
                        "columns": tuple(c["columns"]),
                        "ref_columns": tuple(c["ref_columns"]),
                    }
                )
                for c in t.pop("constraints")
            )
            td = TableDef(columns=cols, constraints=cons, **t)
            tables[td.qualified] = td
        sequences = {}
        for s in doc.get("sequences", []):
            sd = SequenceDef(**s)
            sequences[sd.qualified] = sd
        return Catalog(doc["version"], tables, sequences, tuple(doc.get("schemas", ["public"])))


def stable_oid(kind: str, qualified: str) -> int:
    """An OID that is the same on every node and across restarts (catalog issue relies on it)."""
    return 16384 + (zlib.crc32(f"{kind}:{qualified}".encode()) % 1_000_000_000)


def kuzu_table_name(schema: str, name: str) -> str:
    """The node table holding `schema.name` (public tables keep their name)."""
    return name if schema == "public" else f"{schema}__{name}"


def keyable(column: ColumnDef) -> bool:
    """Whether a column can be the Kuzu primary key itself."""
    return column.type_oid in _KEYABLE


def column_scope_types(table: TableDef) -> list[tuple[str, int, int]]:
    """(name, type oid, typmod) of the visible columns, in order."""
    return [(c.name, c.type_oid, c.typmod) for c in table.columns]


def describe(table: TableDef) -> dict[str, Any]:
    """A plain dict, for tests and EXPLAIN."""
    return asdict(table)
