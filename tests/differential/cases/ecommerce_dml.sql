-- setup: ecommerce (setup/ecommerce.sql)

-- case: insert_single_row_tag
-- category: dml
INSERT INTO customers VALUES (7, 'Frances Allen', 'fran@example.org', 'US', '2024-04-01', false);

-- case: insert_multi_row_tag
-- category: dml
INSERT INTO customers (id, name, country) VALUES (8, 'Ken Thompson', 'US'), (9, 'Dennis Ritchie', 'US'), (10, 'Niklaus Wirth', 'CH');

-- case: insert_column_subset_defaults
-- category: dml
SELECT id, name, email, country, created, vip FROM customers WHERE id >= 8 ORDER BY id;

-- case: insert_default_keyword
-- category: dml
INSERT INTO products (id, sku, name, category, price, stock) VALUES (DEFAULT, 'WC-01', 'Webcam', 'peripherals', 59.00, DEFAULT);
SELECT id, sku, stock FROM products WHERE sku = 'WC-01';

-- case: insert_default_values
-- category: dml
CREATE TABLE audit (id serial PRIMARY KEY, action text DEFAULT 'noop', ok boolean DEFAULT true);
INSERT INTO audit DEFAULT VALUES;
INSERT INTO audit DEFAULT VALUES;
SELECT id, action, ok FROM audit ORDER BY id;

-- case: insert_returning_star
-- category: dml
INSERT INTO products (sku, name, category, price) VALUES ('SP-02', 'Speakers', 'audio', 120.50) RETURNING *;

-- case: insert_returning_expressions
-- category: dml
INSERT INTO products (sku, name, price, stock) VALUES ('MIC-1', 'Microphone', 75.25, 4), ('MIC-2', 'Mic Arm', 30.00, 9) RETURNING id, upper(sku) AS code, price * stock AS inventory_value;

-- case: insert_select
-- category: dml
CREATE TABLE customer_archive (id integer PRIMARY KEY, name text, country char(2));
INSERT INTO customer_archive SELECT id, name, country FROM customers WHERE country = 'US';

-- case: insert_select_contents
-- category: dml
SELECT id, name, country FROM customer_archive ORDER BY id;

-- case: insert_select_with_expressions
-- category: dml
CREATE TABLE order_totals (order_id integer PRIMARY KEY, total numeric(12,2));
INSERT INTO order_totals SELECT order_id, sum(quantity * unit_price) FROM order_items GROUP BY order_id;
SELECT order_id, total FROM order_totals ORDER BY order_id;

-- case: insert_select_returning
-- category: dml
INSERT INTO customer_archive SELECT id, name, country FROM customers WHERE country = 'GB' RETURNING id, name;

-- case: on_conflict_do_nothing
-- category: dml
INSERT INTO customers (id, name) VALUES (1, 'Ignored'), (11, 'Barbara Walker') ON CONFLICT DO NOTHING;

-- case: on_conflict_do_nothing_target
-- category: dml
INSERT INTO customers (id, name) VALUES (11, 'Ignored again') ON CONFLICT (id) DO NOTHING RETURNING id;

-- case: on_conflict_do_update_excluded
-- category: dml
INSERT INTO products (sku, name, price, stock) VALUES ('KB-01', 'Keyboard', 44.90, 5)
  ON CONFLICT (sku) DO UPDATE SET stock = products.stock + EXCLUDED.stock, price = EXCLUDED.price
  RETURNING sku, price, stock;

-- case: on_conflict_do_update_where_false
-- category: dml
INSERT INTO products (sku, name, price, stock) VALUES ('MS-01', 'Mouse', 25.00, 1)
  ON CONFLICT (sku) DO UPDATE SET price = EXCLUDED.price WHERE products.price > 100
  RETURNING sku, price;

-- case: on_conflict_do_update_insert_path
-- category: dml
INSERT INTO products (sku, name, price, stock) VALUES ('TB-01', 'Tablet', 399.00, 2)
  ON CONFLICT (sku) DO UPDATE SET stock = products.stock + 1
  RETURNING sku, name, stock;

-- case: on_conflict_same_row_twice
-- category: dml
INSERT INTO products (sku, name, price) VALUES ('DUP-1', 'A', 1.00), ('DUP-1', 'B', 2.00)
  ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name;

-- case: on_conflict_no_matching_constraint
-- category: dml
INSERT INTO products (sku, name, price) VALUES ('NM-1', 'Nope', 1.00) ON CONFLICT (name) DO NOTHING;

-- case: update_tag_count
-- category: dml
UPDATE products SET stock = stock + 1 WHERE category = 'peripherals';

-- case: update_no_rows
-- category: dml
UPDATE products SET stock = 0 WHERE id < 0;

-- case: update_multiple_columns_returning
-- category: dml
UPDATE orders SET status = 'shipped', note = coalesce(note, '') || ' [shipped]' WHERE id IN (100, 104) RETURNING id, status, note;

-- case: update_uses_old_values
-- category: dml
CREATE TABLE pairs (a integer, b integer);
INSERT INTO pairs VALUES (1, 2), (3, 4);
UPDATE pairs SET a = b, b = a;
SELECT a, b FROM pairs ORDER BY a;

-- case: update_with_subquery
-- category: dml
UPDATE customers SET vip = true WHERE id IN (SELECT customer_id FROM orders GROUP BY customer_id HAVING count(*) >= 2) RETURNING id, vip;

-- case: update_from
-- category: dml
UPDATE order_items i SET unit_price = p.price FROM products p WHERE p.id = i.product_id AND i.order_id = 104 RETURNING i.order_id, i.product_id, i.unit_price;

-- case: update_from_aggregate
-- category: dml
UPDATE order_totals t SET total = s.total FROM (SELECT order_id, sum(quantity * unit_price) AS total FROM order_items GROUP BY order_id) s WHERE s.order_id = t.order_id AND s.total <> t.total;
SELECT order_id, total FROM order_totals WHERE order_id = 104;

-- case: update_set_default
-- category: dml
UPDATE orders SET status = DEFAULT WHERE id = 105 RETURNING id, status;

-- case: update_numeric_arithmetic
-- category: dml
UPDATE products SET price = price * 1.1 WHERE id = 2 RETURNING price;

-- case: delete_tag
-- category: dml
DELETE FROM order_items WHERE quantity >= 10;

-- case: delete_returning
-- category: dml
DELETE FROM customer_archive WHERE country = 'GB' RETURNING id, name;

-- case: delete_using
-- category: dml
DELETE FROM order_items i USING orders o WHERE o.id = i.order_id AND o.status = 'cancelled' RETURNING i.order_id, i.product_id;

-- case: delete_with_subquery
-- category: dml
DELETE FROM customers WHERE id NOT IN (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL) AND id > 3 RETURNING id;

-- case: delete_all_rows
-- category: dml
DELETE FROM customer_archive;

-- case: truncate_table
-- category: dml
TRUNCATE order_totals;
SELECT count(*) FROM order_totals;

-- case: truncate_cascade
-- category: dml
TRUNCATE orders CASCADE;
SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_items) AS items;

-- case: insert_into_missing_table
-- category: dml
INSERT INTO nowhere VALUES (1);

-- case: insert_missing_column
-- category: dml
INSERT INTO customers (id, nickname) VALUES (70, 'x');

-- case: insert_too_many_values
-- category: dml
INSERT INTO customers (id, name) VALUES (71, 'a', 'b');

-- case: insert_text_into_date
-- category: dml
INSERT INTO customers (id, name, created) VALUES (72, 'Bad Date', '2024-02-30');

-- case: insert_after_all_changes
-- category: dml
INSERT INTO orders VALUES (300, 2, '2024-06-01 12:00:00', 'new', NULL);
INSERT INTO order_items VALUES (300, 1, 2, 44.90);
SELECT o.id, o.status, i.product_id, i.quantity FROM orders o JOIN order_items i ON i.order_id = o.id ORDER BY o.id, i.product_id;
