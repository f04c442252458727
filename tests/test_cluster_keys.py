"""Cluster-unique generated keys (decision 0019): each node hands out its own lane."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from kuzugres.config import ConfigError, load
from kuzugres.node import node_id_for
from kuzugres.sequences import SequenceState
from kuzugres.translator.catalog import SequenceDef
from tests.serverproc import start_node

TABLES = (
    "CREATE TABLE s (id serial PRIMARY KEY, v text)",
    "CREATE TABLE b (id bigserial PRIMARY KEY, v text)",
    "CREATE TABLE i (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)",
    "CREATE SEQUENCE q",
)


def _ids(dsn: str, rows: int) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for ddl in TABLES:
            conn.execute(ddl)
        for table in ("s", "b", "i"):
            for n in range(rows):
                conn.execute(f"INSERT INTO {table} (v) VALUES (%s)", [f"r{n}"])
            # A multi-row statement too.
            conn.execute(f"INSERT INTO {table} (v) VALUES ('x'), ('y'), ('z')")
            out[table] = [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id")]
        out["q"] = [conn.execute("SELECT nextval('q')").fetchone()[0] for _ in range(rows)]
    return out


def _config(tmp_path: Path, name: str, slots: int, slot: int) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f"cluster_slots = {slots}\nnode_slot = {slot}\n")
    return path


def test_two_nodes_hand_out_disjoint_keys(tmp_path: Path) -> None:
    got = []
    for slot in (0, 1):
        cfg = _config(tmp_path, f"n{slot}", 2, slot)
        node = start_node(tmp_path / f"n{slot}", "--config", str(cfg))
        try:
            got.append(_ids(node.dsn, 5))
        finally:
            node.stop()
    first, second = got
    for key in ("s", "b", "i", "q"):
        assert len(first[key]) == len(set(first[key]))
        assert not set(first[key]) & set(second[key]), key
        assert all(v % 2 == 1 for v in first[key])  # slot 0: 1, 3, 5, ...
        assert all(v % 2 == 0 for v in second[key])  # slot 1: 2, 4, 6, ...
    assert first["s"][:3] == [1, 3, 5]
    assert second["b"][:3] == [2, 4, 6]


def test_default_node_counts_one_two_three(tmp_path: Path) -> None:
    node = start_node(tmp_path / "n")
    try:
        got = _ids(node.dsn, 3)
    finally:
        node.stop()
    assert got["s"] == [1, 2, 3, 4, 5, 6]
    assert got["i"] == [1, 2, 3, 4, 5, 6]
    assert got["q"] == [1, 2, 3]


def _seq(start: int = 1, increment: int = 1, **kw: int) -> SequenceDef:
    return SequenceDef("public", "s", start=start, increment=increment, **kw)


def test_lanes_follow_setval_and_foreign_high_water_marks() -> None:
    state = SequenceState(slot=1, slots=3)
    seq = _seq()
    assert state.nextvals(seq, 3) == [2, 5, 8]
    state.setval(seq, 100, True)  # or another node's high-water mark arriving
    assert state.nextvals(seq, 2) == [101, 104]  # 101 = 1 + 100, 100 % 3 == 1
    state.setval(seq, 200, False)
    assert state.nextvals(seq, 1) == [200]  # in the lane already


def test_lanes_of_descending_and_stepped_sequences() -> None:
    down = _seq(start=-1, increment=-1, min_value=-(2**63), max_value=-1)
    assert SequenceState(slot=0, slots=2).nextvals(down, 3) == [-1, -3, -5]
    assert SequenceState(slot=1, slots=2).nextvals(down, 3) == [-2, -4, -6]
    tens = _seq(start=10, increment=10, max_value=10**6)
    assert SequenceState(slot=2, slots=4).nextvals(tens, 2) == [30, 70]


def test_int4_lane_ends_sooner() -> None:
    seq = _seq(max_value=7)
    state = SequenceState(slot=1, slots=2)
    assert state.nextvals(seq, 3) == [2, 4, 6]
    with pytest.raises(Exception, match="reached maximum value"):
        state.nextvals(seq, 1)


def test_slots_cannot_change_on_an_existing_data_dir(tmp_path: Path) -> None:
    node_id_for(tmp_path, "a", (2, 1))
    assert node_id_for(tmp_path, None, (2, 1)) == "a"
    for slots in ((2, 0), (4, 1), (1, 0)):
        with pytest.raises(ConfigError, match="cluster_slots"):
            node_id_for(tmp_path, None, slots)


def test_slot_must_be_below_cluster_slots() -> None:
    with pytest.raises(ConfigError, match="node_slot"):
        load(None, {"cluster_slots": 2, "node_slot": 2})
    with pytest.raises(ConfigError, match="cluster_slots"):
        load(None, {"cluster_slots": 0})
