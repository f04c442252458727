"""The durable event log: an append-only sequence of frames on local disk.

`EventLog` is the interface the node uses; `FileLog` keeps it in segment files
`DATA/events/<first seq, 20 digits>.log`. Each frame is `<u32 length><u32 crc32>`
followed by the encoded frame (`sync.events`).

Durability is split in two steps so that concurrent committers share an fsync (group
commit):
- `append` writes the frame with write(2) and returns its position. From then on, the
  frame survives the process being killed, because the kernel holds it. The executor
  appends while it holds the writer lock, before Kuzu's COMMIT.
- `sync(position)` returns once an fsync has covered that position. The executor
  awaits it after releasing the writer lock and before it acknowledges COMMIT. While
  one fsync runs, later committers append and then wait together for the next one.

Opening a log drops a torn tail: a frame cut short, or one whose checksum fails. Such
a frame was never synced, so no acknowledged transaction is in it.
"""

from __future__ import annotations

import asyncio
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from kuzugres.sync.events import Abort, Frame, Transaction, decode, encode

_HEADER = struct.Struct("<II")
SEGMENT_BYTES = 64 * 1024 * 1024
_SUFFIX = ".log"


class LogCorrupt(Exception):
    """A frame before the log's tail is unreadable (damage, not a torn write)."""


class EventLog(Protocol):
    @property
    def last_seq(self) -> int: ...

    @property
    def last_hlc(self) -> int: ...

    def append(self, frame: Frame) -> int: ...

    async def sync(self, position: int) -> None: ...

    def transactions(self, after_seq: int = 0) -> Iterator[Transaction]: ...

    def close(self) -> None: ...


def _segment_name(first_seq: int) -> str:
    return f"{first_seq:020d}{_SUFFIX}"


def parse_frames(data: bytes) -> tuple[list[tuple[Frame, int]], int]:
    """The whole frames at the start of `data` with their end offsets, and the offset
    where they end (a frame cut short or failing its checksum ends the scan)."""
    out: list[tuple[Frame, int]] = []
    pos = 0
    while pos + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, pos)
        start = pos + _HEADER.size
        payload = data[start : start + length]
        if len(payload) < length or zlib.crc32(payload) != crc:
            break
        pos = start + length
        out.append((decode(payload), pos))
    return out, pos


def _read_frames(path: Path) -> tuple[list[tuple[Frame, int]], int, bool]:
    """(frames with their end offsets, end of the last whole frame, whether bytes follow
    it that are not a whole frame)."""
    data = path.read_bytes()
    frames, end = parse_frames(data)
    return frames, end, end < len(data)


def segment_paths(directory: Path) -> list[Path]:
    """A log directory's segment files, oldest first."""
    return sorted(p for p in directory.iterdir() if p.name.endswith(_SUFFIX))


class LogTail:
    """Reads the frames appended to a log directory since the last read, from the byte
    offset it stopped at. A frame still being written (cut short, or failing its
    checksum) is read next time."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path: Path | None = None
        self.offset = 0

    def read(self) -> list[Frame]:
        segments = segment_paths(self.directory)
        if self.path in segments:
            segments = segments[segments.index(self.path) :]
        out: list[Frame] = []
        for path in segments:
            if path != self.path:
                self.path, self.offset = path, 0
            with path.open("rb") as f:
                f.seek(self.offset)
                data = f.read()
            frames, end = parse_frames(data)
            out += [frame for frame, _ in frames]
            self.offset += end
        return out


class FileLog:
    """The event log in segment files under one directory."""

    def __init__(self, directory: Path, *, segment_bytes: int = SEGMENT_BYTES) -> None:
        self.directory = directory
        self.segment_bytes = segment_bytes
        directory.mkdir(parents=True, exist_ok=True)
        self._last_seq = 0
        self._last_hlc = 0
        self._appended = 0  # bytes appended through this object (positions)
        self._synced = 0
        self._flushing: asyncio.Future[None] | None = None
        segments = self._segments()
        if not segments:
            self._path = directory / _segment_name(1)
            self._path.touch()
            self._fsync_dir()
        else:
            self._path = segments[-1]
            self._recover(segments)
        self._fd = os.open(self._path, os.O_WRONLY | os.O_APPEND)
        self._size = self._path.stat().st_size

    # ------------------------------------------------------------------ state
    @property
    def last_seq(self) -> int:
        """The seq of the last event in the log (0 for an empty log)."""
        return self._last_seq

    @property
    def last_hlc(self) -> int:
        """The clock timestamp of the last transaction in the log."""
        return self._last_hlc

    def _segments(self) -> list[Path]:
        return segment_paths(self.directory)

    def _recover(self, segments: list[Path]) -> None:
        """Find the last seq and drop a torn tail of the last segment."""
        for path in reversed(segments):
            frames, end, torn = _read_frames(path)
            if path == segments[-1] and torn:
                with path.open("r+b") as f:
                    f.truncate(end)
                    f.flush()
                    os.fsync(f.fileno())
            txs = [f for f, _ in frames if isinstance(f, Transaction)]
            if txs:
                self._last_seq = max(t.last_seq for t in txs)
                self._last_hlc = max(t.hlc for t in txs)
                return

    def _fsync_dir(self) -> None:
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    # ------------------------------------------------------------------ writing
    def append(self, frame: Frame) -> int:
        """Write a frame (not yet synced); returns the position `sync` waits for."""
        if isinstance(frame, Transaction) and frame.first_seq <= self._last_seq:
            raise ValueError(f"event seq {frame.first_seq} is not after {self._last_seq}")
        payload = encode(frame)
        if self._size >= self.segment_bytes and isinstance(frame, Transaction):
            self._rotate(frame.first_seq)
        buf = _HEADER.pack(len(payload), zlib.crc32(payload)) + payload
        view = memoryview(buf)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]
        self._size += len(buf)
        self._appended += len(buf)
        if isinstance(frame, Transaction):
            self._last_seq = max(self._last_seq, frame.last_seq)
            self._last_hlc = max(self._last_hlc, frame.hlc)
        return self._appended

    def _rotate(self, first_seq: int) -> None:
        """Start a new segment (the old one is synced first, so `sync` covers it)."""
        os.fsync(self._fd)
        os.close(self._fd)
        self._path = self.directory / _segment_name(first_seq)
        self._fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._fsync_dir()
        self._size = 0

    async def sync(self, position: int) -> None:
        """Return once an fsync has covered `position` (group commit: one fsync serves
        every committer waiting when it starts)."""
        while self._synced < position:
            if self._flushing is None:
                self._flushing = asyncio.ensure_future(self._flush())
            await asyncio.shield(self._flushing)

    async def _flush(self) -> None:
        target, fd = self._appended, self._fd
        try:
            await asyncio.to_thread(os.fdatasync, fd)
            self._synced = max(self._synced, target)
        finally:
            self._flushing = None

    def sync_now(self) -> None:
        """fsync everything appended so far (blocking)."""
        os.fdatasync(self._fd)
        self._synced = self._appended

    # ------------------------------------------------------------------ reading
    def frames(self, after_seq: int = 0) -> Iterator[Frame]:
        """Every frame holding events after `after_seq`, in log order (aborts included)."""
        segments = self._segments()
        for i, path in enumerate(segments):
            if i + 1 < len(segments) and int(segments[i + 1].name[:20]) <= after_seq + 1:
                continue  # every event of this segment is at or before after_seq
            frames, _, torn = _read_frames(path)
            if torn and path != segments[-1]:
                raise LogCorrupt(f"event log segment {path.name} is damaged")
            for frame, _ in frames:
                if isinstance(frame, Abort):
                    if frame.first_seq > after_seq:
                        yield frame
                elif frame.last_seq > after_seq:
                    yield frame

    def transactions(self, after_seq: int = 0) -> Iterator[Transaction]:
        """The committed transactions with events after `after_seq`, in commit order: an
        aborted transaction's frame is followed by its Abort, and is skipped."""
        pending: Transaction | None = None
        for frame in self.frames(after_seq):
            if isinstance(frame, Abort):
                if pending is not None and pending.first_seq == frame.first_seq:
                    pending = None
                continue
            if pending is not None:
                yield pending
            pending = frame
        if pending is not None:
            yield pending

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
