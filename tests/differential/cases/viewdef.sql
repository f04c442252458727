-- pg_get_viewdef, information_schema.views and pg_views: a view's query as PostgreSQL 15
-- deparses it (translator/viewdef.py, docs/decisions/0021-view-definitions.md). Each view
-- case shows pg_get_viewdef(v) (every expression parenthesised) and pg_get_viewdef(v, true)
-- (pretty: parentheses only where needed).
-- setup
CREATE TABLE customers (id integer PRIMARY KEY, name varchar(40) NOT NULL, email text, city varchar(30), born date, vip boolean DEFAULT false);
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer REFERENCES customers(id), total numeric(10,2) NOT NULL, status text NOT NULL, placed date NOT NULL, qty smallint, weight double precision, code char(3), created timestamp);
CREATE TABLE items (order_id integer, sku text, price numeric, amount bigint, PRIMARY KEY (order_id, sku));
CREATE SCHEMA sales;
CREATE TABLE sales.regions (code varchar(8) PRIMARY KEY, label text NOT NULL);
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE people (id integer PRIMARY KEY, m mood, ms mood[]);
CREATE TABLE "T" ("Col" int, "order" text, "user" int, "select" int);
CREATE VIEW v_columns AS SELECT id, name FROM customers;
CREATE VIEW v_aliases AS SELECT id AS cid, name AS n FROM customers c;
CREATE VIEW v_column_list (a, b) AS SELECT id, name FROM customers;
CREATE VIEW v_star AS SELECT * FROM customers;
CREATE VIEW v_schema_qualified AS SELECT code, label FROM sales.regions WHERE code <> 'x';
CREATE VIEW "Mixed Case" AS SELECT id AS "Id", id AS "select" FROM customers;
CREATE VIEW v_literals AS SELECT 1 AS one, 'x' AS s, 1.5 AS f, true AS b, NULL::int AS n, -3 AS neg, DATE '2020-01-01' AS d, 'a'::varchar(3) AS vc, 10000000000 AS big, 'it''s' AS q;
CREATE VIEW v_numeric_literals AS SELECT 1.50 AS a, 1e5 AS b, -2.5 AS c, 0.0 AS d, 2147483648 AS e, -2147483648 AS f, 3::numeric(5,1) AS g, 'x'::char(2) AS h;
CREATE VIEW v_typed_literals AS SELECT TIMESTAMP '2020-01-01 10:00' AS ts, '1 day'::interval AS iv, 1.5::float8 AS f8, 2::real AS f4;
CREATE VIEW v_where_numeric AS SELECT id, total FROM orders WHERE total > 100;
CREATE VIEW v_where_and_or AS SELECT id FROM orders WHERE total > 100 AND status = 'open' OR qty < 3;
CREATE VIEW v_varchar_compare AS SELECT id FROM customers WHERE name = 'Ada' AND city <> 'x';
CREATE VIEW v_date_compare AS SELECT id FROM orders WHERE placed > '2020-01-01' AND created < '2020-01-01 10:00' AND placed < created;
CREATE VIEW v_mixed_types AS SELECT id FROM orders WHERE id > 1.5 AND weight > qty AND weight > 1.5 AND qty > 2 AND code = 'abc';
CREATE VIEW v_negative AS SELECT -total AS nt, id % 2 AS m, total * -1 AS x FROM orders WHERE total > -1.5 AND id > -1 AND total < -1;
CREATE VIEW v_arithmetic AS SELECT c.id * 2 + 1 AS x, -c.id AS y, o.total / 3 AS z, (c.id + 1) * 2 AS w, c.name || '!' AS bang, c.id - (o.id - 1) AS m, o.qty + 1 AS q FROM customers c JOIN orders o ON o.customer_id = c.id;
CREATE VIEW v_casts AS SELECT id::text AS t, total::int AS i, CAST(qty AS bigint) AS q, (id + 1)::text AS a, (id + 1)::numeric AS b, (status || 'x')::varchar(5) AS d FROM orders;
CREATE VIEW v_inner_join AS SELECT c.name, o.total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.total > 10;
CREATE VIEW v_left_join AS SELECT c.name, o.total FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.status = 'open';
CREATE VIEW v_three_joins AS SELECT c.name, o.id, i.sku FROM customers c JOIN orders o ON o.customer_id = c.id LEFT JOIN items i ON i.order_id = o.id;
CREATE VIEW v_join_using AS SELECT * FROM items i JOIN (SELECT id AS order_id, status FROM orders) o USING (order_id);
CREATE VIEW v_left_join_using AS SELECT * FROM orders LEFT JOIN (SELECT order_id AS id, sku FROM items) x USING (id);
CREATE VIEW v_cross_join AS SELECT c.id, o.id AS oid FROM customers c CROSS JOIN orders o;
CREATE VIEW v_comma_join AS SELECT c.id, o.id AS oid, i.sku FROM customers c, orders o, items i WHERE o.customer_id = c.id AND i.order_id = o.id;
CREATE VIEW v_self_join AS SELECT a.id, b.id AS other FROM customers a JOIN customers b ON a.city = b.city AND a.id < b.id;
CREATE VIEW v_aggregates AS SELECT customer_id, count(*) AS n, sum(total) AS s, avg(total), max(placed) FROM orders GROUP BY customer_id HAVING count(*) > 1;
CREATE VIEW v_aggregate_types AS SELECT max(c.name) AS mx, min(c.city) AS mn, sum(o.qty) AS sq, sum(o.customer_id) AS sc, avg(o.qty) AS aq, sum(o.weight) AS sw, count(c.email) AS ce, count(DISTINCT o.status) AS k FROM customers c, orders o;
CREATE VIEW v_group_by_position AS SELECT upper(status) AS s, count(*) FROM orders GROUP BY 1 ORDER BY 2 DESC;
CREATE VIEW v_group_by_alias AS SELECT city AS town, count(*) AS n FROM customers WHERE vip GROUP BY town HAVING count(*) > 1 AND max(id) < 10 ORDER BY n;
CREATE VIEW v_order_limit AS SELECT id, name FROM customers ORDER BY name DESC, id LIMIT 10 OFFSET 5;
CREATE VIEW v_order_expression AS SELECT id, total FROM orders ORDER BY total * 2 DESC NULLS LAST, id NULLS FIRST LIMIT 3;
CREATE VIEW v_offset_only AS SELECT id FROM customers ORDER BY id OFFSET 2;
CREATE VIEW v_distinct AS SELECT DISTINCT city, vip FROM customers ORDER BY city;
CREATE VIEW v_distinct_on AS SELECT DISTINCT ON (customer_id) customer_id, total FROM orders ORDER BY customer_id, total DESC;
CREATE VIEW v_case AS SELECT id, CASE WHEN total > 100 THEN 'big' WHEN total > 10 THEN 'mid' ELSE 'small' END AS size, CASE status WHEN 'open' THEN 1 ELSE 0 END AS o FROM orders;
CREATE VIEW v_case_coercions AS SELECT CASE WHEN qty > 1 THEN 1 ELSE total END AS k, CASE WHEN qty IS NULL THEN 'y' END AS flag, coalesce(qty, 0) AS q2, nullif(status, 'x') AS nn FROM orders;
CREATE VIEW v_in_lists AS SELECT id FROM orders WHERE status IN ('open', 'closed') AND id NOT IN (1, 2, 3) AND customer_id IN (id, 1, 2) AND status IN ('x');
CREATE VIEW v_in_varchar AS SELECT id FROM customers WHERE city IN ('a', 'b') AND born IN ('2020-01-01');
CREATE VIEW v_any_array AS SELECT id FROM orders WHERE status = ANY (ARRAY['a', 'b']) AND id = ANY ('{1,2}') AND total <> ALL (ARRAY[1, 2.5]);
CREATE VIEW v_between AS SELECT id FROM orders WHERE total BETWEEN 10 AND 20 AND placed NOT BETWEEN '2020-01-01' AND '2021-01-01' OR id BETWEEN SYMMETRIC 5 AND 1;
CREATE VIEW v_like AS SELECT id FROM customers WHERE name LIKE 'A%' AND email NOT LIKE '%x' AND email ILIKE '%Y%' OR city NOT ILIKE 'c';
CREATE VIEW v_null_tests AS SELECT id FROM customers WHERE email IS NULL OR city IS NOT NULL OR vip IS TRUE OR NOT vip IS NULL;
CREATE VIEW v_distinct_from AS SELECT id FROM customers WHERE email IS DISTINCT FROM 'x' AND email IS NOT DISTINCT FROM city;
CREATE VIEW v_not AS SELECT id FROM customers WHERE NOT (id > 1 AND id < 5) AND NOT vip AND vip = true;
CREATE VIEW v_functions AS SELECT coalesce(email, 'none') AS e, upper(name), lower(email) AS l, length(name), round(id / 3.0, 1) AS r, abs(id) AS a, now() AS n, current_date AS d FROM customers;
CREATE VIEW v_subquery_in AS SELECT id FROM customers WHERE id IN (SELECT customer_id FROM orders) AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = customers.id);
CREATE VIEW v_subquery_not_in AS SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL);
CREATE VIEW v_subquery_scalar AS SELECT c.id, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS n, EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) AS has FROM customers c;
CREATE VIEW v_subquery_same_table AS SELECT id FROM orders WHERE total > (SELECT avg(total) FROM orders);
CREATE VIEW v_subquery_any_all AS SELECT id FROM orders WHERE total > ALL (SELECT total FROM orders o WHERE o.id < 3) OR id = ANY (SELECT customer_id FROM orders);
CREATE VIEW v_subquery_from AS SELECT s.customer_id, s.n FROM (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id) s WHERE s.n > 1;
CREATE VIEW v_union AS SELECT id FROM customers UNION SELECT id FROM orders UNION SELECT order_id FROM items;
CREATE VIEW v_union_all AS SELECT id, name FROM customers UNION ALL SELECT id, status FROM orders;
CREATE VIEW v_setop_nested AS (SELECT id FROM customers UNION SELECT id FROM orders) EXCEPT ALL (SELECT order_id FROM items INTERSECT SELECT id FROM orders);
CREATE VIEW v_over_view AS SELECT cid FROM v_aliases WHERE n = 'x';
CREATE VIEW v_over_views AS SELECT a.cid, b.total FROM v_aliases a JOIN v_where_numeric b ON b.id = a.cid;
CREATE VIEW v_no_from AS SELECT 1 AS x, 'y' AS y;
CREATE VIEW v_window AS SELECT id, row_number() OVER (ORDER BY id) AS rn FROM customers;
CREATE VIEW v_cte AS WITH x AS (SELECT id FROM customers) SELECT id FROM x;
CREATE VIEW v_filter AS SELECT count(*) FILTER (WHERE vip) AS n FROM customers;
CREATE VIEW v_sql_syntax_functions AS SELECT substring(name, 1, 2) AS s, trim(email) AS t, extract(year from born) AS y FROM customers;
CREATE VIEW v_sql_syntax_more AS SELECT trim(leading 'x' from email) AS a, trim(trailing from city) AS b, trim(both 'y' from name) AS c, substring(email from 2 for 3) AS d, substring(name from 2) AS e, position('a' in name) AS f, btrim(email) AS g FROM customers;
CREATE VIEW v_window_more AS SELECT id, rank() OVER (PARTITION BY customer_id ORDER BY total DESC) AS r, sum(total) OVER (PARTITION BY customer_id) AS s, lag(total) OVER (ORDER BY id) AS prev, count(*) OVER () AS n, dense_rank() OVER (PARTITION BY upper(status) ORDER BY placed, id DESC NULLS LAST) AS d FROM orders;
CREATE VIEW v_cte_more AS WITH big AS MATERIALIZED (SELECT id, total FROM orders WHERE total > 100), c(k, n) AS (SELECT customer_id, count(*) FROM orders GROUP BY customer_id) SELECT big.id, c.n FROM big JOIN orders o ON o.id = big.id JOIN c ON c.k = o.customer_id;
CREATE VIEW v_agg_order AS SELECT customer_id, string_agg(status, ',' ORDER BY placed DESC) AS s, sum(total) FILTER (WHERE status = 'open') AS open_total, array_agg(id ORDER BY id) AS ids FROM orders GROUP BY customer_id;
CREATE VIEW v_like_escape AS SELECT id FROM customers WHERE email LIKE 'a!%' ESCAPE '!';
CREATE VIEW v_greatest AS SELECT greatest(id, qty) AS g, least(total, 1.5, id) AS l FROM orders;
CREATE VIEW v_group_cast AS SELECT id::numeric AS n, id::text AS t FROM orders GROUP BY id::numeric, id::text ORDER BY id::numeric;
CREATE VIEW v_timestamptz AS SELECT id FROM orders WHERE created::timestamptz > '2020-01-01 10:00+02' AND created > now() - '1 day'::interval;
CREATE VIEW v_typmod_same AS SELECT name::varchar(40) AS a, name::varchar(10) AS b, total::numeric(10,2) AS c FROM customers, orders;
CREATE VIEW v_null_target AS SELECT NULL AS x, NULL::text AS y, id FROM customers;
CREATE VIEW v_cte_sub AS WITH x AS (SELECT id, customer_id FROM orders) SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM x WHERE x.customer_id = c.id) AND c.id IN (SELECT s.id FROM (SELECT id FROM x) s);
CREATE VIEW v_corr_from_sub AS SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM (SELECT o.id FROM orders o WHERE o.customer_id = c.id) s);
CREATE VIEW v_order_nulls AS SELECT id FROM orders ORDER BY qty DESC NULLS FIRST, total ASC NULLS LAST, status NULLS FIRST;
CREATE VIEW v_fetch AS SELECT id FROM orders ORDER BY id FETCH FIRST 3 ROWS ONLY;
CREATE VIEW v_limit_null AS SELECT id FROM orders ORDER BY id LIMIT NULL;
CREATE VIEW v_bool_case AS SELECT CASE WHEN vip THEN id ELSE NULL END AS k, CASE WHEN vip AND id > 1 THEN 'a' WHEN NOT vip THEN 'b' END AS w FROM customers;
CREATE VIEW v_concat2 AS SELECT name || id AS a, id || '-' || email AS b, 'x' || 1 AS c FROM customers;
CREATE VIEW v_dates AS SELECT placed + 1 AS next, placed - 1 AS prev, created - interval '1 hour' AS h, placed - placed AS days, extract(month from created) AS m, date_trunc('day', created) AS d FROM orders;
CREATE VIEW v_deep_bool AS SELECT id FROM orders WHERE (id = 1 OR id = 2) AND (status = 'a' OR (status = 'b' AND NOT (qty > 1 OR qty IS NULL)));
CREATE VIEW v_arith_nest AS SELECT id - qty - 1 AS a, id - (qty - 1) AS b, id * (qty + 1) AS c, (id + qty) * 2 AS d, id / qty * 2 AS e, id * qty / 2 AS f, -(id + 1) AS g FROM orders;
CREATE VIEW v_cast_arith AS SELECT (id + 1)::bigint * 2 AS a, -id::numeric AS b, (-id)::numeric AS c FROM orders;
CREATE VIEW v_string_funcs AS SELECT length(status) AS l, replace(status, 'a', 'b') AS r, lpad(status, 5, '*') AS p, split_part(status, ',', 1) AS s, left(status, 2) AS le, md5(status) AS m FROM orders;
CREATE VIEW v_math_funcs AS SELECT round(total) AS r, round(total, 1) AS r1, floor(weight) AS f, ceil(total) AS c, abs(qty) AS a, sqrt(weight) AS s, mod(id, 3) AS m FROM orders;
CREATE VIEW v_using_chain AS SELECT * FROM (SELECT id AS x, id AS y, name FROM customers) a JOIN (SELECT id AS x, status FROM orders) b USING (x) JOIN (SELECT order_id AS y, sku FROM items) c USING (y);
CREATE VIEW v_star_rel AS SELECT o.*, c.name FROM orders o JOIN customers c ON c.id = o.customer_id;
CREATE VIEW v_using_ref AS SELECT x, b.status FROM (SELECT id AS x FROM customers) a LEFT JOIN (SELECT id AS x, status FROM orders) b USING (x) WHERE x > 1 ORDER BY x;
CREATE VIEW v_cross_type_arithmetic AS SELECT weight + qty AS a, weight * 2 AS b, qty * 1.5 AS c, customer_id / 2.0 AS d, qty + customer_id AS e, id::bigint - qty AS f, id::real + weight AS g, id::real * 2 AS h FROM orders;
CREATE VIEW v_numeric_and_string_functions AS SELECT length(code) AS a, upper(code) AS b, lower(status) AS c, substr(status, 2) AS d, round(qty) AS e, round(weight) AS f, abs(weight) AS g, trunc(total, 1) AS h, power(qty, 2) AS i FROM orders;
CREATE VIEW v_bpchar_and_datetime_operators AS SELECT code || 'x' AS a, code = 'abc' AS b, status < code AS c, placed + interval '1 day' AS d, created + interval '1 hour' AS e, placed + 7 AS f, placed - 7 AS g, now() - created AS h FROM orders;
CREATE VIEW v_datetime_functions AS SELECT to_char(placed, 'YYYY') AS a, date_part('year', created) AS b, age(created) AS c, coalesce(weight, qty, 0) AS d, nullif(qty, 0) AS e, greatest(qty, 1) AS f FROM orders;
CREATE VIEW v_aggregate_overloads AS SELECT sum(weight) AS a, avg(weight) AS b, sum(qty::bigint) AS c, avg(customer_id) AS d, min(code) AS e, max(status) AS f, bool_and(vip) AS g, bool_or(vip) AS h, count(DISTINCT city) AS i FROM orders, customers;
CREATE VIEW v_in_lists_of_types AS SELECT id FROM orders WHERE qty IN (1, 2) AND weight IN (1, 2.5) AND code IN ('a', 'b') AND created IN ('2020-01-01', '2021-01-01');
CREATE VIEW v_more_aggregates AS SELECT string_agg(code, ',') AS a, array_agg(qty) AS b, max(placed) AS c, min(created) AS d, sum(total) / count(*) AS e FROM orders;
CREATE VIEW v_enum AS SELECT id, m FROM people WHERE m = 'happy' OR m IN ('ok', 'sad') OR m > 'sad';
CREATE VIEW v_enum_cast AS SELECT id, 'ok'::mood AS o, m::text AS t FROM people;
CREATE VIEW v_arrays AS SELECT id, ARRAY[1, 2] AS a, ARRAY['x', 'y'] AS b, ms FROM people WHERE 'ok' = ANY (ms);
CREATE VIEW v_sub_union2 AS SELECT u.a FROM (SELECT id AS a FROM customers UNION SELECT customer_id AS b FROM orders UNION ALL SELECT qty + 1 FROM orders) u WHERE u.a > 1;
CREATE VIEW v_sublink_union AS SELECT id FROM customers WHERE id IN (SELECT id AS x FROM orders UNION SELECT order_id AS y FROM items);
CREATE VIEW v_top_union_names AS SELECT id AS k, name FROM customers UNION SELECT customer_id AS other, status AS s FROM orders;
CREATE VIEW v_top_union_cols (p, q) AS SELECT id, name FROM customers UNION SELECT customer_id, status FROM orders;
CREATE VIEW v_string_type_resolution AS SELECT name || city AS a, name || 1 AS b, code || code AS c, CASE WHEN vip THEN name ELSE 'y' END AS d, coalesce(name, email) AS e, coalesce(city, name) AS f, CASE WHEN vip THEN city ELSE email END AS g FROM customers, orders;
CREATE VIEW v_varchar_text_comparisons AS SELECT id FROM customers WHERE name = city AND name < email AND city IN (name, email) AND name LIKE city;
CREATE VIEW v_simple_case_types AS SELECT orders.id, CASE orders.id WHEN 1 THEN 'one' WHEN 2 THEN 'two' END AS w, CASE name WHEN 'a' THEN 1 END AS x, CASE qty WHEN 1 THEN 'x' END AS y FROM customers, orders;
CREATE VIEW v_numeric_float_mixing AS SELECT total + 1 AS a, total * qty AS b, weight / total AS c, total > weight AS d, id + 1.5 AS e FROM orders;
CREATE VIEW v_sublink_and_negative_coercions AS SELECT id FROM orders WHERE id IN (SELECT total FROM orders) AND qty = -1 AND id IN (-1, -2) AND total = ANY (SELECT weight FROM orders);
CREATE VIEW v_negative_arguments AS SELECT round(total, -1) AS r, abs(-5) AS a, -1.5 * total AS m, 1 - -1 AS n FROM orders;
CREATE VIEW v_distinct_order_expression AS SELECT DISTINCT status, upper(status) AS u FROM orders ORDER BY upper(status) DESC;
CREATE VIEW v_quoted_names AS SELECT "T"."Col", "T"."order", "T"."user" AS u, t2."select" FROM "T" JOIN "T" t2 ON t2."Col" = "T"."Col" WHERE "T"."order" = 'x';

-- case: columns
-- category: ddl
SELECT pg_get_viewdef('v_columns'::regclass) AS plain, pg_get_viewdef('v_columns'::regclass, true) AS pretty;

-- case: aliases
-- category: ddl
SELECT pg_get_viewdef('v_aliases'::regclass) AS plain, pg_get_viewdef('v_aliases'::regclass, true) AS pretty;

-- case: column_list
-- category: ddl
SELECT pg_get_viewdef('v_column_list'::regclass) AS plain, pg_get_viewdef('v_column_list'::regclass, true) AS pretty;

-- case: star
-- category: ddl
SELECT pg_get_viewdef('v_star'::regclass) AS plain, pg_get_viewdef('v_star'::regclass, true) AS pretty;

-- case: schema_qualified
-- category: ddl
SELECT pg_get_viewdef('v_schema_qualified'::regclass) AS plain, pg_get_viewdef('v_schema_qualified'::regclass, true) AS pretty;

-- case: mixed_case
-- category: ddl
SELECT pg_get_viewdef('"Mixed Case"'::regclass) AS plain, pg_get_viewdef('"Mixed Case"'::regclass, true) AS pretty;

-- case: literals
-- category: ddl
SELECT pg_get_viewdef('v_literals'::regclass) AS plain, pg_get_viewdef('v_literals'::regclass, true) AS pretty;

-- case: numeric_literals
-- category: ddl
SELECT pg_get_viewdef('v_numeric_literals'::regclass) AS plain, pg_get_viewdef('v_numeric_literals'::regclass, true) AS pretty;

-- case: typed_literals
-- category: ddl
SELECT pg_get_viewdef('v_typed_literals'::regclass) AS plain, pg_get_viewdef('v_typed_literals'::regclass, true) AS pretty;

-- case: where_numeric
-- category: ddl
SELECT pg_get_viewdef('v_where_numeric'::regclass) AS plain, pg_get_viewdef('v_where_numeric'::regclass, true) AS pretty;

-- case: where_and_or
-- category: ddl
SELECT pg_get_viewdef('v_where_and_or'::regclass) AS plain, pg_get_viewdef('v_where_and_or'::regclass, true) AS pretty;

-- case: varchar_compare
-- category: ddl
SELECT pg_get_viewdef('v_varchar_compare'::regclass) AS plain, pg_get_viewdef('v_varchar_compare'::regclass, true) AS pretty;

-- case: date_compare
-- category: ddl
SELECT pg_get_viewdef('v_date_compare'::regclass) AS plain, pg_get_viewdef('v_date_compare'::regclass, true) AS pretty;

-- case: mixed_types
-- category: ddl
SELECT pg_get_viewdef('v_mixed_types'::regclass) AS plain, pg_get_viewdef('v_mixed_types'::regclass, true) AS pretty;

-- case: negative
-- category: ddl
SELECT pg_get_viewdef('v_negative'::regclass) AS plain, pg_get_viewdef('v_negative'::regclass, true) AS pretty;

-- case: arithmetic
-- category: ddl
SELECT pg_get_viewdef('v_arithmetic'::regclass) AS plain, pg_get_viewdef('v_arithmetic'::regclass, true) AS pretty;

-- case: casts
-- category: ddl
SELECT pg_get_viewdef('v_casts'::regclass) AS plain, pg_get_viewdef('v_casts'::regclass, true) AS pretty;

-- case: inner_join
-- category: ddl
SELECT pg_get_viewdef('v_inner_join'::regclass) AS plain, pg_get_viewdef('v_inner_join'::regclass, true) AS pretty;

-- case: left_join
-- category: ddl
SELECT pg_get_viewdef('v_left_join'::regclass) AS plain, pg_get_viewdef('v_left_join'::regclass, true) AS pretty;

-- case: three_joins
-- category: ddl
SELECT pg_get_viewdef('v_three_joins'::regclass) AS plain, pg_get_viewdef('v_three_joins'::regclass, true) AS pretty;

-- case: join_using
-- category: ddl
SELECT pg_get_viewdef('v_join_using'::regclass) AS plain, pg_get_viewdef('v_join_using'::regclass, true) AS pretty;

-- case: left_join_using
-- category: ddl
SELECT pg_get_viewdef('v_left_join_using'::regclass) AS plain, pg_get_viewdef('v_left_join_using'::regclass, true) AS pretty;

-- case: cross_join
-- category: ddl
SELECT pg_get_viewdef('v_cross_join'::regclass) AS plain, pg_get_viewdef('v_cross_join'::regclass, true) AS pretty;

-- case: comma_join
-- category: ddl
SELECT pg_get_viewdef('v_comma_join'::regclass) AS plain, pg_get_viewdef('v_comma_join'::regclass, true) AS pretty;

-- case: self_join
-- category: ddl
SELECT pg_get_viewdef('v_self_join'::regclass) AS plain, pg_get_viewdef('v_self_join'::regclass, true) AS pretty;

-- case: aggregates
-- category: ddl
SELECT pg_get_viewdef('v_aggregates'::regclass) AS plain, pg_get_viewdef('v_aggregates'::regclass, true) AS pretty;

-- case: aggregate_types
-- category: ddl
SELECT pg_get_viewdef('v_aggregate_types'::regclass) AS plain, pg_get_viewdef('v_aggregate_types'::regclass, true) AS pretty;

-- case: group_by_position
-- category: ddl
SELECT pg_get_viewdef('v_group_by_position'::regclass) AS plain, pg_get_viewdef('v_group_by_position'::regclass, true) AS pretty;

-- case: group_by_alias
-- category: ddl
SELECT pg_get_viewdef('v_group_by_alias'::regclass) AS plain, pg_get_viewdef('v_group_by_alias'::regclass, true) AS pretty;

-- case: order_limit
-- category: ddl
SELECT pg_get_viewdef('v_order_limit'::regclass) AS plain, pg_get_viewdef('v_order_limit'::regclass, true) AS pretty;

-- case: order_expression
-- category: ddl
SELECT pg_get_viewdef('v_order_expression'::regclass) AS plain, pg_get_viewdef('v_order_expression'::regclass, true) AS pretty;

-- case: offset_only
-- category: ddl
SELECT pg_get_viewdef('v_offset_only'::regclass) AS plain, pg_get_viewdef('v_offset_only'::regclass, true) AS pretty;

-- case: distinct
-- category: ddl
SELECT pg_get_viewdef('v_distinct'::regclass) AS plain, pg_get_viewdef('v_distinct'::regclass, true) AS pretty;

-- case: distinct_on
-- category: ddl
SELECT pg_get_viewdef('v_distinct_on'::regclass) AS plain, pg_get_viewdef('v_distinct_on'::regclass, true) AS pretty;

-- case: case
-- category: ddl
SELECT pg_get_viewdef('v_case'::regclass) AS plain, pg_get_viewdef('v_case'::regclass, true) AS pretty;

-- case: case_coercions
-- category: ddl
SELECT pg_get_viewdef('v_case_coercions'::regclass) AS plain, pg_get_viewdef('v_case_coercions'::regclass, true) AS pretty;

-- case: in_lists
-- category: ddl
SELECT pg_get_viewdef('v_in_lists'::regclass) AS plain, pg_get_viewdef('v_in_lists'::regclass, true) AS pretty;

-- case: in_varchar
-- category: ddl
SELECT pg_get_viewdef('v_in_varchar'::regclass) AS plain, pg_get_viewdef('v_in_varchar'::regclass, true) AS pretty;

-- case: any_array
-- category: ddl
SELECT pg_get_viewdef('v_any_array'::regclass) AS plain, pg_get_viewdef('v_any_array'::regclass, true) AS pretty;

-- case: between
-- category: ddl
SELECT pg_get_viewdef('v_between'::regclass) AS plain, pg_get_viewdef('v_between'::regclass, true) AS pretty;

-- case: like
-- category: ddl
SELECT pg_get_viewdef('v_like'::regclass) AS plain, pg_get_viewdef('v_like'::regclass, true) AS pretty;

-- case: null_tests
-- category: ddl
SELECT pg_get_viewdef('v_null_tests'::regclass) AS plain, pg_get_viewdef('v_null_tests'::regclass, true) AS pretty;

-- case: distinct_from
-- category: ddl
SELECT pg_get_viewdef('v_distinct_from'::regclass) AS plain, pg_get_viewdef('v_distinct_from'::regclass, true) AS pretty;

-- case: not
-- category: ddl
SELECT pg_get_viewdef('v_not'::regclass) AS plain, pg_get_viewdef('v_not'::regclass, true) AS pretty;

-- case: functions
-- category: ddl
SELECT pg_get_viewdef('v_functions'::regclass) AS plain, pg_get_viewdef('v_functions'::regclass, true) AS pretty;

-- case: subquery_in
-- category: ddl
SELECT pg_get_viewdef('v_subquery_in'::regclass) AS plain, pg_get_viewdef('v_subquery_in'::regclass, true) AS pretty;

-- case: subquery_not_in
-- category: ddl
SELECT pg_get_viewdef('v_subquery_not_in'::regclass) AS plain, pg_get_viewdef('v_subquery_not_in'::regclass, true) AS pretty;

-- case: subquery_scalar
-- category: ddl
SELECT pg_get_viewdef('v_subquery_scalar'::regclass) AS plain, pg_get_viewdef('v_subquery_scalar'::regclass, true) AS pretty;

-- case: subquery_same_table
-- category: ddl
SELECT pg_get_viewdef('v_subquery_same_table'::regclass) AS plain, pg_get_viewdef('v_subquery_same_table'::regclass, true) AS pretty;

-- case: subquery_any_all
-- category: ddl
SELECT pg_get_viewdef('v_subquery_any_all'::regclass) AS plain, pg_get_viewdef('v_subquery_any_all'::regclass, true) AS pretty;

-- case: subquery_from
-- category: ddl
SELECT pg_get_viewdef('v_subquery_from'::regclass) AS plain, pg_get_viewdef('v_subquery_from'::regclass, true) AS pretty;

-- case: union
-- category: ddl
SELECT pg_get_viewdef('v_union'::regclass) AS plain, pg_get_viewdef('v_union'::regclass, true) AS pretty;

-- case: union_all
-- category: ddl
SELECT pg_get_viewdef('v_union_all'::regclass) AS plain, pg_get_viewdef('v_union_all'::regclass, true) AS pretty;

-- case: setop_nested
-- category: ddl
SELECT pg_get_viewdef('v_setop_nested'::regclass) AS plain, pg_get_viewdef('v_setop_nested'::regclass, true) AS pretty;

-- case: over_view
-- category: ddl
SELECT pg_get_viewdef('v_over_view'::regclass) AS plain, pg_get_viewdef('v_over_view'::regclass, true) AS pretty;

-- case: over_views
-- category: ddl
SELECT pg_get_viewdef('v_over_views'::regclass) AS plain, pg_get_viewdef('v_over_views'::regclass, true) AS pretty;

-- case: no_from
-- category: ddl
SELECT pg_get_viewdef('v_no_from'::regclass) AS plain, pg_get_viewdef('v_no_from'::regclass, true) AS pretty;

-- case: window
-- category: ddl
SELECT pg_get_viewdef('v_window'::regclass) AS plain, pg_get_viewdef('v_window'::regclass, true) AS pretty;

-- case: cte
-- category: ddl
SELECT pg_get_viewdef('v_cte'::regclass) AS plain, pg_get_viewdef('v_cte'::regclass, true) AS pretty;

-- case: filter
-- category: ddl
SELECT pg_get_viewdef('v_filter'::regclass) AS plain, pg_get_viewdef('v_filter'::regclass, true) AS pretty;

-- case: sql_syntax_functions
-- category: ddl
SELECT pg_get_viewdef('v_sql_syntax_functions'::regclass) AS plain, pg_get_viewdef('v_sql_syntax_functions'::regclass, true) AS pretty;

-- case: sql_syntax_more
-- category: ddl
SELECT pg_get_viewdef('v_sql_syntax_more'::regclass) AS plain, pg_get_viewdef('v_sql_syntax_more'::regclass, true) AS pretty;

-- case: window_more
-- category: ddl
SELECT pg_get_viewdef('v_window_more'::regclass) AS plain, pg_get_viewdef('v_window_more'::regclass, true) AS pretty;

-- case: cte_more
-- category: ddl
SELECT pg_get_viewdef('v_cte_more'::regclass) AS plain, pg_get_viewdef('v_cte_more'::regclass, true) AS pretty;

-- case: agg_order
-- category: ddl
SELECT pg_get_viewdef('v_agg_order'::regclass) AS plain, pg_get_viewdef('v_agg_order'::regclass, true) AS pretty;

-- case: like_escape
-- category: ddl
SELECT pg_get_viewdef('v_like_escape'::regclass) AS plain, pg_get_viewdef('v_like_escape'::regclass, true) AS pretty;

-- case: greatest
-- category: ddl
SELECT pg_get_viewdef('v_greatest'::regclass) AS plain, pg_get_viewdef('v_greatest'::regclass, true) AS pretty;

-- case: group_cast
-- category: ddl
SELECT pg_get_viewdef('v_group_cast'::regclass) AS plain, pg_get_viewdef('v_group_cast'::regclass, true) AS pretty;

-- case: timestamptz
-- category: ddl
SELECT pg_get_viewdef('v_timestamptz'::regclass) AS plain, pg_get_viewdef('v_timestamptz'::regclass, true) AS pretty;

-- case: typmod_same
-- category: ddl
SELECT pg_get_viewdef('v_typmod_same'::regclass) AS plain, pg_get_viewdef('v_typmod_same'::regclass, true) AS pretty;

-- case: null_target
-- category: ddl
SELECT pg_get_viewdef('v_null_target'::regclass) AS plain, pg_get_viewdef('v_null_target'::regclass, true) AS pretty;

-- case: cte_sub
-- category: ddl
SELECT pg_get_viewdef('v_cte_sub'::regclass) AS plain, pg_get_viewdef('v_cte_sub'::regclass, true) AS pretty;

-- case: corr_from_sub
-- category: ddl
SELECT pg_get_viewdef('v_corr_from_sub'::regclass) AS plain, pg_get_viewdef('v_corr_from_sub'::regclass, true) AS pretty;

-- case: order_nulls
-- category: ddl
SELECT pg_get_viewdef('v_order_nulls'::regclass) AS plain, pg_get_viewdef('v_order_nulls'::regclass, true) AS pretty;

-- case: fetch
-- category: ddl
SELECT pg_get_viewdef('v_fetch'::regclass) AS plain, pg_get_viewdef('v_fetch'::regclass, true) AS pretty;

-- case: limit_null
-- category: ddl
SELECT pg_get_viewdef('v_limit_null'::regclass) AS plain, pg_get_viewdef('v_limit_null'::regclass, true) AS pretty;

-- case: bool_case
-- category: ddl
SELECT pg_get_viewdef('v_bool_case'::regclass) AS plain, pg_get_viewdef('v_bool_case'::regclass, true) AS pretty;

-- case: concat2
-- category: ddl
SELECT pg_get_viewdef('v_concat2'::regclass) AS plain, pg_get_viewdef('v_concat2'::regclass, true) AS pretty;

-- case: dates
-- category: ddl
SELECT pg_get_viewdef('v_dates'::regclass) AS plain, pg_get_viewdef('v_dates'::regclass, true) AS pretty;

-- case: deep_bool
-- category: ddl
SELECT pg_get_viewdef('v_deep_bool'::regclass) AS plain, pg_get_viewdef('v_deep_bool'::regclass, true) AS pretty;

-- case: arith_nest
-- category: ddl
SELECT pg_get_viewdef('v_arith_nest'::regclass) AS plain, pg_get_viewdef('v_arith_nest'::regclass, true) AS pretty;

-- case: cast_arith
-- category: ddl
SELECT pg_get_viewdef('v_cast_arith'::regclass) AS plain, pg_get_viewdef('v_cast_arith'::regclass, true) AS pretty;

-- case: string_funcs
-- category: ddl
SELECT pg_get_viewdef('v_string_funcs'::regclass) AS plain, pg_get_viewdef('v_string_funcs'::regclass, true) AS pretty;

-- case: math_funcs
-- category: ddl
SELECT pg_get_viewdef('v_math_funcs'::regclass) AS plain, pg_get_viewdef('v_math_funcs'::regclass, true) AS pretty;

-- case: using_chain
-- category: ddl
SELECT pg_get_viewdef('v_using_chain'::regclass) AS plain, pg_get_viewdef('v_using_chain'::regclass, true) AS pretty;

-- case: star_rel
-- category: ddl
SELECT pg_get_viewdef('v_star_rel'::regclass) AS plain, pg_get_viewdef('v_star_rel'::regclass, true) AS pretty;

-- case: using_ref
-- category: ddl
SELECT pg_get_viewdef('v_using_ref'::regclass) AS plain, pg_get_viewdef('v_using_ref'::regclass, true) AS pretty;

-- case: cross_type_arithmetic
-- category: ddl
SELECT pg_get_viewdef('v_cross_type_arithmetic'::regclass) AS plain, pg_get_viewdef('v_cross_type_arithmetic'::regclass, true) AS pretty;

-- case: numeric_and_string_functions
-- category: ddl
SELECT pg_get_viewdef('v_numeric_and_string_functions'::regclass) AS plain, pg_get_viewdef('v_numeric_and_string_functions'::regclass, true) AS pretty;

-- case: bpchar_and_datetime_operators
-- category: ddl
SELECT pg_get_viewdef('v_bpchar_and_datetime_operators'::regclass) AS plain, pg_get_viewdef('v_bpchar_and_datetime_operators'::regclass, true) AS pretty;

-- case: datetime_functions
-- category: ddl
SELECT pg_get_viewdef('v_datetime_functions'::regclass) AS plain, pg_get_viewdef('v_datetime_functions'::regclass, true) AS pretty;

-- case: aggregate_overloads
-- category: ddl
SELECT pg_get_viewdef('v_aggregate_overloads'::regclass) AS plain, pg_get_viewdef('v_aggregate_overloads'::regclass, true) AS pretty;

-- case: in_lists_of_types
-- category: ddl
SELECT pg_get_viewdef('v_in_lists_of_types'::regclass) AS plain, pg_get_viewdef('v_in_lists_of_types'::regclass, true) AS pretty;

-- case: more_aggregates
-- category: ddl
SELECT pg_get_viewdef('v_more_aggregates'::regclass) AS plain, pg_get_viewdef('v_more_aggregates'::regclass, true) AS pretty;

-- case: enum
-- category: ddl
SELECT pg_get_viewdef('v_enum'::regclass) AS plain, pg_get_viewdef('v_enum'::regclass, true) AS pretty;

-- case: enum_cast
-- category: ddl
SELECT pg_get_viewdef('v_enum_cast'::regclass) AS plain, pg_get_viewdef('v_enum_cast'::regclass, true) AS pretty;

-- case: arrays
-- category: ddl
SELECT pg_get_viewdef('v_arrays'::regclass) AS plain, pg_get_viewdef('v_arrays'::regclass, true) AS pretty;

-- case: sub_union2
-- category: ddl
SELECT pg_get_viewdef('v_sub_union2'::regclass) AS plain, pg_get_viewdef('v_sub_union2'::regclass, true) AS pretty;

-- case: sublink_union
-- category: ddl
SELECT pg_get_viewdef('v_sublink_union'::regclass) AS plain, pg_get_viewdef('v_sublink_union'::regclass, true) AS pretty;

-- case: top_union_names
-- category: ddl
SELECT pg_get_viewdef('v_top_union_names'::regclass) AS plain, pg_get_viewdef('v_top_union_names'::regclass, true) AS pretty;

-- case: top_union_cols
-- category: ddl
SELECT pg_get_viewdef('v_top_union_cols'::regclass) AS plain, pg_get_viewdef('v_top_union_cols'::regclass, true) AS pretty;

-- case: string_type_resolution
-- category: ddl
SELECT pg_get_viewdef('v_string_type_resolution'::regclass) AS plain, pg_get_viewdef('v_string_type_resolution'::regclass, true) AS pretty;

-- case: varchar_text_comparisons
-- category: ddl
SELECT pg_get_viewdef('v_varchar_text_comparisons'::regclass) AS plain, pg_get_viewdef('v_varchar_text_comparisons'::regclass, true) AS pretty;

-- case: simple_case_types
-- category: ddl
SELECT pg_get_viewdef('v_simple_case_types'::regclass) AS plain, pg_get_viewdef('v_simple_case_types'::regclass, true) AS pretty;

-- case: numeric_float_mixing
-- category: ddl
SELECT pg_get_viewdef('v_numeric_float_mixing'::regclass) AS plain, pg_get_viewdef('v_numeric_float_mixing'::regclass, true) AS pretty;

-- case: sublink_and_negative_coercions
-- category: ddl
SELECT pg_get_viewdef('v_sublink_and_negative_coercions'::regclass) AS plain, pg_get_viewdef('v_sublink_and_negative_coercions'::regclass, true) AS pretty;

-- case: negative_arguments
-- category: ddl
SELECT pg_get_viewdef('v_negative_arguments'::regclass) AS plain, pg_get_viewdef('v_negative_arguments'::regclass, true) AS pretty;

-- case: distinct_order_expression
-- category: ddl
SELECT pg_get_viewdef('v_distinct_order_expression'::regclass) AS plain, pg_get_viewdef('v_distinct_order_expression'::regclass, true) AS pretty;

-- case: quoted_names
-- category: ddl
SELECT pg_get_viewdef('v_quoted_names'::regclass) AS plain, pg_get_viewdef('v_quoted_names'::regclass, true) AS pretty;

-- case: by_name_and_wrap_column
-- category: ddl
SELECT pg_get_viewdef('v_star'), pg_get_viewdef('public.v_columns', true), pg_get_viewdef('v_star'::regclass, 60), pg_get_viewdef('v_comma_join'::regclass, 20), pg_get_viewdef('v_case'::regclass, 0);

-- case: not_a_view
-- category: ddl
SELECT pg_get_viewdef(0) IS NULL AS no_object;

-- case: information_schema_views
-- category: ddl
SELECT table_schema, table_name, view_definition FROM information_schema.views WHERE table_schema IN ('public', 'sales') ORDER BY table_name;

-- case: pg_views
-- category: ddl
SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY viewname;

-- case: after_search_path_change
-- category: ddl
-- names are bound when the view is made: a relation off the search_path is qualified
SET search_path = sales;
SELECT pg_catalog.pg_get_viewdef('public.v_inner_join'::regclass, true);

-- case: view_binds_names_at_create
-- category: ddl
CREATE SCHEMA vsp;
CREATE TABLE vsp.vsp_items (id int, label text);
INSERT INTO vsp.vsp_items VALUES (1, 'in vsp');
CREATE TABLE public.vsp_items (id int, label text);
INSERT INTO public.vsp_items VALUES (2, 'in public');
SET search_path = vsp;
CREATE VIEW public.vsp_view AS SELECT id, label FROM vsp_items;
RESET search_path;
SELECT id, label FROM vsp_view;

-- case: view_binds_names_at_create_definition
-- category: ddl
SELECT pg_get_viewdef('vsp_view'::regclass, true);

-- case: view_over_view_binds_names_at_create
-- category: ddl
SET search_path = vsp, public;
CREATE VIEW vsp.vsp_outer AS SELECT v.id FROM vsp_view v JOIN vsp_items i ON i.id = v.id;
RESET search_path;
SELECT id FROM vsp.vsp_outer;
