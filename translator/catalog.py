"""The relational catalog: schemas, SQL tables, columns, constraints, sequences, views and
indexes, and how each table is stored as a Kuzu node table.

A `Catalog` is an immutable snapshot with a version; DDL produces a new one. It is kept
as one JSON document in the Kuzu database itself (node table `_kuzugres_catalog`), written
in the same Kuzu transaction as the DDL, so schema and data never disagree.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from pglast import keywords as _keywords

from kuzugres.errcodes import FeatureNotSupported, UndefinedObject, UndefinedTable
from kuzugres.errors import PgError
from kuzugres.proxy import types as T

CATALOG_TABLE = "_kuzugres_catalog"
SEQUENCE_TABLE = "_kuzugres_sequence"
APPLIED_TABLE = "_kuzugres_applied"  # event log watermark: origin node -> last applied seq
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

#: `ColumnDef.storage` of a numeric(p, s) column with 0 <= s <= p <= 18 created since
#: decision 0014: an INT64 count of units of 10^-s. Columns of older data directories
#: keep storage "" and their text form.
SCALED = "scaled"
#: The stored form of numeric NaN in a SCALED column: |value| < 10^18 < 2^63 for every
#: other value, so the one INT64 no numeric(p <= 18) can hold is free to mean NaN.
SCALED_NAN = -(2**63)


def numeric_precision_scale(typmod: int) -> tuple[int, int] | None:
    """(precision, scale) of a numeric typmod, or None for plain numeric."""
    if typmod < 4:
        return None
    return ((typmod - 4) >> 16) & 0xFFFF, (typmod - 4) & 0xFFFF


def storage_for(type_oid: int, typmod: int) -> str:
    """How a new column of this type is stored ('' = by its type)."""
    ps = numeric_precision_scale(typmod) if type_oid == T.NUMERIC else None
    if ps is not None and 0 <= ps[1] <= ps[0] <= 18:
        return SCALED
    return ""


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
    comment: str | None = None  # COMMENT ON COLUMN
    storage: str = ""  # '' by type, or SCALED

    @property
    def kuzu_type(self) -> str:
        """The Kuzu property type this column is stored as."""
        if self.storage == SCALED:
            return "INT64"
        return _NATIVE.get(self.type_oid, "STRING")

    @property
    def scale(self) -> int:
        """The scale of a numeric(p, s) column (0 for anything else)."""
        ps = numeric_precision_scale(self.typmod) if self.type_oid == T.NUMERIC else None
        return ps[1] if ps is not None else 0

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
    #: A UNIQUE ('u') that exists only as a unique index (CREATE UNIQUE INDEX): enforced
    #: like a constraint, but not a pg_constraint row.
    index_only: bool = False
    #: FOREIGN KEY: the Kuzu REL TABLE (child -> parent) kept in step with every write.
    rel_table: str | None = None
    comment: str | None = None  # COMMENT ON CONSTRAINT
    #: DEFERRABLE / INITIALLY DEFERRED (pg_constraint.condeferrable/condeferred). Only
    #: a FOREIGN KEY's check is postponed (to COMMIT or SET CONSTRAINTS ... IMMEDIATE).
    deferrable: bool = False
    initially_deferred: bool = False


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
    comment: str | None = None  # COMMENT ON TABLE
    #: A link table (two single-column foreign keys to one parent's key): the Kuzu REL
    #: TABLE parent -> parent with one edge per row whose two keys are set (property `k`:
    #: the row's Kuzu key), and the REL tables of the two foreign keys it joins
    #: (from, to). See docs/decisions/0010-recursive-traversal.md.
    link_rel: str | None = None
    link_fks: tuple[str, ...] = ()

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
    oid: int = 0
    comment: str | None = None

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class ViewDef:
    """A view: its defining SELECT (SQL text, expanded where it is used) and columns."""

    schema: str
    name: str
    sql: str  # the SELECT, as PostgreSQL SQL text
    columns: tuple[ColumnDef, ...]  # output columns (names after the view's column list)
    oid: int = 0
    depends: tuple[str, ...] = ()  # qualified names of the tables and views it reads
    comment: str | None = None
    #: the search_path at CREATE VIEW: the SELECT's names resolve as they did then, as
    #: PostgreSQL binds them (None: a view stored before this was recorded)
    search_path: tuple[str, ...] | None = None

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class IndexDef:
    """An index made by CREATE INDEX: recorded, and enforced when UNIQUE (see ADR 0007)."""

    schema: str
    name: str
    table: str  # qualified "schema.name" of the indexed table
    columns: tuple[str, ...]  # plain column keys ("" for an expression key)
    unique: bool = False
    method: str = "btree"
    definition: str = ""  # CREATE INDEX text, as pg_get_indexdef shows it
    oid: int = 0
    comment: str | None = None

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class EnumDef:
    """A user-defined enum type (CREATE TYPE ... AS ENUM): its labels in declared order.

    `sort_orders` are pg_enum.enumsortorder, parallel to `labels`: 1, 2, 3 ... for the
    declared labels, midpoints for ALTER TYPE ... ADD VALUE BEFORE/AFTER, as in PostgreSQL.
    """

    schema: str
    name: str
    labels: tuple[str, ...]
    sort_orders: tuple[float, ...] = ()
    oid: int = 0
    array_oid: int = 0
    comment: str | None = None

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def ordered(self) -> tuple[str, ...]:
        """The labels by sort order (the order comparisons use)."""
        return tuple(lab for _, lab in sorted(zip(self.sort_orders, self.labels, strict=True)))


def enum_oids(schema: str, name: str) -> tuple[int, int]:
    """(type OID, array type OID) of the enum `schema.name`: stable, like every user OID."""
    return stable_oid("type", f"{schema}.{name}"), stable_oid("type[]", f"{schema}.{name}")


Relation = TableDef | ViewDef | SequenceDef | IndexDef

RELATION_KIND = {TableDef: "table", ViewDef: "view", SequenceDef: "sequence", IndexDef: "index"}


#: information_schema's domains kuzugres stores (format_type qualifies them unless the
#: schema is on search_path)
_INFORMATION_SCHEMA_DOMAINS = {
    oid: T.TYPES_BY_OID[oid].name
    for oid in (T.CARDINAL_NUMBER, T.CHARACTER_DATA, T.SQL_IDENTIFIER, T.TIME_STAMP, T.YES_OR_NO)
}

_QUOTED_KEYWORDS = frozenset(
    _keywords.RESERVED_KEYWORDS | _keywords.COL_NAME_KEYWORDS | _keywords.TYPE_FUNC_NAME_KEYWORDS
)


def quote_ident(name: str) -> str:
    """PostgreSQL's quote_identifier, as pg_get_constraintdef, pg_get_indexdef and
    format_type print names (a name with `$` is quoted: quote_identifier takes only a-z,
    0-9 and _ as safe)."""
    if re.fullmatch(r"[a-z_][a-z0-9_]*", name) and name not in _QUOTED_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def relation_kind(rel: Relation) -> str:
    """'table', 'view', 'sequence' or 'index' (PostgreSQL's words in messages)."""
    return RELATION_KIND[type(rel)]


@dataclass(frozen=True)
class Catalog:
    """An immutable snapshot of the schema.

    `search_path` is not part of the stored schema: it is the session's, set on the
    snapshot handed to the translator with `with_search_path` (names without a schema
    resolve through it, like PostgreSQL's).
    """

    version: int = 0
    tables: dict[str, TableDef] = field(default_factory=dict)  # key: "schema.name"
    sequences: dict[str, SequenceDef] = field(default_factory=dict)
    schemas: tuple[str, ...] = ("public",)
    views: dict[str, ViewDef] = field(default_factory=dict)
    indexes: dict[str, IndexDef] = field(default_factory=dict)
    schema_comments: dict[str, str] = field(default_factory=dict)
    enums: dict[str, EnumDef] = field(default_factory=dict)  # key: "schema.name"
    search_path: tuple[str, ...] = field(default=("public",), compare=False)

    # -- name resolution
    def with_search_path(self, path: Sequence[str]) -> Catalog:
        """The same snapshot resolving unqualified names through `path`."""
        path = tuple(path)
        if path == self.search_path:
            return self
        return replace(self, search_path=path)

    def path_schemas(self) -> tuple[str, ...]:
        """The schemas of search_path that exist, in order."""
        return tuple(s for s in self.search_path if s in self.schemas)

    def creation_schema(self) -> str:
        """Where CREATE puts an object named without a schema (3F000 if nowhere)."""
        for s in self.search_path:
            if s in self.schemas:
                return s
        raise PgError("no schema has been selected to create in", sqlstate="3F000")

    def relation_at(self, qualified: str) -> Relation | None:
        """The table, view, sequence or index with this qualified name."""
        for space in (self.tables, self.views, self.sequences, self.indexes):
            rel = space.get(qualified)
            if rel is not None:
                return rel
        return None

    def resolve(self, name: str, schema: str | None = None) -> Relation | None:
        """A relation of any kind, by name: `schema` if given, else the first in search_path."""
        if schema is not None:
            return self.relation_at(f"{schema}.{name}")
        for s in self.path_schemas():
            rel = self.relation_at(f"{s}.{name}")
            if rel is not None:
                return rel
        return None

    def lookup(
        self, name: str, schema: str | None = None, *, position: int | None = None
    ) -> TableDef:
        """Resolve a table name like PostgreSQL (through search_path); 42P01 if missing."""
        rel = self.resolve(name, schema)
        if isinstance(rel, TableDef):
            return rel
        if isinstance(rel, ViewDef):
            raise FeatureNotSupported(f'view "{name}" cannot be used here yet', position=position)
        shown = f"{schema}.{name}" if schema else name
        raise UndefinedTable(f'relation "{shown}" does not exist', position=position)

    def find(self, name: str, schema: str | None = None) -> TableDef | None:
        rel = self.resolve(name, schema)
        return rel if isinstance(rel, TableDef) else None

    def view(self, name: str, schema: str | None = None) -> ViewDef | None:
        """The view `name` resolves to (None when it names a table, or nothing)."""
        rel = self.resolve(name, schema)
        return rel if isinstance(rel, ViewDef) else None

    def sequence(self, name: str, schema: str | None = None) -> SequenceDef | None:
        rel = self.resolve(name, schema)
        return rel if isinstance(rel, SequenceDef) else None

    def index(self, name: str, schema: str | None = None) -> IndexDef | None:
        rel = self.resolve(name, schema)
        return rel if isinstance(rel, IndexDef) else None

    def in_schema(self, schema: str) -> list[Relation]:
        """Every relation in `schema` (tables, views, sequences, indexes)."""
        prefix = schema + "."
        out: list[Relation] = []
        for space in (self.tables, self.views, self.sequences, self.indexes):
            out.extend(r for k, r in space.items() if k.startswith(prefix))  # type: ignore[attr-defined]
        return out

    def enum_type(self, name: str, schema: str | None = None) -> EnumDef | None:
        """The enum type `name` (in `schema`, else the first in search_path)."""
        if schema is not None:
            return self.enums.get(f"{schema}.{name}")
        for s in ("pg_catalog", *self.path_schemas()):
            e = self.enums.get(f"{s}.{name}")
            if e is not None:
                return e
        return None

    def enum_by_oid(self, oid: int) -> EnumDef | None:
        """The enum type whose type OID (or array type OID) is `oid`."""
        return self._enums_by_oid().get(oid)

    def _enums_by_oid(self) -> dict[int, EnumDef]:
        cached: dict[int, EnumDef] | None = self.__dict__.get("_by_oid")
        if cached is None:
            cached = {oid: e for e in self.enums.values() for oid in (e.oid, e.array_oid)}
            object.__setattr__(self, "_by_oid", cached)  # a memo of frozen data
        return cached

    # -- user-defined types as the translator and the codecs see them (T.UserTypes)
    def user_type_oid(self, schema: str | None, name: str) -> int | None:
        """The OID of enum type `name` (``_name``: its array type) in `schema`, or the
        first schema of search_path that has it; None if there is none."""
        enum = self.enum_type(name, schema)
        if enum is not None:
            return enum.oid
        if schema == "information_schema":
            for oid, domain in _INFORMATION_SCHEMA_DOMAINS.items():
                if domain == name:
                    return oid
        if name.startswith("_"):
            enum = self.enum_type(name[1:], schema)
            if enum is not None:
                return enum.array_oid
        return None

    def user_type_shown(self, oid: int) -> str | None:
        """format_type's name of enum type `oid`: bare when search_path finds it by that
        name (pg_type_is_visible), else schema-qualified; None if there is no such type."""
        enum = self.enum_by_oid(oid)
        if enum is None:
            domain = _INFORMATION_SCHEMA_DOMAINS.get(oid)
            if domain is None or "information_schema" in self.search_path:
                return domain
            return f"information_schema.{domain}"
        shown = quote_ident(enum.name)
        if not self.user_type_visible(oid):
            shown = f"{quote_ident(enum.schema)}.{shown}"
        return shown if oid == enum.oid else shown + "[]"

    def user_type_visible(self, oid: int) -> bool:
        """pg_type_is_visible of an enum type (or its array type)."""
        enum = self.enum_by_oid(oid)
        return enum is not None and self.enum_type(enum.name) is enum

    def enum_order(self, oid: int) -> tuple[str, ...] | None:
        """The labels of enum type `oid` in sort order (None if there is no such enum)."""
        enum = self.enum_by_oid(oid)
        return enum.ordered() if enum is not None and enum.oid == oid else None

    # -- changes (each returns the next version)
    def with_enum(self, enum: EnumDef) -> Catalog:
        enums = dict(self.enums)
        enums[enum.qualified] = enum
        register_enum_types((enum,))
        return self._next(enums=enums)

    def without_enum(self, qualified: str) -> Catalog:
        enums = dict(self.enums)
        enums.pop(qualified, None)
        return self._next(enums=enums)

    def _next(self, **changes: Any) -> Catalog:
        return replace(self, version=_next_version(self.version), **changes)

    def with_schema_comments(self, comments: dict[str, str]) -> Catalog:
        return self._next(schema_comments=comments)

    def with_table(self, table: TableDef) -> Catalog:
        self._check_types(table.columns)
        tables = dict(self.tables)
        tables[table.qualified] = table
        return self._next(tables=tables)

    def without_table(self, qualified: str) -> Catalog:
        tables = dict(self.tables)
        tables.pop(qualified, None)
        sequences = {
            k: s
            for k, s in self.sequences.items()
            if not (s.owned_by or "").startswith(qualified + ".")
        }
        indexes = {k: i for k, i in self.indexes.items() if i.table != qualified}
        return self._next(tables=tables, sequences=sequences, indexes=indexes)

    def _check_types(self, columns: Sequence[ColumnDef]) -> None:
        """42704 for a column of an enum type this snapshot does not have (a plan
        translated against another snapshot can name one)."""
        known = self._enums_by_oid()
        for col in columns:
            if col.type_oid >= 16384 and col.type_oid not in known:
                raise UndefinedObject(f"type with OID {col.type_oid} does not exist")

    def with_sequence(self, seq: SequenceDef) -> Catalog:
        sequences = dict(self.sequences)
        sequences[seq.qualified] = seq
        return self._next(sequences=sequences)

    def without_sequence(self, qualified: str) -> Catalog:
        sequences = dict(self.sequences)
        sequences.pop(qualified, None)
        return self._next(sequences=sequences)

    def with_view(self, view: ViewDef) -> Catalog:
        views = dict(self.views)
        views[view.qualified] = view
        return self._next(views=views)

    def without_view(self, qualified: str) -> Catalog:
        views = dict(self.views)
        views.pop(qualified, None)
        return self._next(views=views)

    def with_index(self, index: IndexDef) -> Catalog:
        indexes = dict(self.indexes)
        indexes[index.qualified] = index
        return self._next(indexes=indexes)

    def without_index(self, qualified: str) -> Catalog:
        indexes = dict(self.indexes)
        indexes.pop(qualified, None)
        return self._next(indexes=indexes)

    def with_schemas(self, schemas: Sequence[str]) -> Catalog:
        return self._next(schemas=tuple(schemas))

    def referencing(self, qualified: str) -> list[tuple[TableDef, ConstraintDef]]:
        """Foreign keys of other tables (or this one) that point at `qualified`."""
        out = []
        for t in self.tables.values():
            for c in t.constraints:
                if c.kind == "f" and c.ref_table == qualified:
                    out.append((t, c))
        return out

    def dependent_views(self, qualified: str) -> list[ViewDef]:
        """Views that read the table or view `qualified`."""
        return [v for v in self.views.values() if qualified in v.depends]

    # -- persistence
    def to_json(self) -> str:
        return json.dumps(
            {
                "version": self.version,
                "schemas": list(self.schemas),
                "tables": [asdict(t) for t in self.tables.values()],
                "sequences": [asdict(s) for s in self.sequences.values()],
                "views": [asdict(v) for v in self.views.values()],
                "indexes": [asdict(i) for i in self.indexes.values()],
                "schema_comments": self.schema_comments,
                "enums": [asdict(e) for e in self.enums.values()],
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
            t["link_fks"] = tuple(t.get("link_fks", ()))
            td = TableDef(columns=cols, constraints=cons, **t)
            tables[td.qualified] = td
        sequences = {}
        for s in doc.get("sequences", []):
            sd = SequenceDef(**s)
            sequences[sd.qualified] = sd
        views = {}
        for v in doc.get("views", []):
            vd = ViewDef(
                **{
                    **v,
                    "columns": tuple(ColumnDef(**c) for c in v["columns"]),
                    "depends": tuple(v["depends"]),
                    "search_path": (
                        None if v.get("search_path") is None else tuple(v["search_path"])
                    ),
                }
            )
            views[vd.qualified] = vd
        indexes = {}
        for i in doc.get("indexes", []):
            idx = IndexDef(**{**i, "columns": tuple(i["columns"])})
            indexes[idx.qualified] = idx
        enums = {}
        for e in doc.get("enums", []):
            ed = EnumDef(
                **{**e, "labels": tuple(e["labels"]), "sort_orders": tuple(e["sort_orders"])}
            )
            enums[ed.qualified] = ed
        register_enum_types(enums.values())
        return Catalog(
            doc["version"],
            tables,
            sequences,
            tuple(doc.get("schemas", ["public"])),
            views,
            indexes,
            dict(doc.get("schema_comments", {})),
            enums,
        )


def register_enum_types(enums: Any) -> None:
    """Make the wire codecs know these enum types, by OID.

    Their OIDs are stable (a name gives one OID everywhere), so a process-wide table is
    safe to keep after a type is dropped; names, existence and labels come from the
    session's snapshot (Catalog implements proxy.types.UserTypes).
    """
    for e in enums:
        T.register_enum(e.schema, e.name, e.oid, e.array_oid, e.ordered())


#: The highest catalog version this process has handed out. A new snapshot's version is
#: above it and above its base's, so no two snapshots share one: a transaction's DDL that
#: is rolled back, and another session's DDL on the same base, make different snapshots
#: that must not meet under one version (the translation cache is keyed by it).
_last_version = 0
_version_lock = threading.Lock()


def _next_version(base: int) -> int:
    global _last_version
    with _version_lock:
        _last_version = max(_last_version, base) + 1
        return _last_version


def search_path_schemas(setting: str, user: str) -> tuple[str, ...]:
    """The schema names of a search_path setting ('"$user", public' -> ('alice', 'public'))."""
    return _parse_search_path(setting, user)


@functools.lru_cache(maxsize=256)
def _parse_search_path(setting: str, user: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in _split_list(setting):
        if part == "$user":
            part = user
        if part and part not in out:
            out.append(part)
    return tuple(out)


def split_dotted(text: str) -> list[str]:
    """'sch.name' / '"Sch"."N"' -> its parts, unquoted names folded to lower case."""
    out: list[str] = []
    buf: list[str] = []
    quoted = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and text[i + 1] == '"':
                    buf.append('"')
                    i += 1
                else:
                    quoted = False
            else:
                buf.append(ch)
        elif ch == '"':
            quoted = True
        elif ch == ".":
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch.lower() if not ch.isspace() else "")
        i += 1
    out.append("".join(buf))
    return out


def _split_list(text: str) -> list[str]:
    """A comma-separated identifier list: unquoted names fold to lower case."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\n,":
            i += 1
        if i >= n:
            break
        if text[i] == '"':
            j = i + 1
            buf = []
            while j < n:
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(text[j])
                j += 1
            out.append("".join(buf))
            i = j + 1
        else:
            j = i
            while j < n and text[j] != ",":
                j += 1
            out.append(text[i:j].strip().lower())
            i = j
    return out


def stable_oid(kind: str, qualified: str) -> int:
    """An OID that is the same on every node and across restarts (catalog issue relies on it)."""
    return 16384 + (zlib.crc32(f"{kind}:{qualified}".encode()) % 1_000_000_000)


def kuzu_table_name(schema: str, name: str) -> str:
    """The node table holding `schema.name` (public tables keep their name)."""
    return name if schema == "public" else f"{schema}__{name}"


def keyable(column: ColumnDef) -> bool:
    """Whether a column can be the Kuzu primary key itself."""
    return column.type_oid in _KEYABLE


def key_type(table: TableDef) -> str:
    """The Kuzu type of a table's primary-key property."""
    col = table.column(table.key)
    return "INT64" if table.key == ROWID or col is None else col.kuzu_type


def fk_rel_tables(catalog: Catalog) -> set[str]:
    """The Kuzu REL TABLEs of all foreign keys (and link tables) in `catalog`."""
    return {
        c.rel_table
        for t in catalog.tables.values()
        for c in t.constraints
        if c.kind == "f" and c.rel_table is not None
    } | {t.link_rel for t in catalog.tables.values() if t.link_rel is not None}


def link_pair(
    catalog: Catalog, table: TableDef
) -> tuple[ConstraintDef, ConstraintDef, TableDef] | None:
    """The foreign keys that make `table` a link table, and their parent table.

    The first two single-column foreign keys (with REL tables) that reference the same
    parent table's Kuzu key: a row is then an edge between two parent rows.
    """
    seen: dict[str, ConstraintDef] = {}
    for con in table.constraints:
        if con.kind != "f" or con.rel_table is None or con.ref_table is None:
            continue
        if len(con.columns) != 1:
            continue
        schema, _, name = con.ref_table.partition(".")
        parent = catalog.find(name, schema)
        if parent is None or con.ref_columns != (parent.key,):
            continue
        first = seen.get(parent.qualified)
        if first is not None:
            return first, con, parent
        seen[parent.qualified] = con
    return None


def with_rel_tables(catalog: Catalog) -> Catalog:
    """`catalog` with a REL table named for every foreign key whose parent exists and
    for every link table (the executor creates the new ones, see `_link_foreign_keys`)."""
    for table in list(catalog.tables.values()):
        cons = []
        for con in table.constraints:
            if con.kind == "f" and con.rel_table is None and con.ref_table is not None:
                schema, _, name = con.ref_table.partition(".")
                if catalog.find(name, schema) is not None:
                    con = replace(con, rel_table=f"_fk_{table.kuzu_name}_{con.name}")
            cons.append(con)
        if tuple(cons) != table.constraints:
            catalog = _put(catalog, replace(table, constraints=tuple(cons)))
    for table in list(catalog.tables.values()):
        pair = link_pair(catalog, table)
        if table.link_rel is None and pair is not None:
            fks = (pair[0].rel_table or "", pair[1].rel_table or "")
            catalog = _put(
                catalog, replace(table, link_rel=f"_link_{table.kuzu_name}", link_fks=fks)
            )
    return catalog


def without_stale_links(catalog: Catalog) -> Catalog:
    """`catalog` without the link REL tables of tables that no longer are link tables
    (or link through other foreign keys now)."""
    for table in list(catalog.tables.values()):
        if table.link_rel is not None and link_of(catalog, table) is None:
            catalog = _put(catalog, replace(table, link_rel=None, link_fks=()))
    return catalog


def _put(catalog: Catalog, table: TableDef) -> Catalog:
    """A table's REL tables changed: the same catalog version (the SQL did not change)."""
    return replace(catalog, tables={**catalog.tables, table.qualified: table})


def link_of(
    catalog: Catalog, table: TableDef
) -> tuple[ConstraintDef, ConstraintDef, TableDef] | None:
    """`link_pair` of a table whose link REL table exists and still matches it."""
    if table.link_rel is None:
        return None
    pair = link_pair(catalog, table)
    if pair is None or (pair[0].rel_table, pair[1].rel_table) != table.link_fks:
        return None
    return pair
