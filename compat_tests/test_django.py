"""Django (postgresql backend, psycopg 3) against a fresh kuzugres node.

The project in compat_tests/django_app has three models with foreign keys and the
contrib apps a new project installs (admin, auth, contenttypes, sessions). Every
`manage.py` command runs as a real subprocess. `orm_checks.py` (CRUD, lookups,
annotations, select/prefetch_related, slicing, atomic, get_or_create,
update_or_create, bulk_create and the admin's changelists and change form through
django.test.Client) prints one JSON line per check; its output must equal what the
same script prints against a throwaway PostgreSQL 15, and some values are checked
here directly as well.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import pytest

from conftest import require_client
from tests.pgserver import PostgresServer, PostgresUnavailable, start_postgres
from tests.serverproc import NodeProcess, start_node

require_client("django", importlib.util.find_spec("django") is not None)

APP = Path(__file__).parent / "django_app"
T = TypeVar("T")


def manage(
    port: int,
    user: str,
    name: str,
    *args: str,
    script: str = "manage.py",
    env: dict[str, str] | None = None,
) -> str:
    """Run a manage.py command (or another script of the project); its stdout."""
    env = {
        **os.environ,
        "DJANGO_DB_PORT": str(port),
        "DJANGO_DB_USER": user,
        "DJANGO_DB_NAME": name,
        "PYTHONWARNINGS": "error::RuntimeWarning",
        **(env or {}),
    }
    proc = subprocess.run(
        [sys.executable, script, *args],
        cwd=APP,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"{script} {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc.stdout


class Target:
    """One database server the project runs against."""

    def __init__(self, port: int, user: str, name: str, dsn: str) -> None:
        self.port, self.user, self.name, self.dsn = port, user, name, dsn

    def manage(self, *args: str) -> str:
        return manage(self.port, self.user, self.name, *args)

    def checks(self) -> list[dict[str, Any]]:
        out = manage(self.port, self.user, self.name, script="orm_checks.py")
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")]

    def tables(self) -> list[str]:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' ORDER BY 1"
            ).fetchall()
        return [r[0] for r in rows]


@pytest.fixture(scope="module")
def kuzu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    node: NodeProcess = start_node(Path(tmp_path_factory.mktemp("django")) / "data")
    try:
        yield Target(node.port, "postgres", "kuzugres", node.dsn)
    finally:
        node.stop()


@pytest.fixture(scope="module")
def pg15() -> Iterator[Target]:
    try:
        server: PostgresServer = start_postgres()
    except PostgresUnavailable as exc:
        require_client(f"PostgreSQL 15 ({exc})", False)
        raise
    try:
        yield Target(server.port, "postgres", "postgres", server.dsn)
    finally:
        server.stop()


def both(kuzu: Target, pg15: Target, work: Callable[[Target], T]) -> tuple[T, T]:
    """`work` on kuzugres and on PostgreSQL 15 at the same time (subprocesses)."""
    with ThreadPoolExecutor(2) as pool:
        mine, theirs = pool.submit(work, kuzu), pool.submit(work, pg15)
        return mine.result(), theirs.result()


@pytest.fixture(scope="module")
def migrated(kuzu: Target, pg15: Target) -> str:
    out, _ = both(kuzu, pg15, lambda t: t.manage("migrate", "--no-input"))
    return out


def test_migrate_applies_every_migration(kuzu: Target, migrated: str) -> None:
    for name in (
        "contenttypes.0001_initial",
        "auth.0001_initial",
        "auth.0012_alter_user_first_name_max_length",
        "admin.0003_logentry_add_action_flag_choices",
        "sessions.0001_initial",
        "shop.0001_initial",
        "shop.0002_isbn_body_title_index",
    ):
        assert f"Applying {name}... OK" in migrated
    shown = kuzu.manage("showmigrations")
    assert "[ ]" not in shown
    assert " [X] 0002_isbn_body_title_index" in shown
    # the migration's column, renamed field and index are there
    with psycopg.connect(kuzu.dsn, autocommit=True) as conn:
        cols = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_name IN ('shop_book', 'shop_review') ORDER BY 1, ordinal_position"
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'shop_book' ORDER BY 1"
        ).fetchall()
    assert ("shop_book", "isbn") in cols and ("shop_review", "body") in cols
    assert ("shop_review", "text") not in cols
    assert ("shop_book_title_idx",) in indexes


def test_orm_and_admin_match_postgresql(kuzu: Target, migrated: str, pg15: Target) -> None:
    got, expected = both(kuzu, pg15, Target.checks)
    by_name = {c["check"]: c["result"] for c in got}
    # direct checks, so a failure reads well even where PostgreSQL is not run
    assert by_name["annotate_count"] == [
        ["Ann Leckie", 3],
        ["Ted Chiang", 1],
        ["Ursula Le Guin", 1],
    ]
    assert by_name["icontains"] == ["Ancillary Justice", "Ancillary Sword"]
    assert by_name["two_hops"] == [3, 5, 5]
    assert by_name["slice_page2"] == ["Exhalation", "Provenance"]
    assert by_name["atomic_rollback"] is False
    assert by_name["nested_atomic_after_write"] == ["Inner Kept", "Outer Again", "Outer Write"]
    assert by_name["update_or_create"] == ["nkj@example.com", False, "Octavia Butler", True]
    assert by_name["admin_book_search"] == [200, ["Ancillary Sword", "Ancillary Justice"]]
    assert by_name["admin_book_filter_search"] == [200, ["Provenance"]]
    assert by_name["admin_change_form"] == [200, True, True]
    assert by_name["admin_change_post"] == [302, "ted@example.com"]

    assert [c["check"] for c in got] == [c["check"] for c in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == theirs


def test_test_runner_keepdb(kuzu: Target, migrated: str) -> None:
    """`manage.py test --keepdb` with the node's database as the test database: every
    TestCase test is an atomic() block rolled back at its end (shop/tests.py)."""
    manage(
        kuzu.port,
        kuzu.user,
        kuzu.name,
        "test",
        "--keepdb",
        "--no-input",
        "shop",
        # Django warns that it cannot reach a database named postgres for its checks
        env={"DJANGO_TEST_DB_NAME": kuzu.name, "PYTHONWARNINGS": "ignore::RuntimeWarning"},
    )
    with psycopg.connect(kuzu.dsn, autocommit=True) as conn:
        left = conn.execute("SELECT count(*) FROM shop_author WHERE name LIKE '%Author'")
        assert left.fetchone() == (0,)  # every test's writes were rolled back


def test_inspectdb_matches_postgresql(kuzu: Target, migrated: str, pg15: Target) -> None:
    out, theirs = both(kuzu, pg15, lambda t: t.manage("inspectdb"))
    assert "class ShopBook(models.Model):" in out
    assert "author = models.ForeignKey(ShopAuthor, models.DO_NOTHING)" in out
    assert "name = models.CharField(unique=True, max_length=100)" in out
    assert "price = models.DecimalField(max_digits=8, decimal_places=2)" in out
    assert "isbn = models.CharField(max_length=20, blank=True, null=True)" in out
    assert out == theirs


def test_dumpdata_flush_loaddata(kuzu: Target, migrated: str, tmp_path: Path) -> None:
    """After test_orm_and_admin_match_postgresql: the rows survive a dump, flush, load;
    loaddata resets the sequences (setval(pg_get_serial_sequence(...), max(id)))."""
    dump = tmp_path / "shop.json"
    dump.write_text(kuzu.manage("dumpdata", "shop", "--indent", "1"))
    before = json.loads(dump.read_text())
    assert len(before) > 10
    kuzu.manage("flush", "--no-input")
    with psycopg.connect(kuzu.dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM shop_book").fetchone() == (0,)
    assert "Installed" in kuzu.manage("loaddata", str(dump))
    assert json.loads(kuzu.manage("dumpdata", "shop", "--indent", "1")) == before
    with psycopg.connect(kuzu.dsn, autocommit=True) as conn:
        top = conn.execute("SELECT max(id) FROM shop_author").fetchone()
        new = conn.execute(
            "INSERT INTO shop_author (name) VALUES ('After Load') RETURNING id"
        ).fetchone()
    assert top is not None and new == (top[0] + 1,)


FORWARD_FIXTURE = [
    {
        "model": "shop.book",
        "pk": 900,
        "fields": {"title": "Forward", "author": 901, "pages": 1, "price": "1.00"},
    },
    {"model": "shop.author", "pk": 901, "fields": {"name": "Later Author"}},
]


def load_fixture(target: Target, path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        DJANGO_DB_PORT=str(target.port),
        DJANGO_DB_USER=target.user,
        DJANGO_DB_NAME=target.name,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "loaddata", str(path)],
        cwd=APP,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_loaddata_forward_references(
    kuzu: Target, migrated: str, pg15: Target, tmp_path: Path
) -> None:
    """Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: a fixture may name a
    parent that comes later in it (checked at the end: SET CONSTRAINTS ALL IMMEDIATE);
    one whose parent never comes fails as in PostgreSQL."""
    good = tmp_path / "forward.json"
    good.write_text(json.dumps(FORWARD_FIXTURE))
    bad = tmp_path / "orphan.json"
    bad.write_text(
        json.dumps([{**FORWARD_FIXTURE[0], "pk": 902, "fields": {"title": "X", "author": 999}}])
    )
    loaded, expected = both(kuzu, pg15, lambda t: load_fixture(t, good))
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    assert expected.returncode == 0, expected.stderr[-3000:]
    assert "Installed 2 object(s)" in loaded.stdout
    failed, pg_failed = both(kuzu, pg15, lambda t: load_fixture(t, bad))
    assert pg_failed.returncode != 0
    assert failed.returncode != 0
    for proc in (failed, pg_failed):
        assert 'violates foreign key constraint "shop_book_author_id_' in proc.stderr
        assert 'Key (author_id)=(999) is not present in table "shop_author".' in proc.stderr
    with psycopg.connect(kuzu.dsn, autocommit=True) as conn:
        joined = conn.execute(
            "SELECT b.title, a.name FROM shop_book b JOIN shop_author a ON a.id = b.author_id "
            "WHERE b.id >= 900 ORDER BY b.id"
        ).fetchall()
        edges = conn.execute(
            "SELECT * FROM cypher($$ MATCH (b:shop_book)-[]->(a:shop_author) "
            "WHERE b.id >= 900 RETURN b.id, a.id $$) AS (book int8, author int8)"
        ).fetchall()
        deferrable = conn.execute(
            "SELECT condeferrable, condeferred FROM pg_constraint "
            "WHERE conrelid = 'shop_book'::regclass AND contype = 'f'"
        ).fetchall()
    assert joined == [("Forward", "Later Author")]
    assert edges == [(900, 901)]
    assert deferrable == [(True, True)]


def test_migrate_back_to_zero(kuzu: Target, migrated: str) -> None:
    out = kuzu.manage("migrate", "shop", "0001", "--no-input")
    assert "Unapplying shop.0002_isbn_body_title_index... OK" in out
    with psycopg.connect(kuzu.dsn, autocommit=True) as conn:
        cols = conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'shop_review' ORDER BY ordinal_position"
        ).fetchall()
    assert ("text",) in cols and ("body",) not in cols
    # contenttypes to zero first unapplies admin and auth, which depend on it
    for app in ("shop", "contenttypes", "sessions"):
        kuzu.manage("migrate", app, "zero", "--no-input")
    assert "[X]" not in kuzu.manage("showmigrations")
    assert kuzu.tables() == ["django_migrations"]


# What kuzugres gained for Django, statement by statement, against PostgreSQL 15: the
# result rows, or the SQLSTATE and message of the error.
SQL_CASES = [
    "CREATE TABLE dj_t (id int PRIMARY KEY, n int, s text)",
    "INSERT INTO dj_t VALUES (1, 10, 'a'), (2, 20, 'b'), (3, NULL, 'c')",
    "SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['x', 'y']::text[], ARRAY[[1.5, 2], [3, 4]])",
    "SELECT * FROM unnest(ARRAY[1, 2], NULL::int[]) AS u(a, b)",
    "SELECT count(*) FROM unnest('{}'::int[], '{}'::text[])",
    "SELECT 5::int2 & 3, 5 | 2, 5 # 1, ~5, 1 << 31, 1::int2 << 15, -8 >> 1, 3::int8 << 62",
    "SELECT pg_typeof(1::int2 & 1::int2), pg_typeof(1::int2 & 1), 6::int8 & NULL",
    "SELECT id, n FROM dj_t WHERE n > 5 ORDER BY id FOR UPDATE",
    "SELECT id FROM dj_t ORDER BY id FOR NO KEY UPDATE NOWAIT",
    "SELECT id FROM dj_t WHERE id IN (SELECT id FROM dj_t FOR SHARE) ORDER BY 1 FOR KEY SHARE",
    "SELECT count(*) FROM dj_t FOR UPDATE",
    "SELECT a.id FROM dj_t a JOIN dj_t b ON a.id = b.id ORDER BY 1 FOR UPDATE OF a",
    "SELECT a.id FROM dj_t a LEFT JOIN dj_t b ON a.id = b.n ORDER BY 1 FOR UPDATE OF a",
    "SELECT a.id FROM dj_t a LEFT JOIN dj_t b ON a.id = b.n FOR UPDATE",
    "SELECT a.id FROM dj_t a LEFT JOIN dj_t b ON a.id = b.n FOR SHARE OF b",
    "SELECT a.id FROM dj_t a FOR UPDATE OF nope",
    "SELECT a.id FROM dj_t a FOR UPDATE OF public.a",
    "SELECT g FROM generate_series(1, 2) g FOR UPDATE OF g",
    "SELECT g FROM generate_series(1, 2) g, dj_t FOR UPDATE",
    "WITH w AS (SELECT 1 AS x) SELECT x FROM w FOR UPDATE OF w",
    "SELECT s.id FROM (SELECT id FROM dj_t) s ORDER BY 1 FOR UPDATE OF s",
    "SELECT DISTINCT n FROM dj_t FOR UPDATE",
    "SELECT 1 FOR UPDATE",
    "SELECT 1 AS x FOR SHARE NOWAIT",
    "SELECT DISTINCT 1 FOR UPDATE",
    "SELECT count(*) FOR UPDATE",
    "SELECT n FROM dj_t GROUP BY n FOR SHARE",
    "SELECT id FROM dj_t UNION SELECT id FROM dj_t FOR UPDATE",
    "SET CONSTRAINTS ALL IMMEDIATE",
    "SET CONSTRAINTS ALL DEFERRED",
    "SET CONSTRAINTS dj_t_pkey IMMEDIATE",
    "SET CONSTRAINTS public.dj_t_pkey DEFERRED",
    "SET CONSTRAINTS no_such_constraint IMMEDIATE",
    "DROP TABLE dj_t",
]


def run_cases(dsn: str) -> list[Any]:
    out: list[Any] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        for sql in SQL_CASES:
            try:
                with conn.transaction():
                    cur = conn.execute(sql)
                    out.append(cur.fetchall() if cur.description else cur.statusmessage)
            except psycopg.Error as exc:
                out.append((exc.sqlstate, str(exc).splitlines()[0]))
    return out


def test_sql_django_needs_matches_postgresql(kuzu: Target, pg15: Target) -> None:
    for sql, mine, theirs in zip(SQL_CASES, run_cases(kuzu.dsn), run_cases(pg15.dsn), strict=True):
        assert (sql, mine) == (sql, theirs)


def test_rollback_to_savepoint(kuzu: Target) -> None:
    """ROLLBACK TO undoes what was written after the savepoint, also when the block wrote
    before it, and after a failed statement."""
    with psycopg.connect(kuzu.dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE dj_sp (id int PRIMARY KEY)")
        conn.execute("INSERT INTO dj_sp VALUES (1)")
        conn.execute("BEGIN")
        conn.execute("SAVEPOINT a")
        conn.execute("INSERT INTO dj_sp VALUES (2)")
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("INSERT INTO dj_sp VALUES (1)")
        conn.execute("ROLLBACK TO SAVEPOINT a")
        conn.execute("INSERT INTO dj_sp VALUES (3)")
        conn.execute("COMMIT")
        assert conn.execute("SELECT id FROM dj_sp ORDER BY id").fetchall() == [(1,), (3,)]
        conn.execute("BEGIN")
        conn.execute("INSERT INTO dj_sp VALUES (4)")
        conn.execute("SAVEPOINT b")
        conn.execute("INSERT INTO dj_sp VALUES (5)")
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("INSERT INTO dj_sp VALUES (1)")
        conn.execute("ROLLBACK TO SAVEPOINT b")
        conn.execute("INSERT INTO dj_sp VALUES (6)")
        conn.execute("COMMIT")
        got = conn.execute("SELECT id FROM dj_sp ORDER BY id").fetchall()
        assert got == [(1,), (3,), (4,), (6,)]
        conn.execute("DROP TABLE dj_sp")


def test_select_for_update_blocks_other_writers(kuzu: Target) -> None:
    """FOR UPDATE holds the node's writer lock until the transaction ends."""
    with psycopg.connect(kuzu.dsn, autocommit=True) as a, psycopg.connect(kuzu.dsn) as b:
        a.execute("CREATE TABLE dj_lock (id int PRIMARY KEY, n int)")
        a.execute("INSERT INTO dj_lock VALUES (1, 0)")
        b.execute("SELECT n FROM dj_lock WHERE id = 1 FOR UPDATE")
        a.execute("SET lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            a.execute("UPDATE dj_lock SET n = 1 WHERE id = 1")
        with pytest.raises(psycopg.errors.LockNotAvailable, match='row in relation "dj_lock"'):
            a.execute("SELECT n FROM dj_lock FOR UPDATE NOWAIT")
        b.execute("UPDATE dj_lock SET n = 2 WHERE id = 1")
        b.commit()
        a.execute("UPDATE dj_lock SET n = n + 1 WHERE id = 1")
        assert a.execute("SELECT n FROM dj_lock").fetchall() == [(3,)]
        a.execute("DROP TABLE dj_lock")


# Cursors (Django's QuerySet.iterator() uses psycopg's server-side cursors), one session.
CURSOR_SCRIPT = [
    "CREATE TABLE dj_cur (id int PRIMARY KEY, s text)",
    "INSERT INTO dj_cur SELECT g, 'r' || g FROM generate_series(1, 7) g",
    "DECLARE a CURSOR FOR SELECT 1",
    "BEGIN",
    "DECLARE a SCROLL CURSOR FOR SELECT id, s FROM dj_cur ORDER BY id",
    "FETCH 2 FROM a",
    "FETCH FORWARD 0 FROM a",
    "MOVE 2 IN a",
    "FETCH a",
    "FETCH BACKWARD 2 FROM a",
    "FETCH ALL FROM a",
    "FETCH a",
    "FETCH BACKWARD ALL IN a",
    "FETCH ABSOLUTE 3 FROM a",
    "FETCH RELATIVE -1 FROM a",
    "FETCH RELATIVE 0 FROM a",
    "FETCH LAST FROM a",
    "FETCH PRIOR FROM a",
    "FETCH FIRST FROM a",
    "FETCH ABSOLUTE -2 FROM a",
    "FETCH ABSOLUTE 20 FROM a",
    "MOVE ABSOLUTE 0 IN a",
    "FETCH RELATIVE 2 FROM a",
    "DECLARE a CURSOR FOR SELECT 1",
    "ROLLBACK",
    "BEGIN",
    "DECLARE b NO SCROLL CURSOR FOR SELECT id FROM dj_cur WHERE id > 5 ORDER BY id",
    "FETCH b",
    "FETCH BACKWARD 1 FROM b",
    "ROLLBACK",
    "BEGIN",
    "DECLARE c CURSOR FOR SELECT id FROM dj_cur ORDER BY id",
    "DECLARE d CURSOR WITH HOLD FOR SELECT id FROM dj_cur",
    "FETCH 3 FROM c",
    "FETCH BACKWARD 1 FROM c",
    "SELECT name, statement, is_holdable, is_binary, is_scrollable, "
    "creation_time = now() FROM pg_cursors ORDER BY name",
    "COMMIT",
    "SELECT name FROM pg_cursors",
    "CLOSE d",
    "FETCH b",
    "CLOSE ALL",
    "DECLARE h CURSOR WITH HOLD FOR SELECT id FROM dj_cur ORDER BY id DESC",
    "FETCH 2 FROM h",
    "BEGIN",
    "FETCH h",
    "COMMIT",
    "FETCH h",
    "CLOSE h",
    "CLOSE h",
    "BEGIN",
    "DECLARE h2 CURSOR WITH HOLD FOR SELECT 1",
    "ROLLBACK",
    "CLOSE h2",
]


def run_cursor_script(dsn: str) -> list[Any]:
    out: list[Any] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        for sql in CURSOR_SCRIPT:
            try:
                cur = conn.execute(sql)
                out.append((cur.statusmessage, cur.fetchall() if cur.description else None))
            except psycopg.Error as exc:
                out.append((exc.sqlstate, str(exc).splitlines()[0]))
        with conn.cursor(name="held", withhold=True) as sc:
            sc.execute("SELECT id, s FROM dj_cur WHERE id > %s ORDER BY id", (3,))
            out.append((sc.fetchmany(2), sc.fetchall()))
        with conn.transaction(), conn.cursor(name="plain") as sc:
            sc.execute("SELECT id FROM dj_cur ORDER BY id")
            out.append(list(sc))
        # binary results: FETCH through the extended protocol, described as the cursor
        with conn.transaction(), conn.cursor(name="binary", binary=True) as sc:
            sc.execute("SELECT id, s FROM dj_cur WHERE id < 3 ORDER BY id")
            out.append((sc.fetchone(), sc.fetchall()))
        conn.execute("DROP TABLE dj_cur")
    return out


def test_cursors_match_postgresql(kuzu: Target, pg15: Target) -> None:
    mine, theirs = both(kuzu, pg15, lambda t: run_cursor_script(t.dsn))
    for sql, m, t in zip([*CURSOR_SCRIPT, "held", "plain", "binary"], mine, theirs, strict=True):
        assert (sql, m) == (sql, t)
