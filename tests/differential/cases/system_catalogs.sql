-- setup
CREATE TABLE shelves (id integer PRIMARY KEY, label text NOT NULL UNIQUE);
CREATE TABLE books (isbn varchar(13) PRIMARY KEY, shelf integer REFERENCES shelves (id), title text);
CREATE INDEX books_title ON books (title);

-- The system catalogs described as PostgreSQL 15 describes them (psql's \dS <catalog>):
-- their indexes, constraints, NOT NULL columns and replica identity; and the listings of
-- user objects, which these system objects must not enter.

-- case: system_catalog_class_facts
-- category: queries
SELECT relname, relkind, relhasindex, relisshared, relpersistence, relreplident, relnatts,
       reltablespace, relam
FROM pg_class WHERE oid IN ('pg_am'::regclass, 'pg_class'::regclass, 'pg_type'::regclass,
                            'pg_namespace'::regclass, 'pg_database'::regclass, 'pg_tables'::regclass)
ORDER BY relname;

-- case: system_catalog_index_relations
-- category: queries
SELECT c.oid::int, c.relname, c.relkind, c.relam, c.relnatts, c.relnamespace::regnamespace
FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
WHERE i.indrelid IN ('pg_am'::regclass, 'pg_class'::regclass, 'pg_type'::regclass, 'pg_namespace'::regclass)
ORDER BY c.relname;

-- case: system_catalog_pg_index
-- category: queries
SELECT indexrelid::regclass, indrelid::regclass, indnatts, indnkeyatts, indisunique,
       indisprimary, indisreplident, indkey::text, indclass::text, indcollation::text, indoption::text
FROM pg_index WHERE indrelid IN ('pg_am'::regclass, 'pg_class'::regclass, 'pg_type'::regclass, 'pg_namespace'::regclass)
ORDER BY indexrelid::regclass::text;

-- case: system_catalog_indexdef
-- category: queries
SELECT pg_get_indexdef('pg_am_oid_index'::regclass),
       pg_get_indexdef('pg_class_relname_nsp_index'::regclass, 0, true),
       pg_get_indexdef('pg_class_relname_nsp_index'::regclass, 2, true),
       pg_get_indexdef('pg_type_typname_nsp_index'::regclass, 1, false);

-- case: system_catalog_regclass_of_index
-- category: queries
SELECT 'pg_am_oid_index'::regclass::oid::int, 'pg_catalog.pg_namespace_nspname_index'::regclass,
       pg_table_is_visible('pg_am_oid_index'::regclass);

-- case: system_catalog_pg_indexes
-- category: queries
SELECT schemaname, tablename, indexname, tablespace, indexdef FROM pg_indexes
WHERE tablename IN ('pg_am', 'pg_class', 'pg_type', 'pg_namespace', 'pg_database')
ORDER BY tablename, indexname;

-- case: system_catalog_constraints
-- category: queries
SELECT oid::int, conname, contype, conrelid::regclass, conindid::regclass, conkey::text,
       condeferrable, condeferred, convalidated, connoinherit, pg_get_constraintdef(oid),
       pg_get_constraintdef(oid, true)
FROM pg_constraint WHERE conrelid IN ('pg_am'::regclass, 'pg_class'::regclass, 'pg_type'::regclass, 'pg_namespace'::regclass)
ORDER BY conname;

-- case: system_catalog_constraint_count
-- category: queries
SELECT contype, count(*) FROM pg_constraint WHERE connamespace = 'pg_catalog'::regnamespace
GROUP BY contype ORDER BY contype;

-- case: system_catalog_not_null_columns
-- category: queries
SELECT attrelid::regclass, attnum, attname, attnotnull, attstorage, attcollation::int
FROM pg_attribute WHERE attrelid IN ('pg_am'::regclass, 'pg_namespace'::regclass, 'pg_tables'::regclass)
ORDER BY attrelid::regclass::text, attnum;

-- case: system_catalog_attribute_count
-- category: queries
SELECT count(*), count(*) FILTER (WHERE attnotnull), count(*) FILTER (WHERE attnum < 0)
FROM pg_attribute WHERE attrelid IN ('pg_class'::regclass, 'pg_type'::regclass, 'pg_attribute'::regclass);

-- case: system_catalog_describe_indexes
-- category: queries
-- psql's \d pg_class: its "Indexes:" footer
SELECT c2.relname, i.indisprimary, i.indisunique, i.indisclustered, i.indisvalid,
       pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),
       pg_catalog.pg_get_constraintdef(con.oid, true), contype, condeferrable, condeferred,
       i.indisreplident, c2.reltablespace
FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i
  LEFT JOIN pg_catalog.pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x'))
WHERE c.oid = 'pg_catalog.pg_class'::regclass AND c.oid = i.indrelid AND i.indexrelid = c2.oid
ORDER BY i.indisprimary DESC, c2.relname;

-- case: system_catalog_describe_index
-- category: queries
-- psql's \d pg_type_oid_index
SELECT i.indisunique, i.indisprimary, i.indisclustered, i.indisvalid, false AS indisdeferrable,
       false AS indisdeferred, a.amname, c2.relname, pg_catalog.pg_get_expr(i.indpred, i.indrelid, true)
FROM pg_catalog.pg_index i, pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_am a
WHERE i.indexrelid = c.oid AND c.oid = 'pg_type_oid_index'::regclass AND c.relam = a.oid
AND i.indrelid = c2.oid;

-- case: system_catalog_index_columns
-- category: queries
-- psql's \d pg_class_relname_nsp_index: its columns
SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
  CASE WHEN pg_catalog.pg_get_indexdef(a.attrelid, a.attnum, TRUE) = a.attname THEN 'yes' ELSE 'no' END AS is_key,
  pg_catalog.pg_get_indexdef(a.attrelid, a.attnum, TRUE) AS indexdef
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = 'pg_class_relname_nsp_index'::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;

-- case: user_index_listing_unchanged
-- category: queries
SELECT count(*) FROM pg_indexes WHERE schemaname = 'public';

-- case: user_indexes_listed
-- category: queries
SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'pg_toast')
ORDER BY indexname;

-- case: psql_list_indexes
-- category: queries
-- psql's \di
SELECT n.nspname as "Schema", c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'i' THEN 'index' END as "Type",
  c2.relname as "Table"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
     LEFT JOIN pg_catalog.pg_class c2 ON i.indrelid = c2.oid
WHERE c.relkind IN ('i','I','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;

-- case: user_constraints_listed
-- category: queries
SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
WHERE connamespace = 'public'::regnamespace ORDER BY conname;

-- case: user_table_constraints_listed
-- category: queries
SELECT constraint_name, table_name, constraint_type FROM information_schema.table_constraints
WHERE table_schema = 'public' AND constraint_type <> 'CHECK' ORDER BY constraint_name;

-- case: user_table_constraint_counts
-- category: queries
SELECT table_name, constraint_type, count(*) FROM information_schema.table_constraints
WHERE table_schema = 'public' GROUP BY 1, 2 ORDER BY 1, 2;

-- case: system_table_constraints
-- category: queries
-- information_schema shows the system catalogs' constraints to their owner (a superuser)
SELECT constraint_schema, constraint_name, table_schema, table_name, constraint_type,
       is_deferrable, initially_deferred, enforced, nulls_distinct
FROM information_schema.table_constraints WHERE table_name IN ('pg_am', 'pg_namespace')
ORDER BY table_name, constraint_name;

-- case: system_table_constraint_counts
-- category: queries
SELECT table_schema, constraint_type, count(*) FROM information_schema.table_constraints
GROUP BY 1, 2 ORDER BY 1, 2;

-- case: system_key_column_usage
-- category: queries
SELECT constraint_name, table_name, column_name, ordinal_position, position_in_unique_constraint
FROM information_schema.key_column_usage WHERE table_name IN ('pg_class', 'pg_am')
ORDER BY constraint_name, ordinal_position;

-- case: system_key_column_usage_counts
-- category: queries
SELECT table_schema, count(*) FROM information_schema.key_column_usage GROUP BY 1 ORDER BY 1;

-- case: system_constraint_column_usage_counts
-- category: queries
SELECT table_schema, constraint_schema, count(*) FROM information_schema.constraint_column_usage
GROUP BY 1, 2 ORDER BY 1, 2;

-- case: system_check_constraints
-- category: queries
SELECT constraint_schema, constraint_name, check_clause FROM information_schema.check_constraints
WHERE constraint_name LIKE '11_2601_%' OR constraint_schema = 'information_schema'
ORDER BY constraint_name;

-- case: system_check_constraint_counts
-- category: queries
SELECT constraint_schema, count(*) FROM information_schema.check_constraints GROUP BY 1 ORDER BY 1;

-- case: user_index_relations_count
-- category: queries
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'i' AND n.nspname = 'public';

-- case: user_table_has_index
-- category: queries
SELECT relname, relhasindex, relreplident FROM pg_class
WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY relname;

-- case: psql_list_system_indexes
-- category: queries
-- psql's \diS pg_am*
SELECT n.nspname as "Schema", c.relname as "Name", c2.relname as "Table"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
     LEFT JOIN pg_catalog.pg_class c2 ON i.indrelid = c2.oid
WHERE c.relkind IN ('i','I','')
  AND c.relname OPERATOR(pg_catalog.~) '^(pg_am.*)$' COLLATE pg_catalog.default
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;
