"""SQLAlchemy 2 (psycopg and asyncpg drivers) and Alembic against a fresh kuzugres node.

The expected reflection results are what the same code returns against PostgreSQL 15
(checked with tests/pgserver.py); they exercise the virtual pg_catalog through
SQLAlchemy's PostgreSQL dialect: pg_index.indkey subscripts, pg_get_constraintdef,
array_agg, generate_subscripts, ::regclass, format_type, to_regtype, pg_depend.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from conftest import require_client
from tests.serverproc import NodeProcess, start_node

for _module in ("sqlalchemy", "alembic", "greenlet"):
    require_client(_module, importlib.util.find_spec(_module) is not None)

from alembic.autogenerate import compare_metadata, produce_migrations  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402
from alembic.operations import Operations  # noqa: E402
from alembic.operations.ops import OpContainer  # noqa: E402
from sqlalchemy import (  # noqa: E402
    Column,
    Connection,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    inspect,
    select,
)
from sqlalchemy.exc import IntegrityError  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402
from sqlalchemy.orm import (  # noqa: E402
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)

T = TypeVar("T")
DRIVERS = ("psycopg", "asyncpg")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    fullname: Mapped[str | None]
    addresses: Mapped[list[Address]] = relationship(back_populates="user", order_by="Address.id")


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship(back_populates="addresses")


@pytest.fixture(scope="module", params=DRIVERS)
def driver_node(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, NodeProcess]]:
    """A fresh node per driver, with the ORM schema created through that driver."""
    node = start_node(Path(tmp_path_factory.mktemp("sqla")) / "node")
    try:
        with_connection(request.param, node, Base.metadata.create_all)
        yield request.param, node
    finally:
        node.stop()


def url(driver: str, node: NodeProcess) -> str:
    return f"postgresql+{driver}://tester@127.0.0.1:{node.port}/kuzugres"


def with_connection(driver: str, node: NodeProcess, work: Callable[[Connection], T]) -> T:
    """Run `work(connection)` in one committed transaction through the driver."""
    if driver == "psycopg":
        engine = create_engine(url(driver, node))
        try:
            with engine.begin() as conn:
                return work(conn)
        finally:
            engine.dispose()

    async def main() -> T:
        engine = create_async_engine(url(driver, node))
        try:
            async with engine.begin() as conn:
                return await conn.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def test_orm_crud_and_loading(driver_node: tuple[str, NodeProcess]) -> None:
    driver, node = driver_node

    def work(conn: Connection) -> None:
        with Session(conn) as s:
            s.add(User(name="ann", fullname="Ann A", addresses=[Address(email="a@x")]))
            s.add(User(name="bob", addresses=[Address(email="b@x"), Address(email="c@x")]))
            s.flush()
            users = s.scalars(select(User).options(joinedload(User.addresses)).order_by(User.id))
            assert [(u.name, [a.email for a in u.addresses]) for u in users.unique()] == [
                ("ann", ["a@x"]),
                ("bob", ["b@x", "c@x"]),
            ]
            s.expunge_all()
            bob = s.scalars(
                select(User).options(selectinload(User.addresses)).where(User.name == "bob")
            ).one()
            assert [a.email for a in bob.addresses] == ["b@x", "c@x"]
            addr = s.scalars(select(Address).where(Address.email == "a@x")).one()
            assert addr.user.name == "ann"  # many-to-one, lazy load
            addr.email = "a2@x"
            s.delete(s.scalars(select(Address).where(Address.email == "c@x")).one())
            s.flush()
            emails = s.scalars(select(Address.email).order_by(Address.id)).all()
            assert emails == ["a2@x", "b@x"]
            bob.fullname = "Bob B"
            s.flush()
            s.expire_all()
            assert s.get(User, bob.id).fullname == "Bob B"  # type: ignore[union-attr]

    with_connection(driver, node, work)


def test_begin_nested_rolls_back_alone(driver_node: tuple[str, NodeProcess]) -> None:
    """Session.begin_nested() is a SAVEPOINT: rolling it back, or a unique violation in
    it, undoes only what was flushed inside it."""
    driver, node = driver_node

    def work(conn: Connection) -> None:
        with Session(conn) as s:
            s.add(User(name="sp_outer"))
            s.flush()
            nested = s.begin_nested()
            s.add(User(name="sp_inner"))
            s.flush()
            nested.rollback()
            try:
                with s.begin_nested():
                    s.add(User(name="sp_dup_first"))
                    s.add(User(name="sp_outer"))
                    s.flush()
            except IntegrityError:
                pass
            s.add(User(name="sp_after"))
            s.flush()
            names = s.scalars(select(User.name).where(User.name.like("sp_%"))).all()
            assert sorted(names) == ["sp_after", "sp_outer"]
            s.execute(delete(User).where(User.name.like("sp_%")))

    with_connection(driver, node, work)


def test_inspector(driver_node: tuple[str, NodeProcess]) -> None:
    driver, node = driver_node

    def work(conn: Connection) -> dict[str, Any]:
        insp = inspect(conn)
        return {
            "tables": insp.get_table_names(),
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c["default"], c["autoincrement"])
                for c in insp.get_columns("addresses")
            ],
            "pk": insp.get_pk_constraint("users"),
            "fks": insp.get_foreign_keys("addresses"),
            "indexes": insp.get_indexes("addresses") + insp.get_indexes("users"),
            "uniques": insp.get_unique_constraints("users"),
        }

    got = with_connection(driver, node, work)
    assert sorted(got["tables"]) == ["addresses", "users"]
    assert got["columns"] == [
        ("id", "INTEGER", False, "nextval('addresses_id_seq'::regclass)", True),
        ("email", "VARCHAR(100)", False, None, False),
        ("user_id", "INTEGER", False, None, False),
    ]
    assert got["pk"] == {
        "constrained_columns": ["id"],
        "name": "users_pkey",
        "comment": None,
        "dialect_options": {"postgresql_include": []},
    }
    assert got["fks"] == [
        {
            "name": "addresses_user_id_fkey",
            "constrained_columns": ["user_id"],
            "referred_schema": None,
            "referred_table": "users",
            "referred_columns": ["id"],
            "options": {},
            "comment": None,
        }
    ]
    assert got["indexes"] == [
        {
            "name": "ix_addresses_email",
            "unique": False,
            "column_names": ["email"],
            "dialect_options": {"postgresql_include": []},
        },
        {
            "name": "users_name_key",
            "unique": True,
            "column_names": ["name"],
            "duplicates_constraint": "users_name_key",
            "dialect_options": {"postgresql_include": []},
        },
    ]
    assert got["uniques"] == [
        {
            "column_names": ["name"],
            "name": "users_name_key",
            "comment": None,
            "dialect_options": {"postgresql_include": [], "postgresql_nulls_not_distinct": False},
        }
    ]


def test_metadata_reflect(driver_node: tuple[str, NodeProcess]) -> None:
    driver, node = driver_node

    def work(conn: Connection) -> MetaData:
        md = MetaData()
        md.reflect(conn)
        return md

    md = with_connection(driver, node, work)
    assert sorted(md.tables) == ["addresses", "users"]
    addresses = md.tables["addresses"]
    assert [c.name for c in addresses.c] == ["id", "email", "user_id"]
    assert [fk.target_fullname for fk in addresses.foreign_keys] == ["users.id"]
    assert {i.name for i in addresses.indexes} == {"ix_addresses_email"}


def test_enum_round_trip_and_reflection(driver_node: tuple[str, NodeProcess]) -> None:
    """sqlalchemy.Enum: CREATE TYPE on create_all, labels both ways, the declared order in
    ORDER BY, and reflection of the enum (SQLAlchemy reads pg_enum), DROP TYPE on drop_all."""
    driver, node = driver_node
    md = MetaData()
    mood = Enum("sad", "ok", "happy", name=f"mood_{driver}")
    Table(
        f"feel_{driver}",
        md,
        Column("id", Integer, primary_key=True),
        Column("m", mood),
    )

    def work(conn: Connection) -> tuple[list[Any], Any, list[Any]]:
        md.create_all(conn)
        table = md.tables[f"feel_{driver}"]
        conn.execute(table.insert(), [{"id": 1, "m": "happy"}, {"id": 2, "m": "sad"}])
        rows = conn.execute(select(table.c.id, table.c.m).order_by(table.c.m)).all()
        column = inspect(conn).get_columns(f"feel_{driver}")[1]["type"]
        enums = inspect(conn).get_enums()  # type: ignore[attr-defined]
        return [tuple(r) for r in rows], column, enums

    rows, column, enums = with_connection(driver, node, work)
    # (separately: Kuzu cannot commit a node table created and dropped in one transaction)
    with_connection(driver, node, md.drop_all)
    assert with_connection(driver, node, lambda c: inspect(c).get_enums()) == []  # type: ignore[attr-defined]
    assert rows == [(2, "sad"), (1, "happy")]
    assert isinstance(column, Enum)
    assert (column.name, column.enums) == (f"mood_{driver}", ["sad", "ok", "happy"])
    found = next(e for e in enums if e["name"] == f"mood_{driver}")
    assert {k: found[k] for k in ("name", "schema", "visible", "labels")} == {
        "name": f"mood_{driver}",
        "schema": "public",
        "visible": True,
        "labels": ["sad", "ok", "happy"],
    }


# -- Alembic: autogenerate against the live schema, then apply the operations


def v1() -> MetaData:
    md = MetaData()
    Table(
        "author",
        md,
        Column("id", Integer, primary_key=True),
        Column("name", String(40), nullable=False),
    )
    Table(
        "book",
        md,
        Column("id", Integer, primary_key=True),
        Column("title", Text),
        Column("author_id", Integer, ForeignKey("author.id")),
    )
    return md


def v2() -> MetaData:
    md = MetaData()
    Table(
        "author",
        md,
        Column("id", Integer, primary_key=True),
        Column("name", String(40), nullable=False),
        Column("email", String(100)),
        UniqueConstraint("email", name="uq_author_email"),
    )
    Table(
        "book",
        md,
        Column("id", Integer, primary_key=True),
        Column("title", Text),
        Column("author_id", Integer, ForeignKey("author.id")),
        Index("ix_book_title", "title"),
    )
    return md


def migrate(conn: Connection, target: MetaData) -> list[str]:
    """Autogenerate the upgrade from the database to `target` and run it; its op names."""
    mc = MigrationContext.configure(conn)
    operations = Operations(mc)
    names = []
    for op in produce_migrations(mc, target).upgrade_ops.ops:
        for sub in op.ops if isinstance(op, OpContainer) else [op]:
            operations.invoke(sub)
            names.append(type(sub).__name__)
    return names


def diff(conn: Connection, target: MetaData) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn), target))


@pytest.fixture(scope="module")
def alembic_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    node = start_node(Path(tmp_path_factory.mktemp("alembic")) / "node")
    yield node
    node.stop()


def test_alembic_autogenerate_upgrade_downgrade(alembic_node: NodeProcess) -> None:
    def run(work: Callable[[Connection], T]) -> T:
        return with_connection("psycopg", alembic_node, work)

    assert run(lambda c: migrate(c, v1())) == ["CreateTableOp", "CreateTableOp"]
    assert run(lambda c: diff(c, v1())) == []  # nothing left: the tables reflect as modelled
    assert run(lambda c: migrate(c, v2())) == [
        "AddColumnOp",
        "CreateUniqueConstraintOp",
        "CreateIndexOp",
    ]
    assert run(lambda c: diff(c, v2())) == []
    # Downgrade: the reverse operations, detected from the live schema.
    assert run(lambda c: migrate(c, v1())) == ["DropConstraintOp", "DropColumnOp", "DropIndexOp"]
    assert run(lambda c: diff(c, v1())) == []
    # The serial sequences are recognised as the columns' own (pg_depend), so the
    # reflected tables carry no server default (as against PostgreSQL).
    removed = run(lambda c: diff(c, MetaData()))
    assert sorted((kind, table.name) for kind, table in removed) == [
        ("remove_table", "author"),
        ("remove_table", "book"),
    ]
    assert all(table.c.id.server_default is None for _, table in removed)


MODELS_V1 = """
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()
Table("author", metadata, Column("id", Integer, primary_key=True),
      Column("name", String(40), nullable=False))
Table("book", metadata, Column("id", Integer, primary_key=True), Column("title", Text),
      Column("author_id", Integer, ForeignKey("author.id")))
"""

MODELS_V2 = MODELS_V1.replace(
    'Column("name", String(40), nullable=False))',
    'Column("name", String(40), nullable=False), Column("email", String(100), index=True))',
)

ENV_PY = """
from alembic import context
from sqlalchemy import create_engine

import models

with create_engine(context.config.get_main_option("sqlalchemy.url")).connect() as connection:
    context.configure(connection=connection, target_metadata=models.metadata)
    with context.begin_transaction():
        context.run_migrations()
"""


def test_alembic_revision_autogenerate_upgrade_downgrade(
    alembic_node: NodeProcess, tmp_path: Path
) -> None:
    """The command-line workflow: `revision --autogenerate`, `upgrade head`, `downgrade base`."""
    import sys

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    with_connection("psycopg", alembic_node, lambda c: c.execute(text("DROP TABLE IF EXISTS book")))
    with_connection(
        "psycopg", alembic_node, lambda c: c.execute(text("DROP TABLE IF EXISTS author"))
    )
    cfg = Config(str(tmp_path / "alembic.ini"))
    cfg.set_main_option("script_location", str(tmp_path / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url("psycopg", alembic_node))
    command.init(cfg, str(tmp_path / "migrations"))
    (tmp_path / "migrations" / "env.py").write_text(ENV_PY)
    models = tmp_path / "models.py"
    sys.path.insert(0, str(tmp_path))
    try:
        models.write_text(MODELS_V1)
        sys.modules.pop("models", None)
        first = command.revision(cfg, "v1", autogenerate=True, rev_id="0001")
        source = Path(first.path).read_text()  # type: ignore[union-attr]
        assert source.count("op.create_table(") == 2 and "sa.ForeignKeyConstraint" in source
        command.upgrade(cfg, "head")
        models.write_text(MODELS_V2)
        sys.modules.pop("models", None)
        second = command.revision(cfg, "v2", autogenerate=True, rev_id="0002")
        source = Path(second.path).read_text()  # type: ignore[union-attr]
        assert "op.add_column('author', sa.Column('email'" in source
        assert "op.create_index(op.f('ix_author_email'), 'author', ['email']" in source
        assert "op.create_table" not in source  # the existing tables were detected
        command.upgrade(cfg, "head")

        def columns(c: Connection) -> list[str]:
            return [col["name"] for col in inspect(c).get_columns("author")]

        assert with_connection("psycopg", alembic_node, columns) == ["id", "name", "email"]
        command.downgrade(cfg, "0001")
        assert with_connection("psycopg", alembic_node, columns) == ["id", "name"]
        command.downgrade(cfg, "base")
        tables = with_connection("psycopg", alembic_node, lambda c: inspect(c).get_table_names())
        assert tables == ["alembic_version"]
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("models", None)
