"""Generate translator/pgdata/*.json: PostgreSQL 15's built-in catalog rows.

The virtual pg_catalog (translator/pgcatalog.py) serves the rows PostgreSQL itself has
for built-in objects (types, access methods, collations, ranges, functions clients look
up) with PostgreSQL's own OIDs, so clients that cache type OIDs or look up `array_in`
see what a real server shows. This tool reads them from a throwaway PostgreSQL 15
(tests/pgserver.py) and writes one JSON file per catalog: the column names and type
OIDs, then every row as PostgreSQL's text output of each column (None for NULL).

Usage: .venv/bin/python tools/gen_pg_catalog_data.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgserver import start_postgres  # noqa: E402

OUT = ROOT / "translator" / "pgdata"

#: the tables, views and indexes of pg_catalog and information_schema (as `c`)
_SYSTEM_RELATION = (
    "c.relnamespace IN (11, 'information_schema'::regnamespace) AND c.relkind IN ('r', 'v', 'i')"
)

#: catalog -> the query choosing its built-in rows (ordered by oid, text output)
QUERIES = {
    # every type of pg_catalog and information_schema: built-in scalar, array, pseudo,
    # range and multirange types, information_schema's domains, and the row types of
    # both schemas' tables and views with their array types (pgjdbc's getTypeInfo lists
    # them all; each row type's typrelid is a relation of relations.json)
    "pg_type": "SELECT * FROM pg_catalog.pg_type WHERE typnamespace = 11 "
    "OR typnamespace = 'information_schema'::regnamespace ORDER BY oid",
    "pg_am": "SELECT * FROM pg_catalog.pg_am ORDER BY oid",
    "pg_collation": "SELECT * FROM pg_catalog.pg_collation WHERE collname IN "
    "('default', 'C', 'POSIX', 'ucs_basic') ORDER BY oid",
    "pg_range": "SELECT * FROM pg_catalog.pg_range ORDER BY rngtypid",
    "pg_proc": "SELECT * FROM pg_catalog.pg_proc WHERE pronamespace IN "
    "(11, 'information_schema'::regnamespace) ORDER BY oid",
    "pg_operator": "SELECT * FROM pg_catalog.pg_operator ORDER BY oid",
    "pg_cast": "SELECT * FROM pg_catalog.pg_cast ORDER BY oid",
    "pg_language": "SELECT * FROM pg_catalog.pg_language ORDER BY oid",
    # the comments of built-in functions (pgjdbc's getFunctions shows them as REMARKS)
    # and types (psql's \dTS)
    "pg_description": "SELECT * FROM pg_catalog.pg_description "
    "WHERE classoid IN ('pg_catalog.pg_proc'::regclass, 'pg_catalog.pg_type'::regclass) "
    "AND objoid < 16384 ORDER BY classoid, objoid",
    # the rows of pg_get_keywords() (pgjdbc's getSQLKeywords, DBeaver's keyword list)
    "pg_get_keywords": "SELECT * FROM pg_catalog.pg_get_keywords() ORDER BY word",
    "pg_opclass": "SELECT * FROM pg_catalog.pg_opclass ORDER BY oid",
    # what PostgreSQL says of each setting (its value is the session's, not these)
    "pg_settings": "SELECT name, unit, category, short_desc, extra_desc, context, vartype, "
    "min_val, max_val, enumvals FROM pg_catalog.pg_settings ORDER BY name",
    "pg_tablespace": "SELECT oid, spcname, 10::oid AS spcowner, NULL::aclitem[] AS spcacl, "
    "NULL::text[] AS spcoptions FROM pg_catalog.pg_tablespace ORDER BY oid",
    # The system relations themselves (psql's \dS <catalog>): what pg_class says of the
    # tables, views and indexes of both system schemas beyond their columns (the facts
    # that do not depend on the cluster: not pages, tuples, xids, ACLs or toast tables)
    "pg_class": "SELECT oid, relname, relnamespace, reltype, relam, relkind, relnatts, "
    "relhasindex, relisshared, relpersistence, relreplident, relhasrules, relchecks, "
    "relhastriggers, relrowsecurity, relispopulated, reltablespace "
    f"FROM pg_catalog.pg_class c WHERE {_SYSTEM_RELATION} ORDER BY oid",
    # their columns as pg_attribute has them (NOT NULL markers, system columns, the
    # indexes' columns), without the column ACLs, which name the cluster's roles
    "pg_attribute": "SELECT attrelid, attname, atttypid, attstattarget, attlen, attnum, "
    "attndims, attcacheoff, atttypmod, attbyval, attalign, attstorage, attcompression, "
    "attnotnull, atthasdef, atthasmissing, attidentity, attgenerated, attisdropped, "
    "attislocal, attinhcount, attcollation FROM pg_catalog.pg_attribute "
    "WHERE attrelid IN (SELECT c.oid FROM pg_catalog.pg_class c "
    f"WHERE {_SYSTEM_RELATION}) ORDER BY attrelid, attnum",
    # the indexes of system catalogs, with pg_get_indexdef's texts (plain, pretty and of
    # each key column)
    "pg_index": "SELECT i.*, pg_catalog.pg_get_indexdef(i.indexrelid) AS indexdef, "
    "pg_catalog.pg_get_indexdef(i.indexrelid, 0, true) AS indexdef_pretty, "
    "array(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true) "
    "FROM generate_series(1, i.indnatts) AS k) AS indexdef_columns "
    "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
    f"WHERE {_SYSTEM_RELATION} ORDER BY i.indexrelid",
    "pg_indexes": "SELECT * FROM pg_catalog.pg_indexes WHERE schemaname = 'pg_catalog' "
    "ORDER BY tablename, indexname",
    # the PRIMARY KEY and UNIQUE constraints of system catalogs (PostgreSQL 14+), with
    # pg_get_constraintdef's texts (plain and pretty)
    "pg_constraint": "SELECT *, pg_catalog.pg_get_constraintdef(oid) AS condef, "
    "pg_catalog.pg_get_constraintdef(oid, true) AS condef_pretty "
    "FROM pg_catalog.pg_constraint WHERE connamespace IN "
    "(11, 'information_schema'::regnamespace) ORDER BY oid",
}


def dump(conn: psycopg.Connection, query: str) -> dict[str, object]:
    with conn.cursor() as cur:
        # text output of every column, exactly as PostgreSQL prints it
        cur.execute(query)
        assert cur.description is not None
        columns = [[d.name, d.type_code] for d in cur.description]
        names = ", ".join(f'("{d.name}")::text' for d in cur.description)
        cur.execute(f"SELECT {names} FROM ({query}) AS q")
        rows = cur.fetchall()
    return {"columns": columns, "rows": [list(r) for r in rows]}


#: the relations the virtual catalog serves: their columns (name, type OID, typmod) as
#: PostgreSQL 15 defines them, so `SELECT *` and RowDescription match a real server
RELATIONS = """
pg_catalog.pg_namespace pg_catalog.pg_class pg_catalog.pg_attribute pg_catalog.pg_type
pg_catalog.pg_index pg_catalog.pg_constraint pg_catalog.pg_attrdef pg_catalog.pg_description
pg_catalog.pg_shdescription pg_catalog.pg_proc pg_catalog.pg_am pg_catalog.pg_database
pg_catalog.pg_roles pg_catalog.pg_user pg_catalog.pg_authid pg_catalog.pg_auth_members
pg_catalog.pg_settings pg_catalog.pg_tables pg_catalog.pg_views pg_catalog.pg_matviews
pg_catalog.pg_indexes pg_catalog.pg_sequence pg_catalog.pg_sequences pg_catalog.pg_range
pg_catalog.pg_enum pg_catalog.pg_collation pg_catalog.pg_inherits pg_catalog.pg_depend
pg_catalog.pg_extension pg_catalog.pg_stat_activity pg_catalog.pg_operator pg_catalog.pg_cast
pg_catalog.pg_language pg_catalog.pg_opclass pg_catalog.pg_tablespace pg_catalog.pg_trigger
pg_catalog.pg_rewrite pg_catalog.pg_policy pg_catalog.pg_statistic_ext
pg_catalog.pg_publication pg_catalog.pg_publication_rel pg_catalog.pg_publication_namespace
pg_catalog.pg_foreign_table pg_catalog.pg_foreign_server pg_catalog.pg_foreign_data_wrapper
pg_catalog.pg_partitioned_table pg_catalog.pg_event_trigger pg_catalog.pg_conversion
pg_catalog.pg_ts_config pg_catalog.pg_ts_dict pg_catalog.pg_ts_parser pg_catalog.pg_ts_template
pg_catalog.pg_default_acl pg_catalog.pg_init_privs pg_catalog.pg_seclabel pg_catalog.pg_stat_user_tables
pg_catalog.pg_statio_user_tables pg_catalog.pg_locks pg_catalog.pg_prepared_xacts
pg_catalog.pg_timezone_names pg_catalog.pg_available_extensions pg_catalog.pg_aggregate
information_schema.schemata information_schema.tables information_schema.columns
information_schema.views information_schema.table_constraints
information_schema.key_column_usage information_schema.constraint_column_usage
information_schema.referential_constraints information_schema.sequences
information_schema.routines information_schema.character_sets
information_schema.check_constraints information_schema.parameters
information_schema.element_types information_schema.domains
pg_catalog.pg_opfamily pg_catalog.pg_cursors
"""


#: every table and view of the two system schemas: listed in pg_class, pg_attribute and
#: pg_type (their row types) as PostgreSQL lists them, served only if in RELATIONS
ALL_RELATIONS = (
    "SELECT c.oid::regclass::text FROM pg_catalog.pg_class c "
    "WHERE c.relnamespace IN (11, 'information_schema'::regnamespace) "
    "AND c.relkind IN ('r', 'v') ORDER BY c.oid"
)


def relations(conn: psycopg.Connection) -> dict[str, object]:
    served = set(RELATIONS.split())  # the relations kuzugres answers queries over
    listed = [r[0] for r in conn.execute(ALL_RELATIONS).fetchall()]
    names = [q if "." in q else f"pg_catalog.{q}" for q in listed]
    assert served <= set(names), served - set(names)
    out: dict[str, object] = {}
    # the served ones first, in RELATIONS' order, then the others by OID
    for qualified in RELATIONS.split() + [q for q in names if q not in served]:
        rows = conn.execute(
            "SELECT c.oid, c.relkind, c.reltype, a.attname, a.atttypid, a.atttypmod "
            "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
            "WHERE c.oid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY a.attnum",
            [qualified],
        ).fetchall()
        out[qualified] = {
            "oid": rows[0][0],
            "kind": rows[0][1],
            "reltype": rows[0][2],
            "served": qualified in served,
            "columns": [[name, typ, mod] for _, _, _, name, typ, mod in rows],
        }
    return out


def main() -> None:
    pg = start_postgres({})
    try:
        with psycopg.connect(pg.dsn, autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            OUT.mkdir(exist_ok=True)
            for name, query in QUERIES.items():
                data = {"generated_from": f"PostgreSQL {version[0] if version else '?'}"}
                data.update(dump(conn, query))
                path = OUT / f"{name}.json"
                path.write_text(json.dumps(data, separators=(",", ":")) + "\n")
                print(f"{path.relative_to(ROOT)}: {len(data['rows'])} rows")  # type: ignore[arg-type]
            rels = relations(conn)
            path = OUT / "relations.json"
            path.write_text(json.dumps(rels, indent=0, separators=(",", ":")) + "\n")
            print(f"{path.relative_to(ROOT)}: {len(rels)} relations")
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
