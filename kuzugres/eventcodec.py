"""SQL values in the event log's wire form, and row changes made from table writes.

The wire form of a value is built from msgpack's own types so that the log does not
depend on how a column is stored in Kuzu (decision 0014 changed that for numeric once
already): bool, integers, floats and strings travel as themselves, and every other
type as its PostgreSQL text output in a fixed context (UTC, ISO dates, full float
precision). That text reads back exactly with the type's input function.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kuzugres.proxy import types as T
from kuzugres.proxy.types import FormatContext, decode_text, encode_text
from kuzugres.sync.events import Change, Op, RowChange
from kuzugres.translator.catalog import ROWID, ColumnDef, TableDef

#: The context the wire form's text is written and read in: never a session's.
WIRE = FormatContext(timezone="UTC", extra_float_digits=3)
_AS_IS = {T.BOOL, T.INT2, T.INT4, T.INT8, T.FLOAT4, T.FLOAT8, T.TEXT, T.VARCHAR, T.BPCHAR}


def to_wire(col: ColumnDef, value: Any) -> Any:
    if value is None or col.type_oid in _AS_IS:
        return value
    return encode_text(col.type_oid, value, WIRE).decode("utf-8")


def from_wire(col: ColumnDef, value: Any) -> Any:
    if value is None or col.type_oid in _AS_IS:
        return value
    return decode_text(col.type_oid, value.encode("utf-8"), WIRE)


def key_to_wire(table: TableDef, key: Any) -> Any:
    """A row's Kuzu key (its primary-key value, or hidden row id) in wire form."""
    col = table.column(table.key)
    return key if table.key == ROWID or col is None else to_wire(col, key)


def key_from_wire(table: TableDef, key: Any) -> Any:
    col = table.column(table.key)
    return key if table.key == ROWID or col is None else from_wire(col, key)


class RowEvents:
    """Records the row changes of table writes into a transaction's list of changes."""

    def __init__(self, changes: list[Change]) -> None:
        self.changes = changes

    def inserted(self, table: TableDef, keys: Sequence[Any], rows: Sequence[Sequence[Any]]) -> None:
        cols = table.columns
        for key, row in zip(keys, rows, strict=True):
            values = {
                c.attnum: to_wire(c, v) for c, v in zip(cols, row, strict=False) if v is not None
            }
            self.changes.append(RowChange(table.oid, Op.INSERT, key_to_wire(table, key), values))

    def updated(
        self,
        table: TableDef,
        changes: Sequence[tuple[Any, Sequence[Any]]],
        old: Sequence[Sequence[Any]] | None,
    ) -> None:
        """Only the columns whose value changed (every column when `old` is unknown)."""
        cols = table.columns
        for i, (key, new) in enumerate(changes):
            before = old[i] if old is not None else None
            values = {}
            for j, c in enumerate(cols):
                v = to_wire(c, new[j])
                if before is None or to_wire(c, before[j]) != v:
                    values[c.attnum] = v
            if values:
                self.changes.append(
                    RowChange(table.oid, Op.UPDATE, key_to_wire(table, key), values)
                )

    def deleted(self, table: TableDef, keys: Sequence[Any]) -> None:
        for key in keys:
            self.changes.append(RowChange(table.oid, Op.DELETE, key_to_wire(table, key)))
