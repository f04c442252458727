"""Enum types in the catalog: DDL plans, sort orders, persistence, the wire codecs."""

from __future__ import annotations

import pytest
from pglast import parse_sql

from kuzugres.errors import PgError
from kuzugres.proxy import types as T
from kuzugres.translator import ddl_types
from kuzugres.translator.catalog import Catalog, enum_oids


def run(catalog: Catalog, sql: str) -> Catalog:
    node = parse_sql(sql)[0].stmt
    name = type(node).__name__
    plan = {
        "CreateEnumStmt": lambda: ddl_types.create_enum(node, 0, ("public",)),
        "AlterEnumStmt": lambda: ddl_types.alter_enum(node, 0, ("public",)),
        "RenameStmt": lambda: ddl_types.rename_type(node, 0, ("public",)),
        "DropStmt": lambda: ddl_types.drop_types(node, 0, ("public",)),
    }[name]()
    return plan.apply(catalog).catalog


def test_add_value_before_and_after_take_midpoints() -> None:
    cat = run(Catalog(), "CREATE TYPE t_mid AS ENUM ('a', 'c')")
    cat = run(cat, "ALTER TYPE t_mid ADD VALUE 'b' BEFORE 'c'")
    cat = run(cat, "ALTER TYPE t_mid ADD VALUE 'bb' AFTER 'b'")
    cat = run(cat, "ALTER TYPE t_mid ADD VALUE 'z'")
    enum = cat.enums["public.t_mid"]
    assert enum.ordered() == ("a", "b", "bb", "c", "z")
    assert dict(zip(enum.labels, enum.sort_orders, strict=True)) == {
        "a": 1.0,
        "c": 2.0,
        "b": 1.5,
        "bb": 1.75,
        "z": 3.0,
    }
    assert T.ENUM_LABELS[enum.oid] == ("a", "b", "bb", "c", "z")


def test_errors_carry_postgresql_sqlstates() -> None:
    cat = run(Catalog(), "CREATE TYPE t_err AS ENUM ('a')")
    cases = {
        "CREATE TYPE t_err AS ENUM ('x')": "42710",
        "CREATE TYPE t_dup AS ENUM ('x', 'x')": "23505",
        "ALTER TYPE t_err ADD VALUE 'a'": "42710",
        "ALTER TYPE t_err ADD VALUE 'b' BEFORE 'nope'": "22023",
        "ALTER TYPE t_err RENAME VALUE 'nope' TO 'x'": "22023",
        "ALTER TYPE nosuch ADD VALUE 'x'": "42704",
        "DROP TYPE nosuch": "42704",
        f"CREATE TYPE t_long AS ENUM ('{'x' * 64}')": "22023",
    }
    for sql, sqlstate in cases.items():
        with pytest.raises(PgError) as err:
            run(cat, sql)
        assert err.value.code == sqlstate, sql


def test_rename_keeps_oids_and_moves_the_name() -> None:
    cat = run(Catalog(), "CREATE TYPE t_old AS ENUM ('a')")
    oid = cat.enums["public.t_old"].oid
    cat = run(cat, "ALTER TYPE t_old RENAME TO t_new")
    assert cat.enums["public.t_new"].oid == oid == enum_oids("public", "t_old")[0]
    with T.user_types(cat):
        assert T.type_by_name("t_new").oid == oid
        with pytest.raises(PgError):
            T.type_by_name("t_old")
    with pytest.raises(PgError):  # names resolve only through a snapshot
        T.type_by_name("t_new")


def test_persisted_and_loaded_with_codecs() -> None:
    cat = run(Catalog(), "CREATE TYPE t_json AS ENUM ('x', 'y')")
    cat = run(cat, "ALTER TYPE t_json ADD VALUE 'w' BEFORE 'x'")
    loaded = Catalog.from_json(cat.to_json())
    assert loaded.enums == cat.enums
    oid = loaded.enums["public.t_json"].oid
    assert T.decode_text(oid, b"w") == "w"
    assert T.encode_text(oid, "y") == b"y"
    array_oid = loaded.enums["public.t_json"].array_oid
    assert T.decode_text(array_oid, b"{x,w}") == ["x", "w"]
    with pytest.raises(PgError, match='invalid input value for enum t_json: "v"'):
        T.decode_text(oid, b"v")
    assert T.enum_sort_key(oid, "w") < T.enum_sort_key(oid, "x")
