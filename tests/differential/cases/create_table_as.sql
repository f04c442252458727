-- setup
CREATE TABLE src (id integer PRIMARY KEY, name varchar(20) NOT NULL, price numeric(8,2), code char(3), tags text[]);
INSERT INTO src VALUES (1, 'apple', 1.50, 'APL', ARRAY['fruit']), (2, 'bread', 2.25, 'BRD', NULL), (3, 'cheese', NULL, NULL, ARRAY['dairy', 'old']);

-- case: ctas_basic_tag
-- category: ddl
CREATE TABLE copy1 AS SELECT * FROM src WHERE id < 3;

-- case: ctas_basic_rows
-- category: ddl
SELECT * FROM copy1 ORDER BY id;

-- case: ctas_column_types
-- category: ddl
SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable
FROM information_schema.columns WHERE table_name = 'copy1' ORDER BY ordinal_position;

-- case: ctas_format_type
-- category: ddl
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'copy1'::regclass AND attnum > 0 ORDER BY attnum;

-- case: ctas_no_constraints_copied
-- category: ddl
INSERT INTO copy1 (id, name) VALUES (1, NULL);
SELECT count(*) FROM copy1 WHERE id = 1;

-- case: ctas_expressions_and_literals
-- category: ddl
CREATE TABLE calc AS SELECT id * 2 AS double_id, upper(name) AS up, 'lit' AS lit, 1.5 AS num, price * 2 FROM src;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'calc'::regclass AND attnum > 0 ORDER BY attnum;

-- case: ctas_expressions_rows
-- category: ddl
SELECT * FROM calc ORDER BY double_id;

-- case: ctas_column_names
-- category: ddl
CREATE TABLE renamed (a, b) AS SELECT id, name, price FROM src;
SELECT * FROM renamed ORDER BY a;

-- case: ctas_too_many_names
-- category: ddl
CREATE TABLE bad (a, b, c) AS SELECT id, name FROM src;

-- case: ctas_with_no_data
-- category: ddl
CREATE TABLE empty_copy AS SELECT * FROM src WITH NO DATA;

-- case: ctas_with_no_data_rows
-- category: ddl
SELECT count(*) FROM empty_copy;

-- case: ctas_exists
-- category: ddl
CREATE TABLE copy1 AS SELECT 1 AS x;

-- case: ctas_if_not_exists
-- category: ddl
CREATE TABLE IF NOT EXISTS copy1 AS SELECT 1 AS x;

-- case: ctas_if_not_exists_unchanged
-- category: ddl
SELECT count(*) FROM copy1;

-- case: ctas_aggregate
-- category: ddl
CREATE TABLE agg AS SELECT count(*) AS n, sum(price) AS total, max(name) AS top FROM src;
SELECT * FROM agg;

-- case: ctas_values
-- category: ddl
CREATE TABLE vals AS VALUES (1, 'x'), (2, 'y');
SELECT * FROM vals ORDER BY column1;

-- case: ctas_in_transaction_rollback
-- category: ddl
BEGIN;
CREATE TABLE gone AS SELECT * FROM src;
ROLLBACK;
SELECT count(*) FROM pg_class WHERE relname = 'gone';

-- case: ctas_in_transaction_commit
-- category: ddl
BEGIN;
CREATE TABLE kept AS SELECT id, name FROM src WHERE id > 1;
INSERT INTO kept VALUES (10, 'ten');
COMMIT;
SELECT * FROM kept ORDER BY id;

-- case: select_into
-- category: ddl
SELECT id, name INTO into_copy FROM src WHERE id <> 2;

-- case: select_into_rows
-- category: ddl
SELECT * FROM into_copy ORDER BY id;

-- case: ctas_empty_result
-- category: ddl
CREATE TABLE none_copy AS SELECT * FROM src WHERE false;
