"""psql, the PostgreSQL command-line client, against a kuzugres node."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

from conftest import require_client
from tests.serverproc import NodeProcess

PSQL = shutil.which("psql")


def psql(
    node: NodeProcess, *args: str, stdin: str | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """Run psql against `node` with no psqlrc and a connect timeout; never hangs the suite."""
    require_client("psql", PSQL is not None)
    assert PSQL is not None
    env = dict(
        os.environ,
        PGCONNECT_TIMEOUT="10",
        PSQLRC="/dev/null",
        PGOPTIONS="",
        PAGER="cat",
        LC_ALL="C.UTF-8",
    )
    for var in ("PGPASSWORD", "PGSERVICE", "PGSSLMODE", "PGTZ", "PGCLIENTENCODING"):
        env.pop(var, None)
    return subprocess.run(
        [PSQL, "-X", "--no-password", "-d", node.dsn, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """The stdout of a psql run that must have succeeded."""
    assert result.returncode == 0, f"psql exited {result.returncode}:\n{result.stderr}"
    return result.stdout


def table_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def create_person_table(node: NodeProcess, name: str) -> None:
    ok(
        psql(
            node,
            "-c",
            f"SELECT * FROM cypher($$ CREATE NODE TABLE {name}"
            "(id INT64, name STRING, age INT64, PRIMARY KEY(id)) $$) AS (r text)",
        )
    )


def test_several_commands_and_statements(node: NodeProcess) -> None:
    out = ok(
        psql(
            node,
            "-A",
            "-t",
            "-c",
            "SELECT 1 AS a; SELECT 'two' AS b",
            "-c",
            "SELECT 3 + 4",
            "-c",
            "SHOW TimeZone",
        )
    )
    lines = out.splitlines()
    # psql 15 prints the result of every statement of a multi-statement -c.
    assert lines[:3] == ["1", "two", "7"], out
    assert len(lines) == 4 and lines[3], out


def test_commands_share_one_session(node: NodeProcess) -> None:
    out = ok(
        psql(
            node,
            "-A",
            "-t",
            "-c",
            "SET application_name = 'psql_compat'",
            "-c",
            "SHOW application_name",
            "-c",
            "SELECT current_setting('application_name')",
        )
    )
    assert out.splitlines() == ["SET", "psql_compat", "psql_compat"], out


def test_transaction_block_fails_until_rollback(node: NodeProcess) -> None:
    result = psql(
        node,
        "-A",
        "-t",
        "-c",
        "BEGIN",
        "-c",
        "SELECT 1/0",
        "-c",
        "SELECT 1",
        "-c",
        "ROLLBACK",
        "-c",
        "SELECT 'again'",
    )
    assert result.returncode == 0, result.stderr
    assert "division by zero" in result.stderr
    assert "current transaction is aborted" in result.stderr, result.stderr
    assert result.stdout.splitlines() == ["BEGIN", "ROLLBACK", "again"], result.stdout


def test_on_error_rollback_keeps_the_block(node: NodeProcess, tmp_path: Path) -> None:
    """psql's ON_ERROR_ROLLBACK wraps each statement of a block in a savepoint: a failed
    one is undone alone and the block commits the rest."""
    name = table_name("oer")
    script = tmp_path / "script.sql"
    script.write_text(
        f"CREATE TABLE {name} (id int PRIMARY KEY, note text);\n"
        "BEGIN;\n"
        f"INSERT INTO {name} VALUES (1, 'one');\n"
        f"INSERT INTO {name} VALUES (1, 'duplicate');\n"
        f"UPDATE {name} SET note = 'one, updated' WHERE id = 1;\n"
        f"INSERT INTO {name} VALUES (2, 'two');\n"
        "SELECT 1 / 0;\n"
        "COMMIT;\n"
        f"SELECT id, note FROM {name} ORDER BY id;\n"
    )
    result = psql(node, "-A", "-t", "-v", "ON_ERROR_ROLLBACK=on", "-f", str(script))
    assert result.returncode == 0, result.stderr
    assert "duplicate key value violates unique constraint" in result.stderr
    assert "division by zero" in result.stderr
    assert "current transaction is aborted" not in result.stderr
    assert result.stdout.splitlines()[-2:] == ["1|one, updated", "2|two"], result.stdout


def test_file_with_on_error_stop(node: NodeProcess, tmp_path: Path) -> None:
    script = tmp_path / "script.sql"
    script.write_text(
        "\\set ON_ERROR_STOP on\n"
        "SELECT 'before' AS marker;\n"
        "SELECT 1/0;\n"
        "SELECT 'after' AS marker;\n"
    )
    result = psql(node, "-A", "-t", "-f", str(script))
    assert result.returncode == 3, (result.returncode, result.stdout, result.stderr)
    assert "before" in result.stdout
    assert "after" not in result.stdout
    assert "ERROR:" in result.stderr and "division by zero" in result.stderr, result.stderr


def test_file_without_on_error_stop_continues(node: NodeProcess, tmp_path: Path) -> None:
    script = tmp_path / "script.sql"
    script.write_text("SELECT 'before';\nSELECT 1/0;\nSELECT 'after';\n")
    result = psql(node, "-A", "-t", "-f", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["before", "after"], result.stdout
    assert "division by zero" in result.stderr


def test_script_on_stdin(node: NodeProcess) -> None:
    result = psql(
        node,
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        stdin="SELECT 40 +\n  2;\nSELECT upper('multi'\n) ;\n",
    )
    assert ok(result).splitlines() == ["42", "MULTI"]


def test_conninfo(node: NodeProcess) -> None:
    out = ok(psql(node, "-c", "\\conninfo"))
    assert 'database "kuzugres"' in out, out
    assert 'user "tester"' in out, out
    assert f'port "{node.port}"' in out, out


def test_timing(node: NodeProcess) -> None:
    out = ok(psql(node, "-c", "\\timing on", "-c", "SELECT 1"))
    assert "Timing is on." in out
    assert "Time:" in out and " ms" in out, out


def test_expanded_output(node: NodeProcess) -> None:
    out = ok(psql(node, "-c", "\\x", "-c", "SELECT 1 AS first, 'two' AS second"))
    assert "Expanded display is on." in out
    assert "-[ RECORD 1 ]" in out, out
    lines = [line.rstrip() for line in out.splitlines()]
    assert "first  | 1" in lines, out
    assert "second | two" in lines, out


def test_aligned_output_has_header_and_row_count(node: NodeProcess) -> None:
    out = ok(psql(node, "-c", "SELECT 1 AS n, 'x' AS s"))
    lines = [line.rstrip() for line in out.splitlines() if line.strip()]
    assert lines[0].split("|")[0].strip() == "n", out
    assert lines[0].split("|")[1].strip() == "s", out
    assert lines[2].split("|")[1].strip() == "x", out
    assert lines[-1] == "(1 row)", out


def test_unaligned_tuples_only_values(node: NodeProcess) -> None:
    query = (
        "SELECT 1::int2, 2::int4, 3::int8, 1.5::float4, 2.25::float8, 12.345::numeric,"
        " true, false, 'héllo'::text, 'vc'::varchar, '\\x01ff'::bytea, '2024-02-29'::date,"
        " '12:34:56.5'::time, '2024-02-29 12:34:56'::timestamp,"
        " '2024-02-29 12:34:56+00'::timestamptz, '1 day 02:03:04'::interval,"
        " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '{\"a\": [1, 2]}'::json,"
        " '{\"b\": 2, \"a\": 1}'::jsonb, ARRAY[1, 2, 3], ARRAY['x', NULL, 'y z'], NULL::int4"
    )
    out = ok(psql(node, "-q", "-A", "-t", "-F", "|", "-c", "SET TimeZone = 'UTC'", "-c", query))
    assert out.rstrip("\n").split("|") == [
        "1",
        "2",
        "3",
        "1.5",
        "2.25",
        "12.345",
        "t",
        "f",
        "héllo",
        "vc",
        "\\x01ff",
        "2024-02-29",
        "12:34:56.5",
        "2024-02-29 12:34:56",
        "2024-02-29 12:34:56+00",
        "1 day 02:03:04",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        '{"a": [1, 2]}',
        '{"a": 1, "b": 2}',
        "{1,2,3}",
        '{x,NULL,"y z"}',
        "",
    ]


def test_verbose_error_has_sqlstate(node: NodeProcess) -> None:
    result = psql(node, "-c", "\\set VERBOSITY verbose", "-c", "SELECT 1/0")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "ERROR:  22012: division by zero" in result.stderr, result.stderr


def test_verbose_error_unknown_setting(node: NodeProcess) -> None:
    result = psql(node, "-c", "\\set VERBOSITY verbose", "-c", "SHOW no_such_setting_xyz")
    assert result.returncode == 1
    assert "ERROR:  42704:" in result.stderr, result.stderr
    assert 'unrecognized configuration parameter "no_such_setting_xyz"' in result.stderr


def test_error_sqlstate_variable(node: NodeProcess, tmp_path: Path) -> None:
    script = tmp_path / "err.sql"
    script.write_text("SELECT 'abc'::int4;\n\\echo state=:SQLSTATE\n")
    result = psql(node, "-f", str(script))
    assert "state=22P02" in result.stdout, (result.stdout, result.stderr)
    assert 'invalid input syntax for type integer: "abc"' in result.stderr


def test_cypher_through_psql(node: NodeProcess) -> None:
    t = table_name("psql_cy")
    create_person_table(node, t)
    ok(
        psql(
            node,
            "-c",
            f"SELECT * FROM cypher($$ CREATE (:{t} {{id: 1, name: 'Ada', age: 36}}),"
            f" (:{t} {{id: 2, name: 'Alan', age: 41}}) $$) AS (r text)",
        )
    )
    out = ok(
        psql(
            node,
            "-A",
            "-t",
            "-c",
            f"SELECT * FROM cypher($$ MATCH (p:{t}) WHERE p.age > $min RETURN p.name, p.age"
            f" ORDER BY p.id $$, '{{\"min\": 30}}') AS (name text, age int8)",
        )
    )
    assert out.splitlines() == ["Ada|36", "Alan|41"]


def test_copy_from_and_to_file_round_trip(node: NodeProcess, tmp_path: Path) -> None:
    t = table_name("psql_copy")
    create_person_table(node, t)
    src = tmp_path / "in.tsv"
    rows = ["1\tAda\t36", "2\tAlan\t41", "3\tGrace Hopper\t\\N", "4\ttab\\there\t7"]
    src.write_text("\n".join(rows) + "\n")
    out = ok(psql(node, "-c", f"\\copy {t} FROM '{src}'"))
    assert out.strip() == "COPY 4", out

    dst = tmp_path / "out.tsv"
    out = ok(psql(node, "-c", f"\\copy {t} TO '{dst}'"))
    assert out.strip() == "COPY 4", out
    assert sorted(dst.read_text().splitlines()) == sorted(rows)

    got = ok(
        psql(
            node,
            "-A",
            "-t",
            "-c",
            f"SELECT * FROM cypher($$ MATCH (p:{t}) RETURN p.id, p.name, p.age ORDER BY p.id $$)"
            " AS (id int8, name text, age int8)",
        )
    )
    assert got.splitlines() == ["1|Ada|36", "2|Alan|41", "3|Grace Hopper|", "4|tab\there|7"]


def test_copy_csv_round_trip(node: NodeProcess, tmp_path: Path) -> None:
    t = table_name("psql_csv")
    create_person_table(node, t)
    src = tmp_path / "in.csv"
    src.write_text('10,"Smith, John",50\n11,"say ""hi""",\n')
    ok(psql(node, "-c", f"\\copy {t} FROM '{src}' WITH (FORMAT csv)"))
    dst = tmp_path / "out.csv"
    ok(psql(node, "-c", f"\\copy {t} TO '{dst}' WITH (FORMAT csv)"))
    assert sorted(dst.read_text().splitlines()) == ['10,"Smith, John",50', '11,"say ""hi""",']


def test_copy_query_to_stdout(node: NodeProcess) -> None:
    out = ok(psql(node, "-c", "\\copy (SELECT 1 AS a, 'x y' AS b) TO STDOUT WITH (FORMAT csv)"))
    assert out.splitlines() == ["1,x y"]


def test_copy_from_stdin_in_script(node: NodeProcess) -> None:
    t = table_name("psql_stdin")
    create_person_table(node, t)
    out = ok(
        psql(
            node,
            "-v",
            "ON_ERROR_STOP=1",
            stdin=f"COPY {t} FROM STDIN WITH (FORMAT csv);\n5,Eve,29\n6,Bob,31\n\\.\n"
            f"SELECT * FROM cypher($$ MATCH (p:{t}) RETURN count(*) $$) AS (n int8);\n",
        )
    )
    assert "COPY 2" in out, out
    assert "\n 2\n" in out or "\n  2\n" in out, out


def test_syntax_error_does_not_break_the_session(node: NodeProcess) -> None:
    result = psql(
        node, "-A", "-t", "-v", "VERBOSITY=verbose", stdin="SELEC 1;\nSELECT 'still alive';\n"
    )
    assert 'ERROR:  42601: syntax error at or near "SELEC"' in result.stderr, result.stderr
    assert result.stdout.splitlines() == ["still alive"], result.stdout
