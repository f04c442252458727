-- setup: ecommerce (setup/ecommerce.sql)
-- numeric(p <= 18, s) columns are stored as scaled integers (decision 0014): values,
-- NaN, signs, the widest precision, sums beyond bigint, grouping and ordering by them,
-- and the columns that keep their text form (unconstrained numeric, p > 18).
CREATE TABLE amounts (
  id integer PRIMARY KEY,
  grp text,
  small numeric(3,3),
  wide numeric(18,0),
  money numeric(12,2),
  whole numeric(5),
  big numeric(30,4),
  free numeric
);
INSERT INTO amounts VALUES
  (1, 'a', 0.125, 999999999999999999, 12.5, 99999, 123456789012345678901234.5678, 1.5e-20),
  (2, 'a', -0.999, 999999999999999999, -0.01, -99999, -1, 'NaN'),
  (3, 'b', 0, -999999999999999999, 0, 0, 0.00005, 123),
  (4, 'b', NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 'c', 0.001, 1, 1234567890.99, 1, 2, -0.0);

-- case: scaled_values_roundtrip
-- category: queries
SELECT id, small, wide, money, whole, big, free FROM amounts ORDER BY id;

-- case: scaled_rounding_on_insert
-- category: queries
INSERT INTO amounts (id, money, whole, small) VALUES (6, 2.345, 2.5, 0.0005), (7, -2.345, -2.5, -0.0005);
SELECT id, money, whole, small FROM amounts WHERE id >= 6 ORDER BY id;

-- case: scaled_out_of_range
-- category: queries
INSERT INTO amounts (id, money) VALUES (8, 12345678901);

-- case: scaled_infinity_rejected
-- category: queries
INSERT INTO amounts (id, money) VALUES (9, 'Infinity');

-- case: scaled_sum_beyond_bigint
-- category: aggregates
SELECT sum(wide), avg(wide), min(wide), max(wide), count(wide) FROM amounts;

-- case: scaled_group_by_and_aggregates
-- category: aggregates
SELECT grp, sum(money), avg(money), min(small), max(small), sum(whole) FROM amounts GROUP BY grp ORDER BY grp;

-- case: scaled_group_by_numeric_key
-- category: aggregates
INSERT INTO amounts (id, grp, money) VALUES (10, 'd', 12.50), (11, 'e', -0.01);
SELECT money, count(*), min(id) FROM amounts GROUP BY money ORDER BY money NULLS FIRST;

-- case: scaled_nan_in_group
-- category: aggregates
UPDATE amounts SET money = 'NaN' WHERE id = 3;
SELECT grp, sum(money), max(money), min(money), count(money) FROM amounts GROUP BY grp ORDER BY grp;

-- case: scaled_nan_group_key_and_order
-- category: aggregates
UPDATE amounts SET money = 'NaN' WHERE id IN (3, 5);
SELECT money, count(*) FROM amounts GROUP BY money ORDER BY money;

-- case: scaled_filters_and_order
-- category: queries
SELECT id, money FROM amounts WHERE money > 0 AND money <> 12.5 OR money = -0.01 ORDER BY money DESC, id;

-- case: scaled_equality_with_more_digits
-- category: queries
SELECT id FROM amounts WHERE money = 12.501 OR money = 12.50 ORDER BY id;

-- case: scaled_update_arithmetic
-- category: dml
UPDATE amounts SET money = money * 3 / 7, whole = whole + 1 WHERE id IN (1, 2) RETURNING id, money, whole;

-- case: scaled_int_times_numeric_sum
-- category: aggregates
SELECT o.status, sum(i.quantity * i.unit_price), avg(i.quantity * i.unit_price) FROM orders o JOIN order_items i ON i.order_id = o.id GROUP BY o.status ORDER BY o.status;

-- case: scaled_add_column_with_default
-- category: ddl
ALTER TABLE amounts ADD COLUMN fee numeric(6,2) DEFAULT 1.255 NOT NULL;
SELECT id, fee, sum(fee) OVER () FROM amounts ORDER BY id;

-- case: scaled_unique_and_check
-- category: constraints
CREATE TABLE prices (sku text PRIMARY KEY, p numeric(8,2) UNIQUE CHECK (p > 0));
INSERT INTO prices VALUES ('a', 1.00), ('b', 2.5);
INSERT INTO prices VALUES ('c', 1);

-- case: scaled_check_violation
-- category: constraints
CREATE TABLE prices2 (sku text PRIMARY KEY, p numeric(8,2) CHECK (p > 0));
INSERT INTO prices2 VALUES ('a', -0.004);
