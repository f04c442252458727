"""pg_get_viewdef's deparser (translator/viewdef.py) without a server.

The expected texts are PostgreSQL 15's (tests/differential/cases/viewdef.sql compares
many more shapes with a live PostgreSQL).
"""

from __future__ import annotations

import pglast
import pytest
from pglast.stream import RawStream

from kuzugres.proxy.types import BOOL, DATE, INT4, NUMERIC, TEXT, VARCHAR
from kuzugres.translator.catalog import Catalog, ColumnDef, TableDef, ViewDef
from kuzugres.translator.viewdef import Unsupported, deparse_view, view_definition

CUSTOMERS = TableDef(
    "public",
    "customers",
    (
        ColumnDef("id", INT4, attnum=1),
        ColumnDef("name", VARCHAR, 44, attnum=2),
        ColumnDef("vip", BOOL, attnum=3),
    ),
)
ORDERS = TableDef(
    "public",
    "orders",
    (
        ColumnDef("id", INT4, attnum=1),
        ColumnDef("customer_id", INT4, attnum=2),
        ColumnDef("total", NUMERIC, attnum=3),
        ColumnDef("status", TEXT, attnum=4),
        ColumnDef("placed", DATE, attnum=5),
    ),
)
CATALOG = Catalog(tables={"public.customers": CUSTOMERS, "public.orders": ORDERS})


def view(sql: str, *columns: str) -> ViewDef:
    """A view as CREATE VIEW stores it: pglast's deparse of the query."""
    stmt = pglast.parse_sql(sql)[0].stmt
    assert stmt is not None
    text = RawStream()(stmt)
    cols = tuple(ColumnDef(c, TEXT, attnum=i) for i, c in enumerate(columns, 1))
    return ViewDef("public", "v", text, cols, depends=("public.customers", "public.orders"))


def test_columns_are_qualified_and_laid_out() -> None:
    v = view("SELECT id, name FROM customers", "id", "name")
    expected = " SELECT customers.id,\n    customers.name\n   FROM customers;"
    assert deparse_view(v, CATALOG, pretty=False) == expected
    assert deparse_view(v, CATALOG, pretty=True) == expected


def test_coercions_and_parentheses() -> None:
    v = view("SELECT id FROM customers WHERE name = 'Ada' AND id > 1", "id")
    assert deparse_view(v, CATALOG, pretty=False).endswith(
        "  WHERE (((customers.name)::text = 'Ada'::text) AND (customers.id > 1));"
    )
    assert deparse_view(v, CATALOG, pretty=True).endswith(
        "  WHERE customers.name::text = 'Ada'::text AND customers.id > 1;"
    )


def test_join_in_list_and_aggregate() -> None:
    v = view(
        "SELECT c.name, count(*) AS n FROM customers c JOIN orders o ON o.customer_id = c.id"
        " WHERE o.status IN ('open', 'closed') GROUP BY c.name HAVING sum(o.total) > 10",
        "name",
        "n",
    )
    assert deparse_view(v, CATALOG, pretty=False) == (
        " SELECT c.name,\n"
        "    count(*) AS n\n"
        "   FROM (customers c\n"
        "     JOIN orders o ON ((o.customer_id = c.id)))\n"
        "  WHERE (o.status = ANY (ARRAY['open'::text, 'closed'::text]))\n"
        "  GROUP BY c.name\n"
        " HAVING (sum(o.total) > (10)::numeric);"
    )


def test_a_relation_read_again_in_a_subquery_is_renamed() -> None:
    v = view("SELECT id FROM orders WHERE total > (SELECT avg(total) FROM orders)", "id")
    assert deparse_view(v, CATALOG, pretty=True) == (
        " SELECT orders.id\n"
        "   FROM orders\n"
        "  WHERE orders.total > (( SELECT avg(orders_1.total) AS avg\n"
        "           FROM orders orders_1));"
    )


@pytest.mark.parametrize(
    "sql",
    [
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r",
        "SELECT * FROM (VALUES (1)) t(a)",
        "SELECT id FROM customers NATURAL JOIN orders",
    ],
)
def test_what_is_not_covered_falls_back_to_the_text(sql: str) -> None:
    v = view(sql, "x")
    with pytest.raises(Unsupported):
        deparse_view(v, CATALOG, pretty=False)
    assert view_definition(v, CATALOG) == " " + v.sql + ";"
