"""Sequences at run time: nextval/currval/setval/lastval with PostgreSQL's semantics.

Like PostgreSQL's, sequences are not transactional: a value handed out stays used when
the transaction rolls back. The node keeps every sequence's last value in memory
(`SequenceState`, loaded at start-up; writers are serialized and evaluation is
synchronous, so allocation is race-free) and remembers which ones changed; the
executor stores their high-water marks in the `_kuzugres_sequence` node table from a
write transaction at the end of the statement (`CatalogStore.sequence_save_statements`).
What a session saw (currval, lastval) is per session: `SessionSequences`.

In a cluster (`cluster_slots` N > 1) every node hands out only the values of its own
lane: value = start + p * increment with p = node_slot (mod N), so nodes never collide
without talking to each other (docs/decisions/0019-cluster-unique-keys.md). With the
default N = 1 the lane is every value and behaviour is PostgreSQL's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kuzugres.errcodes import ObjectNotInPrerequisiteState, UndefinedTable
from kuzugres.errors import PgError
from kuzugres.translator.catalog import Catalog, SequenceDef, split_dotted


@dataclass
class SequenceState:
    """The node's sequences: last value handed out (or start - increment when unused)."""

    #: qualified name -> (value, is_called), PostgreSQL's last_value and is_called.
    values: dict[str, tuple[int, bool]] = field(default_factory=dict)
    #: This node's lane: values p * increment past start with p % slots == slot.
    slot: int = 0
    slots: int = 1
    _dirty: set[str] = field(default_factory=set)

    def load(self, rows: list[tuple[str, int, bool]]) -> None:
        """Start-up: the persisted (name, value, is_called) of every sequence."""
        self.values = {name: (int(value), bool(called)) for name, value, called in rows}
        self._dirty.clear()

    def current(self, seq: SequenceDef) -> tuple[int, bool]:
        return self.values.get(seq.qualified, (seq.start, False))

    def nextvals(self, seq: SequenceDef, count: int) -> list[int]:
        """Allocate `count` values (2200H at the end of a sequence without CYCLE)."""
        value, called = self.current(seq)
        out: list[int] = []
        for _ in range(count):
            candidate = value + seq.increment if called else value
            value = self.in_lane(seq, candidate)
            # An unused value was checked when it was set (PostgreSQL's rule).
            moved = called or value != candidate
            if moved and not seq.min_value <= value <= seq.max_value:
                if not seq.cycle:
                    bound, word = (
                        (seq.max_value, "maximum")
                        if seq.increment > 0
                        else (seq.min_value, "minimum")
                    )
                    if out:  # keep what was handed out before failing
                        self._set(seq, out[-1], True)
                    raise PgError(
                        f'nextval: reached {word} value of sequence "{seq.name}" ({bound})',
                        sqlstate="2200H",
                    )
                wrapped = seq.min_value if seq.increment > 0 else seq.max_value
                value = self.in_lane(seq, wrapped)
            called = True
            out.append(value)
        if out:
            self._set(seq, out[-1], True)
        return out

    def in_lane(self, seq: SequenceDef, candidate: int) -> int:
        """The first value of this node's lane at or past `candidate` (in the sequence's
        direction); `candidate` itself when the node is standalone."""
        if self.slots == 1:
            return candidate
        # p: steps of `increment` from start, rounded up in the sequence's direction.
        p = -((seq.start - candidate) // seq.increment)
        p += (self.slot - p) % self.slots
        return seq.start + p * seq.increment

    def setval(self, seq: SequenceDef, value: int, is_called: bool) -> int:
        if not seq.min_value <= value <= seq.max_value:
            raise PgError(
                f'setval: value {value} is out of bounds for sequence "{seq.name}" '
                f"({seq.min_value}..{seq.max_value})",
                sqlstate="22003",
            )
        self._set(seq, value, is_called)
        return value

    def restart(self, name: str, value: int) -> None:
        """ALTER SEQUENCE RESTART / TRUNCATE RESTART IDENTITY / CREATE: next is `value`."""
        self.values[name] = (value, False)
        self._dirty.add(name)

    def forget(self, name: str) -> None:
        self.values.pop(name, None)
        self._dirty.discard(name)

    def _set(self, seq: SequenceDef, value: int, called: bool) -> None:
        self.values[seq.qualified] = (value, called)
        self._dirty.add(seq.qualified)

    def dirty(self) -> dict[str, tuple[int, bool]]:
        """The sequences changed since the last `saved()`, with their values to store."""
        return {n: self.values[n] for n in self._dirty if n in self.values}

    def saved(self, names: set[str] | dict[str, tuple[int, bool]]) -> None:
        """The given sequences' values are stored now."""
        self._dirty.difference_update(names)


@dataclass
class SessionSequences:
    """currval/lastval: the last value this session got from each sequence."""

    last: dict[str, int] = field(default_factory=dict)
    last_used: str | None = None

    def got(self, name: str, value: int) -> None:
        self.last[name] = value
        self.last_used = name

    def reset(self) -> None:
        """DISCARD SEQUENCES / DISCARD ALL."""
        self.last.clear()
        self.last_used = None


def resolve_sequence(catalog: Catalog, text: str) -> SequenceDef:
    """The sequence named by nextval()'s text argument ('s', 'sch.s', '"S"'), via search_path."""
    parts = split_dotted(text)
    if len(parts) == 1:
        schema, name = None, parts[0]
    elif len(parts) == 2:
        schema, name = parts
    else:
        raise PgError(f"improper relation name (too many dotted names): {text}", sqlstate="42601")
    seq = catalog.sequence(name, schema)
    if seq is None:
        shown = f"{schema}.{name}" if schema else name
        if catalog.resolve(name, schema) is not None:
            raise PgError(f'"{shown}" is not a sequence', sqlstate="42809")
        raise UndefinedTable(f'relation "{shown}" does not exist')
    return seq


def currval(session: SessionSequences, seq: SequenceDef) -> int:
    value = session.last.get(seq.qualified)
    if value is None:
        raise ObjectNotInPrerequisiteState(
            f'currval of sequence "{seq.name}" is not yet defined in this session'
        )
    return value


def lastval(session: SessionSequences, catalog: Catalog) -> int:
    name = session.last_used
    if name is None:
        raise ObjectNotInPrerequisiteState("lastval is not yet defined in this session")
    if name not in catalog.sequences:
        raise ObjectNotInPrerequisiteState("lastval is not yet defined in this session")
    return session.last[name]
