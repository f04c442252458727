"""Events: what a committed write transaction changed, as the log stores it.

A `Transaction` groups the events of one committed write transaction. Its header holds
what every event of it shares (origin node, clock timestamp, transaction id, author,
change reason, schema version), so each `RowChange` only carries the table, the
operation, the row's key and the changed column values. Event ids are `(origin, seq)`
with `seq = first_seq + index`: event ids of a node are dense and increase with commit
order, which is what the applied watermark counts.

Tables and columns are named by stable ids, not names (renames are safe): the table's
OID and the column's attnum (`translator.catalog`). Values are in their *wire form*,
which is built from msgpack's own types: None, bool, int, float and str. The layer that
knows SQL types (`kuzugres.eventcodec`) turns values into that form and back.

Besides row changes, a transaction can hold two kinds of physical change, replayed
verbatim on the same schema: a `Ddl` event (one per DDL statement: its SQL text and
the Kuzu statements it ran, schema and catalog included), and a `Statement` (Kuzu
metadata a write keeps in step, such as a sequence's high-water mark). Their Kuzu
parameters may also be dates, timestamps, UUIDs and decimals (msgpack extension types).

Encoding: msgpack, one array per frame; the first element is the format version, and
`upcast` turns every older version into the current one. Sizes for reference: a
one-column update of one row is about 75 bytes (`sync/tests/test_log.py` checks that it
stays under 100).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from typing import Any, TypeAlias

import msgpack

FORMAT = 1


class Op(IntEnum):
    INSERT = 0
    UPDATE = 1
    DELETE = 2


@dataclass(frozen=True)
class RowChange:
    """One changed row: an insert (every non-null column), an update (only the changed
    columns, NULL included), or a delete (no values)."""

    table_id: int
    op: Op
    key: Any
    values: dict[int, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Statement:
    """A Kuzu statement replayed verbatim (parameters included)."""

    cypher: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ddl:
    """One DDL statement: its SQL text and the Kuzu statements it ran."""

    sql: str
    statements: tuple[Statement, ...]


Change: TypeAlias = "RowChange | Ddl | Statement"


@dataclass(frozen=True)
class Transaction:
    """The events of one committed write transaction."""

    origin: str
    first_seq: int
    hlc: int
    txid: int
    author: str
    reason: str | None
    schema_version: int
    changes: tuple[Change, ...]

    @property
    def last_seq(self) -> int:
        """The seq of the transaction's last event (`first_seq - 1` when it has none)."""
        return self.first_seq + len(self.changes) - 1


@dataclass(frozen=True)
class Abort:
    """A transaction whose frame reached the log but whose commit failed afterwards:
    replay skips the frame with `first_seq` (and the seqs are never used again)."""

    first_seq: int


Frame = Transaction | Abort

_TRANSACTION, _ABORT = 0, 1
_ROW, _DDL, _STATEMENT = 0, 1, 2
# msgpack extension types of Kuzu parameter values
_EXT_DATE, _EXT_DATETIME, _EXT_UUID, _EXT_DECIMAL, _EXT_TIMEDELTA = 1, 2, 3, 4, 5


def _ext(value: Any) -> msgpack.ExtType:
    if isinstance(value, dt.datetime):  # before date: a datetime is a date
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return msgpack.ExtType(_EXT_DATETIME, value.isoformat().encode())
    if isinstance(value, dt.date):
        return msgpack.ExtType(_EXT_DATE, value.isoformat().encode())
    if isinstance(value, uuid.UUID):
        return msgpack.ExtType(_EXT_UUID, value.bytes)
    if isinstance(value, Decimal):
        return msgpack.ExtType(_EXT_DECIMAL, str(value).encode())
    if isinstance(value, dt.timedelta):
        return msgpack.ExtType(
            _EXT_TIMEDELTA, msgpack.packb([value.days, value.seconds, value.microseconds])
        )
    raise TypeError(f"cannot store a {type(value).__name__} in the event log")


def _unext(code: int, data: bytes) -> Any:
    if code == _EXT_DATETIME:
        return dt.datetime.fromisoformat(data.decode())
    if code == _EXT_DATE:
        return dt.date.fromisoformat(data.decode())
    if code == _EXT_UUID:
        return uuid.UUID(bytes=data)
    if code == _EXT_DECIMAL:
        return Decimal(data.decode())
    if code == _EXT_TIMEDELTA:
        return dt.timedelta(*msgpack.unpackb(data))
    return msgpack.ExtType(code, data)


def _change(c: Change) -> list[Any]:
    if isinstance(c, RowChange):
        return [_ROW, c.table_id, int(c.op), c.key, c.values]
    if isinstance(c, Ddl):
        return [_DDL, c.sql, [[s.cypher, s.params] for s in c.statements]]
    return [_STATEMENT, c.cypher, c.params]


def _unchange(raw: list[Any]) -> Change:
    if raw[0] == _ROW:
        return RowChange(raw[1], Op(raw[2]), raw[3], raw[4])
    if raw[0] == _DDL:
        return Ddl(raw[1], tuple(Statement(c, p) for c, p in raw[2]))
    return Statement(raw[1], raw[2])


def encode(frame: Frame) -> bytes:
    """A frame's bytes (without the log's length and checksum)."""
    if isinstance(frame, Abort):
        return msgpack.packb([FORMAT, _ABORT, frame.first_seq])
    return msgpack.packb(
        [
            FORMAT,
            _TRANSACTION,
            frame.origin,
            frame.first_seq,
            frame.hlc,
            frame.txid,
            frame.author,
            frame.reason,
            frame.schema_version,
            [_change(c) for c in frame.changes],
        ],
        default=_ext,
    )


def decode(data: bytes) -> Frame:
    """The frame encoded in `data` (any format version this code knows)."""
    raw = upcast(msgpack.unpackb(data, strict_map_key=False, ext_hook=_unext))
    if raw[1] == _ABORT:
        return Abort(raw[2])
    _, _, origin, first_seq, hlc, txid, author, reason, version, changes = raw
    return Transaction(
        origin,
        first_seq,
        hlc,
        txid,
        author,
        reason,
        version,
        tuple(_unchange(c) for c in changes),
    )


def upcast(raw: list[Any]) -> list[Any]:
    """A decoded frame of any known format version as the current version's shape."""
    if raw[0] == FORMAT:
        return raw
    raise ValueError(f"event log frame of unknown format version {raw[0]!r}")
