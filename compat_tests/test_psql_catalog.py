"""psql's describe commands against a fresh kuzugres node (the virtual pg_catalog)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from compat_tests.test_psql import ok, psql
from tests.serverproc import NodeProcess, start_node

SCHEMA = """
CREATE TABLE customers (id serial PRIMARY KEY, email varchar(80) NOT NULL UNIQUE,
                        name text DEFAULT 'anonymous');
CREATE TABLE orders (id bigint PRIMARY KEY,
                     customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
                     total numeric(10,2) CHECK (total >= 0));
CREATE INDEX orders_customer ON orders (customer_id);
CREATE SCHEMA sales;
"""


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    node = start_node(Path(tmp_path_factory.mktemp("catalog")) / "node")
    try:
        ok(psql(node, "-c", SCHEMA))
        yield node
    finally:
        node.stop()


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_dt_lists_tables(fresh: NodeProcess) -> None:
    out = lines(ok(psql(fresh, "-c", r"\dt")))
    assert [cells[:3] for cells in (line.split("|") for line in out[3:5])] == [
        [" public ", " customers ", " table "],
        [" public ", " orders    ", " table "],
    ]
    assert "(2 rows)" in out


def test_dn_lists_schemas(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\dn"))
    assert " public " in out and " sales " in out
    assert "pg_catalog" not in out  # psql hides system schemas


def test_d_table_shows_columns_defaults_keys(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\d customers"))
    assert 'Table "public.customers"' in out
    assert "nextval('customers_id_seq'::regclass)" in out
    assert "'anonymous'::text" in out
    assert "character varying(80)" in out
    assert '"customers_pkey" PRIMARY KEY, btree (id)' in out
    assert '"customers_email_key" UNIQUE CONSTRAINT, btree (email)' in out
    assert (
        'TABLE "orders" CONSTRAINT "orders_customer_id_fkey" FOREIGN KEY (customer_id) '
        "REFERENCES customers(id) ON DELETE CASCADE" in out
    )


def test_d_table_shows_foreign_keys_and_checks(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\d orders"))
    assert '"orders_customer" btree (customer_id)' in out
    assert "CHECK (total >= 0)" in out
    assert (
        '"orders_customer_id_fkey" FOREIGN KEY (customer_id) REFERENCES customers(id) '
        "ON DELETE CASCADE" in out
    )


def test_regclass_round_trip(fresh: NodeProcess) -> None:
    out = ok(
        psql(
            fresh,
            "-At",
            "-c",
            "SELECT 'orders'::regclass, 'orders'::regclass::oid = "
            "(SELECT oid FROM pg_class WHERE relname = 'orders'), 'public'::regnamespace",
        )
    )
    assert out.strip() == "orders|t|public"


def test_information_schema_columns(fresh: NodeProcess) -> None:
    out = ok(
        psql(
            fresh,
            "-At",
            "-c",
            "SELECT column_name, data_type, is_nullable, numeric_precision, numeric_scale "
            "FROM information_schema.columns WHERE table_name = 'orders' "
            "ORDER BY ordinal_position",
        )
    )
    assert lines(out) == [
        "id|bigint|NO|64|0",
        "customer_id|integer|NO|32|0",
        "total|numeric|YES|10|2",
    ]


def test_unknown_regclass_is_42p01(fresh: NodeProcess) -> None:
    result = psql(fresh, "-v", "VERBOSITY=verbose", "-c", "SELECT 'nosuch'::regclass")
    assert result.returncode != 0
    assert "42P01" in result.stderr
