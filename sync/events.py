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

Encoding: msgpack, one array per frame; the first element is the format version, and
`upcast` turns every older version into the current one. Sizes for reference: a
one-column update of one row is about 75 bytes (`tests/test_eventlog.py` checks that
it stays under 100).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

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
class Transaction:
    """The events of one committed write transaction."""

    origin: str
    first_seq: int
    hlc: int
    txid: int
    author: str
    reason: str | None
    schema_version: int
    changes: tuple[RowChange, ...]

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


def encode(frame: Frame) -> bytes:
    """A frame's bytes (without the log's length and checksum)."""
    if isinstance(frame, Abort):
        return msgpack.packb([FORMAT, _ABORT, frame.first_seq])
    changes = [[c.table_id, int(c.op), c.key, c.values] for c in frame.changes]
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
            changes,
        ]
    )


def decode(data: bytes) -> Frame:
    """The frame encoded in `data` (any format version this code knows)."""
    raw = upcast(msgpack.unpackb(data, strict_map_key=False))
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
        tuple(RowChange(t, Op(op), key, values) for t, op, key, values in changes),
    )


def upcast(raw: list[Any]) -> list[Any]:
    """A decoded frame of any known format version as the current version's shape."""
    if raw[0] == FORMAT:
        return raw
    raise ValueError(f"event log frame of unknown format version {raw[0]!r}")
