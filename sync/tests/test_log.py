"""The event log: frames, torn tails, segments, group commit; the hybrid clock."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from kuzugres.sync import log as log_module
from kuzugres.sync.events import (
    Abort,
    Ddl,
    Op,
    RowChange,
    Statement,
    Transaction,
    decode,
    encode,
)
from kuzugres.sync.hlc import HybridClock, from_datetime, physical_ms, to_datetime
from kuzugres.sync.log import FileLog, LogCorrupt


def tx(first_seq: int, n: int = 1, hlc: int = 1) -> Transaction:
    changes = tuple(
        RowChange(16390, Op.UPDATE, first_seq + i, {3: f"v{i}", 7: None}) for i in range(n)
    )
    return Transaction("node-a", first_seq, hlc, 100 + first_seq, "alice", None, 4, changes)


def test_frames_roundtrip() -> None:
    t = Transaction(
        "node-a",
        5,
        123456789,
        42,
        "alice",
        "fix typo",
        7,
        (
            RowChange(16390, Op.INSERT, 1, {1: 1, 2: "x", 3: 2.5, 4: True}),
            RowChange(16390, Op.UPDATE, "k", {2: None}),
            RowChange(16391, Op.DELETE, 9),
            Ddl(
                "ALTER TABLE t ADD COLUMN d date DEFAULT '2024-01-02'",
                (Statement("ALTER TABLE t ADD d DATE", {}),),
            ),
            Statement(
                "MERGE (s:seq {name: $n}) SET s.value = $v",
                {
                    "n": "s",
                    "v": 7,
                    "d": dt.date(2024, 1, 2),
                    "ts": dt.datetime(2024, 1, 2, 3, 4, 5, 6),
                    "u": uuid.UUID(int=5),
                    "x": Decimal("1.50"),
                    "i": dt.timedelta(days=-1, seconds=5, microseconds=7),
                    "l": [1, None, "a"],
                },
            ),
        ),
    )
    assert decode(encode(t)) == t
    assert t.last_seq == 9
    assert decode(encode(Abort(5))) == Abort(5)


def test_one_column_update_of_a_wide_row_is_small() -> None:
    """The issue's budget: a one-column update of a 20-column row, at most 100 bytes."""
    t = Transaction(
        "3f2a9c41b7de",
        123456,
        from_datetime(to_datetime(1 << 56)),
        98765,
        "postgres",
        None,
        12,
        (RowChange(2718281828, Op.UPDATE, 424242, {17: "12.50"}),),
    )
    assert len(encode(t)) + 8 <= 100


def test_append_and_read_back(tmp_path: Path) -> None:
    log = FileLog(tmp_path)
    assert log.last_seq == 0
    log.append(tx(1, 2))
    log.append(tx(3, 1, hlc=9))
    log.close()
    again = FileLog(tmp_path)
    assert (again.last_seq, again.last_hlc) == (3, 9)
    assert [t.first_seq for t in again.transactions()] == [1, 3]
    assert [t.first_seq for t in again.transactions(after_seq=2)] == [3]
    assert [t.first_seq for t in again.transactions(after_seq=1)] == [1, 3]  # 1..2 partly new
    with pytest.raises(ValueError):
        again.append(tx(3))  # seqs only move forward
    again.close()


def test_aborted_transactions_are_skipped(tmp_path: Path) -> None:
    log = FileLog(tmp_path)
    log.append(tx(1))
    log.append(tx(2))
    log.append(Abort(2))
    log.append(tx(3))
    assert [t.first_seq for t in log.transactions()] == [1, 3]
    assert log.last_seq == 3
    log.close()


@pytest.mark.parametrize("cut", [1, 5, 9, 20])
def test_torn_tail_is_dropped(tmp_path: Path, cut: int) -> None:
    log = FileLog(tmp_path)
    log.append(tx(1))
    log.append(tx(2))
    log.close()
    (segment,) = tmp_path.iterdir()
    size = segment.stat().st_size
    os.truncate(segment, size - cut)
    again = FileLog(tmp_path)
    assert again.last_seq == 1
    assert [t.first_seq for t in again.transactions()] == [1]
    again.append(tx(2))  # the torn bytes are gone: the new frame follows frame 1
    again.close()
    assert [t.first_seq for t in FileLog(tmp_path).transactions()] == [1, 2]


def test_flipped_bit_in_the_tail_is_a_torn_write(tmp_path: Path) -> None:
    log = FileLog(tmp_path)
    log.append(tx(1))
    log.append(tx(2))
    log.close()
    (segment,) = tmp_path.iterdir()
    data = bytearray(segment.read_bytes())
    data[-3] ^= 0xFF
    segment.write_bytes(bytes(data))
    assert [t.first_seq for t in FileLog(tmp_path).transactions()] == [1]


def test_segments_rotate_and_damage_before_the_tail_is_reported(tmp_path: Path) -> None:
    log = FileLog(tmp_path, segment_bytes=200)
    for seq in range(1, 30, 2):
        log.append(tx(seq, 2))
    log.close()
    segments = sorted(tmp_path.iterdir())
    assert len(segments) > 3
    again = FileLog(tmp_path, segment_bytes=200)
    assert again.last_seq == 30
    assert [t.first_seq for t in again.transactions(after_seq=24)] == [25, 27, 29]
    assert len(list(again.transactions())) == 15
    again.close()
    first = segments[0]
    first.write_bytes(first.read_bytes()[:-4])
    with pytest.raises(LogCorrupt):
        list(FileLog(tmp_path, segment_bytes=200).transactions())


def test_group_commit_shares_fsyncs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = os.fdatasync

    def slow_fdatasync(fd: int) -> None:
        calls.append(fd)
        import time

        time.sleep(0.05)
        real(fd)

    monkeypatch.setattr(log_module.os, "fdatasync", slow_fdatasync)
    log = FileLog(tmp_path)

    async def committer(seq: int) -> None:
        position = log.append(tx(seq))
        await log.sync(position)

    async def main() -> None:
        await asyncio.gather(*(committer(seq) for seq in range(1, 21)))

    asyncio.run(main())
    assert len(calls) < 20  # 20 committers, fewer fsyncs (typically 1 or 2)
    log.close()
    assert len(list(FileLog(tmp_path).transactions())) == 20


def test_clock_is_monotonic_and_readable() -> None:
    wall = [1_000]
    clock = HybridClock(wall_ms=lambda: wall[0])
    a, b = clock.now(), clock.now()
    assert b == a + 1 and physical_ms(a) == 1_000
    wall[0] = 500  # the wall clock steps back
    assert clock.now() > b
    clock.observe(5_000 << 16)
    assert physical_ms(clock.now()) == 5_000
    restarted = HybridClock(last=clock.last, wall_ms=lambda: 10)
    assert restarted.now() > clock.last
    assert to_datetime(from_datetime(to_datetime(a))) == to_datetime(a)
