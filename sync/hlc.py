"""Hybrid logical clock: one 64-bit timestamp per transaction, ordered across nodes.

The high 48 bits are wall-clock milliseconds since the Unix epoch, the low 16 bits a
counter that orders events within one millisecond (and carries causality when a
remote clock is ahead). Timestamps compare as plain integers; a node's timestamps
strictly increase, also across restarts (the clock starts from the last timestamp in
the log) and when the wall clock steps back.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

LOGICAL_BITS = 16
_LOGICAL_MASK = (1 << LOGICAL_BITS) - 1


def physical_ms(ts: int) -> int:
    """The wall-clock milliseconds part of a timestamp."""
    return ts >> LOGICAL_BITS


def to_datetime(ts: int) -> dt.datetime:
    """The timestamp's wall-clock moment (UTC, millisecond precision)."""
    return dt.datetime.fromtimestamp(physical_ms(ts) / 1000, tz=dt.UTC)


def from_datetime(moment: dt.datetime) -> int:
    """The largest timestamp at or before `moment` (every event of that millisecond)."""
    ms = int(moment.timestamp() * 1000)
    return (ms << LOGICAL_BITS) | _LOGICAL_MASK


class HybridClock:
    """A node's clock; thread-safe."""

    def __init__(self, last: int = 0, wall_ms: Callable[[], int] | None = None) -> None:
        self._last = last
        self._wall_ms = wall_ms or (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()

    @property
    def last(self) -> int:
        return self._last

    def now(self) -> int:
        """A new timestamp, greater than every one this clock gave or saw."""
        with self._lock:
            wall = self._wall_ms() << LOGICAL_BITS
            self._last = wall if wall > self._last else self._last + 1
            return self._last

    def observe(self, remote: int) -> None:
        """Move past a timestamp seen from another node (causality)."""
        with self._lock:
            if remote > self._last:
                self._last = remote
