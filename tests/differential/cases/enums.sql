-- setup
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE person (id integer PRIMARY KEY, name text, current_mood mood, moods mood[]);
INSERT INTO person VALUES (1, 'Ann', 'happy', '{sad,happy}'), (2, 'Bob', 'sad', '{}'), (3, 'Cy', 'ok', '{ok}'), (4, 'Di', NULL, NULL);

-- case: select_enum_column
-- category: queries
SELECT id, current_mood FROM person ORDER BY id;

-- case: select_enum_array
-- category: queries
SELECT id, moods FROM person ORDER BY id;

-- case: enum_to_text
-- category: queries
SELECT id, current_mood::text FROM person ORDER BY id;

-- case: enum_equals_literal
-- category: queries
SELECT id FROM person WHERE current_mood = 'happy';

-- case: enum_literal_cast
-- category: queries
SELECT 'ok'::mood::text;

-- case: invalid_enum_literal
-- category: queries
SELECT 'meh'::mood;

-- case: insert_invalid_label
-- category: dml
INSERT INTO person VALUES (5, 'Ed', 'meh');

-- case: order_by_enum
-- category: queries
SELECT id, current_mood::text FROM person ORDER BY current_mood, id;

-- case: enum_less_than
-- category: queries
SELECT id FROM person WHERE current_mood > 'sad' ORDER BY id;

-- case: enum_min_max
-- category: aggregates
SELECT min(current_mood)::text, max(current_mood)::text FROM person;

-- case: enum_first_last
-- category: queries
SELECT enum_first(NULL::mood)::text, enum_last(NULL::mood)::text;

-- case: enum_range
-- category: queries
SELECT enum_range(NULL::mood)::text[];

-- case: enum_any_array
-- category: queries
SELECT id FROM person WHERE current_mood = ANY('{ok,happy}'::mood[]) ORDER BY id;

-- case: create_duplicate_type
-- category: ddl
CREATE TYPE mood AS ENUM ('x');

-- case: create_duplicate_label
-- category: ddl
CREATE TYPE bad AS ENUM ('a', 'a');

-- case: pg_enum_rows
-- category: queries
SELECT e.enumlabel, e.enumsortorder FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood' ORDER BY e.enumsortorder;

-- case: pg_type_row
-- category: queries
SELECT typname, typtype, typcategory, typlen, typinput::text, typoutput::text, (typarray <> 0) AS has_array FROM pg_type WHERE typname = 'mood';

-- case: pg_type_array_row
-- category: queries
SELECT a.typname, a.typcategory FROM pg_type a JOIN pg_type t ON a.oid = t.typarray WHERE t.typname = 'mood';

-- case: format_type_enum
-- category: queries
SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'person'::regclass AND attname IN ('current_mood', 'moods') ORDER BY attnum;

-- case: add_value
-- category: ddl
ALTER TYPE mood ADD VALUE 'ecstatic';
SELECT enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood' ORDER BY enumsortorder;

-- case: add_value_before
-- category: ddl
ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';
SELECT enumlabel, enumsortorder FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood' ORDER BY enumsortorder;

-- case: add_value_after
-- category: ddl
ALTER TYPE mood ADD VALUE 'fine' AFTER 'ok';
SELECT enumlabel, enumsortorder FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood' ORDER BY enumsortorder;

-- case: add_existing_value
-- category: ddl
ALTER TYPE mood ADD VALUE 'ok';

-- case: add_existing_value_if_not_exists
-- category: ddl
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok';

-- case: add_value_bad_neighbor
-- category: ddl
ALTER TYPE mood ADD VALUE 'zz' BEFORE 'nope';

-- case: rename_value
-- category: ddl
ALTER TYPE mood RENAME VALUE 'fine' TO 'alright';
SELECT enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood' ORDER BY enumsortorder;

-- case: rename_value_in_use
-- category: ddl
INSERT INTO person VALUES (7, 'Gil', 'sad', '{sad,ok,sad,sad,happy}');
ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
SELECT id, current_mood, moods, current_mood < 'ok' FROM person ORDER BY id;

-- case: rename_value_back
-- category: ddl
ALTER TYPE mood RENAME VALUE 'blue' TO 'sad';
DELETE FROM person WHERE id = 7;
SELECT id, current_mood, moods FROM person ORDER BY id;

-- case: rename_missing_value
-- category: ddl
ALTER TYPE mood RENAME VALUE 'nope' TO 'x';

-- case: rename_to_existing_value
-- category: ddl
ALTER TYPE mood RENAME VALUE 'alright' TO 'ok';

-- case: schema_qualified_type
-- category: ddl
CREATE SCHEMA s;
CREATE TYPE s.color AS ENUM ('red', 'green');
CREATE TABLE s.paint (id integer PRIMARY KEY, c s.color);
INSERT INTO s.paint VALUES (1, 'green');
SELECT id, c::text FROM s.paint;

-- case: rename_type
-- category: ddl
CREATE TYPE tmp_t AS ENUM ('a');
ALTER TYPE tmp_t RENAME TO tmp_u;
SELECT typname FROM pg_type WHERE typname IN ('tmp_t', 'tmp_u');

-- case: comment_on_type
-- category: ddl
COMMENT ON TYPE mood IS 'how one feels';
SELECT obj_description('mood'::regtype, 'pg_type');

-- case: table_named_like_type
-- category: ddl
CREATE TABLE mood (id integer);

-- case: array_type_name
-- category: queries
SELECT '_mood'::regtype::text, 'mood[]'::regtype::text, format_type('mood'::regtype, NULL);

-- case: enum_compared_to_text_fails
-- category: queries
SELECT id FROM person WHERE current_mood = 'sad'::text;

-- case: enum_in_list_and_between
-- category: queries
SELECT id FROM person WHERE current_mood IN ('sad', 'ok') OR current_mood BETWEEN 'happy' AND 'happy' ORDER BY id;

-- case: enum_greatest_least
-- category: queries
SELECT greatest('sad'::mood, 'happy'::mood)::text, least('sad'::mood, 'happy'::mood)::text;

-- case: enum_group_by_order
-- category: aggregates
SELECT current_mood::text, count(*) FROM person GROUP BY current_mood ORDER BY current_mood;

-- case: enum_cast_to_int_fails
-- category: queries
SELECT current_mood::integer FROM person;

-- case: text_to_enum_cast
-- category: queries
SELECT 'ok'::text::mood::text, 'ok'::varchar::mood::text;

-- case: update_enum_column
-- category: dml
UPDATE person SET current_mood = 'ok' WHERE id = 4;
SELECT id, current_mood::text FROM person ORDER BY current_mood DESC, id;

-- case: drop_type_in_use
-- category: ddl
DROP TYPE mood;

-- case: drop_type_missing
-- category: ddl
DROP TYPE nosuch;

-- case: drop_type_if_exists
-- category: ddl
DROP TYPE IF EXISTS nosuch;

-- case: drop_type_unused
-- category: ddl
DROP TYPE tmp_u;
SELECT count(*) FROM pg_type WHERE typname = 'tmp_u';

-- case: drop_type_cascade
-- category: ddl
DROP TYPE s.color CASCADE;
SELECT * FROM s.paint;

-- case: drop_restrict_unused
-- category: ddl
CREATE TYPE gone AS ENUM ();
DROP TYPE gone RESTRICT;
SELECT count(*) FROM pg_enum;

-- case: drop_schema_with_type
-- category: ddl
CREATE SCHEMA s2;
CREATE TYPE s2.shade AS ENUM ('light', 'dark');
DROP SCHEMA s2;

-- case: drop_schema_cascade_with_type
-- category: ddl
CREATE TABLE uses_shade (id integer PRIMARY KEY, sh s2.shade);
DROP SCHEMA s2 CASCADE;
SELECT count(*) FROM pg_type WHERE typname IN ('shade', '_shade');
