-- setup
CREATE TABLE everything (
  id serial PRIMARY KEY,
  i2 smallint, i4 integer, i8 bigint,
  num numeric(10,2), r real, d double precision,
  t text, vc varchar(10), ch char(5), b boolean,
  dt date, tm time, ts timestamp, tstz timestamptz, iv interval,
  u uuid, j json, jb jsonb, by bytea, ia integer[], ta text[]
);
INSERT INTO everything (i2, i4, i8, num, r, d, t, vc, ch, b, dt, tm, ts, tstz, iv, u, j, jb, by, ia, ta) VALUES
  (1, 100, 10000000000, 12.34, 1.5, 2.25, 'alpha', 'short', 'ab', true, '2024-02-29', '13:45:30', '2024-02-29 13:45:30.123456', '2024-02-29 13:45:30+02', '1 year 2 mons 3 days 04:05:06', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"name": "widget", "tags": ["x", "y"], "dims": {"w": 3, "h": 4}}', '{"name": "widget", "tags": ["x", "y"], "dims": {"w": 3, "h": 4}, "n": 1}', '\xdeadbeef', '{1,2,3}', '{"red","green"}'),
  (-32768, -2147483648, -9223372036854775808, -99999999.99, -0.1, 1e-10, 'Beta', '', '', false, '1999-12-31', '00:00:00', '1999-12-31 23:59:59', '1999-12-31 23:59:59+00', '-2 hours', '00000000-0000-0000-0000-000000000000', '[1, 2, {"a": null}]', '[1, 2, {"a": null}]', '\x', '{}', '{}'),
  (32767, 2147483647, 9223372036854775807, 0.00, 3.4e38, 1.7976931348623157e308, 'gamma delta', 'ten chars!', 'xyzzy', NULL, '2000-01-01', '23:59:59.999999', '2000-01-01 00:00:00', '2000-01-01 00:00:00-08', '90 minutes', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '{"a": 1, "a": 2}', '{"a": 1, "a": 2}', '\x00ff', '{NULL,5}', '{"a b",NULL,"c,d"}'),
  (DEFAULT, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- case: select_every_type_star
-- category: queries
SELECT * FROM everything ORDER BY id;

-- case: type_oids_of_columns
-- category: queries
SELECT i2, i4, i8, num, r, d, t, vc, ch, b, dt, tm, ts, tstz, iv, u, j, jb, by, ia, ta FROM everything WHERE id = 4;

-- case: integer_widening_arithmetic
-- category: queries
SELECT id, i2 + 1, i4 + i2, i8 - i4, i2 * 2 FROM everything WHERE id = 1;

-- case: smallint_overflow
-- category: queries
SELECT i2 + 1::smallint FROM everything WHERE id = 3;

-- case: bigint_overflow
-- category: queries
SELECT i8 + 1 FROM everything WHERE id = 3;

-- case: integer_min_negation_overflow
-- category: queries
SELECT -i4 FROM everything WHERE id = 2;

-- case: float_rendering
-- category: queries
SELECT id, r, d, r::double precision, d * 3, d / 7 FROM everything WHERE id < 3 ORDER BY id;

-- case: float_extremes
-- category: queries
SELECT r, d, -d, r::numeric(50,0) FROM everything WHERE id = 3;

-- case: float_overflow
-- category: queries
SELECT d * 3 FROM everything WHERE id = 3;

-- case: numeric_rendering_and_rounding
-- category: queries
SELECT id, num, num * 1.005, round(num, 1), num::integer, num / 3 FROM everything WHERE id < 4 ORDER BY id;

-- case: char_semantics
-- category: queries
SELECT id, ch, ch || '|', length(ch), ch = 'ab', vc, length(vc) FROM everything ORDER BY id;

-- case: boolean_rendering_and_ops
-- category: queries
SELECT id, b, NOT b, b IS UNKNOWN, b::text, b::int FROM everything ORDER BY id;

-- case: date_time_rendering
-- category: queries
SELECT id, dt, tm, ts, tstz, iv FROM everything ORDER BY id;

-- case: date_time_functions
-- category: queries
SELECT id, dt + iv, ts + iv, date_trunc('year', tstz), extract(isodow FROM dt), to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS.US'), extract(epoch FROM iv) FROM everything WHERE id < 4 ORDER BY id;

-- case: interval_arithmetic
-- category: queries
SELECT id, iv * 2, iv / 2, -iv, justify_hours(iv + interval '30 hours') FROM everything WHERE id < 4 ORDER BY id;

-- case: leap_day_month_arithmetic
-- category: queries
SELECT dt + interval '1 year', dt - interval '1 month', age(dt + interval '1 year', dt) FROM everything WHERE id = 1;

-- case: uuid_rendering_and_compare
-- category: queries
SELECT id, u, u::text, u < 'b0000000-0000-0000-0000-000000000000' FROM everything ORDER BY id;

-- case: bad_uuid_cast
-- category: queries
SELECT 'not-a-uuid'::uuid = u FROM everything;

-- case: json_vs_jsonb_rendering
-- category: queries
SELECT id, j, jb FROM everything ORDER BY id;

-- case: json_operators
-- category: queries
SELECT id, jb -> 'name', jb ->> 'name', jb #> '{dims,w}', jb #>> '{tags,1}', j -> 'dims' ->> 'h', jb -> 2 FROM everything ORDER BY id;

-- case: jsonb_containment_and_exists
-- category: queries
SELECT id, jb @> '{"name": "widget"}', jb ? 'tags', jb ? 'a', jsonb_typeof(jb) FROM everything ORDER BY id;

-- case: jsonb_build_object_and_agg
-- category: queries
SELECT jsonb_build_object('id', id, 'text', t, 'flag', b), json_build_object('n', num) FROM everything ORDER BY id;

-- case: json_agg_rows
-- category: aggregates
SELECT json_agg(t ORDER BY id), jsonb_agg(i2 ORDER BY id) FROM everything;

-- case: jsonb_array_elements_lateral
-- category: queries
SELECT e.id, x.value FROM everything e, jsonb_array_elements(e.jb -> 'tags') AS x ORDER BY e.id, x.value;

-- case: bad_json_cast
-- category: queries
SELECT ('{"a":' || t)::jsonb FROM everything WHERE id = 1;

-- case: bytea_rendering_and_functions
-- category: queries
SELECT id, by, length(by), encode(by, 'hex'), md5(by) FROM everything ORDER BY id;

-- case: array_rendering
-- category: queries
SELECT id, ia, ta FROM everything ORDER BY id;

-- case: array_functions
-- category: queries
SELECT id, array_length(ia, 1), cardinality(ia), ia[1], ia[2:3], array_append(ia, 9), array_to_string(ta, '/', '*'), array_position(ta, 'c,d') FROM everything ORDER BY id;

-- case: any_all_over_array_column
-- category: queries
SELECT id, 2 = ANY (ia), 5 = ANY (ia), 0 < ALL (ia), 'red' = ANY (ta) FROM everything ORDER BY id;

-- case: unnest_array_column
-- category: queries
SELECT e.id, x FROM everything e, unnest(e.ia) AS x ORDER BY e.id, x NULLS FIRST;

-- case: unnest_with_ordinality
-- category: queries
SELECT e.id, u.v, u.n FROM everything e CROSS JOIN LATERAL unnest(e.ta) WITH ORDINALITY AS u(v, n) ORDER BY e.id, u.n;

-- case: array_constructor_from_columns
-- category: queries
SELECT ARRAY[i2, i4], ARRAY[t, vc], ARRAY[id] || ia FROM everything ORDER BY id;

-- case: array_subscript_out_of_range
-- category: queries
SELECT ia[10], ta[0] FROM everything WHERE id = 1;

-- case: cast_text_columns
-- category: queries
SELECT '42'::integer + i4, CAST(i8 AS text), t::varchar(3), num::text, dt::timestamp, tstz::date FROM everything WHERE id = 1;

-- case: cast_out_of_range
-- category: queries
SELECT i4::smallint FROM everything WHERE id = 1 OR id = 3;

-- case: cast_float_to_int_rounds_half_even
-- category: queries
SELECT (r * 3)::integer, (2.5::double precision)::integer, (3.5::real)::integer, 2.5::numeric::integer FROM everything WHERE id = 1;

-- case: typed_null_comparisons
-- category: queries
SELECT count(*) FILTER (WHERE i2 IS NULL), count(*) FILTER (WHERE i2 = NULL), count(*) FILTER (WHERE i2 IS DISTINCT FROM 1) FROM everything;

-- case: order_by_every_kind
-- category: queries
SELECT id FROM everything ORDER BY b NULLS FIRST, dt DESC, t;

-- case: update_every_type_returning
-- category: dml
UPDATE everything SET i2 = 7, num = 1.115, r = 0.5, t = 'changed', vc = 'v', ch = 'c', b = true, dt = '2025-01-01', iv = '1 day', jb = '{"k": [1, 2]}', ia = ARRAY[7], ta = ARRAY['z'] WHERE id = 4 RETURNING i2, num, r, t, vc, ch, b, dt, iv, jb, ia, ta;

-- case: varchar_overflow_in_update
-- category: constraints
UPDATE everything SET vc = 'eleven chars' WHERE id = 1;

-- case: insert_bad_array_literal
-- category: constraints
INSERT INTO everything (ia) VALUES ('{1,two}');
