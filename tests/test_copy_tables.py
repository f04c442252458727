"""COPY into SQL tables goes through input functions, typmods, defaults and constraints."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from tests.serverproc import NodeProcess


def test_copy_applies_typmods_defaults_and_constraints(node: NodeProcess) -> None:
    with psycopg.connect(node.dsn, autocommit=True) as c:
        c.execute(
            "CREATE TABLE copy_cp (id int PRIMARY KEY, c char(2), n numeric(5,2), "
            "v varchar(3), d int DEFAULT 7)"
        )
        with c.cursor() as cur, cur.copy("COPY copy_cp (id, c, n, v) FROM STDIN") as cp:
            cp.write("1\tF\t1.005\tab\n")
        row = c.execute("SELECT c, octet_length(c), n, v, d FROM copy_cp").fetchone()
        assert row is not None and row[0] == "F " and row[1] == 2
        assert str(row[2]) == "1.01" and row[3:] == ("ab", 7)
        with pytest.raises(errors.StringDataRightTruncation), c.cursor() as cur:
            with cur.copy("COPY copy_cp (id, v) FROM STDIN") as cp:
                cp.write("2\tabcdefgh\n")
        with pytest.raises(errors.UniqueViolation), c.cursor() as cur:
            with cur.copy("COPY copy_cp (id) FROM STDIN") as cp:
                cp.write("1\n")
        assert c.execute("SELECT count(*) FROM copy_cp").fetchone() == (1,)
