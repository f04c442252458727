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
CREATE SEQUENCE invoice_numbers START 1000;
CREATE VIEW order_totals AS SELECT customer_id, total FROM orders;
COMMENT ON TABLE orders IS 'one row per order';
COMMENT ON COLUMN orders.total IS 'gross amount';
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
    assert "CHECK (total >= 0::numeric)" in out
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


def rows_of(text: str) -> list[list[str]]:
    """The data rows of psql's aligned output, cells stripped (headers and footer left out)."""
    out = lines(text)
    start = next(i for i, line in enumerate(out) if line.startswith("---")) + 1
    return [[c.strip() for c in line.split("|")] for line in out[start:] if "|" in line]


def test_l_lists_the_database(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\l"))
    assert "List of databases" in out
    assert ["kuzugres", "tester", "UTF8", "C", "C", "", "libc", ""] in rows_of(out)


def test_dn_plus_shows_owner_privileges_and_comments(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\dn+"))
    assert "pg_database_owner=UC/pg_database_owner+" in out  # PostgreSQL 15's public schema
    assert "standard public schema" in out
    assert ["sales", "tester", "", ""] in rows_of(out)


def test_d_plus_shows_storage_comments_checks_and_access_method(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\d+ orders"))
    assert [
        "total", "numeric(10,2)", "", "", "", "main", "", "", "gross amount"
    ] in rows_of(out)  # fmt: skip
    assert '"orders_total_check" CHECK (total >= 0::numeric)' in out
    assert '"orders_pkey" PRIMARY KEY, btree (id)' in out
    assert "Access method: heap" in out


def test_dt_plus_lists_sizes_and_descriptions(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\dt+"))
    assert [
        "public", "orders", "table", "tester", "permanent", "heap", "0 bytes", "one row per order"
    ] in rows_of(out)  # fmt: skip


def test_di_lists_indexes_with_their_tables(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\di"))
    assert [r[1:] for r in rows_of(out)] == [
        ["customers_email_key", "index", "tester", "customers"],
        ["customers_pkey", "index", "tester", "customers"],
        ["orders_customer", "index", "tester", "orders"],
        ["orders_pkey", "index", "tester", "orders"],
    ]


def test_dv_and_d_view(fresh: NodeProcess) -> None:
    assert rows_of(ok(psql(fresh, "-c", r"\dv"))) == [["public", "order_totals", "view", "tester"]]
    out = ok(psql(fresh, "-c", r"\d order_totals"))
    assert 'View "public.order_totals"' in out
    assert ["total", "numeric(10,2)", "", "", ""] in rows_of(out)


def test_ds_lists_sequences(fresh: NodeProcess) -> None:
    assert rows_of(ok(psql(fresh, "-c", r"\ds"))) == [
        ["public", "customers_id_seq", "sequence", "tester"],
        ["public", "invoice_numbers", "sequence", "tester"],
    ]


def test_df_runs_and_lists_no_user_functions(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\df"))
    assert "List of functions" in out and "(0 rows)" in out


def test_du_lists_the_session_role(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\du"))
    assert rows_of(out) == [
        ["tester", "Superuser, Create role, Create DB, Replication, Bypass RLS", "{}"]
    ]


def test_dT_runs(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\dT"))
    assert "List of data types" in out and "(0 rows)" in out  # no user-defined types


def test_x_expanded_display(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\x", "-c", "SELECT 1 AS one, 'two' AS two"))
    assert "Expanded display is on." in out
    assert "-[ RECORD 1 ]" in out and "one | 1" in out and "two | two" in out


def test_copy_in_and_out(fresh: NodeProcess, tmp_path: Path) -> None:
    ok(psql(fresh, "-c", "CREATE TABLE copied (id int PRIMARY KEY, label text)"))
    source = tmp_path / "in.csv"
    source.write_text('1,one\n2,"two, too"\n3,\n')
    out = ok(psql(fresh, "-c", rf"\copy copied FROM '{source}' WITH (FORMAT csv)"))
    assert "COPY 3" in out
    out = ok(psql(fresh, "-c", r"\copy copied TO STDOUT WITH (FORMAT csv, HEADER)"))
    assert sorted(lines(out)[1:]) == ["1,one", '2,"two, too"', "3,"]
    target = tmp_path / "out.tsv"
    ok(psql(fresh, "-c", rf"\copy (SELECT id, label FROM copied WHERE id > 1) TO '{target}'"))
    assert sorted(target.read_text().splitlines()) == ["2\ttwo, too", "3\t\\N"]
    out = ok(psql(fresh, "-c", r"\copy copied FROM STDIN", stdin="4\tfour\n\\.\n"))
    assert "COPY 1" in out


def test_d_sequence_shows_type_and_owner(fresh: NodeProcess) -> None:
    out = ok(psql(fresh, "-c", r"\d customers_id_seq"))
    assert 'Sequence "public.customers_id_seq"' in out
    assert rows_of(out)[0][0] == "integer"  # a serial column's sequence is AS integer
    assert "Owned by: public.customers.id" in out


def test_pg_indexes_lists_constraint_and_plain_indexes(fresh: NodeProcess) -> None:
    out = ok(
        psql(
            fresh,
            "-At",
            "-c",
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE tablename IN ('customers', 'orders') ORDER BY indexname",
        )
    )
    assert lines(out) == [
        "customers|customers_email_key|CREATE UNIQUE INDEX customers_email_key ON "
        "public.customers USING btree (email)",
        "customers|customers_pkey|CREATE UNIQUE INDEX customers_pkey ON public.customers "
        "USING btree (id)",
        "orders|orders_customer|CREATE INDEX orders_customer ON public.orders USING btree "
        "(customer_id)",
        "orders|orders_pkey|CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)",
    ]
