-- Enum type names resolve through search_path, as PostgreSQL's (decision 0020).
-- setup
CREATE SCHEMA s;
CREATE SCHEMA t;
CREATE TYPE s.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE t.mood AS ENUM ('low', 'high');
CREATE TYPE public.color AS ENUM ('red', 'green');

-- case: unqualified_not_on_path
-- category: queries
SELECT 'ok'::mood;

-- case: qualified_off_path
-- category: queries
SELECT 'ok'::s.mood::text, 'high'::t.mood::text;

-- case: quoted_qualified
-- category: queries
SELECT 'happy'::"s"."mood"::text;

-- case: qualified_missing_schema_type
-- category: queries
SELECT 'ok'::public.mood;

-- case: path_picks_first_schema
-- category: queries
SET search_path = s, public;
SELECT 'ok'::mood::text, pg_typeof('ok'::mood)::text;

-- case: path_first_schema_label_check
-- category: queries
SELECT 'high'::mood;

-- case: path_other_schema
-- category: queries
SET search_path = t, s, public;
SELECT 'high'::mood::text, pg_typeof('high'::mood)::text;

-- case: format_type_visible_and_not
-- category: queries
SET search_path = t, public;
SELECT format_type('s.mood'::regtype, NULL), format_type('t.mood'::regtype, NULL),
       format_type('color'::regtype, NULL), 's.mood[]'::regtype::text, 't.mood'::regtype::text;

-- case: regtype_unqualified_missing
-- category: queries
SET search_path = public;
SELECT 'mood'::regtype;

-- case: to_regtype_through_path
-- category: queries
SELECT to_regtype('mood'), to_regtype('s.mood')::text, to_regtype('color')::text;

-- case: public_off_path
-- category: queries
SET search_path = s;
SELECT 'red'::color;

-- case: public_off_path_format
-- category: queries
SET search_path = s;
SELECT format_type('public.color'::regtype, NULL), 'ok'::mood::text;

-- case: create_table_through_path
-- category: ddl
SET search_path = s, public;
CREATE TABLE feelings (id integer PRIMARY KEY, m mood, ms mood[], c color);
INSERT INTO feelings VALUES (1, 'happy', '{sad,ok}', 'green'), (2, 'sad', NULL, 'red');
SELECT id, m, ms, c FROM feelings ORDER BY m;

-- case: column_type_shown
-- category: queries
SET search_path = t, public;
SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
WHERE a.attrelid = 's.feelings'::regclass AND a.attnum > 0 ORDER BY a.attnum;

-- case: create_table_missing_type
-- category: ddl
SET search_path = public;
CREATE TABLE nope (m mood);

-- case: create_type_on_path
-- category: ddl
SET search_path = t, public;
CREATE TYPE weather AS ENUM ('rain', 'sun');
SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typname = 'weather';

-- case: drop_type_unqualified_off_path
-- category: ddl
SET search_path = public;
DROP TYPE weather;

-- case: alter_type_through_path
-- category: ddl
SET search_path = t, public;
ALTER TYPE weather ADD VALUE 'fog' BEFORE 'sun';
SELECT enum_range(NULL::weather)::text;

-- case: invalid_label_message_qualifies
-- category: queries
SET search_path = public;
SELECT 'x'::t.weather;

-- case: cast_error_names_type
-- category: queries
SET search_path = public;
SELECT 'rain'::t.weather::integer;

-- case: information_schema_types_qualified_off_path
-- category: queries
SET search_path = public;
SELECT format_type('information_schema.sql_identifier'::regtype, NULL),
       'information_schema.cardinal_number'::regtype::text,
       (SELECT format_type(t.oid, NULL) FROM pg_type t WHERE t.typname = 'schemata'),
       pg_type_is_visible('information_schema.yes_or_no'::regtype);

-- case: information_schema_types_on_path
-- category: queries
SET search_path = information_schema, public;
SELECT format_type('information_schema.sql_identifier'::regtype, NULL),
       'information_schema.cardinal_number'::regtype::text,
       (SELECT format_type(t.oid, NULL) FROM pg_type t WHERE t.typname = 'schemata'),
       pg_type_is_visible('information_schema.yes_or_no'::regtype);
