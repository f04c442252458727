-- setup
CREATE TYPE stock_state AS ENUM ('ordered', 'in_stock', 'sold_out');
CREATE SEQUENCE item_no START 100;
CREATE TABLE tags (code varchar(10) PRIMARY KEY, label text);
CREATE TABLE items (sku varchar(20) PRIMARY KEY,
                    tag varchar(10) REFERENCES tags (code),
                    state stock_state NOT NULL DEFAULT 'in_stock',
                    notes text[],
                    item_no bigint UNIQUE DEFAULT nextval('item_no'));
CREATE TABLE moves (id bigint PRIMARY KEY, item varchar(20) NOT NULL REFERENCES items (sku), qty integer CHECK (qty <> 0));
CREATE INDEX items_state ON items (state);
CREATE VIEW item_states AS SELECT sku, state FROM items;

-- What DBeaver's and Metabase's catalog queries read (compat_tests/test_pgjdbc_metadata.py
-- replays their sessions); each case is one catalog fact they depend on.

-- case: constraint_action_codes
-- category: queries
SELECT conname, contype, confupdtype, confdeltype, confmatchtype, connoinherit
FROM pg_constraint WHERE conrelid IN ('items'::regclass, 'moves'::regclass) ORDER BY conname;

-- case: foreign_key_equality_operators
-- category: queries
SELECT conname, conpfeqop, conppeqop, conffeqop
FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('items'::regclass, 'moves'::regclass) ORDER BY conname;

-- case: column_collations
-- category: queries
SELECT attname, attcollation FROM pg_attribute
WHERE attrelid = 'items'::regclass AND attnum > 0 ORDER BY attnum;

-- case: enum_column_storage
-- category: queries
SELECT attname, attlen, attbyval, attalign, attstorage FROM pg_attribute
WHERE attrelid = 'items'::regclass AND attname = 'state';

-- case: enum_index_operator_class
-- category: queries
SELECT c.relname, i.indclass::text, i.indcollation::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = 'items'::regclass ORDER BY c.relname;

-- case: sequence_and_view_relation
-- category: queries
SELECT relname, relkind, relpages, reltuples FROM pg_class
WHERE relname IN ('item_no', 'item_states') ORDER BY relname;

-- case: index_scan_count
-- category: queries
SELECT pg_stat_get_numscans('items_state'::regclass::oid) >= 0;

-- case: builtin_type_comments
-- category: queries
SELECT t.typname, d.description FROM pg_type t
LEFT JOIN pg_description d ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass
WHERE t.typname IN ('int4', 'text', 'varchar', 'jsonb', 'uuid', '_text') ORDER BY t.typname;

-- case: builtin_type_obj_description
-- category: queries
SELECT obj_description('timestamptz'::regtype, 'pg_type');

-- case: setting_descriptions
-- category: queries
SELECT name, category, short_desc, extra_desc, context, vartype, unit, min_val, max_val, enumvals
FROM pg_settings
WHERE name IN ('standard_conforming_strings', 'client_encoding', 'DateStyle', 'TimeZone',
               'integer_datetimes', 'search_path', 'application_name', 'statement_timeout',
               'max_identifier_length', 'server_version_num')
ORDER BY name;

-- case: tablespace_locations
-- category: queries
SELECT spcname, pg_tablespace_location(oid) FROM pg_tablespace ORDER BY oid;

-- case: set_search_path_quotes_names
-- category: queries
-- DBeaver's "set active schema" sends SET search_path = "$user",inventory,public
SET search_path = "$user", 'a,b', public;
SHOW search_path;

-- case: search_path_restored
-- category: queries
SET search_path = "$user",public;
SHOW search_path;

-- case: quote_ident_dollar
-- category: queries
SELECT quote_ident('a$b'), quote_ident('$user'), quote_ident('user_1'), quote_ident('Mixed');
