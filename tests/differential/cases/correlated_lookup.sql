-- Correlated subqueries whose WHERE equates a column of an uncorrelated FROM with an
-- outer column: kuzugres indexes the FROM's rows once per run (query.py _OuterKey).
-- setup
CREATE TABLE parent (id integer PRIMARY KEY, code text, big bigint);
CREATE TABLE child (id integer PRIMARY KEY, parent_id bigint, code text, n integer);
INSERT INTO parent VALUES (1, 'a', 10), (2, 'b', NULL), (3, NULL, 30), (4, 'd', 40);
INSERT INTO child VALUES (1, 1, 'a', 5), (2, 1, 'b', 6), (3, 3, NULL, 7), (4, NULL, 'a', 8), (5, 4, 'd', NULL);

-- case: scalar_count_by_int8_key
-- category: subqueries
SELECT p.id, (SELECT count(*) FROM child c WHERE c.parent_id = p.id) FROM parent p ORDER BY p.id;

-- case: scalar_sum_with_more_conjuncts
-- category: subqueries
SELECT p.id, (SELECT sum(c.n) FROM child c WHERE p.id = c.parent_id AND c.n > 5) FROM parent p ORDER BY p.id;

-- case: text_key_with_nulls
-- category: subqueries
SELECT p.id, (SELECT array_agg(c.id ORDER BY c.id) FROM child c WHERE c.code = p.code) FROM parent p ORDER BY p.id;

-- case: key_over_a_join
-- category: subqueries
SELECT p.id, (SELECT count(*) FROM child c JOIN parent q ON q.id = c.parent_id WHERE q.big = p.big) FROM parent p ORDER BY p.id;

-- case: exists_by_key
-- category: subqueries
SELECT p.id FROM parent p WHERE EXISTS (SELECT 1 FROM child c WHERE c.parent_id = p.id AND c.code IS NOT NULL) ORDER BY p.id;

-- case: catalog_row_type_columns
-- category: subqueries
SELECT t.typname, (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a JOIN pg_class c ON a.attrelid = c.oid WHERE a.attnum > 0 AND NOT a.attisdropped AND c.reltype = t.oid) FROM pg_type t WHERE t.typname IN ('pg_am', 'schemata', 'pg_statistic', 'pg_cursors') ORDER BY 1;
