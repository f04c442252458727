-- setup: ecommerce (setup/ecommerce.sql)
-- Joins along foreign keys (one Kuzu pattern over the REL TABLEs) and aggregates
-- computed by Kuzu (docs/decisions/0009-fk-join-and-aggregate-pushdown.md), next to
-- the cases that must stay in the residual engine.
CREATE TABLE staff (
  id integer PRIMARY KEY,
  boss integer REFERENCES staff (id),
  name text NOT NULL,
  dept text,
  salary bigint,
  rating double precision,
  bonus numeric(8,3),
  hired date
);
INSERT INTO staff VALUES
  (1, NULL, 'Root', 'exec', 9000000000000000000, 4.5, 100.125, '2020-01-01'),
  (2, 1, 'Ann', 'eng', 9000000000000000000, 3.25, 10.5, '2021-03-01'),
  (3, 1, 'Bob', 'ops', 120000, NULL, NULL, NULL),
  (4, 2, 'Cid', 'eng', 95000, 2.75, 0.001, '2022-07-15'),
  (5, 2, 'Dee', NULL, 70000, 1.5, -3.250, '2023-01-09'),
  (6, 4, 'Eve', NULL, NULL, 0.5, 7, '2023-05-30');
-- a foreign key that is NULL for some rows (one multi-row INSERT: see the report on
-- single-row INSERTs in docs/decisions/0009-fk-join-and-aggregate-pushdown.md)
INSERT INTO orders VALUES
  (106, NULL, '2024-05-01 00:00:00', 'new', 'walk-in'),
  (107, NULL, '2024-05-02 00:00:00', 'paid', 'walk-in');
CREATE TABLE nothing (id integer PRIMARY KEY, g text, n integer, v numeric(10,2), f double precision);

-- case: fk_join_two_tables
-- category: joins
SELECT o.id, o.status, c.name, c.country FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id;

-- case: fk_join_parent_first_reversed_equality
-- category: joins
SELECT c.name, o.id FROM customers c JOIN orders o ON c.id = o.customer_id ORDER BY o.id;

-- case: fk_join_three_tables
-- category: joins
SELECT c.name, o.id, i.product_id, i.quantity, i.unit_price FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id ORDER BY o.id, i.product_id;

-- case: fk_join_four_tables_two_parents
-- category: joins
SELECT c.name, p.sku, i.quantity FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id ORDER BY c.name, p.sku;

-- case: fk_join_siblings_share_a_parent
-- category: joins
SELECT o1.id, o2.id FROM orders o1 JOIN customers c ON c.id = o1.customer_id JOIN orders o2 ON o2.customer_id = c.id ORDER BY 1, 2;

-- case: fk_self_join
-- category: joins
SELECT e.name, m.name AS boss FROM staff e JOIN staff m ON m.id = e.boss ORDER BY e.id;

-- case: fk_self_join_two_levels
-- category: joins
SELECT e.name, m.name, g.name FROM staff e JOIN staff m ON m.id = e.boss JOIN staff g ON g.id = m.boss ORDER BY e.id;

-- case: fk_join_extra_on_conjuncts
-- category: joins
SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id AND o.status = 'paid' AND c.vip ORDER BY o.id;

-- case: fk_join_pushed_where_on_parent
-- category: joins
SELECT o.id, o.status FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.id = 2 ORDER BY o.id;

-- case: fk_join_pushed_where_on_child_and_residual
-- category: joins
SELECT c.name, i.quantity FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id WHERE o.status = 'paid' AND i.quantity > 1 ORDER BY c.name, i.quantity;

-- case: fk_join_null_foreign_key_rows_drop_out
-- category: joins
SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id;

-- case: fk_join_after_update_of_foreign_key
-- category: joins
UPDATE orders SET customer_id = 4 WHERE id = 106;
UPDATE orders SET customer_id = NULL WHERE id = 103;
SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id;

-- case: fk_join_after_parent_update_and_rollback
-- category: joins
BEGIN;
UPDATE orders SET customer_id = 6 WHERE id = 100;
ROLLBACK;
UPDATE customers SET name = 'Ada King' WHERE id = 1;
SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id;

-- case: fk_join_inside_transaction_sees_own_writes
-- category: joins
BEGIN;
UPDATE orders SET customer_id = 6 WHERE id = 104;
SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.id = 6;

-- case: fk_join_inside_transaction_rolled_back
-- category: joins
ROLLBACK;
SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.id IN (5, 6);

-- case: comma_join_with_where_equality
-- category: joins
SELECT o.id, c.name FROM orders o, customers c WHERE c.id = o.customer_id AND o.status <> 'new' ORDER BY o.id;

-- case: left_join_along_fk_not_pushed
-- category: joins
SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id ORDER BY c.name, o.id;

-- case: fk_join_select_star
-- category: joins
SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = 104;

-- case: fk_join_in_subquery_and_exists
-- category: joins
SELECT c.name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = c.id AND i.quantity > 2) ORDER BY c.name;

-- case: grouped_join_count_sum_avg_int_numeric
-- category: aggregates
SELECT c.country, count(*), sum(i.quantity), avg(i.quantity), sum(i.unit_price), avg(i.unit_price), min(i.unit_price), max(i.quantity) FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id GROUP BY c.country ORDER BY c.country;

-- case: grouped_join_sum_int_times_numeric
-- category: aggregates
SELECT c.country, count(*) AS items, sum(i.quantity * i.unit_price) AS revenue, avg(i.quantity * i.unit_price) FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id GROUP BY c.country ORDER BY c.country;

-- case: grouped_text_key_with_null_group
-- category: aggregates
SELECT dept, count(*), count(salary), sum(salary), avg(salary), min(name), max(hired) FROM staff GROUP BY dept ORDER BY dept NULLS FIRST;

-- case: grouped_bigint_sum_beyond_int8
-- category: aggregates
SELECT sum(salary), avg(salary), min(salary), max(salary) FROM staff;

-- case: grouped_float_sum_avg
-- category: aggregates
SELECT dept, sum(rating), avg(rating), count(rating) FROM staff GROUP BY dept ORDER BY dept;

-- case: grouped_numeric_scale_three
-- category: aggregates
SELECT boss, sum(bonus), avg(bonus), min(bonus), max(bonus) FROM staff GROUP BY boss ORDER BY boss NULLS LAST;

-- case: numeric_nan_falls_back
-- category: aggregates
UPDATE staff SET bonus = 'NaN' WHERE id = 6;
SELECT boss, sum(bonus), avg(bonus), max(bonus), min(bonus), count(bonus) FROM staff GROUP BY boss ORDER BY boss NULLS LAST;

-- case: grouped_by_two_keys_having_order_limit
-- category: aggregates
SELECT o.status, c.country, count(*), sum(i.quantity) FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id GROUP BY o.status, c.country HAVING count(*) > 1 ORDER BY sum(i.quantity) DESC, o.status LIMIT 2;

-- case: grouped_by_primary_key_dependent_columns
-- category: aggregates
SELECT c.id, c.name, count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id ORDER BY c.id;

-- case: grouped_with_pushed_where
-- category: aggregates
SELECT status, count(*), min(ordered_at) FROM orders WHERE customer_id = 2 GROUP BY status ORDER BY status;

-- case: grouped_join_with_pushed_where_no_match
-- category: aggregates
SELECT count(*), sum(i.quantity), avg(i.unit_price) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = 99;

-- case: aggregates_without_group_by
-- category: aggregates
SELECT count(*), count(product_id), sum(quantity * unit_price), max(unit_price) FROM order_items;

-- case: aggregates_on_empty_table_no_group_by
-- category: aggregates
SELECT count(*), count(n), sum(n), avg(n), sum(v), avg(v), min(g), max(v), sum(f), avg(f) FROM nothing;

-- case: aggregates_on_empty_table_grouped
-- category: aggregates
SELECT g, count(*), sum(n) FROM nothing GROUP BY g;

-- case: grouped_empty_having_without_group_by
-- category: aggregates
SELECT count(*) FROM nothing HAVING count(*) = 0;

-- case: count_distinct_not_pushed
-- category: aggregates
SELECT c.country, count(DISTINCT o.status), count(*) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.country ORDER BY c.country;

-- case: filter_clause_not_pushed
-- category: aggregates
SELECT count(*) FILTER (WHERE quantity > 1), sum(quantity) FILTER (WHERE unit_price < 50) FROM order_items;

-- case: grouped_window_over_pushed_groups
-- category: aggregates
SELECT status, count(*), rank() OVER (ORDER BY count(*) DESC, status) FROM orders GROUP BY status ORDER BY status;

-- case: grouped_in_correlated_subquery
-- category: aggregates
SELECT c.name, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c ORDER BY c.id;

-- case: grouped_char_key
-- category: aggregates
SELECT country, count(*), max(created) FROM customers GROUP BY country ORDER BY country;

-- case: comma_join_three_tables_fk_in_where
-- category: joins
SELECT c.name, o.id, i.quantity FROM customers c, orders o, order_items i WHERE o.customer_id = c.id AND i.order_id = o.id AND i.quantity >= 2 ORDER BY o.id, i.quantity;

-- case: comma_join_grouped_in_kuzu
-- category: aggregates
SELECT c.country, count(*), sum(i.quantity * i.unit_price) FROM customers c, orders o, order_items i WHERE o.customer_id = c.id AND i.order_id = o.id GROUP BY c.country ORDER BY c.country;

-- case: comma_join_fk_equality_under_or_not_pushed
-- category: joins
SELECT o.id, c.id FROM orders o, customers c WHERE c.id = o.customer_id OR (o.customer_id IS NULL AND c.id = 1) ORDER BY o.id, c.id;

-- case: update_from_fk_join
-- category: joins
UPDATE products SET stock = stock + i.quantity FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.product_id = products.id AND o.status = 'shipped' RETURNING products.id, products.stock;

-- case: delete_using_fk_join
-- category: joins
DELETE FROM order_items USING orders o JOIN customers c ON c.id = o.customer_id WHERE order_items.order_id = o.id AND c.name = 'Grace Hopper' RETURNING order_items.order_id, order_items.product_id;

-- case: joins_after_dml_through_joins
-- category: joins
SELECT c.name, count(*), sum(i.quantity) FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id GROUP BY c.name ORDER BY c.name;
